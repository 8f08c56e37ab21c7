"""Child protection, from the strategy discussion to the end of the plan: the strategy discussion and section 47
enquiry (`strategy`) and the initial conference (`conference`), then the plan itself: core groups, a transfer, the
plan breaking down (the core group recalled, or the case ending before the first review), review conferences and
a further incident while the plan runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from .assessment import CoreAssessment
from .builder import add_months
from .closure import ClosureEpisodes
from .conference import ConferenceEpisodes
from .constants import A, B, CSC, DA, GP, HV, NURSERY, POLICE, UNBORN, _ONE, _TD
from .police import PoliceEpisodes
from .strategy import StrategyEpisodes


class ChildProtectionEpisodes(StrategyEpisodes, ConferenceEpisodes, ClosureEpisodes, PoliceEpisodes):
    def child_protection(self, ref: int, dec_day: date, done: date, pre2013: bool, sw: str) -> tuple[str, date]:
        """Strategy discussion to the end of the plan; returns ("ended", last day) if the case ends during the
        plan, or ("step-down", day) when the plan ended and child in need work follows."""
        people = [A, B] + self.kids + ([UNBORN] if self.unborn else [])
        concerns = [DA] if self.da else ["neglect"]
        # The steps draw at random in this order: keep it, or a seed no longer gives the same cases.
        strategy = self.strategy_discussion(ref, dec_day, done, pre2013, sw, people, concerns)
        icpc_day, icpc_dep = self.initial_conference_day(strategy.day)
        if pre2013:  # a core assessment, started with the section 47 enquiry
            core_due, core_late = self.core_assessment_due(strategy.s47_day)
        icpc, invited_agencies, plan_made = self.initial_conference(strategy, icpc_day, icpc_dep, sw, people, concerns)
        core = (self.core_started(strategy.s47_day, core_due, core_late, strategy.key, sw, people, concerns)
                if pre2013 else None)
        if not plan_made:
            if core is not None:
                self.core_done(core, sw, people, concerns)
            return ("step-down", max(icpc_day, core.done if core is not None else icpc_day))
        return self.protection_plan(icpc, icpc_day, invited_agencies, core, done, sw, people, concerns)

    def protection_plan(self, icpc: int, icpc_day: date, invited_agencies: list[str], core: CoreAssessment | None,
                        done: date, sw: str, people: list[str], concerns: list[str]) -> tuple[str, date]:
        """The plans made at conference `icpc`, to their end (`done`: the day the assessment was completed)."""
        rng = self.rng
        plan = self.ev(icpc_day, "child-protection-plan", CSC, people, {"concerns": concerns},
                "Child protection plans were made: Adult B not to live at the family home, both parents to attend "
                "programmes, and the core group to monitor the plan." if self.da else
                "Child protection plans were made for the children under the category of neglect.", author=sw,
                links={"follows": icpc})
        self.first_visit(plan, icpc_day, people, sw)

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
            bd_day = self.days(max(cg1, core.done if core is not None else cg1, done), 3, 10)
            end_day = self.days(max(bd_day, max(e.day for e in self.evs)), 1, 7)
            if end_day < r1_deadline - _TD[2]:
                if core is not None:
                    self.core_done(core, sw, people, concerns)
                bd = self.breakdown_event(bd_day, people)
                self.opp("core-group-recalled-when-plan-breaks-down", bd, True, (bd,))
                self.end_limit = r1_deadline
                self.ends = True
                self.ending(end_day)
                return ("ended", end_day)
            bd_dep = False
        if core is not None:
            self.core_done(core, sw, people, concerns)

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

    def first_visit(self, plan: int, day: date, people: list[str], sw: str) -> None:
        """The social worker's first visit to the children on the plan: within 10 working days, or planted late."""
        rule = "child-on-plan-seen-at-visiting-interval"
        late = self.later.random() < self.rate and self.applies(rule, day)
        n = 11 + int(self.later.random() * 6) if late else 2 + int(self.later.random() * 9)
        deadline = self.wd(day, 10)
        # A social work home visit already in the window (for the assessment) is a visit too: nothing is late.
        earlier = [e.key for e in self.evs if e.type == "home-visit" and e.agency == CSC and day <= e.day <= deadline]
        visit = self.ev(self.wd(day, n), "home-visit", CSC, people, {"child_seen": True},
                        "The social worker visited the family home and saw the children.", author=sw)
        self.opp(rule, plan, late and not earlier, (plan, earlier[0] if earlier else visit))

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
