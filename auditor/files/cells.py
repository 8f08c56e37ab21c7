"""Spreadsheet cells that cannot become formulas: a board pack's or a review sheet's cell that comes from
chronology text (a case title, a row of a panel's table) and starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is neutralised with a leading apostrophe, and so is every line inside it, after any line
break, so that nothing a chronology says runs in Excel or LibreOffice."""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LINE_START = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = _LINE_START.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value
