"""The small reproducers of the hardening review: each was a crash, a blow-up, an injection or silent loss.

Every one must now be a clean result: exit 2 with file, line and field for input at fault, and never a
traceback, exit 1, a hang or a lost case.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from auditor.board.writers import _csv, errors_csv, safe_cell
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.engine.facts import scenario_facts, scenarios
from auditor.engine.reference import ReferenceEngine
from auditor.errors import InputError
from auditor.limits import Limits, parse_limits, set_limits
from auditor.files.reading import load_text

from .conftest import FOUNDING_CASE, RULES

CASE = """\
case: {id: %s, title: t, jurisdiction: england, scoping: {from: 2012-01-01, to: %s}}
events:
  - {id: E10, date: 2012-06-01, agency: childrens-social-care, type: initial-child-protection-conference, source: {document: x}}
  - {id: E11, date: %s, agency: childrens-social-care, type: initial-child-protection-conference, source: {document: x}}
  - {id: E12, date: 2012-06-10, agency: childrens-social-care, type: conference-report, links: {for: [E11, E11, E10, E11]}, source: {document: x}}
"""


def case_data(text: str) -> dict:
    """A chronology as a JSON file holds it (dates as text)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def cli(*args: str, stdin: str | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=timeout,
                          input=stdin)


def refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-800:])
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr[-800:])


# -- security ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Case 7\r=cmd|' /C calc'!A0", "bad\r=3+4.yaml", "a\n+1", "x\r\n@SUM(1)", "=1", "\t=2"])
def test_no_line_of_a_cell_can_start_a_formula_and_line_breaks_stay_inside_their_cell(value):
    text = _csv(["input", "x"], [[value, "y"]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2 and rows[1][1] == "y"  # the line break did not start a row of its own
    for line in rows[1][0].replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        assert not line.startswith(("=", "+", "-", "@", "\t")), line
    assert safe_cell(value) == rows[1][0]


def test_every_csv_the_batch_writes_neutralises_a_hostile_title_area_and_file_name(tmp_path):
    case = case_data(CASE % ("c1", "2012-12-31", "2012-06-11"))
    case["case"]["title"] = "Case 7\r=cmd|' /C calc'!A0"
    case["case"]["area"] = "x\r-2+3"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(case))
    (folder / "bad\r=3+4.yaml").write_text("case: [\n")
    out = tmp_path / "out"
    proc = cli("batch", str(folder), "--out", str(out), "--workers", "0", "--engine", "reference", "--format", "csv")
    assert proc.returncode == 2, proc.stderr
    for path in [out / "errors.csv", *(out / "board-csv").glob("*.csv")]:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            for cell in row:
                for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                    assert not line.startswith(("=", "+", "-", "@")) or line.lstrip("-").replace(".", "").isdigit(), \
                        (path.name, cell)


def test_explain_in_markdown_escapes_the_case_title(tmp_path):
    case = case_data(CASE % ("c1", "2012-12-31", "2012-06-11"))
    case["case"]["title"] = "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    proc = cli("explain", str(path), "icpc-within-15-working-days", "--format", "md", "--engine", "reference")
    assert proc.returncode == 0, proc.stderr
    import re

    assert re.search(r"(?<!\\)<", proc.stdout) is None  # every < escaped, so no tag can form
    assert re.search(r"(?<!\\)\]\(", proc.stdout) is None  # and no link
    assert "\\<img src=x" in proc.stdout


# -- one input never ends a batch --------------------------------------------------------------------------------

def test_a_300_character_id_and_a_non_utf8_line_cost_nothing_but_themselves(tmp_path):
    long_id = "c" * 300
    jsonl = tmp_path / "cases.jsonl"
    good = case_data(CASE % ("ok-1", "2012-12-31", "2012-06-11"))
    long = case_data(CASE % (long_id, "2012-12-31", "2012-06-11"))
    jsonl.write_bytes(json.dumps(good).encode() + b"\n" + b'{"case": "\xff\xfe"}\n' + json.dumps(long).encode() + b"\n")
    out = tmp_path / "out"
    proc = cli("batch", str(jsonl), "--out", str(out), "--workers", "0", "--engine", "reference")
    assert proc.returncode == 2, proc.stderr
    files = sorted(p.name for p in (out / "cases").iterdir())
    assert len(files) == 2 and "ok-1.json" in files and all(len(name) < 100 for name in files)
    assert json.loads((out / "cases" / [f for f in files if f != "ok-1.json"][0]).read_text())["case"]["id"] == long_id
    assert f"{jsonl}:2" in (out / "errors.csv").read_text() and "not UTF-8" in (out / "errors.csv").read_text()
    assert (out / "board.json").exists()


def test_dangling_links_and_pipes_in_a_folder_are_named_in_the_errors_file(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "case.yaml").write_text(CASE % ("c1", "2012-12-31", "2012-06-11"))
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(folder / "pipe.yaml")
    out = tmp_path / "out"
    proc = cli("batch", str(folder), "--out", str(out), "--workers", "0", "--engine", "reference", timeout=60)
    assert proc.returncode == 2, proc.stderr
    errors = (out / "errors.csv").read_text()
    assert "gone.yaml" in errors and "does not exist" in errors and "pipe.yaml" in errors and "not a regular file" in errors


# -- memory and time -------------------------------------------------------------------------------------------

BOMB = "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10) if p else ', '.join(['x'] * 10)}]\n"
               for p, c in zip([""] + list("abcdefgh"), "abcdefghi"))


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    started = time.monotonic()
    refused(cli("audit", str(path)), "YAML aliases", "--limits")
    assert time.monotonic() - started < 30


