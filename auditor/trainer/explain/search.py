"""The entries searched, why each did or did not count, and the result."""

from __future__ import annotations

from datetime import date, datetime

from ...engine.expr import from_condition, holds
from ...engine.facts import Scenario
from ...engine.matches import Matches
from ...audit.findings import Finding
from ...chronology import Chronology, Event
from ...rulebook.conditions import describe, label
from ...rulebook.schema import IncludesCheck, Limit, PrecedesCheck, RequiresCheck
from ...audit.clock import relation_after, relation_before, search_start, summary, windows_after, windows_before
from ...audit.verdicts import Verdict
from ...audit.wording import event_label, human, statement
from ...workdays import working_days_after
from .context import _Context, _MISSING, _condition_lines, _first_failing, _short, _types, _value_words
from .model import Item, Moment, Reading, Step

def _matches_audit(reading: Reading, template: str) -> str:
    key = "deadline" if template == "within" else "expected_by"
    audit_value = reading.figures.get(key)
    if audit_value is None or audit_value == reading.recomputed.get(key):
        return ""
    return f" (the audit's own figure is {audit_value}: please report this difference)"


def _lookback_start(event: Event, lookback: Limit) -> Moment:
    """The start of a `precedes` search window, from the trigger's earliest moment, as the audit's clock sets it."""
    return search_start(event.date.earliest, lookback)


def _step_search(
    number: int, items: list[Item], readings: list[Reading], ctx: _Context
) -> Step:
    step = Step(number, "The entries searched")
    check = items[0][1].variant.check
    if isinstance(check, IncludesCheck):
        return _search_includes(step, items, ctx)
    if isinstance(check, RequiresCheck):
        return _search_requires(step, items, ctx)
    wanted = _types(check.counterpart.type)
    where = (
        f", where {describe(check.counterpart.where, ctx.names)}"
        if check.counterpart.where
        else ""
    )
    link = f", linked to the trigger by `{check.link}`" if check.link else ""
    side = "at or after" if check.template in ("within", "follows") else "at or before"
    step.add(
        f"Searched for: {wanted}{where}{link}, that could be {side} the trigger (never "
        "the trigger itself)."
    )
    candidates = sorted(
        (e for e in ctx.chron.events if e.type in check.counterpart.type),
        key=lambda e: (e.date.earliest, e.date.latest, e.id),
    )
    if not candidates:
        step.add(f"The chronology records no {wanted} at all.")
    by_reading = {(r.trigger_id, r.edition, r.status, r.statement): r for r in readings}
    done: set[tuple[str, str, str, str]] = set()
    for scenario, v, matches in items:
        key = (v.trigger.id, v.variant.edition, v.status, statement(v))
        if key in done:
            continue
        done.add(key)
        reading = by_reading[key]
        level = 0
        if len(readings) > 1:
            step.add(f"{reading.label[0].upper()}{reading.label[1:]}:")
            level = 1
        if candidates:
            step.add(f"Every {wanted} in the chronology:", level)
            for c in candidates:
                step.add(
                    f"{c.id} ({_short(c)}, {ctx.name(c.agency)}): "
                    f"{_candidate_words(c, v, scenario, matches, reading, ctx)}",
                    level + 1,
                )
        step.add(f"The audit's own record of the search: {v.searched}.", level)
    return step


