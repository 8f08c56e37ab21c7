"""The `auditor` command line. Exit codes: 0 the command ran, 2 bad input, 1 internal error."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .audit import AuditResult, audit, sha256_hex
from .chronology_loader import chronology_from_text
from .engine import engine_version, open_matcher
from .errors import EngineCrash, InputError, Problem
from .reports import render
from .rulebook import Rulebook, load_rulebook
from .sourcemap import read_source

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit safeguarding case chronologies against a cited, dated rulebook of procedural standards.")
rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="List, show and check the rulebook.")
app.add_typer(rules_app, name="rules")


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Engine(str, Enum):
    durable = "durable"
    reference = "reference"


RULES_OPTION = typer.Option(None, "--rules", help="Rulebook folder (default: the rulebook installed with auditor).")


def audit_path(case: Path, rulebook: Rulebook, engine: str = "durable") -> AuditResult:
    """Audit one chronology file; the input hash is of the file's bytes as read."""
    raw, text = read_source(case)
    chron = chronology_from_text(text, str(case), rulebook.vocabulary)
    with open_matcher(rulebook, engine) as matcher:
        return audit(chron, rulebook, matcher, engine_version(engine), sha256_hex(raw))  # type: ignore[arg-type]


def write_output(text: str, output: Optional[Path]) -> None:
    """Print, or write atomically so an interrupted run never leaves half a report."""
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("audit")
def audit_command(
    case: Path = typer.Argument(..., help="Chronology file (YAML or JSON)."),
    rules: Optional[Path] = RULES_OPTION,
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher: durable-rules, or the reference evaluator."),
) -> None:
    """Audit one case chronology and list every departure, possible departure and standard met.

    Examples:

      auditor audit fixtures/cases/bdhr-2012-13-04.yaml

      auditor audit case.yaml --format markdown --output appendix.md

      auditor audit case.json --rules my-rules/ --format json
    """
    result = audit_path(case, load_rulebook(rules), engine.value)
    write_output(render(result, fmt.value), output)


@rules_app.command("list")
def rules_list(rules: Optional[Path] = RULES_OPTION) -> None:
    """List the rules: id, severity, template, editions.

    Example: auditor rules list
    """
    book = load_rulebook(rules)
    typer.echo(f"{book.meta.name} {book.version} ({len(book.rules)} rules)")
    for rule in sorted(book.rules.values(), key=lambda r: r.id):
        editions = ", ".join(e.label for e in rule.editions)
        area = f" [local: {rule.area}]" if rule.area else ""
        typer.echo(f"{rule.id:<52} {rule.severity:<6} {rule.check.get('template', '?'):<9} {editions}{area}")


@rules_app.command("show")
def rules_show(rule_id: str = typer.Argument(..., help="Rule id, as `auditor rules list` prints it."),
               rules: Optional[Path] = RULES_OPTION) -> None:
    """Show one rule: what it checks, each edition with its dates and citations, and local overrides.

    Example: auditor rules show icpc-within-15-working-days
    """
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
        typer.echo(f"  check: {check.model_dump_json(exclude_none=True)}")
        for cite in variant.cites:
            typer.echo(f"  cite: {cite.human()}" + (f' - "{cite.quote}"' if cite.quote else ""))
    if rule.tests:
        typer.echo(f"\n{len(rule.tests)} example(s): " + "; ".join(t.name for t in rule.tests))


@rules_app.command("check")
def rules_check(path: Optional[Path] = typer.Argument(None, help="Rulebook folder (default: the installed one)."),
                engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher for the rules' examples.")) -> None:
    """Validate a rulebook (every problem with file, line and field) and run each rule's examples.

    Example: auditor rules check rules/
    """
    from .rule_tests import run_all

    book = load_rulebook(path)
    with open_matcher(book, engine.value) as matcher:
        results = run_all(book, matcher)  # type: ignore[arg-type]
    failed = [r for r in results if not r.passed]
    for r in failed:
        typer.echo(f"{r.rule_id}: example {r.name!r}: expected {r.expected}, got {r.actual}", err=True)
    unverified = sum(1 for v in book.variants for c in v.cites if not c.verified)
    typer.echo(f"{book.path}: {len(book.rules)} rules, {len(book.variants)} dated variants, "
               f"{len(results) - len(failed)}/{len(results)} examples pass, {unverified} citations not verified")
    if failed:
        raise typer.Exit(2)


@app.command("version")
def version_command() -> None:
    """Print the auditor, rule engine and default rulebook versions."""
    typer.echo(f"auditor {__version__}; durable-rules {engine_version('durable')}; rulebook {load_rulebook(None).version}")


def main() -> None:
    try:
        app(standalone_mode=False)
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(exc.problems)} problem(s) in the input; nothing was audited.", err=True)
        sys.exit(2)
    except EngineCrash as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors and internal failures
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        typer.echo(f"internal error: {exc!r} (set AUDITOR_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)
