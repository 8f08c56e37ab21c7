"""Run a rulebook over one chronology: scenarios, engine matching, verdicts, merged findings.

The result records what is needed to reproduce it: the auditor and engine
versions, the rulebook version (with a hash of its files) and a hash of the
chronology file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from .. import __version__
from ..engine.facts import Scenario, scenario_facts
from ..engine.matches import Matches
from .findings import AppliedEdition, Alternative, Evidence, Finding
from ..chronology import Chronology, Event
from . import readings
from .readings import Conflict, Judged, deciding, describe, judge_readings
from ..rulebook import Rulebook, Variant
from ..rulebook.conditions import label
from ..status import DEPARTURES, SEVERITY
from .verdicts import TOO_IMPRECISE, Verdict, verdicts_for
from .wording import party_names, statement
from .prepared import RulebookData, rulebook_data


class Matcher(Protocol):
    name: str

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches: ...


@dataclass(frozen=True)
class TraceItem:
    """One verdict behind a finding: the reading of conflicting records it was made on, with that reading's
    matches. `auditor explain` and `auditor replay` show these, rather than work anything out again."""

    scenario: Scenario
    verdict: Verdict
    matches: Matches


@dataclass(frozen=True)
class AuditResult:
    chronology: Chronology
    findings: list[Finding]
    meta: dict[str, Any]
    readings: list[str]
    trace: dict[str, list[TraceItem]] | None = None  # by finding id, with `audit(..., trace=True)`


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit(chron: Chronology, rulebook: Rulebook, matcher: Matcher, engine_version: str,
          input_digest: str = "", trace: bool = False, learning: bool = True) -> AuditResult:
    """`trace`: keep every verdict behind each finding, with its reading and matches (AuditResult.trace).
    `learning`: include the findings of rules that are practice learning from a review of another area
    (Rule.learning); without it they are left out altogether."""
    data = rulebook_data(rulebook)
    names = party_names(chron, rulebook)
    evidence: dict[tuple[str, str], Evidence] = {}  # one Evidence per event and role in this case
    kept: dict[str, list[TraceItem]] = {}
    findings: list[Finding] = []
    conflicting: list[Conflict] = []
    if not any(e.same_event_as for e in chron.events):  # the usual chronology: one reading, as recorded
        scenario = Scenario(0, (), tuple(chron.events))
        sid = f"{chron.case.id}#0"
        matches = matcher.match(scenario_facts(scenario, chron, sid), sid)
        collected: dict[tuple[str, str], list[tuple[Scenario, Verdict]]] = {}
        for verdict in verdicts_for(scenario, matches, chron, rulebook, names):
            collected.setdefault((verdict.variant.rule.id, verdict.trigger.id), []).append((scenario, verdict))
        for (rule_id, group), items in collected.items():
            finding = _with_readings_not_applying(_merge(rule_id, group, items, chron, names, False, data, evidence),
                                           items, chron, data)
            findings.append(finding)
            if trace:
                kept[finding.id] = [TraceItem(s, v, matches) for s, v in items]
    else:
        judged, conflicting = judge_readings(
            chron, matcher, lambda s, m, rules: verdicts_for(s, m, chron, rulebook, names, rules),
            {rule_id: data.variants_of[rule_id] for rule_id in data.rule_ids}, data.anchor)
        for (rule_id, group), found in judged.items():
            finding, items = _by_readings(rule_id, group, found, chron, names, data, evidence)
            findings.append(finding)
            if trace:
                kept[finding.id] = items
    findings.sort(key=lambda f: (f.trigger_date, f.rule_id, f.id))
    judged = {f.rule_id for f in findings}
    for rule_id in data.rule_ids:
        if rule_id not in judged:
            findings.append(not_applicable_finding(rulebook, rule_id, chron.case.jurisdiction, chron.case.area,
                                                   chron.case.scoping.end))
    # Each finding says already whether it is practice learning here (Rule.learning_for, where it is built).
    left_out = not learning and any(f.learning for f in findings)
    if left_out:
        findings = [f for f in findings if not f.learning]
    meta = {
        "auditor_version": __version__,
        "engine": matcher.name,
        "engine_version": engine_version,
        "rulebook": rulebook.meta.name,
        "rulebook_version": rulebook.version,
        "input_sha256": input_digest,
        "case_id": chron.case.id,
    }
    if left_out:
        meta["learning"] = "left out"
    return AuditResult(chron, findings, meta, [describe(c, chron, names) for c in conflicting],
                       kept if trace else None)


def _by_readings(rule_id: str, group: str, found: Judged, chron: Chronology, names: dict[str, str],
                 data: RulebookData, evidence: dict[tuple[str, str], Evidence]) -> tuple[Finding, list[TraceItem]]:
    """One finding from its verdicts under the readings of the conflicts that bear on it, stating only the
    readings that change it, and those under which the standard does not apply to its trigger."""
    cluster = found.cluster
    if cluster.too_many:
        traced = [TraceItem(s, v, m) for s, v, m in found.by_combo[0] or []]
        finding = _merge(rule_id, group, [(i.scenario, i.verdict) for i in traced], chron, names, False, data,
                         evidence)
        return finding.model_copy(update={"status": "not-evaluable", "depends_on": [], "statement": (
            f"Not judged: {cluster.too_many} combinations of conflicting records bear on this standard here "
            f"({', '.join(cluster.bearing)}), more than the {readings.MAX_READINGS} the audit states one by one; "
            "settling which of these records is right would let it be judged.")}), traced

    def outcome(verdicts: list[tuple[Scenario, Verdict, Matches]] | None) -> Any:
        return None if verdicts is None else tuple(
            (v.variant.key, v.status, statement(v), v.anchor_uncertain) for _, v, _ in verdicts)

    combos, keys = deciding(found, outcome)
    traced, absent = [], []
    for index in combos:
        picks = dict(cluster.combos[index])
        choice = tuple((key, picks[key]) for key in keys)
        verdicts = found.by_combo[index]
        if verdicts is None:
            absent.append(Scenario(index, choice, ()))
        else:
            traced += [TraceItem(Scenario(index, choice, s.events), v, m) for s, v, m in verdicts]
    items = [(i.scenario, i.verdict) for i in traced]
    finding = _with_readings_not_applying(_merge(rule_id, group, items, chron, names, len(combos) - len(absent) > 1,
                                          data, evidence), items, chron, data)
    trigger = items[0][1].trigger
    for scenario in absent:
        finding = _with_reading(finding, trigger, Alternative(
            reading=scenario.label(chron, names), status="not-applicable",
            statement=f"Under this reading the standard does not apply to this {label(trigger.type)}."),
            "which record is right")
    return finding, traced


def _merge(rule_id: str, group: str, items: list[tuple[Scenario, Verdict]], chron: Chronology,
           names: dict[str, str], several_readings: bool, data: RulebookData,
           evidence_of: dict[tuple[str, str], Evidence]) -> Finding:
    if len(items) == 1:
        return _single(rule_id, group, items[0][1], chron, data, evidence_of)
    return _merged(rule_id, group, items, chron, names, several_readings, data, evidence_of)


def _single(rule_id: str, group: str, v: Verdict, chron: Chronology, data: RulebookData,
            evidence_of: dict[tuple[str, str], Evidence]) -> Finding:
    """`_merged` for the usual case of one verdict (one reading, one edition): the same finding, less work."""
    variant = v.variant
    evidence = [_evidence_once(v.trigger, "trigger", chron, evidence_of)]
    if v.counterpart is not None and v.counterpart.id != v.trigger.id:
        evidence.append(_evidence_once(v.counterpart, "counterpart", chron, evidence_of))
    evidence += [_evidence_once(e, "earlier-trigger", chron, evidence_of) for e in v.run]
    rule = variant.rule
    return Finding(
        id=f"{rule_id}@{group}", rule_id=rule_id, title=rule.title, expects=rule.expects, severity=variant.severity,
        theme=rule.theme, agency=rule.agency, status=v.status, statement=statement(v),
        edition=variant.edition, in_force=data.in_force[variant.key], local=any([variant.local]),
        citations=list(variant.cites), evidence=evidence, editions=[data.applied[variant.key]],
        figures=v.figures, depends_on=[], searched=v.searched,
        trigger_date=v.trigger.date.earliest.date().isoformat(), learning=rule.learning_for(chron.case.area),
    )


def _evidence_once(event: Event, role: str, chron: Chronology, evidence_of: dict[tuple[str, str], Evidence]) -> Evidence:
    found = evidence_of.get((event.id, role))
    if found is None:
        found = evidence_of[(event.id, role)] = _evidence(event, role, chron)
    return found


def _merged(rule_id: str, group: str, items: list[tuple[Scenario, Verdict]], chron: Chronology,
            names: dict[str, str], several_readings: bool, data: RulebookData,
            evidence_of: dict[tuple[str, str], Evidence]) -> Finding:
    statuses = {v.status for _, v in items}
    status = combined_status(statuses)
    worst = min(items, key=lambda item: (SEVERITY[item[1].status], item[0].index))[1]  # the first of the worst
    variants: list[Variant] = []
    for _, v in items:
        if v.variant not in variants:
            variants.append(v.variant)
    alternatives = []
    if len(statuses) > 1 or (several_readings and len({statement(v) for _, v in items}) > 1):
        for scenario, v in items:
            reading = scenario.label(chron, names)
            if len(variants) > 1:
                reading += f"; under {v.variant.edition}"
            alternatives.append(Alternative(reading=reading, status=v.status, statement=statement(v)))
    text = statement(worst)
    if len(statuses) > 1:
        text = "The verdict depends on which record is right or which edition applied. " + \
               " ".join(f"{a.reading[0].upper()}{a.reading[1:]}: {a.statement}" for a in alternatives)
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for _, v in items:
        for event, role in ((v.trigger, "trigger"), (v.counterpart, "counterpart"),
                            *((e, "earlier-trigger") for e in v.run)):
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
        id=f"{rule_id}@{group}", rule_id=rule_id, title=rule.title, expects=rule.expects, severity=variants[0].severity,
        theme=rule.theme, agency=rule.agency, status=status, statement=text,
        edition=" / ".join(dict.fromkeys(v.edition for v in variants)),
        in_force=" / ".join(dict.fromkeys(in_force)),
        local=any(v.local for v in variants), citations=cites, evidence=evidence,
        editions=list(editions.values()),
        figures=worst.figures, depends_on=alternatives, searched=worst.searched,
        trigger_date=min(v.trigger.date.earliest for _, v in items).date().isoformat(),
        learning=rule.learning_for(chron.case.area),
    )


def _with_readings_not_applying(finding: Finding, items: list[tuple[Scenario, Verdict]], chron: Chronology,
                         data: RulebookData) -> Finding:
    """The readings under which the standard did not apply to this trigger, each stated as a reading of its own
    (a departure on the others is then only a possible departure): another trigger was the first (last); an
    entry that may have come after it released it; or its possible days run outside every edition of the rule
    (before the first, into a gap, after the last), so it was judged only on the days a standard applied."""
    trigger = items[0][1].trigger
    if any(v.anchor_uncertain for _, v in items):
        other = "first" if data.anchor[items[0][1].variant.key] == "first" else "last"
        finding = _with_reading(finding, trigger, Alternative(
            reading=f"if another {label(trigger.type)} was the {other}", status="not-applicable",
            statement=f"This {label(trigger.type)} did not start the clock; the {other} one did."))
    released = next((v.maybe_released for _, v in items if v.maybe_released is not None), None)
    if released is not None:
        entry, said = released
        when = f"{label(entry.type)} {entry.date.when()} ({entry.id})"
        finding = _with_reading(finding, trigger, Alternative(
            reading=f"if the {label(trigger.type)} came before the {when}", status="not-applicable", statement=said))
    if trigger.date.first_day == trigger.date.last_day:
        return finding
    area = chron.case.area
    spans = [v.in_force for v in data.variants_of[finding.rule_id] if v.applies_in(area)]
    first, last = trigger.date.first_day, trigger.date.last_day
    outside = [d for d in _days(first, last) if not any(s.contains(d) for s in spans)]
    if not outside:
        return finding
    when = f"{outside[0]:%d/%m/%Y}" if len(outside) == 1 else f"{outside[0]:%d/%m/%Y} to {outside[-1]:%d/%m/%Y}"
    if (last - first).days + 1 > TOO_IMPRECISE and finding.status in DEPARTURES:
        # Dated only to years that run from before the standard applied: neither the departure nor its absence
        # can be told; say so, rather than offer a possible departure that any date in those years would make.
        return finding.model_copy(update={"status": "not-evaluable", "statement": (
            f"Not judged: the {label(trigger.type)} is dated only {trigger.date.when()}, and this standard did not "
            f"apply on part of that period ({when}); the date is too imprecise to say whether it applied.")})
    return _with_reading(finding, trigger, Alternative(
        reading=f"if the {label(trigger.type)} was on {when}", status="not-applicable",
        statement="No edition of this standard was in force on that date, so it did not apply."))


def _with_reading(finding: Finding, trigger: Event, reading: Alternative,
                  turns_on: str = "the chronology's dates") -> Finding:
    """The finding with one more reading, under which the standard does not apply to this trigger: a departure
    on the other readings becomes a possible departure; met and not evaluable stay as they are."""
    status = "possible-breach" if finding.status in DEPARTURES else finding.status
    alternatives = finding.depends_on or [Alternative(reading="otherwise", status=finding.status,
                                                      statement=finding.statement)]
    text = (f"Whether the standard applies to this {label(trigger.type)} depends on {turns_on}. "
            + " ".join(f"{a.reading[0].upper()}{a.reading[1:]}: {a.statement}" for a in alternatives + [reading]))
    return finding.model_copy(update={"status": status, "statement": text, "depends_on": alternatives + [reading]})


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def combined_status(statuses: set[str]) -> str:
    """Several readings' statuses as one finding's (explain uses it too, so the two cannot disagree)."""
    if len(statuses) == 1:
        return next(iter(statuses))
    if statuses & set(DEPARTURES):
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


def not_applicable_finding(rulebook: Rulebook, rule_id: str, jurisdiction: str, area: str | None,
                           end: date) -> Finding:
    """The finding for a rule nothing in a case engaged, by the edition in force at the end of its scoping
    (a compact case file lists only the rule's id; this gives the finding back)."""
    variants = rulebook_data(rulebook).variants_of[rule_id]
    variant = next((v for v in variants if v.in_force.contains(end)), variants[-1])
    # Finding(**fields) validates afresh each time, so no list is shared between findings.
    return Finding(**rulebook_data(rulebook).not_applicable(variant, jurisdiction, area))
