"""An extract's tables read as rows for the chronology builder: one CSV per table (the Standard Safeguarding
Dataset, named after its tables) or the sheets of a workbook (an Annex A workbook, its lists found by their
headings, as the tools authorities use find them, whatever the tab is called).

Every table the mapping reads must be there (an empty table is its header row alone), with every column the
mapping reads (headings compared without regard to case or outer spaces): a table or column missing is found
before any child is read and stops the run with the file, row and column named, because auditing children
against half an extract would report what is missing from the extract as missing from practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..files.tables import iter_rows, table_names
from .mapping import RecordFormat, TableMap
from .rows import Completeness, RecordRow
from .values import is_null


@dataclass(frozen=True)
class Source:
    """Where a table is: a CSV file, or a sheet of a workbook."""

    path: Path
    sheet: str | None = None

    @property
    def name(self) -> str:
        """What an entry cites as its document."""
        return self.path.name

    def rows(self) -> Iterator:
        return iter_rows(self.path, self.sheet)


@dataclass
class Extract:
    """The extract's tables, checked: where each is and the position of each column it reads."""

    files: dict[str, Source]
    columns: dict[str, dict[str, int]]
    input_bytes: int


WORKBOOKS = (".xlsx", ".xlsm")


def find_tables(paths: list[Path], fmt: RecordFormat) -> Extract:
    """Each table the mapping reads: `<table>.csv` in a folder given, or a file given by that name (any case); or
    in a workbook, the sheet of that name, else the first sheet whose headings hold every column it reads."""
    csvs: dict[str, Source] = {}
    headers: dict[Source, list[str]] = {}  # each sheet's first row, read once: it finds the sheet and is checked
    for path in paths:
        if not path.exists():
            raise InputError([Problem(str(path), None, "", "not found")], consequence="nothing was read")
        candidates = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv",) + WORKBOOKS) \
            if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.suffix.lower() in WORKBOOKS:
                for name in table_names(candidate):
                    sheet = Source(candidate, name)
                    headers[sheet] = _header(sheet)
            else:
                csvs.setdefault(candidate.stem.lower(), Source(candidate))
    sheets = list(headers.items())
    wanted = ([fmt.person.table] if fmt.person.table else []) + [t.table for t in fmt.tables]
    files: dict[str, Source] = {}
    for table in wanted:
        named = csvs.get(table.lower()) or next((s for s, _ in sheets if s.sheet and s.sheet.lower() == table.lower()),
                                                None)
        needed = {n.lower() for n in _needed(fmt, table, [])}
        found = named or next((s for s, header in sheets if needed <= set(header)), None)
        if found is not None:
            files[table] = found
    missing = [t for t in wanted if t not in files]
    where = ", ".join(str(p) for p in paths)
    if missing:
        raise InputError([Problem(where, None, table, f"no {table}.csv and no sheet {table!r} or with its headings: "
                                  f"the {fmt.title} mapping reads this table (an empty table is its header row "
                                  "alone)") for table in missing], consequence="nothing was read")
    columns, problems = {}, []
    for table, source in files.items():
        header = headers[source] if source in headers else _header(source)
        needed = _needed(fmt, table, header)
        for name in sorted(n for n in needed if n.lower() not in header):
            where_it_is = f"{source.path}" if source.sheet is None else f"{source.path} (sheet {source.sheet})"
            problems.append(Problem(where_it_is, 1, name, f"column missing from {table} (the header has: "
                                    f"{', '.join(header) or 'nothing'}); was it renamed?"))
        columns[table] = {name: header.index(name.lower()) for name in needed if name.lower() in header}
    if problems:
        raise InputError(problems, consequence="nothing was read")
    sizes = {s.path: s.path.stat().st_size for s in files.values()}
    return Extract(files, columns, sum(sizes.values()))


def _cells(cells: tuple[str, ...]) -> list[str]:
    return [cell.strip().lstrip("\ufeff").lower() for cell in cells]


def _header(source: Source) -> list[str]:
    for row in source.rows():
        return _cells(row.cells)
    return []


def _needed(fmt: RecordFormat, table: str, header: list[str]) -> set[str]:
    if table == fmt.person.table:
        return {fmt.person.id} | ({fmt.person.birth} if fmt.person.birth else set())
    mapped = fmt.table(table)
    assert mapped is not None
    needed = fmt.fields_of(table)
    if mapped.person_via and mapped.person.lower() in header:  # the DDL's own person column, where it is there
        needed = needed - {mapped.person_via.field} | {mapped.person}
    return needed


def table_rows(extract: Extract, fmt: RecordFormat, completeness: Completeness,
             problems: list[tuple[str, Problem]]) -> Iterator[RecordRow]:
    """Every row of every table, with its child's id. A row whose child cannot be found (a review whose period
    of care no episode has) is a problem of that row, set aside in `problems`; the reading goes on."""
    via = {t.table: _via_lookup(extract, fmt, t) for t in fmt.tables if t.person_via and t.person not in
           extract.columns[t.table]}
    if fmt.person.table:
        yield from _table_rows(extract, fmt, fmt.person.table, fmt.person.id, None, completeness, problems)
    for mapped in fmt.tables:
        yield from _table_rows(extract, fmt, mapped.table, mapped.person, via.get(mapped.table), completeness, problems,
                               mapped)


def _via_lookup(extract: Extract, fmt: RecordFormat, mapped: TableMap) -> tuple[str, dict[str, str]]:
    """(this table's key field, key -> child) from the table that holds the child for each key (a period of
    care's episodes); held in memory: one entry per key, not per row of the extract."""
    assert mapped.person_via is not None
    other = mapped.person_via.table
    columns = extract.columns[other]
    holder = fmt.table(other)
    key_at = columns[mapped.person_via.key]
    person_at = columns[holder.person if holder else fmt.person.id]
    lookup: dict[str, str] = {}
    for row in _data_rows(extract.files[other].rows()):
        cells = row.cells
        if max(key_at, person_at) < len(cells) and not is_null(cells[key_at]):
            lookup.setdefault(cells[key_at].strip(), cells[person_at].strip())
    return mapped.person_via.field, lookup


def _data_rows(rows: Iterator) -> Iterator:
    next(rows, None)  # the header
    for row in rows:
        if not row.is_blank():
            yield row


def _table_rows(extract: Extract, fmt: RecordFormat, table: str, person_field: str,
                via: tuple[str, dict[str, str]] | None, completeness: Completeness,
                problems: list[tuple[str, Problem]], mapped: TableMap | None = None) -> Iterator[RecordRow]:
    source = extract.files[table]
    columns = extract.columns[table]
    dates = fmt.dates_of(table)  # checked here, so that a bad date is the child's problem before any child is built
    watched = sorted(set(columns) - {person_field} - ({via[0]} if via else set()))
    flags = fmt.flags_of(table)
    for row in _data_rows(source.rows()):
        cells = row.cells
        values = {name: (cells[at] if at < len(cells) else "") for name, at in columns.items()}
        person = values.get(person_field, "") if via is None else via[1].get(values.get(via[0], "").strip(), "")
        person = person.strip()
        if not person:
            what = (f"no {person_field}" if via is None else
                    f"its {via[0]} matches no row of {mapped.person_via.table if mapped and mapped.person_via else ''}")
            problems.append(("", Problem(source.name, row.number, person_field if via is None else via[0],
                                         f"the row cannot be put with a child: {what}")))
            continue
        for name, why in completeness.survey(table, values, watched, flags, dates):
            problems.append((person, Problem(source.name, row.number, name, why)))
        yield RecordRow(table, source.name, row.number, person, values, source.sheet or "")
