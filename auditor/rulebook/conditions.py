"""Rule conditions as data: small boolean trees over an event's fields, attributes and case facts.

No `eval`, no Python in YAML: a condition is either a combinator (`all`, `any`)
or a leaf naming one field and one operator. The engines (durable-rules and the
reference evaluator) both interpret this tree; neither executes rule text.

Semantics, shared by both engines (see auditor.engine.expr): a leaf on a field
that is not recorded is false, except `exists: false`, which is true exactly then.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Op = Literal["eq", "ne", "in", "contains", "contains_any", "not_empty", "exists", "gt", "gte", "lt", "lte"]
OPS: tuple[str, ...] = Op.__args__  # type: ignore[attr-defined]
EVENT_FIELDS = frozenset({"type", "agency", "recorded_by"})


class Leaf(BaseModel):
    """One test, e.g. `{attr: concerns, contains: domestic-abuse}` or `{case: domestic_abuse, eq: true}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attr: str | None = None
    case: str | None = None
    field: str | None = None
    op: Op
    value: Any = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a condition is a mapping: {attr|case|field: NAME, OPERATOR: VALUE}, or {all: [...]}, {any: [...]}")
        subjects = [k for k in ("attr", "case", "field") if k in data]
        ops = [k for k in data if k in OPS]
        unknown = set(data) - {"attr", "case", "field", *OPS}
        if unknown:
            raise ValueError(f"unknown condition key(s) {sorted(unknown)}; operators are {', '.join(OPS)}")
        if len(subjects) != 1:
            raise ValueError("a condition names exactly one of attr, case or field")
        if len(ops) != 1:
            raise ValueError(f"a condition has exactly one operator ({', '.join(OPS)})")
        op = ops[0]
        value = data[op]
        if op in ("in", "contains_any") and not isinstance(value, list):
            raise ValueError(f"`{op}` takes a list")
        if op in ("exists", "not_empty") and not isinstance(value, bool):
            raise ValueError(f"`{op}` takes true or false")
        if op == "not_empty" and value is not True:
            raise ValueError("`not_empty` takes true; use `exists: false` or `eq: []` for the opposite")
        if op in ("gt", "gte", "lt", "lte") and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise ValueError(f"`{op}` takes a number")
        items = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, (str, int, float, bool)) for v in items):
            # The engine compares plain values; a mapping here would not compile into durable-rules at all.
            raise ValueError(f"`{op}` takes a text, number, true/false or a list of those, not a mapping")
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) > 2 ** 53 for v in items):
            raise ValueError(f"`{op}`: a number this large cannot be compared exactly")
        subject = subjects[0]
        if not isinstance(data[subject], str):
            raise ValueError(f"`{subject}` takes a name, not {type(data[subject]).__name__}")
        if subject == "field" and data[subject] not in EVENT_FIELDS:
            raise ValueError(f"field must be one of {sorted(EVENT_FIELDS)}")
        return {subject: data[subject], "op": op, "value": value}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """The condition as an author writes it (the published JSON Schema), not as it is held."""
        plain = {"type": ["string", "number", "boolean", "null"]}
        takes = {op: plain for op in OPS} | {
            "in": {"type": "array", "items": plain}, "contains_any": {"type": "array", "items": plain},
            "eq": {"anyOf": [plain, {"type": "array", "items": plain}]},
            "ne": {"anyOf": [plain, {"type": "array", "items": plain}]},
            "exists": {"type": "boolean"}, "not_empty": {"const": True},
            "gt": {"type": "number"}, "gte": {"type": "number"}, "lt": {"type": "number"}, "lte": {"type": "number"}}
        return {
            "title": "Condition",
            "description": "{attr|case|field: NAME, OPERATOR: VALUE}; operators: " + ", ".join(OPS),
            "type": "object",
            "properties": {"attr": {"type": "string"}, "case": {"type": "string"},
                           "field": {"enum": sorted(EVENT_FIELDS)}, **takes},
            "additionalProperties": False,
            "minProperties": 2, "maxProperties": 2,
            "oneOf": [{"required": ["attr"]}, {"required": ["case"]}, {"required": ["field"]}],
        }

    @property
    def key(self) -> str:
        """The name of this field on an engine fact (see auditor.engine.facts)."""
        if self.attr is not None:
            return "a_" + self.attr
        if self.case is not None:
            return "c_" + self.case
        return str(self.field)


class All(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list["Condition"] = Field(min_length=1)


class Any_(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list["Condition"] = Field(min_length=1)


Condition = Union[All, Any_, Leaf]
All.model_rebuild()
Any_.model_rebuild()


def parse_condition(data: Any) -> "Condition":
    """Pick the branch by its key so errors speak of the branch the author meant."""
    if isinstance(data, dict) and "all" in data:
        return All.model_validate(data)
    if isinstance(data, dict) and "any" in data:
        return Any_.model_validate(data)
    return Leaf.model_validate(data)


def leaves(condition: "Condition | None") -> list[Leaf]:
    if condition is None:
        return []
    if isinstance(condition, Leaf):
        return [condition]
    children = condition.all if isinstance(condition, All) else condition.any
    return [leaf for child in children for leaf in leaves(child)]


ACRONYMS = frozenset({"dash", "marac", "gp", "idva", "cps", "edt", "icpc", "rcpc", "mash"})


def label(identifier: str) -> str:
    """An id in words: "dash-risk-assessment" is "DASH risk assessment", as a reader writes it."""
    words = identifier.replace("_", " ").replace("-", " ").split(" ")
    return " ".join(w.upper() if w in ACRONYMS else w for w in words)


def describe(condition: "Condition", names: dict[str, str] | None = None) -> str:
    """The condition in words, for findings and the catalogue; `names` turns ids (agencies) into names."""
    names = names or {}
    if isinstance(condition, All):
        return " and ".join(describe(c, names) for c in condition.all)
    if isinstance(condition, Any_):
        return " or ".join(describe(c, names) for c in condition.any)
    assert isinstance(condition, Leaf)
    name = label(condition.attr or condition.case or condition.field or "")
    op, value = condition.op, condition.value
    if op == "eq" and isinstance(value, bool):
        return f"{name}: {'yes' if value else 'no'}"
    words = {"eq": "is", "ne": "is not", "in": "is one of", "contains": "includes", "contains_any": "includes one of",
             "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
    if op == "exists":
        return f"{name} {'recorded' if value else 'not recorded'}"
    if op == "not_empty":
        return f"{name} recorded (at least one)"
    values = value if isinstance(value, list) else [value]
    shown = ", ".join(names.get(str(v), label(str(v))) for v in values)
    return f"{name} {words[op]} {shown}"
