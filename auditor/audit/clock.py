"""Time windows judged exactly when dates are imprecise: every possible day, not the ends of ranges.

A chronology may know an event only to a month or a range of days. A verdict is *certain* (met, or a
departure) only if it is the verdict for every possible day of every event involved, and *possible* if
some days give a departure and others do not. The functions here compute, for one trigger and the
entries that may answer it, the set of statuses the possible days allow, with the entry that shows each.

How they do it without trying every combination: for each possible day of the trigger, each entry's
possible days fall before the trigger, inside the window or after it; the entries' days are independent,
so "some day makes it met", "some days make it not met" and what those are follow from those three
facts per entry. The trigger's days are tried one by one (a range of a few years is a few thousand days).

Conventions, as in docs/rulebook-format.md:
  * the trigger's own day is day 0, and an entry on that day counts as after it (time unknown), unless
    both are timed, or neither is and the chronology's reading order puts the entry first (a screening
    that produced the referral is not its answer), whether the entry was dated to that day or only
    possibly on it;
  * a deadline in working days, calendar days or months is a whole day, inclusive; in hours, a moment;
  * an entry linked to the trigger is on its side of it whatever its dates: a response (a DASH `for` its
    incident, a referral that `follows` it) at or after it, a preparation (a report `for` its conference)
    on or before it;
  * an entry whose belonging to this trigger is itself uncertain (`maybe`) may also be absent.
`tests/test_range_oracle.py` checks the whole audit against a brute-force oracle that tries every day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterator

from ..rulebook.schema import Limit
from ..workdays import shift_days

DAY = timedelta(days=1)
END_OF_DAY = time(23, 59, 59)

Moment = datetime | date  # a deadline is a moment for a limit in hours, else a whole day


@dataclass(frozen=True)
class When:
    """When an entry may have happened: its earliest and latest moment, whether a time was recorded, and what
    orders two untimed entries on one day (the chronology's reading order): a link between them (`before_link`:
    this entry is a preparation for what it links to), else their places in the file."""

    lo: datetime
    hi: datetime
    timed: bool = False
    position: int = 0
    key: str = ""
    links: frozenset[str] = frozenset()
    before_link: bool = False

    @property
    def first_day(self) -> date:
        return self.lo.date()

    @property
    def last_day(self) -> date:
        return self.hi.date()

    @property
    def one_day(self) -> bool:
        return self.first_day == self.last_day

    def days(self) -> Iterator[date]:
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += DAY

    def on(self, day: date) -> "When":
        """The same entry, known to have happened on `day`."""
        if self.one_day:
            return self
        return When(datetime.combine(day, time.min), datetime.combine(day, END_OF_DAY), False, self.position,
                    self.key, self.links, self.before_link)


def narrowed_by_links(spans: dict[str, tuple[date, date]], links: dict[str, set[str]],
                      preparations: set[str]) -> dict[str, tuple[date, date]]:
    """Each entry's possible days, narrowed by what its links say: a response (`for`, `follows`, `about`) is
    on or after what it links to, a preparation (a report `for` its conference) on or before it. A month-only
    DASH `for` an incident of the 11th was not before the 11th; a conference whose report `for` it is dated
    the 17th was not before the 17th. Contradictory links (a response dated before what it answers) leave the
    days as recorded; `auditor check` reports them."""
    days = dict(spans)
    for _ in range(len(days) + 1):  # to a fixed point; each pass can only narrow
        changed = False
        for source, targets in links.items():
            for target in targets:
                if target not in days or target == source:
                    continue
                (a_lo, a_hi), (b_lo, b_hi) = days[source], days[target]
                if source in preparations:  # source <= target
                    new_a, new_b = (a_lo, min(a_hi, b_hi)), (max(b_lo, a_lo), b_hi)
                else:  # source >= target
                    new_a, new_b = (max(a_lo, b_lo), a_hi), (b_lo, min(b_hi, a_hi))
                if new_a[0] > new_a[1] or new_b[0] > new_b[1]:
                    continue
                if (new_a, new_b) != (days[source], days[target]):
                    days[source], days[target] = new_a, new_b
                    changed = True
        if not changed:
            break
    return days


def read_first(a: When, b: When) -> bool:
    """Of two untimed entries on the same day, is `a` read first? As `reading_order` orders a day: an entry
    linked to another comes after it (a preparation, `before_link`, before it); otherwise the file's order."""
    if b.key in a.links:
        return a.before_link
    if a.key in b.links:
        return not b.before_link
    return a.position < b.position


