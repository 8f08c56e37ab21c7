"""What a batch reads: chronology files, folders, globs, or JSON-lines files with one case per line.

Inputs are expanded lazily and in a stable order (sorted paths; lines in file order),
so a batch of a million cases never holds more than a few in memory and the order
of results never depends on the file system or the number of workers.
"""

from __future__ import annotations

import glob
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..limits import current

if TYPE_CHECKING:
    from ..records import Records

CHRONOLOGY_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class CaseInput:
    index: int
    label: str  # what the errors file calls it: a path, or path:line for JSON lines
    path: str
    text: str | None = None  # the case itself, for a JSON-lines case; None: read `path` in the worker
    problem: str = ""  # why this input cannot be audited, found while listing the inputs (not found, not text...)


def record_inputs(records: Records) -> Iterator[CaseInput]:
    """Each child of an authority's records as a case (auditor.records), labelled by pseudonym; a child whose
    record cannot be made a chronology, and each row that belongs to no child, is an input with its problem."""
    index = 0
    for child in records.children():
        if child.chronology is None:
            yield CaseInput(index, child.case_id, "records", None, "; ".join(str(p) for p in child.problems))
        else:
            yield CaseInput(index, child.case_id, "records", json.dumps(child.chronology, ensure_ascii=False))
        index += 1
    for problem in records.unplaced:
        yield CaseInput(index, f"{problem.file}:{problem.line}", "records", None, str(problem))
        index += 1


def iter_inputs(specs: list[str]) -> Iterator[CaseInput]:
    """Every input, in a stable order; one that cannot be read is still listed, with its problem, so that it
    reaches the errors file instead of stopping the batch or vanishing."""
    index = 0
    for spec in specs:
        for path, problem in _expand(spec):
            if path.endswith(".jsonl") and not problem:
                for label, text, line_problem in _json_lines(path):
                    yield CaseInput(index, label, path, text, line_problem)
                    index += 1
            else:
                yield CaseInput(index, path, path, None, problem)
                index += 1


def _json_lines(path: str) -> Iterator[tuple[str, str | None, str]]:
    """Each non-blank line as its own case. A line that is not UTF-8, or too long, is that line's problem only."""
    limit = current().file_bytes
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield path, None, f"cannot read: {exc.strerror}"
        return
    with handle:
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            label = f"{path}:{number}"
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the over-long line
                    raw = handle.readline(1 << 20)
                yield label, None, f"a line over {limit:,} bytes; refused (see --limits)"
                continue
            if not raw.strip():
                continue
            try:
                yield label, raw.decode("utf-8"), ""
            except UnicodeDecodeError as exc:
                yield label, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"


def _expand(spec: str) -> Iterator[tuple[str, str]]:
    """(path, problem) for each file a spec names; a problem is "" for a readable regular file."""
    path = Path(spec)
    if path.is_dir():
        for found in sorted(path.rglob("*"), key=str):
            if found.suffix not in CHRONOLOGY_SUFFIXES + (".jsonl",) or found.is_dir():
                continue
            yield str(found), _file_problem(found)
    elif any(ch in spec for ch in "*?["):
        matches = sorted(p for p in glob.glob(spec, recursive=True) if not Path(p).is_dir())
        if not matches:
            yield spec, "no file matches this pattern"
        yield from ((p, _file_problem(Path(p))) for p in matches)
    else:
        yield spec, _file_problem(path)


def _file_problem(path: Path) -> str:
    if path.is_file():
        return ""
    if path.is_symlink() and not path.exists():
        return "a link to a file that does not exist"
    if path.exists():
        return "not a regular file (a pipe, device or socket); not read"
    return "file not found"
