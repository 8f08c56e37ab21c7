"""Read the rows of a table (a panel's chronology, a review sheet, a decisions sheet) from Word, Excel or CSV.

Every reader streams: a 50,000-row table is never held in memory at once. A Word
document or an Excel workbook is a zip package of XML parts; each part is read in
small chunks by lxml's event-driven (target) parser, with entity resolution,
DTDs and network access off, and nothing is kept but the row being read. Excel is
read this way rather than with openpyxl, whose read-only mode trusts the sheet's
stated dimension (and drops the rows beyond it), holds every shared string and every
cell's text whole in memory, and reads a formula with no saved value as an empty
cell without saying so. Only openpyxl's number-format and date helpers are used.
CSV uses the csv module with the dialect sniffed, reading one bounded line at a time.

Damaged or hostile input is an `InputError` naming the file, and the table, row and
column where it can: a zip that is not a zip, a part that would decompress to more
than `MAX_PART_BYTES` (a zip bomb), XML that is not well formed, a cell with more than
`MAX_CELL_CHARS` characters, a Word row wider than `MAX_WORD_COLUMNS`, an Excel cell
reference that is not one, CSV bytes that no encoding we read can decode.

A row keeps the number a user sees (Excel's row number; for Word and CSV, the
table row counted from 1 including the header), because that is what an imported
event cites as its source.

One module per concern: `rows` (the row every reader yields, the limits on a cell and a row),
`zip_package` (a .docx or .xlsx as a zip of XML parts, each streamed through a parser target),
`csv_file`, `excel` and `word` (each format's reader). This module says which reader a file needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .csv_file import _csv_rows
from .excel import MAX_CELL_STYLES, MAX_EXCEL_COLUMNS, MAX_EXCEL_ROWS, MAX_SHARED_STRINGS, _excel_rows, _sheet_names
from .rows import MAX_CELL_CHARS, MAX_ROW_CHARS, Row, _problem
from .word import MAX_WORD_COLUMNS, _word_rows, _word_table_names
from .zip_package import (MAX_DIRECTORY_BYTES, MAX_LISTED, MAX_PACKAGE_MEMBERS, MAX_PART_BYTES,
                          MAX_PART_ELEMENTS)

# The limits are named here too, for callers; each is read in the module that enforces it, so a test
# that changes one patches that module.
__all__ = ["KINDS", "MAX_CELL_CHARS", "MAX_CELL_STYLES", "MAX_DIRECTORY_BYTES", "MAX_EXCEL_COLUMNS",
           "MAX_EXCEL_ROWS", "MAX_LISTED", "MAX_PACKAGE_MEMBERS", "MAX_PART_BYTES", "MAX_PART_ELEMENTS",
           "MAX_ROW_CHARS", "MAX_SHARED_STRINGS", "MAX_WORD_COLUMNS", "Row", "TableInfo", "file_kind", "iter_rows",
           "list_tables", "table_names"]

KINDS = {".docx": "word", ".xlsx": "excel", ".xlsm": "excel", ".csv": "csv", ".txt": "csv"}


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


def table_names(path: Path) -> list[str]:
    """The tables a file holds, by the name `iter_rows` takes, without reading them: a workbook's sheets, a
    document's "table 1", "table 2"..., a CSV's own name."""
    kind = file_kind(path)
    _check_file(path)
    return _sheet_names(path) if kind == "excel" else _word_table_names(path) if kind == "word" else [path.name]


def list_tables(path: Path, sample: int = 5) -> list[TableInfo]:
    kind = file_kind(path)
    names = table_names(path)
    if not names:
        raise _problem(path, "", "the workbook has no worksheets (only charts, or none at all)" if kind == "excel"
                       else "the document has no tables: nothing to import")
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
    _check_file(path)
    if kind == "csv":
        yield from _csv_rows(path)
    elif kind == "excel":
        yield from _excel_rows(path, table)
    else:
        yield from _word_rows(path, table)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _problem(path, "", "file not found")
    if not path.is_file():
        raise _problem(path, "", "is a folder, not a file")
