"""What every episode builds on: the events written so far, the opportunities recorded, the random draws and
the working-day arithmetic.

An episode writes events with `ev` (an event's key is its place in the order written; ids are given in date
order at the end, by `finish`) and records each trigger a rule judges with `opp`; `roll` decides whether a
departure is planted there. Every draw comes from the case's own generator, so the order of the draws is part of
the output: moving one changes the rest of the case."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .. import workdays
from ..workdays import add_working_days, is_working_day
from .constants import _ONE, _TD
from .standards import DEPARTURES, RULES

# Order of same-day events (the incident before its DASH, checks before the assessment ...).
_RANK = {
    "domestic-abuse-incident": 0, "history-check": 1, "dash-risk-assessment": 2, "arrest": 3, "screening": 3,
    "referral": 4, "referral-decision": 5, "information-check": 6, "strategy-discussion": 8,
    "section-47-enquiry": 9, "initial-assessment": 10, "core-assessment": 10, "single-assessment": 10,
    "conference-invitation": 11, "conference-report": 11, "initial-child-protection-conference": 12,
    "review-child-protection-conference": 12, "child-protection-plan": 13, "conference-minutes-sent": 14,
    "core-group-meeting": 15, "case-transfer": 16, "case-closure": 17, "letter": 18, "death": 99,
}


# -- calendar arithmetic: the auditor's own, so planted deadlines are counted exactly as the rules count them --

def add_months(day: date, n: int) -> date:
    return workdays.shift_days(day, n, "months")


class _Ev:
    __slots__ = ("agency", "attrs", "author", "day", "key", "links", "people", "recorded_by", "same", "sort_key",
                 "summary", "type", "written")

    def __init__(self, key: int, day: date, type_: str, agency: str, people: list[str], attrs: dict[str, Any],
                 summary: str, author: str | None, links: dict[str, Any] | None, recorded_by: str | None) -> None:
        self.key = key
        self.day = day
        self.sort_key = (day, _RANK.get(type_, 7), key)
        self.type = type_
        self.agency = agency
        self.recorded_by = recorded_by
        self.author = author
        self.people = people
        self.attrs = attrs
        self.links = links
        self.same: list[int] = []
        self.summary = summary
        self.written: Any = None


class _Opp:
    __slots__ = ("departed", "detail", "exact", "involved", "key", "rule")

    def __init__(self, rule: str, key: int, departed: bool, detail: str, involved: tuple[int, ...]) -> None:
        self.rule = rule
        self.key = key
        self.departed = departed
        self.detail = detail
        self.involved = involved
        self.exact = True


class Builder:
    """The state of one case being built, and the helpers every episode uses."""

    # Drawn by the storyline (`CaseBuilder.build`) before any episode runs.
    case_id: str
    da: bool  # domestic abuse: otherwise the concern is neglect
    n_children: int
    kids: list[str]
    young: bool  # young children, so health visiting is involved
    unborn: bool
    nursery: bool
    housing: bool  # housing involved
    area: str | None

    def __init__(self, rng: random.Random, seed: int, index: int, target: int, rate: float, imprecise_rate: float,
                 conflict_rate: float) -> None:
        self.rng = rng
        self.r = rng.random
        # Draws for steps added after the generator's stream was fixed (the pattern rules' visits), from a stream
        # of their own, so that every earlier case stays as it was.
        self.later = random.Random(f"{seed}-{index}-later")
        self.seed = seed
        self.index = index
        self.target = target
        self.rate = rate
        self.imprecise_rate = imprecise_rate
        self.conflict_rate = conflict_rate
        self.evs: list[_Ev] = []
        self.opps: list[_Opp] = []
        self.conflicts: list[tuple[int, int]] = []
        self.incident_days: list[date] = []
        self.marac_blocked = False
        # The incidents since the last MARAC referral or judged run (the escalation rule counts runs of three
        # in 12 months from the chronology; docs/rulebook-format.md, "Accumulation").
        self.escalation_run: list[date] = []
        self.minutes_to_police: bool | None = None
        self.moved = False
        self.open_periods: list[tuple[date, date]] = []
        self.wa_referred = False
        self.sw = 0
        self.end_limit: date | None = None  # the chronology must end before this day (a window still open)
        self.ends = False  # the last storyline event ends the chronology (a death): routine contacts come before it

    # -- small helpers ----------------------------------------------------------------------------

    def ev(self, day: date, type_: str, agency: str, people: list[str], attrs: dict[str, Any] | None = None,
           summary: str = "", author: str | None = None, links: dict[str, Any] | None = None,
           recorded_by: str | None = None) -> int:
        key = len(self.evs)
        self.evs.append(_Ev(key, day, type_, agency, people, attrs or {}, summary, author, links, recorded_by))
        return key

    def applies(self, rule: str, day: date) -> bool:
        _, first, last, area = RULES[rule]
        return first <= day and (last is None or day <= last) and (area is None or area == self.area)

    def roll(self, rule: str, day: date) -> bool:
        """Plant a departure here? Always draws, so the rest of the case does not depend on the rule's dates."""
        return self.rng.random() < self.rate and self.applies(rule, day)

    def opp(self, rule: str, key: int, departed: bool, involved: tuple[int, ...] = ()) -> None:
        if self.applies(rule, self.evs[key].day):
            self.opps.append(_Opp(rule, key, departed, DEPARTURES[rule] if departed else "", involved))

    # Random draws use only random(), whose stream Python keeps stable across versions.
    def ri(self, lo: int, hi: int) -> int:
        return lo + int(self.r() * (hi - lo + 1))

    def pick(self, items: Any) -> Any:
        return items[int(self.r() * len(items))]

    def pick_w(self, items: Any, weights: Any) -> Any:
        x = self.r() * sum(weights)
        for item, w in zip(items, weights):
            x -= w
            if x < 0:
                return item
        return items[-1]

    def days(self, day: date, lo: int, hi: int) -> date:
        return day + _TD[lo + int(self.r() * (hi - lo + 1))]

    def between(self, lo: date, hi: date) -> date:
        span = (hi - lo).days
        k = int(self.r() * (span + 1))
        return lo if span <= 0 else lo + (_TD[k] if k < 1500 else timedelta(days=k))

    @staticmethod
    def wd(day: date, n: int) -> date:
        return add_working_days(day, n)  # negative n counts back

    @staticmethod
    def on_or_after(day: date) -> date:
        while not is_working_day(day):
            day += _ONE
        return day

    @staticmethod
    def on_or_before(day: date) -> date:
        while not is_working_day(day):
            day -= _ONE
        return day

    def social_worker(self) -> str:
        return f"SW{self.sw}"

    def can_conflict(self) -> bool:
        """At most two groups of conflicting records a case, so an audit reads at most four scenarios."""
        return len(self.conflicts) < 2 and self.rng.random() < self.conflict_rate

    def conflict(self, a: int, b: int) -> None:
        self.evs[a].same.append(b)
        self.evs[b].same.append(a)
        self.conflicts.append((a, b))
