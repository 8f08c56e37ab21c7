"""What reading a written date gives: a `WrittenDate` (the days it could be), or a `DateProblem`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Literal

from dateutil.relativedelta import relativedelta

Precision = Literal["datetime", "day", "month", "range"]


class DateProblem(ValueError):
    """A date that cannot be read without guessing: the message says why, in plain English, quoting the text."""


@dataclass(frozen=True)
class WrittenDate:
    """A date as the source wrote it, reduced to the days it could be, ready for a chronology event."""

    earliest: date
    latest: date
    precision: Precision
    as_written: str
    # Spelt dt.time: a bare `time` here would be shadowed by this very field when annotations are evaluated.
    time: dt.time | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Refuse inconsistent values here so no caller can hand the chronology an impossible date.
        if self.latest < self.earliest:
            raise ValueError(f"latest ({self.latest}) is before earliest ({self.earliest})")
        if (self.time is not None) != (self.precision == "datetime"):
            raise ValueError("a time goes with precision 'datetime' and only with it")
        if self.precision in ("datetime", "day") and self.earliest != self.latest:
            raise ValueError(f"precision {self.precision!r} needs a single day")
        if self.precision == "month" and (self.earliest.day != 1 or self.latest != _last_day(self.earliest)):
            raise ValueError("precision 'month' needs a whole calendar month")

    def to_chronology(self) -> str | dict[str, str]:
        """The value for a chronology event's `date` field:
        "2016-05-22" (day), "2016-05-22T14:30" (datetime), "2016-05" (a whole calendar month),
        or {"earliest": "2016-05-11", "latest": "2016-05-20", "as_written": "mid-May 2016"} (range).
        A day/datetime/month whose as_written differs from the ISO form still returns the plain ISO form."""
        if self.precision == "datetime" and self.time is not None:  # __post_init__ ensures the time is there
            clock = "%H:%M:%S" if self.time.second else "%H:%M"
            return f"{self.earliest.isoformat()}T{self.time.strftime(clock)}"
        if self.precision == "day":
            return self.earliest.isoformat()
        if self.precision == "month":
            return self.earliest.strftime("%Y-%m")
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(), "as_written": self.as_written}


def _last_day(day: date) -> date:
    return day + relativedelta(day=31)
