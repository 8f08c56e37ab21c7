"""Pydantic models of a case chronology (see docs/chronology-format.md).

Structure is checked here; names (event types, agencies, attributes) are checked
against the vocabulary by `auditor.chronology_loader`, because the vocabulary is
data that ships with the rulebook.
"""

from __future__ import annotations

import re
from functools import cached_property
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .dates import EventDate, parse_day

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


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
        return parse_day(value)

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
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @field_validator("same_event_as", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return value if isinstance(value, list) else [value]

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
