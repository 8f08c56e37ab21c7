"""The attributes a row's occurrences set (step 5 of reading a row).

A scalar comes from the highest-priority pattern (ties: the earlier pattern in the file, then the
earlier occurrence in the text); a list is the union of what was added, less what was removed.
Agencies are collected from the clause, or just before or after a phrase; values are captured from an
author's regex by its named groups.
"""

from __future__ import annotations

import re
from typing import Any

from ...chronology.vocabulary import AttributeDef
from .compiled import _Collect
from .row import _Occurrence, _Row


def _effects(row: _Row, occurrences: list[_Occurrence], final_type: str | None, anchors: list[_Occurrence],
             agency: str | None, given: bool, list_attrs: frozenset[str]) -> tuple[dict[str, Any], set[int]]:
    """The row's attributes (keys sorted) and the patterns that set any: every occurrence whose type agrees
    with the row's; `anchors` are the occurrences that gave the type, `list_attrs` the list attributes."""
    scalars: dict[str, tuple[tuple[int, int, int], Any]] = {}
    added: dict[str, set[str]] = {}
    removed: dict[str, set[str]] = {}
    defaults: list[str] = []
    fired: set[int] = set()
    anywhere = given and not anchors  # a type column and no phrase of its type: `near` cannot be measured
    for occ in occurrences:
        action, pattern = occ.action, occ.pattern
        if action is None or (action.type is not None and action.type != final_type):
            continue
        if pattern.for_types is not None and final_type not in pattern.for_types:
            continue
        if pattern.near is not None and not anywhere and not _is_near(occ, anchors, pattern.near):
            continue
        fired.add(pattern.index)
        rank = (pattern.priority, -pattern.index, -occ.start)
        for name, value in (*action.scalars, *occ.captured):
            if name not in scalars or rank > scalars[name][0]:
                scalars[name] = (rank, value)
        for name, values in action.add:
            added.setdefault(name, set()).update(values)
        for name, values in action.remove:
            removed.setdefault(name, set()).update(values)
            added.setdefault(name, set())
        for spec in action.collect:
            names = _collected(row, occ, spec)
            if not names:
                continue
            if spec.is_list:
                (removed if spec.remove else added).setdefault(spec.attr, set()).update(names)
                added.setdefault(spec.attr, set())
            elif spec.attr not in scalars or rank > scalars[spec.attr][0]:
                scalars[spec.attr] = (rank, names[0])
        defaults.extend(action.row_agency)
    if agency is not None:
        for name in defaults:
            if name in list_attrs:
                added.setdefault(name, set()).add(agency)
            elif name not in scalars:
                scalars[name] = ((-(10**9), 0, 0), agency)
    attrs: dict[str, Any] = {name: value for name, (_, value) in scalars.items()}
    for name, values in added.items():
        attrs[name] = sorted(values - removed.get(name, set()))
    return {name: attrs[name] for name in sorted(attrs)}, fired


def _is_near(occ: _Occurrence, anchors: list[_Occurrence], near: int) -> bool:
    """Within `near` words of a phrase that gave the row its type, in the same clause."""
    for anchor in anchors:
        if anchor.clause != occ.clause:
            continue
        if occ.first >= anchor.stop:
            between = occ.first - anchor.stop
        elif anchor.first >= occ.stop:
            between = anchor.first - occ.stop
        else:
            return True  # they overlap
        if between <= near:
            return True
    return False


def _collected(row: _Row, occ: _Occurrence, spec: _Collect) -> list[str]:
    """Agencies named in the occurrence's clause, or just after or before it, nearest first."""
    first, last = occ.clause
    out: list[str] = []
    if spec.scope == "clause":
        out = [m.agency for m in row.mentions if m.start >= first and m.end <= last and not m.place]
    elif spec.scope == "after":
        out = [m.agency for m in row.mentions if occ.end <= m.start < last and m.first - occ.stop <= spec.within]
    else:
        out = [m.agency for m in reversed(row.mentions)
               if first <= m.start and m.end <= occ.start and occ.first - m.stop <= spec.within]
    return list(dict.fromkeys(out))


def _captured(m: re.Match[str], captures: tuple[tuple[str, AttributeDef], ...],
              value_map: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Named groups of an author's regex, converted to the attribute's type; a value that does not fit is dropped."""
    out = []
    for name, definition in captures:
        raw = m.group(name)
        if raw is None:
            continue
        key = " ".join(raw.lower().split())
        value: Any = value_map.get(key, key)
        if definition.type == "integer" and isinstance(value, str):
            value = int(value) if value.isdigit() else None
        elif definition.type == "text":
            value = str(value)
        fits = {"enum": value in definition.values, "bool": isinstance(value, bool)}.get(definition.type, True)
        if value is not None and fits:
            out.append((name, value))
    return tuple(out)
