"""The founding case (BDHR2012/13-04): the audit must find what the review names, with both citations."""

import json

import pytest

from auditor.audit import audit
from auditor.chronology_loader import load_chronology

from .conftest import FOUNDING_CASE


@pytest.fixture(scope="module")
def result(rulebook, durable):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, durable, "test")


def finding(result, rule_id):
    found = [f for f in result.findings if f.rule_id == rule_id]
    assert len(found) == 1, [f.id for f in found]
    return found[0]


def test_conference_timescale_depends_on_which_strategy_discussion_record_is_right(result):
    f = finding(result, "icpc-within-15-working-days")
    assert f.status == "possible-breach"
    by_reading = {a.reading: a for a in f.depends_on}
    police = next(a for r, a in by_reading.items() if "01/05/2012" in r)
    social_care = next(a for r, a in by_reading.items() if "23/05/2012" in r)
    assert police.status == "breach" and "later than expected by 11 working days" in police.statement
    assert social_care.status == "met" and "deadline 15/06/2012" in social_care.statement
    assert {e.event_id for e in f.evidence} >= {"E039", "E044", "E046"}
    assert any(c.verified and 166 in c.paras for c in f.citations)
    assert any(not c.verified and c.edition == "2010" for c in f.citations)


def test_police_not_invited_although_domestic_abuse_was_the_reason(result):
    f = finding(result, "police-invited-to-icpc-where-domestic-abuse")
    assert f.status == "breach"
    assert "Police not evidenced among those recorded as invited" in f.statement
    assert [e.event_id for e in f.evidence] == ["E046"]
    assert 109 in [p for e in f.evidence for p in [109]] and "109" in f.evidence[0].source
    assert any(c.verified and c.paras == [228] for c in f.citations)


def test_report_provided_on_the_day_not_48_hours_before(result):
    f = finding(result, "conference-report-before-conference")
    assert f.status == "breach"
    assert f.local, "the Birmingham 48-hour layer should apply"
    assert "48 hours" in f.statement and "on the day" in f.statement
    assert f.figures["expected_by"] == "2012-06-09"
    assert {e.event_id for e in f.evidence} == {"E045", "E046"}
    assert any(c.paras == [112] and c.verified for c in f.citations)
    assert any("Birmingham" in c.document and not c.verified for c in f.citations)


def test_other_missed_opportunities_named_by_the_review(result):
    statuses = {f.id: f.status for f in result.findings}
    assert statuses["first-core-group-within-10-working-days@E046"] == "breach"  # paras 121, 144
    assert statuses["case-closure-after-multi-agency-consultation@E035"] == "breach"  # para 104
    assert statuses["police-history-check-in-dash-assessment@E021"] == "breach"  # paras 93, 189
    assert statuses["initial-assessment-checks-with-gp@E032"] == "breach"  # para 191
    assert statuses["conference-minutes-to-police-where-domestic-abuse@E046"] == "breach"  # paras 121, 168
    assert statuses["victim-seen-alone-where-domestic-abuse@E031"] == "met"  # para 99: seen alone in 2012


def test_every_evidence_entry_cites_a_paragraph_of_the_review(result):
    for f in result.findings:
        for e in f.evidence:
            assert "Overview Report" in e.source and "para" in e.source, (f.id, e)


def test_engines_agree_on_the_founding_case(result, rulebook, reference):
    other = audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test")
    assert other.findings == result.findings


def test_json_is_valid_and_records_versions(result):
    from auditor.reports import render

    data = json.loads(render(result, "json"))
    assert data["meta"]["rulebook_version"].startswith("0.1.0+")
    assert data["summary"]["breach"] >= 3
