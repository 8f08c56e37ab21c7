"""The batch benchmark: 10,000 synthetic cases of about 40 events, the full default rulebook, end to end.

Run: python benchmarks/batch.py [--cases 10000] [--events 40] [--workers 2] [--skip-reference] [--digest]
Prints cases/s and events/s end to end, CPU seconds of every process, the share of time in loading, engine
and writing, peak memory, the output's size, and the same run with the reference evaluator as a ratio. It
asserts nothing (performance is not a test). Target on a 2-core machine: under 15 s and under 1 GiB.

--digest also writes every case in the full layout (`auditor batch --full`) in a second run, and prints one
SHA-256 over all of them: run it on two versions of the auditor to show that their findings are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.batch.runner import BatchResult, run_batch  # noqa: E402
from auditor.synth import iter_cases  # noqa: E402


def write_cases(path: Path, cases: int, events: int) -> float:
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as handle:
        for case in iter_cases(cases, seed=2026, events=events):
            handle.write(case.to_json() + "\n")
    return time.perf_counter() - started


def one_run(jsonl: Path, out: Path, workers: int, engine: str, **options: object) -> tuple[float, BatchResult]:
    started = time.perf_counter()
    result = run_batch([str(jsonl)], out, workers=workers, engine=engine, **options)
    return time.perf_counter() - started, result


def cpu_seconds() -> float:
    """User and system CPU of this process and of every child it has waited for (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def findings_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((folder / "cases").iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def report(name: str, seconds: float, result: BatchResult, workers: int) -> None:
    load, engine, render = result.worker_seconds
    busy = load + engine + render
    print(f"{name}: {result.audited:,} cases ({result.failed} failed), {result.events:,} events in {seconds:.1f} s: "
          f"{result.audited / seconds:,.0f} cases/s, {result.events / seconds:,.0f} events/s end to end")
    if busy:
        print(f"  worker time (summed over {workers} workers): loading {load / busy:.0%}, engine and verdicts "
              f"{engine / busy:.0%}, rendering findings {render / busy:.0%} "
              f"({1000 * busy / max(result.audited, 1):.2f} ms per case); writing in the main process "
              f"{result.writing_seconds:.1f} s ({result.writing_seconds / seconds:.0%} of the run)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--digest", action="store_true", help="also print a digest of every case's findings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "cases.jsonl"
        made = write_cases(jsonl, args.cases, args.events)
        print(f"generated {args.cases:,} cases in {made:.1f} s ({jsonl.stat().st_size / 1e6:.0f} MB of JSON lines)")
        cpu = cpu_seconds()
        seconds, durable = one_run(jsonl, Path(tmp) / "durable", args.workers, "durable")
        cpu = cpu_seconds() - cpu
        report("durable-rules", seconds, durable, args.workers)
        print(f"  CPU: {cpu:.1f} s in all processes ({1000 * cpu / max(durable.audited, 1):.2f} ms a case); "
              f"output {size_of(Path(tmp) / 'durable') / 1e6:,.0f} MB")
        main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        # Each worker has an engine child; the largest of them times the number of processes bounds the total.
        print(f"  peak memory: main process {main_peak:.0f} MB; largest worker or engine process {child_peak:.0f} MB; "
              f"at most {main_peak + 2 * args.workers * child_peak:.0f} MB in all")
        if args.digest:
            # Versions before the compact layout wrote the full one without being asked; then a `full` flag, now
            # CaseOptions.
            params = inspect.signature(run_batch).parameters
            if "options" in params:
                from auditor.batch.worker import CaseOptions
                options: dict = {"options": CaseOptions(full=True)}
            else:
                options = {"full": True} if "full" in params else {}
            _, full = one_run(jsonl, Path(tmp) / "full", args.workers, "durable", **options)
            print(f"  findings digest (full layout, {full.audited:,} cases): {findings_digest(Path(tmp) / 'full')}")
        if not args.skip_reference:
            ref_seconds, reference = one_run(jsonl, Path(tmp) / "reference", args.workers, "reference")
            report("reference evaluator", ref_seconds, reference, args.workers)
            print(f"  durable-rules / reference time: {seconds / ref_seconds:.2f}")


if __name__ == "__main__":
    main()
