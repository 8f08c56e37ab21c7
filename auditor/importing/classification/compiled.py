"""The rule file compiled: patterns with their actions in each context, cues, and link rules.

Built once by `loading`, and read by `classifier` for every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...chronology.vocabulary import AttributeDef


@dataclass(frozen=True)
class LinkRule:
    """An event of one of `source` types is linked by `rel` to the next (`nearest: after`) or the latest earlier
    (`before`) event of one of `target` types."""

    rel: str
    source: frozenset[str]
    target: frozenset[str]
    nearest: str = "after"


@dataclass(frozen=True, slots=True)
class _Cues:
    """One context's cues as word sequences: before-cues by their last word, after-cues by their first."""

    window: int
    before: dict[str, tuple[tuple[str, ...], ...]]
    after_window: int
    after: dict[str, tuple[tuple[str, ...], ...]]
    exceptions: dict[str, tuple[tuple[str, ...], ...]]  # by first word


@dataclass(frozen=True, slots=True)
class _Collect:
    attr: str
    scope: str
    within: int
    remove: bool
    is_list: bool


@dataclass(frozen=True, slots=True)
class _Action:
    type: str | None
    scalars: tuple[tuple[str, Any], ...]
    add: tuple[tuple[str, tuple[str, ...]], ...]
    remove: tuple[tuple[str, tuple[str, ...]], ...]
    collect: tuple[_Collect, ...]
    row_agency: tuple[str, ...]
    captures: bool  # the pattern's own actions: regex named groups set attributes too


@dataclass(frozen=True, slots=True)
class _Regex:
    regex: re.Pattern[str]
    captures: tuple[tuple[str, AttributeDef], ...]


@dataclass(frozen=True, slots=True)
class _Pattern:
    id: str
    index: int
    priority: int
    regexes: tuple[_Regex, ...]
    agencies: frozenset[str] | None
    not_agencies: frozenset[str]
    for_types: frozenset[str] | None
    near: int | None
    value_map: dict[str, Any]
    positive: _Action
    negated: _Action | None
    planned: _Action | None
    referenced: _Action | None
    context_matters: frozenset[str]  # contexts in which this pattern acts differently (the rest are not checked)

    @property
    def gives_type(self) -> bool:
        return any(a is not None and a.type is not None for a in (self.positive, self.negated, self.planned,
                                                                  self.referenced))

    def allowed(self, agency: str | None) -> bool:
        if self.agencies is not None and agency not in self.agencies:
            return False
        return agency not in self.not_agencies
