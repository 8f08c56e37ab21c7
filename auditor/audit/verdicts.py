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
from copy import copy
from itertools import product
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..engine.facts import Scenario, same_event_targets
from ..engine.matches import Matches
from ..chronology import Chronology, Event
from ..rulebook import Rulebook, Variant
from ..rulebook.conditions import describe, label
from ..rulebook.schema import Accumulation, IncludesCheck, Limit, RequiresCheck
from ..status import DEPARTURES
from .clock import (END_OF_DAY, Entry, Moment, Outcome, When, after_trigger, before_trigger, deadline, expected_by,
                    narrowed_by_links, read_first)
from ..chronology.model import reading_order
from ..workdays import shift_days, working_days_after, working_days_between
from .prepared import RulebookData, rulebook_data
from .wording import event_label, iso_span, span, statement


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
    kind: str = ""  # which statement: met, late, absent, possible, possible-unanswered, open, missing
    anchor_uncertain: bool = False  # another trigger may be the first (last) one, and this one start nothing
    # An entry that releases this trigger if it came after it (`released_by`), when the dates leave that open:
    # the entry, and what the release verdict says.
    maybe_released: tuple[Event, str] | None = None
    # The reasoning, kept for `auditor explain` and `replay` (the audit's trace): the trigger's possible moments
    # as judged (narrowed by links, clipped to the days it starts the clock) and the entries paired with it.
    when: When | None = None
    entries: list[Entry] = field(default_factory=list)
    run: tuple[Event, ...] = ()  # an accumulation's earlier triggers, which this one completed


def verdicts_for(scenario: Scenario, matches: Matches, chron: Chronology, rulebook: Rulebook,
                 names: dict[str, str], rules: set[str] | None = None) -> list[Verdict]:
    """`names` (from `party_names`) is computed once per case by the caller; `rules`: only these rules' verdicts."""
    data = rulebook_data(rulebook)
    by_key = data.by_key
    events = {e.id: e for e in scenario.events}
    memo = _Memo(chron, names, data, reading_order(scenario.events, rulebook.vocabulary.before_their_link))
    memo.events = events
    memo.landing = same_event_targets(scenario, chron)
    out = []
    for key in sorted(matches.triggers):
        variant = by_key[key]
        if rules is not None and variant.rule.id not in rules:
            continue
        triggers = sorted((events[e] for e in matches.triggers[key]), key=memo.order_key)
        accumulation = data.accumulation[key]
        runs: dict[str, list[Event]] = {}
        if accumulation is not None:
            runs = _runs(variant, triggers, accumulation, matches, events, memo, chron)
            triggers = [t for t in triggers if t.id in runs]
        anchor = data.anchor[key]
        if anchor in ("first", "last") and len(triggers) > 1:
            # The first (last) trigger starts the clock; where dates leave open which that is, each that could be
            # is judged on its own, with a reading in which another is first (last) and this one starts nothing.
            # A trigger dated partly outside this edition may not be one of its triggers at all: it cannot rule
            # another out, but may be the first (last) itself.
            before = memo.certainly_before
            inside = {t.id for t in triggers if _in_force_throughout(t, variant, memo)}

            def displaces(other: Event, trigger: Event) -> bool:  # certainly first (last) before `trigger`
                return before(other, trigger) if anchor == "first" else before(trigger, other)

            chosen = [t for t in triggers
                      if not any(displaces(o, t) for o in triggers if o is not t and o.id in inside)]
            for trigger in chosen:
                answers = pair(variant, [trigger], matches, events, memo)
                rivals = [o for o in chosen if o is not trigger and o.id in inside]
                clip = _anchor_days(trigger, rivals, anchor, memo)
                verdict = _judge(variant, trigger, matches, answers.get(trigger.id, []), names, memo,
                                 clip=(anchor, clip))
                verdict.anchor_uncertain = len(chosen) > 1 or any(
                    o.id not in inside and not displaces(trigger, o) for o in triggers if o is not trigger)
                out.append(verdict)
            continue
        answers = pair(variant, triggers, matches, events, memo)
        released = _released(variant, triggers, answers, matches, events, memo)
        outcomes = _by_worlds(variant, triggers, answers, matches, events, memo) \
            if any(e.maybe for entries in answers.values() for e in entries) \
            or any(not certain for _, certain in released.values()) else {}
        for trigger in triggers:
            entry, certain = released.get(trigger.id, (None, False))
            release = _release_verdict(variant, trigger, entry, memo) if entry is not None else None
            if release is not None and certain:
                out.append(release)
                continue
            outcome = outcomes.get(trigger.id)
            if release is not None and outcome is not None and not outcome.statuses:
                out.append(release)  # released in every world the dates allow
                continue
            verdict = _judge(variant, trigger, matches, answers.get(trigger.id, []), names, memo, outcome=outcome)
            if accumulation is not None:
                _state_run(verdict, runs[trigger.id], accumulation, memo.data.wanted[variant.key])
            if release is not None:  # the entry may have come before the trigger: a reading in which it released it
                verdict.maybe_released = (entry, statement(release))
            out.append(verdict)
    return out


