"""`auditor brief`: the one-page 7-minute briefing for a case. `register(app)` adds the command."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import LEARNING_OPTION


class BriefFormat(str, Enum):
    docx = "docx"
    md = "md"


def register(app: typer.Typer) -> None:
    if any(command.name == "brief" for command in app.registered_commands):
        return

    @app.command("brief")
    def brief_command(
        case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
        fmt: BriefFormat = typer.Option(BriefFormat.md, "--format", "-f", help="docx (Word) or md."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (required for docx)."),
        marking: str = typer.Option("OFFICIAL-SENSITIVE", "--marking", help="Protective marking for the header."),
        on: Optional[str] = typer.Option(None, "--date", help="Date printed (YYYY-MM-DD); default "
                                         "SOURCE_DATE_EPOCH, else today."),
        findings: Optional[list[str]] = typer.Option(None, "--finding", help="A finding to brief on (its id, as "
                                                     "`auditor audit --all` gives it); repeat for more, in order."),
        rules: Optional[Path] = typer.Option(None, "--rules", help="Rulebook folder (default: the installed one)."),
        learning: bool = LEARNING_OPTION,
    ) -> None:
        """Write a one-page "7-minute briefing" in the usual grid: background, what happened (the departures that
        matter most, or those named with --finding), why it matters, what we learned, questions for reflection,
        and what you should do now.

        Examples:

          auditor brief fixtures/training/police-not-invited.yaml

          auditor brief fixtures/cases/bdhr-2012-13-04.yaml --format docx --output briefing.docx

          auditor brief fixtures/cases/bdhr-2012-13-04.yaml --finding police-invited-to-icpc-where-domestic-abuse@E046
        """
        from .app import audit_path, report_date, write_output
        from ..errors import InputError, Problem
        from ..rulebook import load_rulebook
        from ..trainer.brief import build_briefing, render_briefing

        if fmt is BriefFormat.docx and output is None:
            raise InputError([Problem("--output", None, "", "a Word briefing needs --output FILE.docx")])
        book = load_rulebook(rules)
        result = audit_path(case, book, learning=learning)
        briefing = build_briefing(result, book, report_date(on), marking, findings or None)
        write_output(render_briefing(briefing, fmt.value), output)
