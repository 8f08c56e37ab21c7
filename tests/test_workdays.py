from datetime import date

import pytest

from auditor.workdays import add_working_days, is_working_day, subtract_working_days, working_days_between


def test_2012_spring_and_jubilee_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2012, 6, 4))
    assert not is_working_day(date(2012, 6, 5))
    assert not is_working_day(date(2012, 5, 7))
    assert is_working_day(date(2012, 6, 6))
    # The usual late-May holiday moved to 4 June in 2012.
    assert is_working_day(date(2012, 5, 28))


def test_trigger_day_is_day_zero_and_the_deadline_is_inclusive():
    assert add_working_days(date(2012, 5, 23), 0) == date(2012, 5, 23)
    assert add_working_days(date(2012, 5, 23), 1) == date(2012, 5, 24)
    # 15 working days from 23 May 2012 skip two weekends and 4-5 June.
    assert add_working_days(date(2012, 5, 23), 15) == date(2012, 6, 15)
    assert add_working_days(date(2012, 5, 1), 15) == date(2012, 5, 23)


def test_a_weekend_trigger_counts_from_the_next_working_day():
    assert add_working_days(date(2012, 6, 2), 1) == date(2012, 6, 6)  # Saturday, then Mon/Tue holidays


def test_elapsed_and_lateness_count_days_after_the_start_up_to_the_end():
    assert working_days_between(date(2012, 5, 23), date(2012, 6, 11)) == 11
    assert working_days_between(date(2012, 5, 23), date(2012, 5, 23)) == 0
    assert working_days_between(date(2012, 6, 11), date(2012, 5, 23)) == -11


def test_subtracting_is_the_inverse_on_working_days():
    assert subtract_working_days(date(2012, 6, 6), 1) == date(2012, 6, 1)
    for n in range(0, 30):
        d = add_working_days(date(2012, 5, 1), n)
        assert subtract_working_days(d, n) == date(2012, 5, 1)


def test_weekend_holiday_is_listed_beside_its_observed_day():
    # Christmas 2010 fell on a Saturday; 27 and 28 December were the substitute days.
    assert not is_working_day(date(2010, 12, 27))
    assert not is_working_day(date(2010, 12, 28))
    assert is_working_day(date(2010, 12, 29))


def test_shifting_by_months_uses_calendar_months_and_clamps_to_the_month_end():
    from auditor.workdays import shift_days

    assert shift_days(date(2012, 6, 11), 3, "months") == date(2012, 9, 11)
    assert shift_days(date(2024, 1, 31), 1, "months") == date(2024, 2, 29)
    assert shift_days(date(2023, 8, 31), 6, "months") == date(2024, 2, 29)
    assert shift_days(date(2012, 9, 11), -3, "months") == date(2012, 6, 11)
    assert shift_days(date(2012, 6, 6), -1, "working-days") == date(2012, 6, 1)
    assert shift_days(date(2012, 6, 1), 3, "calendar-days") == date(2012, 6, 4)
    with pytest.raises(ValueError):
        shift_days(date(2012, 6, 1), 3, "hours")
