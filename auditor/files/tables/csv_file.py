"""The rows of a CSV file: the encoding found from the whole file, the dialect sniffed, one bounded
line at a time through the csv module."""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Any, Iterator

from ...errors import InputError
from .rows import MAX_CELL_CHARS, MAX_ROW_CHARS, Row, _clean, _problem, _too_long

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
