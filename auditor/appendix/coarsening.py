"""Dates to the month and year only, wherever and however they are written, for `--coarsen-dates`.

A published appendix may not carry a day or a time that could identify a family. Dates reach
an appendix in the auditor's own forms (11/06/2012, 2012-06-11, 06/2012, "11 June 2012") and in
the chronology's free text as its sources wrote them ("02.08.12", "2nd August", "Aug 2nd 2012",
"21:15", "9.30pm"). Each is replaced by its month and year; the phrases around a date are
mended so the sentence still reads ("on 11/06/2012" becomes "in June 2012", and a range within
one month becomes that month). Numbers that cannot be a date (day 32, month 13) are left alone.
"""

from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_WORDS = {name.lower(): i for i, name in enumerate(MONTHS, 1)}
_MONTH_WORDS |= {name[:3].lower(): i for i, name in enumerate(MONTHS, 1)} | {"sept": 9}
_MONTH_RE = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
             r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|'\d{2})"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)?"

# A token stands for a coarsened date while the phrases around it are mended: \x00YYYY-MM\x00 or \x00--MM\x00.
_TOKEN = re.compile(r"\x00(\d{4}|--)-(\d{2})\x00")
_AT = r"(?:\s*,)?\s*(?:\bat\s+)?"  # the words before a time go with it: "seen at 21:15 by" -> "seen by"
_TIME_PATTERNS = (
    re.compile(_AT + r"(?<![\d.:])\b(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.|hrs|hours)?"
               r"(?![\d.:]*\d)(?=\W|$)", re.IGNORECASE),
    re.compile(_AT + r"(?<![\d.:])\b(?:1[0-2]|0?[1-9])\s*(?:am|pm|a\.m\.|p\.m\.)(?=\W|$)", re.IGNORECASE),
    re.compile(_AT + r"(?<![\d.:])\b(?:[01]\d|2[0-3])[0-5]\d\s*(?:hrs|hours)\b", re.IGNORECASE),
)


def _token(year: int | None, month: int) -> str:
    return f"\x00{year if year is not None else '--'}-{month:02d}\x00"


def _year(text: str | None) -> int | None:
    if not text:
        return None
    if text.startswith("'"):
        return 2000 + int(text[1:])
    return int(text) if len(text) == 4 else (2000 + int(text) if int(text) < 70 else 1900 + int(text))


def _valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _numeric(match: re.Match[str]) -> str:
    day, month = int(match.group("d")), int(match.group("m"))
    if not _valid(day, month):
        return match.group(0)
    return _token(_year(match.group("y")), month)


def _iso(match: re.Match[str]) -> str:
    month, day = int(match.group("m")), int(match.group("d"))
    if not _valid(day, month):
        return match.group(0)
    return _token(int(match.group("y")), month)


def _worded(match: re.Match[str]) -> str:
    day = match.groupdict().get("day")
    if day is not None and not 1 <= int(day) <= 31:
        return match.group(0)
    return _token(_year(match.group("year")), _MONTH_WORDS[match.group("mon").lower().rstrip(".")])


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], object], ...] = (
    # ISO days and moments, as data attributes and JSON carry them
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b"), _iso),
    # 11/06/2012, 02.08.12, 2-8-2012 (day first, as English records write them)
    (re.compile(r"(?<![\d./])(?P<d>\d{1,2})([./-])(?P<m>\d{1,2})\2(?P<y>\d{4}|\d{2})(?![\d/]|\.\d)"), _numeric),
    # 06/2012: the auditor's month-only form
    (re.compile(r"(?<![\d/])(?P<m>0[1-9]|1[0-2])/(?P<y>\d{4})\b"),
     lambda m: _token(int(m.group("y")), int(m.group("m")))),
    # Monday 11th June 2012, 11 June, 2nd of Aug '12
    (re.compile(rf"\b{_WEEKDAY}(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),
     _worded),
    # June 11th 2012, Aug 2, 2012
    (re.compile(rf"\b{_WEEKDAY}{_MONTH_RE}\s+(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),
     _worded),
)


def coarsen_text(text: str) -> str:
    """Every day-level date in `text` to its month and year, and every time of day removed."""
    if not any(ch.isdigit() for ch in text):
        return text
    for pattern, replace in _DATE_PATTERNS:
        text = pattern.sub(replace, text)  # type: ignore[arg-type]
    starts_with_space = text[:1].isspace()
    for pattern in _TIME_PATTERNS:
        text = pattern.sub("", text)
    return _mend(text if starts_with_space else text.lstrip())


_SAME_RANGE = re.compile(r"(\x00[^\x00]+\x00)\s*(?:-|–|to|until)\s*\1")
_BETWEEN_SAME = re.compile(r"\bbetween (\x00[^\x00]+\x00) and \1")
_RANGE = re.compile(r"(\x00[^\x00]+\x00)\s*[-–]\s*(\x00[^\x00]+\x00)")
_ON = re.compile(r"\b([Oo])n (?=\x00)")


def _mend(text: str) -> str:
    """Ranges within one month become that month; "on <month>" reads "in <month>"; tokens become words."""
    if "\x00" not in text:
        return text
    text = _SAME_RANGE.sub(r"\1", text)
    text = _BETWEEN_SAME.sub(r"in \1", text)
    text = _RANGE.sub(r"\1 to \2", text)
    text = _ON.sub(lambda m: "In " if m.group(1) == "O" else "in ", text)
    return _TOKEN.sub(lambda m: MONTHS[int(m.group(2)) - 1] + ("" if m.group(1) == "--" else f" {m.group(1)}"), text)


def coarsen_iso(text: str) -> str:
    """An ISO date kept as data (a filter's attribute) to its month: 2012-06-11 -> 2012-06."""
    return re.sub(r"\b(\d{4}-\d{2})-\d{2}(?:T[\d:]+)?", r"\1", text)
