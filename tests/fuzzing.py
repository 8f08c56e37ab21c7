"""Mutation fuzzing of chronologies and rulebooks: the target behind benchmarks/fuzz.py and the suite's short run.

A mutant is a real chronology (or rule file) changed in one to three places, either in its data (a value
replaced by something hostile, a key dropped, a list repeated, an id or date made strange) or in its text
(bytes flipped, truncated, YAML syntax inserted). Each goes through what a user's input goes through:
loading and validation, the audit on both engines (durable-rules in its child process), and rendering;
a sample also through the `auditor` command. The only acceptable results are an audit, or an InputError
(exit 2) naming the file. Anything else is recorded with the mutant that caused it, for a regression test.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent

HOSTILE: list[Any] = [
    None, True, 0, -1, 2 ** 31, 2 ** 63, -(2 ** 70), 1e308, float("inf"), 0.5, "", " ", "\n", "\r\n", "\x00", "\x7f",
    "\u2028", "\ud83d\ude00", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "../../etc/passwd", "a" * 5000,
    "2012-02-30", "2012-13", "9999-12-31", "0001-01-01", "1899-12-31", "2100-12-31", "2012-06-11T25:00",
    "2012-06-11T10:30", "2012", "E01", "E01\n", "police", "childrens-social-care", "strategy-discussion",
    "domestic-abuse", "not-a-type", [], [None], ["E01", "E01"], ["police", "police"], [[[]]], {}, {"x": 1},
    {"earliest": "2012-06-20", "latest": "2012-06-01"}, {"earliest": "2012-06-01", "latest": "2012-06-20"},
    {"earliest": "2012-06-01"}, {"from": "2012-01-01", "to": "2011-01-01"}, {"for": ["E01", "E01"]},
    {"for": "nowhere"}, {"document": "x", "paras": [1, "a", None]},
]
TEXT_INSERTS = ["&a ", "*a", "!!int ", "!!timestamp ", "%YAML 1.1\n", "\t", ": ", "- ", "{", "}", "[", "]", "'", '"',
                "#", "---\n", "...\n", "? ", "<<: *a\n", "\ufeff", "\x85", "\\u", "\r"]


@dataclass
class Tally:
    audited: int = 0
    refused: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (what, error, mutant text)
    cli_runs: int = 0

    def add_failure(self, what: str, error: str, text: str) -> None:
        self.failures.append((what, error, text))


# -- mutation ----------------------------------------------------------------------------------------------------

def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, here + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, here + (i,))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def mutate_data(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(data) if p]
        if not paths:
            return rng.choice(HOSTILE)
        path = rng.choice(paths)
        parent, key = _get(data, path[:-1]), path[-1]
        move = rng.random()
        if move < 0.55:
            parent[key] = copy.deepcopy(rng.choice(HOSTILE))
        elif move < 0.7 and isinstance(parent, dict):
            del parent[key]
        elif move < 0.8 and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))  # a repeated event, link or list item
        elif move < 0.9:
            value = parent[key]
            parent[key] = [value, value] if not isinstance(value, list) else value * 3
        else:
            parent[key] = copy.deepcopy(_get(data, rng.choice(paths)[:1]) if rng.random() < 0.5 else parent)
    return data


def plausible_change(data: Any, rng: random.Random, vocabulary: Any) -> Any:
    """A change a real chronology could have: another type, agency, date (exact, month, range, time, a bank
    holiday or an edition change), attribute, link or conflicting record. Most such mutants are audited, so
    the engine, the verdicts and the renderers see them, not only the loader."""
    data = copy.deepcopy(data)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not events:
        return data
    ids = [e.get("id") for e in events if isinstance(e, dict)]
    for _ in range(rng.randint(1, 4)):
        event = rng.choice(events)
        if not isinstance(event, dict):
            continue
        move = rng.randrange(8)
        if move == 0:
            event["type"] = rng.choice(sorted(vocabulary.event_type_ids))
        elif move == 1:
            event["agency"] = rng.choice(sorted(vocabulary.agency_ids))
        elif move == 2:
            day = rng.choice(["2010-02-28", "2010-03-01", "2012-06-04", "2012-06-05", "2013-04-14", "2013-04-15",
                              "2012-12-25", "2018-07-04", "2023-12-15"])
            event["date"] = rng.choice([day, day[:7], day + "T23:59", {"earliest": day, "latest": day},
                                        {"earliest": "2012-05-05", "latest": "2012-07-08", "as_written": "summer"}])
        elif move == 3:
            attribute = rng.choice(vocabulary.attributes)
            value: Any = {"bool": rng.random() < 0.5, "integer": rng.randint(0, 30), "text": "x",
                          "enum": rng.choice(attribute.values or ["x"]),
                          "agency": rng.choice(sorted(vocabulary.agency_ids)),
                          "agencies": rng.sample(sorted(vocabulary.agency_ids), 2),
                          "parties": rng.sample(sorted(vocabulary.agency_ids), 2),
                          "concerns": rng.sample(sorted(vocabulary.concern_ids), 2)}.get(attribute.type)
            if value is not None:
                event.setdefault("attrs", {})[attribute.name] = value
        elif move == 4 and ids:
            event.setdefault("links", {})[rng.choice(["for", "follows", "about"])] = rng.sample(ids, min(2, len(ids)))
        elif move == 5 and len(ids) > 1:
            other = rng.choice([i for i in ids if i != event.get("id")])
            event["same_event_as"] = [other]
        elif move == 6:
            events.append(copy.deepcopy(event) | {"id": f"{event.get('id')}x{rng.randrange(1000)}"})
        else:
            events.remove(event)
            for e in events:  # drop references to it, as an editor would
                if isinstance(e, dict):
                    e["links"] = {k: [t for t in (v if isinstance(v, list) else [v]) if t != event.get("id")]
                                  for k, v in (e.get("links") or {}).items()} if isinstance(e.get("links"), dict) else {}
                    if isinstance(e.get("same_event_as"), list):
                        e["same_event_as"] = [t for t in e["same_event_as"] if t != event.get("id")]
            if not events:
                events.append(event)
    return data


def mutate_text(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        move = rng.random()
        if move < 0.4:
            text = text[:at] + rng.choice(TEXT_INSERTS) + text[at:]
        elif move < 0.6:
            text = text[:at] + text[at + rng.randint(1, 40):]
        elif move < 0.75:
            text = text[:at]
        else:
            text = text[:at] + chr(rng.choice([0, 7, 9, 10, 13, 0x85, 0xA0, 0x2028, 0xFEFF, 0xE9, 0x1F600])) + text[at:]
    return text


def seed_chronologies(extra_synthetic: int = 20, seed: int = 1) -> list[dict[str, Any]]:
    from auditor.synth import iter_cases

    seeds = []
    for path in [ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml",
                 *sorted((ROOT / "fixtures" / "training").glob("*.yaml"))]:
        if path.name != "catalogue.yaml":
            seeds.append(json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str)))
    seeds += [json.loads(case.to_json()) for case in iter_cases(extra_synthetic, seed=seed)]
    return seeds


def mutant_chronology(seeds: list[dict[str, Any]], rng: random.Random, vocabulary: Any) -> tuple[str, str]:
    """(text, file name): YAML or JSON, changed plausibly, or mutated in its data or its text."""
    seed = rng.choice(seeds)
    data = plausible_change(seed, rng, vocabulary) if rng.random() < 0.5 else mutate_data(seed, rng)
    as_json = rng.random() < 0.5
    try:
        text = json.dumps(data, ensure_ascii=rng.random() < 0.5) if as_json else \
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (ValueError, TypeError, RecursionError, yaml.YAMLError):
        text = repr(data)
    if rng.random() < 0.3:
        text = mutate_text(text, rng)
    return text, "mutant.json" if as_json else "mutant.yaml"


# -- running -----------------------------------------------------------------------------------------------------

class Target:
    """Load, audit (both engines) and render one mutant; only an audit or an InputError is acceptable."""

    def __init__(self, durable: Any = None) -> None:
        """`durable`: a durable-rules matcher already running in this process (the test suite's one, as a
        process may hold only one ruleset and a child forked from it inherits that); else one in a child."""
        from auditor.engine.isolation import IsolatedEngine
        from auditor.engine.plan import plan_variant
        from auditor.engine.reference import ReferenceEngine
        from auditor.rulebook import load_rulebook

        self.rulebook = load_rulebook(None)
        plans = [plan_variant(v) for v in self.rulebook.variants]
        self.reference = ReferenceEngine(plans)
        self._own = durable is None
        self.durable = IsolatedEngine(plans) if durable is None else durable

    def close(self) -> None:
        if self._own:
            self.durable.close()

    def chronology(self, text: str, name: str, tally: Tally, render: bool = False) -> None:
        from auditor.audit.run import audit
        from auditor.chronology.loader import chronology_from_text
        from auditor.errors import EngineCrash, InputError
        from auditor.reports import render as render_findings

        try:
            chron = chronology_from_text(text, name, self.rulebook.vocabulary)
            first = audit(chron, self.rulebook, self.reference, "fuzz")
            second = audit(chron, self.rulebook, self.durable, "fuzz")
            if [f.model_dump() for f in first.findings] != [f.model_dump() for f in second.findings]:
                tally.add_failure("engines disagree", "", text)
            if render:
                render_findings(first, "json")
                render_findings(first, "table")
                from auditor.appendix.model import build_appendix
                from auditor.reports.appendix import render_appendix

                render_appendix(build_appendix(first, self.rulebook, redact=True, coarsen_dates=True), "md")
            tally.audited += 1
        except InputError as exc:
            if not exc.problems or any(p.file != name for p in exc.problems):
                tally.add_failure("problem without its file", str(exc), text)
            tally.refused += 1
        except EngineCrash as exc:
            tally.add_failure("engine crash", str(exc), text)
        except Exception:
            tally.add_failure("traceback", traceback.format_exc(limit=6), text)


def cli_check(text: str, name: str, folder: Path, tally: Tally) -> None:
    """Through the command, as a user runs it: exit 0 or 2, never 1, never a traceback."""
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    proc = subprocess.run([sys.executable, "-m", "auditor", "audit", str(path)], capture_output=True, text=True,
                          timeout=300)
    tally.cli_runs += 1
    if proc.returncode not in (0, 2) or "Traceback" in proc.stderr or "internal error" in proc.stderr:
        tally.add_failure(f"cli exit {proc.returncode}", proc.stderr[-2000:], text)


def fuzz_chronologies(count: int, seed: int, cli_every: int = 0, render_every: int = 10,
                      on_progress: Callable[[int], None] | None = None, durable: Any = None) -> Tally:
    rng = random.Random(seed)
    seeds = seed_chronologies()
    tally = Tally()
    target = Target(durable)
    folder = Path(tempfile.mkdtemp(prefix="auditor-fuzz-"))
    try:
        for i in range(count):
            text, name = mutant_chronology(seeds, rng, target.rulebook.vocabulary)
            target.chronology(text, name, tally, render=render_every > 0 and i % render_every == 0)
            if cli_every and i % cli_every == 0:
                cli_check(text, name, folder, tally)
            if on_progress is not None:
                on_progress(i + 1)
    finally:
        target.close()
        shutil.rmtree(folder, ignore_errors=True)
    return tally


def fuzz_rulebooks(count: int, seed: int, on_progress: Callable[[int], None] | None = None) -> Tally:
    """Each mutant is the default rulebook with one rule file mutated; it must load and pass `rules check` (the
    ruleset compiles) and run its examples, or be refused as input."""
    from auditor.engine.isolation import compile_problem
    from auditor.engine.plan import plan_variant
    from auditor.engine.reference import ReferenceEngine
    from auditor.errors import InputError
    from auditor.audit.examples import run_all
    from auditor.rulebook import load_rulebook
    from auditor.rulebook.catalogue import coverage_problems

    rng = random.Random(seed)
    source = ROOT / "rules"
    files = sorted(p for p in source.rglob("*.yaml") if p.name not in ("classification.yaml",))
    originals = {p: p.read_text(encoding="utf-8") for p in files}
    parsed = {p: yaml.safe_load(text) for p, text in originals.items()}
    tally = Tally()
    folder = Path(tempfile.mkdtemp(prefix="auditor-fuzz-rules-"))
    try:
        shutil.copytree(source, folder / "rules")
        for i in range(count):
            victim = rng.choice(files)
            target = folder / "rules" / victim.relative_to(source)
            data = json.loads(json.dumps(parsed[victim], default=str))
            text = yaml.safe_dump(mutate_data(data, rng), allow_unicode=True, sort_keys=False) \
                if rng.random() < 0.8 else mutate_text(originals[victim], rng)
            target.write_text(text, encoding="utf-8", errors="surrogatepass")
            try:
                book = load_rulebook(folder / "rules")
                if not coverage_problems(book):
                    plans = [plan_variant(v) for v in book.variants]
                    if rng.random() < 0.1:  # the engine build is a process of its own: a sample
                        problem = compile_problem(plans)
                        if problem:
                            tally.add_failure("loads but does not compile", problem, text)
                    run_all(book, ReferenceEngine(plans))
                tally.audited += 1
            except InputError as exc:
                if not exc.problems:
                    tally.add_failure("problem without detail", str(exc), text)
                tally.refused += 1
            except Exception:
                tally.add_failure("traceback", traceback.format_exc(limit=6), text)
            finally:
                target.write_text(originals[victim], encoding="utf-8")
            if on_progress is not None:
                on_progress(i + 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return tally
