"""The engines' shared expression language, and its two meanings.

Rule conditions (auditor.rulebook.conditions) and the checks' built-in tests
(event type, edition dates, area, window joins) are lowered to this small tuple
language. `to_durable` gives durable-rules' JSON form; `holds` is the plain-Python
meaning the reference evaluator uses. Keeping both next to each other is what
lets the differential tests find any disagreement.

Forms:
  ("and", [e...]) ("or", [e...])
  ("eq"|"ne"|"gt"|"gte"|"lt"|"lte", key, value)      compare a fact's field with a constant
  ("ex"|"nex", key)                                 the field is present / absent
  ("any_eq", key, value) ("any_ne", key, value)     some list item equals / differs from value
  ("join_eq"|"join_ne"|"join_gte"|"join_lte", key, alias, other_key)
                                                    compare with a field of an earlier fact in the rule
A comparison on a missing field is false.
"""

from __future__ import annotations

from typing import Any

from ..rulebook.conditions import All, Any_, Condition, Leaf

Expr = tuple[Any, ...]
_COMPARE = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}
_JOIN = {"join_gte": "$gte", "join_lte": "$lte", "join_ne": "$neq"}


def AND(*parts: Expr | None) -> Expr:
    kept = [p for p in parts if p is not None]
    return kept[0] if len(kept) == 1 else ("and", kept)


def OR(*parts: Expr) -> Expr:
    return parts[0] if len(parts) == 1 else ("or", list(parts))


def from_condition(condition: Condition | None) -> Expr | None:
    if condition is None:
        return None
    if isinstance(condition, All):
        return AND(*(from_condition(c) for c in condition.all))
    if isinstance(condition, Any_):
        return OR(*(from_condition(c) for c in condition.any))  # type: ignore[misc]
    return _leaf(condition)


def _leaf(leaf: Leaf) -> Expr:
    key, op, value = leaf.key, leaf.op, leaf.value
    if op == "exists":
        return ("ex", key) if value else ("nex", key)
    if op == "eq":
        return ("eq", key, value)
    if op == "ne":
        return ("ne", key, value)
    if op == "in":
        return OR(*(("eq", key, v) for v in value))
    if op == "contains":
        return ("any_eq", key, value)
    if op == "contains_any":
        return OR(*(("any_eq", key, v) for v in value))
    if op == "not_empty":
        return ("any_ne", key, "")
    return (op, key, value)


def type_in(types: list[str]) -> Expr:
    return OR(*(("eq", "type", t) for t in types))


def holds(expr: Expr, fact: dict[str, Any], bound: dict[str, dict[str, Any]] | None = None) -> bool:
    op = expr[0]
    if op == "and":
        return all(holds(e, fact, bound) for e in expr[1])
    if op == "or":
        return any(holds(e, fact, bound) for e in expr[1])
    key = expr[1]
    if op == "ex":
        return key in fact
    if op == "nex":
        return key not in fact
    if key not in fact:
        return False
    value = fact[key]
    if op.startswith("join_"):
        other = (bound or {})[expr[2]].get(expr[3])
        if other is None:
            return False
        return {"join_eq": value == other, "join_ne": value != other,
                "join_gte": _num(value) and _num(other) and value >= other,
                "join_lte": _num(value) and _num(other) and value <= other}[op]
    want = expr[2]
    if op == "eq":
        return _same(value, want)
    if op == "ne":
        return not _same(value, want)
    if op == "any_eq":
        return isinstance(value, list) and any(_same(v, want) for v in value)
    if op == "any_ne":
        return isinstance(value, list) and any(not _same(v, want) for v in value)
    if not (_num(value) and _num(want)):
        return False
    return {"gt": value > want, "gte": value >= want, "lt": value < want, "lte": value <= want}[op]


def required_values(expr: Expr, key: str) -> frozenset[Any] | None:
    """The values of `key` a fact must have for `expr` to hold, or None if `expr` does not restrict them.

    Exact for what it returns: `holds(expr, fact)` implies `fact[key]` is one of the values (an `eq`
    with a boolean constant is left unrestricted, since booleans are compared apart from numbers).
    """
    op = expr[0]
    if op == "eq" and expr[1] == key and not isinstance(expr[2], (bool, list, dict)):  # a list is compared whole
        return frozenset([expr[2]])
    if op == "and":
        found = [r for r in (required_values(e, key) for e in expr[1]) if r is not None]
        return frozenset.intersection(*found) if found else None
    if op == "or":
        parts = [required_values(e, key) for e in expr[1]]
        return None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
    return None


def dnf(expr: Expr) -> list[list[Expr]]:
    """Disjunctive normal form: a list of flat conjunctions of atoms.

    durable-rules 2.0.28 silently drops correlated joins (`{"o": "t_hi"}`) when a
    fact's test also holds a nested `$and` or `$or` (measured; see
    docs/durable-rules-traps.md), so each disjunct becomes its own flat rule.
    """
    op = expr[0]
    if op == "or":
        return [conj for e in expr[1] for conj in dnf(e)]
    if op == "and":
        out: list[list[Expr]] = [[]]
        for e in expr[1]:
            out = [left + right for left in out for right in dnf(e)]
        return out
    return [[expr]]


def to_durable(conjunction: list[Expr]) -> dict[str, Any]:
    """One flat conjunction (from `dnf`) in durable-rules' JSON form."""
    atoms = [_atom(e) for e in conjunction]
    flat = []
    for atom in atoms:  # `ne` lowers to an $and of two atoms: splice it, never nest
        flat += atom["$and"] if "$and" in atom else [atom]
    return flat[0] if len(flat) == 1 else {"$and": flat}


def to_durable_tree(expr: Expr) -> dict[str, Any]:
    """A join-free expression in durable-rules' JSON form, keeping its nested `$and`/`$or`.

    Trap 14 (nesting drops correlated joins) concerns facts tested next to joins; a test with no
    join keeps its meaning nested, and one nested rule replaces a rule per DNF disjunct (half the
    rules in the default rulebook, and about 13% less engine time per case, measured).
    """
    op = expr[0]
    if op in ("and", "or"):
        return {"$" + op: [to_durable_tree(e) for e in expr[1]]}
    if op.startswith("join_"):
        raise ValueError("to_durable_tree is for join-free expressions; use dnf and to_durable")
    return _atom(expr)


def _atom(expr: Expr) -> dict[str, Any]:
    op = expr[0]
    key = expr[1]
    if op == "ex":
        return {"$ex": {key: 1}}
    if op == "nex":
        return {"$nex": {key: 1}}
    if op == "eq":
        return {key: expr[2]}
    if op == "ne":
        # durable-rules treats a missing field as "not equal"; ours is false, so require presence.
        return {"$and": [{"$ex": {key: 1}}, {"$neq": {key: expr[2]}}]}
    if op == "any_eq":
        return {"$iany": {key: {"$i": expr[2]}}}
    if op == "any_ne":
        return {"$iany": {key: {"$neq": {"$i": expr[2]}}}}
    if op == "join_eq":
        return {key: {expr[2]: expr[3]}}
    if op in _JOIN:
        return {_JOIN[op]: {key: {expr[2]: expr[3]}}}
    return {_COMPARE[op]: {key: expr[2]}}


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    # true == 1 in Python but not in a chronology; keep booleans apart.
    return a == b and isinstance(a, bool) == isinstance(b, bool)
