"""`auditor what-if`: re-audit a changed copy of a chronology and say which findings change.

Trainers ask "had the police been invited?" or "had the conference been held on 1 June?". The answer has to
come from the same audit as the real case, so the changes are made to a copy of the loaded data (the file is
never touched) and the copy goes through the same loader, structure checks and vocabulary checks as any
chronology: a what-if can only say what a real chronology could say. A problem in the copy is reported
against what caused it (the `--set` option and its entry and field, or the `--add` file and line), never
against a line of the original file that says something else.

Both audits run on one matcher (durable-rules allows one engine per process), and the findings are compared
by id. A finding whose verdict, figures and counts are all unchanged but whose wording, evidence or id
differs is only restating the changed entries (the GP-invitation finding lists who was invited; a dropped
record leaves its conflicting twin's finding with one record fewer); it is kept apart as "restated" so that
the changes a trainer asked about are not buried in echoes of the edit itself.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from ..audit.run import Matcher, audit, sha256_hex
from ..chronology.loader import chronology_from_document
from ..errors import InputError, Problem
from ..status import DEPARTURES, LABELS
from ..audit.findings import Finding
from ..chronology import Chronology, Event
from ..rulebook import Rulebook
from ..files.reading import Document, PathKey, load_text

# Event fields a --set may change directly; anything else that is not a top-level field names an attribute.
SETTABLE = ("date", "agency", "recorded_by", "author", "type", "people", "summary", "same_event_as")
_FIXED = frozenset(Event.model_fields) - set(SETTABLE) - {"attrs", "links"}  # id, source, ... : not for what-if
_ASSIGNMENT = re.compile(r"^(?P<target>[^=]+?)(?P<op>\+=|-=|=)(?P<value>.*)$", re.DOTALL)
CONSEQUENCE = "nothing was audited"

Op = Literal["=", "+=", "-="]
Group = Literal["now-met", "new-departure", "other", "restated"]


@dataclass(frozen=True)
class AppliedChange:
    """One change made to the copy, kept as data so the header and the JSON say exactly what was asked."""

    option: str  # as given: "--set E046.attrs.invited+=police", "--drop E044", "--add extra.yaml"
    kind: Literal["set", "add", "drop"]
    entry: str  # event id, or "case" for a case fact
    field: str = ""  # "attrs.invited", "date", "facts.domestic_abuse"; empty for add and drop
    op: str = "="
    before: Any = None  # None: not recorded
    after: Any = None
    removed_references: tuple[str, ...] = ()  # for a drop: "E039 same_event_as", "E043 links.follows"


@dataclass
class ChangedCase:
    document: Document
    chronology: Chronology
    changes: list[AppliedChange]


class _ChangedDocument(Document):
    """The copy's data, with each problem sent back to whatever put the offending value there.

    The loader names problems by path in the copy; a path under a `--set` becomes that option, an added
    event becomes its file and line, and anything else keeps its line in the original file (with the
    original index: dropping an event moves the others up).
    """

    def __init__(self, data: Any, original: Document, origins: list[tuple[Document, PathKey]],
                 touched: list[tuple[PathKey, str, str]]):
        super().__init__(original.file, data, lines={})
        self._original = original
        self._origins = origins
        self._touched = touched

    def problem(self, path: PathKey, message: str) -> Problem:
        path = tuple(path)
        for where, option, label in reversed(self._touched):
            if path[:len(where)] == where:
                return Problem(option, None, label + _tail(path[len(where):]), message)
        if len(path) >= 2 and path[0] == "events" and isinstance(path[1], int) and path[1] < len(self._origins):
            doc, prefix = self._origins[path[1]]
            return doc.problem(prefix + path[2:], message)
        return self._original.problem(path, message)


def _tail(rest: PathKey) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest)


# -- applying the changes ------------------------------------------------------------------------------------


def apply_changes(original: Document, vocabulary: Any, sets: Sequence[str] = (), adds: Sequence[Document] = (),
                  drops: Sequence[str] = ()) -> ChangedCase:
    """Drops first, then additions, then settings (so a --set may adjust an added event); every problem in
    the options is collected before any is raised, as the loader does for a file."""
    data = copy.deepcopy(original.data)
    events: list[Any] = data["events"]
    origins: list[tuple[Document, PathKey]] = [(original, ("events", i)) for i in range(len(events))]
    problems: list[Problem] = []
    changes: list[AppliedChange] = []
    touched: list[tuple[PathKey, str, str]] = []

    # Drops, and every reference to a dropped entry, so the copy is still a chronology the loader accepts.
    all_ids = [_event_id(e) for e in events]
    dropping: list[str] = []
    for entry in drops:
        entry = entry.strip()
        option = f"--drop {entry}"
        if entry not in all_ids:
            problems.append(Problem(option, None, entry, _unknown_entry(entry, all_ids)))
        elif entry not in dropping:
            dropping.append(entry)
    if dropping:
        removed: dict[str, list[str]] = {d: [] for d in dropping}
        kept = [(e, o) for e, o in zip(events, origins) if _event_id(e) not in dropping]
        for event, _ in kept:
            if not isinstance(event, dict):
                continue
            for relation, targets in list((event.get("links") or {}).items()):
                as_list = targets if isinstance(targets, list) else [targets]
                left = [t for t in as_list if t not in dropping]
                for gone in (t for t in as_list if t in dropping):
                    removed[gone].append(f"{event['id']} links.{relation}")
                if len(left) != len(as_list):
                    if left:
                        event["links"][relation] = left if isinstance(targets, list) else left[0]
                    else:
                        del event["links"][relation]
            if "links" in event and event["links"] == {}:
                del event["links"]
            if "same_event_as" in event:
                same = event["same_event_as"]
                as_list = same if isinstance(same, list) else [same]
                for gone in (t for t in as_list if t in dropping):
                    removed[gone].append(f"{event['id']} same_event_as")
                left = [t for t in as_list if t not in dropping]
                if left:
                    event["same_event_as"] = left
                else:
                    del event["same_event_as"]
        events[:] = [e for e, _ in kept]
        origins = [o for _, o in kept]
        for entry in dropping:
            before = next(e for e in original.data["events"] if _event_id(e) == entry)
            changes.append(AppliedChange(f"--drop {entry}", "drop", entry, before=copy.deepcopy(before),
                                         removed_references=tuple(removed[entry])))

    # Additions: appended, each keeping its own file and line for any problem the loader finds.
    present = [_event_id(e) for e in events]
    for doc in adds:
        option = f"--add {doc.file}"
        raw = doc.data
        prefix: PathKey = ()
        if isinstance(raw, dict) and set(raw) == {"events"}:
            raw, prefix = raw["events"], ("events",)
        if not isinstance(raw, list) or not raw:
            problems.append(doc.problem(prefix, "expected a list of events (or a mapping with `events:` and a list)"))
            continue
        for j, event in enumerate(raw):
            here = prefix + (j,)
            event_id = _event_id(event)
            if event_id in present:
                where = ("the chronology" if event_id in all_ids and event_id not in dropping
                         else "another added event")
                problems.append(doc.problem(here + ("id",), f"event id {event_id!r} is already used by {where}; "
                                            "choose an id of its own"))
                continue
            if event_id is not None:
                present.append(event_id)
            events.append(copy.deepcopy(event))
            origins.append((doc, here))
            changes.append(AppliedChange(option, "add", event_id or f"[{j}]", after=copy.deepcopy(event)))

    # Settings.
    index = {_event_id(e): i for i, e in enumerate(events) if _event_id(e) is not None}
    for text in sets:
        option = f"--set {text}"
        try:
            change, path = _apply_set(text, option, data, index, dropping)
        except InputError as exc:
            problems += exc.problems
            continue
        changes.append(change)
        touched.append((path, option, f"{change.entry}.{change.field}"))
    # The copy is loaded even when an option was refused, so one run lists every problem.
    document = _ChangedDocument(data, original, origins, touched)
    try:
        chronology = chronology_from_document(document, vocabulary)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems, CONSEQUENCE)
    return ChangedCase(document, chronology, changes)


def _event_id(event: Any) -> str | None:
    value = event.get("id") if isinstance(event, dict) else None
    return value if isinstance(value, str) else None


def _unknown_entry(entry: str, ids: list[str | None]) -> str:
    known = [i for i in ids if i]
    near = difflib.get_close_matches(entry, known, n=5, cutoff=0.6)
    hint = f"did you mean {', '.join(near)}?" if near else "entry ids are the events' `id` fields"
    return f"no entry {entry!r} in the chronology; {hint}"


def _apply_set(text: str, option: str, data: dict[str, Any], index: dict[str | None, int],
               dropping: list[str]) -> tuple[AppliedChange, PathKey]:
    def fail(where: str, message: str) -> InputError:
        return InputError([Problem(option, None, where, message)], CONSEQUENCE)

    match = _ASSIGNMENT.match(text)
    if not match:
        raise fail(text.strip() or "(empty)",
                   "expected ENTRY.FIELD=VALUE (or +=, -= for a list), e.g. E046.attrs.invited+=police")
    target, op, value_text = match.group("target").strip(), match.group("op"), match.group("value")
    try:
        value = _value(value_text, option)
    except InputError:
        if not target.endswith((".summary", ".author")):
            raise
        value = value_text
    if target.endswith((".summary", ".author")) and value is not None and not isinstance(value, str):
        value = value_text  # free text: "Seen: alone" is a sentence, not a YAML mapping
    if target.startswith("case."):
        parts = target.split(".")
        if len(parts) != 3 or parts[1] != "facts" or not parts[2]:
            raise fail(target, "a case-level change is case.facts.NAME=VALUE")
        if op != "=":
            raise fail(target, "case facts are single values: use =")
        facts = data["case"].setdefault("facts", {})
        before = facts.get(parts[2])
        if value is None:
            facts.pop(parts[2], None)
        else:
            facts[parts[2]] = value  # a what-if value has no source, so the original's is not kept with it
        return (AppliedChange(option, "set", "case", f"facts.{parts[2]}", op, copy.deepcopy(before), value),
                ("case", "facts", parts[2]))
    # Ids may contain dots, so the entry is the longest id the target starts with.
    entry = next((i for i in sorted((i for i in index if i), key=len, reverse=True)
                  if target == i or target.startswith(i + ".")), None)
    if entry is None:
        guess = target.split(".")[0]
        if guess in dropping:
            raise fail(guess, f"entry {guess!r} is removed by --drop {guess}")
        raise fail(guess, _unknown_entry(guess, list(index)))
    if target == entry:
        raise fail(entry, f"name a field: {entry}.FIELD, where FIELD is one of {', '.join(SETTABLE)}, "
                   "attrs.NAME or links.RELATION")
    parts = target[len(entry) + 1:].split(".")
    if len(parts) == 2 and parts[0] in ("attrs", "links") and parts[1]:
        key: PathKey = (parts[0], parts[1])
    elif len(parts) == 1 and parts[0] in SETTABLE:
        key = (parts[0],)
    elif len(parts) == 1 and parts[0] in _FIXED | {"attrs", "links"}:
        raise fail(f"{entry}.{parts[0]}", f"`{parts[0]}` cannot be changed with --set; change one of "
                   f"{', '.join(SETTABLE)}, attrs.NAME or links.RELATION")
    elif len(parts) == 1 and parts[0]:
        key = ("attrs", parts[0])  # a bare attribute name
    else:
        raise fail(target, f"expected {entry}.FIELD, {entry}.attrs.NAME or {entry}.links.RELATION")
    event = data["events"][index[entry]]
    holder = event
    for part in key[:-1]:
        if not isinstance(holder.get(part), dict):
            holder[part] = {}
        holder = holder[part]
    name = key[-1]
    before = copy.deepcopy(holder.get(name))
    field_name = ".".join(key)
    if op == "=":
        after = value
    else:
        if not (before is None or isinstance(before, list) or (key[0] == "links" and isinstance(before, str))):
            raise fail(f"{entry}.{field_name}", f"{op} needs a list, but it is {_shown(before)}; use = to replace it")
        if value is None:
            raise fail(f"{entry}.{field_name}", f"nothing to {'add' if op == '+=' else 'remove'}: give a value")
        current = [] if before is None else before if isinstance(before, list) else [before]
        items = value if isinstance(value, list) else [value]
        if op == "+=":
            after = current + [v for i, v in enumerate(items) if v not in current and v not in items[:i]]
        else:
            missing = [v for v in items if v not in current]
            if missing:
                raise fail(f"{entry}.{field_name}", f"{', '.join(map(str, missing))} not in "
                           f"{field_name} ({', '.join(map(str, current)) or 'empty'})")
            after = [v for v in current if v not in items]
    if after is None:
        holder.pop(name, None)
    else:
        holder[name] = after
    if len(key) == 2 and event.get(key[0]) == {}:  # the last attribute or link taken away
        del event[key[0]]
    return (AppliedChange(option, "set", entry, field_name, op, before, copy.deepcopy(after)),
            ("events", index[entry]) + key)


def _value(text: str, option: str) -> Any:
    """The value as the chronology loader would read it from a file (safe YAML; dates stay text until checked)."""
    try:
        return load_text(text, option).data
    except InputError as exc:
        raise InputError([Problem(option, None, "", p.message) for p in exc.problems], CONSEQUENCE) from None


# -- comparing the findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingChange:
    """One finding compared across the two audits; `before`/`after` None means there was no such finding."""

    finding_id: str
    new_id: str
    rule_id: str
    title: str
    before: str | None
    after: str | None
    before_statement: str
    after_statement: str
    restated: bool = False  # same verdict and figures: only the wording, evidence or id follows the changes

    @property
    def group(self) -> Group:
        if self.restated:
            return "restated"
        if self.before == self.after:
            return "other"
        if self.after == "met":
            return "now-met"
        if self.after in DEPARTURES and self.before not in DEPARTURES:
            return "new-departure"
        return "other"

    def headline(self) -> str:
        name = self.finding_id
        if self.new_id != self.finding_id and "@" in self.new_id:  # not merely the rule's "not applicable"
            name += f" (now {self.new_id})"
        if self.before == self.after:
            return f"{name}: {status_label(self.before)} (unchanged)"
        return f"{name}: {status_label(self.before)} -> {status_label(self.after)}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.finding_id, "new_id": self.new_id, "rule_id": self.rule_id, "title": self.title,
                "before": self.before, "after": self.after, "before_statement": self.before_statement,
                "after_statement": self.after_statement, "group": self.group, "headline": self.headline()}


@dataclass
class FindingsDiff:
    changes: list[FindingChange]  # a verdict, figure or count changed, or a finding came or went
    restated: list[FindingChange]  # same verdict and figures; the wording, evidence or id follows the changes
    compared: int

    def group(self, name: Group) -> list[FindingChange]:
        return [c for c in self.changes if c.group == name]


def status_label(status: str | None) -> str:
    return LABELS[status] if status else "No finding"


def diff_findings(before: list[Finding], after: list[Finding]) -> FindingsDiff:
    """Pair the findings of the two audits and keep the pairs that differ.

    Ids pair first; then a finding whose trigger's group of records changed (a dropped record of a
    conflicting pair turns @E039+E044 into @E039) pairs with the same rule's finding sharing an entry; then
    a finding whose trigger is gone pairs with its rule's "not applicable" finding, and the reverse.
    """
    old = {f.id: f for f in before}
    new = {f.id: f for f in after}
    pairs: list[tuple[Finding | None, Finding | None]] = [(old[i], new[i]) for i in old if i in new]
    lone_old = [f for f in before if f.id not in new]
    lone_new = [f for f in after if f.id not in old]
    for f in list(lone_old):
        entries = set(f.id.partition("@")[2].split("+")) - {""}
        mate = next((g for g in lone_new if g.rule_id == f.rule_id and entries
                     & set(g.id.partition("@")[2].split("+"))), None)
        if mate is not None:
            pairs.append((f, mate))
            lone_old.remove(f)
            lone_new.remove(mate)
    # A finding whose trigger is gone is now its rule's "not applicable" finding (and the reverse).
    for lone, other, forwards in ((lone_old, lone_new, True), (lone_new, lone_old, False)):
        not_applicable = {g.id: g for g in other if g.status == "not-applicable"}
        used: set[str] = set()
        for f in list(lone):
            mate = not_applicable.get(f.rule_id)
            if mate is not None:
                pairs.append((f, mate) if forwards else (mate, f))
                lone.remove(f)
                used.add(mate.id)
        other[:] = [g for g in other if g.id not in used]
    pairs += [(f, None) for f in lone_old] + [(None, g) for g in lone_new]
    changes: list[FindingChange] = []
    restated: list[FindingChange] = []
    for a, b in pairs:
        same = a is not None and b is not None and _substance(a) == _substance(b)
        if same and a == b:
            continue
        ref = a if a is not None else b
        assert ref is not None
        change = FindingChange(ref.id, b.id if b is not None else ref.id, ref.rule_id, ref.title,
                               a.status if a else None, b.status if b else None,
                               a.statement if a else "", b.statement if b else "", restated=same)
        (restated if same else changes).append(change)
    order = {f.id: i for i, f in enumerate(before)}
    later = len(order)
    changes.sort(key=lambda c: (order.get(c.finding_id, later), c.new_id))
    restated.sort(key=lambda c: (order.get(c.finding_id, later), c.new_id))
    return FindingsDiff(changes, restated, len(pairs))


_DATE = re.compile(r"\d{2}/\d{2}/\d{4}|\d{2}/\d{4}|\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"(?<![\w/])\d+(?![\w/])")


def _counts(text: str) -> list[str]:
    """The counts a statement gives (working days late, hours), without its dates or entry ids."""
    return _NUMBER.findall(_DATE.sub(" ", text))


def _substance(f: Finding) -> tuple[Any, ...]:
    """What a finding concludes, apart from how its wording quotes the entries and which records it cites.

    Readings count as a set: two records of one event that both give "met" conclude what one record does.
    """
    readings = frozenset((a.status, tuple(_counts(a.statement))) for a in f.depends_on) or \
        frozenset({(f.status, tuple(_counts(f.statement)))})
    return (f.status, json.dumps(f.figures, sort_keys=True, default=str), f.edition, readings)


# -- the whole what-if -----------------------------------------------------------------------------------------


@dataclass
class WhatIfResult:
    case_file: str
    case_id: str
    case_title: str
    changes: list[AppliedChange]
    descriptions: list[str]
    diff: FindingsDiff
    meta: dict[str, Any] = field(default_factory=dict)
    changed_yaml: str = ""


def run_what_if(original: Document, rulebook: Rulebook, matcher: Matcher, engine_version: str,
                sets: Sequence[str] = (), adds: Sequence[Document] = (), drops: Sequence[str] = (),
                input_digest: str = "") -> WhatIfResult:
    """Audit the original and the changed copy with the same matcher and compare the findings."""
    vocabulary = rulebook.vocabulary
    before_chron = chronology_from_document(original, vocabulary)
    changed = apply_changes(original, vocabulary, list(sets), list(adds), list(drops))
    changed_yaml = changed_chronology_yaml(changed, original.file)
    before = audit(before_chron, rulebook, matcher, engine_version, input_digest)
    after = audit(changed.chronology, rulebook, matcher, engine_version, sha256_hex(changed_yaml.encode("utf-8")))
    meta = {k: before.meta[k] for k in ("auditor_version", "engine", "engine_version", "rulebook",
                                          "rulebook_version")}
    meta["input_sha256"] = before.meta["input_sha256"]
    meta["changed_sha256"] = after.meta["input_sha256"]
    descriptions = [describe(c, before_chron, changed.chronology) for c in changed.changes]
    return WhatIfResult(original.file, before_chron.case.id, before_chron.case.title, changed.changes,
                        descriptions, diff_findings(before.findings, after.findings), meta, changed_yaml)


def changed_chronology_yaml(changed: ChangedCase, source: str) -> str:
    """The copy as a chronology file for reuse; the original's comments are not carried over."""
    head = [f"# What-if copy of {source} (comments in the original are not kept). Changes:"]
    head += [f"#   {c.option}" for c in changed.changes]
    body = yaml.safe_dump(changed.document.data, sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(head) + "\n" + body


def _entry_label(event: Event) -> str:
    return f"{event.id} ({event.type.replace('-', ' ')}, {event.date.human()})"


def _shown(value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    text = str(value)
    return text if len(text) <= 90 else text[:87] + "..."


def describe(change: AppliedChange, before: Chronology, after: Chronology) -> str:
    """One line a trainer can read out: which entry, what it said, what it says now."""
    if change.kind == "drop":
        text = f"{_entry_label(before.by_id[change.entry])} removed"
        if change.removed_references:
            text += "; references to it removed from " + ", ".join(change.removed_references)
        return text
    if change.kind == "add":
        event = after.by_id.get(change.entry)
        return f"{_entry_label(event) if event else change.entry} added"
    if change.entry == "case":
        return f"case {change.field}: {_shown(change.before)} -> {_shown(change.after)}"
    label = _entry_label(before.by_id[change.entry]) if change.entry in before.by_id \
        else _entry_label(after.by_id[change.entry])
    if change.field == "date" and change.entry in before.by_id and change.entry in after.by_id:
        return f"{label}: date {before.by_id[change.entry].date.human()} -> {after.by_id[change.entry].date.human()}"
    if change.op in ("+=", "-="):
        verb = "added" if change.op == "+=" else "removed"
        delta = [v for v in (change.after or []) if v not in (change.before or [])] if change.op == "+=" else \
            [v for v in (change.before or []) if v not in (change.after or [])]
        if not delta:
            return f"{label}: {change.field} already {_shown(change.before)}; nothing {verb}"
        return f"{label}: {change.field}: {', '.join(map(str, delta))} {verb}, now {_shown(change.after)}"
    return f"{label}: {change.field}: {_shown(change.before)} -> {_shown(change.after)}"


# -- rendering -----------------------------------------------------------------------------------------------

_GROUPS: tuple[tuple[Group, str], ...] = (("now-met", "Now met"), ("new-departure", "Now departures"),
                                          ("other", "Other changes"))


def render(result: WhatIfResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return _markdown(result)
    return _text(result)


def as_dict(result: WhatIfResult) -> dict[str, Any]:
    diff = result.diff
    return {
        "case_id": result.case_id, "case_file": result.case_file, "meta": result.meta,
        "changes_applied": [{"option": c.option, "kind": c.kind, "entry": c.entry, "field": c.field, "op": c.op,
                             "before": c.before, "after": c.after, "removed_references": list(c.removed_references),
                             "description": d} for c, d in zip(result.changes, result.descriptions)],
        "now_met": [c.as_dict() for c in diff.group("now-met")],
        "new_departures": [c.as_dict() for c in diff.group("new-departure")],
        "other_changes": [c.as_dict() for c in diff.group("other")],
        "restated": [c.as_dict() for c in diff.restated],
        "compared": diff.compared,
        "unchanged": diff.compared - len(diff.changes),
    }


def _closing(diff: FindingsDiff) -> str:
    if not diff.changes:
        return f"No findings changed ({diff.compared} compared)."
    return f"No other findings changed ({diff.compared} compared)."


def _restated_line(diff: FindingsDiff) -> str:
    names = [c.headline().partition(": ")[0] for c in diff.restated]
    return f"Same verdict and figures, only restated from the changed entries: {', '.join(names)}."


def _text(result: WhatIfResult) -> str:
    lines = [f"What if: {result.case_id} ({result.case_title})",
             f"Changes made to a copy of {result.case_file} (the file itself is not changed):"]
    for change, text in zip(result.changes, result.descriptions):
        lines += [f"  {change.option}", f"    {text}"]
    for name, heading in _GROUPS:
        group = result.diff.group(name)
        if not group:
            continue
        lines += ["", f"{heading} ({len(group)}):"]
        for c in group:
            lines.append(f"  {c.headline()}")
            lines.append(f"    {c.title}")
            if c.before_statement:
                lines.append(f"    was: {c.before_statement}")
            if c.after_statement:
                lines.append(f"    now: {c.after_statement}")
    lines.append("")
    if result.diff.restated:
        lines.append(_restated_line(result.diff))
    lines.append(_closing(result.diff))
    return "\n".join(lines) + "\n"


def _markdown(result: WhatIfResult) -> str:
    lines = [f"## What if: {result.case_id}", "", f"{result.case_title}. Changes made to a copy of "
             f"`{result.case_file}` (the file itself is not changed):", ""]
    for change, text in zip(result.changes, result.descriptions):
        lines.append(f"- `{change.option}`: {text}")
    for name, heading in _GROUPS:
        group = result.diff.group(name)
        if not group:
            continue
        lines += ["", f"### {heading} ({len(group)})", ""]
        for c in group:
            lines.append(f"- **{c.headline()}**: {c.title}")
            if c.before_statement:
                lines.append(f"  - was: {c.before_statement}")
            if c.after_statement:
                lines.append(f"  - now: {c.after_statement}")
    lines.append("")
    if result.diff.restated:
        lines += [_restated_line(result.diff), ""]
    lines.append(_closing(result.diff))
    return "\n".join(lines) + "\n"
