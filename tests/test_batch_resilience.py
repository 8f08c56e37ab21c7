"""A batch survives its workers: a crash, a kill, a stop or a signal to the whole run never loses other cases.

Each test runs `auditor batch` as a user would, in its own process, and then checks that every case is
either written or named in errors.csv, that no process of the run is left, and that no temporary file
remains. A real SIGSEGV is raised inside one worker (through a sitecustomize hook the test puts on the
workers' path, so the production code carries no test switch).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .conftest import FOUNDING_CASE

CASES = 300  # enough that a run is still going when a test stops or kills its workers

CRASH_HOOK = '''
import importlib.abc, importlib.machinery, os, sys

TARGET = os.environ.get("AUDITOR_TEST_CRASH_ON")


class _Finder(importlib.abc.MetaPathFinder):
    """When a batch worker imports auditor.batch.worker, make its audit_case segfault on one case."""

    def find_spec(self, name, path, target=None):
        if name != "auditor.batch.worker":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            original = module.audit_case

            def audit_case(item):
                if item.text is not None and TARGET in item.text and "multiprocessing" in sys.modules:
                    import faulthandler
                    faulthandler._sigsegv()
                return original(item)

            module.audit_case = audit_case

        spec.loader.exec_module = exec_module
        return spec


if TARGET:
    sys.meta_path.insert(0, _Finder())
'''


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    data = json.loads(json.dumps(yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8")), default=str))
    path = tmp_path_factory.mktemp("in") / "many.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(CASES):
            data["case"]["id"] = f"case-{i:04d}"
            handle.write(json.dumps(data) + "\n")
    return path


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "auditor", "batch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                            start_new_session=True)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def workers_of(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                found.append(child)
        except OSError:
            continue
    return found


def wait_for_cases(out: Path, proc: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while not (out / "cases").exists() or len(list((out / "cases").iterdir())) < at_least:
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)


def accounted(out: Path) -> tuple[set[str], dict[str, str]]:
    written = {json.loads(p.read_text())["case"]["id"] for p in (out / "cases").iterdir()}
    with (out / "errors.csv").open(newline="") as handle:
        failed = {row["input"]: row["failure"] for row in csv.DictReader(handle)}
    return written, failed


def no_leftovers(out: Path, session: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        alive = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True).stdout.split()
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert alive == [], f"processes of the run still alive: {alive}"
    assert [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"] == []


def test_a_segfault_in_a_worker_costs_exactly_that_case(many, tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(CRASH_HOOK)
    out = tmp_path / "out"
    env = {"PYTHONPATH": f"{hook}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "AUDITOR_TEST_CRASH_ON": '"case-0037"'}
    proc = start([str(many), "--out", str(out), "--workers", "2"], env)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr  # a case was lost to the engine
    written, failed = accounted(out)
    assert failed == {f"{many}:38": "engine-crash"}
    assert written == {f"case-{i:04d}" for i in range(CASES)} - {"case-0037"}
    assert "SIGSEGV" in (out / "errors.csv").read_text()
    no_leftovers(out, proc.pid)


def test_a_killed_worker_and_a_stopped_worker_cost_one_case_each(many, tmp_path):
    out = tmp_path / "out"
    # A generous limit: on a busy machine a healthy case must not time out.
    proc = start([str(many), "--out", str(out), "--workers", "2", "--case-timeout", "10"])
    wait_for_cases(out, proc, 10)
    workers = workers_of(proc.pid)
    assert len(workers) >= 2, proc.communicate()
    first, second = workers[:2]
    os.kill(first, signal.SIGKILL)
    os.kill(second, signal.SIGSTOP)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    assert (out / "errors.csv").exists(), stderr
    written, failed = accounted(out)
    assert sorted(failed.values()) == ["engine-crash", "timeout"]
    assert len(written) == CASES - 2
    assert "SIGKILL" in (out / "errors.csv").read_text() and "time limit of 10 seconds" in (out / "errors.csv").read_text()
    no_leftovers(out, proc.pid)


@pytest.mark.parametrize("how, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_or_ctrl_c_stops_every_process_and_leaves_no_partial_file(many, tmp_path, how, code):
    out = tmp_path / "out"
    proc = start([str(many), "--out", str(out), "--workers", "2"])
    wait_for_cases(out, proc, 5)
    os.killpg(proc.pid, how) if how == signal.SIGINT else proc.send_signal(how)  # Ctrl-C reaches the whole group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "nothing was left half-written" in stderr
    no_leftovers(out, proc.pid)
    for written in (out / "cases").iterdir():
        assert json.loads(written.read_text())["case"]["id"] == written.stem
    assert not (out / "board.json").exists()


def test_half_a_message_from_a_worker_never_blocks_the_parent():
    """A worker stopped or killed mid-send leaves half an outcome in the pipe; reading must not wait for the rest."""
    import multiprocessing as mp
    import pickle
    import struct

    from auditor.batch.pool import _Inbox

    parent, child = mp.Pipe()
    inbox = _Inbox(parent)
    outcome = {"outcome": "x" * 200_000}  # larger than a pipe's buffer
    payload = pickle.dumps(outcome)
    frame = struct.pack("!i", len(payload)) + payload
    raw = child.fileno()
    os.write(raw, frame[:1000])
    started = time.monotonic()
    assert inbox.take() == [] and time.monotonic() - started < 1  # half a message: nothing yet, and no wait
    received = []
    rest = memoryview(frame[1000:])
    while rest:  # the rest arrives in pieces, read as it comes
        rest = rest[os.write(raw, rest[:30_000]):]
        received += inbox.take()
    child.send(None)
    received += inbox.take()
    assert received == [outcome, None]
