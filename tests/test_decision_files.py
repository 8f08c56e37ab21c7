"""Reviewers' decisions in the formats authors use: a sheet in Excel or Word (dropdowns for the decision), read back
with its rows and columns; and `auditor review --update`, which carries decisions across a changed chronology: kept
where the finding still exists, listed where its status changed or it vanished, and never blocking the report."""

from __future__ import annotations

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from auditor.appendix.decision_files import HEADER

from .conftest import FOUNDING_CASE, cli

FINDING = "police-invited-to-icpc-where-domestic-abuse@E046"


def _fill(sheet, answers: dict[str, tuple[str, str, str, str]]) -> None:
    """(decision, reason, role, date) for each finding id."""
    at = {name: i for i, name in enumerate(HEADER)}
    if sheet.suffix == ".xlsx":
        wb = load_workbook(sheet)
        for row in wb["Decisions"].iter_rows(min_row=3):
            if row[0].value in answers:
                for column, value in zip(("decision", "reason", "reviewer role", "decision date"), answers[row[0].value]):
                    row[at[column]].value = value
        wb.save(sheet)
        return
    doc = Document(str(sheet))
    for row in doc.tables[1].rows[1:]:
        if row.cells[0].text in answers:
            for column, value in zip(("decision", "reason", "reviewer role", "decision date"), answers[row.cells[0].text]):
                row.cells[at[column]].text = value
    doc.save(str(sheet))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_decisions_sheet_round_trip_shows_the_decision_in_the_appendix(tmp_path, suffix):
    sheet = tmp_path / f"decisions{suffix}"
    done = cli("review", str(FOUNDING_CASE), "--output", str(sheet))
    assert done.returncode == 0, done.stderr
    _fill(sheet, {FINDING: ("confirmed", "Para 148 states it.", "Independent reviewer", "2026-12-01")})
    out = tmp_path / "appendix.md"
    done = cli("report", str(FOUNDING_CASE), "--format", "md", "--decisions", str(sheet), "--date", "2026-12-06",
               "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "Reviewer's decision: Confirmed: Para 148 states it. (Independent reviewer, 01/12/2026)" in out.read_text()


def test_the_workbook_offers_the_decisions_as_a_dropdown_and_says_the_standard(tmp_path):
    sheet = tmp_path / "decisions.xlsx"
    assert cli("review", str(FOUNDING_CASE), "--output", str(sheet)).returncode == 0
    wb = load_workbook(sheet)
    ws = wb["Decisions"]
    assert [c.value for c in ws[1][:2]] == ["case", "bdhr-2012-13-04"] and [c.value for c in ws[2]] == list(HEADER)
    [dropdown] = ws.data_validations.dataValidation
    assert dropdown.formula1 == "'Allowed values'!$A$2:$A$5" and str(dropdown.sqref).startswith("G3:G")
    assert [c.value for c in wb["Allowed values"]["A"][1:5]] == ["undecided", "confirmed", "disputed", "not-applicable"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == FINDING)
    assert row[1] == "Departure" and row[2].startswith("Children's social care invites the police")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"


def test_a_bad_answer_in_a_sheet_names_its_row_and_column(tmp_path):
    sheet = tmp_path / "decisions.xlsx"
    assert cli("review", str(FOUNDING_CASE), "--output", str(sheet)).returncode == 0
    _fill(sheet, {FINDING: ("agreed", "", "", "")})
    done = cli("report", str(FOUNDING_CASE), "--format", "md", "--decisions", str(sheet), "--output",
               str(tmp_path / "a.md"))
    assert done.returncode == 2 and f"{sheet}:" in done.stderr and ": decision: " in done.stderr
    assert not (tmp_path / "a.md").exists()


def test_update_carries_decisions_onto_a_changed_chronology_and_lists_what_changed(tmp_path):
    before = tmp_path / "before.yaml"
    assert cli("review", str(FOUNDING_CASE), "--output", str(before)).returncode == 0
    data = yaml.safe_load(before.read_text())
    for d in data["decisions"]:
        if d["finding"] in (FINDING, "gp-invited-to-icpc@E046"):
            d.update(decision="confirmed", reason="agreed by the panel", reviewer_role="Chair", date="2026-12-01")
    data["decisions"].append({"finding": "gone-rule@E999", "status": "Departure", "decision": "disputed",
                              "reason": "no longer relevant"})
    before.write_text(yaml.safe_dump(data, sort_keys=False))
    # The chronology changes: the GP is now recorded as invited, so that finding is met rather than a departure.
    case = yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8"))
    conference = next(e for e in case["events"] if e["id"] == "E046")
    conference["attrs"]["invited"] = sorted(set(conference["attrs"].get("invited", [])) | {"gp"})
    changed = tmp_path / "case.yaml"
    changed.write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True), encoding="utf-8")
    after = tmp_path / "after.xlsx"
    done = cli("review", str(changed), "--update", str(before), "--output", str(after))
    assert done.returncode == 0, done.stderr
    assert "review: 2 decisions carried over" in done.stderr
    assert "gp-invited-to-icpc@E046: was Departure when decided, now Met; check the decision (confirmed)" in done.stderr
    assert "gone-rule@E999: no longer a finding of this audit" in done.stderr
    rows = {r[0]: r for r in load_workbook(after)["Decisions"].iter_rows(min_row=3, values_only=True)}
    assert rows[FINDING][6:9] == ("confirmed", "agreed by the panel", "Chair")
    # The old file itself still gives a report: the vanished finding's decision is set aside, not a failure.
    out = tmp_path / "appendix.md"
    done = cli("report", str(changed), "--format", "md", "--decisions", str(before), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "gone-rule@E999 is not a finding of this audit" in done.stderr
    assert "(gone-rule@E999)" in out.read_text()
