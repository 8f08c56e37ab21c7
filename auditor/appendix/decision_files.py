"""Decisions files in every format a review author uses: YAML, or a sheet in Excel or Word.

A decision on a finding the audit did not make (the chronology or the rulebook changed since it was written) is
set aside and listed, on the terminal and in the appendix's method, never attached to another finding and never a
reason to write no report; `auditor review --update OLD` carries a file's decisions onto a changed audit and says
which no longer apply and which findings changed status since.

The sheet:

`auditor review CASE --output decisions.xlsx|docx` writes one row per finding (its id, status, the standard in its
author's words, agency, date, what the chronology shows) and empty columns for the decision, its reason, the
reviewer's role and the date; the workbook offers the decisions as a dropdown. `auditor report --decisions`
reads the sheet back through the importer's hardened table readers, so a damaged or crafted file is refused
with its row and column, as a YAML decisions file is with its line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..audit.run import AuditResult
from ..errors import InputError, Problem
from ..files.cells import safe_cell
from ..files.writing import document_bytes, workbook_bytes
from ..rulebook import Rulebook
from ..files.reading import load_file
from ..files.validation import validate
from .decisions import DECISION_LABELS, Decision, DecisionsFile, under_current_id

SHEET = "Decisions"
HEADER = ("finding", "status", "standard", "agency", "date", "what the chronology shows", "decision", "reason",
          "reviewer role", "decision date")
ANSWERS = HEADER.index("decision")  # the reviewer's columns start here
FORMATS = (".xlsx", ".docx")


def decision_rows(result: AuditResult, rulebook: Rulebook,
                  decided: dict[str, Decision] | None = None) -> list[list[str]]:
    """One row per finding a reviewer decides on (not the standards that did not apply), with any decision
    already made (`decided`, by finding id) filled in."""
    names = {a.id: a.name for a in rulebook.vocabulary.agencies}
    rows = []
    for f in result.findings:
        if f.status == "not-applicable":
            continue
        rule = rulebook.rules[f.rule_id]
        d = (decided or {}).get(f.id)
        rows.append([f.id, f.status_label, rule.expects or rule.title, names.get(f.agency, f.agency), f.when,
                     f.statement,
                     d.decision if d else "undecided", d.reason if d else "", d.reviewer_role if d else "",
                     d.date.isoformat() if d and d.date else ""])
    return rows


def write_decision_sheet(path: Path, case_id: str, rows: list[list[str]]) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _workbook(case_id, rows)
    if suffix == ".docx":
        return _word(case_id, rows)
    raise InputError([Problem(str(path), None, "--output", "a decisions sheet is .xlsx or .docx (or .yaml)")])


def _workbook(case_id: str, rows: list[list[str]]) -> bytes:

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["case", safe_cell(case_id)])
    ws.append(list(HEADER))
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    yours = PatternFill("solid", fgColor="FFF4CC")
    widths = (30, 16, 44, 22, 14, 60, 16, 40, 20, 14)
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[chr(64 + column)].width = width
    for number, row in enumerate(rows, start=3):
        for column in range(1, len(HEADER) + 1):
            cell = ws.cell(number, column)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column > ANSWERS:
                cell.fill = yours
        lines = max(-(-len(str(v)) // max(1, int(w * 1.1))) for v, w in zip(row, widths))
        ws.row_dimensions[number].height = 15 * max(1, lines)
    ws.freeze_panes = "B3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    choices = wb.create_sheet("Allowed values")
    choices.append(["decision", "meaning"])
    for value, label in DECISION_LABELS.items():
        choices.append([value, label])
    last = max(len(rows) + 2, 3)
    dropdown = DataValidation(type="list", formula1=f"'Allowed values'!$A$2:$A${len(DECISION_LABELS) + 1}",
                              allow_blank=False, showErrorMessage=True, errorTitle="Decision",
                              error="undecided, confirmed, disputed or not-applicable")
    dropdown.add(f"G3:G{last}")
    ws.add_data_validation(dropdown)
    return workbook_bytes(wb, f"Reviewer's decisions, case {case_id}")


def _word(case_id: str, rows: list[list[str]]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    doc.styles["Normal"].font.size = Pt(8)
    doc.add_heading(f"Reviewer's decisions, case {case_id}", level=1)
    doc.add_paragraph("For each finding write the decision (" + ", ".join(DECISION_LABELS) + "), the reason, your "
                      "role (never your name) and the date (YYYY-MM-DD). Then: auditor report CASE --decisions "
                      "THIS-FILE.")
    case_table = doc.add_table(rows=1, cols=2)
    case_table.style = "Table Grid"
    case_table.rows[0].cells[0].text, case_table.rows[0].cells[1].text = "case", case_id
    doc.add_paragraph()  # two tables with nothing between them are one table to Word and LibreOffice
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, HEADER):
        cell.text = name
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)
    table.autofit = False
    widths = (3.2, 1.8, 4.6, 2.4, 1.8, 5.6, 1.9, 3.2, 1.6, 1.6)  # cm, 27.7 in all
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    return document_bytes(doc, f"Reviewer's decisions, case {case_id}")


class SheetDocument:
    """A decisions sheet as `load_decisions` reads a YAML file: its data, and a problem at a field named by the
    sheet's row and column rather than a line."""

    COLUMNS = {"finding": "finding", "decision": "decision", "reason": "reason", "reviewer_role": "reviewer role",
               "date": "decision date", "status": "status", "case": "case"}

    def __init__(self, file: str, data: dict[str, Any], rows: dict[int, int]):
        self.file, self.data, self.rows = file, data, rows

    def problem(self, path: tuple[Any, ...], message: str) -> Problem:
        if len(path) >= 2 and path[0] == "decisions" and isinstance(path[1], int):
            column = self.COLUMNS.get(str(path[2]), str(path[2])) if len(path) > 2 else ""
            return Problem(self.file, self.rows.get(path[1]), column, message)
        return Problem(self.file, 1, "case", message)


