"""A reviewer's decisions on findings: nothing the auditor flags is final until a person has said so.

`auditor review CASE` writes a decisions file listing every finding, undecided; the
author fills it in and passes it to `auditor report --decisions`. A decision that
names a finding the audit did not make is an error (exit 2), so a stale file
cannot silently attach a decision to the wrong finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..audit.run import AuditResult
from ..errors import InputError
from ..chronology.dates import parse_day
from ..files.reading import load_file
from ..files.validation import validate

DecisionValue = Literal["undecided", "confirmed", "disputed", "not-applicable"]
DECISION_LABELS = {"undecided": "Undecided", "confirmed": "Confirmed", "disputed": "Disputed",
                   "not-applicable": "Not applicable"}


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    finding: str
    decision: DecisionValue = "undecided"
    reason: str = ""
    reviewer_role: str = ""
    date: dt.date | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        return None if value in (None, "") else parse_day(value)

    @property
    def label(self) -> str:
        return DECISION_LABELS[self.decision]


class DecisionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    case: str
    decisions: list[Decision] = Field(default_factory=list)


def decisions_template(result: AuditResult) -> str:
    """Every finding that is not "not applicable", undecided, with what it says, for the author to fill in."""
    lines = [
        f"# Reviewer's decisions for case {result.chronology.case.id}.",
        "# For each finding set `decision` to confirmed, disputed or not-applicable, give the reason,",
        "# your role (never your name) and the date (YYYY-MM-DD). Leave `undecided` where no decision",
        "# has been made. Then: auditor report CASE --decisions THIS-FILE",
        f"case: {result.chronology.case.id}",
        "decisions:",
    ]
    for f in result.findings:
        if f.status == "not-applicable":
            continue
        lines += [f"  # {f.status_label}: {f.title}",
                  f"  - finding: {f.id}",
                  "    decision: undecided",
                  '    reason: ""',
                  '    reviewer_role: ""',
                  "    date:"]
    return "\n".join(lines) + "\n"


def load_decisions(path: Path | str, result: AuditResult, aliases: dict[str, str] | None = None) -> dict[str, Decision]:
    """`aliases`: a rule's former ids (the rulebook's `aliases`), so a decision written before a rule was renamed
    attaches to the finding under its new id."""
    doc = load_file(path)
    data = validate(DecisionsFile, doc)
    problems = []
    known = {f.id for f in result.findings}
    seen: set[str] = set()
    if data.case != result.chronology.case.id:
        problems.append(doc.problem(("case",), f"these decisions are for case {data.case!r}, "
                                    f"not {result.chronology.case.id!r}"))
    decisions = [_renamed(d, known, aliases or {}) for d in data.decisions]
    for i, d in enumerate(decisions):
        if d.finding not in known:
            problems.append(doc.problem(("decisions", i, "finding"), f"no finding {d.finding!r} in this audit; "
                                        "run `auditor review` to list the findings"))
        elif d.finding in seen:
            problems.append(doc.problem(("decisions", i, "finding"), f"a second decision on {d.finding!r}"))
        seen.add(d.finding)
        if d.decision != "undecided" and not d.reason.strip():
            problems.append(doc.problem(("decisions", i, "reason"), "a decision needs its reason"))
    if problems:
        raise InputError(problems, "no report was written")
    return {d.finding: d for d in decisions}


def _renamed(decision: Decision, known: set[str], aliases: dict[str, str]) -> Decision:
    """The decision under its finding's current id, where the id names a rule by a former id."""
    rule_id, at, group = decision.finding.partition("@")
    current = aliases.get(rule_id)
    if decision.finding in known or current is None or current + at + group not in known:
        return decision
    return decision.model_copy(update={"finding": current + at + group})


def dump_decisions(case_id: str, decisions: list[Decision]) -> str:
    """Used by tests and tools that edit decisions programmatically."""
    rows = [d.model_dump(mode="json") for d in decisions]
    return yaml.safe_dump({"case": case_id, "decisions": rows}, sort_keys=False, allow_unicode=True)
