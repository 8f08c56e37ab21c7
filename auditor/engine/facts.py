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
from datetime import datetime, timedelta
from typing import Any

from ..disjoint import DisjointSets
from ..errors import InputError, Problem
from ..chronology import Chronology, Event

MAX_PROPERTIES = 255
RELATED_EXTRA = 2  # what a related-event copy of an event fact adds: `about` and `about_type`


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


_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


def epoch(moment: datetime) -> int:
    """Wall-clock seconds, read as UTC so results never depend on the machine's time zone."""
    if moment.tzinfo is None:  # the same as calendar.timegm(moment.timetuple()): whole seconds, rounded down
        return (moment - _EPOCH) // _SECOND
    return calendar.timegm(moment.timetuple())


def record_groups(chron: Chronology) -> dict[str, str]:
    """Map each event id to the key of its group of same-event records (its own id if alone)."""
    if not any(e.same_event_as for e in chron.events):  # the usual chronology: every record alone
        return {e.id: e.id for e in chron.events}
    sets = DisjointSets(e.id for e in chron.events)
    for event in chron.events:
        for other in event.same_event_as:
            if other in sets:
                sets.union(event.id, other)
    members: dict[str, list[str]] = {}
    for event in chron.events:
        members.setdefault(sets.find(event.id), []).append(event.id)
    return {m: "+".join(sorted(group)) for group in members.values() for m in group}


def same_event_targets(scenario: Scenario, chron: Chronology) -> dict[str, str]:
    """Where a link to an event lands in this reading: the event itself, or the record of the same event this
    reading keeps (a DASH `for` the police record of an incident is for the incident, whichever record of it
    is taken as right)."""
    present = {e.id: e.id for e in scenario.events}
    if not scenario.choice:
        return present
    groups = record_groups(chron)
    chosen = {group: event_id for group, event_id in scenario.choice}
    for event in chron.events:
        if event.id not in present and groups[event.id] in chosen:
            present[event.id] = chosen[groups[event.id]]
    return present


def scenarios(chron: Chronology) -> list[Scenario]:
    """Every reading of the records: one for each combination of the conflicting records (2 ** n for n pairs).
    The audit judges each finding under the combinations that bear on it (auditor.audit.readings); this product is
    for tests and benchmarks that compare with it."""
    if not any(e.same_event_as for e in chron.events):  # one reading: the chronology as recorded
        return [Scenario(0, (), tuple(chron.events))]
    groups = record_groups(chron)
    alternatives: dict[str, list[str]] = {}
    for event in chron.events:
        if "+" in groups[event.id]:
            alternatives.setdefault(groups[event.id], []).append(event.id)
    keys = sorted(alternatives)
    out = []
    for index, picks in enumerate(itertools.product(*(sorted(alternatives[k]) for k in keys))):
        dropped = {e for k, chosen in zip(keys, picks) for e in alternatives[k] if e != chosen}
        events = tuple(e for e in chron.events if e.id not in dropped)
        out.append(Scenario(index, tuple(zip(keys, picks)), events))
    return out


def event_fact(event: Event, chron: Chronology, sid: str) -> dict[str, Any]:
    case = chron.case
    known = _derived_known(chron)
    fact = _event_fact(event, sid, case.area or "", case.jurisdiction, _case_items(chron, known), case.id)
    _as_on_its_day(fact, event, known)
    return fact


CHILD_ROLES = frozenset({"child", "unborn-child"})
# Entries that are themselves a record of domestic abuse known to an agency: an incident, a risk assessment of
# it, a MARAC referral or meeting. Any entry whose concerns include domestic abuse is one too.
DOMESTIC_ABUSE_TYPES = frozenset({"domestic-abuse-incident", "dash-risk-assessment", "stalking-risk-assessment",
                                  "marac-referral", "marac-meeting"})


def case_values(chron: Chronology) -> dict[str, Any]:
    """The case's facts as rules read them, for the case as a whole: those the chronology states;
    `children_in_household` where it does not, taken from its people (a child or an unborn child of the household
    among them); and `domestic_abuse` where it does not, true if any entry records domestic abuse (see
    `domestic_abuse_known_from`; an event is judged by `event_case_values`, as it stood on the event's day)."""
    return _values(chron, _derived_known(chron))


def _values(chron: Chronology, known: datetime | None) -> dict[str, Any]:
    """`case_values`, given `_derived_known` (read once by each caller: it looks at every entry)."""
    values = {name: fact.value for name, fact in chron.case.facts.items()}
    if "children_in_household" not in values:
        values["children_in_household"] = any(p.role in CHILD_ROLES for p in chron.case.people)
    if known is not None:
        values["domestic_abuse"] = True
    return values


def domestic_abuse_known_from(chron: Chronology) -> datetime | None:
    """The latest moment of the earliest entry that records domestic abuse (DOMESTIC_ABUSE_TYPES, or concerns of
    domestic abuse), or None. An encoder seldom writes the case fact; the entries say it. It is read as known
    from then on only, so a conference held before the first incident was recorded is not judged as one where
    domestic abuse was known."""
    known: datetime | None = None
    for event in chron.events:
        concerns = event.attrs.get("concerns")
        if event.type in DOMESTIC_ABUSE_TYPES or (isinstance(concerns, list) and "domestic-abuse" in concerns):
            if known is None or event.date.latest < known:
                known = event.date.latest
    return known


