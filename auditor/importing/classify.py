"""Classify a panel's free-text chronology row by explicit rules kept as data (rules/classification.yaml).

Panels write rows like "Strat disc held with police, S47 agreed". The auditor's verdicts must be
explainable and repeatable, so the event type and attributes come from phrases a rule author wrote
down, never from a statistical guess: every imported event records the ids of the patterns that
classified it, and the same text always gives the same answer.

The rules are data so that a rule author can add a local abbreviation without touching Python; they
are validated against the vocabulary here so that a misspelt type or agency is an error with a file,
line and field, not a pattern that silently never fires. Everything is compiled once at load
(`classify` runs for every row of tables with tens of thousands of rows), and regexes from the file
are only ever compiled with `re`, never evaluated.

How a row is read (the file's own header documents the format for rule authors):
  1. normalised: curly quotes straightened, dashes unified, whitespace and line breaks collapsed;
     abbreviations and misspellings in `expansions` rewritten (phrases are rewritten the same way);
  2. cut into clauses at `clauses.breaks` (a comma between two agency names is a list, not a break);
  3. every pattern's phrases and regexes are found; each occurrence is *negated*, *planned* or
     *referenced* when a cue of that context is close enough in its clause, and the pattern's
     `when_negated` / `when_planned` / `when_referenced` says what the occurrence does then;
  4. the type comes from the highest-priority type occurrence (ties: the earlier pattern in the
     file), unless the table's own type column gave one;
  5. attributes are set by every occurrence whose type agrees with the row's type, a scalar by the
     highest-priority pattern (ties: earlier pattern, then earlier in the text), lists as the union
     of what was added less what was removed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..chronology.loader import attribute_problem
from ..errors import InputError, Problem
from ..files.reading import Document, load_file
from ..files.validation import problems_from, validate
from ..chronology.vocabulary import AttributeDef, Vocabulary

@dataclass(frozen=True)
class LinkRule:
    """An event of one of `source` types is linked by `rel` to the next event of one of `target` types."""

    rel: str
    source: frozenset[str]
    target: frozenset[str]


COLUMN = "column"  # the id recorded when the table's own type column gave the type
_AGENCY_TYPES = frozenset({"agency", "agencies", "parties"})
_CAPTURE_TYPES = frozenset({"integer", "enum", "text", "bool"})
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
_WORD = re.compile(r"\w+")
_MODES = ("skip", "apply", "invert")
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})


# --- the file's shape --------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CueSet(_Strict):
    """Cues that put a phrase in a context (negated, planned, referenced) when close enough in its clause."""

    window: int = Field(default=3, ge=0, le=20)  # words allowed between a cue and the phrase after it
    cues: list[str] = Field(default_factory=list)
    after_window: int = Field(default=3, ge=0, le=20)  # words allowed between the phrase and a cue after it
    after_cues: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)  # text containing a cue that is not one ("no further action")


class Clauses(_Strict):
    breaks: list[str] = Field(min_length=1)
    list_gap: int = Field(default=2, ge=0, le=10)  # words allowed between a list comma and the next agency name
    places: list[str] = Field(default_factory=list)  # words making the next agency name a place ("held at nursery")


class Expansions(_Strict):
    any_case: dict[str, str] = Field(default_factory=dict)
    exact_case: dict[str, str] = Field(default_factory=dict)


class CollectSpec(_Strict):
    attr: str
    scope: Literal["clause", "after", "before"] = "clause"
    within: int | None = Field(default=None, ge=0, le=20)  # after/before: words allowed between phrase and name
    mode: Literal["add", "remove"] = "add"


class ActionBlock(_Strict):
    """What an occurrence does: the pattern's own fields, or a `when_*` block."""

    type: str | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, list[str]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(default_factory=dict)
    collect: list[CollectSpec] = Field(default_factory=list)
    row_agency: list[str] = Field(default_factory=list)


class PatternSpec(ActionBlock):
    id: str
    note: str = ""
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    priority: int = 0
    agencies: list[str] = Field(default_factory=list)
    not_agencies: list[str] = Field(default_factory=list)
    for_types: list[str] = Field(default_factory=list)
    near: int | None = Field(default=None, ge=0, le=30)
    value_map: dict[str, Any] = Field(default_factory=dict)
    when_negated: str | dict[str, Any] = "skip"
    when_planned: str | dict[str, Any] | None = None
    when_referenced: str | dict[str, Any] | None = None


_PATTERNS = TypeAdapter(list[PatternSpec])


