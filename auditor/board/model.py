"""Aggregate a batch into the board pack's views, one case at a time, in input order.

Counts are of *judgements*: one per event that engaged a standard (a case with
two initial conferences is judged twice on the conference timescale). The
case-by-standard matrix shows, per case, the least favourable status of each
standard. A departure rate is departures over judgements that could be made
(departure, possible departure, met); possible departures and standards met are
reported beside it, never folded in, so good practice is visible next to gaps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from ..status import DEPARTURES, DISPLAY_ORDER, JUDGED, LABELS
from ..rulebook import Rulebook
from ..rulebook.conditions import label
from .outcome import Outcome

ORDER = DISPLAY_ORDER
RANK = {s: i for i, s in enumerate(ORDER)}
COUNTED = JUDGED


def rates(counts: Counter[str]) -> dict[str, Any]:
    judged = counts["breach"] + counts["possible-breach"] + counts["met"]
    return {**{s: counts[s] for s in COUNTED}, "judged": judged,
            "departure_rate": round(counts["breach"] / judged, 4) if judged else None,
            "possible_rate": round(counts["possible-breach"] / judged, 4) if judged else None,
            "met_rate": round(counts["met"] / judged, 4) if judged else None}


class Board:
    def __init__(self, rulebook: Rulebook, since: date | None = None, until: date | None = None):
        self.rulebook = rulebook
        self.since, self.until = since, until
        self.rule_ids = sorted(rulebook.rules)
        self.cases: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.by_rule: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_agency: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_year: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_theme: dict[str, Counter[str]] = defaultdict(Counter)
        self.cases_with_departure: dict[str, set[str]] = defaultdict(set)
        # Practice learning from another area's review (Row.learning): counted apart, in none of the above.
        self.learning_by_rule: dict[str, Counter[str]] = defaultdict(Counter)
        # Judgements not evaluable because a record lacks a date (Row.unrecorded): bad recording, not practice.
        self.unrecorded: Counter[tuple[str, str]] = Counter()

    def _in_window(self, iso: str) -> bool:
        if not iso:
            return True
        day = date.fromisoformat(iso)
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def add(self, outcome: Outcome) -> None:
        if outcome.failure:
            self.errors.append({"input": outcome.label, "failure": outcome.failure, "problems": outcome.problems})
            return
        cells: dict[str, str] = {}
        for row in outcome.rows:
            if not self._in_window(row.date):
                continue
            if row.learning:
                if row.status != "not-applicable":
                    self.learning_by_rule[row.rule_id][row.status] += 1
                continue
            cells[row.rule_id] = min(cells.get(row.rule_id, row.status), row.status, key=RANK.__getitem__)
            if row.status == "not-applicable":
                continue
            self.by_rule[row.rule_id][row.status] += 1
            self.by_agency[row.agency][row.status] += 1
            self.by_year[row.date[:4]][row.status] += 1
            self.by_theme[row.theme][row.status] += 1
            if row.unrecorded:
                self.unrecorded[(row.rule_id, row.unrecorded)] += 1
            if row.status in DEPARTURES:
                self.cases_with_departure[row.theme].add(outcome.case_id)
        self.cases.append({"input": outcome.label, "case_id": outcome.case_id, "title": outcome.title,
                           "area": outcome.area, "from": outcome.scoping[0], "to": outcome.scoping[1],
                           "events": outcome.events, "agencies": list(outcome.agencies), "file": outcome.file,
                           "statuses": {r: cells.get(r, "not-applicable") for r in self.rule_ids}})

    def to_data(self, meta: dict[str, Any]) -> dict[str, Any]:
        rules = self.rulebook.rules
        agency_names = {a.id: a.name for a in self.rulebook.vocabulary.agencies}
        standards = [{"rule_id": r, "title": rules[r].title, "short_title": rules[r].short_title or rules[r].title,
                      "severity": rules[r].severity,
                      "theme": label(rules[r].theme).capitalize(), "agency": agency_names.get(rules[r].agency, rules[r].agency),
                      "cases_with_departure": sum(1 for c in self.cases if c["statuses"][r] == "breach"),
                      "cases_judged": sum(1 for c in self.cases if c["statuses"][r] in JUDGED),
                      **rates(self.by_rule[r])} for r in self.rule_ids]
        return {
            "meta": {**meta, "cases_audited": len(self.cases), "cases_failed": len(self.errors),
                     "since": self.since.isoformat() if self.since else None,
                     "until": self.until.isoformat() if self.until else None},
            "statuses": {s: LABELS[s] for s in ORDER},
            "standards": standards,
            "agencies": [{"agency": agency_names.get(a, a), **rates(c)} for a, c in sorted(self.by_agency.items())],
            "years": [{"year": y, **rates(c)} for y, c in sorted(self.by_year.items())],
            "themes": [{"theme": label(t).capitalize(), "cases_affected": len(self.cases_with_departure[t]), **rates(c)}
                       for t, c in sorted(self.by_theme.items())],
            "good_practice": sorted(({"rule_id": s["rule_id"], "title": s["title"], "met": s["met"],
                                      "departures": s["breach"]} for s in standards if s["met"]),
                                    key=lambda g: (-g["met"], g["rule_id"])),
            "matrix": {"rules": self.rule_ids, "cases": self.cases},
            "errors": self.errors,
            **({"unrecorded": [{"rule_id": r, "title": rules[r].title, "field": f, "not_evaluable": n,
                                "judged": sum(self.by_rule[r].values())}
                               for (r, f), n in sorted(self.unrecorded.items())]} if self.unrecorded else {}),
            **({"learning": [{"rule_id": r, "title": rules[r].title,
                              "review": rules[r].learning.review if rules[r].learning else "",
                              **rates(self.learning_by_rule[r])} for r in sorted(self.learning_by_rule)]}
               if self.learning_by_rule else {}),
        }


def comparison(now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Rates then and now per standard and per agency, for `--compare PREVIOUS_OUT`."""
    def pair(key: str, name: str) -> list[dict[str, Any]]:
        old = {row[name]: row for row in before.get(key, [])}
        out = []
        for row in now[key]:
            prior = old.get(row[name], {})
            out.append({name: row[name], "departure_rate_before": prior.get("departure_rate"),
                        "departure_rate_now": row["departure_rate"], "judged_before": prior.get("judged", 0),
                        "judged_now": row["judged"]})
        return out
    meta = before.get("meta", {})
    return {"previous_inputs_sha256": meta.get("inputs_sha256", ""),
            "previous_title": meta.get("title") or "", "previous_produced": meta.get("produced") or "",
            "standards": pair("standards", "rule_id"),
            "agencies": pair("agencies", "agency")}


def trends(now: dict[str, Any], earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """Each standard's departure rate over the rounds, oldest first and this round last (`--compare` given more than
    once): each round named by its title and date, not a hash; a round that did not judge a standard has no point."""
    rounds = earlier + [now]
    names = [{"title": r.get("meta", {}).get("title") or f"Round {i}", "produced": r.get("meta", {}).get("produced")
              or "", "inputs_sha256": r.get("meta", {}).get("inputs_sha256", "")} for i, r in enumerate(rounds, 1)]
    by_round = [{row["rule_id"]: row for row in r.get("standards", [])} for r in rounds]
    standards = []
    for row in now["standards"]:
        points = []
        for table in by_round:
            old = table.get(row["rule_id"], {})
            points.append({"departure_rate": old.get("departure_rate"), "judged": old.get("judged", 0),
                           "breach": old.get("breach", 0)})
        if any(point["judged"] for point in points):
            standards.append({"rule_id": row["rule_id"], "title": row["title"],
                              "short_title": row.get("short_title") or row["title"], "points": points})
    return {"rounds": names, "standards": standards}
