"""Times as written: 24-hour times read literally, 12-hour times only with am or pm, and "midnight"
refused (it could be the start or the end of the day)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

from .model import DateProblem

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
