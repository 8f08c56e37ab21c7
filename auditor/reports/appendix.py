"""Render an appendix as Markdown, HTML or Word from Jinja2 templates an author can override.

Templates live in the package (reports/templates/appendix.*.j2); `--templates DIR`
puts the author's own first in the search path, so one file can be changed and
the rest kept. The Word template renders one JSON object per line (a heading, a
numbered paragraph, a table...) that `docx_writer` lays out with python-docx, so
even the Word wording is a template, not code.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from ..appendix.model import Appendix
from ..errors import InputError, Problem
from .render import environment

APPENDIX_FORMATS = ("md", "html", "docx")


def render_appendix(appendix: Appendix, fmt: str, templates: Path | None = None, exercise: bool = False,
                    reference: bytes | None = None) -> bytes:
    """A broken template of the author's own (--templates) is bad input, named with its file and line.

    The packaged templates failing is our bug, so then the error is left to propagate (exit 1).
    """
    try:
        return _render(appendix, fmt, templates, exercise, reference)
    except TemplateSyntaxError as exc:
        if templates is None:
            raise
        raise InputError([Problem(exc.filename or exc.name or "template", exc.lineno, "", exc.message or str(exc))],
                         "no report was written") from None
    except (TemplateError, ValueError) as exc:
        if templates is None:
            raise
        raise InputError([Problem(str(templates), None, "", f"the {fmt} template failed: {exc}")],
                         "no report was written") from None


def _render(appendix: Appendix, fmt: str, templates: Path | None, exercise: bool = False,
            reference: bytes | None = None) -> bytes:
    """`exercise`: for trainers, the chronology first; in HTML the findings behind a reveal control, in Word a
    printable handout with the debrief on a page of its own (exercise.docx.j2);
    `reference` (Word only): the partnership's own document to build on (docx_writer.write_docx)."""
    env = environment(templates)
    if exercise and fmt not in ("html", "docx"):
        raise ValueError("exercise mode is an HTML page or a Word handout")
    if exercise:
        appendix = appendix.for_exercise()
    if fmt == "md":
        return env.get_template("appendix.md.j2").render(a=appendix).encode("utf-8")
    if fmt == "html":
        return env.get_template("appendix.html.j2").render(a=appendix, exercise=exercise).encode("utf-8")
    if fmt == "docx":
        from .docx_writer import write_docx

        name = "exercise.docx.j2" if exercise else "appendix.docx.j2"
        lines = env.get_template(name).render(a=appendix).split("\n")
        blocks = [json.loads(line) for line in lines if line.strip()]
        return write_docx(blocks, appendix, reference)
    raise ValueError(f"unknown appendix format {fmt!r}; expected one of {', '.join(APPENDIX_FORMATS)}")
