"""The training cases (fixtures/training): each loads, gives exactly the departures its catalogue entry
lists and no others, shows the rules it is built to show, and names people by pseudonym and role only."""

from __future__ import annotations

import re

import pytest
import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology

from .conftest import ROOT

TRAINING = ROOT / "fixtures" / "training"
CATALOGUE = yaml.safe_load((TRAINING / "catalogue.yaml").read_text(encoding="utf-8"))["cases"]
ENTRIES = {entry["file"]: entry for entry in CATALOGUE}
FILES = sorted(ENTRIES)
DEPARTURES = ("breach", "possible-breach")

PSEUDONYM = re.compile(r"(Adult [A-Z]|Child \d+|Unborn Child \d+)")
PRACTITIONER_ROLE = re.compile(r"[A-Z][A-Za-z]*\d+")  # SW1, HV1, Chair1, IDVA1


def _raw(name: str) -> dict:
    return yaml.safe_load((TRAINING / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def audited(rulebook, durable):
    """Audit each case once, on first use, with the session's one durable-rules engine."""
    cache: dict = {}

    def get(name: str, area: str | None = None):
        key = (name, area)
        if key not in cache:
            chron = load_chronology(TRAINING / name, rulebook.vocabulary)
            if area is not None:
                chron = chron.model_copy(update={"case": chron.case.model_copy(update={"area": area})})
            cache[key] = audit(chron, rulebook, durable, "test")
        return cache[key]

    return get


def _rules_with(result, status: str) -> set[str]:
    return {f.rule_id for f in result.findings if f.status == status}


def _findings(result, rule_id: str) -> list:
    return [f for f in result.findings if f.rule_id == rule_id]


def test_catalogue_lists_every_case_file_once_and_nothing_else():
    on_disk = {p.name for p in TRAINING.glob("*.yaml")} - {"catalogue.yaml"}
    listed = [entry["file"] for entry in CATALOGUE]
    assert len(listed) == len(set(listed)), "a case is listed twice"
    assert on_disk - set(listed) == set(), "case files missing from catalogue.yaml"
    assert set(listed) - on_disk == set(), "catalogue.yaml lists files that do not exist"
    assert len(listed) >= 13


@pytest.mark.parametrize("name", FILES)
def test_catalogue_entry_is_complete_and_names_real_rules(name, rulebook):
    entry = ENTRIES[name]
    assert set(entry) == {"file", "title", "demonstrates", "description", "expected"}
    assert entry["title"].strip() and entry["description"].strip()
    assert set(entry["expected"]) == {"breach", "possible-breach"}
    named = set(entry["demonstrates"]) | set(entry["expected"]["breach"]) | set(entry["expected"]["possible-breach"])
    assert named <= set(rulebook.rules), named - set(rulebook.rules)
    assert not set(entry["expected"]["breach"]) & set(entry["expected"]["possible-breach"])


@pytest.mark.parametrize("name", FILES)
def test_case_gives_exactly_the_expected_departures(name, audited):
    result = audited(name)
    expected = ENTRIES[name]["expected"]
    for status in DEPARTURES:
        found = _rules_with(result, status)
        assert found == set(expected[status]), (
            status, sorted(found), [f.statement for f in result.findings if f.status == status])


@pytest.mark.parametrize("name", FILES)
def test_every_demonstrated_rule_departs(name, audited):
    result = audited(name)
    for rule_id in ENTRIES[name]["demonstrates"]:
        statuses = {f.status for f in _findings(result, rule_id)}
        assert statuses & set(DEPARTURES), (rule_id, statuses)


@pytest.mark.parametrize("name", FILES)
def test_case_is_short_and_names_people_by_pseudonym_and_role_only(name):
    raw = _raw(name)
    assert 8 <= len(raw["events"]) <= 20
    for person in raw["case"]["people"]:
        assert "names" not in person, f"{person['id']} has real names"
        assert PSEUDONYM.fullmatch(person["pseudonym"]), person["pseudonym"]
    for event in raw["events"]:
        if "author" in event:
            assert PRACTITIONER_ROLE.fullmatch(event["author"]), (event["id"], event["author"])


def test_edition_change_judges_each_referral_by_the_edition_in_force(audited):
    result = audited("edition-change-assessments.yaml")
    editions = {f.edition for f in _findings(result, "referral-decision-within-1-working-day")}
    assert editions == {"WT 2010", "WT 2013"}
    (initial,) = _findings(result, "initial-assessment-within-timescale")
    assert initial.status == "breach" and initial.edition == "WT 2010"
    (single,) = _findings(result, "single-assessment-within-45-working-days")
    assert single.status == "met" and single.edition == "WT 2013"


def test_conflicting_records_give_one_reading_late_and_one_on_time(audited):
    (finding,) = _findings(audited("conflicting-strategy-records.yaml"), "icpc-within-15-working-days")
    assert finding.status == "possible-breach"
    assert sorted(a.status for a in finding.depends_on) == ["breach", "met"]
    assert any("later than expected by 9 working days" in a.statement for a in finding.depends_on)


def test_bank_holidays_move_the_conference_deadline(audited):
    (finding,) = _findings(audited("late-conference-bank-holiday.yaml"), "icpc-within-15-working-days")
    assert "deadline was 18/04/2016" in finding.statement
    assert "later than expected by 3 working days" in finding.statement


@pytest.mark.parametrize(("name", "rule_id", "elsewhere"), [
    ("report-on-the-day.yaml", "conference-report-before-conference", "possible-breach"),
    ("local-48-hour-report.yaml", "conference-report-before-conference", "met"),
    ("single-agency-s47-birmingham.yaml", "section-47-joint-with-police-where-domestic-abuse", "not-applicable"),
])
def test_birmingham_cases_depart_from_the_local_layer_and_not_elsewhere(name, rule_id, elsewhere, audited):
    (local,) = _findings(audited(name), rule_id)
    assert local.status == "breach" and local.local
    (national,) = _findings(audited(name, area="example-borough"), rule_id)
    assert national.status == elsewhere
    if elsewhere == "not-applicable":  # a local-only rule stays marked local, and says why it does not apply
        assert "local standard for birmingham" in national.statement
    else:  # an override: elsewhere the national edition judges
        assert not national.local


@pytest.mark.parametrize("name", FILES)
def test_reference_engine_agrees(name, audited, rulebook, reference):
    other = audit(load_chronology(TRAINING / name, rulebook.vocabulary), rulebook, reference, "test")
    assert other.findings == audited(name).findings


def test_a_report_late_against_a_standard_in_hours_is_measured_in_hours(audited):
    (finding,) = _findings(audited("local-48-hour-report.yaml"), "conference-report-before-conference")
    assert finding.status == "breach"
    assert "provided 19 hours before (on 05/02/2017 15:00)" in finding.statement
    assert finding.figures["hours_before"] == 19.0
