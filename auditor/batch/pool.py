"""Worker processes that a batch can lose without losing a case: each crash, hang or stop costs one case.

Each worker holds its own rulebook and rule engine (durable-rules in the worker itself: trap 2 allows one
ruleset per process, and a worker is that process) and audits chunks of cases, sending back each case's
outcome as soon as it is done. The parent therefore always knows which case a worker is on and since when:

* a worker that dies (the C core's SIGSEGV, the kernel's OOM killer, someone's `kill -9`) costs the case it
  was on, reported as `engine-crash` with the signal; the rest of its chunk goes to the others, and a fresh
  worker takes its place;
* a worker on one case for longer than the time limit (a runaway input, a SIGSTOPped process) is killed and
  its case reported as `timeout`; the same replacement follows;
* the parent stopping for any reason (Ctrl-C, SIGTERM, an exception) kills every worker on the way out, and
  each worker also asks the kernel to kill it if its parent dies (PR_SET_PDEATHSIG), so none is left behind.

Workers ignore Ctrl-C (the terminal sends it to the whole process group): the parent alone decides.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import signal
import struct
import time
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection, wait
from typing import Any, Iterable, Iterator

from ..limits import Limits, set_limits
from .inputs import CaseInput
from ..board.outcome import Outcome
from .worker import CaseOptions, audit_case, init_worker

CHUNK = 8  # cases a worker is given at a time
DEFAULT_CASE_TIMEOUT = 300.0  # seconds one case may take


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL to this process when its parent dies, however the parent died."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the worker's loop
        pass


def _work(conn: Connection, rules: str | None, engine: str, limits: Limits, options: CaseOptions) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    set_limits(limits)
    init_worker(rules, engine, isolated=False, options=options)
    conn.send(None)  # ready
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for item in chunk:
            conn.send(audit_case(item))


class _Inbox:
    """What one worker has sent, read without ever waiting for the rest of a message.

    A worker stopped (SIGSTOP) or killed while sending an outcome leaves half a message in the pipe;
    `Connection.recv` would then wait for the rest, for ever, and the batch with it (found by the resilience
    test once outcomes got faster). So the parent reads whatever is there, without blocking, and takes only
    whole messages, framed as `Connection.send` frames them (a 4-byte length, or -1 and an 8-byte length).
    """

    def __init__(self, conn: Connection):
        self._fd = conn.fileno()
        self._buffer = bytearray()

    def take(self) -> list[Any]:
        os.set_blocking(self._fd, False)
        try:
            while True:
                try:
                    chunk = os.read(self._fd, 1 << 20)
                except OSError:  # nothing more for now; or the worker's end is gone (its sentinel tells of its death)
                    break
                if not chunk:
                    break
                self._buffer += chunk
        finally:
            try:
                os.set_blocking(self._fd, True)
            except OSError:
                pass
        out = []
        buffer = self._buffer
        while len(buffer) >= 4:
            (size,), start = struct.unpack("!i", buffer[:4]), 4
            if size == -1:
                if len(buffer) < 12:
                    break
                (size,), start = struct.unpack("!Q", buffer[4:12]), 12
            if len(buffer) < start + size:
                break
            out.append(pickle.loads(buffer[start:start + size]))
            del buffer[:start + size]
        return out


@dataclass
class _Worker:
    process: Any
    conn: Connection
    assigned: deque[CaseInput] = field(default_factory=deque)
    since: float = 0.0  # when the case at the head of `assigned` started (the last outcome, or the chunk's dispatch)
    ready: bool = False
    inbox: _Inbox = field(init=False)

    def __post_init__(self) -> None:
        self.inbox = _Inbox(self.conn)


class WorkerPool:
    """`workers` processes auditing `items`; `run` yields one outcome per item, in the order they finish."""

    def __init__(self, workers: int, rules: str | None, engine: str, limits: Limits,
                 case_timeout: float = DEFAULT_CASE_TIMEOUT, chunk: int = CHUNK, options: CaseOptions = CaseOptions()):
        self._size, self._rules, self._engine, self._limits, self._options = workers, rules, engine, limits, options
        self._timeout, self._chunk = case_timeout, chunk
        self._context = mp.get_context("spawn")  # a clean interpreter each, never a fork of a threaded parent
        self._workers: list[_Worker] = []

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_work, args=(child, self._rules, self._engine, self._limits, self._options),
                                        daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def run(self, items: Iterable[CaseInput]) -> Iterator[Outcome]:
        source = iter(items)
        retry: deque[CaseInput] = deque()
        try:
            for _ in range(self._size):
                self._start()
            while True:
                for worker in self._workers:
                    if worker.ready and not worker.assigned:
                        chunk = [retry.popleft() for _ in range(min(len(retry), self._chunk))]
                        chunk += list(islice(source, self._chunk - len(chunk)))
                        if chunk:
                            worker.assigned.extend(chunk)
                            worker.since = time.monotonic()
                            worker.conn.send(chunk)
                if not any(w.assigned for w in self._workers) and not retry:
                    if all(w.ready for w in self._workers):
                        return  # every worker idle and nothing left to give
                yield from self._wait(retry)
        finally:
            self.close()

    def _wait(self, retry: deque[CaseInput]) -> Iterator[Outcome]:
        now = time.monotonic()
        busy = [w for w in self._workers if w.assigned]
        next_limit = min((w.since + self._timeout for w in busy), default=now + self._timeout)
        handles: list[Any] = [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
        ready = wait(handles, timeout=max(0.0, next_limit - now))
        for worker in list(self._workers):
            if worker.conn in ready or worker.process.sentinel in ready:
                yield from self._drain(worker)
            if not worker.process.is_alive():
                yield from self._lost(worker, retry, "engine-crash")
            elif worker.assigned and time.monotonic() - worker.since > self._timeout:
                yield from self._lost(worker, retry, "timeout")

    def _drain(self, worker: _Worker) -> Iterator[Outcome]:
        for message in worker.inbox.take():
            if message is None:
                worker.ready = True
                continue
            worker.assigned.popleft()
            worker.since = time.monotonic()
            yield message

    def _lost(self, worker: _Worker, retry: deque[CaseInput], why: str) -> Iterator[Outcome]:
        """The worker died or overran: its current case is reported, the rest of its chunk goes back in the queue."""
        self._kill(worker)
        self._workers.remove(worker)
        if worker.assigned:
            item = worker.assigned.popleft()
            retry.extendleft(reversed(worker.assigned))
            outcome = Outcome(item.index, item.label, failure=why)
            if why == "timeout":
                outcome.problems = [f"{item.label}: not audited within the time limit of {self._timeout:g} seconds "
                                    "(see --case-timeout); the worker was stopped and the batch went on"]
            else:
                outcome.problems = [f"{item.label}: the worker process auditing this case died "
                                    f"({_how(worker.process.exitcode)}); the rule engine's C core can crash on "
                                    "input it does not expect. The batch went on"]
            yield outcome
        elif not worker.ready:
            code = worker.process.exitcode
            raise RuntimeError(f"a batch worker could not start ({_how(code)})")
        self._start()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=10)
        worker.conn.close()

    def close(self) -> None:
        for worker in self._workers:
            try:
                if worker.process.is_alive() and not worker.assigned:
                    worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._kill(worker)
        self._workers.clear()


def _how(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"killed by signal {-code}, {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
