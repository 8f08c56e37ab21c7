"""Replay a case in date order: what each entry opened, what it answered, and when a deadline passed.

Trainers walk a room through a case as the practitioners met it, one entry at a time. The audit's
findings say what was found with hindsight; the replay places each of them back in time, so the room
sees the moment an expectation arose (the strategy discussion starts the conference clock), the
moment it was answered (or answered late), and the day a deadline passed with nothing recorded.

The replay is built from a real audit (`AuditResult`), never from a second set of rules: statuses,
statements and readings are the audit's own. Only the dates a clock runs to are worked out again,
per reading, with the very functions the audit used (`auditor.audit.clock` and `auditor.audit.wording`), because a finding keeps the figures of
its worst reading only and the replay needs each reading's clock (the founding case's conference
clock runs to 23/05/2012 on the police record and to 15/06/2012 on children's social care's).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..audit.run import AuditResult
from ..status import LABELS
from ..audit.findings import Finding
from ..chronology import Chronology, Event
from ..chronology.model import reading_order
from ..chronology.dates import END_OF_DAY
from ..reports.render import LIMITS, environment, summary_counts
from ..rulebook import Rulebook, Variant
from ..rulebook.conditions import describe, label
from ..rulebook.schema import IncludesCheck, RequiresCheck
from ..audit.wording import event_label, human, iso_span, span, party_names, statement
from ..audit.prepared import rulebook_data
from ..audit.clock import deadline, expected_by
from ..words import count, uk_date

# What an item on a step says happened to an obligation. "opens" starts a clock or an expectation
# that later entries may answer; "checks" is an expectation judged there and then (on the entry
# itself, or looking back from it).
KIND_LABELS = {
    "opens": "Opens",
    "checks": "Checked here",
    "met": "Met",
    "late": "Later than expected",
    "not-evidenced": "Not evidenced",
    "depends": "Possible departure",
    "not-recorded": "Not recorded",
    "lapsed": "Deadline passed",
    "still-open": "Still open",
}
# The tally's four counters, and the state an obligation is in after each kind of item. "Lapsed": due, and
# not evidenced in the chronology by then (a step recorded later than expected stays lapsed). "Uncertain":
# the verdict depends on which reading is right or on exact dates, or what was done is not recorded.
TALLY_LABELS = {"open": "open", "met": "met", "lapsed": "lapsed", "uncertain": "uncertain"}
TALLY_MEANINGS = {
    "open": "expected, and not yet due or not yet answered",
    "met": "answered as the standard expects",
    "lapsed": "due, and not evidenced in the chronology by then (or recorded later than expected)",
    "uncertain": "depends on which reading is right or on exact dates, or what was done is not recorded",
}
_STATE = {"opens": "open", "checks": "open", "met": "met", "late": "lapsed", "not-evidenced": "lapsed",
          "lapsed": "lapsed", "depends": "uncertain", "not-recorded": "uncertain", "still-open": "open"}
_CLOCKS = ("within", "follows")


@dataclass(frozen=True)
class Item:
    """One obligation's news on one step, with enough of its finding to be read on its own."""

    kind: str
    finding_id: str
    rule_id: str
    title: str
    severity: str
    edition: str
    status: str  # the finding's overall status, as the audit gave it
    text: str
    reading: str = ""  # "if E039 (Police record, 01/05/2012) is right" when the item holds on one reading only
    note: str = ""
    deadline: str = ""  # ISO, as `Finding.figures` writes it, on the items of a clock that opens or lapses

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return LABELS[self.status]


@dataclass(frozen=True)
class Entry:
    event_id: str
    date: str  # as written: "11/06/2012", "08/2000", "01/05/2012-10/06/2012 (between ...)"
    agency: str
    type: str
    summary: str
    source: str
    same_event_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tally:
    open: int = 0
    met: int = 0
    lapsed: int = 0
    uncertain: int = 0
    # What each counter counts: per counter, the standards in it ("Police invited to ICPC (DA), 11/06/2012").
    members: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def as_pairs(self) -> list[tuple[str, int]]:
        return [(key, getattr(self, key)) for key in TALLY_LABELS]

    def listed(self, key: str) -> tuple[str, ...]:
        return dict(self.members).get(key, ())

    def human(self) -> str:
        return ", ".join(f"{n} {TALLY_LABELS[key]}" for key, n in self.as_pairs())


