"""Report writers: the same audit result as a terminal table, JSON or Markdown."""

from .render import FORMATS, render

__all__ = ["FORMATS", "render"]
