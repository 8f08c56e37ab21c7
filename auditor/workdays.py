"""Working days in England and Wales, with one counting convention used everywhere.

The convention (also in docs/rulebook-format.md):
  * A working day is Monday to Friday and not an England and Wales bank holiday
    (the `holidays` package, GB with subdivision ENG, including one-off days
    such as the 2012 Diamond Jubilee; a holiday that falls on a weekend is
    listed beside its observed weekday, so "a weekday not in the list" is right).
  * The trigger's own day is day 0, whether or not it is a working day.
    "Within N working days of A" means on or before the Nth working day after
    A's day: the deadline day is inclusive.
  * Elapsed working days from A to B count the working days after A's day up to
    and including B's day; lateness counts those after the deadline up to B.
  * "Within N months" is calendar months: the same day of the month N months on,
    or that month's last day when it is shorter (31/01 + 1 month = 29/02/2024).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

_ONE = timedelta(days=1)


@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: date) -> str | None:
    table = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    return table.get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=65536)
def add_working_days(start: date, n: int) -> date:
    """The Nth working day after `start` (N >= 0; N = 0 gives `start`)."""
    if n < 0:
        return subtract_working_days(start, -n)
    day = start
    while n:
        day += _ONE
        if is_working_day(day):
            n -= 1
    return day


@lru_cache(maxsize=65536)
def subtract_working_days(start: date, n: int) -> date:
    """The Nth working day before `start` (N >= 0)."""
    day = start
    while n:
        day -= _ONE
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative if `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += _ONE
        count += is_working_day(day)
    return count


def working_days_after(start: date, end: date) -> list[date]:
    """The working days after `start` up to and including `end`: how late something on `end` was."""
    out, day = [], start
    while day < end:
        day += _ONE
        if is_working_day(day):
            out.append(day)
    return out


def skipped_days(start: date, end: date) -> list[tuple[date, str]]:
    """Weekends and bank holidays after `start` up to `end`, for explaining a deadline."""
    out = []
    day = start
    while day < end:
        day += _ONE
        if not is_working_day(day):
            out.append((day, bank_holiday_name(day) or ("Saturday" if day.weekday() == 5 else "Sunday")))
    return out


def shift_days(day: date, n: int, unit: str) -> date:
    """`day` moved by n (negative: back) working days, calendar days or calendar months."""
    if unit == "working-days":
        return add_working_days(day, n) if n >= 0 else subtract_working_days(day, -n)
    if unit == "months":
        return day + relativedelta(months=n)
    if unit == "calendar-days":
        return day + timedelta(days=n)
    raise ValueError(f"{unit!r} is not a day-based unit")
