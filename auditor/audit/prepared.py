"""What a rulebook says the same way for every case, worked out once per rulebook object.

Auditing 10,000 cases with one rulebook should not look up each variant's in-force words, citations,
pairing or not-applicable finding 10,000 times; `rulebook_data` keeps them beside the rulebook for as
long as it lives (a rulebook is immutable once loaded).
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, TypeVar

from pydantic import BaseModel

from ..rulebook import Rulebook, Variant
from .findings import AppliedEdition
from .wording import event_label

T = TypeVar("T")


class RulebookData:
    """What a rulebook says the same way for every case, worked out once per rulebook object."""

    def __init__(self, rulebook: Rulebook):
        self.by_key = {v.key: v for v in rulebook.variants}
        self.variants_of: dict[str, list[Variant]] = {}
        for v in rulebook.variants:
            self.variants_of.setdefault(v.rule.id, []).append(v)
        self.in_force = {v.key: v.in_force.human() for v in rulebook.variants}
        # AppliedEdition is frozen and holds only text, so findings can share one per variant.
        self.applied = {v.key: AppliedEdition(label=v.edition, in_force=self.in_force[v.key])
                        for v in rulebook.variants}
        self.rule_ids = sorted(rulebook.rules)
        self.agency_names = {a.id: a.name for a in rulebook.vocabulary.agencies}
        self._not_applicable: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.wanted = {v.key: " or ".join(event_label(t) for t in v.check.counterpart.type)
                       for v in rulebook.variants if getattr(v.check, "counterpart", None) is not None}
        # Each citation with a key that is equal exactly when the citations are (pydantic compares
        # the type and the field values), so findings can drop repeated citations without comparing models.
        self.cites = {v.key: [(model_key(c), c) for c in v.cites] for v in rulebook.variants}
        # Checks without `anchor` would go through pydantic's slow missing-attribute path every time.
        self.anchor = {v.key: getattr(v.check, "anchor", "each") for v in rulebook.variants}
        self.pairing = {v.key: pairing_of(v.check) for v in rulebook.variants}
        self.accumulation = {v.key: getattr(v.check, "accumulation", None) for v in rulebook.variants}
        self.before_their_link = rulebook.vocabulary.before_their_link
        self._derived: dict[str, Any] = {}

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """Something else worked out once per rulebook (the compact layout's citation index), kept here so that
        it lives exactly as long as the rulebook, as everything else in this object does. `make` must not hold
        the rulebook itself, or the rulebook would never be freed."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    def not_applicable(self, variant: Variant, jurisdiction: str, area: str | None) -> dict[str, Any]:
        """The fields of the not-applicable finding of `variant`'s rule in a case of this jurisdiction and area
        (it depends on nothing else, so a batch works each out once)."""
        key = (variant.key, jurisdiction, area)
        fields = self._not_applicable.get(key)
        if fields is None:
            fields = self._not_applicable[key] = _not_applicable_fields(variant, jurisdiction, area, self)
        return fields


def pairing_of(check: Any) -> str:
    """How a rule pairs triggers with the entries that answer them (docs/rulebook-format.md, "Pairing")."""
    chosen = getattr(check, "pairing", None)
    if chosen:
        return chosen
    if getattr(check, "link", None):
        return "linked"
    return "nearest" if check.template in ("within", "follows") else "each"


def model_key(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return (type(value), tuple((k, model_key(v)) for k, v in value.__dict__.items()),
                model_key(value.__pydantic_extra__), model_key(getattr(value, "__pydantic_private__", None)))
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(model_key(v) for v in value))
    if isinstance(value, dict):
        return (dict, tuple((k, model_key(v)) for k, v in value.items()))
    return value


_DATA: dict[int, tuple[weakref.ref, RulebookData]] = {}


def rulebook_data(rulebook: Rulebook) -> RulebookData:
    """The `RulebookData` of this rulebook object (a rulebook is immutable once loaded)."""
    key = id(rulebook)
    entry = _DATA.get(key)
    if entry is not None and entry[0]() is rulebook:
        return entry[1]
    data = RulebookData(rulebook)

    def forget(ref: weakref.ref, key: int = key) -> None:
        if _DATA.get(key, (None,))[0] is ref:
            del _DATA[key]

    _DATA[key] = (weakref.ref(rulebook, forget), data)
    return data


def _not_applicable_fields(variant: Variant, jurisdiction: str, area: str | None, data: RulebookData) -> dict[str, Any]:
    """The finding for a rule nothing in the case engaged, judged by the edition in force at the end of scoping."""
    rule = variant.rule
    trigger = ", ".join(variant.check.trigger.type).replace("-", " ")
    where = " meeting the rule's conditions" if (variant.check.trigger.where or variant.check.when) else ""
    if jurisdiction not in rule.jurisdiction:
        text = f"This is a standard for {rule.jurisdiction_text}; the case's jurisdiction is {jurisdiction}."
    elif variant.area and variant.area != area:
        text = f"This is a local standard for {variant.area}; the case's area is {area or 'not given'}."
    elif getattr(variant.check, "accumulation", None) is not None:
        run = variant.check.accumulation
        answer = " or ".join(variant.check.counterpart.type).replace("-", " ")
        text = (f"No {run.count} of {trigger}{where} within {run.window.human()}"
                + (f" about one {run.same.replace('-', ' ')}" if run.same else "")
                + f", without a {answer} between them, are recorded in the chronology, so the standard did not apply.")
    else:
        text = f"No {trigger}{where} is recorded in the chronology, so the standard did not apply."
    return {"id": rule.id, "rule_id": rule.id, "title": rule.title, "expects": rule.expects,
            "severity": variant.severity,
            "theme": rule.theme, "agency": rule.agency, "status": "not-applicable", "statement": text,
            "edition": variant.edition, "in_force": data.in_force[variant.key], "local": variant.local,
            "citations": list(variant.cites), "editions": [data.applied[variant.key]], "trigger_date": "9999-12-31",
            "learning": rule.learning_for(area)}
