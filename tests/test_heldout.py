"""The held-out cases (fixtures/heldout/, encoded blind from published sources) keep their findings: a rule or
semantics change that loses a departure the source names, or raises one nobody has judged, is seen here.

findings.yaml pins every finding's status; regenerate it with `python scripts/score_heldout.py --pin` after a
deliberate change and say why in the commit. The chronologies are never edited to make a rule fire."""

from __future__ import annotations

import importlib.util

import pytest
import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology

from .conftest import ROOT

HELDOUT = ROOT / "fixtures" / "heldout"
CASES = sorted(p.name for p in HELDOUT.iterdir() if (p / "chronology.yaml").exists())


def _scoring():
    spec = importlib.util.spec_from_file_location("score_heldout", ROOT / "scripts" / "score_heldout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", CASES)
def test_a_held_out_case_keeps_its_findings_and_every_other_departure_is_judged(case, rulebook, durable):
    folder = HELDOUT / case
    result = audit(load_chronology(folder / "chronology.yaml", rulebook.vocabulary), rulebook, durable, "x")
    pinned = yaml.safe_load((folder / "findings.yaml").read_text(encoding="utf-8"))["findings"]
    assert {f.id: f.status for f in result.findings if f.status != "not-applicable"} == pinned
    score = _scoring().score(folder, result)
    assert [r["id"] for r in score["raised"] if r["judged"] == "unjudged"] == []
    # The README states these figures: it must say what the audit does.
    assert readme_row(score) in (HELDOUT / "README.md").read_text(encoding="utf-8")


def readme_row(score: dict) -> str:
    """The case's row of the figures table in fixtures/heldout/README.md."""
    raised = score["raised"]
    recall = f"{score['found']} ({score['found'] / score['encodable']:.0%})" if score["encodable"] else "n/a"
    return (f"| `{score['case']}` | {score['departures']} | {score['encodable']} | {recall} | {len(raised)} | "
            f"{sum(r['judged'] == 'plausible' for r in raised)} | {sum(r['judged'] == 'false' for r in raised)} |")
