"""`auditor explain`: how a verdict was reached, step by step in plain English, for trainers.

A trainer must be able to trust that the explanation is the audit's own reasoning, not a retelling that could
drift from it. So nothing here decides a status: the audit runs with `trace=True` and keeps, for each finding,
the verdicts behind it with their readings, pairings, bounds and the days counted; this package renders that
trace. What it adds is the reasoning made visible: which edition and why, the calendar arithmetic with each
weekend and bank holiday skipped, every entry searched and why it did or did not count.

The explanation is built as a model (`model.Explanation`) first and rendered afterwards (`render`), so a later
output can reuse the reasoning. The steps: the standard and its edition (`steps`), the trigger, the calendar
(`calendar`), the entries searched and the result (`search`), the readings (`readings`); a standard that did not
apply is explained by `not_applicable`."""

from __future__ import annotations

import difflib
from typing import Any

from ...audit.run import AuditResult, audit
from ...audit.findings import Finding
from ...chronology import Chronology
from ...rulebook import Rulebook, Variant
from .calendar import _step_calendar
from .context import _Context
from .model import Explanation, FindingExplanation, Item, UnknownFinding
from .render import render, render_markdown, render_text
from .not_applicable import _explain_not_applicable
from .readings import _readings, _step_readings
from .search import _step_result, _step_search
from .steps import _step_edition, _step_standard, _step_trigger

# -- running the audit and keeping what the engine matched -----------------------------


def explain_chronology(
    chron: Chronology,
    rulebook: Rulebook,
    matcher: Any,
    engine_version: str,
    query: str,
    input_digest: str = "",
) -> Explanation:
    """Run the real audit with `matcher`, keeping its trace, and explain the finding (or every finding of the
    rule) that `query` names from the verdicts the audit itself made."""
    result = audit(chron, rulebook, matcher, engine_version, input_digest, trace=True)
    return build_explanation(result, rulebook, query)


def build_explanation(result: AuditResult, rulebook: Rulebook, query: str) -> Explanation:
    """`result` must carry its trace (`audit(..., trace=True)`)."""
    chron = result.chronology
    if result.trace is None:
        raise ValueError("build_explanation needs an audit run with trace=True")
    chosen = [f for f in result.findings if f.id == query]
    by_rule = False
    if not chosen:
        chosen = [f for f in result.findings if f.rule_id == query]
        by_rule = bool(chosen)
    if not chosen:
        raise UnknownFinding(query, chron.case.id, suggest(query, result.findings))
    ctx = _Context(chron, rulebook)
    out = []
    for finding in chosen:
        if finding.status == "not-applicable":
            out.append(_explain_not_applicable(finding, ctx))
        else:
            items = [(i.scenario, i.verdict, i.matches) for i in result.trace[finding.id]]
            out.append(_explain_judged(finding, items, ctx))
    case = chron.case
    return Explanation(
        query,
        case.id,
        case.title,
        f"{case.scoping.start:%d/%m/%Y} to {case.scoping.end:%d/%m/%Y}",
        dict(result.meta),
        out,
        by_rule,
    )


def suggest(query: str, findings: list[Finding]) -> list[str]:
    """The nearest finding and rule ids, so a mistyped id still leads somewhere."""
    ids = list(dict.fromkeys([f.id for f in findings] + [f.rule_id for f in findings]))
    near = difflib.get_close_matches(query, ids, n=5, cutoff=0.6)
    rule_part = query.partition("@")[0]
    same_rule = [f.id for f in findings if f.rule_id == rule_part and f.id not in near]
    if not near and not same_rule:
        near = difflib.get_close_matches(rule_part, ids, n=5, cutoff=0.5)
    return near + same_rule[:5]


# -- one judged finding ----------------------------------------------------------------


def _explain_judged(
    finding: Finding, items: list[Item], ctx: _Context
) -> FindingExplanation:
    variants: list[Variant] = []
    for _, v, _ in items:
        if v.variant not in variants:
            variants.append(v.variant)
    readings = _readings(finding, items, variants, ctx)
    rule = variants[0].rule
    steps = [
        _step_standard(1, finding, variants, ctx),
        _step_edition(2, rule, [v for _, v, _ in items], variants, ctx),
        _step_trigger(3, items, ctx),
        _step_calendar(4, items, readings, ctx),
        _step_search(5, items, readings, ctx),
        _step_result(6, finding, readings, ctx.chron),
    ]
    if finding.status == "possible-breach" or len(readings) > 1:
        steps.append(_step_readings(7, finding, readings, variants))
    return FindingExplanation(finding, readings, steps)


__all__ = ["Explanation", "UnknownFinding", "build_explanation", "explain_chronology", "render", "render_markdown",
           "render_text", "suggest"]
