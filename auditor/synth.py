"""Synthetic case chronologies for load tests, benchmarks and trainers.

Each case is built from episodes like the founding case's: police domestic abuse incidents (DASH
risk assessment, history check, referral to children's social care when children were present,
MARAC, arrest and prosecution decision), a referral to children's social care, the decision on it
and an initial assessment (referrals before 15/04/2013) or a single assessment (from that day),
with information checks; a strategy discussion, section 47 enquiry and initial child protection
conference (invitations, reports, minutes), core groups and review conferences; health visiting,
midwifery and GP contacts (routine enquiry, partner present); housing actions, specialist domestic
abuse services, moves, case transfers and closures. Dates run from 2006 to 2024, so every Working
Together edition and the 2013 change are exercised. People are pseudonyms and roles only (Adult A,
Adult B, Child 1..n; practitioners SW1, HV1, GP1 ...); areas are `birmingham`, none, or a made-up
id (`synth-area-N`).

Every *opportunity* to depart from a standard (a trigger the rulebook judges) is either planted as
a departure, with probability `departure_rate`, or built compliant. The chronology schema forbids
unknown fields, so what was planted travels beside the case in a `Plan`: one `Opportunity` per
rule and trigger event, with the status an audit should give. A controlled share of dates is
written month-only or as a range with `as_written`, and a small share of events have a second,
conflicting record (`same_event_as`); where either touches the dates a timing standard depends on,
the opportunity is marked inexact and a compliant one may also read as a possible departure.

Case `index` (1-based) of a seed is built from `random.Random` seeded with (seed, index) alone, so
case 7 is the same whether 10 or 10,000 cases are generated, and `iter_cases` builds one case at a
time. Output is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import calendar
import json
import operator
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from . import workdays
from .status import DEPARTURES as DEPARTURE_STATUSES
from .workdays import add_working_days, is_working_day, working_days_between

GENERATOR = "auditor-synth/1"
SOURCE_KEY = "chronology"

WT2010 = date(2010, 3, 1)
WT2013 = date(2013, 4, 15)
FIRST_DAY = date(2006, 4, 3)  # the first working day of WT 2006
LAST_MAIN_DAY = date(2023, 6, 30)
_ONE = timedelta(days=1)
_TD = [timedelta(days=i) for i in range(1500)]  # timedelta(days=n) costs ten times a list lookup

A, B = "adult-a", "adult-b"
UNBORN = "unborn-child-1"
POLICE, CSC, EDT, HV, GP, MW = "police", "childrens-social-care", "emergency-duty-team", "health-visiting", "gp", "midwifery"
HOUSING, NURSERY, WA, ICS, CPS, MARAC, IDVA = "housing", "nursery", "womens-aid", "conference-service", "cps", "marac", "idva"
DA = "domestic-abuse"

# Agencies in the vocabulary's order, for a stable `case.agencies`.
AGENCY_ORDER = [POLICE, CSC, EDT, HV, GP, MW, "district-nursing", "walk-in-centre", "safeguarding-nursing", HOUSING,
                NURSERY, WA, ICS, CPS, "probation", MARAC, IDVA, "family"]
_AGENCY_RANK = {a: i for i, a in enumerate(AGENCY_ORDER)}

# Rules the generator plants departures of: (template, first day, last day, area). The first and last
# days are those of the rule's editions in the default rulebook (tests check they agree); a trigger
# outside them is not an opportunity, and is always built compliant.
RULES: dict[str, tuple[str, date, date | None, str | None]] = {
    "icpc-within-15-working-days": ("within", date(2006, 4, 1), None, None),
    "police-invited-to-icpc-where-domestic-abuse": ("includes", date(2006, 4, 1), None, None),
    "police-report-requested-for-icpc-where-domestic-abuse": ("includes", date(2006, 4, 1), None, None),
    "gp-invited-to-icpc": ("includes", date(2006, 4, 1), None, None),
    "housing-invited-to-icpc-where-housing-involved": ("includes", date(2006, 4, 1), None, None),
    "conference-report-before-conference": ("lead-time", date(2006, 4, 1), None, None),
    "separated-parents-invited-at-own-addresses": ("requires", date(2006, 4, 1), None, None),
    "perpetrator-exclusion-considered": ("requires", date(2006, 4, 1), None, None),
    "conference-minutes-to-police-where-domestic-abuse": ("follows", date(2006, 4, 1), None, None),
    "marac-considered-where-domestic-abuse-led-to-plan": ("requires", date(2006, 4, 1), None, None),
    "first-review-conference-within-3-months": ("within", date(2006, 4, 1), None, None),
    "review-conference-within-6-months": ("within", date(2006, 4, 1), None, None),
    "first-core-group-within-10-working-days": ("within", date(2006, 4, 1), None, None),
    "core-group-recalled-when-plan-breaks-down": ("follows", date(2006, 4, 1), None, None),
    "case-transfer-with-transfer-discussion": ("requires", date(2006, 4, 1), None, None),
    "case-closure-after-multi-agency-consultation": ("requires", date(2006, 4, 1), None, None),
    "case-closure-with-support-in-place": ("requires", date(2006, 4, 1), None, None),
    "routine-enquiry-only-when-alone": ("requires", date(2008, 1, 1), None, None),
    "arrangement-to-see-alone-when-partner-present": ("requires", date(2008, 1, 1), None, None),
    "records-transferred-when-family-moves": ("follows", date(2008, 1, 1), None, None),
    "gp-considers-referral-for-parental-substance-misuse-or-mental-health": ("requires", date(2008, 1, 1), None, None),
    "housing-consults-or-refers-where-domestic-abuse-and-children": ("requires", date(2008, 1, 1), None, None),
    "specialist-da-referral-prioritised-by-risk": ("requires", date(2008, 1, 1), None, None),
    "police-history-check-in-dash-assessment": ("requires", date(2009, 3, 1), None, None),
    "police-referral-to-csc-where-children-present": ("follows", date(2008, 1, 1), None, None),
    "dash-completed-at-domestic-abuse-incident": ("follows", date(2009, 3, 1), None, None),
    "marac-referral-on-high-risk": ("follows", date(2009, 3, 1), None, None),
    "marac-referral-on-escalation": ("follows", date(2009, 3, 1), None, None),
    "positive-action-at-domestic-abuse-incident": ("requires", date(2008, 1, 1), None, None),
    "evidence-led-prosecution-considered": ("requires", date(2009, 1, 1), None, None),
    "referral-decision-within-1-working-day": ("within", date(2006, 4, 1), None, None),
    "referral-acknowledged-to-referrer": ("requires", date(2018, 7, 4), None, None),
    "initial-assessment-within-timescale": ("within", date(2006, 4, 1), date(2013, 4, 14), None),
    "core-assessment-within-35-working-days": ("within", date(2006, 4, 1), date(2013, 4, 14), None),
    "single-assessment-within-45-working-days": ("within", date(2013, 4, 15), None, None),
    "initial-assessment-checks-with-gp": ("precedes", date(2006, 4, 1), None, None),
    "initial-assessment-checks-with-health-visiting": ("precedes", date(2006, 4, 1), None, None),
    "initial-assessment-checks-with-housing": ("precedes", date(2006, 4, 1), None, None),
    "initial-assessment-checks-with-police": ("precedes", date(2006, 4, 1), None, None),
    "victim-seen-alone-where-domestic-abuse": ("requires", date(2006, 4, 1), None, None),
    "strategy-discussion-where-significant-harm-suspected": ("follows", date(2006, 4, 1), None, None),
    "strategy-discussion-includes-police": ("includes", date(2006, 4, 1), None, None),
    "strategy-discussion-includes-health": ("includes", date(2013, 4, 15), None, None),
    "section-47-joint-with-police-where-domestic-abuse": ("requires", date(2008, 1, 1), None, "birmingham"),
}

# What a planted departure of each rule looks like in the chronology.
DEPARTURES: dict[str, str] = {
    "icpc-within-15-working-days": "initial conference on the 16th to 22nd working day after the strategy discussion",
    "police-invited-to-icpc-where-domestic-abuse": "police not among those invited to the initial conference",
    "police-report-requested-for-icpc-where-domestic-abuse": "no report requested from the police",
    "gp-invited-to-icpc": "GP not invited to the initial conference",
    "housing-invited-to-icpc-where-housing-involved": "housing not invited to the initial conference",
    "conference-report-before-conference": "social work report on the day of the conference (Birmingham: or the day before)",
    "separated-parents-invited-at-own-addresses": "separated parents' invitations both sent to Adult A's address",
    "perpetrator-exclusion-considered": "exclusion of Adult B from the conference not considered",
    "conference-minutes-to-police-where-domestic-abuse": "conference minutes never sent to the police",
    "marac-considered-where-domestic-abuse-led-to-plan": "MARAC referral not considered at the conference",
    "first-review-conference-within-3-months": "first review conference 1 to 21 days after the 3 months",
    "review-conference-within-6-months": "next review conference 1 to 21 days after the 6 months",
    "first-core-group-within-10-working-days": "first core group held late, or cancelled and rearranged late",
    "core-group-recalled-when-plan-breaks-down": "plan breaks down and no core group or review follows",
    "case-transfer-with-transfer-discussion": "case transferred without a transfer discussion",
    "case-closure-after-multi-agency-consultation": "case closed without consulting partner agencies",
    "case-closure-with-support-in-place": "case closed before the planned support was in place",
    "routine-enquiry-only-when-alone": "routine enquiry about domestic abuse asked with Adult B present",
    "arrangement-to-see-alone-when-partner-present": "Adult B present, enquiry not possible, no arrangement to see Adult A alone",
    "records-transferred-when-family-moves": "family moves area and no records are passed on",
    "gp-considers-referral-for-parental-substance-misuse-or-mental-health": "GP sees a parent's substance misuse or mental ill-health and no referral is considered",
    "housing-consults-or-refers-where-domestic-abuse-and-children": "housing acts on domestic abuse with children and considers no referral",
    "specialist-da-referral-prioritised-by-risk": "Women's Aid waiting list not prioritised by risk",
    "police-history-check-in-dash-assessment": "no history check: the DASH assessment made without the police history",
    "police-referral-to-csc-where-children-present": "no referral to children's social care though children were present",
    "dash-completed-at-domestic-abuse-incident": "no DASH risk assessment for the incident",
    "marac-referral-on-high-risk": "high-risk DASH and no MARAC referral",
    "marac-referral-on-escalation": "third incident in 12 months and no MARAC referral",
    "positive-action-at-domestic-abuse-incident": "offence alleged, no positive action and no reasons recorded",
    "evidence-led-prosecution-considered": "no further action without considering an evidence-led prosecution",
    "referral-decision-within-1-working-day": "decision on the referral 2 to 5 working days later",
    "referral-acknowledged-to-referrer": "referral not acknowledged to the referrer",
    "initial-assessment-within-timescale": "initial assessment completed 1 to 6 working days late",
    "core-assessment-within-35-working-days": "core assessment completed 1 to 10 working days late",
    "single-assessment-within-45-working-days": "single assessment completed 1 to 12 working days late",
    "initial-assessment-checks-with-gp": "assessment completed without a check with the GP",
    "initial-assessment-checks-with-health-visiting": "assessment completed without a check with health visiting",
    "initial-assessment-checks-with-housing": "assessment completed without a check with housing",
    "initial-assessment-checks-with-police": "assessment completed without a check with the police",
    "victim-seen-alone-where-domestic-abuse": "social work home visit with Adult B present, Adult A not seen alone",
    "strategy-discussion-where-significant-harm-suspected": "significant harm suspected and no strategy discussion",
    "strategy-discussion-includes-police": "strategy discussion without the police",
    "strategy-discussion-includes-health": "strategy discussion without a health agency",
    "section-47-joint-with-police-where-domestic-abuse": "single-agency section 47 enquiry with no reasons recorded",
}

# Event types whose dates may be written loosely without touching a timing standard's counterpart.
_LOOSE_TYPES = frozenset({
    "domestic-abuse-incident", "history-check", "arrest", "interview", "prosecution-decision", "health-contact",
    "home-visit", "contact", "letter", "other", "support-service", "housing-action", "working-agreement",
    "child-protection-plan", "case-transfer", "case-closure", "section-47-enquiry", "conference-invitation",
    "disclosure", "death",
})
# Order of same-day events (the incident before its DASH, checks before the assessment ...).
_RANK = {
    "domestic-abuse-incident": 0, "history-check": 1, "dash-risk-assessment": 2, "arrest": 3, "screening": 3,
    "referral": 4, "referral-decision": 5, "information-check": 6, "strategy-discussion": 8,
    "section-47-enquiry": 9, "initial-assessment": 10, "core-assessment": 10, "single-assessment": 10,
    "conference-invitation": 11, "conference-report": 11, "initial-child-protection-conference": 12,
    "review-child-protection-conference": 12, "child-protection-plan": 13, "conference-minutes-sent": 14,
    "core-group-meeting": 15, "case-transfer": 16, "case-closure": 17, "letter": 18, "death": 99,
}
_CHECK_RULES = {
    "initial-assessment-checks-with-gp": GP,
    "initial-assessment-checks-with-health-visiting": HV,
    "initial-assessment-checks-with-housing": HOUSING,
    "initial-assessment-checks-with-police": POLICE,
}
_MADE_UP_AREAS = tuple(f"synth-area-{i}" for i in range(1, 10))
_IDS = [f"E{i:03d}" for i in range(1000)]
_SORT_KEY = operator.attrgetter("sort_key")
_LOOKBACK = timedelta(days=90)  # the information-check rules' lookback


class Opportunity(NamedTuple):
    """One trigger a rule judges, and whether a departure was planted there."""

    rule: str
    trigger: str  # event id
    departed: bool
    detail: str = ""
    exact: bool = True  # False: a loose date or a conflicting record touches the dates the rule counts

    @property
    def expected(self) -> tuple[str, ...]:
        """The statuses an audit may give this trigger."""
        if self.departed:
            return DEPARTURE_STATUSES
        return ("met",) if self.exact else ("met", "possible-breach")

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "trigger": self.trigger, "departed": self.departed, "exact": self.exact,
                "expected": list(self.expected)}


@dataclass(frozen=True)
class Plan:
    """What the generator built into one case: every opportunity, the loose dates and the conflicting records."""

    case_id: str
    index: int
    opportunities: tuple[Opportunity, ...]
    imprecise: tuple[str, ...]
    conflicts: tuple[tuple[str, str], ...]

    @property
    def departures(self) -> list[Opportunity]:
        return [o for o in self.opportunities if o.departed]

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "index": self.index,
                "departures": [{"rule": o.rule, "trigger": o.trigger, "detail": o.detail} for o in self.departures],
                "opportunities": [o.as_dict() for o in self.opportunities],
                "imprecise": list(self.imprecise), "conflicts": [list(c) for c in self.conflicts]}


@dataclass(frozen=True)
class SynthCase:
    index: int
    doc: dict[str, Any]
    plan: Plan

    @property
    def case_id(self) -> str:
        return self.plan.case_id

    def to_json(self) -> str:
        return to_json(self.doc)

    def to_yaml(self) -> str:
        return to_yaml(self.doc)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def to_json(doc: dict[str, Any]) -> str:
    """One line, no trailing newline (the JSON-lines form and the per-case files use it)."""
    return _ENCODE(doc)


def to_yaml(doc: dict[str, Any]) -> str:
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _Dumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:  # shared lists must be written out, not as &anchors
            return True

    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)


def case_rng(seed: int, index: int) -> random.Random:
    """The generator for case `index` of `seed`: independent of how many cases are made."""
    return random.Random(f"{GENERATOR}:{seed}:{index}")


def make_case(seed: int, index: int, events: int = 40, departure_rate: float = 0.3, *,
              imprecise_rate: float = 0.15, conflict_rate: float = 0.1) -> SynthCase:
    """Case `index` (1-based) of `seed`."""
    for name, value in (("departure_rate", departure_rate), ("imprecise_rate", imprecise_rate),
                        ("conflict_rate", conflict_rate)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if events < 1:
        raise ValueError(f"events must be at least 1, got {events}")
    builder = _Builder(case_rng(seed, index), seed, index, events, departure_rate, imprecise_rate, conflict_rate)
    return builder.build()


def iter_cases(n: int, seed: int, events: int = 40, departure_rate: float = 0.3, *, start: int = 1,
               imprecise_rate: float = 0.15, conflict_rate: float = 0.1) -> Iterator[SynthCase]:
    """Cases start .. start+n-1 of `seed`, built one at a time."""
    for index in range(start, start + n):
        yield make_case(seed, index, events, departure_rate, imprecise_rate=imprecise_rate,
                        conflict_rate=conflict_rate)


def generate(n: int, seed: int, events: int = 40, departure_rate: float = 0.3, **rates: float) -> list[SynthCase]:
    """All n cases in memory, each with its plan (for tests; stream with `iter_cases`)."""
    return list(iter_cases(n, seed, events, departure_rate, **rates))


# -- calendar arithmetic: the auditor's own, so planted deadlines are counted exactly as the rules count them --

def add_months(day: date, n: int) -> date:
    return workdays.shift_days(day, n, "months")


# -- the builder ----------------------------------------------------------------------------------


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


class _Builder:
    def __init__(self, rng: random.Random, seed: int, index: int, target: int, rate: float, imprecise_rate: float,
                 conflict_rate: float) -> None:
        self.rng = rng
        self.r = rng.random
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

    # -- the case ---------------------------------------------------------------------------------

    def build(self) -> SynthCase:
        rng = self.rng
        self.case_id = f"synth-{self.seed}-{self.index:05d}"
        self.da = rng.random() < 0.9
        self.n_children = self.pick((1, 1, 2, 2, 2, 3, 3, 4))
        self.kids = [f"child-{i}" for i in range(1, self.n_children + 1)]
        self.young = rng.random() < 0.85
        self.unborn = rng.random() < 0.25
        self.nursery = self.young and rng.random() < 0.5
        self.housing = rng.random() < (0.55 if self.da else 0.25)
        r = rng.random()
        self.area = "birmingham" if r < 0.4 else None if r < 0.7 else self.pick(_MADE_UP_AREAS)
        target = self.target
        tier = 3 if target >= 30 else 2 if target >= 18 else 1 if target >= 8 else 0

        r = rng.random()
        if r < 0.12:  # the WT 2013 change: referrals either side of 15/04/2013
            main = WT2013 + timedelta(days=self.ri(-45, 45))
        elif r < 0.2:  # WT 2023, from 15/12/2023
            main = date(2023, 9, 1) + _TD[self.ri(0, 200)]
        else:
            main = FIRST_DAY + timedelta(days=self.ri(150, (LAST_MAIN_DAY - FIRST_DAY).days))
        earlier = None
        if tier >= 3 and rng.random() < 0.35:
            earlier = main - _TD[self.ri(300, 700)]
            if earlier < FIRST_DAY:
                earlier = None
        prior: list[date] = []
        if self.da and tier >= 2:
            day = earlier or main
            for _ in range(self.pick((0, 1, 1, 2, 2, 3)) if tier >= 3 else self.pick((0, 1))):
                day = day - _TD[self.ri(25, 200)]
                if day < date(2006, 1, 1):
                    break
                prior.append(day)
        for day in reversed(prior):
            self.police_incident(day, children_present=False)
        if earlier is not None:
            self.referral_episode(earlier, escalate=False)
        if tier == 0:
            if self.da:
                self.police_incident(main, children_present=False)
            else:
                self.health_contact(main, HV if self.young else GP)
        else:
            escalate = tier >= 2 and rng.random() < (0.65 if tier == 3 else 0.45)
            self.referral_episode(main, escalate=escalate)
            if self.da and tier >= 2 and self.end_limit is None and rng.random() < 0.15:
                # A domestic homicide review: the death comes months after the services' last involvement.
                last = max(e.day for e in self.evs)
                self.ev(self.days(last, 30, 240), "death", POLICE, [A, B], {},
                        "The death of Adult A, which led to this review.")
                self.ends = True
        self.fill()
        return self.finish()

    # -- police -----------------------------------------------------------------------------------

    def police_incident(self, day: date, children_present: bool, during_plan: bool = False) -> int | None:
        """An incident with its DASH, history check, MARAC and action; returns the referral to CSC if made."""
        rng = self.rng
        self.incident_days.append(day)
        n12 = sum(1 for d in self.incident_days if 0 <= (day - d).days < 365)
        offence = rng.random() < 0.75
        people = [A, B] + (self.kids if children_present else [])
        attrs: dict[str, Any] = {"concerns": [DA], "children_present": children_present, "offence_alleged": offence,
                                 "incidents_12_months": n12}
        action_dep = offence and self.roll("positive-action-at-domestic-abuse-incident", day)
        arrest = False
        if offence:
            if action_dep:
                attrs["positive_action"] = False
                attrs["reasons_recorded"] = False
            elif rng.random() < 0.7:
                attrs["positive_action"] = True
                arrest = True
            else:
                attrs["positive_action"] = False
                attrs["reasons_recorded"] = True
        where = self.pick(("at the family home", "at Adult A's address", "in the street near the family home",
                            "at a relative's address"))
        kids = ("the children were present" if children_present else
                "the children were staying with a relative" if during_plan else "no children were present")
        what = ("Adult B was arrested at the scene." if arrest else
                "Adult B had left before officers arrived; no arrest was made and the reasons were recorded."
                if attrs.get("reasons_recorded") else
                "No arrest was made and no reasons are recorded." if offence else "No offence was alleged.")
        inc = self.ev(day, "domestic-abuse-incident", POLICE, people, attrs,
                      f"Police attended a reported domestic abuse incident {where}; {kids}. {what}", author="PC1")
        if offence:
            self.opp("positive-action-at-domestic-abuse-incident", inc, action_dep)

        marac_triggers: list[tuple[str, int]] = []
        risk = None
        if day >= date(2009, 3, 1):
            dash_dep = self.roll("dash-completed-at-domestic-abuse-incident", day)
            if dash_dep:
                self.opp("dash-completed-at-domestic-abuse-incident", inc, True, (inc,))
            else:
                hist_dep = self.roll("police-history-check-in-dash-assessment", day)
                if not hist_dep:
                    self.ev(day, "history-check", POLICE, [B], {"history_checked": True},
                            "Officers checked Adult B's history on the police systems before completing the risk "
                            "assessment.", author="PC1", links={"follows": inc})
                risk = self.pick_w(("standard", "medium", "high"), (0.3, 0.5, 0.2))
                score = {"standard": self.ri(2, 8), "medium": self.ri(9, 13), "high": self.ri(14, 22)}[risk]
                dash = self.ev(day, "dash-risk-assessment", POLICE, [A, B],
                               {"risk_level": risk, "dash_score": score, "history_checked": not hist_dep,
                                "concerns": [DA]},
                               f"A DASH risk assessment completed with Adult A assessed the risk as {risk}"
                               + ("." if not hist_dep else "; Adult B's history on police systems was not checked."),
                               author="PC1", links={"for": inc})
                self.opp("dash-completed-at-domestic-abuse-incident", inc, False, (inc, dash))
                self.opp("police-history-check-in-dash-assessment", dash, hist_dep)
                if risk == "high":
                    marac_triggers.append(("marac-referral-on-high-risk", dash))
            if n12 >= 3:
                marac_triggers.append(("marac-referral-on-escalation", inc))
        if marac_triggers:
            rolls = [self.roll(rule, day) for rule, _ in marac_triggers]  # one draw each, not short-circuited
            dep = self.marac_blocked or any(rolls)
            if dep:
                self.marac_blocked = True  # no MARAC referral may follow: a later one would meet this trigger
                for rule, key in marac_triggers:
                    self.opp(rule, key, True, (key,))
            else:
                ref_day = self.days(day, 1, 7)
                m = self.ev(ref_day, "marac-referral", POLICE, [A, B], {"concerns": [DA]},
                            "Police referred Adult A to the MARAC.", author="DS1", links={"follows": inc})
                for rule, key in marac_triggers:
                    self.opp(rule, key, False, (key, m))
                self.ev(self.on_or_after(self.days(ref_day, 7, 21)), "other", MARAC, [A, B], {"concerns": [DA]},
                        "The case was heard at the MARAC and a safety plan agreed for Adult A.")
        if arrest:
            t = day + _TD[self.ri(0, 1)]
            self.ev(t, "arrest", POLICE, [B], {}, "Adult B was arrested and taken into custody.", author="PC1",
                    links={"follows": inc})
            self.ev(t, "interview", POLICE, [B], {}, "Adult B was interviewed and denied the allegations.",
                    author="DS1", links={"follows": inc})
            decision = self.pick_w(("no-further-action", "charge", "caution"), (0.55, 0.3, 0.15))
            d_day = self.days(t, 0, 21)
            d_attrs: dict[str, Any] = {"decision": decision, "concerns": [DA]}
            if decision == "no-further-action":
                el_dep = self.roll("evidence-led-prosecution-considered", d_day)
                d_attrs["evidence_led_considered"] = not el_dep
                text = ("No further action: Adult A did not support a prosecution" +
                        (" and an evidence-led prosecution was not considered." if el_dep else
                         "; an evidence-led prosecution was considered and the evidence judged insufficient."))
            else:
                text = {"charge": "Adult B was charged with assault.",
                        "caution": "Adult B accepted a caution."}[decision]
            pd = self.ev(d_day, "prosecution-decision", POLICE, [B], d_attrs, text, author="DS1",
                         links={"follows": inc})
            if decision == "no-further-action":
                self.opp("evidence-led-prosecution-considered", pd, d_attrs["evidence_led_considered"] is False)
        if risk in ("medium", "high") and not self.wa_referred and rng.random() < 0.6:
            self.specialist_support(self.days(day, 1, 10))
        if self.young and rng.random() < 0.4:
            self.ev(self.days(day, 1, 14), "other", POLICE, [A, B], {"concerns": [DA]},
                    "Police sent a domestic abuse notification to health visiting and the GP.",
                    recorded_by=HV if rng.random() < 0.5 else None)
        if not children_present:
            return None
        ref_dep = self.roll("police-referral-to-csc-where-children-present", day)
        if ref_dep:
            self.opp("police-referral-to-csc-where-children-present", inc, True, (inc,))
            return None
        ref_day = self.days(day, 0, 2)
        if rng.random() < 0.3 and ref_day > day:
            self.ev(ref_day - _ONE, "screening", POLICE, [A, B] + self.kids,
                    {"participants": [POLICE, CSC, "safeguarding-nursing"], "concerns": [DA]},
                    "A multi-agency screening meeting considered the incident and agreed a referral.",
                    links={"follows": inc})
        ref = self.ev(ref_day, "referral", POLICE, [A, B] + self.kids,
                      {"from": POLICE, "to": CSC, "concerns": [DA]},
                      "Police referred the children to children's social care after the incident.", author="PC1",
                      links={"follows": inc})
        self.opp("police-referral-to-csc-where-children-present", inc, False, (inc, ref))
        return ref

    def specialist_support(self, day: date) -> None:
        self.wa_referred = True
        dep = self.roll("specialist-da-referral-prioritised-by-risk", day)
        w = self.ev(day, "support-service", WA, [A], {"from": POLICE, "status": "waiting", "risk_prioritised": not dep},
                    "Adult A was placed on the Women's Aid waiting list for an outreach worker"
                    + (" with no assessment of the risk she faced." if dep else ", prioritised by assessed risk."),
                    author="WA1")
        self.opp("specialist-da-referral-prioritised-by-risk", w, dep)
        self.ev(self.days(day, 14, 70), "support-service", WA, [A], {"status": "provided"},
                "A Women's Aid outreach worker met Adult A for emotional support and safety planning.",
                author="WA1", links={"follows": w})

    # -- referral, decision and assessment --------------------------------------------------------

    def referral_episode(self, day: date, escalate: bool) -> None:
        rng = self.rng
        ref = None
        if self.da and rng.random() < 0.7:
            ref = self.police_incident(day, children_present=True)
            if ref is None:  # not referred by police: health visiting refers later
                day = self.days(day, 7, 40)
        if ref is None:
            source = self.pick([s for s in (HV, MW, NURSERY, GP) if s != HV or self.young
                                 if s != MW or self.unborn if s != NURSERY or self.nursery] or [GP])
            concerns = [DA] if self.da else ["neglect"]
            who = {HV: "The health visitor", MW: "The midwife", NURSERY: "The nursery manager", GP: "The GP"}[source]
            why = ("Adult A disclosed domestic abuse by Adult B" if self.da else
                   "concerns about the children's care and home conditions")
            ref = self.ev(day, "referral", source, [A, B] + self.kids, {"from": source, "to": CSC, "concerns": concerns},
                          f"{who} referred the family to children's social care: {why}.",
                          author={HV: "HV1", MW: "MW1", NURSERY: "NM1", GP: "GP1"}[source])
        self.csc_episode(ref, escalate)
        if self.housing and self.da and self.end_limit is None and rng.random() < 0.7:
            self.housing_action(self.days(self.evs[ref].day, 3, 40))

    def csc_episode(self, ref: int, escalate: bool) -> None:
        rng = self.rng
        ref_day = self.evs[ref].day
        self.sw += 1
        sw = self.social_worker()
        people = [A, B] + self.kids
        concerns = [DA] if self.da else ["neglect"]

        # The decision on the referral.
        dep = self.roll("referral-decision-within-1-working-day", ref_day)
        if dep:
            dec_day = self.wd(ref_day, self.ri(2, 5))
        else:
            dec_day = ref_day if rng.random() < 0.4 else self.wd(ref_day, 1)
        agency = EDT if not is_working_day(dec_day) else CSC
        d_attrs: dict[str, Any] = {"outcome": "accepted for assessment"}
        ack_dep = False
        if dec_day >= date(2018, 7, 4) and agency in (CSC, EDT):
            ack_dep = self.roll("referral-acknowledged-to-referrer", dec_day)
            d_attrs["acknowledged"] = not ack_dep
        dec = self.ev(dec_day, "referral-decision", agency, people, d_attrs,
                      ("The out-of-hours team considered the referral and passed it to the daytime team for an "
                       "assessment." if agency == EDT else
                       "The team manager decided the referral needed an assessment and allocated a social worker.")
                      + (" The referrer was not told the outcome." if ack_dep else ""),
                      author=f"TM{self.sw}" if agency == CSC else None, links={"follows": ref})
        self.opp("referral-decision-within-1-working-day", ref, dep, (ref, dec))
        self.opp("referral-acknowledged-to-referrer", dec, ack_dep)

        # Escalation: significant harm suspected at referral.
        sd_dep = False
        if escalate:
            self.evs[ref].attrs["significant_harm_suspected"] = True
            sd_dep = self.roll("strategy-discussion-where-significant-harm-suspected", ref_day)
            if sd_dep:
                self.opp("strategy-discussion-where-significant-harm-suspected", ref, True, (ref,))
                escalate = False

        # The assessment: initial (WT 2006, WT 2010) or single (WT 2013 on), counted from the referral.
        pre2013 = ref_day < WT2013
        rule = "initial-assessment-within-timescale" if pre2013 else "single-assessment-within-45-working-days"
        limit = (7 if ref_day < WT2010 else 10) if pre2013 else 45
        a_dep = self.roll(rule, ref_day)
        n_dec = working_days_between(ref_day, dec_day)
        if a_dep:
            n = limit + self.ri(1, 6 if pre2013 else 12)
        else:
            n = self.ri(max(n_dec + 1, 3 if pre2013 else (20 if escalate else 10)), limit)
        done = self.wd(ref_day, max(n, n_dec + 1))
        visit_day = self.between(dec_day + _ONE, done)
        self.csc_home_visit(visit_day, sw, "for the assessment")

        cp_end = None
        if escalate:
            cp_end = self.child_protection(ref, dec_day, done, pre2013, sw)
        a_type = "initial-assessment" if pre2013 else "single-assessment"
        outcome = ("child protection enquiries" if escalate else
                   self.pick(("child in need plan", "no further action; advice given", "child in need plan")))
        checks = self.assessment_checks(done, dec_day)
        assess = self.ev(done, a_type, CSC, people, {"status": "completed", "concerns": concerns, "outcome": outcome},
                         f"The social worker completed the {a_type.replace('-', ' ')}; outcome: {outcome}.",
                         author=sw, links={"follows": ref})
        self.check_opps(assess, checks)
        self.opp(rule, ref, a_dep, (ref, assess))
        if cp_end is not None:
            if cp_end[0] == "ended":
                self.open_periods.append((dec_day, cp_end[1]))
                return
            after = cp_end[1]
        else:
            after = done
        self.step_down(after, sw, nfa="no further action" in outcome, opened=dec_day)

    def assessment_checks(self, done: date, dec_day: date) -> list[tuple[str, int | None, bool]]:
        """Information checks before an assessment completed on `done`: (rule, check event, planted departure)."""
        needed = [("initial-assessment-checks-with-gp", GP)]
        if self.young:
            needed.append(("initial-assessment-checks-with-health-visiting", HV))
        if self.da:
            needed += [("initial-assessment-checks-with-housing", HOUSING), ("initial-assessment-checks-with-police", POLICE)]
        made: list[str] = []
        planned: list[tuple[str, str, bool]] = []
        for rule, agency in needed:
            dep = self.roll(rule, done)
            planned.append((rule, agency, dep))
            if not dep:
                made.append(agency)
        out: list[tuple[str, int | None, bool]] = []
        keys: dict[str, int] = {}
        if made:
            lo = max(dec_day, done - _TD[10])
            groups = [made] if len(made) <= 2 or self.rng.random() < 0.5 else [made[:2], made[2:]]
            for group in groups:
                day = self.between(lo, done)
                names = {GP: "the GP", HV: "health visiting", HOUSING: "housing", POLICE: "the police"}
                k = self.ev(day, "information-check", CSC, [A, B] + self.kids, {"with": list(group)},
                            "The social worker made information checks with " + " and ".join(names[g] for g in group)
                            + ".", author=self.social_worker())
                for g in group:
                    keys[g] = k
        for rule, agency, dep in planned:
            out.append((rule, keys.get(agency), dep))
        return out

    def check_opps(self, assess: int, checks: list[tuple[str, int | None, bool]]) -> None:
        for rule, key, dep in checks:
            self.opp(rule, assess, dep, (assess,) if key is None else (assess, key))

    def csc_home_visit(self, day: date, sw: str, why: str) -> int:
        concerns = [DA] if self.da else ["neglect"]
        attrs: dict[str, Any] = {"concerns": concerns}
        dep = False
        if self.da:
            dep = self.roll("victim-seen-alone-where-domestic-abuse", day)
            attrs.update(seen_alone=not dep, perpetrator_present=dep)
        text = (f"The social worker visited the family at home {why}; Adult B was present throughout and Adult A "
                "was not seen alone." if dep else
                f"The social worker visited the family at home {why}" +
                ("; Adult A was seen on her own." if self.da else "; the children were seen."))
        k = self.ev(day, "home-visit", CSC, [A] + self.kids + ([B] if dep else []), attrs, text, author=sw)
        if self.da:
            self.opp("victim-seen-alone-where-domestic-abuse", k, dep)
            if self.young and self.rng.random() < 0.5 and self.can_conflict():  # a joint visit both services recorded
                other = self.ev(self.days(day, 1, 4), "home-visit", CSC, list(self.evs[k].people), dict(attrs),
                                "Health visiting records a joint visit with the social worker.", author="HV1",
                                recorded_by=HV)
                self.conflict(k, other)
        return k

    def can_conflict(self) -> bool:
        """At most two groups of conflicting records a case, so an audit reads at most four scenarios."""
        return len(self.conflicts) < 2 and self.rng.random() < self.conflict_rate

    def conflict(self, a: int, b: int) -> None:
        self.evs[a].same.append(b)
        self.evs[b].same.append(a)
        self.conflicts.append((a, b))

    def step_down(self, after: date, sw: str, nfa: bool, opened: date) -> None:
        """Child in need work (or none) and the closure; the case is open from the referral to the closure."""
        rng = self.rng
        day = after
        if not nfa:
            for _ in range(self.ri(1, 3)):
                day = self.days(day, 10, 35)
                self.csc_home_visit(day, sw, "under the child in need plan")
            if rng.random() < 0.3:
                day = self.days(day, 3, 20)
                self.transfer(day)
        self.closure(self.days(day, 2, 40), opened)

    def transfer(self, day: date) -> None:
        dep = self.roll("case-transfer-with-transfer-discussion", day)
        k = self.ev(day, "case-transfer", CSC, [A, B] + self.kids, {"transfer_discussion": not dep},
                    "The case was transferred to another team and a new social worker allocated"
                    + ("; no transfer discussion is recorded." if dep else " after a transfer discussion."),
                    author=f"TM{self.sw}")
        self.opp("case-transfer-with-transfer-discussion", k, dep)
        self.sw += 1

    def closure(self, day: date, opened: date) -> None:
        rng = self.rng
        cons_dep = self.roll("case-closure-after-multi-agency-consultation", day)
        sup_dep = self.roll("case-closure-with-support-in-place", day)
        partners = [a for a in (HV if self.young else GP, POLICE if self.da else GP, NURSERY if self.nursery else None,
                                WA if self.wa_referred else None) if a]
        chosen = {a for a in partners if self.r() < 0.6} or {partners[0]}
        consultation = [] if cons_dep else sorted(chosen, key=_AGENCY_RANK.__getitem__)
        text = ("The team manager closed the case"
                + (" without consulting partner agencies" if cons_dep else
                   " after consulting " + ", ".join(c.replace("-", " ") for c in consultation))
                + ("; the support relied on was not yet in place." if sup_dep else "; support was in place."))
        k = self.ev(day, "case-closure", CSC, [A, B] + self.kids,
                    {"consultation": consultation, "support_in_place": not sup_dep}, text, author=f"TM{self.sw}")
        self.opp("case-closure-after-multi-agency-consultation", k, cons_dep)
        self.opp("case-closure-with-support-in-place", k, sup_dep)
        if rng.random() < 0.5:
            self.ev(self.days(day, 0, 10), "letter", CSC, [A], {"recipients": [A] + ([HV] if self.young else []),
                                                                 "address": "Adult A's address"},
                    "A closing letter was sent to Adult A.", author="SWA1")
        self.open_periods.append((opened, day))

    # -- child protection -------------------------------------------------------------------------

    def child_protection(self, ref: int, dec_day: date, done: date, pre2013: bool, sw: str) -> tuple[str, date]:
        """Strategy discussion to the end of the plan; returns ("ended", last day) if the case ends during the
        plan, or ("step-down", day) when the plan ended and child in need work follows."""
        rng = self.rng
        people = [A, B] + self.kids + ([UNBORN] if self.unborn else [])
        concerns = [DA] if self.da else ["neglect"]
        ref_day = self.evs[ref].day

        # Strategy discussion.
        sd_day = self.wd(done, self.ri(0, 4)) if pre2013 else self.wd(dec_day, self.ri(1, 4))
        police_dep = self.roll("strategy-discussion-includes-police", sd_day)
        health_dep = self.roll("strategy-discussion-includes-health", sd_day)
        participants = [POLICE] if not police_dep else []
        participants.append(CSC)
        if not health_dep and (sd_day >= WT2013 or rng.random() < 0.5):
            participants.append(HV if self.young else GP)
        participants.sort(key=_AGENCY_RANK.__getitem__)
        bham_dep = self.da and self.roll("section-47-joint-with-police-where-domestic-abuse", sd_day)
        sd_attrs: dict[str, Any] = {"concerns": concerns, "participants": participants}
        if bham_dep:
            sd_attrs.update(section47="single-agency", reasons_recorded=False)
        elif not police_dep and rng.random() < 0.65:
            sd_attrs["section47"] = "joint"
        else:
            sd_attrs.update(section47="single-agency", reasons_recorded=True)
        sd_attrs["channel"] = self.pick(("telephone", "meeting"))
        s47_kind = "a joint" if sd_attrs["section47"] == "joint" else "a single-agency"
        sd = self.ev(sd_day, "strategy-discussion", CSC, people, sd_attrs,
                     f"A strategy discussion ({sd_attrs['channel']}) agreed {s47_kind} section 47 enquiry"
                     + (" without recording the reasons." if bham_dep else "."), author=f"TM{self.sw}",
                     links={"follows": ref})
        sd_records = [sd]
        self.opp("strategy-discussion-includes-police", sd, police_dep)
        self.opp("strategy-discussion-includes-health", sd, health_dep)
        if self.da:
            self.opp("section-47-joint-with-police-where-domestic-abuse", sd, bham_dep)
        if self.evs[ref].attrs.get("significant_harm_suspected"):
            self.opp("strategy-discussion-where-significant-harm-suspected", ref, False, (ref, sd))
        if POLICE in participants and self.can_conflict():
            # The police record dates the same discussion earlier (as in the founding case).
            p_day = self.wd(sd_day, -self.ri(3, 10))
            if p_day > self.wd(ref_day, 1) and p_day > dec_day:
                p = self.ev(p_day, "strategy-discussion", POLICE, people, dict(sd_attrs),
                            "Police records note a telephone strategy discussion with children's social care.",
                            author="DS1", links={"follows": ref}, recorded_by=POLICE)
                self.conflict(sd, p)
                sd_records.append(p)
        s47_day = self.wd(sd_day, self.ri(0, 3))
        self.ev(s47_day, "section-47-enquiry", CSC, people,
                {"concerns": concerns, "participants": [POLICE, CSC] if sd_attrs["section47"] == "joint" else [CSC]},
                f"The social worker carried out {s47_kind} section 47 enquiry.", author=sw,
                links={"follows": sd_records if len(sd_records) > 1 else sd})

        # Initial conference.
        icpc_dep = self.roll("icpc-within-15-working-days", sd_day)
        n = self.pick((16, 16, 17, 18, 20, 22)) if icpc_dep else self.pick((15, self.ri(8, 15)))
        icpc_day = self.wd(sd_day, n)

        core_start = core_done = None
        core_dep = False
        if pre2013:
            core_start = s47_day
            core_dep = self.roll("core-assessment-within-35-working-days", core_start)
            core_done = self.wd(core_start, 35 + self.ri(1, 10) if core_dep else self.ri(20, 35))

        separated = rng.random() < 0.4
        sep_dep = separated and self.roll("separated-parents-invited-at-own-addresses", icpc_day)
        pol_inv_dep = self.da and self.roll("police-invited-to-icpc-where-domestic-abuse", icpc_day)
        pol_rep_dep = self.da and (pol_inv_dep or self.roll("police-report-requested-for-icpc-where-domestic-abuse", icpc_day))
        gp_dep = self.roll("gp-invited-to-icpc", icpc_day)
        housing_applies = self.da or self.housing
        housing_dep = housing_applies and self.roll("housing-invited-to-icpc-where-housing-involved", icpc_day)
        invited_agencies = [ICS]
        if not pol_inv_dep and (self.da or rng.random() < 0.5):
            invited_agencies.append(POLICE)
        if not gp_dep:
            invited_agencies.append(GP)
        if self.young:
            invited_agencies.append(HV)
        if self.unborn:
            invited_agencies.append(MW)
        if self.nursery:
            invited_agencies.append(NURSERY)
        if not housing_dep and (housing_applies or rng.random() < 0.3):
            invited_agencies.append(HOUSING)
        if self.wa_referred:
            invited_agencies.append(WA)
        invited_agencies.sort(key=_AGENCY_RANK.__getitem__)
        invited = invited_agencies + [A, B]
        requested = [a for a in invited_agencies if a in (POLICE, GP, HV, MW, NURSERY) and (a != POLICE or not pol_rep_dep)]

        inv_day = self.between(self.wd(sd_day, 1), icpc_day - _TD[5])
        inv_attrs: dict[str, Any] = {"invited": invited, "parents_separated": separated}
        if separated:
            inv_attrs["sent_to_own_addresses"] = not sep_dep
        inv = self.ev(inv_day, "conference-invitation", CSC, people, inv_attrs,
                      "Invitations to the initial child protection conference were sent"
                      + ("; both parents' letters went to Adult A's address although they lived apart." if sep_dep else "."),
                      author=sw)
        self.evs[inv].links = {"for": None}  # set once the conference exists

        rep_dep = self.roll("conference-report-before-conference", icpc_day)
        bham = self.area == "birmingham"
        if rep_dep:
            rep_day = icpc_day - _TD[1] if bham and rng.random() < 0.4 else icpc_day
        else:
            rep_day = icpc_day - _TD[self.ri(3, 7) if bham else self.ri(1, 5)]
        rep = self.ev(rep_day, "conference-report", CSC, people,
                      {"author_agency": CSC, "recipients": [ICS, A, B] + [a for a in invited_agencies if a != ICS]},
                      "The social work report for the conference was shared"
                      + (" on the day of the conference." if rep_day == icpc_day else
                         " the day before the conference." if rep_day == icpc_day - _ONE else " before the conference."),
                      author=sw, links={"for": None})
        if self.young and rng.random() < 0.5:
            self.ev(icpc_day - _TD[self.ri(1, 4)], "conference-report", HV, people,
                    {"author_agency": HV}, "The health visitor provided a report to the conference.", author="HV1",
                    links={"for": None})

        plan_made = rng.random() < 0.9
        excl_dep = self.da and self.roll("perpetrator-exclusion-considered", icpc_day)
        marac_dep = self.da and plan_made and self.roll("marac-considered-where-domestic-abuse-led-to-plan", icpc_day)
        attended = [a for a in invited_agencies if rng.random() < 0.8 or a == ICS] + [CSC, A]
        b_attends = rng.random() < 0.6
        if b_attends:
            attended.append(B)
        icpc_attrs: dict[str, Any] = {"concerns": concerns + ["emotional-abuse"] if self.da else concerns,
                                      "invited": invited, "reports_requested": requested, "attended": attended,
                                      "perpetrator_present": b_attends, "plan_outcome": "plan-made" if plan_made else "no-plan"}
        if self.da:
            icpc_attrs["exclusion_considered"] = not excl_dep
        if self.da and plan_made:
            icpc_attrs["marac_considered"] = not marac_dep
        icpc = self.ev(icpc_day, "initial-child-protection-conference", CSC, people, icpc_attrs,
                       ("The initial child protection conference made the children subject to child protection plans."
                        if plan_made else "The initial child protection conference decided no plan was needed.")
                       + (" Excluding Adult B from part of the meeting was not considered." if excl_dep else "")
                       + (" A MARAC referral was not considered." if marac_dep else ""), author="Chair1")
        for k in self.evs[inv], self.evs[rep]:
            k.links = {"for": icpc}
        for e in self.evs[rep + 1:]:
            if e.type == "conference-report" and e.links == {"for": None}:
                e.links = {"for": icpc}
        involved_sd = tuple(sd_records) + (icpc,)
        self.opp("icpc-within-15-working-days", sd, icpc_dep, involved_sd)
        if self.da:
            self.opp("police-invited-to-icpc-where-domestic-abuse", icpc, pol_inv_dep)
            self.opp("police-report-requested-for-icpc-where-domestic-abuse", icpc, pol_rep_dep)
            self.opp("perpetrator-exclusion-considered", icpc, excl_dep)
            if plan_made:
                self.opp("marac-considered-where-domestic-abuse-led-to-plan", icpc, marac_dep)
        self.opp("gp-invited-to-icpc", icpc, gp_dep)
        if housing_applies:
            self.opp("housing-invited-to-icpc-where-housing-involved", icpc, housing_dep)
        if separated:
            self.opp("separated-parents-invited-at-own-addresses", inv, sep_dep)
        self.opp("conference-report-before-conference", icpc, rep_dep, (icpc, rep))

        if self.da:
            self.minutes_to_police = not self.roll("conference-minutes-to-police-where-domestic-abuse", icpc_day)
        else:
            self.minutes_to_police = rng.random() < 0.5
        minutes = self.minutes(icpc_day, invited_agencies)
        if self.da:
            self.opp("conference-minutes-to-police-where-domestic-abuse", icpc, not self.minutes_to_police,
                     (icpc,) if minutes is None else (icpc, minutes))

        if core_start is not None:
            cs = self.ev(core_start, "core-assessment", CSC, people, {"status": "started", "concerns": concerns},
                         "A core assessment was started.", author=sw, links={"follows": sd})
        if not plan_made:
            if core_start is not None:
                self.core_done(cs, core_start, core_done, core_dep, sw, people, concerns)  # type: ignore[arg-type]
            return ("step-down", max(icpc_day, core_done or icpc_day))
        self.ev(icpc_day, "child-protection-plan", CSC, people, {"concerns": concerns},
                "Child protection plans were made: Adult B not to live at the family home, both parents to attend "
                "programmes, and the core group to monitor the plan." if self.da else
                "Child protection plans were made for the children under the category of neglect.", author=sw,
                links={"follows": icpc})

        # Core groups, transfer and the plan breaking down.
        cg_dep = self.roll("first-core-group-within-10-working-days", icpc_day)
        if not cg_dep:
            cg1 = self.wd(icpc_day, self.ri(4, 10))
            cg1k = self.core_group(cg1, "held", people)
        elif rng.random() < 0.5:
            cg1 = self.wd(icpc_day, self.ri(11, 20))
            cg1k = self.core_group(cg1, "held", people)
        else:
            self.core_group(self.wd(icpc_day, self.ri(5, 10)), "cancelled", people)
            cg1 = self.wd(icpc_day, self.ri(12, 25))
            cg1k = self.core_group(cg1, "held", people)
        self.opp("first-core-group-within-10-working-days", icpc, cg_dep, (icpc, cg1k))
        if rng.random() < 0.5:
            self.transfer(self.between(icpc_day + _ONE, cg1))

        r1_deadline = add_months(icpc_day, 3)
        breakdown = self.da and rng.random() < 0.3
        bd_dep = breakdown and self.roll("core-group-recalled-when-plan-breaks-down", cg1)
        if bd_dep:
            bd_day = self.days(max(cg1, core_done or cg1, done), 3, 10)
            end_day = self.days(max(bd_day, max(e.day for e in self.evs)), 1, 7)
            if end_day < r1_deadline - _TD[2]:
                if core_start is not None:
                    self.core_done(cs, core_start, core_done, core_dep, sw, people, concerns)  # type: ignore[arg-type]
                bd = self.breakdown_event(bd_day, people)
                self.opp("core-group-recalled-when-plan-breaks-down", bd, True, (bd,))
                self.end_limit = r1_deadline
                self.ends = True
                self.ending(end_day)
                return ("ended", end_day)
            bd_dep = False
        if core_start is not None:
            self.core_done(cs, core_start, core_done, core_dep, sw, people, concerns)  # type: ignore[arg-type]

        # Reviews.
        r_dep = self.roll("first-review-conference-within-3-months", icpc_day)
        r_day = (self.on_or_after(r1_deadline + _TD[self.ri(1, 21)]) if r_dep else
                 self.on_or_before(self.between(icpc_day + _TD[63], r1_deadline)))
        cg_last = cg1
        if breakdown:  # the plan breaks down between the first core group and the first review; the core group is recalled
            bd_day = self.between(cg1 + _TD[2], max(cg1 + _TD[2], r_day - _TD[14]))
            bd = self.breakdown_event(bd_day, people)
            recalled = self.wd(bd_day, self.ri(1, 5))
            rk = self.core_group(recalled, "held", people, "The core group was recalled after the plan broke down.")
            self.opp("core-group-recalled-when-plan-breaks-down", bd, False, (bd, rk))
            cg_last = recalled
        self.core_groups_between(cg_last, r_day, people)
        r_key = self.review(r_day, people, invited_agencies)
        self.opp("first-review-conference-within-3-months", icpc, r_dep, (icpc, r_key))
        prev = r_day
        for i in range(3):
            continued = rng.random() < (0.6 if i == 0 else 0.3)
            self.evs[r_key].attrs["plan_outcome"] = "plan-continued" if continued else "plan-ended"
            if not continued:
                self.evs[r_key].summary = "The review child protection conference ended the child protection plans."
                break
            deadline = add_months(prev, 6)
            dep = self.roll("review-conference-within-6-months", prev)
            nxt = (self.on_or_after(deadline + _TD[self.ri(1, 21)]) if dep else
                   self.on_or_before(self.between(prev + _TD[150], deadline)))
            self.core_groups_between(prev, nxt, people)
            k = self.review(nxt, people, invited_agencies)
            self.opp("review-conference-within-6-months", r_key, dep, (r_key, k))
            r_key, prev = k, nxt
        else:
            self.evs[r_key].attrs["plan_outcome"] = "plan-ended"
            self.evs[r_key].summary = "The review child protection conference ended the child protection plans."
        if self.da and rng.random() < 0.3:  # a further incident during the plan, the children elsewhere
            inc_day = self.between(icpc_day + _TD[7], prev - _TD[3])
            if inc_day > icpc_day and all(abs((inc_day - d).days) > 20 for d in self.incident_days):
                self.police_incident(inc_day, children_present=False, during_plan=True)
        return ("step-down", prev)

    def core_done(self, cs: int, start: date, done: date, dep: bool, sw: str, people: list[str],
                  concerns: list[str]) -> None:
        checks = self.assessment_checks(done, start)
        k = self.ev(done, "core-assessment", CSC, people, {"status": "completed", "concerns": concerns},
                    "The core assessment was completed.", author=sw, links={"follows": cs})
        self.check_opps(k, checks)
        self.opp("core-assessment-within-35-working-days", cs, dep, (cs, k))

    def minutes(self, day: date, invited_agencies: list[str]) -> int | None:
        recipients = [a for a in invited_agencies if a != ICS and (a != POLICE or self.minutes_to_police)]
        if self.minutes_to_police and POLICE not in recipients:
            recipients.insert(0, POLICE)
        k = self.ev(self.days(day, 1, 10), "conference-minutes-sent", ICS, [A, B] + self.kids,
                    {"recipients": recipients + [A, B]},
                    "The conference minutes were sent to " + ", ".join(r.replace("-", " ") for r in recipients)
                    + " and the parents.")
        return k if POLICE in recipients else None

    def core_group(self, day: date, status: str, people: list[str], text: str = "") -> int:
        if not text:
            text = ("The core group met to review progress on the plan." if status == "held" else
                    "The core group meeting was cancelled by the social worker and rearranged.")
        attended = [CSC, A] + ([HV] if self.young else [GP]) + ([NURSERY] if self.nursery else [])
        attrs: dict[str, Any] = {"status": status}
        if status == "held":
            attrs["attended"] = attended
        return self.ev(day, "core-group-meeting", CSC, people, attrs, text, author=self.social_worker())

    def core_groups_between(self, start: date, end: date, people: list[str]) -> None:
        day = start
        while True:
            day = self.wd(day, self.ri(20, 30))
            if day >= end - _TD[7]:
                return
            self.core_group(day, "held", people)

    def review(self, day: date, people: list[str], invited_agencies: list[str]) -> int:
        rng = self.rng
        if rng.random() < 0.5:
            self.ev(day - _TD[self.ri(1, 5)], "conference-report", CSC, people,
                    {"author_agency": CSC}, "The social work report for the review conference was shared.",
                    author=self.social_worker(), links={"for": len(self.evs) + 1})
        k = self.ev(day, "review-child-protection-conference", CSC, people,
                    {"invited": invited_agencies + [A, B], "attended": [CSC, ICS, A], "plan_outcome": "plan-continued"},
                    "The review child protection conference continued the child protection plans.", author="Chair1")
        self.minutes(day, invited_agencies)
        return k

    def breakdown_event(self, day: date, people: list[str]) -> int:
        kind = self.pick(("working-agreement", "contact", "home-visit"))
        text = {"working-agreement": "The working agreement was renegotiated after Adult B returned to the family "
                                     "home against the plan.",
                "contact": "A relative told the social worker that Adult B was living at the family home again, "
                           "against the plan.",
                "home-visit": "At a home visit the social worker found Adult B at the family home, against the plan."}
        return self.ev(day, kind, CSC, people, {"plan_breakdown": True, "concerns": [DA]}, text[kind],
                       author=self.social_worker())

    def ending(self, day: date) -> None:
        if self.rng.random() < 0.5:
            self.ev(day, "death", POLICE, [A, B], {}, "The death of Adult A, which led to this review.")
        else:
            self.ev(day, "domestic-abuse-incident", POLICE, [A, B], {"concerns": [DA], "children_present": False},
                    "Police were called to a serious incident involving Adult A and Adult B; Adult B was arrested.",
                    author="PC1")
            # The incident that ends the chronology is recorded with its history check and DASH.
            k = len(self.evs) - 1
            self.ev(day, "history-check", POLICE, [B], {"history_checked": True},
                    "Officers checked Adult B's history on the police systems.", links={"follows": k})
            if day >= date(2009, 3, 1):
                dash = self.ev(day, "dash-risk-assessment", POLICE, [A, B],
                               {"risk_level": "medium", "dash_score": 12, "history_checked": True},
                               "A DASH risk assessment was completed.", links={"for": k})
                self.opp("dash-completed-at-domestic-abuse-incident", k, False, (k, dash))
                self.opp("police-history-check-in-dash-assessment", dash, False)

    # -- housing and health -----------------------------------------------------------------------

    def housing_action(self, day: date) -> None:
        dep = self.roll("housing-consults-or-refers-where-domestic-abuse-and-children", day)
        attrs = {"concerns": [DA], "children_in_household": True, "referral_considered": not dep}
        text = ("Adult A and the children were placed in temporary accommodation after she presented as homeless "
                "because of domestic abuse" + ("; no referral or consultation about the children was considered."
                                               if dep else "; the officer consulted children's social care."))
        k = self.ev(day, "housing-action", HOUSING, [A] + self.kids, attrs, text, author="HO1")
        self.opp("housing-consults-or-refers-where-domestic-abuse-and-children", k, dep)
        if self.can_conflict():
            other = self.ev(self.days(day, 2, 6), "housing-action", HOUSING, [A] + self.kids, dict(attrs),
                            "Children's social care records note the move to temporary accommodation.",
                            recorded_by=CSC)
            self.conflict(k, other)

    def health_contact(self, day: date, agency: str) -> int:
        """A health visiting, midwifery or GP contact with Adult A, judged on routine enquiry."""
        rng = self.rng
        r = rng.random()
        attrs: dict[str, Any]
        author = {HV: "HV1", MW: "MW1", GP: "GP1"}.get(agency)
        kind = "home-visit" if agency == HV and rng.random() < 0.6 else "health-contact"
        what = {HV: "The health visitor saw Adult A and the children", MW: "The midwife saw Adult A for antenatal care",
                GP: "The GP saw Adult A"}[agency]
        people = [A] + (self.kids if agency == HV else [UNBORN] if agency == MW and self.unborn else [])
        if r < 0.45:
            dep = agency in (HV, MW) and self.roll("routine-enquiry-only-when-alone", day)
            if dep:
                attrs = {"routine_enquiry": "asked", "seen_alone": False, "perpetrator_present": True}
                text = f"{what}; she was asked about domestic abuse with Adult B present."
            else:
                attrs = {"routine_enquiry": "asked", "seen_alone": True, "perpetrator_present": False}
                text = f"{what} on her own and asked the routine question about domestic abuse."
            k = self.ev(day, kind, agency, people + ([B] if dep else []), attrs, text, author=author)
            if agency in (HV, MW):
                self.opp("routine-enquiry-only-when-alone", k, dep)
            return k
        if r < 0.8 and self.da:
            dep = self.roll("arrangement-to-see-alone-when-partner-present", day)
            attrs = {"routine_enquiry": "not-possible", "perpetrator_present": True, "seen_alone": False,
                     "alone_arranged": not dep}
            text = (f"{what}; Adult B was present, so the routine question about domestic abuse could not be asked"
                    + ("; no arrangement was made to see her alone." if dep else
                       "; an appointment was made to see her on her own."))
            k = self.ev(day, kind, agency, people + [B], attrs, text, author=author)
            self.opp("arrangement-to-see-alone-when-partner-present", k, dep)
            return k
        return self.ev(day, kind, agency, people, {}, f"{what} for routine care.", author=author)

    def gp_parent(self, day: date) -> None:
        dep = self.roll("gp-considers-referral-for-parental-substance-misuse-or-mental-health", day)
        concern = self.pick(("mental-health", "substance-misuse"))
        what = "low mood and anxiety" if concern == "mental-health" else "cannabis and alcohol use"
        k = self.ev(day, "health-contact", GP, [B],
                    {"concerns": [concern], "children_in_household": True, "referral_considered": not dep},
                    f"Adult B saw the GP about {what}"
                    + ("; the effect on the children was not considered." if dep else
                       "; the GP considered the children's safety and recorded the decision on a referral."),
                    author="GP1")
        self.opp("gp-considers-referral-for-parental-substance-misuse-or-mental-health", k, dep)

    def move(self, day: date) -> None:
        self.moved = True
        dep = self.roll("records-transferred-when-family-moves", day)
        k = self.ev(day, "other", HV, [A] + self.kids, {"moved_area": True},
                    "The family moved to another area, covered by a different health visiting service.", author="HV1")
        if dep:
            self.opp("records-transferred-when-family-moves", k, True, (k,))
        else:
            t = self.ev(self.days(day, 1, 21), "records-transfer", HV, [A] + self.kids,
                        {"concerns": [DA]} if self.da else {},
                        "Health visiting records were passed to the receiving service.", author="HV1",
                        links={"follows": k})
            self.opp("records-transferred-when-family-moves", k, False, (k, t))

    # -- routine contacts to the target size ------------------------------------------------------

    def fill(self) -> None:
        first = min(e.day for e in self.evs)
        last = max(e.day for e in self.evs)
        if self.ends:  # the chronology ends with the last storyline event
            last -= _ONE
        kinds: list[str] = []
        weights: list[float] = []
        for kind, weight, ok in (
            ("hv", 4.0, self.young), ("mw", 1.5, self.unborn), ("gp-a", 1.5, True), ("gp-b", 1.0, True),
            ("walk-in", 0.7, True), ("nursery", 1.0, self.nursery), ("police-contact", 0.7, self.da),
            ("housing-contact", 0.7, self.housing), ("csc-visit", 1.0, bool(self.open_periods)),
            ("move", 0.3, self.young and not self.moved),
        ):
            if ok:
                kinds.append(kind)
                weights.append(weight)
        while len(self.evs) < self.target:
            kind = self.pick_w(kinds, weights)
            day = self.between(first, last)
            if kind == "hv":
                self.health_contact(day, HV)
            elif kind == "mw":
                self.health_contact(day, MW)
            elif kind == "gp-a":
                self.health_contact(day, GP)
            elif kind == "gp-b":
                self.gp_parent(day)
            elif kind == "walk-in":
                self.ev(day, "health-contact", "walk-in-centre", [self.pick(self.kids), A], {},
                        "Adult A brought a child to the walk-in centre with a minor illness.")
            elif kind == "nursery":
                self.ev(day, "other", NURSERY, [self.pick(self.kids)], {},
                        self.pick(("The nursery noted the child was settling well.",
                                    "The nursery recorded that the child arrived late and hungry.",
                                    "Nursery staff noted a change in the child's behaviour.")), author="NM1")
            elif kind == "police-contact":
                self.ev(day, "contact", POLICE, [B, A], {},
                        "Adult B contacted police with allegations about Adult A's care of the children; no action "
                        "was needed.")
            elif kind == "housing-contact":
                self.ev(day, "contact", HOUSING, [A], {}, "Adult A contacted housing about repairs and rent arrears.",
                        author="HO1")
            elif kind == "csc-visit":
                lo, hi = self.pick(self.open_periods)
                self.csc_home_visit(self.between(lo, min(hi, last)), self.social_worker(), "as planned")
            elif kind == "move":
                if day + _TD[22] <= last and not self.moved:
                    self.move(day)
                else:
                    self.health_contact(day, HV)
                kinds_i = kinds.index("move") if "move" in kinds else -1
                if kinds_i >= 0:
                    del kinds[kinds_i], weights[kinds_i]

    # -- output -----------------------------------------------------------------------------------

    def finish(self) -> SynthCase:
        rng = self.rng
        evs = self.evs
        order = sorted(evs, key=_SORT_KEY)
        names = _IDS if len(order) < len(_IDS) else [f"E{i:0{len(str(len(order)))}d}" for i in range(len(order) + 1)]
        ids = [""] * len(order)
        for i, e in enumerate(order, 1):
            ids[e.key] = names[i]

        # The precedes rules: a planted missing check is met by any other check in the 90 days before.
        by_type: dict[str, list[_Ev]] = {}
        for e in evs:
            by_type.setdefault(e.type, []).append(e)
        conflicted = {k for pair in self.conflicts for k in pair}
        candidates: dict[str, list[_Ev]] = {}
        for o in self.opps:
            agency = _CHECK_RULES.get(o.rule)
            if agency is None:
                continue
            if agency not in candidates:
                candidates[agency] = list(_check_candidates(by_type, agency))
            t = evs[o.key].day
            since = t - _LOOKBACK
            found = [e for e in candidates[agency] if since <= e.day <= t]
            if not found:
                assert o.departed, (self.case_id, o.rule)
                continue
            o.departed = False
            o.detail = ""
            o.involved = (o.key,) + tuple(e.key for e in found)
            if all(e.key in conflicted for e in found):
                o.exact = False

        # Loose dates, never on a record a departed `follows` rule searches from or a plan breakdown.
        protected = set(conflicted)
        for o in self.opps:
            if o.departed and RULES[o.rule][0] == "follows":
                protected.add(o.key)
        loose: set[int] = set()
        if self.imprecise_rate > 0:
            for e in order:
                if (e.type in _LOOSE_TYPES and e.key not in protected and "plan_breakdown" not in e.attrs
                        and "moved_area" not in e.attrs and rng.random() < self.imprecise_rate):
                    e.written = _loose_date(rng, e.day)
                    loose.add(e.key)
        touched = loose | conflicted
        if touched:
            for o in self.opps:
                if o.involved and not touched.isdisjoint(o.involved):
                    o.exact = False

        first, last = order[0].day, order[-1].day
        scoping_from = date(first.year, first.month, 1)
        scoping_to = last + _TD[self.ri(1, 30)]
        if self.end_limit is not None:
            scoping_to = min(scoping_to, self.end_limit - _ONE)
        agencies = sorted({e.agency for e in evs} | {e.recorded_by for e in evs if e.recorded_by},
                          key=_AGENCY_RANK.__getitem__)
        people = [{"id": A, "role": "victim" if self.da else "family-member", "pseudonym": "Adult A"},
                  {"id": B, "role": "alleged-perpetrator" if self.da else "family-member", "pseudonym": "Adult B"}]
        people += [{"id": k, "role": "child", "pseudonym": f"Child {k.split('-')[1]}"} for k in self.kids]
        if self.unborn:
            people.append({"id": UNBORN, "role": "unborn-child", "pseudonym": "Unborn Child 1"})
        facts: dict[str, Any] = {"domestic_abuse": self.da, "young_children": self.young}
        if self.housing:
            facts["housing_involved"] = True
        case: dict[str, Any] = {
            "id": self.case_id,
            "title": f"Synthetic case {self.index:05d} (seed {self.seed})",
            "jurisdiction": "england",
        }
        if self.area:
            case["area"] = self.area
        case.update({
            "scoping": {"from": scoping_from.isoformat(), "to": scoping_to.isoformat()},
            "sources": {SOURCE_KEY: {"title": "Combined multi-agency chronology (synthetic)",
                                     "date": f"{scoping_to.year:04d}-{scoping_to.month:02d}"}},
            "people": people,
            "agencies": agencies,
            "facts": facts,
        })
        out_events: list[dict[str, Any]] = []
        append = out_events.append
        for row, e in enumerate(order, 1):
            item: dict[str, Any] = {"id": ids[e.key], "date": e.day.isoformat() if e.written is None else e.written,
                                    "agency": e.agency}
            if e.recorded_by is not None and e.recorded_by != e.agency:
                item["recorded_by"] = e.recorded_by
            if e.author:
                item["author"] = e.author
            item["type"] = e.type
            item["people"] = e.people
            if e.attrs:
                item["attrs"] = e.attrs
            if e.links:
                item["links"] = {rel: ([ids[t] for t in target] if isinstance(target, list) else ids[target])
                                 for rel, target in e.links.items()}
            if e.same:
                item["same_event_as"] = [ids[k] for k in e.same]
            item["source"] = {"document": SOURCE_KEY, "row": row}
            item["summary"] = e.summary
            append(item)
        plan = Plan(
            case_id=self.case_id, index=self.index,
            opportunities=tuple([Opportunity(o.rule, ids[o.key], o.departed, o.detail, o.exact) for o in self.opps]),
            imprecise=tuple(ids[e.key] for e in order if e.key in loose),
            conflicts=tuple((ids[a], ids[b]) for a, b in self.conflicts),
        )
        return SynthCase(self.index, {"case": case, "events": out_events}, plan)


def _check_candidates(by_type: dict[str, list[_Ev]], agency: str) -> Iterator[_Ev]:
    """Events the `initial-assessment-checks-with-*` rules accept as the check with `agency`."""
    for e in by_type.get("information-check", ()):
        if e.agency in (CSC, EDT) and agency in e.attrs.get("with", ()):
            yield e
    if agency == POLICE:
        for t in ("screening", "strategy-discussion"):
            for e in by_type.get(t, ()):
                parts = e.attrs.get("participants", ())
                if POLICE in parts and CSC in parts:
                    yield e


_PARTS = (("early", 1, 10), ("mid-", 11, 20), ("late", 21, 31))
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _loose_date(rng: random.Random, day: date) -> Any:
    """A month, a part of a month or a week that contains `day`, as a chronology would write it."""
    r = rng.random()
    month = _MONTHS[day.month]
    if r < 0.4:
        return f"{day.year:04d}-{day.month:02d}"
    if r < 0.7:
        last = calendar.monthrange(day.year, day.month)[1]
        for name, lo, hi in _PARTS:
            if lo <= day.day <= hi:
                hi = min(hi, last)
                word = f"{name}{month}" if name == "mid-" else f"{name} {month}"
                return {"earliest": date(day.year, day.month, lo).isoformat(),
                        "latest": date(day.year, day.month, hi).isoformat(), "as_written": f"{word} {day.year}"}
    monday = day - _TD[day.weekday()]
    return {"earliest": monday.isoformat(), "latest": (monday + _TD[6]).isoformat(),
            "as_written": f"week commencing {monday:%d/%m/%Y}"}

