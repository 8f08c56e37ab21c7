"""Readings of conflicting records, factorised: each finding is judged under the readings that can change it.

Two records of one event that disagree (`same_event_as`) form a *conflict*; a reading keeps one record of
each. Judging every finding under every combination multiplies the work and the text by two for each
conflict, most of them about records a finding never reads. Instead, the triggers of each rule are put in
*clusters* (triggers that compete for the same entries, or records of one event; for a rule anchored on the
first or last trigger, all of them), and a cluster's verdicts depend only on the conflicts whose records are
joined by links (or by being records of one event) to the cluster's triggers and candidates: what the
verdicts read (the trigger, the entries that may answer it, entries linked to either, and the dates links
narrow) lies there. A cluster is judged under every combination of those conflicts alone; clusters share a
reading of the whole case wherever their choices agree (`_packed`), so a case is matched about as many times
as its most conflicted cluster has combinations, not once per combination of every conflict.

Which entries a cluster may read is found from one match of every record at once, with a link to any record
of an event copied to all its records: every reading's triggers and candidates are among that match's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ..disjoint import DisjointSets
from ..engine.facts import Scenario, record_groups, scenario_facts
from ..engine.matches import Matches
from ..chronology import Chronology

MAX_READINGS = 64  # the most combinations of conflicts one cluster is judged under; beyond, not evaluable


@dataclass(frozen=True)
class Conflict:
    """The records of one event that disagree; `key` is record_groups' key of the group ("E039+E044")."""

    key: str
    members: tuple[str, ...]


@dataclass
class Cluster:
    """Triggers of one rule judged together, and the conflicts their verdicts may depend on."""

    rule_id: str
    groups: set[str]  # record groups (finding keys) of its triggers
    bearing: tuple[str, ...] = ()  # conflict keys, sorted
    too_many: int = 0  # combinations of `bearing`, when above MAX_READINGS (then judged on the first only)
    combos: list[tuple[tuple[str, str], ...]] = field(default_factory=list)  # each a partial choice


def conflicts(chron: Chronology) -> list[Conflict]:
    groups = record_groups(chron)
    members: dict[str, list[str]] = {}
    for event in chron.events:
        if "+" in groups[event.id]:
            members.setdefault(groups[event.id], []).append(event.id)
    return [Conflict(key, tuple(sorted(ids))) for key, ids in sorted(members.items())]


def reading(chron: Chronology, choice: dict[str, str], index: int, conflicts_: list[Conflict]) -> Scenario:
    """The whole case under `choice` (conflict key -> record kept), each other conflict at its first record."""
    full = tuple((c.key, choice.get(c.key, c.members[0])) for c in conflicts_)
    dropped = {m for c, (_, kept) in zip(conflicts_, full) for m in c.members if m != kept}
    return Scenario(index, full, tuple(e for e in chron.events if e.id not in dropped))


def every_record_facts(chron: Chronology, sid: str) -> list[dict[str, Any]]:
    """Facts of every record at once, a link to one record of an event copied to each of its records: what
    matches here includes what matches in any reading (a trigger or a candidate depends on its own record,
    the other's, and a link between them, which lands on whichever record a reading keeps)."""
    groups = record_groups(chron)
    facts = scenario_facts(Scenario(0, (), tuple(chron.events)), chron, sid)
    ids = {f["id"] for f in facts}
    members: dict[str, list[str]] = {}
    for event in chron.events:
        members.setdefault(groups[event.id], []).append(event.id)
    for event in chron.events:
        for relation, targets in sorted(event.links.items()):
            for target in targets:
                for other in members.get(groups.get(target, ""), ()):
                    fact_id = f"link|{event.id}|{relation}|{other}"
                    if other != event.id and fact_id not in ids:  # a repeated fact id corrupts the C core
                        ids.add(fact_id)
                        facts.append({"id": fact_id, "sid": sid, "kind": "link", "rel": relation,
                                      "src": event.id, "dst": other})
    return facts


