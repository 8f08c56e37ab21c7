"""Input problems, reported all at once with file, line and field.

A user fixing a chronology wants every problem in one pass, not one per run, so
loaders collect `Problem`s and raise a single `InputError` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field or '(file)'}: {self.message}"


class InputError(Exception):
    """Bad input: the CLI prints each problem and exits with code 2."""

    def __init__(self, problems: list[Problem], consequence: str = "nothing was audited"):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field, p.message))
        self.consequence = consequence
        super().__init__("\n".join(str(p) for p in self.problems))


class EngineCrash(Exception):
    """The rule engine's process died (the C core can segfault): one case lost, not the run."""
