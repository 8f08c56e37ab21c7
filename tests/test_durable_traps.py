"""Regression tests for the durable-rules traps (docs/durable-rules-traps.md)."""

import json
import subprocess
import sys
import textwrap

import pytest

from auditor.chronology.loader import chronology_from_text
from auditor.engine.durable_engine import compile_ruleset
from auditor.engine.facts import scenario_facts, scenarios
from auditor.chronology import Chronology
from auditor.rulebook.examples import chronology_for

from .conftest import ROOT


def facts_for(rulebook, rule_id, example_name, sid):
    rule = rulebook.rules[rule_id]
    test = next(t for t in rule.tests if t.name == example_name)
    chron = chronology_for(rule, test)
    return scenario_facts(scenarios(chron)[0], chron, sid)


def test_trap_1_absence_is_not_concluded_before_the_counterpart_arrives(rulebook, durable):
    # The conference is asserted after the strategy discussion in the same batch: the candidate must still be found.
    facts = facts_for(rulebook, "icpc-within-15-working-days", "held on the 15th working day, with the Diamond "
                      "Jubilee holidays in the window", "t1")
    matches = durable.match(facts, "t1")
    assert any(t == "sd" and e == "c" for (_, t), ids in matches.candidates.items() for e in ids)


def test_trap_2_a_second_ruleset_in_one_process_is_refused():
    script = textwrap.dedent("""
        from auditor.engine.durable_engine import DurableEngine
        DurableEngine([])
        try:
            DurableEngine([])
        except RuntimeError as exc:
            print("refused:", exc)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "refused: one durable-rules ruleset per process" in proc.stdout, proc.stderr


def test_trap_3_session_state_is_deleted_after_each_case(rulebook, durable):
    kept = facts_for(rulebook, "police-invited-to-icpc-where-domestic-abuse", "police invited", "t3-kept")
    durable._host.assert_facts("auditor", kept)  # bypassing match(): the state stays
    assert durable._host.get_facts("auditor", "t3-kept")
    durable._host.delete_state("auditor", "t3-kept")
    facts = facts_for(rulebook, "police-invited-to-icpc-where-domestic-abuse", "police invited", "t3")
    durable.match(facts, "t3")
    with pytest.raises(Exception):
        durable._host.get_facts("auditor", "t3")


def test_trap_4_facts_no_rule_wants_are_handled_by_the_catch_all(durable):
    facts = [{"id": "t4|x", "sid": "t4", "kind": "event", "eid": "x", "type": "other", "t_lo": 0, "t_hi": 1}]
    assert durable.match(facts, "t4").canonical()["triggers"] == []


def test_trap_5_a_trigger_matching_two_disjuncts_asserts_one_obligation(rulebook, durable):
    # concerns contains domestic-abuse AND the case fact is true: both disjuncts of the trigger match.
    text = json.dumps({"case": {"id": "t5", "title": "t", "jurisdiction": "england", "facts": {"domestic_abuse": True},
                                "scoping": {"from": "2012-01-01", "to": "2012-12-31"}},
                       "events": [{"id": "c", "type": "initial-child-protection-conference", "date": "2012-06-11",
                                   "agency": "childrens-social-care", "attrs": {"concerns": ["domestic-abuse"]},
                                   "source": {"document": "r"}}]})
    chron = chronology_from_text(text, "t5.json", rulebook.vocabulary)
    matches = durable.match(scenario_facts(scenarios(chron)[0], chron, "t5"), "t5")
    assert matches.triggers["conference-minutes-to-police-where-domestic-abuse~0"] == {"c"}


def test_trap_6_an_exception_inside_an_action_reaches_the_caller(rulebook, durable, monkeypatch):
    import auditor.engine.durable_engine as module

    def broken(plan, trigger):
        raise ValueError("boom")

    monkeypatch.setattr(module, "obligation", broken)
    facts = facts_for(rulebook, "icpc-within-15-working-days", "held on the 16th working day", "t6")
    with pytest.raises(RuntimeError, match="rule action failed"):
        durable.match(facts, "t6")


def test_trap_11_an_empty_case_is_never_asserted(durable):
    assert durable.match([], "t11").canonical() == {"triggers": [], "candidates": [], "satisfied": [], "missing": [],
                                                    "satisfied_by": [], "recorded_by": [], "released": []}


def test_trap_12_no_timer_threads_are_started(plans):
    script = textwrap.dedent("""
        import threading
        from auditor.engine.durable_engine import DurableEngine
        before = threading.active_count()
        DurableEngine([])
        print(threading.active_count() - before)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "0", proc.stderr


def test_trap_13_no_negation_is_compiled(plans):
    assert "$not" not in json.dumps(compile_ruleset(plans))


def test_trap_14_nested_conditions_keep_joins(rulebook, durable, reference):
    # A counterpart test with an inner $and once made durable-rules ignore the window join.
    facts = facts_for(rulebook, "initial-assessment-checks-with-health-visiting",
                      "check made only after the assessment was completed", "t14")
    assert durable.match(facts, "t14").canonical() == reference.match(facts, "t14").canonical()
    rules = compile_ruleset(plans_for(rulebook)).values()
    joined = [rule for rule in rules if len(rule["all"]) > 1]
    assert joined and all(not rule["run"].startswith("trigger") for rule in joined)
    for rule in joined:  # next to a join, every fact test is flat; join-free rules may nest
        for alias in rule["all"]:
            for test in alias.values():
                assert all("$and" not in part and "$or" not in part for part in test.get("$and", [test]))
    assert any("$or" in json.dumps(rule["all"]) for rule in rules if len(rule["all"]) == 1)


def plans_for(rulebook):
    from auditor.engine.plan import plan_variant

    return [plan_variant(v) for v in rulebook.variants]


def test_a_crashed_engine_costs_one_case_and_the_next_case_runs():
    script = textwrap.dedent(f"""
        import os, signal
        from auditor.engine import open_matcher
        from auditor.errors import EngineCrash
        from auditor.rulebook import load_rulebook
        book = load_rulebook({str(ROOT / 'rules')!r})
        fact = {{"id": "s|x", "sid": "s", "kind": "event", "eid": "x", "type": "other", "t_lo": 0, "t_hi": 1}}
        with open_matcher(book) as m:
            m.match([fact], "s")
            os.kill(m._process.pid, signal.SIGSEGV)
            try:
                m.match([fact], "s")
            except EngineCrash as exc:
                print("crash reported:", exc)
            print("next case:", m.match([fact], "s").canonical()["triggers"])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "crash reported: the rule engine process died" in proc.stdout, proc.stderr
    assert "next case: []" in proc.stdout


def test_trap_10_too_many_properties_is_an_input_error(rulebook):
    from auditor.errors import InputError

    data = {"case": {"id": "t10", "title": "t", "jurisdiction": "england",
                     "scoping": {"from": "2012-01-01", "to": "2012-12-31"},
                     "facts": {f"fact_{i}": True for i in range(250)}},
            "events": [{"id": "e", "type": "other", "date": "2012-06-11", "agency": "police",
                        "source": {"document": "r"}}]}
    # A vocabulary this large is a user's own; the model alone (no vocabulary check) stands in for it.
    chron = Chronology.model_validate(data)
    with pytest.raises(InputError, match="at most 255"):
        scenario_facts(scenarios(chron)[0], chron, "t10")


def test_an_actions_edition_test_is_the_plans_in_force_expression(plans):
    """The durable engine reads a plan's in-force days from its epoch bounds; the reference evaluator holds the
    expression. They must agree on every plan, at and either side of each bound."""
    from auditor.engine.durable_engine import _on_days
    from auditor.engine.expr import holds

    for plan in plans:
        first, last = plan.days
        moments = [first - 1, first, first + 1] + ([last - 1, last, last + 1] if last is not None else [])
        for lo in moments:
            for hi in moments:
                if lo <= hi:
                    fact = {"t_lo": lo, "t_hi": hi}
                    assert _on_days(plan, fact) == holds(plan.in_force, fact), (plan.key, lo, hi)