@dataclass(frozen=True)
class Step:
    number: int
    kind: str  # entry, lapse or summary
    date: str
    iso: str
    entry: Entry | None
    opens: tuple[Item, ...]
    outcomes: tuple[Item, ...]
    tally: Tally

    @property
    def heading(self) -> str:
        if self.entry is not None:
            return f"{self.date}: {self.entry.type}, {self.entry.agency}"
        if self.kind == "lapse":
            return f"{self.date}: deadline passed"
        return "Summary"


@dataclass(frozen=True)
class Replay:
    case_id: str
    title: str
    scoping: str
    meta: dict[str, Any]
    readings: tuple[str, ...]
    steps: tuple[Step, ...]
    counts: tuple[tuple[str, int], ...]  # findings by status, as the audit's summary gives them
    report_date: str
    limits: str = LIMITS

    @property
    def entries(self) -> int:
        return sum(1 for s in self.steps if s.kind == "entry")

    @property
    def lapses(self) -> int:
        return sum(1 for s in self.steps if s.kind == "lapse")


@dataclass
class _Thread:
    """One finding on one reading (or edition): the unit that has a clock, an outcome and a state."""

    finding: Finding
    variant: Variant
    trigger: Event
    counterpart: Event | None
    status: str
    statement: str
    reading: str
    deadline: tuple[Any, Any] | None = None  # (earliest, latest) possible deadline, for `within`
    key: int = 0

    @property
    def template(self) -> str:
        return self.variant.check.template


@dataclass(order=True)
class _Slot:
    """Where a step sits in time: entries by their first day, then in reading order; a deadline after its day."""

    moment: datetime
    rank: int  # 0 an entry, 1 a lapse, 2 the summary
    order: int
    event: Event | None = field(default=None, compare=False)
    items: list[tuple[int, str, _Thread]] = field(default_factory=list, compare=False)


def build_replay(result: AuditResult, rulebook: Rulebook, report_date: date | None = None) -> Replay:
    """`report_date` is printed on the page only; without it the replay carries no date of its own."""
    chron = result.chronology
    data = rulebook_data(rulebook)
    names = party_names(chron, rulebook)
    threads = _threads(result, rulebook, names)

    order = reading_order(chron.events, rulebook.vocabulary.before_their_link)
    slots = {e.id: _Slot(datetime.combine(e.date.first_day, time.min), 0, order[e.id], e) for e in chron.events}
    lapses: dict[datetime, _Slot] = {}
    end = _Slot(datetime.max, 2, 0)
    # Each item is (section, kind, thread): 0 what the entry opens, 1 an outcome, 2 a deadline passing.
    for t in threads:
        opening = slots[t.trigger.id]
        opening.items.append((0, "opens" if t.template in _CLOCKS else "checks", t))
        # An outcome is known once both entries have been seen (a report checked at its later conference).
        resolved = max(opening, slots[t.counterpart.id]) if t.counterpart is not None else opening
        kind = _outcome(t)
        if t.template == "within" and t.status == "breach":
            moment = _end_of(t.deadline[1])  # type: ignore[index]
            lapses.setdefault(moment, _Slot(moment, 1, 0)).items.append((2, "lapsed", t))
            if t.counterpart is not None:
                resolved.items.append((1, "late", t))
        elif t.template in _CLOCKS and t.counterpart is None:
            end.items.append((1, kind, t))  # nothing answered it: open at the end, or not evidenced after it
        else:
            resolved.items.append((1, kind, t))

    states: dict[int, str] = {}
    steps: list[Step] = []
    for number, slot in enumerate([*sorted([*slots.values(), *lapses.values()]), end], 1):
        opens, outcomes = [], []
        for _, kind, t in sorted(slot.items, key=lambda item: (item[0], _thread_order(item[2]))):
            states[t.key] = _STATE[kind]
            item = _item(kind, t, names, data)
            (opens if kind in ("opens", "checks") else outcomes).append(item)
        tally = _tally(states, threads)
        if slot.event is not None:
            event = slot.event
            steps.append(Step(number, "entry", event.date.human(), event.date.iso(), _entry(event, chron, data),
                              tuple(opens), tuple(outcomes), tally))
        elif slot.rank == 1:
            day = _human_moment(slot.moment)
            steps.append(Step(number, "lapse", day, _iso_moment(slot.moment), None, (), tuple(outcomes), tally))
        else:
            steps.append(Step(number, "summary", f"{chron.case.scoping.end:%d/%m/%Y}",
                              chron.case.scoping.end.isoformat(), None, (), tuple(outcomes), tally))
    return Replay(
        case_id=chron.case.id, title=chron.case.title,
        scoping=f"{chron.case.scoping.start:%d/%m/%Y} to {chron.case.scoping.end:%d/%m/%Y}",
        meta=dict(result.meta), readings=tuple(result.readings), steps=tuple(steps),
        counts=tuple(summary_counts(result.findings)),
        report_date=f"{report_date:%d/%m/%Y}" if report_date else "")


