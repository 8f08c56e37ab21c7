"""Run the readable examples written beside each rule (`tests:` in the rule's YAML).

Each example becomes a tiny chronology; the audit's statuses for that rule, in
trigger-date order, must equal `expect`. The test suite runs every example on
both engines; `auditor rules check` runs them too, so a rule author sees a
broken example without Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .audit import Matcher, audit
from .model import Chronology, EventDate
from .rulebook import Rulebook
from .rulebook.schema import Rule, RuleTest


@dataclass(frozen=True)
class RuleTestResult:
    rule_id: str
    name: str
    expected: list[str]
    actual: list[str]
    statements: tuple[str, ...] = ()  # what the audit said, to show beside a failure

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


def chronology_for(rule: Rule, test: RuleTest) -> Chronology:
    events = [{"id": e.id, "type": e.type, "date": e.date, "agency": e.agency, "recorded_by": e.recorded_by,
               "attrs": e.attrs, "links": e.links, "same_event_as": e.same_event_as,
               "source": {"document": "rule-test"}, "summary": test.name} for e in test.events]
    return Chronology.model_validate({"case": _case(rule, test), "events": events})


def _case(rule: Rule, test: RuleTest) -> dict[str, Any]:
    """Without a `scoping`, the example's chronology runs a year either side of its events."""
    scoping = test.scoping
    if scoping is None:
        dates = [EventDate.model_validate(e.date) for e in test.events]
        scoping = {"from": min(d.first_day for d in dates) - timedelta(days=365),
                   "to": max(d.last_day for d in dates) + timedelta(days=365)}
    return {"id": f"test-{rule.id}", "title": test.name, "jurisdiction": rule.jurisdiction, "area": test.area,
            "scoping": scoping, "facts": test.facts}


def run_rule_test(rulebook: Rulebook, rule: Rule, test: RuleTest, matcher: Matcher) -> RuleTestResult:
    result = audit(chronology_for(rule, test), rulebook, matcher, "test")
    found = [f for f in result.findings if f.rule_id == rule.id]
    actual = [f.status for f in found]
    expected = [test.expect] if isinstance(test.expect, str) else list(test.expect)
    if isinstance(test.expect, str) and len(actual) > 1 and set(actual) == {test.expect}:
        expected = actual  # one status given for several triggers: all must have it
    return RuleTestResult(rule.id, test.name, expected, actual, tuple(f.statement for f in found))


def run_all(rulebook: Rulebook, matcher: Matcher, rule_ids: set[str] | None = None) -> list[RuleTestResult]:
    return [run_rule_test(rulebook, rule, test, matcher)
            for rule in rulebook.rules.values() if rule_ids is None or rule.id in rule_ids for test in rule.tests]
