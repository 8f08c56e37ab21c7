"""Find every phrase and agency name in a row's words in one pass, whatever the number of phrases.

Phrases and agency names are matched word by word, not as regexes: a word trie finds every one in a
single pass over a row's words, and building it costs almost nothing at load, where compiling regex
alternations of two thousand phrases would cost several times the whole 50 ms budget.
"""

from __future__ import annotations

from dataclasses import dataclass

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
