"""From matches to verdicts: the calendar arithmetic and the status of each trigger.

Matching (which events relate to which rule) is the engine's job; this module
decides, for each trigger, whether the standard was met, given dates that may be
imprecise. Uncertainty is never resolved by guessing: a deadline that could fall
either side of the event gives "possible departure".

All statements are blame-free: absences are "not evidenced in the chronology",
lateness is "later than expected by N working days".
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from pydantic import BaseModel

from .engine.facts import Scenario
from .engine.matches import Matches
from .findings import AppliedEdition
from .model import Chronology, Event
from .rulebook import Rulebook, Variant
from .rulebook.conditions import describe, label
from .rulebook.schema import IncludesCheck, Limit, RequiresCheck
from .workdays import shift_days, working_days_between

Moment = datetime | date


@dataclass
class Verdict:
    """One trigger's outcome under one scenario."""

    variant: Variant
    trigger: Event
    status: str
    values: dict[str, Any]
    counterpart: Event | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    searched: str = ""
    kind: str = ""  # which statement: met, late, absent, possible, open, missing


class RulebookData:
    """What a rulebook says the same way for every case, worked out once per rulebook object."""

    def __init__(self, rulebook: Rulebook):
        self.by_key = {v.key: v for v in rulebook.variants}
        self.variants_of: dict[str, list[Variant]] = {}
        for v in rulebook.variants:
            self.variants_of.setdefault(v.rule.id, []).append(v)
        self.in_force = {v.key: v.in_force.human() for v in rulebook.variants}
        # AppliedEdition is frozen and holds only text, so findings can share one per variant.
        self.applied = {v.key: AppliedEdition(label=v.edition, in_force=self.in_force[v.key])
                        for v in rulebook.variants}
        self.rule_ids = sorted(rulebook.rules)
        self.agency_names = {a.id: a.name for a in rulebook.vocabulary.agencies}
        self.not_applicable: dict[tuple[Any, ...], dict[str, Any]] = {}  # filled by audit._not_applicable
        self.wanted = {v.key: " or ".join(event_label(t) for t in v.check.counterpart.type)
                       for v in rulebook.variants if getattr(v.check, "counterpart", None) is not None}
        # Each citation with a key that is equal exactly when the citations are (pydantic compares
        # the type and the field values), so findings can drop repeated citations without comparing models.
        self.cites = {v.key: [(_model_key(c), c) for c in v.cites] for v in rulebook.variants}
        # Checks without `anchor` would go through pydantic's slow missing-attribute path every time.
        self.anchor = {v.key: getattr(v.check, "anchor", "each") for v in rulebook.variants}


def _model_key(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return (type(value), tuple((k, _model_key(v)) for k, v in value.__dict__.items()),
                _model_key(value.__pydantic_extra__), _model_key(getattr(value, "__pydantic_private__", None)))
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_model_key(v) for v in value))
    if isinstance(value, dict):
        return (dict, tuple((k, _model_key(v)) for k, v in value.items()))
    return value


_DATA: dict[int, tuple[weakref.ref, RulebookData]] = {}


def rulebook_data(rulebook: Rulebook) -> RulebookData:
    """The `RulebookData` of this rulebook object (a rulebook is immutable once loaded)."""
    key = id(rulebook)
    entry = _DATA.get(key)
    if entry is not None and entry[0]() is rulebook:
        return entry[1]
    data = RulebookData(rulebook)

    def forget(ref: weakref.ref, key: int = key) -> None:
        if _DATA.get(key, (None,))[0] is ref:
            del _DATA[key]

    _DATA[key] = (weakref.ref(rulebook, forget), data)
    return data


def verdicts_for(scenario: Scenario, matches: Matches, chron: Chronology, rulebook: Rulebook,
                 names: dict[str, str]) -> list[Verdict]:
    """`names` (from `party_names`) is computed once per case by the caller."""
    data = rulebook_data(rulebook)
    by_key = data.by_key
    events = {e.id: e for e in scenario.events}
    memo = _Memo(chron, names, data)
    out = []
    for key in sorted(matches.triggers):
        variant = by_key[key]
        triggers = sorted((events[e] for e in matches.triggers[key]), key=_order)
        anchor = data.anchor[key]
        if anchor == "first":
            triggers = triggers[:1]
        elif anchor == "last":
            triggers = triggers[-1:]
        for trigger in triggers:
            out.append(_judge(variant, trigger, matches, events, chron, names, memo))
    return out