def event_case_values(chron: Chronology, event: Event) -> dict[str, Any]:
    """The case's facts as they stood on `event`'s day: as `case_values`, but a `domestic_abuse` the chronology
    does not state is true only if an entry recording it surely came no later than the event's first possible
    moment."""
    known = _derived_known(chron)
    values = _values(chron, known)
    if known is None or known <= event.date.earliest:
        return values
    return {name: value for name, value in values.items() if name != "domestic_abuse"}


def _case_items(chron: Chronology, known: datetime | None) -> list[tuple[str, Any]]:
    return [("c_" + name, value) for name, value in _values(chron, known).items()]


def _derived_known(chron: Chronology) -> datetime | None:
    """When a `domestic_abuse` the chronology does not state became known (None: stated, or never recorded)."""
    return None if "domestic_abuse" in chron.case.facts else domestic_abuse_known_from(chron)


def _as_on_its_day(fact: dict[str, Any], event: Event, known: datetime | None) -> None:
    """Takes a derived `domestic_abuse` off an event from before it was surely known (`event_case_values`)."""
    if known is not None and event.date.earliest < known:
        del fact["c_domestic_abuse"]


def _event_fact(event: Event, sid: str, area: str, jur: str, case_items: list[tuple[str, Any]],
                case_id: str) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "id": event.id, "sid": sid, "kind": "event", "eid": event.id, "type": event.type,
        "agency": event.agency, "recorded_by": event.recorded_by or event.agency, "area": area, "jur": jur,
        "t_lo": epoch(event.date.earliest), "t_hi": epoch(event.date.latest),
    }
    fact.update(case_items)
    for name, value in event.attrs.items():
        fact["a_" + name] = value
    if len(fact) + RELATED_EXTRA > MAX_PROPERTIES:  # trap 10: the C core's limit per fact, on a related copy too
        raise InputError([Problem(case_id, None, f"events.{event.id}",
                                  f"{len(fact)} properties with the case facts ({len(fact) + RELATED_EXTRA} on a copy of "
                                  f"it as a related entry); the engine takes at most {MAX_PROPERTIES}")])
    return fact


def scenario_facts(scenario: Scenario, chron: Chronology, sid: str) -> list[dict[str, Any]]:
    case = chron.case
    known = _derived_known(chron)
    area, jur, items = case.area or "", case.jurisdiction, _case_items(chron, known)
    facts = [_event_fact(e, sid, area, jur, items, case.id) for e in scenario.events]
    if known is not None:
        for fact, event in zip(facts, scenario.events):
            _as_on_its_day(fact, event, known)
    kept: dict[str, str] | None = None
    for event in scenario.events:
        if not event.links:
            continue
        if kept is None:
            kept = same_event_targets(scenario, chron)
        for relation, targets in sorted(event.links.items()):
            for target in dict.fromkeys(kept.get(t, "") for t in targets):  # a repeated fact id corrupts the C core
                if target:
                    facts.append({"id": f"link|{event.id}|{relation}|{target}", "sid": sid, "kind": "link",
                                  "rel": relation, "src": event.id, "dst": target})
    if kept is not None:
        facts += _related_facts(scenario, kept, {f["eid"]: f for f in facts if f.get("kind") == "event"})
    return facts


def related_pairs(scenario: Scenario, landing: dict[str, str]) -> set[tuple[str, str]]:
    """(entry, an entry about it): one linked to it (an invitation `for` a conference, a DASH `for` an
    incident), or both linked to the same entry (a DASH and a history check both `for` one incident). What a
    standard expects of an entry may be recorded on these. Not the reverse: what an entry links to (the
    earlier contact a later one `follows`) records an earlier occasion, not this one."""
    targets: dict[str, set[str]] = {}
    for event in scenario.events:
        for values in event.links.values():
            for t in values:
                if landing.get(t) and landing[t] != event.id:
                    targets.setdefault(event.id, set()).add(landing[t])
    pairs: set[tuple[str, str]] = set()
    by_target: dict[str, list[str]] = {}
    for source, ts in targets.items():
        for t in ts:
            pairs.add((t, source))
            by_target.setdefault(t, []).append(source)
    for sources in by_target.values():
        for a in sources:
            for b in sources:
                if a != b:
                    pairs.add((a, b))
    return pairs


def _related_facts(scenario: Scenario, landing: dict[str, str],
                   events: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each related entry again, as a `related-event` fact `about` the entry it speaks of: a copy, so that a rule
    tests it alone, one fact, like a trigger. (Rules joining the trigger's obligation, a link and the entry, or
    even the obligation and such a copy, crash durable-rules' C core once there are a few dozen of them beside
    the rest: measured, "free(): invalid pointer", "munmap_chunk(): invalid pointer".)"""
    out = []
    for a, b in sorted(related_pairs(scenario, landing)):
        fact = dict(events[b])
        # `about_type`: a rule keeps only entries about its own triggers, so it need match no other (plan.py)
        fact.update(id=f"rel|{a}|{b}", kind="related-event", about=a, about_type=events[a]["type"])
        out.append(fact)
    return out
