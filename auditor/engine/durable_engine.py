"""The production matcher: the plans compiled into one durable-rules ruleset.

Every trap listed in docs/durable-rules-traps.md is handled here:
  * absence is never concluded inside an action (actions only record matches;
    verdicts are computed after the whole case has been asserted), so early
    firing cannot produce a wrong verdict and no `$not` negation is used at all;
  * exactly one ruleset per process (enforced by a module-level guard);
  * a catch-all rule that never fires, so no fact is ever "not handled";
  * one sentinel fact per session, so an action always runs before its state is deleted;
  * fact ids are unique per scenario session (`sid|event id`);
  * the session state is deleted after every case;
  * exceptions inside actions are recorded and re-raised to the caller;
  * no empty batches are asserted;
  * the host's background timer threads are never started.
Matching runs durable's own C calls in a lean loop (`_assert_and_act`): about one action per
trigger, candidate or satisfied match, none per fact.
The C core can still crash the process: callers run this behind
auditor.engine.isolation, where a crash costs one case.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any, Callable

import durable_rules_engine as _engine
import orjson
from durable import engine as durable

from .expr import AND, dnf, to_durable, to_durable_tree
from .matches import Matches
from .plan import Plan, link_expr, obligation, obligation_expr
from .wire import SESSION, wanted_values, wire_facts

RULESET = "auditor"
NEVER = "__never__"  # a `kind` no fact has: the catch-all's second fact
# durable-rules' own `cap`: one action receives up to this many pending frames of its rule at once, so a case
# costs one action per rule that fires rather than one per match (with the shapes below: 194 actions a case became 64).
CAP = 10_000
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


def shapes_of(plans: list[Plan]) -> dict[str, list[Plan]]:
    """The plans by shape (`Plan.shape`): the editions of one rule in one area share everything durable-rules
    matches, and differ only in their in-force days."""
    grouped: dict[str, list[Plan]] = {}
    for plan in plans:
        grouped.setdefault(repr(plan.shape()), []).append(plan)  # expressions hold lists: compared as text
    return {f"s{n}": group for n, group in enumerate(grouped.values())}


def compile_ruleset(plans: list[Plan]) -> dict[str, Any]:
    """The durable-rules definition (a plain dict): one set of rules per shape, whose action names carry it.

    A rule's editions share one trigger rule (its conditions without the in-force days); the action gives each
    matched trigger to the editions whose days it may fall on (`Plan.in_force`, the same test the reference
    evaluator makes as part of the trigger). Measured on synthetic cases: 629 rules became 195, and the C core's
    work on a scenario fell from 2.25 to 0.83 ms. Counterparts join the obligations of every plan of the
    shape; the obligation says which plan it is for.

    No rule decides `missing`: which of a plan's needed fields a trigger lacks is read from the
    trigger fact the engine hands to the trigger action (it is exactly `trigger and $nex key`), so
    a trigger costs one action, not one more per absent field.
    """
    rules: dict[str, Any] = {}

    def joined(name: str, run: str, expr: Any, before: list[dict[str, Any]]) -> None:
        # Trap 14: next to joins, one flat rule per disjunct; a fact matching several is recorded once (sets).
        for d, conjunction in enumerate(dnf(expr)):
            rules[f"{name}_{d}"] = {"all": before + [{"b": to_durable(conjunction)}], "run": run, "cap": CAP}

    for shape, group in shapes_of(plans).items():
        plan = group[0]  # all of the group's plans match alike in durable-rules
        rules[f"{shape}_trigger"] = {"all": [{"a": to_durable_tree(plan.undated)}], "run": f"trigger|{shape}",
                                     "cap": CAP}
        if plan.counterpart is not None:
            joins = [{"o": to_durable(dnf(obligation_expr(plan, shape))[0])}]
            if plan.link:
                joins.append({"l": to_durable(dnf(link_expr(plan))[0])})
            joined(f"{shape}_candidate", f"candidate|{shape}", plan.counterpart, joins)
            if plan.release is not None:
                joined(f"{shape}_release", f"release|{shape}", plan.release, joins[:1])
        if plan.expect is not None:
            rules[f"{shape}_satisfied"] = {"all": [{"a": to_durable_tree(AND(plan.undated, plan.expect))}],
                                           "run": f"satisfied|{shape}", "cap": CAP}
            # Related entries: one fact to a rule (facts._related_facts), kept to the triggers afterwards.
            rules[f"{shape}_relsat"] = {"all": [{"a": to_durable_tree(plan.related_satisfied)}],
                                        "run": f"relsatisfied|{shape}", "cap": CAP}
            if plan.related_recorded is not None:
                rules[f"{shape}_relrec"] = {"all": [{"a": to_durable_tree(plan.related_recorded)}],
                                            "run": f"relrecorded|{shape}", "cap": CAP}
    # Trap 4: every fact must reach some rule or the batch raises MessageNotHandledException. The
    # catch-all's first test takes every fact; its second waits for a fact that never exists, so
    # it never fires and costs no action (a firing no-op was half of all actions).
    rules["catch_all"] = {"all": [{"m": {"$ex": {"kind": 1}}}, {"n": {"kind": NEVER}}], "run": "noop"}
    # Trap 16: `delete_state` of a session in which no action ran can crash the C core (measured:
    # "free(): invalid size" on a fresh engine). One sentinel fact per session fires this no-op,
    # so every session runs at least one action, as every session did when the catch-all fired.
    rules["session"] = {"all": [{"m": {"kind": SESSION}}], "run": "noop"}
    return rules


def _on_days(plan: Plan, fact: dict[str, Any]) -> bool:
    """`holds(plan.in_force, fact)`, read from the plan's epoch bounds (an action asks it of every trigger)."""
    first, last = plan.days
    return fact["t_hi"] >= first and (last is None or fact["t_lo"] <= last)


