"""What a batch reads: chronology files, folders, globs, or JSON-lines files with one case per line.

Inputs are expanded lazily and in a stable order (sorted paths; lines in file order),
so a batch of a million cases never holds more than a few in memory and the order
of results never depends on the file system or the number of workers.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

CHRONOLOGY_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class CaseInput:
    index: int
    label: str  # what the errors file calls it: a path, or path:line for JSON lines
    path: str
    text: str | None = None  # the case itself, for a JSON-lines case; None: read `path` in the worker
    missing: bool = False


def iter_inputs(specs: list[str]) -> Iterator[CaseInput]:
    index = 0
    for spec in specs:
        for path, missing in _expand(spec):
            if path.endswith(".jsonl") and not missing:
                with open(path, encoding="utf-8") as handle:
                    for number, line in enumerate(handle, 1):
                        if line.strip():
                            yield CaseInput(index, f"{path}:{number}", path, line)
                            index += 1
            else:
                yield CaseInput(index, path, path, None, missing)
                index += 1


def _expand(spec: str) -> Iterator[tuple[str, bool]]:
    path = Path(spec)
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix in CHRONOLOGY_SUFFIXES + (".jsonl",))
        yield from ((p, False) for p in found)
    elif any(ch in spec for ch in "*?["):
        matches = sorted(p for p in glob.glob(spec, recursive=True) if Path(p).is_file())
        if not matches:
            yield spec, True
        yield from ((p, False) for p in matches)
    else:
        yield spec, not path.is_file()
