"""`auditor explain`: how a verdict was reached, step by step in plain English, for
trainers.

A trainer must be able to trust that the explanation is the audit's own reasoning, not a
retelling that could drift from it. So nothing here decides a status: the real audit
runs (with the chosen engine), the engine's matches for every reading are recorded on
the way, and the verdicts behind each finding are recomputed from those matches with the
audit's own `verdicts_for`. What this module adds is the reasoning made visible: which
edition and why, the calendar arithmetic redone with `auditor.workdays` (the same
functions the verdicts use), every entry searched and why it did or did not count. A
recomputed status that disagreed with the finding would be a bug, so it stops the
command rather than explain something else.

The explanation is built as a model (`Explanation`) first and rendered afterwards, so a
later output (slides, a web page) can reuse the reasoning without re-deriving it.
"""

from __future__ import annotations

import difflib
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..audit import AuditResult, audit
from ..engine.expr import from_condition, holds
from ..engine.facts import Scenario, case_values, event_fact, record_groups
from ..engine.matches import Matches
from ..engine.plan import plan_variant
from ..errors import InputError, Problem
from ..findings import STATUS_LABELS, STATUS_ORDER, Finding
from ..model import Chronology, Event
from ..rulebook import Rulebook, Variant
from ..rulebook.catalogue import describe_check
from ..reports.render import md_escape
from ..rulebook.conditions import All, Any_, Condition, Leaf, describe, label
from ..rulebook.schema import (
    Citation,
    IncludesCheck,
    InForce,
    Limit,
    PrecedesCheck,
    RequiresCheck,
)
from ..clock import relation_after, relation_before, summary, windows_after, windows_before
from ..verdicts import Verdict, event_label, human, iso_span, party_names, statement
from ..verdicts import span as span_words
from ..workdays import (
    working_days_after,
    bank_holiday_name,
    is_working_day,
    shift_days,
)

Moment = date | datetime
_ONE = timedelta(days=1)
SEVERITY_WORDS = {
    "must": "must: a requirement of statutory guidance or procedure",
    "should": "should: practice guidance, or an expectation a review stated",
}


# -- the model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One sentence of a step; `level` > 0 nests it under the sentence before it."""

    text: str
    level: int = 0


@dataclass
class Step:
    number: int
    title: str
    lines: list[Line] = field(default_factory=list)

    def add(self, text: str, level: int = 0) -> None:
        self.lines.append(Line(text, level))


@dataclass(frozen=True)
class Arithmetic:
    """One count from a trigger's day (or moment) to a deadline, or back to an
    "expected by" moment.

    Kept as data, not only as sentences, so a test can hold the printed deadline
    against the finding's own `figures`.
    """

    role: str  # "deadline" or "expected by"
    trigger_id: str
    start: Moment
    span: str  # e.g. "15 working days"
    unit: str
    backwards: bool
    counted: tuple[
        date, ...
    ]  # the working days counted, in order (working-day spans only)
    skipped: tuple[
        tuple[date, str], ...
    ]  # weekends and bank holidays passed over, with their names
    result: Moment


@dataclass
class Reading:
    """One distinct verdict behind a finding: a reading of conflicting records, an
    edition, or both."""

    # e.g. "if the strategy discussion was on 01/05/2012 (Police record E039)"
    label: str
    scenarios: list[int]
    edition: str
    trigger_id: str
    counterpart_id: str | None
    status: str
    kind: str
    outcome: str  # "Departure: later than expected by 11 working days"
    statement: str  # the audit's wording of this verdict
    figures: dict[str, Any]  # the verdict's own figures, as the audit computed them
    recomputed: dict[str, str]  # the same figures recomputed here from auditor.workdays
    arithmetic: list[Arithmetic]
    depends: list[str] = field(
        default_factory=list
    )  # what a possible departure turns on


@dataclass
class FindingExplanation:
    finding: Finding
    readings: list[Reading]
    steps: list[Step]


@dataclass
class Explanation:
    query: str
    case_id: str
    case_title: str
    scoping: str
    meta: dict[str, Any]
    findings: list[FindingExplanation]
    by_rule: (
        bool  # the query named a rule (every finding of it) rather than one finding
    )


class UnknownFinding(InputError):
    """The id names no finding and no rule of this case; `suggestions` are the
    nearest ids."""

    def __init__(self, query: str, case_id: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(suggestions)}?"
            if suggestions
            else "see `auditor audit CASE --format json` for the finding ids and "
            "`auditor rules list` for the rules"
        )
        super().__init__(
            [
                Problem(
                    case_id,
                    None,
                    "finding",
                    f"no finding or rule {query!r} in this case; {hint}",
                )
            ],
            "nothing was explained",
        )


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


