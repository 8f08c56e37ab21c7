"""The review sheet: the classifier proposes, the panel confirms or corrects, and its answers win.

`auditor import FILE --profile P --review-sheet review.xlsx` writes one line per imported row: what the
importer proposes (type and attributes), the words that decided it, what it set aside (competing types,
negated phrases, events only mentioned or planned), a confidence, and empty columns for the panel's answer.
The rows most likely wrong come first. `--reviewed review.xlsx` imports again with the panel's answers:
a row marked `confirm` keeps the proposal, a row marked `correct` takes the panel's type and attributes, and
both are recorded as `classified_by: [panel]`; every other row is still only the importer's, and the import
report counts them.

Formats, by the file's extension: `.xlsx` (a dropdown of the vocabulary's event types and of the decisions,
from a sheet of allowed values), `.docx` (a Word table, landscape, for a panel that works in Word, with the
allowed values listed after it) and `.csv`. They are read back through the importer's own hardened table
readers. Attributes are written `name: value; name: value, value` in both directions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chronology.vocabulary import Vocabulary
from ..errors import InputError, Problem
from ..files.cells import safe_cell
from ..files.writing import document_bytes, workbook_bytes, write_atomic
from .classification import Classification

DECISIONS = ("confirm", "correct")
# The sheet's columns, in order; the last five are the panel's. "same event as" names other table rows that record
# the same real event (row numbers, as in the first column), as the table's own same-event column would.
PROPOSED = ("row", "id", "date as written", "agency", "text", "proposed type", "proposed attributes",
            "decided by", "set aside", "confidence", "check first because")
ANSWERS = ("decision", "your type", "your attributes", "same event as", "note")
HEADER = PROPOSED + ANSWERS
# Meeting types: a row can name one without it happening ("preparing for an ICPC").
MEETINGS = frozenset({"strategy-discussion", "initial-child-protection-conference",
                      "review-child-protection-conference", "core-group-meeting", "marac-meeting"})


@dataclass(frozen=True)
class Proposal:
    """One imported row as the review sheet shows it."""

    row: int
    id: str
    date: str
    agency: str
    text: str
    type: str
    attrs: dict[str, Any]
    decided_by: str
    set_aside: str
    confidence: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """The panel's answer for one row: `confirm` (the proposal stands) or `correct` (its own type and attributes;
    `attrs` None keeps the proposed attributes)."""

    decision: str
    type: str | None
    attrs: dict[str, Any] | None
    note: str = ""
    same: str = ""  # other table rows recording the same real event, as written ("86, 87")


def propose(row: int, event_id: str, date: str, agency: str, text: str, found: Classification, event_type: str,
            clocks: frozenset[str]) -> Proposal:
    """The row's proposal and how far to trust it. `clocks`: event types that start a standard's clock (the
    triggers of the rulebook's timed rules), where a wrong type costs most."""
    reasons = []
    confidence = 0.9
    if found.type is None:
        reasons.append("no pattern matched")
        confidence = 0.2
    if found.competing:
        reasons.append("other types found: " + ", ".join(found.competing))
        confidence -= 0.3
    if found.negated or found.planned or found.referenced:
        reasons.append("negated, planned or only mentioned: "
                       + ", ".join(dict.fromkeys(found.negated + found.planned + found.referenced)))
        confidence -= 0.2
    if event_type in MEETINGS:
        reasons.append("a meeting: was it held?")
        confidence -= 0.1
    if event_type in clocks:
        reasons.append("starts a standard's clock")
        confidence -= 0.05
    if found.matched[:1] == ("column",):
        confidence = max(confidence, 0.95)
    set_aside = "; ".join(part for part in (
        "competing: " + ", ".join(found.competing) if found.competing else "",
        "negated: " + ", ".join(found.negated) if found.negated else "",
        "planned: " + ", ".join(found.planned) if found.planned else "",
        "mentioned, not happening: " + ", ".join(found.referenced) if found.referenced else "") if part)
    decided = (found.matched[0] + (f' ("{found.phrase}")' if found.phrase else "")) if found.matched else ""
    return Proposal(row, event_id, date, agency, text, event_type, dict(found.attrs), decided, set_aside,
                    round(min(0.99, max(0.05, confidence)), 2), tuple(reasons))


def in_review_order(proposals: list[Proposal]) -> list[Proposal]:
    """Least trusted first; rows of equal confidence in table order."""
    return sorted(proposals, key=lambda p: (p.confidence, p.row))


# -- attributes as a person writes them ---------------------------------------------------------------------

def format_attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value) if value else "(none)"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = str(value)
        parts.append(f"{name}: {text}")
    return "; ".join(parts)


