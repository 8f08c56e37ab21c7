"""Malformed chronologies never crash the loader or the engine: only clean InputErrors."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.errors import InputError

from .strategies import chronologies

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(["2012-02-30", "2012-13", "E01"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _mutate(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_arbitrary_text_gives_clean_errors(text, rulebook):
    try:
        chronology_from_text(text, "fuzz.yaml", rulebook.vocabulary)
    except InputError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" for p in exc.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=chronologies(), junk=JSONISH, where=st.integers(0, 10_000), field=st.sampled_from(
    ["id", "date", "agency", "type", "attrs", "links", "same_event_as", "source", "people", "summary"]))
def test_corrupted_chronologies_are_rejected_cleanly_or_audited(data, junk, where, field, rulebook, reference):
    event = data["events"][where % len(data["events"])]
    _mutate(event, [field], junk)
    try:
        chron = chronology_from_text(json.dumps(data), "fuzz.json", rulebook.vocabulary)
    except InputError as exc:
        assert exc.problems
        return
    audit(chron, rulebook, reference, "x")  # whatever survived validation must audit without error


def test_mutated_chronologies_are_audited_or_refused_never_anything_else(durable):
    """The short run of benchmarks/fuzz.py: mutants in-process on both engines, a few through the command."""
    from .fuzzing import fuzz_chronologies

    tally = fuzz_chronologies(150, seed=20261206, cli_every=50, render_every=5, durable=durable)
    assert tally.failures == [], tally.failures[0][:2]
    assert tally.audited > 30 and tally.refused > 30 and tally.cli_runs == 3


def test_mutated_rulebooks_load_check_and_run_their_examples_or_are_refused():
    from .fuzzing import fuzz_rulebooks

    tally = fuzz_rulebooks(25, seed=20261206)
    assert tally.failures == [], tally.failures[0][:2]
    assert tally.audited + tally.refused == 25