def _linked_conflicts(chron: Chronology, groups: dict[str, str]) -> dict[str, frozenset[str]]:
    """For each record, the conflicts whose records are joined to it by links or by being one event's records."""
    joined = DisjointSets(e.id for e in chron.events)
    for event in chron.events:
        for other in [t for targets in event.links.values() for t in targets] + list(event.same_event_as):
            if other in joined:
                joined.union(event.id, other)
    within: dict[str, set[str]] = {}
    for event in chron.events:
        if "+" in groups[event.id]:
            within.setdefault(joined.find(event.id), set()).add(groups[event.id])
    frozen = {root: frozenset(keys) for root, keys in within.items()}
    return {e.id: frozen.get(joined.find(e.id), frozenset()) for e in chron.events}


def clusters(chron: Chronology, every: Matches, variants_of: dict[str, list[Any]], anchors: dict[str, str],
             conflicts_: list[Conflict]) -> dict[str, list[Cluster]]:
    """Each rule's clusters of triggers (from the match of every record), with the conflicts each depends on
    and the combinations of those it is to be judged under."""
    groups = record_groups(chron)
    linked = _linked_conflicts(chron, groups)
    sizes = {c.key: c.members for c in conflicts_}
    out: dict[str, list[Cluster]] = {}
    for rule_id, variants in variants_of.items():
        competing = DisjointSets()  # record groups of triggers, joined where they compete
        read: dict[str, set[str]] = {}  # record group -> the records its triggers' verdicts may read
        trigger_groups: set[str] = set()
        for variant in variants:
            key = variant.key
            triggers = sorted(every.triggers.get(key, ()))
            for trigger in triggers:
                group = groups[trigger]
                trigger_groups.add(group)
                competing.find(group)
                touched = read.setdefault(group, set())
                touched.add(trigger)
                for found in (every.candidates, every.satisfied_by, every.recorded_by):
                    for other in found.get((key, trigger), ()):
                        touched.add(other)
                        if found is every.candidates:  # triggers sharing a candidate compete for it
                            competing.union(group, groups[other])
            if anchors[key] in ("first", "last"):
                for a, b in itertools.pairwise(triggers):
                    competing.union(groups[a], groups[b])
        by_root: dict[str, Cluster] = {}
        for group in sorted(trigger_groups):
            cluster = by_root.setdefault(competing.find(group), Cluster(rule_id, set()))
            cluster.groups.add(group)
        for root, cluster in by_root.items():
            bearing: set[str] = set()
            for group in cluster.groups:
                for record in read.get(group, ()):
                    bearing |= linked[record]
            # Candidates in the cluster that are not triggers were joined through `union` by their group.
            for group in [g for g in competing.items() if competing.find(g) == root and g not in cluster.groups]:
                for record in group.split("+"):
                    bearing |= linked.get(record, frozenset())
            cluster.bearing = tuple(sorted(bearing))
            count = 1
            for key in cluster.bearing:
                count *= len(sizes[key])
            if count > MAX_READINGS:
                cluster.too_many, cluster.combos = count, [()]
            else:
                cluster.combos = [tuple(zip(cluster.bearing, picks))
                                  for picks in itertools.product(*(sizes[k] for k in cluster.bearing))]
        out[rule_id] = list(by_root.values())
    return out


@dataclass
class Judged:
    """One finding's verdicts, by combination of the conflicts its cluster depends on (None: the rule did not
    apply to the finding's trigger under that combination)."""

    cluster: Cluster
    by_combo: list[list[tuple[Scenario, Any, Matches]] | None]


