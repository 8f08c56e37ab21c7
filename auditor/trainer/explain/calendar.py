"""The calendar step: the deadline or expected-by moment counted day by day, weekends and bank holidays named."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ...rulebook.schema import Limit, PrecedesCheck
from ...audit.verdicts import Verdict
from ...audit.wording import event_label, human, iso_span
from ...audit.wording import span as span_words
from ...audit.clock import deadline, expected_by
from ...workdays import bank_holiday_name, is_working_day
from .context import _Context, _short, _types, _weekday_day
from .model import Arithmetic, Item, Line, Moment, Reading, Step, _ONE
from .search import _lookback_start, _matches_audit

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
    result: Moment = expected_by(start, span) if backwards else deadline(start, span)  # the audit's own arithmetic
    if span.unit == "hours":
        return Arithmetic(
            role, trigger_id, start, span.human(), span.unit, backwards, (), (), result
        )
    day = start.date()
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
