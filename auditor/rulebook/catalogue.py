"""Questions asked of a loaded rulebook as a whole: is every rule tested and cited, and which rules match a filter.

`auditor rules check` refuses a rulebook whose rules are not tested on both sides
and at an edge; `auditor rules list` filters with `select`. Loading alone (which
an audit does) only insists on what an audit needs, so a user's draft local
layer can be tried on a case before its examples are written.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem
from .loader import Rulebook
from .conditions import describe, label
from .schema import VERIFIED_LEVELS, Citation, Rule


# What counts, for each template, as the standard met, as a departure, and as nothing recorded (not evaluable).
# `auditor rules show` prints these beside each rule, and docs/rulebook-format.md quotes them word for word
# (tests/test_rulebook_tools.py holds the two together). "Paired": see the rulebook format's "Pairing";
# "certainly": on every possible day of every entry involved; "about the same matter": linked to the trigger
# either way, or linked to the same entry as it.
EVIDENCE: dict[str, tuple[str, str, str]] = {
    "within": (
        "an entry paired with the trigger is certainly on or before the deadline",
        "every entry paired with it is certainly after the deadline, or none is recorded and the chronology runs "
        "past the latest possible deadline; where some possible days give one and some the other, a possible "
        "departure",
        "none is recorded and the chronology ends before the deadline could have passed (the window was still "
        "open); or the verdict turns on an entry dated only to more than a year"),
    "follows": (
        "an entry paired with the trigger could be at or after it",
        "none is recorded after it up to the end of the chronology",
        "never: with no window, nothing recorded is a departure"),
    "lead-time": (
        "an entry paired with the trigger is certainly at least the lead time before it",
        "every entry paired with it is certainly later than that; with none recorded, the rule's `absent` status "
        "(a departure unless it says not evaluable)",
        "none is recorded and the rule's `absent` is not-evaluable"),
    "precedes": (
        "an entry paired with the trigger is certainly before it (or on its day, in reading order, when neither "
        "has a time)",
        "none is recorded before it (the rule's `absent` status); where it may be before or after, a possible "
        "departure",
        "none is recorded and the rule's `absent` is not-evaluable"),
    "includes": (
        "the list recorded on the trigger, or on an entry about the same matter, includes one of the values",
        "the list is recorded (an empty list counts) and includes none of them: a recorded negative, such as an "
        "invitation list without the police, is a departure",
        "the list is recorded neither on the trigger nor on an entry about the same matter"),
    "requires": (
        "the trigger, or an entry about the same matter, satisfies the expectation",
        "it does not, and everything the expectation reads is recorded there: a recorded negative (\"not done\", "
        "\"no referral or consultation\") is a departure, never \"not recorded\"",
        "something the expectation reads is recorded neither on the trigger nor on an entry about the same matter"),
}


def evidence_lines(template: str) -> list[str]:
    """The three lines `auditor rules show` prints for a template."""
    met, departure, nothing = EVIDENCE[template]
    return [f"met when {met}", f"a departure when {departure}", f"not evaluable when {nothing}"]


def citations_of(book: Rulebook, rule_id: str) -> list[Citation]:
    """Every citation the rule relies on, national and local, each once, in rulebook order."""
    seen: dict[str, Citation] = {}
    for variant in book.variants_of(rule_id):
        for cite in variant.cites:
            seen.setdefault(cite.model_dump_json(), cite)
    return list(seen.values())


def coverage_problems(book: Rulebook) -> list[Problem]:
    """A rule must carry a breach, a compliant and a boundary example (see docs/rulebook-format.md)."""
    out = []
    for rule_id, rule in sorted(book.rules.items()):
        origin = book.origins[rule_id]
        expects = {status for test in rule.tests
                   for status in ([test.expect] if isinstance(test.expect, str) else test.expect)}
        wanted = [("an example that breaches it (expect: breach)", "breach" in expects),
                  ("an example that meets it (expect: met)", "met" in expects),
                  ("a boundary example (boundary: true)", any(t.boundary for t in rule.tests))]
        missing = [text for text, present in wanted if not present]
        if missing:
            out.append(Problem(origin.file, origin.line, f"{origin.path}.tests" if origin.path else "tests",
                               f"rule {rule_id!r} needs " + ", ".join(missing)))
    return out


@dataclass(frozen=True)
class RuleFilter:
    document: str | None = None
    edition: str | None = None
    severity: str | None = None
    verified: str | None = None  # a level (primary, secondary, no): only rules with a citation at that level

    def admits(self, book: Rulebook, rule: Rule) -> bool:
        cites = citations_of(book, rule.id)
        if self.severity and rule.severity != self.severity:
            return False
        if self.document and not any(_has(c.document, self.document) for c in cites):
            return False
        if self.edition and not (any(_has(e.label, self.edition) for e in rule.editions)
                                 or any(_has(c.edition, self.edition) for c in cites)):
            return False
        return self.verified is None or any(c.verified == self.verified for c in cites)


def level_counts(cites: list[Citation]) -> dict[str, int]:
    """How many citations were checked against the primary text, a secondary source, or nothing."""
    return {level: sum(1 for c in cites if c.verified == level) for level in VERIFIED_LEVELS}


def _has(text: str | None, fragment: str) -> bool:
    return text is not None and fragment.casefold() in text.casefold()


def select(book: Rulebook, wanted: RuleFilter) -> list[Rule]:
    return [rule for _, rule in sorted(book.rules.items()) if wanted.admits(book, rule)]


def describe_check(check: object, names: dict[str, str] | None = None) -> str:
    """One variant's check in words, for the published catalogue, `auditor rules show` and appendices."""
    from .schema import IncludesCheck, LeadCheck, PrecedesCheck, RequiresCheck, Selector, WithinCheck

    def sel(selector: Selector) -> str:
        text = " or ".join(label(t) for t in selector.type)
        return text + (f" ({describe(selector.where, names)})" if selector.where else "")

    def a(selector: Selector) -> str:
        text = sel(selector)
        return ("an " if text[0] in "aeiou" else "a ") + text

    if isinstance(check, WithinCheck):
        anchor = {"each": "", "first": " (the first, if several)", "last": " (the last, if several)"}[check.anchor]
        if check.released_by is not None:
            anchor += f", unless {a(check.released_by)} releases it"
        if check.limit is None:
            return f"{a(check.counterpart)} after the {sel(check.trigger)}{anchor}"
        return f"{a(check.counterpart)} within {check.limit.human()} of the {sel(check.trigger)}{anchor}"
    if isinstance(check, LeadCheck):
        lead = f"at least {check.lead.human()} before" if check.lead.n else "before"
        return f"{a(check.counterpart)} {lead} the {sel(check.trigger)}"
    if isinstance(check, PrecedesCheck):
        return f"{a(check.counterpart)} on or before the {sel(check.trigger)}"
    if isinstance(check, IncludesCheck):
        shown = " or ".join((names or {}).get(v, label(v)) for v in check.value)
        return f"those {label(check.field)} for the {sel(check.trigger)} include {shown}"
    assert isinstance(check, RequiresCheck)
    return f"the {sel(check.trigger)} records {describe(check.expect, names)}"
