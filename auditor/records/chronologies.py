"""One child's rows, as the mapping says, made into a chronology in the usual format.

Each entry cites its table, row and field, so that a finding's evidence leads back to the record. The date of
birth is not kept: each entry's text gives the child's age on its day instead. A date the record lacks, where
the mapping says what it would have been between, dates the entry to that range and names what is missing
(`attrs.unrecorded`): the audit then calls the standard it decides "not evaluable", a finding about the
record rather than about practice.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import Problem
from .mapping import EventMap, Join, RecordFormat
from .rows import RecordRow
from .values import NotADate, flag, normalised, record_day


class ChildProblem(Exception):
    """This child's record cannot be made a chronology; the others go on."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def build(case_id: str, rows: list[RecordRow], fmt: RecordFormat, as_at: date,
          area: str | None = None) -> dict[str, Any] | None:
    """The chronology of one child, or None if the record holds no entry for them."""
    birth = _birth(rows, fmt)
    events: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for mapped in fmt.tables:
        if mapped.join is not None:
            rows = [_joined(r, rows, mapped.join) if r.table == mapped.table else r for r in rows]
        table_events: list[tuple[EventMap, dict[str, Any], RecordRow]] = []
        group_rows: dict[tuple[int, str], int] = {}  # (entry, once_per value) -> rows, for `ends`
        lines: dict[int, int] = {}  # rows read from one line (an XML return's review dates): told apart
        for row in (r for r in rows if r.table == mapped.table):
            lines[row.row] = lines.get(row.row, 0) + 1
            place = f"{row.row}" if lines[row.row] == 1 else f"{row.row}.{lines[row.row]}"
            made: dict[str, str] = {}  # type -> id, for the links between entries of one row
            row_events = []
            for k, em in enumerate(mapped.events, 1):
                if em.once_per:
                    key = (id(em), row.fields.get(em.once_per, "").strip())
                    group_rows[key] = group_rows.get(key, 0) + 1
                try:
                    event = _entry(em, f"{place}-{k}", row, as_at, birth)
                except NotADate as exc:
                    problems.append(Problem(row.file, row.row, em.date or "", str(exc)))
                    continue
                if event is None:
                    continue
                made.setdefault(em.type, event["id"])
                row_events.append((em, event))
            for em, event in row_events:
                links = {rel: [made[t]] for rel, t in em.link.items() if t in made}
                if links:
                    event["links"] = links
                table_events.append((em, event, row))
        events.extend(_numbered(_once(table_events, group_rows)))
    _from_first_entry(events)
    late = [e for e in events if _last_day(e) > as_at]
    for e in late[:1]:
        problems.append(Problem(e["source"]["document"], e["source"]["row"], e["source"]["note"],
                                f"dated {_first_day(e):%d/%m/%Y}, after the extract's date ({as_at:%d/%m/%Y})"))
    if problems:
        raise ChildProblem(problems)
    if not events:
        return None
    events.sort(key=lambda e: (_first_day(e), e["id"]))
    start = min(_first_day(e) for e in events)
    case: dict[str, Any] = {
        "id": case_id, "title": f"{case_id} ({fmt.title} extract)", "jurisdiction": "england",
        "scoping": {"from": start.isoformat(), "to": as_at.isoformat()},
        "sources": {name: {"title": f"{fmt.title} extract, {name}"} for name in sorted({r.file for r in rows})},
        "people": [{"id": "child", "role": "child", "pseudonym": case_id}],
        "agencies": [fmt.agency],
    }
    if area:
        case["area"] = area
    for e in events:
        e["agency"] = fmt.agency
        e["people"] = ["child"]
    return {"case": case, "events": events}


def _entry(em: EventMap, place: str, row: RecordRow, as_at: date, birth: date | None) -> dict[str, Any] | None:
    if any(normalised(row.fields.get(f)) not in {normalised(v) for v in allowed} for f, allowed in em.only_if.items()):
        return None
    day = _day(row, em.date) if em.date else None
    attrs: dict[str, Any] = dict(em.attrs)
    note = em.date or ""
    if day is not None:
        when: Any = day.isoformat()
        text_day = day
    elif em.if_missing is not None and em.if_missing.earliest is None:  # dated from the child's first entry
        when = {"earliest": None, "latest": as_at.isoformat(), "as_written": f"not recorded ({em.if_missing.unrecorded})"}
        attrs["unrecorded"] = em.if_missing.unrecorded
        text_day = None
    elif em.if_missing is not None and (earliest := _day(row, em.if_missing.earliest)) is not None:
        latest = _day(row, em.if_missing.latest) if em.if_missing.latest else as_at
        if latest is None:  # nothing says it was ever done: the work may still be under way
            return None
        when = {"earliest": earliest.isoformat(), "latest": max(earliest, latest).isoformat(),
                "as_written": f"not recorded ({em.if_missing.unrecorded}); after {earliest:%d/%m/%Y}"}
        attrs["unrecorded"] = em.if_missing.unrecorded
        note, text_day = em.if_missing.earliest, earliest
    else:
        return None
    for attr, name in em.flags.items():
        answer = flag(row.fields.get(name))
        if answer is not None:
            attrs[attr] = answer
    for attr, mapped in em.values.items():
        value = mapped.map.get(normalised(row.fields.get(mapped.field)))
        if value is not None:
            attrs[attr] = value
    table = re.sub(r"[^a-z0-9]+", "-", row.table.removeprefix("ssd_").lower()).strip("-")
    event: dict[str, Any] = {"id": f"{table}-{place}", "date": when, "type": em.type,
                             "source": {"document": row.file, "section": row.sheet or row.table, "row": row.row,
                                        "note": note},
                             "summary": f"{em.summary}{_age(birth, text_day) if text_day else ''}."}
    if attrs:
        event["attrs"] = attrs
    return event


