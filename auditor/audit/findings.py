"""Findings: one per rule and trigger, with both citations (standard and evidence) and the figures."""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field

from ..rulebook.schema import Citation
from ..status import LABELS
from ..words import count



def status_count(status: str, n: int, zero: str | None = None) -> str:
    """"1 departure", "7 possible departures", "10 not evaluable", "8 met" (with `zero`, "no departures")."""
    label = LABELS[status].lower()
    return count(n, label, None if label.endswith("departure") else label, zero)


def counts_phrase(counts: Mapping[str, int], order: tuple[str, ...]) -> str:
    """The statuses with a count, in `order`: "35 departures, 7 possible departures, 8 met"."""
    return ", ".join(status_count(s, counts[s]) for s in order if counts.get(s))


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    role: str  # trigger, counterpart, earlier-trigger (the run an accumulation's trigger completed), searched
    date: str  # ISO 8601
    date_human: str
    agency: str
    recorded_by: str
    type: str
    source: str
    summary: str


class Alternative(BaseModel):
    """How the verdict reads under one reading of conflicting records or one edition."""

    model_config = ConfigDict(frozen=True)

    reading: str
    status: str
    statement: str


class AppliedEdition(BaseModel):
    """One edition a finding was judged under, with its in-force dates (a finding may span two)."""

    model_config = ConfigDict(frozen=True)

    label: str
    in_force: str


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    rule_id: str
    title: str
    expects: str = ""  # what the standard expects, in its author's words (Rule.expects)
    severity: str
    theme: str
    agency: str
    status: str
    statement: str
    edition: str
    in_force: str
    local: bool
    editions: list[AppliedEdition] = Field(default_factory=list)
    citations: list[Citation]
    evidence: list[Evidence] = Field(default_factory=list)
    figures: dict[str, Any] = Field(default_factory=dict)
    depends_on: list[Alternative] = Field(default_factory=list)
    searched: str = ""
    trigger_date: str = ""
    # The review this finding is practice learning from (Rule.learning), not a departure from a standard in
    # force in the case's area; "" for a standard. Reports show such findings apart.
    learning: str = ""

    @property
    def status_label(self) -> str:
        return LABELS[self.status]

    @property
    def trigger(self) -> Evidence | None:
        """The entry that engaged the standard (the first entry cited where none is marked so)."""
        return next((e for e in self.evidence if e.role == "trigger"), self.evidence[0] if self.evidence else None)

    @property
    def when(self) -> str:
        """The trigger's date as recorded, a range as a range, without the source's words in brackets."""
        trigger = self.trigger
        return trigger.date_human.split(" (")[0] if trigger else ""

    @property
    def unverified(self) -> bool:
        return any(not c.confirmed for c in self.citations)
