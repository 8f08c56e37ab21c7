"""A plain-Python evaluator of the same plans: the oracle the durable-rules engine is tested against.

It is deliberately naive (nested loops over facts) so that it is easy to believe; the tests require it
and durable-rules to agree on every fixture and on generated chronologies. The loops only skip what
cannot match: an event whose type is not one an expression requires (`expr.required_values`, exact for
what it returns), and a link that does not end at the trigger; every pair left is tested with `holds`.
"""

from __future__ import annotations

from typing import Any

from .expr import Expr, holds, required_values
from .matches import Matches
from .plan import Plan, link_expr, obligation


class ReferenceEngine:
    name = "reference"

    def __init__(self, plans: list[Plan]):
        self.plans = plans

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches:
        out = Matches()
        events = [f for f in facts if f.get("kind") == "event"]
        links = [f for f in facts if f.get("kind") == "link"]
        related = [f for f in facts if f.get("kind") == "related-event"]
        by_type: dict[Any, list[dict[str, Any]]] = {}
        for event in events:
            by_type.setdefault(event.get("type"), []).append(event)
        links_to: dict[Any, list[dict[str, Any]]] = {}
        for link in links:
            links_to.setdefault(link.get("dst"), []).append(link)

        def events_for(expr: Expr | None) -> list[dict[str, Any]]:
            if expr is None:
                return []
            types = required_values(expr, "type")
            if types is None:
                return events
            return [event for t in types for event in by_type.get(t, ())]

        for plan in self.plans:
            counterparts, releases = events_for(plan.counterpart), events_for(plan.release)
            for trigger in events_for(plan.trigger):
                if not holds(plan.trigger, trigger):
                    continue
                out.add_trigger(plan.key, trigger["eid"])
                if plan.counterpart is not None:
                    ob = obligation(plan, trigger)
                    chosen = [link for link in links_to.get(trigger["eid"], ())
                              if holds(link_expr(plan), link, {"o": ob})] if plan.link else [None]
                    for link in chosen:
                        bound = {"o": ob, "l": link or {}}
                        for other in counterparts:
                            if holds(plan.counterpart, other, bound):
                                out.add_candidate(plan.key, trigger["eid"], other["eid"])
                    for other in releases:
                        if holds(plan.release, other, {"o": ob}):
                            out.add_release(plan.key, trigger["eid"], other["eid"])
                else:
                    if plan.satisfied is not None and holds(plan.satisfied, trigger):
                        out.satisfied.add((plan.key, trigger["eid"]))
                    for key in plan.missing_keys:
                        if key not in trigger:
                            out.add_missing(plan.key, trigger["eid"], key)
            for other in related:
                for kind, expr in (("satisfied", plan.related_satisfied), ("recorded", plan.related_recorded)):
                    if expr is not None and holds(expr, other):
                        out.add_related(kind, plan.key, other["about"], other["eid"])
        return out.keep_related()
