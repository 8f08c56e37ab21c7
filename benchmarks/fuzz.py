"""Fuzz the auditor with mutated chronologies and rulebooks; print the counts and save any failure.

    python benchmarks/fuzz.py                                   # 100,000 chronologies, 5,000 rulebooks
    python benchmarks/fuzz.py --chronologies 2000 --rulebooks 100 --processes 2 --seed 7

Every mutant must be audited (both engines agreeing) or refused as input (exit 2, naming its file); one in
`--cli-every` also goes through the `auditor audit` command. A traceback, an exit 1 for input at fault, an
engine crash or the engines disagreeing is a failure: each is written to --failures with the mutant that
caused it, for a regression test. The mutation engine is tests/fuzzing.py; the suite runs a short version.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import Tally, fuzz_chronologies, fuzz_rulebooks


def _chronologies(args: tuple[int, int, int]) -> Tally:
    count, seed, cli_every = args
    return fuzz_chronologies(count, seed, cli_every=cli_every)


def _rulebooks(args: tuple[int, int]) -> Tally:
    count, seed = args
    return fuzz_rulebooks(count, seed)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chronologies", type=int, default=100_000)
    parser.add_argument("--rulebooks", type=int, default=5_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--cli-every", type=int, default=200, help="one mutant in N also through the command")
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures.jsonl"))
    args = parser.parse_args()

    started = time.monotonic()
    results: dict[str, list[Tally]] = {}
    with ProcessPoolExecutor(args.processes) as pool:
        chron_jobs = [(n, args.seed + i, args.cli_every) for i, n in enumerate(_split(args.chronologies, args.processes))]
        rule_jobs = [(n, args.seed + 1000 + i) for i, n in enumerate(_split(args.rulebooks, args.processes))]
        results["chronologies"] = list(pool.map(_chronologies, chron_jobs))
        results["rulebooks"] = list(pool.map(_rulebooks, rule_jobs))
    failures = []
    for kind, tallies in results.items():
        audited = sum(t.audited for t in tallies)
        refused = sum(t.refused for t in tallies)
        cli = sum(t.cli_runs for t in tallies)
        found = [f for t in tallies for f in t.failures]
        failures += [{"kind": kind, "what": w, "error": e, "mutant": m} for w, e, m in found]
        by_kind = Counter(w for w, _, _ in found)
        print(f"{kind}: {audited + refused + len(found):,} mutants: {audited:,} accepted, {refused:,} refused as "
              f"input (exit 2){f', {cli:,} also through the command' if cli else ''}; failures: "
              f"{len(found)}{' ' + dict(by_kind).__repr__() if by_kind else ''}")
    print(f"{time.monotonic() - started:.0f} s with {args.processes} processes, seed {args.seed}")
    if failures:
        with args.failures.open("w", encoding="utf-8") as handle:
            for failure in failures:
                handle.write(json.dumps(failure, ensure_ascii=False) + "\n")
        print(f"failures written to {args.failures}")
        sys.exit(1)


if __name__ == "__main__":
    main()
