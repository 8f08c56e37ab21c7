"""Readings of conflicting records, factorised (auditor.audit.readings): each finding judged under the combinations
of the conflicts that bear on it gives, for every full reading of the case, what judging that whole reading
gives; no case is refused for its number of conflicts; only readings that change a finding are stated."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from auditor.audit import readings
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.engine.facts import record_groups, scenario_facts, scenarios
from auditor.audit.readings import judge_readings
from auditor.synth import make_case
from auditor.audit.verdicts import verdicts_for
from auditor.audit.wording import party_names, statement
from auditor.audit.prepared import rulebook_data

from .conflicting import with_conflicts
from .conftest import FOUNDING_CASE, ROOT


def _founding(pairs: int) -> dict:
    return with_conflicts(yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8")), pairs)


def _chron(doc: dict, rulebook):
    return chronology_from_text(json.dumps(doc, default=str), "case.json", rulebook.vocabulary)


def _outcome(verdicts) -> tuple | None:
    if verdicts is None:
        return None
    return tuple(sorted((v.variant.key, v.status, statement(v)) for v in verdicts))


def _cases(rulebook):
    yield "founding + 3 pairs", _chron(_founding(3), rulebook)
    for index in range(1, 13):  # synthetic cases with many conflicting records
        doc = json.loads(make_case(7, index, events=40, conflict_rate=1.0).to_json())
        chron = _chron(doc, rulebook)
        if 1 < len(scenarios(chron)) <= 64:
            yield f"synthetic {index}", chron


@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_each_finding_under_its_conflicts_is_what_the_whole_reading_gives(rulebook, reference, durable, engine):
    matcher = reference if engine == "reference" else durable
    data = rulebook_data(rulebook)
    tried = varied = 0
    for name, chron in _cases(rulebook):
        names = party_names(chron, rulebook)
        groups = record_groups(chron)
        judged, _ = judge_readings(chron, matcher,
                                   lambda s, m, rules: verdicts_for(s, m, chron, rulebook, names, rules),
                                   {r: data.variants_of[r] for r in data.rule_ids}, data.anchor)
        for whole in scenarios(chron):
            sid = f"{chron.case.id}#whole{whole.index}"
            found: dict[tuple[str, str], list] = {}
            for v in verdicts_for(whole, matcher.match(scenario_facts(whole, chron, sid), sid), chron, rulebook,
                                  names):
                found.setdefault((v.variant.rule.id, groups[v.trigger.id]), []).append(v)
            assert set(found) <= set(judged), (name, set(found) - set(judged))
            picks = dict(whole.choice)
            for key, part in judged.items():
                combo = tuple((k, picks[k]) for k in part.cluster.bearing)
                index = part.cluster.combos.index(combo)
                got = part.by_combo[index]
                assert _outcome(None if got is None else [v for _, v, _ in got]) == _outcome(found.get(key)), \
                    (name, key, whole.choice)
                tried += 1
                varied += len(part.cluster.combos) > 1
    assert tried > 2000 and varied > 300  # comparisons, and of those under a combination of several


def test_twelve_independent_conflicts_are_audited_and_each_finding_names_only_what_changes_it(rulebook, durable):
    chron = _chron(_founding(12), rulebook)

    class Counted:  # the readings of the whole case actually matched (the full product would be 8,192)
        name, calls = durable.name, 0

        def match(self, facts, sid):
            Counted.calls += 1
            return durable.match(facts, sid)

    result = audit(chron, rulebook, Counted(), "x")
    assert Counted.calls <= 40
    assert len(result.readings) == 13
    icpc = next(f for f in result.findings if f.rule_id.startswith("icpc-within") and f.depends_on)
    assert [a.reading.split(" (")[0] for a in icpc.depends_on] == ["if E039", "if E044"]
    for finding in result.findings:
        assert len(finding.depends_on) <= 8, finding.id
        assert len(finding.statement) < 3000, finding.id


def test_a_reading_under_which_the_standard_does_not_apply_is_stated(rulebook, durable):
    doc = yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8"))
    for event in doc["events"]:
        if event["id"] == "E044":  # social care's record of the strategy discussion, as a visit instead
            event["type"], event["attrs"] = "home-visit", {}
    result = audit(_chron(doc, rulebook), rulebook, durable, "x")
    stated = [(f, a) for f in result.findings for a in f.depends_on
              if a.status == "not-applicable" and "E044" in a.reading]
    assert stated, "no finding states the reading under which its trigger is not a strategy discussion"
    for finding, _ in stated:
        assert finding.status != "breach"  # a departure in one reading only is a possible departure
        assert "depends on which record is right" in finding.statement


def test_too_many_readings_make_one_finding_not_evaluable_and_the_rest_is_audited(rulebook, durable, monkeypatch):
    monkeypatch.setattr(readings, "MAX_READINGS", 1)
    result = audit(_chron(_founding(2), rulebook), rulebook, durable, "x")
    refused = [f for f in result.findings if "combinations of conflicting records bear" in f.statement]
    assert refused and all(f.status == "not-evaluable" for f in refused)
    assert sum(f.status == "breach" for f in result.findings) > 20


def test_the_command_audits_a_case_with_twelve_conflicts(rulebook, tmp_path):
    case = tmp_path / "twelve.json"
    case.write_text(json.dumps(_founding(12), default=str), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(case), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["readings"]) == 13