def _candidate_words(
    c: Event,
    v: Verdict,
    scenario: Scenario,
    matches: Matches,
    reading: Reading,
    ctx: _Context,
) -> str:
    """Why an entry did or did not answer the trigger: the engine's match, the pairing, then where its possible
    days fall against the window (auditor.audit.clock's own relation, summed over every possible day)."""
    trig, check = v.trigger, v.variant.check
    matched = c.id in matches.candidates.get((v.variant.key, trig.id), set())
    if not matched:
        return "not counted: " + _why_not_candidate(c, v, scenario, ctx)
    entry = next((e for e in v.entries if e.key == c.id), None)
    if entry is None:
        return (f"matched, but paired with another {event_label(trig.type)}: an entry answers the latest "
                "one recorded before it that nothing had answered yet (or the one it is linked to)")
    used = (" - the entry this verdict rests on" if v.counterpart is not None and v.counterpart.id == c.id
            else "")
    maybe = (" It may instead answer another trigger, depending on dates the chronology does not give."
             if entry.maybe else "")
    when = v.when
    if check.template in ("within", "follows"):
        windows, relate = windows_after(when, getattr(check, "limit", None)), relation_after
        side, bound = "before", "the deadline"
    else:
        windows, relate = (windows_before(when, getattr(check, "lead", None), getattr(check, "lookback", None)),
                           relation_before)
        side, bound = "after", "the expected-by moment"
    r = summary([relate(entry, w) for w in windows])
    trig_words = event_label(trig.type)
    if check.template in ("follows", "precedes"):
        if r.surely:
            return f"certainly {'at or after' if side == 'before' else 'on or before'} the {trig_words}, so it counts{used}.{maybe}"
        return (f"it could be {side} the {trig_words} or not, on the dates the chronology gives{used}.{maybe}")
    if r.surely:
        return f"inside the window whatever the exact dates: by {bound}{used}.{maybe}"
    if r.in_time:
        outside = f"; it could also be {side} the {trig_words}" if r.outside else ""
        return f"may be inside the window: it could fall either side of {bound}{outside}{used}.{maybe}"
    if r.late and not r.outside and v.kind == "late" and "late" in v.values:
        late = v.values["late"]
        if getattr(check, "limit", None) is not None and check.limit.unit == "working-days" and "deadline" in v.figures:
            days = working_days_after(date.fromisoformat(v.figures["deadline"].split("/")[-1][:10]),
                                      c.date.earliest.date())
            if len(days) <= 20:
                late += f" ({', '.join(f'{d:%d/%m}' for d in days)})"
        return f"outside the window: after {bound}, later than expected by {late}{used}.{maybe}"
    if r.late:
        return f"outside the window: after {bound} on every possible date{used}.{maybe}"
    return f"{side} the {trig_words} on every possible date, so it cannot answer it{used}.{maybe}"


def _why_not_candidate(c: Event, v: Verdict, scenario: Scenario, ctx: _Context) -> str:
    trig, check = v.trigger, v.variant.check
    if c.id not in {e.id for e in scenario.events}:
        chosen = [
            e
            for e in ctx.groups[c.id].split("+")
            if e != c.id and e in {x.id for x in scenario.events}
        ]
        return (
            f"set aside in this reading ({', '.join(chosen)}, another record of "
            "the same event, is taken as right)"
        )
    if c.id == trig.id:
        return "it is the trigger itself"
    reasons = []
    if check.counterpart.where is not None and not holds(
        from_condition(check.counterpart.where), ctx.fact(c)
    ):  # type: ignore[arg-type]
        reasons.append(_first_failing(check.counterpart.where, c, ctx))
    if check.link and trig.id not in c.links.get(check.link, []):
        links = c.links.get(check.link)
        reasons.append(
            f"not linked to {trig.id} by `{check.link}`"
            + (f" (its `{check.link}` link names {', '.join(links)})" if links else "")
        )
    if check.template in ("within", "follows") and c.date.latest < trig.date.earliest:
        reasons.append(
            f"dated before the {event_label(trig.type)}, so it cannot answer it"
        )
    if (
        check.template in ("lead-time", "precedes")
        and c.date.earliest > trig.date.latest
    ):
        reasons.append(
            f"dated after the {event_label(trig.type)}, so it cannot come before it"
        )
    if isinstance(check, PrecedesCheck) and check.lookback is not None:
        start = _lookback_start(trig, check.lookback)
        if not _after(c.date.latest, start):
            reasons.append(f"earlier than the search window (from {human(start)})")
    return "; ".join(reasons) or "not matched by the engine"


def _after(moment: datetime, start: Moment) -> bool:
    return moment.date() >= start if type(start) is date else moment >= start  # type: ignore[operator, return-value]