def test_json_loading_is_linear_in_string_size():
    def seconds(n: int) -> float:
        text = json.dumps({"case": {"title": "a" * n}})
        started = time.perf_counter()
        load_text(text, "x.json")
        return time.perf_counter() - started

    set_limits(Limits(text_chars=50_000_000))
    try:
        small, large = seconds(1_000_000), seconds(8_000_000)
    finally:
        set_limits(Limits())
    assert large < max(0.5, 30 * small)  # quadratic would be 64 times; linear about 8


def test_oversized_inputs_are_refused_with_the_limit_and_how_to_change_it(tmp_path):
    big = tmp_path / "big.json"
    case = case_data(CASE % ("c1", "2012-12-31", "2012-06-11"))
    case["events"][0]["summary"] = "x" * 300_000
    big.write_text(json.dumps(case))
    refused(cli("audit", str(big)), "events[0].summary", "300,000 characters", "see --limits")
    assert cli("--limits", "text=1MB", "audit", str(big), "--engine", "reference").returncode == 0
    refused(cli("--limits", "file=1KB", "audit", str(big)), "at most 1,024 are read")
    refused(cli("--limits", "events=2,text=1MB", "audit", str(big)), "3 events; at most 2")
    assert parse_limits("file=2GB,events=5").file_bytes == 2 * 1024 ** 3
    with pytest.raises(ValueError):
        parse_limits("memory=5")


# -- the engine ----------------------------------------------------------------------------------------------------

def test_repeated_link_targets_are_asserted_once_and_the_engine_does_not_crash(rulebook, tmp_path):
    chron = chronology_from_text(CASE % ("c1", "2012-12-31", "2012-06-11"), "c.yaml", rulebook.vocabulary)
    assert chron.by_id["E12"].links == {"for": ["E11", "E10"]}
    ids = [f["id"] for f in scenario_facts(scenarios(chron)[0], chron, "s")]
    assert len(ids) == len(set(ids))
    path = tmp_path / "case.yaml"
    path.write_text(CASE % ("c1", "2012-12-31", "2012-06-11"))
    proc = cli("audit", str(path))  # durable-rules, in its child process
    assert proc.returncode == 0 and "engine process died" not in proc.stderr, proc.stderr


def test_an_id_ending_in_a_newline_is_refused(rulebook):
    data = case_data(CASE % ("c1", "2012-12-31", "2012-06-11"))
    data["case"]["id"] = "c1\n"
    with pytest.raises(InputError, match="not a valid id"):
        chronology_from_text(json.dumps(data), "c.json", rulebook.vocabulary)


