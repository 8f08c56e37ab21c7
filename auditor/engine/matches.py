"""What an engine reports for one scenario: which events matched which rule variant.

Both engines return this same structure; verdicts are computed from it by
auditor.verdicts, so the differential test compares exactly what matching did.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Matches:
    triggers: dict[str, set[str]] = field(default_factory=dict)
    candidates: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    satisfied: set[tuple[str, str]] = field(default_factory=set)
    missing: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add_trigger(self, key: str, event_id: str) -> None:
        self.triggers.setdefault(key, set()).add(event_id)

    def add_candidate(self, key: str, trigger: str, event_id: str) -> None:
        self.candidates.setdefault((key, trigger), set()).add(event_id)

    def add_missing(self, key: str, trigger: str, field_name: str) -> None:
        self.missing.setdefault((key, trigger), set()).add(field_name)

    def canonical(self) -> dict[str, list[list[str]]]:
        """A sorted, plain form for comparing engines and for sending between processes."""
        return {
            "triggers": sorted([k, e] for k, ids in self.triggers.items() for e in ids),
            "candidates": sorted([k, t, e] for (k, t), ids in self.candidates.items() for e in ids),
            "satisfied": sorted([k, t] for k, t in self.satisfied),
            "missing": sorted([k, t, f] for (k, t), fields in self.missing.items() for f in fields),
        }

    @classmethod
    def from_canonical(cls, data: dict[str, list[list[str]]]) -> "Matches":
        out = cls()
        for k, e in data["triggers"]:
            out.add_trigger(k, e)
        for k, t, e in data["candidates"]:
            out.add_candidate(k, t, e)
        out.satisfied = {(k, t) for k, t in data["satisfied"]}
        for k, t, f in data["missing"]:
            out.add_missing(k, t, f)
        return out