class LinkSpec(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    rel: str = Field(min_length=1)
    source: list[str] = Field(alias="from", min_length=1)
    target: list[str] = Field(alias="to", min_length=1)


class ClassificationFile(_Strict):
    version: Literal[1]
    description: str = ""
    clauses: Clauses
    gap_words: int = Field(default=4, ge=1, le=12)
    negation: CueSet
    planned: CueSet = Field(default_factory=CueSet)
    referenced: CueSet = Field(default_factory=CueSet)
    expansions: Expansions = Field(default_factory=Expansions)
    agency_mentions: dict[str, list[str]] = Field(default_factory=dict)
    links: list[LinkSpec] = Field(default_factory=list)
    patterns: list[Any] = Field(min_length=1)  # each validated as a PatternSpec on its own, so all problems show


# --- the result --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    type: str | None  # None: no type pattern matched (the importer keeps the row as an unclassified event)
    attrs: dict[str, Any]  # attribute values to set on the event (keys and list values sorted)
    matched: tuple[str, ...]  # ids of the patterns that fired, the type's pattern (or "column") first, then file order
    negated: tuple[str, ...]  # ids of patterns whose phrase was found but negated, in file order
    planned: tuple[str, ...] = ()  # ids of patterns whose phrase was found but only as planned, in file order


# --- compiled form -----------------------------------------------------------------------------------
# Phrases and agency names are matched word by word, not as regexes: a word trie finds every one in a
# single pass over a row's words, and building it costs almost nothing at load, where compiling regex
# alternations of two thousand phrases would cost several times the whole 50 ms budget.

_Item = str | tuple[str, str] | None  # a word; ("*", stem) any ending; ("#", stem) an optional number; None a gap


_NO_GAPS: list[tuple[int, int]] = []  # shared, never changed
_NO_PHRASES: list[_Phrase] = []  # shared, never changed
_NO_RESTS: list[tuple[_Phrase, int]] = []  # shared, never changed


@dataclass(frozen=True, slots=True)
class _Phrase:
    owner: int  # the pattern's index; for an agency name, -1 - the agency's index
    items: tuple[_Item, ...]


class _Node:
    """A trie node: phrases continue by plain words through `next`; `ends` finish here; `rest` go on with a
    wildcard or gap item (index into their items)."""

    __slots__ = ("ends", "next", "rest")

    def __init__(self) -> None:  # most nodes are passed through: their lists are made when first needed
        self.next: dict[str, _Node] = {}
        self.ends: list[_Phrase] = _NO_PHRASES
        self.rest: list[tuple[_Phrase, int]] = _NO_RESTS


class _PhraseIndex:
    """Phrases in a word trie, so a row is read once whatever the number of phrases."""

    def __init__(self, phrases: list[_Phrase], gap_words: int):
        self.gap_words = gap_words
        self.root = _Node()
        self.stems: dict[str, list[_Phrase]] = {}  # first word `stem*`, keyed by the stem's first 3 letters
        self.short_stems: list[_Phrase] = []
        self.numbered: dict[str, list[_Phrase]] = {}  # first word `stem#`, keyed by the stem
        self._wild: dict[str, tuple[_Phrase, ...]] = {}
        for phrase in phrases:
            first = phrase.items[0]
            if isinstance(first, str):
                node = self.root
                k = 0
                while k < len(phrase.items) and isinstance(word := phrase.items[k], str):
                    child = node.next.get(word)
                    if child is None:
                        child = node.next[word] = _Node()
                    node = child
                    k += 1
                if k == len(phrase.items):
                    node.ends = [*node.ends, phrase]
                else:
                    node.rest = [*node.rest, (phrase, k)]
            elif first is not None and first[0] == "#":
                self.numbered.setdefault(first[1], []).append(phrase)
            elif first is not None and len(first[1]) >= 3:
                self.stems.setdefault(first[1][:3], []).append(phrase)
            else:
                self.short_stems.append(phrase)

    def find(self, words: list[str]) -> list[tuple[_Phrase, int, int, list[tuple[int, int]]]]:
        """Every match: (phrase, first word, end word, gaps as word ranges)."""
        out: list[tuple[_Phrase, int, int, list[tuple[int, int]]]] = []
        append = out.append
        gap = self.gap_words
        n = len(words)
        root = self.root.next
        wild = self._wild
        for i, word in enumerate(words):
            node = root.get(word)
            j = i + 1
            while node is not None:
                for phrase in node.ends:
                    append((phrase, i, j, _NO_GAPS))
                for phrase, k in node.rest:
                    gaps: list[tuple[int, int]] = []
                    end = _match(words, j, phrase.items, k, gap, gaps)
                    if end is not None:
                        append((phrase, i, end, gaps))
                if j >= n:
                    break
                node = node.next.get(words[j])
                j += 1
            others = wild.get(word)
            if others is None:
                others = self._wildcard_phrases(word)
            for phrase in others:
                gaps = []
                end = _match(words, i, phrase.items, 0, gap, gaps)
                if end is not None:
                    append((phrase, i, end, gaps))
        return out

    def _wildcard_phrases(self, word: str) -> tuple[_Phrase, ...]:
        """Phrases whose first word is `stem*` or `stem#` and might start at `word`, remembered per word."""
        found = (*self.short_stems, *self.numbered.get(word.rstrip("0123456789"), ()), *self.stems.get(word[:3], ()))
        if len(self._wild) > 100_000:  # a bound on memory however many distinct words a table has
            self._wild.clear()
        self._wild[word] = found
        return found


def _match(words: list[str], i: int, items: tuple[_Item, ...], k: int, gap: int,
           gaps: list[tuple[int, int]]) -> int | None:
    """The end of `items[k:]` matched from word i (a gap as short as possible), or None."""
    n = len(words)
    while k < len(items):
        item = items[k]
        if item is None:
            following = items[k + 1]  # a gap always stands between words
            for j in range(i, min(i + gap, n - 1) + 1):
                if isinstance(following, str) and words[j] != following:
                    continue  # the common case, settled without a call
                end = _match(words, j, items, k + 1, gap, gaps)
                if end is not None:
                    gaps.append((i, j))
                    return end
            return None
        if i >= n:
            return None
        word = words[i]
        if isinstance(item, str):
            if word != item:
                return None
        elif item[0] == "*":
            if not word.startswith(item[1]):
                return None
        elif word != item[1] and not (word.startswith(item[1]) and word[len(item[1]):].isdigit()):
            return None
        i += 1
        k += 1
    return i


@dataclass(frozen=True, slots=True)
class _Cues:
    """One context's cues as word sequences: before-cues by their last word, after-cues by their first."""

    window: int
    before: dict[str, tuple[tuple[str, ...], ...]]
    after_window: int
    after: dict[str, tuple[tuple[str, ...], ...]]
    exceptions: dict[str, tuple[tuple[str, ...], ...]]  # by first word


@dataclass(frozen=True, slots=True)
class _Collect:
    attr: str
    scope: str
    within: int
    remove: bool
    is_list: bool


@dataclass(frozen=True, slots=True)
class _Action:
    type: str | None
    scalars: tuple[tuple[str, Any], ...]
    add: tuple[tuple[str, tuple[str, ...]], ...]
    remove: tuple[tuple[str, tuple[str, ...]], ...]
    collect: tuple[_Collect, ...]
    row_agency: tuple[str, ...]
    captures: bool  # the pattern's own actions: regex named groups set attributes too


@dataclass(frozen=True, slots=True)
class _Regex:
    regex: re.Pattern[str]
    captures: tuple[tuple[str, AttributeDef], ...]


@dataclass(frozen=True, slots=True)
class _Pattern:
    id: str
    index: int
    priority: int
    regexes: tuple[_Regex, ...]
    agencies: frozenset[str] | None
    not_agencies: frozenset[str]
    for_types: frozenset[str] | None
    near: int | None
    value_map: dict[str, Any]
    positive: _Action
    negated: _Action | None
    planned: _Action | None
    referenced: _Action | None
    context_matters: frozenset[str]  # contexts in which this pattern acts differently (the rest are not checked)

    @property
    def gives_type(self) -> bool:
        return any(a is not None and a.type is not None for a in (self.positive, self.negated, self.planned,
                                                                  self.referenced))

    def allowed(self, agency: str | None) -> bool:
        if self.agencies is not None and agency not in self.agencies:
            return False
        return agency not in self.not_agencies


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
        for phrase, first, stop, gaps in found:
            if phrase.owner not in barred:
                matches.setdefault(phrase.owner, []).append((first, stop, gaps))
                stops.append(stop)
        stops.sort()
        # First the type patterns, which decide the type; then only the attribute patterns that can apply to it.
        type_set = self._type_set
        candidates = [i for i in matches if i in type_set] + [i for i in self._regex_type_patterns if i not in barred]
        typed = {i: self._spans(row, patterns[i], matches.get(i, ())) for i in sorted(set(candidates))}
        starts = sorted({span[2] for spans in typed.values() for span in spans})
        negated: set[int] = set()
        planned: set[int] = set()
        occurrences = [self._occurrence(row, patterns[i], span, starts, stops, negated, planned)
                       for i, spans in typed.items() for span in spans]
        winner: _Pattern | None = None
        final_type = given_type
        if final_type is None:  # the best type occurrence: priority, then file order
            best: tuple[int, int] | None = None
            for occ in occurrences:
                if occ.action is not None and occ.action.type is not None:
                    key = (occ.pattern.priority, -occ.pattern.index)
                    if best is None or key > best:
                        best, winner, final_type = key, occ.pattern, occ.action.type
        others = [i for i in matches if i not in type_set] + [i for i in self._regex_attribute_patterns
                                                                if i not in barred]
        for i in sorted(set(others)):
            pattern = patterns[i]
            if pattern.for_types is None or final_type in pattern.for_types:
                for span in self._spans(row, pattern, matches.get(i, ())):
                    occurrences.append(self._occurrence(row, pattern, span, starts, stops, negated, planned))
        occurrences.sort(key=lambda o: (o.pattern.index, o.start))
        anchors = [o for o in occurrences if o.action is not None and final_type is not None
                   and o.action.type == final_type]
        attrs, fired = self._effects(row, occurrences, final_type, anchors, agency, given_type is not None)
        ids = [patterns[i].id for i in sorted(fired) if patterns[i] is not winner]
        if given_type is not None:
            ids.insert(0, COLUMN)
        elif winner is not None:
            ids.insert(0, winner.id)
        return Classification(final_type, attrs, tuple(ids), tuple(patterns[i].id for i in sorted(negated)),
                              tuple(patterns[i].id for i in sorted(planned)))

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

    def _occurrence(self, row: _Row, pattern: _Pattern, span: _Span, type_starts: list[int], stops: list[int],
                    negated: set[int], planned: set[int]) -> _Occurrence:
        start, end, first, stop, gaps, captured, _ = span
        clause = row.clause(start, end)
        words = row.word_range(*clause)
        # A cue reaches only the nearest phrase. Before: in "police not invited to ICPC" the cue stops at
        # "invited", so the conference is not negated. After: in "decision: strategy discussion to be held"
        # it is the strategy discussion that is planned, not the decision.
        before = bisect_right(stops, first) - 1
        reach = stops[before] if before >= 0 else 0  # a cue before must end at or after this word
        following = bisect_left(type_starts, stop)
        ceiling = min(words[1], type_starts[following]) if following < len(type_starts) else words[1]
        context = self._context_of(row, first, stop, gaps, (words[0], ceiling), reach, pattern.context_matters)
        if context == "negated":
            negated.add(pattern.index)
            action = pattern.negated
        elif context == "planned":
            planned.add(pattern.index)
            action = pattern.planned
        elif context == "referenced":
            action = pattern.referenced
        else:
            action = pattern.positive
        if action is None or not action.captures:
            captured = ()
        return _Occurrence(pattern, start, end, first, stop, clause, action, captured)

    def _context_of(self, row: _Row, first: int, stop: int, gaps: list[tuple[int, int]],
                    words: tuple[int, int], reach: int, contexts: frozenset[str]) -> str | None:
        floor, ceiling = words
        if gaps and self._negation is not None:  # a cue inside a `...` gap
            inside = _cue_spans(row, self._negation)[0]
            if any(a <= begin and end <= b for a, b in gaps for begin, end in inside):
                return "negated"
        for name, cues in self._contexts.items():
            if name not in contexts:
                continue
            before, after = _cue_spans(row, cues)
            # before: ending at most `window` words before the phrase, in its clause, not cut off by another phrase
            if any(begin >= floor and reach <= end <= first and first - end <= cues.window for begin, end in before):
                return name
            # after: starting at most `after_window` words after it, before the clause or the next type phrase ends
            if any(begin >= stop and end <= ceiling and begin - stop <= cues.after_window for begin, end in after):
                return name
        return None

    # -- effects -----------------------------------------------------------------------------------------

    def _effects(self, row: _Row, occurrences: list[_Occurrence], final_type: str | None,
                 anchors: list[_Occurrence], agency: str | None, given: bool) -> tuple[dict[str, Any], set[int]]:
        scalars: dict[str, tuple[tuple[int, int, int], Any]] = {}
        added: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        defaults: list[str] = []
        fired: set[int] = set()
        anywhere = given and not anchors  # a type column and no phrase of its type: `near` cannot be measured
        for occ in occurrences:
            action, pattern = occ.action, occ.pattern
            if action is None or (action.type is not None and action.type != final_type):
                continue
            if pattern.for_types is not None and final_type not in pattern.for_types:
                continue
            if pattern.near is not None and not anywhere and not _is_near(occ, anchors, pattern.near):
                continue
            fired.add(pattern.index)
            rank = (pattern.priority, -pattern.index, -occ.start)
            for name, value in (*action.scalars, *occ.captured):
                if name not in scalars or rank > scalars[name][0]:
                    scalars[name] = (rank, value)
            for name, values in action.add:
                added.setdefault(name, set()).update(values)
            for name, values in action.remove:
                removed.setdefault(name, set()).update(values)
                added.setdefault(name, set())
            for spec in action.collect:
                names = _collected(row, occ, spec)
                if not names:
                    continue
                if spec.is_list:
                    (removed if spec.remove else added).setdefault(spec.attr, set()).update(names)
                    added.setdefault(spec.attr, set())
                elif spec.attr not in scalars or rank > scalars[spec.attr][0]:
                    scalars[spec.attr] = (rank, names[0])
            defaults.extend(action.row_agency)
        if agency is not None:
            for name in defaults:
                if name in self._list_attrs:
                    added.setdefault(name, set()).add(agency)
                elif name not in scalars:
                    scalars[name] = ((-(10**9), 0, 0), agency)
        attrs: dict[str, Any] = {name: value for name, (_, value) in scalars.items()}
        for name, values in added.items():
            attrs[name] = sorted(values - removed.get(name, set()))
        return {name: attrs[name] for name in sorted(attrs)}, fired


def _cue_spans(row: _Row, cues: _Cues) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where the row's before-cues and after-cues are, as word ranges: found once per row and context, so
    each phrase's check is a look at a list that is nearly always empty."""
    key = id(cues)
    found = row.cues.get(key)
    if found is not None:
        return found
    words = row.words
    before: list[tuple[int, int]] = []
    after: list[tuple[int, int]] = []
    for word in row.word_set.intersection(cues.before):
        for last in row.positions(word):
            for cue in cues.before[word]:
                begin = last - len(cue) + 1
                if begin >= 0 and tuple(words[begin:last + 1]) == cue and _is_cue(row, cues, begin, last + 1):
                    before.append((begin, last + 1))
    for word in row.word_set.intersection(cues.after):
        for begin in row.positions(word):
            for cue in cues.after[word]:
                end = begin + len(cue)
                if tuple(words[begin:end]) == cue and _is_cue(row, cues, begin, end):
                    after.append((begin, end))
    found = row.cues[key] = (before, after)
    return found


def _is_cue(row: _Row, cues: _Cues, first: int, stop: int) -> bool:
    """Not hyphenated onto a word ("re-referred"), and not part of an exception ("no further action")."""
    if row.joined(first, stop):
        return False
    if not cues.exceptions:
        return True
    key = id(cues)
    mask = row.masks.get(key)
    if mask is None:
        covered: set[int] = set()
        words = row.words
        for word in row.word_set.intersection(cues.exceptions):
            for begin in row.positions(word):
                for exception in cues.exceptions[word]:
                    if tuple(words[begin:begin + len(exception)]) == exception:
                        covered.update(range(begin, begin + len(exception)))
        mask = row.masks[key] = frozenset(covered)
    return not any(i in mask for i in range(first, stop))


def _is_near(occ: _Occurrence, anchors: list[_Occurrence], near: int) -> bool:
    """Within `near` words of a phrase that gave the row its type, in the same clause."""
    for anchor in anchors:
        if anchor.clause != occ.clause:
            continue
        if occ.first >= anchor.stop:
            between = occ.first - anchor.stop
        elif anchor.first >= occ.stop:
            between = anchor.first - occ.stop
        else:
            return True  # they overlap
        if between <= near:
            return True
    return False


def _collected(row: _Row, occ: _Occurrence, spec: _Collect) -> list[str]:
    """Agencies named in the occurrence's clause, or just after or before it, nearest first."""
    first, last = occ.clause
    out: list[str] = []
    if spec.scope == "clause":
        out = [m.agency for m in row.mentions if m.start >= first and m.end <= last and not m.place]
    elif spec.scope == "after":
        out = [m.agency for m in row.mentions if occ.end <= m.start < last and m.first - occ.stop <= spec.within]
    else:
        out = [m.agency for m in reversed(row.mentions)
               if first <= m.start and m.end <= occ.start and occ.first - m.stop <= spec.within]
    return list(dict.fromkeys(out))


def _captured(m: re.Match[str], captures: tuple[tuple[str, AttributeDef], ...],
              value_map: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Named groups of an author's regex, converted to the attribute's type; a value that does not fit is dropped."""
    out = []
    for name, definition in captures:
        raw = m.group(name)
        if raw is None:
            continue
        key = " ".join(raw.lower().split())
        value: Any = value_map.get(key, key)
        if definition.type == "integer" and isinstance(value, str):
            value = int(value) if value.isdigit() else None
        elif definition.type == "text":
            value = str(value)
        fits = {"enum": value in definition.values, "bool": isinstance(value, bool)}.get(definition.type, True)
        if value is not None and fits:
            out.append((name, value))
    return tuple(out)


# --- loading -----------------------------------------------------------------------------------------

def default_classification_path() -> Path:
    """The classification rules installed with the package (rules/classification.yaml)."""
    return Path(str(resources.files("auditor_rules"))) / "classification.yaml"


def load_classifier(path: str | Path | None = None, vocabulary: Vocabulary | None = None) -> Classifier:
    """Default path: the packaged rules/classification.yaml. Validates everything and raises
    auditor.errors.InputError with one Problem(file, line, field, message) per problem:
    unknown type/attribute/agency/value (checked against the vocabulary), duplicate ids, bad regexes
    (re.error message), unknown keys."""
    file = Path(path) if path is not None else default_classification_path()
    doc = load_file(file)
    if vocabulary is None:
        vocabulary = _vocabulary_near(file)
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "expected a mapping with `version`, `clauses`, `negation` and `patterns`")])
    try:
        spec = ClassificationFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, doc)) from None
    return _Compiler(doc, spec, vocabulary).build()


def _vocabulary_near(file: Path) -> Vocabulary:
    """The vocabulary beside the classification file if there is one, else the installed one."""
    beside = file.parent / "vocabulary.yaml"
    if not beside.is_file():
        beside = default_classification_path().parent / "vocabulary.yaml"
    return validate(Vocabulary, load_file(beside))


class _Compiler:
    """Validates a parsed file against the vocabulary and compiles it, collecting every problem."""

    def __init__(self, doc: Document, spec: ClassificationFile, vocabulary: Vocabulary):
        self.doc = doc
        self.spec = spec
        self.vocab = vocabulary
        self.problems: list[Problem] = []
        self.expand: list[tuple[re.Pattern[str], dict[str, str]] | None] = [None, None]
        self.rewritten: dict[str, str] = {}
        self.pattern_specs: list[PatternSpec | None] = []
        try:  # all at once (fast); pattern by pattern only to report what is wrong with which
            self.pattern_specs = list(_PATTERNS.validate_python(spec.patterns))
        except ValidationError:
            for i, raw in enumerate(spec.patterns):
                try:
                    self.pattern_specs.append(PatternSpec.model_validate(raw))
                except ValidationError as exc:
                    self.problems.extend(problems_from(exc, doc, ("patterns", i)))
                    self.pattern_specs.append(None)

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def build(self) -> Classifier:
        spec = self.spec
        self.expand = [self._expansion("exact_case", spec.expansions.exact_case),
                       self._expansion("any_case", spec.expansions.any_case)]
        self._rewrite_all()
        contexts = {name: self._cues(key, getattr(spec, key)) for name, key in
                    (("negated", "negation"), ("planned", "planned"), ("referenced", "referenced"))}
        mentions, agencies = self._mentions()
        breaks = []
        for i, brk in enumerate(spec.clauses.breaks):
            if brk.strip() or brk == " ":
                breaks.append(brk.translate(_TRANSLATE).lower())
            else:
                self.problem(("clauses", "breaks", i), "a clause break may not be empty")
        break_regex = re.compile("|".join(re.escape(b) for b in sorted(set(breaks), key=len, reverse=True)) or "$^")
        links = self._links()
        patterns, phrases = self._patterns()
        if self.problems:
            raise InputError(self.problems)
        return Classifier(
            self.doc.file, patterns, _PhraseIndex(phrases + mentions, spec.gap_words), agencies,
            {k: v for k, v in contexts.items() if v is not None and (v.before or v.after)}, contexts["negated"],
            self.expand[0], self.expand[1], break_regex, "," in (b.strip() for b in breaks), spec.clauses.list_gap,
            _by([tuple(str(w) for w in v) for i, text in enumerate(spec.clauses.places)
                 for v in self._items(text, ("clauses", "places", i), False, False)], -1),
            links, self.vocab.event_type_ids, frozenset(a.name for a in self.vocab.attributes if a.is_list))

    # -- text rewriting, applied to rows and to every phrase alike --------------------------------------

    def _expansion(self, kind: str, table: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
        clean: dict[str, str] = {}
        for key, value in table.items():
            here = ("expansions", kind, key)
            words = " ".join(str(key).translate(_TRANSLATE).split())
            if kind == "any_case":
                words = words.lower()
            if not words or not isinstance(value, str) or not value.strip():
                self.problem(here, "an expansion needs a word and the words it stands for")
                continue
            if words in clean:
                self.problem(here, f"{key!r} is listed twice")
            clean[words] = " ".join(value.translate(_TRANSLATE).split()).lower()
        if not clean:
            return None
        body = "|".join(re.escape(k) for k in sorted(clean, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), clean

    def _rewrite_all(self) -> None:
        """Every phrase, cue and agency name rewritten as rows are (`Classifier.normalise`), in one pass."""
        spec = self.spec
        texts = [p for pattern in self.pattern_specs if pattern for p in pattern.phrases]
        texts += [p for names in spec.agency_mentions.values() for p in names]
        for cues in (spec.negation, spec.planned, spec.referenced):
            texts += cues.cues + cues.after_cues + cues.exceptions
        texts += spec.clauses.places
        texts = list(dict.fromkeys(t for t in texts if "\x1f" not in t))
        joined = "\x1f".join(" ".join(t.translate(_TRANSLATE).split()) for t in texts)
        exact, any_case = self.expand
        if exact is not None:
            joined = exact[0].sub(lambda m: exact[1][m.group(0)], joined)
        joined = joined.lower()
        if any_case is not None:
            joined = any_case[0].sub(lambda m: any_case[1][m.group(0)], joined)
        self.rewritten = dict(zip(texts, joined.split("\x1f")))

    def _items(self, text: str, path: tuple[Any, ...], gaps: bool, wildcards: bool) -> list[tuple[_Item, ...]]:
        """A phrase as word items, in up to two variants: apostrophes and hyphens splitting words, or joining them.

        "re-arranged" matches "re-arranged", "re arranged" and "rearranged"; "children's" matches "childrens".
        """
        rewritten = self.rewritten.get(text)
        if rewritten is not None and _PLAIN.fullmatch(rewritten):  # most phrases: plain words
            return [tuple(rewritten.split())]
        if rewritten is None or not _WORD.search(rewritten):
            self.problem(path, f"phrase {text!r} has no words to match")
            return []
        segments = [s.strip() for s in rewritten.split("...")]
        if len(segments) > 1 and not gaps:
            self.problem(path, f"{text!r}: `...` gaps are for pattern phrases only")
            return []
        if any(not s for s in segments):
            self.problem(path, f"{text!r}: `...` must stand between words")
            return []
        split: list[_Item] = []
        joined: list[_Item] = []
        for n, segment in enumerate(segments):
            if n:
                split.append(None)
                joined.append(None)
            for word in segment.split():
                if word.isalnum():
                    split.append(word)
                    joined.append(word)
                    continue
                if _MID_WILDCARD.search(word):
                    self.problem(path, f"{text!r}: `*` and `#` may only end a word")
                    return []
                parts = _PARTS.findall(word)
                if not parts:
                    continue
                items = [_item(p) for p in parts]
                plain = all(isinstance(i, str) for i in items)
                if any(item is None for item in items) or (not wildcards and not plain):
                    self.problem(path, f"{text!r}: `*` and `#` may only end a word" if wildcards else
                                 f"{text!r}: cues are plain words (no `*` or `#`)")
                    return []
                split.extend(items)
                whole = _item("".join(parts)) if all(isinstance(i, str) for i in items[:-1]) else None
                joined.extend([whole] if len(parts) > 1 and whole is not None else items)
        if not split or split[0] is None:
            self.problem(path, f"phrase {text!r} has no words to match")
            return []
        return list(dict.fromkeys([tuple(split), tuple(joined)]))

    def _cues(self, key: str, cues: CueSet) -> _Cues | None:
        def words(name: str, texts: list[str]) -> list[tuple[str, ...]]:
            out: list[tuple[str, ...]] = []
            for i, text in enumerate(texts):
                out += [tuple(str(w) for w in v) for v in self._items(text, (key, name, i), False, False)]
            return out

        before, after, exceptions = words("cues", cues.cues), words("after_cues", cues.after_cues), \
            words("exceptions", cues.exceptions)
        if not (before or after):
            return None
        return _Cues(cues.window, _by(before, -1), cues.after_window, _by(after, 0), _by(exceptions, 0))

    # -- agencies as panels write them --------------------------------------------------------------------

    def _mentions(self) -> tuple[list[_Phrase], tuple[str, ...]]:
        phrases: list[_Phrase] = []
        agencies: list[str] = []
        owner: dict[tuple[_Item, ...], str] = {}
        for agency, names in self.spec.agency_mentions.items():
            here = ("agency_mentions", agency)
            if agency not in self.vocab.agency_ids:
                self.problem(here, f"unknown agency {agency!r}; expected ids from the vocabulary's agencies")
                continue
            agencies.append(agency)
            for i, name in enumerate(names):
                for items in self._items(name, here + (i,), False, True):
                    if owner.get(items, agency) != agency:
                        self.problem(here + (i,), f"{name!r} is also listed for {owner[items]!r}")
                        break
                    owner[items] = agency
                    phrases.append(_Phrase(-len(agencies), items))  # negative: an agency's, not a pattern's
        return phrases, tuple(agencies)

    def _links(self) -> tuple[LinkRule, ...]:

        out = []
        for i, link in enumerate(self.spec.links):
            for key, types in (("from", link.source), ("to", link.target)):
                for j, event_type in enumerate(types):
                    if event_type not in self.vocab.event_type_ids:
                        self.problem(("links", i, key, j), f"unknown event type {event_type!r}")
            out.append(LinkRule(link.rel, frozenset(link.source), frozenset(link.target)))
        return tuple(out)

    # -- patterns -----------------------------------------------------------------------------------------

    def _patterns(self) -> tuple[tuple[_Pattern, ...], list[_Phrase]]:
        seen: dict[str, int] = {}
        patterns: list[_Pattern] = []
        phrases: list[_Phrase] = []
        for i, spec in enumerate(self.pattern_specs):
            here = ("patterns", i)
            if spec is None:
                continue
            if not _ID.match(spec.id):
                self.problem(here + ("id",), f"pattern id {spec.id!r}: use lower-case letters, digits and - or _")
            elif spec.id == COLUMN:
                self.problem(here + ("id",), f"{COLUMN!r} is reserved for the table's own type column")
            elif spec.id in seen:
                self.problem(here + ("id",), f"duplicate pattern id {spec.id!r} (also patterns[{seen[spec.id]}])")
            seen.setdefault(spec.id, i)
            items = [variant for j, text in enumerate(spec.phrases)
                     for variant in self._items(text, here + ("phrases", j), True, True)]
            compiled = self._pattern(spec, len(patterns), here)
            if compiled is not None:
                phrases += [_Phrase(compiled.index, variant) for variant in items]
                patterns.append(compiled)
        return tuple(patterns), phrases

    def _pattern(self, spec: PatternSpec, index: int, here: tuple[Any, ...]) -> _Pattern | None:
        ok = len(self.problems)
        if not spec.phrases and not spec.regex:
            self.problem(here, f"pattern {spec.id!r} has no `phrases` or `regex` to match")
        for key in ("agencies", "not_agencies"):
            for j, agency in enumerate(getattr(spec, key)):
                if agency not in self.vocab.agency_ids:
                    self.problem(here + (key, j), f"unknown agency {agency!r}")
        for j, event_type in enumerate(spec.for_types):
            if event_type not in self.vocab.event_type_ids:
                self.problem(here + ("for_types", j), f"unknown event type {event_type!r}")
        if spec.type is not None and (spec.for_types or spec.near is not None):
            self.problem(here + ("for_types" if spec.for_types else "near",),
                         "`for_types` and `near` are for attribute patterns; a type pattern gives the type")
        positive = self._action(spec, here, captures=True)
        regexes = self._regexes(spec, here)
        captured = [(name, definition) for r in regexes for name, definition in r.captures]
        if positive is not None and _is_empty(positive) and not captured:
            self.problem(here, f"pattern {spec.id!r} does nothing: give a `type`, `attrs`, `add`, `remove`, "
                         "`collect`, `row_agency` or a regex with a named group")
        if spec.value_map and not captured:
            self.problem(here + ("value_map",), "`value_map` needs a regex with a named group")
        for key, value in spec.value_map.items() if captured else ():
            messages = [f"{name}: {message}" for name, definition in captured
                        if (message := _capture_problem(definition, value, self.vocab))]
            if len(messages) == len(captured):
                self.problem(here + ("value_map", key), "; ".join(messages))
        default = "skip" if spec.type is not None else "apply"
        negated = self._when(spec.when_negated, positive, here + ("when_negated",))
        planned = self._when(spec.when_planned or default, positive, here + ("when_planned",))
        referenced = self._when(spec.when_referenced or default, positive, here + ("when_referenced",))
        if len(self.problems) > ok or positive is None:
            return None
        return _Pattern(
            spec.id, index, spec.priority, regexes,
            frozenset(spec.agencies) if spec.agencies else None, frozenset(spec.not_agencies),
            frozenset(spec.for_types) if spec.for_types else None, spec.near,
            {" ".join(str(k).lower().split()): v for k, v in spec.value_map.items()},
            positive, negated, planned, referenced,
            frozenset(name for name, action in (("negated", negated), ("planned", planned), ("referenced", referenced))
                      if action is not positive or name == "negated"))

    def _regexes(self, spec: PatternSpec, here: tuple[Any, ...]) -> tuple[_Regex, ...]:
        out = []
        for j, source in enumerate(spec.regex):
            where = here + ("regex", j)
            if not source:
                self.problem(where, "a regex must be non-empty text")
                continue
            try:  # rows are lower-cased: a regex with no capitals needs no IGNORECASE (which is slower)
                compiled = re.compile(source, re.IGNORECASE if source != source.lower() else 0)
            except re.error as exc:
                self.problem(where, f"bad regex: {exc}")
                continue
            except (OverflowError, RecursionError, ValueError) as exc:
                self.problem(where, f"bad regex: {exc}")
                continue
            if compiled.search(""):
                self.problem(where, "this regex matches empty text; it must match at least one character")
                continue
            captures = []
            for name in compiled.groupindex:
                definition = self.vocab.attribute_map.get(name)
                if definition is None:
                    self.problem(where, f"named group {name!r} is not an attribute in the vocabulary")
                elif definition.type not in _CAPTURE_TYPES:
                    self.problem(where, f"named group {name!r}: a {definition.type} attribute cannot be captured "
                                 "from text (use `collect` for agencies)")
                else:
                    captures.append((name, definition))
            out.append(_Regex(compiled, tuple(captures)))
        return tuple(out)

    def _when(self, value: str | dict[str, Any], positive: _Action | None, where: tuple[Any, ...]) -> _Action | None:
        if isinstance(value, str):
            if value not in _MODES:
                self.problem(where, f"expected one of {list(_MODES)} or a block of actions, got {value!r}")
                return None
            if value == "skip" or positive is None:
                return None
            return positive if value == "apply" else self._invert(positive, where)
        try:
            block = ActionBlock.model_validate(value)
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, self.doc, where))
            return None
        return self._action(block, where, captures=False)

    def _invert(self, positive: _Action, where: tuple[Any, ...]) -> _Action | None:
        """`invert`: true and false swap, additions become removals; nothing else has an opposite."""
        if positive.type is not None:
            self.problem(where, "`invert` is for attribute patterns; a type pattern's negation is `skip` or a block")
            return None
        bad = [name for name, value in positive.scalars if not isinstance(value, bool)]
        bad += list(positive.row_agency) + [c.attr for c in positive.collect if not c.is_list]
        if bad:
            self.problem(where, f"`invert` has no opposite for {bad}; give a block of actions instead")
            return None
        return _Action(None, tuple((n, not v) for n, v in positive.scalars), positive.remove, positive.add,
                       tuple(_Collect(c.attr, c.scope, c.within, not c.remove, True) for c in positive.collect),
                       (), False)

    def _action(self, block: ActionBlock, here: tuple[Any, ...], captures: bool) -> _Action | None:
        ok = len(self.problems)
        vocab = self.vocab
        if block.type is not None and block.type not in vocab.event_type_ids:
            self.problem(here + ("type",), f"unknown event type {block.type!r}")
        scalars: list[tuple[str, Any]] = []
        changes: dict[str, dict[str, set[str]]] = {"add": {}, "remove": {}}
        for name, value in block.attrs.items():
            definition = vocab.attribute_map.get(name)
            message = f"unknown attribute {name!r}" if definition is None else \
                attribute_problem(definition, value, vocab, set())
            if message:
                self.problem(here + ("attrs", name), message)
            elif definition is not None and definition.is_list:
                changes["add"].setdefault(name, set()).update(value)
            else:
                scalars.append((name, value))
        for key in ("add", "remove"):
            for name, values in getattr(block, key).items():
                definition = vocab.attribute_map.get(name)
                if definition is None:
                    self.problem(here + (key, name), f"unknown attribute {name!r}")
                elif not definition.is_list:
                    self.problem(here + (key, name), f"{name!r} is not a list attribute; set it with `attrs`")
                elif message := attribute_problem(definition, values, vocab, set()):
                    self.problem(here + (key, name), message)
                else:
                    changes[key].setdefault(name, set()).update(values)
        collects = []
        for j, spec in enumerate(block.collect):
            definition = vocab.attribute_map.get(spec.attr)
            where = here + ("collect", j)
            if definition is None:
                self.problem(where + ("attr",), f"unknown attribute {spec.attr!r}")
                continue
            if definition.type not in _AGENCY_TYPES:
                self.problem(where + ("attr",), f"{spec.attr!r} is a {definition.type} attribute; `collect` gathers "
                             "agencies, for attributes of type agency, agencies or parties")
                continue
            if spec.scope == "clause" and spec.within is not None:
                self.problem(where + ("within",), "`within` is for the scopes `after` and `before`")
            if spec.mode == "remove" and not definition.is_list:
                self.problem(where + ("mode",), f"{spec.attr!r} holds one agency; only a list can have one removed")
            within = spec.within if spec.within is not None else 3
            collects.append(_Collect(spec.attr, spec.scope, within, spec.mode == "remove", definition.is_list))
        for j, name in enumerate(block.row_agency):
            definition = vocab.attribute_map.get(name)
            if definition is None:
                self.problem(here + ("row_agency", j), f"unknown attribute {name!r}")
            elif definition.type not in _AGENCY_TYPES:
                self.problem(here + ("row_agency", j), f"{name!r} is a {definition.type} attribute, not an agency")
        if len(self.problems) > ok:
            return None
        return _Action(block.type, tuple(scalars),
                       tuple((n, tuple(sorted(v))) for n, v in sorted(changes["add"].items())),
                       tuple((n, tuple(sorted(v))) for n, v in sorted(changes["remove"].items())),
                       tuple(collects), tuple(block.row_agency), captures)


_PARTS = re.compile(r"\w+[*#]?|[*#]")  # a phrase's word split at apostrophes, hyphens and other marks, as rows are
_MID_WILDCARD = re.compile(r"[*#]\w")
_PLAIN = re.compile(r"\w+(?: \w+)*")


def _item(part: str) -> _Item:
    """A word of a phrase: plain, `stem*` or `stem#`; None if a wildcard stands alone or mid-word."""
    stem = part.rstrip("*#")
    if not stem or any(c in stem for c in "*#"):
        return None
    if len(part) == len(stem):
        return part
    if len(part) - len(stem) > 1:
        return None
    return (part[-1], stem)


def _by(sequences: list[tuple[str, ...]], position: int) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for seq in dict.fromkeys(sequences):
        out.setdefault(seq[position], []).append(seq)
    return {k: tuple(v) for k, v in out.items()}


def _is_empty(action: _Action) -> bool:
    return not (action.type or action.scalars or action.add or action.remove or action.collect or action.row_agency)


def _capture_problem(definition: AttributeDef, value: Any, vocab: Vocabulary) -> str | None:
    if definition.type == "integer" and isinstance(value, str) and value.isdigit():
        return None
    return attribute_problem(definition, value, vocab, set())