def _runs(variant: Variant, triggers: list[Event], accumulation: Accumulation, matches: Matches,
          events: dict[str, Event], memo: _Memo, chron: Chronology) -> dict[str, list[Event]]:
    """The triggers that complete a run of an accumulation, each with the run's earlier triggers.

    Taken in the chronology's order: a run holds triggers certainly before the newest and certainly within the
    window before it (with `same`, those sharing a person of that role); an entry that may answer (a
    counterpart the engine matched after any trigger) and may fall between the run's first trigger and the
    newest ends the run; a run of `count` is judged on its last trigger, and the next run starts afresh. A
    pattern is claimed only where the dates make it certain: a run that depends on which of two loosely dated
    entries came first is not claimed at all (a missed pattern, never a guessed one); `tests/test_range_oracle.py`
    leaves these rules out for that reason, and tests/test_patterns.py holds them to it."""
    key, before = variant.key, memo.certainly_before
    answers = [events[e] for e in sorted({e for t in triggers for e in matches.candidates.get((key, t.id), ())})]
    window = accumulation.window
    role_of = {p.id: p.role for p in chron.case.people}
    # A trigger that names no person of the role is about every one the case lists (a referral about "the
    # children" is about each child); with none listed at all, every trigger is about the same unnamed person.
    cast = sorted(p for p, role in role_of.items() if role == accumulation.same)
    default: list[str | None] = list(cast) or [None]
    running: dict[str | None, list[Event]] = {}
    out: dict[str, list[Event]] = {}
    for trigger in triggers:
        start = shift_days(memo.when(trigger).last_day, -window.n, window.unit)
        whose: list[str | None] = [None] if accumulation.same is None else sorted(
            {p for p in trigger.people if role_of.get(p) == accumulation.same}) or default
        for who in whose:
            kept = [t for t in running.get(who, []) if memo.when(t).first_day >= start]
            if kept and any(not before(a, kept[0]) and not before(trigger, a) for a in answers):
                kept = []
            # Only triggers certainly before this one count towards its run; one whose dates leave the order
            # open stays for the next trigger to count.
            run = [t for t in kept if before(t, trigger)]
            if len(run) + 1 >= accumulation.count:
                out.setdefault(trigger.id, run)
                kept = [t for t in kept if t not in run]
            else:
                kept.append(trigger)
            running[who] = kept
    return out


