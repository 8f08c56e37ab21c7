"""`auditor records`: an authority's own records (SSD tables, a CIN census return) as one chronology per child.

The options that say how records are read (format, key, --keep-ids, --as-at) are shared with
`auditor batch --records`, which audits the children straight into a board pack.
"""

from __future__ import annotations

import csv
import io
import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..chronology.dates import parse_day
from ..errors import InputError, Problem
from ..files.writing import write_atomic
from .app import app


class RecordFormat(str, Enum):
    ssd = "ssd"
    cin_census = "cin-census"
    annex_a = "annex-a"


KEY_OPTION = typer.Option(None, "--key", help="File holding the key for the children's pseudonyms (keep it to "
                          "follow children across rounds); default: a new random key, written beside the output.")
KEEP_IDS_OPTION = typer.Option(False, "--keep-ids", help="Keep the record's own child ids in every output instead "
                               "of pseudonyms. Only for analysts entitled to see them.")
AS_AT_OPTION = typer.Option(None, "--as-at", help="The extract's date (YYYY-MM-DD): where each chronology ends. "
                            "Default: the census's reference date, or the latest date in the extract.")


def open_from_options(paths: list[Path], fmt: str, key: Optional[Path], keep_ids: bool, as_at: Optional[str],
                      key_folder: Path):
    """The records to read, with the pseudonym key read or made; says on stderr where a new key was written."""
    from ..records import open_records
    from ..records.pseudonyms import Pseudonyms, new_key, read_key

    if key is not None and keep_ids:
        raise InputError([Problem("--keep-ids", None, "", "give --key or --keep-ids, not both")])
    missing = [Problem(str(p), None, "", "not found") for p in paths if not p.exists()]
    if missing:  # before a key is made for records that are not there
        raise InputError(missing, consequence="nothing was read")
    secret = None
    if not keep_ids:
        if key is not None:
            secret = read_key(key)
        else:
            secret, written = new_key(key_folder)
            typer.echo(f"pseudonym key written to {written}: keep it to follow children across rounds, or delete "
                       "it so that no one can", err=True)
    return open_records(paths, fmt, Pseudonyms(secret, keep_ids), parse_day(as_at) if as_at else None)


@app.command("records")
def records_command(
    paths: list[Path] = typer.Argument(..., metavar="FILES...", help="The SSD's table files (ssd_<table>.csv) or a "
                                       "folder holding them; a CIN census XML file; or an Annex A workbook."),
    fmt: RecordFormat = typer.Option(..., "--format", help="ssd (Standard Safeguarding Dataset, CSV per table), "
                                     "cin-census (the children in need census XML) or annex-a (Ofsted's Annex A "
                                     "workbook: its referral, assessment and section 47 lists)."),
    out: Path = typer.Option(Path("records-out"), "--out", help="Folder for chronologies.jsonl, completeness.csv "
                             "and records-errors.csv."),
    key: Optional[Path] = KEY_OPTION,
    keep_ids: bool = KEEP_IDS_OPTION,
    as_at: Optional[str] = AS_AT_OPTION,
) -> None:
    """Read an authority's records and write one chronology per child (JSON lines), each entry citing its table,
    row and field; children's ids become keyed pseudonyms and dates of birth ages.

    Writes OUT/chronologies.jsonl (as `auditor batch` reads), OUT/completeness.csv (per table and field read:
    rows, rows recorded, rows missing) and OUT/records-errors.csv (each child or row that could not be read, and
    why). A missing table or column stops the run; a bad row loses only its child. Exit code 2 if any child or
    row could not be read.

    Examples:

      auditor records extract/ --format ssd --out q4-records --key ~/keys/pseudonyms.key

      auditor records cin_census_2026.xml --format cin-census --out census

      auditor records annex_a_2026.xlsx --format annex-a --out annex-a

      auditor batch --records ssd extract/ --out q4-board --key ~/keys/pseudonyms.key
    """
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), None, "", "--out is a file; give a folder (it is created if missing)")])
    records = open_from_options(paths, fmt.value, key, keep_ids, as_at, out)
    out.mkdir(parents=True, exist_ok=True)
    written = failed = 0
    errors = io.StringIO(newline="")
    writer = csv.writer(errors, lineterminator="\n")
    writer.writerow(["child", "file", "row", "field", "problem"])
    target = out / "chronologies.jsonl"
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as handle:
            for child in records.children():
                if child.chronology is None:
                    failed += 1
                    for problem in child.problems:
                        writer.writerow([child.case_id, problem.file, problem.line or "", problem.field,
                                         problem.message])
                    continue
                handle.write(json.dumps(child.chronology, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
        partial.replace(target)
    finally:  # a damaged return stops the read part-way: leave no half-written file behind
        partial.unlink(missing_ok=True)
    for problem in records.unplaced:
        failed += 1
        writer.writerow(["", problem.file, problem.line or "", problem.field, problem.message])
    write_atomic(out / "records-errors.csv", errors.getvalue())
    write_atomic(out / "completeness.csv", _completeness_csv(records.summary()["completeness"]))
    typer.echo(f"{written} chronolog{'y' if written == 1 else 'ies'} written to {target}"
               f"{f'; {failed} could not be read (see ' + str(out / 'records-errors.csv') + ')' if failed else ''}")
    if failed:
        raise typer.Exit(2)


def _completeness_csv(rows: list[dict]) -> str:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["table", "field", "rows", "recorded", "missing", "recorded_rate"])
    for row in rows:
        writer.writerow([row["table"], row["field"], row["rows"], row["recorded"], row["missing"],
                         "" if row["recorded_rate"] is None else row["recorded_rate"]])
    return text.getvalue()