@dataclass(frozen=True)
class Entry:
    """An entry that may answer the trigger; `maybe`: it may belong to another trigger instead."""

    key: str
    when: When
    maybe: bool = False


@dataclass
class Outcome:
    """The statuses some possible days allow, each with the entry that shows it (None: no entry counted)."""

    shown: dict[str, Entry | None]

    @property
    def statuses(self) -> set[str]:
        return set(self.shown)

    def add(self, status: str, entry: Entry | None) -> None:
        if status not in self.shown or (self.shown[status] is None and entry is not None):
            self.shown[status] = entry


def _same_day_before(entry: When, trigger: When) -> bool:
    """On the trigger's day, does the entry certainly come before it?"""
    if entry.timed and trigger.timed:
        return entry.hi < trigger.lo
    if not entry.timed and not trigger.timed:
        return read_first(entry, trigger)
    return False


def _after_relation(entry: Entry, trigger: When, day: date) -> tuple[bool, bool]:
    """(can be before the trigger on `day`, can be at or after it)."""
    w = entry.when
    if trigger.key in w.links and not w.before_link:  # a recorded response to it: at or after it, whatever its dates
        return entry.maybe, w.last_day >= day
    if w.key in trigger.links and not trigger.before_link:  # the trigger follows up this entry: it came first
        return True, False
    if w.timed and trigger.timed and w.one_day and trigger.one_day:
        return w.lo < trigger.lo, w.hi >= trigger.lo
    can_before = w.first_day < day or (w.first_day <= day <= w.last_day and _same_day_before(w.on(day), trigger))
    can_after = w.last_day > day or (w.first_day <= day <= w.last_day and not _same_day_before(w.on(day), trigger))
    return can_before or entry.maybe, can_after


def _trigger_days(trigger: When) -> Iterator[When]:
    for day in trigger.days():
        yield trigger.on(day)


# -- a counterpart after the trigger: within, follows ----------------------------------------------------------

@dataclass(frozen=True)
class Relation:
    """Where an entry may fall against one possible day of the trigger and its window.

    `outside`: the entry may fall where it does not answer the trigger (before a trigger it must follow,
    after one it must precede, or belonging to another trigger altogether); `in_time`: it may answer it in
    time; `surely`: it answers it in time whatever its exact day; `late`: it may answer it, but late.
    """

    outside: bool
    in_time: bool
    surely: bool
    late: bool


@dataclass(frozen=True)
class Window:
    """One possible day of the trigger: the moments by which an answer is in time (an interval, for a trigger
    without a time judged in hours), and for `precedes`, the earliest moment an answer may be."""

    trigger: When
    by_lo: datetime | None
    by_hi: datetime | None
    earliest: datetime | None = None


def windows_after(trigger: When, limit: Limit | None) -> Iterator[Window]:
    """Each possible day of the trigger with its deadline (none for `follows`)."""
    for t in _trigger_days(trigger):
        if limit is None:
            yield Window(t, None, None)
        elif limit.unit == "hours":
            yield Window(t, t.lo + timedelta(hours=limit.n), t.hi + timedelta(hours=limit.n))
        else:
            deadline = datetime.combine(shift_days(t.first_day, limit.n, limit.unit), END_OF_DAY)
            yield Window(t, deadline, deadline)


def windows_before(trigger: When, lead: Limit | None, lookback: Limit | None) -> Iterator[Window]:
    """Each possible day of the trigger with its "expected by" (lead-time) and the search's start (lookback)."""
    for t in _trigger_days(trigger):
        day = t.first_day
        if lead is None:
            by_lo = by_hi = None
        elif lead.unit == "hours":
            by_lo, by_hi = t.lo - timedelta(hours=lead.n), t.hi - timedelta(hours=lead.n)
        else:
            by_lo = by_hi = datetime.combine(shift_days(day, -lead.n, lead.unit), END_OF_DAY)
        earliest = None
        if lookback is not None:
            start = search_start(t.lo, lookback)
            earliest = start if type(start) is datetime else datetime.combine(start, time.min)
        yield Window(t, by_lo, by_hi, earliest)


def relation_after(entry: Entry, window: Window) -> Relation:
    """`within` and `follows`: the answer must come at or after the trigger, by the deadline."""
    t, w = window.trigger, entry.when
    can_before, can_after = _after_relation(entry, t, t.first_day)
    if not can_after:
        return Relation(True, False, False, False)
    return _against_deadline(w, window, can_before)


