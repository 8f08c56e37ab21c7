"""Read the rows of a chronology table from a Word document, an Excel workbook or a CSV file.

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
"""

from __future__ import annotations

import codecs
import csv
import io
import lzma
import posixpath
import re
import struct
import tempfile
import zipfile
import zlib
from array import array
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files (and old .doc/.xls) are OLE containers
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KINDS = {".docx": "word", ".xlsx": "excel", ".xlsm": "excel", ".csv": "csv", ".txt": "csv"}

# Limits. A chronology cell is a paragraph or a few, never a book: anything longer is damage or a
# paste gone wrong, and refusing it keeps memory bounded whatever the file holds.
MAX_CELL_CHARS = 100_000  # characters in one cell
MAX_ROW_CHARS = 1_000_000  # characters in one row (and in one line of a CSV)
MAX_WORD_COLUMNS = 64  # Word itself allows 63 columns in a table
MAX_EXCEL_ROWS = 1_048_576  # Excel's own limits
MAX_EXCEL_COLUMNS = 16_384
# A zip bomb needs no rule of its own: parts are streamed, so memory stays flat however much a part
# decompresses to, and these two bound the time (text streams at about 300 MB/s, markup at about a
# million elements a second; a 50,000-row sheet has some 600,000 elements).
MAX_PART_BYTES = 512 * 1024 * 1024  # one part of a .docx/.xlsx, uncompressed
MAX_PART_ELEMENTS = 20_000_000  # XML elements in one part
MAX_PACKAGE_MEMBERS = 10_000  # a .docx/.xlsx has tens of parts, a few hundred with images
MAX_DIRECTORY_BYTES = 16 * 1024 * 1024  # the zip's table of contents
MAX_SHARED_STRINGS = 5_000_000
MAX_CELL_STYLES = 65_536  # Excel allows 64,000
MAX_LISTED = 10_000  # sheets in a workbook, relationships of a part
CHUNK = 1 << 16

_REPAIR = "open it in Word or Excel (which offers to repair it), save it, and import again"


@dataclass(frozen=True)
class Row:
    number: int
    cells: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what a reader of the import report must know about the row (Excel formulas)

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
    _check_file(path)
    names = _sheet_names(path) if kind == "excel" else _word_table_names(path) if kind == "word" else [path.name]
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


def _problem(path: Path, field: str, message: str, line: int | None = None) -> InputError:
    return InputError([Problem(str(path), line, field, message)], consequence="nothing was imported")


# --- zip packages (.docx, .xlsx) ---------------------------------------------------------------

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError, struct.error)


