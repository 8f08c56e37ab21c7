"""JSON Schemas for rule files, exported from the pydantic models, so an editor can check a rule as it is written.

Published in docs/schema/ (`scripts/export_rule_schema.py` writes them; a test fails when they fall behind the
models). Two shapes: a rule in its own file, and a family (a folder's index.yaml, or a family file with its
`rules` as a list). A rule's `check` is held as a plain mapping, because each edition's `params` are merged
into it before it is validated; the schema describes it as the loader finally reads it, one of the templates.
What the schema cannot say (known event types, attributes and agencies, editions that overlap) is left to
`auditor rules check`.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from .schema import Check, Rule, RuleFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _with_check(schema: dict[str, Any], rule: dict[str, Any]) -> None:
    check = TypeAdapter(Check).json_schema(mode="validation")
    schema.setdefault("$defs", {}).update(check.pop("$defs", {}))
    rule["properties"]["check"] = check


def rule_schema() -> dict[str, Any]:
    """One rule in its own file, beside its folder's index.yaml."""
    schema = Rule.model_json_schema(mode="validation")
    _with_check(schema, schema)
    return {"$schema": DIALECT, "$id": "rule.schema.json", **schema}


def family_schema() -> dict[str, Any]:
    """A folder's index.yaml, or a family file holding its rules as a list."""
    schema = RuleFile.model_json_schema(mode="validation")
    _with_check(schema, schema["$defs"]["Rule"])
    return {"$schema": DIALECT, "$id": "family.schema.json", **schema}


SCHEMAS = {"rule.schema.json": rule_schema, "family.schema.json": family_schema}
