"""A rule's readable examples (`tests:` in its YAML) as chronologies: what `rules check` validates and
`rules test` audits (auditor.audit.examples)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..chronology import Chronology, EventDate
from .schema import Rule, RuleTest


def chronology_for(rule: Rule, test: RuleTest) -> Chronology:
    events = [{"id": e.id, "type": e.type, "date": e.date, "agency": e.agency, "recorded_by": e.recorded_by,
               "attrs": e.attrs, "links": e.links, "same_event_as": e.same_event_as,
               "source": {"document": "rule-test"}, "summary": test.name} for e in test.events]
    return Chronology.model_validate({"case": _case(rule, test), "events": events})


def _case(rule: Rule, test: RuleTest) -> dict[str, Any]:
    """Without a `scoping`, the example's chronology runs a year either side of its events."""
    scoping = test.scoping
    if scoping is None:
        dates = [EventDate.model_validate(e.date) for e in test.events]
        scoping = {"from": min(d.first_day for d in dates) - timedelta(days=365),
                   "to": max(d.last_day for d in dates) + timedelta(days=365)}
    return {"id": f"test-{rule.id}", "title": test.name, "jurisdiction": rule.jurisdiction[0], "area": test.area,
            "scoping": scoping, "facts": test.facts}
