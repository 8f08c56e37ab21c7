"""Pseudonymise an appendix: identifiers masked, names to pseudonyms, dates to month and year.

The appendix is built in full first and then passed through `Redactor.apply`, which rewrites
every string in it (the findings, evidence, method, editions, timeline labels, the values the
HTML filters read, the Word file's properties), except the few fields listed in `KEEP`: hashes
and versions, anchors, and the ids that tie a finding to its rule, its entries and a decisions
file. Walking the whole model, rather than calling a function field by field, is what makes the
promise hold for a field added later.

Redaction is substitution from the case's own people list, so it is exact and repeatable; it
cannot know names nobody listed. Postcodes, phone numbers, e-mail addresses and street addresses
are masked wherever they are found ("[postcode]"). The identifier scan then lists what was masked
and what still looks identifying, for a person to check before the appendix leaves the panel.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from ..chronology import Chronology
from .coarsening import MONTHS, coarsen_iso, coarsen_text

# Masked in this order: an e-mail address before the names inside it, an address before its house number.
PATTERNS = {
    "email address": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    "phone number": re.compile(r"(?<![\d\w])(?:\+44\s?\(?0?\)?\s?\d{2,4}|\(?0\d{2,4}\)?)[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
    "address": re.compile(r"\b\d+[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Street|Avenue|Lane|Close|Drive|Way|"
                          r"Court|Place|Crescent|Grove|Terrace|Gardens|Rise|Hill|Walk|Square)\b"),
}
MASKS = {"email address": "[e-mail]", "postcode": "[postcode]", "phone number": "[phone]", "address": "[address]"}
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*)\b")

# Fields never rewritten: machine values (hashes, versions, anchors, statuses), the rulebook's citations (no case
# data; "section 4.1.12" must not read as a date) and the ids that join a finding to its rule, its entries and a
# decisions file. Ids are checked instead (`id_warnings`).
KEEP = frozenset({"meta", "citations", "unverified", "anchor", "finding_anchor", "rule_id", "id", "event_id", "case_id", "lane_ids",
                  "status", "severity", "marking", "number"})
# ISO dates kept as data for the page's filters: to the month, but still ISO.
ISO_FIELDS = frozenset({"day_iso"})

M = TypeVar("M", bound=BaseModel)


@dataclass
class Redactor:
    """Masks identifiers and replaces listed names by pseudonyms (`redact`); days to months (`coarsen_dates`)."""

    names: dict[str, str] = field(default_factory=dict)
    coarsen_dates: bool = False
    redact: bool = False
    masked: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, text as found) -> times masked

    def __post_init__(self) -> None:
        ordered = sorted(self.names, key=lambda n: (-len(n), n))  # longest first: "Jane Smith" before "Jane"
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in ordered) + r")\b", re.IGNORECASE) \
            if ordered else None
        self._lookup = {n.casefold(): p for n, p in self.names.items()}

    @classmethod
    def for_case(cls, chron: Chronology, redact: bool = True, coarsen_dates: bool = False) -> "Redactor":
        names = {name: person.pseudonym for person in chron.case.people for name in person.names} if redact else {}
        return cls(names, coarsen_dates, redact)

    @property
    def active(self) -> bool:
        return self.redact or self.coarsen_dates

    def text(self, value: str) -> str:
        if self.redact:
            for kind, pattern in PATTERNS.items():
                value = pattern.sub(lambda m, kind=kind: self._mask(kind, m.group(0)), value)
            if self._pattern is not None:
                value = self._pattern.sub(lambda m: self._lookup[m.group(1).casefold()], value)
        if self.coarsen_dates:
            value = coarsen_text(value)
        return value

    def _mask(self, kind: str, found: str) -> str:
        self.masked[(kind, found)] += 1
        return MASKS[kind]

    def day(self, value: date) -> date:
        """Where a date must stay a date (a timeline position), the middle of its month."""
        return value.replace(day=15) if self.coarsen_dates else value

    def apply(self, model: M) -> M:
        """The same model with every string rewritten, except the fields in KEEP."""
        if not self.active:
            return model
        return type(model).model_validate(self._walk(model.model_dump(), None))

    def _walk(self, value: Any, key: str | None) -> Any:
        if key in KEEP:
            return value
        if isinstance(value, str):
            return coarsen_iso(value) if key in ISO_FIELDS and self.coarsen_dates else self.text(value)
        if isinstance(value, dict):
            return {k: self._walk(v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._walk(v, key) for v in value)
        if isinstance(value, date) and self.coarsen_dates:
            return value.replace(day=1)
        return value

    def masked_summary(self) -> list[str]:
        """What was masked, each distinct value once, for the author to check (printed on the terminal only)."""
        return [f"masked {kind}: {found} (shown as {MASKS[kind]})" for kind, found in sorted(self.masked)]


def id_warnings(ids: dict[str, str], redactor: Redactor) -> list[str]:
    """Ids are printed as written (they join findings to entries and decisions): say if one carries a name or date."""
    out = []
    for where, value in ids.items():
        if redactor._pattern is not None and redactor._pattern.search(value):
            out.append(f"{where} {value!r} contains a listed name; ids are printed as written, so rename it")
        elif redactor.coarsen_dates and coarsen_text(value) != value:
            out.append(f"{where} {value!r} contains a date; ids are printed as written, so rename it")
    return out


def all_strings(model: BaseModel) -> list[str]:
    """Every string an appendix model holds, outside KEEP: what the identifier scan reads."""
    found: list[str] = []

    def walk(value: Any, key: str | None) -> None:
        if key in KEEP:
            return
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)

    walk(model.model_dump(), None)
    return found


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


__all__ = ["MONTHS", "Redactor", "all_strings", "id_warnings", "likely_identifiers"]
