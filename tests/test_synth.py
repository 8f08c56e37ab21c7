"""The synthetic case generator: reproducible bytes, cases that load and audit, planted departures the audit finds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest
import typer
from typer.testing import CliRunner

from auditor import synth
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.engine import engine_version
from auditor.cli.synth import register

from .conftest import ROOT

# The departures the brief names, each with a clear rule and trigger.
CLEAR = [
    "icpc-within-15-working-days",
    "police-invited-to-icpc-where-domestic-abuse",
    "conference-report-before-conference",
    "first-core-group-within-10-working-days",
    "police-history-check-in-dash-assessment",
    "case-closure-after-multi-agency-consultation",
]


def load(case, rulebook):
    return chronology_from_text(case.to_json(), f"{case.case_id}.json", rulebook.vocabulary)


def findings_by_trigger(result):
    """(rule, event id) -> finding; a finding on conflicting records is found under each record's id."""
    out = {}
    for f in result.findings:
        if "@" in f.id:
            for event_id in f.id.split("@", 1)[1].split("+"):
                out[(f.rule_id, event_id)] = f
    return out


def audit_all(cases, rulebook, reference):
    return [(case, audit(load(case, rulebook), rulebook, reference, engine_version("reference"))) for case in cases]


@pytest.fixture(scope="module")
def audited(rulebook, reference):
    """60 cases of about 40 events at the default rates, each loaded and audited with the reference matcher."""
    return audit_all(synth.iter_cases(60, 20261125), rulebook, reference)


# -- reproducible --------------------------------------------------------------------------------


def test_same_seed_same_bytes_and_another_seed_differs():
    first = [c.to_json() for c in synth.iter_cases(5, 11)]
    again = [c.to_json() for c in synth.iter_cases(5, 11)]
    other = [c.to_json() for c in synth.iter_cases(5, 12)]
    assert first == again
    assert all(a != b for a, b in zip(first, other))
    assert [c.to_yaml() for c in synth.iter_cases(2, 11)] == [c.to_yaml() for c in synth.iter_cases(2, 11)]


def test_case_i_is_the_same_however_many_are_generated():
    five = [c.to_json() for c in synth.iter_cases(5, 3)]
    fifty = [c.to_json() for c in synth.iter_cases(50, 3)]
    assert fifty[:5] == five
    assert [c.to_json() for c in synth.iter_cases(3, 3, start=4)] == fifty[3:6]
    assert synth.make_case(3, 17).to_json() == fifty[16]
    assert synth.generate(5, 3)[4].plan == synth.make_case(3, 5).plan


def test_cases_are_streamed_one_at_a_time():
    cases = synth.iter_cases(10**9, 1)  # a generator: nothing is built until asked for
    assert next(cases).index == 1 and next(cases).index == 2


