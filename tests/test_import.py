"""`auditor import`: panel tables in Word, Excel and CSV become chronologies the auditor audits, with a report."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
import yaml

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology
from auditor.errors import InputError
from auditor.importing.classification import load_classifier
from auditor.importing.importer import import_table
from auditor.importing.profile import load_profile
from auditor.importing.report import import_report_markdown
from auditor.files.tables import iter_rows, list_tables

from .conftest import FOUNDING_CASE, ROOT

FIXTURES = ROOT / "fixtures" / "import"
PROFILES = FIXTURES / "profiles"
KEY_STANDARDS = ("icpc-within-15-working-days", "police-invited-to-icpc-where-domestic-abuse",
                 "conference-report-before-conference")


@pytest.fixture(scope="module")
def classifier(rulebook):
    return load_classifier(None, rulebook.vocabulary)


def run_import(rulebook, classifier, table: Path, profile: Path, out: Path):
    mapping = load_profile(profile, rulebook.vocabulary)
    report = import_table(table, mapping, rulebook.vocabulary, classifier, out, classifier.link_rules)
    return report, load_chronology(out, rulebook.vocabulary)


def notes(report, kind):
    return [n for n in report.notes if n.kind == kind]


# --- the three formats ---------------------------------------------------------------------------

@pytest.mark.parametrize("table, profile", [
    ("example-borough-chronology.docx", "example-borough-word.yaml"),
    ("example-borough-chronology.csv", "example-borough-csv.yaml"),
])
def test_the_synthetic_case_imports_from_word_and_csv_with_its_messy_rows_reported(rulebook, classifier, tmp_path,
                                                                                    table, profile):
    report, chron = run_import(rulebook, classifier, FIXTURES / table, PROFILES / profile, tmp_path / "case.yaml")
    rows = list(iter_rows(FIXTURES / table))
    data_rows = [r for r in rows[1:] if not r.is_blank()]
    assert len(chron.events) == report.events == len(data_rows) == 18
    assert report.blank_rows == 1
    # provenance: every event cites its own row, and its text is that row's
    by_row = {r.number: r for r in rows}
    for event in chron.events:
        assert event.source.document == "example-borough-chronology"
        assert event.summary.startswith(by_row[event.source.row].cells[2])
    # the messy rows
    assert [n.row for n in notes(report, "duplicate")] == [11]
    assert [n.row for n in notes(report, "out-of-order")] == [14]
    assert [n.row for n in notes(report, "outside-scoping")] == [20]
    unclassified = notes(report, "unclassified")
    assert any("File reviewed" in n.message for n in unclassified)
    assert all(chron.by_id[n.message.split(":")[0]].type == "other" for n in unclassified)
    # dates as written: relative, approximate and weekday-checked
    event = {e.source.row: e for e in chron.events}
    assert event[4].date.iso() == "2019-03-16"  # "the following day", after row 3's 15/03/2019
    assert event[15].date.earliest.date().isoformat() == "2019-04-04"  # "three days later" after 01/04/2019
    assert event[6].date.precision == "range"  # "c. April 2019": uncertain, widened
    assert any(n.row == 6 for n in notes(report, "date"))


def test_a_type_column_wins_over_the_patterns(rulebook, classifier, tmp_path):
    report, chron = run_import(rulebook, classifier, FIXTURES / "example-borough-chronology.csv",
                               PROFILES / "example-borough-csv.yaml", tmp_path / "case.yaml")
    event = next(e for e in chron.events if e.source.row == 5)
    assert event.type == "strategy-discussion" and event.classified_by[0] == "column"
    assert [n.row for n in notes(report, "type-from-column")] == [5]


def test_every_classified_event_names_the_patterns_that_classified_it(rulebook, classifier, tmp_path):
    _, chron = run_import(rulebook, classifier, FIXTURES / "example-borough-chronology.docx",
                          PROFILES / "example-borough-word.yaml", tmp_path / "case.yaml")
    for event in chron.events:
        assert bool(event.classified_by) == (event.type != "other"), event.id
    icpc = next(e for e in chron.events if e.type == "initial-child-protection-conference")
    assert "police" in icpc.attrs.get("attended", [])


def test_the_panel_spreadsheet_of_the_founding_case_gives_the_same_key_departures(rulebook, classifier, durable,
                                                                                   tmp_path):
    report, imported = run_import(rulebook, classifier, FIXTURES / "bdhr-panel-chronology.xlsx",
                                  PROFILES / "bdhr-panel.yaml", tmp_path / "case.yaml")
    assert report.table == "Integrated chronology" and report.rows_read == 3 + 22
    hand = load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    status = {}
    for name, chron in (("hand", hand), ("imported", imported)):
        result = audit(chron, rulebook, durable, "test")
        status[name] = {f.rule_id: f.status for f in result.findings if f.rule_id in KEY_STANDARDS}
    assert status["imported"] == status["hand"]
    assert status["hand"] == {"icpc-within-15-working-days": "possible-breach",
                              "police-invited-to-icpc-where-domestic-abuse": "breach",
                              "conference-report-before-conference": "breach"}
    # the two records of one strategy discussion, from the "Same event as" column, both ways
    records = [e for e in imported.events if e.type == "strategy-discussion"]
    assert sorted(e.same_event_as for e in records) == [["10"], ["14"]]
    report_row = next(e for e in imported.events if e.type == "conference-report")
    assert report_row.links["for"] == ["16"] and report_row.source.note == "OR para 170"


def test_import_is_byte_identical_run_to_run_and_the_report_lists_what_to_check(rulebook, classifier, tmp_path):
    outputs = []
    for n in (1, 2):
        report, _ = run_import(rulebook, classifier, FIXTURES / "example-borough-chronology.docx",
                               PROFILES / "example-borough-word.yaml", tmp_path / f"case{n}.yaml")
        outputs.append((tmp_path / f"case{n}.yaml").read_bytes())
    assert outputs[0] == outputs[1]
    text = import_report_markdown(report)
    assert "## Duplicate rows (same date, agency and text) (1)" in text
    assert "## Rows out of date order (1)" in text
    assert "01/01/2019 to 30/06/2019" in text


# --- reading tables ------------------------------------------------------------------------------

def test_inspect_lists_every_sheet_with_its_first_rows():
    tables = list_tables(FIXTURES / "bdhr-panel-chronology.xlsx")
    assert [(t.name, t.rows) for t in tables] == [("Integrated chronology", 25), ("Notes", 1)]
    assert tables[0].first_rows[2].cells[:3] == ("Ref", "Date", "Time")


def test_a_merged_word_cell_keeps_the_columns_aligned(tmp_path):
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=3)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text, table.rows[0].cells[2].text = "Date", "Agency", "Event"
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[1])
    merged.text = "01/05/2012"
    table.rows[1].cells[2].text = "Strategy discussion"
    document.save(tmp_path / "t.docx")
    rows = list(iter_rows(tmp_path / "t.docx"))
    assert rows[1].cells[2] == "Strategy discussion" and len(rows[1].cells) == 3


def test_csv_in_windows_1252_with_semicolons_is_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("Date;Agency;Event\r\n01/05/2012;Police;Adult A\u2019s call \u2013 strategy discussion\r\n"
                     .encode("cp1252"))
    rows = list(iter_rows(path))
    assert rows[1].cells == ("01/05/2012", "Police", "Adult A\u2019s call \u2013 strategy discussion")


# --- bad input: clear messages, exit 2 -----------------------------------------------------------

def cli(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=120)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def minimal_profile(tmp_path: Path, **columns: str) -> Path:
    data = {"name": "t", "columns": columns or {"date": "Date", "agency": "Agency", "text": "Event"},
            "agencies": {"Police": "police"}, "case": {"id": "t"}}
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_password_protected_file_is_refused_with_exit_2(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    proc = cli("import", str(path), "--profile", str(minimal_profile(tmp_path)), "--output", str(tmp_path / "o.yaml"))
    assert proc.returncode == 2 and "password-protected" in proc.stderr and "locked.xlsx" in proc.stderr
    assert not (tmp_path / "o.yaml").exists()


def test_a_corrupt_file_is_refused_with_exit_2(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    proc = cli("import", str(path), "--profile", str(minimal_profile(tmp_path)))
    assert proc.returncode == 2 and "corrupt" in proc.stderr and "broken.docx" in proc.stderr


def test_a_profile_naming_a_missing_column_says_which_and_lists_the_headings(rulebook, classifier, tmp_path):
    table = write_csv(tmp_path / "t.csv", [["When", "Agency", "Event"], ["01/05/2012", "Police", "Strategy discussion"]])
    with pytest.raises(InputError) as caught:
        run_import(rulebook, classifier, table, minimal_profile(tmp_path), tmp_path / "o.yaml")
    (problem,) = caught.value.problems
    assert problem.field == "columns.date" and "'When'" in problem.message and "'Date'" in problem.message


def test_an_empty_sheet_is_refused(rulebook, classifier, tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(InputError, match="empty"):
        run_import(rulebook, classifier, tmp_path / "empty.xlsx", minimal_profile(tmp_path), tmp_path / "o.yaml")


def test_unreadable_dates_and_unknown_agencies_are_all_listed_with_their_rows(rulebook, classifier, tmp_path):
    table = write_csv(tmp_path / "t.csv", [
        ["Date", "Agency", "Event"],
        ["31/02/2012", "Police", "Incident"],
        ["01/03/2012", "Fire Service", "Home safety visit"],
        ["12/13/2012", "Police", "Incident"],
        ["02/03/2012", "Police", "Incident"],
    ])
    with pytest.raises(InputError) as caught:
        run_import(rulebook, classifier, table, minimal_profile(tmp_path), tmp_path / "o.yaml")
    found = sorted((p.line, p.field) for p in caught.value.problems)
    assert found == [(2, "date"), (3, "agency"), (4, "date")]
    assert "Fire Service" in str(caught.value) and not (tmp_path / "o.yaml").exists()


def test_cli_inspect_then_import_then_audit(tmp_path):
    table = FIXTURES / "example-borough-chronology.docx"
    proc = cli("import", str(table), "--inspect")
    assert proc.returncode == 0, proc.stderr
    proposal = yaml.safe_load(proc.stdout)
    assert proposal["columns"]["date"] == "Date" and proposal["columns"]["text"] == "Details"
    assert "table 1: 20 rows" in proc.stderr
    out = tmp_path / "case.yaml"
    proc = cli("import", str(table), "--profile", str(PROFILES / "example-borough-word.yaml"), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "case.import-report.md").exists() and "18 events imported" in proc.stderr
    proc = cli("audit", str(out), "--all")
    assert proc.returncode == 0, proc.stderr
    assert "[example-borough-chronology.docx table 1 row 2]" in " ".join(proc.stdout.split())  # evidence cites rows


def test_the_fixtures_are_what_the_script_writes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_import_fixtures", ROOT / "scripts" / "make_import_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.write_xlsx()
    module.write_docx()
    module.write_csv()
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (FIXTURES / path.name).read_bytes(), path.name
    with zipfile.ZipFile(FIXTURES / "bdhr-panel-chronology.xlsx") as package:
        assert {i.date_time for i in package.infolist()} == {module.STAMP}
