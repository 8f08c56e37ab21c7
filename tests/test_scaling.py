"""A chronology of 10,000 events audits, gets its Word appendix, and the engines agree on it.

Not a timed test (benchmarks/single_case_scaling.py measures time and memory); what it pins is what made
large cases fail or take minutes: every reading of conflicting records matched with all the rest (now each
finding is judged on the conflicts that bear on it: auditor.audit.readings), and fact ids whose hashes collide in
durable-rules' C core (trap 17). The audits and the appendix run through the installed command, as a user runs them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.engine.facts import scenario_facts, scenarios
from auditor.synth import make_case

from .conftest import ROOT

AUDITOR = [sys.executable, "-m", "auditor"]


def _run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*AUDITOR, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)


def _finish(proc: subprocess.Popen) -> None:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-2000:]


def test_a_10000_event_chronology_audits_and_gets_its_word_appendix(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(make_case(1, 1, events=10_000).to_json(), encoding="utf-8")
    durable, reference, appendix = tmp_path / "durable.json", tmp_path / "reference.json", tmp_path / "appendix.docx"
    # Two cores: the Word appendix (its own durable-rules audit, then the document) beside both audits.
    word = _run("report", str(case), "--format", "docx", "--date", "2026-12-06", "--output", str(appendix))
    audits = _run("audit", str(case), "--format", "json", "--output", str(durable))
    _finish(audits)
    audits = _run("audit", str(case), "--format", "json", "--engine", "reference", "--output", str(reference))
    _finish(audits)
    _finish(word)

    found, expected = json.loads(durable.read_text()), json.loads(reference.read_text())
    assert found["meta"]["engine"] == "durable-rules" and expected["meta"]["engine"] == "reference"
    assert found["findings"] == expected["findings"] and found["summary"] == expected["summary"]
    judged = [f for f in found["findings"] if f["status"] != "not-applicable"]
    assert len(judged) > 5000

    with zipfile.ZipFile(appendix) as package:
        assert package.testzip() is None
        body = package.read("word/document.xml").decode("utf-8")
    # Every judged finding is in the appendix, under its reference, and numbered once.
    references = set(re.findall(r"<w:t>([a-z0-9-]+@[^<]+)</w:t>", body))
    assert {f["id"] for f in judged} <= references
    headings = re.findall(r"<w:t(?: [^>]*)?>Finding (\d+): ", body)
    assert len(headings) == len(set(headings)) == len(judged)


def _merged_case():
    spec = importlib.util.spec_from_file_location("single_case_scaling",
                                                  ROOT / "benchmarks" / "single_case_scaling.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.merged_case


def test_many_cases_as_one_chronology_with_six_conflicts_audit_alike_on_both_engines(rulebook, durable, reference):
    # Many synthetic cases as one chronology: six groups of conflicting records (64 whole readings), with rules
    # whose triggers, candidates and anchors touch the conflicting records. Each finding is judged only on the
    # conflicts that bear on it (tests/test_readings.py checks that against the whole readings).
    doc = _merged_case()(400, seed=2, conflict_rate=0.6)
    chron = chronology_from_text(json.dumps(doc), "merged.json", rulebook.vocabulary)
    assert len(scenarios(chron)) == 64
    found = audit(chron, rulebook, durable, "x")
    assert found.findings == audit(chron, rulebook, reference, "x").findings
    assert len(found.readings) == 6 and any(f.depends_on for f in found.findings)


def test_trap_17_fact_ids_whose_hashes_collide_are_both_asserted(rulebook, durable, reference):
    from auditor.engine.durable_engine import _SessionIds, fnv1_32

    # The C core's fnv1Hash32 (FNV-1a: xor, then multiply), checked against the published test vectors.
    assert (fnv1_32(b""), fnv1_32(b"a"), fnv1_32(b"foobar")) == (0x811C9DC5, 0xE40C292C, 0xBF9CF968)
    # Two event ids that hash alike (fact ids are the event ids: the session is the fact's `sid`): durable-rules
    # took the second for the first, asserted twice (MessageObservedException), and refused the case.
    first, second = "E558385", "E1501100"
    assert fnv1_32(first.encode()) == fnv1_32(second.encode())
    text = json.dumps({"case": {"id": "x", "title": "Hash collision", "jurisdiction": "england",
                                "scoping": {"from": "2012-01-01", "to": "2012-12-31"},
                                "people": [{"id": "adult-a", "role": "victim", "pseudonym": "Adult A"}],
                                "agencies": ["police", "childrens-social-care"],
                                "facts": {"domestic_abuse": True}},
                       "events": [{"id": eid, "date": day, "agency": "police", "type": "domestic-abuse-incident",
                                   "people": ["adult-a"], "attrs": {"children_present": True},
                                   "source": {"document": "chronology", "row": row}, "summary": "Incident."}
                                  for row, (eid, day) in enumerate([(first, "2012-03-01"), (second, "2012-04-01")], 1)]})
    chron = chronology_from_text(text, "collide.json", rulebook.vocabulary)
    [reading] = scenarios(chron)
    facts = scenario_facts(reading, chron, "x#0")
    assert {first, second} <= {f["id"] for f in facts}
    found = durable.match(facts, "x#0")
    assert found.canonical() == reference.match(facts, "x#0").canonical()
    assert {e for ids in found.triggers.values() for e in ids} == {first, second}
    # An id asserted later in the session (an obligation) that would collide gets "~" until it does not.
    ids = _SessionIds()
    assert ids.unique(first) == first
    assert ids.unique(second) == second + "~"
    assert ids.unique(second) == second + "~~"
