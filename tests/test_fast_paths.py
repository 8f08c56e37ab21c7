"""The performance fast paths and caches give exactly what the plain paths give.

Each fast path has a slower path it must agree with: plain JSON read by the json module against the
same text read as YAML, where the two mean the same; one validation of the whole chronology against the detailed per-event one; findings of one
verdict against the general merge; cached per-rulebook data against what it was computed from; facts
left out of the engine's batch against facts no rule could match anyway.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from auditor.files import reading as sourcemap
from auditor.audit.run import _merged, _single, audit
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.engine.expr import holds, required_values
from auditor.engine.facts import epoch, record_groups, scenario_facts, scenarios
from auditor.engine.matches import Matches
from auditor.engine.wire import wanted_values, wire_facts
from auditor.errors import InputError
from auditor.chronology.dates import EventDate
from auditor.audit.prepared import model_key, rulebook_data

from .conftest import FOUNDING_CASE, ROOT
from .strategies import chronologies
from .test_bad_input import GOOD


def as_yaml_only(monkeypatch):
    """Force the old path: every text is read as YAML."""
    monkeypatch.setattr(sourcemap, "_json_data", lambda text: sourcemap._NOT_JSON)


def outcome(text, rulebook, name="case.json"):
    try:
        return ("ok", chronology_from_text(text, name, rulebook.vocabulary))
    except InputError as exc:
        return ("problems", exc.problems)


# -- JSON read with the json module ---------------------------------------------------------------

SAME_AS_YAML = [
    '{"a": 1, "b": [1, 2, {"c": "d"}]}', '{"a":1,"b":[1,2]}', '{\n  "a": [\n    1,\n    2\n  ]\n}',
    r'{"a": "q\"b\\s\/n\nt\tr\rb\bf\fu\u00e9"}', '{"a": -0, "b": -0.0, "c": 12345678901234567890, "d": 1.5E+3}',
    '{"a": true, "b": false, "c": null}', '[1, 2]', '{"é": "😀 ∑"}', r'{"a": "\u2028"}', '{"a": "#x", "b": "x: y"}',
    '{"<<": {"a": 1}, "=": 2}', '{"a": "2012-01-01", "b": "yes", "c": "0x1F", "d": "1_000"}',
]
# JSON that YAML would read differently, or refuse, is read with JSON's meaning (a .json file means JSON):
# emoji written as surrogate-pair escapes (Python's default), a raw DEL, NEL, 1e5 as a number, long keys.
JSON_MEANING = [
    r'{"a": "\ud83d\ude00"}', '{"a": "x\u0085y"}', '{"a": "x\x7fy"}', '{"a": "x\ufffey"}', '{"a": 1e5}',
    '{"a": 1E-3}', '{"' + "k" * 1023 + '": 1}', '{"a"\n: 1}', '{"a": {"b"\r: 1}}',
    '{"' + "k" * 600 + '"' + " " * 400 + ': 1}', '{"a": "x\u2028y", "b": 1}',
]
# Not plain JSON: YAML reads it, or refuses it with a line (a repeated key).
NOT_PLAIN_JSON = ['{"a": NaN}', '{"a": "x\ty"}', '{"a": Infinity}', '{a: 1}', '"just text"', '{"a": 1} trailing',
                  '{"a": 1, "a": 2}']


@pytest.mark.parametrize("text", JSON_MEANING)
def test_json_is_read_with_json_meaning_even_where_yaml_would_differ(text):
    assert sourcemap.load_text(text, "f.json").data == json.loads(text)


@pytest.mark.parametrize("text", NOT_PLAIN_JSON)
def test_what_is_not_plain_json_goes_to_yaml(text):
    assert sourcemap._json_data(text) is sourcemap._NOT_JSON
    try:
        expected = ("ok", repr(sourcemap._load_yaml(text, "f").data))
    except InputError as exc:
        expected = ("error", str(exc))
    try:
        got = ("ok", repr(sourcemap.load_text(text, "f").data))
    except InputError as exc:
        got = ("error", str(exc))
    assert got == expected


def test_a_repeated_json_key_is_refused_with_its_line():
    with pytest.raises(InputError, match=r"f.json:3: .*the key 'a' is given twice \(first on line 2\)"):
        sourcemap.load_text('{\n "a": 1,\n "a": 2\n}', "f.json")


def test_random_json_is_read_as_json_and_every_value_has_a_line():
    """Whatever characters the strings hold, the JSON path keeps JSON's data and YAML still finds each line."""
    rng = random.Random(20121104)
    pieces = ["a", " ", ":", "#", "-", "'", '"', "\\", "/", "\t", "\n", "é", "😀", "{", "]", ",", "null", "1e5",
              "012", ".inf", "yes", "<<", "\x00", "\x7f", "\x85", "\u2028", "\ufeff", "\ud83d"]

    def value(depth=0):
        r = rng.random()
        if depth > 3 or r < 0.4:
            return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        if r < 0.55:
            return rng.choice([0, -7, 10**25, 1.5, -0.0, 1e300, 2.5e-7, True, False, None])
        if r < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {"".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))): value(depth + 1)
                for _ in range(rng.randint(0, 3))}

    for _ in range(1500):
        text = json.dumps({"k": value()}, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))
        doc = sourcemap.load_text(text, "f.json")
        assert repr(doc.data) == repr(json.loads(text)), text
        assert doc.line_of(("k",)) is not None, text