# -- input at fault is exit 2 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    (CASE % ("c1", "9999-12-31", "9999-12-30"), ["case.scoping.to", "1900 to 2100", "events[1].date"]),
    ("a: !!int abc\n", [":1:", "cannot read this int value"]),
    ("a: !!float abc\n", [":1:", "float"]),
    ("a: !!bool maybe\n", [":1:", "bool"]),
    ("a: !!timestamp nope\n", [":1:", "timestamp"]),
    ("a: &x [*x]\n", ["refers to a value that contains it"]),
    ("case: {id: a}\ncase: {id: b}\n", [":2:", "the key 'case' is given twice (first on line 1)"]),
])
def test_hostile_yaml_is_exit_2_with_a_line(tmp_path, text, words):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    refused(cli("audit", str(path)), *words)


def test_valid_json_with_emoji_escapes_and_del_is_accepted(tmp_path, rulebook):
    data = case_data(CASE % ("c1", "2012-12-31", "2012-06-11"))
    data["case"]["title"] = "Mum 😀 said\x7f so"
    text = json.dumps(data)  # ensure_ascii: the emoji as a surrogate pair, DEL raw
    assert "\\ud83d\\ude00" in text
    chron = chronology_from_text(text, "c.json", rulebook.vocabulary)
    assert chron.case.title == "Mum 😀 said\x7f so"