def read_decision_sheet(path: Path) -> SheetDocument:
    """The decisions in a sheet. The case id is in the first row (Word: the first table, with the decisions in the
    second). Bad values are left to `load_decisions`, which says each with its row and column."""
    from ..files.tables import iter_rows

    def rows_of(table: str | None) -> list[tuple[int, list[str]]]:
        return [(row.number, [c.strip().removeprefix("'") for c in row.cells]) for row in iter_rows(path, table)
                if not row.is_blank()]

    if path.suffix.lower() == ".docx":
        rows = rows_of("table 1")[:1] + rows_of("table 2")
    else:
        rows = rows_of(SHEET)
    if len(rows) < 2 or rows[0][1][:1] != ["case"] or rows[1][1][:len(HEADER)] != list(HEADER):
        raise InputError([Problem(str(path), 1, "", "not a decisions sheet written by `auditor review --output FILE.xlsx|docx` "
                                  f"(its first row should be: case, <case id>; then: {', '.join(HEADER)})")])
    case_id = rows[0][1][1] if len(rows[0][1]) > 1 else ""
    at = {name: i for i, name in enumerate(HEADER)}
    decisions: list[dict[str, Any]] = []
    where: dict[int, int] = {}
    for number, cells in rows[2:]:
        cells = cells + [""] * (len(HEADER) - len(cells))
        where[len(decisions)] = number
        decisions.append({"finding": cells[at["finding"]], "decision": cells[at["decision"]].lower() or "undecided",
                          "reason": cells[at["reason"]], "reviewer_role": cells[at["reviewer role"]],
                          "date": cells[at["decision date"]][:10] or None, "status": cells[at["status"]]})
    return SheetDocument(str(path), {"case": case_id, "decisions": decisions}, where)


# -- reading a decisions file against an audit ------------------------------------------------------------

