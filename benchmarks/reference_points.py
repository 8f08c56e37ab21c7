"""Reference points for the batch benchmark: the nearest timed-constraint checkers on the same synthetic cases.

Neither tool is a dependency of the auditor; run them from a separate virtual environment:

    python benchmarks/reference_points.py export --cases 10000 --out /tmp/cases.csv     # the project's venv
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install declare4py==2.2.0      # brings pm4py
    /tmp/refvenv/bin/python benchmarks/reference_points.py check /tmp/cases.csv         # the other venv

`export` writes the cases of benchmarks/batch.py (seed 2026, about 40 events each) as an event log: one row
per event, with the case id, the event type as the activity and the earliest moment as the timestamp.
`check` times, in that venv: Declare4Py's MP-Declare conformance checking with five constraints of the kind
the rulebook holds (a strategy discussion answered by a conference within 15 days, a referral followed by
an assessment, an incident followed by a DASH assessment, a report preceding a conference, a conference
followed by a core group), and pm4py's own Declare conformance on the same five. It prints wall and CPU
seconds for loading the log and for checking; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

CONSTRAINTS = {  # MP-Declare (Declare4Py's syntax): activation, target, and a time window in days where one
    "Response[strategy-discussion, initial-child-protection-conference] | | |0,15,d": None,
    "Response[referral, initial-assessment] | | |": None,
    "Response[domestic-abuse-incident, dash-risk-assessment] | | |": None,
    "Precedence[conference-report, initial-child-protection-conference] | | |": None,
    "Response[initial-child-protection-conference, core-group-meeting] | | |0,10,d": None,
}


def export(cases: int, out: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from auditor.chronology.loader import chronology_from_text
    from auditor.rulebook import load_rulebook
    from auditor.synth import iter_cases

    vocabulary = load_rulebook(None).vocabulary
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case:concept:name", "concept:name", "time:timestamp"])
        for case in iter_cases(cases, seed=2026, events=40):
            chron = chronology_from_text(case.to_json(), "synthetic", vocabulary)
            for event in sorted(chron.events, key=lambda e: e.date.earliest):
                writer.writerow([chron.case.id, event.type, event.date.earliest.isoformat()])
    print(f"wrote {cases:,} cases to {out}")


def check(path: Path) -> None:
    import pandas as pd
    import pm4py
    from Declare4Py.D4PyEventLog import D4PyEventLog
    from Declare4Py.ProcessMiningTasks.ConformanceChecking.MPDeclareAnalyzer import MPDeclareAnalyzer
    from Declare4Py.ProcessModels.DeclareModel import DeclareModel

    def timed(what: str, work):  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        print(f"{what}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
        return result

    frame = timed("read the CSV (pandas)", lambda: pd.read_csv(path, parse_dates=["time:timestamp"]))
    log = timed("to a pm4py event log", lambda: pm4py.convert_to_event_log(
        pm4py.format_dataframe(frame, case_id="case:concept:name", activity_key="concept:name",
                               timestamp_key="time:timestamp")))
    print(f"{len(log):,} traces, {len(frame):,} events")
    d4py_log = D4PyEventLog(log=log)
    activities = sorted(frame["concept:name"].unique())
    model_text = "\n".join([f"activity {a}" for a in activities] + list(CONSTRAINTS))
    model = DeclareModel().parse_from_string(model_text)
    timed("Declare4Py MP-Declare conformance, 5 constraints", lambda: MPDeclareAnalyzer(
        log=d4py_log, declare_model=model, consider_vacuity=False).run())
    # pm4py's Declare conformance takes a model as its discovery returns it: the same five templates, no windows.
    both = {"support": 1.0, "confidence": 1.0}
    pm_model = {"response": {(a, b): both for a, b in [
                    ("strategy-discussion", "initial-child-protection-conference"), ("referral", "initial-assessment"),
                    ("domestic-abuse-incident", "dash-risk-assessment"),
                    ("initial-child-protection-conference", "core-group-meeting")]},
                "precedence": {("conference-report", "initial-child-protection-conference"): both}}
    timed("pm4py Declare conformance, 5 constraints (no time windows)", lambda: pm4py.conformance_declare(
        frame, pm_model, activity_key="concept:name", timestamp_key="time:timestamp",
        case_id_key="case:concept:name"))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export")
    ex.add_argument("--cases", type=int, default=10_000)
    ex.add_argument("--out", type=Path, required=True)
    ch = sub.add_parser("check")
    ch.add_argument("log", type=Path)
    args = parser.parse_args()
    export(args.cases, args.out) if args.command == "export" else check(args.log)


if __name__ == "__main__":
    main()
