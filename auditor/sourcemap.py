"""Safe YAML/JSON loading that remembers the line of every value.

Validation happens on plain Python data (pydantic), but error messages must
name the line in the user's file, so we keep a map from each value's path
(("events", 3, "date")) to its line. The map is built only when a problem is
reported: a file that loads cleanly never pays for it.

JSON is read as YAML, which is slow; text that is plain JSON, where the json
module and our YAML loader are known to agree (see `_json_data`), is parsed
with the json module instead, and the YAML parser runs only if a line is needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
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


class Document:
    """Loaded data plus the line (1-based) of each value, keyed by path.

    `lines` may be given, or computed on first use by `index` (a problem is being reported).
    """

    def __init__(self, file: str, data: Any, lines: dict[PathKey, int] | None = None,
                 index: Callable[[], dict[PathKey, int]] | None = None):
        self.file = file
        self.data = data
        self._lines = lines
        self._index = index

    @property
    def lines(self) -> dict[PathKey, int]:
        if self._lines is None:
            self._lines = self._index() if self._index is not None else {}
            self._index = None
        return self._lines

    @lines.setter
    def lines(self, value: dict[PathKey, int]) -> None:
        self._lines, self._index = value, None

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, data={self.data!r})"

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
    data = _json_data(text)
    if data is not _NOT_JSON:
        return Document(file, data, index=lambda: _load_yaml(text, file).lines)
    return _load_yaml(text, file)


def _load_yaml(text: str, file: str) -> Document:
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

    def index() -> dict[PathKey, int]:
        lines: dict[PathKey, int] = {}
        _index(node, data, (), lines)
        return lines

    return Document(file, data, index=index)


# -- the JSON fast path ----------------------------------------------------------------------------
# Where strict JSON and our YAML loader (libyaml, YAML 1.1, no timestamps) read the same text
# differently, the text goes to YAML as before, so the data (and every message) is unchanged:
#   * characters YAML rejects or treats as line breaks (controls, DEL, NEL, U+2028/9, U+FEFF, U+FFFE/F);
#   * \uD800-\uDFFF escapes (json joins surrogate pairs; libyaml rejects them);
#   * a key whose `:` is on another line or more than 1024 characters on (YAML's simple-key limits);
#   * numbers YAML reads as text (1e5, 1E-3) and NaN/Infinity (not JSON, but accepted by json);
#   * anything json rejects (YAML may still accept it, or will report it with its line).
_JSON_START = re.compile(r"[ \t\r\n]*[{\[]")
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                            "\U00010000-\U0010ffff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# Outside strings a `:` is always a key's; raw line breaks never occur inside JSON strings.
_COLON_ON_LATER_LINE = (re.compile(r"\n[ \t\r\n]*:"), re.compile(r"\r[ \t\r\n]*:"))
_LONG_KEY = 896  # from a key's opening quote to its colon; YAML allows 1024
_BLOCK = 224  # a quote-free stretch of (_LONG_KEY - 2) / 2 = 447 characters holds a whole aligned block
_BLANKS_COLON = re.compile(r"[ \t]*:")
_NOT_JSON = object()


class _Resolver(yaml.resolver.Resolver):
    """How `_Loader` types a plain scalar (the same implicit resolvers: no timestamps)."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


_RESOLVER = _Resolver()


class _Divergent(Exception):
    """A number YAML would read differently."""


@lru_cache(maxsize=4096)
def _yaml_number(literal: str) -> int | float:
    tag = _RESOLVER.resolve(yaml.ScalarNode, literal, (True, False))
    if tag == "tag:yaml.org,2002:int":
        return int(literal)
    if tag == "tag:yaml.org,2002:float":
        return float(literal)
    raise _Divergent(literal)


def _refuse(literal: str) -> Any:
    raise _Divergent(literal)


def _json_data(text: str) -> Any:
    """The data of `text` if it is JSON that our YAML loader reads the same way, else `_NOT_JSON`."""
    if not _JSON_START.match(text):
        return _NOT_JSON
    if text.isascii():
        if "\x7f" in text:  # other controls outside \t \n \r are refused by json itself
            return _NOT_JSON
    elif _NOT_PRINTABLE.search(text):
        return _NOT_JSON
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        return _NOT_JSON
    if _awkward_key(text):
        return _NOT_JSON
    try:
        return json.loads(text, parse_int=_yaml_number, parse_float=_yaml_number, parse_constant=_refuse)
    except (ValueError, _Divergent, RecursionError):
        return _NOT_JSON


def _awkward_key(text: str) -> bool:
    """Could a key break YAML's simple-key rules (`:` on the key's line, at most 1024 characters on)?"""
    if ("\n" in text or "\r" in text) and any(r.search(text) for r in _COLON_ON_LATER_LINE):
        return True
    if "\\" in text:  # same-length stand-ins for escapes, so that every quote left delimits a string
        text = text.replace("\\\\", "__").replace('\\"', "__")
    # A key too long has a quote-free stretch of at least 447 characters (its text or the blanks before
    # its colon), so a whole aligned block without a quote; only around such blocks is there more to check.
    for start in range(0, len(text), _BLOCK):
        if text.find('"', start, start + _BLOCK) != -1:
            continue
        for close in (text.rfind('"', 0, start), text.find('"', start + _BLOCK)):
            colon = _BLANKS_COLON.match(text, close + 1) if close >= 0 else None
            if colon and colon.end() - 1 - text.rfind('"', 0, close) >= _LONG_KEY:
                return True
    return False


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
