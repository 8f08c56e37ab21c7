"""Turn a panel's chronology table into our chronology format, with a report of everything a reader should check.

One pass streams the rows: each becomes an event (date read as written, agency
mapped by the profile, type and attributes by the classification rules) written
to a temporary JSON-lines file, while a compact index of ids, types and dates is
kept for the checks that look across rows. A second pass adds the inferred links
and writes the YAML. Memory therefore grows with the index, not with the text.

Nothing is dropped: a row no pattern classifies becomes an event of type `other`
and is listed in the report. Rows whose date or agency cannot be read are input
errors (exit 2), all listed at once, because an audit on a guessed date would be
wrong without saying so.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from ..errors import InputError, Problem
from ..files.writing import atomic_writer
from ..chronology.model import PANEL
from ..chronology.vocabulary import Vocabulary
from .classification import Classifier, LinkRule
from .profile import ROLES, Profile, column_index, fold, slug
from .review import MEETINGS, Answer, Proposal, propose
from ..files.tables import Row, iter_rows
from .written_dates import DateProblem, WrittenDate, parse_written_date

_ID_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_REF_SPLIT = re.compile(r"[,;/\s]+")
OTHER = "other"


@dataclass(frozen=True)
class Note:
    row: int
    kind: str  # formula, unclassified, out-of-order, duplicate, outside-scoping, date, type-from-column, linked,
    # same-event
    message: str


@dataclass
class ImportReport:
    file: str
    table: str
    profile: str
    case_id: str = ""
    rows_read: int = 0
    blank_rows: int = 0
    events: int = 0
    types: Counter[str] = field(default_factory=Counter)
    notes: list[Note] = field(default_factory=list)
    scoping: tuple[str, str] = ("", "")
    scoping_from_rows: bool = False
    # The panel's answers taken from a review sheet, by decision (confirm, correct); the other events are only
    # the importer's classification, which no person has looked at.
    reviewed: Counter[str] = field(default_factory=Counter)

    @property
    def not_looked_at(self) -> int:
        return self.events - sum(self.reviewed.values())

    def count(self, kind: str) -> int:
        return sum(1 for n in self.notes if n.kind == kind)


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the cross-row checks need of an event, kept for every row (the text is not)."""

    id: str
    type: str
    earliest: date
    latest: date
    row: int
    ref: str
    same: str  # the table's "same event as" cell
    agency: str = ""


@dataclass
class Review:
    """The review loop's two ends (auditor.importing.review): `answers`, the panel's by table row, win over the
    classifier; `proposals`, when a list, collects each row's proposal for the review sheet; `clocks`, the event
    types that start a standard's clock, are checked first."""

    answers: dict[int, Answer] = field(default_factory=dict)
    proposals: list[Proposal] | None = None
    clocks: frozenset[str] = frozenset()


def import_table(path: Path, profile: Profile, vocabulary: Vocabulary, classifier: Classifier, output: Path,
                 link_rules: tuple[LinkRule, ...] = (), on_row: Callable[[], None] | None = None,
                 review: Review | None = None) -> ImportReport:
    report = ImportReport(str(path), profile.table or "(first)", profile.name)
    review = review or Review()
    rows = iter_rows(path, profile.table)
    header = _header(rows, profile, path, report)
    columns = _columns(profile, header, path)
    doc_key = slug(path.stem) or "import"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        agencies: set[str] = set()
        index = _first_pass(rows, columns, profile, vocabulary, classifier, path, doc_key, report, spool, agencies,
                            on_row, review, len(header))
        links = _infer_links(index, link_rules, report)
        same = _same_events(index, report, path, review)
        case = _case_block(path, profile, doc_key, index, report)
        case["agencies"] = sorted(agencies)
        spool.seek(0)
        _write_yaml(output, case, spool, links, same)
    report.case_id = case["id"]
    return report


def _header(rows: Iterator[Row], profile: Profile, path: Path, report: ImportReport) -> tuple[str, ...]:
    for row in rows:
        report.rows_read += 1
        _reader_notes(row, report)
        if row.number == profile.header_row:
            if row.is_blank():
                raise _error(path, "header_row", f"row {row.number} (the header row in the profile) is empty")
            return row.cells
    if report.rows_read == 0:
        raise _error(path, "", f"the table {report.table} is empty: nothing to import")
    raise _error(path, "header_row", f"the table has only {report.rows_read} rows; the profile's header row is "
                 f"{profile.header_row}")


