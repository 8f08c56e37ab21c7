"""Synthetic case records in an authority's own formats (SSD tables, a CIN census return), with what was planted.

Boards want to try `auditor batch --records` before pointing it at real children, and the benchmark needs an
extract of an authority's size. Each child follows one path through the system (a referral, an assessment, a
section 47 enquiry, a conference and plan with its visits and reviews, or a period of care with its reviews,
missing episodes), and each step with a timescale is planted late with probability `late_rate`, or with its
date or flag left unrecorded with probability `missing_rate`; otherwise it is on time. The truth lists every
planted step by child, standard and the day of the entry that starts its clock, so a run can be scored.

Steps are spaced so that one child's windows never overlap (one referral's assessment cannot answer another's),
and every window closes before the extract's date: what is planted is exactly what an audit can find.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta

from ..workdays import add_working_days

AS_AT = date(2024, 3, 28)  # the extract's date: every synthetic step ends before it
FIRST, LAST = date(2014, 1, 6), date(2021, 12, 20)  # referrals between these days (WT 2013 onwards)
SSD_TABLES = {
    "ssd_person": ["pers_person_id", "pers_sex", "pers_dob"],
    "ssd_cin_episodes": ["cine_referral_id", "cine_person_id", "cine_referral_date", "cine_referral_nfa",
                         "cine_close_date"],
    "ssd_cin_assessments": ["cina_assessment_id", "cina_person_id", "cina_referral_id", "cina_assessment_start_date",
                            "cina_assessment_auth_date", "cina_assessment_child_seen"],
    "ssd_s47_enquiry": ["s47e_s47_enquiry_id", "s47e_person_id", "s47e_referral_id", "s47e_s47_start_date",
                        "s47e_s47_end_date", "s47e_s47_nfa"],
    "ssd_initial_cp_conference": ["icpc_icpc_id", "icpc_person_id", "icpc_s47_enquiry_id", "icpc_icpc_date",
                                  "icpc_icpc_outcome_cp_flag"],
    "ssd_cp_plans": ["cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"],
    "ssd_cp_visits": ["cppv_cp_visit_id", "cppv_person_id", "cppv_cp_plan_id", "cppv_cp_visit_date",
                      "cppv_cp_visit_seen", "cppv_cp_visit_seen_alone"],
    "ssd_cp_reviews": ["cppr_cp_review_id", "cppr_person_id", "cppr_cp_plan_id", "cppr_cp_review_date",
                       "cppr_cp_review_outcome_continue_cp"],
    "ssd_cla_episodes": ["clae_cla_episode_id", "clae_person_id", "clae_cla_id", "clae_cla_episode_start_date",
                         "clae_entered_care_date", "clae_cla_episode_ceased_date"],
    "ssd_cla_reviews": ["clar_cla_review_id", "clar_cla_id", "clar_cla_review_date", "clar_cla_review_cancelled"],
    "ssd_missing": ["miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
                    "miss_missing_episode_end_date", "miss_missing_episode_type", "miss_missing_rhi_offered"],
}


@dataclass
class Planted:
    child: str
    rule_id: str
    trigger_date: str
    expected: str  # breach (planted late or not done), met, or not-evaluable (left unrecorded)


@dataclass
class ChildRecord:
    person: str
    birth: date
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    truth: list[Planted] = field(default_factory=list)

    def add(self, table: str, *values: Any) -> None:
        self.rows.setdefault(table, []).append(list(values))

    def plant(self, rule_id: str, trigger: date, expected: str) -> None:
        self.truth.append(Planted(self.person, rule_id, trigger.isoformat(), expected))


class _Child:
    """One child's path, drawn from the seeded generator; `step` says whether a step is on time, late or
    unrecorded."""

    def __init__(self, rng: random.Random, number: int, late_rate: float, missing_rate: float):
        self.rng, self.late_rate, self.missing_rate = rng, late_rate, missing_rate
        person = f"P{number:07d}"
        birth = FIRST - timedelta(days=rng.randint(200, 16 * 365))
        self.record = ChildRecord(person, birth)
        self.record.add("ssd_person", person, rng.choice("FM"), birth)
        self.n = 0

    def key(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.record.person[1:]}-{self.n}"

    def step(self, can_be_missing: bool = True) -> str:
        roll = self.rng.random()
        if roll < self.late_rate:
            return "late"
        if can_be_missing and roll < self.late_rate + self.missing_rate:
            return "missing"
        return "on-time"

    def working(self, start: date, lo: int, hi: int) -> date:
        return add_working_days(start, self.rng.randint(lo, hi))


def _child(rng: random.Random, number: int, late_rate: float, missing_rate: float) -> ChildRecord:
    c = _Child(rng, number, late_rate, missing_rate)
    rec, person = c.record, c.record.person
    referral = FIRST + timedelta(days=rng.randint(0, (LAST - FIRST).days))
    while referral.weekday() >= 5:
        referral += timedelta(days=1)
    ref_id = c.key("R")
    path = rng.random()
    if path < 0.12:  # decided no further action: no assessment clock
        rec.add("ssd_cin_episodes", ref_id, person, referral, "Y", add_working_days(referral, 2))
        rec.plant("single-assessment-within-45-working-days", referral, "not-applicable")
        return rec
    start = c.working(referral, 1, 3)
    kind = c.step()
    auth = {"on-time": c.working(referral, 10, 45), "late": c.working(referral, 46, 80), "missing": None}[kind]
    rec.plant("single-assessment-within-45-working-days", referral,
              {"on-time": "met", "late": "breach", "missing": "not-evaluable"}[kind])
    rec.add("ssd_cin_assessments", c.key("A"), person, ref_id, start, auth, rng.choice("YN"))
    end = (auth or add_working_days(referral, 80))
    if path < 0.45:
        close = end + timedelta(days=rng.randint(10, 60))
    elif path < 0.8:  # an episode closes after its assessment is authorised, whatever else happened
        close = max(_child_protection(c, ref_id, c.working(referral, 2, 5)), end + timedelta(days=rng.randint(5, 30)))
    else:
        close = _looked_after(c, end + timedelta(days=rng.randint(5, 40)))
    rec.add("ssd_cin_episodes", ref_id, person, referral, "N", close)
    return rec


def _child_protection(c: _Child, ref_id: str, strategy: date) -> date:
    rng, rec, person = c.rng, c.record, c.record.person
    s47 = c.key("S")
    if rng.random() < 0.35:  # the enquiry found no conference was needed
        rec.add("ssd_s47_enquiry", s47, person, ref_id, strategy, c.working(strategy, 5, 20), "Y")
        rec.plant("icpc-within-15-working-days", strategy, "not-applicable")
        return c.working(strategy, 25, 40)
    late = c.step(can_be_missing=False) == "late"  # a census cannot tell a conference with no date from none
    held = c.working(strategy, 16, 30) if late else c.working(strategy, 5, 15)
    rec.add("ssd_s47_enquiry", s47, person, ref_id, strategy, c.working(strategy, 3, 5), "N")
    rec.add("ssd_initial_cp_conference", c.key("C"), person, s47, held, "Y")
    rec.plant("icpc-within-15-working-days", strategy, "breach" if late else "met")
    plan_id = c.key("CP")
    # Reviews: the first within 3 months of the conference, then every 6 months; the last ends the plan.
    reviews, previous, n = [], held, rng.randint(1, 3)
    for i in range(n):
        late = c.step(can_be_missing=False) == "late"
        if i == 0:
            day = held + (relativedelta(months=3) + timedelta(days=rng.randint(3, 30)) if late
                          else timedelta(days=rng.randint(45, 85)))
            rule, trigger = "first-review-conference-within-3-months", held
        else:
            day = previous + (relativedelta(months=6) + timedelta(days=rng.randint(3, 30)) if late
                              else timedelta(days=rng.randint(90, 175)))
            rule, trigger = "review-conference-within-6-months", previous
        rec.plant(rule, trigger, "breach" if late else "met")
        reviews.append(day)
        previous = day
    ended = reviews[-1]
    for i, day in enumerate(reviews):
        rec.add("ssd_cp_reviews", c.key("RV"), person, plan_id, day, "N" if i == len(reviews) - 1 else "Y")
    rec.add("ssd_cp_plans", plan_id, person, held, ended)
    _visits(c, plan_id, held, ended)
    return ended + timedelta(days=rng.randint(5, 30))


def _visits(c: _Child, plan_id: str, start: date, ended: date) -> None:
    """Visits every 5 to 10 working days while the plan lasts, a late one planted now and then; the child seen
    alone unless planted otherwise or left unrecorded."""
    rec, person = c.record, c.record.person
    previous = start
    while True:
        late = c.step(can_be_missing=False) == "late"
        day = c.working(previous, 11, 16) if late else c.working(previous, 5, 10)
        if day >= ended:
            if add_working_days(previous, 10) < ended:  # the plan outlasted the last window: one visit more
                day = c.working(previous, 5, 10)
                late = False
            else:
                break
        rec.plant("child-on-plan-seen-at-visiting-interval", previous, "breach" if late else "met")
        alone = c.step()
        rec.add("ssd_cp_visits", c.key("V"), person, plan_id, day, "Y",
                {"on-time": "Y", "late": "N", "missing": None}[alone])
        rec.plant("child-on-plan-seen-alone", day, {"on-time": "met", "late": "breach", "missing": "not-evaluable"}[alone])
        previous = day


def _looked_after(c: _Child, entered: date) -> date:
    rng, rec, person = c.rng, c.record, c.record.person
    cla = c.key("LA")
    reviews, previous = [], entered
    for i in range(rng.randint(1, 4)):
        late = c.step(can_be_missing=False) == "late"
        if i == 0:
            day = c.working(entered, 21, 35) if late else c.working(entered, 8, 20)
            rule = "looked-after-first-review-within-20-working-days"
        elif i == 1:
            day = previous + (relativedelta(months=3) + timedelta(days=rng.randint(3, 30)) if late
                              else timedelta(days=rng.randint(40, 85)))
            rule = "looked-after-second-review-within-3-months"
        else:
            day = previous + (relativedelta(months=6) + timedelta(days=rng.randint(3, 30)) if late
                              else timedelta(days=rng.randint(90, 175)))
            rule = "looked-after-later-reviews-within-6-months"
        rec.plant(rule, previous, "breach" if late else "met")
        reviews.append(day)
        previous = day
    ceased = previous + timedelta(days=rng.randint(1, 60))
    middle = entered + (ceased - entered) / 2
    rec.add("ssd_cla_episodes", c.key("E"), person, cla, entered, entered, middle)
    rec.add("ssd_cla_episodes", c.key("E"), person, cla, middle, entered, ceased)
    for day in reviews:
        rec.add("ssd_cla_reviews", c.key("CR"), cla, day, "N")
    for _ in range(rng.randint(0, 2)):
        gone = entered + timedelta(days=rng.randint(0, max((ceased - entered).days - 2, 0)))
        kind = c.step()
        rec.add("ssd_missing", c.key("M"), person, gone, gone + timedelta(days=1), "M",
                {"on-time": "Y", "late": "N", "missing": "NA"}[kind])
        rec.plant("return-interview-offered-after-missing-episode", gone,
                  {"on-time": "met", "late": "breach", "missing": "not-evaluable"}[kind])
    return ceased + timedelta(days=rng.randint(5, 30))


def children(count: int, seed: int, late_rate: float, missing_rate: float, start: int = 1):
    """The children in a stable order; child i of a seed is the same whatever `count` is."""
    for number in range(start, start + count):
        yield _child(random.Random(f"{seed}:{number}"), number, late_rate, missing_rate)


def write_ssd(out: Path, count: int, seed: int, late_rate: float, missing_rate: float) -> list[Planted]:
    """The tables as CSV (SQL Server's DATETIME text for dates), and the truth."""
    out.mkdir(parents=True, exist_ok=True)
    handles = {t: open(out / f"{t}.csv", "w", encoding="utf-8", newline="") for t in SSD_TABLES}
    truth: list[Planted] = []
    try:
        writers = {t: csv.writer(h, lineterminator="\n") for t, h in handles.items()}
        for table, header in SSD_TABLES.items():
            writers[table].writerow(header)
        for record in children(count, seed, late_rate, missing_rate):
            for table, rows in record.rows.items():
                for row in rows:
                    writers[table].writerow(["NULL" if v is None else f"{v.isoformat()} 00:00:00.000"
                                             if isinstance(v, date) else v for v in row])
            truth.extend(record.truth)
    finally:
        for handle in handles.values():
            handle.close()
    return truth


def write_cin_census(path: Path, count: int, seed: int, late_rate: float, missing_rate: float) -> list[Planted]:
    """The same children as a census return (only what the census holds: no visits, care or missing episodes)."""
    from ..records.mapping import load_format

    judged = set(load_format("cin-census").standards)  # what the census can evidence: the rest is not planted
    path.parent.mkdir(parents=True, exist_ok=True)
    truth: list[Planted] = []
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n<Header><CollectionDetails><Collection>CIN'
                  f'</Collection><Year>{AS_AT.year}</Year><ReferenceDate>{AS_AT.isoformat()}</ReferenceDate>'
                  '</CollectionDetails></Header>\n<Children>\n')
        for record in children(count, seed, late_rate, missing_rate):
            out.write(_census_child(record))
            truth.extend(p for p in record.truth if p.rule_id in judged)
        out.write("</Children>\n</Message>\n")
    return truth


