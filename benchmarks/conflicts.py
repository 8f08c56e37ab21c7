"""How the audit of one case grows with its conflicting records (auditor.audit.readings).

Run: python benchmarks/conflicts.py [--pairs 0 4 6 7 12] [--runs 3]

For each count it writes the founding case with that many more pairs of conflicting records (events spread
over the chronology, each given a second record by another agency dated three days later:
tests/conflicting.py) and runs `python -m auditor audit CASE --format json` in its own process, as a user
would, printing the median wall-clock seconds, the readings of the whole case the audit matched, the
findings that state readings, and the longest statement. Before the readings were factorised, four pairs
gave a 16-reading ICPC finding of 7,000 characters and seven refused the case.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conflicting import with_conflicts  # noqa: E402

CASE = ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[0, 4, 6, 7, 12])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    doc = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    print(f"{'pairs':>5} {'seconds':>8} {'conflicts':>9} {'findings with readings':>22} {'longest statement':>17}")
    with tempfile.TemporaryDirectory() as folder:
        for pairs in args.pairs:
            case = Path(folder) / f"case-{pairs}.json"
            case.write_text(json.dumps(with_conflicts(doc, pairs), default=str), encoding="utf-8")
            times, out = [], ""
            for _ in range(args.runs):
                start = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(case), "--format", "json"],
                                      capture_output=True, text=True, cwd=ROOT)
                times.append(time.perf_counter() - start)
                if done.returncode != 0:
                    sys.exit(f"{pairs} pairs: exit {done.returncode}: {done.stderr[-500:]}")
                out = done.stdout
            result = json.loads(out)
            stated = sum(1 for f in result["findings"] if f["depends_on"])
            longest = max(len(f["statement"]) for f in result["findings"])
            print(f"{pairs:>5} {statistics.median(times):>8.2f} {len(result['readings']):>9} {stated:>22} "
                  f"{longest:>17}")


if __name__ == "__main__":
    main()
