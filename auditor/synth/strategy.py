"""The strategy discussion (who took part, a joint or single-agency section 47 enquiry agreed, sometimes a second,
conflicting police record of it) and the section 47 enquiry that follows."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from .builder import Builder
from .constants import CSC, GP, HV, POLICE, WT2013, _AGENCY_RANK


class Strategy(NamedTuple):
    """A strategy discussion as written, and the day the section 47 enquiry began."""

    day: date
    key: int  # children's social care's record of it
    records: list[int]  # that record, and the police's conflicting record if there is one
    s47_day: date


class StrategyEpisodes(Builder):
    def strategy_discussion(self, ref: int, dec_day: date, done: date, pre2013: bool, sw: str, people: list[str],
                            concerns: list[str]) -> Strategy:
        """The strategy discussion on referral `ref` (decided on `dec_day`), held after the initial assessment
        (completed on `done`) before 15/04/2013 and after the decision from then; then the section 47 enquiry."""
        rng = self.rng
        ref_day = self.evs[ref].day
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
        return Strategy(sd_day, sd, sd_records, s47_day)
