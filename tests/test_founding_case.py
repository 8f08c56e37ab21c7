"""The founding case (BDHR2012/13-04): the audit must find what the review names, with both citations."""

import json
import re

import pytest
import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology

from .conftest import FOUNDING_CASE, ROOT

EXPECTED = yaml.safe_load((ROOT / "fixtures" / "expected" / "bdhr-2012-13-04.yaml").read_text(encoding="utf-8"))


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
    assert any(c.confirmed and 166 in c.paras for c in f.citations)
    assert any(not c.confirmed and c.edition == "2010" for c in f.citations)


def test_police_not_invited_although_domestic_abuse_was_the_reason(result):
    f = finding(result, "police-invited-to-icpc-where-domestic-abuse")
    assert f.status == "breach"
    assert "Police not evidenced among those recorded as invited" in f.statement
    assert [e.event_id for e in f.evidence] == ["E046"]
    assert 109 in [p for e in f.evidence for p in [109]] and "109" in f.evidence[0].source
    assert any(c.confirmed and c.paras == [228] for c in f.citations)


def test_report_provided_on_the_day_not_48_hours_before(result):
    f = finding(result, "conference-report-before-conference")
    assert f.status == "breach"
    assert f.local, "the Birmingham 48-hour layer should apply"
    assert "48 hours" in f.statement and "on the day" in f.statement
    assert f.figures["expected_by"] == "2012-06-09"
    assert {e.event_id for e in f.evidence} == {"E045", "E046"}
    assert any(c.paras == [112] and c.confirmed for c in f.citations)
    assert any("Birmingham" in c.document and not c.confirmed for c in f.citations)


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
    assert data["meta"]["rulebook_version"].startswith("0.2.0+")
    assert data["summary"]["breach"] >= 3


def _paragraphs(finding, chronology) -> set[int]:
    """The review paragraphs a finding itself names: in its citations of the review and its evidence's sources."""
    cited = {int(p) for c in finding.citations if c.document.startswith("BDHR2012/13-04") for p in c.paras
             if re.fullmatch(r"\d+", str(p))}
    for e in finding.evidence:
        source = chronology.by_id[e.event_id].source
        cited |= {int(p) for p in source.paras if re.fullmatch(r"\d+", str(p))}
    return cited


@pytest.mark.parametrize("entry", EXPECTED["named_by_review"], ids=lambda e: e["finding"])
def test_missed_opportunity_named_by_the_review_is_found_and_cites_its_paragraph(entry, result):
    found = {f.id: f for f in result.findings}
    assert entry["finding"] in found, f"not found: {entry['finding']} (review paras {entry['review']})"
    finding = found[entry["finding"]]
    assert finding.status == entry["status"], (finding.id, finding.statement)
    assert set(entry["review"]) <= _paragraphs(finding, result.chronology), (finding.id, entry["review"])


@pytest.mark.parametrize("entry", EXPECTED["done_properly"], ids=lambda e: e["finding"])
def test_what_the_review_records_as_done_properly_is_met(entry, result):
    finding = next(f for f in result.findings if f.id == entry["finding"])
    assert finding.status == "met", (finding.id, finding.statement)
    assert set(entry["review"]) <= _paragraphs(finding, result.chronology)


def test_no_departure_is_flagged_that_the_expected_list_does_not_account_for(result):
    listed = {e["finding"] for e in EXPECTED["named_by_review"]} | {e["finding"] for e in EXPECTED["not_named_by_review"]}
    flagged = {f.id for f in result.findings if f.status in ("breach", "possible-breach")}
    assert flagged - listed == set(), "departures no one has tied to the review"
    assert listed - flagged == set(), "expected departures the audit no longer gives"
    assert all(e["why"].strip() for e in EXPECTED["not_named_by_review"])
