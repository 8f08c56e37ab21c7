"""`auditor import` against hostile or damaged Word, Excel and CSV files: every one is an InputError
(exit 2) naming where the damage is, never a traceback, never exit 1, never rows silently lost, and
memory stays bounded however large a part or a cell claims to be."""

from __future__ import annotations

import struct
import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml

from auditor.errors import InputError
from auditor.importing.classification import load_classifier
from auditor.importing.importer import import_table
from auditor.importing.profile import load_profile
from auditor.importing.report import import_report_markdown, summary_line
from auditor.files.tables import MAX_CELL_CHARS, MAX_WORD_COLUMNS, iter_rows, list_tables, zip_package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER = ("Date", "Agency", "Event")


@pytest.fixture(scope="module")
def classifier(rulebook):
    return load_classifier(None, rulebook.vocabulary)


def profile(tmp_path: Path) -> Path:
    data = {"name": "t", "columns": {"date": "Date", "agency": "Agency", "text": "Event"},
            "agencies": {"Police": "police"}, "case": {"id": "t"}}
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def run_import(rulebook, classifier, table: Path, tmp_path: Path):
    mapping = load_profile(profile(tmp_path), rulebook.vocabulary)
    return import_table(table, mapping, rulebook.vocabulary, classifier, tmp_path / "out.yaml", classifier.link_rules)


