"""Chronologies with conflicting records added: for the readings tests and benchmarks/conflicts.py."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any


def with_conflicts(doc: dict[str, Any], pairs: int, shift_days: int = 3) -> dict[str, Any]:
    """`doc` (a chronology as loaded from YAML) with `pairs` more pairs of conflicting records: events spread
    evenly over the chronology, each alone, get a second record of the same event by
    another agency, dated `shift_days` later (links kept, so what it answers or is for is the same)."""
    out = copy.deepcopy(doc)
    events = out["events"]
    agencies = out["case"]["agencies"]
    alone = [e for e in events if not e.get("same_event_as") and isinstance(e["date"], (date, dict))
             and not any(e["id"] in (o.get("same_event_as") or []) for o in events)]
    if pairs > len(alone):
        raise ValueError(f"only {len(alone)} events can be given a conflicting record")
    step = len(alone) / pairs if pairs else 1
    for n in range(pairs):
        event = alone[int(n * step)]
        when, later = event["date"], timedelta(days=shift_days)
        when = when + later if isinstance(when, date) else {
            "earliest": when["earliest"] + later, "latest": when["latest"] + later,
            "as_written": f"{when['as_written']} (another record: {shift_days} days later)"}
        other = dict(copy.deepcopy(event), id=f"{event['id']}-alt", date=when, same_event_as=[event["id"]],
                     recorded_by=next(a for a in agencies if a != event["agency"]))
        other["summary"] = f"Second record of {event['id']}, dated {shift_days} days later."
        events.append(other)
    return out
