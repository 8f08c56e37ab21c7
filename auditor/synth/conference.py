"""Child protection conferences: the initial conference's day, its invitations (the police, the GP, housing,
separated parents at their own addresses), the reports before it, who attended, whether excluding Adult B and a
MARAC referral were considered, and the minutes; review conferences with their reports and minutes."""

from __future__ import annotations

from datetime import date
from typing import Any

from .builder import Builder
from .constants import A, B, CSC, GP, HOUSING, HV, ICS, MW, NURSERY, POLICE, WA, _AGENCY_RANK, _ONE, _TD
from .strategy import Strategy


class ConferenceEpisodes(Builder):
    def initial_conference_day(self, sd_day: date) -> tuple[date, bool]:
        """The initial conference's day, counted from the strategy discussion, and whether it is planted late."""
        icpc_dep = self.roll("icpc-within-15-working-days", sd_day)
        n = self.pick((16, 16, 17, 18, 20, 22)) if icpc_dep else self.pick((15, self.ri(8, 15)))
        icpc_day = self.wd(sd_day, n)
        return icpc_day, icpc_dep

    def initial_conference(self, strategy: Strategy, icpc_day: date, icpc_dep: bool, sw: str, people: list[str],
                           concerns: list[str]) -> tuple[int, list[str], bool]:
        """Invitations, reports, the conference and its minutes; returns the conference, the agencies invited and
        whether a plan was made."""
        rng = self.rng
        sd_day, sd, sd_records = strategy.day, strategy.key, strategy.records
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
        return icpc, invited_agencies, plan_made

    def minutes(self, day: date, invited_agencies: list[str]) -> int | None:
        recipients = [a for a in invited_agencies if a != ICS and (a != POLICE or self.minutes_to_police)]
        if self.minutes_to_police and POLICE not in recipients:
            recipients.insert(0, POLICE)
        k = self.ev(self.days(day, 1, 10), "conference-minutes-sent", ICS, [A, B] + self.kids,
                    {"recipients": recipients + [A, B]},
                    "The conference minutes were sent to " + ", ".join(r.replace("-", " ") for r in recipients)
                    + " and the parents.")
        return k if POLICE in recipients else None

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
