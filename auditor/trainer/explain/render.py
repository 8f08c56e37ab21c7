"""The explanation as text (wrapped for a terminal) or Markdown (escaped)."""

from __future__ import annotations

import textwrap

from ...reports.render import md_escape
from .model import Explanation

# -- rendering -------------------------------------------------------------------------

WIDTH = 100


def render_text(explanation: Explanation) -> str:
    out = _header_lines(explanation)
    for fx in explanation.findings:
        f = fx.finding
        out += [
            "",
            f"Finding {f.id}: {f.status_label} ({f.severity})",
            "=" * min(WIDTH, len(f.id) + 30),
        ]
        for step in fx.steps:
            out += ["", f"{step.number}. {step.title}"]
            for line in step.lines:
                indent = "   " + "  " * line.level
                bullet = "- " if line.level else ""
                out.append(
                    textwrap.fill(
                        line.text,
                        WIDTH,
                        initial_indent=indent + bullet,
                        subsequent_indent=indent + " " * len(bullet),
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
    return "\n".join(out) + "\n"


def render_markdown(explanation: Explanation) -> str:
    head = _header_lines(explanation)
    out = [f"# {_md(head[0])}", ""] + [f"{_md(line)}  " for line in head[1:]]
    for fx in explanation.findings:
        f = fx.finding
        out += ["", f"## Finding `{f.id}`: {f.status_label} ({f.severity})"]
        for step in fx.steps:
            out += ["", f"### {step.number}. {_md(step.title)}", ""]
            previous = 0
            for line in step.lines:
                if line.level == 0:
                    if previous:
                        out.append("")
                    out += [_md(line.text), ""]
                else:
                    out.append("  " * (line.level - 1) + "- " + _md(line.text))
                previous = line.level
            while out and out[-1] == "":
                out.pop()
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text from the chronology or rulebook must not become Markdown or HTML structure."""
    return md_escape(text)


def _header_lines(explanation: Explanation) -> list[str]:
    meta = explanation.meta
    what = (
        f"every finding of rule {explanation.query} ({len(explanation.findings)})"
        if explanation.by_rule
        else f"finding {explanation.query}"
    )
    return [
        f"How the audit reached its verdict: {what}",
        f"Case {explanation.case_id}: {explanation.case_title}; chronology "
        f"{explanation.scoping}",
        f"Rulebook {meta.get('rulebook_version')} | engine {meta.get('engine')} "
        f"{meta.get('engine_version')} | "
        f"auditor {meta.get('auditor_version')}",
        'A chronology records what was written down: "not evidenced in the chronology" '
        "does not mean it did not "
        "happen, and a departure is a prompt for a reviewer, not a finding of fault.",
    ]


def render(explanation: Explanation, fmt: str = "text") -> str:
    return render_markdown(explanation) if fmt == "md" else render_text(explanation)