def _columns(profile: Profile, header: tuple[str, ...], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    problems = []
    headings = ", ".join(repr(h) for h in header if h) or "none"
    for role in ROLES:
        spec = getattr(profile.columns, role)
        if spec is None:
            continue
        index = column_index(spec, header)
        if index is None:
            problems.append(Problem(str(path), None, f"columns.{role}",
                                    f"the profile names column {spec!r}, which the table does not have; "
                                    f"its headings are {headings}"))
        else:
            found[role] = index
    if problems:
        raise InputError(problems, consequence="nothing was imported")
    return found


def _first_pass(rows: Iterator[Row], columns: dict[str, int], profile: Profile, vocabulary: Vocabulary,
                classifier: Classifier, path: Path, doc_key: str, report: ImportReport, spool: Any,
                agencies: set[str], on_row: Callable[[], None] | None, review: Review,
                header_width: int) -> list[Indexed]:
    """Events to the spool; returns the index in row order and adds each agency seen to `agencies`."""
    answered: set[int] = set()
    problems: list[Problem] = []
    unmapped: dict[str, list[int]] = {}  # agency spellings the profile lacks, with the rows that use them
    is_csv = path.suffix.lower() in (".csv", ".txt")
    index: list[Indexed] = []
    seen_text: dict[bytes, int] = {}  # a digest of (date, agency, text): memory for the check, not the text
    ids: set[str] = set()
    previous: WrittenDate | None = None
    default_year = profile.case.scoping_from.year if profile.case.scoping_from else None
    types = vocabulary.event_type_ids
    where = f"{path.name} {report.table}".strip()

    def cell(row: Row, role: str) -> str:
        i = columns.get(role)
        return row.cells[i] if i is not None and i < len(row.cells) else ""

    for row in rows:
        report.rows_read += 1
        if on_row is not None:
            on_row()
        _reader_notes(row, report)
        if row.is_blank():
            report.blank_rows += 1
            continue
        if is_csv and any(c.strip() for c in row.cells[header_width:]):
            problems.append(Problem(str(path), row.number, "", f"row {row.number} has {len(row.cells)} cells but "
                                    f"the table has {header_width} headings: the cells beyond them would be lost "
                                    "(a comma inside a cell that is not in quotes?)"))
            continue
        text = cell(row, "text")
        action = cell(row, "action")
        written, agency_written = cell(row, "date"), cell(row, "agency")
        try:
            when = parse_written_date(written, previous, default_year, cell(row, "time"))
        except DateProblem as exc:
            problems.append(Problem(str(path), row.number, "date", f"row {row.number} of {where}: {exc}"))
            continue
        previous_date, previous = previous, when
        agency = profile.agency_for(agency_written)
        if agency is None:
            if agency_written:
                unmapped.setdefault(agency_written, []).append(row.number)
            else:
                problems.append(Problem(str(path), row.number, "agency",
                                        f"row {row.number}: no agency, and the profile has no default_agency"))
            continue
        given = _given_type(cell(row, "type"), types, classifier)
        row_text = " ".join(p for p in (text, action) if p)
        found = classifier.classify(row_text, agency, given)
        event_type = found.type or OTHER
        event_id = _event_id(cell(row, "ref"), row.number, ids)
        ids.add(event_id)
        if review.proposals is not None:
            review.proposals.append(propose(row.number, event_id, written, agency_written or agency, row_text,
                                            found, event_type, review.clocks))
        attrs, classified_by = found.attrs, list(found.matched)
        answer = review.answers.get(row.number)
        same_written = cell(row, "same_event_as")
        if answer is not None:  # the panel's answer wins (auditor.importing.review)
            same_written = f"{same_written} {answer.same}".strip()
            answered.add(row.number)
            report.reviewed[answer.decision] += 1
            event_type = answer.type or event_type
            attrs = answer.attrs if answer.attrs is not None else attrs
            classified_by = [PANEL]
        report.events += 1
        report.types[event_type] += 1
        for message in when.notes:
            report.notes.append(Note(row.number, "date", f"{event_id}: {message}"))
        if found.type is None and answer is None:
            report.notes.append(Note(row.number, "unclassified", f"{event_id}: no pattern matched; kept as "
                                     f"'{OTHER}': {_short(text)}"))
        elif given:
            report.notes.append(Note(row.number, "type-from-column", f"{event_id}: type {given} from the table's "
                                     "own type column"))
        if previous_date is not None and when.latest < previous_date.earliest:  # surely earlier, not maybe
            report.notes.append(Note(row.number, "out-of-order", f"{event_id}: dated {when.as_written!r}, earlier "
                                     f"than the row above ({previous_date.as_written!r})"))
        key = hashlib.blake2b(f"{when.earliest.isoformat()}\0{agency}\0{fold(text)}".encode(), digest_size=16).digest()
        if key in seen_text:
            report.notes.append(Note(row.number, "duplicate", f"{event_id}: same date, agency and text as row "
                                     f"{seen_text[key]}"))
        else:
            seen_text[key] = row.number
        scope_from, scope_to = profile.case.scoping_from, profile.case.scoping_to
        if (scope_from and when.latest < scope_from) or (scope_to and when.earliest > scope_to):
            report.notes.append(Note(row.number, "outside-scoping", f"{event_id}: dated {when.as_written!r}, "
                                     "outside the scoping period in the profile"))
        event: dict[str, Any] = {"id": event_id, "date": when.to_chronology(), "agency": agency, "type": event_type}
        if attrs:
            event["attrs"] = attrs
        event["classified_by"] = classified_by
        source: dict[str, Any] = {"document": doc_key}
        if profile.table:
            source["section"] = profile.table
        source["row"] = row.number
        if cell(row, "source"):
            source["note"] = cell(row, "source")
        event["source"] = source
        summary = text if not action else f"{text} Outcome: {action}" if text else action
        event["summary"] = summary
        if cell(row, "analysis"):
            event["analysis"] = cell(row, "analysis")
        spool.write(json.dumps(event, ensure_ascii=False) + "\n")
        index.append(Indexed(event_id, event_type, when.earliest, when.latest, row.number, cell(row, "ref"),
                             same_written, agency))
        agencies.add(agency)
    for spelling, numbers in unmapped.items():  # one problem per spelling, naming the profile line to add
        shown = ", ".join(str(n) for n in numbers[:10]) + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
        problems.append(Problem(str(path), numbers[0], "agency",
                                f"agency {spelling!r} (row{'s' if len(numbers) > 1 else ''} {shown}) is not in the "
                                f"profile's agencies: add a line under `agencies:`, '{spelling}: <agency id>'"))
    problems += [Problem(str(path), None, "--reviewed", f"the review sheet answers row {n}, which the table does not "
                         "have as an event: was it written for another table?")
                 for n in sorted(set(review.answers) - answered)]
    if problems:
        raise InputError(problems, consequence="nothing was imported; fix the table or the profile and import again")
    if not index:
        raise _error(path, "", f"the table {report.table} has a header but no rows to import")
    return index


def _reader_notes(row: Row, report: ImportReport) -> None:
    """What the table reader saw and a reader of the report must know: an Excel formula with no saved
    value is read as an empty cell, and says so (blank row or not, header or not)."""
    for message in row.notes:
        report.notes.append(Note(row.number, "formula", message))


def _given_type(written: str, types: frozenset[str], classifier: Classifier) -> str | None:
    """A type column may hold our ids or words ("Strategy discussion"); words go through the patterns too."""
    if not written:
        return None
    as_id = "-".join(fold(written).split())
    if as_id in types:
        return as_id
    return classifier.classify(written).type


def _infer_links(index: list[Indexed], rules: tuple[LinkRule, ...],
                 report: ImportReport) -> dict[str, dict[str, str]]:
    """Each rule links an event to the next event, in date order, of a target type on or after its date; or, with
    `nearest: before`, to the latest one on or before it (rows of one day in table order)."""
    links: dict[str, dict[str, str]] = {}
    in_date_order = sorted(index, key=lambda item: item.earliest)  # stable: rows of one day keep table order
    for rule in rules:
        if rule.nearest == "before":
            latest: Indexed | None = None
            for item in in_date_order:
                if item.type in rule.source and latest is not None:
                    links.setdefault(item.id, {})[rule.rel] = latest.id
                    report.notes.append(Note(item.row, "linked", f"{item.id} ({item.type}) linked '{rule.rel}' "
                                             f"to {latest.id} ({latest.type}), the latest one before it"))
                if item.type in rule.target:
                    latest = item
            continue
        waiting: list[Indexed] = []
        for item in in_date_order:
            if item.type in rule.target:
                for source in waiting:
                    links.setdefault(source.id, {})[rule.rel] = item.id
                    report.notes.append(Note(source.row, "linked", f"{source.id} ({source.type}) linked "
                                             f"'{rule.rel}' to {item.id} ({item.type}), the next one after it"))
                waiting = []
            if item.type in rule.source:
                waiting.append(item)
    return links


def _same_events(index: list[Indexed], report: ImportReport, path: Path, review: Review) -> dict[str, list[str]]:
    """The table's own "same event as" column and the review sheet's, made symmetric: they may name rows by
    reference or by number."""
    by_ref = {item.ref: item.id for item in index if item.ref}
    by_row = {str(item.row): item.id for item in index}
    by_id = {item.id: item.id for item in index}
    same: dict[str, set[str]] = {}
    problems = []
    for item in index:
        for written in (w for w in _REF_SPLIT.split(item.same) if w):
            bare = written.lower().removeprefix("row").strip() if written.lower().startswith("row") else written
            other = by_ref.get(written) or by_id.get(written) or by_row.get(bare)
            if other is None or other == item.id:
                problems.append(Problem(str(path), item.row, "same_event_as",
                                        f"row {item.row}: {written!r} names no other row of the table"))
                continue
            same.setdefault(item.id, set()).add(other)
            same.setdefault(other, set()).add(item.id)
    if problems:
        raise InputError(problems, consequence="nothing was imported")
    for event_id, others in sorted(same.items()):
        row = next(item.row for item in index if item.id == event_id)
        report.notes.append(Note(row, "same-event", f"{event_id} records the same event as {', '.join(sorted(others))}; "
                                 "each reading is audited"))
    _propose_same_events(index, same, report, review)
    return {k: sorted(v) for k, v in same.items()}


SAME_MEETING_DAYS = 31  # two agencies' records of one meeting are seldom further apart than this


def _propose_same_events(index: list[Indexed], same: dict[str, set[str]], report: ImportReport,
                         review: Review) -> None:
    """Two rows from different agencies recording a meeting of the same kind within a month of each other may be
    one meeting recorded twice (the police's and children's social care's strategy discussion of one day or
    another): proposed in the report and on the review sheet, never assumed, as a wrong merge would hide a
    meeting that was held."""
    hints: dict[int, list[int]] = {}
    # By date, so each meeting is compared only with those of the following month (a large table has thousands);
    # each pair is then named in table order, earlier row first, as a reader of the report goes down the table.
    meetings = sorted((item for item in index if item.type in MEETINGS), key=lambda item: item.earliest)
    pairs = []
    for i, first in enumerate(meetings):
        for second in meetings[i + 1:]:
            if (second.earliest - first.earliest).days > SAME_MEETING_DAYS:
                break
            if first.type == second.type and first.agency != second.agency \
                    and second.id not in same.get(first.id, ()):
                pairs.append((first, second) if first.row < second.row else (second, first))
    for a, b in sorted(pairs, key=lambda pair: (pair[0].row, pair[1].row)):
        report.notes.append(Note(b.row, "same-event-proposal", (
            f"{a.id} (row {a.row}, {a.agency}) and {b.id} (row {b.row}, {b.agency}) may record the same "
            f"{b.type.replace('-', ' ')}: if so, give one row the other's reference in the table's same-event "
            "column (or `same_event_as` in the chronology), and each reading is audited")))
        hints.setdefault(a.row, []).append(b.row)
        hints.setdefault(b.row, []).append(a.row)
    if hints and review.proposals is not None:
        review.proposals[:] = [replace(p, reasons=p.reasons + (
            "the same meeting as row " + ", ".join(map(str, hints[p.row])) + "? (same event as)",))
            if p.row in hints else p for p in review.proposals]


def _case_block(path: Path, profile: Profile, doc_key: str, index: list[Indexed],
                report: ImportReport) -> dict[str, Any]:
    details = profile.case
    start = details.scoping_from or min(item.earliest for item in index)
    end = details.scoping_to or max(item.latest for item in index)
    report.scoping = (start.isoformat(), end.isoformat())
    report.scoping_from_rows = details.scoping_from is None or details.scoping_to is None
    case: dict[str, Any] = {"id": details.id or doc_key, "title": details.title or f"Imported from {path.name}",
                            "jurisdiction": details.jurisdiction}
    if details.area:
        case["area"] = details.area
    case["scoping"] = {"from": start.isoformat(), "to": end.isoformat()}
    case["sources"] = {doc_key: {"title": path.name}}
    if details.facts:
        note = f"set in the import profile {profile.name}"
        case["facts"] = {k: {"value": v, "source": {"document": doc_key, "note": note}} for k, v in details.facts.items()}
    return case


def _write_yaml(output: Path, case: dict[str, Any], spool: Any, links: dict[str, dict[str, str]],
                same: dict[str, list[str]]) -> None:
    """Streamed from the spool into the output, atomically: a half-written chronology never appears."""
    with atomic_writer(output) as handle:
        handle.write("# Imported by auditor import: read the import report before auditing.\n")
        handle.write(_dump({"case": case}))
        handle.write("events:\n")
        for line in spool:
            event = json.loads(line)
            if event["id"] in links:
                event["links"] = links[event["id"]]
            if event["id"] in same:
                event["same_event_as"] = same[event["id"]]
            handle.write(_dump([event]))


# libyaml's emitter when PyYAML has it: the pure-Python one took three quarters of a large import's time.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)


def _event_id(ref: str, number: int, taken: set[str]) -> str:
    base = _ID_SAFE.sub("-", ref).strip("-.") if ref else ""
    candidate = base if base and base[0].isalnum() else f"R{number}"
    if candidate in taken:
        candidate = f"R{number}"
    return candidate


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _error(path: Path, field: str, message: str) -> InputError:
    return InputError([Problem(str(path), None, field, message)], consequence="nothing was imported")