Item = tuple[Scenario, Verdict, Matches]


class _Context:
    """What every step needs about the case, worked out once."""

    def __init__(self, chron: Chronology, rulebook: Rulebook):
        self.chron = chron
        self.rulebook = rulebook
        self.names = party_names(chron, rulebook)
        self.groups = record_groups(chron)
        self._facts: dict[str, dict[str, Any]] = {}

    def fact(self, event: Event) -> dict[str, Any]:
        found = self._facts.get(event.id)
        if found is None:
            found = self._facts[event.id] = event_fact(
                event, self.chron, f"{self.chron.case.id}#explain"
            )
        return found

    def name(self, identifier: Any) -> str:
        return self.names.get(str(identifier), label(str(identifier)))


# -- words -----------------------------------------------------------------------------


def _types(types: list[str]) -> str:
    return " or ".join(event_label(t) for t in types)


def _weekday_day(day: date) -> str:
    return f"{day:%A %d/%m/%Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(event: Event) -> str:
    """The date without the source's wording, for lists."""
    d = event.date
    return (
        f"{d.earliest:%d/%m/%Y} to {d.latest:%d/%m/%Y}"
        if d.precision == "range"
        else d.human()
    )


def _date_as_range(event: Event) -> str:
    d = event.date
    if d.precision == "datetime":
        return f"{d.human()} (an exact moment)"
    lo, hi = d.earliest, d.latest
    if d.exact_day:
        return f"{d.human()} (the whole day; the time is not recorded)"
    written = f', written "{d.as_written}"' if d.as_written else ""
    kind = d.human() if d.precision == "month" else "a range"
    return f"{kind}{written}: any day from {lo:%d/%m/%Y} to {hi:%d/%m/%Y}"


def _cite_text(cite: Citation) -> str:
    text = cite.human()
    if cite.quote:
        text += f' - "{cite.quote}"'
    return text + f" (checked {cite.checked:%d/%m/%Y})"


def _source(event: Event, chron: Chronology) -> str:
    """As the audit's evidence gives it: the document's title in place of its key."""
    text = event.source.human()
    title = chron.case.sources.get(event.source.document)
    return text.replace(event.source.document, title.title, 1) if title else text


def _value_words(value: Any, ctx: _Context) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(ctx.name(v) for v in value) if value else "an empty list"
    return ctx.name(value) if isinstance(value, str) else str(value)


_MISSING = object()


def _recorded(leaf: Leaf, event: Event, ctx: _Context) -> Any:
    if leaf.attr is not None:
        return event.attrs.get(leaf.attr, _MISSING)
    if leaf.case is not None:
        return case_values(ctx.chron).get(leaf.case, _MISSING)
    return {"type": event.type, "agency": event.agency, "recorded_by": event.record_of}[
        str(leaf.field)
    ]


def _condition_lines(
    condition: Condition, event: Event, ctx: _Context, level: int
) -> list[Line]:
    """The condition in words, each part with whether this entry meets it and what
    the entry records."""
    fact = ctx.fact(event)
    ok = holds(from_condition(condition), fact)  # type: ignore[arg-type]
    if isinstance(condition, (All, Any_)):
        children = condition.all if isinstance(condition, All) else condition.any
        head = "all of these" if isinstance(condition, All) else "at least one of these"
        out = [Line(f"{head} ({'met' if ok else 'not met'}):", level)]
        for child in children:
            out += _condition_lines(child, event, ctx, level + 1)
        return out
    assert isinstance(condition, Leaf)
    value = _recorded(condition, event, ctx)
    shown = (
        "not recorded" if value is _MISSING else f"recorded: {_value_words(value, ctx)}"
    )
    return [
        Line(
            f"{describe(condition, ctx.names)}: {'met' if ok else 'not met'} ({shown})",
            level,
        )
    ]


def _first_failing(condition: Condition, event: Event, ctx: _Context) -> str:
    """The condition an entry fails, in one phrase, for lists of entries that did
    not count."""
    lines = _condition_lines(condition, event, ctx, 0)
    failing = [
        ln.text for ln in lines if ": not met" in ln.text and not ln.text.endswith(":")
    ]
    return "; ".join(failing) or f"{describe(condition, ctx.names)}: not met"


# -- the calendar ----------------------------------------------------------------------


