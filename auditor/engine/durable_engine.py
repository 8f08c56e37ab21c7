"""The production matcher: the plans compiled into one durable-rules ruleset.

Every trap measured in ../shared/reference/durable-rules-notes.md is handled here:
  * absence is never concluded inside an action (actions only record matches;
    verdicts are computed after the whole case has been asserted), so early
    firing cannot produce a wrong verdict and no `$not` negation is used at all;
  * exactly one ruleset per process (enforced by a module-level guard);
  * a catch-all rule, so no fact is ever "not handled";
  * fact ids are unique per scenario session (`sid|event id`);
  * the session state is deleted after every case;
  * exceptions inside actions are recorded and re-raised to the caller;
  * no empty batches are asserted;
  * the host's background timer threads are never started.
The C core can still crash the process: callers run this behind
auditor.engine.isolation, where a crash costs one case.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any, Callable

from durable import engine as durable

from .expr import AND, dnf, to_durable
from .matches import Matches
from .plan import Plan, link_expr, obligation, obligation_expr

RULESET = "auditor"
_hosts_created = 0


def durable_version() -> str:
    return version("durable_rules")


class _QuietHost(durable.Host):
    """A host whose timer threads never start (trap 12) and whose actions come from us."""

    def __init__(self, actions: dict[str, Callable[[Any], None]], definition: dict[str, Any]):
        self._our_actions = actions
        super().__init__({RULESET: definition})

    def _run(self) -> None:  # no dispatch or timer threads: we use no engine timers
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._our_actions[action_name]


def compile_ruleset(plans: list[Plan]) -> dict[str, Any]:
    """The durable-rules definition (a plain dict); the action names carry the plan key."""
    rules: dict[str, Any] = {}

    def add(name: str, run: str, expr: Any, before: list[dict[str, Any]] | None = None, alias: str = "a") -> None:
        # One flat rule per disjunct; a fact matching several disjuncts is recorded once (sets).
        for d, conjunction in enumerate(dnf(expr)):
            rules[f"{name}_{d}"] = {"all": (before or []) + [{alias: to_durable(conjunction)}], "run": run}

    for n, plan in enumerate(plans):
        prefix = f"r{n}"
        add(f"{prefix}_trigger", f"trigger|{plan.key}", plan.trigger)
        if plan.counterpart is not None:
            joins = [{"o": to_durable(dnf(obligation_expr(plan))[0])}]
            if plan.link:
                joins.append({"l": to_durable(dnf(link_expr(plan))[0])})
            add(f"{prefix}_candidate", f"candidate|{plan.key}", plan.counterpart, joins, "b")
        if plan.satisfied is not None:
            add(f"{prefix}_satisfied", f"satisfied|{plan.key}", plan.satisfied)
        for k, key in enumerate(plan.missing_keys):
            add(f"{prefix}_missing{k}", f"missing|{plan.key}|{key}", AND(plan.trigger, ("nex", key)))
    rules["catch_all"] = {"all": [{"m": {"$ex": {"kind": 1}}}], "run": "noop"}
    return rules


class DurableEngine:
    name = "durable-rules"

    def __init__(self, plans: list[Plan]):
        global _hosts_created
        if _hosts_created:
            raise RuntimeError("one durable-rules ruleset per process: a second one crashes delete_state")
        _hosts_created += 1
        self._plans = {p.key: p for p in plans}
        self._matches = Matches()
        self._errors: list[BaseException] = []
        definition = compile_ruleset(plans)
        actions = {rule["run"]: self._action(rule["run"]) for rule in definition.values()}
        self._host = _QuietHost(actions, definition)

    def _action(self, name: str) -> Callable[[Any], None]:
        kind, _, rest = name.partition("|")
        key, _, field_name = rest.partition("|")

        def run(c: Any) -> None:
            try:
                if kind == "trigger":
                    if c.a["eid"] in self._matches.triggers.get(key, ()):
                        return  # matched by a second disjunct: its obligation exists already
                    self._matches.add_trigger(key, c.a["eid"])
                    plan = self._plans[key]
                    if plan.counterpart is not None:
                        c.assert_fact(obligation(plan, dict(c.a._d)))
                elif kind == "candidate":
                    self._matches.add_candidate(key, c.o["trigger"], c.b["eid"])
                elif kind == "satisfied":
                    self._matches.satisfied.add((key, c.a["eid"]))
                elif kind == "missing":
                    self._matches.add_missing(key, c.a["eid"], field_name)
            except BaseException as exc:  # trap 6: the engine would swallow it
                self._errors.append(exc)

        return run

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches:
        self._matches, self._errors = Matches(), []
        if facts:  # trap 11: an empty batch segfaults
            try:
                self._host.assert_facts(RULESET, facts)
            finally:
                self._host.delete_state(RULESET, sid)
        if self._errors:
            raise RuntimeError(f"rule action failed: {self._errors[0]!r}") from self._errors[0]
        return self._matches
