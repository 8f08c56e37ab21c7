"""Mapping profiles: how one panel's table is laid out, as YAML a user writes once per template.

A profile names the table, the header row, which column holds what (by its heading
or by letter/number), how agencies are spelled locally, and the case details the
table itself cannot give (id, area, scoping period, case facts).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InputError
from ..files.reading import load_file
from ..files.validation import validate
from ..chronology.vocabulary import Vocabulary

ROLES = ("date", "time", "agency", "source", "text", "action", "analysis", "type", "ref", "same_event_as")
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Columns(_Strict):
    """Each role's column: its heading as written (case and spacing ignored), a letter (C) or a number (3)."""

    date: str | int
    text: str | int
    agency: str | int | None = None
    time: str | int | None = None
    source: str | int | None = None
    action: str | int | None = None
    analysis: str | int | None = None
    type: str | int | None = None
    ref: str | int | None = None
    same_event_as: str | int | None = None


class CaseDetails(_Strict):
    id: str | None = None
    title: str | None = None
    jurisdiction: str = "england"
    area: str | None = None
    scoping_from: date | None = Field(default=None, alias="from")
    scoping_to: date | None = Field(default=None, alias="to")
    facts: dict[str, bool | int | str] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Profile(_Strict):
    name: str
    description: str = ""
    table: str | None = None  # sheet name or "table N"; None: the first
    header_row: int = Field(default=1, ge=1)
    columns: Columns
    agencies: dict[str, str] = Field(default_factory=dict)  # local spelling -> agency id
    default_agency: str | None = None  # for tables of one agency, or rows with the agency cell empty
    case: CaseDetails = Field(default_factory=CaseDetails)

    @field_validator("agencies")
    @classmethod
    def _folded(cls, value: dict[str, str]) -> dict[str, str]:
        return {fold(k): v for k, v in value.items()}

    def agency_for(self, written: str) -> str | None:
        if not written:
            return self.default_agency
        return self.agencies.get(fold(written))


def slug(text: str) -> str:
    """A file name as an id (the imported case's and source document's default), as the chronology allows."""
    return _NOT_ID.sub("-", text).strip("-.").lower()


# Curly and straight apostrophes, and every dash, are one character each to a reader: "Women’s Aid" is "Women's
# Aid", and "A–E" is "A-E" (Word and Excel change them as people type).
_SAME_CHARACTER = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-",
                                 "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-"})


def fold(text: str) -> str:
    """Headings and agency names compared as people mean them: case, spacing, full stops, and the kind of
    apostrophe or dash ignored."""
    return " ".join(text.translate(_SAME_CHARACTER).replace(".", " ").lower().split())


def load_profile(path: Path | str, vocabulary: Vocabulary) -> Profile:
    doc = load_file(path)
    profile: Profile = validate(Profile, doc)
    problems = []
    agencies = vocabulary.agency_ids
    for written, agency in profile.agencies.items():
        if agency not in agencies:
            key = next((k for k in doc.data["agencies"] if fold(k) == written), written)
            problems.append(doc.problem(("agencies", key), f"unknown agency id {agency!r}; use one of "
                                        f"{', '.join(sorted(agencies))}"))
    if profile.default_agency and profile.default_agency not in agencies:
        problems.append(doc.problem(("default_agency",), f"unknown agency id {profile.default_agency!r}"))
    facts = vocabulary.case_fact_map
    for name in profile.case.facts:
        if name not in facts:
            problems.append(doc.problem(("case", "facts", name), f"unknown case fact; known: {', '.join(sorted(facts))}"))
    if problems:
        raise InputError(problems, consequence="nothing was imported")
    return profile


def column_index(spec: str | int, header: tuple[str, ...]) -> int | None:
    """Where a role's column is: a number counts from 1, letters as in Excel (A, B, ... AA), else a heading."""
    if isinstance(spec, int):
        return spec - 1 if spec >= 1 else None
    wanted = fold(spec)
    for i, heading in enumerate(header):
        if fold(heading) == wanted:
            return i
    if _LETTERS.match(spec):
        n = 0
        for ch in spec.upper():
            n = n * 26 + ord(ch) - 64
        return n - 1
    return None


def as_yaml_data(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(by_alias=True, exclude_none=True, exclude_defaults=False)
