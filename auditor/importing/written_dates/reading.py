"""The state of reading one cell: the days read so far, the year filled in when it is missing (from
the row above, else the import's default year), the notes for the import report, and the checks that
turn numbers into real days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .model import DateProblem, WrittenDate, _last_day
from .words import _MONTH_NAMES, _MONTHS

_Unit = Literal["day", "month", "year", "range"]

_FIRST_YEAR = 1900
_LAST_YEAR = 2099
_CENTURY_PIVOT = 50  # two-digit years below this are in the 2000s


@dataclass(frozen=True)
class _Reading:
    """Days read so far; `unit` remembers what was written, which decides how uncertainty widens it."""

    earliest: date
    latest: date
    unit: _Unit
    time: dt.time | None = None


class _NoMatch(Exception):
    """No form recognised the text: the caller tries another reading or explains the failure."""


@dataclass
class _Context:
    """What one cell's reading needs besides its text, and the notes it collects for the import report."""

    original: str
    previous: WrittenDate | None
    default_year: int | None
    notes: list[str] = field(default_factory=list)
    year_from_previous: bool = False

    def problem(self, reason: str) -> DateProblem:
        return DateProblem(f'date "{self.original}": {reason}')

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def missing_year(self, hint: int | None) -> int:
        """The year for a date written without one; `hint` is the other end of a range, which needs no note."""
        if hint is not None:
            return hint
        if self.previous is not None:
            year = self.previous.latest.year
            self.note(f"year {year} taken from the row above")
            self.year_from_previous = True
            return year
        if self.default_year is not None:
            self.note(f"year {self.default_year} taken from the default year for this import")
            return self.default_year
        raise self.problem("no year, and no earlier row to take it from")

    def attempt(self, read: Callable[[], _Reading]) -> _Reading:
        """Run one way of reading; if it does not recognise the text, forget any notes it made."""
        notes, year_from_previous = list(self.notes), self.year_from_previous
        try:
            return read()
        except _NoMatch:
            self.notes, self.year_from_previous = notes, year_from_previous
            raise


def _human(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _one_day(day: date) -> _Reading:
    return _Reading(day, day, "day")


def _span(earliest: date, latest: date) -> _Reading:
    """A computed interval: one day if it collapsed to one, so a time may still attach to it."""
    return _one_day(earliest) if earliest == latest else _Reading(earliest, latest, "range")


def _whole_month(year: int, month: int) -> _Reading:
    first = date(year, month, 1)
    return _Reading(first, _last_day(first), "month")


def _year(text: str, ctx: _Context) -> int:
    digits = text.lstrip("'")
    value = int(digits)
    if len(digits) == 2:
        return value + (2000 if value < _CENTURY_PIVOT else 1900)
    if not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise ctx.problem(f"year {value} is not plausible (expected {_FIRST_YEAR}-{_LAST_YEAR}); "
                          "is it a typing error?")
    return value


def _month_word(word: str) -> int | None:
    return _MONTHS.get(word.rstrip("."))


def _check_month(month: int, ctx: _Context, order: str = "day-first") -> None:
    if not 1 <= month <= 12:
        raise ctx.problem(f"{order} dates: month {month} does not exist")


def _real_day(day: int, month: int, year: int, ctx: _Context, order: str = "day-first") -> date:
    _check_month(month, ctx, order)
    days_in_month = calendar.monthrange(year, month)[1]
    if day == 0:
        raise ctx.problem("there is no day 0 in a month")
    if day > days_in_month:
        raise ctx.problem(f"{_MONTH_NAMES[month - 1]} {year} has {days_in_month} days, so there is no day {day}")
    return date(year, month, day)


def _describe(earliest: date, latest: date) -> str:
    return _human(earliest) if earliest == latest else f"{_human(earliest)} to {_human(latest)}"
