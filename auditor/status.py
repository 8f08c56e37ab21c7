"""The five statuses of a finding, and everything the outputs say about each, in one place.

A status is a `StrEnum`, so it is its own JSON value ("possible-breach") and compares equal to the plain
strings findings carry. Two orders matter and both are here: the order statuses are shown in
(`DISPLAY_ORDER`: departures, then not evaluable, met, not applicable) and the order in which one
verdict is "worse" than another when a finding merges several (`Status.severity`: the first of the worst
gives the figures)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Status(StrEnum):
    BREACH = "breach"
    POSSIBLE_BREACH = "possible-breach"
    MET = "met"
    NOT_EVALUABLE = "not-evaluable"
    NOT_APPLICABLE = "not-applicable"

    @property
    def label(self) -> str:
        """As a reader sees it: "Departure", "Possible departure", "Met", "Not evaluable", "Not applicable"."""
        return _FACTS[self][0]

    @property
    def word(self) -> str:
        """What `--status` takes: "departure", "possible-departure", "met", "not-evaluable", "not-applicable"."""
        return self.label.lower().replace(" ", "-")

    @property
    def letter(self) -> str:
        """The board matrix's one-letter code (empty for not applicable: nothing to show)."""
        return _FACTS[self][1]

    @property
    def fill(self) -> str:
        """The workbook's light cell fill (RGB hex); the status is always written in the cell as well."""
        return _FACTS[self][2]

    @property
    def meaning(self) -> str:
        """One sentence for a board's key."""
        return _FACTS[self][3]

    @property
    def severity(self) -> int:
        """0 for the worst: which verdict of several a merged finding takes its figures from."""
        return SEVERITY[self.value]

    @property
    def is_departure(self) -> bool:
        return self.value in DEPARTURES


_FACTS: dict[Status, tuple[str, str, str, str]] = {
    Status.BREACH: ("Departure", "D", "F4C7C3",
                    "The standard applied and the chronology does not evidence that it was followed."),
    Status.POSSIBLE_BREACH: ("Possible departure", "P", "FCE8B2",
                             "The chronology suggests the standard may not have been followed; it needs a closer look."),
    Status.MET: ("Met", "M", "C6E7CE", "The chronology evidences that the standard was followed."),
    Status.NOT_EVALUABLE: ("Not evaluable", "N", "D9D9D9",
                           "The standard applied, but the chronology does not hold what is needed to judge it."),
    Status.NOT_APPLICABLE: ("Not applicable", "", "FFFFFF", "Nothing in the case engaged the standard."),
}

# Plain values for iterating and keying data (outputs and YAML hold plain strings); `Status(value)` for the rest.
DISPLAY_ORDER: tuple[str, ...] = tuple(s.value for s in (
    Status.BREACH, Status.POSSIBLE_BREACH, Status.NOT_EVALUABLE, Status.MET, Status.NOT_APPLICABLE))
SEVERITY_ORDER: tuple[str, ...] = tuple(s.value for s in (
    Status.BREACH, Status.POSSIBLE_BREACH, Status.MET, Status.NOT_EVALUABLE, Status.NOT_APPLICABLE))
JUDGED: tuple[str, ...] = DISPLAY_ORDER[:-1]  # every status but not applicable, in display order
DEPARTURES: tuple[str, ...] = (Status.BREACH.value, Status.POSSIBLE_BREACH.value)
LABELS: dict[str, str] = {value: Status(value).label for value in SEVERITY_ORDER}
SEVERITY: dict[str, int] = {value: rank for rank, value in enumerate(SEVERITY_ORDER)}

# For pydantic fields that take a status as written (a rule example's `expect`): the same five values.
StatusValue = Literal["breach", "possible-breach", "met", "not-evaluable", "not-applicable"]
assert set(StatusValue.__args__) == set(LABELS)  # type: ignore[attr-defined]
