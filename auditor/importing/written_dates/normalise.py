"""One spelling for a written date, and the marks taken off it: uncertainty ("c.", "?"), a weekday,
filler words ("on", "during")."""

from __future__ import annotations

import re

from .reading import _Context, _month_word
from .words import _WEEKDAY_NAMES, _WEEKDAYS, _alternatives

_DASHES = re.compile("[\u2012\u2013\u2014\u2015\u2212]")  # figure, en and em dashes, minus: always a range
_HYPHENS = re.compile("[\u2010\u2011]")  # Unicode hyphens: the same as "-"
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_SPACED_HYPHEN = re.compile(r"\s+-\s*|\s*-\s+")
_COMPACT_DAYS = re.compile(r"^(?P<a>\d{1,2})-(?=\d{1,2}(?:[/.]\d|\s+[a-z]))")  # 22-25/05/2016, 22-25 May
_COMPACT_WORDS = re.compile(r"^(?P<a>[a-z]+)\.?[-/](?P<b>[a-z]+)\b")  # May-June 2016, January/February 2012
_COMPACT_YEARS = re.compile(r"^(?P<a>\d{4})-(?P<b>\d{4})$")  # 2015-2016
_PART_YEARS = re.compile(r"^(?P<part>(?:early|mid|late)\s+)(?P<a>\d{4})-(?P<b>\d{4})$")  # late 2010-2011
_MONTH_THEN_PART = re.compile(r"\b(?P<a>[a-z]+)\.?-(?P<b>early|mid|late|beginning|start|end)\b")  # late May-early June


def _normalise(text: str) -> str:
    """One spelling for the many ways people type the same date, so the forms below stay few and strict."""
    s = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = _HYPHENS.sub("-", s)
    s = _DASHES.sub(" - ", s)
    s = s.replace(",", " ")
    s = _ORDINAL.sub("", s)
    s = re.sub(r"\bthe\b", " ", s)
    s = re.sub(r"(?<=\d)\s+of\s+(?=[a-z])", " ", s)  # "22 of May" (after "the 22nd of May")
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"\b(winter\s+\d{4})\s*-\s*(\d{2}|\d{4})$", r"\1/\2", s)  # "winter 2016–17" is one winter
    s = _SPACED_HYPHEN.sub(" - ", s)
    return " ".join(s.split()).rstrip(".").strip()


def _spread_compact_range(s: str) -> str:
    """Write "22-25 May", "May-June", "January/February", "2015-2016", "late 2010-2011" and "late May-early June"
    with a spaced dash, as the range forms expect.

    Done after the uncertainty marks and weekday are off, because these forms are anchored at the start.
    """
    s = _COMPACT_DAYS.sub(r"\g<a> - ", s)
    s = _COMPACT_YEARS.sub(r"\g<a> - \g<b>", s)
    s = _PART_YEARS.sub(r"\g<part>\g<a> - \g<b>", s)
    s = _MONTH_THEN_PART.sub(lambda m: f"{m['a']} - {m['b']}" if _month_word(m["a"]) else m[0], s)
    words = _COMPACT_WORDS.match(s)
    if words and _month_word(words["a"]) and _month_word(words["b"]):
        s = f"{words['a']} - {s[words.end('a'):].lstrip('.-/')}"
    return s


_UNCERTAIN_BEFORE = re.compile(
    r"^(?P<marker>\?|c\.|ca\.|approx\.|est\.|"
    r"(?:on or about|on or around|circa|approximately|approx|around|about|roughly|estimated|ca|c)\b)\s*")
_UNCERTAIN_AFTER = re.compile(r"\s*(?P<marker>\?|\((?:\?|approx\.?|approximately|estimated|est\.?|circa|c\.?)\))$")
_WEEKDAY_BEFORE = re.compile(rf"^(?P<day>{_alternatives(_WEEKDAYS)})\b\.?\s*")
_WEEKDAY_IN_BRACKETS = re.compile(rf"\s*\((?P<day>{_alternatives(_WEEKDAYS)})\.?\)\s*")
_FILLER_BEFORE = re.compile(r"^(?:on|in|during|some ?time in)\s+")
# An open end: "2003 onwards", "since 2003", "from March 2010", "2008 - ongoing". The row is something that
# began then and went on; its date is when it began, and a note says so.
_OPEN_BEFORE = re.compile(r"^(?P<marker>since|from)\s+")
_OPEN_AFTER = re.compile(r"(?:\s*-\s*|\s+)(?P<marker>onwards?|ongoing|to date|to present|(?<=-)\s*present)$")


def _strip_open_end(s: str) -> tuple[str, str | None]:
    """Take off the words that say a row went on from its date ("onwards", "since"): see `_OPEN_BEFORE`."""
    for pattern in (_OPEN_BEFORE, _OPEN_AFTER):
        found = pattern.search(s)
        if found and (s[:found.start()] + s[found.end():]).strip():
            return (s[:found.start()] + s[found.end():]).strip(), found["marker"].strip()
    return s, None


def _strip_markers(s: str, ctx: _Context) -> tuple[str, str | None, int | None]:
    """Take off uncertainty marks, a weekday and filler words, in whatever order the source used."""
    marker: str | None = None
    weekdays: list[int] = []
    while True:
        before = s
        for pattern in (_UNCERTAIN_BEFORE, _UNCERTAIN_AFTER):
            found = pattern.search(s)
            if found:
                marker = marker or found["marker"]
                s = (s[:found.start()] + s[found.end():]).strip()
        found = _WEEKDAY_BEFORE.match(s) or _WEEKDAY_IN_BRACKETS.search(s)
        if found:
            weekdays.append(_WEEKDAYS[found["day"]])
            s = f"{s[:found.start()]} {s[found.end():]}".strip()
        s = _FILLER_BEFORE.sub("", s)
        if s == before:
            break
    if len(set(weekdays)) > 1:
        names = " and ".join(_WEEKDAY_NAMES[day] for day in dict.fromkeys(weekdays))
        raise ctx.problem(f"two different weekdays ({names})")
    return s, marker, weekdays[0] if weekdays else None
