"""Pseudonymise an appendix: names to pseudonyms, dates to month and year, and a warning of what may remain.

Redaction is text substitution from the case's own people list, so it is exact and
repeatable; it cannot know names nobody listed. That is why the identifier scan
exists: it lists what still looks identifying, for a person to check before the
appendix leaves the panel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..model import Chronology

_DAY = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_PROSE_DAY = re.compile(r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
                        r"November|December) (\d{4})\b")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
PATTERNS = {
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    "phone number": re.compile(r"(?<!\d)(?:\+44\s?\d{2,4}|0\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
    "address": re.compile(r"\b\d+[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Street|Avenue|Lane|Close|Drive|Way|"
                          r"Court|Place|Crescent|Grove|Terrace|Gardens|Rise|Hill|Walk|Square)\b"),
    "email address": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
}
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*)\b")


@dataclass
class Redactor:
    """Replaces listed names by pseudonyms and, if asked, day-level dates by month and year."""

    names: dict[str, str] = field(default_factory=dict)
    coarsen_dates: bool = False

    def __post_init__(self) -> None:
        ordered = sorted(self.names, key=lambda n: (-len(n), n))  # longest first: "Jane Smith" before "Jane"
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in ordered) + r")\b", re.IGNORECASE) \
            if ordered else None
        self._lookup = {n.casefold(): p for n, p in self.names.items()}

    @classmethod
    def for_case(cls, chron: Chronology, coarsen_dates: bool = False) -> "Redactor":
        return cls({name: person.pseudonym for person in chron.case.people for name in person.names}, coarsen_dates)

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(lambda m: self._lookup[m.group(1).casefold()], value)
        if self.coarsen_dates:
            value = _DAY.sub(lambda m: f"{MONTHS[int(m.group(2)) - 1]} {m.group(3)}", value)
            value = _ISO_DAY.sub(lambda m: f"{m.group(1)}-{m.group(2)}", value)
            value = _PROSE_DAY.sub(lambda m: f"{m.group(2)} {m.group(3)}", value)
        return value

    def day(self, value: date) -> date:
        """Where a date must stay a date (a timeline position), the middle of its month."""
        return value.replace(day=15) if self.coarsen_dates else value


def likely_identifiers(texts: list[str], known: set[str]) -> list[str]:
    """What in the output still looks like a name, address, postcode, phone number or e-mail address.

    `known` holds words that are not identifying (pseudonyms, agency names, vocabulary terms).
    Heuristic by design: it over-reports rather than misses, and a person decides.
    """
    found: dict[str, str] = {}
    known_folded = {k.casefold() for k in known}
    for text in texts:
        for kind, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                found.setdefault(match.group(0), kind)
        for match in _CAPITALISED.finditer(text):
            words = match.group(1)
            if any(w.casefold() not in known_folded for w in words.split()):
                if words.casefold() not in known_folded:
                    found.setdefault(words, "capitalised name not in the people list")
    return [f"{kind}: {value}" for value, kind in sorted(found.items(), key=lambda item: (item[1], item[0]))]
