"""What a case will contain, drawn at random: the family (domestic abuse or neglect, how many children, how
young, an unborn child, a nursery, housing), the area, the main referral's date (a share either side of the WT 2013
change and in WT 2023), and the episodes before and after it; then routine contacts up to the target size, and the
case written out.

The target size sets how much story there is: under 8 events a single incident or health contact; from 8 a
referral and assessment; from 18 escalation to child protection, earlier incidents and a death become possible;
from 30 an earlier referral and more earlier incidents."""

from __future__ import annotations

from datetime import date, timedelta

from .case import SynthCase
from .constants import A, B, FIRST_DAY, GP, HV, LAST_MAIN_DAY, POLICE, WT2013, _TD
from .finish import Finish
from .referral import ReferralEpisodes
from .routine import RoutineContacts

_MADE_UP_AREAS = tuple(f"synth-area-{i}" for i in range(1, 10))


class CaseBuilder(ReferralEpisodes, RoutineContacts, Finish):
    """A whole case: the storyline drawn here, the episodes it calls, routine contacts and the output."""

    def build(self) -> SynthCase:
        rng = self.rng
        self.case_id = f"synth-{self.seed}-{self.index:05d}"
        self.da = rng.random() < 0.9
        self.n_children = self.pick((1, 1, 2, 2, 2, 3, 3, 4))
        self.kids = [f"child-{i}" for i in range(1, self.n_children + 1)]
        self.young = rng.random() < 0.85
        self.unborn = rng.random() < 0.25
        self.nursery = self.young and rng.random() < 0.5
        self.housing = rng.random() < (0.55 if self.da else 0.25)
        r = rng.random()
        self.area = "birmingham" if r < 0.4 else None if r < 0.7 else self.pick(_MADE_UP_AREAS)
        target = self.target
        tier = 3 if target >= 30 else 2 if target >= 18 else 1 if target >= 8 else 0

        r = rng.random()
        if r < 0.12:  # the WT 2013 change: referrals either side of 15/04/2013
            main = WT2013 + timedelta(days=self.ri(-45, 45))
        elif r < 0.2:  # WT 2023, from 15/12/2023
            main = date(2023, 9, 1) + _TD[self.ri(0, 200)]
        else:
            main = FIRST_DAY + timedelta(days=self.ri(150, (LAST_MAIN_DAY - FIRST_DAY).days))
        earlier = None
        if tier >= 3 and rng.random() < 0.35:
            earlier = main - _TD[self.ri(300, 700)]
            if earlier < FIRST_DAY:
                earlier = None
        prior: list[date] = []
        if self.da and tier >= 2:
            day = earlier or main
            for _ in range(self.pick((0, 1, 1, 2, 2, 3)) if tier >= 3 else self.pick((0, 1))):
                day = day - _TD[self.ri(25, 200)]
                if day < date(2006, 1, 1):
                    break
                prior.append(day)
        for day in reversed(prior):
            self.police_incident(day, children_present=False)
        if earlier is not None:
            self.referral_episode(earlier, escalate=False)
        if tier == 0:
            if self.da:
                self.police_incident(main, children_present=False)
            else:
                self.health_contact(main, HV if self.young else GP)
        else:
            escalate = tier >= 2 and rng.random() < (0.65 if tier == 3 else 0.45)
            self.referral_episode(main, escalate=escalate)
            if self.da and tier >= 2 and self.end_limit is None and rng.random() < 0.15:
                # A domestic homicide review: the death comes months after the services' last involvement.
                last = max(e.day for e in self.evs)
                self.ev(self.days(last, 30, 240), "death", POLICE, [A, B], {},
                        "The death of Adult A, which led to this review.")
                self.ends = True
        self.fill()
        return self.finish()
