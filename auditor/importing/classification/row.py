"""One row's text prepared once: characters made plain, its words, the agencies it names, its clauses;
and the occurrences of patterns found in it.

Phrases from the rule file are cut into words with the same `_WORD` and straightened with the same
`_TRANSLATE`, so a phrase and a row always agree on what a word is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from .compiled import _Action, _Pattern

_WORD = re.compile(r"\w+")
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})


_Span = tuple[int, int, int, int, list[tuple[int, int]], tuple[tuple[str, Any], ...], bool]
# characters [start, end), words [first, stop), gaps, captured values, is it a phrase (not an author's regex)


@dataclass(slots=True)
class _Occurrence:
    pattern: _Pattern
    start: int  # characters
    end: int
    first: int  # words: [first, stop)
    stop: int
    clause: tuple[int, int]  # characters
    action: _Action | None
    captured: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    first: int
    stop: int
    agency: str
    place: bool  # named as a place ("at the nursery"), not as a party: a clause's list leaves it out


class _Row:
    """One row's text prepared once: its words, the agencies it names, its clauses."""

    __slots__ = ("at", "break_ends", "break_starts", "cues", "ends", "masks", "mentions", "starts", "text",
                 "word_set", "words")

    def __init__(self, text: str):
        self.text = text
        spans = [m.span() for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.words = _WORD.findall(text)
        self.mentions: list[_Mention] = []
        self.break_starts: list[int] = []
        self.break_ends: list[int] = []
        self.masks: dict[int, frozenset[int]] = {}
        self.cues: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}  # see `_cue_spans`
        self.word_set = frozenset(self.words)
        self.at: dict[str, list[int]] | None = None  # each word's positions, built when a cue needs them

    def positions(self, word: str) -> list[int]:
        if self.at is None:
            self.at = {}
            for i, w in enumerate(self.words):
                self.at.setdefault(w, []).append(i)
        return self.at[word]

    def span(self, first: int, stop: int) -> tuple[int, int]:
        return self.starts[first], self.ends[stop - 1]

    def breaks_inside(self, start: int, end: int) -> bool:
        i = bisect_left(self.break_starts, start)
        return i < len(self.break_starts) and self.break_starts[i] < end

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """From the start of the clause holding `start` to the end of the one holding `end`."""
        j = bisect_right(self.break_ends, start) - 1
        first = self.break_ends[j] if j >= 0 else 0
        k = bisect_left(self.break_starts, end)
        return first, self.break_starts[k] if k < len(self.break_starts) else len(self.text)

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        return bisect_left(self.starts, start), bisect_left(self.starts, end)

    def joined(self, first: int, stop: int) -> bool:
        """Is the word range hyphenated onto a neighbour ("re" in "re-referred")?"""
        text = self.text
        before = self.starts[first] - 1
        after = self.ends[stop - 1]
        return (before >= 0 and text[before] == "-") or (after < len(text) and text[after] == "-")
