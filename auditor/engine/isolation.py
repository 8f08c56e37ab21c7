"""Run durable-rules in a child process, so a crash in its C core costs one case, not the run.

The parent never imports the engine's C state; the child builds the one ruleset
it is allowed (one per process) and answers match requests over a pipe. If the
child dies, the parent reports the case it was working on as an `EngineCrash`
and starts a fresh child for the next case.

A request is the scenario's JSON text for the C core (`wire.wire_facts`, made in the
parent) after a line with the session id; the child passes the text on as it is, and
answers with the `Matches`. An empty request stops the child.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from multiprocessing.connection import Connection
from typing import Any

from ..errors import EngineCrash
from .matches import Matches
from .plan import Plan
from .wire import wanted_values, wire_facts


def _serve(conn: Connection, plans: list[Plan]) -> None:
    from .durable_engine import DurableEngine

    try:
        engine = DurableEngine(plans)
    except Exception as exc:  # the ruleset does not compile: say why, rather than die with a traceback
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        request = conn.recv_bytes()
        if not request:
            return
        head, _, text = request.partition(b"\n")
        sid = json.loads(head)
        try:
            conn.send(("ok", engine.match_wire(text.decode("utf-8"), sid)))
        except Exception as exc:  # an action error: report it, keep serving
            conn.send(("error", repr(exc)))


def compile_problem(plans: list[Plan]) -> str | None:
    """Why durable-rules cannot build a ruleset from `plans` (in a child process, as a crash is possible), or None."""
    engine = IsolatedEngine(plans)
    try:
        engine._start()
    except (RuntimeError, EngineCrash) as exc:
        return str(exc)
    finally:
        engine.close()
    return None


class IsolatedEngine:
    """durable-rules in a restartable child process, with the same `match` as the in-process engines."""

    name = "durable-rules"

    def __init__(self, plans: list[Plan]):
        self._plans = plans
        self._types, self._rels = wanted_values(plans)
        self._context = mp.get_context("fork")
        self._process: Any = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child, self._plans), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        self._receive("starting the engine")

    def _receive(self, what: str) -> Any:
        assert self._conn is not None
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            code = self._stop()
            raise EngineCrash(f"the rule engine process died while {what} (exit code {code})") from None
        if kind == "error":
            raise RuntimeError(f"rule engine error while {what}: {payload}")
        return payload

    def match(self, facts: list[dict[str, Any]], sid: str) -> Matches:
        text = wire_facts(facts, sid, self._types, self._rels)
        if text is None:  # no fact any rule can match: the engine would assert nothing
            return Matches()
        if self._process is None or not self._process.is_alive():
            self._start()
        assert self._conn is not None
        try:
            self._conn.send_bytes(json.dumps(sid).encode("utf-8") + b"\n" + text.encode("utf-8"))
        except (BrokenPipeError, OSError):
            code = self._stop()
            raise EngineCrash(f"the rule engine process died before matching {sid} (exit code {code})") from None
        matches: Matches = self._receive(f"matching {sid}")
        return matches

    def _stop(self) -> int | None:
        if self._process is None:
            return None
        self._process.join(timeout=5)
        code = self._process.exitcode
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None
        return code

    def close(self) -> None:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            try:
                self._conn.send_bytes(b"")
            except OSError:
                pass
        self._stop()

    def __enter__(self) -> "IsolatedEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
