"""Render an audit result. All formats carry the same facts; none adds a timestamp (outputs are reproducible)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from pydantic_core import to_json

from ..audit.run import AuditResult
from ..appendix.coarsening import MONTHS
from ..audit.findings import Finding, counts_phrase
from ..status import DEPARTURES, DISPLAY_ORDER, JUDGED, LABELS, Status
from ..words import count

FORMATS = ("table", "json", "markdown")
LIMITS = ("A chronology records what was written down, not all that happened: \"not evidenced in the chronology\" "
          "does not mean it did not happen. Findings are made with hindsight and need a person's review before "
          "they are relied on. Citations marked [not verified] have not been checked against the primary text.")


# What `--status` accepts: the words a reader sees, and the JSON's own values.
STATUS_WORDS = {**{Status(s).word: s for s in DISPLAY_ORDER}, **{s: s for s in DEPARTURES}}


def render(result: AuditResult, fmt: str, statuses: tuple[str, ...] | None = None) -> str:
    """`statuses` (table only): the statuses to print in full after the summary."""
    if fmt == "table":
        return _table(result, statuses)
    return _RENDERERS[fmt](result)


def summary_counts(findings: list[Finding]) -> list[tuple[str, int]]:
    counts = Counter(f.status for f in findings)
    return [(LABELS[s], counts[s]) for s in DISPLAY_ORDER if counts[s]]


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    return [(LABELS[s], [f for f in findings if f.status == s]) for s in DISPLAY_ORDER
            if any(f.status == s for f in findings)]


def to_data(result: AuditResult) -> dict[str, Any]:
    return {**case_header(result), "findings": [f.model_dump(mode="json") for f in result.findings],
            "limits": LIMITS}


def case_header(result: AuditResult) -> dict[str, Any]:
    """What every JSON layout of a case says before its findings (the full one and the batch's compact one)."""
    case = result.chronology.case
    return {
        "meta": result.meta,
        "case": {"id": case.id, "title": case.title, "jurisdiction": case.jurisdiction, "area": case.area,
                 "scoping": {"from": case.scoping.start.isoformat(), "to": case.scoping.end.isoformat()}},
        "readings": result.readings,
        "summary": {s: sum(1 for f in result.findings if f.status == s) for s in DISPLAY_ORDER},
    }


def _json(result: AuditResult) -> str:
    # pydantic-core's encoder writes exactly what json.dumps(indent=2, ensure_ascii=False) writes, about five
    # times faster (the standard library falls back to pure Python when indenting); a batch renders every case.
    return to_json(to_data(result), indent=2).decode("utf-8") + "\n"


def _wrap(text: str, indent: int, width: int = 100, hang: int = 0) -> str:
    return textwrap.fill(text, width=width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hang),
                         break_on_hyphens=False)


