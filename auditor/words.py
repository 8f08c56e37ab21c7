"""Counts and dates in words, the same everywhere: "1 departure", "2 departures", "no departures", "07/12/2026".

Every output that says how many of something there are goes through `count`, so a report never
says "1 departures" or "0 days".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

_IRREGULAR = {"day on which a deadline passed": "days on which a deadline passed", "standard met": "standards met",
              "possible departure": "possible departures", "analysis": "analyses", "child": "children",
              "address": "addresses", "case could not be audited": "cases could not be audited"}


def plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str, plural_form: str | None = None, zero: str | None = None) -> str:
    """`n` and the noun agreeing with it; with `zero` (e.g. "no"), that word instead of 0."""
    noun = word if n == 1 else (plural_form or plural(word))
    if n == 0 and zero is not None:
        return f"{zero} {noun}"
    return f"{n} {noun}"


OPEN_END = "9999-12-31"  # how an open-ended row's last day is written in data


def uk_date(value: Any) -> str:
    """A day as people read it here, dd/mm/yyyy, from a date or an ISO string.

    Anything that is not a day (None, an open end, free text) comes back as text rather than raising:
    a report says what the data says instead of failing on it.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if value is None or value == OPEN_END:
        return ""
    text = str(value)
    try:
        return f"{datetime.fromisoformat(text):%d/%m/%Y}"
    except ValueError:
        return text