def _skipped_words(skipped: tuple[tuple[date, str], ...]) -> list[str]:
    """Weekends as pairs, bank holidays by their name in the `holidays` package
    (as auditor.workdays names them)."""
    out: list[str] = []
    i = 0
    while i < len(skipped):
        day, _ = skipped[i]
        holiday = bank_holiday_name(day)
        if (
            day.weekday() == 5
            and i + 1 < len(skipped)
            and skipped[i + 1][0] == day + _ONE
        ):
            sunday = skipped[i + 1][0]
            extra = [n for n in (holiday, bank_holiday_name(sunday)) if n]
            out.append(
                f"the weekend of {_weekday_day(day)} and {_weekday_day(sunday)}"
                + (f" (also {', '.join(extra)})" if extra else "")
            )
            i += 2
            continue
        if day.weekday() >= 5:
            out.append(
                f"{_weekday_day(day)} (weekend"
                + (f"; also {holiday})" if holiday else ")")
            )
        else:
            out.append(f"{_weekday_day(day)} {holiday} (bank holiday)")
        i += 1
    return out


def _non_working(start: date, end: date) -> tuple[tuple[date, str], ...]:
    """Days after `start` up to `end` that are not working days, named as
    auditor.workdays names them."""
    out = []
    day = start
    while day < end:
        day += _ONE
        if not is_working_day(day):
            out.append((day, bank_holiday_name(day) or f"{day:%A}"))
    return tuple(out)


def _count(
    trigger_id: str, start: datetime, span: Limit, backwards: bool, role: str
) -> Arithmetic:
    n = -span.n if backwards else span.n
    if span.unit == "hours":
        result: Moment = start + timedelta(hours=n)
        return Arithmetic(
            role, trigger_id, start, span.human(), span.unit, backwards, (), (), result
        )
    day = start.date()
    result = shift_days(day, n, span.unit)
    counted: tuple[date, ...] = ()
    skipped: tuple[tuple[date, str], ...] = ()
    if span.unit == "working-days":
        lo, hi = (result, day - _ONE) if backwards else (day, result)
        skipped = _non_working(lo, hi)
        counted = tuple(
            d
            for d in (lo + timedelta(days=k) for k in range(1, (hi - lo).days + 1))
            if is_working_day(d)
        )
        if (
            backwards and span.n
        ):  # counting back from the day before the trigger: the Nth day back
            counted = tuple(sorted(set(counted) | {result}))
    return Arithmetic(
        role,
        trigger_id,
        day,
        span.human(),
        span.unit,
        backwards,
        counted,
        skipped,
        result,
    )


def _arithmetic_lines(a: Arithmetic, trigger_label: str) -> list[Line]:
    out: list[Line] = []
    direction = "back from" if a.backwards else "from"
    if a.unit == "hours":
        out.append(
            Line(
                f"{a.span} {direction} {human(a.start)} (the {trigger_label}'s "
                "moment) gives "
                f"{human(a.result)}.",
                1,
            )
        )
        return out
    if a.unit == "calendar-days":
        out.append(
            Line(
                f"{a.span} {direction} {_weekday_day(a.start)} (the {trigger_label}, "
                "day 0), weekends and "
                f"bank holidays included, gives {_weekday_day(a.result)}.",
                1,
            )
        )  # type: ignore[arg-type]
        return out
    if a.unit == "months":
        note = ""
        if a.result.day != a.start.day:  # type: ignore[union-attr]
            note = " (that month has no such day, so its last day)"
        out.append(
            Line(
                f"{a.span} {direction} {_weekday_day(a.start)} (the {trigger_label}) "
                "is the same day of the "
                f"month {a.span} {'earlier' if a.backwards else 'later'}: "
                f"{_weekday_day(a.result)}{note}.",
                1,
            )
        )  # type: ignore[arg-type]
        return out
    start = a.start
    if a.backwards:
        out.append(
            Line(
                f"Counting {a.span} back from {_weekday_day(start)} (the "
                f"{trigger_label}, day 0): "  # type: ignore[arg-type]
                "working days are Monday to Friday, not bank holidays in England and "
                "Wales.",
                1,
            )
        )
    else:
        out.append(
            Line(
                f"Day 0 is {_weekday_day(start)} (the {trigger_label}); working days "
                "are counted from the "  # type: ignore[arg-type]
                "next day, Monday to Friday, not bank holidays in England and Wales.",
                1,
            )
        )
    if a.counted:
        days = list(a.counted)
        numbered = (
            reversed(list(enumerate(reversed(days), 1)))
            if a.backwards
            else enumerate(days, 1)
        )
        text = ", ".join(f"{d:%a %d/%m} ({k})" for k, d in numbered)
        out.append(Line(f"Working days counted: {text}.", 2))
    skipped = _skipped_words(a.skipped)
    out.append(
        Line(
            f"Skipped: {'; '.join(skipped)}."
            if skipped
            else "No weekend or bank holiday falls in the count.",
            2,
        )
    )
    if a.backwards:
        n = int(a.span.split()[0])
        out.append(
            Line(
                f"Expected by: {_weekday_day(a.result)}, the {_ordinal(n)} working day "
                "back.",
                2,
            )
        )  # type: ignore[arg-type]
    else:
        n = a.span.split()[0]
        out.append(
            Line(
                f"Deadline: {_weekday_day(a.result)}, the {_ordinal(int(n))} working "
                "day, inclusive.",
                2,
            )
        )  # type: ignore[arg-type]
    return out


