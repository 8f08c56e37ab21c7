"""What every table reader shares: the `Row` it yields, the limits on a cell and a row, and the
`InputError` naming the file (and the table, row and column where it can)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError, Problem

# Limits. A chronology cell is a paragraph or a few, never a book: anything longer is damage or a
# paste gone wrong, and refusing it keeps memory bounded whatever the file holds.
MAX_CELL_CHARS = 100_000  # characters in one cell
MAX_ROW_CHARS = 1_000_000  # characters in one row (and in one line of a CSV)


@dataclass(frozen=True)
class Row:
    number: int
    cells: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what a reader of the import report must know about the row (Excel formulas)

    def is_blank(self) -> bool:
        return not any(self.cells)


def _problem(path: Path, field: str, message: str, line: int | None = None) -> InputError:
    return InputError([Problem(str(path), line, field, message)], consequence="nothing was imported")


def _too_long() -> str:
    return (f"the cell holds more than {MAX_CELL_CHARS:,} characters, more than a chronology entry can: "
            "it is damaged or a whole document pasted in; shorten it or split it over rows and import again")


def _clean(text: str) -> str:
    """Cell text with non-breaking spaces and Windows line ends normalised, and the ends trimmed."""
    return text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
