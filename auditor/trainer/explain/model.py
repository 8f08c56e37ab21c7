"""What an explanation holds: numbered steps of lines, the arithmetic of a window, each reading's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ...engine.facts import Scenario
from ...engine.matches import Matches
from ...errors import InputError, Problem
from ...audit.findings import Finding
from ...audit.verdicts import Verdict

Moment = date | datetime
_ONE = timedelta(days=1)
SEVERITY_WORDS = {
    "must": "must: a requirement of statutory guidance or procedure",
    "should": "should: practice guidance, or an expectation a review stated",
}


# -- the model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One sentence of a step; `level` > 0 nests it under the sentence before it."""

    text: str
    level: int = 0


@dataclass
class Step:
    number: int
    title: str
    lines: list[Line] = field(default_factory=list)

    def add(self, text: str, level: int = 0) -> None:
        self.lines.append(Line(text, level))


@dataclass(frozen=True)
class Arithmetic:
    """One count from a trigger's day (or moment) to a deadline, or back to an
    "expected by" moment.

    Kept as data, not only as sentences, so a test can hold the printed deadline
    against the finding's own `figures`.
    """

    role: str  # "deadline" or "expected by"
    trigger_id: str
    start: Moment
    span: str  # e.g. "15 working days"
    unit: str
    backwards: bool
    counted: tuple[
        date, ...
    ]  # the working days counted, in order (working-day spans only)
    skipped: tuple[
        tuple[date, str], ...
    ]  # weekends and bank holidays passed over, with their names
    result: Moment


@dataclass
class Reading:
    """One distinct verdict behind a finding: a reading of conflicting records, an
    edition, or both."""

    # e.g. "if the strategy discussion was on 01/05/2012 (Police record E039)"
    label: str
    scenarios: list[int]
    edition: str
    trigger_id: str
    counterpart_id: str | None
    status: str
    kind: str
    outcome: str  # "Departure: later than expected by 11 working days"
    statement: str  # the audit's wording of this verdict
    figures: dict[str, Any]  # the verdict's own figures, as the audit computed them
    recomputed: dict[str, str]  # the same figures recomputed here from auditor.workdays
    arithmetic: list[Arithmetic]
    depends: list[str] = field(
        default_factory=list
    )  # what a possible departure turns on


@dataclass
class FindingExplanation:
    finding: Finding
    readings: list[Reading]
    steps: list[Step]


@dataclass
class Explanation:
    query: str
    case_id: str
    case_title: str
    scoping: str
    meta: dict[str, Any]
    findings: list[FindingExplanation]
    by_rule: (
        bool  # the query named a rule (every finding of it) rather than one finding
    )


class UnknownFinding(InputError):
    """The id names no finding and no rule of this case; `suggestions` are the
    nearest ids."""

    def __init__(self, query: str, case_id: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(suggestions)}?"
            if suggestions
            else "see `auditor audit CASE --format json` for the finding ids and "
            "`auditor rules list` for the rules"
        )
        super().__init__(
            [
                Problem(
                    case_id,
                    None,
                    "finding",
                    f"no finding or rule {query!r} in this case; {hint}",
                )
            ],
            "nothing was explained",
        )


Item = tuple[Scenario, Verdict, Matches]
