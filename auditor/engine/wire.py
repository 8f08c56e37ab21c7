"""What is sent to the durable-rules engine for one scenario: the facts some rule can match, as JSON text.

Kept apart from durable_engine so that the parent of an isolated engine (auditor.engine.isolation)
can prepare the text without importing durable-rules: the child hands it to the C core as it is.
"""

from __future__ import annotations

from typing import Any

import orjson

from .expr import required_values
from .plan import Plan

SESSION = "session"  # the `kind` of the one sentinel fact asserted with every scenario (trap 16)


def wanted_values(plans: list[Plan]) -> tuple[frozenset[Any] | None, frozenset[str]]:
    """The event types and the link relations some rule can match (types None: any type).

    Every event test of a plan requires `type` to be one of its check's types, and links are
    only joined by relation, so an event or link outside these can match no rule.
    """
    types: set[Any] | None = set()
    for plan in plans:
        for expr in (plan.trigger, plan.counterpart, plan.satisfied, plan.release):
            if expr is None:
                continue
            allowed = required_values(expr, "type")
            if allowed is None:
                types = None
                break
            types |= allowed  # type: ignore[operator]
        if types is None:
            break
    # Links are matched by any relation (`link_expr`): all of them are wanted if any rule pairs by links.
    rels = frozenset({"*"} if any(plan.link for plan in plans) else set()) | \
        frozenset({"related"} if any(plan.related_satisfied is not None for plan in plans) else set())
    return (frozenset(types) if types is not None else None), rels


def wire_facts(facts: list[dict[str, Any]], sid: str, types: frozenset[Any] | None,
               rels: frozenset[str]) -> str | None:
    """The JSON text to assert for one scenario, or None when no fact could match a rule (nothing is asserted).

    Facts no rule can match are left out: they could only reach the catch-all. The sentinel fact
    makes every session run at least one action (trap 16); its id cannot clash with an event's
    (trap 5), since event ids have no `#`.
    """
    kept = []
    for fact in facts:
        kind = fact.get("kind")
        if kind == "event":
            if types is not None and fact.get("type") not in types:
                continue
        elif kind == "link" and "*" not in rels:
            continue
        elif kind == "related-event" and "related" not in rels:
            continue
        kept.append(fact)
    if not kept:  # trap 11: an empty batch segfaults
        return None
    kept.append({"id": "#session", "sid": sid, "kind": SESSION})
    return orjson.dumps(kept).decode()  # UTF-8, unescaped, as durable's Ruleset.assert_facts encodes them
