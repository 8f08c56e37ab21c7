"""Matching engines behind one interface: durable-rules (in a child process) and the reference evaluator."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..rulebook import Rulebook
from .plan import plan_variant

def engine_version(name: str) -> str:
    if name == "durable":
        from .durable_engine import durable_version

        return durable_version()
    from .. import __version__

    return __version__


@contextmanager
def open_matcher(rulebook: Rulebook, name: str = "durable", isolated: bool = True) -> Iterator[object]:
    """`isolated`: durable-rules in a child process, so a crash of its C core is an EngineCrash, not the end of
    this process. A batch worker runs it in-process instead: the worker is itself the process a crash may take,
    and its parent reports the case."""
    plans = [plan_variant(v) for v in rulebook.variants]
    if name == "reference":
        from .reference import ReferenceEngine

        yield ReferenceEngine(plans)
        return
    if not isolated:
        from .durable_engine import DurableEngine

        yield DurableEngine(plans)
        return
    from .isolation import IsolatedEngine

    with IsolatedEngine(plans) as matcher:
        yield matcher
