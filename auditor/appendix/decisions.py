"""A reviewer's decisions on findings: nothing the auditor flags is final until a person has said so.

`auditor review CASE` writes a decisions file listing every finding, undecided; the
author fills it in and passes it to `auditor report --decisions`. A decision that
names a finding the audit did not make is set aside and listed, never attached to another finding
(`decision_files` reads and writes the files, in YAML, Excel or Word).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..audit.run import AuditResult
from ..chronology.dates import parse_day

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
    # The finding's status when the decision was written (auditor review records it): `--update` says where a
    # finding's status has changed since, so a decision on a departure is not carried silently onto a met.
    status: str = ""

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


def decisions_template(result: AuditResult, decided: dict[str, Decision] | None = None) -> str:
    """Every finding that is not "not applicable", with its status, undecided (or as `decided`), for the author to
    fill in."""
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
        d = (decided or {}).get(f.id)
        lines += [f"  # {f.title}",
                  f"  - finding: {f.id}",
                  f"    status: {f.status_label}",
                  f"    decision: {d.decision if d else 'undecided'}",
                  f"    reason: {_quoted(d.reason if d else '')}",
                  f"    reviewer_role: {_quoted(d.reviewer_role if d else '')}",
                  f"    date: {d.date.isoformat() if d and d.date else ''}".rstrip()]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', width=10_000).strip()


def under_current_id(decision: Decision, known: set[str], aliases: dict[str, str]) -> Decision:
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

