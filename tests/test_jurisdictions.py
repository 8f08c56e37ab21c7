"""A case is judged by the procedures of the country it happened in: a Welsh case by the Wales Safeguarding
Procedures, never by Working Together, and an English case never by the Welsh procedures; a rule whose text
governs both (the police's APP, NICE, MARAC and the disclosure scheme) applies in both."""

from __future__ import annotations

import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology

from .conftest import ROOT

TRAINING = ROOT / "fixtures" / "training"


def _audit(name, rulebook, engine, jurisdiction=None):
    chron = load_chronology(TRAINING / name, rulebook.vocabulary)
    if jurisdiction:
        chron = chron.model_copy(update={"case": chron.case.model_copy(update={"jurisdiction": jurisdiction})})
    return audit(chron, rulebook, engine, "test")


def _judged(result):
    return [f for f in result.findings if f.status != "not-applicable"]


def test_the_welsh_and_english_cases_hold_the_same_events():
    wales, england = (yaml.safe_load((TRAINING / f"{c}-late-conference.yaml").read_text(encoding="utf-8"))
                      for c in ("wales", "england"))
    assert wales["events"] == england["events"]
    assert (wales["case"]["jurisdiction"], england["case"]["jurisdiction"]) == ("wales", "england")


def test_the_same_events_are_judged_by_each_country_s_own_procedures(rulebook, durable):
    wales = _audit("wales-late-conference.yaml", rulebook, durable)
    england = _audit("england-late-conference.yaml", rulebook, durable)
    for result, country, other in ((wales, "wales", "england"), (england, "england", "wales")):
        judged = _judged(result)
        assert judged
        for f in judged:
            assert country in rulebook.rules[f.rule_id].jurisdiction, (country, f.id)
    assert {f.id: f.status for f in _judged(wales) if f.status == "breach"} == {
        "wales-icpc-within-15-working-days@E05": "breach"}
    assert {f.id: f.status for f in _judged(england) if f.status == "breach"} == {
        "icpc-within-15-working-days@E05": "breach"}
    welsh_sources = {c.document for f in _judged(wales) for c in f.citations}
    english_sources = {c.document for f in _judged(england) for c in f.citations}
    assert "Wales Safeguarding Procedures (children)" in welsh_sources
    assert not any("Working Together" in d for d in welsh_sources)
    assert "Working Together to Safeguard Children" in english_sources
    assert not any("Wales" in d for d in english_sources)
    # The English rules are not applicable to the Welsh case, and say why.
    icpc = next(f for f in wales.findings if f.rule_id == "icpc-within-15-working-days")
    assert icpc.status == "not-applicable" and "the case's jurisdiction is wales" in icpc.statement


def test_a_rule_for_england_and_wales_applies_in_both_and_the_care_act_only_in_england(rulebook, durable):
    for country in ("england", "wales"):
        result = _audit("adult-contacts-no-marac.yaml", rulebook, durable, jurisdiction=country)
        statuses = {f.rule_id: f.status for f in _judged(result)}
        assert statuses["idva-referral-where-high-risk"] == "met"
        assert statuses["stalking-risk-assessment-where-stalking"] == "met"
    care_act = rulebook.rules["adult-safeguarding-enquiry-where-care-and-support-needs"]
    assert care_act.jurisdiction == ["england"]


def test_the_adult_case_engages_the_adult_standards(rulebook, durable):
    """No child in the household: the audit still finds what to ask, and what was done well."""
    result = _audit("adult-contacts-no-marac.yaml", rulebook, durable)
    judged = {f.rule_id: f.status for f in _judged(result)}
    adult = {rule_id for rule_id, status in judged.items()
             if rulebook.origins[rule_id].family in ("adult-domestic-abuse", "police-domestic-abuse")}
    assert adult == set(judged)
    assert judged["marac-referral-on-escalation"] == "breach"
    assert judged["idva-referral-where-high-risk"] == "met"
    assert judged["stalking-risk-assessment-where-stalking"] == "met"
    escalation = next(f for f in result.findings if f.rule_id == "marac-referral-on-escalation")
    assert [e.event_id for e in escalation.evidence] == ["E05", "E01", "E04"]
