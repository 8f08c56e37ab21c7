"""A batch's per-case findings in the compact layout, and the one catalogue of citations they refer to.

An authority's 10,000 cases repeat the same standards and citations 10,000 times: in the full layout
(`render(result, "json")`) about half of each case file is not-applicable findings and citations. The compact
layout keeps everything a case says about itself and refers to what the rulebook says the same way for every
case: the findings that apply, each citing its sources by id (`"cites": ["C12"]`) against
`citations.json`, written once per batch; and the standards that did not apply, as a list of rule ids. A
reader gets back every full finding from these and the rulebook (`expand`), so nothing is lost;
`auditor batch --full` writes the full layout instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic_core import to_json

from ..audit.findings import Finding
from ..audit.prepared import model_key, rulebook_data
from ..audit.run import AuditResult, not_applicable_finding
from ..rulebook import Rulebook
from .render import LIMITS, case_header

LAYOUT = "auditor-case-compact/1"


class CitationIndex:
    """Every citation of a rulebook with a short id (C1, C2 ...), numbered in the rulebook's own order, so the
    same rulebook always gives the same ids. Findings hold the rulebook's own citation objects, found here by
    identity first (they live as long as the rulebook, and this index with them), by value only for a citation
    made elsewhere."""

    def __init__(self, book: Rulebook):
        data = rulebook_data(book)
        # The rulebook's name and version, not the rulebook: the index is kept with it (rulebook_data).
        self.meta = {"rulebook": book.meta.name, "rulebook_version": book.version, "layout": LAYOUT}
        self.ids: dict[Any, str] = {}
        self.catalogue: dict[str, Any] = {}
        self.by_object: dict[int, str] = {}
        for variant in book.variants:
            for key, citation in data.cites[variant.key]:
                if key not in self.ids:
                    self.ids[key] = f"C{len(self.ids) + 1}"
                    self.catalogue[self.ids[key]] = citation.model_dump(mode="json")
                self.by_object[id(citation)] = self.ids[key]

    def id_of(self, citation: Any) -> str:
        return self.by_object.get(id(citation)) or self.ids[model_key(citation)]

    def to_json(self) -> bytes:
        """citations.json: the catalogue, tied to the rulebook that numbered it."""
        return to_json({"meta": self.meta, "citations": self.catalogue}, indent=2) + b"\n"


def citation_index(book: Rulebook) -> CitationIndex:
    """The index of this rulebook object, made once (a worker audits thousands of cases with one rulebook)."""
    return rulebook_data(book).derived("citation-index", lambda: CitationIndex(book))


def compact_json(result: AuditResult, book: Rulebook) -> bytes:
    """One case's findings in the compact layout, on one line."""
    index = citation_index(book)
    findings, not_applicable = [], []
    for f in result.findings:
        if f.status == "not-applicable":
            not_applicable.append(f.rule_id)
            continue
        row = f.model_dump(mode="json", exclude={"citations", "expects"})  # both the rulebook's, the same in every case
        row["cites"] = [index.id_of(c) for c in f.citations]
        findings.append(row)
    data = {
        "layout": LAYOUT,
        **case_header(result),
        "findings": findings,
        "not_applicable": not_applicable,
        "citations": "../citations.json",
        "limits": LIMITS,
    }
    return to_json(data) + b"\n"


def expand(data: dict[str, Any], catalogue: dict[str, Any], book: Rulebook) -> list[dict[str, Any]]:
    """Every finding of a compact case file as the full layout writes it: the applying findings with their
    citations read back from the catalogue, then the standards that did not apply, from the rulebook."""
    fields = list(Finding.model_fields)
    out = []
    for row in data["findings"]:
        full = {**row, "citations": [catalogue[cid] for cid in row["cites"]],
                "expects": book.rules[row["rule_id"]].expects}
        out.append({name: full[name] for name in fields})
    case = data["case"]
    end = date.fromisoformat(case["scoping"]["to"])
    out += [not_applicable_finding(book, rule_id, case["jurisdiction"], case["area"], end).model_dump(mode="json")
            for rule_id in data["not_applicable"]]
    return out
