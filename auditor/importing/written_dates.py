"""Read the dates review panels type into chronology tables, without guessing.

Chronology tables arrive from Word, Excel and CSV with dates written by people:
"22/5/16", "mid-May 2016", "c. June 2016", "three days later (Friday)". The rules
need the interval of days an event could have happened on (``auditor.chronology.dates``),
and a day read wrongly can turn a met timescale into a missed one without anyone
noticing. So this module reads only what can be read without guessing, widens
what the source itself calls uncertain, and raises ``DateProblem`` (quoting the
text and saying why) for everything else, so the import report can ask a person.

How dates are read (the import report relies on these being stable):

* Numeric dates are always day first: 05/06/2016 is 5 June 2016. A month above 12
  is an error ("day-first dates: month 13 does not exist"), never a cue to swap.
* Two-digit years: 00-49 are 2000-2049 and 50-99 are 1950-1999. A four-digit year
  must lie between 1900 and 2099; anything else is taken to be a typing error.
* Year-first dates: ISO with hyphens (2016-05-22, how spreadsheet cells arrive) is
  read. With slashes or dots (2016/05/06) the date is refused when both 6 May and
  5 June are real dates; 2016/05/22 has only one reading and is read.
* A spreadsheet datetime whose time is exactly midnight (2016-05-22 00:00:00) is a
  day: that is how Excel stores a date typed without a time. Only the ISO form is
  treated so; "22/05/2016 00:00" typed by a person keeps its time.
* A bare number is never a date: 2016 alone is the whole year, but 42512 is
  refused as a spreadsheet serial number (the column was not formatted as dates).
* A month and year ("May 2016", "05/2016" with a four-digit year) is a calendar
  month. d/m without a year ("22/05", "5/16") is a day and month with the year
  missing, so "5/16" is refused (there is no month 16) rather than read as May
  2016, and "May 16" is refused as it could be 16 May or May 2016. With the month
  named and a four-digit year, either order is read ("May 22, 2016"): the name
  leaves nothing to guess.
* Parts of a month: early / beginning of / start of are days 1-10; mid / middle of
  are days 11-20; late / end of run from day 21 to the last day of the month.
* Seasons are meteorological, as the Met Office counts them: spring is March-May,
  summer June-August, autumn September-November. "winter 2016" is refused because
  panels use it both for December 2015-February 2016 and for December 2016-February
  2017; "winter 2016/17" (or 2016-17) is read as December 2016 to February 2017.
* Uncertain dates ("?", "c.", "circa", "approx.", "around", "about", "on or about")
  are widened by one unit of what was written, each side: a day becomes that day
  plus or minus one day; a calendar month runs from the month before to the month
  after; a year from the year before to the year after; anything that is already
  a range of days (a part of a month, a season, a week, a range, a relative date
  from a range) gains one day each side. A note says so every time. An uncertain
  date cannot carry a time, because it is no longer a single day.
* A missing year is the year of the row above (its latest day), else
  ``default_year``, with a note. It is refused if that would put the date before
  the row above: the year has probably turned, and choosing the next one is a guess.
* Relative dates ("three days later", "the following day", "a fortnight later")
  shift both ends of the row above by the same amount; calendar months clamp to the
  month end (31 January plus a month is 28 or 29 February). "A few days later"
  means 2 to 6 days later (and a few weeks, months or years likewise 2 to 6 of
  them); "several", "some", "many" and "a couple of" are refused as too vague.
  "The following week/month/year" is the next calendar week (Monday to Sunday),
  month or year after the row above's latest day.
* A written weekday must agree with a single day. With a range it must fall inside
  the range, and is noted; it never narrows the range.
* Times: 24-hour times are read literally (2.30 is 02:30; write 2.30pm or 14:30 for
  the afternoon); 12-hour times need am or pm. "Midnight" is refused because it
  could be the start or the end of the day. A time needs a single day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Literal

from dateutil.relativedelta import MO, relativedelta

Precision = Literal["datetime", "day", "month", "range"]
_Unit = Literal["day", "month", "year", "range"]

_FIRST_YEAR = 1900
_LAST_YEAR = 2099
_CENTURY_PIVOT = 50  # two-digit years below this are in the 2000s
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, allowing for its phantom 29 February 1900

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Every spelling of a month we accept: full names, three-letter abbreviations and "Sept".
_MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_WEEKDAYS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
    **{name[:3].lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}

_SMALL_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                  "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "twenty": 20, "thirty": 30,
    **{word: number for number, word in enumerate(_SMALL_NUMBERS, start=1)},
    **{f"twenty{join}{word}": 20 + number
       for number, word in enumerate(_SMALL_NUMBERS[:9], start=1) for join in ("-", " ")},
}

# Words the forms below use, so the misspelt-month hint does not fire on them.
_VOCABULARY = {"early", "beginning", "start", "middle", "late", "end", "spring", "summer", "autumn", "winter",
               "week", "weeks", "commencing", "starting", "day", "days", "month", "months", "year", "years",
               "fortnight", "fortnights", "later", "after", "afterwards", "earlier", "before", "following",
               "next", "previous", "same", "that", "morning", "afternoon", "evening", "night", "between",
               "and", "from", "until", "till", "few", "several", "some", "many", "couple", "noon", "midday",
               "midnight", "hrs", "hours", *_NUMBER_WORDS, *_WEEKDAYS}


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first, so "thursday" is not read as "thu" + "rsday"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


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


# ---------------------------------------------------------------------------------------------------------------
# Times

_TIME_PATTERN = r"""
    (?:12\s*)?(?P<word>noon|midday|midnight)
  | (?P<h12>\d{1,2})(?:[:.](?P<m12>\d{2}))?\s*(?P<half>[ap])\.?\s*m\.?
  | (?P<h24>\d{1,2})[:.](?P<m24>\d{2})(?:[:.](?P<s24>\d{2}))?(?:\s*(?:hrs?|hours))?
  | (?P<hhmm>\d{3,4})(?:\s*(?:hrs?|hours))?
