"""The import report: what a reader must check before trusting an imported chronology."""

from __future__ import annotations

from datetime import date

from ..reports.render import environment
from ..words import count
from .importer import ImportReport

SECTIONS = (
    ("formula", "Cells holding a formula with no saved value (read as empty)"),
    ("unclassified", "Rows no pattern classified"),
    ("out-of-order", "Rows out of date order"),
    ("duplicate", "Duplicate rows (same date, agency and text)"),
    ("outside-scoping", "Rows dated outside the scoping period"),
    ("date", "Dates read with a caveat"),
    ("same-event", "Rows recording the same event"),
    ("same-event-proposal", "Rows that may record the same meeting (check, and say so in the table)"),
    ("linked", "Links inferred between rows"),
    ("type-from-column", "Types taken from the table's own type column"),
)


def import_report_markdown(report: ImportReport) -> str:
    """The report's text (auditor/reports/templates/import-report.md.j2)."""
    start, end = (date.fromisoformat(d).strftime("%d/%m/%Y") for d in report.scoping)
    sections = [(kind, title, [n for n in report.notes if n.kind == kind]) for kind, title in SECTIONS]
    return environment().get_template("import-report.md.j2").render(
        report=report, scoping=f"{start} to {end}", types=sorted(report.types.items()), sections=sections)


# What the summary line counts, in its words: (kind, singular, plural).
FLAGGED = (
    ("formula", "formula with no saved value", "formulas with no saved value"),
    ("unclassified", "unclassified", "unclassified"),
    ("out-of-order", "out of order", "out of order"),
    ("duplicate", "duplicate", "duplicate"),
    ("outside-scoping", "outside scoping", "outside scoping"),
)


def summary_line(report: ImportReport) -> str:
    flagged = ", ".join(count(n, one, many) for kind, one, many in FLAGGED if (n := report.count(kind)))
    return (f"{report.events} events imported from {report.file} ({flagged or 'nothing flagged'}); "
            f"{looked_at(report)}")


def looked_at(report: ImportReport) -> str:
    """How many rows a person has looked at: the review loop's count."""
    confirmed, corrected = report.reviewed["confirm"], report.reviewed["correct"]
    if not confirmed and not corrected:
        return f"no person has looked at the classification of any of the {report.events} rows"
    return (f"the panel confirmed {confirmed} and corrected {corrected}; "
            f"{count(report.not_looked_at, 'row', 'rows')} no person has looked at")
