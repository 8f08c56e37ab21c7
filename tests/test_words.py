"""Counts and dates in words: the one place every output takes "1 departure" and "07/12/2026" from."""

from datetime import date, datetime

import pytest

from auditor.words import count, uk_date


@pytest.mark.parametrize("value, shown", [
    (date(2012, 3, 4), "04/03/2012"),
    (datetime(2012, 3, 4, 23, 59), "04/03/2012"),
    ("2012-03-04", "04/03/2012"),
    ("2012-03-04T09:30", "04/03/2012"),
    ("9999-12-31", ""),   # an open end is no day
    (None, ""),
    ("spring 2012", "spring 2012"),  # text stays as the data says it
])
def test_days_are_written_dd_mm_yyyy(value, shown):
    assert uk_date(value) == shown


def test_counts_agree_with_their_noun():
    assert count(1, "departure") == "1 departure"
    assert count(2, "child") == "2 children"
    assert count(0, "analysis", zero="no") == "no analyses"
