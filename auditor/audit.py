"""Run a rulebook over one chronology: scenarios, engine matching, verdicts, merged findings.

The result records what is needed to reproduce it: the auditor and engine
versions, the rulebook version (with a hash of its files) and a hash of the
chronology file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from . import __version__
from .engine.facts import Scenario, record_groups, scenario_facts, scenarios
from .engine.matches import Matches
from .findings import STATUS_ORDER, AppliedEdition, Alternative, Evidence, Finding
from .model import Chronology, Event
from .rulebook import Rulebook, Variant
from .verdicts import (RulebookData, Verdict, _judge, _Memo, _order, party_names, rulebook_data, statement,
                       verdicts_for)


class Matcher(Protocol):
    """`match` is called once per reading of the records, with that reading's facts and session id, unless the
    matcher has a true `matches_all_readings`: then a case with conflicting records is matched once, with every
    record, and each reading's matches are those among the records it keeps (`_matched_once`)."""

    name: str

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches: ...


@dataclass(frozen=True)
class AuditResult:
    chronology: Chronology
    findings: list[Finding]
    meta: dict[str, Any]
    readings: list[str]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit(chron: Chronology, rulebook: Rulebook, matcher: Matcher, engine_version: str,
          input_digest: str = "") -> AuditResult:
    data = rulebook_data(rulebook)
    groups = record_groups(chron)
    readings = scenarios(chron)
    names = party_names(chron, rulebook)
    collected: dict[tuple[str, str], list[tuple[Scenario, Verdict]]] = {}
    if len(readings) > 1 and getattr(matcher, "matches_all_readings", False):
        _matched_once(readings, chron, rulebook, matcher, names, groups, collected)
    else:
        for scenario in readings:
            sid = f"{chron.case.id}#{scenario.index}"
            matches = matcher.match(scenario_facts(scenario, chron, sid), sid)
            for verdict in verdicts_for(scenario, matches, chron, rulebook, names):
                key = (verdict.variant.rule.id, groups[verdict.trigger.id])
                collected.setdefault(key, []).append((scenario, verdict))
    evidence: dict[tuple[str, str], Evidence] = {}  # one Evidence per event and role in this case
    labels = {s.index: s.label(chron, names) for s in readings}
    findings = [_merge(rule_id, group, items, chron, names, len(readings) > 1, data, evidence, labels)
                for (rule_id, group), items in collected.items()]
    findings.sort(key=lambda f: (f.trigger_date, f.rule_id, f.id))
    judged = {f.rule_id for f in findings}
    for rule_id in data.rule_ids:
        if rule_id not in judged:
            findings.append(_not_applicable(rulebook, rule_id, chron))
    meta = {
        "auditor_version": __version__,
        "engine": matcher.name,
        "engine_version": engine_version,
        "rulebook": rulebook.meta.name,
        "rulebook_version": rulebook.version,
        "input_sha256": input_digest,
        "case_id": chron.case.id,
    }
    return AuditResult(chron, findings, meta, list(labels.values()))