class _Memo:
    """Texts that are the same for every verdict of one call (one case and reading)."""

    def __init__(self, chron: Chronology, names: dict[str, str], data: RulebookData):
        self.chronology_end = f"{chron.case.scoping.end:%d/%m/%Y}"
        self.end = datetime.combine(chron.case.scoping.end, time(23, 59, 59))
        self.data = data
        self._expectations: dict[str, str] = {}
        self._names = names

    def expectation(self, variant: Variant) -> str:
        text = self._expectations.get(variant.key)
        if text is None:
            text = self._expectations[variant.key] = describe(variant.check.expect, self._names)
        return text


def _order(event: Event) -> tuple[Any, ...]:
    return (event.date.earliest, event.date.latest, event.id)


def _judge(variant: Variant, trigger: Event, matches: Matches, events: dict[str, Event], chron: Chronology,
           names: dict[str, str], memo: _Memo, candidate_ids: Any = None) -> Verdict:
    """`candidate_ids`: the trigger's candidates when not all of `matches.candidates` apply (one reading's)."""
    check = variant.check
    values = {"trigger": event_label(trigger.type), "trigger_date": trigger.date.when(), "edition": variant.edition,
              "chronology_end": memo.chronology_end}
    if isinstance(check, (IncludesCheck, RequiresCheck)):
        return _attribute(variant, trigger, matches, values, names, memo)
    wanted = memo.data.wanted[variant.key]
    values["counterpart"] = wanted
    if candidate_ids is None:
        candidate_ids = matches.candidates.get((variant.key, trigger.id), ())
    candidates = sorted((events[e] for e in candidate_ids), key=_order)
    searched = f"{wanted} entries: {', '.join(e.id for e in candidates) or 'none recorded'}"
    if check.template in ("within", "follows"):
        verdict = _within(variant, trigger, candidates, memo.end, values)
    elif check.template == "lead-time":
        verdict = _lead(variant, trigger, candidates, values)
    else:
        verdict = _precedes(variant, trigger, candidates, values)
    if verdict.counterpart is not None:  # name the entry found, not every type that could have answered
        verdict.values["counterpart"] = event_label(verdict.counterpart.type)
    verdict.searched = searched
    return verdict


@cache
def event_label(event_type: str) -> str:
    return "recorded event" if event_type == "other" else label(event_type)


# -- within / follows -----------------------------------------------------------------------------

def deadline(start: datetime, limit: Limit) -> Moment:
    if limit.unit == "hours":
        return start + timedelta(hours=limit.n)
    return shift_days(start.date(), limit.n, limit.unit)


def on_or_before(moment: datetime, bound: Moment) -> bool:
    """Is `moment` at or before `bound` (a whole day when `bound` is a date)?"""
    return moment.date() <= bound if type(bound) is date else moment <= bound


def human(moment: Moment) -> str:
    return f"{moment:%d/%m/%Y}" if type(moment) is date else f"{moment:%d/%m/%Y %H:%M}"


def span(lo: Moment, hi: Moment) -> str:
    return human(lo) if lo == hi else f"between {human(lo)} and {human(hi)}"


def _lateness(bound: Moment, actual: datetime, limit: Limit) -> tuple[int, str]:
    if limit.unit == "working-days":
        n = working_days_between(bound, actual.date())  # type: ignore[arg-type]
        return n, f"{n} working day{'s' if n != 1 else ''}"
    if limit.unit in ("calendar-days", "months"):
        n = (actual.date() - bound).days  # type: ignore[operator]
        return n, f"{n} day{'s' if n != 1 else ''}"
    n = math.ceil((actual - bound).total_seconds() / 3600)  # type: ignore[operator]
    return n, f"{n} hour{'s' if n != 1 else ''}"


