"""How one case's audit and appendix grow with the chronology: time and peak memory per size, one process each.

Run: python benchmarks/single_case_scaling.py [--sizes 250 1000 2500 5000 10000] [--shapes storyline merged]
                                             [--engines durable reference] [--formats docx html md]
                                             [--seed 1] [--timeout 1800] [--keep DIR]

For each size it writes one chronology of about that many events (outside the timing), then runs each of
these in its own process, as a user would (`python -m auditor ...`, this repository's code):
  audit CASE --format json --engine E                    for each engine
  report CASE --format F --date 2026-12-06 --output ...  for each format (the report audits with durable-rules
                                                         first, as the command does; the Word file needs --output)
and prints the wall-clock seconds and the peak resident memory of the process and its children (the
durable-rules child included), from the rusage `wait4` returns. A run longer than --timeout is stopped and
shown as ">N s". Nothing is asserted: performance is not a test (tests/test_scaling.py checks that a
10,000-event case audits correctly and gets its Word appendix).

Shapes:
  storyline  `auditor synth --cases 1 --seed S --events N`: one family's storyline, topped up with routine
             contacts (mostly health contacts), with a few conflicting records.
  merged     synthetic cases of 40 events (seed S) put together into one chronology of about N events (ids
             prefixed by case, people and agencies merged), keeping the first six groups of conflicting
             records (64 readings) and no others: many referrals, assessments, conferences and core groups
             over 18 years, the shape of the 5,760-event chronology that took over 5 minutes and 1.8 GB.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.synth import iter_cases, to_yaml  # noqa: E402

SIZES = (250, 1000, 2500, 5000, 10000)
REPORT_DATE = "2026-12-06"
MAX_CONFLICT_GROUPS = 6  # 2 ** 6 = 64 whole readings, as the 5,760-event case had (once the most the auditor took)


def merged_case(events: int, seed: int = 1, per_case: int = 40, conflict_rate: float = 0.1) -> dict[str, Any]:
    """Synthetic cases of `per_case` events, one after another, as one chronology of at least `events` events."""
    out: list[dict[str, Any]] = []
    people: dict[str, dict[str, Any]] = {}
    agencies: list[str] = []
    facts: dict[str, Any] = {}
    start = end = ""
    groups = 0
    for number, case in enumerate(iter_cases(10 ** 9, seed, per_case, conflict_rate=conflict_rate), 1):
        doc = case.doc
        head = doc["case"]
        prefix = f"C{number}-"
        for person in head["people"]:
            people.setdefault(person["id"], person)
        agencies += [a for a in head["agencies"] if a not in agencies]
        for name, value in head.get("facts", {}).items():
            facts[name] = bool(facts.get(name)) or value
        start = min(start or head["scoping"]["from"], head["scoping"]["from"])
        end = max(end, head["scoping"]["to"])
        kept: set[str] = set()  # the records of a conflicting group already kept
        for event in doc["events"]:
            event = dict(event, id=prefix + event["id"])
            if "links" in event:
                event["links"] = {rel: [prefix + t for t in target] if isinstance(target, list) else prefix + target
                                  for rel, target in event["links"].items()}
            if "same_event_as" in event:
                if event["id"] in kept or groups < MAX_CONFLICT_GROUPS:
                    if event["id"] not in kept:
                        groups += 1
                    event["same_event_as"] = [prefix + t for t in event["same_event_as"]]
                    kept.update(event["same_event_as"])
                else:
                    del event["same_event_as"]
            event["source"] = {"document": "chronology", "row": len(out) + 1}
            out.append(event)
        if len(out) >= events:
            break
    return {"case": {"id": f"merged-{seed}-{events}", "title": f"{len(out)} events of synthetic cases (seed {seed})",
                     "jurisdiction": "england", "area": "birmingham", "scoping": {"from": start, "to": end},
                     "sources": {"chronology": {"title": "Combined multi-agency chronology (synthetic)",
                                                "date": end[:7]}},
                     "people": list(people.values()), "agencies": agencies, "facts": facts},
            "events": out}


def write_case(shape: str, events: int, seed: int, folder: Path) -> Path:
    path = folder / f"{shape}-{events}.yaml"
    if shape == "merged":
        path.write_text(to_yaml(merged_case(events, seed)), encoding="utf-8")
        return path
    subprocess.run([sys.executable, "-m", "auditor", "synth", "--cases", "1", "--seed", str(seed), "--events",
                    str(events), "--out", str(folder / shape), "--format", "yaml"], check=True, env=_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (folder / shape / "case-00001.yaml").replace(path)
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def measure(args: list[str], timeout: float) -> tuple[float | None, int, int]:
    """Seconds (None: stopped at the timeout), peak resident memory in KiB, and exit code of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "auditor", *args], env=_env(), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: the engine's child goes too
            pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return None, usage.ru_maxrss, -9
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(f"    {' '.join(args[:2])}: exit {proc.returncode}: {proc.stderr.read().decode()[-300:]}",
              file=sys.stderr)
    proc.stderr.close()
    return seconds, usage.ru_maxrss, proc.returncode  # ru_maxrss: KiB on Linux, the largest of the process tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="events per case")
    parser.add_argument("--shapes", nargs="+", choices=("storyline", "merged"), default=["storyline", "merged"])
    parser.add_argument("--engines", nargs="+", choices=("durable", "reference"), default=["durable", "reference"])
    parser.add_argument("--formats", nargs="+", choices=("docx", "html", "md"), default=["docx", "html", "md"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is stopped")
    parser.add_argument("--keep", type=Path, help="write the chronologies and outputs here and keep them")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        runs = [("audit " + e, ["audit", "--format", "json", "--engine", e], "json") for e in args.engines]
        runs += [("report " + f, ["report", "--format", f, "--date", REPORT_DATE], f) for f in args.formats]
        print(f"{'shape':10} {'events':>7}  " + "  ".join(f"{name:>20}" for name, _, _ in runs))
        for shape in args.shapes:
            for size in args.sizes:
                case = write_case(shape, size, args.seed, folder)
                events = case.read_text(encoding="utf-8").count("\n- id: ")
                cells = []
                for name, command, ext in runs:
                    output = folder / f"{case.stem}.{name.replace(' ', '-')}.{ext}"
                    seconds, kib, code = measure([command[0], str(case), *command[1:], "--output", str(output)],
                                                 args.timeout)
                    shown = f">{args.timeout:.0f} s" if seconds is None else f"{seconds:.1f} s"
                    cells.append(f"{shown + ('!' if code else ''):>9} {kib / 1024:>6.0f} MB")
                print(f"{shape:10} {events:>7}  " + "  ".join(f"{c:>20}" for c in cells), flush=True)
        print("Each cell: wall-clock time and peak resident memory of that command's own process (and its "
              "children); '!' marks a command that failed.")


if __name__ == "__main__":
    main()