def _census_child(record: ChildRecord) -> str:
    def el(name: str, value: Any) -> str:
        return "" if value is None else f"<{name}>{escape(value.isoformat() if isinstance(value, date) else str(value))}</{name}>"

    rows = record.rows
    parts = [f"<Child><ChildIdentifiers>{el('LAchildID', record.person)}{el('PersonBirthDate', record.birth)}"
             "</ChildIdentifiers><ChildCharacteristics/>"]
    for ref_id, _, referral, nfa, close in rows.get("ssd_cin_episodes", []):
        parts.append(f"<CINdetails>{el('CINreferralDate', referral)}{el('CINclosureDate', close)}")
        for _, _, ref, start, auth, _ in rows.get("ssd_cin_assessments", []):
            if ref == ref_id:
                parts.append(f"<Assessments>{el('AssessmentActualStartDate', start)}"
                             f"{el('AssessmentAuthorisationDate', auth)}</Assessments>")
        for s47, _, ref, start, _, s47_nfa in rows.get("ssd_s47_enquiry", []):
            if ref == ref_id:
                icpc = next((c for c in rows.get("ssd_initial_cp_conference", []) if c[2] == s47), None)
                parts.append(f"<Section47>{el('S47ActualStartDate', start)}"
                             f"{el('DateOfInitialCPC', icpc[3] if icpc else None)}"
                             f"{el('ICPCnotRequired', 'true' if s47_nfa == 'Y' else 'false')}</Section47>")
        parts.append(el("ReferralNFA", "true" if nfa == "Y" else "false"))
        for plan_id, _, start, end in rows.get("ssd_cp_plans", []):
            dates = "".join(el("CPPreviewDate", r[3]) for r in rows.get("ssd_cp_reviews", []) if r[2] == plan_id)
            parts.append(f"<ChildProtectionPlans>{el('CPPstartDate', start)}{el('CPPendDate', end)}"
                         f"<Reviews>{dates}</Reviews></ChildProtectionPlans>")
        parts.append("</CINdetails>")
    parts.append("</Child>\n")
    return "".join(parts)


