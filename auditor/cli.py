"""The `auditor` command line. Exit codes: 0 the command ran, 2 bad input, 1 internal error."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
# The pinned typer bundles its own copy of click and raises that copy's exceptions, not click's: catch those.
from typer._click import exceptions as usage_errors

from . import __version__
from .audit import AuditResult, audit, sha256_hex
from .chronology_loader import chronology_from_text
from .cli_options import Engine
from .engine import engine_version, open_matcher
from .errors import EngineCrash, InputError, Problem
from .limits import Limits, parse_limits, set_limits
from .model.dates import parse_day
from .output import write_atomic
from .reports import render
from .rulebook import Rulebook, load_rulebook
from .sourcemap import read_source
from .words import count

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit safeguarding case chronologies against a cited, dated rulebook of procedural standards.")


@app.callback()
def _options(limits: Optional[str] = typer.Option(
        None, "--limits", metavar="NAME=N,...", help="Input limits, e.g. file=500MB,events=50000 (names: file, text, "
        "values, events, rows). Defaults: " + Limits().human() + ".")) -> None:
    """Audit safeguarding case chronologies against a cited, dated rulebook of procedural standards."""
    if limits:
        try:
            set_limits(parse_limits(limits))
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--limits'") from None


rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="List, show and check the rulebook.")
app.add_typer(rules_app, name="rules")


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"



RULES_OPTION = typer.Option(None, "--rules", help="Rulebook folder (default: the rulebook installed with auditor).")


def audit_path(case: Path, rulebook: Rulebook, engine: str = "durable", trace: bool = False) -> AuditResult:
    """Audit one chronology file; the input hash is of the file's bytes as read. `trace`: keep the verdicts
    behind each finding (for explain and replay)."""
    raw, text = read_source(case)
    chron = chronology_from_text(text, str(case), rulebook.vocabulary)
    with open_matcher(rulebook, engine) as matcher:
        return audit(chron, rulebook, matcher, engine_version(engine), sha256_hex(raw),  # type: ignore[arg-type]
                     trace=trace)


def write_output(content: str | bytes, output: Optional[Path]) -> None:
    """Print, or write atomically so an interrupted run never leaves half a report."""
    if output is None:
        sys.stdout.buffer.write(content.encode("utf-8") if isinstance(content, str) else content)
        sys.stdout.flush()
        return
    write_atomic(output, content)


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
) -> None:
    """Audit one case chronology: the counts, each departure and possible departure, and (with --all or
    --status) every finding in full with its standard, evidence and what was searched.

    Examples:

      auditor audit fixtures/cases/bdhr-2012-13-04.yaml

      auditor audit fixtures/cases/bdhr-2012-13-04.yaml --status departure,possible-departure

      auditor audit case.yaml --format markdown --output appendix.md

      auditor audit case.json --rules my-rules/ --format json
    """
    from .reports.render import STATUS_WORDS

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
    result = audit_path(case, load_rulebook(rules), engine.value)
    write_output(render(result, fmt.value, statuses), output)


class ListFormat(str, Enum):
    table = "table"
    markdown = "markdown"


class Severity(str, Enum):
    must = "must"
    should = "should"


class AppendixFormat(str, Enum):
    docx = "docx"
    html = "html"
    md = "md"


def report_date(given: Optional[str]) -> date:
    """The date printed on a report: given, or SOURCE_DATE_EPOCH (reproducible builds), or today."""
    if given:
        return parse_day(given)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


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
    exercise: bool = typer.Option(False, "--exercise", help="HTML only: a training exercise, with the chronology "
                                  "and timeline shown and every finding hidden behind a reveal control."),
    rules: Optional[Path] = RULES_OPTION,
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
) -> None:
    """Write the breach appendix for an overview report: method, people and agencies, findings by agency and
    theme with both citations, what was met, and an action-plan skeleton.

    Examples:

      auditor report fixtures/cases/bdhr-2012-13-04.yaml --format docx --output appendix.docx

      auditor report case.yaml --format html --decisions decisions.yaml --redact --output appendix.html

      auditor report case.yaml --format md --date 2026-11-25

      auditor report case.yaml --format html --exercise --output exercise.html
    """
    from .appendix.decisions import load_decisions
    from .appendix.model import build_appendix
    from .reports.appendix import render_appendix

    if fmt is AppendixFormat.docx and output is None:
        raise InputError([Problem("--output", None, "", "a Word appendix needs --output FILE.docx")])
    if exercise and fmt is not AppendixFormat.html:
        raise InputError([Problem("--exercise", None, "", "exercise mode is an HTML page: use --format html")])
    book = load_rulebook(rules)
    result = audit_path(case, book, engine.value, trace=True)  # the trace tells what entries do not record
    chosen, digest = {}, ""
    if decisions is not None:
        chosen = load_decisions(decisions, result)
        digest = sha256_hex(read_source(decisions)[0])
    appendix = build_appendix(result, book, chosen, report_date(on), marking, redact, coarsen_dates, digest)
    for warning in appendix.identifier_warnings:
        typer.echo(f"redaction: {warning}", err=True)
    write_output(render_appendix(appendix, fmt.value, templates, exercise), output)


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
    from .gaps import recording_gaps, render_text

    book = load_rulebook(rules)
    result = audit_path(case, book, engine.value, trace=True)
    entries, links = recording_gaps(result, book)
    write_output(render_text(result, entries, links), output)


@app.command("review")
def review_command(
    case: Path = typer.Argument(..., metavar="CASE", help="Chronology file (YAML or JSON)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Decisions file to write (default: print)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Write a decisions file listing every finding, undecided, for the reviewer to fill in.

    Example: auditor review fixtures/cases/bdhr-2012-13-04.yaml --output my-decisions.yaml
    """
    from .appendix.decisions import decisions_template

    if output is not None and output.exists():
        raise InputError([Problem(str(output), None, "", "already exists; the reviewer's decisions are not "
                                  "overwritten (choose another file name)")])
    write_output(decisions_template(audit_path(case, load_rulebook(rules))), output)


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
    compare: Optional[Path] = typer.Option(None, "--compare", help="A previous batch's --out folder: rates then and now."),
    executor: Executor = typer.Option(Executor.local, "--executor", help="local worker processes, or a Dask cluster."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
    case_timeout: float = typer.Option(300.0, "--case-timeout", min=1.0, help="Seconds one case may take before its "
                                       "worker is stopped and the case reported as a timeout (local workers)."),
    rules: Optional[Path] = RULES_OPTION,
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
) -> None:
    """Audit many chronologies and write a board pack; one bad case never stops or loses the others.

    Writes OUT/cases/<case id>.json per case, OUT/errors.csv (every case that could not be audited and why),
    and the board pack: OUT/board.xlsx, OUT/board.html, OUT/board.json and OUT/board-csv/*.csv. Exit code 0 if
    every case was audited, 2 if any was bad input, 1 if the engine failed on any.

    Examples:

      auditor batch fixtures/cases/ --out round-2026-q4

      auditor batch 'chronologies/**/*.yaml' cases.jsonl --workers 2 --format xlsx,html --since 2025-04-01

      auditor batch cases.jsonl --out q1 --compare round-2026-q4

      auditor batch cases.jsonl --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from .batch.runner import FORMATS, progress_bar, run_batch

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError([Problem("--format", None, "", f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")])
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), None, "", "--out is a file; give a folder (it is created if missing)")])
    if executor is Executor.dask and not scheduler:
        raise InputError([Problem("--scheduler", None, "", "the dask executor needs --scheduler ADDRESS")])
    window = (parse_day(since) if since else None, parse_day(until) if until else None)
    with progress_bar(inputs) as bar:
        result = run_batch(inputs, out, workers=workers, formats=chosen, since=window[0], until=window[1],
                           rules=str(rules) if rules else None, engine=engine.value, executor=executor.value,
                           scheduler=scheduler, compare=compare, on_progress=bar.update, case_timeout=case_timeout)
    typer.echo(f"{result.audited} case{'s' if result.audited != 1 else ''} audited, {result.failed} could not be "
               f"(see {out / 'errors.csv'}); board pack in {out}")
    if result.failed:
        raise typer.Exit(1 if result.crashed else 2)


@rules_app.command("list")
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    document: Optional[str] = typer.Option(None, "--document", help="Only rules citing a document whose name contains this."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Only rules with an edition (label or cited edition) containing this, e.g. 2010."),
    severity: Optional[Severity] = typer.Option(None, "--severity", help="Only `must` (requirements) or `should` (practice guidance)."),
    verified: Optional[bool] = typer.Option(None, "--verified/--unverified",
                                            help="Only rules with a citation checked (or not yet checked) against the primary text."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="table, or a markdown catalogue to publish."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
) -> None:
    """List the rules, filtered by document, edition, severity and verification; or print the catalogue.

    Examples:

      auditor rules list --edition 2010 --severity must

      auditor rules list --unverified

      auditor rules list --format markdown --output catalogue.md
    """
    from .reports.catalogue import catalogue_markdown
    from .rulebook.catalogue import RuleFilter, select

    book = load_rulebook(rules)
    wanted = RuleFilter(document, edition, severity.value if severity else None, verified)
    chosen = select(book, wanted)
    if fmt is ListFormat.markdown:
        shown = [f"{name} {value!r}" for name, value in (("document", document), ("edition", edition),
                 ("severity", wanted.severity)) if value]
        if verified is not None:
            shown.append("with a verified citation" if verified else "with an unverified citation")
        write_output(catalogue_markdown(book, chosen, "filtered: " + ", ".join(shown) if shown else ""), output)
        return
    lines = [f"{book.meta.name} {book.version} ({len(chosen)} of {len(book.rules)} rules)"]
    for rule in chosen:
        editions = ", ".join(e.label for e in rule.editions)
        area = f" [local: {rule.area}]" if rule.area else ""
        lines.append(f"{rule.id:<60} {rule.severity:<6} {rule.check.get('template', '?'):<9} {editions}{area}")
    write_output("\n".join(lines) + "\n", output)


@rules_app.command("show")
def rules_show(rule_id: str = typer.Argument(..., metavar="RULE_ID", help="Rule id, as `auditor rules list` prints it."),
               rules: Optional[Path] = RULES_OPTION) -> None:
    """Show one rule: what it checks, each edition with its dates and citations, and local overrides.

    Example: auditor rules show icpc-within-15-working-days
    """
    from .rulebook.catalogue import describe_check, evidence_lines

    book = load_rulebook(rules)
    if rule_id not in book.rules:
        raise InputError([Problem(book.path, None, "rule", f"no rule {rule_id!r}; see `auditor rules list`")])
    rule = book.rules[rule_id]
    typer.echo(f"{rule.id}: {rule.title}")
    typer.echo(f"severity {rule.severity}; jurisdiction {rule.jurisdiction}{'; area ' + rule.area if rule.area else ''}; "
               f"theme {rule.theme}; lead agency {rule.agency}")
    if rule.description:
        typer.echo(rule.description.strip())
    for variant in book.variants_of(rule_id):
        check = variant.check
        where = f"area {variant.area}" if variant.area else "national"
        typer.echo(f"\n{variant.edition} ({where}), in force {variant.in_force.human()}")
        typer.echo(f"  expects: {describe_check(check)}")
        for line in evidence_lines(check.template):
            typer.echo(f"  {line}")
        typer.echo(f"  check: {check.model_dump_json(exclude_none=True)}")
        for cite in variant.cites:
            typer.echo(f"  cite: {cite.human()}" + (f' - "{cite.quote}"' if cite.quote else "")
                       + f" (checked {cite.checked:%d/%m/%Y})")
    if rule.tests:
        typer.echo(f"\n{count(len(rule.tests), 'example')}:")
        for test in rule.tests:
            expect = test.expect if isinstance(test.expect, str) else ", ".join(test.expect)
            typer.echo(f"  - {test.name}: {expect}" + (" [boundary]" if test.boundary else ""))


@rules_app.command("check")
def rules_check(path: Optional[Path] = typer.Argument(None, metavar="PATH", help="Rulebook folder (default: the installed one).")) -> None:
    """Validate a rulebook: every problem with file, line and field, every rule without its examples, and
    whether the rule engine can build it.

    A rule needs citations, editions that neither overlap nor leave an unexplained gap, and
    examples that breach it, meet it and sit on a boundary; each example must make a valid chronology.
    The rulebook is then compiled into durable-rules, as every audit would. Whether the examples give
    the statuses they expect is `auditor rules test`.

    Example: auditor rules check rules/
    """
    from .engine.isolation import compile_problem
    from .engine.plan import plan_variant
    from .rulebook.catalogue import citations_of, coverage_problems

    book = load_rulebook(path)
    problems = coverage_problems(book)
    if problems:
        raise InputError(problems, "the rulebook is not ready for use")
    failure = compile_problem([plan_variant(v) for v in book.variants])
    if failure:
        raise InputError([Problem(book.path, None, "", f"the rule engine cannot build this rulebook: {failure}")],
                         "the rulebook is not ready for use")
    cites = [c for rule_id in book.rules for c in citations_of(book, rule_id)]
    unverified = sum(1 for c in cites if not c.verified)
    tests = sum(len(r.tests) for r in book.rules.values())
    typer.echo(f"{book.path}: {len(book.rules)} rules, {len(book.variants)} dated variants, {tests} examples, "
               f"{unverified} of {len(cites)} citations not verified; no problems found")


@rules_app.command("test")
def rules_test(path: Optional[Path] = typer.Argument(None, metavar="PATH", help="Rulebook folder, or one rule file inside it (default: the installed rulebook)."),
               rule: Optional[list[str]] = typer.Option(None, "--rule", help="Only this rule's examples (repeatable)."),
               engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher for the examples.")) -> None:
    """Run each rule's examples and report every one whose audit differs from what it expects.

    Examples:

      auditor rules test rules/

      auditor rules test rules/national/child-protection-conferences.yaml

      auditor rules test --rule icpc-within-15-working-days
    """
    from .rule_tests import run_all

    root, only_file = _rulebook_root(path)
    book = load_rulebook(root)
    wanted = set(book.rules)
    if only_file is not None:
        wanted = {rid for rid, origin in book.origins.items() if Path(origin.file).resolve() == only_file}
    if rule:
        unknown = sorted(set(rule) - set(book.rules))
        if unknown:
            raise InputError([Problem(book.path, None, "rule", f"no rule {r!r}; see `auditor rules list`") for r in unknown])
        wanted &= set(rule)
    with open_matcher(book, engine.value) as matcher:
        results = run_all(book, matcher, wanted)  # type: ignore[arg-type]
    failed = [r for r in results if not r.passed]
    for r in failed:
        origin = book.origins[r.rule_id]
        typer.echo(f"FAIL {r.rule_id} ({origin.file}:{origin.line}): {r.name}\n"
                   f"  expected {', '.join(r.expected) or 'no finding'}; got {', '.join(r.actual) or 'no finding'}", err=True)
        for text in r.statements:
            typer.echo(f"  the audit said: {text}", err=True)
    typer.echo(f"{len(results) - len(failed)}/{len(results)} examples pass ({len(wanted)} rules, engine {engine.value})")
    if failed:
        raise typer.Exit(1)


def _rulebook_root(path: Optional[Path]) -> tuple[Optional[Path], Optional[Path]]:
    """A rule file stands for its own rules within the rulebook folder above it (the one with rulebook.yaml)."""
    if path is None or path.is_dir() or not path.exists():
        return path, None
    for folder in path.resolve().parents:
        if (folder / "rulebook.yaml").is_file():
            return folder, path.resolve()
    raise InputError([Problem(str(path), None, "", "not inside a rulebook folder (none of its parents has rulebook.yaml)")])


def _register_commands() -> None:
    from . import import_cli, synth_cli
    from .trainer import brief_cli, explain_cli, replay_cli, whatif_cli

    synth_cli.register(app)
    import_cli.register(app)
    explain_cli.register(app)
    brief_cli.register(app)
    replay_cli.register(app)
    whatif_cli.register(app)


_register_commands()


@app.command("version")
def version_command() -> None:
    """Print the auditor, rule engine and default rulebook versions."""
    typer.echo(f"auditor {__version__}; durable-rules {engine_version('durable')}; rulebook {load_rulebook(None).version}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so the same clean-up as Ctrl-C runs (workers stopped, no partial file)."""


_signalled: list[int] = []


def _terminate(signum: int, frame: object) -> None:
    _signalled.append(signum)
    raise Terminated()


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(standalone_mode=False)  # click returns, not raises, a typer.Exit's code here
        if code == 130:  # typer turns Ctrl-C (and our SIGTERM) into this code, silently
            raise Terminated() if _signalled else KeyboardInterrupt()
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{count(len(exc.problems), 'problem')} in the input; {exc.consequence}.", err=True)
        sys.exit(2)
    except EngineCrash as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code)
    except (typer.Abort, KeyboardInterrupt) as exc:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM during clean-up must not interrupt it
        typer.echo("Stopped. Files already written are complete; nothing was left half-written.", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except usage_errors.NoArgsIsHelpError as exc:
        # A command group given no command is a request for its help, not a mistake.
        typer.echo(exc.format_message())
        sys.exit(0)
    except usage_errors.ClickException as exc:
        # Usage mistakes: the command's usage line, the problem, and exit 2 (never "internal error").
        exc.show()
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        typer.echo(f"internal error: {exc!r} (set AUDITOR_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)
