"""Measure where the time of one audit goes: load, facts, match, verdicts/merge, per case.

Run: python benchmarks/audit_profile.py [--cases 500] [--events 40] [--engine durable|reference|both]
                                       [--isolated] [--profile]

Generates N synthetic cases of about 40 events (benchmarks/engine_throughput.make_case, fixed seed),
then audits them one after another in this process, as a batch worker does, timing:
  load     chronology_from_text on the JSON text (parse, validate, vocabulary checks)
  facts    scenario_facts for every reading, inside `audit`
  match    the matcher's `match` calls inside `audit` (durable-rules in this process, or with
           --isolated in its child process behind a pipe, as `open_matcher` runs it; or the reference evaluator)
  verdicts the rest of `audit`: readings, verdicts, merging into findings, not-applicable findings
  total    load + the whole `audit` call
Each engine runs --runs times; the fastest run is shown (the machine's noise only ever adds time).
Times are this process's CPU time by default (steadier on a shared machine); --clock wall for elapsed
time, which --isolated always uses, since the engine's work is then done in the child process.
Prints milliseconds per case and cases per second. It asserts nothing (performance is not a test).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_throughput import make_case

import auditor.audit.run
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text
from auditor.engine.plan import plan_variant
from auditor.rulebook import load_rulebook


class _Clock:
    seconds = 0.0


def _timed_facts(inner: Any) -> Any:
    def facts(*args: Any) -> Any:
        t0 = _now()
        try:
            return inner(*args)
        finally:
            _Clock.seconds += _now() - t0

    return facts


auditor.audit.run.scenario_facts = _timed_facts(auditor.audit.run.scenario_facts)  # type: ignore[attr-defined]


_NOW = time.process_time


def _now() -> float:
    return _NOW()


class _Timed:
    """Wraps a matcher and adds up the time spent in `match`."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def match(self, facts: list[dict[str, Any]], sid: str) -> Any:
        t0 = _now()
        try:
            return self.inner.match(facts, sid)
        finally:
            self.seconds += _now() - t0


def _matcher(name: str, plans: list[Any], isolated: bool) -> Any:
    if name == "reference":
        from auditor.engine.reference import ReferenceEngine

        return ReferenceEngine(plans)
    if isolated:
        from auditor.engine.isolation import IsolatedEngine

        return IsolatedEngine(plans)
    from auditor.engine.durable_engine import DurableEngine

    return DurableEngine(plans)


def _run(texts: list[str], book: Any, matcher: _Timed) -> tuple[dict[str, float], int]:
    matcher.seconds = _Clock.seconds = 0.0
    t_load = t_audit = 0.0
    findings = 0
    for i, text in enumerate(texts):
        t0 = _now()
        chron = chronology_from_text(text, f"bench-{i}.json", book.vocabulary)
        t1 = _now()
        findings += len(audit(chron, book, matcher, "x").findings)
        t2 = _now()
        t_load += t1 - t0
        t_audit += t2 - t1
    stages = {"load": t_load, "facts": _Clock.seconds, "match": matcher.seconds,
              "verdicts/merge": t_audit - matcher.seconds - _Clock.seconds, "total": t_load + t_audit}
    return stages, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20121104)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", choices=["durable", "reference", "both"], default="both")
    parser.add_argument("--isolated", action="store_true", help="durable-rules in its child process, as the CLI runs it")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run of load + audit (slower)")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu", help="what to time (see above)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort order with --profile")
    parser.add_argument("--gc", choices=["on", "freeze", "off"], default="on",
                        help="garbage collection: as is; gc.freeze() after loading the rulebook; or disabled")
    args = parser.parse_args()
    global _NOW
    _NOW = time.perf_counter if (args.clock == "wall" or args.isolated) else time.process_time

    t0 = time.perf_counter()
    book = load_rulebook(ROOT / "rules")
    plans = [plan_variant(v) for v in book.variants]
    print(f"rulebook: {len(book.rules)} rules, {len(plans)} variants, loaded and planned in "
          f"{time.perf_counter() - t0:.2f} s")
    rng = random.Random(args.seed)
    texts = [make_case(rng, args.events, i) for i in range(args.cases)]
    if args.gc == "freeze":  # what a batch worker can do once its rulebook and engine are loaded
        gc.collect()
        gc.freeze()
    elif args.gc == "off":
        gc.disable()
    n = args.cases
    names = ["durable", "reference"] if args.engine == "both" else [args.engine]

    for name in names:
        matcher = _Timed(_matcher(name, plans, args.isolated))
        _run(texts[:min(20, n)], book, matcher)  # warm up: first-use caches, the child process
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            _run(texts, book, matcher)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
        runs = [_run(texts, book, matcher) for _ in range(args.runs)]
        stages, findings = min(runs, key=lambda r: r[0]["total"])
        label = name + (" (isolated child)" if name == "durable" and args.isolated else "")
        clock = "elapsed" if _NOW is time.perf_counter else "CPU"
        print(f"\n{label}: {n} cases x {args.events} events, {findings / n:.1f} findings per case, "
              f"{clock} time, best of {args.runs} runs")
        for stage, seconds in stages.items():
            print(f"  {stage:<15} {1000 * seconds / n:7.3f} ms/case")
        print(f"  {'throughput':<15} {n / stages['total']:7.0f} cases/s (one process)")
        close = getattr(matcher.inner, "close", None)
        if close:
            close()


if __name__ == "__main__":
    main()
