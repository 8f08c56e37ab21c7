"""The controlled vocabulary (rules/vocabulary.yaml): the names chronologies and rules may use.

Kept as data so that a rule author can add an event type without touching code;
validated here so that a misspelt type is an error, not a rule that never fires.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AttrType = Literal["bool", "text", "enum", "agency", "agencies", "person", "people", "parties", "integer", "concerns"]
LIST_TYPES = frozenset({"agencies", "people", "parties", "concerns"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Strict):
    id: str
    name: str
    abbr: str


class Term(_Strict):
    id: str
    description: str


class EventType(Term):
    # A preparation for the event it is linked to (`links: {for: ...}`): an invitation or a report comes before
    # its conference on the same day, where a DASH comes after the incident it assesses. Used to read a day's
    # untimed entries in a sensible order (auditor.chronology.model.reading_order).
    before_its_link: bool = False


class Abbreviation(_Strict):
    abbr: str
    meaning: str


class AttributeDef(_Strict):
    name: str
    type: AttrType
    values: list[str] = Field(default_factory=list)
    description: str

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


class Vocabulary(_Strict):
    agencies: list[Agency]
    roles: list[Term]
    concerns: list[Term]
    event_types: list[EventType]
    attributes: list[AttributeDef]
    case_facts: list[AttributeDef] = Field(default_factory=list)  # facts about the whole case (case.facts)
    abbreviations: list[Abbreviation] = Field(default_factory=list)  # the glossary reports print

    @cached_property
    def agency_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.agencies)

    @cached_property
    def role_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.roles)

    @cached_property
    def concern_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.concerns)

    @cached_property
    def event_type_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.event_types)

    @cached_property
    def before_their_link(self) -> frozenset[str]:
        return frozenset(t.id for t in self.event_types if t.before_its_link)

    @cached_property
    def attribute_map(self) -> dict[str, AttributeDef]:
        return {a.name: a for a in self.attributes}

    @cached_property
    def case_fact_map(self) -> dict[str, AttributeDef]:
        return {f.name: f for f in self.case_facts}

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)