def _state_run(verdict: Verdict, run: list[Event], accumulation: Accumulation, wanted: str) -> None:
    """Say which run the judged trigger completed, before the verdict's own sentence."""
    verdict.run = tuple(run)
    trigger = verdict.trigger
    kind = event_label(trigger.type)
    earlier = [f"{e.date.human()} ({e.id})" for e in run]
    listed = ", ".join(earlier[:-1]) + " and " + earlier[-1] if len(earlier) > 1 else earlier[0]
    verdict.values["accumulated"] = (
        f"The {kind} {trigger.date.when()} ({trigger.id}) was the {_ordinal(len(run) + 1)} within "
        f"{accumulation.window.human()} (earlier: {listed}), with no {wanted} recorded between them.")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _released(variant: Variant, triggers: list[Event], answers: dict[str, list[Entry]], matches: Matches,
              events: dict[str, Event], memo: _Memo) -> dict[str, tuple[Event, bool]]:
    """The triggers that an entry after them releases (`released_by`: a referral decided "no further action"),
    paired as answers are: an entry linked to a trigger releases that one, else the latest trigger before it;
    one entry releases one trigger. Each with whether that is certain: where the dates leave open which
    trigger was the latest before the entry, or whether the entry came after it at all, each trigger it may
    release is judged as usual, with a reading in which it was released. An entry that answered the trigger
    certainly before the release stands: the trigger is judged on it."""
    if not matches.released:
        return {}
    key, before = variant.key, memo.certainly_before
    found = sorted({e for t in triggers for e in matches.released.get((key, t.id), ())},
                   key=lambda e: memo.order_key(events[e]))
    out: dict[str, tuple[Event, bool]] = {}
    for entry_id in found:
        entry = events[entry_id]
        eligible = [t for t in triggers if not out.get(t.id, (None, False))[1]
                    and entry_id in matches.released.get((key, t.id), ()) and not before(entry, t)]
        linked = [t for t in eligible if t.id in memo.links_of(entry)]
        # The latest before the entry: no other eligible trigger certainly between it and the entry.
        could = linked[-1:] or [t for t in eligible if not any(before(t, o) and before(o, entry)
                                                                for o in eligible if o is not t)]
        certain = len(could) == 1 and memo.surely_after(entry, could[0])
        for trigger in could:
            if any(before(events[a.key], entry) for a in answers.get(trigger.id, []) if a.key in events):
                continue
            if certain or trigger.id not in out:
                out[trigger.id] = (entry, certain)
    return out


def _base_values(variant: Variant, trigger: Event, memo: _Memo) -> dict[str, Any]:
    """What every statement about a trigger may name."""
    return {"trigger": event_label(trigger.type), "trigger_date": trigger.date.when(), "edition": variant.edition,
            "chronology_end": memo.chronology_end}


def _release_verdict(variant: Variant, trigger: Event, entry: Event, memo: _Memo) -> Verdict:
    values = _base_values(variant, trigger, memo) | {
        "counterpart": memo.data.wanted[variant.key], "release": event_label(entry.type),
        "release_date": entry.date.when(), "release_id": entry.id, "decided": _decided(entry)}
    return Verdict(variant, trigger, "not-applicable", values, entry, kind="released",
                   searched=f"the {event_label(entry.type)} {entry.id} released it")


def _decided(entry: Event) -> str:
    """What a releasing entry decided, in words: its `decision`, else its recorded `outcome`."""
    decision = entry.attrs.get("decision")
    if isinstance(decision, str):
        return label(decision)
    outcome = entry.attrs.get("outcome")
    return f"\"{outcome}\"" if isinstance(outcome, str) and outcome else "that nothing more was needed"


def _in_force_throughout(event: Event, variant: Variant, memo: _Memo) -> bool:
    """Is every possible day of `event` one on which `variant` was in force?"""
    when, span = memo.when(event), variant.in_force
    return span.contains(when.first_day) and span.contains(when.last_day)


def _anchor_days(trigger: Event, others: list[Event], anchor: str, memo: _Memo) -> date | None:
    """The first day (anchor `last`) or last day (`first`) on which `trigger` could be the last (first) of them."""
    when = memo.when(trigger)
    days = list(when.days()) if anchor == "last" else list(reversed(list(when.days())))
    for day in days:
        here = when.on(day)
        if all(_could_be_beyond(memo.when(o), here, anchor) for o in others):
            return day
    return None


def _could_be_beyond(other: When, here: When, anchor: str) -> bool:
    """Could `other` be before `here` (anchor last) or after it (anchor first)?"""
    day = here.first_day
    if anchor == "last":
        if other.first_day < day:
            return True
        return other.first_day == day and not other.timed and not here.timed and read_first(other.on(day), here)
    if other.last_day > day:
        return True
    return other.last_day == day and not other.timed and not here.timed and read_first(here, other.on(day))


WORLDS = 512  # the most combinations of possible days tried where pairing depends on the days


