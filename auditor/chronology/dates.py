"""Event dates as chronologies write them: exact, month-only or a range of possible days.

A chronology often knows only "mid-January 2012" or "three weeks later". We keep
the earliest and latest possible moment instead of guessing a day, so a rule can
say "met", "departure" or "depends on the exact date" honestly.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

Precision = Literal["datetime", "day", "month", "range"]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
END_OF_DAY = time(23, 59, 59)
# The years a chronology may use. Working Together dates from 1991; nothing a review covers is older than a
# century, and a date in 9999 would overflow every deadline computed from it (year 10000 is out of range).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def in_range(day: date, text: str | None = None) -> date:
    """`day` if a chronology may use it, else a ValueError that says so."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text or day.isoformat()!r} is outside the years a chronology may use ({FIRST_YEAR} to {LAST_YEAR})")
    return day


def parse_day(value: Any) -> date:
    """Parse an ISO date (YYYY-MM-DD); reject impossible dates with a readable reason."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not _DAY.match(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None
    return in_range(day, text)


class EventDate(BaseModel):
    """When an event happened, as the interval of possible moments [earliest, latest]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    earliest: datetime
    latest: datetime
    precision: Precision
    as_written: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, EventDate):
            return value
        if isinstance(value, datetime):
            in_range(value.date(), str(value))
            return {"earliest": value, "latest": value, "precision": "datetime"}
        if isinstance(value, date):
            return _day(in_range(value))
        if isinstance(value, str):
            return _parse_text(value.strip())
        if isinstance(value, dict):
            if "precision" in value:
                return value
            unknown = set(value) - {"earliest", "latest", "as_written"}
            if unknown:
                raise ValueError(f"unknown date field(s) {sorted(unknown)}; use earliest, latest, as_written")
            if "earliest" not in value or "latest" not in value:
                raise ValueError("a date range needs both earliest and latest")
            lo = _parse_text(str(value["earliest"]).strip())
            hi = _parse_text(str(value["latest"]).strip())
            if hi["latest"] < lo["earliest"]:
                raise ValueError("latest is before earliest")
            same_day = lo["precision"] == hi["precision"] == "day" and lo["earliest"] == hi["earliest"]
            # A "range" of one day (a date worked out from "three days later") is that day, with its wording kept.
            return {"earliest": lo["earliest"], "latest": hi["latest"], "precision": "day" if same_day else "range",
                    "as_written": value.get("as_written")}
        raise ValueError("expected a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM) or {earliest, latest}")

    @property
    def exact_day(self) -> date | None:
        return self.earliest.date() if self.earliest.date() == self.latest.date() else None

    @property
    def first_day(self) -> date:
        return self.earliest.date()

    @property
    def last_day(self) -> date:
        return self.latest.date()

    def human(self) -> str:
        """dd/mm/yyyy for people; ranges and months say so."""
        if self.precision == "datetime":
            return self.earliest.strftime("%d/%m/%Y %H:%M")
        if self.precision == "day":
            return self.earliest.strftime("%d/%m/%Y")
        if self.precision == "month":
            return self.earliest.strftime("%m/%Y")
        text = f"{self.earliest:%d/%m/%Y}-{self.latest:%d/%m/%Y}"
        return f"{text} ({self.as_written})" if self.as_written else text

    def when(self) -> str:
        """The date as a phrase for a sentence: "on 11/06/2012", "in 09/2010", "between ... and ..."."""
        if self.precision == "month":
            return f"in {self.earliest:%m/%Y}"
        if self.precision == "range":
            return f"between {self.earliest:%d/%m/%Y} and {self.latest:%d/%m/%Y}"
        return "on " + self.human()

    def iso(self) -> str:
        if self.precision == "datetime":
            return self.earliest.isoformat(timespec="minutes")
        if self.precision == "day":
            return self.earliest.date().isoformat()
        if self.precision == "month":
            return self.earliest.strftime("%Y-%m")
        return f"{self.earliest.date().isoformat()}/{self.latest.date().isoformat()}"


def _day(d: date) -> dict[str, Any]:
    return {"earliest": datetime.combine(d, time.min), "latest": datetime.combine(d, END_OF_DAY), "precision": "day"}


def _parse_text(text: str) -> dict[str, Any]:
    return dict(_parse_text_cached(text))  # a copy: callers may not share the cached dict


@lru_cache(maxsize=8192)
def _parse_text_cached(text: str) -> dict[str, Any]:
    """Parse a date as written (a pure function of the text; invalid text raises and is not cached)."""
    if _DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date and time") from None
        in_range(moment.date(), text)
        return {"earliest": moment, "latest": moment, "precision": "datetime"}
    month = _MONTH.match(text)
    if month:
        year, mon = int(month.group(1)), int(month.group(2))
        if not 1 <= mon <= 12:
            raise ValueError(f"{text!r} is not a real month")
        in_range(date(year, mon, 1), text)
        last = calendar.monthrange(year, mon)[1]
        return {"earliest": datetime(year, mon, 1), "latest": datetime.combine(date(year, mon, last), END_OF_DAY),
                "precision": "month"}
    return _day(parse_day(text))
