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
from .schema import Citation, Rule


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
            out.append(Problem(origin.file, origin.line, f"{origin.path}.tests",
                               f"rule {rule_id!r} needs " + ", ".join(missing)))
    return out


@dataclass(frozen=True)
class RuleFilter:
    document: str | None = None
    edition: str | None = None
    severity: str | None = None
    verified: bool | None = None  # True: has a verified citation; False: has an unverified one

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
