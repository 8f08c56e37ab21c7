"""The board pack's front page: the round's title, dates and marking, then messages computed from the figures (the
highest departure rates with cases as well as judgements, the biggest changes with whether they are more than the
noise of small numbers, what was done well), red, amber and green against a board's targets, and print settings."""

from __future__ import annotations

import json

import openpyxl
import pytest

from auditor.batch.runner import FrontMatter, run_batch
from auditor.board.messages import MIN_JUDGED, front_page, load_targets, rag, shown_rate
from auditor.errors import InputError
from auditor.synth import make_case

from .conftest import cli


def _standard(rule_id: str, breach: int, met: int, cases: int = 0, before=None) -> dict:
    judged = breach + met
    return {"rule_id": rule_id, "title": rule_id.replace("-", " ").capitalize(), "breach": breach, "met": met,
            "possible-breach": 0, "not-evaluable": 0, "judged": judged,
            "departure_rate": round(breach / judged, 4) if judged else None,
            "met_rate": round(met / judged, 4) if judged else None,
            "cases_with_departure": cases or breach, "cases_judged": judged}


DATA = {"standards": [_standard("often-missed", 12, 8, cases=9), _standard("sometimes-missed", 5, 45),
                      _standard("rarely-judged", 2, 1), _standard("always-met", 0, 30)],
        "comparison": {"standards": [
            {"rule_id": "often-missed", "departure_rate_before": 0.2, "departure_rate_now": 0.6, "judged_before": 40,
             "judged_now": 20},
            {"rule_id": "sometimes-missed", "departure_rate_before": 0.14, "departure_rate_now": 0.10,
             "judged_before": 14, "judged_now": 50},
            {"rule_id": "rarely-judged", "departure_rate_before": 0.0, "departure_rate_now": 0.6667,
             "judged_before": 2, "judged_now": 3}]}}


def test_the_messages_are_sentences_from_the_figures():
    front = front_page(DATA)
    assert [m["rule_id"] for m in front["highest"]] == ["often-missed", "sometimes-missed"]
    assert front["highest"][0]["text"] == ("Often missed: departures in 60% (12 of 20 judgements), in 9 of 20 cases "
                                           "judged on it.")
    # Fewer judgements than the floor: counts, never a percentage.
    assert front["few"] == "Too few judgements for a rate: Rarely judged: 2 departures in 3 judgements."
    assert [m["rule_id"] for m in front["done_well"]] == ["always-met", "sometimes-missed"]


def test_a_change_says_its_direction_and_whether_it_is_more_than_noise():
    changes = {m["rule_id"]: m for m in front_page(DATA)["changes"]}
    assert set(changes) == {"often-missed", "sometimes-missed"}  # too few judgements in a round: not a change
    up = changes["often-missed"]  # 20% of 40 to 60% of 20: z is about 3.1
    assert (up["direction"], up["significant"]) == ("up", True) and "more than the noise" in up["text"]
    down = changes["sometimes-missed"]  # 14% of 14 to 10% of 50: z is about -0.4
    assert (down["direction"], down["significant"]) == ("down", False) and "within the noise" in down["text"]


@pytest.mark.parametrize("rate, colour", [(0.10, "green"), (0.149, "amber"), (0.151, "red")])
def test_red_amber_green_against_a_target(tmp_path, rate, colour):
    (tmp_path / "t.yaml").write_text("amber_margin: 0.05\nstandards:\n  often-missed: 10%\n", encoding="utf-8")
    targets = load_targets(tmp_path / "t.yaml", {"often-missed"})
    standard = {**_standard("often-missed", 1, 1), "judged": 100, "departure_rate": rate}
    assert rag(standard, targets) == colour
    assert rag({**standard, "judged": MIN_JUDGED - 1}, targets) == "too few"
    assert rag(standard, None) == "" and rag({**standard, "rule_id": "other"}, targets) == ""


