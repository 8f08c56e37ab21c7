"""Pydantic models of a case chronology (see docs/chronology-format.md).

Structure is checked here; names (event types, agencies, attributes) are checked
against the vocabulary by `auditor.chronology.loader`, because the vocabulary is
data that ships with the rulebook.
"""

from __future__ import annotations

import re
from functools import cached_property
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .dates import EventDate, in_range, parse_day

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")


def _once(values: list[Any]) -> list[Any]:
    """A list of ids with repeats removed, in order. A target named twice means it once, and the rule engine's C
    core corrupts its heap on a fact that joins the same target twice (`links: {for: [E11, E11]}`)."""
    seen: set[str] = set()
    out = []
    for value in values:
        key = value if isinstance(value, str) else repr(value)  # not an id: validation reports it
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a valid id (letters, digits, - _ . ; starting with a letter or digit)")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Strict):
    """Where a statement comes from: a document key and its paragraphs (or rows, for imports)."""

    document: str
    paras: list[int | str] = Field(default_factory=list)
    section: str | None = None
    row: int | None = None
    note: str | None = None

    def human(self) -> str:
        parts = [self.document]
        if self.section:
            parts.append(self.section)
        if self.paras:
            label = "para" if len(self.paras) == 1 else "paras"
            parts.append(f"{label} {', '.join(str(p) for p in self.paras)}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        return " ".join(parts)


class SourceDocument(_Strict):
    title: str
    date: str | None = None


class Person(_Strict):
    id: str
    role: str
    pseudonym: str
    # Other names the free text may use for this person (real names, nicknames). Replaced by the
    # pseudonym under `auditor report --redact`; never printed by the auditor.
    names: list[str] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)


class Scoping(_Strict):
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _day(cls, value: Any) -> date:
        return in_range(parse_day(value))

    @model_validator(mode="after")
    def _order(self) -> "Scoping":
        if self.end < self.start:
            raise ValueError("scoping period ends before it starts")
        return self


class CaseFact(_Strict):
    value: bool | int | str
    source: Source | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {"value": value}


class Case(_Strict):
    id: str
    title: str
    jurisdiction: str
    area: str | None = None
    scoping: Scoping
    sources: dict[str, SourceDocument] = Field(default_factory=dict)
    people: list[Person] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list)
    facts: dict[str, CaseFact] = Field(default_factory=dict)

    _id = field_validator("id")(_check_id)


# `classified_by` of an imported entry whose type and attributes the panel confirmed or corrected in a review
# sheet (auditor.importing.review), rather than the classification patterns that set them.
PANEL = "panel"


class Event(_Strict):
    id: str
    date: EventDate
    agency: str
    recorded_by: str | None = None
    author: str | None = None
    type: str
    people: list[str] = Field(default_factory=list)
    attrs: dict[str, Any] = Field(default_factory=dict)
    links: dict[str, list[str]] = Field(default_factory=dict)
    same_event_as: list[str] = Field(default_factory=list)
    source: Source
    summary: str = ""
    # From `auditor import`: the classification patterns that gave the type and attributes
    # ("column" when the table's own type column did), and the panel's analysis of the row.
    # Shown to readers; no rule reads them.
    classified_by: list[str] = Field(default_factory=list)
    analysis: str = ""

    _id = field_validator("id")(_check_id)

    @field_validator("links", mode="before")
    @classmethod
    def _links_as_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _once(v if isinstance(v, list) else [v]) for k, v in value.items()}
        return value

    @field_validator("same_event_as", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _once(value if isinstance(value, list) else [value])

    @property
    def record_of(self) -> str:
        return self.recorded_by or self.agency


class Chronology(_Strict):
    case: Case
    events: list[Event]

    @cached_property
    def by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    def person_label(self, person_id: str) -> str:
        return next((p.pseudonym for p in self.case.people if p.id == person_id), person_id)


def reading_order(events: list[Event], before_their_link: frozenset[str] = frozenset()) -> dict[str, int]:
    """The order a reader follows: by day; within a day, by time where recorded, and an entry linked to another
    after it (a DASH after the incident it assesses), or before it for a preparation (`before_their_link`: an
    invitation or a report before its conference); otherwise as the file lists them.

    A DASH written up without a time must not be read before the 21:15 incident it assesses. Within a day this is
    a topological sort (Kahn's algorithm, ties by file position) of two kinds of constraint: timed entries in time
    order, and linked entries. Contradictory constraints (a cycle) are broken by file position.
    """
    import heapq

    position = {e.id: i for i, e in enumerate(events)}
    by_day: dict[date, list[Event]] = {}
    for e in events:
        by_day.setdefault(e.date.first_day, []).append(e)
    order: dict[str, int] = {}
    for day in sorted(by_day):
        group = by_day[day]
        if len(group) == 1:  # most days hold one entry: nothing to sort
            order[group[0].id] = len(order)
            continue
        ids = {e.id for e in group}
        after: dict[str, set[str]] = {e.id: set() for e in group}  # id -> the ids that must come before it
        timed = sorted((e for e in group if e.date.precision == "datetime"), key=lambda e: (e.date.earliest, position[e.id]))
        for earlier, later in zip(timed, timed[1:]):
            if earlier.date.earliest < later.date.earliest:
                after[later.id].add(earlier.id)
        for e in group:
            for targets in e.links.values():
                for t in targets:
                    if t in ids and t != e.id:
                        (after[t].add(e.id) if e.type in before_their_link else after[e.id].add(t))
        ready = [(position[i], i) for i, before in after.items() if not before]
        heapq.heapify(ready)
        placed: set[str] = set()
        while len(placed) < len(group):
            if not ready:  # a cycle: release the earliest-listed entry still waiting
                waiting = min((i for i in after if i not in placed), key=position.__getitem__)
                ready.append((position[waiting], waiting))
            _, current = heapq.heappop(ready)
            if current in placed:
                continue
            placed.add(current)
            order[current] = len(order)
            for other, before in after.items():
                if current in before:
                    before.discard(current)
                    if not before and other not in placed:
                        heapq.heappush(ready, (position[other], other))
    return order