def _by_worlds(variant: Variant, triggers: list[Event], answers: dict[str, list[Entry]], matches: Matches,
               events: dict[str, Event], memo: _Memo) -> dict[str, Outcome]:
    """Where which entry answers which trigger depends on the possible days (an entry `maybe` belongs), try
    every combination of the days of the imprecise entries and triggers involved, pair and judge each, and
    keep every status some combination gives. Beyond WORLDS combinations the interval judgement stands: it
    treats an uncertain pairing as possibly absent, so it may say "possible" where trying every day would be
    certain, never the reverse."""
    involved = {t.id for t in triggers} | {c for t in triggers
                                           for c in matches.candidates.get((variant.key, t.id), ())}
    loose = sorted(e for e in involved if not memo.when(events[e]).one_day)
    sizes = [len(list(memo.when(events[e]).days())) for e in loose]
    total = 1
    for n in sizes:
        total *= n
        if total > WORLDS:
            return {}
    merged: dict[str, Outcome] = {t.id: Outcome({}) for t in triggers}
    for days in product(*(list(memo.when(events[e]).days()) for e in loose)):
        world = memo.on_days(dict(zip(loose, days)))
        world_triggers = sorted(triggers, key=world.order_key)
        paired = pair(variant, world_triggers, matches, events, world)
        # A world in which an entry certainly releases the trigger (`released_by`) gives it no status: in
        # that world the standard did not apply. A trigger released in every world is released.
        released = _released(variant, world_triggers, paired, matches, events, world)
        for tid, entries in paired.items():
            if released.get(tid, (None, False))[1]:
                continue
            outcome = _outcome(variant, world.when(events[tid]), entries, world)
            for status, entry in outcome.shown.items():
                merged[tid].add(status, entry if entry is None else Entry(entry.key, memo.when(events[entry.key])))
    return merged


def _outcome(variant: Variant, when: When, entries: list[Entry], memo: _Memo) -> Outcome:
    check = variant.check
    if check.template in ("within", "follows"):
        return after_trigger(when, entries, check.limit, memo.end)
    return before_trigger(when, entries, getattr(check, "lead", None), getattr(check, "lookback", None), check.absent)


# -- pairing: which entries may answer which trigger --------------------------------------------------------------

def pair(variant: Variant, triggers: list[Event], matches: Matches, events: dict[str, Event],
         memo: "_Memo") -> dict[str, list[Entry]]:
    """The entries each trigger is judged on, as `pairing` says (docs/rulebook-format.md, "Pairing").

    `each`: every entry the engine matched to the trigger. `linked`: the engine matched only entries linked to
    it. `nearest` (the default of `within` and `follows`): an entry answers the latest trigger recorded before
    it that nothing has answered yet, one entry one trigger; an entry linked to a trigger (by any relation)
    answers that trigger. "Before it" means could be before it; triggers and entries are taken in the order
    the chronology records (earliest possible date, then reading order). Where an entry's date leaves open
    whether it came before the trigger it answers, it is also offered to the open trigger before that one as
    an entry that may not belong to it, so no verdict is certain that a possible day would change.
    """
    check = variant.check
    if check.template not in ("within", "follows", "lead-time", "precedes"):
        return {}
    found = {t.id: sorted((events[e] for e in matches.candidates.get((variant.key, t.id), ())), key=memo.order_key)
             for t in triggers}
    mode = memo.data.pairing[variant.key]
    if mode != "nearest" or len(triggers) < 1:
        return {tid: [Entry(c.id, memo.when(c)) for c in cands] for tid, cands in found.items()}
    trigger_ids = [t.id for t in triggers]
    by_id = {t.id: t for t in triggers}
    certain: dict[str, list[Event]] = {tid: [] for tid in trigger_ids}  # answers that are this trigger's in every world
    assigned: dict[str, list[Entry]] = {tid: [] for tid in trigger_ids}
    everyone = sorted({c.id: c for cands in found.values() for c in cands}.values(), key=memo.order_key)
    found_ids = {tid: {c.id for c in cands} for tid, cands in found.items()}  # by id: models compare field by field
    before = memo.certainly_before
    for cand in everyone:
        # The engine matched only entries that could be at or after the trigger: each eligible trigger could have
        # come before this entry. Links win; otherwise the entry answers the latest of them still open.
        eligible = [tid for tid in trigger_ids if cand.id in found_ids[tid] and not before(cand, by_id[tid])]
        linked = [tid for tid in eligible if tid in memo.links_of(cand)]
        if linked:
            could = linked[-1:]
        else:
            # Not open: a trigger an earlier entry certainly answered, in every world.
            open_ = [tid for tid in eligible if not any(before(done, cand) for done in certain[tid])]
            # Not the latest: a trigger with another open one certainly between it and this entry.
            could = [tid for tid in open_ if not any(
                before(by_id[tid], by_id[other]) and before(by_id[other], cand) for other in open_ if other != tid)]
        if not could:
            continue
        sure = len(could) == 1 and (linked or not any(
            tid != could[0] and not before(by_id[tid], cand) for tid in eligible))
        for tid in could:
            assigned[tid].append(Entry(cand.id, memo.when(cand), maybe=not sure))
            if sure and memo.surely_after(cand, by_id[tid]):  # it closes the trigger to later entries
                certain[tid].append(cand)
    return assigned


