"""Case facts an encoder seldom writes are read from the entries: domestic abuse is known from the first entry that
records it (an incident, a DASH, a MARAC step, or concerns of domestic abuse), and from then on only. A fact the
chronology states always wins."""

from __future__ import annotations

import json

import pytest

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.engine.facts import case_values, domestic_abuse_known_from, event_case_values

POLICE_INVITED = "police-invited-to-icpc-where-domestic-abuse"


def _case(events: list[dict], facts: dict | None = None) -> dict:
    case = {"id": "facts", "title": "Case facts", "jurisdiction": "england",
            "scoping": {"from": "2012-01-01", "to": "2012-12-31"}, "sources": {"t": {"title": "test"}}}
    if facts is not None:
        case["facts"] = {k: {"value": v, "source": {"document": "t"}} for k, v in facts.items()}
    return {"case": case, "events": [{"agency": "childrens-social-care", "source": {"document": "t"}, **e}
                                     for e in events]}


INCIDENT = {"id": "I", "date": "2012-03-01", "type": "domestic-abuse-incident", "agency": "police"}
CONFERENCE = {"id": "C", "date": "2012-06-11", "type": "initial-child-protection-conference",
              "attrs": {"invited": ["health-visiting"]}}
EARLY_CONFERENCE = {**CONFERENCE, "id": "C0", "date": "2012-02-01"}


def _findings(doc, rulebook, engine) -> dict[str, str]:
    chron = chronology_from_text(json.dumps(doc), "case.json", rulebook.vocabulary)
    return {f.id: f.status for f in audit(chron, rulebook, engine, "test").findings if f.rule_id == POLICE_INVITED
            and f.status != "not-applicable"}


@pytest.mark.parametrize("engine_name", ["reference", "durable"])
def test_domestic_abuse_recorded_before_a_conference_brings_in_the_standard(rulebook, engine_name, request):
    engine = request.getfixturevalue(engine_name)
    assert _findings(_case([INCIDENT, CONFERENCE]), rulebook, engine) == {f"{POLICE_INVITED}@C": "breach"}
    # Not known yet: the conference before the first incident is not judged as a domestic abuse conference.
    assert _findings(_case([EARLY_CONFERENCE, INCIDENT]), rulebook, engine) == {}
    # No entry records it: nothing is assumed.
    assert _findings(_case([CONFERENCE]), rulebook, engine) == {}


def test_a_stated_fact_wins_over_what_the_entries_say(rulebook, reference):
    assert _findings(_case([INCIDENT, CONFERENCE], {"domestic_abuse": False}), rulebook, reference) == {}
    assert _findings(_case([EARLY_CONFERENCE, INCIDENT], {"domestic_abuse": True}), rulebook, reference) == \
        {f"{POLICE_INVITED}@C0": "breach"}


def test_concerns_of_domestic_abuse_on_any_entry_count_and_a_range_counts_from_its_last_day(rulebook):
    visit = {"id": "V", "date": {"earliest": "2012-04-01", "latest": "2012-04-30"}, "type": "home-visit",
             "attrs": {"concerns": ["domestic-abuse"]}}
    chron = chronology_from_text(json.dumps(_case([visit, CONFERENCE, EARLY_CONFERENCE])), "case.json",
                                 rulebook.vocabulary)
    assert domestic_abuse_known_from(chron).date().isoformat() == "2012-04-30"
    assert case_values(chron)["domestic_abuse"] is True
    by_id = chron.by_id
    assert event_case_values(chron, by_id["C"])["domestic_abuse"] is True
    assert "domestic_abuse" not in event_case_values(chron, by_id["C0"])
