"""One case's audit as the board pack reads it: what a batch worker sends back for each case.

The batch runs the audits and the board counts them, so both use this record; it lives with the board,
which the batch writes to, and needs nothing from either."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Row(NamedTuple):
    """One finding, as the board pack counts it (a named tuple: a case sends about 60 of them to the main
    process, and a tuple pickles in half the time of a frozen dataclass)."""

    rule_id: str
    status: str
    agency: str
    theme: str
    severity: str
    date: str  # ISO day of the event that engaged the standard; "" for not applicable
    learning: bool = False  # practice learning from another area's review (Finding.learning), not a standard
    unrecorded: str = ""  # not evaluable because the record lacks this date (Finding.figures["unrecorded"])


@dataclass
class Outcome:
    index: int
    label: str
    case_id: str = ""
    title: str = ""
    area: str = ""
    scoping: tuple[str, str] = ("", "")
    events: int = 0
    agencies: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    findings_json: bytes = b""
    input_sha256: str = ""
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)  # loading, auditing, rendering: for the benchmark
    failure: str = ""  # "", "bad-input", "engine-crash", "timeout" or "internal"
    file: str = ""  # the case's findings file under the batch's cases/ folder, set when it is written
    problems: list[str] = field(default_factory=list)
