"""The words dates are written with: month and weekday names as people spell them, numbers in words."""

from __future__ import annotations

import re
from collections.abc import Iterable

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

# Words the forms use, so the misspelt-month hint does not fire on them.
_VOCABULARY = {"early", "beginning", "start", "middle", "late", "end", "spring", "summer", "autumn", "winter",
               "week", "weeks", "commencing", "starting", "day", "days", "month", "months", "year", "years",
               "fortnight", "fortnights", "later", "after", "afterwards", "earlier", "before", "following",
               "next", "previous", "same", "that", "morning", "afternoon", "evening", "night", "between",
               "and", "from", "until", "till", "few", "several", "some", "many", "couple", "noon", "midday",
               "midnight", "hrs", "hours", *_NUMBER_WORDS, *_WEEKDAYS}


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first, so "thursday" is not read as "thu" + "rsday"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
