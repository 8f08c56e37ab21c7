"""`auditor batch`: many cases in, one board pack out."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError, Problem
from ..chronology.dates import parse_day
from .app import LEARNING_OPTION, RULES_OPTION, Engine, app, report_date
from .records import AS_AT_OPTION, KEEP_IDS_OPTION, KEY_OPTION, RecordFormat, open_from_options


class Executor(str, Enum):
    local = "local"
    dask = "dask"


@app.command("batch")
def batch_command(
    inputs: list[str] = typer.Argument(..., metavar="INPUTS", help="Chronology files, folders, globs, or JSON-lines files (one case a line)."),
    out: Path = typer.Option(Path("audit-out"), "--out", help="Folder for the per-case findings and the board pack."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes (default: one per core; 0: in this process)."),
    formats: str = typer.Option("csv,xlsx,html,json", "--format", help="Board pack formats, comma-separated: csv, xlsx, html, json."),
    since: Optional[str] = typer.Option(None, "--since", help="Count only events on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Count only events on or before this date (YYYY-MM-DD)."),
    compare: Optional[list[Path]] = typer.Option(None, "--compare", help="A previous batch's --out folder: rates then "
                                                 "and now; give it more than once, oldest first, for each standard's "
                                                 "rate over the rounds."),
    executor: Executor = typer.Option(Executor.local, "--executor", help="local worker processes, or a Dask cluster."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
    case_timeout: float = typer.Option(300.0, "--case-timeout", min=1.0, help="Seconds one case may take before its "
                                       "worker is stopped and the case reported as a timeout (local workers)."),
    rules: Optional[Path] = RULES_OPTION,
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
    full: bool = typer.Option(False, "--full", help="Each case's findings in the full layout (every standard, "
                              "citations in full, indented), as `auditor audit --format json` writes them."),
    title: str = typer.Option("Safeguarding audit round", "--title", help="The round's title, on the front page "
                              "and wherever a later round names this one."),
    marking: str = typer.Option("OFFICIAL-SENSITIVE", "--marking", help="Protective marking for the board pack."),
    on: Optional[str] = typer.Option(None, "--date", help="Date the pack is produced (YYYY-MM-DD); default "
                                     "SOURCE_DATE_EPOCH if set, else today."),
    targets: Optional[Path] = typer.Option(None, "--targets", help="A targets file (YAML: a departure rate per "
                                           "standard): each standard with one is red, amber or green against it."),
    learning: bool = LEARNING_OPTION,
    records: Optional[RecordFormat] = typer.Option(None, "--records", help="INPUTS are an authority's records in "
                                                   "this format (ssd, cin-census, annex-a), audited child by child against "
                                                   "the standards the records can evidence."),
    key: Optional[Path] = KEY_OPTION,
    keep_ids: bool = KEEP_IDS_OPTION,
    as_at: Optional[str] = AS_AT_OPTION,
) -> None:
    """Audit many chronologies and write a board pack; one bad case never stops or loses the others.

    Writes OUT/cases/<case id>.json per case (compact: the findings that apply, citing OUT/citations.json by id,
    and the standards that did not apply as a list; --full for today's full layout), OUT/errors.csv (every case
    that could not be audited and why), and the board pack: OUT/board.xlsx, OUT/board.html, OUT/board.json and
    OUT/board-csv/*.csv. Exit code 0 if every case was audited, 2 if any was bad input, 1 if the engine failed
    on any.

    Examples:

      auditor batch fixtures/cases/ --out round-2026-q4

      auditor batch 'chronologies/**/*.yaml' cases.jsonl --workers 2 --format xlsx,html --since 2025-04-01

      auditor batch cases.jsonl --out q1 --compare round-2026-q4

      auditor batch cases.jsonl --out q2 --compare round-2026-q4 --compare q1

      auditor batch cases.jsonl --out q1 --title "Quarter 1 audit round" --targets targets.yaml

      auditor batch cases.jsonl --executor dask --scheduler tcp://10.0.0.5:8786

      auditor batch --records ssd extract/ --out q4-board --key pseudonyms.key
    """
    from ..batch.runner import FORMATS, FrontMatter, progress_bar, run_batch
    from ..batch.worker import CaseOptions

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError([Problem("--format", None, "", f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")])
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), None, "", "--out is a file; give a folder (it is created if missing)")])
    if executor is Executor.dask and not scheduler:
        raise InputError([Problem("--scheduler", None, "", "the dask executor needs --scheduler ADDRESS")])
    window = (parse_day(since) if since else None, parse_day(until) if until else None)
    read = None
    if records is not None:
        from ..records.mapping import load_format

        read = open_from_options([Path(p) for p in inputs], records.value, key, keep_ids, as_at, out)
        standards = tuple(load_format(records.value).standards)
    with progress_bar(None if read is not None else inputs) as bar:
        result = run_batch(inputs, out, workers=workers, formats=chosen, since=window[0], until=window[1],
                           rules=str(rules) if rules else None, engine=engine.value, executor=executor.value,
                           scheduler=scheduler, compare=compare, on_progress=bar.update, case_timeout=case_timeout,
                           options=CaseOptions(full=full, learning=learning,
                                               standards=standards if read is not None else ()),
                           front=FrontMatter(title, marking, report_date(on).isoformat()), targets=targets,
                           records=read)
    typer.echo(f"{result.audited} case{'s' if result.audited != 1 else ''} audited, {result.failed} could not be "
               f"(see {out / 'errors.csv'}); board pack in {out}")
    if result.failed:
        raise typer.Exit(1 if result.crashed else 2)
