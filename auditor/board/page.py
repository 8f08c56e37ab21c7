"""The board pack as one self-contained HTML page: nothing is fetched, and the only date is the one the pack was
produced on (`auditor batch --date`, else SOURCE_DATE_EPOCH, else today).

Charts are inline SVG laid out here in Python (the template draws what is
computed); all text from the chronologies goes through Jinja2's autoescape. The
case-by-standard grid is drawn for up to `GRID_LIMIT` cases; above that the page
points to the workbook and the CSV instead of growing without bound.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from ..reports.render import LIMITS, environment
from .messages import events_counted, front_page
from ..words import uk_date
from ..status import DEPARTURES, DISPLAY_ORDER, JUDGED, Status

GRID_LIMIT = 500
ERRORS_SHOWN = 200
PROBLEMS_SHOWN = 10
STATUS_CODES = {s: Status(s).letter for s in DISPLAY_ORDER}
STATUS_MEANING = {s: Status(s).meaning for s in DISPLAY_ORDER}
READING = [
    ("Counts are of judgements: one for each event that engaged a standard, so a case with two initial conferences "
     "is judged twice on the conference timescale."),
    ("Departure rate = departures ÷ judgements, where judgements are departures, possible departures and standards "
     "met. Possible departures and standards met are reported beside it as rates of their own, never folded in."),
    ("Not evaluable (the chronology does not hold what the standard needs) is counted but is not a judgement, so it "
     "is in no rate. A rate with no judgement behind it is a dash on the page and an empty cell in the workbook."),
    "The case-by-standard matrix shows, for each case, the least favourable status of each standard over its events.",
    "Rates over few judgements move a long way with one case: read every rate with its count.",
    ("A departure is a question for the board about practice and the record, not a finding of fault against a "
     "person or agency."),
]

# Chart geometry, in SVG user units (the SVG scales to the page's width).
WIDTH, LABEL_W, PLOT_X, PLOT_W = 960, 330, 340, 400
BAR_H, BAR_GAP, ROW_GAP, TOP, AXIS_H = 11, 2, 12, 8, 22
LABEL_CHARS = 52


def board_html(data: dict[str, Any]) -> str:
    return _environment().get_template("board.html.j2").render(**_context(data))


def _environment() -> Environment:
    env = environment()  # board.html.j2 is autoescaped by its extension
    env.filters["pct"] = _pct
    env.filters["ukdate"] = uk_date
    env.filters["points"] = _points
    return env


def _context(data: dict[str, Any]) -> dict[str, Any]:
    meta, standards = data["meta"], data["standards"]
    cases = data["matrix"]["cases"]
    totals = {k: sum(s[k] for s in standards) for k in ("judged", *JUDGED)}
    titles = {s["rule_id"]: s["title"] for s in standards}
    short = {s["rule_id"]: s.get("short_title") or s["title"] for s in standards}
    ranked = sorted(standards, key=lambda s: (-(s["departure_rate"] if s["departure_rate"] is not None else -1),
                                              -s["judged"], s["rule_id"]))
    rate_series = [("departure", "Departure rate", "breach"), ("met", "Met rate", "met")]
    charts = {
        "standards": _chart("standards", "Departure rate and met rate per standard, highest departure rate first",
                            [(s["title"], s["rule_id"], s) for s in ranked], rate_series),
        "agencies": _chart("agencies", "Departure rate and met rate per agency",
                           [(a["agency"], "", a) for a in data["agencies"]], rate_series),
        "years": _chart("years", "Departure rate and met rate per year of the event judged",
                        [(y["year"], "", y) for y in data["years"]], rate_series),
    }
    comparison = data.get("comparison")
    if comparison is not None:
        charts["compare"] = _compare_chart(comparison["agencies"])
    errors = data["errors"]
    return {
        "meta": meta, "statuses": data["statuses"], "codes": STATUS_CODES, "meaning": STATUS_MEANING,
        "reading": READING, "limits": LIMITS, "totals": totals,
        "overall": {k: (totals[k] / totals["judged"] if totals["judged"] else None)
                    for k in (*DEPARTURES, "met")},
        "cases_audited": meta.get("cases_audited", len(cases)), "cases_failed": meta.get("cases_failed", len(errors)),
        "window": events_counted(meta.get("since"), meta.get("until")),
        "standards": standards, "agencies": data["agencies"], "years": data["years"], "themes": data["themes"],
        "good_practice": data["good_practice"], "learning": data.get("learning", []), "titles": titles,
        "records": data.get("records"), "unrecorded": data.get("unrecorded", []),
        "short": short, "charts": charts, "comparison": comparison,
        "previous_sha": (comparison or {}).get("previous_inputs_sha256", ""),
        "front": data.get("front") or front_page(data), "covered": _covered(cases), "trends": data.get("trends"),
        "rules": data["matrix"]["rules"], "grid": cases if len(cases) <= GRID_LIMIT else None,
        "case_count": len(cases), "grid_limit": GRID_LIMIT,
        "errors": [{**e, "shown": e["problems"][:PROBLEMS_SHOWN], "more": max(0, len(e["problems"]) - PROBLEMS_SHOWN)}
                   for e in errors[:ERRORS_SHOWN]],
        "errors_more": max(0, len(errors) - ERRORS_SHOWN),
    }


def _chart(key: str, title: str, items: list[tuple[str, str, dict[str, Any]]],
           series: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Horizontal bars, one group per item: its departure rate and its met rate side by side, each labelled."""
    rows = []
    y = TOP
    group_h = len(series) * BAR_H + (len(series) - 1) * BAR_GAP
    for label, sub, counts in items:
        bars, note = [], ""
        judged = counts["judged"]
        if judged:
            for i, (kind, name, status) in enumerate(series):
                rate = counts.get(f"{kind}_rate", None)
                rate = rate if rate is not None else 0.0
                count = counts[status]
                w = round(PLOT_W * max(0.0, min(rate, 1.0)), 1)
                by = y + i * (BAR_H + BAR_GAP)
                bars.append({"kind": kind, "x": PLOT_X, "y": by, "w": w, "h": BAR_H, "tx": round(PLOT_X + w + 5, 1),
                             "ty": by + BAR_H - 2,
                             "text": f"{name.split()[0].lower()} {_pct(rate)} ({count} of {judged})"})
        else:
            unknown = counts["not-evaluable"]
            note = "no judgement could be made" + (f" ({unknown} not evaluable)" if unknown else "")
        full = f"{label} ({sub})" if sub else str(label)
        tip = (f"{full}: departure rate {_pct(counts['departure_rate'])}, possible departure rate "
               f"{_pct(counts['possible_rate'])}, met rate {_pct(counts['met_rate'])}; {judged} judgements, "
               f"{counts['not-evaluable']} not evaluable")
        lines = _label_lines(str(label))
        first = y + group_h / 2 + 4 - 6.5 * (len(lines) - 1)
        rows.append({"lines": [{"text": t, "y": first + 13 * i} for i, t in enumerate(lines)], "tip": tip,
                     "bars": bars, "note": note, "ny": y + group_h / 2 + 4})
        y += group_h + ROW_GAP
    plot_h = y - ROW_GAP + 4
    return {"id": f"chart-{key}", "title": title, "series": series, "rows": rows,
            "width": WIDTH, "height": plot_h + AXIS_H, "plot_x": PLOT_X, "plot_w": PLOT_W, "plot_h": plot_h,
            "ticks": [{"x": PLOT_X + PLOT_W * t // 4, "text": f"{25 * t}%"} for t in range(5)]}


def _compare_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for r in rows:
        items.append((r["agency"], "", {"judged": (r["judged_before"] or 0) + (r["judged_now"] or 0),
                                        "before_rate": r["departure_rate_before"], "now_rate": r["departure_rate_now"],
                                        "before": r["judged_before"], "now": r["judged_now"], "not-evaluable": 0,
                                        "departure_rate": r["departure_rate_now"], "possible_rate": None,
                                        "met_rate": None}))
    chart = _chart("compare", "Departure rate per agency, previous round and now", items,
                   [("before", "Before", "before"), ("now", "Now", "now")])
    for row, r in zip(chart["rows"], rows):  # the text of each bar: the rate and its own count of judgements
        row["tip"] = (f"{r['agency']}: departure rate before {_pct(r['departure_rate_before'])} of "
                      f"{r['judged_before']} judgements, now {_pct(r['departure_rate_now'])} of {r['judged_now']}")
        for bar, rate, judged in zip(row["bars"], (r["departure_rate_before"], r["departure_rate_now"]),
                                     (r["judged_before"], r["judged_now"])):
            bar["text"] = (f"{bar['kind']} {_pct(rate)} ({judged} judged)" if rate is not None and judged
                           else f"{bar['kind']}: no judgement")
    return chart


def _label_lines(text: str) -> list[str]:
    """A label in at most two lines that fit beside the bars; the whole label is in the row's tooltip."""
    if len(text) <= LABEL_CHARS:
        return [text]
    cut = text.rfind(" ", 0, LABEL_CHARS + 1)
    cut = cut if cut > LABEL_CHARS // 2 else LABEL_CHARS
    rest = text[cut:].strip()
    return [text[:cut].rstrip(), rest if len(rest) <= LABEL_CHARS else rest[:LABEL_CHARS - 1].rstrip() + "…"]


def _pct(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f}%".replace(".0%", "%")


def _points(before: Any, now: Any) -> str:
    if before is None or now is None:
        return "–"
    change = round((now - before) * 100, 1)
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{abs(change):.1f}"


def _covered(cases: list[dict[str, Any]]) -> str:
    """The dates the round's chronologies cover, first day to last."""
    starts = [c["from"] for c in cases if c.get("from")]
    ends = [c["to"] for c in cases if c.get("to")]
    if not starts or not ends:
        return "no case audited"
    return f"{uk_date(min(starts))} to {uk_date(max(ends))}"