def test_a_json_chronology_loads_as_the_yaml_loader_loaded_it(rulebook, monkeypatch):
    data = yaml.safe_load(FOUNDING_CASE.read_text())
    data = json.loads(json.dumps(data, default=str))  # dates as text, as a JSON file has them
    texts = [json.dumps(data), json.dumps(data, indent=2, ensure_ascii=False)]
    fast = [outcome(t, rulebook) for t in texts]
    as_yaml_only(monkeypatch)
    assert fast == [outcome(t, rulebook) for t in texts]
    assert fast[0][0] == "ok"


def bad_json_chronologies():
    good = yaml.safe_load(GOOD)
    good = json.loads(json.dumps(good, default=str))
    yield good
    for mutate in (
        lambda d: d["events"][0].update(type="strategy-chat"),
        lambda d: d["events"][1].update(date="2012-02-30"),
        lambda d: d["events"][1].update(id="E1"),
        lambda d: d["events"][1]["links"].update(follows="E9"),
        lambda d: d["events"][0].update(attrs={"invited": "police", "colour": "red"}, agency="polise"),
        lambda d: d["case"].pop("scoping"),
        lambda d: d["case"].update(facts={"domestic_abuse": "sometimes", "made_up": True}),
        lambda d: d.update(extra=1),
        lambda d: d.update(events={"not": "a list"}),
        lambda d: d["events"].append("not an event"),
        lambda d: d["events"][0].update(same_event_as="E0"),
    ):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        yield bad


@pytest.mark.parametrize("indent", [None, 2])
def test_bad_json_reports_the_same_problems_and_lines_as_before(rulebook, monkeypatch, indent):
    texts = [json.dumps(d, indent=indent) for d in bad_json_chronologies()]
    fast = [outcome(t, rulebook) for t in texts]
    as_yaml_only(monkeypatch)
    assert fast == [outcome(t, rulebook) for t in texts]
    assert sum(1 for kind, _ in fast if kind == "problems") == len(texts) - 1
    if indent:  # the lines are real lines of the file
        assert all(p.line and p.line > 1 for kind, found in fast if kind == "problems" for p in found)


def test_the_line_map_is_built_only_when_a_problem_is_reported(rulebook):
    doc = sourcemap.load_text(FOUNDING_CASE.read_text(), "case.yaml")
    assert doc._lines is None
    load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    lines = doc.lines
    assert lines[("events",)] and doc._lines is lines
    # the same map the eager loader built
    loader = sourcemap._Loader(FOUNDING_CASE.read_text())
    node = loader.get_single_node()
    eager: dict = {}
    sourcemap._index(node, loader.construct_document(node), (), eager)
    loader.dispose()
    assert lines == eager


# -- one validation for the whole chronology --------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(chronologies())
def test_the_fast_validation_gives_the_chronology_the_detailed_one_gives(rulebook, data):
    from auditor.chronology.loader import _detailed

    text = json.dumps(data)
    assert chronology_from_text(text, "g.json", rulebook.vocabulary) == _detailed(
        sourcemap._load_yaml(text, "g.json"), rulebook.vocabulary)


