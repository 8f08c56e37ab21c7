"""What the rules read that the chronology does not record: the questions to take back to an agency.

An audit that says "not evaluable: not recorded in the chronology" is only useful if the author knows what
to ask for. For each entry that engages a standard, this lists:

* what a judged standard needed and the entry does not record (the audit's own "not evaluable" findings,
  from its trace: the fields it found missing, with no entry about the same matter recording them);
* what would decide whether a standard applies at all (a trigger condition on a field the entry does not
  record: "whether children were present" decides whether the police should have referred);
* links that contradict the dates (a response dated before what it answers), which the audit then reads as
  the dates say.

The trigger conditions are read in three values (holds, does not hold, cannot tell): a condition that cannot
be told on the entry as recorded names the fields that would tell it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .run import AuditResult
from ..engine.facts import event_fact
from ..chronology import Chronology, Event
from ..rulebook import Rulebook, Variant
from ..rulebook.conditions import All, Any_, Condition, Leaf, label
from .wording import event_label
from .prepared import rulebook_data

# A rule triggered by more kinds of entry than this reads its flag (`plan_breakdown`, `moved_area`) as a marker
# that something happened, which any entry may carry; its absence is not a question to ask about each entry.
MARKER_TYPES = 4


@dataclass
class Gap:
    """One thing an entry does not record, and the standards it would decide."""

    event_id: str
    what: str  # "who was invited", "whether children were present"
    effect: str  # "cannot be judged" or "may apply but cannot be engaged"
    standards: list[str] = field(default_factory=list)  # rule titles


@dataclass
class EntryGaps:
    event: Event
    gaps: list[Gap]


def recording_gaps(result: AuditResult, rulebook: Rulebook) -> tuple[list[EntryGaps], list[str]]:
    """What each entry that engages a standard does not record, in chronology order; and contradictory links.

    `result` must carry its trace (audit(..., trace=True))."""
    chron = result.chronology
    per_event: dict[str, dict[tuple[str, str], Gap]] = {}

    def add(event_id: str, what: str, effect: str, title: str) -> None:
        gap = per_event.setdefault(event_id, {}).setdefault((what, effect), Gap(event_id, what, effect))
        if title not in gap.standards:
            gap.standards.append(title)

    for finding in result.findings:
        if finding.status != "not-evaluable" or result.trace is None:
            continue
        for item in result.trace.get(finding.id, []):
            v = item.verdict
            key = (v.variant.key, v.trigger.id)
            if v.status == "not-evaluable" and key in item.matches.missing:
                for name in sorted(item.matches.missing[key]):
                    add(v.trigger.id, _field_words(name), "cannot be judged", finding.title)
    data = rulebook_data(rulebook)
    for event in chron.events:
        fact = event_fact(event, chron, "check")
        for variant in _variants_for(event, chron, data.variants_of):
            check = variant.check
            if event.type not in check.trigger.type or len(check.trigger.type) > MARKER_TYPES:
                continue
            for condition in (check.trigger.where, check.when):
                unknown = _unknown(condition, fact) if condition is not None else None
                for name in unknown or []:
                    add(event.id, _field_words(name), "may apply but cannot be engaged", variant.rule.title)
    out = [EntryGaps(e, list(per_event[e.id].values())) for e in chron.events if e.id in per_event]
    return out, _contradictory_links(chron, rulebook.vocabulary.before_their_link)


def _variants_for(event: Event, chron: Chronology, variants_of: dict[str, list[Variant]]) -> list[Variant]:
    """The dated variants that could judge this entry: in force on one of its possible days, in its area."""
    area, first, last = chron.case.area, event.date.first_day, event.date.last_day
    out = []
    for variants in variants_of.values():
        for v in variants:
            span = v.in_force
            if v.applies_in(area) and chron.case.jurisdiction in v.rule.jurisdiction and span.start <= last \
                    and (span.end is None or first <= span.end):
                out.append(v)
                break
    return out


def _unknown(condition: Condition, fact: dict[str, Any]) -> list[str] | None:
    """The fields that would decide the condition, if it cannot be told on the fact as recorded and would hold
    were they recorded one way (everything else it asks holds); else None."""
    value, missing = _tri(condition, fact)
    if value is not None or not _tri(condition, fact, unrecorded=True)[0]:
        return None
    return sorted(missing)


def _tri(condition: Condition, fact: dict[str, Any], unrecorded: bool | None = None) -> tuple[bool | None, set[str]]:
    """Three-valued: True, False, or None (a field it needs is not recorded), with the unrecorded fields;
    `unrecorded`: the value of a test on an unrecorded field, where not None."""
    if isinstance(condition, Leaf):
        key = condition.key
        if condition.op == "exists":
            return (key in fact) == bool(condition.value), set()
        if key not in fact:
            return unrecorded, {key}
        from ..engine.expr import from_condition, holds

        return holds(from_condition(condition), fact), set()  # type: ignore[arg-type]
    parts = [_tri(c, fact, unrecorded) for c in (condition.all if isinstance(condition, All) else condition.any)]
    missing = set().union(*(m for _, m in parts)) if parts else set()
    values = [v for v, _ in parts]
    if isinstance(condition, All):
        if False in values:
            return False, set()
        return (None, missing) if None in values else (True, set())
    assert isinstance(condition, Any_)
    if True in values:
        return True, set()
    return (None, missing) if None in values else (False, set())


def _field_words(key: str) -> str:
    """a_invited -> "who was invited"; a_children_present -> "whether children present"; c_... a case fact."""
    name = key[2:] if key[:2] in ("a_", "c_") else key
    words = label(name)
    if name in ("invited", "attended", "participants", "recipients", "consultation", "with", "reports_requested"):
        return f"who was {words}" if name not in ("with", "consultation") else f"who was consulted ({words})"
    if key.startswith("c_"):
        return f"for the case: {words}"
    return f"{words}"


def _contradictory_links(chron: Chronology, preparations: frozenset[str]) -> list[str]:
    """Links whose dates say the opposite of what the audit reads them to say (auditor.audit.clock.narrowed_by_links):
    a response dated before what it links to, or a preparation (a conference report or invitation) after."""
    out = []
    for event in chron.events:
        for relation, targets in event.links.items():
            for target in targets:
                other = chron.by_id.get(target)
                if other is None or other.id == event.id:
                    continue
                if event.type in preparations:
                    wrong, side = event.date.first_day > other.date.last_day, "after"
                else:
                    wrong, side = event.date.last_day < other.date.first_day, "before"
                if wrong:
                    out.append(f"{event.id} ({event_label(event.type)}, {event.date.human()}) `{relation}` {other.id} "
                               f"({event_label(other.type)}, {other.date.human()}), but is dated {side} it")
    return out


def render_text(result: AuditResult, entries: list[EntryGaps], links: list[str]) -> str:
    case = result.chronology.case
    lines = [f"What the standards read that the chronology does not record: {case.id}", ""]
    if not entries and not links:
        lines.append("Nothing: every entry that engages a standard records what the standards read.")
    for item in entries:
        e = item.event
        lines.append(f"{e.id} {event_label(e.type)} ({e.date.human()}, {e.agency}):")
        lines += [f"  - {line}" for line in gap_lines(item)]
    if links:
        lines += ["", "Links that contradict the dates (the audit reads the dates as recorded):"]
        lines += [f"  - {text}" for text in links]
    lines += ["", "Ask the agency that made each entry; then record what it says in the chronology and audit again."]
    return "\n".join(lines) + "\n"


def gap_lines(item: EntryGaps) -> list[str]:
    """One line per set of standards and effect: "perpetrator present and routine enquiry are not recorded: 1
    standard may apply but cannot be engaged (…)"."""
    merged: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for gap in item.gaps:
        merged.setdefault((gap.effect, tuple(gap.standards)), []).append(gap.what)
    out = []
    for (effect, standards), whats in merged.items():
        n = len(standards)
        what = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
        out.append(f"{what} {'is' if len(whats) == 1 else 'are'} not recorded: {n} standard{'s' if n != 1 else ''} "
                   f"{effect} ({'; '.join(standards)})")
    return out