class DurableEngine:
    name = "durable-rules"

    def __init__(self, plans: list[Plan]):
        global _hosts_created
        if _hosts_created:
            raise RuntimeError("one durable-rules ruleset per process: a second one crashes delete_state")
        _hosts_created += 1
        self._shapes = shapes_of(plans)
        self._matches = Matches()
        self._errors: list[BaseException] = []
        self._obligations: list[dict[str, Any]] = []
        self._ids = _SessionIds()
        self._types, self._rels = wanted_values(plans)
        definition = compile_ruleset(plans)
        handlers = {rule["run"]: self._handler(rule["run"]) for rule in definition.values()}
        # Our own loop calls these with the matched frame; the host's (e.g. `_host.assert_facts`) with a Closure.
        self._by_rule = {name: handlers[rule["run"]] for name, rule in definition.items()}
        actions = {run: _closure_action(handler) for run, handler in handlers.items()}
        self._host = _QuietHost(actions, definition)
        self._ruleset = self._host.get_ruleset(RULESET)

    def _handler(self, name: str) -> Callable[[dict[str, Any]], None]:
        """What one rule's action does with a matched frame ({alias: fact}); it only records matches."""
        kind, _, shape = name.partition("|")
        group = self._shapes.get(shape, [])

        def run(frame: dict[str, Any]) -> None:
            try:
                if kind == "trigger":
                    a = frame["a"]
                    eid = a["eid"]
                    for plan in group:
                        key = plan.key
                        if not _on_days(plan, a) or eid in self._matches.triggers.get(key, ()):
                            continue  # another edition's days; or matched twice: its obligation exists already
                        self._matches.add_trigger(key, eid)
                        if plan.counterpart is not None:
                            ob = obligation(plan, a, shape)
                            ob["id"] = self._ids.unique(ob["id"])  # trap 17
                            self._obligations.append(ob)  # asserted together when the action's frames are done
                        for field_name in plan.missing_keys:  # the former `trigger and $nex key` rules
                            if field_name not in a:
                                self._matches.add_missing(key, eid, field_name)
                elif kind == "candidate":
                    o = frame["o"]
                    self._matches.add_candidate(o["rule"], o["trigger"], frame["b"]["eid"])
                elif kind == "release":
                    o = frame["o"]
                    self._matches.add_release(o["rule"], o["trigger"], frame["b"]["eid"])
                elif kind == "satisfied":
                    a = frame["a"]
                    for plan in group:
                        if _on_days(plan, a):
                            self._matches.satisfied.add((plan.key, a["eid"]))
                elif kind in ("relsatisfied", "relrecorded"):
                    a = frame["a"]
                    for plan in group:  # kept to each plan's own triggers afterwards (Matches.keep_related)
                        self._matches.add_related(kind[3:], plan.key, a["about"], a["eid"])
            except BaseException as exc:  # trap 6: the engine would swallow it
                self._errors.append(exc)

        return run

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches:
        return self.match_wire(wire_facts(facts, sid, self._types, self._rels), sid)

    def match_wire(self, text: str | None, sid: str) -> Matches:
        """Match one scenario given as the JSON text from `wire.wire_facts` (None: nothing to assert)."""
        self._matches, self._errors, self._obligations = Matches(), [], []
        if text is not None:  # trap 11: an empty batch segfaults (wire_facts never gives one)
            self._ids = _SessionIds()
            text = self._ids.take(text)
            try:
                self._assert_and_act(text)
            finally:
                self._host.delete_state(RULESET, sid)
        if self._errors:
            raise RuntimeError(f"rule action failed: {self._errors[0]!r}") from self._errors[0]
        return self._matches.keep_related()

    def _assert_and_act(self, text: str) -> None:
        """Assert one scenario and run its actions: the calls durable's `Ruleset.assert_facts` and
        `Ruleset._flush_actions` make, without their per-action Closure, clock reads and state
        write-back (`update_state`: our actions never change the session state, and run synchronously;
        skipping it gave the same matches on 370 scenarios and about 20% less engine time, measured)."""
        ruleset = self._ruleset
        handle = ruleset._handle
        # As Ruleset.assert_facts: MessageNotHandled/MessageObserved are raised as before.
        state_handle = ruleset._handle_result(_engine.assert_facts(handle, text), text)
        started = _engine.start_action_for_state(handle, state_handle)
        if not started:
            return
        message = started[1]
        by_rule = self._by_rule
        while message:
            for rule_name, frames in orjson.loads(message).items():  # a list of frames from a rule with a `cap`
                run = by_rule[rule_name]
                for frame in frames if type(frames) is list else (frames,):
                    run(frame)
                break
            try:
                if self._obligations:  # one call for all the obligations this action's triggers owe
                    owed, self._obligations = self._obligations, []
                    ruleset._handle_result(_engine.assert_facts(handle, orjson.dumps(owed).decode()), owed)
                # no update_state: our actions never change the session state
                message = _engine.complete_and_start_action(handle, state_handle)
            except BaseException:
                _engine.abandon_action(handle, state_handle)
                raise


