"""Pattern rules (an `accumulation` of triggers): what reviews keep finding is found from the chronology's own
dates and types, not from a count or a threshold someone recorded; and never claimed on a guess."""

from __future__ import annotations

import pytest
import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text


def _case(events: list[dict], people: list[dict] | None = None, scoping=("2019-06-01", "2021-06-30"),
          jurisdiction: str = "england") -> str:
    people = people or [{"id": "child-1", "role": "child", "pseudonym": "Child 1"}]
    return yaml.safe_dump({
        "case": {"id": "pattern-case", "title": "Pattern case", "jurisdiction": jurisdiction,
                 "scoping": {"from": scoping[0], "to": scoping[1]},
                 "sources": {"s": {"title": "Synthetic"}}, "people": people},
        "events": [{"source": {"document": "s"}, "agency": "childrens-social-care", **e} for e in events],
    }, sort_keys=False)


def _findings(text: str, rulebook, engine, rule_id: str):
    result = audit(chronology_from_text(text, "case.yaml", rulebook.vocabulary), rulebook, engine, "x")
    return [f for f in result.findings if f.rule_id == rule_id]


FIVE_REFERRALS = [  # five referrals about one child in nine months, each closed; no escalation
    {"id": f"R{i}", "date": day, "type": "referral", "agency": agency, "people": ["child-1"],
     "attrs": {"to": "childrens-social-care", "concerns": ["physical-abuse"]}}
    for i, (day, agency) in enumerate([("2020-01-06", "school"), ("2020-03-02", "police"), ("2020-05-11", "gp"),
                                       ("2020-07-20", "school"), ("2020-09-28", "police")], start=1)
] + [{"id": f"D{i}", "date": day, "type": "referral-decision", "people": ["child-1"],
      "attrs": {"decision": "no-further-action"}}
     for i, day in enumerate(["2020-01-07", "2020-03-03", "2020-05-12", "2020-07-21", "2020-09-29"], start=1)]


@pytest.mark.parametrize("engine_name", ["durable", "reference"])
def test_five_referrals_in_nine_months_without_escalation_are_found_as_a_pattern(rulebook, engine_name, request):
    engine = request.getfixturevalue(engine_name)
    found = _findings(_case(FIVE_REFERRALS), rulebook, engine, "repeat-referrals-escalated")
    departures = [f for f in found if f.status == "breach"]
    assert [f.id for f in departures] == ["repeat-referrals-escalated@R3"]
    (finding,) = departures
    # The run is the evidence: the trigger that completed it and the earlier referrals.
    assert [(e.event_id, e.role) for e in finding.evidence] == [
        ("R3", "trigger"), ("R1", "earlier-trigger"), ("R2", "earlier-trigger")]
    assert finding.statement.startswith("The referral on 11/05/2020 (R3) was the 3rd within 12 months "
                                        "(earlier: 06/01/2020 (R1) and 02/03/2020 (R2))")
    assert "is evidenced in the chronology by the deadline of 26/05/2020" in finding.statement
    # R4 and R5 start a new run that does not reach three: no second finding, no finding on every referral.
    assert {f.id for f in found} == {"repeat-referrals-escalated@R3"}


def test_no_pattern_where_a_strategy_discussion_followed(rulebook, durable):
    events = FIVE_REFERRALS + [{"id": "SD", "date": "2020-03-05", "type": "strategy-discussion",
                                "people": ["child-1"], "attrs": {"section47": "single-agency"}}]
    found = _findings(_case(events), rulebook, durable, "repeat-referrals-escalated")
    # The discussion after R2 ends that run: R3, R4, R5 make the next, judged at R5.
    assert [(f.id, f.status) for f in found] == [("repeat-referrals-escalated@R5", "breach")]
    events.append({"id": "SD2", "date": "2020-10-02", "type": "strategy-discussion", "people": ["child-1"]})
    found = _findings(_case(events), rulebook, durable, "repeat-referrals-escalated")
    assert [(f.id, f.status) for f in found] == [("repeat-referrals-escalated@R5", "met")]


def test_a_response_that_may_fall_inside_the_run_ends_it(rulebook, durable):
    """A strategy discussion dated only to March 2020 may be after R2: the pattern is not claimed on a guess."""
    events = FIVE_REFERRALS[:3] + [{"id": "SD", "date": "2020-03", "type": "strategy-discussion"}]
    found = _findings(_case(events), rulebook, durable, "repeat-referrals-escalated")
    assert [f.status for f in found] == ["not-applicable"]


