"""The board pack as an Excel workbook: a Summary sheet, then one sheet per view of the pack.

Every sheet is a table with a formatted header, frozen panes, an autofilter and
sensible widths; rates are numbers in a percentage format, never text. Each
string that comes from a chronology goes through `safe_cell`, so a crafted title
cannot become a formula.

The case-by-standard matrix can be very large (one row per case), so it is not
written cell by cell through openpyxl, which costs tens of microseconds a cell:
openpyxl writes the Matrix sheet's header, its styles, panes and filter, and the
data rows are streamed straight into that sheet's XML as the package is rewritten
(inline strings, the style ids openpyxl registered). Memory stays bounded by the
pack itself and the compressed output.

The bytes are reproducible: fixed document dates, and a package rewritten with
fixed entry timestamps in a stable order (as `reports.docx_writer` does for Word).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..files.writing import FIXED_DOCUMENT_TIME, ZIP_EPOCH, stable_zip
from ..reports.render import LIMITS
from ..status import DISPLAY_ORDER, JUDGED, Status
from ..words import uk_date
from .messages import events_counted
from .page import READING, STATUS_MEANING
from .writers import safe_cell, views

MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included
MAX_TEXT = 32_767  # Excel's characters per cell
# Characters XML 1.0 (and so Excel) cannot hold: C0 controls other than tab, newline and return; lone surrogates;
# the non-characters U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

PERCENT = "0.0%"
CHANGE = "+0.0%;-0.0%;0.0%"
DAY = "dd/mm/yyyy"
RATE_KEYS = {"recorded_rate", "departure_rate", "possible_rate", "met_rate", "departure_rate_before", "departure_rate_now",
             "target departure rate"}

STATUS_FILLS = {s: Status(s).fill for s in DISPLAY_ORDER}  # light fills: the status is written in the cell too
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FONT = Font(bold=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F7F7F"))
HEADER_ALIGN = Alignment(wrap_text=True, vertical="bottom")
ROTATED_ALIGN = Alignment(wrap_text=True, vertical="bottom", horizontal="center", text_rotation=90)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")

HEADINGS = {
    "input": "Input", "case_id": "Case id", "title": "Title", "area": "Area", "from": "Scope from",
    "to": "Scope to", "events": "Events", "rule_id": "Standard", "severity": "Severity", "theme": "Theme",
    "lead agency": "Lead agency", "cases with departure": "Cases with a departure", "judged": "Judgements",
    "breach": "Departures", "possible-breach": "Possible departures", "not-evaluable": "Not evaluable",
    "met": "Met", "departure_rate": "Departure rate", "possible_rate": "Possible departure rate",
    "met_rate": "Met rate", "agency": "Agency", "year": "Year",
    "cases affected": "Cases with a departure or possible departure", "departures": "Departures",
    "departure_rate_before": "Departure rate before", "departure_rate_now": "Departure rate now",
    "judged_before": "Judgements before", "judged_now": "Judgements now", "failure": "Failure",
    "problem": "Problem", "change": "Change in departure rate (percentage points)",
    "practice learning from": "Practice learning from", "cases judged": "Cases judged",
    "target departure rate": "Target departure rate", "against target": "Against target", "short title": "Short title",
    "table": "Table", "field": "Field", "rows": "Rows", "recorded": "Recorded", "missing": "Missing",
    "recorded_rate": "Recorded rate", "unrecorded": "Date the record lacks", "not evaluable": "Not evaluable",
}

SHEETS = [  # view name, sheet title, what it holds (for the Summary), frozen columns
    ("matrix", "Matrix", ("One row per case, one column per standard: the least favourable status of the standard "
                          "in the case (Departure, Possible departure, Not evaluable, Met, Not applicable)."), 2),
    ("standards", "Standards", ("Per standard: judgements, departures, possible departures, not evaluable, met, "
                                "and the rates."), 1),
    ("agencies", "Agencies", "The same counts per agency that holds the standard.", 1),
    ("years", "Years", "The same counts per calendar year of the event judged.", 1),
    ("themes", "Themes", ("The same counts per theme, with the number of cases with a departure or possible "
                          "departure under the theme."), 1),
    ("good-practice", "Good practice", ("Standards met at least once, most often met first, with their "
                                        "departures beside them."), 1),
    ("learning", "Practice learning", ("Rules whose only source is one area's review, judged in cases from other "
                                       "areas: practice learning from that review, not a standard; counted in "
                                       "none of the other sheets."), 1),
    ("completeness", "Data completeness", ("Records only: per table and field the standards read, how many rows "
                                           "record it. Low completeness is bad recording, not bad practice."), 2),
    ("unrecorded", "Unrecorded dates", ("Per standard: judgements not evaluable because the record lacks a date "
                                        "(an assessment with no authorised date), apart from practice."), 1),
    ("errors", "Errors", "Each input that could not be audited, and why (also in errors.csv).", 1),
    ("compare-standards", "Compare standards", "Departure rate per standard in the previous round and now.", 1),
    ("compare-agencies", "Compare agencies", "Departure rate per agency in the previous round and now.", 1),
    ("trends", "Trends", "Departure rate per standard in each round compared, oldest first, then this round.", 2),
]



def board_workbook(data: dict[str, Any]) -> bytes:
    views_ = views({**data, "matrix": {**data["matrix"], "cases": []}})  # the matrix rows are streamed below
    views_["errors"] = (["input", "failure", "problem"],
                        [[e["input"], e["failure"], p] for e in data["errors"] for p in (e["problems"] or [""])])
    if "comparison" in data:
        for name in ("compare-standards", "compare-agencies"):
            header, rows = views_[name]
            before, now = header.index("departure_rate_before"), header.index("departure_rate_now")
            views_[name] = (header + ["change"], [row + [_change(row[before], row[now])] for row in rows])
    wb = Workbook(write_only=True)
    wb.properties.creator = "auditor"
    wb.properties.title = "Board pack"
    wb.properties.created = wb.properties.modified = FIXED_DOCUMENT_TIME
    slices = _agency_slices(*views_["standards"])
    _summary(wb.create_sheet("Summary"), data, [s for s in SHEETS if s[0] in views_]
             + [(title, title, f"The Standards sheet's rows for the standards {agency} holds.", 1)
                for title, agency, _ in slices])
    matrix_ws, styles = _matrix_sheet(wb, data, views_["matrix"][0])
    for name, title, _, frozen in SHEETS[1:]:
        if name in views_:
            _table(wb.create_sheet(title), *views_[name], frozen=frozen,
                   percent_from=2 if name == "trends" else None)
            if title in CHARTED:
                _chart(wb, title, *views_[name])
    for title, _, rows in slices:
        _table(wb.create_sheet(title), views_["standards"][0], rows, frozen=1)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).save()  # not wb.save(), which stamps the modified date from the clock
    return _stable_package(raw.getvalue(), matrix_ws.path.lstrip("/"), _matrix_rows(data, styles))


# --- one agency's slice ------------------------------------------------------------------------------------------

SHEET_TITLE_LIMIT = 31  # Excel's longest sheet name


def _agency_slices(header: list[str], rows: list[list[Any]]) -> list[tuple[str, str, list[list[Any]]]]:
    """(sheet title, agency, its standards' rows) per lead agency, in name order: the slice the page's agency
    filter shows, as a sheet an agency's representative can take away and print.

    A title is the agency's name without the characters Excel refuses, cut to 31 characters, and numbered
    where two names cut to the same title.
    """
    column = header.index("lead agency")
    by_agency: dict[str, list[list[Any]]] = {}
    for row in rows:
        by_agency.setdefault(str(row[column]), []).append(row)
    taken = {t.lower() for t in ["Summary", *(title for _, title, _, _ in SHEETS), *(f"{t} chart" for t in CHARTED)]}
    out = []
    for agency in sorted(by_agency):
        base = "".join(" " if ch in '[]:*?/\\' else ch for ch in agency).strip(" '") or "Agency"
        title, n = base[:SHEET_TITLE_LIMIT].rstrip(), 1
        while title.lower() in taken:
            n += 1
            suffix = f" ({n})"
            title = base[:SHEET_TITLE_LIMIT - len(suffix)].rstrip() + suffix
        taken.add(title.lower())
        out.append((title, agency, by_agency[agency]))
    return out


# --- native charts -----------------------------------------------------------------------------------------------

CHARTED = {"Standards": "standard", "Agencies": "agency"}  # sheets whose rates get a chart sheet of their own


def _chart(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    """A chart sheet beside a table: its departure and met rates as horizontal bars, drawn by Excel itself from the
    table's own cells, so the chart and the figures never disagree."""
    from openpyxl.chart import BarChart, Reference

    judged = header.index("judged")
    if not any(row[judged] for row in rows):  # nothing judged: no rate to draw
        return
    label_column = header.index("short title") + 1 if "short title" in header else 1
    ws = wb.create_sheet(f"{title} chart")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1  # the chart on one printed page
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = f"Departure rate and met rate per {CHARTED[title]}"
    chart.gapWidth = 40  # bars as thick as the rows allow
    chart.y_axis.title = "Rate"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.x_axis.scaling.orientation = "maxMin"  # the table's first row at the top
    for key in ("departure_rate", "met_rate"):
        column = header.index(key) + 1
        chart.add_data(Reference(wb[title], min_col=column, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(wb[title], min_col=label_column, min_row=2, max_row=len(rows) + 1))
    chart.height, chart.width = max(8.0, 0.5 * len(rows)), 24.0  # cm: a bar pair per row, readable
    ws.add_chart(chart, "A1")


# --- the Summary ------------------------------------------------------------------------------------------------

def _summary(ws: Any, data: dict[str, Any], sheets: list[tuple[str, str, str, int]]) -> None:
    meta = data["meta"]
    _for_print(ws, title_rows=False)
    written = [0]  # rows appended so far: a write-only sheet does not count them

    def append(values: list[Any]) -> None:
        written[0] += 1
        ws.append(values)

    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    ws.sheet_view.showGridLines = False
    title = WriteOnlyCell(ws, value=_text(meta.get("title") or "Safeguarding audit board pack"))
    title.font = Font(bold=True, size=16)
    append([title])
    if meta.get("marking"):
        marking = WriteOnlyCell(ws, value=_text(meta["marking"]))
        marking.font = Font(bold=True)
        append([marking])

    def row(label: str, value: Any, fmt: str | None = None) -> None:
        # Excel and LibreOffice do not grow a row openpyxl wrote: give a long text the lines it wraps to.
        lines = max(-(-len(str(value)) // 110), -(-len(str(label)) // 36), 1)
        if lines > 1:
            ws.row_dimensions[written[0] + 1].height = 15 * lines
        key = WriteOnlyCell(ws, value=_text(label))
        key.font = HEADER_FONT
        key.alignment = WRAP_TOP
        cell = WriteOnlyCell(ws, value=_text(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if fmt:
            cell.number_format = fmt
        append([key, cell])

    def section(name: str) -> None:
        append([])
        head = WriteOnlyCell(ws, value=name)
        head.font = Font(bold=True, size=13)
        append([head])

    if meta.get("produced"):
        row("Produced", uk_date(meta["produced"]))
    front = data.get("front")
    if front:
        section("Key messages")
        for heading, key in (("Highest departure rates", "highest"),
                             ("Biggest changes since the previous round", "changes"),
                             ("What was done well", "done_well")):
            for n, message in enumerate(front[key]):
                rag = f"[{message['rag']}] " if message.get("rag") else ""
                row(heading if n == 0 else "", rag + message["text"])
            if key == "highest" and front["few"]:
                row("", front["few"])
        if front.get("scorecard"):
            counts = front["scorecard"]["counts"]
            row("Against the targets", f"red {counts['red']}, amber {counts['amber']}, green {counts['green']}, "
                f"too few judgements to rate {counts['too few']}")
        row("", f"Rates over fewer than {front['min_judged']} judgements are given as counts; a change is called "
            "more than noise when a two-proportion test finds it at the 5% level.")
        section("The round")
    total = {k: sum(s[k] for s in data["standards"]) for k in ("judged", *JUDGED)}
    row("What this is", "A rule-based audit of a round of safeguarding case chronologies against the standards in "
        "the rulebook, for the partnership board: each case, each standard, and the rates per standard, agency, "
        "year and theme, with good practice beside the gaps.")
    row("Cases audited", meta.get("cases_audited", len(data["matrix"]["cases"])))
    row("Cases that could not be audited", meta.get("cases_failed", len(data["errors"])))
    row("Standards", len(data["standards"]))
    row("Judgements", total["judged"])
    row("Departures", total["breach"])
    row("Possible departures", total["possible-breach"])
    row("Standards met", total["met"])
    row("Not evaluable", total["not-evaluable"])
    overall = (("breach", "Departure rate, all standards"), ("possible-breach", "Possible departure rate, all standards"),
               ("met", "Met rate, all standards"))
    for key, label in overall:
        row(label, round(total[key] / total["judged"], 4) if total["judged"] else None, PERCENT)
    counted = events_counted(meta.get("since"), meta.get("until"))
    row("Events counted", counted[:1].upper() + counted[1:])
    if "comparison" in data:
        previous = data["comparison"].get("previous_inputs_sha256")
        row("Compared with", f"The previous round, inputs SHA-256 {previous}" if previous else "The previous round")
    section("Versions")
    row("Rulebook", meta.get("rulebook", ""))
    row("Rulebook version", meta.get("rulebook_version", ""))
    row("Engine", " ".join(str(meta[k]) for k in ("engine", "engine_version") if meta.get(k)))
    row("Auditor version", meta.get("auditor_version", ""))
    row("Inputs SHA-256", meta.get("inputs_sha256", ""))
    section("How to read the rates")
    for n, text in enumerate(READING, 1):
        row(f"{n}.", text)
    section("Status key")
    for status, label in data["statuses"].items():
        key = WriteOnlyCell(ws, value=_text(label))
        key.fill = PatternFill("solid", fgColor=STATUS_FILLS.get(status, "FFFFFF"))
        key.border = Border(*(Side(style="thin", color="BFBFBF"),) * 4)
        append([key, STATUS_MEANING.get(status, "")])
    section("Limits")
    row("Before relying on it", LIMITS)
    if len(data["matrix"]["cases"]) > MAX_ROWS - 1:
        row("Matrix", f"The Matrix sheet holds the first {MAX_ROWS - 1:,} cases, as many as a sheet can; "
            "board-csv/matrix.csv holds them all.")
    section("Sheets")
    for _, name, about, _ in sheets:
        row(name, about)




# --- the tables -------------------------------------------------------------------------------------------------

def _header_cell(ws: Any, key: str, rotated: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_text(HEADINGS.get(key, key)))
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    cell.alignment = ROTATED_ALIGN if rotated else HEADER_ALIGN
    return cell


def _for_print(ws: Any, title_rows: bool = True) -> None:
    """Printed for a board: landscape A4, every column on one page's width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if title_rows:
        ws.print_title_rows = "1:1"


def _table(ws: Any, header: list[str], rows: list[list[Any]], frozen: int, percent_from: int | None = None) -> None:
    """`percent_from`: the columns from this one on are rates (the trends' rounds, whose headings are names)."""
    _for_print(ws)
    widths = [_width(key, [r[i] for r in rows[:1000]]) for i, key in enumerate(header)]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{min(len(rows), MAX_ROWS - 1) + 1}"
    ws.append([_header_cell(ws, key) for key in header])
    formats = [PERCENT if key in RATE_KEYS or (percent_from is not None and i >= percent_from) else
               CHANGE if key == "change" else None for i, key in enumerate(header)]
    wraps = [key in ("title", "problem") for key in header]
    for number, row in enumerate(rows[:MAX_ROWS - 1], 2):
        # Excel and LibreOffice do not grow a row openpyxl wrote: give a wrapped text the lines it takes.
        lines = max((-(-len(str(value)) // max(int(width) - 2, 1)) for value, width, wrap in zip(row, widths, wraps)
                     if wrap and value), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = 15 * lines
        out = []
        for value, fmt, wrap in zip(row, formats, wraps):
            value = _value(value)
            if fmt is None and not wrap:
                out.append(value)
                continue
            cell = WriteOnlyCell(ws, value=value)
            if fmt:
                cell.number_format = fmt
            if wrap:
                cell.alignment = WRAP_TOP
            out.append(cell)
        ws.append(out)


def _width(key: str, values: list[Any]) -> float:
    if key in RATE_KEYS or key == "change":
        return 12
    longest = max([len(str(v)) for v in values if v is not None] + [0])
    heading = max(len(w) for w in HEADINGS.get(key, key).split())
    return float(min(max(longest + 2, heading + 2, 8), 70 if key in ("title", "problem") else 45))


# --- the Matrix -------------------------------------------------------------------------------------------------

LEADING = 7  # input, case id, title, area, from, to, events; then one column per standard


def _matrix_sheet(wb: Workbook, data: dict[str, Any], header: list[str]) -> tuple[Any, dict[str, int]]:
    ws = wb.create_sheet("Matrix")
    _for_print(ws)
    cases = data["matrix"]["cases"][:1000]
    for i, key in enumerate(header[:LEADING], 1):
        values = [c[key] for c in cases]
        width = 12 if key in ("from", "to") else 9 if key == "events" else _width(key, values)
        ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
    for i in range(LEADING + 1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 17
    ws.row_dimensions[1].height = 190
    ws.freeze_panes = f"{get_column_letter(SHEETS[0][3] + 1)}2"
    rows = min(len(data["matrix"]["cases"]), MAX_ROWS - 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    ws.append([_header_cell(ws, key, rotated=i >= LEADING) for i, key in enumerate(header)])
    styles = {}
    for status, colour in STATUS_FILLS.items():  # register a style per status and one for dates; keep their ids
        cell = WriteOnlyCell(ws)
        cell.fill = PatternFill("solid", fgColor=colour)
        styles[status] = cell.style_id
    day = WriteOnlyCell(ws)
    day.number_format = DAY
    styles["date"] = day.style_id
    return ws, styles


def _matrix_rows(data: dict[str, Any], styles: dict[str, int]) -> Iterator[str]:
    """The Matrix's data rows as sheet XML, in the column order of `views(data)["matrix"]`."""
    labels = {s: escape(label) for s, label in data["statuses"].items()}
    rules = data["matrix"]["rules"]
    letters = [get_column_letter(i) for i in range(1, LEADING + len(rules) + 1)]
    status_cells = {s: f'" s="{styles.get(s, 0)}" t="inlineStr"><is><t>{labels[s]}</t></is></c>' for s in labels}
    day_style = styles["date"]
    for number, case in enumerate(data["matrix"]["cases"][:MAX_ROWS - 1], 2):
        n = str(number)
        parts = [f'<row r="{n}">']
        for letter, key in zip(letters, ("input", "case_id", "title", "area")):
            parts.append(_string_xml(f"{letter}{n}", case[key]))
        for letter, key in zip(letters[4:6], ("from", "to")):
            parts.append(_date_xml(f"{letter}{n}", case[key], day_style))
        if isinstance(case["events"], int):
            parts.append(f'<c r="{letters[6]}{n}"><v>{case["events"]}</v></c>')
        statuses = case["statuses"]
        for letter, rule in zip(letters[LEADING:], rules):
            parts.append(f'<c r="{letter}{n}{status_cells[statuses.get(rule, "not-applicable")]}')
        parts.append("</row>")
        yield "".join(parts)


def _string_xml(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return f'<c r="{ref}"><v>{value}</v></c>' if isinstance(value, (int, float)) else _string_xml(ref, str(value))
    text = _text(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _date_xml(ref: str, value: Any, style: int) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return _string_xml(ref, value)
    return f'<c r="{ref}" s="{style}"><v>{(day - date(1899, 12, 30)).days}</v></c>'


# --- values -----------------------------------------------------------------------------------------------------

def _text(value: Any) -> Any:
    """A string Excel can hold, that cannot start a formula; anything else as it is."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if len(value) >= MAX_TEXT:
        value = value[:MAX_TEXT - 2] + "…"
    return safe_cell(value)


def _value(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit() and len(value) == 4:  # a year
        return int(value)
    return _text(value)


def _change(before: Any, now: Any) -> float | None:
    return None if before is None or now is None else round(now - before, 4)


# --- the package ------------------------------------------------------------------------------------------------

def _stable_package(data: bytes, matrix_path: str, matrix_rows: Iterable[str]) -> bytes:
    """The package with fixed timestamps and a fixed entry order, and the Matrix's rows streamed into its sheet."""
    def matrix(content: bytes, stream: IO[bytes]) -> None:
        xml = content.decode("utf-8")
        cut = xml.rindex("</sheetData>")
        stream.write(xml[:cut].encode("utf-8"))
        chunk: list[str] = []
        for row in matrix_rows:
            chunk.append(row)
            if len(chunk) == 1000:
                stream.write("".join(chunk).encode("utf-8"))
                chunk = []
        stream.write("".join(chunk).encode("utf-8"))
        stream.write(xml[cut:].encode("utf-8"))

    return stable_zip(data, ZIP_EPOCH, stream={matrix_path: matrix})
