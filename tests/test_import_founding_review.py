"""The founding review's own sentences, imported from a panel table and corrected by the panel in the review sheet,
give the headline findings of the hand-written founding chronology.

The table is the verbatim held-out table (fixtures/import/verbatim/bdhr-review-table.csv, sentences copied from
the overview report), and the panel's answers are its blind labels (labels.yaml there), written before any
classifier run: the panel confirms a proposal where it agrees with the label and corrects it to the label where
it does not. The one answer the labels do not hold is the panel's own knowledge that the three strategy discussion
records are one discussion (the review says so, paras 107 and 166), written in the sheet's "same event as" column.
Nothing here tunes the classifier: whatever it proposes, the panel's answers win.
"""

from __future__ import annotations

import json

import yaml
from openpyxl import load_workbook

from auditor.importing.review import HEADER, format_attrs

from .conftest import ROOT, cli

VERBATIM = ROOT / "fixtures" / "import" / "verbatim"
TABLE = VERBATIM / "bdhr-review-table.csv"
PROFILE = VERBATIM / "bdhr-review-profile.yaml"
HAND_WRITTEN = ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml"
STRATEGY_DISCUSSIONS = {86: "85, 87"}  # table rows: the police record, and children's social care's two
HEADLINES = ("icpc-within-15-working-days", "police-invited-to-icpc-where-domestic-abuse",
             "conference-report-before-conference", "first-core-group-within-10-working-days")


def _fill_in(sheet) -> tuple[int, int]:
    labels = {entry["row"]: entry for entry in yaml.safe_load((VERBATIM / "labels.yaml").read_text(encoding="utf-8"))
              ["rows"] if entry["table"] == TABLE.name}
    wb = load_workbook(sheet)
    ws = wb["Review"]
    at = {name: i for i, name in enumerate(HEADER)}
    confirmed = corrected = 0
    for cells in ws.iter_rows(min_row=2):
        row = int(cells[at["row"]].value)
        label = labels[row]
        proposed = (cells[at["proposed type"]].value, cells[at["proposed attributes"]].value or "")
        if proposed == (label["type"], format_attrs(label["attrs"])):
            cells[at["decision"]].value = "confirm"
            confirmed += 1
        else:
            cells[at["decision"]].value, cells[at["your type"]].value = "correct", label["type"]
            cells[at["your attributes"]].value = format_attrs(label["attrs"]) or None
            corrected += 1
        cells[at["same event as"]].value = STRATEGY_DISCUSSIONS.get(row)
    wb.save(sheet)
    return confirmed, corrected


def _headlines(case, tmp_path, name: str) -> dict[str, tuple[str, str]]:
    out = tmp_path / f"{name}.json"
    done = cli("audit", str(case), "--format", "json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    return {f["rule_id"]: (f["status"], f["statement"]) for f in findings if f["rule_id"] in HEADLINES}


def test_the_reviewed_import_of_the_review_s_sentences_gives_the_hand_written_headlines(tmp_path):
    sheet, first = tmp_path / "review.xlsx", tmp_path / "first.yaml"
    done = cli("import", str(TABLE), "--profile", str(PROFILE), "--output", str(first), "--review-sheet", str(sheet))
    assert done.returncode == 0, done.stderr
    confirmed, corrected = _fill_in(sheet)
    reviewed = tmp_path / "reviewed.yaml"
    done = cli("import", str(TABLE), "--profile", str(PROFILE), "--output", str(reviewed), "--reviewed", str(sheet))
    assert done.returncode == 0, done.stderr
    assert f"the panel confirmed {confirmed} and corrected {corrected}; 0 rows no person has looked at" in done.stderr

    imported, hand = _headlines(reviewed, tmp_path, "imported"), _headlines(HAND_WRITTEN, tmp_path, "hand")
    assert {rule: status for rule, (status, _) in imported.items()} == \
        {rule: status for rule, (status, _) in hand.items()} == {
            "icpc-within-15-working-days": "possible-breach",  # met under one strategy discussion date, not the other
            "police-invited-to-icpc-where-domestic-abuse": "breach",
            "conference-report-before-conference": "breach",
            "first-core-group-within-10-working-days": "breach"}
    # The same readings: the conference judged under both strategy discussion dates; the report on the day.
    for statement in (imported["icpc-within-15-working-days"][1], hand["icpc-within-15-working-days"][1]):
        assert "01/05/2012" in statement and "23/05/2012" in statement
    for statement in (imported["conference-report-before-conference"][1],
                      hand["conference-report-before-conference"][1]):
        assert "on the day of the initial child protection conference" in statement
    # The police's absence is found from the invitation row, linked to its conference by the import.
    assert "conference invitation" in imported["police-invited-to-icpc-where-domestic-abuse"][1]