def test_a_non_utf8_file_names_the_line(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(b"case:\n  id: x\n  title: caf\xe9\n")
    refused(cli("audit", str(path)), "case.yaml:3:", "not UTF-8 text (byte 0xe9 at column 13)")


@pytest.mark.parametrize("change, words", [
    (("limit: 15 working-days", "limit: 5000000 working-days"), ["longer than any standard sets"]),
    (("limit: 15 working-days", "limit: 2147483648 hours"), ["longer than any standard sets"]),
])
def test_rules_check_catches_what_would_fail_later(tmp_path, change, words):
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    target = rules / "england" / "child-protection-conferences" / "icpc-within-15-working-days.yaml"
    text = target.read_text()
    assert change[0] in text
    target.write_text(text.replace(change[0], change[1], 1))
    refused(cli("rules", "check", str(rules)), *words)


def test_a_mapping_as_a_condition_value_and_a_bad_example_date_are_refused_by_the_loader(tmp_path):
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    rule = rules / "england" / "zz-hostile.yaml"  # a family file beside the family folders
    rule.write_text(textwrap_rule(eq="{x: 1}", date="2012-06-11"))
    refused(cli("rules", "check", str(rules)), "zz-hostile.yaml", "not a mapping")
    rule.write_text(textwrap_rule(eq="true", date="2012-02-30"))
    refused(cli("rules", "check", str(rules)), "zz-hostile.yaml", "not a real date")
    refused(cli("rules", "test", str(rules)), "not a real date")


def test_an_example_that_repeats_an_event_id_is_refused_by_the_loader(tmp_path):
    """Found by the full fuzz run: `rules check` passed it, then `rules test` crashed (min() of nothing)."""
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    rule = rules / "england" / "zz-hostile.yaml"  # a family file beside the family folders
    text = textwrap_rule(eq="true", date="2012-06-11")
    twice = "events: [{id: d, type: dash-risk-assessment, date: 2012-06-11, agency: police, attrs: {history_checked: true}}]"
    assert twice in text
    rule.write_text(text.replace(twice, twice[:-1] + ", {id: d, type: dash-risk-assessment, date: 2012-06-12, "
                                 "agency: police}]", 1))
    refused(cli("rules", "check", str(rules)), "zz-hostile.yaml", "duplicate event id 'd' in this example")
    refused(cli("rules", "test", str(rules)), "duplicate event id 'd'")


def test_a_condition_comparing_the_type_with_a_list_does_not_break_the_reference_engines_index(rulebook, reference):
    """Found by the full fuzz run: `eq` with a list value (compared whole) crashed the reference engine's index."""
    from auditor.engine.expr import required_values

    assert required_values(("eq", "type", ["a", "b"]), "type") is None
    chron = load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    expr = ("and", [("eq", "kind", "event"), ("eq", "type", ["core-group-meeting", "home-visit"])])
    facts = scenario_facts(scenarios(chron)[0], chron, "h")
    triggered = reference.match(facts, "h").triggers
    plan = next(p for p in reference.plans if p.counterpart is not None and p.key in triggered)
    hostile = dataclasses.replace(plan, key="hostile", counterpart=expr)
    found = ReferenceEngine([hostile]).match(facts, "h")
    assert found.triggers and not found.candidates  # no type equals a list


def textwrap_rule(eq: str, date: str) -> str:
    return f"""\
family: hostile
jurisdiction: england
rules:
  - id: hostile-example
    title: A rule written to test the loader
    severity: should
    jurisdiction: england
    theme: information-sharing
    agency: police
    check:
      template: requires
      trigger: {{type: dash-risk-assessment}}
      expect: {{attr: history_checked, eq: {eq}}}
    editions:
      - label: Test edition
        in_force: {{from: 2009-01-01}}
        cite: [{{document: A test, verified: false, checked: 2026-12-06}}]
    tests:
      - name: breach
        events: [{{id: d, type: dash-risk-assessment, date: {date}, agency: police, attrs: {{history_checked: false}}}}]
        expect: breach
      - name: met
        events: [{{id: d, type: dash-risk-assessment, date: 2012-06-11, agency: police, attrs: {{history_checked: true}}}}]
        expect: met
      - name: boundary
        boundary: true
        events: [{{id: d, type: dash-risk-assessment, date: 2009-01-01, agency: police, attrs: {{history_checked: true}}}}]
        expect: met
"""


def test_output_paths_that_cannot_be_written_are_exit_2(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    refused(cli("batch", str(FOUNDING_CASE), "--out", str(a_file), "--workers", "0"), "--out is a file")
    refused(cli("audit", str(FOUNDING_CASE), "--output", str(tmp_path), "--engine", "reference"), "is a folder")
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "board.json").write_text('{"standards": 3}')
    refused(cli("batch", str(FOUNDING_CASE), "--out", str(tmp_path / "o"), "--workers", "0", "--engine", "reference",
                "--compare", str(previous)), "not a board.json written by auditor batch")


def test_the_errors_file_is_read_back_as_written():
    text = errors_csv([{"input": "a\r=b", "failure": "bad-input", "problems": ["x\n-y", "z"]}])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["a\r'=b", "bad-input", "x\n'-y"] and rows[2][2] == "z"


def test_a_writer_killed_mid_file_leaves_nothing_in_the_folder(tmp_path):
    """A streamed output (an import, a case file) killed with SIGKILL half-way leaves no partial or hidden file."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from auditor.files.writing import atomic_writer\n"
        "with atomic_writer(Path(sys.argv[1]) / 'imported.yaml') as handle:\n"
        "    handle.write('events:\\n' * 200000)\n"
        "    handle.flush()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, timeout=60)
    assert proc.returncode == -9
    assert list(tmp_path.iterdir()) == []


def test_a_batch_folder_writer_steps_past_a_temporary_name_a_killed_run_left(tmp_path):
    """A run killed between naming a finished file and renaming it leaves the hidden name behind; the next run
    must write the file all the same, and leave the stale name for what it is."""
    from auditor.files.writing import FolderWriter

    writer = FolderWriter(tmp_path / "cases")
    stale = [f".a.json.{os.getpid()}.tmp", f".a.json.{os.getpid()}.0.tmp"]  # as a run with this pid would name it
    for name in stale:
        (tmp_path / "cases" / name).write_text("left by a killed run")
    writer.write("a.json", b"complete")
    writer.close()
    assert (tmp_path / "cases" / "a.json").read_bytes() == b"complete"
    assert sorted(p.name for p in (tmp_path / "cases").iterdir()) == sorted(stale) + ["a.json"]
