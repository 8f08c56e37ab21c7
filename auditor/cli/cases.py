"""Commands on one case: `audit`, `report` (the breach appendix), `check` (what is not recorded) and
`review` (a decisions file)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..audit.run import sha256_hex
from ..errors import InputError, Problem
from ..reports import render
from ..rulebook import load_rulebook
from ..files.reading import read_source
from ..reports.docx_writer import read_reference_docx
from .app import LEARNING_OPTION, RULES_OPTION, Engine, Format, app, audit_path, report_date, write_output


@app.command("audit")
def audit_command(
    case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
    rules: Optional[Path] = RULES_OPTION,
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
    show_all: bool = typer.Option(False, "--all", help="Table: every finding in full after the summary."),
    status: Optional[str] = typer.Option(None, "--status", help="Table: these statuses in full after the summary, "
                                         "comma-separated: departure, possible-departure, not-evaluable, met, "
                                         "not-applicable."),
    learning: bool = LEARNING_OPTION,
) -> None:
    """Audit one case chronology: the counts, each departure and possible departure, and (with --all or
    --status) every finding in full with its standard, evidence and what was searched.

    Examples:

      auditor audit fixtures/cases/bdhr-2012-13-04.yaml

      auditor audit fixtures/cases/bdhr-2012-13-04.yaml --status departure,possible-departure

      auditor audit case.yaml --format markdown --output appendix.md

      auditor audit case.json --rules my-rules/ --format json
    """
    from ..reports.render import STATUS_WORDS

    statuses: tuple[str, ...] | None = tuple(STATUS_WORDS.values()) if show_all else None
    if status is not None:
        words = [w.strip() for w in status.split(",") if w.strip()]
        unknown = [w for w in words if w not in STATUS_WORDS]
        if unknown or not words:
            raise typer.BadParameter(f"unknown status {', '.join(unknown) or '(none)'}; choose from "
                                     "departure, possible-departure, not-evaluable, met, not-applicable",
                                     param_hint="'--status'")
        statuses = tuple(dict.fromkeys(STATUS_WORDS[w] for w in words))
    if statuses and fmt is not Format.table:
        raise typer.BadParameter("--all and --status choose what the table prints; json and markdown always "
                                 "carry every finding", param_hint="'--all' / '--status'")
    result = audit_path(case, load_rulebook(rules), engine.value, learning=learning)
    write_output(render(result, fmt.value, statuses), output)


class AppendixFormat(str, Enum):
    docx = "docx"
    html = "html"
    md = "md"


@app.command("report")
def report_command(
    case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
    fmt: AppendixFormat = typer.Option(AppendixFormat.md, "--format", "-f", help="docx (Word), html or md."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (required for docx)."),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="Reviewer's decisions (from `auditor review`)."),
    redact: bool = typer.Option(False, "--redact", help="Replace names in free text by the case's pseudonyms and "
                                "warn of anything that still looks identifying."),
    coarsen_dates: bool = typer.Option(False, "--coarsen-dates", help="Give dates to the month and year only."),
    marking: str = typer.Option("OFFICIAL-SENSITIVE", "--marking", help="Protective marking for the header."),
    on: Optional[str] = typer.Option(None, "--date", help="Date printed on the report (YYYY-MM-DD); default "
                                     "SOURCE_DATE_EPOCH if set, else today."),
    templates: Optional[Path] = typer.Option(None, "--templates", help="Folder of templates that replace the "
                                             "built-in appendix.md.j2, appendix.html.j2 or appendix.docx.j2."),
    exercise: bool = typer.Option(False, "--exercise", help="A training exercise: in HTML the chronology and "
                                  "timeline with every finding behind a reveal control; in Word a printable "
                                  "handout with the debrief on a page of its own."),
    reference_docx: Optional[Path] = typer.Option(None, "--reference-docx", help="Word only: the partnership's own "
                                                  "Word document or template to build on (its styles, fonts, "
                                                  "margins, header and footer)."),
    rules: Optional[Path] = RULES_OPTION,
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
    learning: bool = LEARNING_OPTION,
) -> None:
    """Write the breach appendix for an overview report: method, people and agencies, findings by agency and
    theme with both citations, what was met, and an action-plan skeleton.

    Examples:

      auditor report fixtures/cases/bdhr-2012-13-04.yaml --format docx --output appendix.docx

      auditor report case.yaml --format html --decisions decisions.yaml --redact --output appendix.html

      auditor report case.yaml --format md --date 2026-11-25

      auditor report case.yaml --format html --exercise --output exercise.html

      auditor report case.yaml --format docx --reference-docx partnership-template.docx --output appendix.docx
    """
    from ..appendix.decision_files import load_decisions
    from ..appendix.model import build_appendix
    from ..reports.appendix import render_appendix

    if fmt is AppendixFormat.docx and output is None:
        raise InputError([Problem("--output", None, "", "a Word appendix needs --output FILE.docx")])
    if exercise and fmt is AppendixFormat.md:
        raise InputError([Problem("--exercise", None, "", "an exercise is an HTML page or a Word handout: use "
                                  "--format html or --format docx")])
    if reference_docx is not None and fmt is not AppendixFormat.docx:
        raise InputError([Problem("--reference-docx", None, "", "a reference document shapes the Word appendix: "
                                  "use --format docx")])
    reference = read_reference_docx(reference_docx) if reference_docx is not None else None
    book = load_rulebook(rules)
    result = audit_path(case, book, engine.value, trace=True,  # the trace tells what entries do not record
                        learning=learning)
    chosen, digest, set_aside = {}, "", []
    if decisions is not None:
        loaded = load_decisions(decisions, result, book.aliases)
        chosen, set_aside = loaded.by_finding, [d.finding for d in loaded.stale]
        digest = sha256_hex(decisions.read_bytes() if decisions.suffix.lower() in (".xlsx", ".docx")
                            else read_source(decisions)[0])
        for finding in set_aside:
            typer.echo(f"decisions: {finding} is not a finding of this audit; its decision is set aside "
                       "(`auditor review --update` carries decisions onto a changed audit)", err=True)
    appendix = build_appendix(result, book, chosen, report_date(on), marking, redact, coarsen_dates, digest,
                              set_aside)
    for warning in appendix.identifier_warnings:
        typer.echo(f"redaction: {warning}", err=True)
    write_output(render_appendix(appendix, fmt.value, templates, exercise, reference), output)


@app.command("check")
def check_command(
    case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
    rules: Optional[Path] = RULES_OPTION,
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
) -> None:
    """List what the standards read that the chronology does not record, entry by entry: the questions to take
    back to each agency before relying on "not evaluable".

    Example: auditor check fixtures/cases/bdhr-2012-13-04.yaml
    """
    from ..audit.gaps import recording_gaps, render_text

    book = load_rulebook(rules)
    result = audit_path(case, book, engine.value, trace=True)
    entries, links = recording_gaps(result, book)
    write_output(render_text(result, entries, links), output)


@app.command("review")
def review_command(
    case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Decisions file to write: .yaml, or .xlsx "
                                          "(Excel) or .docx (Word) for a sheet (default: print YAML)."),
    update: Optional[Path] = typer.Option(None, "--update", help="An earlier decisions file (YAML, Excel or Word): "
                                          "carry its decisions onto this audit and list those that no longer apply."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Write a decisions file listing every finding with its status, undecided, for the reviewer to fill in: YAML,
    or a sheet in Excel or Word with a column for the decision, its reason, the reviewer's role and the date.

    Examples:

      auditor review fixtures/cases/bdhr-2012-13-04.yaml --output my-decisions.yaml

      auditor review fixtures/cases/bdhr-2012-13-04.yaml --output decisions.xlsx

      auditor review case.yaml --update decisions-before.xlsx --output decisions-now.xlsx
    """
    from ..appendix.decision_files import FORMATS, carried_over, decision_rows, write_decision_sheet
    from ..appendix.decisions import decisions_template

    if output is not None and output.exists():
        raise InputError([Problem(str(output), None, "", "already exists; the reviewer's decisions are not "
                                  "overwritten (choose another file name)")])
    sheet = output is not None and output.suffix.lower() in FORMATS
    if output is not None and not sheet and output.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError([Problem(str(output), None, "--output", "a decisions file is .yaml, .xlsx or .docx")])
    book = load_rulebook(rules)
    result = audit_path(case, book)
    decided: dict = {}
    if update is not None:
        carried = carried_over(update, result, book.aliases)
        decided = carried.kept
        for line in carried.report():
            typer.echo(f"review: {line}", err=True)
    if sheet:
        assert output is not None
        write_output(write_decision_sheet(output, result.chronology.case.id, decision_rows(result, book, decided)),
                     output)
    else:
        write_output(decisions_template(result, decided), output)
