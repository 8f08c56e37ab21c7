"""Bad chronologies and rulebooks: one clear message per problem, with file, line and field."""

import pytest

from auditor.chronology.loader import chronology_from_text
from auditor.errors import InputError
from auditor.rulebook import load_rulebook

from .conftest import ROOT

GOOD = """\
case:
  id: t1
  title: Test
  jurisdiction: england
  scoping: {from: 2012-01-01, to: 2012-12-31}
  people:
    - {id: adult-a, role: victim, pseudonym: Adult A}
events:
  - id: E1
    date: 2012-05-01
    agency: police
    type: strategy-discussion
    source: {document: review, paras: [1]}
  - id: E2
    date: 2012-05-20
    agency: childrens-social-care
    type: initial-child-protection-conference
    links: {follows: E1}
    source: {document: review, paras: [2]}
"""


def problems(text, rulebook):
    with pytest.raises(InputError) as caught:
        chronology_from_text(text, "case.yaml", rulebook.vocabulary)
    return caught.value.problems


def test_good_chronology_loads(rulebook):
    chron = chronology_from_text(GOOD, "case.yaml", rulebook.vocabulary)
    assert [e.id for e in chron.events] == ["E1", "E2"]


def test_yaml_syntax_error_names_the_line(rulebook):
    [p] = problems(GOOD.replace("paras: [2]}", "paras: [2}"), rulebook)
    assert p.file == "case.yaml" and p.line == 19 and "not valid YAML" in p.message


def test_unknown_event_type(rulebook):
    [p] = problems(GOOD.replace("type: strategy-discussion", "type: strategy-chat"), rulebook)
    assert (p.line, p.field) == (12, "events[0].type") and "unknown event type 'strategy-chat'" in p.message


def test_case_facts_are_checked_against_the_vocabulary(rulebook):
    facts = "  facts:\n    domestc_abuse: {value: true}\n    housing_involved: {value: 3}\nevents:\n"
    found = {p.field: p for p in problems(GOOD.replace("events:\n", facts, 1), rulebook)}
    assert "unknown case fact 'domestc_abuse'" in found["case.facts.domestc_abuse"].message
    assert found["case.facts.domestc_abuse"].line == 9
    assert "housing_involved.value" in " ".join(found) and "true or false" in found["case.facts.housing_involved.value"].message


def test_impossible_date(rulebook):
    [p] = problems(GOOD.replace("date: 2012-05-20", "date: 2012-02-30"), rulebook)
    assert (p.line, p.field) == (15, "events[1].date") and "not a real date" in p.message


def test_link_to_a_missing_event(rulebook):
    [p] = problems(GOOD.replace("follows: E1", "follows: E9"), rulebook)
    assert p.field == "events[1].links.follows" and p.line == 18 and "missing event 'E9'" in p.message


def test_duplicate_ids(rulebook):
    [p] = problems(GOOD.replace("id: E2", "id: E1"), rulebook)
    assert p.field == "events[1].id" and p.line == 14 and "duplicate event id 'E1'" in p.message


def test_several_problems_are_all_reported(rulebook):
    text = GOOD.replace("type: strategy-discussion", "type: x").replace("date: 2012-05-20", "date: 2012-13-01")
    text = text.replace("agency: police", "agency: polise")
    found = problems(text, rulebook)
    assert {p.field for p in found} == {"events[0].type", "events[0].agency", "events[1].date"}


def test_unknown_attribute_and_wrong_type(rulebook):
    text = GOOD.replace("    links: {follows: E1}\n", "    attrs: {invited: police, colour: red}\n")
    found = {p.field: p.message for p in problems(text, rulebook)}
    assert "expected a list" in found["events[1].attrs.invited"]
    assert "unknown attribute 'colour'" in found["events[1].attrs.colour"]


def test_not_a_mapping(rulebook):
    [p] = problems("- just\n- a list\n", rulebook)
    assert "expected a mapping" in p.message


@pytest.mark.parametrize("name,expected", [
    ("missing-citation", ["editions[0].cite", "at least 1 item", "cite[0].checked: required field is missing"]),
    ("overlapping-editions", ["editions[1].in_force", "overlaps edition 'WT 2010'"]),
    ("unknown-event-type", ["trigger.type", "unknown event type 'strategy-disscussion'", "check.limit"]),
])
def test_broken_rulebooks(name, expected):
    with pytest.raises(InputError) as caught:
        load_rulebook(ROOT / "tests" / "broken" / name)
    text = str(caught.value)
    for fragment in expected:
        assert fragment in text, text
    for p in caught.value.problems:
        assert p.file.endswith(".yaml") and p.line, p
