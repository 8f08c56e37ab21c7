"""Safe YAML/JSON loading that remembers the line of every value.

Validation happens on plain Python data (pydantic), but error messages must
name the line in the user's file, so we keep a map from each value's path
(("events", 3, "date")) to its line while loading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

try:  # libyaml's C parser is much faster; the pure-Python one behaves the same.
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text.

    PyYAML would build `datetime.date` itself and raise a bare ValueError on
    2012-02-30 with no line; our models parse dates so the error has a place.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

PathKey = tuple[Any, ...]


@dataclass
class Document:
    """Loaded data plus the line (1-based) of each value, keyed by path."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message)


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _index(node: yaml.Node, data: Any, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        for key_node, value_node in node.value:
            key = key_node.value
            # Keys are constructed as str/int/date; match what the constructor produced.
            for candidate in (key, _maybe_int(key)):
                if candidate in data:
                    lines[path + (candidate,)] = key_node.start_mark.line + 1
                    _index(value_node, data[candidate], path + (candidate,), lines)
                    break
    elif isinstance(node, yaml.SequenceNode) and isinstance(data, list):
        for i, (item_node, item) in enumerate(zip(node.value, data)):
            _index(item_node, item, path + (i,), lines)


def _maybe_int(value: str) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def load_text(text: str, file: str) -> Document:
    """Parse YAML (JSON is read as YAML) with no arbitrary object construction."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(file, None, {})
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(file, line, "", f"not valid YAML/JSON: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"not valid YAML/JSON: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(file, None, "", "nesting too deep")]) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    _index(node, data, (), lines)
    return Document(file, data, lines)


def load_file(path: Path | str) -> Document:
    return load_text(read_source(path)[1], str(path))


def read_source(path: Path | str) -> tuple[bytes, str]:
    """The file's bytes (for hashing) and its text, or an InputError that says why not."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), None, "", "is a folder, expected a file")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), None, "", f"not UTF-8 text (byte {exc.start})")]) from None
    return raw, text
