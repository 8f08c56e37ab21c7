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
def open_matcher(rulebook: Rulebook, name: str = "durable") -> Iterator[object]:
    plans = [plan_variant(v) for v in rulebook.variants]
    if name == "reference":
        from .reference import ReferenceEngine

        yield ReferenceEngine(plans)
        return
    from .isolation import IsolatedEngine

    with IsolatedEngine(plans) as matcher:
        yield matcher
