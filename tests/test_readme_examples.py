"""Every `auditor` example in README.md runs and exits 0, in the order the README gives them.

The examples are read from the README itself (the commands table's example column and the shell
blocks), so an example that stops working, or a new one that never did, fails here. They run in a
scratch folder that sees the repository's fixtures and rules, through the installed entry point.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

ENTRY_POINT = Path(sys.executable).parent / "auditor"
# Needs a running Dask scheduler on another machine; the Dask executor has its own test on a LocalCluster.
NEEDS_A_CLUSTER = "--scheduler"


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples: list[str] = []
    in_shell = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_shell = line.strip() in ("```sh", "```bash")
            continue
        if in_shell:
            command = line.split("  #")[0].strip()
            command = command.removeprefix(".venv/bin/")
            if command.startswith("auditor "):
                examples.append(command)
        elif line.startswith("| `auditor "):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            example = re.fullmatch(r"`(auditor [^`]+)`", cells[-1])
            if example:
                examples.append(example.group(1))
    return [e for e in examples if NEEDS_A_CLUSTER not in e]


def test_the_readme_has_examples_for_every_command():
    commands = {e.split()[1] for e in readme_examples()}
    assert {"audit", "report", "review", "batch", "import", "explain", "replay", "what-if", "brief", "synth",
            "rules", "version"} <= commands, commands


def test_every_readme_example_exits_0(tmp_path):
    for name in ("fixtures", "rules"):
        (tmp_path / name).symlink_to(ROOT / name)
    failures = []
    for example in readme_examples():
        args = shlex.split(example)[1:]
        proc = subprocess.run([str(ENTRY_POINT), *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            failures.append(f"{example}\n  exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    assert not failures, "\n".join(failures)