def _narrowing(event: Event, when: When) -> str:
    lo, hi = when.first_day, when.last_day
    if lo == hi:
        return f"on {lo:%d/%m/%Y}"
    if lo != event.date.first_day and hi != event.date.last_day:
        return f"between {lo:%d/%m/%Y} and {hi:%d/%m/%Y}"
    return f"no earlier than {lo:%d/%m/%Y}" if lo != event.date.first_day else f"no later than {hi:%d/%m/%Y}"





class _Memo:
    """What is the same for every verdict of one call (one case and reading): texts, the reading order."""

    def __init__(self, chron: Chronology, names: dict[str, str], data: RulebookData, order: dict[str, int]):
        self.chronology_end = f"{chron.case.scoping.end:%d/%m/%Y}"
        self.end = datetime.combine(chron.case.scoping.end, time(23, 59, 59))
        self.data = data
        self._expectations: dict[str, str] = {}
        self._names = names
        self._order = order
        self._when: dict[str, When] = {}
        self.events: dict[str, Event] = {}
        self.position = {e.id: i for i, e in enumerate(chron.events)}
        self.landing: dict[str, str] = {}  # where a link to an event lands in this reading (facts.same_event_targets)
        self._days: dict[str, tuple[date, date]] | None = None

    def _narrowed(self) -> dict[str, tuple[date, date]]:
        if self._days is None:
            linked = {e.id: self.links_of(e) for e in self.events.values() if e.links}
            spans = {e.id: (e.date.first_day, e.date.last_day) for e in self.events.values()}
            self._days = narrowed_by_links(spans, linked, {e.id for e in self.events.values()
                                                           if e.type in self.data.before_their_link}) \
                if linked else spans
        return self._days

    def order_key(self, event: Event) -> tuple[Any, ...]:
        """The order the chronology records: earliest possible day, then reading order within a day."""
        w = self.when(event)
        return (w.first_day, self._order.get(event.id, 0), w.hi, event.id)

    def on_days(self, days: dict[str, date]) -> "_Memo":
        """The same memo in one world: the events in `days` known to have happened on those days."""
        world = copy(self)
        world._when = {**self._when}
        for event_id, day in days.items():
            world._when[event_id] = self.when(self.events[event_id]).on(day)
        return world

    def certainly_before(self, a: Event, b: Event) -> bool:
        """Is `a` before `b` whatever the possible days (an untimed pair on one day: in reading order)?"""
        x, y = self.when(a), self.when(b)
        if y.key in x.links or x.key in y.links:  # linked: the link says which side each is on
            return (x.before_link if y.key in x.links else not y.before_link) and (x.key != y.key)
        if x.last_day < y.first_day:
            return True
        if x.last_day > y.first_day:
            return False
        # They can share one day, x's last and y's first: which comes first on it?
        if x.timed and y.timed:
            return x.hi < y.lo
        return not x.timed and not y.timed and read_first(x, y)

    def surely_after(self, entry: Event, trigger: Event) -> bool:
        """Is `entry` at or after `trigger` whatever the possible days (the same day counts, as in the clock)?"""
        if self.certainly_before(trigger, entry):
            return True
        x, y = self.when(entry), self.when(trigger)
        return x.one_day and y.one_day and x.first_day == y.first_day and not self.certainly_before(entry, trigger) \
            and not (x.timed and y.timed)

    def links_of(self, event: Event) -> set[str]:
        """The entries `event` is linked to in this reading (a link to a set-aside record lands on the kept one)."""
        targets = {target for targets in event.links.values() for target in targets}
        if not self.landing:
            return targets
        return {self.landing[t] for t in targets if t in self.landing}

    def when(self, event: Event) -> When:
        found = self._when.get(event.id)
        if found is None:
            d = event.date
            lo, hi = d.earliest, d.latest
            first, last = self._narrowed().get(event.id, (d.first_day, d.last_day))
            if (first, last) != (d.first_day, d.last_day):  # the links narrowed the possible days
                lo, hi = max(lo, datetime.combine(first, time.min)), min(hi, datetime.combine(last, END_OF_DAY))
            found = self._when[event.id] = When(lo, hi, d.precision == "datetime",
                                                self.position.get(event.id, 0), event.id, self.links_of(event),
                                                event.type in self.data.before_their_link)
        return found

    def expectation(self, variant: Variant) -> str:
        text = self._expectations.get(variant.key)
        if text is None:
            text = self._expectations[variant.key] = describe(variant.check.expect, self._names)
        return text


