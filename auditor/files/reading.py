"""Safe YAML/JSON loading that remembers the line of every value.

Validation happens on plain Python data (pydantic), but error messages must
name the line in the user's file, so we keep a map from each value's path
(("events", 3, "date")) to its line. The map is built only when a problem is
reported: a file that loads cleanly never pays for it.

JSON text is read by the json module, with JSON's meaning; the YAML parser runs
on it only if a line is needed. Every document is checked against the input
limits (auditor.limits) once loaded: expanded size, self-reference, long strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem
from ..limits import current

try:  # libyaml's C parser is much faster; the pure-Python one behaves the same.
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text, refuses duplicate keys, and gives every error a line.

    PyYAML would build `datetime.date` itself and raise a bare ValueError on
    2012-02-30 with no line; our models parse dates so the error has a place.
    A repeated key would silently keep the last value: refused, naming both lines.
    A tag whose value cannot be built (`!!int abc`) is reported at its line, not as a crash.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.MarkedYAMLError:
            raise
        except (ValueError, TypeError, LookupError, ArithmeticError, AttributeError) as exc:
            raise yaml.constructor.ConstructorError(None, None, f"cannot read this {node.tag.rsplit(':', 1)[-1]} "
                                                    f"value: {exc}", node.start_mark) from None

    refuse_duplicates = True

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> Any:
        if self.refuse_duplicates and isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the constructor reports it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is given twice (first on line {first}); keep one",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


class _LineLoader(_Loader):
    """For line numbers only, on a same-shaped copy of a JSON text (whose stand-in characters may repeat a key)."""

    refuse_duplicates = False


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


def _index(root: yaml.Node, data: Any, path: PathKey, lines: dict[PathKey, int]) -> None:
    """The line of each value's path; iterative, and never back into a node it is already inside (a cycle)."""
    stack: list[tuple[yaml.Node, Any, PathKey, frozenset[int]]] = [(root, data, path, frozenset())]
    while stack:
        node, value, here, inside = stack.pop()
        lines.setdefault(here, node.start_mark.line + 1)
        if id(node) in inside:
            continue
        inside = inside | {id(node)}
        if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
            for key_node, value_node in node.value:
                key = key_node.value
                # Keys are constructed as str/int/date; match what the constructor produced.
                for candidate in (key, _maybe_int(key)):
                    if isinstance(candidate, (str, int)) and candidate in value:
                        lines[here + (candidate,)] = key_node.start_mark.line + 1
                        stack.append((value_node, value[candidate], here + (candidate,), inside))
                        break
        elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
            for i, (item_node, item) in enumerate(zip(node.value, value)):
                stack.append((item_node, item, here + (i,), inside))


def _maybe_int(value: str) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def load_text(text: str, file: str) -> Document:
    """Parse JSON (as JSON) or YAML, with no arbitrary object construction and within the input limits."""
    data = _json_data(text)
    if data is not _NOT_JSON:
        doc = Document(file, data, index=lambda: _json_lines(text, file))
        # JSON has no aliases, so nothing refers to itself, every value takes at least one character and no
        # string is longer than the text: a text shorter than both limits cannot break either, unwalked.
        limits = current()
        if len(text) <= min(limits.values, limits.text_chars):
            return doc
    else:
        doc = _load_yaml(text, file)
    _check_size(doc)
    return doc


