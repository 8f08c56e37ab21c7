"""Messy panel tables: nothing is dropped in silence, and every problem is said once, where it can be fixed."""

from __future__ import annotations

import yaml

from .conftest import cli

PROFILE = {"name": "p", "header_row": 1, "columns": {"date": "Date", "agency": "Agency", "text": "Details"},
           "agencies": {"WMP": "police"}, "case": {"id": "c", "title": "C", "jurisdiction": "england"}}


def _import(tmp_path, rows: str, agencies: dict[str, str] | None = None):
    table, profile = tmp_path / "t.csv", tmp_path / "p.yaml"
    table.write_text(rows, encoding="utf-8")
    profile.write_text(yaml.safe_dump({**PROFILE, "agencies": agencies or PROFILE["agencies"]}), encoding="utf-8")
    return cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "c.yaml"))


def test_a_csv_row_with_more_cells_than_headings_is_an_error_naming_the_row(tmp_path):
    done = _import(tmp_path, "Date,Agency,Details\n02/10/2011,WMP,Police attended, Adult A seen alone\n"
                             '03/10/2011,WMP,"Police attended, Adult A seen alone"\n')
    assert done.returncode == 2 and not (tmp_path / "c.yaml").exists()
    assert "row 2 has 4 cells but the table has 3 headings" in done.stderr
    assert "row 3" not in done.stderr  # the quoted comma is one cell


def test_an_unmapped_agency_is_one_message_with_its_rows_and_the_line_to_add(tmp_path):
    rows = "Date,Agency,Details\n" + "".join(f"0{d}/10/2011,Health Visitor,Home visit\n" for d in range(1, 4))
    done = _import(tmp_path, rows)
    assert done.returncode == 2
    assert "1 problem in the input" in done.stderr  # one message for the spelling, not one per row
    assert "agency 'Health Visitor' (rows 2, 3, 4) is not in the profile's agencies: add a line under " \
           "`agencies:`, 'Health Visitor: <agency id>'" in done.stderr


def test_curly_and_straight_apostrophes_and_dashes_name_one_agency(tmp_path):
    done = _import(tmp_path, "Date,Agency,Details\n02/10/2011,Women\u2019s Aid,Support session with Adult A\n"
                             "03/10/2011,A\u2013E,Adult A attended with a head injury\n",
                   {"Women's Aid": "womens-aid", "A-E": "hospital"})
    assert done.returncode == 0, done.stderr
    events = yaml.safe_load((tmp_path / "c.yaml").read_text(encoding="utf-8"))["events"]
    assert [e["agency"] for e in events] == ["womens-aid", "hospital"]


def test_inspect_maps_panel_spellings_and_suggests_near_ones(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("Date,Agency,Details\n02/10/2011,WMP,Police attended\n03/10/2011,Helth Visiting,Home visit\n"
                     "04/10/2011,BCC CSC,Strategy discussion\n05/10/2011,Mars Agency,Something\n", encoding="utf-8")
    done = cli("import", str(table), "--inspect")
    assert done.returncode == 0, done.stderr
    proposal = yaml.safe_load(done.stdout)
    assert proposal["agencies"] == {"WMP": "police", "Helth Visiting": "health-visiting",
                                    "BCC CSC": "childrens-social-care", "Mars Agency": None}
    assert "'Helth Visiting' is mapped to health-visiting as the nearest known spelling" in done.stdout
    assert "'WMP' is mapped" not in done.stdout  # a spelling the rules know is not a guess


def test_vertically_merged_cells_are_carried_down_in_word_and_excel(tmp_path):
    """A panel that merges one date or agency cell over several rows means it for each of them: Word marks the rows
    below as continuing the merge, Excel keeps the value only in the top cell; both read as the value repeated."""
    from docx import Document
    from openpyxl import Workbook

    from auditor.files.tables import iter_rows

    rows = [("Date", "Agency", "Details"), ("11/06/2012", "CSC", "ICPC held"), ("", "", "Plan made"),
            ("", "WMP", "Police not invited"), ("12/06/2012", "CSC", "Minutes sent")]
    doc = Document()
    table = doc.add_table(rows=len(rows), cols=3)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(3, 0))  # the date over three rows
    table.cell(1, 1).merge(table.cell(2, 1))  # the agency over two
    doc.save(str(tmp_path / "t.docx"))
    wb = Workbook()
    for values in rows:
        wb.active.append(list(values))
    wb.active.merge_cells("A2:A4")
    wb.active.merge_cells("B2:B3")
    wb.save(str(tmp_path / "t.xlsx"))
    expected = [("11/06/2012", "CSC", "ICPC held"), ("11/06/2012", "CSC", "Plan made"),
                ("11/06/2012", "WMP", "Police not invited"), ("12/06/2012", "CSC", "Minutes sent")]
    for name in ("t.docx", "t.xlsx"):
        read = [tuple(row.cells[:3]) for row in iter_rows(tmp_path / name, None)][1:]
        assert read == expected, name