def parse_attrs(text: str, vocabulary: Vocabulary, where: tuple[str, int, str]) -> dict[str, Any]:
    """`name: value; name: a, b` back into attributes, typed by the vocabulary; a problem names the sheet's
    file, row and column."""
    file, row, column = where
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, sep, value = (s.strip() for s in part.partition(":"))
        definition = vocabulary.attribute_map.get(name)
        if not sep or definition is None:
            known = "" if not sep else f"; the vocabulary's attributes include {', '.join(sorted(vocabulary.attribute_map)[:12])}..."
            raise InputError([Problem(file, row, column, f"{part!r} is not `name: value` with a known attribute"
                                      + known)])
        if definition.is_list:
            out[name] = [] if value in ("", "(none)") else [v.strip() for v in value.split(",") if v.strip()]
        elif definition.type == "bool":
            if value.lower() not in ("yes", "no", "true", "false"):
                raise InputError([Problem(file, row, column, f"{name} is yes or no, not {value!r}")])
            out[name] = value.lower() in ("yes", "true")
        elif definition.type == "integer":
            try:
                out[name] = int(value)
            except ValueError:
                raise InputError([Problem(file, row, column, f"{name} is a whole number, not {value!r}")]) from None
        else:
            out[name] = value
    return out


# -- writing ------------------------------------------------------------------------------------------------

def _line(p: Proposal) -> list[Any]:
    return [p.row, p.id, p.date, p.agency, p.text, p.type, format_attrs(p.attrs), p.decided_by, p.set_aside,
            p.confidence, "; ".join(p.reasons)] + [""] * len(ANSWERS)


def write_review_sheet(path: Path, proposals: list[Proposal], vocabulary: Vocabulary) -> None:
    ordered = in_review_order(proposals)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        for p in ordered:
            writer.writerow([safe_cell(v) for v in _line(p)])
        write_atomic(path, buffer.getvalue())
    elif suffix == ".xlsx":
        write_atomic(path, _workbook(ordered, vocabulary))
    elif suffix == ".docx":
        write_atomic(path, _word(ordered, vocabulary))
    else:
        raise InputError([Problem(str(path), None, "--review-sheet", "a review sheet is .xlsx, .docx or .csv")])


