"""An event is judged by the edition in force on its date; a local layer overrides the national one."""

import json

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text


def run(rulebook, matcher, events, area=None):
    data = {"case": {"id": "ed", "title": "Editions", "jurisdiction": "england", "area": area,
                     "scoping": {"from": "2012-01-01", "to": "2014-12-31"}},
            "events": [{"agency": "childrens-social-care", "source": {"document": "test"}, **e} for e in events]}
    chron = chronology_from_text(json.dumps(data), "editions.json", rulebook.vocabulary)
    return {f.rule_id: f for f in audit(chron, rulebook, matcher, "x").findings}


def test_wt_2010_applies_up_to_14_april_2013_and_wt_2013_from_15_april(rulebook, durable):
    before = run(rulebook, durable, [
        {"id": "sd", "type": "strategy-discussion", "date": "2013-04-12", "attrs": {"section47": "joint"}},
        {"id": "c", "type": "initial-child-protection-conference", "date": "2013-05-02"}])
    after = run(rulebook, durable, [
        {"id": "sd", "type": "strategy-discussion", "date": "2013-04-15", "attrs": {"section47": "joint"}},
        {"id": "c", "type": "initial-child-protection-conference", "date": "2013-05-02"}])
    assert before["icpc-within-15-working-days"].edition == "WT 2010"
    assert after["icpc-within-15-working-days"].edition == "WT 2013"
    assert before["icpc-within-15-working-days"].status == after["icpc-within-15-working-days"].status == "met"


def test_a_trigger_whose_month_spans_the_boundary_is_judged_under_both_editions(rulebook, durable):
    # "last" strategy discussion (WT 2010) vs the one that initiated section 47 enquiries (WT 2013).
    found = run(rulebook, durable, [
        {"id": "sd1", "type": "strategy-discussion", "date": "2013-04", "attrs": {"section47": "joint"}},
        {"id": "c", "type": "initial-child-protection-conference", "date": "2013-06-28"}])
    finding = found["icpc-within-15-working-days"]
    assert "WT 2010" in finding.edition and "WT 2013" in finding.edition
    assert {c.edition for c in finding.citations} >= {"2010", "2013"}


def test_the_birmingham_layer_applies_only_in_birmingham(rulebook, durable):
    events = [{"id": "c", "type": "initial-child-protection-conference", "date": "2012-06-11"},
              {"id": "r", "type": "conference-report", "date": "2012-06-10",
               "attrs": {"author_agency": "childrens-social-care"}, "links": {"for": "c"}}]
    national = run(rulebook, durable, events, area="coventry")["conference-report-before-conference"]
    local = run(rulebook, durable, events, area="birmingham")["conference-report-before-conference"]
    assert national.status == "met" and not national.local
    assert local.status == "breach" and local.local and "48 hours" in local.statement


def test_rules_apply_only_in_their_jurisdiction(rulebook, durable):
    events = [{"id": "c", "type": "initial-child-protection-conference", "date": "2012-06-11",
               "attrs": {"concerns": ["domestic-abuse"], "invited": ["gp"]}}]
    data = {"case": {"id": "w", "title": "Wales", "jurisdiction": "wales",
                     "scoping": {"from": "2012-01-01", "to": "2012-12-31"}},
            "events": [{"agency": "childrens-social-care", "source": {"document": "test"}, **e} for e in events]}
    chron = chronology_from_text(json.dumps(data), "wales.json", rulebook.vocabulary)
    findings = audit(chron, rulebook, durable, "x").findings
    english = [f for f in findings if "wales" not in rulebook.rules[f.rule_id].jurisdiction]
    assert english and {f.status for f in english} == {"not-applicable"}
    assert all("standard for england; the case's jurisdiction is wales" in f.statement for f in english)
    # Only the Welsh procedures may judge it (tests/test_jurisdictions.py shows them doing so).
    assert all("wales" in rulebook.rules[f.rule_id].jurisdiction for f in findings if f.status != "not-applicable")
    england = run(rulebook, durable, events)
    assert england["police-invited-to-icpc-where-domestic-abuse"].status == "breach"
