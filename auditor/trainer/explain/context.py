"""What every step needs about the case, worked out once, and the small wordings the steps share."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...engine.expr import from_condition, holds
from ...engine.facts import event_case_values, event_fact, record_groups
from ...chronology import Chronology, Event
from ...rulebook import Rulebook
from ...rulebook.conditions import All, Any_, Condition, Leaf, describe, label
from ...rulebook.schema import Citation
from ...audit.wording import event_label, party_names
from .model import Line

class _Context:
    """What every step needs about the case, worked out once."""

    def __init__(self, chron: Chronology, rulebook: Rulebook):
        self.chron = chron
        self.rulebook = rulebook
        self.names = party_names(chron, rulebook)
        self.groups = record_groups(chron)
        self._facts: dict[str, dict[str, Any]] = {}

    def fact(self, event: Event) -> dict[str, Any]:
        found = self._facts.get(event.id)
        if found is None:
            found = self._facts[event.id] = event_fact(
                event, self.chron, f"{self.chron.case.id}#explain"
            )
        return found

    def name(self, identifier: Any) -> str:
        return self.names.get(str(identifier), label(str(identifier)))


# -- words -----------------------------------------------------------------------------


def _types(types: list[str]) -> str:
    return " or ".join(event_label(t) for t in types)


def _weekday_day(day: date) -> str:
    return f"{day:%A %d/%m/%Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(event: Event) -> str:
    """The date without the source's wording, for lists."""
    d = event.date
    return (
        f"{d.earliest:%d/%m/%Y} to {d.latest:%d/%m/%Y}"
        if d.precision == "range"
        else d.human()
    )


def _date_as_range(event: Event) -> str:
    d = event.date
    if d.precision == "datetime":
        return f"{d.human()} (an exact moment)"
    lo, hi = d.earliest, d.latest
    if d.exact_day:
        return f"{d.human()} (the whole day; the time is not recorded)"
    written = f', written "{d.as_written}"' if d.as_written else ""
    kind = d.human() if d.precision == "month" else "a range"
    return f"{kind}{written}: any day from {lo:%d/%m/%Y} to {hi:%d/%m/%Y}"


def _cite_text(cite: Citation) -> str:
    text = cite.human()
    if cite.quote:
        text += f' - "{cite.quote}"'
    return text + f" (checked {cite.checked:%d/%m/%Y})"


def _source(event: Event, chron: Chronology) -> str:
    """As the audit's evidence gives it: the document's title in place of its key."""
    text = event.source.human()
    title = chron.case.sources.get(event.source.document)
    return text.replace(event.source.document, title.title, 1) if title else text


def _value_words(value: Any, ctx: _Context) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(ctx.name(v) for v in value) if value else "an empty list"
    return ctx.name(value) if isinstance(value, str) else str(value)


_MISSING = object()


def _recorded(leaf: Leaf, event: Event, ctx: _Context) -> Any:
    if leaf.attr is not None:
        return event.attrs.get(leaf.attr, _MISSING)
    if leaf.case is not None:
        return event_case_values(ctx.chron, event).get(leaf.case, _MISSING)
    return {"type": event.type, "agency": event.agency, "recorded_by": event.record_of}[
        str(leaf.field)
    ]


def _condition_lines(
    condition: Condition, event: Event, ctx: _Context, level: int
) -> list[Line]:
    """The condition in words, each part with whether this entry meets it and what
    the entry records."""
    fact = ctx.fact(event)
    ok = holds(from_condition(condition), fact)  # type: ignore[arg-type]
    if isinstance(condition, (All, Any_)):
        children = condition.all if isinstance(condition, All) else condition.any
        head = "all of these" if isinstance(condition, All) else "at least one of these"
        out = [Line(f"{head} ({'met' if ok else 'not met'}):", level)]
        for child in children:
            out += _condition_lines(child, event, ctx, level + 1)
        return out
    assert isinstance(condition, Leaf)
    value = _recorded(condition, event, ctx)
    shown = (
        "not recorded" if value is _MISSING else f"recorded: {_value_words(value, ctx)}"
    )
    return [
        Line(
            f"{describe(condition, ctx.names)}: {'met' if ok else 'not met'} ({shown})",
            level,
        )
    ]


def _first_failing(condition: Condition, event: Event, ctx: _Context) -> str:
    """The condition an entry fails, in one phrase, for lists of entries that did
    not count."""
    lines = _condition_lines(condition, event, ctx, 0)
    failing = [
        ln.text for ln in lines if ": not met" in ln.text and not ln.text.endswith(":")
    ]
    return "; ".join(failing) or f"{describe(condition, ctx.names)}: not met"