def relation_before(entry: Entry, window: Window) -> Relation:
    """`lead-time` and `precedes`: the answer must come on or before the trigger, by the expected-by moment.
    Untimed entries on the trigger's day count as on or before it; a preparation linked to the trigger (a
    report for its conference) was on or before it."""
    t, w = window.trigger, entry.when
    day = t.first_day
    on_day = w.first_day <= day <= w.last_day
    timed = w.timed and t.timed and w.one_day
    outside = ((w.last_day > day or (on_day and timed and w.hi > t.lo))
               and not (w.before_link and t.key in w.links)
               and not (w.key in t.links and not t.before_link)) or entry.maybe
    counted = w.first_day < day or (on_day and not (timed and w.lo > t.hi))
    if window.earliest is not None:
        outside = outside or w.lo < window.earliest
        counted = counted and w.hi >= window.earliest
    if not counted:
        return Relation(True, False, False, False)
    return _against_deadline(w, window, outside)


def _against_deadline(w: When, window: Window, outside: bool) -> Relation:
    """An entry that counts for the trigger, against the window's deadline (or expected-by moment): in time if
    it could be by the latest, surely in time if it is certainly by the earliest and certainly on the right side
    of the trigger (`outside` says it may not be), late if it could be after the earliest."""
    in_time = window.by_hi is None or w.lo <= window.by_hi
    surely = not outside and (window.by_lo is None or w.hi <= window.by_lo)
    late = window.by_lo is not None and w.hi > window.by_lo
    return Relation(outside, in_time, surely, late)


def _judge_windows(windows: Iterator[Window], entries: list[Entry], relate: Any, absent: str,
                   end: datetime | None) -> Outcome:
    """The statuses over every possible day: for each day of the trigger, some entry may make it met; unless
    one surely does, a world exists where none does, and it is a departure if an entry may come late, and the
    `absent` status (a departure, or not evaluable) if every entry may fall outside."""
    out = Outcome({})
    for window in windows:
        relations = [(entry, relate(entry, window)) for entry in entries]
        for entry, r in relations:
            if r.in_time:
                out.add("met", entry)
        if any(r.surely for _, r in relations):
            continue
        late = next((entry for entry, r in relations if r.late), None)
        if late is not None:
            out.add("breach", late)
        if all(r.outside for _, r in relations):
            for status in _absent(window, absent, end):
                out.add(status, None)
    return out


def _absent(window: Window, absent: str, end: datetime | None) -> list[str]:
    """Nothing answers the trigger: for `within`, a departure once the window closed inside the chronology."""
    if end is None or window.by_hi is None or end > window.by_hi:
        return [absent]
    if end <= window.by_lo:  # type: ignore[operator]
        return ["not-evaluable"]
    return [absent, "not-evaluable"]  # a deadline in hours, from an untimed trigger, either side of the end


def after_trigger(trigger: When, entries: list[Entry], limit: Limit | None, end: datetime) -> Outcome:
    """Statuses of `within` (a limit) or `follows` (none) over every possible day of every entry."""
    return _judge_windows(windows_after(trigger, limit), entries, relation_after, "breach", end)


def before_trigger(trigger: When, entries: list[Entry], lead: Limit | None, lookback: Limit | None,
                   absent: str) -> Outcome:
    """Statuses of `lead-time` (at least `lead` before) or `precedes` (on or before, within `lookback`)."""
    return _judge_windows(windows_before(trigger, lead, lookback), entries, relation_before, absent, None)


def summary(relations: list[Relation]) -> Relation:
    """One entry's relation over every possible day of the trigger: what some day allows, what every day does."""
    return Relation(any(r.outside for r in relations), any(r.in_time for r in relations),
                    bool(relations) and all(r.surely for r in relations), any(r.late for r in relations))


# -- deadlines -----------------------------------------------------------------------------------

def deadline(start: datetime, limit: Limit) -> Moment:
    if limit.unit == "hours":
        return start + timedelta(hours=limit.n)
    return shift_days(start.date(), limit.n, limit.unit)


def expected_by(moment: datetime, lead: Limit) -> Moment:
    if lead.unit == "hours":
        return moment - timedelta(hours=lead.n)
    return shift_days(moment.date(), -lead.n, lead.unit)


def search_start(moment: datetime, lookback: Limit) -> Moment:
    """Where a `precedes` search window opens: `lookback` before the trigger (a moment in hours, else a day)."""
    if lookback.unit == "hours":
        return moment - timedelta(hours=lookback.n)
    return shift_days(moment.date(), -lookback.n, lookback.unit)