# -- threads: one finding on one reading ------------------------------------------------------------

def _threads(result: AuditResult, rulebook: Rulebook, names: dict[str, str]) -> list[_Thread]:
    """A finding merges its readings; the replay takes them apart again, because each reading's clock starts at
    its own record and ends at its own deadline. Each reading is one of the audit's own verdicts, from its
    trace: its trigger, the entry that answered it, its status and its deadline, as the audit judged them."""
    if result.trace is None:
        raise ValueError("the replay needs an audit run with trace=True")
    chron = result.chronology
    threads: list[_Thread] = []
    for f in result.findings:
        if f.status == "not-applicable":
            continue
        items = result.trace[f.id]
        variants = list(dict.fromkeys(i.verdict.variant.key for i in items))
        differ = len({(i.verdict.status, statement(i.verdict)) for i in items}) > 1
        made: dict[tuple[Any, ...], _Thread] = {}
        for item in items:
            v = item.verdict
            reading = item.scenario.label(chron, names) if differ and item.scenario.choice else ""
            if len(variants) > 1:
                reading = f"{reading}; under {v.variant.edition}" if reading else f"under {v.variant.edition}"
            thread = _add(made, f, v.variant, v.trigger, v.counterpart, v.status, statement(v), reading)
            if thread is not None and v.variant.check.template == "within" and v.when is not None:
                limit = v.variant.check.limit
                thread.deadline = (deadline(v.when.lo, limit), deadline(v.when.hi, limit))
        threads += made.values()
    for key, t in enumerate(threads):
        t.key = key
    return threads


def _add(made: dict[tuple[Any, ...], _Thread], f: Finding, variant: Variant, trigger: Event,
         counterpart: Event | None, status: str, statement: str, reading: str) -> _Thread | None:
    """Readings that agree on everything (another conflict the verdict does not turn on) are one thread."""
    key = (trigger.id, counterpart.id if counterpart else "", variant.key, status, statement)
    if key in made:
        made[key].reading = f"{made[key].reading} or {reading}" if reading else made[key].reading
        return None
    made[key] = _Thread(f, variant, trigger, counterpart, status, statement, reading)
    return made[key]


def _outcome(t: _Thread) -> str:
    if t.status == "met":
        return "met"
    if t.status == "possible-breach":
        return "depends"
    if t.status == "breach":
        return "late" if t.counterpart is not None and t.template not in ("includes", "requires") else "not-evidenced"
    if t.template == "within" and t.counterpart is None:
        return "still-open"
    return "not-recorded"


def _thread_order(t: _Thread) -> tuple[Any, ...]:
    return (t.finding.trigger_date, t.finding.rule_id, t.finding.id, t.key)


def _tally(states: dict[int, str], threads: list[_Thread]) -> Tally:
    """Per finding: the state its readings share so far, or "uncertain" when the readings seen so far differ."""
    per_finding: dict[str, set[str]] = {}
    findings: dict[str, Any] = {}
    for t in threads:
        if t.key in states:
            per_finding.setdefault(t.finding.id, set()).add(states[t.key])
            findings[t.finding.id] = t.finding
    state = {fid: next(iter(s)) if len(s) == 1 else "uncertain" for fid, s in per_finding.items()}
    counts = Counter(state.values())
    members = tuple((key, tuple(sorted(_named(findings[fid]) for fid, st in state.items() if st == key)))
                    for key in TALLY_LABELS)
    return Tally(**{key: counts[key] for key in TALLY_LABELS}, members=members)