def refused(path: Path, table: str | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        list(iter_rows(path, table))
    return caught.value


def cli(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=120,
                          check=False)


# --- building small packages by hand -------------------------------------------------------------

def package(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def xlsx_parts(sheet_data: str, strings: list[str] | None = None, dimension: str | None = None,
               sheet_xml: str | None = None) -> dict[str, bytes | str]:
    """A minimal workbook of one sheet named Chronology; `strings` become xl/sharedStrings.xml."""
    rels = f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                       f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
                           '<sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>',
    }
    if strings is not None:
        rels += f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN}">'
                                         + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts["xl/worksheets/sheet1.xml"] = sheet_xml if sheet_xml is not None else (
        f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{sheet_data}</sheetData></worksheet>')
    return parts


def inline_row(number: int, *cells: str) -> str:
    return f'<row r="{number}">' + "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        for i, text in enumerate(cells)) + "</row>"


def chronology_rows(count: int) -> str:
    """A header and `count` rows, each a police strategy discussion on its own day."""
    return inline_row(1, *HEADER) + "".join(
        inline_row(n, f"{n - 1:02d}/05/2012", "Police", f"Strategy discussion {n}") for n in range(2, count + 2))


def docx(path: Path, body: str) -> Path:
    return package(path, {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                       f'Type="{DOC_RELS}/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<w:document xmlns:w="{WORD}"><w:body>{body}</w:body></w:document>',
    })


def word_cell(text: str, span: str | None = None) -> str:
    properties = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span is not None else ""
    return f"<w:tc>{properties}<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"


def word_table(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in rows) + "</w:tbl>"


# --- 1. Word: merged-cell spans are bounded -------------------------------------------------------

@pytest.mark.parametrize("span", [str(MAX_WORD_COLUMNS + 1), "100000"])
def test_a_word_cell_spanning_more_columns_than_a_table_can_have_is_refused_with_table_and_row(tmp_path, span):
    path = docx(tmp_path / "span.docx", word_table("".join(word_cell(h) for h in HEADER),
                                                   word_cell("01/05/2012", span) + word_cell("Police")))
    error = refused(path)
    (problem,) = error.problems
    assert problem.field == "table 1" and problem.line == 2 and "span" in problem.message
    assert f"{int(span):,} columns" in problem.message


def test_a_word_cell_span_that_is_not_a_number_is_refused(tmp_path):
    path = docx(tmp_path / "span.docx", word_table("".join(word_cell(h) for h in HEADER),
                                                   word_cell("01/05/2012", "two") + word_cell("Police")))
    (problem,) = refused(path).problems
    assert problem.field == "table 1" and problem.line == 2 and "'two'" in problem.message


def test_a_word_row_with_more_cells_than_a_table_can_have_is_refused(tmp_path):
    path = docx(tmp_path / "wide.docx", word_table("".join(word_cell(str(n)) for n in range(MAX_WORD_COLUMNS + 1))))
    (problem,) = refused(path).problems
    assert problem.field == "table 1" and f"more than {MAX_WORD_COLUMNS} columns" in problem.message


def test_word_spans_within_bounds_still_keep_the_columns_aligned(tmp_path):
    path = docx(tmp_path / "ok.docx", word_table("".join(word_cell(h) for h in HEADER) + word_cell("Note"),
                                                 word_cell("01/05/2012", "2") + word_cell("Strategy discussion")
                                                 + word_cell("x")))
    rows = list(iter_rows(path))
    assert rows[1].cells == ("01/05/2012", "", "Strategy discussion", "x")


# --- 2. Excel (and Word, CSV): a cell's text is bounded --------------------------------------------

def test_a_huge_shared_string_is_refused_naming_sheet_row_and_column_without_holding_it(tmp_path):
    huge = "A" * 20_000_000
    path = package(tmp_path / "big.xlsx", xlsx_parts(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c></row>',
        strings=[*HEADER, "01/05/2012", "Police", huge]))
    del huge
    list(iter_rows(package(tmp_path / "warm.xlsx", xlsx_parts(inline_row(1, "x")))))  # imports are not the reading
    tracemalloc.start()
    try:
        error = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (problem,) = error.problems
    assert problem.field == "sheet 'Chronology'" and problem.line == 2
    assert problem.message.startswith("row 2, column C:") and f"{MAX_CELL_CHARS:,} characters" in problem.message
    assert peak < 2_000_000, f"reading the 20 MB string took {peak:,} bytes of Python memory"


def test_a_huge_shared_string_no_cell_uses_does_not_stop_the_import(tmp_path):
    path = package(tmp_path / "unused.xlsx", xlsx_parts(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=["Date", "B" * (MAX_CELL_CHARS + 1)]))
    assert [r.cells for r in iter_rows(path)] == [("Date",)]


def test_a_huge_inline_string_is_refused_naming_sheet_row_and_column(tmp_path):
    path = package(tmp_path / "inline.xlsx", xlsx_parts(
        inline_row(1, *HEADER) + inline_row(2, "01/05/2012", "Police", "x" * (MAX_CELL_CHARS + 1))))
    (problem,) = refused(path).problems
    assert problem.field == "sheet 'Chronology'" and problem.message.startswith("row 2, column C:")


def test_a_huge_word_cell_is_refused_naming_table_row_and_column(tmp_path):
    path = docx(tmp_path / "big.docx", word_table("".join(word_cell(h) for h in HEADER),
                                                  word_cell("01/05/2012") + word_cell("y" * (MAX_CELL_CHARS + 1))))
    (problem,) = refused(path).problems
    assert problem.field == "table 1" and problem.line == 2 and "column 2" in problem.message


def test_a_huge_csv_cell_is_refused_naming_its_row(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("Date,Agency,Event\n01/05/2012,Police," + "z" * (MAX_CELL_CHARS + 1) + "\n", encoding="utf-8")
    (problem,) = refused(path).problems
    assert problem.line == 2 and "row 2" in problem.message and f"{MAX_CELL_CHARS:,}" in problem.message


# --- 3. Excel: a stale dimension never drops rows or columns ---------------------------------------

def test_a_sheet_whose_dimension_is_smaller_than_its_data_loses_no_rows(rulebook, classifier, tmp_path):
    path = package(tmp_path / "stale.xlsx", xlsx_parts(chronology_rows(24), dimension="A1:C3"))
    assert len(list(iter_rows(path))) == 25
    report = run_import(rulebook, classifier, path, tmp_path)
    assert report.events == 24 and report.rows_read == 25


def test_a_sheet_whose_dimension_is_narrower_than_its_data_loses_no_columns(tmp_path):
    path = package(tmp_path / "narrow.xlsx", xlsx_parts(inline_row(1, *HEADER, "Outcome"), dimension="A1:B1"))
    assert next(iter_rows(path)).cells == (*HEADER, "Outcome")


# --- 4. Excel: damaged worksheet XML --------------------------------------------------------------

def worksheet(sheet_data: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'


@pytest.mark.parametrize("damage, sheet_xml", [
    ("truncated XML", worksheet(inline_row(1, *HEADER))[:-30]),
    ("bad cell reference", worksheet('<row r="1"><c r="1A" t="inlineStr"><is><t>Date</t></is></c></row>')),
    ("undefined entity", worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&foo;</t></is></c></row>')),
    ("row out of range", worksheet('<row r="99999999"/>')),
    ("row inside a row", worksheet('<row r="1"><c r="A1"><v>1</v></c><row r="2"/></row>')),
    ("cell in another row", worksheet('<row r="1"><c r="A7"><v>1</v></c></row>')),
    ("column beyond XFD", worksheet('<row r="1"><c r="XFE1"><v>1</v></c></row>')),
    ("number that is not one", worksheet('<row r="1"><c r="A1"><v>12abc</v></c></row>')),
    ("missing shared string", worksheet('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')),
    ("a DTD", '<!DOCTYPE worksheet [<!ENTITY x "y">]>' + worksheet("")),
])
def test_a_damaged_worksheet_is_an_input_error_naming_file_and_sheet(tmp_path, damage, sheet_xml):
    path = package(tmp_path / "damaged.xlsx", xlsx_parts("", strings=["Date"], sheet_xml=sheet_xml))
    error = refused(path)
    assert str(path) in str(error) and "Chronology" in str(error), (damage, str(error))


# --- 5. Excel: a formula with no saved value is reported, not silently empty ----------------------

def test_formulas_with_no_saved_value_are_reported_by_row_and_in_the_summary(rulebook, classifier, tmp_path):
    path = package(tmp_path / "formulas.xlsx", xlsx_parts(
        inline_row(1, *HEADER, "Days")
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>01/05/2012</t></is></c><c r="B2" t="inlineStr"><is><t>Police'
          '</t></is></c><c r="C2"><f>CONCAT("Strategy ","discussion")</f></c><c r="D2"><f>1+1</f><v></v></c></row>'
        + '<row r="3"><c r="A3" t="inlineStr"><is><t>02/05/2012</t></is></c><c r="B3" t="inlineStr"><is><t>Police'
          '</t></is></c><c r="C3" t="str"><f>CONCAT("Strategy ","discussion")</f><v>Strategy discussion</v></c>'
          '<c r="D3" t="str"><f>""</f><v></v></c></row>'))
    report = run_import(rulebook, classifier, path, tmp_path)
    formula = [n for n in report.notes if n.kind == "formula"]
    assert [(n.row, n.message.split(" holds")[0]) for n in formula] == [(2, "cell C2"), (2, "cell D2")]
    assert "no saved value" in formula[0].message and "paste values" in formula[0].message
    assert "2 formulas with no saved value" in summary_line(report)
    text = import_report_markdown(report)
    assert "## Cells holding a formula with no saved value (read as empty) (2)" in text
    assert "Formulas with no saved value: 2 cells read as empty" in text
    # a formula with a saved value is read as that value, with no note (nor an empty-text result)
    assert list(iter_rows(path))[2].cells[2] == "Strategy discussion" and not list(iter_rows(path))[2].notes


def test_a_formula_with_no_saved_value_on_a_blank_row_is_still_reported(rulebook, classifier, tmp_path):
    path = package(tmp_path / "blank.xlsx", xlsx_parts(
        chronology_rows(1) + '<row r="3"><c r="D3"><f>TODAY()</f></c></row>'))
    report = run_import(rulebook, classifier, path, tmp_path)
    assert report.blank_rows == 1 and [n.row for n in report.notes if n.kind == "formula"] == [3]


# --- 6. CSV: bytes no encoding reads --------------------------------------------------------------

@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_csv_bytes_undefined_in_windows_1252_are_refused_naming_the_line(tmp_path, byte):
    path = tmp_path / "t.csv"
    path.write_bytes(b"Date,Agency,Event\r\n01/05/2012,Police,ok\r\n02/05/2012,Police,bad " + bytes([byte]) + b"\r\n")
    (problem,) = refused(path).problems
    assert problem.line == 3 and f"0x{byte:02X}" in problem.message and "Windows-1252" in problem.message


def test_csv_mixing_utf8_and_another_encoding_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("Date,Agency,Event\n01/05/2012,Police,Adult A\u2019s call\n".encode("utf-8")
                     + b"02/05/2012,Police,ok\n03/05/2012,Police,caf\xe9\n")
    (problem,) = refused(path).problems
    assert problem.line == 4 and "0xE9" in problem.message and "mixes" in problem.message


def test_a_windows_1252_csv_is_read_even_when_its_first_64_kb_are_ascii(tmp_path):
    path = tmp_path / "t.csv"
    filler = "".join(f"{n % 28 + 1:02d}/05/2012,Police,Visit number {n} to the family home\r\n" for n in range(2000))
    path.write_bytes(("Date,Agency,Event\r\n" + filler + "01/06/2012,Police,Adult A\u2019s call\r\n").encode("cp1252"))
    assert path.stat().st_size > 1 << 16
    assert list(iter_rows(path))[-1].cells[2] == "Adult A\u2019s call"


def test_a_utf16_csv_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Date\tAgency\tEvent\r\n01/05/2012\tPolice\tStrategy discussion\r\n", encoding="utf-16")
    assert list(iter_rows(path))[1].cells == ("01/05/2012", "Police", "Strategy discussion")


# --- 7. other damage: always an InputError, never a traceback -------------------------------------

def _patched(path: Path, name: str, patch) -> Path:
    """The zip with one member's central directory entry (and local header) altered by `patch(header)`."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    central = data.index(b"PK\x01\x02")
    while True:  # find this member's central directory entry
        name_length = struct.unpack("<H", data[central + 28:central + 30])[0]
        if data[central + 46:central + 46 + name_length].decode() == name:
            break
        central = data.index(b"PK\x01\x02", central + 4)
    patch(data, central, info.header_offset)
    path.write_bytes(bytes(data))
    return path


def _declare_size(size: int):
    def patch(data: bytearray, central: int, local: int) -> None:
        data[central + 24:central + 28] = struct.pack("<I", size)
        data[local + 22:local + 26] = struct.pack("<I", size)
    return patch


def _encrypt_flag(data: bytearray, central: int, local: int) -> None:
    data[central + 8] |= 1
    data[local + 6] |= 1


def _unknown_method(data: bytearray, central: int, local: int) -> None:
    data[central + 10:central + 12] = struct.pack("<H", 99)
    data[local + 8:local + 10] = struct.pack("<H", 99)


def _many_members(data: bytearray, central: int, local: int) -> None:
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = struct.pack("<HH", 60_000, 60_000)


def _sheet_package(tmp_path: Path, name: str) -> Path:
    return package(tmp_path / name, xlsx_parts(chronology_rows(2)))


def _word_package(tmp_path: Path, name: str) -> Path:
    return docx(tmp_path / name, word_table("".join(word_cell(h) for h in HEADER)))


HOSTILE = {
    "not a zip.xlsx": lambda tmp: _write(tmp / "not a zip.xlsx", b"PK\x03\x04 this is not really a zip"),
    "empty.docx": lambda tmp: _write(tmp / "empty.docx", b""),
    "text renamed.xlsx": lambda tmp: _write(tmp / "text renamed.xlsx", b"Date,Agency,Event\n"),
    "no workbook part.xlsx": lambda tmp: package(tmp / "no workbook part.xlsx", {"docProps/app.xml": "<a/>"}),
    "a Word file named .xlsx.xlsx": lambda tmp: _word_package(tmp, "a Word file named .xlsx.xlsx"),
    "no document part.docx": lambda tmp: package(tmp / "no document part.docx", {"word/styles.xml": "<a/>"}),
    "sheet part missing.xlsx": lambda tmp: package(tmp / "sheet part missing.xlsx", {
        k: v for k, v in xlsx_parts("").items() if "worksheets" not in k}),
    "no worksheets.xlsx": lambda tmp: package(tmp / "no worksheets.xlsx", {
        **xlsx_parts(""), "xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets/></workbook>'}),
    "damaged workbook part.xlsx": lambda tmp: package(tmp / "damaged workbook part.xlsx", {
        **xlsx_parts(""), "xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets><sheet name="x"'}),
    "damaged shared strings.xlsx": lambda tmp: package(tmp / "damaged shared strings.xlsx", {
        **xlsx_parts("", strings=["a"]), "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}"><si><t>a</si></sst>'}),
    "billion laughs.docx": lambda tmp: package(tmp / "billion laughs.docx", {
        "word/document.xml": '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                             f'<w:document xmlns:w="{WORD}"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>&b;</w:t>'
                             "</w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"}),
    "damaged document XML.docx": lambda tmp: package(tmp / "damaged document XML.docx", {
        "word/document.xml": f'<w:document xmlns:w="{WORD}"><w:body><w:tbl><w:tr>'}),
    "zip bomb member.docx": lambda tmp: _patched(_word_package(tmp, "zip bomb member.docx"), "word/document.xml",
                                                  _declare_size(4_000_000_000)),
    "member shorter than stated.xlsx": lambda tmp: _patched(_sheet_package(tmp, "member shorter than stated.xlsx"),
                                                             "xl/worksheets/sheet1.xml", _declare_size(20)),
    "encrypted member.xlsx": lambda tmp: _patched(_sheet_package(tmp, "encrypted member.xlsx"),
                                                   "xl/worksheets/sheet1.xml", _encrypt_flag),
    "unknown compression.docx": lambda tmp: _patched(_word_package(tmp, "unknown compression.docx"),
                                                      "word/document.xml", _unknown_method),
    "huge zip directory.xlsx": lambda tmp: _patched(_sheet_package(tmp, "huge zip directory.xlsx"),
                                                     "xl/workbook.xml", _many_members),
    "NUL byte.csv": lambda tmp: _write(tmp / "NUL byte.csv", b"Date,Agency,Event\n01/05/2012,Po\x00lice,x\n"),
    "10 MB line.csv": lambda tmp: _write(tmp / "10 MB line.csv", b"Date,Agency,Event\n" + b"x" * 10_000_000 + b"\n"),
    "unclosed quote.csv": lambda tmp: _write(tmp / "unclosed quote.csv",
                                             b'Date,Agency,Event\n01/05/2012,Police,"' + b"line\n" * 300_000),
    "binary.csv": lambda tmp: _write(tmp / "binary.csv", bytes(range(256)) * 4),
    "a folder.csv": lambda tmp: _mkdir(tmp / "a folder.csv"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_damaged_or_hostile_file_is_an_input_error(tmp_path, name):
    path = HOSTILE[name](tmp_path)
    for reader in (lambda: list(iter_rows(path)), lambda: list_tables(path)):
        with pytest.raises(InputError) as caught:
            reader()
        (problem,) = caught.value.problems
        assert problem.file == str(path) and problem.message, name


def test_the_element_budget_stops_a_part_of_endless_markup(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_package, "MAX_PART_ELEMENTS", 1_000)  # read where it is enforced
    path = package(tmp_path / "markup.xlsx", xlsx_parts("<row/>" * 2_000))
    (problem,) = refused(path).problems
    assert "1,000 XML elements" in problem.message and "Chronology" in problem.message


@pytest.mark.parametrize("name", ["zip bomb member.docx", "NUL byte.csv", "binary.csv", "damaged document XML.docx"])
def test_the_cli_exits_2_on_hostile_files_without_a_traceback(tmp_path, name):
    path = HOSTILE[name](tmp_path)
    proc = cli("import", str(path), "--profile", str(profile(tmp_path)), "--output", str(tmp_path / "o.yaml"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr and str(path) in proc.stderr
    assert not (tmp_path / "o.yaml").exists()
    proc = cli("import", str(path), "--inspect")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
