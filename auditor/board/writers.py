"""The board pack as files: JSON (everything), CSV (one file per view) and the errors file.

Spreadsheet cells that come from chronology text (case ids, titles, input names)
and start with `=`, `+`, `-`, `@`, a tab or a carriage return are neutralised with a
leading apostrophe, and so is every line inside a cell, after any line break: a crafted
case title cannot become a formula in Excel or LibreOffice. The CSV files end rows with
CRLF (RFC 4180), so the writer quotes every field that holds a CR or LF, and no line
break inside a cell can start a row of its own.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from pydantic_core import to_json

from ..files.cells import safe_cell
from ..status import JUDGED

__all__ = ["board_json", "csv_files", "errors_csv", "safe_cell", "views"]


def board_json(data: dict[str, Any]) -> str:
    # pydantic-core's encoder writes what json.dumps(indent=2, ensure_ascii=False) writes, several times faster
    # (the standard library's indenting encoder is pure Python, and a round of 10,000 cases is 20 MB of it).
    return to_json(data, indent=2).decode("utf-8") + "\n"


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return buffer.getvalue()


RATE_COLUMNS = ["judged", *JUDGED, "departure_rate", "possible_rate",
                "met_rate"]


def views(data: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each view of the pack as a header and rows: the CSV files, and the sheets of the workbook."""
    labels = data["statuses"]
    matrix = data["matrix"]
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    out["matrix"] = (["input", "case_id", "title", "area", "from", "to", "events"] + matrix["rules"],
                     [[c["input"], c["case_id"], c["title"], c["area"], c["from"], c["to"], c["events"]]
                      + [labels[c["statuses"][r]] for r in matrix["rules"]] for c in matrix["cases"]])
    targeted = any("rag" in s for s in data["standards"])
    out["standards"] = (["rule_id", "title", "short title", "severity", "theme", "lead agency", "cases with departure",
                         "cases judged"]
                        + RATE_COLUMNS + (["target departure rate", "against target"] if targeted else []),
                        [[s["rule_id"], s["title"], s.get("short_title", s["title"]), s["severity"], s["theme"],
                          s["agency"], s["cases_with_departure"],
                          s.get("cases_judged", "")] + [s[k] for k in RATE_COLUMNS]
                         + ([s.get("target"), s.get("rag", "")] if targeted else []) for s in data["standards"]])
    out["agencies"] = (["agency"] + RATE_COLUMNS, [[a["agency"]] + [a[k] for k in RATE_COLUMNS] for a in data["agencies"]])
    out["years"] = (["year"] + RATE_COLUMNS, [[y["year"]] + [y[k] for k in RATE_COLUMNS] for y in data["years"]])
    out["themes"] = (["theme", "cases affected"] + RATE_COLUMNS,
                     [[t["theme"], t["cases_affected"]] + [t[k] for k in RATE_COLUMNS] for t in data["themes"]])
    out["good-practice"] = (["rule_id", "title", "met", "departures"],
                            [[g["rule_id"], g["title"], g["met"], g["departures"]] for g in data["good_practice"]])
    if data.get("learning"):
        out["learning"] = (["rule_id", "title", "practice learning from"] + RATE_COLUMNS,
                           [[g["rule_id"], g["title"], g["review"]] + [g[k] for k in RATE_COLUMNS]
                            for g in data["learning"]])
    if data.get("records"):
        out["completeness"] = (["table", "field", "rows", "recorded", "missing", "recorded_rate"],
                               [[c["table"], c["field"], c["rows"], c["recorded"], c["missing"], c["recorded_rate"]]
                                for c in data["records"]["completeness"]])
    if data.get("unrecorded"):
        out["unrecorded"] = (["rule_id", "title", "unrecorded", "not evaluable", "judged"],
                             [[u["rule_id"], u["title"], u["field"], u["not_evaluable"], u["judged"]]
                              for u in data["unrecorded"]])
    if "comparison" in data:
        comp = data["comparison"]
        cols = ["departure_rate_before", "departure_rate_now", "judged_before", "judged_now"]
        out["compare-standards"] = (["rule_id"] + cols, [[r["rule_id"]] + [r[k] for k in cols] for r in comp["standards"]])
        out["compare-agencies"] = (["agency"] + cols, [[r["agency"]] + [r[k] for k in cols] for r in comp["agencies"]])
    if "trends" in data:
        rounds = data["trends"]["rounds"]
        heads = [f"{r['title']} ({r['produced']})" if r["produced"] else r["title"] for r in rounds]
        out["trends"] = (["rule_id", "short title"] + heads,
                         [[s["rule_id"], s["short_title"]] + [p["departure_rate"] if p["judged"] else None
                                                              for p in s["points"]]
                          for s in data["trends"]["standards"]])
    return out


def csv_files(data: dict[str, Any]) -> dict[str, str]:
    return {f"{name}.csv": _csv(header, rows) for name, (header, rows) in views(data).items()}


def errors_csv(errors: list[dict[str, Any]]) -> str:
    return _csv(["input", "failure", "problem"], ([e["input"], e["failure"], p] for e in errors for p in e["problems"]))
