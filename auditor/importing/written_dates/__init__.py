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
  2016, and "07/10" is refused because it could be 7 October or July 2010, and "May 16" is refused as it could be 16 May or May 2016. With the month
  named and a four-digit year, either order is read ("May 22, 2016"): the name
  leaves nothing to guess.
* Parts of a month: early / beginning of / start of are days 1-10; mid / middle of
  are days 11-20; late / end of run from day 21 to the last day of the month.
* Parts of a year: early (beginning, start) 2012 is January-April, mid 2012 May-August,
  late (end of) 2012 September-December; the first half of 2006 is January-June, the
  second half July-December.
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
* Open ends ("2003 onwards", "since 2003", "from March 2010", "2008 - ongoing"): the row is something that
  began then and went on, so its date is when it began, with a note; it cannot carry a time.
* Times: 24-hour times are read literally (2.30 is 02:30; write 2.30pm or 14:30 for
  the afternoon); 12-hour times need am or pm. "Midnight" is refused because it
  could be the start or the end of the day. A time needs a single day.

Where each step lives: `normalise` gives the text one spelling and takes off uncertainty marks,
weekdays and filler; `forms` is the grammar of single dates and ranges, `relative` reads dates
relative to the row above and `times` reads times, all with the state of one reading (`reading`:
the days read so far, a missing year filled in, the notes for the import report) and the words
dates are written with (`words`); `model` is what comes out. This module puts a reading together.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import time, timedelta

from dateutil.relativedelta import relativedelta

from .forms import _ISO_DAY, _read_range, _read_single
from .model import DateProblem, Precision, WrittenDate, _last_day
from .normalise import _normalise, _spread_compact_range, _strip_markers, _strip_open_end
from .reading import _Context, _describe, _human, _NoMatch, _Reading
from .relative import _read_relative
from .times import _TRAILING_TIME, _clock, parse_written_time
from .words import _MONTH_NAMES, _MONTHS, _VOCABULARY, _WEEKDAY_NAMES

__all__ = ["DateProblem", "Precision", "WrittenDate", "parse_written_date", "parse_written_time"]


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
    s, open_end = _strip_open_end(_normalise(original))
    s, marker, weekday = _strip_markers(s, ctx)
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
    if open_end is not None:
        if reading.time is not None:
            raise ctx.problem(f'"{open_end}" says the row went on from its date, so it cannot carry a time')
        ctx.note(f'"{open_end}": read as when it began ({_describe(reading.earliest, reading.latest)}); '
                 f"the row went on after that")

    return WrittenDate(earliest=reading.earliest, latest=reading.latest, precision=_precision(reading),
                       as_written=original, time=reading.time, notes=tuple(ctx.notes))
