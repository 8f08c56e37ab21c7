"""Phrases, cues and agency names from the rule file as the words a row is matched against.

Every text is rewritten as rows are (`Classifier.normalise`: quotes and dashes straightened, the
file's expansions applied, lower case), then cut into word items: plain words, `stem*` (any ending),
`stem#` (an optional number) and `...` gaps. This is the half of the compiler that deals with text;
`loading._Compiler` builds on it.
"""

from __future__ import annotations

import re
from typing import Any

from ...chronology.vocabulary import Vocabulary
from ...errors import Problem
from ...files.reading import Document
from .compiled import _Cues
from .phrase_index import _Item, _Phrase
from .row import _TRANSLATE, _WORD
from .schema import ClassificationFile, CueSet, PatternSpec


class _PhraseText:
    """The compiler's text half; its state (set by `loading._Compiler`) is declared here."""

    doc: Document
    spec: ClassificationFile
    vocab: Vocabulary
    problems: list[Problem]
    expand: list[tuple[re.Pattern[str], dict[str, str]] | None]
    rewritten: dict[str, str]
    pattern_specs: list[PatternSpec | None]

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

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
