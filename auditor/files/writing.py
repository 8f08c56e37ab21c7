"""Writing files: atomically (an interrupted run never leaves half of one), and zip packages reproducibly."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator


def write_atomic(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)


class FolderWriter:
    """Many files written atomically into one folder (a batch's case files), as `write_atomic` writes one, without
    its per-file checks: the folder is made and opened once, and each file is an unnamed O_TMPFILE file named
    only when complete (0.14 ms a 45 KB file here, against 0.8 ms through `write_atomic`). Where the file system
    has no O_TMPFILE, each file goes through `write_atomic`."""

    def __init__(self, folder: Path):
        _make_folder(folder)
        self.folder = folder
        self._fd = os.open(folder, os.O_RDONLY)
        umask = os.umask(0)
        os.umask(umask)
        self._mode = 0o666 & ~umask
        probe = _unnamed_file(folder)
        self._unnamed = probe is not None and os.path.isdir("/proc/self/fd")
        if probe is not None:
            os.close(probe)

    def write(self, name: str, data: bytes) -> None:
        if not self._unnamed:
            write_atomic(self.folder / name, data)
            return
        fd = os.open(self.folder, os.O_TMPFILE | os.O_WRONLY, self._mode)
        tmp = None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            tmp = _link_unnamed(fd, self._fd, name)
            os.replace(tmp, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)
        except BaseException:
            if tmp is not None:
                try:
                    os.unlink(tmp, dir_fd=self._fd)
                except FileNotFoundError:
                    pass
            raise
        finally:
            os.close(fd)

    def close(self) -> None:
        os.close(self._fd)


def _writable(path: Path) -> None:
    """Output a user named must be a file we can create: say so, as bad input, if it is a folder or under a file."""
    from ..errors import InputError, Problem

    if path.is_dir():
        raise InputError([Problem(str(path), None, "", "is a folder; give a file name to write")], "nothing was written")
    _make_folder(path.parent, path)


def _make_folder(folder: Path, named: Path | None = None) -> None:
    """`folder` and its parents, or an input error naming `named` (the file to be written there)."""
    from ..errors import InputError, Problem

    shown = str(named or folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError([Problem(shown, None, "", "cannot be written: a part of its path is a file, not a "
                                  "folder")], "nothing was written") from None
    except PermissionError:
        raise InputError([Problem(shown, None, "", "cannot be written: permission denied")],
                         "nothing was written") from None


@contextmanager
def atomic_writer(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file written in pieces (a streamed import) that appears at `path` only when complete.

    Where the file system allows it (Linux, O_TMPFILE), the pieces go to a file with no name at all, named only
    once complete: a process killed mid-write (SIGKILL, a power cut) leaves nothing behind. Elsewhere a hidden
    temporary file is used and removed on any exception, Ctrl-C and SIGTERM included.
    """
    _writable(path)
    fd = _unnamed_file(path.parent)
    tmp: str | None = None
    if fd is None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with (os.fdopen(fd, "wb", closefd=False) if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="\n", closefd=False)) as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as any new file would be, not mkstemp's owner-only mode
        if tmp is None:
            try:
                tmp = _name_unnamed(fd, path)
            except OSError:  # no /proc to name it through: copy it to a named temporary file instead
                tmp = _copy_unnamed(fd, path)
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _unnamed_file(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o600)
    except OSError:  # a file system without O_TMPFILE support
        return None


def _copy_unnamed(fd: int, path: Path) -> str:
    copy, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(copy, "wb") as target:
            os.lseek(fd, 0, os.SEEK_SET)
            while chunk := os.read(fd, 1 << 20):
                target.write(chunk)
        os.chmod(name, os.stat(fd).st_mode & 0o777)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def _name_unnamed(fd: int, path: Path) -> str:
    """Give the finished unnamed file a hidden name beside `path`, to be renamed over it at once."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        return str(path.parent / _link_unnamed(fd, folder, path.name))
    finally:
        os.close(folder)


def _link_unnamed(fd: int, folder: int, name: str) -> str:
    """A free hidden name for the unnamed file `fd` in the open `folder`, beside `name`; the name, relative to it.

    linkat(..., AT_SYMLINK_FOLLOW) on /proc/self/fd/N is how an O_TMPFILE file gets a name without privileges;
    os.link uses linkat with that flag only when given a directory fd. A name left by a run killed between the
    link and the rename is taken, so the next attempt's is tried.
    """
    for attempt in range(100):
        hidden = f".{name}.{os.getpid()}.{attempt}.tmp"
        try:
            os.link(f"/proc/self/fd/{fd}", hidden, dst_dir_fd=folder, follow_symlinks=True)
            return hidden
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {name}")


# What a reproducible Office package says of time: its created/modified properties, and each zip entry's stamp
# (zip's epoch). Nothing is taken from the clock, so equal inputs give equal bytes.
FIXED_DOCUMENT_TIME = datetime(2000, 1, 1)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def stable_zip(data: bytes, stamp: tuple[int, int, int, int, int, int], compresslevel: int | None = None,
               stream: dict[str, Callable[[bytes, IO[bytes]], None]] | None = None) -> bytes:
    """An Office package (docx, xlsx) again with fixed timestamps and a fixed entry order: equal inputs, equal bytes.

    `stream` names entries whose content a function writes itself (given the original content and the
    open entry), so a large sheet can be streamed in rather than built in memory.
    """
    first = ["[Content_Types].xml", "_rels/.rels"]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in [n for n in first if n in names] + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            writer = (stream or {}).get(name)
            if writer is None:
                target.writestr(info, source.read(name), compresslevel=compresslevel)
            else:
                with target.open(info, "w") as handle:
                    writer(source.read(name), handle)
    return out.getvalue()


def workbook_bytes(wb: Any, title: str) -> bytes:
    """A small openpyxl workbook (not a write-only one) as reproducible .xlsx bytes: written by "auditor", titled,
    stamped with FIXED_DOCUMENT_TIME, not by `wb.save()`, which stamps the modified date from the clock."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "auditor"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = FIXED_DOCUMENT_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).save()
    return stable_zip(raw.getvalue(), ZIP_EPOCH)


def document_bytes(doc: Any, title: str) -> bytes:
    """A python-docx document as reproducible .docx bytes: its core properties say "auditor", the title, revision 1
    and FIXED_DOCUMENT_TIME."""
    core = doc.core_properties
    core.author = core.last_modified_by = "auditor"
    core.title = title
    core.revision = 1
    core.created = core.modified = FIXED_DOCUMENT_TIME
    raw = io.BytesIO()
    doc.save(raw)
    return stable_zip(raw.getvalue(), ZIP_EPOCH, compresslevel=9)
