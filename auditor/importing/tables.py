"""Read the rows of a chronology table from a Word document, an Excel workbook or a CSV file.

Every reader streams: a 50,000-row table is never held in memory at once. Excel
uses openpyxl's read-only mode; Word is read with lxml's `iterparse` straight from
the document's XML (python-docx would build the whole tree), with entity resolution
and network access off; CSV uses the csv module with the dialect sniffed.

A row keeps the number a user sees (Excel's row number; for Word and CSV, the
table row counted from 1 including the header), because that is what an imported
event cites as its source.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files (and old .doc/.xls) are OLE containers
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KINDS = {".docx": "word", ".xlsx": "excel", ".xlsm": "excel", ".csv": "csv", ".txt": "csv"}


@dataclass(frozen=True)
class Row:
    number: int
    cells: tuple[str, ...]

    def is_blank(self) -> bool:
        return not any(self.cells)


@dataclass(frozen=True)
class TableInfo:
    """One table a file holds, as `auditor import --inspect` lists it."""

    name: str  # the sheet's name; "table 1", "table 2" for Word; the file name for CSV
    rows: int
    first_rows: tuple[Row, ...]  # the first few non-blank rows, to find the header


def file_kind(path: Path) -> str:
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise _problem(path, "", f"cannot import {path.suffix or 'a file without an extension'}: "
                       "expected .docx (Word), .xlsx (Excel) or .csv")
    return kind


def list_tables(path: Path, sample: int = 5) -> list[TableInfo]:
    kind = file_kind(path)
    names = _sheet_names(path) if kind == "excel" else _word_table_names(path) if kind == "word" else [path.name]
    found = []
    for name in names:
        count, first = 0, []
        for row in iter_rows(path, name):
            count += 1
            if len(first) < sample and not row.is_blank():
                first.append(row)
        found.append(TableInfo(name, count, tuple(first)))
    return found


def iter_rows(path: Path, table: str | None = None) -> Iterator[Row]:
    """The rows of one table: `table` is a sheet name or "table N" (Word); None takes the first."""
    kind = file_kind(path)
    if not path.exists():
        raise _problem(path, "", "file not found")
    if kind == "csv":
        yield from _csv_rows(path)
    elif kind == "excel":
        yield from _excel_rows(path, table)
    else:
        yield from _word_rows(path, table)


def _problem(path: Path, field: str, message: str, line: int | None = None) -> InputError:
    return InputError([Problem(str(path), line, field, message)], consequence="nothing was imported")


def _open_package(path: Path) -> zipfile.ZipFile:
    """A .docx or .xlsx is a zip package; say plainly when it is encrypted or not an Office file at all."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise _problem(path, "", "the file is password-protected (encrypted) or an old-format .doc/.xls file; "
                       "remove the password or save it as .docx/.xlsx, then import again")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _problem(path, "", f"the file is corrupt or not a Word/Excel file ({exc})") from None


# --- CSV ---------------------------------------------------------------------------------------

def _csv_text(path: Path) -> io.TextIOBase:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252, which Excel writes on Windows."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    try:
        sample.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut at the sample's end
            encoding = "utf-8-sig"
        else:
            encoding = "cp1252"
    return open(path, encoding=encoding, errors="strict", newline="")


def _csv_rows(path: Path) -> Iterator[Row]:
    with _csv_text(path) as handle:
        sample = handle.read(1 << 14)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            for number, cells in enumerate(csv.reader(handle, dialect), start=1):
                yield Row(number, tuple(_clean(c) for c in cells))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _problem(path, "", f"cannot read the CSV: {exc}") from None


# --- Excel -------------------------------------------------------------------------------------

def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    _open_package(path).close()
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise _problem(path, "", f"the workbook is corrupt or not an Excel file ({exc})") from None


def _sheet_names(path: Path) -> list[str]:
    book = _load_workbook(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _excel_rows(path: Path, table: str | None) -> Iterator[Row]:
    book = _load_workbook(path)
    try:
        if table is None:
            sheet = book.worksheets[0]
        elif table in book.sheetnames:
            sheet = book[table]
        else:
            raise _problem(path, "table", f"no sheet {table!r}; the sheets are {', '.join(book.sheetnames)}")
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield Row(number, tuple(_cell_text(v) for v in values))
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """Excel's typed cells as the text a chronology would show; dates become ISO (read as day-first-safe)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time.min:
            return value.date().isoformat()
        return value.isoformat(timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _clean(str(value))


# --- Word --------------------------------------------------------------------------------------

def _word_table_names(path: Path) -> list[str]:
    count = max((n for n, _ in _word_table_rows(path)), default=0)
    return [f"table {n}" for n in range(1, count + 1)]


def _word_table_rows(path: Path) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(table number, cells) for every row of every top-level table, streamed.

    Finished rows are removed from the tree as they are read, so memory stays flat; a table
    nested in a cell is read as part of that cell's text.
    """
    from lxml import etree

    with _open_package(path) as package:
        try:
            stream = package.open("word/document.xml")
        except KeyError:
            raise _problem(path, "", "not a Word document (no word/document.xml)") from None
        with stream:
            parser = etree.iterparse(stream, events=("start", "end"), tag=(W + "tbl", W + "tr"),
                                     resolve_entities=False, no_network=True, huge_tree=False)
            depth = tables = 0
            try:
                for event, element in parser:
                    if element.tag == W + "tbl":
                        depth += 1 if event == "start" else -1
                        tables += event == "start" and depth == 1
                    elif event == "end" and depth == 1:
                        yield tables, _word_row(element)
                        element.clear()
                        while element.getprevious() is not None:
                            del element.getparent()[0]
            except etree.XMLSyntaxError as exc:
                raise _problem(path, "", f"the document is corrupt ({exc})") from None


def _word_row(row: Any) -> tuple[str, ...]:
    cells: list[str] = []
    for cell in row.iterchildren(W + "tc"):
        paragraphs = ["".join(t.text or "" for t in p.iter(W + "t", W + "tab")) for p in cell.iter(W + "p")]
        cells.append(_clean("\n".join(paragraphs)))
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        if span is not None:  # a merged cell covers several columns: keep the columns aligned
            cells += [""] * (int(span.get(W + "val", "1")) - 1)
    return tuple(cells)


def _word_rows(path: Path, table: str | None) -> Iterator[Row]:
    wanted = 1
    if table is not None:
        try:
            wanted = int(str(table).lower().removeprefix("table").strip())
        except ValueError:
            raise _problem(path, "table", f"Word tables are named 'table 1', 'table 2', ...; got {table!r}") from None
    number = 0
    for n, cells in _word_table_rows(path):
        if n == wanted:
            number += 1
            yield Row(number, cells)
        elif n > wanted:
            return
    if number == 0:
        raise _problem(path, "table", f"the document has no table {wanted}")


def _clean(text: str) -> str:
    """Cell text with non-breaking spaces and Windows line ends normalised, and the ends trimmed."""
    return text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