def _order(event: Event) -> tuple[Any, ...]:
    return (event.date.earliest, event.date.latest, event.id)


def _judge(variant: Variant, trigger: Event, matches: Matches, entries: list[Entry], names: dict[str, str],
           memo: _Memo, clip: tuple[str, date | None] = ("", None), outcome: Outcome | None = None) -> Verdict:
    """`clip`: judge the trigger only on the days it could be the first ("first", up to that day) or the last
    ("last", from that day) of several, as other days belong to the reading in which another starts the clock."""
    check = variant.check
    values = _base_values(variant, trigger, memo)
    if isinstance(check, (IncludesCheck, RequiresCheck)):
        return _attribute(variant, trigger, matches, values, names, memo)
    wanted = memo.data.wanted[variant.key]
    values["counterpart"] = wanted
    shown = ", ".join(e.key + (" (may answer another)" if e.maybe else "") for e in entries)
    searched = f"{wanted} entries paired with it: {shown or 'none recorded'}"
    when = memo.when(trigger)
    if (when.lo, when.hi) != (trigger.date.earliest, trigger.date.latest):
        values["trigger_date"] += f" ({_narrowing(trigger, when)}, as the entries linked to it show)"
    if clip[1] is not None:
        day = datetime.combine(clip[1], time.min if clip[0] == "last" else time(23, 59, 59))
        lo, hi = (max(when.lo, day), when.hi) if clip[0] == "last" else (when.lo, min(when.hi, day))
        if lo <= hi:
            when = When(lo, hi, when.timed, when.position, when.key, when.links, when.before_link)
    # An edition judges the days it was in force: a referral dated 14 or 15 December 2023 is judged by WT 2018
    # on the 14th and by WT 2023 on the 15th (the days of no edition: audit._with_readings_not_applying).
    span = variant.in_force
    lo = max(when.lo, datetime.combine(span.start, time.min))
    hi = when.hi if span.end is None else min(when.hi, datetime.combine(span.end, time(23, 59, 59)))
    if lo <= hi and (lo, hi) != (when.lo, when.hi):
        when = When(lo, hi, when.timed, when.position, when.key, when.links, when.before_link)
        days = f"{lo:%d/%m/%Y}" if lo.date() == hi.date() else f"{lo:%d/%m/%Y} to {hi:%d/%m/%Y}"
        values["trigger_date"] += f" (judged here on {days}, when {variant.edition} was in force)"
    outcome = outcome or _outcome(variant, when, entries, memo)
    if check.template in ("within", "follows"):
        verdict = _within(variant, trigger, outcome, memo, values, when)
    else:
        verdict = _before(variant, trigger, outcome, memo, values, when)
    if verdict.counterpart is not None:  # name the entry found, not every type that could have answered
        verdict.values["counterpart"] = event_label(verdict.counterpart.type)
    verdict.searched = searched
    verdict.when, verdict.entries = when, entries
    return verdict