def _open_package(path: Path) -> zipfile.ZipFile:
    """A .docx or .xlsx is a zip package; say plainly when it is encrypted, not an Office file, or a zip bomb."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head == OLE_MAGIC:
                raise _problem(path, "", "the file is password-protected (encrypted) or an old-format .doc/.xls "
                               "file; remove the password or save it as .docx/.xlsx, then import again")
            _check_directory(path, handle)
    except OSError as exc:
        raise _problem(path, "", f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return zipfile.ZipFile(path)
    except _READ_ERRORS as exc:
        raise _problem(path, "", f"the file is corrupt or not a Word/Excel file ({exc})") from None


def _check_directory(path: Path, handle: Any) -> None:
    """Refuse a zip whose table of contents is huge before zipfile reads all of it into memory."""
    size = handle.seek(0, io.SEEK_END)
    tail_size = min(size, 22 + 0xFFFF + 20)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # not a zip at all: zipfile says so
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        (record,) = struct.unpack("<Q", tail[at - 12:at - 4])  # the zip64 end record holds the real counts
        if record < size:
            handle.seek(record)
            zip64 = handle.read(56)
            if len(zip64) == 56 and zip64[:4] == b"PK\x06\x06":
                entries, directory = struct.unpack("<QQ", zip64[32:48])
    if entries > MAX_PACKAGE_MEMBERS or directory > MAX_DIRECTORY_BYTES:
        raise _problem(path, "", f"the file's zip directory lists {entries:,} parts ({directory:,} bytes); a Word "
                       f"or Excel file has at most a few hundred, so it is damaged or not an Office file")


class _Package:
    """A zip package's parts by name (Office treats part names case-insensitively) and its relationships."""

    def __init__(self, path: Path, zip_file: zipfile.ZipFile):
        self.path = path
        self.zip = zip_file
        self.parts = {info.filename.lower(): info for info in zip_file.infolist()}

    def has(self, name: str) -> bool:
        return name.lower() in self.parts

    def parse(self, name: str, target: _Target, what: str) -> Iterator[Any]:
        """Stream a part through `target`, yielding what it finishes as it goes; damage is an InputError."""
        path = self.path
        info = self.parts.get(name.lower())
        if info is None:
            raise _problem(path, "", f"{what} is missing (no {name} in the package): the file is damaged; {_REPAIR}")
        if info.flag_bits & 0x1:
            raise _problem(path, "", f"{what} is encrypted: remove the password in Word or Excel and import again")
        if info.file_size > MAX_PART_BYTES:
            size = f"{info.file_size / 2**20:,.0f} MB"
            if info.file_size > 200 * info.compress_size:  # Office XML compresses 5 to 50 times
                raise _problem(path, "", f"{what} would decompress from {info.compress_size:,} bytes to {size}: "
                               "that is a zip bomb, not a Word or Excel file")
            raise _problem(path, "", f"{what} would be {size} uncompressed, more than the {MAX_PART_BYTES // 2**20} "
                           "MB a chronology can need: split the table or save it as CSV")
        from lxml import etree

        parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False)
        target.what = what
        try:
            stream = self.zip.open(info)
        except _READ_ERRORS as exc:
            raise _problem(path, "", f"{what} cannot be read ({exc}): the file is damaged; {_REPAIR}") from None
        with stream:
            while True:
                try:
                    chunk = stream.read(CHUNK)
                except _READ_ERRORS as exc:
                    raise _problem(path, "", f"{what} cannot be read ({exc}): the file is damaged; {_REPAIR}") from None
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                except etree.XMLSyntaxError as exc:
                    raise _problem(path, "", f"{what} is damaged: its XML is not well formed ({exc.msg}); "
                                   f"{_REPAIR}") from None
                except _Doctype:
                    raise _problem(path, "", f"{what} declares a DTD, which Word and Excel never write: the file "
                                   "was not made by Office and is not read") from None
                if target.ready:
                    yield from target.ready
                    target.ready.clear()
                if not chunk:
                    return

    def read(self, name: str, target: _Target, what: str) -> None:
        for _ in self.parse(name, target, what):
            pass

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id -> (type, part name) of `part`'s internal relationships (`""` is the package's own)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels):
            return {}
        target = _RelsTarget(self.path)
        self.read(rels, target, f"the list of parts {part or 'the package'} refers to ({rels})")
        found = {}
        for rel_id, rel_type, where, mode in target.found:
            if mode != "External" and where:
                name = where.lstrip("/") if where.startswith("/") else posixpath.normpath(posixpath.join(folder, where))
                found[rel_id] = (rel_type, name)
        return found

    def main_part(self, default: str) -> str:
        """The package's main document, as its relationships name it (Word Online writes word/document2.xml)."""
        for rel_type, name in self.relationships("").values():
            if rel_type.endswith("/officeDocument") and self.has(name):
                return name
        return default


class _Doctype(Exception):
    """Raised from the parser when a part declares a DTD (entities are a classic XML attack)."""


