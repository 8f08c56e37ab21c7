"""The classification file's shape (rules/classification.yaml), as pydantic models.

Only the shape is checked here; `loading` checks the values against the vocabulary. Patterns are kept
as raw data in `ClassificationFile` and validated as `PatternSpec`s by `loading`, so that every broken
pattern is reported, not only the first.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CueSet(_Strict):
    """Cues that put a phrase in a context (negated, planned, referenced) when close enough in its clause."""

    window: int = Field(default=3, ge=0, le=20)  # words allowed between a cue and the phrase after it
    cues: list[str] = Field(default_factory=list)
    after_window: int = Field(default=3, ge=0, le=20)  # words allowed between the phrase and a cue after it
    after_cues: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)  # text containing a cue that is not one ("no further action")


class Clauses(_Strict):
    breaks: list[str] = Field(min_length=1)
    list_gap: int = Field(default=2, ge=0, le=10)  # words allowed between a list comma and the next agency name
    places: list[str] = Field(default_factory=list)  # words making the next agency name a place ("held at nursery")


class Expansions(_Strict):
    any_case: dict[str, str] = Field(default_factory=dict)
    exact_case: dict[str, str] = Field(default_factory=dict)


class CollectSpec(_Strict):
    attr: str
    scope: Literal["clause", "after", "before"] = "clause"
    within: int | None = Field(default=None, ge=0, le=20)  # after/before: words allowed between phrase and name
    mode: Literal["add", "remove"] = "add"


class ActionBlock(_Strict):
    """What an occurrence does: the pattern's own fields, or a `when_*` block."""

    type: str | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, list[str]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(default_factory=dict)
    collect: list[CollectSpec] = Field(default_factory=list)
    row_agency: list[str] = Field(default_factory=list)


class PatternSpec(ActionBlock):
    id: str
    note: str = ""
    phrases: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    priority: int = 0
    agencies: list[str] = Field(default_factory=list)
    not_agencies: list[str] = Field(default_factory=list)
    for_types: list[str] = Field(default_factory=list)
    near: int | None = Field(default=None, ge=0, le=30)
    value_map: dict[str, Any] = Field(default_factory=dict)
    when_negated: str | dict[str, Any] = "skip"
    when_planned: str | dict[str, Any] | None = None
    when_referenced: str | dict[str, Any] | None = None


_PATTERNS = TypeAdapter(list[PatternSpec])


class LinkSpec(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    rel: str = Field(min_length=1)
    source: list[str] = Field(alias="from", min_length=1)
    target: list[str] = Field(alias="to", min_length=1)
    # after: the next target on or after the source's date (an invitation for its conference); before: the
    # latest target on or before it (a DASH for the incident it assesses).
    nearest: Literal["after", "before"] = "after"


class ClassificationFile(_Strict):
    version: Literal[1]
    description: str = ""
    clauses: Clauses
    gap_words: int = Field(default=4, ge=1, le=12)
    negation: CueSet
    planned: CueSet = Field(default_factory=CueSet)
    referenced: CueSet = Field(default_factory=CueSet)
    expansions: Expansions = Field(default_factory=Expansions)
    agency_mentions: dict[str, list[str]] = Field(default_factory=dict)
    links: list[LinkSpec] = Field(default_factory=list)
    patterns: list[Any] = Field(min_length=1)  # each validated as a PatternSpec on its own, so all problems show