def _named(finding: Any) -> str:
    """A finding as a tally lists it: its standard and the date of the event that engaged it."""
    when = uk_date(finding.trigger_date)
    return f"{finding.title}, {when}" if when else finding.title


# -- wording --------------------------------------------------------------------------------------------

def _item(kind: str, t: _Thread, names: dict[str, str], data: Any) -> Item:
    f = t.finding
    if kind in ("opens", "checks"):
        text = _expectation(t, names, data)
    elif kind == "lapsed":
        text = _lapse(t, data)
    else:
        text = t.statement
    note = ""
    if f.status == "possible-breach" and kind not in ("opens", "checks"):
        if len({a.status for a in f.depends_on}) > 1:
            note = ("Possible departure: the verdict depends on which reading is right ("
                    + "; ".join(f"{a.reading}: {LABELS[a.status].lower()}" for a in f.depends_on) + ").")
        else:
            note = "Possible departure: the verdict depends on exact dates the chronology does not give."
    deadline = iso_span(*t.deadline) if t.deadline and kind in ("opens", "lapsed") else ""
    return Item(kind=kind, finding_id=f.id, rule_id=f.rule_id, title=f.title, severity=f.severity,
                edition=t.variant.edition, status=f.status, text=text, reading=t.reading, note=note,
                deadline=deadline)


def _wanted(t: _Thread, data: Any) -> str:
    return data.wanted.get(t.variant.key, "") or "the expected step"


def _expectation(t: _Thread, names: dict[str, str], data: Any) -> str:
    """What this entry makes expected, in words a room can hold on to."""
    check = t.variant.check
    edition = t.variant.edition
    trigger = event_label(t.trigger.type)
    if isinstance(check, IncludesCheck):
        value = " or ".join(names.get(v, v) for v in check.value)
        return f"{value} expected among those recorded as {label(check.field)} ({edition})."
    if isinstance(check, RequiresCheck):
        return f"Expected of this {trigger}: {describe(check.expect, names)} ({edition})."
    wanted = _wanted(t, data)
    wanted_cap = wanted[:1].upper() + wanted[1:]
    if t.template == "within":
        lo, hi = t.deadline  # type: ignore[misc]
        limit = check.limit.human()
        if lo == hi:
            return f"{wanted_cap} expected by {human(hi)} ({limit}, {edition})."
        return (f"{wanted_cap} expected by a deadline between {human(lo)} and {human(hi)} ({limit}, {edition}); "
                f"the {trigger}'s date is not exact.")
    if t.template == "follows":
        return f"{wanted_cap} expected after this {trigger} (no time limit; {edition})."
    if t.template == "lead-time":
        lead = check.lead
        lo, hi = expected_by(t.trigger.date.earliest, lead), expected_by(t.trigger.date.latest, lead)
        if lead.unit == "hours" and t.trigger.date.precision != "datetime":
            lo, hi = lo.date(), hi.date()  # as the audit shows it
        return (f"{wanted_cap} expected {lead.ahead()} this {trigger}, that is by "
                f"{span(lo, hi)} ({edition}).")
    back = f", and no earlier than {check.lookback.human()} before it" if check.lookback else ""
    return f"{wanted_cap} expected on or before this {trigger}{back} ({edition})."


def _lapse(t: _Thread, data: Any) -> str:
    """The day a clock ran out with nothing recorded: said of the deadline, never of a person."""
    lo, hi = t.deadline  # type: ignore[misc]
    limit = t.variant.check.limit.human()
    trigger = event_label(t.trigger.type)
    text = (f"{human(hi)}: deadline for the {_wanted(t, data)} passed; nothing recorded by then "
            f"({limit} after the {trigger} {t.trigger.date.when()}, {t.trigger.id})")
    if lo != hi:
        text += (f". The deadline falls between {human(lo)} and {human(hi)}, as the {trigger}'s date is not "
                 f"exact; it had passed by {human(hi)} at the latest")
    return text + "."


