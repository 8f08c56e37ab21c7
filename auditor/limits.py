"""How large an input the auditor accepts, so that a small hostile file cannot exhaust memory or time.

A real chronology is a few megabytes at most: 10,000 events of a few hundred characters. The
defaults sit well above that and far below what would take a machine down (a 500 MB string aborts
the process inside pydantic-core; a 9 KB YAML alias bomb expands to gigabytes). Every command that
reads input takes `--limits` to change them, e.g. `--limits file=500MB,events=50000`.

The limits are process-wide settings (set once by the command line, and by each batch worker from
its start-up arguments), because they guard every loader in the package alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 64 * 1024 * 1024  # one chronology, rulebook file, decisions file or JSON-lines line
    text_chars: int = 200_000  # one string: a summary, a title
    values: int = 2_000_000  # values in one document once YAML aliases are expanded
    events: int = 20_000  # events in one chronology
    table_rows: int = 1_000_000  # rows in an imported table

    def human(self) -> str:
        def shown(name: str, value: int) -> str:
            return f"{value // 1024 ** 2}MB" if name == "file_bytes" and value % 1024 ** 2 == 0 else str(value)

        return ",".join(f"{_NAMES[f.name]}={shown(f.name, getattr(self, f.name))}" for f in fields(self))


_NAMES = {"file_bytes": "file", "text_chars": "text", "values": "values", "events": "events", "table_rows": "rows"}
_BY_NAME = {v: k for k, v in _NAMES.items()}
_SIZE = re.compile(r"^(\d+)\s*(kb|mb|gb|k|m|g)?$", re.IGNORECASE)
_UNITS = {"k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3}

_current = Limits()


def current() -> Limits:
    return _current


def set_limits(limits: Limits) -> None:
    global _current
    _current = limits


def parse_limits(text: str, base: Limits | None = None) -> Limits:
    """"file=500MB,events=50000" over `base` (default: the defaults); a ValueError says what is wrong."""
    changes: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, value = part.partition("=")
        key = _BY_NAME.get(name.strip().lower())
        match = _SIZE.match(value.strip())
        if key is None or not match:
            raise ValueError(f"{part!r}: expected NAME=NUMBER with NAME one of {', '.join(_BY_NAME)} "
                             "(file sizes may end in KB, MB or GB)")
        number = int(match.group(1)) * _UNITS.get((match.group(2) or "").lower(), 1)
        if number <= 0:
            raise ValueError(f"{part!r}: a limit must be above 0")
        changes[key] = number
    return replace(base or Limits(), **changes)
