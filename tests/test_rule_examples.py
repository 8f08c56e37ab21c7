"""Every example written beside a rule in the rulebook, run on both engines."""

import pytest

from auditor.audit.examples import run_rule_test
from auditor.rulebook import load_rulebook

from .conftest import RULES

_BOOK = load_rulebook(RULES)
EXAMPLES = [(rule.id, test) for rule in _BOOK.rules.values() for test in rule.tests]


@pytest.mark.parametrize("engine", ["reference", "durable"])
@pytest.mark.parametrize("rule_id,example", EXAMPLES, ids=[f"{r}:{t.name}" for r, t in EXAMPLES])
def test_rule_example(rule_id, example, engine, rulebook, reference, durable):
    matcher = reference if engine == "reference" else durable
    result = run_rule_test(rulebook, rulebook.rules[rule_id], example, matcher)
    assert result.actual == result.expected
