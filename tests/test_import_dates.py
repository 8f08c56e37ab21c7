"""Dates as review panels type them: each form read to the right days, and everything doubtful refused."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.importing.written_dates import DateProblem, WrittenDate, parse_written_date, parse_written_time
from auditor.chronology.dates import EventDate

D = date.fromisoformat
MAY_22 = D("2016-05-22")  # a Sunday
FRIDAY = parse_written_date("20/05/2016")  # the row above in the relative-date tables
MID_MAY = parse_written_date("mid-May 2016")  # 11-20 May 2016
REAL_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
QUICK = settings(max_examples=60, deadline=None)


def days(result: WrittenDate) -> tuple[date, date]:
    return result.earliest, result.latest


# ------------------------------------------------------------------------------------------------- single days

@pytest.mark.parametrize("text", [
    "22/05/2016", "22/5/16", "22.05.16", "22-05-2016", "22 May 2016", "22nd May 2016", "22 May, 2016",
    "Sunday 22 May 2016", "Sun 22/05/2016", "22-May-2016", "2016-05-22", "2016-05-22 00:00:00", "2016-05-22T00:00",
    "the 22nd of May 2016", "  22   MAY 2016. ", "22 may 16", "May 22, 2016", "on 22/05/2016", "22 May '16",
    "Sunday, 22nd May 2016", "Sun. 22/05/2016", "22/05/2016 (Sunday)", "2016/05/22", "22nd-May-2016",
])
def test_every_way_of_writing_one_day_reads_as_that_day(text):
    result = parse_written_date(text)
    assert (result.earliest, result.latest, result.precision, result.time) == (MAY_22, MAY_22, "day", None)
    assert result.as_written == text.strip()
    assert result.to_chronology() == "2016-05-22"
    assert result.notes == ()


@pytest.mark.parametrize("text, expected", [
    ("22 Sept 2016", "2016-09-22"), ("22 Sep 2016", "2016-09-22"), ("22 September 2016", "2016-09-22"),
    ("1 Jan 2016", "2016-01-01"), ("3rd Feb 2016", "2016-02-03"), ("1st March 2016", "2016-03-01"),
    ("29 Feb 2016", "2016-02-29"), ("30 Apr 2016", "2016-04-30"), ("9 June 2016", "2016-06-09"),
    ("9 Jul 2016", "2016-07-09"), ("31 Aug. 2016", "2016-08-31"), ("2 oct 2016", "2016-10-02"),
    ("21st Nov 2016", "2016-11-21"), ("25 DEC 2016", "2016-12-25"), ("05/06/2016", "2016-06-05"),
    ("5.6.2016", "2016-06-05"), ("2016/05/05", "2016-05-05"),
])
def test_month_names_abbreviations_and_day_first_numbers(text, expected):
    assert parse_written_date(text).to_chronology() == expected


@pytest.mark.parametrize("text, year", [
    ("01/02/00", 2000), ("01/02/16", 2016), ("01/02/49", 2049), ("01/02/50", 1950), ("01/02/99", 1999),
    ("1 Feb 49", 2049), ("1 Feb 50", 1950),
])
def test_two_digit_years_pivot_at_fifty(text, year):
    assert parse_written_date(text).earliest == date(year, 2, 1)


# ------------------------------------------------------------------------------------------------- times

@pytest.mark.parametrize("text, expected", [
    ("14:30", time(14, 30)), ("14.30", time(14, 30)), ("1430", time(14, 30)), ("1430hrs", time(14, 30)),
    ("1430 hrs", time(14, 30)), ("14:30hrs", time(14, 30)), ("0930", time(9, 30)), ("930hrs", time(9, 30)),
    ("2.30pm", time(14, 30)), ("2:30 pm", time(14, 30)), ("2pm", time(14, 0)), ("2 PM", time(14, 0)),
    ("2.30p.m.", time(14, 30)), ("9am", time(9, 0)), ("12am", time(0, 0)), ("12pm", time(12, 0)),
    ("12.15am", time(0, 15)), ("noon", time(12, 0)), ("midday", time(12, 0)), ("12 noon", time(12, 0)),
    ("14:30:15", time(14, 30, 15)), ("00:00", time(0, 0)), ("23:59", time(23, 59)), ("2.30", time(2, 30)),
])
def test_written_times(text, expected):
    assert parse_written_time(text) == expected


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_time_is_no_time(text):
    assert parse_written_time(text) is None


@pytest.mark.parametrize("text, reason", [
    ("25:10", "no hour 25"), ("24:00", "no hour 24"), ("14:60", "no minute 60"), ("13pm", "no hour 13"),
    ("0am", "no hour 0"), ("midnight", "start or the end of the day"), ("half two", "not a time"),
    ("14:30:75", "no second 75"), ("2 o'clock", "not a time"),
])
def test_impossible_or_unreadable_times_are_problems(text, reason):
    with pytest.raises(DateProblem) as caught:
        parse_written_time(text)
    assert f'"{text}"' in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize("text, time_text, expected", [
    ("22/05/2016 14:30", "", time(14, 30)), ("22/05/2016 at 2.30pm", "", time(14, 30)),
    ("2016-05-22T14:30", "", time(14, 30)), ("2016-05-22 14:30:00", "", time(14, 30)),
    ("22 May 2016 1430hrs", "", time(14, 30)), ("22/05/2016, 09:15", "", time(9, 15)),
    ("Sunday 22 May 2016 @ noon", "", time(12, 0)), ("22/05/2016", "14:30", time(14, 30)),
    ("22 May 2016", "2pm", time(14, 0)), ("22/05/2016 14:30", "2.30pm", time(14, 30)),
    ("22/05/2016 00:00", "", time(0, 0)),  # typed by a person, so the time is kept
])
def test_a_day_with_a_time_is_a_datetime(text, time_text, expected):
    result = parse_written_date(text, time_text=time_text)
    assert (result.precision, days(result), result.time) == ("datetime", (MAY_22, MAY_22), expected)
    assert result.to_chronology() == f"2016-05-22T{expected:%H:%M}"


def test_seconds_survive_into_the_chronology_only_when_there_are_some():
    assert parse_written_date("2016-05-22 14:30:15").to_chronology() == "2016-05-22T14:30:15"
    assert parse_written_date("2016-05-22 14:30:00").to_chronology() == "2016-05-22T14:30"


def test_a_time_column_attaches_to_a_relative_day():
    result = parse_written_date("later that day", previous=parse_written_date("22/05/2016 09:00"), time_text="15:00")
    assert (result.precision, result.earliest, result.time) == ("datetime", MAY_22, time(15, 0))


def test_same_day_after_a_datetime_is_the_day_without_its_time():
    result = parse_written_date("the same day", previous=parse_written_date("22/05/2016 09:00"))
    assert (result.precision, result.earliest, result.time) == ("day", MAY_22, None)


# ------------------------------------------------------------------------------------------------- months and ranges

@pytest.mark.parametrize("text, month", [
    ("May 2016", "2016-05"), ("05/2016", "2016-05"), ("5/2016", "2016-05"), ("may-2016", "2016-05"),
    ("Sept 2016", "2016-09"), ("2016-05", "2016-05"), ("in May 2016", "2016-05"), ("during February 2016", "2016-02"),
    ("May '16", "2016-05"), ("12/2016", "2016-12"),
])
def test_whole_months(text, month):
    result = parse_written_date(text)
    assert result.precision == "month"
    assert result.to_chronology() == month
    assert result.earliest == D(month + "-01")
    assert result.latest == D(month + "-01") + relativedelta(day=31)


@pytest.mark.parametrize("text, earliest, latest", [
    ("early May 2016", "2016-05-01", "2016-05-10"), ("beginning of May 2016", "2016-05-01", "2016-05-10"),
    ("start of May 2016", "2016-05-01", "2016-05-10"), ("mid May 2016", "2016-05-11", "2016-05-20"),
    ("mid-May 2016", "2016-05-11", "2016-05-20"), ("middle of May 2016", "2016-05-11", "2016-05-20"),
    ("late May 2016", "2016-05-21", "2016-05-31"), ("end of May 2016", "2016-05-21", "2016-05-31"),
    ("the end of May 2016", "2016-05-21", "2016-05-31"), ("late Feb 2016", "2016-02-21", "2016-02-29"),
    ("late February 2015", "2015-02-21", "2015-02-28"), ("late April 2016", "2016-04-21", "2016-04-30"),
    ("spring 2016", "2016-03-01", "2016-05-31"), ("summer 2016", "2016-06-01", "2016-08-31"),
    ("autumn 2016", "2016-09-01", "2016-11-30"), ("winter 2016/17", "2016-12-01", "2017-02-28"),
    ("winter 2015-16", "2015-12-01", "2016-02-29"), ("winter 2016/2017", "2016-12-01", "2017-02-28"),
    ("winter 2016\u201317", "2016-12-01", "2017-02-28"),
    ("week commencing 16/05/2016", "2016-05-16", "2016-05-22"), ("w/c 16/05/2016", "2016-05-16", "2016-05-22"),
    ("W/C 16th May 2016", "2016-05-16", "2016-05-22"), ("week beginning 30/12/2016", "2016-12-30", "2017-01-05"),
    ("2016", "2016-01-01", "2016-12-31"), ("in 2016", "2016-01-01", "2016-12-31"),
    ("early 2012", "2012-01-01", "2012-04-30"), ("mid-2012", "2012-05-01", "2012-08-31"),
    ("late 2010", "2010-09-01", "2010-12-31"), ("end of 2011", "2011-09-01", "2011-12-31"),
    ("second half of 2006", "2006-07-01", "2006-12-31"), ("the first half of 2006", "2006-01-01", "2006-06-30"),
    ("January/February 2012", "2012-01-01", "2012-02-29"), ("late May-early June 2012", "2012-05-21", "2012-06-10"),
    ("late 2010-2011", "2010-09-01", "2011-12-31"),
    ("22/05/2016 - 25/05/2016", "2016-05-22", "2016-05-25"), ("22/05/2016\u201325/05/2016", "2016-05-22", "2016-05-25"),
    ("22/05/2016 \u2013 25/05/2016", "2016-05-22", "2016-05-25"), ("22/05/2016 to 25/05/2016", "2016-05-22", "2016-05-25"),
    ("22-25/05/2016", "2016-05-22", "2016-05-25"), ("22-25 May 2016", "2016-05-22", "2016-05-25"),
    ("22nd-25th May 2016", "2016-05-22", "2016-05-25"), ("22 to 25 May 2016", "2016-05-22", "2016-05-25"),
    ("between 22 and 25 May 2016", "2016-05-22", "2016-05-25"), ("from 22 May to 3 June 2016", "2016-05-22", "2016-06-03"),
    ("May - June 2016", "2016-05-01", "2016-06-30"), ("May-June 2016", "2016-05-01", "2016-06-30"),
    ("May 2016 to June 2016", "2016-05-01", "2016-06-30"), ("December 2015 - January 2016", "2015-12-01", "2016-01-31"),
    ("2016-05-22 - 2016-05-25", "2016-05-22", "2016-05-25"), ("22/05 - 25/05/2016", "2016-05-22", "2016-05-25"),
    ("late May - early June 2016", "2016-05-21", "2016-06-10"), ("2015-2016", "2015-01-01", "2016-12-31"),
    ("22/05/2016 until 25/05/2016", "2016-05-22", "2016-05-25"),
])
def test_ranges_parts_of_months_seasons_weeks_and_years(text, earliest, latest):
    result = parse_written_date(text)
    assert (result.precision, days(result)) == ("range", (D(earliest), D(latest)))
    assert result.to_chronology() == {"earliest": earliest, "latest": latest, "as_written": text.strip()}


def test_a_range_of_one_day_is_that_day():
    result = parse_written_date("22/05/2016 - 22/05/2016")
    assert (result.precision, result.to_chronology()) == ("day", "2016-05-22")


# ------------------------------------------------------------------------------------------------- uncertainty

@pytest.mark.parametrize("text, earliest, latest, marker, unit", [
    ("?22/05/2016", "2016-05-21", "2016-05-23", "?", "day"),
    ("22/05/2016?", "2016-05-21", "2016-05-23", "?", "day"),
    ("c. 22/05/2016", "2016-05-21", "2016-05-23", "c.", "day"),
    ("c 22/05/2016", "2016-05-21", "2016-05-23", "c", "day"),
    ("around 22/05/2016", "2016-05-21", "2016-05-23", "around", "day"),
    ("about 22 May 2016", "2016-05-21", "2016-05-23", "about", "day"),
    ("on or about 22/05/2016", "2016-05-21", "2016-05-23", "on or about", "day"),
    ("22/05/2016 (approx)", "2016-05-21", "2016-05-23", "(approx)", "day"),
    ("c. 31/12/2016", "2016-12-30", "2017-01-01", "c.", "day"),
    ("c.May 2016", "2016-04-01", "2016-06-30", "c.", "month"),
    ("circa May 2016", "2016-04-01", "2016-06-30", "circa", "month"),
    ("approx. May 2016", "2016-04-01", "2016-06-30", "approx.", "month"),
    ("approximately January 2016", "2015-12-01", "2016-02-29", "approximately", "month"),
    ("c. 2016", "2015-01-01", "2017-12-31", "c.", "year"),
    ("c. mid-May 2016", "2016-05-10", "2016-05-21", "c.", "day"),
    ("about 22-25 May 2016", "2016-05-21", "2016-05-26", "about", "day"),
    ("circa summer 2016", "2016-05-31", "2016-09-01", "circa", "day"),
    ("?Sunday 22 May 2016", "2016-05-21", "2016-05-23", "?", "day"),
])
def test_uncertain_dates_widen_by_one_unit_each_side_and_say_so(text, earliest, latest, marker, unit):
    result = parse_written_date(text)
    assert (result.precision, days(result)) == ("range", (D(earliest), D(latest)))
    widened = f"{D(earliest):%d/%m/%Y} to {D(latest):%d/%m/%Y}"
    assert result.notes == (f'uncertain in the source ("{marker}"): widened to {widened} (one {unit} each side)',)


def test_an_uncertain_relative_date_is_widened_too():
    result = parse_written_date("about three days later", previous=FRIDAY)
    assert days(result) == (D("2016-05-22"), D("2016-05-24"))
    assert any(note.startswith("uncertain in the source") for note in result.notes)


# ------------------------------------------------------------------------------------------------- missing years

@pytest.mark.parametrize("text, earliest, latest", [
    ("22/05", "2016-05-22", "2016-05-22"), ("22 May", "2016-05-22", "2016-05-22"),
    ("22nd May", "2016-05-22", "2016-05-22"), ("early June", "2016-06-01", "2016-06-10"),
    ("mid-December", "2016-12-11", "2016-12-20"), ("June", "2016-06-01", "2016-06-30"),
    ("22-25 May", "2016-05-22", "2016-05-25"), ("May - June", "2016-05-01", "2016-06-30"),
    ("summer", "2016-06-01", "2016-08-31"), ("Sunday 22 May", "2016-05-22", "2016-05-22"),
])
def test_a_missing_year_comes_from_the_row_above(text, earliest, latest):
    result = parse_written_date(text, previous=FRIDAY)
    assert days(result) == (D(earliest), D(latest))
    assert result.notes == ("year 2016 taken from the row above",)


def test_the_row_above_gives_the_year_of_its_latest_day():
    previous = parse_written_date("winter 2016/17")
    assert parse_written_date("mid-March", previous=previous).earliest == D("2017-03-11")


def test_a_missing_year_comes_from_the_default_year_when_there_is_no_row_above():
    result = parse_written_date("mid-January", default_year=2012)
    assert days(result) == (D("2012-01-11"), D("2012-01-20"))
    assert result.notes == ("year 2012 taken from the default year for this import",)


def test_the_row_above_wins_over_the_default_year():
    assert parse_written_date("22/05", previous=FRIDAY, default_year=2012).earliest == MAY_22


# ------------------------------------------------------------------------------------------------- relative dates

@pytest.mark.parametrize("text, earliest, latest", [
    ("the following day", "2016-05-21", "2016-05-21"), ("the next day", "2016-05-21", "2016-05-21"),
    ("next day", "2016-05-21", "2016-05-21"), ("The day after", "2016-05-21", "2016-05-21"),
    ("the following morning", "2016-05-21", "2016-05-21"), ("same day", "2016-05-20", "2016-05-20"),
    ("the same day", "2016-05-20", "2016-05-20"), ("later that day", "2016-05-20", "2016-05-20"),
    ("that evening", "2016-05-20", "2016-05-20"), ("Later that evening", "2016-05-20", "2016-05-20"),
    ("3 days later", "2016-05-23", "2016-05-23"), ("three days later", "2016-05-23", "2016-05-23"),
    ("Three days later (Monday)", "2016-05-23", "2016-05-23"), ("thirty days later", "2016-06-19", "2016-06-19"),
    ("twenty-one days later", "2016-06-10", "2016-06-10"), ("twenty one days later", "2016-06-10", "2016-06-10"),
    ("a day later", "2016-05-21", "2016-05-21"), ("a few days later", "2016-05-22", "2016-05-26"),
    ("a week later", "2016-05-27", "2016-05-27"), ("2 weeks later", "2016-06-03", "2016-06-03"),
    ("a fortnight later", "2016-06-03", "2016-06-03"), ("a month later", "2016-06-20", "2016-06-20"),
    ("3 months later", "2016-08-20", "2016-08-20"), ("a year later", "2017-05-20", "2017-05-20"),
    ("the following week", "2016-05-23", "2016-05-29"), ("the following month", "2016-06-01", "2016-06-30"),
    ("next month", "2016-06-01", "2016-06-30"), ("the following year", "2017-01-01", "2017-12-31"),
    ("the day before", "2016-05-19", "2016-05-19"), ("two days earlier", "2016-05-18", "2016-05-18"),
    ("a few days earlier", "2016-05-14", "2016-05-18"), ("ten days after", "2016-05-30", "2016-05-30"),
])
def test_dates_relative_to_a_single_day_above(text, earliest, latest):
    result = parse_written_date(text, previous=FRIDAY)
    assert days(result) == (D(earliest), D(latest))
    assert result.precision == ("day" if earliest == latest else "range")
    assert "worked out from the row above (20/05/2016)" in result.notes


@pytest.mark.parametrize("text, earliest, latest", [
    ("3 days later", "2016-05-14", "2016-05-23"), ("a few days later", "2016-05-13", "2016-05-26"),
    ("the same day", "2016-05-11", "2016-05-20"), ("a week later", "2016-05-18", "2016-05-27"),
    ("the following week", "2016-05-23", "2016-05-29"), ("a month later", "2016-06-11", "2016-06-20"),
])
def test_dates_relative_to_a_range_above_shift_both_ends(text, earliest, latest):
    result = parse_written_date(text, previous=MID_MAY)
    assert (result.precision, days(result)) == ("range", (D(earliest), D(latest)))
    assert result.to_chronology()["as_written"] == text


def test_calendar_months_clamp_to_the_month_end():
    end_of_january = parse_written_date("31/01/2016")
    assert parse_written_date("a month later", previous=end_of_january).earliest == D("2016-02-29")
    assert days(parse_written_date("one month later", previous=parse_written_date("January 2016"))) == (
        D("2016-02-01"), D("2016-02-29"))


def test_the_following_week_starts_the_day_after_a_sunday():
    assert days(parse_written_date("the following week", previous=parse_written_date("22/05/2016"))) == (
        D("2016-05-23"), D("2016-05-29"))


def test_a_weekday_beside_a_relative_range_must_fall_inside_it():
    result = parse_written_date("the following week (Wednesday)", previous=FRIDAY)
    assert days(result) == (D("2016-05-23"), D("2016-05-29"))
    assert "weekday (Wednesday) written, but the date is still a range (23/05/2016 to 29/05/2016)" in result.notes


# ------------------------------------------------------------------------------------------------- problems

PROBLEMS = [
    ("31/02/2016", {}, "February 2016 has 29 days, so there is no day 31"),
    ("29/02/2015", {}, "February 2015 has 28 days"),
    ("31/04/2016", {}, "April 2016 has 30 days"),
    ("12/13/2016", {}, "day-first dates: month 13 does not exist"),
    ("00/05/2016", {}, "no day 0"),
    ("32 May 2016", {}, "no day 32"),
    ("22 Mya 2016", {}, '"mya" is not a month name (did you mean May?)'),
    ("22 Janaury 2016", {}, "did you mean January?"),
    ("22 Zzyzx 2016", {}, "not a date this importer can read"),
    ("sometime", {}, "not a date this importer can read"),
    ("2016/05/06", {}, "could be 6 May or 5 June"),
    ("2016.05.06", {}, "could be 6 May or 5 June"),
    ("2016/13/05", {}, "month 13 does not exist"),
    ("2016-13-05", {}, "month 13 does not exist"),
    ("42512", {}, "spreadsheet serial number (Excel would show it as 22/05/2016)"),
    ("42512.5", {}, "spreadsheet serial number"),
    ("1430", {}, "a bare number is not a date"),
    ("22", {}, "a bare number is not a date"),
    ("5/16", {}, "month 16 does not exist"),
    ("13/2016", {}, "month 13 does not exist"),
    ("May 16", {}, "could be 16 May or May 2016"),
    ("winter 2016", {}, "either side of a new year"),
    ("winter", {"default_year": 2016}, "either side of a new year"),
    ("winter 2016/18", {}, "not one winter"),
    ("summer 2016/17", {}, "only winter spans two years"),
    ("25/05/2016 - 22/05/2016", {}, "the range ends (22/05/2016) before it starts (25/05/2016)"),
    ("June - May 2016", {}, "before it starts"),
    ("22 December - 3 January 2017", {}, "write the year at both ends"),
    ("Tuesday 22 May 2016", {}, "22/05/2016 was a Sunday, not a Tuesday"),
    ("Sunday 22/05/2016 (Monday)", {}, "two different weekdays (Sunday and Monday)"),
    ("Friday 16-17 May 2016", {}, "there is no Friday from 16/05/2016 to 17/05/2016"),
    ("Three days later (Friday)", {"previous": FRIDAY}, "23/05/2016 was a Monday, not a Friday"),
    ("the following day", {}, "there is no row above"),
    ("3 days later", {"default_year": 2016}, "there is no row above"),
    ("22/05", {}, "no year, and no earlier row to take it from"),
    ("early June", {}, "no year, and no earlier row to take it from"),
    ("3 Jan", {"previous": parse_written_date("28/12/2016")}, "before that row (28/12/2016); write the year"),
    ("several days later", {"previous": FRIDAY}, '"several" is too vague'),
    ("a couple of weeks later", {"previous": FRIDAY}, "too vague"),
    ("999 years later", {"previous": FRIDAY}, "too far from the row above"),
    ("May 2016", {"time_text": "14:30"}, "a time (14:30) needs a single day"),
    ("May 2016 14:30", {}, "needs a single day"),
    ("w/c 16/05/2016 10:00", {}, "needs a single day"),
    ("c. 22/05/2016 14:30", {}, "cannot carry a time"),
    ("22/05/2016", {"time_text": "25:10"}, 'time "25:10": there is no hour 25'),
    ("22/05/2016 25:10", {}, "there is no hour 25"),
    ("22/05/2016 midnight", {}, "start or the end of the day"),
    ("22/05/2016 14:30", {"time_text": "15:00"}, 'the time column says "15:00"'),
    ("22 May 1430", {}, "year 1430 is not plausible"),
    ("22/05/2106", {}, "year 2106 is not plausible"),
    ("w/c May 2016", {}, "week commencing needs the single day"),
    ("Sunday", {}, "only a weekday"),
    ("c.", {}, "only a weekday or an uncertainty mark"),
    ("22.05", {}, "a bare number is not a date"),
    ("before 22/05/2016", {}, "not a date this importer can read"),
]


@pytest.mark.parametrize("text, kwargs, reason", PROBLEMS, ids=[case[0] for case in PROBLEMS])
def test_dates_that_would_need_a_guess_are_problems_that_quote_the_text(text, kwargs, reason):
    with pytest.raises(DateProblem) as caught:
        parse_written_date(text, **kwargs)
    message = str(caught.value)
    assert f'"{text}"' in message
    assert reason in message


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_cell_is_no_date(text):
    with pytest.raises(DateProblem, match="no date"):
        parse_written_date(text)


def test_a_date_problem_is_a_value_error_so_existing_handlers_catch_it():
    assert issubclass(DateProblem, ValueError)


# ------------------------------------------------------------------------------------------------- the chronology form

@pytest.mark.parametrize("text, kwargs", [
    ("22/05/2016", {}), ("Sunday 22nd May 2016", {}), ("22/05/2016 14:30", {}), ("22/05/2016", {"time_text": "2pm"}),
    ("May 2016", {}), ("Feb 2016", {}), ("mid-May 2016", {}), ("c. 22/05/2016", {}), ("winter 2016/17", {}),
    ("three days later", {"previous": MID_MAY}), ("the following day", {"previous": FRIDAY}), ("2016", {}),
])
def test_every_precision_is_accepted_by_the_chronology_model(text, kwargs):
    result = parse_written_date(text, **kwargs)
    event = EventDate.model_validate(result.to_chronology())
    assert (event.first_day, event.last_day, event.precision) == (result.earliest, result.latest, result.precision)
    if result.time is not None:
        assert event.earliest.time() == result.time


def test_written_dates_refuse_inconsistent_values():
    with pytest.raises(ValueError, match="before earliest"):
        WrittenDate(D("2016-05-22"), D("2016-05-21"), "range", "x")
    with pytest.raises(ValueError, match="time"):
        WrittenDate(MAY_22, MAY_22, "day", "x", time=time(9, 0))
    with pytest.raises(ValueError, match="time"):
        WrittenDate(MAY_22, MAY_22, "datetime", "x")
    with pytest.raises(ValueError, match="single day"):
        WrittenDate(MAY_22, D("2016-05-23"), "day", "x")
    with pytest.raises(ValueError, match="whole calendar month"):
        WrittenDate(D("2016-05-01"), D("2016-05-30"), "month", "x")


# ------------------------------------------------------------------------------------------------- properties

@QUICK
@given(REAL_DAYS, st.sampled_from(["%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d",
                                   "%A %d %B %Y", "%a %d/%m/%Y", "%d-%b-%Y"]))
def test_any_real_day_written_in_a_common_form_reads_back_as_itself(day, form):
    result = parse_written_date(day.strftime(form))
    assert (result.earliest, result.latest, result.precision) == (day, day, "day")


@QUICK
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)))
def test_two_digit_years_cover_1950_to_2049(day):
    assert parse_written_date(day.strftime("%d/%m/%y")).earliest == day


@QUICK
@given(REAL_DAYS, st.integers(0, 6))
def test_a_weekday_is_accepted_only_when_it_is_the_right_one(day, weekday):
    text = f"{WEEKDAYS[weekday]} {day:%d/%m/%Y}"
    if weekday == day.weekday():
        assert parse_written_date(text).earliest == day
    else:
        with pytest.raises(DateProblem, match=f"was a {WEEKDAYS[day.weekday()]}, not a {WEEKDAYS[weekday]}"):
            parse_written_date(text)


@QUICK
@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2098, 12, 31)))
def test_an_uncertain_day_is_the_day_either_side(day):
    result = parse_written_date(f"c. {day:%d/%m/%Y}")
    assert days(result) == (day - timedelta(days=1), day + timedelta(days=1))


@QUICK
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31)), st.integers(0, 60), st.integers(0, 400))
def test_shifting_a_range_by_n_days_keeps_its_width(start, width, shift):
    previous = parse_written_date(f"{start:%d/%m/%Y} - {start + timedelta(days=width):%d/%m/%Y}")
    result = parse_written_date(f"{shift} days later", previous=previous)
    assert result.earliest == start + timedelta(days=shift)
    assert (result.latest - result.earliest).days == width
    assert result.precision == ("day" if width == 0 else "range")


@QUICK
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31)), st.integers(1, 30))
def test_numbers_in_words_shift_like_digits(day, count):
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    word = words[count - 1] if count <= 20 else "thirty" if count == 30 else f"twenty-{words[count - 21]}"
    previous = parse_written_date(day.strftime("%d/%m/%Y"))
    assert parse_written_date(f"{word} days later", previous=previous).earliest == day + timedelta(days=count)


@QUICK
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31)), st.integers(1, 24))
def test_months_later_land_in_the_right_month_on_or_before_the_same_day(day, count):
    result = parse_written_date(f"{count} months later", previous=parse_written_date(day.strftime("%d/%m/%Y")))
    target = date(day.year, day.month, 1) + relativedelta(months=count)
    assert (result.earliest.year, result.earliest.month) == (target.year, target.month)
    assert result.earliest.day <= day.day
    assert result.earliest.day == day.day or result.earliest == result.earliest + relativedelta(day=31)


@QUICK
@given(REAL_DAYS, st.integers(0, 400))
def test_a_written_range_round_trips_through_the_chronology_model(start, width):
    end = min(start + timedelta(days=width), date(2099, 12, 31))
    result = parse_written_date(f"{start:%d/%m/%Y} to {end:%d/%m/%Y}")
    event = EventDate.model_validate(result.to_chronology())
    assert (event.first_day, event.last_day) == (start, end)


@QUICK
@given(REAL_DAYS)
def test_a_month_with_a_missing_year_takes_the_row_above_and_notes_it(day):
    previous = WrittenDate(date(day.year, 1, 1), date(day.year, 1, 1), "day", "row above")
    result = parse_written_date(f"{day.day} {MONTHS[day.month - 1]}", previous=previous)
    assert result.earliest == day
    assert result.notes == (f"year {day.year} taken from the row above",)


FRAGMENTS = ["22", "05", "5", "2016", "16", "/", "-", " - ", ".", " ", "may", "sept", "mid", "early", "late", "c.", "?",
             "to", "between", "and", "days", "later", "three", "a few", "week", "w/c", "sunday", "(friday)", "14:30",
             "2pm", "at", "winter", "spring", "of", "the", "31", "02", "13", "00", "42512", "month", "following"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)
       | st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map(" ".join)
       | st.text(max_size=30))
def test_any_text_gives_an_ordered_date_or_a_date_problem_never_a_crash(text):
    try:
        result = parse_written_date(text, previous=FRIDAY)
    except DateProblem as problem:
        assert text.strip() in str(problem)
        return
    assert result.earliest <= result.latest
    assert (result.time is not None) == (result.precision == "datetime")
    EventDate.model_validate(result.to_chronology())


@pytest.mark.parametrize("text, says", [
    ("07/10", "could be 7 October (the year missing) or July 2010"),
    ("12/05", "could be 12 May (the year missing) or December 2005"),
])
def test_a_day_and_month_that_could_be_a_month_and_year_is_refused(text, says):
    with pytest.raises(DateProblem, match=re.escape(says)):
        parse_written_date(text, None, 2012)
    assert parse_written_date("22/05", None, 2012).earliest == D("2012-05-22")  # 22 is no month: a day


@pytest.mark.parametrize("text, earliest, latest, word", [
    ("2003 onwards", "2003-01-01", "2003-12-31", "onwards"),
    ("since 2003", "2003-01-01", "2003-12-31", "since"),
    ("from March 2010", "2010-03-01", "2010-03-31", "from"),
    ("2008-present", "2008-01-01", "2008-12-31", "present"),
    ("2008 \u2013 ongoing", "2008-01-01", "2008-12-31", "ongoing"),
    ("05/06/2012 onwards", "2012-06-05", "2012-06-05", "onwards"),
])
def test_an_open_ended_date_is_when_the_row_began_and_says_so(text, earliest, latest, word):
    result = parse_written_date(text)
    assert (result.earliest, result.latest) == (D(earliest), D(latest))
    assert result.as_written == text
    assert any(f'"{word}": read as when it began' in note for note in result.notes)


@pytest.mark.parametrize("text", ["onwards", "since", "2008 present", "since 05/06/2012 10:30"])
def test_an_open_end_alone_or_with_a_time_is_refused(text):
    with pytest.raises(DateProblem):
        parse_written_date(text)