# -- within / follows -----------------------------------------------------------------------------

def _lateness(bound: Moment, actual: datetime, limit: Limit) -> tuple[int, str]:
    if limit.unit == "working-days":
        n = len(working_days_after(bound, actual.date()))  # type: ignore[arg-type]
        return n, f"{n} working day{'s' if n != 1 else ''}"
    if limit.unit in ("calendar-days", "months"):
        n = (actual.date() - bound).days  # type: ignore[operator]
        return n, f"{n} day{'s' if n != 1 else ''}"
    n = math.ceil((actual - bound).total_seconds() / 3600)  # type: ignore[operator]
    return n, f"{n} hour{'s' if n != 1 else ''}"


def _within(variant: Variant, a: Event, outcome: Outcome, memo: _Memo, values: dict[str, Any],
            when: When) -> Verdict:
    """`within` and `follows`, judged over every possible day (auditor.audit.clock). `when`: the trigger's possible
    moments, narrowed by its links, from which the deadline is counted."""
    limit = variant.check.limit
    figures: dict[str, Any] = {}
    if limit is not None:
        d_lo, d_hi = deadline(when.lo, limit), deadline(when.hi, limit)
        values.update(limit=limit.human(), deadline=span(d_lo, d_hi))
        figures = {"deadline": iso_span(d_lo, d_hi), "limit": limit.human()}
    return _verdict(variant, a, outcome, memo, values, figures, late_from=(d_hi if limit is not None else None))


TOO_IMPRECISE = 366  # days: an entry dated only to a longer period cannot decide a timescale


def _span_days(when: When) -> int:
    return (when.last_day - when.first_day).days + 1


def _verdict(variant: Variant, a: Event, outcome: Outcome, memo: _Memo, values: dict[str, Any],
             figures: dict[str, Any], late_from: Moment | None = None, absent: str = "breach") -> Verdict:
    """One verdict from the statuses the possible days allow, worded by what decided it."""
    statuses = outcome.statuses
    events = memo.events
    if statuses == {"met"}:
        b = events[outcome.shown["met"].key]  # type: ignore[union-attr]
        values["counterpart_date"] = b.date.when()
        limit = getattr(variant.check, "limit", None)
        if limit is not None and limit.unit == "working-days" and a.date.exact_day and b.date.exact_day:
            elapsed = working_days_between(a.date.exact_day, b.date.exact_day)
            figures["elapsed_working_days"] = elapsed
            values["elapsed"] = f"{elapsed} working day{'s' if elapsed != 1 else ''}"
        return Verdict(variant, a, "met", values, b, figures, kind="met")
    if len(statuses) == 1 and outcome.shown.get("breach") is not None:
        b = events[outcome.shown["breach"].key]  # type: ignore[union-attr]
        values["counterpart_date"] = b.date.when()
        if late_from is not None:
            n, text = _lateness(late_from, b.date.earliest, variant.check.limit)
            values["late"] = text
            figures.update(actual=b.date.iso(), late=n, late_unit=variant.check.limit.unit)
        return Verdict(variant, a, "breach", values, b, figures, kind="late")
    if len(statuses) == 1:
        status = next(iter(statuses))
        kind = "absent" if status == absent or status == "breach" else "open"
        return Verdict(variant, a, status, values, None, figures, kind=kind)
    status = "possible-breach" if statuses & set(DEPARTURES) else \
        ("not-evaluable" if "not-evaluable" in statuses else "met")
    entry = outcome.shown.get("met") or outcome.shown.get("breach")
    b = events[entry.key] if entry is not None else None
    unrecorded = [e for e in (a, b) if e is not None and e.attrs.get("unrecorded")]
    if status == "possible-breach" and unrecorded:
        # The source record lacks the date (an assessment with no authorised date), and the event's date is only
        # the range the other records allow: that is bad recording, not a possible departure. Say which field.
        values["unrecorded"] = unrecorded[0].attrs["unrecorded"]
        values["unrecorded_entry"] = event_label(unrecorded[0].type)
        figures["unrecorded"] = unrecorded[0].attrs["unrecorded"]
        return Verdict(variant, a, "not-evaluable", values, b, figures, kind="unrecorded")
    vague = [e for e in (a, b) if e is not None and _span_days(memo.when(e)) > TOO_IMPRECISE]
    if status == "possible-breach" and vague:
        # A date known only to years cannot be weighed against a timescale of days: say it cannot be judged,
        # rather than offer a possible departure that any date in those years would make.
        values["vague"] = vague[0].date.when()
        values["vague_entry"] = event_label(vague[0].type)
        return Verdict(variant, a, "not-evaluable", values, b, figures, kind="too-imprecise")
    if b is not None:
        values["counterpart_date"] = b.date.when()
    kind = "possible" if b is not None else ("possible-open" if "breach" in statuses else "open")
    if b is not None and outcome.shown.get("breach") is None and "breach" in statuses:
        kind = "possible-unanswered"  # the entry may have come before the trigger, or belong to another
    return Verdict(variant, a, status, values, b, figures, kind=kind)


