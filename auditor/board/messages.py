"""The board pack's front page: the messages a board reads first, computed from the round's figures.

A board paper leads with what needs attention, what changed and what went well; the tables follow. Every message
here is a sentence built from counts in the pack, so it can be checked against the tables:

* the standards with the highest departure rates, with the number of *cases* affected as well as judgements;
* the biggest changes since the previous round (`--compare`), each with its direction and whether it is more than
  the noise of small numbers: a two-proportion z-test at the 5% level (|z| >= 1.96), the usual first check on a
  change in a rate between two samples;
* what was done well: the standards met in at least `WELL` (80%) of their judgements, highest met rate first.

A rate over fewer than `min_judged` judgements is given as counts ("2 of 3 judgements"), never as a percentage:
with a handful of cases one case moves it by a third.

With a targets file (`--targets`), each standard with a target is red, amber or green against it, as boards'
scorecards are: green at or below the target departure rate, amber up to `amber_margin` above it, red beyond.
Without targets there is no RAG.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..words import count, uk_date

MIN_JUDGED = 10  # below this many judgements a rate is shown as counts
WELL = 0.8  # a standard met in at least this share of its judgements is practice done well
SHOWN = 3  # messages of each kind on the front page
Z_5_PERCENT = 1.96


class Targets(BaseModel):
    """A board's targets: the highest departure rate it accepts per standard (0.1 is 10%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amber_margin: float = Field(default=0.05, ge=0, le=1)  # amber up to this far above the target
    standards: dict[str, float] = Field(min_length=1)


def events_counted(since: str | None, until: str | None) -> str:
    """Which events a round counted, as the front page and the workbook's Summary both say it."""
    if since and until:
        return f"events from {uk_date(since)} to {uk_date(until)}"
    if since:
        return f"events from {uk_date(since)}"
    if until:
        return f"events up to {uk_date(until)}"
    return "all dates in each case's chronology"


def load_targets(path: Path, rule_ids: set[str]) -> Targets:
    """A targets file (YAML), every problem with its field; rates as fractions (0.1) or percentages ("10%")."""
    from ..files.reading import load_file

    doc = load_file(path)
    document = doc.data
    if isinstance(document, dict) and isinstance(document.get("standards"), dict):
        document = {**document, "standards": {k: _rate(v) for k, v in document["standards"].items()}}
    try:
        targets = Targets.model_validate(document)
    except ValidationError as exc:
        raise InputError([doc.problem(tuple(e["loc"]), e["msg"]) for e in exc.errors()],
                         "no board pack was written") from None
    problems = [doc.problem(("standards", rule), "no such standard in the rulebook (see `auditor rules list`)")
                for rule in targets.standards if rule not in rule_ids]
    problems += [doc.problem(("standards", rule), f"a departure rate is between 0 and 1 (or 0% and 100%), not {rate}")
                 for rule, rate in targets.standards.items() if not 0 <= rate <= 1]
    if problems:
        raise InputError(problems, "no board pack was written")
    return targets


def _rate(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            return value
    return value


def rag(standard: dict[str, Any], targets: Targets | None, min_judged: int = MIN_JUDGED) -> str:
    """red, amber, green; "too few" below `min_judged` judgements; "" without a target."""
    if targets is None or standard["rule_id"] not in targets.standards:
        return ""
    if standard["judged"] < min_judged or standard["departure_rate"] is None:
        return "too few"
    target = targets.standards[standard["rule_id"]]
    rate = standard["departure_rate"]
    if rate <= target + 1e-9:
        return "green"
    return "amber" if rate <= target + targets.amber_margin + 1e-9 else "red"


def shown_rate(part: int, judged: int, min_judged: int = MIN_JUDGED) -> str:
    """"35% (7 of 20 judgements)", or only the counts below `min_judged`."""
    of = f"{part} of {count(judged, 'judgement')}"
    if judged < min_judged:
        return of
    return f"{_pct(part / judged)} ({of})"


def front_page(data: dict[str, Any], targets: Targets | None = None, min_judged: int = MIN_JUDGED) -> dict[str, Any]:
    """The front page's messages, each a sentence and the figures it rests on."""
    standards = data["standards"]
    rated = [s for s in standards if s["judged"] >= min_judged and s["breach"]]
    rated.sort(key=lambda s: (-s["departure_rate"], -s["breach"], s["rule_id"]))
    highest = [{"rule_id": s["rule_id"], "title": s["title"], "rag": rag(s, targets, min_judged),
                "text": (f"{s['title']}: departures in {shown_rate(s['breach'], s['judged'], min_judged)}, in "
                         f"{s['cases_with_departure']} of {count(s.get('cases_judged', s['judged']), 'case')}"
                         " judged on it.")} for s in rated[:SHOWN]]
    few = [s for s in standards if 0 < s["judged"] < min_judged and s["breach"]]
    few_text = ("Too few judgements for a rate: " + "; ".join(
        f"{s['title']}: {count(s['breach'], 'departure')} in {count(s['judged'], 'judgement')}" for s in few[:SHOWN])
        + (f"; and {len(few) - SHOWN} more standards" if len(few) > SHOWN else "") + "." if few else "")
    well = sorted((s for s in standards if s["judged"] >= min_judged and (s["met_rate"] or 0) >= WELL),
                  key=lambda s: (-(s["met_rate"] or 0), -s["met"], s["rule_id"]))
    done_well = [{"rule_id": s["rule_id"], "title": s["title"],
                  "text": f"{s['title']}: met in {shown_rate(s['met'], s['judged'], min_judged)}."}
                 for s in well[:SHOWN]]
    changes = _changes(data.get("comparison"), {s["rule_id"]: s["title"] for s in standards}, min_judged)
    scorecard = None
    if targets is not None:
        counts = {colour: sum(1 for s in standards if rag(s, targets, min_judged) == colour)
                  for colour in ("red", "amber", "green", "too few")}
        scorecard = {"counts": counts, "amber_margin": targets.amber_margin, "targets": len(targets.standards)}
    return {"highest": highest, "few": few_text, "done_well": done_well, "changes": changes,
            "scorecard": scorecard, "min_judged": min_judged, "well": WELL}


def _changes(comparison: dict[str, Any] | None, titles: dict[str, str], min_judged: int) -> list[dict[str, Any]]:
    if not comparison:
        return []
    found = []
    for row in comparison["standards"]:
        before, now = row["departure_rate_before"], row["departure_rate_now"]
        n1, n2 = row["judged_before"] or 0, row["judged_now"] or 0
        if before is None or now is None or n1 < min_judged or n2 < min_judged or before == now:
            continue
        z = _z(before, n1, now, n2)
        found.append((-abs(now - before), row["rule_id"], before, now, n1, n2, z))
    found.sort()
    out = []
    for _, rule_id, before, now, n1, n2, z in found[:SHOWN]:
        direction = "up" if now > before else "down"
        beyond = abs(z) >= Z_5_PERCENT
        out.append({"rule_id": rule_id, "direction": direction, "significant": beyond,
                    "text": (f"{titles.get(rule_id, rule_id)}: departure rate {direction} from {_pct(before)} "
                             f"({n1} judgements) to {_pct(now)} ({n2}), "
                             + ("more than the noise of numbers this size." if beyond else
                                "within the noise of numbers this size: not yet a change to act on."))})
    return out


def _z(p1: float, n1: int, p2: float, n2: int) -> float:
    """The two-proportion z statistic, pooled; 0 where the pooled rate is 0 or 1 (no spread to compare)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 0.0 if spread == 0 else (p2 - p1) / spread


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"
