"""Classify one row: its type and attributes, from the compiled rules (see the package's docstring).

`Classifier.classify` prepares the row once (`row`), finds every phrase in one pass (`phrase_index`)
and every author's regex, decides each occurrence's context (`contexts`), chooses the type from the
type patterns, then lets only the attribute patterns that can apply to that type set attributes
(`attributes`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from .attributes import _captured, _effects
from .compiled import LinkRule, _Cues, _Pattern
from .contexts import _context_of
from .phrase_index import _Phrase, _PhraseIndex
from .row import _TRANSLATE, _Mention, _Occurrence, _Row, _Span

COLUMN = "column"  # the id recorded when the table's own type column gave the type

_COORDINATORS = frozenset({"or", "and", "nor"})  # what joins a list of phrases a cue reaches as one
_LIST_WORDS = _COORDINATORS | {"any", "a", "an", "the", "either", "other"}
# A list that holds its own negative ("invited and did not attend") joins two statements, not two things one cue
# reaches: the cue before it stays with its own phrase.
_NEGATIVE = frozenset({"no", "not", "never", "without", "didn", "wasn", "weren", "hadn"})


# --- the result --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    type: str | None  # None: no type pattern matched (the importer keeps the row as an unclassified event)
    attrs: dict[str, Any]  # attribute values to set on the event (keys and list values sorted)
    matched: tuple[str, ...]  # ids of the patterns that fired, the type's pattern (or "column") first, then file order
    negated: tuple[str, ...]  # ids of patterns whose phrase was found but negated, in file order
    planned: tuple[str, ...] = ()  # ids of patterns whose phrase was found but only as planned, in file order
    # For a person checking the row (the review sheet): the words that decided the type, the other types
    # whose phrases were found and lost to it, and the patterns found only as mentioned, not happening.
    phrase: str = ""
    competing: tuple[str, ...] = ()
    referenced: tuple[str, ...] = ()


# --- the classifier ----------------------------------------------------------------------------------

class Classifier:
    """Classifies rows by the compiled patterns; build it with `load_classifier`."""

    def __init__(self, path: str, patterns: tuple[_Pattern, ...], phrases: _PhraseIndex, agencies: tuple[str, ...],
                 contexts: dict[str, _Cues], negation: _Cues | None,
                 expand_exact: tuple[re.Pattern[str], dict[str, str]] | None,
                 expand_any: tuple[re.Pattern[str], dict[str, str]] | None,
                 breaks: re.Pattern[str], list_commas: bool, list_gap: int,
                 places: dict[str, tuple[tuple[str, ...], ...]], link_rules: tuple[LinkRule, ...],
                 event_types: frozenset[str], list_attrs: frozenset[str]):
        self.path = path
        self.patterns = patterns
        self.link_rules = link_rules
        self._phrases = phrases
        self._agencies = agencies
        self._contexts = contexts
        self._negation = negation
        self._expand_exact = expand_exact
        self._expand_any = expand_any
        self._breaks = breaks
        self._list_commas = list_commas
        self._list_gap = list_gap
        self._places = places
        self._event_types = event_types
        self._list_attrs = list_attrs
        self._barred: dict[str | None, frozenset[int]] = {}  # per row agency: the patterns restricted away from it
        self._type_set = frozenset(p.index for p in patterns if p.gives_type)
        self._regex_type_patterns = tuple(p.index for p in patterns if p.regexes and p.gives_type)
        self._regex_attribute_patterns = tuple(p.index for p in patterns if p.regexes and not p.gives_type)

    @property
    def pattern_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.patterns)

    def normalise(self, text: str) -> str:
        """The text patterns are matched against: straightened, collapsed, expanded and lower-cased."""
        text = " ".join(text.translate(_TRANSLATE).split())
        if self._expand_exact is not None:
            regex, table = self._expand_exact
            if any(key in text for key in table):  # exact-case keys are rare in a row: skip the pass without one
                text = regex.sub(lambda m: table[m.group(0)], text)
        text = text.lower()
        if self._expand_any is not None:
            regex, table = self._expand_any
            text = regex.sub(lambda m: table[m.group(0)], text)
        return text

    def classify(self, text: str, agency: str | None = None, given_type: str | None = None) -> Classification:
        """given_type: the source table's own event-type column, which wins over the patterns
        (patterns still set attributes; matched then starts with 'column')."""
        if given_type is not None and given_type not in self._event_types:
            raise ValueError(f"unknown event type {given_type!r}")
        row, found = self._prepare(text)
        patterns = self.patterns
        barred = self._barred.get(agency)
        if barred is None:
            barred = self._barred[agency] = frozenset(p.index for p in patterns if not p.allowed(agency))
        matches: dict[int, list[tuple[int, int, list[tuple[int, int]]]]] = {}
        stops: list[int] = []
        firsts: dict[int, int] = {}  # each phrase end's earliest start, to walk back along a coordinated list
        for phrase, first, stop, gaps in found:
            if phrase.owner not in barred:
                matches.setdefault(phrase.owner, []).append((first, stop, gaps))
                stops.append(stop)
                firsts[stop] = min(first, firsts.get(stop, first))
        stops.sort()
        # First the type patterns, which decide the type; then only the attribute patterns that can apply to it.
        type_set = self._type_set
        candidates = [i for i in matches if i in type_set] + [i for i in self._regex_type_patterns if i not in barred]
        typed = {i: self._spans(row, patterns[i], matches.get(i, ())) for i in sorted(set(candidates))}
        starts = sorted({span[2] for spans in typed.values() for span in spans})
        negated: set[int] = set()
        planned: set[int] = set()
        referenced: set[int] = set()
        lists = (stops, firsts, starts)
        occurrences = [self._occurrence(row, patterns[i], span, lists, negated, planned, referenced)
                       for i, spans in typed.items() for span in spans]
        winner: _Pattern | None = None
        winning: _Occurrence | None = None
        final_type = given_type
        if final_type is None:  # the best type occurrence: priority, then file order
            best: tuple[int, int] | None = None
            for occ in occurrences:
                if occ.action is not None and occ.action.type is not None:
                    key = (occ.pattern.priority, -occ.pattern.index)
                    if best is None or key > best:
                        best, winner, winning, final_type = key, occ.pattern, occ, occ.action.type
        competing = sorted({occ.action.type for occ in occurrences if occ.action is not None
                            and occ.action.type is not None and occ.action.type != final_type})
        others = [i for i in matches if i not in type_set] + [i for i in self._regex_attribute_patterns
                                                                if i not in barred]
        for i in sorted(set(others)):
            pattern = patterns[i]
            if pattern.for_types is None or final_type in pattern.for_types:
                for span in self._spans(row, pattern, matches.get(i, ())):
                    occurrences.append(self._occurrence(row, pattern, span, lists, negated, planned, referenced))
        occurrences.sort(key=lambda o: (o.pattern.index, o.start))
        anchors = [o for o in occurrences if o.action is not None and final_type is not None
                   and o.action.type == final_type]
        attrs, fired = _effects(row, occurrences, final_type, anchors, agency, given_type is not None,
                                self._list_attrs)
        ids = [patterns[i].id for i in sorted(fired) if patterns[i] is not winner]
        if given_type is not None:
            ids.insert(0, COLUMN)
        elif winner is not None:
            ids.insert(0, winner.id)
        return Classification(final_type, attrs, tuple(ids), tuple(patterns[i].id for i in sorted(negated)),
                              tuple(patterns[i].id for i in sorted(planned)),
                              row.text[winning.start:winning.end] if winning is not None else "",
                              tuple(competing), tuple(patterns[i].id for i in sorted(referenced)))

    # -- a row, prepared once --------------------------------------------------------------------------

    def _prepare(self, text: str) -> tuple[_Row, list[tuple[_Phrase, int, int, list[tuple[int, int]]]]]:
        """The row, and the pattern phrases found in it (agency names and phrases are found in one pass)."""
        row = _Row(self.normalise(text))
        found = self._phrases.find(row.words)
        taken = -1
        words = row.words
        names = sorted((m for m in found if m[0].owner < 0), key=lambda m: (m[1], m[1] - m[2]))
        for phrase, first, stop, _ in names:
            if first >= taken:  # leftmost, then longest; names never overlap
                start, end = row.span(first, stop)
                place = first > 0 and any(tuple(words[max(0, first - len(p)):first]) == p
                                          for p in self._places.get(words[first - 1], ()))
                row.mentions.append(_Mention(start, end, first, stop, self._agencies[-phrase.owner - 1], place))
                taken = stop
        breaks = [(m.start(), m.end()) for m in self._breaks.finditer(row.text)]
        if self._list_commas and row.mentions:
            breaks = [b for b in breaks if not self._is_list_comma(row, b)]
        row.break_starts = [b[0] for b in breaks]
        row.break_ends = [b[1] for b in breaks]
        return row, [m for m in found if m[0].owner >= 0] if names else found

    def _is_list_comma(self, row: _Row, brk: tuple[int, int]) -> bool:
        """A comma between two agency names ("police, GP and HV") separates list items, not clauses."""
        if row.text[brk[0]:brk[1]].strip() != ",":
            return False
        before = len(row.text[:brk[0]].rstrip())
        for i, mention in enumerate(row.mentions):
            if mention.end == before:
                following = row.mentions[i + 1] if i + 1 < len(row.mentions) else None
                if following is None:
                    return False
                between = bisect_left(row.starts, following.start) - bisect_left(row.starts, brk[1])
                return between <= self._list_gap and not self._breaks.search(row.text, brk[1], following.start)
        return False

    # -- finding occurrences -----------------------------------------------------------------------------

    def _coordinated(self, row: _Row, stop: int, first: int) -> bool:
        """Are words [stop, first) only what joins two items of a list ("or", "and any", "nor a")?"""
        between = row.words[stop:first]
        return bool(between) and between[0] in _COORDINATORS and all(w in _LIST_WORDS for w in between) \
            and not row.breaks_inside(row.ends[stop - 1], row.starts[first])

    def _spans(self, row: _Row, pattern: _Pattern, matches: Any) -> list[_Span]:
        """A pattern's matches in the row, leftmost and longest first, none overlapping another or a clause break."""
        found: list[_Span] = []
        for first, stop, gaps in matches:
            start, end = row.span(first, stop)
            found.append((start, end, first, stop, gaps, (), True))
        for regex in pattern.regexes:
            for m in regex.regex.finditer(row.text):
                start, end = m.span()
                first, stop = row.word_range(start, end)
                captured = _captured(m, regex.captures, pattern.value_map) if regex.captures else ()
                found.append((start, end, first, stop, [], captured, False))
        if len(found) > 1:
            found.sort(key=lambda f: (f[0], -f[1]))
        kept: list[_Span] = []
        taken = -1
        for span in found:
            if span[0] >= taken and not (span[6] and row.breaks_inside(span[0], span[1])):
                kept.append(span)  # an author's regex may span a break; a phrase may not
                taken = span[1]
        return kept

    def _occurrence(self, row: _Row, pattern: _Pattern, span: _Span,
                    lists: tuple[list[int], dict[int, int], list[int]],
                    negated: set[int], planned: set[int], referenced: set[int]) -> _Occurrence:
        start, end, first, stop, gaps, captured, _ = span
        stops, firsts, type_starts = lists
        clause = row.clause(start, end)
        words = row.word_range(*clause)
        # A cue reaches only the nearest phrase, or the nearest list of phrases joined by "or", "and", "nor"
        # ("without any consultation or strategy discussion"). Before: in "police not invited to ICPC" the cue
        # stops at "invited", so the conference is not negated. After: in "decision: strategy discussion to be
        # held" it is the strategy discussion that is planned, not the decision.
        head = first
        before = bisect_right(stops, head) - 1
        while before >= 0 and stops[before] < head and self._coordinated(row, stops[before], head) \
                and not _NEGATIVE.intersection(row.words[firsts[stops[before]]:stop]):
            head = firsts[stops[before]]
            before = bisect_right(stops, head) - 1
        reach = stops[before] if before >= 0 else 0  # a cue before must end at or after this word
        tail = stop
        following = bisect_left(type_starts, tail)
        while following < len(type_starts) and self._coordinated(row, tail, type_starts[following]) \
                and not _NEGATIVE.intersection(row.words[first:type_starts[following] + 1]):
            after = bisect_right(stops, type_starts[following])  # the end of the phrase the list goes on to
            if after == len(stops):  # an author's regex, not a phrase: its end is not among the phrases'
                break
            tail = stops[after]
            following = bisect_left(type_starts, tail)
        ceiling = min(words[1], type_starts[following]) if following < len(type_starts) else words[1]
        context = _context_of(row, head, tail, gaps, (words[0], ceiling), reach, pattern.context_matters,
                              self._contexts, self._negation)
        if context == "negated":
            negated.add(pattern.index)
            action = pattern.negated
        elif context == "planned":
            planned.add(pattern.index)
            action = pattern.planned
        elif context == "referenced":
            referenced.add(pattern.index)
            action = pattern.referenced
        else:
            action = pattern.positive
        if action is None or not action.captures:
            captured = ()
        return _Occurrence(pattern, start, end, first, stop, clause, action, captured)