def _ordinal(n: int) -> str:
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


def _bounds(
    v: Verdict,
) -> tuple[list[Arithmetic], dict[str, str], Moment | None, Moment | None]:
    """The deadline (within) or "expected by" (lead-time) the verdict counted, from the trigger's possible
    moments as the verdict judged them (narrowed by its links), shown day by day."""
    check, trigger = v.variant.check, v.trigger
    lo_m, hi_m = (v.when.lo, v.when.hi) if v.when is not None else (trigger.date.earliest, trigger.date.latest)
    if check.template == "within" and check.limit is not None:
        counts = [_count(trigger.id, lo_m, check.limit, False, "deadline")]
        if check.limit.unit == "hours" or hi_m.date() != lo_m.date():
            counts.append(_count(trigger.id, hi_m, check.limit, False, "deadline"))
        lo, hi = counts[0].result, counts[-1].result
        return counts, {"deadline": iso_span(lo, hi)}, lo, hi
    if check.template == "lead-time":
        counts = [_count(trigger.id, lo_m, check.lead, True, "expected by")]
        if check.lead.unit == "hours" or hi_m.date() != lo_m.date():
            counts.append(_count(trigger.id, hi_m, check.lead, True, "expected by"))
        lo, hi = counts[0].result, counts[-1].result
        shown = (lo, hi)
        if check.lead.unit == "hours" and trigger.date.precision != "datetime":
            shown = (lo.date(), hi.date())  # type: ignore[union-attr]
        return counts, {"expected_by": iso_span(*shown)}, lo, hi
    return [], {}, None, None


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
    out.sort(key=lambda r: (r.scenarios[0], STATUS_ORDER[r.status]))
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
    head = STATUS_LABELS[v.status]
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
            f"{v.variant.rule.jurisdiction}: met",
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


def _step_calendar(
    number: int, items: list[Item], readings: list[Reading], ctx: _Context
) -> Step:
    step = Step(number, "The calendar arithmetic")
    check = items[0][1].variant.check
    template = check.template
    if template in ("includes", "requires"):
        step.add(
            "None: this standard is about what the trigger entry itself records, not "
            "about time."
        )
        return step
    if template == "follows":
        step.add(
            f"No time limit: any {_types(check.counterpart.type)} recorded at or after "
            "the trigger counts; "
            "the search runs to the end of the chronology "
            f"({ctx.chron.case.scoping.end:%d/%m/%Y})."
        )
        return step
    if template == "precedes":
        step.add(
            "No deadline: the counterpart must come on or before the trigger (on the "
            "same day counts when both "
            "are dated to a single day)."
        )
        if isinstance(check, PrecedesCheck) and check.lookback is not None:
            for event_id in dict.fromkeys(v.trigger.id for _, v, _ in items):
                event = ctx.chron.by_id[event_id]
                start = _lookback_start(event, check.lookback)
                step.add(
                    f"The search looks back {check.lookback.human()} from {event.id} "
                    f"({event.date.human()}): "
                    f"entries from {human(start)} on count (a search window, not a "
                    "standard).",
                    1,
                )
        return step
    shown: set[tuple[str, str]] = set()
    for reading in readings:
        key = (reading.trigger_id, reading.edition)
        if key in shown:
            continue
        shown.add(key)
        trigger = ctx.chron.by_id[reading.trigger_id]
        trig = event_label(trigger.type)
        role = "deadline" if template == "within" else "expected by"
        bound = reading.recomputed.get(
            "deadline" if template == "within" else "expected_by", ""
        )
        what = (
            "the limit is"
            if template == "within"
            else f"the {_types(check.counterpart.type)} is expected at least"
        )
        before = f" before the {trig}" if template == "lead-time" else ""
        step.add(
            f"From {reading.trigger_id} ({_short(trigger)}, {reading.edition}): {what} "
            f"{reading.arithmetic[0].span}{before}."
        )
        if (
            template == "lead-time"
            and reading.arithmetic[0].unit == "hours"
            and trigger.date.precision != "datetime"
        ):
            step.add(
                f"The {trig}'s time is not recorded, so any moment of its day is "
                "possible: the expected-by "
                "moment is counted from the first and the last moment of the day, and "
                "given to the day.",
                1,
            )
        elif len(reading.arithmetic) > 1:
            step.add(
                f"The {trig}'s date or time is uncertain, so the {role} is counted "
                "from its earliest and from "
                "its latest possible moment:",
                1,
            )
        for a in reading.arithmetic:
            step.lines += _arithmetic_lines(a, trig)
        words = _iso_words(bound)
        step.add(
            f"So the {'deadline' if template == 'within' else 'expected-by moment'} is "
            f"{words}." + _matches_audit(reading, template),
            1,
        )
    return step


