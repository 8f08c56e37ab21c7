"""A rule's authority fits the case: no finding cites another area's procedures as its standard, and what
rests only on one area's review is practice learning elsewhere: shown apart in every output, counted in
none of the standards' figures, and left out with --no-learning."""

from __future__ import annotations

import csv
import json

import pytest

from auditor.audit.run import audit
from auditor.batch.runner import run_batch
from auditor.batch.worker import CaseOptions
from auditor.chronology.loader import load_chronology
from auditor.rulebook.catalogue import citations_of

from .conftest import ROOT, cli as run

TRAINING = ROOT / "fixtures" / "training"
ELSEWHERE = TRAINING / "police-not-invited.yaml"  # example-borough: the police-invitation rule is learning here
LOCAL = {"birmingham": ("BDHR2012/13-04", "Birmingham Safeguarding")}


def test_a_rule_resting_only_on_one_area_s_sources_is_local_or_says_it_is_learning(rulebook):
    for rule_id, rule in rulebook.rules.items():
        cites = citations_of(rulebook, rule_id)
        for area, names in LOCAL.items():
            only_local = all(any(c.document.startswith(n) for n in names) for c in cites)
            if only_local and rule.area is None:
                assert rule.learning is not None and rule.learning.area == area, rule_id


@pytest.mark.parametrize("case", sorted(p.name for p in TRAINING.glob("*.yaml") if p.name != "catalogue.yaml"))
def test_no_finding_cites_another_area_s_procedures(case, rulebook, durable):
    chron = load_chronology(TRAINING / case, rulebook.vocabulary)
    for f in audit(chron, rulebook, durable, "x").findings:
        # A not-applicable finding of a local rule names the area's procedures to say they do not apply here.
        if chron.case.area != "birmingham" and f.status != "not-applicable":
            assert not any("Birmingham Safeguarding" in c.document for c in f.citations), (case, f.id)
        if f.learning:
            assert chron.case.area != rulebook.rules[f.rule_id].learning.area


def test_the_same_rule_is_a_standard_in_its_area_and_learning_elsewhere(rulebook, durable):
    chron = load_chronology(ELSEWHERE, rulebook.vocabulary)
    rule = "police-invited-to-icpc-where-domestic-abuse"
    elsewhere = [f for f in audit(chron, rulebook, durable, "x").findings if f.rule_id == rule]
    assert [(f.status, f.learning) for f in elsewhere] == [("breach", "BDHR2012/13-04")]
    local = chron.model_copy(update={"case": chron.case.model_copy(update={"area": "birmingham"})})
    there = [f for f in audit(local, rulebook, durable, "x").findings if f.rule_id == rule]
    assert [(f.status, f.learning) for f in there] == [("breach", "")]
    without = audit(chron, rulebook, durable, "x", learning=False)
    assert not any(f.rule_id == rule for f in without.findings)
    assert without.meta["learning"] == "left out"


def test_the_table_and_json_show_learning_apart_and_no_learning_leaves_it_out():
    table = run("audit", str(ELSEWHERE))
    assert table.returncode == 0, table.stderr
    summary, learning = table.stdout.splitlines()[4:6]
    assert summary == "Summary: 17 met, 40 not applicable"  # the standards alone: no departure
    assert learning.startswith("Practice learning from BDHR2012/13-04 (not standards in this case's area")
    assert "Practice learning from BDHR2012/13-04: departures (1)" in table.stdout
    data = json.loads(run("audit", str(ELSEWHERE), "--format", "json").stdout)
    kinds = {f["rule_id"]: f["learning"] for f in data["findings"]}
    assert kinds["police-invited-to-icpc-where-domestic-abuse"] == "BDHR2012/13-04"
    assert kinds["icpc-within-15-working-days"] == ""
    without = run("audit", str(ELSEWHERE), "--no-learning")
    assert "left out (--no-learning)" in without.stdout and "police-invited" not in without.stdout


def test_the_appendix_lists_learning_in_its_own_section(tmp_path):
    out = tmp_path / "a.md"
    assert run("report", str(ELSEWHERE), "--format", "md", "--output", str(out), "--date", "2026-12-07").returncode == 0
    text = out.read_text(encoding="utf-8")
    standards, _, learning = text.partition("## 6. Practice learning from other reviews")
    assert "police-invited-to-icpc-where-domestic-abuse@E11" in learning
    assert "police-invited-to-icpc-where-domestic-abuse@E11" not in standards
    assert "(Departure; practice learning from BDHR2012/13-04)" in learning
    quiet = tmp_path / "b.md"
    run("report", str(ELSEWHERE), "--format", "md", "--output", str(quiet), "--date", "2026-12-07", "--no-learning")
    assert "Practice learning" not in quiet.read_text(encoding="utf-8")


def test_the_board_counts_learning_apart(tmp_path, rulebook):
    inputs = [str(ELSEWHERE), str(ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml")]
    assert run_batch(inputs, tmp_path / "with", workers=0, formats=("csv",), engine="reference").failed == 0, \
        (tmp_path / "with" / "errors.csv").read_text(encoding="utf-8")
    rule = "police-invited-to-icpc-where-domestic-abuse"
    with open(tmp_path / "with" / "board-csv" / "learning.csv", encoding="utf-8", newline="") as f:
        learning = {r["rule_id"]: r for r in csv.DictReader(f)}
    with open(tmp_path / "with" / "board-csv" / "standards.csv", encoding="utf-8", newline="") as f:
        standards = {r["rule_id"]: r for r in csv.DictReader(f)}
    assert (learning[rule]["breach"], learning[rule]["practice learning from"]) == ("1", "BDHR2012/13-04")
    assert standards[rule]["breach"] == "1"  # the founding case, in Birmingham, where it is a standard
    run_batch(inputs, tmp_path / "without", workers=0, formats=("csv",), engine="reference",
              options=CaseOptions(learning=False))
    assert not (tmp_path / "without" / "board-csv" / "learning.csv").exists()
