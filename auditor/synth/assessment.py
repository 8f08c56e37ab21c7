"""Assessment work the referral and child protection episodes share: the information checks made before an
assessment is completed (GP, health visiting, housing, police), the social worker's home visits (was Adult A seen
alone?), and the core assessment of referrals before 15/04/2013, started with the section 47 enquiry."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from .builder import Builder
from .constants import A, B, CSC, DA, GP, HOUSING, HV, POLICE, _TD


class CoreAssessment(NamedTuple):
    """A core assessment (referrals before 15/04/2013), started with the section 47 enquiry."""

    started: int  # the event recording its start
    start: date
    done: date
    late: bool  # planted as a departure from the 35 working days


class AssessmentEpisodes(Builder):
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

    def core_assessment_due(self, start: date) -> tuple[date, bool]:
        """When a core assessment started on `start` is completed, and whether it is planted late."""
        dep = self.roll("core-assessment-within-35-working-days", start)
        return self.wd(start, 35 + self.ri(1, 10) if dep else self.ri(20, 35)), dep

    def core_started(self, start: date, done: date, late: bool, sd: int, sw: str, people: list[str],
                     concerns: list[str]) -> CoreAssessment:
        """The core assessment's start, recorded after the strategy discussion `sd`."""
        cs = self.ev(start, "core-assessment", CSC, people, {"status": "started", "concerns": concerns},
                     "A core assessment was started.", author=sw, links={"follows": sd})
        return CoreAssessment(cs, start, done, late)

    def core_done(self, core: CoreAssessment, sw: str, people: list[str], concerns: list[str]) -> None:
        checks = self.assessment_checks(core.done, core.start)
        k = self.ev(core.done, "core-assessment", CSC, people, {"status": "completed", "concerns": concerns},
                    "The core assessment was completed.", author=sw, links={"follows": core.started})
        self.check_opps(k, checks)
        self.opp("core-assessment-within-35-working-days", core.started, core.late, (core.started, k))