def _matched_once(readings: list[Scenario], chron: Chronology, rulebook: Rulebook, matcher: Matcher,
                  names: dict[str, str], groups: dict[str, str],
                  collected: dict[tuple[str, str], list[tuple[Scenario, Verdict]]]) -> None:
    """Every reading's verdicts, in the order `verdicts_for` gives them reading by reading, from one match of all
    the records (the conflicting ones included) instead of one match per reading.

    A reading's matches are exactly those among the records it keeps: a trigger, a satisfied check and a
    missing field depend on one event alone, a candidate on its trigger, its counterpart and the link between
    them (a link is a fact only when both its ends are), and nothing is negated. A verdict depends only on its
    trigger and the trigger's candidates, so it is worked out once, and shared by every reading, unless a
    conflicting record is the trigger or one of its candidates (or, for a rule anchored on the first or last
    trigger, one of its triggers); those are worked out for each reading that keeps the trigger.
    """
    data = rulebook_data(rulebook)
    sid = f"{chron.case.id}#all"
    found = matcher.match(scenario_facts(Scenario(0, (), tuple(chron.events)), chron, sid), sid)
    events = chron.by_id
    memo = _Memo(chron, names, data)
    conflicting = {event_id for scenario in readings for _, event_id in scenario.choice}
    # Per variant, in `verdicts_for`'s order: its triggers in order and their shared verdicts (None: per reading),
    # or no verdicts at all when which trigger is the first or last depends on the reading.
    per_variant: list[tuple[Variant, list[Event], list[Verdict | None] | None]] = []
    for key in sorted(found.triggers):
        variant = data.by_key[key]
        ordered = sorted((events[e] for e in found.triggers[key]), key=_order)
        anchor = data.anchor[key]
        if anchor != "each" and not conflicting.isdisjoint(found.triggers[key]):
            per_variant.append((variant, ordered, None))
            continue
        if anchor == "first":
            ordered = ordered[:1]
        elif anchor == "last":
            ordered = ordered[-1:]
        shared = [None if trigger.id in conflicting
                  or not conflicting.isdisjoint(found.candidates.get((key, trigger.id), ()))
                  else _judge(variant, trigger, found, events, chron, names, memo) for trigger in ordered]
        per_variant.append((variant, ordered, shared))
    for scenario in readings:
        left_out = conflicting.difference(event_id for _, event_id in scenario.choice)
        for variant, ordered, shared in per_variant:
            if shared is None:
                kept = [trigger for trigger in ordered if trigger.id not in left_out]
                kept = kept[:1] if data.anchor[variant.key] == "first" else kept[-1:]
                pairs: list[tuple[Event, Verdict | None]] = [(trigger, None) for trigger in kept]
            else:
                pairs = [(trigger, v) for trigger, v in zip(ordered, shared) if trigger.id not in left_out]
            for trigger, verdict in pairs:
                if verdict is None:
                    candidates = [e for e in found.candidates.get((variant.key, trigger.id), ()) if e not in left_out]
                    verdict = _judge(variant, trigger, found, events, chron, names, memo, candidates)
                collected.setdefault((variant.rule.id, groups[trigger.id]), []).append((scenario, verdict))


def _merge(rule_id: str, group: str, items: list[tuple[Scenario, Verdict]], chron: Chronology,
           names: dict[str, str], several_readings: bool, data: RulebookData,
           evidence_of: dict[tuple[str, str], Evidence], labels: dict[int, str] | None = None) -> Finding:
    if len(items) == 1:
        return _single(rule_id, group, items[0][1], chron, data, evidence_of)
    return _merged(rule_id, group, items, chron, names, several_readings, data, evidence_of, labels)


def _single(rule_id: str, group: str, v: Verdict, chron: Chronology, data: RulebookData,
            evidence_of: dict[tuple[str, str], Evidence]) -> Finding:
    """`_merged` for the usual case of one verdict (one reading, one edition): the same finding, less work."""
    variant = v.variant
    evidence = [_evidence_once(v.trigger, "trigger", chron, evidence_of)]
    if v.counterpart is not None and v.counterpart.id != v.trigger.id:
        evidence.append(_evidence_once(v.counterpart, "counterpart", chron, evidence_of))
    rule = variant.rule
    return Finding(
        id=f"{rule_id}@{group}", rule_id=rule_id, title=rule.title, severity=variant.severity,
        theme=rule.theme, agency=rule.agency, status=v.status, statement=statement(v),
        edition=variant.edition, in_force=data.in_force[variant.key], local=any([variant.local]),
        citations=list(variant.cites), evidence=evidence, editions=[data.applied[variant.key]],
        figures=v.figures, depends_on=[], searched=v.searched,
        trigger_date=v.trigger.date.earliest.date().isoformat(),
    )


def _evidence_once(event: Event, role: str, chron: Chronology, evidence_of: dict[tuple[str, str], Evidence]) -> Evidence:
    found = evidence_of.get((event.id, role))
    if found is None:
        found = evidence_of[(event.id, role)] = _evidence(event, role, chron)
    return found


