"""Run the readable examples written beside each rule (`tests:` in the rule's YAML).

Each example becomes a tiny chronology (`rulebook.examples`); the audit's statuses for that rule, in
trigger-date order, must equal `expect`. The test suite runs every example on both engines and
`auditor rules test` runs them for a rule author; `auditor rules check` only checks that each makes a
valid chronology.
"""

from __future__ import annotations

from dataclasses import dataclass

from .run import Matcher, audit
from ..rulebook import Rulebook
from ..rulebook.examples import chronology_for
from ..rulebook.schema import Rule, RuleTest


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
