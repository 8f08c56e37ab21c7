"""Why a standard did not apply: no entry triggered it, or none in its area, jurisdiction or in-force dates."""

from __future__ import annotations

from typing import Any

from ...engine.expr import holds
from ...engine.plan import plan_variant
from ...audit.findings import Finding
from ...chronology import Event
from ...rulebook import Variant
from ...audit.wording import event_label
from ...audit.wording import span as span_words
from .context import _Context, _condition_lines, _short, _types
from .model import FindingExplanation, Line, Step
from .steps import _edition_lines, _local_lines, _overlaps, _step_standard

# -- a rule that did not apply ---------------------------------------------------------


def _explain_not_applicable(finding: Finding, ctx: _Context) -> FindingExplanation:
    rulebook, chron = ctx.rulebook, ctx.chron
    rule = rulebook.rules[finding.rule_id]
    variants = rulebook.variants_of(rule.id)
    end = chron.case.scoping.end
    cited = next(
        (v for v in variants if v.in_force.contains(end)), variants[-1]
    )  # as audit._not_applicable chooses
    step1 = _step_standard(1, finding, [cited], ctx)
    step2 = Step(2, "The editions of this standard")
    step2.lines += _edition_lines(rule, [("the end of the chronology", end, end)])
    step2.add(
        "No entry engaged the standard, so no edition was applied to an entry; the "
        f"finding cites {cited.edition}, "
        f"the edition in force at the end of the chronology's period ({end:%d/%m/%Y})"
        + (
            "."
            if cited.in_force.contains(end)
            else " (none was in force then: the latest is cited)."
        )
    )
    step2.lines += _local_lines(
        rule, [cited] if cited.local and cited.area == chron.case.area else [], ctx
    )
    step3 = Step(3, "Why the standard did not apply")
    types = list(dict.fromkeys(t for v in variants for t in v.check.trigger.type))
    step3.add(
        f"The standard is engaged by a {_types(types)} (with the conditions below, "
        "where the rule sets any), "
        "dated while an edition is in force."
    )
    if chron.case.jurisdiction not in rule.jurisdiction:
        step3.add(
            f"The rule is a standard for {rule.jurisdiction_text}; the case's jurisdiction "
            f"is {chron.case.jurisdiction}."
        )
    elif rule.area and rule.area != chron.case.area:
        step3.add(
            f"The rule is a local standard for {rule.area}; the case's area is "
            f"{chron.case.area or 'not given'}."
        )
    else:
        events = sorted(
            (e for e in chron.events if e.type in types),
            key=lambda e: (e.date.earliest, e.id),
        )
        if not events:
            step3.add(f"The chronology records no {_types(types)}.")
        else:
            step3.add(
                f"Every {_types(types)} in the chronology, and why it did not engage "
                "the standard:"
            )
            applicable = [v for v in variants if v.applies_in(chron.case.area)]
            for event in events:
                step3.add(f"{event.id} ({_short(event)}, {ctx.name(event.agency)}):", 1)
                step3.lines += _why_not_trigger(event, applicable, rule, ctx)
    step4 = Step(4, "The result")
    step4.add(f"Not applicable: {finding.statement}")
    statement_ = finding.statement
    if (
        any(e.type in types for e in chron.events)
        and statement_.startswith("No ")
        and "conditions" not in statement_
    ):
        step4.add(
            "(This is the audit's standard wording for a rule no entry engaged: "
            "entries of that type are "
            "recorded, but as step 3 shows, none engaged the standard.)"
        )
    return FindingExplanation(finding, [], [step1, step2, step3, step4])


def _why_not_trigger(
    event: Event, variants: list[Variant], rule: Any, ctx: _Context
) -> list[Line]:
    lo, hi = event.date.earliest.date(), event.date.latest.date()
    dated = [v for v in variants if _overlaps(v.in_force, lo, hi)]
    if not dated:
        first = min(e.in_force.start for e in rule.editions)
        first_label = next(e.label for e in rule.editions if e.in_force.start == first)
        where = (
            f"before the first edition ({first_label}, in force from {first:%d/%m/%Y})"
            if hi < first
            else "when no edition of this standard was in force"
        )
        return [
            Line(
                f"dated {span_words(lo, hi)}, {where}; editions: "
                + "; ".join(f"{e.label} {e.in_force.human()}" for e in rule.editions)
                + ".",
                2,
            )
        ]
    out: list[Line] = []
    for variant in dated:
        check = variant.check
        head = f"under {variant.edition}" + (
            f" ({variant.area} local procedure)" if variant.local else ""
        )
        if event.type not in check.trigger.type:
            out.append(
                Line(
                    f"{head}: the rule is about {_types(check.trigger.type)}, not "
                    f"{event_label(event.type)}.",
                    2,
                )
            )
            continue
        if holds(plan_variant(variant).trigger, ctx.fact(event)):
            out.append(
                Line(
                    f"{head}: it meets the trigger's conditions (it was not judged: "
                    "see the audit).",
                    2,
                )
            )
            continue
        out.append(Line(f"{head}: its conditions are not met:", 2))
        for condition, what in (
            (check.trigger.where, "the trigger's condition"),
            (check.when, "the further condition"),
        ):
            if condition is not None:
                out.append(Line(f"{what}:", 3))
                out += _condition_lines(condition, event, ctx, 4)
    return out