def _within(variant: Variant, a: Event, cands: list[Event], end: datetime, values: dict[str, Any]) -> Verdict:
    """`end`: the last moment of the chronology's scoping period."""
    limit = variant.check.limit
    if limit is None:  # follows
        if cands:
            b = cands[0]
            values.update(counterpart_date=b.date.when())
            return Verdict(variant, a, "met", values, b, kind="met")
        return Verdict(variant, a, "breach", values, kind="absent")
    d_lo, d_hi = deadline(a.date.earliest, limit), deadline(a.date.latest, limit)
    values.update(limit=limit.human(), deadline=span(d_lo, d_hi))
    figures: dict[str, Any] = {"deadline": iso_span(d_lo, d_hi), "limit": limit.human()}
    certain = [b for b in cands if on_or_before(b.date.latest, d_lo)]
    possible = [b for b in cands if on_or_before(b.date.earliest, d_hi)]
    if certain:
        b = certain[0]
        values["counterpart_date"] = b.date.when()
        if limit.unit == "working-days" and a.date.exact_day and b.date.exact_day:
            elapsed = working_days_between(a.date.exact_day, b.date.exact_day)
            figures["elapsed_working_days"] = elapsed
            values["elapsed"] = f"{elapsed} working day{'s' if elapsed != 1 else ''}"
        return Verdict(variant, a, "met", values, b, figures, kind="met")
    if possible:
        b = possible[0]
        values["counterpart_date"] = b.date.when()
        return Verdict(variant, a, "possible-breach", values, b, figures, kind="possible")
    if cands:
        b = cands[0]
        n, text = _lateness(d_hi, b.date.earliest, limit)
        values.update(counterpart_date=b.date.when(), late=text)
        figures.update(actual=b.date.iso(), late=n, late_unit=limit.unit)
        return Verdict(variant, a, "breach", values, b, figures, kind="late")
    if not on_or_before(end, d_hi):
        return Verdict(variant, a, "breach", values, None, figures, kind="absent")
    return Verdict(variant, a, "not-evaluable", values, None, figures, kind="open")


def iso_span(lo: Moment, hi: Moment) -> str:
    return lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"


# -- lead-time ------------------------------------------------------------------------------------

def expected_by(moment: datetime, lead: Limit) -> Moment:
    if lead.unit == "hours":
        return moment - timedelta(hours=lead.n)
    return shift_days(moment.date(), -lead.n, lead.unit)


def _lead(variant: Variant, b: Event, cands: list[Event], values: dict[str, Any]) -> Verdict:
    lead = variant.check.lead
    e_lo, e_hi = expected_by(b.date.earliest, lead), expected_by(b.date.latest, lead)
    if lead.unit == "hours" and b.date.precision != "datetime":
        shown = (e_lo.date(), e_hi.date())  # type: ignore[union-attr]
    else:
        shown = (e_lo, e_hi)
    values.update(limit=lead.human(), ahead=lead.ahead(), expected_by=span(*shown))
    figures: dict[str, Any] = {"expected_by": iso_span(*shown), "lead": lead.human()}
    certain = [a for a in cands if on_or_before(a.date.latest, e_lo)]
    possible = [a for a in cands if on_or_before(a.date.earliest, e_hi)]
    if certain:
        a = certain[-1]
        values["counterpart_date"] = a.date.when()
        return Verdict(variant, b, "met", values, a, figures, kind="met")
    if possible:
        a = possible[-1]
        values["counterpart_date"] = a.date.when()
        return Verdict(variant, b, "possible-breach", values, a, figures, kind="possible")
    if cands:
        a = cands[0]
        values["counterpart_date"] = a.date.when()
        figures["actual"] = a.date.iso()
        if lead.unit == "hours" and a.date.precision == b.date.precision == "datetime":
            hours = (b.date.earliest - a.date.earliest).total_seconds() / 3600  # a standard in hours, in hours
            figures["hours_before"] = round(hours, 1)
            shown_hours = f"{hours:.0f}" if hours == int(hours) else f"{hours:.1f}"
            values["late"] = f"{shown_hours} hour{'' if hours == 1 else 's'} before"
        elif a.date.exact_day and b.date.exact_day:
            gap = (b.date.exact_day - a.date.exact_day).days
            figures["days_before"] = gap
            values["late"] = ("on the day of the " + values["trigger"] if gap == 0
                              else f"{gap} day{'' if gap == 1 else 's'} before")
        return Verdict(variant, b, "breach", values, a, figures, kind="late")
    return Verdict(variant, b, variant.check.absent, values, None, figures, kind="absent")


# -- precedes -------------------------------------------------------------------------------------

def _precedes(variant: Variant, b: Event, cands: list[Event], values: dict[str, Any]) -> Verdict:
    certain = [a for a in cands if a.date.latest <= b.date.earliest or
               (a.date.exact_day and b.date.exact_day and a.date.exact_day <= b.date.exact_day)]
    if certain:
        a = certain[-1]
        values["counterpart_date"] = a.date.when()
        return Verdict(variant, b, "met", values, a, kind="met")
    if cands:
        a = cands[0]
        values["counterpart_date"] = a.date.when()
        return Verdict(variant, b, "possible-breach", values, a, kind="possible")
    return Verdict(variant, b, variant.check.absent, values, None, kind="absent")


# -- includes / requires --------------------------------------------------------------------------

