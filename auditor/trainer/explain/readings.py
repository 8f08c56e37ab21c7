"""The readings behind a finding (records and editions) and the step that sets them side by side."""

from __future__ import annotations


from ...audit.findings import Finding
from ...status import LABELS, SEVERITY
from ...rulebook import Variant
from ...audit.verdicts import Verdict
from ...audit.wording import event_label, human, statement
from .calendar import _bounds
from .context import _Context, _short
from .model import Item, Moment, Reading, Step

def _readings(
    finding: Finding, items: list[Item], variants: list[Variant], ctx: _Context
) -> list[Reading]:
    grouped: dict[tuple[str, str, str, str], list[Item]] = {}
    for item in items:
        v = item[1]
        grouped.setdefault(
            (v.variant.key, v.trigger.id, v.status, statement(v)), []
        ).append(item)
    out = []
    for (_, _, status, said), group in grouped.items():
        scenario, v, matches = group[0]
        arithmetic, recomputed, lo, hi = _bounds(v)
        text = _reading_label(group, ctx, len(grouped) > 1)
        if len(variants) > 1:
            text += f"{'; ' if text else ''}under {v.variant.edition}"
        out.append(
            Reading(
                text or "as recorded",
                [s.index for s, _, _ in group],
                v.variant.edition,
                v.trigger.id,
                v.counterpart.id if v.counterpart is not None else None,
                status,
                v.kind,
                _outcome(v),
                said,
                dict(v.figures),
                recomputed,
                arithmetic,
                _depends(v, lo, hi),
            )
        )
    out.sort(key=lambda r: (r.scenarios[0], SEVERITY[r.status]))
    return out


def _reading_label(group: list[Item], ctx: _Context, several: bool) -> str:
    """Which record of a conflicting pair this reading takes as right, naming only
    the records that matter here."""
    scenario, v, matches = group[0]
    relevant = {v.trigger.id} | set(
        matches.candidates.get((v.variant.key, v.trigger.id), ())
    )
    if v.counterpart is not None:
        relevant.add(v.counterpart.id)
    parts = []
    for _, chosen in scenario.choice:
        if chosen in relevant:
            event = ctx.chron.by_id[chosen]
            parts.append(
                f"if the {event_label(event.type)} was {event.date.when()} "
                f"({ctx.name(event.record_of)} record {event.id})"
            )
    if parts:
        return " and ".join(parts)
    return scenario.label(ctx.chron, ctx.names) if scenario.choice and several else ""


