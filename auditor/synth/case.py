"""A synthetic case as it comes out: the chronology document, written as JSON or YAML, and the `Plan` of what was
planted in it (one `Opportunity` per rule and trigger event, with the statuses an audit may give it).

The chronology schema forbids unknown fields, so what was planted travels beside the case, not in it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..status import DEPARTURES as DEPARTURE_STATUSES


class Opportunity(NamedTuple):
    """One trigger a rule judges, and whether a departure was planted there."""

    rule: str
    trigger: str  # event id
    departed: bool
    detail: str = ""
    exact: bool = True  # False: a loose date or a conflicting record touches the dates the rule counts

    @property
    def expected(self) -> tuple[str, ...]:
        """The statuses an audit may give this trigger."""
        if self.departed:
            return DEPARTURE_STATUSES
        return ("met",) if self.exact else ("met", "possible-breach")

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "trigger": self.trigger, "departed": self.departed, "exact": self.exact,
                "expected": list(self.expected)}


@dataclass(frozen=True)
class Plan:
    """What the generator built into one case: every opportunity, the loose dates and the conflicting records."""

    case_id: str
    index: int
    opportunities: tuple[Opportunity, ...]
    imprecise: tuple[str, ...]
    conflicts: tuple[tuple[str, str], ...]

    @property
    def departures(self) -> list[Opportunity]:
        return [o for o in self.opportunities if o.departed]

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "index": self.index,
                "departures": [{"rule": o.rule, "trigger": o.trigger, "detail": o.detail} for o in self.departures],
                "opportunities": [o.as_dict() for o in self.opportunities],
                "imprecise": list(self.imprecise), "conflicts": [list(c) for c in self.conflicts]}


@dataclass(frozen=True)
class SynthCase:
    index: int
    doc: dict[str, Any]
    plan: Plan

    @property
    def case_id(self) -> str:
        return self.plan.case_id

    def to_json(self) -> str:
        return to_json(self.doc)

    def to_yaml(self) -> str:
        return to_yaml(self.doc)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def to_json(doc: dict[str, Any]) -> str:
    """One line, no trailing newline (the JSON-lines form and the per-case files use it)."""
    return _ENCODE(doc)


def to_yaml(doc: dict[str, Any]) -> str:
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _Dumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:  # shared lists must be written out, not as &anchors
            return True

    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)
