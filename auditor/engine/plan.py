"""Lower each rule variant to the expressions both engines match with.

One plan per variant: which events trigger it, which events can answer it
(joined to the trigger's obligation), and for attribute checks which trigger
events satisfy it or lack the fields needed to judge. Both engines read these
plans, so they cannot drift apart on what a rule means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from ..rulebook import Variant
from ..rulebook.conditions import leaves
from ..rulebook.schema import IncludesCheck, Limit, PrecedesCheck, RequiresCheck
from ..workdays import shift_days
from .expr import AND, OR, Expr, from_condition, type_in
from .facts import epoch

PAIRED = ("within", "follows", "lead-time", "precedes")


@dataclass(frozen=True)
class Plan:
    key: str
    template: str
    trigger: Expr
    counterpart: Expr | None = None
    link: str | None = None
    satisfied: Expr | None = None
    missing_keys: tuple[str, ...] = ()
    lookback: Limit | None = None
    # What a related entry (linked to the trigger, or to what it is linked to) may show: the expectation met
    # (`related_satisfied`), or the fields it needs all recorded (`related_recorded`).
    related_satisfied: Expr | None = None
    related_recorded: Expr | None = None
    release: Expr | None = None  # entries after the trigger that release it (`released_by`), joined like counterparts
    # The trigger in two parts: what it is (`undated`) and the edition's in-force days (`days`, as epoch bounds:
    # t_hi >= first, t_lo <= last, None for open); `trigger` is both. The editions of one rule share the first,
    # so durable-rules matches it once per rule (`shape`) and each matched trigger is given to the editions
    # whose days it may fall on (durable_engine).
    undated: Expr | None = None
    days: tuple[int, int | None] = (0, None)
    expect: Expr | None = None  # includes and requires: what the trigger itself must show

    @property
    def in_force(self) -> Expr:
        """The days as the expression `trigger` holds them in."""
        return AND(*_dated(self.days))

    def shape(self) -> tuple[Any, ...]:
        """What the editions of one rule (in one area) have in common: all that durable-rules matches."""
        return (self.template, self.undated, self.counterpart, self.link, self.expect, self.release,
                self.related_satisfied, self.related_recorded, self.missing_keys)


def plan_variant(variant: Variant) -> Plan:
    check = variant.check
    span = variant.in_force
    days = (epoch(datetime.combine(span.start, time.min)),
            None if span.end is None else epoch(datetime.combine(span.end, time(23, 59, 59))))
    if variant.area:
        area: Expr | None = ("eq", "area", variant.area)
    elif variant.excluded_areas:
        area = AND(*(("ne", "area", a) for a in variant.excluded_areas))
    else:
        area = None
    what = (("eq", "kind", "event"), OR(*(("eq", "jur", j) for j in variant.rule.jurisdiction)), type_in(check.trigger.type),
            from_condition(check.trigger.where), from_condition(check.when))
    trigger, undated = AND(*what, *_dated(days), area), AND(*what, area)
    template = check.template
    if template in PAIRED:
        if template in ("within", "follows"):
            window: Expr = ("join_gte", "t_hi", "o", "t_lo")
        else:
            window = ("join_lte", "t_lo", "o", "t_hi")
        lookback = check.lookback if isinstance(check, PrecedesCheck) else None
        counterpart = AND(("eq", "kind", "event"), type_in(check.counterpart.type),
                          from_condition(check.counterpart.where), ("join_ne", "eid", "o", "trigger"), window,
                          ("join_gte", "t_hi", "o", "lb") if lookback else None,
                          ("join_eq", "eid", "l", "src") if check.link else None)
        released_by = getattr(check, "released_by", None)
        release = AND(("eq", "kind", "event"), type_in(released_by.type), from_condition(released_by.where),
                      ("join_ne", "eid", "o", "trigger"), window) if released_by is not None else None
        return Plan(variant.key, template, trigger, counterpart, check.link, lookback=lookback, release=release,
                    undated=undated, days=days)
    if isinstance(check, IncludesCheck):
        expect = OR(*(("any_eq", "a_" + check.field, v) for v in check.value))
        keys: tuple[str, ...] = ("a_" + check.field,)
    else:
        assert isinstance(check, RequiresCheck)
        expect = from_condition(check.expect)  # type: ignore[assignment]
        keys = tuple(sorted({leaf.key for leaf in leaves(check.expect)}))
    # One fact per rule, no join: which entries a related entry is `about` is kept to the plan's triggers after
    # matching (Matches.keep_related). Joined rules for this crashed the C core: see facts._related_facts.
    # About an entry of one of the trigger's types: the matches about any other entry are dropped anyway
    # (Matches.keep_related keeps those about the plan's triggers), so they need not be made.
    related = AND(("eq", "kind", "related-event"), OR(*(("eq", "about_type", t) for t in check.trigger.type)))
    event_keys = tuple(k for k in keys if k.startswith("a_"))  # case facts are the same on every entry
    return Plan(variant.key, template, trigger, satisfied=AND(trigger, expect), missing_keys=keys,
                related_satisfied=AND(related, expect),
                related_recorded=AND(related, *(("ex", k) for k in event_keys)) if event_keys else None,
                undated=undated, days=days, expect=expect)


def _dated(days: tuple[int, int | None]) -> list[Expr]:
    first, last = days
    return [("gte", "t_hi", first)] + ([("lte", "t_lo", last)] if last is not None else [])


def obligation(plan: Plan, trigger: dict[str, Any], shape: str = "") -> dict[str, Any]:
    """The fact a paired rule's trigger leaves behind for counterparts to join with (`shape`: the durable rules
    of the plan's shape join it by that, and read the plan from `rule`)."""
    fact = {"id": f"ob|{plan.key}|{trigger['eid']}", "sid": trigger["sid"], "kind": "obligation",
            "rule": plan.key, "shape": shape, "trigger": trigger["eid"], "t_lo": trigger["t_lo"],
            "t_hi": trigger["t_hi"]}
    if plan.lookback is not None:
        fact["lb"] = lookback_bound(trigger["t_lo"], plan.lookback)
    return fact


def lookback_bound(t_lo: int, limit: Limit) -> int:
    if limit.unit == "hours":
        return t_lo - limit.n * 3600
    start = shift_days(datetime.utcfromtimestamp(t_lo).date(), -limit.n, limit.unit)
    return epoch(datetime.combine(start, time.min))


def link_expr(plan: Plan) -> Expr:
    """A link from the counterpart to the trigger, by any relation: chronologies write `for`, `about` and
    `follows` for the same tie, and a rule's `link` asks only that the two are linked."""
    return AND(("eq", "kind", "link"), ("join_eq", "dst", "o", "trigger"))


def obligation_expr(plan: Plan, shape: str | None = None) -> Expr:
    """An obligation of this plan, or (`shape`) of any plan of that shape."""
    return AND(("eq", "kind", "obligation"), ("eq", "shape", shape) if shape is not None else ("eq", "rule", plan.key))