class _Target:
    """An lxml parser target: `start` (which counts the elements, then calls `begin`), `end` and `data`
    are called as the XML streams by; finished things are queued in `ready` for `_Package.parse` to yield."""

    def __init__(self, path: Path):
        self.path = path
        self.ready: list[Any] = []
        self.elements = 0
        self.what = "a part"

    def start(self, tag: str, attrib: Any) -> None:
        self.elements += 1
        if self.elements > MAX_PART_ELEMENTS:
            raise _problem(self.path, "", f"{self.what} has more than {MAX_PART_ELEMENTS:,} XML elements, far more "
                           "than a chronology needs: the file is damaged or a zip bomb; split the table or save "
                           "it as CSV")
        self.begin(tag, attrib)

    def begin(self, tag: str, attrib: Any) -> None:
        pass

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def doctype(self, *args: Any) -> None:
        raise _Doctype()

    def close(self) -> None:
        return None


_LOCAL_NAMES: dict[tuple[str, frozenset[str]], str] = {}


def _local(tag: str, namespaces: frozenset[str]) -> str:
    """The local name of a tag in one of `namespaces`, else "" (remembered: a part repeats a few tags)."""
    key = (tag, namespaces)
    name = _LOCAL_NAMES.get(key)
    if name is None:
        name = ""
        if tag[:1] == "{":
            namespace, _, local = tag[1:].partition("}")
            if namespace in namespaces:
                name = local
        if len(_LOCAL_NAMES) < 10_000:  # a hostile part could use endless distinct names
            _LOCAL_NAMES[key] = name
    return name


_PACKAGE_RELS = frozenset({"http://schemas.openxmlformats.org/package/2006/relationships"})


class _RelsTarget(_Target):
    def __init__(self, path: Path):
        super().__init__(path)
        self.found: list[tuple[str, str, str, str]] = []

    def begin(self, tag: str, attrib: Any) -> None:
        if _local(tag, _PACKAGE_RELS) == "Relationship":
            if len(self.found) >= MAX_LISTED:
                raise _problem(self.path, "", f"a part has more than {MAX_LISTED:,} relationships: the file is damaged")
            self.found.append((attrib.get("Id", ""), attrib.get("Type", ""), attrib.get("Target", ""),
                               attrib.get("TargetMode", "")))


# --- CSV ---------------------------------------------------------------------------------------

_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes the codec could not decode, kept by "surrogateescape"