@dataclass
class Score:
    """Planted late steps found (recall) and departures found that were planted (precision), per standard."""

    planted: int
    found: int
    matched: int
    missed: list[tuple[str, str, str]]
    extra: list[tuple[str, str, str]]
    unrecorded_planted: int
    unrecorded_found: int

    @property
    def recall(self) -> float:
        return self.matched / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0


def score(planted: list[dict[str, str]], findings: list[tuple[str, str, str, str]]) -> Score:
    """`planted`: the truth's rows; `findings`: (child, rule, status, trigger day) from the audit, the child as
    the record names it (`--keep-ids`). Departures are compared on (child, standard, day the clock started);
    so are the steps left unrecorded, with the findings the audit could not evaluate for want of that date."""
    rules = {p["rule_id"] for p in planted}
    late = {(p["child"], p["rule_id"], p["trigger_date"]) for p in planted if p["expected"] == "breach"}
    found = {(c, r, d) for c, r, s, d in findings if s == "breach" and r in rules}
    gaps = {(p["child"], p["rule_id"], p["trigger_date"]) for p in planted if p["expected"] == "not-evaluable"}
    unjudged = {(c, r, d) for c, r, s, d in findings if s == "not-evaluable"}
    return Score(len(late), len(found), len(late & found), sorted(late - found), sorted(found - late),
                 len(gaps), len(gaps & unjudged))