# Trap 17: the C core files a session's facts under the 32-bit FNV-1 hash of their id alone, and refuses a fact
# whose id hashes like one already there (MessageObservedException), as if it were the same fact asserted twice.
# Distinct ids collide: about one session in twenty of 20,000 facts (n^2 / 2^33), so a 10,000-event case
# failed now and then. Ids are only keys (no rule or action reads them), so one that would collide is made
# unique by appending "~" until its hash is free.
_FNV_BASIS, _FNV_PRIME = 0x811C9DC5, 16777619
_FACT_ID = re.compile(r'\{"id": ?"([^"]*)"')  # every fact `wire_facts` writes starts with its id


def fnv1_32(data: bytes, start: int = _FNV_BASIS) -> int:
    """The C core's `fnv1Hash32`: FNV-1 over the id's bytes, each read as a signed char."""
    h = start
    for byte in data:
        h = ((h ^ (byte if byte < 0x80 else byte | 0xFFFFFF00)) * _FNV_PRIME) & 0xFFFFFFFF
    return h


_HASHES: dict[str, int] = {}  # fact ids repeat from case to case (E001, ob|rule~3|E001): hashed once a process


def _hash(fact_id: str) -> int:
    h = _HASHES.get(fact_id)
    if h is None:
        if len(_HASHES) > 1_000_000:  # a bound on memory, whatever the ids
            _HASHES.clear()
        h = _HASHES[fact_id] = fnv1_32(fact_id.encode("utf-8"))
    return h


class _SessionIds:
    """The id hashes of one session's facts, so that no two of its facts' ids hash alike (trap 17). Ids carry
    no session id (the `sid` field says which session a fact is in), so the same ids hash alike in every
    case and their hashes are worked out once."""

    def __init__(self) -> None:
        self._taken: set[int] = set()


    def unique(self, fact_id: str) -> str:
        """`fact_id`, or it with "~" appended until no fact of the session has an id that hashes alike."""
        h = _hash(fact_id)
        while h in self._taken:
            fact_id += "~"
            h = _hash(fact_id)
        self._taken.add(h)
        return fact_id

    def take(self, text: str) -> str:
        """The scenario's JSON text, with its facts' ids recorded; rewritten only if two of them hash alike."""
        ids = _FACT_ID.findall(text)
        hashes = {_hash(i) for i in ids}  # ids are letters, digits and - _ . | # ~: the text is the id
        if len(hashes) == len(ids):
            self._taken = hashes
            return text
        facts = orjson.loads(text)
        for fact in facts:
            fact["id"] = self.unique(fact["id"])
        return orjson.dumps(facts).decode()


def _closure_action(handler: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        handler(c._m)

    return run