def _attribute(variant: Variant, trigger: Event, matches: Matches, values: dict[str, Any],
               names: dict[str, str], memo: _Memo) -> Verdict:
    check = variant.check
    key = (variant.key, trigger.id)
    if isinstance(check, IncludesCheck):
        recorded = trigger.attrs.get(check.field)
        shown = [names.get(r, r) for r in recorded] if isinstance(recorded, list) else []
        values.update(field=label(check.field), value=" or ".join(names.get(v, v) for v in check.value),
                      recorded=", ".join(shown) or "none")
    else:
        values["expectation"] = memo.expectation(variant)
    if key in matches.satisfied:
        return Verdict(variant, trigger, "met", values, kind="met")
    if key in matches.missing:
        values["missing"] = ", ".join(label(k[2:]) for k in sorted(matches.missing[key]))
        return Verdict(variant, trigger, "not-evaluable", values, kind="missing")
    return Verdict(variant, trigger, "breach", values, kind="absent")


# -- wording --------------------------------------------------------------------------------------

STATEMENTS: dict[tuple[str, str], str] = {
    ("within", "met"): "The {counterpart} {counterpart_date} was within {limit} of the {trigger} {trigger_date} (deadline {deadline}).",
    ("within", "late"): "The {counterpart} {counterpart_date} was later than expected by {late}: the deadline was {deadline}, {limit} after the {trigger} {trigger_date}.",
    ("within", "absent"): "No {counterpart} is evidenced in the chronology by the deadline of {deadline} ({limit} after the {trigger} {trigger_date}); searched to {chronology_end}.",
    ("within", "possible"): "Whether the {counterpart} ({counterpart_date}) was within {limit} of the {trigger} ({trigger_date}) depends on exact dates the chronology does not give; the deadline is {deadline}.",
    ("within", "open"): "The chronology ends on {chronology_end}, before the window closes ({deadline}); no {counterpart} is recorded by then.",
    ("follows", "met"): "The {counterpart} {counterpart_date} followed the {trigger} {trigger_date}.",
    ("follows", "absent"): "No {counterpart} is evidenced in the chronology after the {trigger} {trigger_date}; searched to {chronology_end}.",
    ("lead-time", "met"): "The {counterpart} {counterpart_date} was provided {ahead} the {trigger} {trigger_date} (expected by {expected_by}).",
    ("lead-time", "late"): "The {counterpart} was provided {late} ({counterpart_date}), later than expected: the standard is {ahead} the {trigger} {trigger_date}, that is by {expected_by}.",
    ("lead-time", "possible"): "Whether the {counterpart} ({counterpart_date}) came {ahead} the {trigger} ({trigger_date}) depends on times the chronology does not give (expected by {expected_by}).",
    ("lead-time", "absent"): "No {counterpart} for the {trigger} {trigger_date} is evidenced in the chronology.",
    ("precedes", "met"): "The {counterpart} {counterpart_date} came before the {trigger} {trigger_date}.",
    ("precedes", "possible"): "Whether the {counterpart} ({counterpart_date}) came before the {trigger} ({trigger_date}) depends on exact dates the chronology does not give.",
    ("precedes", "absent"): "No {counterpart} is evidenced in the chronology before the {trigger} {trigger_date}.",
    ("includes", "met"): "{value} among those recorded as {field} for the {trigger} {trigger_date}.",
    ("includes", "absent"): "{value} not evidenced among those recorded as {field} for the {trigger} {trigger_date} (recorded: {recorded}).",
    ("includes", "missing"): "Who was {field} for the {trigger} {trigger_date} is not recorded in the chronology.",
    ("requires", "met"): "The {trigger} {trigger_date} evidences the expectation ({expectation}).",
    ("requires", "absent"): "The {trigger} {trigger_date} does not evidence what the standard expects (expected: {expectation}).",
    ("requires", "missing"): "Whether the {trigger} {trigger_date} met the expectation (expected: {expectation}) is not recorded in the chronology ({missing}).",
}
_WORDING_FIELD = {"met": "met", "late": "breach", "absent": "breach", "possible": "possible", "open": "not_evaluable",
                  "missing": "not_evaluable"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def statement(verdict: Verdict) -> str:
    custom = getattr(verdict.variant.rule.finding, _WORDING_FIELD[verdict.kind])
    text = custom or STATEMENTS[(verdict.variant.check.template, verdict.kind)]
    # Plain substitution, never str.format: rule text must not reach attribute lookups.
    return _PLACEHOLDER.sub(lambda m: str(verdict.values.get(m.group(1), m.group(0))), text)


def party_names(chron: Chronology, rulebook: Rulebook) -> dict[str, str]:
    """Agency names and pseudonyms by id, for sentences people read."""
    names = {a.id: a.name for a in rulebook.vocabulary.agencies}
    names.update({p.id: p.pseudonym for p in chron.case.people})
    return names