def _table(result: AuditResult, statuses: tuple[str, ...] | None = None) -> str:
    """The terminal view: the counts, then each departure and possible departure in a line or two, then, for the
    statuses asked for (`--status`, or all with `--all`), every finding in full. Findings are referred to by id,
    the same id the appendix prints and `auditor explain` takes."""
    meta, case = result.meta, result.chronology.case
    standards = [f for f in result.findings if not f.learning]
    lessons = [f for f in result.findings if f.learning]
    lines = [_wrap(f"Audit of {case.id}: {case.title}", 0, hang=4),
             f"Rulebook {meta['rulebook_version']} | engine {meta['engine']} {meta['engine_version']} | "
             f"auditor {meta['auditor_version']}",
             f"Input sha256 {meta['input_sha256']}",
             "Summary: " + counts_phrase(Counter(f.status for f in standards), DISPLAY_ORDER)]
    judged = [f for f in lessons if f.status != "not-applicable"]
    if judged:
        lines.append(_wrap(f"Practice learning from {_reviews(lessons)} (not standards in this case's area; "
                           "--no-learning leaves it out): " + counts_phrase(Counter(f.status for f in judged),
                                                                          DISPLAY_ORDER), 0, hang=4))
    elif meta.get("learning") == "left out":
        lines.append("Practice learning from reviews of other areas: left out (--no-learning)")
    if result.readings:
        lines.append(_wrap("Conflicting records (each finding judged on each record it reads): "
                           + "; ".join(result.readings), 0, hang=4))
    for heading, group in (("", standards), (f"Practice learning from {_reviews(lessons)}: ", lessons)):
        for status in DEPARTURES:
            chosen = [f for f in group if f.status == status]
            if not chosen:
                continue
            lines += ["", f"{heading}{LABELS[status].lower() if heading else LABELS[status]}s ({len(chosen)})"]
            for f in chosen:
                lines.append(_wrap(f"{f.when}  {f.title} ({f.severity})", 2, hang=4))
                entries = ", ".join(dict.fromkeys(e.event_id for e in f.evidence))
                lines.append(_wrap(f"entries {entries}; id {f.id}", 4, hang=2))
    if statuses:
        for status in DISPLAY_ORDER:
            chosen = [f for f in result.findings if f.status == status and status in statuses]
            if chosen:
                lines += ["", f"In full: {LABELS[status].lower()} ({len(chosen)})", ""]
                lines += [line for f in chosen for line in _detail(f)]
    else:
        rest = counts_phrase(Counter(f.status for f in result.findings), ("not-evaluable", "met", "not-applicable"))
        lines += ["", _wrap("Every finding in full: --all" + (f" ({rest} included)" if rest else "")
                            + "; or --status departure,met and so on. How a verdict was reached: "
                            "auditor explain CASE ID.", 0)]
    lines += ["", _wrap(LIMITS, 0)]
    return "\n".join(lines) + "\n"


def _reviews(findings: list[Finding]) -> str:
    return " and ".join(dict.fromkeys(f.learning for f in findings)) or "other reviews"


def _detail(f: Finding) -> list[str]:
    kind = f" (practice learning from {f.learning}, not a standard in this area)" if f.learning else ""
    lines = [_wrap(f"{f.status_label}{kind} ({f.severity}): {f.title}", 0, hang=4),
             _wrap(f"id: {f.id} | edition: {f.edition}{' (local procedure)' if f.local else ''}", 4, hang=4),
             _wrap("Finding: " + f.statement, 4, hang=4)]
    if f.expects:
        lines.insert(2, _wrap("Expects: " + f.expects, 4, hang=4))
    for a in f.depends_on:
        lines.append(_wrap(f"{a.reading[:1].upper()}{a.reading[1:]}: {LABELS[a.status].lower()}. "
                           f"{a.statement}", 6, hang=4))
    for c in f.citations:
        lines.append(_wrap("Standard: " + c.human() + (f' - "{c.quote}"' if c.quote else ""), 4, hang=4))
    for e in f.evidence:
        lines.append(_wrap(f"Evidence: {e.event_id} {e.date_human} {e.agency} {e.type.replace('-', ' ')}"
                           f" [{e.source}]: {e.summary}", 4, hang=4))
    if f.searched:
        lines.append(_wrap("Searched: " + f.searched, 4, hang=4))
    return lines + [""]


def environment(templates: Path | None = None) -> Environment:
    """The one Jinja2 environment for every report: package templates, an author's folder first if given,
    autoescaping for `*.html.j2` only, and the `md` and `tojson_line` filters."""
    loaders: list[Any] = [PackageLoader("auditor", "reports/templates")]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(str(templates)))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False))
    env.filters["md"] = md_escape
    env.filters["tojson_line"] = _json_line
    env.filters["dmy"] = _dmy
    env.filters["count"] = count
    env.globals["JUDGED"] = JUDGED  # the statuses a finding can be judged, in display order
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


def md_escape(text: Any) -> str:
    """Chronology text must not turn into Markdown or HTML structure in a pasted appendix."""
    out = str(text)
    for ch in "\\`*_{}[]<>#|!":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


_RENDERERS: dict[str, Callable[[AuditResult], str]] = {"table": _table, "json": _json, "markdown": _markdown}
