"""Writing files: atomically (an interrupted run never leaves half of one), and zip packages reproducibly."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator


def write_atomic(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)


@contextmanager
def atomic_writer(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file written in pieces (a streamed import) that appears at `path` only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any new file would be, not mkstemp's owner-only mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
