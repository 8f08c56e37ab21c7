"""The children in need census return (XML), one child at a time, as rows for the chronology builder.

The census holds each child whole in one `Child` element, so no join is needed: each is flattened into rows
(one per referral, assessment, section 47, conference, plan and review date) and built at once, and the
element is freed before the next, so memory stays that of one child however large the file. The element
names are those the DfE's census specification uses, as data-to-insight/csc-validator-be-cin reads them
(commit 1bf6f22e7ca906e72a7f3213e8e04d49d34d787f, read 07/12/2026).

What the census does not record is derived from what it does, and only where the dates decide it: a
conference at which a child protection plan starts that day made a plan; a review before the plan's end
(or of a plan still open) continued it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .mapping import RecordFormat
from .rows import Completeness, RecordRow
from .values import NotADate, record_day

PERSON = "ChildIdentifiers"


@dataclass
class CensusChild:
    """One `Child` element flattened: its id (empty if it has none), where it starts, its rows and their problems."""

    person: str
    file: str
    line: int
    rows: list[RecordRow]
    problems: list[Problem]


class CensusReader:
    """Reads returns one child at a time; `as_at` is the return's reference date once its header is read (or the
    date the user gave)."""

    def __init__(self, paths: list[Path], fmt: RecordFormat, completeness: Completeness, as_at: date | None):
        self.paths, self.fmt, self.completeness, self.as_at = paths, fmt, completeness, as_at

    def children(self) -> Iterator[CensusChild]:
        from lxml import etree

        for path in self.paths:
            yield from self._file(path, etree)

    def _file(self, path: Path, etree: Any) -> Iterator[CensusChild]:
        if path.is_dir() or not path.exists():
            raise InputError([Problem(str(path), None, "", "expected a children in need census XML file")],
                             consequence="nothing was read")
        with open(path, "rb") as handle:
            if b"<!DOCTYPE" in handle.read(4096).upper():
                raise InputError([Problem(str(path), None, "", "the file declares a DTD, which a census return "
                                          "never has: it is not read")], consequence="nothing was read")
        parsed = etree.iterparse(str(path), events=("end",), tag=("ReferenceDate", "Child"), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False)
        try:
            for _, element in parsed:
                if element.tag == "ReferenceDate":
                    if self.as_at is None:
                        self.as_at = _header_day(path.name, element)
                    continue
                if self.as_at is None:
                    raise InputError([Problem(str(path), element.sourceline, "ReferenceDate", "the return has no "
                                              "Header/CollectionDetails/ReferenceDate before its children: give "
                                              "--as-at")], consequence="nothing was read")
                yield self._child(path.name, element)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise InputError([Problem(str(path), exc.lineno, "", f"the XML is not well formed ({exc.msg}): a damaged "
                                      "return is not read, not even the children before the damage; mend it and "
                                      "read it again")], consequence="nothing was read") from None

    def _child(self, file: str, child: Any) -> CensusChild:
        ids = child.find(PERSON)
        person = _text(ids, "LAchildID") if ids is not None else ""
        rows = list(_rows(file, child, person))
        problems = []
        fmt = self.fmt
        for row in rows:  # fields starting "_" are the reader's own derivations, not the return's
            read = fmt.fields_of(row.table) if fmt.table(row.table) else fmt.dates_of(row.table)
            watched = sorted(n for n in read if n in row.fields and not n.startswith("_") and n != fmt.person.id)
            for name, why in self.completeness.survey(row.table, row.fields, watched, fmt.flags_of(row.table),
                                                      fmt.dates_of(row.table)):
                problems.append(Problem(file, row.row, name, why))
        if not person:
            problems.insert(0, Problem(file, child.sourceline, "LAchildID", "the child has no LAchildID"))
        return CensusChild(person, file, child.sourceline, rows, problems)


def _header_day(name: str, element: Any) -> date:
    try:
        day = record_day(element.text)
    except NotADate as exc:
        raise InputError([Problem(name, element.sourceline, "ReferenceDate", str(exc))],
                         consequence="nothing was read") from None
    if day is None:
        raise InputError([Problem(name, element.sourceline, "ReferenceDate", "empty")], consequence="nothing was read")
    return day


def _rows(file: str, child: Any, person: str) -> Iterator[RecordRow]:
    def row(table: str, element: Any, fields: dict[str, str]) -> RecordRow:
        return RecordRow(table, file, element.sourceline, person, {"LAchildID": person, **fields})

    ids = child.find(PERSON)
    if ids is not None:
        yield row(PERSON, ids, {"PersonBirthDate": _text(ids, "PersonBirthDate")})
    for details in child.iterfind("CINdetails"):
        yield row("CINdetails", details, {n: _text(details, n) for n in
                                          ("CINreferralDate", "CINclosureDate", "ReferralNFA")})
        plans = [(_day(p, "CPPstartDate"), _day(p, "CPPendDate"), p) for p in details.iterfind("ChildProtectionPlans")]
        starts = {s for s, _, _ in plans if s is not None}
        closed = _text(details, "CINclosureDate")  # an assessment with no authorised date in an open episode may
        for assessment in details.iterfind("Assessments"):  # still be under way
            yield row("Assessments", assessment, {"CINclosureDate": closed, **{n: _text(assessment, n) for n in
                                                  ("AssessmentActualStartDate", "AssessmentAuthorisationDate")}})
        conferences = []
        for s47 in details.iterfind("Section47"):
            yield row("Section47", s47, {n: _text(s47, n) for n in ("S47ActualStartDate", "ICPCnotRequired")})
            if _text(s47, "DateOfInitialCPC"):
                conferences.append((s47, _text(s47, "DateOfInitialCPC")))
        if _text(details, "DateOfInitialCPC") and not conferences:
            conferences.append((details, _text(details, "DateOfInitialCPC")))
        for element, when in conferences:
            made = _safe_day(when) in starts
            yield row("InitialCPC", element.find("DateOfInitialCPC"),
                      {"DateOfInitialCPC": when, "_plan_made": "Y" if made else ""})
        for start, end, plan in plans:
            yield row("ChildProtectionPlans", plan, {n: _text(plan, n) for n in ("CPPstartDate", "CPPendDate")})
            for review in plan.iterfind("Reviews/CPPreviewDate"):
                day = _safe_day(review.text or "")
                continues = day is not None and (end is None or day < end)
                yield row("Reviews", review, {"CPPreviewDate": (review.text or "").strip(),
                                              "_continues": "Y" if continues else "N"})


def _text(element: Any, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def _safe_day(text: str) -> date | None:
    try:
        return record_day(text)
    except NotADate:
        return None


def _day(element: Any, name: str) -> date | None:
    return _safe_day(_text(element, name))
