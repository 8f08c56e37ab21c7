"""Where cases are audited: worker processes on this machine, or a Dask cluster for those who outgrow one.

Both yield outcomes as they finish, with a bounded number of cases in flight, so
memory stays flat however many cases the input holds; the runner restores input
order.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

from ..limits import current
from .inputs import CaseInput
from .pool import DEFAULT_CASE_TIMEOUT, WorkerPool, default_workers
from ..board.outcome import Outcome
from .worker import _STATE, CaseOptions, audit_case, init_worker

IN_FLIGHT_PER_WORKER = 8
__all__ = ["default_workers", "run_dask", "run_local"]


def run_local(items: Iterable[CaseInput], workers: int, rules: str | None, engine: str,
              case_timeout: float = DEFAULT_CASE_TIMEOUT, options: CaseOptions = CaseOptions()) -> Iterator[Outcome]:
    """Worker processes (`auditor.batch.pool`): a crash, a hang or a stopped worker costs one case."""
    if workers <= 0:  # in this process: for debugging and small runs (the engine still in its own child)
        init_worker(rules, engine, options=options)
        yield from (audit_case(item) for item in items)
        return
    yield from WorkerPool(workers, rules, engine, current(), case_timeout, options=options).run(items)


def audit_case_anywhere(item: CaseInput, rules: str | None, engine: str, options: CaseOptions = CaseOptions()) -> Outcome:
    """For Dask: the first case a worker process sees starts its engine; later cases reuse it."""
    if not _STATE:
        init_worker(rules, engine, options=options)
    return audit_case(item)


def run_dask(items: Iterable[CaseInput], scheduler: Any, rules: str | None, engine: str,
             options: CaseOptions = CaseOptions()) -> Iterator[Outcome]:
    """`scheduler` is an address ("tcp://host:8786") or a distributed.Client (tests pass a LocalCluster's)."""
    try:
        from distributed import Client, wait as dask_wait
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise SystemExit("the dask executor needs the optional extra: pip install 'auditor[dask]'") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        width = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER

        def submit(item: CaseInput) -> Any:
            return client.submit(audit_case_anywhere, item, rules, engine, options, pure=False)

        def settle(pending: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(done), set(rest)

        yield from _windowed(items, width, submit, settle)
    finally:
        if client is not scheduler:
            client.close()


def _windowed(items: Iterable[CaseInput], width: int, submit: Any, settle: Any) -> Iterator[Outcome]:
    source = iter(items)
    pending = {submit(item) for item in islice(source, width)}
    while pending:
        done, pending = settle(pending)
        for future in done:
            yield future.result()
        pending |= {submit(item) for item in islice(source, len(done))}