def test_cli_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    """Python randomises str hashes per process; no set or dict order may reach the output."""
    script = "from auditor.cli import app; app()"
    outputs = []
    for hash_seed in ("1", "2"):
        target, truth = tmp_path / f"cases-{hash_seed}.jsonl", tmp_path / f"truth-{hash_seed}.json"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        proc = subprocess.run([sys.executable, "-c", script, "synth", "--cases", "15", "--seed", "5", "--jsonl",
                               str(target), "--truth", str(truth)], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.append((target.read_bytes(), truth.read_bytes()))
    assert outputs[0] == outputs[1]


# -- realistic and well-formed -------------------------------------------------------------------


def test_every_case_of_a_sample_loads_and_audits(audited):
    assert len(audited) == 60
    for case, result in audited:
        assert result.meta["case_id"] == case.case_id
        assert {f.rule_id for f in result.findings} >= set(synth.RULES)


def test_pseudonyms_roles_and_areas_only():
    areas = Counter()
    for case in synth.iter_cases(100, 8):
        doc = case.doc
        areas[doc["case"].get("area", "none")] += 1
        for person in doc["case"]["people"]:
            assert re.fullmatch(r"(Adult [AB]|Child \d+|Unborn Child 1)", person["pseudonym"]), person
            assert "names" not in person
        for event in doc["events"]:
            assert re.fullmatch(r"[A-Za-z]+\d+", event.get("author", "SW1"))
            assert not re.search(r"\b(Mr|Mrs|Ms|Miss|Dr)\b", event["summary"])
    assert areas["birmingham"] and areas["none"]
    assert all(a in ("birmingham", "none") or re.fullmatch(r"synth-area-\d", a) for a in areas)


def test_dates_span_2006_to_2024_with_a_controlled_share_of_loose_dates_and_conflicts():
    years, n_events, loose, conflicted, cases_with_conflicts = Counter(), 0, 0, 0, 0
    for case in synth.iter_cases(300, 9):
        events = case.doc["events"]
        n_events += len(events)
        loose += len(case.plan.imprecise)
        groups = case.plan.conflicts
        assert len(groups) <= 2  # at most four readings to audit
        cases_with_conflicts += bool(groups)
        for event in events:
            written = event["date"]
            if isinstance(written, dict):
                assert written["as_written"] and written["earliest"] < written["latest"]
                years[written["earliest"][:4]] += 1
            else:
                assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", written)
                years[written[:4]] += 1
            if "same_event_as" in event:
                conflicted += 1
                assert event["id"] in {i for pair in groups for i in pair}
        loose_ids = set(case.plan.imprecise)
        assert loose_ids == {e["id"] for e in events if isinstance(e["date"], dict) or len(e["date"]) == 7}
    assert all(str(y) in years for y in range(2006, 2025))
    assert 0.04 < loose / n_events < 0.2
    assert 0.003 < conflicted / n_events < 0.05 and cases_with_conflicts >= 5


def test_no_loose_dates_or_conflicts_when_turned_off():
    for case in synth.iter_cases(30, 4, imprecise_rate=0, conflict_rate=0):
        assert not case.plan.imprecise and not case.plan.conflicts
        assert all(isinstance(e["date"], str) and len(e["date"]) == 10 for e in case.doc["events"])


def test_event_count_follows_the_target():
    for target in (5, 40, 120):
        counts = [len(c.doc["events"]) for c in synth.iter_cases(40, 2, target)]
        assert min(counts) >= target and sum(counts) / len(counts) < target * 1.25 + 3


def test_rule_table_matches_the_rulebook(rulebook):
    for rule_id, (template, first, last, area) in synth.RULES.items():
        variants = [v for v in rulebook.variants_of(rule_id) if v.area == area]  # national, or the local rule's
        assert variants, rule_id
        assert {v.check.template for v in rulebook.variants_of(rule_id)} == {template}, rule_id
        assert min(v.in_force.start for v in variants) == first, rule_id
        ends = [v.in_force.end for v in variants]
        assert (None if None in ends else max(ends)) == last, rule_id
    assert set(synth.DEPARTURES) == set(synth.RULES)


# -- planted departures ---------------------------------------------------------------------------


def test_every_planted_departure_is_found_and_every_compliant_opportunity_met(audited):
    departures, met = Counter(), Counter()
    for case, result in audited:
        found = findings_by_trigger(result)
        for o in case.plan.opportunities:
            finding = found.get((o.rule, o.trigger))
            assert finding is not None, (case.case_id, o)
            assert finding.status in o.expected, (case.case_id, o, finding.status, finding.statement)
            if o.departed:
                departures[o.rule] += 1
            elif finding.status == "met":
                met[o.rule] += 1
    for rule in CLEAR:
        assert departures[rule] >= 2 and met[rule] >= 2, rule
    assert len(departures) >= 30  # most kinds were planted somewhere


def test_departures_are_the_only_breaches(audited):
    """A breach the generator did not plant would be a case that is not what its plan says."""
    for case, result in audited:
        planted = {(o.rule, o.trigger) for o in case.plan.departures}
        for f in result.findings:
            if f.status == "breach":
                ids = f.id.split("@", 1)[1].split("+")
                assert any((f.rule_id, i) in planted for i in ids), (case.case_id, f.id, f.statement)


def test_with_no_departures_the_clear_rules_are_met_or_not_applicable(rulebook, reference):
    statuses = Counter()
    for case in synth.iter_cases(30, 77, departure_rate=0, imprecise_rate=0, conflict_rate=0):
        assert case.plan.departures == []
        result = audit(load(case, rulebook), rulebook, reference, engine_version("reference"))
        for f in result.findings:
            assert f.status not in ("breach", "possible-breach"), (case.case_id, f.id, f.statement)
            if f.rule_id in CLEAR:
                assert f.status in ("met", "not-applicable"), (case.case_id, f.id, f.statement)
                statuses[f.rule_id, f.status] += 1
    assert all(statuses[rule, "met"] for rule in CLEAR)


def test_loose_dates_and_conflicts_never_hide_a_departure(rulebook, reference):
    """All departures, every loose date and conflict the generator allows: still breach or possible breach."""
    for case in synth.iter_cases(15, 5, departure_rate=1, imprecise_rate=0.6, conflict_rate=0.6):
        result = audit(load(case, rulebook), rulebook, reference, engine_version("reference"))
        found = findings_by_trigger(result)
        for o in case.plan.opportunities:
            assert found[(o.rule, o.trigger)].status in o.expected, (case.case_id, o)


def test_editions_exercised(rulebook, reference):
    """Across 200 (short) cases, findings under every Working Together edition."""
    editions = Counter()
    for _, result in audit_all(synth.iter_cases(200, 31, events=12), rulebook, reference):
        for f in result.findings:
            if f.status != "not-applicable":
                editions.update(e.label for e in f.editions)
    for label in ("WT 2006", "WT 2010", "WT 2013", "WT 2015", "WT 2018", "WT 2023"):
        assert editions[label] > 0, label


def test_the_2013_change_initial_then_single_assessment():
    kinds = Counter()
    for case in synth.iter_cases(300, 13):
        for e in case.doc["events"]:
            if e["type"] in ("initial-assessment", "single-assessment"):
                referral = next(r for r in case.doc["events"] if r["id"] == e["links"]["follows"])
                before = referral["date"] < "2013-04-15"
                assert (e["type"] == "initial-assessment") == before, (case.case_id, e["id"])
                kinds[e["type"], e["date"][:7]] += 1
    assert kinds["initial-assessment", "2013-04"] or kinds["initial-assessment", "2013-03"]
    assert kinds["single-assessment", "2013-04"] or kinds["single-assessment", "2013-05"]


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer(rich_markup_mode=None)

    @app.callback()
    def main() -> None:
        """The auditor app, for the test."""

    register(app)
    register(app)  # a second call changes nothing
    assert [c.name for c in app.registered_commands] == ["synth"]
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["synth", *args])


