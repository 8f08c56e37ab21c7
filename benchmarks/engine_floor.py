"""The floor of this engine design: what durable-rules' own calls cost per case, with nothing else.

It is the floor of the design (one durable-rules session per scenario, one set of rules per rule shape,
obligations asserted by trigger actions), not of durable-rules itself: a design with fewer sessions or rules
has a lower one.

Run: python benchmarks/engine_floor.py [--cases 300] [--events 40] [--runs 3]

Generates synthetic cases (`auditor synth`'s generator, seed 2026, as benchmarks/batch.py does),
prepares every scenario's facts in advance, then times, in this process's CPU time:
  match  the engine's whole `match_wire` (C calls, the action loop, recording the matches)
  floor  only the calls the rulebook cannot do without: `assert_facts`, the action loop's
         `complete_and_start_action`, the obligation facts trigger actions assert, `delete_state`
A batch on N cores cannot go faster than cases x floor / N, before any loading, verdicts or
writing. It asserts nothing (performance is not a test).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import durable_rules_engine as c_core
import orjson

from auditor.chronology.loader import chronology_from_text
from auditor.engine import durable_engine
from auditor.engine.facts import scenario_facts, scenarios
from auditor.engine.matches import Matches
from auditor.engine.plan import plan_variant
from auditor.engine.wire import wire_facts
from auditor.rulebook import load_rulebook
from auditor.synth import iter_cases


def floor_pass(engine: durable_engine.DurableEngine, wires: list[tuple[str, str]]) -> int:
    """The engine's C calls for every scenario; actions run only the trigger handlers (they assert obligations)."""
    handle = engine._ruleset._handle
    actions = 0
    for text, sid in wires:
        # A fresh record per scenario, as match_wire starts one: a trigger id seen in an earlier case must still
        # owe its obligation here.
        engine._matches, engine._obligations, engine._ids = Matches(), [], durable_engine._SessionIds()
        state = engine._ruleset._handle_result(c_core.assert_facts(handle, text), text)
        started = c_core.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            actions += 1
            for rule_name, frames in orjson.loads(message).items():
                if rule_name.endswith("_trigger"):
                    for frame in frames if type(frames) is list else (frames,):
                        engine._by_rule[rule_name](frame)
                break
            if engine._obligations:  # as the engine's own loop: the obligations the triggers owe, in one call
                owed, engine._obligations = engine._obligations, []
                engine._ruleset._handle_result(c_core.assert_facts(handle, orjson.dumps(owed).decode()), owed)
            message = c_core.complete_and_start_action(handle, state)
        engine._host.delete_state(durable_engine.RULESET, sid)
    return actions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    book = load_rulebook(None)
    plans = [plan_variant(v) for v in book.variants]
    engine = durable_engine.DurableEngine(plans)
    wires: list[tuple[str, str]] = []
    for case in iter_cases(args.cases, seed=2026, events=args.events):
        chron = chronology_from_text(case.to_json(), "synthetic", book.vocabulary)
        for scenario in scenarios(chron):
            sid = f"{chron.case.id}#{scenario.index}"
            text = wire_facts(scenario_facts(scenario, chron, sid), sid, engine._types, engine._rels)
            if text is not None:
                wires.append((text, sid))
    rules = len(durable_engine.compile_ruleset(plans))
    best_match = best_floor = float("inf")
    actions = 0
    for _ in range(args.runs):  # the fastest run: the machine's noise only ever adds time
        started = time.process_time()
        for text, sid in wires:
            engine.match_wire(text, sid)
        best_match = min(best_match, time.process_time() - started)
        started = time.process_time()
        actions = floor_pass(engine, wires)
        best_floor = min(best_floor, time.process_time() - started)
    n = args.cases
    print(f"{n} cases, {len(wires) / n:.2f} scenarios and {actions / n:.0f} actions a case, {rules} durable rules")
    print(f"match {1000 * best_match / n:.2f} ms a case; floor {1000 * best_floor / n:.2f} ms a case")
    per_10k = 10_000 * best_floor / n  # seconds for 10,000 cases, whatever --cases was
    print(f"so 10,000 cases need at least {per_10k:.1f} s of engine time on one core, "
          f"{per_10k / 2:.1f} s on two, before loading, verdicts and writing")


if __name__ == "__main__":
    main()
