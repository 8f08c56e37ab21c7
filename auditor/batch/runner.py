"""Run a batch: stream the inputs to the workers, restore input order, write each case and the board pack.

Nothing depends on how many workers ran or in what order they finished: results
are consumed in input order, and every file is written atomically, so an
interrupted run leaves complete files or none.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .. import __version__
from ..engine import engine_version
from ..errors import InputError, Problem
from ..files.writing import FolderWriter, write_atomic
from ..rulebook import load_rulebook
from ..board.messages import front_page, load_targets, rag
from ..board.model import Board, comparison, trends
from ..board.writers import board_json, csv_files, errors_csv
from .executors import run_dask, run_local
from .pool import DEFAULT_CASE_TIMEOUT, default_workers
from .worker import CaseOptions
from .inputs import iter_inputs, record_inputs
from ..board.outcome import Outcome
from ..reports.compact import citation_index

if TYPE_CHECKING:
    from ..records import Records

FORMATS = ("csv", "xlsx", "html", "json")


@dataclass
class BatchResult:
    audited: int = 0
    failed: int = 0
    crashed: int = 0
    files: list[str] = field(default_factory=list)
    events: int = 0
    worker_seconds: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # loading, auditing, rendering
    writing_seconds: float = 0.0  # per-case files and the board pack, in this process


@dataclass(frozen=True)
class FrontMatter:
    """What the board pack's front page says of the round that the inputs cannot: its title, the protective
    marking and the date it was produced (ISO)."""

    title: str = "Safeguarding audit round"
    marking: str = "OFFICIAL-SENSITIVE"
    produced: str = ""


def run_batch(specs: list[str], out: Path, *, workers: int | None = None, formats: tuple[str, ...] = FORMATS,
              since: date | None = None, until: date | None = None, rules: str | None = None,
              engine: str = "durable", executor: str = "local", scheduler: Any = None,
              compare: Path | list[Path] | None = None, on_progress: Callable[[int], None] | None = None,
              case_timeout: float = DEFAULT_CASE_TIMEOUT, options: CaseOptions = CaseOptions(),
              front: FrontMatter = FrontMatter(), targets: Path | None = None,
              records: Records | None = None) -> BatchResult:
    """`options.full`: each case's findings in the full layout (every standard, citations in full) rather than the
    compact one, whose citations are in OUT/citations.json (auditor.reports.compact); `options.learning`: include
    practice learning from other areas' reviews. `front`: the round's title, marking and date for the front page;
    `targets`: a board's targets file, which gives each standard with a target red, amber or green.
    `records`: an authority's records read as chronologies (auditor.records), audited in place of `specs`, the
    pack showing their data completeness beside practice."""
    book = load_rulebook(rules)
    if options.standards:
        book = book.only(options.standards)
    goals = load_targets(targets, set(book.rules)) if targets is not None else None
    # Earlier rounds, oldest first: the last is "the previous round" of the comparison; all give the trends.
    earlier = [_previous(folder) for folder in ([compare] if isinstance(compare, Path) else compare or [])]
    previous = earlier[-1] if earlier else None
    board = Board(book, since, until)
    inputs = iter_inputs(specs) if records is None else record_inputs(records)
    if executor == "dask":
        outcomes = run_dask(inputs, scheduler, rules, engine, options)
    else:
        outcomes = run_local(inputs, default_workers() if workers is None else workers, rules, engine,
                             case_timeout, options)
    result = BatchResult()
    if not options.full:  # the one catalogue every compact case file cites by id, there before the first case
        write_atomic(out / "citations.json", citation_index(book).to_json())
    digest = hashlib.sha256()
    cases: FolderWriter | None = None  # made at the first case audited
    seen: dict[str, str] = {}
    names: set[str] = set()
    try:
        for outcome in _in_order(outcomes):
            digest.update(f"{outcome.label}\0{outcome.input_sha256}\0".encode())
            if not outcome.failure and outcome.case_id in seen:
                outcome.failure = "bad-input"
                outcome.problems = [f"{outcome.label}: case id {outcome.case_id!r} is also the id of {seen[outcome.case_id]}"]
            if outcome.failure:
                result.failed += 1
                result.crashed += outcome.failure != "bad-input"
            else:
                seen[outcome.case_id] = outcome.label
                started = perf_counter()
                if cases is None:
                    cases = FolderWriter(out / "cases")
                outcome.file = case_file_name(outcome.case_id, names)
                cases.write(outcome.file, outcome.findings_json)
                result.writing_seconds += perf_counter() - started
                result.audited += 1
                result.events += outcome.events
                result.worker_seconds = [a + b for a, b in zip(result.worker_seconds, outcome.seconds)]
            board.add(outcome)
            if on_progress is not None:
                on_progress(1)
    finally:
        if cases is not None:
            cases.close()
    meta = {"auditor_version": __version__, "engine": engine, "engine_version": engine_version(engine),
            "rulebook": book.meta.name, "rulebook_version": book.version, "inputs_sha256": digest.hexdigest(),
            "title": front.title, "marking": front.marking, "produced": front.produced}
    data = board.to_data(meta)
    if records is not None:
        data["records"] = records.summary()
    if previous is not None:
        data["comparison"] = comparison(data, previous)
        data["trends"] = trends(data, earlier)
    if goals is not None:
        for standard in data["standards"]:
            standard["target"] = goals.standards.get(standard["rule_id"])
            standard["rag"] = rag(standard, goals)
    data["front"] = front_page(data, goals)
    started = perf_counter()
    result.files = _write_pack(out, data, formats)
    result.writing_seconds += perf_counter() - started
    return result


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")


def case_file_name(case_id: str, taken: set[str]) -> str:
    """The file a case's findings go to: its id, where the id is a short, safe file name; otherwise a safe slug
    of it and a digest of the whole id. The id itself is kept, as data, inside the file.

    Ids may be long (a 300-character id is valid and would be refused by the file system) or differ only in
    case (two files on a case-insensitive disk); neither may cost a case.
    """
    name = case_id if _SAFE_NAME.match(case_id) and case_id.casefold() not in taken else ""
    if not name:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", case_id).strip("-.")[:60] or "case"
        name = f"{slug}-{hashlib.sha256(case_id.encode('utf-8')).hexdigest()[:16]}"
    taken.add(name.casefold())
    return f"{name}.json"


def count_inputs(specs: list[str]) -> int:
    return sum(1 for _ in iter_inputs(specs))


def _in_order(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    waiting: dict[int, Outcome] = {}
    expected = 0
    for outcome in outcomes:
        waiting[outcome.index] = outcome
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1


def _previous(folder: Path) -> dict[str, Any]:
    path = folder / "board.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise InputError([Problem(str(path), None, "", "no board.json here: --compare takes a previous batch's --out "
                                  "folder, written with the json format")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError([Problem(str(path), line, "", f"not valid JSON: {getattr(exc, 'msg', exc)}")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    wanted = {"standards": "rule_id", "agencies": "agency"}
    well_formed = isinstance(data, dict) and isinstance(data.get("meta", {}), dict) and all(
        isinstance(data.get(key, []), list) and all(isinstance(row, dict) and isinstance(row.get(name), str)
                                                    for row in data.get(key, [])) for key, name in wanted.items())
    if not well_formed:
        raise InputError([Problem(str(path), None, "", "not a board.json written by auditor batch (expected meta, "
                                  "standards and agencies as the json format writes them)")])
    return data


def _write_pack(out: Path, data: dict[str, Any], formats: tuple[str, ...]) -> list[str]:
    written = []

    def put(name: str, content: str | bytes) -> None:
        write_atomic(out / name, content)
        written.append(name)

    put("errors.csv", errors_csv(data["errors"]))
    if "json" in formats:
        put("board.json", board_json(data))
    if "csv" in formats:
        for name, text in csv_files(data).items():
            put(f"board-csv/{name}", text)
    if "xlsx" in formats:
        from ..board.workbook import board_workbook

        put("board.xlsx", board_workbook(data))
    if "html" in formats:
        from ..board.page import board_html

        put("board.html", board_html(data))
    return written


def progress_bar(specs: list[str] | None) -> Any:
    """Cases done, rate and time left on a terminal; silent when stderr is not one.

    The total needs a first pass over the inputs (JSON-lines files are read twice), so it is
    counted only when the bar will be shown; records (`specs` None) are not counted first.
    """
    from tqdm import tqdm

    shown = sys.stderr.isatty()
    return tqdm(total=count_inputs(specs) if shown and specs is not None else None, unit="case", disable=not shown, file=sys.stderr,
                smoothing=0.1)
