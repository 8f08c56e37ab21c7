"""Load a chronology file and check it against the vocabulary.

Structure errors and vocabulary errors are reported together, each with the
file, line and field, so one run tells the author everything to fix.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..limits import current
from . import Case, Chronology, Event
from ..files.reading import Document, load_file, load_text
from ..files.validation import validate
from .vocabulary import AttributeDef, Vocabulary


def load_chronology(path: Path | str, vocabulary: Vocabulary) -> Chronology:
    return chronology_from_document(load_file(path), vocabulary)


def chronology_from_text(text: str, file: str, vocabulary: Vocabulary) -> Chronology:
    return chronology_from_document(load_text(text, file), vocabulary)


def chronology_from_document(doc: Document, vocabulary: Vocabulary) -> Chronology:
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "expected a mapping with `case` and `events`")])
    events = doc.data.get("events")
    if isinstance(events, list) and len(events) > current().events:
        raise InputError([doc.problem(("events",), f"{len(events):,} events; at most {current().events:,} are "
                                      "audited in one chronology (see --limits)")])
    # Fast path: the whole file in one validation. Any problem at all, and the detailed path below
    # runs from the start, so every problem is reported as before, with its file, line and field.
    try:
        chron = Chronology.model_validate(doc.data)
    except ValidationError:
        pass
    else:
        if not _duplicate_ids(doc) and not _vocabulary_problems(
                chron.case, list(enumerate(chron.events)), {e.id for e in chron.events}, doc, vocabulary):
            return chron
    return _detailed(doc, vocabulary)


def _detailed(doc: Document, vocabulary: Vocabulary) -> Chronology:
    """Validate the case and each event on its own, so one broken event does not hide the others' problems."""
    problems = _duplicate_ids(doc)
    unknown = sorted(set(doc.data) - {"case", "events"})
    problems += [doc.problem((key,), "unknown top-level field; expected `case` and `events`") for key in unknown]
    case = None
    if "case" not in doc.data:
        problems.append(doc.problem((), "required field `case` is missing"))
    else:
        try:
            case = validate(Case, doc, doc.data["case"], ("case",))
        except InputError as exc:
            problems += exc.problems
    raw_events = doc.data.get("events")
    if not isinstance(raw_events, list):
        problems.append(doc.problem(("events",), "expected a list of events"))
        raw_events = []
    # Each event is validated on its own so one broken event does not hide the others' problems.
    events: list[tuple[int, Event]] = []
    for i, raw in enumerate(raw_events):
        try:
            events.append((i, validate(Event, doc, raw, ("events", i))))
        except InputError as exc:
            problems += exc.problems
    all_ids = {raw["id"] for raw in raw_events if isinstance(raw, dict) and isinstance(raw.get("id"), str)}
    if case is not None:
        problems += _vocabulary_problems(case, events, all_ids, doc, vocabulary)
    if problems:
        raise InputError(problems)
    assert case is not None
    return Chronology(case=case, events=[e for _, e in events])


def _duplicate_ids(doc: Document) -> list[Problem]:
    events = doc.data.get("events")
    if not isinstance(events, list):
        return []
    ids = [e.get("id") for e in events if isinstance(e, dict) and isinstance(e.get("id"), str)]
    repeated = {i for i, n in Counter(ids).items() if n > 1}
    seen: set[str] = set()
    out = []
    for index, event in enumerate(events):
        event_id = event.get("id") if isinstance(event, dict) else None
        if isinstance(event_id, str) and event_id in repeated:
            if event_id in seen:
                out.append(doc.problem(("events", index, "id"), f"duplicate event id {event_id!r}"))
            seen.add(event_id)
    return out


def _vocabulary_problems(case: Case, events: list[tuple[int, Event]], event_ids: set[Any], doc: Document,
                         vocab: Vocabulary) -> list[Problem]:
    out: list[Problem] = []
    person_ids = {p.id for p in case.people}
    agencies = vocab.agency_ids

    def bad(path: tuple[Any, ...], message: str) -> None:
        out.append(doc.problem(path, message))

    for i, person in enumerate(case.people):
        if person.role not in vocab.role_ids:
            bad(("case", "people", i, "role"), f"unknown role {person.role!r}; expected one of {_list(vocab.role_ids)}")
    for i, agency in enumerate(case.agencies):
        if agency not in agencies:
            bad(("case", "agencies", i), f"unknown agency {agency!r}; expected one of {_list(agencies)}")
    for name, fact in case.facts.items():
        definition = vocab.case_fact_map.get(name)
        message = (f"unknown case fact {name!r}; expected one of {_list(vocab.case_fact_map)}" if definition is None
                   else attribute_problem(definition, fact.value, vocab, person_ids))
        if message:
            bad(("case", "facts", name, "value") if definition else ("case", "facts", name), message)
    for i, event in events:
        here = ("events", i)
        if event.type not in vocab.event_type_ids:
            bad(here + ("type",), f"unknown event type {event.type!r}; expected one of {_list(vocab.event_type_ids)}")
        for name in ("agency", "recorded_by"):
            value = getattr(event, name)
            if value is not None and value not in agencies:
                bad(here + (name,), f"unknown agency {value!r}; expected one of {_list(agencies)}")
        for j, person in enumerate(event.people):
            if person not in person_ids:
                bad(here + ("people", j), f"unknown person {person!r}; people are listed in case.people")
        if case.sources and event.source.document not in case.sources:
            bad(here + ("source", "document"), f"unknown source document {event.source.document!r}; "
                f"expected one of {_list(case.sources)}")
        for name, value in event.attrs.items():
            definition = vocab.attribute_map.get(name)
            if definition is None:
                bad(here + ("attrs", name), f"unknown attribute {name!r}; expected one of {_list(vocab.attribute_map)}")
                continue
            message = attribute_problem(definition, value, vocab, person_ids)
            if message:
                bad(here + ("attrs", name), message)
        for relation, targets in event.links.items():
            for target in targets:
                if target not in event_ids:
                    bad(here + ("links", relation), f"links to missing event {target!r}")
        for target in event.same_event_as:
            if target == event.id:
                bad(here + ("same_event_as",), "an event cannot be another record of itself")
            elif target not in event_ids:
                bad(here + ("same_event_as",), f"names missing event {target!r}")
    return out


def attribute_problem(definition: AttributeDef, value: Any, vocab: Vocabulary, person_ids: set[str]) -> str | None:
    kind = definition.type
    if definition.is_list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expected a list of ids ({kind}), got {value!r}"
        if kind == "agencies":
            allowed = vocab.agency_ids
        elif kind == "people":
            allowed = person_ids  # type: ignore[assignment]
        elif kind == "concerns":
            allowed = vocab.concern_ids
        else:
            allowed = vocab.agency_ids | person_ids
        unknown = [v for v in value if v not in allowed]
        return f"unknown {kind} {unknown}; expected ids from {_list(allowed)}" if unknown else None
    if kind == "bool":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if kind == "integer":
        return None if isinstance(value, int) and not isinstance(value, bool) else f"expected a whole number, got {value!r}"
    if not isinstance(value, str):
        return f"expected text, got {value!r}"
    if kind == "enum" and value not in definition.values:
        return f"expected one of {definition.values}, got {value!r}"
    if kind == "agency" and value not in vocab.agency_ids:
        return f"unknown agency {value!r}"
    if kind == "person" and value not in person_ids:
        return f"unknown person {value!r}"
    return None


def _list(values: Any) -> str:
    items = sorted(values)
    return ", ".join(items) if len(items) <= 12 else ", ".join(items[:12]) + f", ... ({len(items)} in all)"
