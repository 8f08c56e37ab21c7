"""The rulebook's schema: rules, their dated editions, citations, checks and tests.

Rules are data (see docs/rulebook-format.md). Everything an author can get wrong
is rejected here or in `auditor.rulebook.loader` with the file, line and field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from ..status import StatusValue
from ..chronology.dates import parse_day
from .conditions import Condition, parse_condition

Unit = Literal["working-days", "calendar-days", "months", "hours"]
_LIMIT = re.compile(r"^\s*(\d+)\s+(working[- ]days?|calendar[- ]days?|days?|months?|hours?)\s*$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
# A name, or a list of names: how fields that hold a list may be written (the published JSON Schema).
ONE_OR_MANY = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Limit(_Strict):
    """A span such as 15 working days, 3 months or 48 hours; written `15 working-days` or `{n: 15, unit: working-days}`.

    Months are calendar months (a deadline on the same day of the month, or the
    month's last day when it has no such day), as review conferences are set.
    """

    n: int = Field(ge=0)
    unit: Unit

    @model_validator(mode="after")
    def _bounded(self) -> "Limit":
        # Past these a deadline leaves the years a chronology may hold, and date arithmetic would overflow.
        most = {"working-days": 2_600, "calendar-days": 3_660, "months": 120, "hours": 87_840}[self.unit]
        if self.n > most:
            raise ValueError(f"{self.n} {self.unit} is longer than any standard sets (at most {most} {self.unit})")
        return self

    @model_validator(mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _LIMIT.match(value)
            if not match:
                raise ValueError(f"expected e.g. '15 working-days', '10 calendar-days', '3 months' or '48 hours', got {value!r}")
            unit = match.group(2).replace(" ", "-").rstrip("s")
            unit = {"working-day": "working-days", "calendar-day": "calendar-days", "day": "calendar-days",
                    "month": "months", "hour": "hours"}[unit]
            return {"n": int(match.group(1)), "unit": unit}
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "pattern": _LIMIT.pattern, "examples": ["15 working-days", "48 hours"]},
                          handler(core_schema)]}

    def human(self) -> str:
        unit = self.unit.replace("-", " ")
        return f"{self.n} {unit[:-1] if self.n == 1 else unit}"

    def ahead(self) -> str:
        """A lead time in a sentence: "at least 48 hours before", or plain "before" for a lead of nothing."""
        return "before" if self.n == 0 else f"at least {self.human()} before"


Verified = Literal["primary", "secondary", "no"]
VERIFIED_LEVELS: tuple[str, ...] = get_args(Verified)


class Citation(_Strict):
    """A standard's source, and what it was checked against (`verified`): `primary`, the document itself from its
    publisher; `secondary`, a page that quotes it (a partnership's procedures manual), named in `via`; `no`,
    nobody has checked it. A level says what was read, never what is probably right."""

    document: str
    edition: str | None = None
    section: str | None = None
    paras: list[int | str] = Field(default_factory=list)
    quote: str | None = None
    url: str | None = None
    verified: Annotated[Verified, WithJsonSchema({"enum": ["primary", "secondary", "no", False],
                                                  "description": "primary, secondary or no (YAML reads a bare "
                                                                 "no as false, which means no)"})]
    checked: date  # when the citation was last reviewed; with a level, the day it was checked against that text
    via: str | None = None

    @field_validator("checked", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        return value if value is None else parse_day(value)

    @field_validator("verified", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare `no` as false; `true` said only "someone checked", not against what.
        if value is False:
            return "no"
        if value is True:
            raise ValueError("say what the citation was checked against: primary (the document itself, from its "
                             "publisher), secondary (a page quoting it, named in `via`) or no")
        return value

    @model_validator(mode="after")
    def _honest(self) -> "Citation":
        if self.verified == "primary" and not (self.section or self.paras):
            raise ValueError("a primary citation needs a section or paragraph")
        if self.confirmed and not self.quote:
            raise ValueError(f"a {self.verified} citation needs the words relied on (`quote`)")
        if self.verified == "secondary" and not self.via:
            raise ValueError("a secondary citation names the page it was checked against (`via`)")
        return self

    @property
    def confirmed(self) -> bool:
        """Checked against some text (primary or secondary)."""
        return self.verified != "no"

    def human(self) -> str:
        parts = [self.document + (f" ({self.edition})" if self.edition else "")]
        if self.section:
            parts.append(self.section)
        if self.paras:
            parts.append(("para " if len(self.paras) == 1 else "paras ") + ", ".join(str(p) for p in self.paras))
        text = ", ".join(parts)
        if self.via:
            text += f", via {self.via}"
        return text + LEVEL_MARK[self.verified]


# How a citation's level is shown after it wherever it is printed; the primary text needs no mark.
LEVEL_MARK = {"primary": "", "secondary": " [secondary source]", "no": " [not verified]"}


class InForce(_Strict):
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        return None if value is None else parse_day(value)

    @model_validator(mode="after")
    def _order(self) -> "InForce":
        if self.end is not None and self.end < self.start:
            raise ValueError("in_force ends before it starts")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def human(self) -> str:
        end = f"{self.end:%d/%m/%Y}" if self.end else "onwards"
        return f"{self.start:%d/%m/%Y} to {end}" if self.end else f"from {self.start:%d/%m/%Y}"


class Selector(_Strict):
    """Which events a check looks at: an event type (or several) and an optional condition."""

    type: Annotated[list[str], WithJsonSchema(ONE_OR_MANY)]
    where: Condition | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("where", mode="before")
    @classmethod
    def _condition(cls, value: Any) -> Any:
        return None if value is None else parse_condition(value)


class _Check(_Strict):
    trigger: Selector
    when: Condition | None = None

    @field_validator("when", mode="before")
    @classmethod
    def _condition(cls, value: Any) -> Any:
        return None if value is None else parse_condition(value)


class Accumulation(_Strict):
    """What reviews keep finding: `count` triggers within `window` (five referrals in nine months, three police
    contacts about one man in a month) with no counterpart recorded between them. Only the trigger that
    completes such a run is judged, and the run's earlier triggers are its evidence; a counterpart that may
    fall inside the run ends it (so the pattern is never claimed on a guess), and a judged run starts afresh."""

    count: int = Field(ge=2, le=50)
    window: Limit
    # A role (the vocabulary's `roles`): the triggers share a person of this role among their `people`, so
    # contacts about different men, or different children, are not one pattern.
    same: str | None = None

    @model_validator(mode="after")
    def _days(self) -> "Accumulation":
        if self.window.unit == "hours":
            raise ValueError("an accumulation's window is in days or months, not hours")
        return self


class WithinCheck(_Check):
    """B within a limit after A (`within`), or B at some point after A (`follows`)."""

    template: Literal["within", "follows"]
    counterpart: Selector
    limit: Limit | None = None
    anchor: Literal["each", "first", "last"] = "each"
    link: str | None = None
    pairing: Literal["nearest", "each", "linked"] | None = None
    # An entry after the trigger showing that nothing more was called for (a referral decided "no further
    # action" starts no assessment clock): the standard does not apply to the trigger it is paired with.
    released_by: Selector | None = None
    accumulation: Accumulation | None = None

    @model_validator(mode="after")
    def _limit(self) -> "WithinCheck":
        if self.accumulation is not None and (self.anchor != "each" or self.released_by is not None):
            raise ValueError("an `accumulation` judges the trigger that completes each run: it takes no `anchor` "
                             "and no `released_by`")
        if self.template == "within" and self.limit is None:
            raise ValueError("template `within` needs a `limit`")
        if self.template == "follows" and self.limit is not None:
            raise ValueError("template `follows` has no limit; use `within`")
        return self


class LeadCheck(_Check):
    """A (the counterpart, e.g. a report) at least `lead` before B (the trigger, e.g. the conference)."""

    template: Literal["lead-time"]
    counterpart: Selector
    lead: Limit
    link: str | None = None
    pairing: Literal["nearest", "each", "linked"] | None = None
    absent: Literal["breach", "not-evaluable"] = "breach"


class PrecedesCheck(_Check):
    """A required step (counterpart) on or before the trigger, optionally no earlier than `lookback`."""

    template: Literal["precedes"]
    counterpart: Selector
    lookback: Limit | None = None
    link: str | None = None
    pairing: Literal["nearest", "each", "linked"] | None = None
    absent: Literal["breach", "not-evaluable"] = "breach"


class IncludesCheck(_Check):
    """The trigger's list attribute (invited, participants...) includes a party (any one of `value`)."""

    template: Literal["includes"]
    field: str
    value: Annotated[list[str], WithJsonSchema(ONE_OR_MANY)]

    @field_validator("value", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class RequiresCheck(_Check):
    """The trigger event itself must satisfy a condition (seen alone, joint enquiry...)."""

    template: Literal["requires"]
    expect: Condition

    @field_validator("expect", mode="before")
    @classmethod
    def _condition(cls, value: Any) -> Any:
        return parse_condition(value)


Check = Annotated[Union[WithinCheck, LeadCheck, PrecedesCheck, IncludesCheck, RequiresCheck],
                  Field(discriminator="template")]
TEMPLATES = ("within", "follows", "lead-time", "precedes", "includes", "requires")


class Edition(_Strict):
    label: str
    in_force: InForce
    note: str | None = None  # for example how sure we are of the in-force dates
    after_gap: str | None = None  # why no edition applied between the previous edition's end and this one's start
    params: dict[str, Any] = Field(default_factory=dict)
    cite: list[Citation] = Field(min_length=1)


class Wording(_Strict):
    """How findings read. Placeholders in {braces}; see docs/rulebook-format.md for the list."""

    breach: str | None = None
    possible: str | None = None
    met: str | None = None
    not_evaluable: str | None = None


class RuleTestEvent(_Strict):
    id: str
    type: str
    date: Any
    agency: str = "childrens-social-care"
    recorded_by: str | None = None
    attrs: dict[str, Any] = Field(default_factory=dict)
    links: dict[str, Any] = Field(default_factory=dict)
    same_event_as: list[str] = Field(default_factory=list)


class RuleTest(_Strict):
    """A readable example: events in, expected status out (one per trigger, in date order)."""

    name: str
    boundary: bool = False  # the example sits on an edge: the last working day, a bank holiday, an edition change
    area: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    scoping: dict[str, Any] | None = None
    events: list[RuleTestEvent]
    expect: StatusValue | list[StatusValue]


class Learning(_Strict):
    """Where a rule's only authority is one review: in that review's own `area` the rule is a standard (the
    review states what was expected there); anywhere else its findings are practice learning from the review,
    shown apart from departures from a standard and left out with --no-learning."""

    review: str  # as the findings name it, e.g. BDHR2012/13-04
    area: str


class Rule(_Strict):
    id: str
    title: str
    # A few words for a column header (the board pack's case-by-standard matrix): at most 32 characters.
    short_title: str = Field(default="", max_length=32)
    severity: Literal["must", "should"]
    # One jurisdiction, or several where one text governs them all (NICE and the police's APP apply in England
    # and in Wales); a case is judged only by rules of its own jurisdiction.
    jurisdiction: Annotated[list[str], WithJsonSchema(ONE_OR_MANY)]
    area: str | None = None
    theme: str
    agency: str
    description: str = ""
    # What the standard expects, in one plain sentence written by the rule's author ("Children's social care
    # checks with the GP before completing an assessment"): what every report says the standard is. The
    # sentence generated from the check stays for `auditor rules show`.
    expects: str = ""
    # For trainers' briefings (`auditor brief`): why the standard matters, in a sentence, and
    # questions for practitioners to reflect on when a case departs from it.
    why: str = ""
    reflect: list[str] = Field(default_factory=list)
    # One practice point for "What you should do now": an imperative a practitioner can act on after a case shows a
    # departure ("Before sending conference invitations, check the police domestic abuse history ...").
    do_now: str = ""
    check: dict[str, Any]
    editions: list[Edition] = Field(min_length=1)
    finding: Wording = Wording()
    tests: list[RuleTest] = Field(default_factory=list)
    # Ids this rule had before it was renamed: a decisions file that names a finding by an old id still loads.
    aliases: list[str] = Field(default_factory=list)
    learning: Learning | None = None

    def learning_for(self, area: str | None) -> str:
        """The review whose practice learning this rule's findings are, in a case of this area; "" where the
        rule is a standard there."""
        return self.learning.review if self.learning is not None and self.learning.area != area else ""

    @field_validator("jurisdiction", mode="before")
    @classmethod
    def _jurisdictions(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def jurisdiction_text(self) -> str:
        """"england", or "england and wales", for sentences."""
        return " and ".join(self.jurisdiction)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _RULE_ID.match(value):
            raise ValueError("rule ids are lower-case words joined by hyphens")
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _RULE_ID.match(value):
                raise ValueError(f"alias {value!r}: rule ids are lower-case words joined by hyphens")
        return values

    def edition_checks(self) -> list[tuple["Edition", dict[str, Any]]]:
        """Each edition (in the order written) with its check: the rule's `check`, then the `params` of every
        edition up to and including this one in date order, so a parameter holds until an edition changes it
        (as OpenFisca's dated parameters do)."""
        merged: dict[int, dict[str, Any]] = {}
        check = dict(self.check)
        for edition in sorted(self.editions, key=lambda e: e.in_force.start):
            check = {**check, **edition.params}
            merged[id(edition)] = check
        return [(edition, merged[id(edition)]) for edition in self.editions]


class Override(_Strict):
    """A local procedure's change to a national rule, in force for its own dates."""

    in_force: InForce | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    severity: Literal["must", "should"] | None = None
    cite: list[Citation] = Field(min_length=1)


class RuleFile(_Strict):
    """A family of rules, or a local layer (with `area`): a family file holding its `rules`, or a folder's
    index.yaml for the rules written one to a file beside it."""

    family: str
    jurisdiction: str
    area: str | None = None
    description: str = ""
    rules: list[Rule] = Field(default_factory=list)
    overrides: dict[str, Override] = Field(default_factory=dict)
    # In a folder's index.yaml: the reading order of the rules in their own files beside it (the catalogue,
    # `rules list` and the appendix follow it); rules it does not name come after, by file name.
    order: list[str] = Field(default_factory=list)


class RulebookMeta(_Strict):
    name: str
    version: str
    description: str = ""
    jurisdictions: list[str]
    # Reflective questions a briefing falls back on when the rules involved carry too few of their own.
    briefing_questions: list[str] = Field(default_factory=list)
