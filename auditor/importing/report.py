"""The import report: what a reader must check before trusting an imported chronology."""

from __future__ import annotations

from datetime import date

from ..reports.render import environment
from .importer import ImportReport

SECTIONS = (
    ("unclassified", "Rows no pattern classified"),
    ("out-of-order", "Rows out of date order"),
    ("duplicate", "Duplicate rows (same date, agency and text)"),
    ("outside-scoping", "Rows dated outside the scoping period"),
    ("date", "Dates read with a caveat"),
    ("same-event", "Rows recording the same event"),
    ("linked", "Links inferred between rows"),
    ("type-from-column", "Types taken from the table's own type column"),
)


def import_report_markdown(report: ImportReport) -> str:
    start, end = (date.fromisoformat(d).strftime("%d/%m/%Y") for d in report.scoping)
    sections = [(kind, title, [n for n in report.notes if n.kind == kind]) for kind, title in SECTIONS]
    return environment().get_template("import-report.md.j2").render(
        report=report, scoping=f"{start} to {end}", types=sorted(report.types.items()), sections=sections)


def summary_line(report: ImportReport) -> str:
    problems = {kind: report.count(kind) for kind, _ in SECTIONS[:4]}
    flagged = ", ".join(f"{n} {kind.replace('-', ' ')}" for kind, n in problems.items() if n) or "nothing flagged"
    return f"{report.events} events imported from {report.file} ({flagged})"
