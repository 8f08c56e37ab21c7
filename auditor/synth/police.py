"""Police and domestic abuse: an incident with its DASH risk assessment and history check, the MARAC referral,
arrest, interview and prosecution decision, notifications to health, the referral to children's social care when
children were present, and specialist domestic abuse support (Women's Aid)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from .builder import Builder
from .constants import A, B, CSC, DA, HV, MARAC, POLICE, WA, _ONE, _TD


class PoliceEpisodes(Builder):
    def idva_referral(self, day: date, inc: int, dash: int) -> None:
        """A high-risk victim referred to an IDVA within days, or (planted) never."""
        rule = "idva-referral-where-high-risk"
        missing = self.later.random() < self.rate and self.applies(rule, day)
        if missing:
            self.opp(rule, dash, True, (dash,))
            return
        ref = self.ev(self.days(day, 0, 3), "referral", POLICE, [A], {"to": "idva", "from": POLICE, "concerns": [DA]},
                      "Police referred Adult A to the IDVA service.", author="PC1", links={"follows": inc})
        self.opp(rule, dash, False, (dash, ref))

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
                    self.idva_referral(day, inc, dash)
            window_start = day - relativedelta(months=12)
            run = [d for d in self.escalation_run if d >= window_start and d < day] + [day]
            if len(run) >= 3:
                marac_triggers.append(("marac-referral-on-escalation", inc))
                run = []
            self.escalation_run = run
        if marac_triggers:
            rolls = [self.roll(rule, day) for rule, _ in marac_triggers]  # one draw each, not short-circuited
            dep = self.marac_blocked or any(rolls)
            if dep:
                self.marac_blocked = True  # no MARAC referral may follow: a later one would meet this trigger
                for rule, key in marac_triggers:
                    self.opp(rule, key, True, (key,))
            else:
                ref_day = self.days(day, 1, 7)
                self.escalation_run = []  # a MARAC referral ends the run of incidents
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
