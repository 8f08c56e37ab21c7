"""Render an audit result. All formats carry the same facts; none adds a timestamp (outputs are reproducible)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from pydantic_core import to_json

from ..audit import AuditResult
from ..appendix.coarsening import MONTHS
from ..findings import STATUS_LABELS, Finding

FORMATS = ("table", "json", "markdown")
_ORDER = ("breach", "possible-breach", "not-evaluable", "met", "not-applicable")
LIMITS = ("A chronology records what was written down, not all that happened: \"not evidenced in the chronology\" "
          "does not mean it did not happen. Findings are made with hindsight and need a person's review before "
          "they are relied on. Citations marked [not verified] have not been checked against the primary text.")


def render(result: AuditResult, fmt: str) -> str:
    return _RENDERERS[fmt](result)


def summary_counts(findings: list[Finding]) -> list[tuple[str, int]]:
    counts = Counter(f.status for f in findings)
    return [(STATUS_LABELS[s], counts[s]) for s in _ORDER if counts[s]]


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    return [(STATUS_LABELS[s], [f for f in findings if f.status == s]) for s in _ORDER
            if any(f.status == s for f in findings)]


def to_data(result: AuditResult) -> dict[str, Any]:
    case = result.chronology.case
    return {
        "meta": result.meta,
        "case": {"id": case.id, "title": case.title, "jurisdiction": case.jurisdiction, "area": case.area,
                 "scoping": {"from": case.scoping.start.isoformat(), "to": case.scoping.end.isoformat()}},
        "readings": result.readings,
        "summary": {s: sum(1 for f in result.findings if f.status == s) for s in _ORDER},
        "findings": [f.model_dump(mode="json") for f in result.findings],
        "limits": LIMITS,
    }


def _json(result: AuditResult) -> str:
    # pydantic-core's encoder writes exactly what json.dumps(indent=2, ensure_ascii=False) writes, about five
    # times faster (the standard library falls back to pure Python when indenting); a batch renders every case.
    return to_json(to_data(result), indent=2).decode("utf-8") + "\n"


def _count(label: str, n: int) -> str:
    plural = n != 1 and label.lower().endswith("departure")
    return f"{n} {label.lower()}{'s' if plural else ''}"


def _wrap(text: str, indent: int, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=" " * indent, subsequent_indent=" " * indent)


def _table(result: AuditResult) -> str:
    meta, case = result.meta, result.chronology.case
    lines = [f"Audit of {case.id}: {case.title}",
             f"Rulebook {meta['rulebook_version']} | engine {meta['engine']} {meta['engine_version']} | "
             f"auditor {meta['auditor_version']}",
             f"Input sha256 {meta['input_sha256']}",
             "Summary: " + ", ".join(_count(label, n) for label, n in summary_counts(result.findings))]
    if len(result.readings) > 1:
        lines.append("Conflicting records, each reading audited: " + "; ".join(result.readings))
    lines.append("")
    shown = [f for f in result.findings if f.status != "not-applicable"]
    header = f"{'#':>3}  {'Status':<18}  {'Sev':<6}  {'Date':<10}  {'Standard':<52}  Evidence"
    lines += [header, "-" * len(header)]
    for n, f in enumerate(shown, 1):
        date = f.evidence[0].date_human[:10] if f.evidence else ""
        title = f.title if len(f.title) <= 52 else f.title[:51] + "…"
        ids = ", ".join(e.event_id for e in f.evidence)
        lines.append(f"{n:>3}  {f.status_label:<18}  {f.severity:<6}  {date:<10}  {title:<52}  {ids}")
    lines.append("")
    for n, f in enumerate(shown, 1):
        lines.append(f"[{n}] {f.status_label} ({f.severity}): {f.title}")
        lines.append(f"    id: {f.id} | edition: {f.edition}{' (local procedure)' if f.local else ''}")
        lines.append(_wrap("Finding: " + f.statement, 4))
        for c in f.citations:
            lines.append(_wrap("Standard: " + c.human() + (f' - "{c.quote}"' if c.quote else ""), 4))
        for e in f.evidence:
            lines.append(_wrap(f"Evidence: {e.event_id} {e.date_human} {e.agency} {e.type.replace('-', ' ')}"
                               f" [{e.source}]: {e.summary}", 4))
        if f.searched:
            lines.append(_wrap("Searched: " + f.searched, 4))
        lines.append("")
    na = [f for f in result.findings if f.status == "not-applicable"]
    if na:
        lines.append("Not applicable: " + ", ".join(f.rule_id for f in na))
        lines.append("")
    lines.append(_wrap(LIMITS, 0))
    return "\n".join(lines) + "\n"


def environment(templates: Path | None = None) -> Environment:
    """The one Jinja2 environment for every report: package templates, an author's folder first if given,
    autoescaping for `*.html.j2` only, and the `md` and `tojson_line` filters."""
    loaders: list[Any] = [PackageLoader("auditor", "reports/templates")]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(str(templates)))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False))
    env.filters["md"] = _md_escape
    env.filters["tojson_line"] = _json_line
    env.filters["dmy"] = _dmy
    return env


def _dmy(day: Any, coarse: bool = False) -> str:
    """A date as people read it: 11/06/2012, or "June 2012" where dates are coarsened to the month."""
    return f"{MONTHS[day.month - 1]} {day.year}" if coarse else f"{day:%d/%m/%Y}"


def _json_line(value: Any) -> str:
    """One JSON object on one line, whatever line separators the chronology's text holds."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085")


def _markdown(result: AuditResult) -> str:
    return environment().get_template("findings.md.j2").render(
        r=result, case=result.chronology.case, counts=summary_counts(result.findings),
        groups=grouped(result.findings), limits=LIMITS)


def _md_escape(text: Any) -> str:
    """Chronology text must not turn into Markdown or HTML structure in a pasted appendix."""
    out = str(text)
    for ch in "\\`*_{}[]<>#|!":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


_RENDERERS: dict[str, Callable[[AuditResult], str]] = {"table": _table, "json": _json, "markdown": _markdown}
