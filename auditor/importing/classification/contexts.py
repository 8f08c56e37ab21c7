"""Whether an occurrence of a phrase is negated, planned or referenced: a cue close enough to it in its clause.

"No referral was made" is not a referral, "ICPC to be held" is not yet a conference, and "referral
received re the incident" does not record the incident (the header of rules/classification.yaml gives
the rule in full). Each context's cues are found once per row; a pattern's `when_negated`,
`when_planned` and `when_referenced` say what its occurrence does in that context
(`classifier.Classifier._occurrence`).
"""

from __future__ import annotations

from .compiled import _Cues
from .row import _Row


def _context_of(row: _Row, first: int, stop: int, gaps: list[tuple[int, int]], words: tuple[int, int], reach: int,
                contexts: frozenset[str], cue_sets: dict[str, _Cues], negation: _Cues | None) -> str | None:
    """The context (negated, planned, referenced) an occurrence at words [first, stop) is in, or None.

    `words` is the stretch a cue must lie in (its clause, up to the next type phrase), `reach` where a cue
    before it must end; `contexts` are the ones in which its pattern acts differently (only those are
    looked for), `cue_sets` each context's cues, and `negation` is also looked for inside a `...` gap."""
    floor, ceiling = words
    if gaps and negation is not None:  # a cue inside a `...` gap
        inside = _cue_spans(row, negation)[0]
        if any(a <= begin and end <= b for a, b in gaps for begin, end in inside):
            return "negated"
    for name, cues in cue_sets.items():
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
