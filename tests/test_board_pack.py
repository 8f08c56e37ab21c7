"""The board pack's workbook and page: structure, formats, safety against crafted text, reproducible bytes."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from auditor.batch.runner import run_batch
from auditor.board.page import GRID_LIMIT, board_html
from auditor.board.workbook import STATUS_FILLS, board_workbook
from auditor.board.writers import csv_files

ROOT = Path(__file__).resolve().parent.parent
FOUNDING_CASE = ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml"
BROKEN = ROOT / "tests" / "broken"

SHEETS = ["Summary", "Matrix", "Standards", "Standards chart", "Agencies", "Agencies chart", "Years", "Themes",
          "Good practice", "Errors"]
CHARTS = ("Standards chart", "Agencies chart")  # native charts of the rates, left out when nothing was judged
COMPARE_SHEETS = ["Compare standards", "Compare agencies", "Trends"]
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "<script>alert(1)</script>"]
FORMULA_STARTS = ("=", "+", "-", "@")
STATUSES = {"breach": "Departure", "possible-breach": "Possible departure", "not-evaluable": "Not evaluable",
            "met": "Met", "not-applicable": "Not applicable"}


# --- data -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Two batches run in this process: the founding case with the broken inputs, then compared with it."""
    first, second = tmp_path_factory.mktemp("round1"), tmp_path_factory.mktemp("round2")
    result = run_batch([str(FOUNDING_CASE), str(BROKEN)], first, workers=0, engine="reference")
    assert result.audited == 1 and result.failed > 0
    run_batch([str(FOUNDING_CASE)], second, workers=0, engine="reference", compare=first, since=date(2010, 1, 1))
    return first, second


