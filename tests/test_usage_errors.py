"""Usage mistakes through the installed `auditor` entry point: the usage and the problem, exit 2.

Run through the console script pip installs (not `python -m auditor`, not typer's test runner), because
that is what a user types, and the bundled-click exceptions only escape through `cli.main`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FOUNDING_CASE

ENTRY_POINT = Path(sys.executable).parent / "auditor"
CASE = str(FOUNDING_CASE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    if not ENTRY_POINT.exists():
        pytest.fail(f"{ENTRY_POINT} is missing: install the package (pip install -e '.[test]')", pytrace=False)
    return subprocess.run([str(ENTRY_POINT), *args], capture_output=True, text=True, timeout=120)


# Each command group: a missing argument, an unknown option, a bad choice.
MISTAKES = {
    "audit": [["audit"], ["audit", CASE, "--formt", "json"], ["audit", CASE, "--format", "xml"]],
    "report": [["report"], ["report", CASE, "--bogus"], ["report", CASE, "--format", "pdf"]],
    "check": [["check"], ["check", CASE, "--bogus"], ["check", CASE, "--engine", "drools"]],
    "review": [["review"], ["review", CASE, "--bogus"], ["review", CASE, "--format", "pdf"]],
    "batch": [["batch"], ["batch", CASE, "--bogus"], ["batch", CASE, "--executor", "spark"]],
    "import": [["import"], ["import", "table.csv", "--bogus"], ["import", "table.csv"]],
    "explain": [["explain", CASE], ["explain", CASE, "x", "--bogus"], ["explain", CASE, "x", "--format", "pdf"]],
    "brief": [["brief"], ["brief", CASE, "--bogus"], ["brief", CASE, "--format", "pdf"]],
    "replay": [["replay"], ["replay", CASE, "--bogus"], ["replay", CASE, "--engine", "drools"]],
    "what-if": [["what-if"], ["what-if", CASE, "--bogus"], ["what-if", CASE, "--format", "pdf"]],
    "synth": [["synth", "--seed", "1"], ["synth", "--cases", "1", "--seed", "1", "--bogus"],
              ["synth", "--cases", "1", "--seed", "1", "--format", "xml"]],
    "rules": [["rules", "show"], ["rules", "list", "--bogus"], ["rules", "list", "--severity", "could"]],
    "version": [["version", "--bogus"]],
    "records": [["records"], ["records", "extract", "--format", "ssd", "--bogus"],
                ["records", "extract", "--format", "annex-b"]],
}


@pytest.mark.parametrize("args", [a for group in MISTAKES.values() for a in group], ids=lambda a: " ".join(a[:1] + a[2:] if len(a) > 1 and a[1] == CASE else a))
def test_usage_mistake_shows_usage_and_exits_2(args):
    proc = run(*args)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Usage: auditor" in proc.stderr and "Error:" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_every_command_is_covered():
    from auditor.cli import app

    commands = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert commands <= set(MISTAKES), commands - set(MISTAKES)


@pytest.mark.parametrize("args", [[], ["rules"]])
def test_a_group_with_no_command_shows_help_and_exits_0(args):
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    assert "Usage: auditor" in proc.stdout and "Commands:" in proc.stdout
    assert proc.stderr == ""
