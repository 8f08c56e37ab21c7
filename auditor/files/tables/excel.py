"""The rows of an Excel worksheet, streamed from the workbook's parts: the workbook (its sheets), the
style sheet (which cells show dates), the shared strings (spooled to a temporary file) and the sheet.

Read with lxml rather than openpyxl (the docstring of `auditor.files.tables` says why); only
openpyxl's number-format and date helpers are used.
"""

from __future__ import annotations

import re
import tempfile
from array import array
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator

from ...errors import InputError
from .rows import MAX_CELL_CHARS, MAX_ROW_CHARS, Row, _clean, _problem, _too_long
from .zip_package import _REPAIR, _SHEET_NS, _WORD_NS, MAX_LISTED, _local, _open_package, _Package, _Target

MAX_EXCEL_ROWS = 1_048_576  # Excel's own limits
MAX_EXCEL_COLUMNS = 16_384
MAX_SHARED_STRINGS = 5_000_000
MAX_CELL_STYLES = 65_536  # Excel allows 64,000
_RELS_NS = frozenset({"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                      "http://purl.oclc.org/ooxml/officeDocument/relationships"})
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass
class _Workbook:
    package: _Package
    sheets: list[tuple[str, str]]  # (name, part) of each worksheet, in order
    strings_part: str | None
    styles_part: str | None
    date1904: bool


def _open_workbook(path: Path) -> _Workbook:
    package = _Package(path, _open_package(path))
    try:
        main = package.main_part("xl/workbook.xml")
        if not package.has(main):
            kind = " (it is a Word document)" if package.has("word/document.xml") else ""
            raise _problem(path, "", f"not an Excel workbook{kind}: it has no workbook part (xl/workbook.xml)")
        target = _WorkbookTarget(path)
        package.read(main, target, f"the workbook part ({main})")
        rels = package.relationships(main)
        sheets = []
        for name, rel_id in target.sheets:
            rel_type, part = rels.get(rel_id, ("", ""))
            if rel_type.endswith("/worksheet"):
                sheets.append((name, part))
            elif not rel_type:
                raise _problem(path, "", f"the workbook lists sheet {name!r} but not where it is: the file is "
                               f"damaged; {_REPAIR}")
        strings = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
        styles = next((p for t, p in rels.values() if t.endswith("/styles")), None)
        return _Workbook(package, sheets, strings, styles, target.date1904)
    except BaseException:
        package.zip.close()
        raise


class _WorkbookTarget(_Target):
    def __init__(self, path: Path):
        super().__init__(path)
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def begin(self, tag: str, attrib: Any) -> None:
        name = _local(tag, _SHEET_NS)
        if self.elements == 1 and name != "workbook":
            kind = " (it is a Word document)" if _local(tag, _WORD_NS) == "document" else ""
            raise _problem(self.path, "", f"not an Excel workbook{kind}: its main part is not a workbook")
        if name == "sheet":
            if len(self.sheets) >= MAX_LISTED:
                raise _problem(self.path, "", f"the workbook lists more than {MAX_LISTED:,} sheets: it is damaged")
            rel_id = next((v for k, v in attrib.items() if _local(k, _RELS_NS) == "id"), "")
            self.sheets.append((attrib.get("name", ""), rel_id))
        elif name == "workbookPr":
            self.date1904 = attrib.get("date1904", "").lower() in ("1", "true")


def _sheet_names(path: Path) -> list[str]:
    book = _open_workbook(path)
    book.package.zip.close()
    return [name for name, _ in book.sheets]


def _excel_rows(path: Path, table: str | None) -> Iterator[Row]:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

    book = _open_workbook(path)
    with book.package.zip, tempfile.TemporaryFile() as spool:
        names = [name for name, _ in book.sheets]
        if not names:
            raise _problem(path, "table", "the workbook has no worksheets (only charts, or none at all)")
        if table is None:
            name, part = book.sheets[0]
        elif table in names:
            name, part = book.sheets[names.index(table)]
        else:
            raise _problem(path, "table", f"no sheet {table!r}; the sheets are {', '.join(names)}")
        styles = _StylesTarget(path)
        if book.styles_part and book.package.has(book.styles_part):
            book.package.read(book.styles_part, styles, f"the workbook's style sheet ({book.styles_part})")
        strings = _SharedStrings(path, spool)
        if book.strings_part and book.package.has(book.strings_part):
            book.package.read(book.strings_part, strings, f"the workbook's shared text ({book.strings_part})")
        epoch = CALENDAR_MAC_1904 if book.date1904 else WINDOWS_EPOCH
        merged = _MergedDown(path, name)
        if book.package.mentions(part, b"mergeCell "):  # merged ranges come after the rows: read them first
            book.package.read(part, merged, f"sheet {name!r} ({part})")
        sheet = _SheetTarget(path, name, strings, styles.dates, styles.durations, epoch)
        last = 0
        for number, cells, notes in book.package.parse(part, sheet, f"sheet {name!r} ({part})"):
            for missing in range(last + 1, number):  # rows Excel did not write are blank, and still rows
                yield Row(missing, merged.carry(missing, ()))
            last = number
            yield Row(number, merged.carry(number, cells), notes)


class _MergedDown(_Target):
    """A sheet's vertically merged ranges (mergeCell ref="B3:B5"), whose value Excel keeps only in the top cell:
    `carry` gives each row below it the top cell's value, as a reader sees the sheet."""

    def __init__(self, path: Path, sheet: str):
        super().__init__(path)
        self.sheet = sheet
        self.starts: dict[int, list[tuple[int, int]]] = {}  # top row -> (column, last row) of each range
        self.open: dict[int, tuple[str, int]] = {}  # column -> (value, last row) being carried down

    def begin(self, tag: str, attrib: Any) -> None:
        if _local(tag, _SHEET_NS) != "mergeCell":
            return
        match = _RANGE_REF.fullmatch(str(attrib.get("ref", "")))
        if match is None:
            return  # not a range we can use: the cells are read as they are
        column = _column_number(match.group(1))
        first, last = int(match.group(2)), int(match.group(4))
        if last > first:
            self.starts.setdefault(first, []).append((column, last))

    def carry(self, number: int, cells: tuple[str, ...]) -> tuple[str, ...]:
        if not self.starts and not self.open:
            return cells
        out = list(cells)
        for column, (value, last) in list(self.open.items()):
            if number > last:
                del self.open[column]
                continue
            out.extend([""] * (column - len(out)))
            if not out[column - 1]:
                out[column - 1] = value
        for column, last in self.starts.get(number, ()):
            value = out[column - 1] if column <= len(out) else ""
            if value:
                self.open[column] = (value, last)
        return tuple(out)


_RANGE_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _column_number(letters: str) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column


class _StylesTarget(_Target):
    """Which cell styles show a number as a date or a duration (the index of each `cellXfs/xf`)."""

    def __init__(self, path: Path):
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        super().__init__(path)
        self.builtin, self.is_date, self.is_duration = BUILTIN_FORMATS, is_date_format, is_timedelta_format
        self.formats: dict[int, tuple[bool, bool]] = {}  # custom numFmtId -> (date, duration)
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.in_cell_xfs = False
        self.count = 0

    def begin(self, tag: str, attrib: Any) -> None:
        is_date_format, is_timedelta_format = self.is_date, self.is_duration
        name = _local(tag, _SHEET_NS)
        if name == "numFmt":
            code = attrib.get("formatCode", "")
            if len(self.formats) < MAX_CELL_STYLES and len(code) <= 1000:  # Excel allows 255 characters
                self.formats[_int(attrib.get("numFmtId"), -1)] = (is_date_format(code), is_timedelta_format(code))
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            if self.count >= MAX_CELL_STYLES:
                raise _problem(self.path, "", f"the workbook has more than {MAX_CELL_STYLES:,} cell styles, more "
                               f"than Excel allows: it is damaged; {_REPAIR}")
            number_format = _int(attrib.get("numFmtId"), 0)
            if number_format in self.formats:
                is_date, is_duration = self.formats[number_format]
            else:
                code = self.builtin.get(number_format)
                is_date, is_duration = is_date_format(code), is_timedelta_format(code)
            if is_date:
                self.dates.add(self.count)
            if is_duration:
                self.durations.add(self.count)
            self.count += 1

    def end(self, tag: str) -> None:
        if _local(tag, _SHEET_NS) == "cellXfs":
            self.in_cell_xfs = False


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class _SharedStrings(_Target):
    """The workbook's shared strings, streamed to a temporary file: memory holds an offset per string,
    not the text. A string longer than MAX_CELL_CHARS is not kept at all, only marked, so a cell that
    uses it is refused naming its sheet, row and column."""

    def __init__(self, path: Path, spool: Any):
        super().__init__(path)
        self.spool = spool
        self.ends = array("Q")  # where each string ends in the spool
        self.too_long: set[int] = set()
        self.pieces: list[str] = []
        self.size = 0
        self.in_string = self.in_text = False
        self.phonetic = 0

    def begin(self, tag: str, attrib: Any) -> None:
        name = _local(tag, _SHEET_NS)
        if name == "si":
            self.pieces, self.size, self.in_string = [], 0, True
        elif name == "rPh":  # the phonetic reading of East Asian text, not part of the value
            self.phonetic += 1
        elif name == "t":
            self.in_text = self.in_string and not self.phonetic

    def data(self, text: str) -> None:
        if self.in_text and self.size <= MAX_CELL_CHARS:
            self.size += len(text)
            if self.size <= MAX_CELL_CHARS:
                self.pieces.append(text)
            else:
                self.pieces = []

    def end(self, tag: str) -> None:
        name = _local(tag, _SHEET_NS)
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            if len(self.ends) >= MAX_SHARED_STRINGS:
                raise _problem(self.path, "", f"the workbook has more than {MAX_SHARED_STRINGS:,} distinct pieces "
                               "of text: split the table or save it as CSV")
            if self.size > MAX_CELL_CHARS:
                self.too_long.add(len(self.ends))
            else:
                self.spool.write(_unescape("".join(self.pieces)).encode("utf-8", "surrogatepass"))
            self.ends.append(self.spool.tell())
            self.pieces, self.in_string = [], False

    def text(self, index: int) -> str | None:
        """The string, or None if it is too long; IndexError if there is no such string."""
        if index < 0:
            raise IndexError(index)
        end = self.ends[index]
        if index in self.too_long:
            return None
        start = self.ends[index - 1] if index else 0
        self.spool.seek(start)
        return self.spool.read(end - start).decode("utf-8", "surrogatepass")


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as _xHHHH_ (a carriage return is _x000D_; _x005F_ is "_")."""
    if "_x" not in text:
        return text

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        if code in (0x9, 0xA, 0xD) or 0x20 <= code < 0xD800 or 0xE000 <= code < 0xFFFE:
            return chr(code)
        return match.group()  # a control character or half a surrogate pair: kept as written

    return _ESCAPED.sub(character, text)


class _SheetTarget(_Target):
    """A worksheet's rows as (row number, cells, notes), streamed. The sheet's stated dimension is
    ignored: every row and column written is read."""

    def __init__(self, path: Path, sheet: str, strings: _SharedStrings, dates: set[int], durations: set[int],
                 epoch: datetime):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        super().__init__(path)
        self.sheet, self.strings, self.dates, self.durations, self.epoch = sheet, strings, dates, durations, epoch
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.row = 0  # the row being read, or the last one read
        self.cells: list[str] | None = None
        self.notes: list[str] = []
        self.row_size = 0
        self.column = 0
        self.cell = False
        self.kind = "n"
        self.style = 0
        self.value: list[str] | None = None  # the <v> text; None if there is no <v>
        self.inline: list[str] | None = None  # the <is> text
        self.formula: list[str] | None = None
        self.size = self.formula_size = 0
        self.into: list[str] | None = None  # where character data goes
        self.phonetic = 0

    def fail(self, message: str, column: int | None = None) -> InputError:
        where = f"row {self.row}" + (f", column {_letters(column)}" if column else "")
        return _problem(self.path, f"sheet {self.sheet!r}", f"{where}: {message}", self.row or None)

    def begin(self, tag: str, attrib: Any) -> None:
        name = _local(tag, _SHEET_NS)
        if not name:
            return
        if name == "row":
            if self.cells is not None:
                raise self.fail(f"a row begins inside row {self.row}: the sheet is damaged; {_REPAIR}")
            written = attrib.get("r")
            number = self.row + 1 if written is None else _int(written, -1)
            if not 1 <= number <= MAX_EXCEL_ROWS or number <= self.row:
                raise _problem(self.path, f"sheet {self.sheet!r}", f"the row after row {self.row} is numbered "
                               f"{written!r}, not a row number after it (Excel has rows 1 to {MAX_EXCEL_ROWS:,}): "
                               f"the sheet is damaged; {_REPAIR}", self.row + 1)
            self.row, self.cells, self.notes, self.row_size, self.column = number, [], [], 0, 0
        elif name == "c":
            if self.cells is None:
                raise self.fail(f"a cell outside any row: the sheet is damaged; {_REPAIR}")
            self.column = self._column(attrib.get("r"))
            self.cell, self.kind = True, attrib.get("t", "n")
            self.style = _int(attrib.get("s"), 0)
            self.value = self.inline = self.formula = None
            self.size = self.formula_size = 0
        elif not self.cell:
            return
        elif name == "v":
            self.value = self.into = []
        elif name == "f":
            self.formula = self.into = []
        elif name == "is":
            self.inline = []
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and self.inline is not None and not self.phonetic:
            self.into = self.inline

    def _column(self, reference: str | None) -> int:
        if reference is None:
            column = self.column + 1
        else:
            match = _CELL_REF.fullmatch(reference)
            if match is None:
                raise self.fail(f"the cell reference {reference!r} is not one (like 'C{self.row}'): the sheet is "
                                f"damaged; {_REPAIR}")
            column = 0
            for letter in match.group(1).upper():
                column = column * 26 + ord(letter) - 64
            if int(match.group(2)) != self.row:
                raise self.fail(f"the cell reference {reference!r} is not in row {self.row}, where the sheet has "
                                f"it: the sheet is damaged; {_REPAIR}")
        if column > MAX_EXCEL_COLUMNS:
            raise self.fail(f"a cell is beyond column XFD, the last Excel has: the sheet is damaged; {_REPAIR}")
        if column <= self.column:
            raise self.fail(f"cell {_letters(column)}{self.row} comes after column {_letters(self.column)} in the "
                            f"sheet's XML: the sheet is damaged; {_REPAIR}")
        return column

    def data(self, text: str) -> None:
        if self.into is None:
            return
        if self.into is self.formula:  # a formula's text is only quoted in a note: keep its start
            if self.formula_size < 100:
                self.formula.append(text[:100])
                self.formula_size += len(text)
            return
        self.size += len(text)
        if self.size > MAX_CELL_CHARS:
            raise self.fail(_too_long(), self.column)
        self.into.append(text)

    def end(self, tag: str) -> None:
        name = _local(tag, _SHEET_NS)
        if name in ("v", "f", "t"):
            self.into = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c" and self.cell:
            self.cell = False
            text = self._text()
            assert self.cells is not None
            if text:
                self.row_size += len(text)
                if self.row_size > MAX_ROW_CHARS:
                    raise self.fail(f"the row holds more than {MAX_ROW_CHARS:,} characters: it is damaged or "
                                    "whole documents are pasted in; shorten it and import again")
                self.cells.extend([""] * (self.column - 1 - len(self.cells)))
                self.cells.append(text)
            self.value = self.inline = self.formula = None
        elif name == "row" and self.cells is not None:
            self.ready.append((self.row, tuple(self.cells), tuple(self.notes)))
            self.cells = None

    def _text(self) -> str:
        """The cell as the text a chronology would show; dates become ISO (read as day-first-safe)."""
        kind, column = self.kind, self.column
        if kind == "inlineStr":
            return _clean(_unescape("".join(self.inline or ())))
        raw = None if self.value is None else "".join(self.value)
        if raw is None or (raw == "" and kind != "str"):  # "str" with an empty <v> is a formula's empty text
            if self.formula is not None:
                formula = "".join(self.formula)
                shown = formula if len(formula) <= 60 else formula[:57] + "..."
                self.notes.append(f"cell {_letters(column)}{self.row} holds a formula (={shown}) with no saved "
                                  "value, so it was read as empty: open and save the workbook in Excel (or paste "
                                  "values over the formulas) and import again")
            return ""
        try:
            if kind == "s":
                text = self.strings.text(int(raw))
                if text is None:
                    raise self.fail(_too_long(), column)
                return _clean(text)
            if kind == "n":
                number: float = float(raw) if any(c in raw for c in ".eE") else int(raw)
                if self.style in self.dates:
                    try:
                        return _cell_text(self.from_excel(number, self.epoch, timedelta=self.style in self.durations))
                    except (OverflowError, ValueError):
                        pass  # styled as a date but no date Excel can show: the number, as written
                return _cell_text(number)
            if kind == "b":
                return _cell_text(bool(int(raw)))
            if kind == "d":
                return _cell_text(self.from_iso(raw))
            if kind in ("str", "e"):  # a formula's text result; an error such as #N/A
                return _clean(raw)
        except (ValueError, IndexError, OverflowError):
            raise self.fail(f"the cell's saved value {raw[:40]!r} is not a valid {_KIND_NAMES.get(kind, kind)}: "
                            f"the sheet is damaged; {_REPAIR}", column) from None
        raise self.fail(f"the cell has an unknown type {kind!r}: the sheet is damaged; {_REPAIR}", column)


_KIND_NAMES = {"s": "reference to the workbook's text", "n": "number", "b": "true/false value",
               "d": "date"}


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
    if isinstance(value, timedelta):
        return str(value)
    return _clean(str(value))
