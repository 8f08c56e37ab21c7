"""The rule author's reference: one example of each template and each condition operator, taken from the shipped
rulebook, so every example on the page is a rule that loads and whose examples `auditor rules test` runs.

Generated into docs/rule-reference.md by `python scripts/rule_reference.py` (a test fails when the page falls
behind the rulebook), as sqlfluff generates its rule docs from the rules themselves. An operator no shipped rule
uses is shown on an attribute from the vocabulary and marked as an illustration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..rulebook import Rulebook
from ..rulebook.conditions import OPS, Leaf, describe, leaves, parse_condition
from ..rulebook.schema import TEMPLATES, Check, Rule
from pydantic import TypeAdapter

_CHECK = TypeAdapter(Check)
_MEANING = {"eq": "equals (a list value: equals the whole list)", "ne": "differs from", "in": "is one of a list",
            "contains": "a list attribute includes the value", "contains_any": "a list attribute includes one of a list",
            "not_empty": "a list attribute has at least one entry", "exists": "is recorded (true) or not recorded (false)",
            "gt": "a number greater than", "gte": "a number at least", "lt": "a number less than",
            "lte": "a number at most"}


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, allow_unicode=True, width=110).rstrip("\n")


def _written(leaf: Leaf) -> dict[str, Any]:
    subject = "attr" if leaf.attr is not None else "case" if leaf.case is not None else "field"
    return {subject: getattr(leaf, subject), leaf.op: leaf.value}


def _conditions(check: Any) -> list[Any]:
    out = [check.trigger.where, check.when]
    out += [getattr(check, "counterpart", None) and check.counterpart.where, getattr(check, "expect", None)]
    return [c for c in out if c is not None]


def _example(rule: Rule, status: str) -> str:
    test = next((t for t in rule.tests if status in ([t.expect] if isinstance(t.expect, str) else t.expect)), None)
    if test is None:
        return ""
    events = [e.model_dump(exclude_defaults=True) for e in test.events]
    return f"*{test.name}* (expect `{test.expect}`):\n\n```yaml\n{_yaml(events)}\n```\n"


def _illustration(book: Rulebook, op: str) -> dict[str, Any]:
    """An operator no shipped rule uses, on an attribute of the kind it takes."""
    attrs = book.vocabulary.attributes
    if op == "not_empty":
        return {"attr": next(a.name for a in attrs if a.is_list), op: True}
    name = next(a.name for a in attrs if a.type == "integer")  # the comparisons: "at least one", "none"
    return {"attr": name, op: {"gt": 0, "gte": 1, "lt": 1, "lte": 0}[op]}


def reference_markdown(book: Rulebook) -> str:
    """The page, in the rulebook's reading order: the first rule using each template and each operator."""
    root = Path(book.path)
    by_template: dict[str, Rule] = {}
    by_op: dict[str, tuple[Rule, Leaf]] = {}
    for rule in book.rules.values():
        check = _CHECK.validate_python(rule.check)
        by_template.setdefault(rule.check["template"], rule)
        for condition in _conditions(check):
            for leaf in leaves(condition):
                by_op.setdefault(leaf.op, (rule, leaf))
    lines = ["# Rule reference", "",
             "One example of each check template and each condition operator, each taken from a rule in the shipped",
             "rulebook (its file is named), with the rule's own examples. The format itself is described in",
             "[rulebook-format.md](rulebook-format.md); the JSON Schemas are in [schema/](schema/). This page is",
             "generated (`python scripts/rule_reference.py`); a test keeps it in step with the rulebook.", "",
             "## Templates", ""]
    for template in TEMPLATES:
        lines.append(f"### `{template}`")
        lines.append("")
        rule = by_template.get(template)
        if rule is None:
            lines += ["No shipped rule uses this template yet.", ""]
            continue
        model = type(_CHECK.validate_python(rule.check))
        lines += [(model.__doc__ or "").strip(), "",
                  f"From `rules/{Path(book.origins[rule.id].file).resolve().relative_to(root.resolve()).as_posix()}`"
                  f" ({rule.title}):", "",
                  "```yaml", _yaml({"check": rule.check}), "```", ""]
        for status in ("breach", "met"):
            text = _example(rule, status)
            if text:
                lines += [text]
    lines += ["## Condition operators", "",
              "A condition tests one attribute of an event (`attr`), a fact of the case (`case`) or a field of the",
              "event (`field`: type, agency, recorded_by), with one operator; `all` and `any` combine conditions.", "",
              "| operator | meaning | as written | in words | from |", "|---|---|---|---|---|"]
    for op in OPS:
        found = by_op.get(op)
        if found is not None:
            rule, leaf = found
            written, source = _written(leaf), f"`{rule.id}`"
        else:
            written, source = _illustration(book, op), "an illustration: no shipped rule uses it"
        words = describe(parse_condition(written), {a.id: a.name for a in book.vocabulary.agencies})
        flow = yaml.safe_dump(written, sort_keys=False, default_flow_style=True, width=10_000).strip()
        lines.append(f"| `{op}` | {_MEANING[op]} | `{flow}` | {words} | {source} |")
    return "\n".join(lines).rstrip("\n") + "\n"