# -- lead-time ------------------------------------------------------------------------------------

def _before(variant: Variant, b: Event, outcome: Outcome, memo: _Memo, values: dict[str, Any],
            when: When) -> Verdict:
    """`lead-time` and `precedes`, judged over every possible day (auditor.audit.clock)."""
    check = variant.check
    lead = getattr(check, "lead", None)
    figures: dict[str, Any] = {}
    if lead is not None:
        e_lo, e_hi = expected_by(when.lo, lead), expected_by(when.hi, lead)
        if lead.unit == "hours" and b.date.precision != "datetime":
            shown = (e_lo.date(), e_hi.date())  # type: ignore[union-attr]
        else:
            shown = (e_lo, e_hi)
        values.update(limit=lead.human(), ahead=lead.ahead(), expected_by=span(*shown))
        figures = {"expected_by": iso_span(*shown), "lead": lead.human()}
    verdict = _verdict(variant, b, outcome, memo, values, figures, absent=check.absent)
    if verdict.kind == "late" and lead is not None:
        a = verdict.counterpart
        values.pop("late", None)
        figures.pop("late", None), figures.pop("late_unit", None)
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
    return verdict


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
    # What the trigger does not record may be recorded on an entry about the same matter (linked to it, or to
    # what it is linked to): a history check for the incident a DASH assesses, the invitations to a conference.
    # The trigger's own record, where it has one, decides.
    related = memo.events
    shown_by = sorted(matches.satisfied_by.get(key, ()), key=lambda e: memo.order_key(related[e]))
    if shown_by and key in matches.missing:
        other = related[shown_by[0]]
        _related_values(values, check, other, names)
        return Verdict(variant, trigger, "met", values, other, kind="met-related")
    if key in matches.missing:
        recorded = sorted(matches.recorded_by.get(key, ()), key=lambda e: memo.order_key(related[e]))
        if recorded:  # a recorded negative on the related entry: evidence of a departure, not "not recorded"
            other = related[recorded[0]]
            _related_values(values, check, other, names)
            return Verdict(variant, trigger, "breach", values, other, kind="absent-related")
        values["missing"] = ", ".join(label(k[2:]) for k in sorted(matches.missing[key]))
        return Verdict(variant, trigger, "not-evaluable", values, kind="missing")
    return Verdict(variant, trigger, "breach", values, kind="absent")


def _related_values(values: dict[str, Any], check: Any, other: Event, names: dict[str, str]) -> None:
    values.update(counterpart=event_label(other.type), counterpart_date=other.date.when())
    if isinstance(check, IncludesCheck):
        recorded = other.attrs.get(check.field)
        shown = [names.get(r, r) for r in recorded] if isinstance(recorded, list) else []
        values["recorded"] = ", ".join(shown) or "none"


