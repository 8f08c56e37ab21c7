"""The Standard Safeguarding Dataset's tables, one CSV per table, read as rows for the chronology builder.

Every table the mapping reads must be there (an empty table is its header row alone), with every column the
mapping reads: a table or column missing is found before any child is read and stops the run with the file,
row and column named, because auditing children against half an extract would report what is missing from
the extract as missing from practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..files.tables import iter_rows
from .mapping import RecordFormat, TableMap
from .rows import Completeness, RecordRow
from .values import NotADate, flag, is_null, record_day


@dataclass
class Extract:
    """The extract's files, checked: each table's file and the position of each column it reads."""

    files: dict[str, Path]
    columns: dict[str, dict[str, int]]
    input_bytes: int


def find_tables(paths: list[Path], fmt: RecordFormat) -> Extract:
    """The file for each table: `<table>.csv` in a folder given, or a file given by that name (any case)."""
    found: dict[str, Path] = {}
    for path in paths:
        candidates = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        if not path.exists():
            raise InputError([Problem(str(path), None, "", "not found")], consequence="nothing was read")
        for candidate in candidates:
            found.setdefault(candidate.stem.lower(), candidate)
    wanted = [fmt.person.table] + [t.table for t in fmt.tables]
    missing = [t for t in wanted if t.lower() not in found]
    where = ", ".join(str(p) for p in paths)
    if missing:
        raise InputError([Problem(where, None, table, f"no {table}.csv: the {fmt.title} mapping reads this table "
                                  "(an empty table is its header row alone)") for table in missing],
                         consequence="nothing was read")
    files = {t: found[t.lower()] for t in wanted}
    columns, problems = {}, []
    for table, path in files.items():
        header = _header(path)
        needed = _needed(fmt, table, header)
        absent = sorted(needed - set(header))
        for name in absent:
            problems.append(Problem(str(path), 1, name, f"column missing from {table} (the header has: "
                                    f"{', '.join(header) or 'nothing'}); was it renamed?"))
        columns[table] = {name: header.index(name) for name in needed if name in header}
    if problems:
        raise InputError(problems, consequence="nothing was read")
    return Extract(files, columns, sum(p.stat().st_size for p in files.values()))


def _header(path: Path) -> list[str]:
    for row in iter_rows(path):
        return [cell.strip().lstrip("\ufeff").lower() for cell in row.cells]
    return []


def _needed(fmt: RecordFormat, table: str, header: list[str]) -> set[str]:
    if table == fmt.person.table:
        return {fmt.person.id} | ({fmt.person.birth} if fmt.person.birth else set())
    mapped = fmt.table(table)
    assert mapped is not None
    needed = mapped.fields()
    if mapped.person_via and mapped.person in header:  # the DDL's own person column, where the extract has it
        needed = needed - {mapped.person_via.field} | {mapped.person}
    return needed


def ssd_rows(extract: Extract, fmt: RecordFormat, completeness: Completeness,
             problems: list[tuple[str, Problem]]) -> Iterator[RecordRow]:
    """Every row of every table, with its child's id. A row whose child cannot be found (a review whose period
    of care no episode has) is a problem of that row, set aside in `problems`; the reading goes on."""
    via = {t.table: _via_lookup(extract, t) for t in fmt.tables if t.person_via and t.person not in
           extract.columns[t.table]}
    yield from _table_rows(extract, fmt.person.table, fmt.person.id, None, completeness, problems)
    for mapped in fmt.tables:
        yield from _table_rows(extract, mapped.table, mapped.person, via.get(mapped.table), completeness, problems,
                               mapped)


def _via_lookup(extract: Extract, mapped: TableMap) -> tuple[str, dict[str, str]]:
    assert mapped.person_via is not None
    other = mapped.person_via.table
    other_map_columns = extract.columns[other]
    person_field = next(iter(n for n in other_map_columns if n.endswith("_person_id")), None)
    lookup: dict[str, str] = {}
    key_at = other_map_columns.get(mapped.person_via.key)
    person_at = other_map_columns.get(person_field) if person_field else None
    if key_at is None or person_at is None:
        return mapped.person_via.field, lookup
    for row in _data_rows(extract.files[other]):
        cells = row.cells
        if max(key_at, person_at) < len(cells) and not is_null(cells[key_at]):
            lookup.setdefault(cells[key_at].strip(), cells[person_at].strip())
    return mapped.person_via.field, lookup


def _data_rows(path: Path) -> Iterator:
    rows = iter_rows(path)
    next(rows, None)  # the header
    for row in rows:
        if not row.is_blank():
            yield row


def _table_rows(extract: Extract, table: str, person_field: str, via: tuple[str, dict[str, str]] | None,
                completeness: Completeness, problems: list[tuple[str, Problem]],
                mapped: TableMap | None = None) -> Iterator[RecordRow]:
    path = extract.files[table]
    columns = extract.columns[table]
    dates = {f for e in (mapped.events if mapped else []) for f in (e.date, e.if_missing and e.if_missing.earliest)
             if f}  # checked here, so that a bad date is the child's problem before any child is built
    watched = sorted(set(columns) - {person_field} - ({via[0]} if via else set()))
    flags = {f for e in (mapped.events if mapped else []) for f in e.flags.values()}  # recorded: a yes or a no
    for row in _data_rows(path):
        cells = row.cells
        values = {name: (cells[at] if at < len(cells) else "") for name, at in columns.items()}
        person = values.get(person_field, "") if via is None else via[1].get(values.get(via[0], "").strip(), "")
        person = person.strip()
        if not person:
            what = (f"no {person_field}" if via is None else
                    f"its {via[0]} matches no row of {mapped.person_via.table if mapped and mapped.person_via else ''}")
            problems.append(("", Problem(path.name, row.number, person_field if via is None else via[0],
                                         f"the row cannot be put with a child: {what}")))
            continue
        for name in watched:
            completeness.add(table, name, flag(values[name]) is not None if name in flags else not is_null(values[name]))
        for name in dates:
            try:
                completeness.saw(record_day(values.get(name)))
            except NotADate as exc:
                problems.append((person, Problem(path.name, row.number, name, str(exc))))
        yield RecordRow(table, path.name, row.number, person, values)