def _workbook(ordered: list[Proposal], vocabulary: Vocabulary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Review"
    ws.append(list(HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    lines = [_line(p) for p in ordered]
    for line in lines:
        ws.append([safe_cell(v) for v in line])
    answer = PatternFill("solid", fgColor="FFF4CC")
    first_answer = len(PROPOSED) + 1
    for row in ws.iter_rows(min_row=2, min_col=first_answer, max_col=len(HEADER)):
        for cell in row:
            cell.fill = answer
    for row in ws.iter_rows(min_row=2, max_col=len(HEADER)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"A": 6, "B": 10, "C": 16, "D": 20, "E": 60, "F": 26, "G": 30, "H": 26, "I": 26, "J": 10, "K": 30,
              "L": 12, "M": 26, "N": 30, "O": 14, "P": 30}
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    # Row heights from the longest wrapped cell (Excel and LibreOffice do not grow a row that openpyxl wrote).
    for number, line in enumerate(lines, start=2):
        wrapped = max(-(-len(str(v)) // max(1, int(widths[chr(ord("A") + i)] * 1.1))) for i, v in enumerate(line))
        ws.row_dimensions[number].height = 15 * max(1, wrapped)
    ws.freeze_panes = "F2"
    ws.page_setup.orientation = "landscape"  # printed for a panel meeting: every column on one page's width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(HEADER) - 1)}{len(ordered) + 1}"
    values = wb.create_sheet("Allowed values")
    values.append(["decision", "event type"])
    types = sorted(vocabulary.event_type_ids)
    for i in range(max(len(types), len(DECISIONS))):
        values.append([DECISIONS[i] if i < len(DECISIONS) else None, types[i] if i < len(types) else None])
    last = max(len(ordered) + 1, 2)
    decision = DataValidation(type="list", formula1=f"'Allowed values'!$A$2:$A${len(DECISIONS) + 1}",
                              allow_blank=True, showErrorMessage=True, errorTitle="Decision",
                              error="confirm (the proposal is right) or correct (give your type or attributes)")
    your_type = DataValidation(type="list", formula1=f"'Allowed values'!$B$2:$B${len(types) + 1}",
                               allow_blank=True, showErrorMessage=True, errorTitle="Event type",
                               error="an event type from the vocabulary")
    decision.add(f"L2:L{last}")
    your_type.add(f"M2:M{last}")
    ws.add_data_validation(decision)
    ws.add_data_validation(your_type)
    return workbook_bytes(wb, "Import review sheet")


def _word(ordered: list[Proposal], vocabulary: Vocabulary) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(42.0), Cm(29.7)  # A3 landscape: sixteen columns
    section.left_margin = section.right_margin = Cm(1.2)
    doc.styles["Normal"].font.size = Pt(7)
    doc.add_heading("Import review sheet", level=1)
    doc.add_paragraph("Least certain rows first. In the last five columns: decision (confirm or correct), your type, "
                      "your attributes (name: value; name: a, b), the rows that record the same event (row numbers), "
                      "and a note. Then import again with --reviewed.")
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, HEADER):
        cell.text = name
    for p in ordered:
        for cell, value in zip(table.add_row().cells, _line(p)):
            cell.text = str(value)
    table.autofit = False
    widths = (1.0, 1.2, 2.0, 2.0, 7.2, 2.6, 3.4, 2.6, 2.8, 1.3, 3.0, 1.6, 2.4, 2.6, 1.5, 1.6)  # cm, 38.8 in all
    for column, width in zip(table.columns, widths):  # the grid, which LibreOffice reads, and each cell (Word)
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    doc.add_paragraph("Decisions: " + ", ".join(DECISIONS) + ". Event types: "
                      + ", ".join(sorted(vocabulary.event_type_ids)) + ".")
    return document_bytes(doc, "Import review sheet")


# -- reading ------------------------------------------------------------------------------------------------

def read_review_sheet(path: Path, vocabulary: Vocabulary) -> dict[int, Answer]:
    """The panel's answers by the table's row number. Every problem (an unknown decision or type, attributes
    that are not `name: value`, a row named twice) is reported at once, with the sheet's row and column."""
    from ..files.tables import iter_rows

    if path.suffix.lower() not in (".xlsx", ".docx", ".csv"):
        raise InputError([Problem(str(path), None, "--reviewed", "a review sheet is .xlsx, .docx or .csv")])
    table = "Review" if path.suffix.lower() == ".xlsx" else None
    rows = [(row.number, list(row.cells)) for row in iter_rows(path, table) if not row.is_blank()]
    if not rows or [h.strip() for h in rows[0][1][:len(HEADER)]] != list(HEADER):
        raise InputError([Problem(str(path), 1, "", "not a review sheet written by `auditor import --review-sheet` "
                                  f"(its first row should be: {', '.join(HEADER)})")])
    at = {name: i for i, name in enumerate(HEADER)}
    answers: dict[int, Answer] = {}
    problems: list[Problem] = []
    for number, cells in rows[1:]:
        cells = [c.strip().removeprefix("'") for c in cells] + [""] * (len(HEADER) - len(cells))
        decision = cells[at["decision"]].lower()
        same = cells[at["same event as"]]
        if not decision:
            if same:
                problems.append(Problem(str(path), number, "decision", "same event as is filled in: write confirm or "
                                        "correct in decision too, so the answer is read"))
            continue
        column = "decision"
        try:
            if decision not in DECISIONS:
                raise InputError([Problem(str(path), number, column, f"decision {decision!r}: write confirm or "
                                          "correct, or leave it empty")])
            table_row = int(float(cells[at["row"]]))
            if table_row in answers:
                raise InputError([Problem(str(path), number, "row", f"table row {table_row} is answered twice")])
            typed = cells[at["your type"]] or None
            if typed is not None and typed not in vocabulary.event_type_ids:
                raise InputError([Problem(str(path), number, "your type", f"{typed!r} is not an event type in "
                                          "the vocabulary (the sheet's dropdown lists them)")])
            attrs_text = cells[at["your attributes"]]
            attrs = parse_attrs(attrs_text, vocabulary, (str(path), number, "your attributes")) \
                if attrs_text else None
            if decision == "correct" and typed is None and attrs is None:
                raise InputError([Problem(str(path), number, "your type", "correct: give your type, your "
                                          "attributes, or both")])
            answers[table_row] = Answer(decision, typed, attrs, cells[at["note"]], same)
        except InputError as exc:
            problems += exc.problems
        except ValueError:
            problems.append(Problem(str(path), number, "row", f"row {cells[at['row']]!r} is not a table row number"))
    if problems:
        raise InputError(problems, consequence="nothing was imported; correct the review sheet and import again")
    return answers
