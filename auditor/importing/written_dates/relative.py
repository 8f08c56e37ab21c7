"""Dates relative to the row above: "three days later", "the following day", "the following month"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import MO, relativedelta

from .model import _last_day
from .reading import _FIRST_YEAR, _LAST_YEAR, _Context, _describe, _Reading, _span
from .words import _NUMBER_WORDS, _alternatives

_UNIT_WORDS = r"(?P<unit>day|week|fortnight|month|year)s?"
_DIRECTION = r"(?P<way>later|after|afterwards|on|earlier|before)"
_SHIFT = re.compile(rf"^(?P<count>\d{{1,3}}|a\s+few|{_alternatives(_NUMBER_WORDS)})\s+{_UNIT_WORDS}\s+{_DIRECTION}$")
_VAGUE_SHIFT = re.compile(rf"^(?P<count>several|some|many|a\s+couple\s+of|couple\s+of|a\s+number\s+of)\s+"
                          rf"{_UNIT_WORDS}\s+{_DIRECTION}$")
_PART_OF_DAY = r"(?:day|morning|afternoon|evening|night)"
_SAME_DAY = re.compile(rf"^(?:(?:later\s+)?(?:that|same)\s+{_PART_OF_DAY}|later\s+on\s+that\s+day)$")
_NEXT_DAY = re.compile(rf"^(?:(?:following|next)\s+{_PART_OF_DAY}|day\s+after)$")
_PREVIOUS_DAY = re.compile(r"^(?:previous\s+day|day\s+before)$")
_NEXT_PERIOD = re.compile(r"^(?:following|next)\s+(?P<unit>week|month|year)$")
_FEW = (2, 6)  # "a few" days/weeks/months/years: at least 2, at most 6


def _step(unit: str, count: int) -> relativedelta:
    if unit == "fortnight":
        return relativedelta(weeks=2 * count)
    return relativedelta(**{f"{unit}s": count})


def _relative_shift(s: str) -> tuple[relativedelta, relativedelta] | None:
    """How far to move the row above's earliest and latest days; None if `s` is not a shift."""
    if _SAME_DAY.match(s):
        return relativedelta(), relativedelta()
    if _NEXT_DAY.match(s):
        return relativedelta(days=1), relativedelta(days=1)
    if _PREVIOUS_DAY.match(s):
        return relativedelta(days=-1), relativedelta(days=-1)
    found = _SHIFT.match(s)
    if found is None:
        return None
    unit, count = found["unit"], found["count"]
    sign = -1 if found["way"] in ("earlier", "before") else 1
    if re.fullmatch(r"a\s+few", count):
        fewest, most = _FEW
        if sign > 0:
            return _step(unit, fewest), _step(unit, most)
        return _step(unit, -most), _step(unit, -fewest)
    step = _step(unit, sign * (int(count) if count.isdigit() else _NUMBER_WORDS[count]))
    return step, step


def _read_relative(s: str, ctx: _Context) -> _Reading | None:
    vague = _VAGUE_SHIFT.match(s)
    if vague:
        raise ctx.problem(f'"{vague["count"]}" is too vague to date; give a number, or a range of dates')
    period = _NEXT_PERIOD.match(s)
    shift = _relative_shift(s)
    if period is None and shift is None:
        return None
    previous = ctx.previous
    if previous is None:
        raise ctx.problem("it is relative to the row above, but there is no row above")
    reading: _Reading | None = None
    if period is not None:
        reading = _following_period(previous.latest, period["unit"])
    elif shift is not None:
        low, high = shift
        try:
            reading = _span(previous.earliest + low, previous.latest + high)
        except (OverflowError, ValueError):  # beyond what `date` can hold
            reading = None
    if reading is None or reading.earliest.year < _FIRST_YEAR or reading.latest.year > _LAST_YEAR:
        raise ctx.problem(f"too far from the row above to be a plausible date (expected {_FIRST_YEAR}-{_LAST_YEAR})")
    ctx.note(f"worked out from the row above ({_describe(previous.earliest, previous.latest)})")
    return reading


def _following_period(latest: date, unit: str) -> _Reading:
    """The calendar week, month or year after `latest`: calendar units, as people mean them."""
    if unit == "week":
        start = latest + relativedelta(days=1, weekday=MO(+1))
        return _Reading(start, start + timedelta(days=6), "range")
    if unit == "month":
        start = latest + relativedelta(months=1, day=1)
        return _Reading(start, _last_day(start), "range")
    return _Reading(date(latest.year + 1, 1, 1), date(latest.year + 1, 12, 31), "range")