@dataclass
class Decisions:
    """A decisions file read against an audit: the decisions on its findings, and those set aside because they
    name a finding this audit did not make (the chronology or the rulebook changed since they were written)."""

    by_finding: dict[str, Decision]
    stale: list[Decision] = field(default_factory=list)


def read_decisions(path: Path | str) -> tuple[Any, DecisionsFile]:
    """A decisions file in YAML (or JSON), or a sheet from `auditor review --output FILE.xlsx|docx`, with its problems
    located by line, or by row and column."""
    path = Path(path)
    doc: Any = read_decision_sheet(path) if path.suffix.lower() in FORMATS else load_file(path)
    return doc, validate(DecisionsFile, doc)


def load_decisions(path: Path | str, result: AuditResult, aliases: dict[str, str] | None = None) -> Decisions:
    """`aliases`: a rule's former ids (the rulebook's `aliases`), so a decision written before a rule was renamed
    attaches to the finding under its new id. A decision on a finding the audit did not make is set aside and
    listed, never attached to another finding and never a reason to write no report."""
    doc, data = read_decisions(path)
    problems = []
    known = {f.id for f in result.findings}
    seen: set[str] = set()
    if data.case != result.chronology.case.id:
        problems.append(doc.problem(("case",), f"these decisions are for case {data.case!r}, "
                                    f"not {result.chronology.case.id!r}"))
    decisions = [under_current_id(d, known, aliases or {}) for d in data.decisions]
    stale = [d for d in decisions if d.finding not in known]
    for i, d in enumerate(decisions):
        if d.finding in seen and d.finding in known:
            problems.append(doc.problem(("decisions", i, "finding"), f"a second decision on {d.finding!r}"))
        seen.add(d.finding)
        if d.decision != "undecided" and not d.reason.strip():
            problems.append(doc.problem(("decisions", i, "reason"), "a decision needs its reason"))
    if problems:
        raise InputError(problems, "no report was written")
    return Decisions({d.finding: d for d in decisions if d.finding in known}, stale)


@dataclass
class Carried:
    """What `auditor review --update` did with an earlier decisions file."""

    kept: dict[str, Decision]  # by finding: decisions on findings this audit still makes
    changed: list[tuple[Decision, str]]  # kept, but the finding's status is not the one decided on: (decision, now)
    gone: list[Decision]  # decisions on findings this audit no longer makes

    def report(self) -> list[str]:
        decided = [d for d in self.kept.values() if d.decision != "undecided"]
        lines = [f"{len(decided)} decision{'' if len(decided) == 1 else 's'} carried over"]
        lines += [f"{d.finding}: was {d.status or 'of unknown status'} when decided, now {now}; check the "
                  f"decision ({d.decision})" for d, now in self.changed]
        lines += [f"{d.finding}: no longer a finding of this audit; its decision ({d.decision}) is not carried over"
                  for d in self.gone if d.decision != "undecided"]
        return lines


def carried_over(path: Path | str, result: AuditResult, aliases: dict[str, str] | None = None) -> Carried:
    """An earlier decisions file's decisions on the findings this audit still makes (a renamed rule's under its new
    id), with those whose finding changed status, and those whose finding is gone, listed, not dropped in silence.
    The case must be the same; nothing else in the old file stops the update."""
    doc, data = read_decisions(path)
    if data.case != result.chronology.case.id:
        raise InputError([doc.problem(("case",), f"these decisions are for case {data.case!r}, not "
                                      f"{result.chronology.case.id!r}")], "no decisions file was written")
    status = {f.id: f.status_label for f in result.findings if f.status != "not-applicable"}
    kept: dict[str, Decision] = {}
    changed, gone = [], []
    for d in (under_current_id(d, set(status), aliases or {}) for d in data.decisions):
        if d.finding not in status:
            gone.append(d)
            continue
        kept.setdefault(d.finding, d)
        if d.decision != "undecided" and d.status and d.status != status[d.finding]:
            changed.append((d, status[d.finding]))
    return Carried(kept, changed, gone)
