"""What an engine reports for one scenario: which events matched which rule variant.

Both engines return this same structure; verdicts are computed from it by
auditor.audit.verdicts, so the differential test compares exactly what matching did.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Matches:
    triggers: dict[str, set[str]] = field(default_factory=dict)
    candidates: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    satisfied: set[tuple[str, str]] = field(default_factory=set)
    missing: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # Related entries (linked to the trigger, or to what it is linked to) that meet the expectation, or that
    # record everything it reads without meeting it: evidence on another entry of the same matter.
    satisfied_by: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    recorded_by: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    released: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # entries that may release the trigger

    def add_trigger(self, key: str, event_id: str) -> None:
        self.triggers.setdefault(key, set()).add(event_id)

    def add_candidate(self, key: str, trigger: str, event_id: str) -> None:
        self.candidates.setdefault((key, trigger), set()).add(event_id)

    def add_missing(self, key: str, trigger: str, field_name: str) -> None:
        self.missing.setdefault((key, trigger), set()).add(field_name)

    def keep_related(self) -> "Matches":
        """Related entries are matched about any entry; keep those about a trigger of the rule."""
        for found in (self.satisfied_by, self.recorded_by):
            for key, trigger in list(found):
                if trigger not in self.triggers.get(key, ()):
                    del found[(key, trigger)]
        return self

    def add_release(self, key: str, trigger: str, event_id: str) -> None:
        self.released.setdefault((key, trigger), set()).add(event_id)

    def add_related(self, kind: str, key: str, trigger: str, event_id: str) -> None:
        (self.satisfied_by if kind == "satisfied" else self.recorded_by).setdefault((key, trigger), set()).add(event_id)

    def canonical(self) -> dict[str, list[list[str]]]:
        """A sorted, plain form for comparing engines and for sending between processes."""
        return {
            "triggers": sorted([k, e] for k, ids in self.triggers.items() for e in ids),
            "candidates": sorted([k, t, e] for (k, t), ids in self.candidates.items() for e in ids),
            "satisfied": sorted([k, t] for k, t in self.satisfied),
            "missing": sorted([k, t, f] for (k, t), fields in self.missing.items() for f in fields),
            "satisfied_by": sorted([k, t, e] for (k, t), ids in self.satisfied_by.items() for e in ids),
            "recorded_by": sorted([k, t, e] for (k, t), ids in self.recorded_by.items() for e in ids),
            "released": sorted([k, t, e] for (k, t), ids in self.released.items() for e in ids),
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
        for k, t, e in data.get("satisfied_by", []):
            out.add_related("satisfied", k, t, e)
        for k, t, e in data.get("recorded_by", []):
            out.add_related("recorded", k, t, e)
        for k, t, e in data.get("released", []):
            out.add_release(k, t, e)
        return out