def judge_readings(chron: Chronology, matcher: Any, verdicts: Any, variants_of: dict[str, list[Any]],
                   anchors: dict[str, str]) -> tuple[dict[tuple[str, str], Judged], list[Conflict]]:
    """Every finding's verdicts under each combination of the conflicts that bear on it.

    `verdicts(scenario, matches, rule_ids)` gives the verdicts of those rules in one reading. Each distinct
    reading of the whole case is matched once, and judged for the rules whose clusters need it."""
    conflicts_ = conflicts(chron)
    groups = record_groups(chron)
    sid = f"{chron.case.id}#every"
    every = matcher.match(every_record_facts(chron, sid), sid)
    by_rule = clusters(chron, every, variants_of, anchors, conflicts_)
    cluster_of = {(rule_id, group): cluster for rule_id, cs in by_rule.items() for cluster in cs
                  for group in cluster.groups}
    runs = _packed([(cluster, index, dict(combo)) for rule_id in variants_of for cluster in by_rule[rule_id]
                    for index, combo in enumerate(cluster.combos)])
    found: dict[tuple[str, str], Judged] = {}
    for index, (choice, uses) in enumerate(runs):
        scenario = reading(chron, choice, index, conflicts_)
        here = f"{chron.case.id}#{index}"
        matches = matcher.match(scenario_facts(scenario, chron, here), here)
        combo_of = {id(cluster): combo for cluster, combo in uses}
        for verdict in verdicts(scenario, matches, {cluster.rule_id for cluster, _ in uses}):
            key = (verdict.variant.rule.id, groups[verdict.trigger.id])
            cluster = cluster_of[key]
            combo = combo_of.get(id(cluster))
            if combo is None:  # judged here for another cluster of the rule
                continue
            judged = found.get(key)
            if judged is None:
                judged = found[key] = Judged(cluster, [None] * len(cluster.combos))
            partial = Scenario(combo, cluster.combos[combo], scenario.events)
            judged.by_combo[combo] = (judged.by_combo[combo] or []) + [(partial, verdict, matches)]
    return found, conflicts_


def _packed(requests: list[tuple[Cluster, int, dict[str, str]]]
            ) -> list[tuple[dict[str, str], list[tuple[Cluster, int]]]]:
    """Readings of the whole case that serve every (cluster, combination) asked for: each goes into the first
    reading whose choices so far agree with it on the conflicts it names (first fit, in the order asked), as a
    cluster's verdicts depend only on those. Conflicts no request names keep their first record. Two
    combinations of one cluster always differ on a conflict it names, so never share a reading."""
    runs: list[tuple[dict[str, str], list[tuple[Cluster, int]]]] = []
    for cluster, index, combo in requests:
        for choice, uses in runs:
            if all(choice.get(key, kept) == kept for key, kept in combo.items()):
                choice.update(combo)
                uses.append((cluster, index))
                break
        else:
            runs.append((dict(combo), [(cluster, index)]))
    return runs


def deciding(judged: Judged, outcome: Any) -> tuple[list[int], tuple[str, ...]]:
    """The combinations worth stating and the conflicts that decide between them: a conflict whose choice never
    changes `outcome(verdicts or None)` given the others is dropped, until each left changes something. The
    first combination of each remaining choice stands for the rest."""
    cluster = judged.cluster
    results = [outcome(v) for v in judged.by_combo]
    keys = list(cluster.bearing)
    changed = True
    while changed:
        changed = False
        for key in list(keys):
            rest = [k for k in keys if k != key]
            seen: dict[tuple[str, ...], Any] = {}
            if all(seen.setdefault(_project(combo, rest), result) == result
                   for combo, result in zip(cluster.combos, results)):
                keys.remove(key)
                changed = True
    chosen: dict[tuple[str, ...], int] = {}
    for index, combo in enumerate(cluster.combos):
        chosen.setdefault(_project(combo, keys), index)
    return sorted(chosen.values()), tuple(keys)


def _project(combo: tuple[tuple[str, str], ...], keys: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    picks = dict(combo)
    return tuple(picks[k] for k in keys)


def describe(conflict: Conflict, chron: Chronology, names: dict[str, str]) -> str:
    """One conflict in words: "E039 (police record, 01/05/2012) or E044 (children's social care record, …)"."""
    parts = []
    for member in conflict.members:
        event = chron.by_id[member]
        parts.append(f"{member} ({names.get(event.record_of, event.record_of)} record, {event.date.human()})")
    return " or ".join(parts)
