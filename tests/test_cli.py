"""The command line as a user runs it: real processes, exit codes, no tracebacks."""

import hashlib
import re
import json
import subprocess
import sys

import pytest

from .conftest import FOUNDING_CASE


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_audit_founding_case_table_from_any_directory(tmp_path):
    proc = run("audit", str(FOUNDING_CASE), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Possible departure" in out and "Departure" in out and re.search(r"Summary: \d+ departures, \d+ possible departures?", out)
    assert "Police invited to an initial child protection confe" in out
    assert "[not verified]" in out
    assert hashlib.sha256(FOUNDING_CASE.read_bytes()).hexdigest() in out


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_outputs_are_byte_identical_across_runs(tmp_path, fmt):
    a, b = tmp_path / "a", tmp_path / "b"
    for target in (a, b):
        proc = run("audit", str(FOUNDING_CASE), "--format", fmt, "--output", str(target))
        assert proc.returncode == 0, proc.stderr
    assert a.read_bytes() == b.read_bytes()
    assert a.stat().st_size > 1000


def test_json_output_parses_and_names_engine_and_rulebook(tmp_path):
    proc = run("audit", str(FOUNDING_CASE), "--format", "json")
    data = json.loads(proc.stdout)
    assert data["meta"]["engine"] == "durable-rules" and data["meta"]["engine_version"] == "2.0.28"
    assert data["meta"]["input_sha256"] == hashlib.sha256(FOUNDING_CASE.read_bytes()).hexdigest()


def test_bad_chronology_exits_2_with_file_line_field_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FOUNDING_CASE.read_text().replace("type: initial-child-protection-conference",
                                                      "type: initial-child-protection-conferense", 1))
    proc = run("audit", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:" in proc.stderr and "events[" in proc.stderr and ".type" in proc.stderr
    assert "unknown event type 'initial-child-protection-conferense'" in proc.stderr


def test_missing_file_exits_2():
    proc = run("audit", "no-such-case.yaml")
    assert proc.returncode == 2 and "file not found" in proc.stderr


def test_rules_list_and_show():
    listed = run("rules", "list")
    assert listed.returncode == 0 and "icpc-within-15-working-days" in listed.stdout
    shown = run("rules", "show", "icpc-within-15-working-days")
    assert shown.returncode == 0 and "WT 2013" in shown.stdout and "[not verified]" in shown.stdout
    assert "expects: a initial" not in shown.stdout and "within 15 working days of the strategy discussion" in shown.stdout
    unknown = run("rules", "show", "no-such-rule")
    assert unknown.returncode == 2


def test_help_everywhere_has_examples():
    for args in (["--help"], ["audit", "--help"], ["rules", "--help"], ["rules", "check", "--help"], ["rules", "test", "--help"], ["rules", "list", "--help"]):
        proc = run(*args)
        assert proc.returncode == 0
    assert "Examples" in run("audit", "--help").stdout


def test_json_output_is_what_the_standard_library_would_write():
    """The fast encoder must not change a byte: same text as json.dumps(indent=2, ensure_ascii=False)."""
    proc = run("audit", str(FOUNDING_CASE), "--format", "json", "--engine", "reference")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == json.dumps(json.loads(proc.stdout), indent=2, ensure_ascii=False) + "\n"


def test_the_default_table_is_a_summary_with_full_titles_and_ranges_as_ranges():
    proc = run("audit", str(FOUNDING_CASE))
    out = proc.stdout
    statuses = [f["status"] for f in json.loads(run("audit", str(FOUNDING_CASE), "--format", "json").stdout)["findings"]]
    assert proc.returncode == 0 and "…" not in out
    assert f"Departures ({statuses.count('breach')})" in out
    assert f"Possible departures ({statuses.count('possible-breach')})" in out
    assert "Information checked with the health visitor before a social work assessment of young" in out
    assert "01/10/2010-31/10/2010  A children's social care case closed only after consulting" in out
    assert "Not evaluable (" not in out and "Evidence:" not in out  # the detail is behind --all / --status
    assert len(out.splitlines()) < 200


def test_all_and_status_print_findings_in_full_with_one_id_that_explain_accepts():
    everything = run("audit", str(FOUNDING_CASE), "--all").stdout
    data = json.loads(run("audit", str(FOUNDING_CASE), "--format", "json").stdout)
    for f in data["findings"]:
        assert f"id: {f['id']} |" in everything
    met = run("audit", str(FOUNDING_CASE), "--status", "met").stdout
    assert f"In full: met ({[f['status'] for f in data['findings']].count('met')})" in met
    assert "In full: departure" not in met
    finding = next(f["id"] for f in data["findings"] if f["status"] == "possible-breach")
    assert f"id {finding}" in run("audit", str(FOUNDING_CASE)).stdout
    explained = run("explain", str(FOUNDING_CASE), finding)
    assert explained.returncode == 0 and finding in explained.stdout
    wrong = run("audit", str(FOUNDING_CASE), "--format", "json", "--all")
    assert wrong.returncode == 2 and "Usage:" in wrong.stderr