PEOPLE = [{"id": "adult-a", "role": "victim", "pseudonym": "Adult A"},
          {"id": "adult-b", "role": "alleged-perpetrator", "pseudonym": "Adult B"},
          {"id": "adult-c", "role": "alleged-perpetrator", "pseudonym": "Adult C"},
          {"id": "adult-d", "role": "family-member", "pseudonym": "Adult D"}]


def _contact(event_id: str, day: str, about: str, kind: str = "police-contact") -> dict:
    return {"id": event_id, "date": day, "type": kind, "agency": "police", "people": [about, "adult-d"],
            "attrs": {"concerns": ["domestic-abuse"]}}


def test_repeated_police_contacts_about_one_man_without_a_marac_referral(rulebook, durable):
    """Threats to the victim, her father and her friend: five contacts about Adult B in four weeks."""
    events = [_contact("P1", "2013-03-01", "adult-b"), _contact("P2", "2013-03-06", "adult-b", "domestic-abuse-incident"),
              _contact("P3", "2013-03-12", "adult-b"), _contact("P4", "2013-03-20", "adult-b"),
              _contact("P5", "2013-03-27", "adult-b")]
    found = _findings(_case(events, PEOPLE, ("2013-01-01", "2013-06-30")), rulebook, durable,
                      "marac-referral-on-escalation")
    assert [(f.id, f.status) for f in found] == [("marac-referral-on-escalation@P3", "breach")]
    with_referral = events + [{"id": "M", "date": "2013-05-14", "type": "marac-referral", "agency": "police"}]
    found = _findings(_case(with_referral, PEOPLE, ("2013-01-01", "2013-06-30")), rulebook, durable,
                      "marac-referral-on-escalation")
    assert [(f.id, f.status) for f in found] == [("marac-referral-on-escalation@P3", "met")]


def test_contacts_about_different_men_are_not_one_pattern(rulebook, durable):
    events = [_contact("P1", "2013-03-01", "adult-b"), _contact("P2", "2013-03-06", "adult-c"),
              _contact("P3", "2013-03-12", "adult-b"), _contact("P4", "2013-03-20", "adult-c")]
    found = _findings(_case(events, PEOPLE, ("2013-01-01", "2013-06-30")), rulebook, durable,
                      "marac-referral-on-escalation")
    assert [f.status for f in found] == ["not-applicable"]
    assert found[0].statement.startswith("No 3 of domestic abuse incident, police contact, order breach meeting the "
                                         "rule's conditions within 12 months about one alleged perpetrator")
    events.append(_contact("P5", "2013-03-27", "adult-b"))
    found = _findings(_case(events, PEOPLE, ("2013-01-01", "2013-06-30")), rulebook, durable,
                      "marac-referral-on-escalation")
    assert [(f.id, f.status) for f in found] == [("marac-referral-on-escalation@P5", "breach")]
    assert [e.event_id for e in found[0].evidence] == ["P5", "P1", "P3"]


def test_a_contact_that_names_no_perpetrator_counts_for_each_one_the_case_lists(rulebook, durable):
    unnamed = {"id": "P3", "date": "2013-03-12", "type": "police-contact", "agency": "police", "people": ["adult-a"]}
    events = [_contact("P1", "2013-03-01", "adult-b"), _contact("P2", "2013-03-06", "adult-c"), unnamed,
              _contact("P4", "2013-03-20", "adult-b")]
    found = _findings(_case(events, PEOPLE, ("2013-01-01", "2013-06-30")), rulebook, durable,
                      "marac-referral-on-escalation")
    assert [(f.id, f.status) for f in found] == [("marac-referral-on-escalation@P4", "breach")]


def test_an_accumulation_names_a_known_role(tmp_path):
    from auditor.rulebook.schema import WithinCheck

    with pytest.raises(ValueError, match="no `anchor`"):
        WithinCheck.model_validate({"template": "within", "trigger": {"type": "referral"}, "anchor": "first",
                                    "counterpart": {"type": "strategy-discussion"}, "limit": "10 working-days",
                                    "accumulation": {"count": 3, "window": "12 months"}})
    with pytest.raises(ValueError, match="days or months"):
        WithinCheck.model_validate({"template": "within", "trigger": {"type": "referral"},
                                    "counterpart": {"type": "strategy-discussion"}, "limit": "10 working-days",
                                    "accumulation": {"count": 3, "window": "48 hours"}})