@pytest.fixture(scope="module")
def data(rounds):
    return json.loads((rounds[0] / "board.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compared(rounds):
    return json.loads((rounds[1] / "board.json").read_text(encoding="utf-8"))


def _rates(breach: int, possible: int, unknown: int, met: int) -> dict:
    judged = breach + possible + met
    return {"breach": breach, "possible-breach": possible, "not-evaluable": unknown, "met": met, "judged": judged,
            "departure_rate": round(breach / judged, 4) if judged else None,
            "possible_rate": round(possible / judged, 4) if judged else None,
            "met_rate": round(met / judged, 4) if judged else None}


def hostile_data(cases: int = 5) -> dict:
    """A pack whose every free-text field is a formula or markup."""
    rules = ["=rule", "plain-rule"]
    order = list(STATUSES)
    matrix_cases = [{"input": HOSTILE[i % 5], "case_id": f"{HOSTILE[(i + 1) % 5]}{i}", "title": HOSTILE[i % 5],
                     "area": HOSTILE[(i + 2) % 5], "from": "2020-04-01", "to": "2021-03-31", "events": 3 + i,
                     "agencies": ["police"], "statuses": {r: order[(i + j) % 5] for j, r in enumerate(rules)}}
                    for i in range(cases)]
    return {
        "meta": {"auditor_version": "0.1.0", "engine": "reference", "engine_version": "0.1.0",
                 "rulebook": HOSTILE[0], "rulebook_version": "0.1.0", "inputs_sha256": "ab" * 32,
                 "cases_audited": cases, "cases_failed": 2, "since": "2020-01-01", "until": None},
        "statuses": dict(STATUSES),
        "standards": [{"rule_id": r, "title": HOSTILE[i], "severity": "must", "theme": HOSTILE[i + 1],
                       "agency": HOSTILE[i + 2], "cases_with_departure": 1, **_rates(2, 1, 1, 3 - i)}
                      for i, r in enumerate(rules)],
        "agencies": [{"agency": h, **_rates(1, 0, 0, 1)} for h in HOSTILE] + [{"agency": "Nobody",
                                                                                 **_rates(0, 0, 2, 0)}],
        "years": [{"year": "2020", **_rates(3, 1, 0, 2)}, {"year": "2021", **_rates(0, 0, 1, 4)}],
        "themes": [{"theme": h, "cases_affected": 2, **_rates(1, 1, 0, 1)} for h in HOSTILE],
        "good_practice": [{"rule_id": r, "title": h, "met": 2, "departures": 1} for r, h in zip(rules, HOSTILE)],
        "matrix": {"rules": rules, "cases": matrix_cases},
        "errors": [{"input": HOSTILE[0], "failure": "bad-input", "problems": HOSTILE[1:]},
                   {"input": "-crash.yaml", "failure": "engine-error", "problems": []}],
        "comparison": {"previous_inputs_sha256": "cd" * 32,
                       "standards": [{"rule_id": r, "departure_rate_before": 0.5, "departure_rate_now": 0.25,
                                      "judged_before": 4, "judged_now": 8} for r in rules],
                       "agencies": [{"agency": h, "departure_rate_before": None, "departure_rate_now": 0.5,
                                     "judged_before": 0, "judged_now": 2} for h in HOSTILE]},
    }


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# --- the workbook -----------------------------------------------------------------------------------------------

def test_batch_writes_the_same_workbook_and_page_as_the_pack_data(rounds, data):
    out = rounds[0]
    assert (out / "board.xlsx").read_bytes() == board_workbook(data)
    assert (out / "board.html").read_text(encoding="utf-8") == board_html(data)


def agency_sheets(pack: dict) -> list[str]:
    """The agency sheets' titles: the fixtures' agency names hold nothing Excel refuses, so only the cut to 31."""
    return [a[:31].rstrip() for a in sorted({s["agency"] for s in pack["standards"]})]


def test_workbook_sheets_in_order(data, compared):
    assert load(board_workbook(data)).sheetnames == SHEETS + agency_sheets(data)
    assert load(board_workbook(compared)).sheetnames == SHEETS + COMPARE_SHEETS + agency_sheets(compared)


def test_each_lead_agency_has_its_slice_of_the_standards_as_a_sheet(compared):
    wb = load(board_workbook(compared))
    standards = list(wb["Standards"].values)
    header, column = standards[0], standards[0].index("Lead agency")
    summary = {row[0]: row[1] for row in wb["Summary"].values if row and row[0]}
    for agency in sorted({s["agency"] for s in compared["standards"]}):
        title = agency[:31].rstrip()
        rows = list(wb[title].values)
        assert rows[0] == header
        assert rows[1:] == [row for row in standards[1:] if row[column] == agency] != []
        assert summary[title] == f"The Standards sheet's rows for the standards {agency} holds."
        sheet = wb[title]
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"


def test_agency_sheet_titles_are_ones_excel_accepts():
    from auditor.board.workbook import _agency_slices

    long = "Housing (Homelessness, Pre-Tenancy and Landlord Services)"
    rows = [["r1", long], ["r2", long + " North"], ["r3", "Police: Force [A]/B?"], ["r4", "Standards"]]
    titles = [title for title, _, _ in _agency_slices(["rule_id", "lead agency"], rows)]
    assert titles == ["Housing (Homelessness, Pre-Tena", "Housing (Homelessness, Pre- (2)", "Police  Force  A  B",
                      "Standards (2)"]
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)


def test_workbook_tables_have_bold_headers_frozen_panes_and_filters(compared):
    wb = load(board_workbook(compared))
    for ws in wb.worksheets[1:]:
        if ws.title in CHARTS:
            continue
        header = next(ws.iter_rows(max_row=1))
        assert all(c.font.b and c.fill.fgColor.rgb.endswith("DCE6F1") and c.alignment.wrap_text for c in header), \
            ws.title
        assert ws.freeze_panes == ("C2" if ws.title in ("Matrix", "Trends") else "B2"), ws.title
        assert ws.auto_filter.ref == f"A1:{header[-1].column_letter}{ws.max_row}", ws.title
        assert all(ws.column_dimensions[c.column_letter].width for c in header), ws.title
    summary = wb["Summary"]
    assert summary["A1"].value == compared["meta"]["title"] == "Safeguarding audit round" and summary["A1"].font.b


def test_workbook_rates_are_numbers_in_a_percentage_format(compared):
    wb = load(board_workbook(compared))
    checked = 0
    for title in ("Standards", "Agencies", "Years", "Themes", "Compare standards", "Compare agencies"):
        ws = wb[title]
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        columns = [i for i, h in enumerate(header) if "rate" in h.lower() or h.startswith("Change")]
        assert columns, title
        for row in ws.iter_rows(min_row=2):
            for i in columns:
                assert "%" in row[i].number_format, (title, header[i])
                assert row[i].value is None or isinstance(row[i].value, (int, float)), (title, header[i])
                checked += row[i].value is not None
    assert checked > 50
    standards = {r["rule_id"]: r for r in compared["standards"]}
    ws = wb["Standards"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert row[header.index("Departure rate")] == standards[row[0]]["departure_rate"]


def test_workbook_matrix_follows_the_csv_with_dates_and_coloured_statuses(data):
    wb = load(board_workbook(data))
    ws = wb["Matrix"]
    header, *rows = list(csv.reader(io.StringIO(csv_files(data)["matrix.csv"])))
    sheet = list(ws.iter_rows())
    assert [c.value for c in sheet[0][7:]] == header[7:]
    assert len(sheet) == len(rows) + 1 == len(data["matrix"]["cases"]) + 1
    labels = {v: k for k, v in data["statuses"].items()}
    for cells, expected, case in zip(sheet[1:], rows, data["matrix"]["cases"]):
        assert [c.value for c in cells[:4]] == expected[:4]
        assert cells[4].value == datetime.fromisoformat(case["from"]) and cells[4].number_format == "dd/mm/yyyy"
        assert cells[5].value == datetime.fromisoformat(case["to"]) and cells[6].value == case["events"]
        for cell, label in zip(cells[7:], expected[7:]):
            assert cell.value == label  # the status as text, not colour alone
            assert cell.fill.fgColor.rgb.endswith(STATUS_FILLS[labels[label]])
    assert ws.row_dimensions[1].height and sheet[0][7].alignment.text_rotation == 90


def test_workbook_errors_sheet_lists_every_problem(data):
    ws = load(board_workbook(data))["Errors"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(e["problems"]) or 1 for e in data["errors"])
    assert {r[0] for r in rows} == {e["input"] for e in data["errors"]}


def test_workbook_summary_carries_counts_versions_and_limits(compared):
    ws = load(board_workbook(compared))["Summary"]
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    meta = compared["meta"]
    assert values["Cases audited"] == meta["cases_audited"]
    assert values["Rulebook version"] == meta["rulebook_version"]
    assert values["Inputs SHA-256"] == meta["inputs_sha256"]
    assert values["Events counted"] == "Events from 01/01/2010"
    assert "not evidenced in the chronology" in values["Before relying on it"]
    assert compared["comparison"]["previous_inputs_sha256"] in values["Compared with"]


def test_workbook_neutralises_formulas_in_every_cell():
    hostile = hostile_data()
    wb = load(board_workbook(hostile))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (ws.title, cell.coordinate, cell.value)
                    if cell.value.startswith("'"):
                        seen.add(cell.value[1:])
    assert {h for h in HOSTILE if h.startswith(FORMULA_STARTS)} <= seen
    matrix = wb["Matrix"]
    assert matrix["C2"].value == "'" + HOSTILE[0] and matrix["H1"].value == "'=rule"
    xml = zipfile.ZipFile(io.BytesIO(board_workbook(hostile))).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml and "&lt;script&gt;" in xml


def test_workbook_bytes_are_reproducible(compared):
    first = board_workbook(compared)
    assert board_workbook(copy.deepcopy(compared)) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2


def test_workbook_of_ten_thousand_cases_is_well_formed(data):
    """The matrix rows are streamed into the sheet's XML: check that XML at scale (speed is benchmarks/batch.py's job)."""
    big = copy.deepcopy(data)
    template = big["matrix"]["cases"][0]
    statuses = list(STATUSES)
    big["matrix"]["cases"] = [{**template, "case_id": f"case-{n:05d}", "title": f"Case {n}",
                               "statuses": {r: statuses[(n + i) % 5] for i, r in enumerate(big["matrix"]["rules"])}}
                              for n in range(10_000)]
    content = board_workbook(big)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet2.xml")
    from lxml import etree

    root = etree.fromstring(xml)  # well formed
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rows = root.findall("m:sheetData/m:row", ns)
    assert len(rows) == 10_001 and rows[-1].get("r") == "10001"
    assert root.find("m:autoFilter", ns).get("ref").endswith("10001")
    assert len(rows[-1]) == 7 + len(big["matrix"]["rules"])


def test_a_round_with_nothing_audited_still_makes_a_pack():
    empty = hostile_data(0)
    for view in ("standards", "agencies", "years", "themes"):
        for row in empty[view]:
            row.update(_rates(0, 0, 0, 0))
    empty["good_practice"], empty["meta"]["cases_audited"] = [], 0
    del empty["comparison"]
    wb = load(board_workbook(empty))
    assert wb.sheetnames == [s for s in SHEETS if s not in CHARTS] + agency_sheets(empty) and wb["Matrix"].max_row == 1 and wb["Matrix"].auto_filter.ref.endswith("1")
    page = board_html(empty)
    assert "No case was audited" in page and "no judgement could be made" in page


# --- the page ---------------------------------------------------------------------------------------------------

# Nothing is fetched: the only links are to the page's own anchors and, from the matrix, to the batch's own case
# files beside it (cases/<safe file name>.json), which a reader opens, not the page.
EXTERNAL = re.compile(r"""\b(?:src|href|action|srcset|poster)\s*=\s*(?:"(?!#|cases/[A-Za-z0-9_.-]+\.json")|'(?!#)|(?!["'#]))"""
                      r"""|url\(|@import|<script|<link|<iframe|<img|<object|<embed""", re.IGNORECASE)


def test_page_is_self_contained(data, compared):
    for pack in (data, compared, hostile_data()):
        page = board_html(pack)
        assert not EXTERNAL.search(page), EXTERNAL.search(page)
        assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for pack in (data, compared):
        assert not re.search(r"https?://", board_html(pack))


def test_page_has_the_charts_and_tables(compared):
    page = board_html(compared)
    for chart in ("standards", "agencies", "years", "compare"):
        assert f'aria-labelledby="chart-{chart}-title"' in page
    assert page.count('<svg class="chart-svg"') == 4
    judged = sum(1 for view in ("standards", "agencies", "years") for row in compared[view] if row["judged"])
    assert page.count('<rect class="bar-departure"') == judged
    assert page.count('<rect class="bar-met"') == page.count('<rect class="bar-departure"')  # met beside each
    for section in ("summary", "themes", "good-practice", "comparison", "matrix", "errors"):
        assert f'id="{section}"' in page
    for theme in compared["themes"]:
        assert theme["theme"].replace("'", "&#39;") in page
    assert "01/01/2010" in page  # dates shown to people are dd/mm/yyyy
    assert "Departure" in page and "Possible departure" in page and "Met" in page


def test_page_escapes_chronology_text():
    page = board_html(hostile_data())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '=HYPERLINK(&#34;http://x&#34;)' in page


def test_page_is_reproducible(compared):
    page = board_html(compared)
    assert board_html(copy.deepcopy(compared)) == page
    assert not re.search(r"\b\d{2}:\d{2}(:\d{2})?\b", page)  # no clock time


def test_page_draws_the_grid_up_to_its_limit_then_points_to_the_workbook():
    small = board_html(hostile_data(GRID_LIMIT))
    assert 'class="grid"' in small and small.count('<td class="s-') == GRID_LIMIT * 2
    assert 'title="&#39;' not in small
    large = board_html(hostile_data(GRID_LIMIT + 1))
    assert 'class="grid"' not in large and "board.xlsx" in large and "matrix.csv" in large


def test_page_renders_in_chromium(tmp_path, compared, browser):
    path = tmp_path / "board.html"
    path.write_text(board_html(compared), encoding="utf-8")
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: problems.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(path.as_uri())
        sizes = page.eval_on_selector_all(
            "svg.chart-svg", "svgs => svgs.map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        bars = page.eval_on_selector_all("svg rect", "rs => rs.filter(r => r.getBBox().width > 0).length")
    finally:
        page.close()
    assert problems == []
    assert len(sizes) == 4 and all(w > 100 and h > 50 for w, h in sizes)
    assert bars > 10
