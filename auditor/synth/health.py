"""Health: health visiting, midwifery and GP contacts with Adult A (routine enquiry about domestic abuse, Adult B
present), a GP seeing a parent's mental ill-health or substance misuse, and a move to another health visiting
area with the records passed on or not."""

from __future__ import annotations

from datetime import date
from typing import Any

from .builder import Builder
from .constants import A, B, DA, GP, HV, MW, UNBORN


class HealthEpisodes(Builder):
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
