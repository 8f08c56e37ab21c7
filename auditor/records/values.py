"""A record's cells as the chronology needs them: days, flags and nothing at all.

Case management extracts write the same value many ways: a SQL Server DATETIME as `2024-12-10 00:00:00.000`,
an Annex A list as `10/12/2024`, a census as `2024-12-10`; a flag as Y, Yes, 1 or true; nothing as an empty
cell or the text NULL. Each is read here once, so every format agrees on what a cell says.
"""

from __future__ import annotations

import re
from datetime import date

NULLS = frozenset({"", "null", "none", "n/a"})
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "0"})
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?Z?")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


class NotADate(ValueError):
    """The cell holds something, but not a day that exists."""


def is_null(text: str | None) -> bool:
    return text is None or text.strip().lower() in NULLS


def record_day(text: str | None) -> date | None:
    """The day a cell gives (its time of day, always midnight in these extracts, is not kept); None if empty."""
    if is_null(text):
        return None
    value = text.strip()  # type: ignore[union-attr]
    iso = _ISO.fullmatch(value)
    uk = None if iso else _UK.fullmatch(value)
    if iso:
        y, m, d = iso.groups()
    elif uk:
        d, m, y = uk.groups()
    else:
        raise NotADate(f"{value!r} is not a date (expected YYYY-MM-DD, with or without a time, or DD/MM/YYYY)")
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise NotADate(f"{value!r} is not a day that exists") from None


_LETTERED = re.compile(r"[a-z]\)\s*")  # Annex A's coded answers: "a) Yes", "b) No", "c) Unknown"


def flag(text: str | None) -> bool | None:
    """Y/Yes/true/1 and N/No/false/0, either case, with or without Annex A's "a) "; anything else (NA, Unknown,
    empty) is not recorded."""
    if text is None:
        return None
    value = _LETTERED.sub("", text.strip().lower(), count=1)
    return True if value in YES else False if value in NO else None


def normalised(text: str | None) -> str:
    """A cell compared with a mapping's `only_if` values: flags as Y or N, nothing as "", the rest stripped."""
    if is_null(text):
        return ""
    answer = flag(text)
    return "Y" if answer is True else "N" if answer is False else text.strip()  # type: ignore[union-attr]