def _search_includes(step: Step, items: list[Item], ctx: _Context) -> Step:
    seen: set[str] = set()
    for _, v, matches in items:
        check, event = v.variant.check, v.trigger
        if event.id in seen:
            continue
        seen.add(event.id)
        wanted = " or ".join(ctx.name(x) for x in check.value)
        step.add(
            f"Field checked: {label(check.field)}, on {event.id} "
            f"({event_label(event.type)} {event.date.when()})."
        )
        step.add(
            f"Looked for: {wanted}"
            + (" (any one of them suffices)." if len(check.value) > 1 else ".")
        )
        recorded = event.attrs.get(check.field, _MISSING)
        if recorded is _MISSING:
            step.add(
                "Recorded: nothing; the chronology does not record who was "
                f"{label(check.field)}."
            )
            continue
        step.add(f"Recorded: {_value_words(recorded, ctx)}.")
        found = [x for x in check.value if isinstance(recorded, list) and x in recorded]
        step.add(
            f"{' and '.join(ctx.name(x) for x in found)} "
            f"{'is' if len(found) == 1 else 'are'} among them."
            if found
            else f"{wanted} is not among them."
        )
        engine = (
            "satisfied"
            if (v.variant.key, event.id) in matches.satisfied
            else "not satisfied"
        )
        step.add(f"The engine recorded the check as {engine} for {event.id}.", 1)
    for _, v, matches in items[:1]:
        _related_lines(step, v, matches, ctx)
    return step


def _related_lines(step: Step, v: Verdict, matches: Matches, ctx: _Context) -> None:
    """What entries about the same matter (linked to the trigger, or to what it is linked to) show, when the
    trigger itself does not record what the standard reads."""
    key = (v.variant.key, v.trigger.id)
    if key not in matches.missing:
        return
    shown = sorted(matches.satisfied_by.get(key, ()))
    recorded = sorted(set(matches.recorded_by.get(key, ())) - set(shown))
    if not shown and not recorded:
        step.add("No entry about the same matter (linked to it, or to what it is linked to) records it either.", 1)
        return
    for event_id in shown:
        other = ctx.chron.by_id[event_id]
        step.add(f"{event_id} ({event_label(other.type)} {other.date.when()}), about the same matter, records it: "
                 "the expectation is met there.", 1)
    for event_id in recorded:
        other = ctx.chron.by_id[event_id]
        step.add(f"{event_id} ({event_label(other.type)} {other.date.when()}), about the same matter, records it "
                 "without meeting the expectation: a recorded negative, evidence of a departure.", 1)


def _search_requires(step: Step, items: list[Item], ctx: _Context) -> Step:
    seen: set[str] = set()
    for _, v, matches in items:
        check, event = v.variant.check, v.trigger
        if event.id in seen:
            continue
        seen.add(event.id)
        step.add(
            f"Checked on {event.id} ({event_label(event.type)} {event.date.when()}): "
            f"{describe(check.expect, ctx.names)}."
        )
        step.lines += _condition_lines(check.expect, event, ctx, 1)
        missing = matches.missing.get((v.variant.key, event.id))
        if missing:
            step.add(
                f"Not recorded: {', '.join(label(k[2:]) for k in sorted(missing))}.", 1
            )
            _related_lines(step, v, matches, ctx)
    return step


def _step_result(
    number: int, finding: Finding, readings: list[Reading], chron: Chronology
) -> Step:
    step = Step(number, "The result")
    if len(readings) == 1:
        step.add(readings[0].outcome + ".")
    else:
        statuses = {r.status for r in readings}
        if len(statuses) == 1:
            step.add(f"{readings[0].outcome} (in every reading).")
        else:
            step.add(
                f"{finding.status_label}: the readings give different verdicts (see "
                "the next step); a departure "
                "in any reading makes the finding a possible departure."
            )
    step.add(f'The finding says: "{finding.statement}"')
    if finding.evidence:
        step.add(
            "Evidence cited: "
            + ", ".join(
                f"{e.event_id} ({e.role}, {_short(chron.by_id[e.event_id])})"
                for e in finding.evidence
            )
            + "."
        )
    return step
