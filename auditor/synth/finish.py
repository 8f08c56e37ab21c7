"""The case written out: event ids in date order, the information-check opportunities settled (a planted missing
check is met by any other check in the lookback), loose dates, which opportunities are inexact, the scoping period,
people, agencies and facts, and the `SynthCase` with its `Plan`."""

from __future__ import annotations

import calendar
import operator
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .builder import Builder, _Ev
from .case import Opportunity, Plan, SynthCase
from .constants import A, B, CSC, EDT, GP, HOUSING, HV, POLICE, SOURCE_KEY, UNBORN, _AGENCY_RANK, _ONE, _TD
from .standards import RULES

# Event types whose dates may be written loosely without touching a timing standard's counterpart.
_LOOSE_TYPES = frozenset({
    "domestic-abuse-incident", "history-check", "arrest", "interview", "prosecution-decision", "health-contact",
    "home-visit", "contact", "letter", "other", "support-service", "housing-action", "working-agreement",
    "child-protection-plan", "case-transfer", "case-closure", "section-47-enquiry", "conference-invitation",
    "disclosure", "death",
})
_CHECK_RULES = {
    "initial-assessment-checks-with-gp": GP,
    "initial-assessment-checks-with-health-visiting": HV,
    "initial-assessment-checks-with-housing": HOUSING,
    "initial-assessment-checks-with-police": POLICE,
}
_IDS = [f"E{i:03d}" for i in range(1000)]
_SORT_KEY = operator.attrgetter("sort_key")
_LOOKBACK = timedelta(days=90)  # the information-check rules' lookback


class Finish(Builder):
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

