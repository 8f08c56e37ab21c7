"""Imprecise dates, judged exactly: an oracle that tries every possible day.

A verdict on a chronology with imprecise dates must be *certain* (met, or a departure) only if it is the
verdict for every possible day of every imprecise event, and a *possible departure* if some days give a
departure and others do not. The oracle checks this by brute force: it turns each imprecise event into
each of its possible days (small ranges only), audits every resulting chronology, whose dates are all
exact, and combines the statuses. Hypothesis starts from every rule's own examples (so every template
and condition is covered) and loosens, shifts and repeats their dates, across bank holidays and edition
changes; both engines must agree with the oracle.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.audit.run import audit, combined_status
from auditor.chronology import Chronology, EventDate
from auditor.rulebook.examples import chronology_for

WORLDS = 400  # the most concrete chronologies the oracle builds for one example


def _examples(rulebook) -> list[tuple[str, Any]]:
    # An accumulation (a run of triggers) is claimed only where the dates make the run certain, not "possibly"
    # where they leave it open (auditor.audit.verdicts._runs): a deliberate departure from the every-day rule,
    # held by tests/test_patterns.py instead.
    return [(rule.id, test) for rule in rulebook.rules.values() for test in rule.tests
            if "accumulation" not in rule.check]


def _days(d: EventDate) -> list[date]:
    return [d.first_day + timedelta(days=i) for i in range((d.last_day - d.first_day).days + 1)]


def oracle(chron: Chronology, rulebook, matcher, rule_id: str) -> dict[str, str] | None:
    """Each finding's status over every concrete day of every imprecise event; None if too many worlds."""
    loose = [e for e in chron.events if e.date.precision in ("month", "range")]
    choices = [_days(e.date) for e in loose]
    if any(len(c) > 40 for c in choices) or len(list(itertools.islice(itertools.product(*choices), WORLDS + 1))) > WORLDS:
        return None
    seen: dict[str, set[str]] = {}
    worlds = 0
    preparation = rulebook.vocabulary.before_their_link
    for days in itertools.product(*choices):
        exact = {e.id: d for e, d in zip(loose, days)}
        if not _consistent_with_links(chron, exact, preparation):
            continue  # a day the chronology's own links rule out (a DASH before the incident it is for)
        worlds += 1
        events = [e.model_copy(update={"date": EventDate.model_validate(exact[e.id])}) if e.id in exact else e
                  for e in chron.events]
        concrete = chron.model_copy(update={"events": events})
        concrete.__dict__.pop("by_id", None)
        statuses = {f.id: f.status for f in audit(concrete, rulebook, matcher, "oracle").findings
                    if f.rule_id == rule_id and f.status != "not-applicable"}
        for key in set(seen) | set(statuses):
            if key not in seen:  # a finding no earlier world had: on those days the standard did not apply to it
                seen[key] = {"not-applicable"} if worlds > 1 else set()
            seen[key].add(statuses.get(key, "not-applicable"))
    if not worlds:
        return None  # the chronology's links contradict its dates: no day is consistent (`auditor check` says so)
    return {key: _combine(statuses) for key, statuses in seen.items()}


def _consistent_with_links(chron: Chronology, exact: dict[str, date], preparation: frozenset[str]) -> bool:
    """A linked entry is on its side of what it links to: a response on or after it, a preparation on or
    before it (days only: within a day the reading order decides)."""
    def days(event) -> tuple[date, date]:
        if event.id in exact:
            return exact[event.id], exact[event.id]
        return event.date.first_day, event.date.last_day

    for event in chron.events:
        for targets in event.links.values():
            for target in targets:
                other = chron.by_id.get(target)
                if other is None or other.id == event.id:
                    continue
                (a_lo, a_hi), (b_lo, b_hi) = days(event), days(other)
                if event.type in preparation and a_lo > b_hi:
                    return False
                if event.type not in preparation and a_hi < b_lo:
                    return False
    return True


def _combine(statuses: set[str]) -> str:
    """Over worlds: a standard that would not apply on some days is, on those days, not departed from."""
    applicable = statuses - {"not-applicable"}
    if not applicable:
        return "not-applicable"
    if "not-applicable" in statuses and applicable & {"breach", "possible-breach"}:
        return "possible-breach"
    return combined_status(applicable)


@st.composite
def loosened(draw, rulebook):
    """A rule's example with its dates shifted, some loosened to a few days, a month, or a range."""
    examples = _examples(rulebook)
    rule_id, test = draw(st.sampled_from(examples))
    rule = rulebook.rules[rule_id]
    chron = chronology_for(rule, test)
    shift = draw(st.sampled_from([0, 0, 1, -1, 7, 30, 365]))
    events = []
    for event in chron.events:
        first = event.date.first_day + timedelta(days=shift)
        kind = draw(st.sampled_from(["same", "same", "range", "month"]))
        if kind == "range" or (kind == "same" and event.date.precision == "range"):
            before, after = draw(st.integers(0, 3)), draw(st.integers(0, 3))
            value: Any = {"earliest": (first - timedelta(days=before)).isoformat(),
                          "latest": (first + timedelta(days=after)).isoformat()}
        elif kind == "month":
            value = first.strftime("%Y-%m")
        elif event.date.precision == "datetime":
            value = (event.date.earliest + timedelta(days=shift)).isoformat(timespec="minutes")
        else:
            value = first.isoformat()
        events.append(event.model_copy(update={"date": EventDate.model_validate(value)}))
    if events and draw(st.booleans()):  # a repeated entry a few days on: several triggers or answers to pair
        original = draw(st.sampled_from(events))
        moved = original.date.first_day + timedelta(days=draw(st.integers(-5, 20)))
        value = moved.isoformat() if draw(st.booleans()) else \
            {"earliest": moved.isoformat(), "latest": (moved + timedelta(days=draw(st.integers(1, 4)))).isoformat()}
        taken = {e.id for e in events}
        copy_id = next(f"{original.id}-copy{n}" for n in range(1, 100) if f"{original.id}-copy{n}" not in taken)
        events.append(original.model_copy(update={"id": copy_id, "date": EventDate.model_validate(value)}))
    scoping = chron.case.scoping.model_copy(update={"start": chron.case.scoping.start + timedelta(days=shift - 40),
                                                     "end": chron.case.scoping.end + timedelta(days=shift + 40)})
    case = chron.case.model_copy(update={"scoping": scoping})
    return rule_id, chron.model_copy(update={"case": case, "events": events})


@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_verdicts_on_imprecise_dates_agree_with_every_possible_day(engine, rulebook, reference, durable):
    matcher = reference if engine == "reference" else durable

    @settings(max_examples=250 if engine == "reference" else 120, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=loosened(rulebook))
    def check(case):
        rule_id, chron = case
        expected = oracle(chron, rulebook, reference, rule_id)
        if expected is None:
            return
        got = {f.id: f.status for f in audit(chron, rulebook, matcher, "x").findings
               if f.rule_id == rule_id and f.status != "not-applicable"}
        expected = {k: v for k, v in expected.items() if v != "not-applicable"}
        assert got == expected, (rule_id, [(e.id, e.type, e.date.iso()) for e in chron.events])

    check()