def test_cli_writes_one_file_per_case(cli, tmp_path, rulebook):
    result = cli("--cases", "4", "--seed", "1", "--out", str(tmp_path / "json"), "--truth", str(tmp_path / "t.json"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "json").iterdir())
    assert [f.name for f in files] == [f"case-{i:05d}.json" for i in range(1, 5)]
    for f, case in zip(files, synth.iter_cases(4, 1)):
        assert f.read_text(encoding="utf-8") == case.to_json() + "\n"
    truth = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 1 and [p["file"] for p in truth["plans"]] == [f.name for f in files]
    assert truth["plans"][0]["departures"] == [{"rule": o.rule, "trigger": o.trigger, "detail": o.detail}
                                               for o in synth.make_case(1, 1).plan.departures]

    result = cli("--cases", "3", "--seed", "1", "--out", str(tmp_path / "yaml"), "--format", "yaml")
    assert result.exit_code == 0, result.output
    for f in sorted((tmp_path / "yaml").iterdir()):
        assert f.suffix == ".yaml" and "&id" not in f.read_text(encoding="utf-8")
        chronology_from_text(f.read_text(encoding="utf-8"), str(f), rulebook.vocabulary)


def test_cli_json_lines_parse_line_by_line(cli, tmp_path, rulebook):
    target = tmp_path / "cases.jsonl"
    result = cli("--cases", "12", "--seed", "2", "--jsonl", str(target), "--departure-rate", "0.5", "--start", "3")
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    for i, line in enumerate(lines, 3):
        doc = json.loads(line)
        assert doc["case"]["id"] == f"synth-2-{i:05d}"
        chronology_from_text(line, f"cases.jsonl:{i}", rulebook.vocabulary)
    assert "12 synthetic cases" in result.output


def test_cli_rejects_bad_options(cli, tmp_path):
    both = cli("--cases", "1", "--seed", "1", "--out", str(tmp_path / "a"), "--jsonl", str(tmp_path / "b.jsonl"))
    assert both.exit_code == 2 and "not both" in both.output
    assert cli("--cases", "1", "--seed", "1", "--departure-rate", "1.5").exit_code == 2
    assert cli("--cases", "0", "--seed", "1").exit_code == 2
    assert cli("--cases", "1", "--seed", "1", "--format", "yaml").exit_code == 2
