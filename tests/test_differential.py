"""durable-rules and the reference evaluator must agree: on every fixture and on generated chronologies."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.engine.facts import scenario_facts, scenarios

from .conftest import ROOT
from .strategies import chronologies

# Chronologies only: not the founding case's expected findings, the import tables' profiles and labelled
# rows, or the training catalogue.
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.yaml")
                  if not {"expected", "import"} & set(p.parts) and p.name != "catalogue.yaml"
                  and ("heldout" not in p.parts or p.name == "chronology.yaml"))


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures")) for p in FIXTURES])
def test_engines_agree_on_fixture(path: Path, rulebook, reference, durable):
    chron = load_chronology(path, rulebook.vocabulary)
    assert audit(chron, rulebook, durable, "x").findings == audit(chron, rulebook, reference, "x").findings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=chronologies())
def test_engines_agree_on_generated_chronologies(data, rulebook, reference, durable):
    chron = chronology_from_text(json.dumps(data), "generated.json", rulebook.vocabulary)
    for scenario in scenarios(chron):
        facts = scenario_facts(scenario, chron, f"gen#{scenario.index}")
        assert durable.match(facts, "gen#%d" % scenario.index).canonical() == \
            reference.match(facts, "gen#%d" % scenario.index).canonical()
    assert audit(chron, rulebook, durable, "x").findings == audit(chron, rulebook, reference, "x").findings
