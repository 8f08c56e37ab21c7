"""Load the classification rules: read the file, check it against the vocabulary, compile it.

The rules are data so that a rule author can add a local abbreviation without touching Python; they
are validated against the vocabulary here so that a misspelt type or agency is an error with a file,
line and field, not a pattern that silently never fires. Everything is compiled once at load
(`classify` runs for every row of tables with tens of thousands of rows), and regexes from the file
are only ever compiled with `re`, never evaluated.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...chronology.loader import attribute_problem
from ...chronology.vocabulary import AttributeDef, Vocabulary
from ...errors import InputError, Problem
from ...files.reading import Document, load_file
from ...files.validation import problems_from, validate
from .classifier import COLUMN, Classifier
from .compiled import LinkRule, _Action, _Collect, _Pattern, _Regex
from .phrase_index import _Phrase, _PhraseIndex
from .phrase_text import _PhraseText, _by
from .row import _TRANSLATE
from .schema import _PATTERNS, ActionBlock, ClassificationFile, PatternSpec

_AGENCY_TYPES = frozenset({"agency", "agencies", "parties"})
_CAPTURE_TYPES = frozenset({"integer", "enum", "text", "bool"})
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
_MODES = ("skip", "apply", "invert")


def default_classification_path() -> Path:
    """The classification rules installed with the package (rules/classification.yaml)."""
    return Path(str(resources.files("auditor_rules"))) / "classification.yaml"


def load_classifier(path: str | Path | None = None, vocabulary: Vocabulary | None = None) -> Classifier:
    """Default path: the packaged rules/classification.yaml. Validates everything and raises
    auditor.errors.InputError with one Problem(file, line, field, message) per problem:
    unknown type/attribute/agency/value (checked against the vocabulary), duplicate ids, bad regexes
    (re.error message), unknown keys."""
    file = Path(path) if path is not None else default_classification_path()
    doc = load_file(file)
    if vocabulary is None:
        vocabulary = _vocabulary_near(file)
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "expected a mapping with `version`, `clauses`, `negation` and `patterns`")])
    try:
        spec = ClassificationFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, doc)) from None
    return _Compiler(doc, spec, vocabulary).build()


def _vocabulary_near(file: Path) -> Vocabulary:
    """The vocabulary beside the classification file if there is one, else the installed one."""
    beside = file.parent / "vocabulary.yaml"
    if not beside.is_file():
        beside = default_classification_path().parent / "vocabulary.yaml"
    return validate(Vocabulary, load_file(beside))


class _Compiler(_PhraseText):
    """Validates a parsed file against the vocabulary and compiles it, collecting every problem
    (phrases, cues and agency names are the part it inherits from `phrase_text._PhraseText`)."""

    def __init__(self, doc: Document, spec: ClassificationFile, vocabulary: Vocabulary):
        self.doc = doc
        self.spec = spec
        self.vocab = vocabulary
        self.problems: list[Problem] = []
        self.expand: list[tuple[re.Pattern[str], dict[str, str]] | None] = [None, None]
        self.rewritten: dict[str, str] = {}
        self.pattern_specs: list[PatternSpec | None] = []
        try:  # all at once (fast); pattern by pattern only to report what is wrong with which
            self.pattern_specs = list(_PATTERNS.validate_python(spec.patterns))
        except ValidationError:
            for i, raw in enumerate(spec.patterns):
                try:
                    self.pattern_specs.append(PatternSpec.model_validate(raw))
                except ValidationError as exc:
                    self.problems.extend(problems_from(exc, doc, ("patterns", i)))
                    self.pattern_specs.append(None)

    def build(self) -> Classifier:
        spec = self.spec
        self.expand = [self._expansion("exact_case", spec.expansions.exact_case),
                       self._expansion("any_case", spec.expansions.any_case)]
        self._rewrite_all()
        contexts = {name: self._cues(key, getattr(spec, key)) for name, key in
                    (("negated", "negation"), ("planned", "planned"), ("referenced", "referenced"))}
        mentions, agencies = self._mentions()
        breaks = []
        for i, brk in enumerate(spec.clauses.breaks):
            if brk.strip() or brk == " ":
                breaks.append(brk.translate(_TRANSLATE).lower())
            else:
                self.problem(("clauses", "breaks", i), "a clause break may not be empty")
        break_regex = re.compile("|".join(re.escape(b) for b in sorted(set(breaks), key=len, reverse=True)) or "$^")
        links = self._links()
        patterns, phrases = self._patterns()
        if self.problems:
            raise InputError(self.problems)
        return Classifier(
            self.doc.file, patterns, _PhraseIndex(phrases + mentions, spec.gap_words), agencies,
            {k: v for k, v in contexts.items() if v is not None and (v.before or v.after)}, contexts["negated"],
            self.expand[0], self.expand[1], break_regex, "," in (b.strip() for b in breaks), spec.clauses.list_gap,
            _by([tuple(str(w) for w in v) for i, text in enumerate(spec.clauses.places)
                 for v in self._items(text, ("clauses", "places", i), False, False)], -1),
            links, self.vocab.event_type_ids, frozenset(a.name for a in self.vocab.attributes if a.is_list))

    def _links(self) -> tuple[LinkRule, ...]:

        out = []
        for i, link in enumerate(self.spec.links):
            for key, types in (("from", link.source), ("to", link.target)):
                for j, event_type in enumerate(types):
                    if event_type not in self.vocab.event_type_ids:
                        self.problem(("links", i, key, j), f"unknown event type {event_type!r}")
            out.append(LinkRule(link.rel, frozenset(link.source), frozenset(link.target), link.nearest))
        return tuple(out)

    # -- patterns -----------------------------------------------------------------------------------------

    def _patterns(self) -> tuple[tuple[_Pattern, ...], list[_Phrase]]:
        seen: dict[str, int] = {}
        patterns: list[_Pattern] = []
        phrases: list[_Phrase] = []
        for i, spec in enumerate(self.pattern_specs):
            here = ("patterns", i)
            if spec is None:
                continue
            if not _ID.match(spec.id):
                self.problem(here + ("id",), f"pattern id {spec.id!r}: use lower-case letters, digits and - or _")
            elif spec.id == COLUMN:
                self.problem(here + ("id",), f"{COLUMN!r} is reserved for the table's own type column")
            elif spec.id in seen:
                self.problem(here + ("id",), f"duplicate pattern id {spec.id!r} (also patterns[{seen[spec.id]}])")
            seen.setdefault(spec.id, i)
            items = [variant for j, text in enumerate(spec.phrases)
                     for variant in self._items(text, here + ("phrases", j), True, True)]
            compiled = self._pattern(spec, len(patterns), here)
            if compiled is not None:
                phrases += [_Phrase(compiled.index, variant) for variant in items]
                patterns.append(compiled)
        return tuple(patterns), phrases

    def _pattern(self, spec: PatternSpec, index: int, here: tuple[Any, ...]) -> _Pattern | None:
        ok = len(self.problems)
        if not spec.phrases and not spec.regex:
            self.problem(here, f"pattern {spec.id!r} has no `phrases` or `regex` to match")
        for key in ("agencies", "not_agencies"):
            for j, agency in enumerate(getattr(spec, key)):
                if agency not in self.vocab.agency_ids:
                    self.problem(here + (key, j), f"unknown agency {agency!r}")
        for j, event_type in enumerate(spec.for_types):
            if event_type not in self.vocab.event_type_ids:
                self.problem(here + ("for_types", j), f"unknown event type {event_type!r}")
        if spec.type is not None and (spec.for_types or spec.near is not None):
            self.problem(here + ("for_types" if spec.for_types else "near",),
                         "`for_types` and `near` are for attribute patterns; a type pattern gives the type")
        positive = self._action(spec, here, captures=True)
        regexes = self._regexes(spec, here)
        captured = [(name, definition) for r in regexes for name, definition in r.captures]
        if positive is not None and _is_empty(positive) and not captured:
            self.problem(here, f"pattern {spec.id!r} does nothing: give a `type`, `attrs`, `add`, `remove`, "
                         "`collect`, `row_agency` or a regex with a named group")
        if spec.value_map and not captured:
            self.problem(here + ("value_map",), "`value_map` needs a regex with a named group")
        for key, value in spec.value_map.items() if captured else ():
            messages = [f"{name}: {message}" for name, definition in captured
                        if (message := _capture_problem(definition, value, self.vocab))]
            if len(messages) == len(captured):
                self.problem(here + ("value_map", key), "; ".join(messages))
        default = "skip" if spec.type is not None else "apply"
        negated = self._when(spec.when_negated, positive, here + ("when_negated",))
        planned = self._when(spec.when_planned or default, positive, here + ("when_planned",))
        referenced = self._when(spec.when_referenced or default, positive, here + ("when_referenced",))
        if len(self.problems) > ok or positive is None:
            return None
        return _Pattern(
            spec.id, index, spec.priority, regexes,
            frozenset(spec.agencies) if spec.agencies else None, frozenset(spec.not_agencies),
            frozenset(spec.for_types) if spec.for_types else None, spec.near,
            {" ".join(str(k).lower().split()): v for k, v in spec.value_map.items()},
            positive, negated, planned, referenced,
            frozenset(name for name, action in (("negated", negated), ("planned", planned), ("referenced", referenced))
                      if action is not positive or name == "negated"))

    def _regexes(self, spec: PatternSpec, here: tuple[Any, ...]) -> tuple[_Regex, ...]:
        out = []
        for j, source in enumerate(spec.regex):
            where = here + ("regex", j)
            if not source:
                self.problem(where, "a regex must be non-empty text")
                continue
            try:  # rows are lower-cased: a regex with no capitals needs no IGNORECASE (which is slower)
                compiled = re.compile(source, re.IGNORECASE if source != source.lower() else 0)
            except re.error as exc:
                self.problem(where, f"bad regex: {exc}")
                continue
            except (OverflowError, RecursionError, ValueError) as exc:
                self.problem(where, f"bad regex: {exc}")
                continue
            if compiled.search(""):
                self.problem(where, "this regex matches empty text; it must match at least one character")
                continue
            captures = []
            for name in compiled.groupindex:
                definition = self.vocab.attribute_map.get(name)
                if definition is None:
                    self.problem(where, f"named group {name!r} is not an attribute in the vocabulary")
                elif definition.type not in _CAPTURE_TYPES:
                    self.problem(where, f"named group {name!r}: a {definition.type} attribute cannot be captured "
                                 "from text (use `collect` for agencies)")
                else:
                    captures.append((name, definition))
            out.append(_Regex(compiled, tuple(captures)))
        return tuple(out)

    def _when(self, value: str | dict[str, Any], positive: _Action | None, where: tuple[Any, ...]) -> _Action | None:
        if isinstance(value, str):
            if value not in _MODES:
                self.problem(where, f"expected one of {list(_MODES)} or a block of actions, got {value!r}")
                return None
            if value == "skip" or positive is None:
                return None
            return positive if value == "apply" else self._invert(positive, where)
        try:
            block = ActionBlock.model_validate(value)
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, self.doc, where))
            return None
        return self._action(block, where, captures=False)

    def _invert(self, positive: _Action, where: tuple[Any, ...]) -> _Action | None:
        """`invert`: true and false swap, additions become removals; nothing else has an opposite."""
        if positive.type is not None:
            self.problem(where, "`invert` is for attribute patterns; a type pattern's negation is `skip` or a block")
            return None
        bad = [name for name, value in positive.scalars if not isinstance(value, bool)]
        bad += list(positive.row_agency) + [c.attr for c in positive.collect if not c.is_list]
        if bad:
            self.problem(where, f"`invert` has no opposite for {bad}; give a block of actions instead")
            return None
        return _Action(None, tuple((n, not v) for n, v in positive.scalars), positive.remove, positive.add,
                       tuple(_Collect(c.attr, c.scope, c.within, not c.remove, True) for c in positive.collect),
                       (), False)

    def _action(self, block: ActionBlock, here: tuple[Any, ...], captures: bool) -> _Action | None:
        ok = len(self.problems)
        vocab = self.vocab
        if block.type is not None and block.type not in vocab.event_type_ids:
            self.problem(here + ("type",), f"unknown event type {block.type!r}")
        scalars: list[tuple[str, Any]] = []
        changes: dict[str, dict[str, set[str]]] = {"add": {}, "remove": {}}
        for name, value in block.attrs.items():
            definition = vocab.attribute_map.get(name)
            message = f"unknown attribute {name!r}" if definition is None else \
                attribute_problem(definition, value, vocab, set())
            if message:
                self.problem(here + ("attrs", name), message)
            elif definition is not None and definition.is_list:
                changes["add"].setdefault(name, set()).update(value)
            else:
                scalars.append((name, value))
        for key in ("add", "remove"):
            for name, values in getattr(block, key).items():
                definition = vocab.attribute_map.get(name)
                if definition is None:
                    self.problem(here + (key, name), f"unknown attribute {name!r}")
                elif not definition.is_list:
                    self.problem(here + (key, name), f"{name!r} is not a list attribute; set it with `attrs`")
                elif message := attribute_problem(definition, values, vocab, set()):
                    self.problem(here + (key, name), message)
                else:
                    changes[key].setdefault(name, set()).update(values)
        collects = []
        for j, spec in enumerate(block.collect):
            definition = vocab.attribute_map.get(spec.attr)
            where = here + ("collect", j)
            if definition is None:
                self.problem(where + ("attr",), f"unknown attribute {spec.attr!r}")
                continue
            if definition.type not in _AGENCY_TYPES:
                self.problem(where + ("attr",), f"{spec.attr!r} is a {definition.type} attribute; `collect` gathers "
                             "agencies, for attributes of type agency, agencies or parties")
                continue
            if spec.scope == "clause" and spec.within is not None:
                self.problem(where + ("within",), "`within` is for the scopes `after` and `before`")
            if spec.mode == "remove" and not definition.is_list:
                self.problem(where + ("mode",), f"{spec.attr!r} holds one agency; only a list can have one removed")
            within = spec.within if spec.within is not None else 3
            collects.append(_Collect(spec.attr, spec.scope, within, spec.mode == "remove", definition.is_list))
        for j, name in enumerate(block.row_agency):
            definition = vocab.attribute_map.get(name)
            if definition is None:
                self.problem(here + ("row_agency", j), f"unknown attribute {name!r}")
            elif definition.type not in _AGENCY_TYPES:
                self.problem(here + ("row_agency", j), f"{name!r} is a {definition.type} attribute, not an agency")
        if len(self.problems) > ok:
            return None
        return _Action(block.type, tuple(scalars),
                       tuple((n, tuple(sorted(v))) for n, v in sorted(changes["add"].items())),
                       tuple((n, tuple(sorted(v))) for n, v in sorted(changes["remove"].items())),
                       tuple(collects), tuple(block.row_agency), captures)


def _is_empty(action: _Action) -> bool:
    return not (action.type or action.scalars or action.add or action.remove or action.collect or action.row_agency)


def _capture_problem(definition: AttributeDef, value: Any, vocab: Vocabulary) -> str | None:
    if definition.type == "integer" and isinstance(value, str) and value.isdigit():
        return None
    return attribute_problem(definition, value, vocab, set())