def _entry(event: Event, chron: Chronology, data: Any) -> Entry:
    source = event.source.human()
    document = chron.case.sources.get(event.source.document)
    if document:
        source = source.replace(event.source.document, document.title, 1)
    return Entry(event_id=event.id, date=event.date.human(), agency=data.agency_names.get(event.agency, event.agency),
                 type=event_label(event.type), summary=event.summary, source=source,
                 same_event_as=tuple(event.same_event_as))


def _end_of(moment: Any) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, END_OF_DAY)


def _human_moment(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y}" if moment.time() == END_OF_DAY else f"{moment:%d/%m/%Y %H:%M}"


def _iso_moment(moment: datetime) -> str:
    return moment.date().isoformat() if moment.time() == END_OF_DAY else moment.isoformat(timespec="minutes")


# -- rendering --------------------------------------------------------------------------------------------

def _wrap(text: str, indent: int, hang: int | None = None, width: int = 100) -> list[str]:
    first = " " * indent
    rest = " " * (indent if hang is None else hang)
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first]


def _item_lines(item: Item) -> list[str]:
    head = f"- {item.label}: {item.title} ({item.severity})"
    if item.reading:
        head += f", {item.reading}"
    lines = _wrap(head + ".", 4, 6)
    lines += _wrap(item.text, 6)
    if item.note:
        lines += _wrap(item.note, 6)
    return lines


def render_text(replay: Replay) -> str:
    """The replay on a terminal: every step, then the summary, wrapped to 100 columns."""
    total = len(replay.steps)
    lines = _wrap(f"Replay of {replay.case_id}: {replay.title}", 0, 4)
    lines += _wrap(f"Scoping period {replay.scoping}. {count(total, 'step')}: "
                   f"{count(replay.entries, 'chronology entry', 'chronology entries')} in date order, "
                   f"{count(replay.lapses, 'day on which a deadline passed', zero='no')}, and the summary.", 0, 4)
    if replay.readings:
        lines += _wrap("Conflicting records (each finding judged on each record it reads): "
                       + "; ".join(replay.readings) + ".", 0, 4)
    lines.append("")
    for step in replay.steps:
        lines += _wrap(f"[{step.number}/{total}] {_step_title(step)}", 0, 4)
        if step.entry is not None:
            e = step.entry
            lines += _wrap(e.summary, 4)
            lines += _wrap(f"Source: {e.source}.", 4)
            if e.same_event_as:
                lines += _wrap(f"Another record of the same event: {', '.join(e.same_event_as)}; the records "
                               "disagree, so each reading is audited.", 4)
        if step.kind == "summary":
            lines += _wrap(f"Findings: {count_phrase(replay.counts)}.", 4)
        if step.opens:
            lines.append("  Expectations from this entry:")
            for item in step.opens:
                lines += _item_lines(item)
        if step.outcomes:
            lines.append("  " + {"lapse": "Deadline passed:", "summary": "At the end of the chronology:"}
                         .get(step.kind, "Outcomes here:"))
            for item in step.outcomes:
                lines += _item_lines(item)
        lines += _wrap(f"Running tally: {step.tally.human()}.", 2)
        lines.append("")
    lines += _wrap(replay.limits, 0)
    return "\n".join(lines) + "\n"


def count_phrase(counts: tuple[tuple[str, int], ...]) -> str:
    """"35 departures, 7 possible departures, 10 not evaluable, 8 met, 8 not applicable"."""
    return ", ".join(count(n, text.lower(), None if text.endswith("eparture") else text.lower())
                     for text, n in counts)


def _step_title(step: Step) -> str:
    if step.entry is not None:
        e = step.entry
        return f"{e.date}  {e.event_id}  {e.agency}: {e.type}"
    if step.kind == "lapse":
        return f"{step.date}  Deadline passed"
    return f"Summary at the end of the scoping period ({step.date})"


def render_html(replay: Replay) -> bytes:
    """One self-contained page; the shared environment autoescapes it, so chronology text stays text."""
    page = environment().get_template("replay.html.j2").render(r=replay, tally_labels=TALLY_LABELS,
                                                               tally_meanings=TALLY_MEANINGS,
                                                               counts=count_phrase(replay.counts))
    return page.encode("utf-8")
