"""The rows of a Word document's tables, streamed from the document part: top-level tables only
(a table nested in a cell is read as that cell's text), merged cells kept aligned, a vertically merged
cell's value carried down into each row it spans, each row bounded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ...errors import InputError
from .rows import MAX_CELL_CHARS, MAX_ROW_CHARS, Row, _clean, _problem, _too_long
from .zip_package import _REPAIR, _SHEET_NS, _WORD_NS, _local, _open_package, _Package, _Target

MAX_WORD_COLUMNS = 64  # Word itself allows 63 columns in a table
_MARKUP_NS = frozenset({"http://schemas.openxmlformats.org/markup-compatibility/2006"})
_WHOLE_NUMBER = re.compile(r"[0-9]+")


def _word_table_names(path: Path) -> list[str]:
    count = max((n for n, _ in _word_table_rows(path)), default=0)
    return [f"table {n}" for n in range(1, count + 1)]


def _word_table_rows(path: Path) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(table number, cells) for every row of every top-level table, streamed.

    Only the row being read is held; a table nested in a cell is read as part of that cell's text.
    """
    with _open_package(path) as zip_file:
        package = _Package(path, zip_file)
        main = package.main_part("word/document.xml")
        if not package.has(main):
            kind = " (it is an Excel workbook)" if package.has("xl/workbook.xml") else ""
            raise _problem(path, "", f"not a Word document{kind} (no word/document.xml)")
        yield from package.parse(main, _WordTarget(path), f"the document's text ({main})")


class _WordTarget(_Target):
    def __init__(self, path: Path):
        super().__init__(path)
        self.depth = 0  # tables open
        self.table = 0  # top-level tables begun
        self.row_number = 0  # within the table
        self.row: list[str] | None = None
        self.cell: list[list[str]] | None = None  # the paragraphs of the cell being read, as pieces of text
        self.open: list[list[str]] = []  # paragraphs begun and not ended, innermost last
        self.size = self.row_size = 0
        self.span = 1
        self.continues = False  # the cell continues a vertically merged cell above (w:vMerge without restart)
        self.above: tuple[str, ...] = ()  # the row above, as read: what a continued merged cell carries down
        self.in_text = False
        self.fallback = 0  # inside mc:Fallback, an older copy of content already read from mc:Choice

    def fail(self, message: str) -> InputError:
        where = f"row {self.row_number}: " if self.row_number else ""
        return _problem(self.path, f"table {self.table}", where + message, self.row_number or None)

    def _columns(self, value: str | None, what: str, least: int = 1) -> int:
        digits = value.strip().lstrip("0") or "0" if value is not None else ""
        if not _WHOLE_NUMBER.fullmatch(digits):
            raise self.fail(f"{what} is {value!r}, not a number of columns: the document is damaged; {_REPAIR}")
        if len(digits) > 9:  # int() refuses a number thousands of digits long: no need to try
            raise self.fail(f"{what} is a {len(digits):,}-digit number of columns, more than a Word table can "
                            f"have ({MAX_WORD_COLUMNS} at most): the document is damaged; {_REPAIR}")
        columns = max(int(digits), least)
        if columns > MAX_WORD_COLUMNS:
            raise self.fail(f"{what} is {columns:,} columns, more than a Word table can have ({MAX_WORD_COLUMNS} at "
                            f"most): the document is damaged; {_REPAIR}")
        return columns

    def _widen(self, columns: int) -> None:
        assert self.row is not None
        if len(self.row) + columns > MAX_WORD_COLUMNS:
            raise self.fail(f"the row has more than {MAX_WORD_COLUMNS} columns, more than a Word table can have: "
                            f"the document is damaged; {_REPAIR}")
        self.row.extend([""] * columns)

    def begin(self, tag: str, attrib: Any) -> None:
        name = _local(tag, _WORD_NS)
        if self.elements == 1 and name != "document":
            kind = " (it is an Excel workbook)" if _local(tag, _SHEET_NS) == "workbook" else ""
            raise _problem(self.path, "", f"not a Word document{kind}: its main part is not a document")
        if not name:
            if _local(tag, _MARKUP_NS) == "Fallback":
                self.fallback += 1
            return
        if name == "tbl":
            self.depth += 1
            if self.depth == 1 and not self.fallback:
                self.table += 1
                self.row_number = 0
                self.above = ()
        elif self.depth != 1 or self.fallback:
            if name == "p" and self.cell is not None and not self.fallback:  # a paragraph of a nested table
                self._paragraph()
            elif name == "t":
                self.in_text = True
        elif name == "tr":
            if self.row is not None:
                raise self.fail(f"a row begins inside row {self.row_number}: the document is damaged; {_REPAIR}")
            self.row_number += 1
            self.row, self.row_size = [], 0
        elif name == "tc":
            if self.row is None or self.cell is not None:
                raise self.fail(f"a cell begins {'outside any row' if self.row is None else 'inside another cell'}"
                                f": the document is damaged; {_REPAIR}")
            self.cell, self.open, self.size, self.span, self.continues = [], [], 0, 1, False
        elif name == "vMerge" and self.cell is not None:
            self.continues = _word_value(attrib) in (None, "continue")
        elif name == "gridSpan" and self.cell is not None:
            self.span = self._columns(_word_value(attrib), "a merged cell's span")
        elif name == "gridBefore" and self.row is not None and self.cell is None:  # columns skipped at the start
            self._widen(self._columns(_word_value(attrib), "the row's skipped columns (gridBefore)", least=0))
        elif name == "p" and self.cell is not None:
            self._paragraph()
        elif name == "t":
            self.in_text = True

    def _paragraph(self) -> None:
        assert self.cell is not None
        self.cell.append([])
        self.open.append(self.cell[-1])
        if len(self.cell) > 1:
            self._count(1)  # the line break between paragraphs

    def _count(self, size: int) -> None:
        self.size += size
        self.row_size += size
        if self.size > MAX_CELL_CHARS:
            raise self.fail(f"column {len(self.row or ()) + 1}: {_too_long()}")
        if self.row_size > MAX_ROW_CHARS:
            raise self.fail(f"the row holds more than {MAX_ROW_CHARS:,} characters: it is damaged or whole "
                            "documents are pasted in; shorten it and import again")

    def data(self, text: str) -> None:
        if self.in_text and self.open and not self.fallback:
            self._count(len(text))
            self.open[-1].append(text)

    def end(self, tag: str) -> None:
        name = _local(tag, _WORD_NS)
        if not name:
            if _local(tag, _MARKUP_NS) == "Fallback":
                self.fallback -= 1
            return
        if name == "t":
            self.in_text = False
        elif name == "p":
            if self.cell is not None and self.open and not self.fallback:
                self.open.pop()
        elif name == "tbl":
            self.depth -= 1
        elif self.depth != 1 or self.fallback:
            return
        elif name == "tc" and self.cell is not None and self.row is not None:
            text = _clean("\n".join("".join(paragraph) for paragraph in self.cell))
            self._widen(1)
            column = len(self.row) - 1
            if self.continues and not text and column < len(self.above):
                text = self.above[column]  # a vertically merged cell: the value of the cell it continues
            self.row[-1] = text
            self._widen(self.span - 1)  # a merged cell covers several columns: keep the columns aligned
            self.cell, self.open = None, []
        elif name == "tr" and self.row is not None:
            self.above = tuple(self.row)
            self.ready.append((self.table, self.above))
            self.row = None


def _word_value(attrib: Any) -> str | None:
    for key, value in attrib.items():
        if key == "val" or _local(key, _WORD_NS) == "val":
            return str(value)
    return None


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
