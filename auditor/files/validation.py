"""Turn pydantic's validation errors into `Problem`s that point at the user's file and line."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from .reading import Document

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling against the format documentation)",
}


def problems_from(error: ValidationError, doc: Document, prefix: tuple[Any, ...] = (),
                  tags: frozenset[str] = frozenset()) -> list[Problem]:
    """`tags` are discriminator values pydantic puts in `loc` (a check's template name); they are not fields."""
    out = []
    for item in error.errors(include_url=False):
        loc = prefix + tuple(part for part in item["loc"] if not _is_union_tag(part) and part not in tags)
        message = _MESSAGES.get(item["type"]) or item["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] not in _MESSAGES and item["type"] != "value_error" and "input" in item:
            message += f" (got {_short(item['input'])})"
        out.append(doc.problem(loc, message))
    return out


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the union member's type name to loc ("int", "str", "function-after[...]").
    return isinstance(part, str) and (part in {"int", "str", "bool", "float", "list[...]", "dict[...]"}
                                      or part.startswith(("function-", "list[", "dict[", "literal[")))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(model: type[M], doc: Document, data: Any = None, prefix: tuple[Any, ...] = ()) -> M:
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, doc, prefix)) from None