def _iso_words(iso: str) -> str:
    parts = iso.split("/")
    as_words = [
        (datetime.fromisoformat(p) if "T" in p else date.fromisoformat(p))
        for p in parts
    ]
    return span_words(as_words[0], as_words[-1])


def _matches_audit(reading: Reading, template: str) -> str:
    key = "deadline" if template == "within" else "expected_by"
    audit_value = reading.figures.get(key)
    if audit_value is None or audit_value == reading.recomputed.get(key):
        return ""
    return f" (the audit's own figure is {audit_value}: please report this difference)"


def _lookback_start(event: Event, lookback: Limit) -> Moment:
    """The start of a `precedes` search window, as `plan.lookback_bound` sets it."""
    if lookback.unit == "hours":
        return event.date.earliest - timedelta(hours=lookback.n)
    return shift_days(event.date.earliest.date(), -lookback.n, lookback.unit)


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
    days fall against the window (auditor.clock's own relation, summed over every possible day)."""
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
    if rule.jurisdiction != chron.case.jurisdiction:
        step3.add(
            f"The rule is a standard for {rule.jurisdiction}; the case's jurisdiction "
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


# -- rendering -------------------------------------------------------------------------

WIDTH = 100


def render_text(explanation: Explanation) -> str:
    out = _header_lines(explanation)
    for fx in explanation.findings:
        f = fx.finding
        out += [
            "",
            f"Finding {f.id}: {f.status_label} ({f.severity})",
            "=" * min(WIDTH, len(f.id) + 30),
        ]
        for step in fx.steps:
            out += ["", f"{step.number}. {step.title}"]
            for line in step.lines:
                indent = "   " + "  " * line.level
                bullet = "- " if line.level else ""
                out.append(
                    textwrap.fill(
                        line.text,
                        WIDTH,
                        initial_indent=indent + bullet,
                        subsequent_indent=indent + " " * len(bullet),
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
    return "\n".join(out) + "\n"


def render_markdown(explanation: Explanation) -> str:
    head = _header_lines(explanation)
    out = [f"# {_md(head[0])}", ""] + [f"{_md(line)}  " for line in head[1:]]
    for fx in explanation.findings:
        f = fx.finding
        out += ["", f"## Finding `{f.id}`: {f.status_label} ({f.severity})"]
        for step in fx.steps:
            out += ["", f"### {step.number}. {_md(step.title)}", ""]
            previous = 0
            for line in step.lines:
                if line.level == 0:
                    if previous:
                        out.append("")
                    out += [_md(line.text), ""]
                else:
                    out.append("  " * (line.level - 1) + "- " + _md(line.text))
                previous = line.level
            while out and out[-1] == "":
                out.pop()
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text from the chronology or rulebook must not become Markdown or HTML structure."""
    return md_escape(text)


def _header_lines(explanation: Explanation) -> list[str]:
    meta = explanation.meta
    what = (
        f"every finding of rule {explanation.query} ({len(explanation.findings)})"
        if explanation.by_rule
        else f"finding {explanation.query}"
    )
    return [
        f"How the audit reached its verdict: {what}",
        f"Case {explanation.case_id}: {explanation.case_title}; chronology "
        f"{explanation.scoping}",
        f"Rulebook {meta.get('rulebook_version')} | engine {meta.get('engine')} "
        f"{meta.get('engine_version')} | "
        f"auditor {meta.get('auditor_version')}",
        'A chronology records what was written down: "not evidenced in the chronology" '
        "does not mean it did not "
        "happen, and a departure is a prompt for a reviewer, not a finding of fault.",
    ]


def render(explanation: Explanation, fmt: str = "text") -> str:
    return render_markdown(explanation) if fmt == "md" else render_text(explanation)
