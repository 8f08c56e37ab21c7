"""The first steps: the standard and its citations, the edition in force and why (and any local procedure), the trigger."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...audit.findings import Finding
from ...rulebook import Variant
from ...rulebook.catalogue import describe_check
from ...rulebook.conditions import label
from ...rulebook.schema import InForce, Limit
from ...audit.verdicts import Verdict
from ...audit.wording import event_label
from ...audit.wording import span as span_words
from .context import _Context, _cite_text, _condition_lines, _date_as_range, _short, _source, _types
from .model import Item, Line, SEVERITY_WORDS, Step

# -- the steps -------------------------------------------------------------------------


def _step_standard(
    number: int, finding: Finding, variants: list[Variant], ctx: _Context
) -> Step:
    rule = variants[0].rule
    step = Step(number, "The standard")
    step.add(f"{rule.title} (rule {rule.id}).")
    expects = list(
        dict.fromkeys((v.edition, describe_check(v.check, ctx.names)) for v in variants)
    )
    if len({text for _, text in expects}) == 1:
        step.add(f"It expects {expects[0][1]}.")
    else:
        step.add("What it expects depends on the edition:")
        for edition, text in expects:
            step.add(f"{edition}: {text}.", 1)
    step.add(f"Severity {SEVERITY_WORDS[finding.severity]}.")
    if rule.description:
        step.add(f"About this standard: {' '.join(rule.description.split())}")
    step.add("Its citations:")
    for cite in finding.citations:
        step.add(_cite_text(cite), 1)
    return step


def _overlaps(span: InForce, lo: date, hi: date) -> bool:
    return span.start <= hi and (span.end is None or lo <= span.end)


def _edition_lines(rule: Any, dated: list[tuple[str, date, date]]) -> list[Line]:
    """Each edition with its in-force period, marking which of the `dated`
    (label, first day, last day) it contains."""
    out = []
    setter: dict[str, str] = {}  # each parameter an edition set, and the label of the latest to set it so far
    inherited: dict[int, list[str]] = {}
    for edition in sorted(rule.editions, key=lambda e: e.in_force.start):
        by_label: dict[str, list[str]] = {}
        for key, setter_label in setter.items():
            if key not in edition.params:
                by_label.setdefault(setter_label, []).append(key)
        inherited[id(edition)] = [f"the {' and '.join(keys)} set by {who}" for who, keys in by_label.items()]
        setter.update({key: edition.label for key in edition.params})
    for edition in rule.editions:
        inside = [
            f"{what} ({span_words(lo, hi)})"
            for what, lo, hi in dated
            if _overlaps(edition.in_force, lo, hi)
        ]
        mark = f" - contains {' and '.join(inside)}" if inside else ""
        own = (
            f" (this edition sets its own {', '.join(edition.params)})"
            if edition.params
            else ""
        )
        if inherited[id(edition)]:  # parameters persist into later editions until one changes them
            own += f" (it keeps {'; '.join(inherited[id(edition)])})"
        out.append(
            Line(f"{edition.label}: in force {edition.in_force.human()}{own}{mark}", 1)
        )
    return out


def _step_edition(
    number: int,
    rule: Any,
    verdicts: list[Verdict],
    variants: list[Variant],
    ctx: _Context,
) -> Step:
    step = Step(number, "The edition in force, and why")
    step.add(
        "A trigger is judged by the edition in force on its date; counterparts are not "
        "restricted by edition."
    )
    triggers = list(dict.fromkeys(v.trigger.id for v in verdicts))
    events = [ctx.chron.by_id[t] for t in triggers]
    step.add("The editions of this standard:")
    step.lines += _edition_lines(
        rule, [(e.id, e.date.earliest.date(), e.date.latest.date()) for e in events]
    )
    for event in events:
        d_lo, d_hi = event.date.earliest.date(), event.date.latest.date()
        applied = list(
            dict.fromkeys(
                v.variant.edition for v in verdicts if v.trigger.id == event.id
            )
        )
        if len(applied) > 1:
            step.add(
                f"{event.id}'s date runs from {d_lo:%d/%m/%Y} to {d_hi:%d/%m/%Y}, "
                f"across {' and '.join(applied)}: "
                "both editions were applied, and the finding gives the verdict under "
                "each."
            )
        else:
            span = next(
                v.variant.in_force for v in verdicts if v.trigger.id == event.id
            )
            step.add(
                f"{event.id} is dated {span_words(d_lo, d_hi)}, within the in-force "
                "period of "
                f'"{applied[0]}" ({span.human()}), so that edition applied.'
            )
    for variant in variants:
        edition = next((e for e in rule.editions if e.label == variant.edition), None)
        if edition is not None and edition.note:
            step.add(f"Note on {edition.label}: {' '.join(edition.note.split())}")
    step.lines += _local_lines(rule, variants, ctx)
    return step


def _local_lines(rule: Any, variants: list[Variant], ctx: _Context) -> list[Line]:
    """Whether a local procedure replaced the national standard here, and why."""
    area = ctx.chron.case.area
    out: list[Line] = []
    if rule.area:
        out.append(
            Line(
                f"This is a local standard for {rule.area}, and the case's area is "
                f"{area}, so it applies "
                "(it has no national counterpart)."
            )
        )
        return out
    local = [v for v in variants if v.local]
    if local:
        for variant in local:
            national = next(
                (
                    n
                    for n in ctx.rulebook.variants_of(rule.id)
                    if n.area is None and n.edition == variant.edition
                ),
                None,
            )
            changes = (
                _changes(national.check, variant.check) if national is not None else []
            )
            edition = next(e for e in rule.editions if e.label == variant.edition)
            when = (
                "on every date of this edition"
                if variant.in_force == edition.in_force
                else f"from {variant.in_force.human()}"
            )
            out.append(
                Line(
                    f"The case's area is {area}, and {_area(area)}'s local procedure "
                    "overrides the national "
                    f"standard for this rule ({when}), so the local procedure was "
                    "applied" + (f": it sets {'; '.join(changes)}." if changes else ".")
                )
            )
            own = [c for c in variant.cites if c not in edition.cite]
            if own:
                out.append(
                    Line(
                        "The local procedure's citations (listed first in the finding):"
                    )
                )
                out += [Line(_cite_text(c), 1) for c in own]
        return out
    elsewhere = (
        [v for v in ctx.rulebook.variants_of(rule.id) if v.local and v.area == area]
        if area
        else []
    )
    if elsewhere:
        spans = ", ".join(dict.fromkeys(v.in_force.human() for v in elsewhere))
        out.append(
            Line(
                f"{_area(area)}'s local procedure overrides this rule only {spans}; "
                "not on this date, so the "
                "national standard applied."
            )
        )
    elif area:
        out.append(
            Line(
                f"The case's area is {area}; no local procedure for {area} overrides "
                "this rule, so the "
                "national standard applied."
            )
        )
    else:
        out.append(Line("The case names no area, so only national standards apply."))
    return out


def _area(area: str | None) -> str:
    return label(area or "").title()


def _changes(national: Any, local: Any) -> list[str]:
    out = []
    a, b = national.model_dump(), local.model_dump()
    for key in b:
        if a.get(key) != b.get(key):
            old, new = getattr(national, key), getattr(local, key)
            words = lambda x: x.human() if isinstance(x, Limit) else str(x)  # noqa: E731
            out.append(f"{label(key)} {words(new)} (nationally {words(old)})")
    return out


def _step_trigger(number: int, items: list[Item], ctx: _Context) -> Step:
    step = Step(number, "The trigger entry")
    seen: set[str] = set()
    chron = ctx.chron
    for scenario, v, matches in items:
        event = v.trigger
        if event.id in seen:
            continue
        seen.add(event.id)
        check = v.variant.check
        step.add(
            f"{event.id}: {event_label(event.type)}, {ctx.name(event.agency)}"
            + (
                f" (recorded by {ctx.name(event.record_of)})"
                if event.record_of != event.agency
                else ""
            )
            + "."
        )
        step.add(f"Date: {_date_as_range(event)}.", 1)
        if event.summary:
            step.add(f"Summary: {' '.join(event.summary.split())}", 1)
        step.add(f"Source: {_source(event, chron)}.", 1)
        step.add("Why it engages the standard:", 1)
        about = (
            f"({_types(check.trigger.type)})"
            if len(check.trigger.type) <= 4
            else f"(one of {len(check.trigger.type)} types)"
        )
        step.add(
            f"its type, {event_label(event.type)}, is one the rule is about {about}: "
            "met",
            2,
        )
        if check.trigger.where is not None:
            step.add("the trigger's condition:", 2)
            step.lines += _condition_lines(check.trigger.where, event, ctx, 3)
        if check.when is not None:
            step.add("the rule's further condition (when):", 2)
            step.lines += _condition_lines(check.when, event, ctx, 3)
        step.add(
            f'dated within the in-force period of "{v.variant.edition}" '
            f"({v.variant.in_force.human()}): met",
            2,
        )
        step.add(
            f"the case's jurisdiction is {chron.case.jurisdiction}, the rule's "
            f"{v.variant.rule.jurisdiction_text}: met",
            2,
        )
        anchor = getattr(check, "anchor", "each")
        if anchor != "each":
            others = sorted(
                (e for e in matches.triggers.get(v.variant.key, ()) if e != event.id)
            )
            which = "latest" if anchor == "last" else "earliest"
            text = (
                f"the rule counts from the {which} {_types(check.trigger.type)} if "
                "several are recorded; "
                f"{event.id} is the {which}"
            )
            if others:
                text += (
                    " (the others, not counted from: "
                    + ", ".join(f"{e} {_short(chron.by_id[e])}" for e in others)
                    + ")"
                )
            else:
                text += " (the only one in this reading)"
            step.add(text, 2)
        group = ctx.groups[event.id]
        if "+" in group:
            others = [e for e in group.split("+") if e != event.id]
            step.add(
                f"{event.id} and {', '.join(others)} are records of the same event "
                "that disagree (same_event_as); "
                "the audit runs one reading with each record taken as right (see the "
                "last step).",
                1,
            )
    return step