def test_a_bad_targets_file_names_the_field(tmp_path):
    (tmp_path / "t.yaml").write_text("standards:\n  no-such-rule: 0.1\n  often-missed: 1.5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_targets(tmp_path / "t.yaml", {"often-missed"})
    text = str(caught.value)
    assert "t.yaml:2: standards.no-such-rule: no such standard" in text and "standards.often-missed" in text


def test_rates_over_few_judgements_are_counts():
    assert shown_rate(3, 4) == "3 of 4 judgements" and shown_rate(5, 20) == "25% (5 of 20 judgements)"


def test_a_batch_with_targets_and_a_previous_round_leads_with_its_messages(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(make_case(5, i).to_json() + "\n" for i in range(1, 61)),
                     encoding="utf-8")
    first = run_batch([str(cases)], tmp_path / "q3", workers=0, engine="reference",
                      front=FrontMatter("Quarter 3 round", "OFFICIAL", "2026-10-01"))
    assert first.audited == 60
    (tmp_path / "targets.yaml").write_text("standards:\n  icpc-within-15-working-days: 0.1\n", encoding="utf-8")
    run_batch([str(cases)], tmp_path / "q4", workers=0, engine="reference", compare=tmp_path / "q3",
              front=FrontMatter("Quarter 4 round", "OFFICIAL", "2026-12-06"), targets=tmp_path / "targets.yaml")
    data = json.loads((tmp_path / "q4" / "board.json").read_text(encoding="utf-8"))
    assert data["meta"]["title"] == "Quarter 4 round" and data["front"] == front_page(
        data, load_targets(tmp_path / "targets.yaml", {s["rule_id"] for s in data["standards"]}))
    icpc = next(s for s in data["standards"] if s["rule_id"] == "icpc-within-15-working-days")
    assert icpc["target"] == 0.1 and icpc["rag"] in ("red", "amber", "green", "too few")
    page = (tmp_path / "q4" / "board.html").read_text(encoding="utf-8")
    assert page.index('id="messages"') < page.index('id="summary"')
    assert "<h1>Quarter 4 round</h1>" in page and "produced 06/12/2026" in page
    assert "Biggest changes since Quarter 3 round (01/10/2026)" in page
    for message in data["front"]["highest"] + data["front"]["done_well"]:
        assert message["text"].replace("'", "&#39;") in page
    wb = openpyxl.load_workbook(tmp_path / "q4" / "board.xlsx")
    summary = [[c for c in row if c is not None] for row in wb["Summary"].iter_rows(values_only=True)]
    assert summary[0] == ["Quarter 4 round"] and ["Key messages"] in summary
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        if name != "Summary" and not name.endswith(" chart"):
            assert ws.print_title_rows == "$1:$1", name


def test_the_command_line_takes_the_title_date_and_targets(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(make_case(5, i).to_json() + "\n" for i in range(1, 6)),
                     encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("standards:\n  no-such-rule: 0.1\n", encoding="utf-8")
    done = cli("batch", str(cases), "--out", str(tmp_path / "out"), "--workers", "0", "--engine", "reference",
               "--targets", str(tmp_path / "bad.yaml"))
    assert done.returncode == 2 and "no-such-rule" in done.stderr and not (tmp_path / "out" / "board.json").exists()
    done = cli("batch", str(cases), "--out", str(tmp_path / "out"), "--workers", "0", "--engine", "reference",
               "--title", "Spring round", "--date", "2026-04-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "out" / "board.json").read_text(encoding="utf-8"))["meta"]
    assert (meta["title"], meta["produced"]) == ("Spring round", "2026-04-01")


def test_the_workbook_has_native_charts_drawn_from_its_own_cells(tmp_path):
    from openpyxl.chart import BarChart

    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(make_case(5, i).to_json() + "\n" for i in range(1, 21)), encoding="utf-8")
    run_batch([str(cases)], tmp_path / "out", workers=0, engine="reference", formats=("xlsx",))
    wb = openpyxl.load_workbook(tmp_path / "out" / "board.xlsx")
    assert wb.sheetnames.index("Standards chart") == wb.sheetnames.index("Standards") + 1
    for sheet, table in (("Standards chart", "Standards"), ("Agencies chart", "Agencies")):
        [chart] = wb[sheet]._charts
        assert isinstance(chart, BarChart) and chart.type == "bar"
        refs = [s.val.numRef.f for s in chart.series]
        assert len(refs) == 2 and all(ref.startswith(f"'{table}'!") or ref.startswith(f"{table}!") for ref in refs)
        assert wb[sheet].page_setup.fitToHeight == 1 and wb[sheet].page_setup.orientation == "landscape"


def test_compare_given_more_than_once_draws_each_standard_over_the_rounds(tmp_path):
    rounds = []
    for n, (title, day) in enumerate((("Round A", "2026-04-01"), ("Round B", "2026-07-01"), ("Round C", "2026-10-01"))):
        cases = tmp_path / f"{n}.jsonl"
        cases.write_text("".join(make_case(20 + n, i).to_json() + "\n" for i in range(1, 16)), encoding="utf-8")
        out = tmp_path / f"round{n}"
        run_batch([str(cases)], out, workers=0, engine="reference", compare=rounds or None,
                  front=FrontMatter(title, "OFFICIAL", day))
        rounds.append(out)
    data = json.loads((rounds[-1] / "board.json").read_text(encoding="utf-8"))
    assert [(r["title"], r["produced"]) for r in data["trends"]["rounds"]] == [
        ("Round A", "2026-04-01"), ("Round B", "2026-07-01"), ("Round C", "2026-10-01")]
    earlier = [json.loads((r / "board.json").read_text(encoding="utf-8")) for r in rounds]
    for standard in data["trends"]["standards"]:
        for point, board in zip(standard["points"], earlier):
            row = next(s for s in board["standards"] if s["rule_id"] == standard["rule_id"])
            assert (point["departure_rate"], point["judged"]) == (row["departure_rate"], row["judged"])
    assert data["comparison"]["previous_title"] == "Round B"  # then and now: the latest earlier round
    page = (rounds[-1] / "board.html").read_text(encoding="utf-8")
    assert 'id="trends"' in page and page.count("<svg class=\"spark\"") == len(data["trends"]["standards"])
    wb = openpyxl.load_workbook(rounds[-1] / "board.xlsx")
    header = [c.value for c in next(wb["Trends"].iter_rows(max_row=1))]
    assert header[2:] == ["Round A (2026-04-01)", "Round B (2026-07-01)", "Round C (2026-10-01)"]
    assert wb["Trends"].cell(2, 3).number_format == "0.0%"


def test_the_page_filters_the_standards_by_lead_agency_without_a_script(tmp_path, browser):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(make_case(5, i).to_json() + "\n" for i in range(1, 11)), encoding="utf-8")
    run_batch([str(cases)], tmp_path / "out", workers=0, engine="reference", formats=("html", "json"))
    data = json.loads((tmp_path / "out" / "board.json").read_text(encoding="utf-8"))
    leads = sorted({s["agency"] for s in data["standards"]})
    page = browser.new_page()
    try:
        page.goto((tmp_path / "out" / "board.html").as_uri())
        assert page.evaluate("document.scripts.length") == 0

        def shown() -> list[str]:
            return page.evaluate("""() => Array.from(document.querySelectorAll('table.standards tbody tr'))
                .filter(r => r.getClientRects().length).map(r => r.children[4].textContent)""")

        assert len(shown()) == len(data["standards"])
        for n, agency in enumerate(leads[:3], start=1):
            page.click(f"label[for=lead-{n}]")
            assert page.inner_text(f"label[for=lead-{n}]") == agency
            assert shown() and set(shown()) == {agency}
            assert len(shown()) == sum(1 for s in data["standards"] if s["agency"] == agency)
        page.click("label[for=lead-all]")
        assert len(shown()) == len(data["standards"])
    finally:
        page.close()
