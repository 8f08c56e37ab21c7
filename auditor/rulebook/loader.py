"""Load a rulebook folder, report every problem, and resolve it into dated variants.

A *variant* is one rule as it applies in one period (an edition) and, where a
local procedure overrides it, in one area. The engines only ever see variants,
so "which edition applied on the trigger's date" and "the local procedure wins"
are decided once, here, as data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from pydantic import TypeAdapter, ValidationError

from ..errors import InputError, Problem
from ..files.reading import Document, load_file
from ..files.validation import problems_from, validate
from ..chronology.vocabulary import Vocabulary
from .conditions import Condition, leaves
from .schema import TEMPLATES, Check, Citation, Edition, IncludesCheck, InForce, RequiresCheck, Rule, RuleFile, RulebookMeta, Wording

_CHECK = TypeAdapter(Check)
PLACEHOLDERS = frozenset({"trigger", "trigger_date", "counterpart", "counterpart_date", "deadline", "limit", "late",
                          "elapsed", "expected_by", "field", "value", "chronology_end", "edition", "recorded",
                          "expectation", "missing", "ahead", "vague", "vague_entry"})
# In the rulebook folder but not rules: the metadata, the vocabulary, and the import classification rules.
NOT_RULE_FILES = frozenset({"rulebook.yaml", "vocabulary.yaml", "classification.yaml"})
# A folder's family: its name, jurisdiction, area (for a local layer), description and overrides, for the rules
# written one to a file beside it.
INDEX = "index.yaml"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Variant:
    key: str
    rule: Rule
    edition: str
    in_force: InForce
    check: Any  # one of the Check models
    cites: tuple[Citation, ...]
    severity: str
    area: str | None  # None: national, for every area without its own variant
    excluded_areas: tuple[str, ...]
    local: bool

    def applies_in(self, area: str | None) -> bool:
        """A local variant in its own area; a national one everywhere a local variant does not replace it."""
        return self.area == area if self.area is not None else area not in self.excluded_areas


@dataclass(frozen=True)
class Origin:
    """Where a rule was written, so a problem found after loading can still name the file and line."""

    file: str
    line: int | None
    path: str  # rules[3] in a family file; empty for a rule in its own file
    family: str


@dataclass(frozen=True)
class _Placed:
    """A rule as written: its document, where in it (("rules", 3) in a family file, () in its own file) and
    the family it belongs to (the family file, or the index beside its own file)."""

    doc: Document
    here: tuple[Any, ...]
    rule: Rule
    family: RuleFile


@dataclass(frozen=True)
class Rulebook:
    meta: RulebookMeta
    vocabulary: Vocabulary
    rules: dict[str, Rule]
    variants: tuple[Variant, ...]
    path: str
    digest: str
    origins: dict[str, Origin]
    aliases: dict[str, str]  # a rule's former id -> its id, so decisions files written before a renaming still load

    @property
    def version(self) -> str:
        return f"{self.meta.version}+{self.digest[:12]}"

    def variants_of(self, rule_id: str) -> list[Variant]:
        return [v for v in self.variants if v.rule.id == rule_id]

    def only(self, rule_ids: Iterable[str]) -> Rulebook:
        """The rulebook narrowed to these rules: what a source can evidence (an authority's records speak to
        timescales, not to who was invited), so that the rest are not reported as unrecorded for every case."""
        wanted = set(rule_ids)
        unknown = sorted(wanted - set(self.rules))
        if unknown:
            raise InputError([Problem(self.path, None, "standards", f"no such rule(s) in the rulebook: "
                                      f"{', '.join(unknown)}")])
        return replace(self, rules={k: r for k, r in self.rules.items() if k in wanted},
                       variants=tuple(v for v in self.variants if v.rule.id in wanted))


def default_rules_path() -> Path:
    """The rulebook installed with the package (the repository's rules/ folder)."""
    return Path(str(resources.files("auditor_rules")))


def load_rulebook(path: Path | str | None = None) -> Rulebook:
    root = Path(path) if path is not None else default_rules_path()
    if not root.is_dir():
        raise InputError([Problem(str(root), None, "", "rulebook folder not found")])
    problems: list[Problem] = []
    meta = _load_model(root / "rulebook.yaml", RulebookMeta, problems)
    vocabulary = _load_model(root / "vocabulary.yaml", Vocabulary, problems)
    files = sorted(p for p in root.rglob("*.yaml") if p.name not in NOT_RULE_FILES)
    if not files:
        problems.append(Problem(str(root), None, "", "no rule files (*.yaml) found"))
    families, placed = _read_rule_files(files, problems)
    if meta is None or vocabulary is None:
        raise InputError(problems)
    rules: dict[str, Rule] = {}
    where: dict[str, tuple[Document, tuple[Any, ...]]] = {}
    origins: dict[str, Origin] = {}
    aliases: dict[str, str] = {}
    for item in placed:
        doc, here, rule, family = item.doc, item.here, item.rule, item.family
        if rule.id in rules:
            problems.append(doc.problem(here + ("id",), f"duplicate rule id {rule.id!r} (also in {where[rule.id][0].file})"))
            continue
        if family.area and rule.area not in (None, family.area):
            problems.append(doc.problem(here + ("area",), f"rule area differs from the file's area {family.area!r}"))
        rule = rule.model_copy(update={"area": rule.area or family.area})
        rules[rule.id] = rule
        where[rule.id] = (doc, here)
        origins[rule.id] = Origin(doc.file, doc.line_of(here) if here else 1,
                                  "".join(f"[{p}]" if isinstance(p, int) else p for p in here), family.family)
        for j, alias in enumerate(rule.aliases):
            if alias in aliases:
                problems.append(doc.problem(here + ("aliases", j), f"{alias!r} is already an alias of {aliases[alias]!r}"))
            aliases.setdefault(alias, rule.id)
        try:
            problems += _rule_problems(rule, doc, here, meta, vocabulary)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a shape no specific check foresaw
            problems.append(doc.problem(here, f"this rule is malformed: {exc}"))
    for alias, rule_id in aliases.items():
        if alias in rules:
            doc, here = where[rule_id]
            problems.append(doc.problem(here + ("aliases",), f"alias {alias!r} of {rule_id!r} is another rule's id"))
    variants: list[Variant] = []
    overrides = [(doc, f, rid, o) for doc, f in families for rid, o in f.overrides.items()]
    for doc, rule_file, rule_id, override in overrides:
        here = ("overrides", rule_id)
        if rule_id not in rules:
            problems.append(doc.problem(here, f"overrides unknown rule {rule_id!r}"))
        elif not rule_file.area:
            problems.append(doc.problem(here, "overrides belong in a local layer file, which names its `area`"))
        else:
            for _, check in rules[rule_id].edition_checks():
                problems += _check_problems({**check, **override.params}, doc, here + ("params",), vocabulary)
    if problems:
        raise InputError(problems)
    for rule in rules.values():
        variants += _resolve(rule, [(f.area, o) for _, f, rid, o in overrides if rid == rule.id])
    return Rulebook(meta, vocabulary, rules, tuple(variants), str(root), _digest(root, files), origins, aliases)


def _read_rule_files(files: list[Path], problems: list[Problem]) -> tuple[list[tuple[Document, RuleFile]],
                                                                           list[_Placed]]:
    """The families (family files and folder indexes, with their overrides) and every rule with where it was
    written, in reading order. A file whose top level has an `id` is one rule, of the family its folder's
    index.yaml names, which also gives the folder's reading order (`order`); any other file is a family file
    (`family`, `jurisdiction`, and its `rules` as a list)."""
    families: list[tuple[Document, RuleFile]] = []
    indexes: dict[Path, tuple[Document, RuleFile] | None] = {}
    own: dict[Path, list[tuple[Document, Rule]]] = {}  # by folder
    placed_at: dict[Path, list[_Placed]] = {}  # rules by file, or by folder for rules in their own files
    for file in files:
        try:
            doc = load_file(file)
            if file.name != INDEX and isinstance(doc.data, dict) and "id" in doc.data:
                rule = validate(Rule, doc)
                own.setdefault(file.parent, []).append((doc, rule))
                placed_at.setdefault(file.parent, [])
                continue
            family = validate(RuleFile, doc)
        except InputError as exc:
            problems += exc.problems
            if file.name == INDEX:
                indexes[file.parent] = None
            continue
        families.append((doc, family))
        if file.name == INDEX:
            indexes[file.parent] = (doc, family)
            placed_at.setdefault(file.parent, [])
        placed_at[file] = [_Placed(doc, ("rules", i), rule, family) for i, rule in enumerate(family.rules)]
    for folder, rules in own.items():
        if folder not in indexes:
            problems += [Problem(doc.file, None, "", f"a rule in its own file needs an {INDEX} beside it naming its "
                                 "family and jurisdiction (docs/rulebook-format.md)") for doc, _ in rules]
            continue
        index = indexes[folder]
        if index is None:  # a broken index is reported already
            continue
        index_doc, family = index
        by_id = {rule.id: (doc, rule) for doc, rule in rules}
        for i, rule_id in enumerate(family.order):
            if rule_id not in by_id:
                problems.append(index_doc.problem(("order", i), f"no rule {rule_id!r} in this folder"))
        rank = {rule_id: i for i, rule_id in enumerate(family.order)}
        ordered = sorted(rules, key=lambda item: (rank.get(item[1].id, len(rank)), item[0].file))
        placed_at[folder] = [_Placed(doc, (), rule, family) for doc, rule in ordered]
    return families, [item for key in placed_at for item in placed_at[key]]


def _load_model(path: Path, model: type, problems: list[Problem]) -> Any:
    try:
        return validate(model, load_file(path))
    except InputError as exc:
        problems += exc.problems
        return None


def _digest(root: Path, files: list[Path]) -> str:
    sha = hashlib.sha256()
    for file in sorted([root / "rulebook.yaml", root / "vocabulary.yaml", *files]):
        sha.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return sha.hexdigest()


def _rule_problems(rule: Rule, doc: Document, here: tuple[Any, ...], meta: RulebookMeta,
                   vocab: Vocabulary) -> list[Problem]:
    out: list[Problem] = []
    for jurisdiction in rule.jurisdiction:
        if jurisdiction not in meta.jurisdictions:
            out.append(doc.problem(here + ("jurisdiction",), f"unknown jurisdiction {jurisdiction!r}; "
                                   f"the rulebook lists {meta.jurisdictions}"))
    if rule.agency not in vocab.agency_ids:
        out.append(doc.problem(here + ("agency",), f"unknown agency {rule.agency!r}"))
    editions = sorted(enumerate(rule.editions), key=lambda item: item[1].in_force.start)
    for (_, before), (j, after) in zip(editions, editions[1:]):
        if before.in_force.end is None or before.in_force.end >= after.in_force.start:
            out.append(doc.problem(here + ("editions", j, "in_force"),
                                   f"edition {after.label!r} overlaps edition {before.label!r}"))
        elif before.in_force.end + timedelta(days=1) < after.in_force.start and not after.after_gap:
            out.append(doc.problem(here + ("editions", j, "in_force"),
                                   f"no edition is in force from {before.in_force.end + timedelta(days=1):%d/%m/%Y} to "
                                   f"{after.in_force.start - timedelta(days=1):%d/%m/%Y}; close the gap, or say why "
                                   f"in `after_gap`"))
    for j, (edition, check) in enumerate(rule.edition_checks()):
        path = here + (("editions", j, "params") if edition.params else ("check",))
        out += _check_problems(check, doc, path, vocab)
    out += _wording_problems(rule.finding, doc, here + ("finding",))
    out += _example_problems(rule, doc, here, vocab)
    return out


def _example_problems(rule: Rule, doc: Document, here: tuple[Any, ...], vocab: Vocabulary) -> list[Problem]:
    """An example's events use the vocabulary like a chronology's, so a misspelt type is caught, not ignored."""
    from ..chronology.loader import attribute_problem

    out = []
    for t, test in enumerate(rule.tests):
        for name, value in test.facts.items():
            definition = vocab.case_fact_map.get(name)
            message = f"unknown case fact {name!r}" if definition is None else \
                attribute_problem(definition, value, vocab, set())
            if message:
                out.append(doc.problem(here + ("tests", t, "facts", name), message))
        seen: set[str] = set()
        for e, event in enumerate(test.events):
            at = here + ("tests", t, "events", e)
            if event.id in seen:  # the audit pairs and orders entries by id: two with one id cannot be judged
                out.append(doc.problem(at + ("id",), f"duplicate event id {event.id!r} in this example"))
            seen.add(event.id)
            if event.type not in vocab.event_type_ids:
                out.append(doc.problem(at + ("type",), f"unknown event type {event.type!r}"))
            if event.agency not in vocab.agency_ids:
                out.append(doc.problem(at + ("agency",), f"unknown agency {event.agency!r}"))
            for name, value in event.attrs.items():
                definition = vocab.attribute_map.get(name)
                message = f"unknown attribute {name!r}" if definition is None else \
                    attribute_problem(definition, value, vocab, set())
                if message:
                    out.append(doc.problem(at + ("attrs", name), message))
        if not out:  # the example must also make a chronology (dates, ids, links), or `rules test` cannot run it
            from .examples import chronology_for
            from ..files.validation import problems_from

            try:
                chronology_for(rule, test)
            except ValidationError as exc:
                out += [p for p in problems_from(exc, doc, here + ("tests", t))]
            except ValueError as exc:
                out.append(doc.problem(here + ("tests", t), str(exc)))
    return out


def _check_problems(data: dict[str, Any], doc: Document, path: tuple[Any, ...], vocab: Vocabulary) -> list[Problem]:
    out: list[Problem] = []
    for name in ("trigger", "counterpart"):  # checked on the raw data so they show even if the rest is broken
        selector = data.get(name)
        types = selector.get("type") if isinstance(selector, dict) else None
        for event_type in [types] if isinstance(types, str) else types if isinstance(types, list) else []:
            if not isinstance(event_type, str) or event_type not in vocab.event_type_ids:
                out.append(doc.problem(path + (name, "type"), f"unknown event type {event_type!r}"))
    try:
        check = _CHECK.validate_python(data)
    except ValidationError as exc:
        return out + problems_from(exc, doc, path, frozenset(TEMPLATES))
    selectors = [("trigger", check.trigger)] + ([("counterpart", check.counterpart)] if hasattr(check, "counterpart") else [])
    for name, selector in selectors:
        out += _condition_problems(selector.where, doc, path + (name, "where"), vocab)
    out += _condition_problems(check.when, doc, path + ("when",), vocab)
    if isinstance(check, RequiresCheck):
        out += _condition_problems(check.expect, doc, path + ("expect",), vocab)
    same = getattr(getattr(check, "accumulation", None), "same", None)
    if same is not None and same not in vocab.role_ids:
        out.append(doc.problem(path + ("accumulation", "same"), f"unknown role {same!r}; the vocabulary's roles are "
                               f"{sorted(vocab.role_ids)}"))
    if isinstance(check, IncludesCheck):
        definition = vocab.attribute_map.get(check.field)
        if definition is None or not definition.is_list:
            out.append(doc.problem(path + ("field",), f"{check.field!r} is not a list attribute in the vocabulary"))
    return out


def _condition_problems(condition: Condition | None, doc: Document, path: tuple[Any, ...],
                        vocab: Vocabulary) -> list[Problem]:
    out = []
    for leaf in leaves(condition):
        if leaf.case is not None and leaf.case not in vocab.case_fact_map:
            out.append(doc.problem(path, f"unknown case fact {leaf.case!r}"))
        if leaf.attr is not None:
            definition = vocab.attribute_map.get(leaf.attr)
            if definition is None:
                out.append(doc.problem(path, f"unknown attribute {leaf.attr!r}"))
            elif definition.type == "enum" and leaf.op in ("eq", "ne", "in"):
                wanted = leaf.value if isinstance(leaf.value, list) else [leaf.value]
                bad = [w for w in wanted if w not in definition.values]
                if bad:
                    out.append(doc.problem(path, f"{leaf.attr} has no value(s) {bad}; expected {definition.values}"))
    return out


def _wording_problems(wording: Wording, doc: Document, path: tuple[Any, ...]) -> list[Problem]:
    out = []
    for name, text in wording.model_dump().items():
        for placeholder in _PLACEHOLDER.findall(text or ""):
            if placeholder not in PLACEHOLDERS:
                out.append(doc.problem(path + (name,), f"unknown placeholder {{{placeholder}}}; "
                                       f"available: {', '.join(sorted(PLACEHOLDERS))}"))
    return out


def _resolve(rule: Rule, overrides: list[tuple[str | None, Any]]) -> list[Variant]:
    """National variants per edition, plus per overridden area a full set split at the override's dates."""
    areas = tuple(sorted({area for area, _ in overrides if area}))
    out: list[Variant] = []

    checks = {id(edition): check for edition, check in rule.edition_checks()}

    def add(edition: Edition, span: InForce, area: str | None, extra: dict[str, Any], cites: tuple[Citation, ...],
            severity: str, local: bool) -> None:
        check = _CHECK.validate_python({**checks[id(edition)], **extra})
        out.append(Variant(f"{rule.id}~{len(out)}", rule, edition.label, span, check, cites, severity,
                           area if area else rule.area, () if (area or rule.area) else areas, local or bool(rule.area)))

    for edition in rule.editions:
        add(edition, edition.in_force, None, {}, tuple(edition.cite), rule.severity, False)
    for area, override in overrides:
        window = override.in_force or InForce(**{"from": date.min})
        for edition in rule.editions:
            for span, inside in _split(edition.in_force, window):
                if inside:
                    add(edition, span, area, override.params, tuple(override.cite) + tuple(edition.cite),
                        override.severity or rule.severity, True)
                else:
                    add(edition, span, area, {}, tuple(edition.cite), rule.severity, False)
    return out


def _split(span: InForce, window: InForce) -> list[tuple[InForce, bool]]:
    """Cut `span` into the parts inside and outside `window`."""
    far = date.max
    s_end, w_end = span.end or far, window.end or far
    pieces: list[tuple[date, date, bool]] = []
    lo, hi = max(span.start, window.start), min(s_end, w_end)
    if lo <= hi:
        if span.start < lo:
            pieces.append((span.start, lo - timedelta(days=1), False))
        pieces.append((lo, hi, True))
        if hi < s_end:
            pieces.append((hi + timedelta(days=1), s_end, False))
    else:
        pieces.append((span.start, s_end, False))
    return [(InForce(**{"from": a, "to": None if b == far else b}), inside) for a, b, inside in pieces]
