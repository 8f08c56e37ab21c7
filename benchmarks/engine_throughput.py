"""Measure: the whole-process audit of the founding case, and engine facts per second on a generated batch.

Run: python benchmarks/engine_throughput.py [--cases 2000] [--events 40] [--runs 7]
Prints figures; it asserts nothing (performance is not a test).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.chronology.loader import chronology_from_text  # noqa: E402
from auditor.engine.facts import scenario_facts, scenarios  # noqa: E402
from auditor.engine.plan import plan_variant  # noqa: E402
from auditor.engine.reference import ReferenceEngine  # noqa: E402
from auditor.rulebook import load_rulebook  # noqa: E402

TYPES = ["strategy-discussion", "initial-child-protection-conference", "conference-report", "core-group-meeting",
         "conference-minutes-sent", "initial-assessment", "information-check", "home-visit", "case-closure",
         "dash-risk-assessment", "referral", "health-contact", "contact"]
AGENCIES = ["police", "childrens-social-care", "health-visiting", "gp", "housing"]


def make_case(rng: random.Random, n_events: int, index: int) -> str:
    import json

    start = date(2009, 1, 1) + timedelta(days=rng.randint(0, 3000))
    events = []
    for i in range(n_events):
        day = start + timedelta(days=rng.randint(0, 400))
        attrs = {"concerns": ["domestic-abuse"]} if rng.random() < 0.5 else {}
        if rng.random() < 0.3:
            attrs["invited"] = rng.sample(AGENCIES, 2)
        if rng.random() < 0.3:
            attrs["status"] = rng.choice(["held", "cancelled", "completed"])
        if rng.random() < 0.2:
            attrs["with"] = rng.sample(AGENCIES, 1)
        events.append({"id": f"E{i:03d}", "date": day.isoformat(), "agency": rng.choice(AGENCIES),
                       "type": rng.choice(TYPES), "attrs": attrs, "source": {"document": "synthetic", "paras": [i]}})
    case = {"id": f"bench-{index}", "title": "Synthetic", "jurisdiction": "england",
            "area": rng.choice([None, "birmingham"]),
            "scoping": {"from": start.isoformat(), "to": (start + timedelta(days=500)).isoformat()},
            "facts": {"domestic_abuse": rng.random() < 0.5}}
    return json.dumps({"case": case, "events": events})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    auditor = [sys.executable, "-m", "auditor", "audit", str(ROOT / "fixtures/cases/bdhr-2012-13-04.yaml")]
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run(auditor, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    print(f"auditor audit (founding case, whole process): median {statistics.median(times):.2f} s "
          f"over {args.runs} runs (min {min(times):.2f}, max {max(times):.2f})")

    book = load_rulebook(ROOT / "rules")
    plans = [plan_variant(v) for v in book.variants]
    rng = random.Random(20121104)
    batches = []
    for i in range(args.cases):
        chron = chronology_from_text(make_case(rng, args.events, i), f"bench-{i}.json", book.vocabulary)
        sid = f"bench-{i}"
        batches.append((scenario_facts(scenarios(chron)[0], chron, sid), sid))
    n_facts = sum(len(f) for f, _ in batches)

    from auditor.engine.durable_engine import DurableEngine

    for engine in (DurableEngine(plans), ReferenceEngine(plans)):
        t0 = time.perf_counter()
        for facts, sid in batches:
            engine.match(facts, sid)
        elapsed = time.perf_counter() - t0
        print(f"{engine.name}: {args.cases} cases x {args.events} events, {len(plans)} rule variants: "
              f"{elapsed:.2f} s, {n_facts / elapsed:,.0f} facts/s, {args.cases / elapsed:,.0f} cases/s")


if __name__ == "__main__":
    main()
