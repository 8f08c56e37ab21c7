"""`auditor synth`: write synthetic case chronologies, and what was planted in them, for load tests and trainers.

`register(app)` adds the command to the `auditor` Typer app.
"""

from __future__ import annotations

import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import IO, Optional

import typer


class SynthFormat(str, Enum):
    json = "json"
    yaml = "yaml"
    ssd = "ssd"
    cin_census = "cin-census"


def register(app: typer.Typer) -> None:
    """Add `synth` to `app` (once: a second call does nothing)."""
    if any(command.name == "synth" for command in app.registered_commands):
        return

    @app.command("synth")
    def synth_command(
        cases: int = typer.Option(..., "--cases", min=1, help="How many cases to write."),
        seed: int = typer.Option(..., "--seed", help="Seed: the same seed and options give the same bytes."),
        events: int = typer.Option(40, "--events", min=1, help="About how many events a case has (its storyline, "
                                   "topped up with routine contacts)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Folder to write one file per case into "
                                           "(case-00001.json ...)."),
        jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="JSON-lines file to write, one case per line, as "
                                             "`auditor batch` reads (default, with no --out: the screen)."),
        fmt: SynthFormat = typer.Option(SynthFormat.json, "--format", help="File format with --out: json or yaml "
                                        "chronologies; or an authority's records: ssd (a folder of SSD tables) or "
                                        "cin-census (an XML return)."),
        missing_rate: float = typer.Option(0.05, "--missing-rate", min=0.0, max=1.0, help="ssd and cin-census: chance "
                                           "that a step's date or flag is left unrecorded (a data quality finding)."),
        departure_rate: float = typer.Option(0.3, "--departure-rate", min=0.0, max=1.0, help="Chance that each "
                                             "opportunity to depart from a standard is planted as a departure."),
        imprecise_rate: float = typer.Option(0.15, "--imprecise-rate", min=0.0, max=1.0, help="Chance that an event "
                                             "whose date may be loose is written month-only or as a range."),
        conflict_rate: float = typer.Option(0.1, "--conflict-rate", min=0.0, max=1.0, help="Chance of a second, "
                                            "conflicting record (same_event_as) where one can be made."),
        start: int = typer.Option(1, "--start", min=1, help="Number of the first case: case i of a seed is the "
                                  "same whatever the run, so a large set can be written in parts."),
        truth: Optional[Path] = typer.Option(None, "--truth", help="Also write what was planted in each case (rule "
                                             "and trigger event of every departure, and every compliant "
                                             "opportunity), as JSON. Keep it outside the --out folder."),
    ) -> None:
        """Write synthetic case chronologies with planted departures from the standards.

        Each case is built from episodes like the founding case's (police incidents with DASH assessments,
        referral, assessment, strategy discussion, section 47 enquiry, conferences, core groups, health, housing,
        transfer and closure), dated 2006-2024, with pseudonyms and roles only. Every opportunity to depart from a
        standard is planted as a departure with probability --departure-rate, otherwise built compliant; --truth
        records which. Cases are not real and must not be presented as such.

        Examples:

          auditor synth --cases 3 --seed 1

          auditor synth --cases 10000 --seed 7 --jsonl cases.jsonl --truth truth.json

          auditor synth --cases 50 --seed 7 --out synthetic/ --format yaml --departure-rate 0

          auditor synth --cases 50000 --seed 7 --format ssd --out extract/ --truth truth.json

          auditor synth --cases 5000 --seed 7 --format cin-census --out census.xml --truth truth.json

        With --format ssd or cin-census, each child follows one path (a referral and assessment; a section 47
        enquiry, conference, plan, visits and reviews; or a period of care, its reviews and missing episodes);
        each step with a timescale is late with probability --departure-rate, unrecorded with --missing-rate.
        """
        if fmt in (SynthFormat.ssd, SynthFormat.cin_census):
            _records(fmt, cases, seed, start, departure_rate, missing_rate, out, truth)
            return
        from ..synth import DEPARTURES, GENERATOR, iter_cases

        if out is not None and jsonl is not None:
            raise typer.BadParameter("give --out FOLDER or --jsonl FILE, not both", param_hint="--out / --jsonl")
        if fmt is SynthFormat.yaml and out is None:
            raise typer.BadParameter("YAML is written one file per case: add --out FOLDER", param_hint="--format")
        began = time.perf_counter()
        stream: IO[str] | None = None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            where = str(out)
        elif jsonl is not None and str(jsonl) != "-":
            jsonl.parent.mkdir(parents=True, exist_ok=True)
            stream = open(jsonl, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
            where = str(jsonl)
        else:
            stream = _stdout()
            where = "the screen"
        truth_stream = None
        if truth is not None:
            truth.parent.mkdir(parents=True, exist_ok=True)
            truth_stream = open(truth, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
            header = {"generator": GENERATOR, "seed": seed, "start": start, "cases": cases, "events": events,
                      "departure_rate": departure_rate, "imprecise_rate": imprecise_rate,
                      "conflict_rate": conflict_rate, "departure_kinds": DEPARTURES}
            truth_stream.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "plans": [\n')
        n_events = n_departures = 0
        try:
            for number, case in enumerate(iter_cases(cases, seed, events, departure_rate, start=start,
                                                     imprecise_rate=imprecise_rate, conflict_rate=conflict_rate)):
                n_events += len(case.doc["events"])
                n_departures += len(case.plan.departures)
                plan = case.plan.as_dict()
                if out is not None:
                    name = f"case-{case.index:05d}.{fmt.value}"
                    text = case.to_json() + "\n" if fmt is SynthFormat.json else case.to_yaml()
                    with open(out / name, "w", encoding="utf-8", newline="\n") as handle:
                        handle.write(text)
                    plan["file"] = name
                else:
                    assert stream is not None
                    stream.write(case.to_json() + "\n")
                    plan["line"] = number + 1
                if truth_stream is not None:
                    truth_stream.write(("" if number == 0 else ",\n") + json.dumps(plan, ensure_ascii=False,
                                                                                   separators=(",", ":")))
            if truth_stream is not None:
                truth_stream.write("\n ]\n}\n")
        finally:
            if stream is not None:
                stream.flush()
                if stream is not sys.stdout:
                    stream.close()
            if truth_stream is not None:
                truth_stream.close()
        took = time.perf_counter() - began
        typer.echo(f"{cases} synthetic case{'s' if cases != 1 else ''} ({n_events} events, {n_departures} planted "
                   f"departures) written to {where} in {took:.1f} s"
                   + (f"; what was planted in {truth}" if truth is not None else ""), err=True)


def _records(fmt: SynthFormat, cases: int, seed: int, start: int, late_rate: float, missing_rate: float,
             out: Optional[Path], truth: Optional[Path]) -> None:
    """`synth --format ssd|cin-census`: an authority's records, and (--truth) every planted step."""
    from ..synth.records import write_cin_census, write_ssd

    if out is None:
        raise typer.BadParameter("records are written to --out (a folder for ssd, an .xml file for cin-census)",
                                 param_hint="--out")
    if start != 1:
        raise typer.BadParameter("--start is for chronologies; records are written whole", param_hint="--start")
    began = time.perf_counter()
    writer = write_ssd if fmt is SynthFormat.ssd else write_cin_census
    planted = writer(out, cases, seed, late_rate, missing_rate)
    if truth is not None:
        truth.parent.mkdir(parents=True, exist_ok=True)
        rows = [{"child": p.child, "rule_id": p.rule_id, "trigger_date": p.trigger_date, "expected": p.expected}
                for p in planted]
        truth.write_text(json.dumps({"format": fmt.value, "seed": seed, "children": cases, "late_rate": late_rate,
                                     "missing_rate": missing_rate, "planted": rows}, indent=0) + "\n",
                         encoding="utf-8")
    late = sum(p.expected == "breach" for p in planted)
    typer.echo(f"{cases} synthetic children ({late} late steps planted) written to {out} in "
               f"{time.perf_counter() - began:.1f} s" + (f"; what was planted in {truth}" if truth else ""), err=True)


def _stdout() -> IO[str]:
    """The screen, as UTF-8 with \\n line ends whatever the platform."""
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", newline="\n")
    return stream
