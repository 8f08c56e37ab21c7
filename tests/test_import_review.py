"""The review loop: the importer proposes, the panel confirms or corrects in a review sheet (Excel, Word or CSV), and
its answers win; the rows no person has looked at are counted. The workbook's dropdowns are read back with
openpyxl, not a browser or an office suite."""

from __future__ import annotations

import csv

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from auditor.importing.review import HEADER

from .conftest import ROOT, cli

TABLE = ROOT / "fixtures" / "import" / "bdhr-panel-chronology.xlsx"
PROFILE = ROOT / "fixtures" / "import" / "profiles" / "bdhr-panel.yaml"
EMAILED = "SW1 emailed TM requesting a strategy discussion"  # proposed: contact (right)
HOMELESS = "Adult A interviewed by a homeless officer"  # proposed: housing-action


def _import(tmp_path, *extra: str, name: str = "case.yaml"):
    done = cli("import", str(TABLE), "--profile", str(PROFILE), "--output", str(tmp_path / name), *extra)
    return done, tmp_path / name


def _events(path) -> dict[str, dict]:
    return {e["summary"]: e for e in yaml.safe_load(path.read_text(encoding="utf-8"))["events"]}


def _rows(sheet) -> list[list[str]]:
    if sheet.suffix == ".csv":
        with open(sheet, encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))
    if sheet.suffix == ".docx":
        table = Document(str(sheet)).tables[0]
        return [[cell.text for cell in row.cells] for row in table.rows]
    wb = load_workbook(sheet)
    rows = [["" if v is None else str(v) for v in row] for row in wb["Review"].iter_rows(values_only=True)]
    wb.close()
    return rows


def _answer(sheet, answers: dict[str, tuple[str, str, str]]) -> None:
    """Fill in the panel's columns for the rows whose text starts with each key: (decision, type, attributes)."""
    at = {name: i for i, name in enumerate(HEADER)}
    if sheet.suffix == ".csv":
        rows = _rows(sheet)
        for row in rows[1:]:
            for start, (decision, kind, attrs) in answers.items():
                if row[at["text"]].startswith(start):
                    row[at["decision"]], row[at["your type"]], row[at["your attributes"]] = decision, kind, attrs
        with open(sheet, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return
    if sheet.suffix == ".docx":
        doc = Document(str(sheet))
        for row in doc.tables[0].rows[1:]:
            cells = row.cells
            for start, (decision, kind, attrs) in answers.items():
                if cells[at["text"]].text.startswith(start):
                    cells[at["decision"]].text, cells[at["your type"]].text = decision, kind
                    cells[at["your attributes"]].text = attrs
        doc.save(str(sheet))
        return
    wb = load_workbook(sheet)
    ws = wb["Review"]
    for row in ws.iter_rows(min_row=2):
        for start, (decision, kind, attrs) in answers.items():
            if str(row[at["text"]].value).startswith(start):
                row[at["decision"]].value, row[at["your type"]].value = decision, kind or None
                row[at["your attributes"]].value = attrs or None
    wb.save(sheet)


def test_the_sheet_puts_the_least_certain_rows_first_with_what_decided_them(tmp_path):
    done, _ = _import(tmp_path, "--review-sheet", str(tmp_path / "review.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "no person has looked at the classification of any of the 22 rows" in done.stderr
    header, *rows = _rows(tmp_path / "review.xlsx")
    assert header == list(HEADER) and len(rows) == 22
    confidence = [float(r[HEADER.index("confidence")]) for r in rows]
    assert confidence == sorted(confidence) and confidence[0] < confidence[-1]
    first = dict(zip(HEADER, rows[0]))
    # The strategy meeting that also names an enquiry and a conference to come: checked first, saying why.
    assert first["proposed type"] == "strategy-discussion" and "planned: icpc" in first["set aside"]
    assert "a meeting: was it held?" in first["check first because"]
    assert first["decided by"] == 'strategy-discussion ("strategy meeting")'


def test_the_workbook_s_dropdowns_offer_the_vocabulary(tmp_path, rulebook):
    _import(tmp_path, "--review-sheet", str(tmp_path / "review.xlsx"))
    wb = load_workbook(tmp_path / "review.xlsx")
    ws, values = wb["Review"], wb["Allowed values"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    types = sorted(rulebook.vocabulary.event_type_ids)
    assert lists == {"L2:L23": "'Allowed values'!$A$2:$A$3",
                     "M2:M23": f"'Allowed values'!$B$2:$B${len(types) + 1}"}
    assert [c.value for c in values["A"][1:3]] == ["confirm", "correct"]
    assert [c.value for c in values["B"][1:len(types) + 1]] == types


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".csv"])
def test_the_panel_s_answers_win_and_are_marked(tmp_path, suffix):
    sheet = tmp_path / f"review{suffix}"
    _import(tmp_path, "--review-sheet", str(sheet))
    _answer(sheet, {EMAILED: ("confirm", "", ""),
                    HOMELESS: ("correct", "disclosure", "concerns: domestic-abuse; referral_considered: yes")})
    done, case = _import(tmp_path, "--reviewed", str(sheet), name="reviewed.yaml")
    assert done.returncode == 0, done.stderr
    assert "the panel confirmed 1 and corrected 1; 20 rows no person has looked at" in done.stderr
    events = _events(case)
    emailed = next(e for s, e in events.items() if s.startswith(EMAILED))
    homeless = next(e for s, e in events.items() if s.startswith(HOMELESS))
    assert (emailed["type"], emailed["classified_by"]) == ("contact", ["panel"])
    assert (homeless["type"], homeless["attrs"], homeless["classified_by"]) == (
        "disclosure", {"concerns": ["domestic-abuse"], "referral_considered": True}, ["panel"])
    others = [e for s, e in events.items() if not s.startswith((EMAILED, HOMELESS))]
    assert all(e["classified_by"] != ["panel"] for e in others)
    report = (tmp_path / "reviewed.import-report.md").read_text(encoding="utf-8")
    assert "1 confirmed, 1 corrected (`classified_by: [panel]`); **20 no person has looked at**" in report
    assert cli("audit", str(case)).returncode == 0


@pytest.mark.parametrize("answer,column,says", [
    (("maybe", "", ""), "decision", "write confirm or correct"),
    (("correct", "meeting", ""), "your type", "not an event type in the vocabulary"),
    (("correct", "", "seen alone"), "your attributes", "is not `name: value` with a known attribute"),
    (("correct", "", "seen_alone: perhaps"), "your attributes", "seen_alone is yes or no"),
    (("correct", "", ""), "your type", "give your type, your attributes, or both"),
])
def test_a_wrong_answer_is_refused_with_its_row_and_column(tmp_path, answer, column, says):
    sheet = tmp_path / "review.csv"
    _import(tmp_path, "--review-sheet", str(sheet))
    _answer(sheet, {EMAILED: answer})
    done, case = _import(tmp_path, "--reviewed", str(sheet), name="reviewed.yaml")
    assert done.returncode == 2 and not case.exists()
    assert f"{sheet}:" in done.stderr and f": {column}: " in done.stderr and says in done.stderr


def test_a_sheet_for_another_table_is_refused(tmp_path):
    sheet = tmp_path / "review.csv"
    _import(tmp_path, "--review-sheet", str(sheet))
    rows = _rows(sheet)
    rows[1][HEADER.index("row")], rows[1][HEADER.index("decision")] = "999", "confirm"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done, _ = _import(tmp_path, "--reviewed", str(sheet), name="reviewed.yaml")
    assert done.returncode == 2 and "answers row 999, which the table does not have" in done.stderr
    (tmp_path / "plain.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    done, _ = _import(tmp_path, "--reviewed", str(tmp_path / "plain.csv"), name="x.yaml")
    assert done.returncode == 2 and "not a review sheet" in done.stderr


def test_a_formula_in_the_table_stays_text_in_the_sheet(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("Date,Agency,Details\n14/03/2019,Example Police,=HYPERLINK(\"http://x\")\n", encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"name": "p", "header_row": 1,
                                       "columns": {"date": "Date", "agency": "Agency", "text": "Details"},
                                       "agencies": {"Example Police": "police"},
                                       "case": {"id": "c", "title": "C", "jurisdiction": "england"}}),
                       encoding="utf-8")
    for suffix in (".csv", ".xlsx", ".docx"):
        done = cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "c.yaml"),
                   "--review-sheet", str(tmp_path / f"r{suffix}"))
        assert done.returncode == 0, done.stderr
        text = _rows(tmp_path / f"r{suffix}")[1][HEADER.index("text")]
        assert text.startswith("'=HYPERLINK" if suffix != ".docx" else "=HYPERLINK")  # Word runs no formulas