"""
_TIME = re.compile(rf"^(?:{_TIME_PATTERN})$", re.VERBOSE)
# A time at the end of a date's text, after a space, "at", "@" or ISO's "T".
_TRAILING_TIME = re.compile(rf"^(?P<date>.+?)(?:\s+at\s+|\s*@\s*|(?<=\d)t|\s+)(?P<time>{_TIME_PATTERN})$", re.VERBOSE)


def _clock(text: str, fail: Callable[[str], DateProblem]) -> time | None:
    """Read one normalised time; None when the text is not shaped like a time at all."""
    found = _TIME.match(text)
    if found is None:
        return None
    if found["word"]:
        if found["word"] == "midnight":
            raise fail("it could be the start or the end of the day; write 00:00 or 23:59")
        return time(12, 0)
    if found["h12"]:
        hour, minute = int(found["h12"]), int(found["m12"] or 0)
        if not 1 <= hour <= 12:
            raise fail(f"the 12-hour clock has no hour {hour}")
        hour = hour % 12 + (12 if found["half"] == "p" else 0)
        second = 0
    elif found["h24"]:
        hour, minute, second = int(found["h24"]), int(found["m24"]), int(found["s24"] or 0)
    else:
        hour, minute = divmod(int(found["hhmm"]), 100)
        second = 0
    if hour > 23:
        raise fail(f"there is no hour {hour}")
    if minute > 59:
        raise fail(f"there is no minute {minute}")
    if second > 59:
        raise fail(f"there is no second {second}")
    return time(hour, minute, second)


def parse_written_time(text: str) -> time | None:
    """'14:30', '14.30', '1430', '1430hrs', '2.30pm', '2:30 pm', '2pm', 'noon', 'midday'. Empty text -> None.
    Impossible ('25:10') -> DateProblem."""
    cleaned = " ".join(text.lower().split()).rstrip(".")
    if not cleaned:
        return None

    def fail(reason: str) -> DateProblem:
        return DateProblem(f'time "{text.strip()}": {reason}')

    moment = _clock(cleaned, fail)
    if moment is None:
        raise fail("not a time this importer can read; write it as 14:30 or 2.30pm")
    return moment


# ---------------------------------------------------------------------------------------------------------------
# Reading state


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


def _last_day(day: date) -> date:
    return day + relativedelta(day=31)


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


# ---------------------------------------------------------------------------------------------------------------
# Normalising the text

_DASHES = re.compile("[\u2012\u2013\u2014\u2015\u2212]")  # figure, en and em dashes, minus: always a range
_HYPHENS = re.compile("[\u2010\u2011]")  # Unicode hyphens: the same as "-"
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_SPACED_HYPHEN = re.compile(r"\s+-\s*|\s*-\s+")
_COMPACT_DAYS = re.compile(r"^(?P<a>\d{1,2})-(?=\d{1,2}(?:[/.]\d|\s+[a-z]))")  # 22-25/05/2016, 22-25 May
_COMPACT_WORDS = re.compile(r"^(?P<a>[a-z]+)\.?-(?P<b>[a-z]+)\b")  # May-June 2016
_COMPACT_YEARS = re.compile(r"^(?P<a>\d{4})-(?P<b>\d{4})$")  # 2015-2016


def _normalise(text: str) -> str:
    """One spelling for the many ways people type the same date, so the forms below stay few and strict."""
    s = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = _HYPHENS.sub("-", s)
    s = _DASHES.sub(" - ", s)
    s = s.replace(",", " ")
    s = _ORDINAL.sub("", s)
    s = re.sub(r"\bthe\b", " ", s)
    s = re.sub(r"(?<=\d)\s+of\s+(?=[a-z])", " ", s)  # "22 of May" (after "the 22nd of May")
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"\b(winter\s+\d{4})\s*-\s*(\d{2}|\d{4})$", r"\1/\2", s)  # "winter 2016–17" is one winter
    s = _SPACED_HYPHEN.sub(" - ", s)
    return " ".join(s.split()).rstrip(".").strip()


def _spread_compact_range(s: str) -> str:
    """Write "22-25 May", "May-June" and "2015-2016" with a spaced dash, as the range forms expect.

    Done after the uncertainty marks and weekday are off, because these forms are anchored at the start.
    """
    s = _COMPACT_DAYS.sub(r"\g<a> - ", s)
    s = _COMPACT_YEARS.sub(r"\g<a> - \g<b>", s)
    words = _COMPACT_WORDS.match(s)
    if words and _month_word(words["a"]) and _month_word(words["b"]):
        s = f"{words['a']} - {s[words.end('a'):].lstrip('.-')}"
    return s


_UNCERTAIN_BEFORE = re.compile(
    r"^(?P<marker>\?|c\.|ca\.|approx\.|est\.|"
    r"(?:on or about|on or around|circa|approximately|approx|around|about|roughly|estimated|ca|c)\b)\s*")
_UNCERTAIN_AFTER = re.compile(r"\s*(?P<marker>\?|\((?:\?|approx\.?|approximately|estimated|est\.?|circa|c\.?)\))$")
_WEEKDAY_BEFORE = re.compile(rf"^(?P<day>{_alternatives(_WEEKDAYS)})\b\.?\s*")
_WEEKDAY_IN_BRACKETS = re.compile(rf"\s*\((?P<day>{_alternatives(_WEEKDAYS)})\.?\)\s*")
_FILLER_BEFORE = re.compile(r"^(?:on|in|during|some ?time in)\s+")


def _strip_markers(s: str, ctx: _Context) -> tuple[str, str | None, int | None]:
    """Take off uncertainty marks, a weekday and filler words, in whatever order the source used."""
    marker: str | None = None
    weekdays: list[int] = []
    while True:
        before = s
        for pattern in (_UNCERTAIN_BEFORE, _UNCERTAIN_AFTER):
            found = pattern.search(s)
            if found:
                marker = marker or found["marker"]
                s = (s[:found.start()] + s[found.end():]).strip()
        found = _WEEKDAY_BEFORE.match(s) or _WEEKDAY_IN_BRACKETS.search(s)
        if found:
            weekdays.append(_WEEKDAYS[found["day"]])
            s = f"{s[:found.start()]} {s[found.end():]}".strip()
        s = _FILLER_BEFORE.sub("", s)
        if s == before:
            break
    if len(set(weekdays)) > 1:
        names = " and ".join(_WEEKDAY_NAMES[day] for day in dict.fromkeys(weekdays))
        raise ctx.problem(f"two different weekdays ({names})")
    return s, marker, weekdays[0] if weekdays else None


# ---------------------------------------------------------------------------------------------------------------
# One family of forms per function: each returns None when the text is not of its shape and raises DateProblem
# when it is of its shape but wrong (so a specific reason wins over the generic one).

_Family = Callable[[str, _Context, int | None], _Reading | None]

_ISO_DAY = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_ISO_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])$")
_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})(?P<sep>[/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})$")
_NUMERIC_DAY = re.compile(r"^(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})$")
_NUMERIC_MONTH = re.compile(r"^(?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
_DAY_MONTH = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})$")
_NAMED_DAY = re.compile(r"^(?P<d>\d{1,2})(?:\s+|-)(?P<mon>[a-z]+)\.?(?:(?:\s+|-)(?P<y>\d{4}|'?\d{2}))?$")
_MONTH_FIRST = re.compile(r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:\s+(?P<y>\d{4}))?$")
_NAMED_MONTH = re.compile(r"^(?P<mon>[a-z]+)\.?(?:(?:\s+|-)(?P<y>\d{4}|'\d{2}))?$")
_PART_OF_MONTH = re.compile(r"^(?P<part>early|beginning of|start of|mid|middle of|late|end of)\s+"
                            r"(?P<mon>[a-z]+)\.?(?:\s+(?P<y>\d{4}|'\d{2}))?$")
_PARTS = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10),
          "mid": (11, 20), "middle of": (11, 20), "late": (21, 31), "end of": (21, 31)}
_SEASON = re.compile(r"^(?P<season>spring|summer|autumn|winter)"
                     r"(?:\s+(?P<y>\d{4}|'\d{2})(?:\s*[/-]\s*(?P<y2>\d{4}|\d{2}))?)?$")
_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9}
_WEEK_OF = re.compile(r"^(?:(?:week\s+(?:commencing|beginning|starting)(?:\s+on)?|w/c|w/b)\s*|(?:wc|wb)\s+)"
                      r"(?P<rest>.+)$")
_NUMBER = re.compile(r"^(?P<whole>\d+)(?:\.\d+)?$")


def _read_iso(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _ISO_DAY.match(s)
    if found:
        return _one_day(_real_day(int(found["d"]), int(found["m"]), _year(found["y"], ctx), ctx, "ISO"))
    found = _ISO_MONTH.match(s)
    if found:
        return _whole_month(_year(found["y"], ctx), int(found["m"]))
    return None


def _read_year_first(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _YEAR_FIRST.match(s)
    if found is None:
        return None
    year, a, b = _year(found["y"], ctx), int(found["a"]), int(found["b"])
    if a <= 12 and b <= 12 and a != b:
        raise ctx.problem(f"year first with {found['sep']!r} could be {b} {_MONTH_NAMES[a - 1]} or "
                          f"{a} {_MONTH_NAMES[b - 1]}; write it day first (dd/mm/yyyy) or as yyyy-mm-dd")
    return _one_day(_real_day(b, a, year, ctx, "year-first"))


def _read_numeric_day(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _NUMERIC_DAY.match(s)
    if found is None:
        return None
    return _one_day(_real_day(int(found["d"]), int(found["m"]), _year(found["y"], ctx), ctx))


def _read_numeric_month(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _NUMERIC_MONTH.match(s)
    if found is None:
        return None
    month = int(found["m"])
    _check_month(month, ctx, "month/year")
    return _whole_month(_year(found["y"], ctx), month)


def _read_day_month(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _DAY_MONTH.match(s)
    if found is None:
        return None
    day, month = int(found["d"]), int(found["m"])
    _check_month(month, ctx)  # before asking for a year, so "5/16" fails for the right reason
    return _one_day(_real_day(day, month, ctx.missing_year(year_hint), ctx))


def _read_named_day(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _NAMED_DAY.match(s)
    month = _month_word(found["mon"]) if found else None
    if found is None or month is None:
        return None
    year = _year(found["y"], ctx) if found["y"] else ctx.missing_year(year_hint)
    return _one_day(_real_day(int(found["d"]), month, year, ctx))


def _read_month_first(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _MONTH_FIRST.match(s)
    month = _month_word(found["mon"]) if found else None
    if found is None or month is None:
        return None
    if found["y"] is None:
        number, name = int(found["d"]), _MONTH_NAMES[month - 1]
        year = number + (2000 if number < _CENTURY_PIVOT else 1900)
        raise ctx.problem(f"could be {number} {name} or {name} {year}; write the day and the year in full")
    return _one_day(_real_day(int(found["d"]), month, _year(found["y"], ctx), ctx))


def _read_named_month(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _NAMED_MONTH.match(s)
    month = _month_word(found["mon"]) if found else None
    if found is None or month is None:
        return None
    year = _year(found["y"], ctx) if found["y"] else ctx.missing_year(year_hint)
    return _whole_month(year, month)


def _read_part_of_month(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _PART_OF_MONTH.match(s)
    month = _month_word(found["mon"]) if found else None
    if found is None or month is None:
        return None
    year = _year(found["y"], ctx) if found["y"] else ctx.missing_year(year_hint)
    first, last = _PARTS[found["part"]]
    return _Reading(date(year, month, first), date(year, month, 1) + relativedelta(day=last), "range")  # clamps


def _read_season(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _SEASON.match(s)
    if found is None:
        return None
    season = found["season"]
    if season == "winter":
        if found["y2"] is None:
            example = f"winter {found['y']}" if found["y"] else "winter"
            raise ctx.problem(f'"{example}" could be either side of a new year; write "winter 2016/17" '
                              "or the months (December 2016 - February 2017)")
        year, second = _year(found["y"], ctx), found["y2"]
        if int(second) != ((year + 1) % 100 if len(second) == 2 else year + 1):
            raise ctx.problem(f"winter {year}/{second} is not one winter: the second year must follow the first")
        return _Reading(date(year, 12, 1), _last_day(date(year + 1, 2, 1)), "range")
    if found["y2"] is not None:
        raise ctx.problem(f"only winter spans two years, not {season}")
    year = _year(found["y"], ctx) if found["y"] else ctx.missing_year(year_hint)
    start = date(year, _SEASON_FIRST_MONTH[season], 1)
    return _Reading(start, _last_day(start + relativedelta(months=2)), "range")


def _read_week_commencing(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _WEEK_OF.match(s)
    if found is None:
        return None
    start = _read_single(found["rest"], ctx, year_hint)
    if start.unit != "day":
        raise ctx.problem("a week commencing needs the single day it starts on")
    return _Reading(start.earliest, start.earliest + timedelta(days=6), "range")


def _read_number(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    found = _NUMBER.match(s)
    if found is None:
        return None
    whole = found["whole"]
    if whole == s and len(whole) == 4 and _FIRST_YEAR <= int(whole) <= _LAST_YEAR:
        return _Reading(date(int(whole), 1, 1), date(int(whole), 12, 31), "year")
    if len(whole) == 5:
        shown = _human(_EXCEL_EPOCH + timedelta(days=int(whole)))
        raise ctx.problem(f"looks like a spreadsheet serial number (Excel would show it as {shown}); "
                          "format the column as dates in the spreadsheet, or type the date")
    raise ctx.problem(f"a bare number is not a date (a year must be between {_FIRST_YEAR} and {_LAST_YEAR}); "
                      "write the date as dd/mm/yyyy")


_SINGLE_FORMS: tuple[_Family, ...] = (
    _read_iso, _read_year_first, _read_numeric_day, _read_numeric_month, _read_day_month, _read_named_day,
    _read_month_first, _read_part_of_month, _read_season, _read_week_commencing, _read_named_month, _read_number,
)


def _read_single(s: str, ctx: _Context, year_hint: int | None = None) -> _Reading:
    """One date that is not a range and not relative; `year_hint` fills a missing year silently."""
    for family in _SINGLE_FORMS:
        reading = family(s, ctx, year_hint)
        if reading is not None:
            return reading
    raise _NoMatch


# ---------------------------------------------------------------------------------------------------------------
# Ranges

_BETWEEN = re.compile(r"^(?:between|from)\s+(?P<a>.+?)\s+(?:and|to|until|till|-)\s+(?P<b>.+)$")
_RANGE = re.compile(r"^(?P<a>.+?)\s+(?:-|to|until|till)\s+(?P<b>.+)$")


def _read_range(s: str, ctx: _Context) -> _Reading:
    found = _BETWEEN.match(s) or _RANGE.match(s)
    if found is None:
        raise _NoMatch
    end = _read_single(found["b"], ctx)
    if re.fullmatch(r"\d{1,2}", found["a"]):  # "22 - 25 May 2016": the start borrows the end's month and year
        if end.unit != "day":
            raise _NoMatch
        start = _one_day(_real_day(int(found["a"]), end.earliest.month, end.earliest.year, ctx))
    else:
        start = _read_single(found["a"], ctx, end.earliest.year)
    if end.earliest < start.earliest or end.latest < start.latest:
        raise ctx.problem(f"the range ends ({_human(end.latest)}) before it starts ({_human(start.earliest)}); "
                          "if it crosses a new year, write the year at both ends")
    return _span(start.earliest, end.latest)


# ---------------------------------------------------------------------------------------------------------------
# Dates relative to the row above

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


def _describe(earliest: date, latest: date) -> str:
    return _human(earliest) if earliest == latest else f"{_human(earliest)} to {_human(latest)}"


# ---------------------------------------------------------------------------------------------------------------
# Putting it together


def _read_plain(s: str, ctx: _Context) -> _Reading:
    """Any date without a time: a range, a relative date or a single form, in that order."""
    try:
        return ctx.attempt(lambda: _read_range(s, ctx))
    except _NoMatch:
        pass
    relative = _read_relative(s, ctx)
    if relative is not None:
        return relative
    return _read_single(s, ctx)


def _read(s: str, ctx: _Context) -> _Reading:
    """A date, then (only if the whole text is not a date) a date followed by a time."""
    try:
        return ctx.attempt(lambda: _read_plain(s, ctx))
    except _NoMatch:
        pass
    found = _TRAILING_TIME.match(s)
    if found is None:
        raise _NoMatch
    reading = _read_plain(found["date"], ctx)
    moment = _clock(found["time"], ctx.problem)
    if moment == time(0) and _ISO_DAY.match(found["date"]):
        return reading  # a spreadsheet date cell with no time
    return replace(reading, time=moment)


def _diagnose(s: str) -> str:
    """Why nothing recognised the text: a misspelt month if there seems to be one, else the forms we read."""
    for word in re.findall(r"[a-z]{3,}", s):
        if word in _VOCABULARY or word in _MONTHS:
            continue
        close = difflib.get_close_matches(word, list(_MONTHS), n=1, cutoff=0.6)
        if close:
            return f'"{word}" is not a month name (did you mean {_MONTH_NAMES[_MONTHS[close[0]] - 1]}?)'
    return ("not a date this importer can read without guessing; write it as dd/mm/yyyy, a month (May 2016) "
            "or a range (22/05/2016 - 25/05/2016)")


def _check_weekday(reading: _Reading, weekday: int, ctx: _Context) -> None:
    name = _WEEKDAY_NAMES[weekday]
    if reading.earliest == reading.latest:
        actual = reading.earliest.weekday()
        if actual != weekday:
            raise ctx.problem(f"{_human(reading.earliest)} was a {_WEEKDAY_NAMES[actual]}, not a {name}")
        return
    length = (reading.latest - reading.earliest).days + 1
    if length < 7 and all((reading.earliest + timedelta(days=n)).weekday() != weekday for n in range(length)):
        raise ctx.problem(f"there is no {name} from {_human(reading.earliest)} to {_human(reading.latest)}")
    ctx.note(f"weekday ({name}) written, but the date is still a range "
             f"({_describe(reading.earliest, reading.latest)})")


def _widen(reading: _Reading, marker: str, ctx: _Context) -> _Reading:
    """Widen an uncertain date by one unit of what was written (see the module docstring)."""
    if reading.unit == "month":
        earliest = reading.earliest - relativedelta(months=1)
        latest = _last_day(reading.latest + relativedelta(months=1, day=1))
        unit = "month"
    elif reading.unit == "year":
        earliest, latest, unit = reading.earliest - relativedelta(years=1), reading.latest + relativedelta(years=1), \
            "year"
    else:
        earliest, latest, unit = reading.earliest - timedelta(days=1), reading.latest + timedelta(days=1), "day"
    ctx.note(f'uncertain in the source ("{marker}"): widened to {_human(earliest)} to {_human(latest)} '
             f"(one {unit} each side)")
    return _Reading(earliest, latest, "range")


def _precision(reading: _Reading) -> Precision:
    if reading.unit == "day":
        return "datetime" if reading.time is not None else "day"
    if reading.unit == "month":
        return "month"
    return "day" if reading.earliest == reading.latest else "range"


def parse_written_date(text: str, previous: WrittenDate | None = None, default_year: int | None = None,
                       time_text: str = "") -> WrittenDate:
    """`previous` is the date of the row above (for relative dates and missing years);
    `default_year` is used for a missing year when there is no previous row; `time_text` is a separate time column."""
    original = text.strip()
    if not original:
        raise DateProblem("no date: the cell is empty")
    ctx = _Context(original, previous, default_year)
    s, marker, weekday = _strip_markers(_normalise(original), ctx)
    if not s:
        raise ctx.problem("there is no date, only a weekday or an uncertainty mark")
    s = _spread_compact_range(s)
    try:
        reading = _read(s, ctx)
    except _NoMatch:
        raise ctx.problem(_diagnose(s)) from None

    if time_text.strip():
        try:
            column_time = parse_written_time(time_text)
        except DateProblem as problem:
            raise ctx.problem(str(problem)) from None
        if reading.time is not None and reading.time != column_time:
            raise ctx.problem(f'the date says {reading.time:%H:%M} but the time column says "{time_text.strip()}"')
        reading = replace(reading, time=column_time)
    if reading.time is not None:
        if reading.unit != "day":
            raise ctx.problem(f"a time ({reading.time:%H:%M}) needs a single day, but this date is "
                              f"{_describe(reading.earliest, reading.latest)}")
        if marker is not None:
            raise ctx.problem(f"an uncertain date is widened to a range of days, so it cannot carry a time "
                              f"({reading.time:%H:%M}); remove the time or the uncertainty mark")

    if weekday is not None:
        _check_weekday(reading, weekday, ctx)
    if ctx.year_from_previous and previous is not None and reading.latest < previous.earliest:
        raise ctx.problem(f"taking the year {reading.latest.year} from the row above would put it before that row "
                          f"({_describe(previous.earliest, previous.latest)}); write the year")
    if marker is not None:
        reading = _widen(reading, marker, ctx)

    return WrittenDate(earliest=reading.earliest, latest=reading.latest, precision=_precision(reading),
                       as_written=original, time=reading.time, notes=tuple(ctx.notes))
