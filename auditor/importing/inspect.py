"""`auditor import --inspect`: what tables a file holds, and a first profile for the one that looks like a chronology.

The proposal is a starting point written for a person to finish: columns are
matched by common headings, and each agency spelling found in the first rows is
matched against the vocabulary's names and abbreviations and the classification
rules' spellings (`agency_mentions`: "WMP", "health visitor"), then against the
nearest of those (difflib: "Helth Visiting" is probably health visiting, and the
proposal says to check it), or left as `null` with a comment asking for the id.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from ..chronology.vocabulary import Vocabulary
from .profile import fold, slug
from ..files.tables import TableInfo, iter_rows, list_tables

# Heading words that suggest each role, most telling first.
HEADINGS: dict[str, tuple[str, ...]] = {
    "date": ("date", "date of contact", "date of event", "when"),
    "time": ("time",),
    "agency": ("agency", "organisation", "organization", "service", "agency/service"),
    "source": ("source", "source document", "imr ref", "reference to source", "record"),
    "text": ("event", "details", "description", "event/contact", "summary", "entry", "contact", "what happened"),
    "action": ("action", "outcome", "action/outcome", "action taken", "outcome/action"),
    "analysis": ("analysis", "comment", "comments", "panel comment", "significance", "analysis/comment"),
    "type": ("event type", "type", "category"),
    "ref": ("ref", "reference", "no", "no.", "entry no", "#"),
    "same_event_as": ("same event as", "same as", "duplicate of"),
}
SAMPLE_ROWS = 200  # rows read for agency spellings


def describe(path: Path, vocabulary: Vocabulary | None = None,
             spellings: dict[str, str] | None = None) -> tuple[list[TableInfo], str]:
    """`spellings`: folded agency spellings a panel uses, with their ids (`known_spellings`)."""
    tables = list_tables(path)
    best = max(tables, key=_score, default=None)
    return tables, "" if best is None else propose(path, best, vocabulary, spellings)


def known_spellings(classification: dict[str, Any]) -> dict[str, str]:
    """The classification rules' `agency_mentions` as folded spellings ("health visitor*" is "health visitor")."""
    out: dict[str, str] = {}
    for agency, written in (classification.get("agency_mentions") or {}).items():
        for spelling in written or []:
            out.setdefault(fold(str(spelling).rstrip("*#")), agency)
    return out


def _score(table: TableInfo) -> int:
    header = _header_row(table)
    return 0 if header is None else len(_match_columns(header.cells))


def _header_row(table: TableInfo) -> Any:
    """The first row among the first few with a heading that reads as a date column."""
    for row in table.first_rows:
        if any(fold(cell) in HEADINGS["date"] for cell in row.cells):
            return row
    return table.first_rows[0] if table.first_rows else None


def _match_columns(header: tuple[str, ...]) -> dict[str, str]:
    """Exact headings first ("Event type" is the type column), then a heading containing a key word
    ("Event / contact" is the text, "Panel analysis" the analysis)."""
    found: dict[str, str] = {}
    for exact in (True, False):
        for role, words in HEADINGS.items():
            if role in found:
                continue
            for cell in header:
                if not cell or cell in found.values():
                    continue
                folded = fold(cell)
                if folded in words or (not exact and set(re.findall(r"[a-z]+", folded)) & set(words)):
                    found[role] = cell
                    break
    return found


def propose(path: Path, table: TableInfo, vocabulary: Vocabulary | None = None,
            aliases: dict[str, str] | None = None) -> str:
    header = _header_row(table)
    columns = _match_columns(header.cells) if header is not None else {}
    spellings: list[str] = []
    if header is not None and "agency" in columns:
        at = header.cells.index(columns["agency"])
        for row in iter_rows(path, table.name if path.suffix.lower() != ".csv" else None):
            if row.number > header.number + SAMPLE_ROWS:
                break
            if row.number > header.number and at < len(row.cells) and row.cells[at] and row.cells[at] not in spellings:
                spellings.append(row.cells[at])
    known = {**(aliases or {}), **(_agency_names(vocabulary) if vocabulary is not None else {})}
    mapped: dict[str, str | None] = {}
    near: list[str] = []
    for spelling in spellings:
        agency = known.get(fold(spelling))
        if agency is None:
            close = difflib.get_close_matches(fold(spelling), list(known), n=1, cutoff=0.8) or _within(spelling, known)
            if close:
                agency = known[close[0]]
                near.append(f"# {spelling!r} is mapped to {agency} as the nearest known spelling ({close[0]!r}): "
                            "check it.")
        mapped[spelling] = agency
    profile: dict[str, Any] = {
        "name": slug(path.stem) or "profile",
        "description": f"Proposed by auditor import --inspect from {path.name}; check every line.",
    }
    if path.suffix.lower() != ".csv":
        profile["table"] = table.name
    profile["header_row"] = header.number if header is not None else 1
    profile["columns"] = {role: columns[role] for role in HEADINGS if role in columns}
    profile["agencies"] = mapped
    profile["case"] = {"id": slug(path.stem) or "import", "jurisdiction": "england",
                       "facts": {"domestic_abuse": True}}
    text = yaml.safe_dump(profile, sort_keys=False, allow_unicode=True, width=100)
    missing = [role for role in ("date", "text", "agency") if role not in columns]
    notes = ["# A proposed import profile. Agencies mapped to null need an agency id from rules/vocabulary.yaml."]
    notes += near
    if missing:
        notes.append(f"# No column was recognised for: {', '.join(missing)}. Name them under columns.")
    notes.append("# case.facts: set what is known of the whole case (domestic_abuse shown as an example).")
    return "\n".join(notes) + "\n" + text


def _within(spelling: str, known: dict[str, str]) -> list[str]:
    """The longest known spelling that is a run of whole words of this one ("BCC CSC" holds "csc")."""
    words = f" {fold(spelling)} "
    inside = [k for k in known if len(k) >= 3 and f" {k} " in words]
    return sorted(inside, key=lambda k: (-len(k), k))[:1]


def _agency_names(vocabulary: Vocabulary) -> dict[str, str]:
    names = {}
    for agency in vocabulary.agencies:
        for written in (agency.id, agency.name, agency.abbr):
            if written:
                names[fold(written)] = agency.id
    return names
