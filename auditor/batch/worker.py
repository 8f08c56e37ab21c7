"""One worker process: its own rulebook and its own rule engine, auditing one case at a time.

Each worker holds exactly one durable-rules ruleset (trap 2: never two in a
process), inside the restartable child of `IsolatedEngine`, so a crash of the C
engine costs one case, never the batch. Everything a worker returns is small
and picklable: the per-case findings file already rendered, and one compact row
per finding for the board pack.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from ..audit.run import AuditResult, audit, sha256_hex
from ..chronology.loader import chronology_from_text
from ..engine import engine_version, open_matcher
from ..errors import EngineCrash, InputError
from ..reports import render
from ..reports.compact import compact_json
from ..rulebook import Rulebook, load_rulebook
from ..files.reading import read_source
from ..board.outcome import Outcome, Row
from .inputs import CaseInput


_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class CaseOptions:
    """How each case of a batch is audited and written, the same in every worker."""

    full: bool = False  # each case's findings in the full layout rather than the compact one (reports.compact)
    learning: bool = True  # include practice learning from other areas' reviews (audit.run.audit)
    standards: tuple[str, ...] = ()  # audit only these rules (what an authority's records can evidence); () all


def init_worker(rules: str | None, engine: str, isolated: bool = True, options: CaseOptions = CaseOptions()) -> None:
    """Load the rulebook and start this process's engine once, not per case (see `open_matcher` for `isolated`)."""
    stack = ExitStack()
    book = load_rulebook(rules)
    if options.standards:
        book = book.only(options.standards)
    _STATE.update(book=book, engine=engine, version=engine_version(engine), options=options,
                  matcher=stack.enter_context(open_matcher(book, engine, isolated)))
    atexit.register(stack.close)


def audit_case(item: CaseInput) -> Outcome:
    if not _STATE:
        raise RuntimeError("init_worker was not called in this process")
    book: Rulebook = _STATE["book"]
    outcome = Outcome(item.index, item.label)
    try:
        if item.problem:
            outcome.failure, outcome.problems = "bad-input", [f"{item.label}: {item.problem}"]
            return outcome
        if item.text is None:
            raw, text = read_source(item.path)
        else:
            raw, text = item.text.encode("utf-8"), item.text
        outcome.input_sha256 = sha256_hex(raw)
        start = perf_counter()
        chron = chronology_from_text(text, item.label, book.vocabulary)
        loaded = perf_counter()
        options: CaseOptions = _STATE["options"]
        result = audit(chron, book, _STATE["matcher"], _STATE["version"], outcome.input_sha256,
                       learning=options.learning)
        audited = perf_counter()
        _summarise(outcome, result, book, options.full)
        outcome.seconds = (loaded - start, audited - loaded, perf_counter() - audited)
        return outcome
    except InputError as exc:
        outcome.failure, outcome.problems = "bad-input", [str(p) for p in exc.problems]
    except EngineCrash as exc:
        outcome.failure, outcome.problems = "engine-crash", [f"{item.label}: {exc}"]
    except Exception as exc:  # one case's failure must not lose the batch
        outcome.failure, outcome.problems = "internal", [f"{item.label}: internal error: {exc!r}"]
    return outcome


def _summarise(outcome: Outcome, result: AuditResult, book: Rulebook, full: bool) -> None:
    chron = result.chronology
    case = chron.case
    outcome.case_id, outcome.title, outcome.area = case.id, case.title, case.area or ""
    outcome.scoping = (case.scoping.start.isoformat(), case.scoping.end.isoformat())
    outcome.events = len(chron.events)
    outcome.agencies = tuple(sorted({e.agency for e in chron.events}))
    outcome.rows = [Row(f.rule_id, f.status, f.agency, f.theme, f.severity,
                        "" if f.status == "not-applicable" else f.trigger_date, bool(f.learning),
                        str(f.figures.get("unrecorded", "")))
                    for f in result.findings]
    outcome.findings_json = render(result, "json").encode("utf-8") if full else compact_json(result, book)
