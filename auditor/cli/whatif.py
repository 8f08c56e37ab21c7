"""`auditor what-if`: re-audit a changed copy of a case and print which findings change (trainers).

`register(app)` adds the command to the `auditor` Typer app; what the command needs is imported when it runs,
so `auditor --help` stays quick.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import Engine


class WhatIfFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"



def register(app: typer.Typer) -> None:
    """Add `what-if` to `app` (once: a second call does nothing)."""
    if any(command.name == "what-if" for command in app.registered_commands):
        return

    @app.command("what-if")
    def what_if_command(
        case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON); it is read, never written."),
        sets: Optional[list[str]] = typer.Option(
            None, "--set", metavar="ENTRY.FIELD=VALUE",
            help="Change one field of an entry (repeatable). FIELD is date, agency, type, summary, recorded_by, "
            "author, people, same_event_as, attrs.NAME (or a bare attribute NAME) or links.RELATION; "
            "VALUE is read as YAML, so [police, gp] is a list and true a yes/no; an empty VALUE removes an "
            "attribute or link. Use += to add to a list and -= to take from it. case.facts.NAME=VALUE changes "
            "a case fact."),
        adds: Optional[list[Path]] = typer.Option(
            None, "--add", metavar="EVENTS.yaml",
            help="Append the events in this file (a YAML list of events, or `events:` and a list, in the "
            "chronology format; ids must be new). Repeatable."),
        drops: Optional[list[str]] = typer.Option(
            None, "--drop", metavar="ENTRY",
            help="Remove this entry, and every link and same_event_as naming it (repeatable)."),
        fmt: WhatIfFormat = typer.Option(WhatIfFormat.text, "--format", "-f", help="text, json or md (Markdown)."),
        output: Optional[Path] = typer.Option(
            None, "--output", "-o",
            help="Also write the changed chronology to this file (YAML, for reuse; the original's comments "
            "are not kept). Never the case file itself."),
        rules: Optional[Path] = typer.Option(None, "--rules", help="Rulebook folder (default: the rulebook "
                                             "installed with auditor)."),
        engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or "
                                            "the reference evaluator."),
    ) -> None:
        """Ask what the audit would have found had the chronology been different: change, add or remove
        entries in a copy, audit the original and the copy with the same rulebook and engine, and print the
        findings that change (now met, now departures, other changes), then how many did not.

        The copy is checked exactly as any chronology is, so a value the format does not allow is an error
        naming the option, entry and field (exit code 2), as is an entry id that is not in the case (with
        the nearest ids). The case file is never modified.

        Examples:

          auditor what-if fixtures/cases/bdhr-2012-13-04.yaml --set E046.attrs.invited+=police

          auditor what-if fixtures/cases/bdhr-2012-13-04.yaml --set E046.date=2012-06-01 --format md

          auditor what-if case.yaml --drop E044 --add extra-events.yaml --output changed.yaml

          auditor what-if case.yaml --set case.facts.domestic_abuse=false --format json
        """
        import sys

        from ..audit.run import sha256_hex
        from ..engine import engine_version, open_matcher
        from ..errors import InputError, Problem
        from ..files.writing import write_atomic
        from ..rulebook import load_rulebook
        from ..files.reading import load_file, load_text, read_source
        from ..trainer.whatif import render, run_what_if

        if not (sets or adds or drops):
            raise InputError([Problem("what-if", None, "", "nothing to change: give at least one --set, --add "
                                      "or --drop")], "nothing was audited")
        if output is not None and _same_file(output, case):
            raise InputError([Problem("--output", None, "", f"{output} is the case file itself; the original "
                                      "chronology is never overwritten: choose another file")], "nothing was audited")
        book = load_rulebook(rules)
        raw, text = read_source(case)
        original = load_text(text, str(case))
        added = [load_file(path) for path in adds or []]
        with open_matcher(book, engine.value) as matcher:
            result = run_what_if(original, book, matcher, engine_version(engine.value),  # type: ignore[arg-type]
                                 sets or [], added, drops or [], sha256_hex(raw))
        if output is not None:
            write_atomic(output, result.changed_yaml)
            typer.echo(f"Changed chronology written to {output}", err=True)
        sys.stdout.buffer.write(render(result, fmt.value).encode("utf-8"))
        sys.stdout.flush()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False