VERBATIM = ROOT / "fixtures" / "import" / "verbatim"


@pytest.mark.parametrize("suffix", [".csv", ".docx", ".xlsx"])
def test_the_sheet_asks_about_one_meeting_recorded_twice_and_reads_the_answer(tmp_path, suffix):
    table, profile = VERBATIM / "bdhr-review-table.csv", VERBATIM / "bdhr-review-profile.yaml"
    sheet = tmp_path / f"review{suffix}"
    done = cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "a.yaml"),
               "--review-sheet", str(sheet))
    assert done.returncode == 0, done.stderr
    rows = {r[0]: dict(zip(HEADER, r)) for r in _rows(sheet)[1:]}
    # Police and children's social care each recorded a strategy discussion, 22 days apart: the sheet asks.
    assert "the same meeting as row 87?" in rows["86"]["check first because"]
    at = {name: i for i, name in enumerate(HEADER)}
    if suffix == ".csv":
        lines = _rows(sheet)
        for line in lines[1:]:
            if line[0] == "86":
                line[at["decision"]], line[at["same event as"]] = "confirm", "87"
        with open(sheet, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(lines)
    elif suffix == ".docx":
        doc = Document(str(sheet))
        for row in doc.tables[0].rows[1:]:
            if row.cells[0].text == "86":
                row.cells[at["decision"]].text, row.cells[at["same event as"]].text = "confirm", "87"
        doc.save(str(sheet))
    else:
        wb = load_workbook(sheet)
        for row in wb["Review"].iter_rows(min_row=2):
            if str(row[0].value) == "86":
                row[at["decision"]].value, row[at["same event as"]].value = "confirm", "87"
        wb.save(sheet)
    done = cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "b.yaml"),
               "--reviewed", str(sheet))
    assert done.returncode == 0, done.stderr
    events = {e["id"]: e for e in yaml.safe_load((tmp_path / "b.yaml").read_text(encoding="utf-8"))["events"]}
    assert events["R86"]["same_event_as"] == ["R87"] and events["R87"]["same_event_as"] == ["R86"]


def test_a_same_event_answer_without_a_decision_is_refused(tmp_path):
    sheet = tmp_path / "review.csv"
    _import(tmp_path, "--review-sheet", str(sheet))
    rows = _rows(sheet)
    rows[1][HEADER.index("same event as")] = "3"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done, case = _import(tmp_path, "--reviewed", str(sheet), name="reviewed.yaml")
    assert done.returncode == 2 and not case.exists()
    assert ": decision: same event as is filled in" in done.stderr
