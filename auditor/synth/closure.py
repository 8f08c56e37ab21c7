"""After the assessment or the plan: child in need visits (or none), perhaps a transfer to another team, and the
closure, with or without consulting partner agencies and with or without the support relied on in place."""

from __future__ import annotations

from datetime import date

from .assessment import AssessmentEpisodes
from .constants import A, B, CSC, GP, HV, NURSERY, POLICE, WA, _AGENCY_RANK


class ClosureEpisodes(AssessmentEpisodes):
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