def _load_yaml(text: str, file: str, loader_class: type = _Loader) -> Document:
    try:
        loader = loader_class(text)
    except UnicodeError as exc:  # text from memory, not a file: a lone surrogate
        raise InputError([Problem(file, None, "", f"not valid text: {exc.reason}")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(file, None, {})
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(file, line, "", f"not valid YAML/JSON: {exc.problem or exc}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: give its line, not its offset
        line = text.count("\n", 0, exc.position) + 1
        what = f"character U+{exc.character:04X}" if isinstance(exc.character, int) else f"byte {exc.character!r}"
        raise InputError([Problem(file, line, "", f"not valid YAML/JSON: the {what} is not allowed in YAML "
                                  f"({exc.reason})")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"not valid YAML/JSON: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(file, None, "", "nesting too deep")]) from None
    except UnicodeError as exc:  # text from memory, not a file: a lone surrogate
        raise InputError([Problem(file, None, "", f"not valid text: {exc.reason}")]) from None
    finally:
        loader.dispose()

    def index() -> dict[PathKey, int]:
        lines: dict[PathKey, int] = {}
        _index(node, data, (), lines)
        return lines

    return Document(file, data, index=index)


def _check_size(doc: Document) -> None:
    """Refuse a document that is too big once its aliases are expanded, refers to itself, or has a huge string.

    YAML aliases share one object many times over (a 9 KB "billion laughs" file stands for gigabytes once
    anything walks it), and `a: &x [*x]` is a list that contains itself. Everything downstream (validation,
    line numbers, the engine) walks the data, so the walk here, with a budget, is the one place to stop it.
    """
    limits = current()
    budget = limits.values
    on_path: set[int] = set()
    stack: list[tuple[Any, PathKey, bool]] = [(doc.data, (), False)]
    while stack:
        value, path, leaving = stack.pop()
        if leaving:
            on_path.discard(id(value))
            continue
        budget -= 1
        if budget < 0:
            raise InputError([Problem(doc.file, None, "", f"the document holds more than {limits.values:,} values "
                                      "once its YAML aliases (*name) are expanded; refused (see --limits)")])
        if isinstance(value, str):
            if len(value) > limits.text_chars:
                raise InputError([doc.problem(path, f"a text of {len(value):,} characters; at most "
                                              f"{limits.text_chars:,} are accepted (see --limits)")])
        elif isinstance(value, (dict, list)):
            if id(value) in on_path:
                raise InputError([doc.problem(path, "a YAML alias refers to a value that contains it; refused")])
            on_path.add(id(value))
            stack.append((value, path, True))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((child, path + (key,), False) for key, child in items)


# -- JSON ---------------------------------------------------------------------------------------------
# Text that is JSON is read as JSON (the json module), whatever YAML would make of it: a JSON file's
# meaning is JSON's (surrogate-pair escapes, a raw DEL, 1e5 as a number). YAML's parser is used only for
# line numbers, when a problem is reported. Repeated keys and NaN/Infinity (not JSON) go to the YAML
# path, which refuses the one with its line and reads the other as text.
_JSON_START = re.compile(r"[ \t\r\n]*[{\[]")
_NOT_JSON = object()


class _NotPlainJson(Exception):
    """Repeated keys, or a constant JSON does not have."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _NotPlainJson()
    return data


def _refuse(literal: str) -> Any:
    raise _NotPlainJson(literal)


def _json_data(text: str) -> Any:
    """The data of `text` if it is plain JSON, else `_NOT_JSON`."""
    if not _JSON_START.match(text):
        return _NOT_JSON
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_refuse)
    except (ValueError, _NotPlainJson, RecursionError):
        return _NOT_JSON


# Characters YAML refuses, or counts as line breaks, where JSON allows them inside strings; each is replaced
# by one of the same length before YAML finds the lines, so positions (and so lines) are kept.
_YAML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD]([89a-fA-F])")


def _json_lines(text: str, file: str) -> dict[PathKey, int]:
    """Each value's line in a JSON text, found by YAML on a same-shaped copy; none if YAML cannot read it."""
    safe = _SURROGATE_ESCAPE.sub(r"\\u0\1", text) if "\\u" in text else text
    safe = _YAML_UNSAFE.sub(" ", safe)
    try:
        return _load_yaml(safe, file, _LineLoader).lines
    except InputError:
        return {}


def load_file(path: Path | str) -> Document:
    return load_text(read_source(path)[1], str(path))


def read_source(path: Path | str) -> tuple[bytes, str]:
    """The file's bytes (for hashing) and its text, or an InputError that says why not."""
    path = Path(path)
    limit = current().file_bytes
    try:
        if not path.is_file() and path.exists():
            kind = "a folder" if path.is_dir() else "not a regular file (a pipe, device or socket)"
            raise InputError([Problem(str(path), None, "", f"is {kind}, expected a file")])
        size = path.stat().st_size
        if size > limit:
            raise InputError([Problem(str(path), None, "", f"is {size:,} bytes; at most {limit:,} are read "
                                      "(see --limits)")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), None, "", "is a folder, expected a file")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    return raw, decode(raw, str(path))


def decode(raw: bytes, file: str, first_line: int = 1) -> str:
    """UTF-8 text (a byte-order mark allowed), or an InputError naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + raw.count(b"\n", 0, exc.start)
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(file, line, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                                  f"{column}); save the file as UTF-8")]) from None