def _csv_encoding(path: Path) -> tuple[str, str]:
    """(encoding, why a later line may not decode): UTF-8 (with or without Excel's byte-order mark) or
    UTF-16 with one, else Windows-1252, which Excel writes on Windows. The whole file is checked, not a
    sample: a Windows-1252 file is often plain ASCII for its first thousand rows. A file that is UTF-8,
    non-ASCII text included, up to a byte that is not is read as UTF-8, and that byte's line refused:
    no one encoding reads it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_seen = False  # non-ASCII text that decoded as UTF-8
    with path.open("rb") as handle:
        head = handle.read(4)
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16", ""
        utf8 = "utf-8-sig" if head[:3] == codecs.BOM_UTF8 else "utf-8"
        handle.seek(0)
        while True:
            chunk = handle.read(1 << 20)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                utf8_seen = utf8_seen or utf8 == "utf-8-sig" or not exc.object[:exc.start].isascii()
                if not utf8_seen:
                    return "cp1252", ""
                return utf8, "cut" if exc.reason == "unexpected end of data" else "mixed"
            utf8_seen = utf8_seen or not text.isascii()
            if not chunk:
                return utf8, ""


class _CsvLines:
    """The lines of a CSV file for csv.reader, one bounded line at a time, each checked for bytes that
    did not decode and for NUL; `record_done` is called as each record is read, so a record (which
    may run over several lines inside quotes) is bounded too."""

    def __init__(self, path: Path, handle: Any, encoding: str, why: str):
        self.path, self.handle, self.encoding, self.why = path, handle, encoding, why
        self.line = 0
        self.record = 1
        self.pending = 0

    def __iter__(self) -> _CsvLines:
        return self

    def record_done(self) -> None:
        self.record += 1
        self.pending = 0

    def fail(self, message: str) -> InputError:
        return _problem(self.path, f"line {self.line}", f"in row {self.record} of the table, {message}", self.line)

    def __next__(self) -> str:
        line = self.handle.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) > MAX_ROW_CHARS:
            raise self.fail(f"the line is longer than {MAX_ROW_CHARS:,} characters; a chronology row is never "
                            "that long, so the file is damaged or not a CSV table")
        if "\0" in line:
            raise self.fail("the line holds a NUL byte, which a text CSV never has: the file is binary, or UTF-16 "
                            "text without a byte-order mark; save it from Excel as 'CSV UTF-8' and import again")
        bad = _UNDECODED.search(line)
        if bad is not None:
            byte = ord(bad.group()) - 0xDC00
            if self.why == "cut":
                reason = f"the file ends in the middle of a character (byte 0x{byte:02X}): it is cut short"
            elif self.encoding.startswith("utf-8"):
                reason = (f"byte 0x{byte:02X} is not UTF-8, though the text before it is: the file mixes two "
                          "encodings")
            elif self.encoding == "utf-16":
                reason = f"byte 0x{byte:02X} is not UTF-16 text: the file is damaged"
            else:
                reason = (f"byte 0x{byte:02X} is neither UTF-8 nor a Windows-1252 character, so the file is "
                          "damaged or in another encoding")
            raise self.fail(f"{reason}; save it from Excel as 'CSV UTF-8' and import again")
        self.pending += len(line)
        if self.pending > MAX_ROW_CHARS:
            raise self.fail(f"the row, begun on an earlier line, runs to more than {MAX_ROW_CHARS:,} characters: a "
                            "quotation mark is probably missing its pair")
        return line


def _csv_rows(path: Path) -> Iterator[Row]:
    try:
        encoding, why = _csv_encoding(path)
    except OSError as exc:
        raise _problem(path, "", f"cannot read the file ({exc.strerror or exc})") from None
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as handle:
        sample = handle.read(1 << 14)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        lines = _CsvLines(path, handle, encoding, why)
        reader = csv.reader(lines, dialect)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                detail = str(exc)
                if "field larger than field limit" in detail:
                    detail = (f"a cell holds more than {MAX_CELL_CHARS:,} characters (if it should not, a quotation "
                              "mark is probably missing its pair)")
                raise _problem(path, f"line {lines.line}", f"in row {number + 1} of the table, the CSV cannot be "
                               f"read: {detail}", lines.line) from None
            number += 1
            lines.record_done()
            for column, cell in enumerate(cells, start=1):
                if len(cell) > MAX_CELL_CHARS:
                    raise _problem(path, f"line {lines.line}", f"row {number}, column {column}: {_too_long()}",
                                   lines.line)
            yield Row(number, tuple(_clean(c) for c in cells))


def _too_long() -> str:
    return (f"the cell holds more than {MAX_CELL_CHARS:,} characters, more than a chronology entry can: "
            "it is damaged or a whole document pasted in; shorten it or split it over rows and import again")


# --- Excel -------------------------------------------------------------------------------------

_SHEET_NS = frozenset({"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                       "http://purl.oclc.org/ooxml/spreadsheetml/main"})  # transitional and strict
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
        sheet = _SheetTarget(path, name, strings, styles.dates, styles.durations, epoch)
        last = 0
        for number, cells, notes in book.package.parse(part, sheet, f"sheet {name!r} ({part})"):
            for missing in range(last + 1, number):  # rows Excel did not write are blank, and still rows
                yield Row(missing, ())
            last = number
            yield Row(number, cells, notes)


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


# --- Word --------------------------------------------------------------------------------------

_WORD_NS = frozenset({W[1:-1], "http://purl.oclc.org/ooxml/wordprocessingml/main"})
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
            self.cell, self.open, self.size, self.span = [], [], 0, 1
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
            self.row[-1] = text
            self._widen(self.span - 1)  # a merged cell covers several columns: keep the columns aligned
            self.cell, self.open = None, []
        elif name == "tr" and self.row is not None:
            self.ready.append((self.table, tuple(self.row)))
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


def _clean(text: str) -> str:
    """Cell text with non-breaking spaces and Windows line ends normalised, and the ends trimmed."""
    return text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
