"""`auditor explain`: show, step by step, how the audit reached one verdict (trainers).

`register(app)` adds the command to the `auditor` Typer app; what the command needs is imported when it runs,
so `auditor --help` stays quick.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import Engine


class ExplainFormat(str, Enum):
    text = "text"
    md = "md"



def register(app: typer.Typer) -> None:
    """Add `explain` to `app` (once: a second call does nothing)."""
    if any(command.name == "explain" for command in app.registered_commands):
        return

    @app.command("explain")
    def explain_command(
        case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
        finding: str = typer.Argument(
            ...,
            metavar="FINDING_ID|RULE_ID",
            help="A finding id as the audit prints it "
            "(e.g. icpc-within-15-working-days@E039+E044), or a rule id for every "
            "finding of that rule in the case.",
        ),
        rules: Optional[Path] = typer.Option(
            None,
            "--rules",
            help="Rulebook folder (default: the rulebook installed with auditor).",
        ),
        engine: Engine = typer.Option(
            Engine.durable,
            "--engine",
            help="Matcher: durable-rules, or the reference evaluator.",
        ),
        fmt: ExplainFormat = typer.Option(
            ExplainFormat.text, "--format", "-f", help="text, or md (Markdown)."
        ),
    ) -> None:
        """Explain in plain English how the audit reached a verdict: the standard and
        its citations, the edition in force and why, the trigger entry, the calendar
        arithmetic (each weekend and bank holiday skipped), every entry searched, the
        result, and for a possible departure each reading.

        The audit itself is run (with the engine chosen) and its findings explained;
        nothing is decided again here. An id that names no finding or rule exits with
        code 2 and suggests the nearest ids.

        Examples:

          auditor explain case.yaml icpc-within-15-working-days@E039+E044

          auditor explain case.yaml police-invited-to-icpc-where-domestic-abuse

          auditor explain case.yaml strategy-discussion-includes-health --format md
        """
        import sys

        from ..audit.run import sha256_hex
        from ..chronology.loader import chronology_from_text
        from ..engine import engine_version, open_matcher
        from ..rulebook import load_rulebook
        from ..files.reading import read_source
        from ..trainer.explain import explain_chronology, render

        book = load_rulebook(rules)
        raw, text = read_source(case)
        chron = chronology_from_text(text, str(case), book.vocabulary)
        with open_matcher(book, engine.value) as matcher:
            explanation = explain_chronology(
                chron,
                book,
                matcher,
                engine_version(engine.value),
                finding,
                sha256_hex(raw),
            )
        sys.stdout.buffer.write(render(explanation, fmt.value).encode("utf-8"))
        sys.stdout.flush()