def _outcome(v: Verdict) -> str:
    """The status in words, with the one fact it turns on."""
    vals, kind, template = v.values, v.kind, v.variant.check.template
    head = LABELS[v.status]
    cp, cp_date = (
        vals.get("counterpart", "counterpart"),
        vals.get("counterpart_date", ""),
    )
    trig, trig_date = vals.get("trigger", "trigger"), vals.get("trigger_date", "")
    if kind == "met":
        detail = {
            "within": f"the {cp} {cp_date} was on or before the deadline of "
            f"{vals.get('deadline')}"
            + (f" ({vals['elapsed']} after the {trig})" if "elapsed" in vals else ""),
            "follows": f"the {cp} {cp_date} followed the {trig} {trig_date}",
            "lead-time": f"the {cp} {cp_date} came by {vals.get('expected_by')}",
            "precedes": f"the {cp} {cp_date} came before the {trig} {trig_date}",
            "includes": f"{vals.get('value')} among those recorded as "
            f"{vals.get('field')}",
            "requires": f"the {trig} {trig_date} records {vals.get('expectation')}",
        }[template]
    elif kind == "late":
        if template == "within":
            detail = (
                f"later than expected by {vals.get('late')} "
                f"(the {cp} {cp_date}; deadline {vals.get('deadline')})"
            )
        elif "late" in vals:
            detail = (
                f"the {cp} was provided {vals['late']} ({cp_date}), later than "
                "expected "
                f"(expected by {vals.get('expected_by')})"
            )
        else:
            detail = (
                f"the {cp} ({cp_date}) came after {vals.get('expected_by')}, "
                "later than expected"
            )
    elif kind == "absent":
        if template == "includes":
            detail = (
                f"{vals.get('value')} not evidenced among those recorded as "
                f"{vals.get('field')}"
            )
        elif template == "requires":
            detail = (
                f"the {trig} {trig_date} does not evidence what the standard "
                f"expects (expected: {vals.get('expectation')})"
            )
        elif template == "within":
            detail = (
                f"no {cp} is evidenced in the chronology by the deadline of "
                f"{vals.get('deadline')}; "
                f"searched to {vals.get('chronology_end')}"
            )
        elif template == "follows":
            detail = (
                f"no {cp} is evidenced in the chronology after the {trig} {trig_date}"
            )
        else:
            detail = (
                f"no {cp} is evidenced in the chronology before the {trig} {trig_date}"
            )
    elif kind == "possible":
        bound = {
            "within": f"the deadline ({vals.get('deadline')})",
            "lead-time": f"{vals.get('expected_by')}",
        }
        detail = (
            f"whether the {cp} ({cp_date}) came by {bound[template]}"
            if template in bound
            else f"whether the {cp} ({cp_date}) came before the {trig} ({trig_date})"
        )
        detail += " depends on exact dates or times the chronology does not give"
    elif kind == "open":
        detail = (
            f"no {cp} is recorded, and the window was still open at the end of the "
            "chronology "
            f"({vals.get('chronology_end')}; deadline {vals.get('deadline')})"
        )
    else:  # missing
        detail = f"{vals.get('missing')} not recorded in the chronology"
    return f"{head}: {detail}"


def _depends(v: Verdict, lo: Moment | None, hi: Moment | None) -> list[str]:
    """For a possible departure from uncertain dates: what each date would give."""
    if v.kind != "possible" or v.counterpart is None:
        return []
    c, template = v.counterpart, v.variant.check.template
    cp = event_label(c.type)
    if template == "within" and lo is not None and hi is not None:
        return [
            f"if the {cp} ({c.id}, {_short(c)}) was on or before {human(lo)}: met",
            f"if it was after {human(hi)}: departure"
            + (
                ""
                if lo == hi
                else "; in between, it depends on the trigger's exact date"
            ),
        ]
    if template == "lead-time" and lo is not None and hi is not None:
        return [
            f"if the {cp} ({c.id}, {_short(c)}) came by {human(lo)}: met",
            f"if it came after {human(hi)}: departure",
        ]
    return [
        f"if the {cp} ({c.id}, {_short(c)}) came before the "
        f"{event_label(v.trigger.type)}: met",
        "if it came after it: departure",
    ]


def _step_readings(
    number: int, finding: Finding, readings: list[Reading], variants: list[Variant]
) -> Step:
    step = Step(number, "What the verdict depends on")
    if len(readings) > 1 and len({r.status for r in readings}) == 1:
        step.title = "The readings"
        step.add(
            "Each reading gives the same verdict, so the finding does not depend on "
            "which record is right or "
            "which edition applied:"
        )
        for r in readings:
            step.add(f"{r.label}: {r.outcome[0].lower()}{r.outcome[1:]}", 1)
    elif len(readings) > 1:
        why = "which record is right" + (
            " and which edition applied" if len(variants) > 1 else ""
        )
        if all(r.label.startswith("under ") for r in readings):
            why = "which edition applied"
        step.add(f"The verdict depends on {why}:")
        for r in readings:
            step.add(f"{r.label}: {r.outcome[0].lower()}{r.outcome[1:]}", 1)
            for text in r.depends:
                step.add(text, 2)
        step.add(
            "The chronology cannot say which reading is right; that is for the "
            "reviewer to establish."
        )
    else:
        r = readings[0]
        step.add("The dates the chronology gives allow either verdict:")
        for text in r.depends:
            step.add(text, 1)
        step.add(
            "The auditor never guesses a day: where a date could fall either side, the "
            "finding is a possible "
            "departure for the reviewer to resolve."
        )
    return step