# -- per-rulebook data --------------------------------------------------------------------------------

def test_rulebook_data_is_computed_once_per_rulebook_object(rulebook):
    from auditor.rulebook import load_rulebook

    assert rulebook_data(rulebook) is rulebook_data(rulebook)
    other = load_rulebook(ROOT / "rules")
    data = rulebook_data(other)
    assert data is not rulebook_data(rulebook) and data.rule_ids == rulebook_data(rulebook).rule_ids
    from auditor.reports.compact import citation_index

    index = citation_index(other)  # kept with the rulebook's data, made once, and freed with it
    assert citation_index(other) is index and index is not citation_index(rulebook)
    key = id(other)
    del other, data, index
    gc.collect()
    from auditor.audit import prepared

    assert key not in prepared._DATA


def test_citation_keys_are_equal_exactly_when_the_citations_are(rulebook):
    cites = [c for v in rulebook.variants for c in v.cites]
    for a, b in itertools.product(cites, repeat=2):
        assert (a == b) == (model_key(a) == model_key(b))


def test_one_verdict_gives_the_finding_the_general_merge_gives(rulebook, reference):
    from auditor.audit.verdicts import verdicts_for
    from auditor.audit.wording import party_names

    chrons = [load_chronology(FOUNDING_CASE, rulebook.vocabulary)]
    rng = random.Random(7)
    make_case = _benchmark_make_case()
    chrons += [chronology_from_text(make_case(rng, 40, i), f"c{i}.json", rulebook.vocabulary) for i in range(20)]
    data = rulebook_data(rulebook)
    compared = 0
    for chron in chrons:
        names = party_names(chron, rulebook)
        groups = record_groups(chron)
        readings = scenarios(chron)
        for scenario in readings:
            sid = f"{chron.case.id}#{scenario.index}"
            for v in verdicts_for(scenario, reference.match(scenario_facts(scenario, chron, sid), sid), chron,
                                  rulebook, names):
                args = (v.variant.rule.id, groups[v.trigger.id])
                assert _single(*args, v, chron, data, {}) == _merged(*args, [(scenario, v)], chron, names,
                                                                     len(readings) > 1, data, {})
                compared += 1
    assert compared > 300


