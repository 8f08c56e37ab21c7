"""An authority's records at scale: a synthetic SSD extract (50,000 children) and a CIN census return (5,000),
read, audited and packed end to end, then scored against what was planted.

Run: python benchmarks/records.py [--children 50000] [--census 5000] [--workers 2] [--seed 2026]
Prints, for each format: rows and bytes read, the wall time of `auditor batch --records` (reading, joining,
auditing and writing the board pack), CPU seconds, peak memory of the largest process, and the score: planted
late steps found (recall) and departures found that were planted (precision), and the unrecorded steps that
came back as not evaluable. It asserts nothing (performance is not a test).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.synth.records import score, write_cin_census, write_ssd  # noqa: E402


MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def audited(out: Path) -> list[tuple[str, str, str, str]]:
    found = []
    for path in (out / "cases").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        child = data["case"]["id"].removeprefix("child-")
        found.extend((child, f["rule_id"], f["status"], f["trigger_date"][:10]) for f in data["findings"])
    return found


def run(fmt: str, children: int, seed: int, workers: int, folder: Path) -> None:
    source = folder / ("extract" if fmt == "ssd" else "census.xml")
    began = time.perf_counter()
    planted = (write_ssd if fmt == "ssd" else write_cin_census)(source, children, seed, 0.3, 0.05)
    written = time.perf_counter() - began
    size = sum(p.stat().st_size for p in ([source] if source.is_file() else source.iterdir()))
    out = folder / f"out-{fmt}"
    began = time.perf_counter()
    command = [sys.executable, "-m", "auditor", "batch", "--records", fmt, str(source), "--out", str(out),
               "--keep-ids", "--workers", str(workers), "--date", "2026-12-07"]
    # Each run in a process of its own, which reports its descendants' CPU and the largest one's peak memory.
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        print(done.stdout, done.stderr)
    cpu, peak = (float(x) for x in done.stdout.split()[-2:])
    found = score([p.__dict__ for p in planted], audited(out))
    print(f"{fmt}: {children:,} children, {size / 2**20:,.1f} MB of records (written in {written:.1f} s)")
    print(f"  auditor batch --records {fmt}: {wall:.1f} s wall, {cpu:.1f} s CPU, {children / wall:,.0f} children/s, "
          f"peak memory of the largest process {peak / 1024:,.0f} MB")
    print(f"  planted late steps {found.planted:,}, departures found {found.found:,}: recall "
          f"{found.recall:.2%}, precision {found.precision:.2%}; unrecorded steps not evaluable "
          f"{found.unrecorded_found:,} of {found.unrecorded_planted:,}")
    if found.missed or found.extra:
        print(f"  missed {found.missed[:5]}, extra {found.extra[:5]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--census", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="records-bench-") as folder:
        run("ssd", args.children, args.seed, args.workers, Path(folder))
        run("cin-census", args.census, args.seed, args.workers, Path(folder))


if __name__ == "__main__":
    main()
