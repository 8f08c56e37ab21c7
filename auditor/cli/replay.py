"""`auditor replay`: a case in date order, for a trainer to walk a room through (text, or a step-through page).

`register(app)` adds the command to the `auditor` Typer app; what the command needs is imported when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import Engine



def register(app: typer.Typer) -> None:
    """Add `replay` to `app` (once: a second call does nothing)."""
    if any(command.name == "replay" for command in app.registered_commands):
        return

    @app.command("replay")
    def replay_command(
        case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
        html: Optional[Path] = typer.Option(None, "--html", help="Write a step-through page for a room (one "
                                            "self-contained, offline HTML file) instead of printing the text."),
        on: Optional[str] = typer.Option(None, "--date", help="Date printed on the page (YYYY-MM-DD); default "
                                         "SOURCE_DATE_EPOCH if set, else today."),
        rules: Optional[Path] = typer.Option(None, "--rules", help="Rulebook folder (default: the rulebook "
                                             "installed with auditor)."),
        engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the "
                                            "reference evaluator."),
    ) -> None:
        """Replay a case in date order: at each entry, the standards it opened (a clock, an expectation), the ones
        it met or answered late, and between entries the days on which a deadline passed with nothing recorded;
        then a summary. The findings are the audit's own.

        Examples:

          auditor replay fixtures/cases/bdhr-2012-13-04.yaml

          auditor replay fixtures/cases/bdhr-2012-13-04.yaml --html replay.html --date 2026-11-25

          auditor replay case.yaml --engine reference | less
        """
        from .app import audit_path, report_date, write_output
        from ..files.writing import write_atomic
        from ..rulebook import load_rulebook
        from ..trainer.replay import build_replay, render_html, render_text

        book = load_rulebook(rules)
        result = audit_path(case, book, engine.value, trace=True)
        if html is None:
            write_output(render_text(build_replay(result, book)), None)
            return
        replay = build_replay(result, book, report_date(on))
        write_atomic(html, render_html(replay))
        typer.echo(f"Replay of {replay.case_id} ({len(replay.steps)} steps) written to {html}", err=True)