def _benchmark_make_case():
    import importlib.util

    spec = importlib.util.spec_from_file_location("engine_throughput", ROOT / "benchmarks" / "engine_throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_case


# -- facts and the engine's batch ---------------------------------------------------------------------

def test_epoch_is_calendar_timegm():
    import calendar

    rng = random.Random(1)
    for _ in range(20000):
        moment = datetime(1, 1, 1) + timedelta(seconds=rng.randint(0, 60_000_000_000), microseconds=rng.choice([0, 1]))
        assert epoch(moment) == calendar.timegm(moment.timetuple())


def test_a_chronology_without_conflicting_records_has_one_reading_of_every_event(rulebook):
    text = json.dumps(json.loads(json.dumps(yaml.safe_load(GOOD), default=str)))
    chron = chronology_from_text(text, "g.json", rulebook.vocabulary)
    [only] = scenarios(chron)
    assert (only.index, only.choice, only.events) == (0, (), tuple(chron.events))
    assert record_groups(chron) == {"E1": "E1", "E2": "E2"}


def test_every_event_test_requires_one_of_its_types(plans):
    types, rels = wanted_values(plans)
    assert types and "other" in types and rels
    assert required_values(("or", [("eq", "type", "a"), ("and", [("eq", "type", "b"), ("eq", "x", 1)])]), "type") == {"a", "b"}
    assert required_values(("or", [("eq", "type", "a"), ("eq", "x", 1)]), "type") is None
    assert required_values(("eq", "type", True), "type") is None


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(chronologies())
def test_facts_left_out_of_the_batch_could_match_no_rule(rulebook, plans, reference, data):
    chron = chronology_from_text(json.dumps(data), "g.json", rulebook.vocabulary)
    types, rels = wanted_values(plans)
    for scenario in scenarios(chron):
        facts = scenario_facts(scenario, chron, "g")
        for n, fact in enumerate(facts):  # some facts no rule wants
            if fact["kind"] == "event" and n % 3 == 0:
                fact["type"] = "unused-type"
        text = wire_facts(facts, "g", types, rels)
        sent = json.loads(text) if text is not None else [None]  # None: nothing at all is asserted
        assert sent[-1] in ({"id": "#session", "sid": "g", "kind": "session"}, None)
        left_out = [f for f in facts if f not in sent]
        assert all(not holds(e, f) for p in plans for e in (p.trigger, p.counterpart, p.satisfied)
                   if e is not None for f in left_out)
        assert reference.match(facts, "g").canonical() == reference.match(sent[:-1], "g").canonical()


def test_nothing_is_sent_when_no_rule_could_match(plans):
    from auditor.engine.isolation import IsolatedEngine

    types, rels = wanted_values(plans)
    fact = {"id": "s|x", "sid": "s", "kind": "event", "eid": "x", "type": "unused-type", "t_lo": 0, "t_hi": 1}
    assert wire_facts([fact], "s", types, rels) is None
    engine = IsolatedEngine(plans)
    assert engine.match([fact], "s") == Matches() and engine._process is None  # no child was started


def test_trap_16_a_session_where_no_rule_fires_is_deleted_safely_in_a_fresh_engine():
    # Without the sentinel's action, deleting this session crashed a fresh engine ("free(): invalid size").
    script = textwrap.dedent(f"""
        from auditor.engine.durable_engine import DurableEngine
        from auditor.engine.plan import plan_variant
        from auditor.rulebook import load_rulebook
        engine = DurableEngine([plan_variant(v) for v in load_rulebook({str(ROOT / 'rules')!r}).variants])
        for i in range(50):
            fact = {{"id": f"s{{i}}|x", "sid": f"s{{i}}", "kind": "event", "eid": "x", "type": "other",
                     "jur": "nowhere", "t_lo": 0, "t_hi": 1}}
            assert engine.match([fact], f"s{{i}}").canonical()["triggers"] == []
        print("survived")
    """)
    proc = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120)
    assert "survived" in proc.stdout, proc.stderr


def test_the_catch_all_never_fires_and_no_rule_decides_missing(plans):
    from auditor.engine.durable_engine import NEVER, compile_ruleset

    rules = compile_ruleset(plans)
    assert rules["catch_all"]["all"][1] == {"n": {"kind": NEVER}}
    assert not any(rule["run"].startswith("missing|") for rule in rules.values())


def test_isolated_engine_matches_as_the_reference_does():
    # In a fresh process: a child forked from this one would inherit the test session's engine (trap 2).
    script = textwrap.dedent(f"""
        from auditor.chronology.loader import load_chronology
        from auditor.engine.facts import scenario_facts, scenarios
        from auditor.engine.isolation import IsolatedEngine
        from auditor.engine.plan import plan_variant
        from auditor.engine.reference import ReferenceEngine
        book = __import__("auditor.rulebook", fromlist=["x"]).load_rulebook({str(ROOT / 'rules')!r})
        plans = [plan_variant(v) for v in book.variants]
        chron = load_chronology({str(FOUNDING_CASE)!r}, book.vocabulary)
        with IsolatedEngine(plans) as engine:
            for scenario in scenarios(chron):
                sid = f"iso#{{scenario.index}}"
                facts = scenario_facts(scenario, chron, sid)
                assert engine.match(facts, sid).canonical() == ReferenceEngine(plans).match(facts, sid).canonical()
        print("agree")
    """)
    proc = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120)
    assert "agree" in proc.stdout, proc.stderr


def test_founding_case_audits_alike_on_both_engines(rulebook, durable, reference):
    chron = load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    assert audit(chron, rulebook, durable, "x").findings == audit(chron, rulebook, reference, "x").findings


# -- dates ---------------------------------------------------------------------------------------------

def test_parsed_date_texts_are_cached_but_not_shared():
    from auditor.chronology.dates import _parse_text

    first, second = _parse_text("2012-06-11"), _parse_text("2012-06-11")
    assert first == second and first is not second
    for _ in range(2):
        with pytest.raises(ValueError, match="not a real date"):
            EventDate.model_validate("2012-02-30")
