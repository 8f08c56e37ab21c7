"""A .docx or .xlsx file as what it is, a zip package of XML parts, read safely.

Each part is streamed in small chunks through lxml's event-driven parser with a target (`_Target`),
with entity resolution, DTDs and network access off; a part's size, its number of elements, the
package's number of parts and its zip directory are bounded, and damage is an `InputError` that
says what to do. `excel` and `word` give the targets that read their parts.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator

from .rows import _problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files (and old .doc/.xls) are OLE containers
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A zip bomb needs no rule of its own: parts are streamed, so memory stays flat however much a part
# decompresses to, and these two bound the time (text streams at about 300 MB/s, markup at about a
# million elements a second; a 50,000-row sheet has some 600,000 elements).
MAX_PART_BYTES = 512 * 1024 * 1024  # one part of a .docx/.xlsx, uncompressed
MAX_PART_ELEMENTS = 20_000_000  # XML elements in one part
MAX_PACKAGE_MEMBERS = 10_000  # a .docx/.xlsx has tens of parts, a few hundred with images
MAX_DIRECTORY_BYTES = 16 * 1024 * 1024  # the zip's table of contents
MAX_LISTED = 10_000  # sheets in a workbook, relationships of a part
CHUNK = 1 << 16

_REPAIR = "open it in Word or Excel (which offers to repair it), save it, and import again"

# Each reader names the other format's namespace too, to say when a file is the other kind.
_SHEET_NS = frozenset({"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                       "http://purl.oclc.org/ooxml/spreadsheetml/main"})  # transitional and strict
_WORD_NS = frozenset({W[1:-1], "http://purl.oclc.org/ooxml/wordprocessingml/main"})

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

    def mentions(self, name: str, needle: bytes) -> bool:
        """Whether a part's bytes hold `needle`: a cheap look (decompression only, no XML) before a second pass that
        most parts do not need. Damage is left to `parse` to report."""
        info = self.parts.get(name.lower())
        if info is None or info.flag_bits & 0x1 or info.file_size > MAX_PART_BYTES:
            return False
        tail = b""
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    if needle in tail + chunk:
                        return True
                    tail = chunk[-len(needle):]
        except _READ_ERRORS:
            return False
        return False

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
