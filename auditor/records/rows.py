"""A record's rows, joined by child in bounded memory.

An extract holds each table whole (every child's visits, then every child's reviews), but a chronology needs
one child's rows together. Holding the extract in memory would cost gigabytes at an authority's scale, so
the rows are spilled to a handful of temporary files by a hash of the child's id, and each file, a small share
of the children, is grouped in memory in its turn: memory follows the size of one share, not of the extract.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson

from .values import NotADate, flag, is_null, record_day

SHARE_BYTES = 24 << 20  # about this much input per share grouped in memory


@dataclass(frozen=True)
class RecordRow:
    """One row of one table: where it came from (for the entry's citation) and the cells the mapping reads."""

    table: str
    file: str
    row: int  # the row's number in its file, the header being row 1
    person: str  # the child's id as the record gives it (never written to an output)
    fields: dict[str, str]
    sheet: str = ""  # the workbook's tab, where the table is one (an Annex A list found by its headings)


@dataclass
class Completeness:
    """Per table and field the mapping reads: rows, and rows with a value (data quality, shown beside practice);
    and the latest day any row gives, the extract's date where the user gives none."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    latest: date | None = None

    def saw(self, day: date | None) -> None:
        if day is not None and (self.latest is None or day > self.latest):
            self.latest = day

    def add(self, table: str, name: str, recorded: bool) -> None:
        seen = self.counts.setdefault((table, name), [0, 0])
        seen[0] += 1
        seen[1] += recorded

    def survey(self, table: str, values: dict[str, str], watched: Iterable[str], flags: set[str],
               dates: set[str]) -> list[tuple[str, str]]:
        """Count one row's `watched` fields as recorded or not (a flag only when it says yes or no), and read its
        `dates`: the latest is the extract's date where none is given. Returns (field, why) for each date that is
        not a day, the row's child's problem."""
        for name in watched:
            value = values.get(name)
            self.add(table, name, flag(value) is not None if name in flags else not is_null(value))
        bad = []
        for name in dates:
            try:
                self.saw(record_day(values.get(name)))
            except NotADate as exc:
                bad.append((name, str(exc)))
        return bad

    def rows(self) -> list[dict[str, object]]:
        return [{"table": t, "field": f, "rows": n, "recorded": r, "missing": n - r,
                 "recorded_rate": round(r / n, 4) if n else None}
                for (t, f), (n, r) in sorted(self.counts.items())]


def by_child(rows: Iterable[RecordRow], input_bytes: int) -> Iterator[tuple[str, list[RecordRow]]]:
    """(child id, that child's rows in table then file order), children in a stable order: by share, then id."""
    shares = max(1, min(256, input_bytes // SHARE_BYTES + 1))
    if shares == 1:  # a small extract: group in memory
        grouped: dict[str, list[RecordRow]] = {}
        for row in rows:
            grouped.setdefault(row.person, []).append(row)
        for person in sorted(grouped):
            yield person, grouped[person]
        return
    with tempfile.TemporaryDirectory(prefix="auditor-records-") as folder:
        paths = [Path(folder) / f"share-{n:03d}.jsonl" for n in range(shares)]
        handles = [open(p, "wb") for p in paths]
        try:
            for row in rows:
                share = zlib.crc32(row.person.encode("utf-8")) % shares
                handles[share].write(orjson.dumps([row.person, row.table, row.file, row.row, row.fields, row.sheet])
                                     + b"\n")
        finally:
            for handle in handles:
                handle.close()
        for path in paths:
            grouped = {}
            with open(path, "rb") as handle:
                for line in handle:
                    person, table, file, number, cells, sheet = orjson.loads(line)
                    grouped.setdefault(person, []).append(RecordRow(table, file, number, person, cells, sheet))
            path.unlink()
            for person in sorted(grouped):
                yield person, grouped[person]
