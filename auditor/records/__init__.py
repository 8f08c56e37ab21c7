"""An authority's own records (the Standard Safeguarding Dataset, the children in need census, an Annex A
workbook) as chronologies.

Boards audit closed cases in their thousands from what their case management system exports, not from
hand-written chronologies. This package reads those exports in bounded memory, joins each child's rows,
replaces the child's id by a keyed pseudonym, and writes one chronology per child in the usual format, each
entry citing its table, row and field; the audit and the board pack then treat them as any other case.

    mapping.py       the formats' mappings (formats/*.yaml): which table and field make which entry
    values.py        dates, flags and nulls as extracts write them
    tables.py        an extract's tables (the SSD's CSVs, an Annex A workbook's sheets), checked first
    cin_census.py    the census XML, one child at a time
    rows.py          rows joined by child through a few temporary shares
    chronologies.py  one child's rows made a chronology
    pseudonyms.py    the keyed hash that names each child
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Problem
from .chronologies import ChildProblem, build
from .mapping import RecordFormat, load_format
from .pseudonyms import Pseudonyms
from .rows import Completeness, by_child

FORMAT_NAMES = ("ssd", "cin-census", "annex-a")


@dataclass
class Child:
    """One child's chronology, or why it could not be made; `case_id` is the pseudonym, never the record's id."""

    case_id: str
    chronology: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Records:
    """A read in progress: iterate `children()`; afterwards `completeness`, `as_at` and the `unplaced` rows (rows
    that belong to no child) say what the extract held."""

    fmt: RecordFormat
    paths: list[Path]
    names: Pseudonyms
    as_at: date | None = None
    area: str | None = None
    completeness: Completeness = field(default_factory=Completeness)
    unplaced: list[Problem] = field(default_factory=list)
    children_read: int = 0

    def children(self) -> Iterator[Child]:
        if self.fmt.format == "cin-census":
            from .cin_census import CensusReader

            reader = CensusReader(self.paths, self.fmt, self.completeness, self.as_at)
            for found in reader.children():
                self.as_at = reader.as_at
                if not found.person:
                    self.children_read += 1
                    yield Child(f"line {found.line} of {found.file}", None, found.problems)
                else:
                    yield self.child(found.person, found.rows, found.problems)
            return
        from .tables import find_tables, table_rows

        extract = find_tables(self.paths, self.fmt)
        found: list[tuple[str, Problem]] = []
        rows = table_rows(extract, self.fmt, self.completeness, found)
        by_person: dict[str, list[Problem]] | None = None
        for person, child_rows in by_child(rows, extract.input_bytes):
            if by_person is None:  # every row has been read by the time the first child is grouped
                by_person = _by_person(found)
                # No dated row anywhere: no child has an entry, so the date only fills a field no one reads.
                self.as_at = self.as_at or self.completeness.latest or date.min
            yield self.child(person, child_rows, by_person.get(person, []))
        self.unplaced = _by_person(found).get("", [])

    def child(self, person: str, rows: list, known: list[Problem]) -> Child:
        self.children_read += 1
        try:
            case_id = self.names.name(person)
        except ValueError as exc:
            first = rows[0]
            return Child(f"row {first.row} of {first.file}", None, [Problem(first.file, first.row, "id", str(exc))])
        if known:
            return Child(case_id, None, known)
        try:
            return Child(case_id, build(case_id, rows, self.fmt, self.as_at or date.min, self.area))
        except ChildProblem as exc:
            return Child(case_id, None, exc.problems)

    def summary(self) -> dict[str, Any]:
        """What the board pack says of the records: their format and date, and how complete each field was."""
        return {"format": self.fmt.format, "title": self.fmt.title, "spec": self.fmt.spec.model_dump(),
                "as_at": self.as_at.isoformat() if self.as_at else None, "children": self.children_read,
                "rows_without_a_child": len(self.unplaced), "standards": list(self.fmt.standards),
                "completeness": self.completeness.rows()}


def _by_person(found: list[tuple[str, Problem]]) -> dict[str, list[Problem]]:
    """The problems the reading found, by the child whose row had them ("" for rows that belong to no child)."""
    out: dict[str, list[Problem]] = {}
    for who, problem in found:
        out.setdefault(who, []).append(problem)
    return out


def open_records(paths: list[Path], fmt_name: str, names: Pseudonyms, as_at: date | None = None,
                 area: str | None = None) -> Records:
    return Records(load_format(fmt_name), paths, names, as_at, area)
