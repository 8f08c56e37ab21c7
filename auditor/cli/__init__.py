"""The `auditor` command line: the Typer app and `main` (`app.py`), and one module per command group.

Nothing outside this package imports it. Importing it registers every command, in the order `--help` lists
them; commands import what they need when they run, so `auditor --help` stays quick."""

from __future__ import annotations

from . import cases, batch, records, rules  # noqa: F401  (their commands register on import, in this order)
from . import brief, explain, imports, replay, synth, whatif
from .app import app, main, register_version

for module in (synth, imports, explain, brief, replay, whatif):
    module.register(app)
register_version(app)

__all__ = ["app", "main"]
