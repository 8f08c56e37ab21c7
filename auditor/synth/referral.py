"""A referral to children's social care and what follows it: who referred (the police after an incident, or
health visiting, midwifery, a nursery or the GP), the decision on the referral, and the assessment, initial
(referrals before 15/04/2013) or single (from that day), counted from the referral. Escalation leads to child
protection; otherwise child in need work or no further action, then the closure."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..workdays import is_working_day, working_days_between
from .assessment import AssessmentEpisodes
from .child_protection import ChildProtectionEpisodes
from .closure import ClosureEpisodes
from .constants import A, B, CSC, DA, EDT, GP, HV, MW, NURSERY, WT2010, WT2013, _ONE
from .housing import HousingEpisodes
from .police import PoliceEpisodes


class ReferralEpisodes(ChildProtectionEpisodes, ClosureEpisodes, AssessmentEpisodes, PoliceEpisodes, HousingEpisodes):
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
