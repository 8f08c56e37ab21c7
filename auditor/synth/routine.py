"""Routine contacts that top a case up to its target size: health visiting, midwifery, GP and walk-in centre
contacts, nursery notes, police and housing contacts, social work visits while the case is open, and a move."""

from __future__ import annotations

from .assessment import AssessmentEpisodes
from .constants import A, B, GP, HOUSING, HV, MW, NURSERY, POLICE, _ONE, _TD
from .health import HealthEpisodes


class RoutineContacts(HealthEpisodes, AssessmentEpisodes):
    def fill(self) -> None:
        first = min(e.day for e in self.evs)
        last = max(e.day for e in self.evs)
        if self.ends:  # the chronology ends with the last storyline event
            last -= _ONE
        kinds: list[str] = []
        weights: list[float] = []
        for kind, weight, ok in (
            ("hv", 4.0, self.young), ("mw", 1.5, self.unborn), ("gp-a", 1.5, True), ("gp-b", 1.0, True),
            ("walk-in", 0.7, True), ("nursery", 1.0, self.nursery), ("police-contact", 0.7, self.da),
            ("housing-contact", 0.7, self.housing), ("csc-visit", 1.0, bool(self.open_periods)),
            ("move", 0.3, self.young and not self.moved),
        ):
            if ok:
                kinds.append(kind)
                weights.append(weight)
        while len(self.evs) < self.target:
            kind = self.pick_w(kinds, weights)
            day = self.between(first, last)
            if kind == "hv":
                self.health_contact(day, HV)
            elif kind == "mw":
                self.health_contact(day, MW)
            elif kind == "gp-a":
                self.health_contact(day, GP)
            elif kind == "gp-b":
                self.gp_parent(day)
            elif kind == "walk-in":
                self.ev(day, "health-contact", "walk-in-centre", [self.pick(self.kids), A], {},
                        "Adult A brought a child to the walk-in centre with a minor illness.")
            elif kind == "nursery":
                self.ev(day, "other", NURSERY, [self.pick(self.kids)], {},
                        self.pick(("The nursery noted the child was settling well.",
                                    "The nursery recorded that the child arrived late and hungry.",
                                    "Nursery staff noted a change in the child's behaviour.")), author="NM1")
            elif kind == "police-contact":
                self.ev(day, "contact", POLICE, [B, A], {},
                        "Adult B contacted police with allegations about Adult A's care of the children; no action "
                        "was needed.")
            elif kind == "housing-contact":
                self.ev(day, "contact", HOUSING, [A], {}, "Adult A contacted housing about repairs and rent arrears.",
                        author="HO1")
            elif kind == "csc-visit":
                lo, hi = self.pick(self.open_periods)
                self.csc_home_visit(self.between(lo, min(hi, last)), self.social_worker(), "as planned")
            elif kind == "move":
                if day + _TD[22] <= last and not self.moved:
                    self.move(day)
                else:
                    self.health_contact(day, HV)
                kinds_i = kinds.index("move") if "move" in kinds else -1
                if kinds_i >= 0:
                    del kinds[kinds_i], weights[kinds_i]
