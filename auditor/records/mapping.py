"""How a record format's tables become chronology entries: the data in `formats/<name>.yaml`, as models.

The mapping is data because it is what an authority's analyst changes when their extract names a field
differently or holds a table we do not read; the reader (`records.read`) and the builder
(`records.chronologies`) only follow it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, Problem
from ..files.reading import load_file

FORMATS_DIR = Path(__file__).resolve().parent / "formats"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IfMissing(_Strict):
    earliest: str | None = None  # the field the entry is dated from when its own date is not recorded; none:
    # from the child's first entry
    latest: str | None = None  # the field (of the row or a joined row) it was done by at the latest: the episode's
    # close; a row without it makes no entry (the work may still be under way); none: the extract's date
    unrecorded: str  # what the record lacks, in words: "assessment authorised date"


class ValueMap(_Strict):
    field: str
    map: dict[str, str]


class EventMap(_Strict):
    type: str
    date: str | None = None
    if_missing: IfMissing | None = None
    only_if: dict[str, list[str]] = Field(default_factory=dict)
    attrs: dict[str, Any] = Field(default_factory=dict)
    flags: dict[str, str] = Field(default_factory=dict)
    values: dict[str, ValueMap] = Field(default_factory=dict)
    link: dict[str, str] = Field(default_factory=dict)  # relation -> the type of another entry from the same row
    number_within: str | None = None
    once_per: str | None = None
    ends: bool = False  # with once_per: the entry ends the group, at its latest row's date, once every row has one
    summary: str

    def fields(self) -> set[str]:
        """Every field of its table this entry reads."""
        out = {self.date} if self.date else set()
        if self.if_missing and self.if_missing.earliest:
            out.add(self.if_missing.earliest)  # not `latest`, which may be a joined table's
        out |= set(self.only_if) | set(self.flags.values()) | {v.field for v in self.values.values()}
        out |= {f for f in (self.number_within, self.once_per) if f}
        return out


class PersonVia(_Strict):
    """A table without a person id reaches the child through another table's key (CLA reviews: the period of care)."""

    table: str
    key: str  # that table's field holding the key
    field: str  # this table's field holding it


class Join(_Strict):
    """Another table's row of the same child whose fields this table's rows may read (an assessment's referral,
    for the date its episode closed)."""

    table: str
    match: dict[str, str]  # this table's field -> that table's field, equal on the rows joined


class TableMap(_Strict):
    table: str
    person: str
    person_via: PersonVia | None = None
    join: Join | None = None
    events: list[EventMap]

    def fields(self) -> set[str]:
        out: set[str] = set().union(*(e.fields() for e in self.events))
        out |= set(self.join.match) if self.join else set()
        return out | ({self.person_via.field} if self.person_via else {self.person})


class PersonMap(_Strict):
    table: str | None = None  # none: no list of people (Annex A), each table's rows name the child and birth
    id: str
    birth: str | None = None


class Spec(_Strict):
    url: str
    file: str
    commit: str
    checked: str


class RecordFormat(_Strict):
    format: str
    title: str
    agency: str
    spec: Spec
    person: PersonMap
    standards: list[str]
    tables: list[TableMap]

    def table(self, name: str) -> TableMap | None:
        return next((t for t in self.tables if t.table == name), None)

    def fields_of(self, name: str) -> set[str]:
        """Every field of a table that is read: its own entries', and those another table joins it on."""
        mapped = self.table(name)
        own = mapped.fields() if mapped else set()
        joined = {theirs for t in self.tables if t.join and t.join.table == name for theirs in t.join.match.values()}
        reached = {t.person_via.key for t in self.tables if t.person_via and t.person_via.table == name}
        birth = {self.person.birth} if self.person.birth and self.person.table is None else set()  # every list's
        return own | joined | reached | birth

    def flags_of(self, name: str) -> set[str]:
        """The fields of a table read as yes or no."""
        mapped = self.table(name)
        return {f for e in (mapped.events if mapped else []) for f in e.flags.values()}

    def dates_of(self, name: str) -> set[str]:
        """The fields of a table read as days: what dates its entries, and the date of birth where it is there."""
        mapped = self.table(name)
        entries = {f for e in (mapped.events if mapped else []) for f in (e.date, e.if_missing and e.if_missing.earliest)
                   if f}
        births = self.person.birth and (name == self.person.table or self.person.table is None)
        return entries | ({self.person.birth} if births else set())


@cache
def load_format(name: str) -> RecordFormat:
    """The mapping named `name` (ssd, cin-census); an unknown name lists the ones there are."""
    path = FORMATS_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in FORMATS_DIR.glob("*.yaml")))
        raise InputError([Problem(name, None, "--format", f"unknown record format; known: {known}")],
                         consequence="nothing was read")
    doc = load_file(path)
    try:
        return RecordFormat.model_validate(doc.data)
    except ValidationError as exc:  # a mapping an analyst edited: name the place
        raise InputError([doc.problem(e["loc"], e["msg"]) for e in exc.errors()],
                         consequence="nothing was read") from None