def _once(table_events: list[tuple[EventMap, dict[str, Any], RecordRow]],
          group_rows: dict[tuple[int, str], int]) -> list[tuple[EventMap, dict[str, Any], RecordRow]]:
    """An entry made `once_per` a field's value is made once for all its rows (a period of care, not each of its
    placements): at the earliest row's date; or, for an entry that `ends` the group, at the latest, and only when
    every row of the group has that date (a period with an episode still open has not ended)."""
    kept: dict[tuple[int, str], tuple[EventMap, dict[str, Any], RecordRow]] = {}
    made: dict[tuple[int, str], int] = {}
    out = []
    for item in table_events:
        em, event, row = item
        if em.once_per is None:
            out.append(item)
            continue
        key = (id(em), row.fields.get(em.once_per, "").strip())
        made[key] = made.get(key, 0) + 1
        later = _first_day(event) > _first_day(kept[key][1]) if key in kept else True
        if key not in kept or later == em.ends:
            kept[key] = item
    return out + [item for key, item in kept.items() if not item[0].ends or made[key] == group_rows[key]]


def _numbered(table_events: list[tuple[EventMap, dict[str, Any], RecordRow]]) -> list[dict[str, Any]]:
    """`number_within`: the first, second... entry in date order within the field's value (a period of care)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for em, event, row in table_events:
        if em.number_within:
            groups.setdefault((em.type, row.fields.get(em.number_within, "").strip()), []).append(event)
    for group in groups.values():
        for n, event in enumerate(sorted(group, key=lambda e: (_first_day(e), e["id"])), 1):
            event.setdefault("attrs", {})["review_number"] = n
    return [event for _, event, _ in table_events]


def _birth(rows: list[RecordRow], fmt: RecordFormat) -> date | None:
    """The child's date of birth, from their row in the people's table; where there is none (Annex A), from the
    first row that gives it. A child with no row in the people's table, or two, cannot be built."""
    if fmt.person.table is None:  # the reader has checked every row's date of birth
        return next((d for r in rows if fmt.person.birth and (d := _day(r, fmt.person.birth)) is not None), None)
    people = [r for r in rows if r.table == fmt.person.table]
    if not people:
        first = rows[0]
        raise ChildProblem([Problem(first.file, first.row, first.table,
                                    f"the child has no row in {fmt.person.table}")])
    if len(people) > 1:
        raise ChildProblem([Problem(p.file, p.row, fmt.person.id, f"the child has {len(people)} rows in "
                                    f"{fmt.person.table} (rows {', '.join(str(q.row) for q in people)})")
                            for p in people[1:2]])
    return _day(people[0], fmt.person.birth) if fmt.person.birth else None


def _joined(row: RecordRow, rows: list[RecordRow], join: Join) -> RecordRow:
    """The row with the fields of the joined table's row of the same child that matches it (its own win)."""
    match = next((r for r in rows if r.table == join.table and all(
        r.fields.get(theirs, "").strip() == row.fields.get(ours, "").strip() != "" for ours, theirs in join.match.items())),
        None)
    return row if match is None else RecordRow(row.table, row.file, row.row, row.person, {**match.fields, **row.fields},
                                               row.sheet)


def _from_first_entry(events: list[dict[str, Any]]) -> None:
    """An entry whose date is unrecorded and bounded by nothing in its row runs from the child's first entry."""
    open_from = [e for e in events if isinstance(e["date"], dict) and e["date"]["earliest"] is None]
    if not open_from:
        return
    dated = [_first_day(e) for e in events if e not in open_from]
    for e in open_from:
        if dated:
            e["date"]["earliest"] = min(dated).isoformat()
        else:
            events.remove(e)


def _day(row: RecordRow, name: str | None) -> date | None:
    return record_day(row.fields.get(name)) if name else None


def _first_day(event: dict[str, Any]) -> date:
    when = event["date"]
    return date.fromisoformat(when["earliest"] if isinstance(when, dict) else when)


def _last_day(event: dict[str, Any]) -> date:
    when = event["date"]
    return date.fromisoformat(when["latest"] if isinstance(when, dict) else when)


def _age(birth: date | None, day: date) -> str:
    """The child's age on the day, in whole years, in place of the date of birth."""
    if birth is None:
        return ""
    if day < birth:
        return " (before the child's birth)"
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return f" (child aged {years})"
