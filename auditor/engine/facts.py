"""From a chronology to engine facts, one set per consistent reading of the records.

Two records of one real event that disagree (`same_event_as`) cannot both be
true, so each *scenario* keeps one record from every such group. Verdicts that
differ between scenarios become "possible departure" findings that say which
record gives which verdict.

Facts are flat dicts because durable-rules has no dates and no nesting we rely
on: times are epoch seconds (t_lo..t_hi, the interval of possible moments),
attributes are `a_<name>`, case facts `c_<name>`, and each link is its own fact.
"""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import InputError, Problem
from ..model import Chronology, Event

MAX_SCENARIOS = 64
MAX_PROPERTIES = 255


@dataclass(frozen=True)
class Scenario:
    index: int
    choice: tuple[tuple[str, str], ...]  # (group key, chosen event id)
    events: tuple[Event, ...]

    def label(self, chron: Chronology, names: dict[str, str] | None = None) -> str:
        if not self.choice:
            return "as recorded"
        parts = []
        for _, event_id in self.choice:
            event = chron.by_id[event_id]
            whose = (names or {}).get(event.record_of, event.record_of)
            parts.append(f"if {event.id} ({whose} record, {event.date.human()}) is right")
        return " and ".join(parts)


def epoch(moment: datetime) -> int:
    """Wall-clock seconds, read as UTC so results never depend on the machine's time zone."""
    return calendar.timegm(moment.timetuple())


def record_groups(chron: Chronology) -> dict[str, str]:
    """Map each event id to the key of its group of same-event records (its own id if alone)."""
    parent = {e.id: e.id for e in chron.events}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for event in chron.events:
        for other in event.same_event_as:
            if other in parent:
                a, b = find(event.id), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for event in chron.events:
        members.setdefault(find(event.id), []).append(event.id)
    return {m: "+".join(sorted(group)) for group in members.values() for m in group}


def scenarios(chron: Chronology) -> list[Scenario]:
    groups = record_groups(chron)
    alternatives: dict[str, list[str]] = {}
    for event in chron.events:
        if "+" in groups[event.id]:
            alternatives.setdefault(groups[event.id], []).append(event.id)
    keys = sorted(alternatives)
    count = 1
    for key in keys:
        count *= len(alternatives[key])
    if count > MAX_SCENARIOS:
        raise InputError([Problem(chron.case.id, None, "events.same_event_as",
                                  f"{count} combinations of conflicting records; at most {MAX_SCENARIOS} are audited")])
    out = []
    for index, picks in enumerate(itertools.product(*(sorted(alternatives[k]) for k in keys))):
        dropped = {e for k, chosen in zip(keys, picks) for e in alternatives[k] if e != chosen}
        events = tuple(e for e in chron.events if e.id not in dropped)
        out.append(Scenario(index, tuple(zip(keys, picks)), events))
    return out


def event_fact(event: Event, chron: Chronology, sid: str) -> dict[str, Any]:
    case = chron.case
    fact: dict[str, Any] = {
        "id": f"{sid}|{event.id}", "sid": sid, "kind": "event", "eid": event.id, "type": event.type,
        "agency": event.agency, "recorded_by": event.record_of, "area": case.area or "", "jur": case.jurisdiction,
        "t_lo": epoch(event.date.earliest), "t_hi": epoch(event.date.latest),
    }
    for name, value in case.facts.items():
        fact["c_" + name] = value.value
    for name, value in event.attrs.items():
        fact["a_" + name] = value
    if len(fact) > MAX_PROPERTIES:  # trap 10: the C core's limit per fact
        raise InputError([Problem(chron.case.id, None, f"events.{event.id}",
                                  f"{len(fact)} properties with the case facts; the engine takes at most {MAX_PROPERTIES}")])
    return fact


def scenario_facts(scenario: Scenario, chron: Chronology, sid: str) -> list[dict[str, Any]]:
    kept = {e.id for e in scenario.events}
    facts = [event_fact(e, chron, sid) for e in scenario.events]
    for event in scenario.events:
        for relation, targets in sorted(event.links.items()):
            for target in targets:
                if target in kept:
                    facts.append({"id": f"{sid}|link|{event.id}|{relation}|{target}", "sid": sid, "kind": "link",
                                  "rel": relation, "src": event.id, "dst": target})
    return facts
