"""The grammar of written dates: each form a single date is written in, and ranges of them.

One family of forms per function: each returns None when the text is not of its shape and raises DateProblem
when it is of its shape but wrong (so a specific reason wins over the generic one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .model import _last_day
from .reading import (_CENTURY_PIVOT, _FIRST_YEAR, _LAST_YEAR, _check_month, _Context, _human, _month_word, _NoMatch,
                      _one_day, _Reading, _real_day, _span, _whole_month, _year)
from .words import _MONTH_NAMES

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, allowing for its phantom 29 February 1900

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
_PART_OF_YEAR = re.compile(r"^(?:the\s+)?(?P<part>early|beginning of|start of|mid|middle of|late|end of|"
                           r"first half of|second half of)\s+(?P<y>\d{4})$")
_YEAR_PARTS = {"early": (1, 4), "beginning of": (1, 4), "start of": (1, 4), "mid": (5, 8), "middle of": (5, 8),
               "late": (9, 12), "end of": (9, 12), "first half of": (1, 6), "second half of": (7, 12)}
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
    if 1 <= day <= 12:  # "07/10": 7 October with the year missing, or July 2010? Neither is read on a guess.
        year = month + (2000 if month < _CENTURY_PIVOT else 1900)
        raise ctx.problem(f"could be {day} {_MONTH_NAMES[month - 1]} (the year missing) or "
                          f"{_MONTH_NAMES[day - 1]} {year}; write the day, month and year (dd/mm/yyyy), or the "
                          "month and year in words")
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


def _read_part_of_year(s: str, ctx: _Context, year_hint: int | None) -> _Reading | None:
    """"early 2012" (January-April), "mid 2012" (May-August), "late 2012" (September-December), "the first or
    second half of 2006"; beginning and end of a year are its early and late parts."""
    found = _PART_OF_YEAR.match(s)
    if found is None:
        return None
    year = _year(found["y"], ctx)
    first, last = _YEAR_PARTS[found["part"]]
    return _Reading(date(year, first, 1), _last_day(date(year, last, 1)), "range")


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
    _read_month_first, _read_part_of_year, _read_part_of_month, _read_season, _read_week_commencing,
    _read_named_month, _read_number,
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
