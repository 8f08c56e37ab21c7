"""`auditor rules list|show|check|test`: the rule author's tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..engine import open_matcher
from ..errors import InputError, Problem
from ..rulebook import load_rulebook
from ..rulebook.loader import INDEX
from ..words import count
from .app import RULES_OPTION, Engine, rules_app, write_output


class ListFormat(str, Enum):
    table = "table"
    markdown = "markdown"


class Severity(str, Enum):
    must = "must"
    should = "should"


class Level(str, Enum):
    primary = "primary"
    secondary = "secondary"
    no = "no"


LEVEL_WORDS = {"primary": "the primary text", "secondary": "a secondary source", "no": "nothing (not verified)"}


@rules_app.command("list")
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    document: Optional[str] = typer.Option(None, "--document", help="Only rules citing a document whose name contains this."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Only rules with an edition (label or cited edition) containing this, e.g. 2010."),
    severity: Optional[Severity] = typer.Option(None, "--severity", help="Only `must` (requirements) or `should` (practice guidance)."),
    verified: Optional[Level] = typer.Option(None, "--verified",
                                             help="Only rules with a citation checked against this: primary (the "
                                                  "document itself), secondary (a page quoting it) or no."),
    unverified: bool = typer.Option(False, "--unverified", help="The same as --verified no."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="table, or a markdown catalogue to publish."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
) -> None:
    """List the rules, filtered by document, edition, severity and verification; or print the catalogue.

    Examples:

      auditor rules list --edition 2010 --severity must

      auditor rules list --verified primary

      auditor rules list --format markdown --output catalogue.md
    """
    from ..reports.catalogue import catalogue_markdown
    from ..rulebook.catalogue import RuleFilter, citations_of, level_counts, select

    if unverified and verified not in (None, Level.no):
        raise typer.BadParameter("--unverified is --verified no; give one of them", param_hint="--unverified")
    level = "no" if unverified else verified.value if verified else None
    book = load_rulebook(rules)
    wanted = RuleFilter(document, edition, severity.value if severity else None, level)
    chosen = select(book, wanted)
    if fmt is ListFormat.markdown:
        shown = [f"{name} {value!r}" for name, value in (("document", document), ("edition", edition),
                 ("severity", wanted.severity)) if value]
        if level is not None:
            shown.append(f"with a citation checked against {LEVEL_WORDS[level]}")
        write_output(catalogue_markdown(book, chosen, "filtered: " + ", ".join(shown) if shown else ""), output)
        return
    lines = [f"{book.meta.name} {book.version} ({len(chosen)} of {len(book.rules)} rules)"]
    for rule in chosen:
        editions = ", ".join(e.label for e in rule.editions)
        area = f" [local: {rule.area}]" if rule.area else ""
        lines.append(f"{rule.id:<60} {rule.severity:<6} {rule.check.get('template', '?'):<9} {editions}{area}")
    cites = [c for rule in chosen for c in citations_of(book, rule.id)]
    levels = level_counts(cites)
    lines.append(f"citations of these rules: {len(cites)}; checked against the primary text {levels['primary']}, "
                 f"against a secondary source {levels['secondary']}, not verified {levels['no']}")
    write_output("\n".join(lines) + "\n", output)


@rules_app.command("show")
def rules_show(rule_id: str = typer.Argument(..., metavar="RULE_ID", help="Rule id, as `auditor rules list` prints it."),
               rules: Optional[Path] = RULES_OPTION) -> None:
    """Show one rule: what it checks, each edition with its dates and citations, and local overrides.

    Example: auditor rules show icpc-within-15-working-days
    """
    from ..rulebook.catalogue import describe_check, evidence_lines

    book = load_rulebook(rules)
    if rule_id not in book.rules:
        raise InputError([Problem(book.path, None, "rule", f"no rule {rule_id!r}; see `auditor rules list`")])
    rule = book.rules[rule_id]
    typer.echo(f"{rule.id}: {rule.title}")
    if rule.expects:
        typer.echo(f"expects: {rule.expects}")
    learning = (f"; a standard in {rule.learning.area}, practice learning from {rule.learning.review} elsewhere"
                if rule.learning else "")
    typer.echo(f"severity {rule.severity}; jurisdiction {rule.jurisdiction_text}{'; area ' + rule.area if rule.area else ''}"
               f"{learning}; "
               f"theme {rule.theme}; lead agency {rule.agency}")
    if rule.description:
        typer.echo(rule.description.strip())
    for variant in book.variants_of(rule_id):
        check = variant.check
        where = f"area {variant.area}" if variant.area else "national"
        typer.echo(f"\n{variant.edition} ({where}), in force {variant.in_force.human()}")
        typer.echo(f"  checks: {describe_check(check)}")
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
    from ..engine.isolation import compile_problem
    from ..engine.plan import plan_variant
    from ..rulebook.catalogue import citations_of, coverage_problems

    book = load_rulebook(path)
    problems = coverage_problems(book)
    if problems:
        raise InputError(problems, "the rulebook is not ready for use")
    failure = compile_problem([plan_variant(v) for v in book.variants])
    if failure:
        raise InputError([Problem(book.path, None, "", f"the rule engine cannot build this rulebook: {failure}")],
                         "the rulebook is not ready for use")
    cites = [c for rule_id in book.rules for c in citations_of(book, rule_id)]
    unverified = sum(1 for c in cites if not c.confirmed)
    tests = sum(len(r.tests) for r in book.rules.values())
    typer.echo(f"{book.path}: {len(book.rules)} rules, {len(book.variants)} dated variants, {tests} examples, "
               f"{unverified} of {len(cites)} citations not verified; no problems found")


@rules_app.command("test")
def rules_test(path: Optional[Path] = typer.Argument(None, metavar="PATH", help="Rulebook folder, or a folder or rule file inside it (default: the installed rulebook)."),
               rule: Optional[list[str]] = typer.Option(None, "--rule", help="Only this rule's examples (repeatable)."),
               engine: Engine = typer.Option(Engine.durable, "--engine", help="Matcher for the examples.")) -> None:
    """Run each rule's examples and report every one whose audit differs from what it expects.

    Examples:

      auditor rules test rules/

      auditor rules test rules/england/child-protection-conferences/

      auditor rules test rules/england/child-protection-conferences/icpc-within-15-working-days.yaml

      auditor rules test --rule icpc-within-15-working-days
    """
    from ..audit.examples import run_all

    root, only_file = _rulebook_root(path)
    book = load_rulebook(root)
    wanted = set(book.rules)
    if only_file is not None:
        wanted = {rid for rid, origin in book.origins.items()
                  if only_file in (Path(origin.file).resolve(), *Path(origin.file).resolve().parents)}
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
    """A rule file, or a folder inside a rulebook, stands for its own rules within the rulebook folder above it
    (the one with rulebook.yaml); a folder's index.yaml stands for the folder."""
    if path is None or not path.exists() or (path / "rulebook.yaml").is_file():
        return path, None
    if path.name == INDEX:
        path = path.parent
    for folder in path.resolve().parents:
        if (folder / "rulebook.yaml").is_file():
            return folder, path.resolve()
    raise InputError([Problem(str(path), None, "", "not inside a rulebook folder (none of its parents has rulebook.yaml)")])
