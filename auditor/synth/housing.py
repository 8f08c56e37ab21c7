"""Housing: Adult A and the children placed in temporary accommodation after domestic abuse, with or without a
referral or consultation about the children considered, sometimes recorded a second time by children's social
care."""

from __future__ import annotations

from datetime import date

from .builder import Builder
from .constants import A, CSC, DA, HOUSING


class HousingEpisodes(Builder):
    def housing_action(self, day: date) -> None:
        dep = self.roll("housing-consults-or-refers-where-domestic-abuse-and-children", day)
        attrs = {"concerns": [DA], "children_in_household": True, "referral_considered": not dep}
        text = ("Adult A and the children were placed in temporary accommodation after she presented as homeless "
                "because of domestic abuse" + ("; no referral or consultation about the children was considered."
                                               if dep else "; the officer consulted children's social care."))
        k = self.ev(day, "housing-action", HOUSING, [A] + self.kids, attrs, text, author="HO1")
        self.opp("housing-consults-or-refers-where-domestic-abuse-and-children", k, dep)
        if self.can_conflict():
            other = self.ev(self.days(day, 2, 6), "housing-action", HOUSING, [A] + self.kids, dict(attrs),
                            "Children's social care records note the move to temporary accommodation.",
                            recorded_by=CSC)
            self.conflict(k, other)