def _merged(rule_id: str, group: str, items: list[tuple[Scenario, Verdict]], chron: Chronology,
            names: dict[str, str], several_readings: bool, data: RulebookData,
            evidence_of: dict[tuple[str, str], Evidence], labels: dict[int, str] | None = None) -> Finding:
    """`labels`: each reading's label by scenario index, worked out once per case (else here, as needed)."""
    statuses = {v.status for _, v in items}
    status = combined_status(statuses)
    worst = min(items, key=lambda item: (STATUS_ORDER[item[1].status], item[0].index))[1]  # the first of the worst
    variants: list[Variant] = []
    for _, v in items:
        if v.variant not in variants:
            variants.append(v.variant)
    said: dict[int, str] = {}  # readings often share one verdict object: word it once

    def words(v: Verdict) -> str:
        text = said.get(id(v))
        if text is None:
            text = said[id(v)] = statement(v)
        return text

    alternatives = []
    if len(statuses) > 1 or (several_readings and len({words(v) for _, v in items}) > 1):
        for scenario, v in items:
            reading = labels[scenario.index] if labels else scenario.label(chron, names)
            if len(variants) > 1:
                reading += f"; under {v.variant.edition}"
            alternatives.append(Alternative(reading=reading, status=v.status, statement=words(v)))
    text = words(worst)
    if len(statuses) > 1:
        text = "The verdict depends on which record is right or which edition applied. " + \
               " ".join(f"{a.reading[0].upper()}{a.reading[1:]}: {a.statement}" for a in alternatives)
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for _, v in items:
        for event, role in ((v.trigger, "trigger"), (v.counterpart, "counterpart")):
            if event is not None and event.id not in seen:
                seen.add(event.id)
                evidence.append(_evidence_once(event, role, chron, evidence_of))
    cites = []
    seen_cites: set[Any] = set()
    for variant in variants:  # a citation already taken from an earlier variant is not repeated
        fresh = [(key, c) for key, c in data.cites[variant.key] if key not in seen_cites]
        cites += [c for _, c in fresh]
        seen_cites.update(key for key, _ in fresh)
    rule = variants[0].rule
    in_force = [data.in_force[v.key] for v in variants]
    editions: dict[tuple[str, str], AppliedEdition] = {}  # equal editions once, in order of appearance
    for v, when in zip(variants, in_force):
        editions.setdefault((v.edition, when), data.applied[v.key])
    return Finding(
        id=f"{rule_id}@{group}", rule_id=rule_id, title=rule.title, severity=variants[0].severity,
        theme=rule.theme, agency=rule.agency, status=status, statement=text,
        edition=" / ".join(dict.fromkeys(v.edition for v in variants)),
        in_force=" / ".join(dict.fromkeys(in_force)),
        local=any(v.local for v in variants), citations=cites, evidence=evidence,
        editions=list(editions.values()),
        figures=worst.figures, depends_on=alternatives, searched=worst.searched,
        trigger_date=min(v.trigger.date.earliest for _, v in items).date().isoformat(),
    )


def combined_status(statuses: set[str]) -> str:
    """Several readings' statuses as one finding's (explain uses it too, so the two cannot disagree)."""
    if len(statuses) == 1:
        return next(iter(statuses))
    if statuses & {"breach", "possible-breach"}:
        return "possible-breach"
    if "not-evaluable" in statuses:
        return "not-evaluable"
    return "met"


def _evidence(event: Event, role: str, chron: Chronology) -> Evidence:
    source = event.source.human()
    title = chron.case.sources.get(event.source.document)
    if title:
        source = source.replace(event.source.document, title.title, 1)
    return Evidence(event_id=event.id, role=role, date=event.date.iso(), date_human=event.date.human(),
                    agency=event.agency, recorded_by=event.record_of, type=event.type, source=source,
                    summary=event.summary)


def _not_applicable(rulebook: Rulebook, rule_id: str, chron: Chronology) -> Finding:
    data = rulebook_data(rulebook)
    variants = data.variants_of[rule_id]
    end = chron.case.scoping.end
    variant = next((v for v in variants if v.in_force.contains(end)), variants[-1])
    # The finding depends only on the variant in force and the case's jurisdiction and area.
    key = (variant.key, chron.case.jurisdiction, chron.case.area)
    fields = data.not_applicable.get(key)
    if fields is None:
        fields = data.not_applicable[key] = _not_applicable_fields(rulebook.rules[rule_id], variant, chron, data)
    return Finding(**fields)


def _not_applicable_fields(rule: Any, variant: Variant, chron: Chronology, data: RulebookData) -> dict[str, Any]:
    trigger = ", ".join(variant.check.trigger.type).replace("-", " ")
    where = " meeting the rule's conditions" if (variant.check.trigger.where or variant.check.when) else ""
    if rule.jurisdiction != chron.case.jurisdiction:
        text = f"This is a standard for {rule.jurisdiction}; the case's jurisdiction is {chron.case.jurisdiction}."
    elif variant.area and variant.area != chron.case.area:
        text = f"This is a local standard for {variant.area}; the case's area is {chron.case.area or 'not given'}."
    else:
        text = f"No {trigger}{where} is recorded in the chronology, so the standard did not apply."
    # Finding(**fields) validates afresh each time, so no list is shared between findings.
    return {"id": rule.id, "rule_id": rule.id, "title": rule.title, "severity": variant.severity,
            "theme": rule.theme, "agency": rule.agency, "status": "not-applicable", "statement": text,
            "edition": variant.edition, "in_force": data.in_force[variant.key], "local": variant.local,
            "citations": list(variant.cites), "editions": [data.applied[variant.key]], "trigger_date": "9999-12-31"}
