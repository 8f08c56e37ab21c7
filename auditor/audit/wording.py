"""The words of findings: default statements per template and outcome, dates as people read them, names.

Rule authors may replace a statement with their own (`finding:` in a rule); placeholders are filled by
plain substitution, never `str.format`, so rule text cannot reach attribute lookups. Every sentence is
blame-free: absences are "not evidenced in the chronology", lateness is "later than expected by N".
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Protocol

from ..chronology import Chronology
from ..rulebook import Rulebook, Variant
from ..rulebook.conditions import label
from .clock import Moment


class Worded(Protocol):
    """What a statement is written from (a `Verdict`; named by shape so that wording needs no verdicts)."""

    variant: Variant
    kind: str
    values: dict[str, Any]


@cache
def event_label(event_type: str) -> str:
    return "recorded event" if event_type == "other" else label(event_type)



def human(moment: Moment) -> str:
    return f"{moment:%d/%m/%Y}" if type(moment) is date else f"{moment:%d/%m/%Y %H:%M}"


def span(lo: Moment, hi: Moment) -> str:
    return human(lo) if lo == hi else f"between {human(lo)} and {human(hi)}"


def iso_span(lo: Moment, hi: Moment) -> str:
    return lo.isoformat() if lo == hi else f"{lo.isoformat()}/{hi.isoformat()}"


# -- wording --------------------------------------------------------------------------------------

STATEMENTS: dict[tuple[str, str], str] = {
    ("within", "released"): "The {release} {release_date} ({release_id}) decided {decided} on the {trigger} {trigger_date}: no {counterpart} was called for, so the standard did not apply.",
    ("follows", "released"): "The {release} {release_date} ({release_id}) decided {decided} on the {trigger} {trigger_date}: no {counterpart} was called for, so the standard did not apply.",
    ("within", "met"): "The {counterpart} {counterpart_date} was within {limit} of the {trigger} {trigger_date} (deadline {deadline}).",
    ("within", "late"): "The {counterpart} {counterpart_date} was later than expected by {late}: the deadline was {deadline}, {limit} after the {trigger} {trigger_date}.",
    ("within", "absent"): "No {counterpart} is evidenced in the chronology by the deadline of {deadline} ({limit} after the {trigger} {trigger_date}); searched to {chronology_end}.",
    ("within", "possible"): "Whether the {counterpart} ({counterpart_date}) was within {limit} of the {trigger} ({trigger_date}) depends on exact dates the chronology does not give; the deadline is {deadline}.",
    ("within", "possible-unanswered"): "The {counterpart} {counterpart_date} may have come before the {trigger} {trigger_date}, or may answer another, so whether the {trigger} was answered within {limit} depends on exact dates the chronology does not give; the deadline is {deadline}.",
    ("follows", "possible"): "Whether the {counterpart} ({counterpart_date}) followed the {trigger} ({trigger_date}) depends on exact dates the chronology does not give.",
    ("follows", "possible-unanswered"): "The {counterpart} {counterpart_date} may have come before the {trigger} {trigger_date}, or may answer another, so whether anything followed it depends on exact dates the chronology does not give.",
    ("follows", "open"): "No {counterpart} is evidenced in the chronology after the {trigger} {trigger_date}; searched to {chronology_end}.",
    ("within", "open"): "The chronology ends on {chronology_end}, before the window closes ({deadline}); no {counterpart} is recorded by then.",
    ("within", "too-imprecise"): "Not judged: the {vague_entry} is dated only {vague}, too imprecise to weigh against {limit} after the {trigger} {trigger_date}.",
    ("within", "unrecorded"): "Not evaluable: the record has no {unrecorded} for the {unrecorded_entry}, so whether it came within {limit} of the {trigger} {trigger_date} (deadline {deadline}) cannot be told from the record.",
    ("follows", "too-imprecise"): "Not judged: the {vague_entry} is dated only {vague}, too imprecise to say whether a {counterpart} followed the {trigger} {trigger_date}.",
    ("lead-time", "too-imprecise"): "Not judged: the {vague_entry} is dated only {vague}, too imprecise to say whether the {counterpart} came {ahead} the {trigger} {trigger_date}.",
    ("precedes", "too-imprecise"): "Not judged: the {vague_entry} is dated only {vague}, too imprecise to say whether the {counterpart} came before the {trigger} {trigger_date}.",
    ("within", "possible-open"): "No {counterpart} is recorded by {chronology_end}, the end of the chronology; whether the deadline ({deadline}, {limit} after the {trigger} {trigger_date}) had passed by then depends on dates the chronology does not give.",
    ("follows", "met"): "The {counterpart} {counterpart_date} followed the {trigger} {trigger_date}.",
    ("follows", "absent"): "No {counterpart} is evidenced in the chronology after the {trigger} {trigger_date}; searched to {chronology_end}.",
    ("lead-time", "met"): "The {counterpart} {counterpart_date} was provided {ahead} the {trigger} {trigger_date} (expected by {expected_by}).",
    ("lead-time", "late"): "The {counterpart} was provided {late} ({counterpart_date}), later than expected: the standard is {ahead} the {trigger} {trigger_date}, that is by {expected_by}.",
    ("lead-time", "possible"): "Whether the {counterpart} ({counterpart_date}) came {ahead} the {trigger} ({trigger_date}) depends on times the chronology does not give (expected by {expected_by}).",
    ("lead-time", "absent"): "No {counterpart} for the {trigger} {trigger_date} is evidenced in the chronology.",
    ("lead-time", "possible-unanswered"): "The {counterpart} {counterpart_date} may have come after the {trigger} {trigger_date}, so whether one came {ahead} it depends on exact dates the chronology does not give (expected by {expected_by}).",
    ("lead-time", "open"): "No {counterpart} for the {trigger} {trigger_date} is evidenced in the chronology.",
    ("precedes", "met"): "The {counterpart} {counterpart_date} came before the {trigger} {trigger_date}.",
    ("precedes", "possible"): "Whether the {counterpart} ({counterpart_date}) came before the {trigger} ({trigger_date}) depends on exact dates the chronology does not give.",
    ("precedes", "absent"): "No {counterpart} is evidenced in the chronology before the {trigger} {trigger_date}.",
    ("precedes", "possible-unanswered"): "Whether the {counterpart} ({counterpart_date}) came before the {trigger} ({trigger_date}) depends on exact dates the chronology does not give.",
    ("precedes", "open"): "No {counterpart} is evidenced in the chronology before the {trigger} {trigger_date}.",
    ("includes", "met"): "{value} among those recorded as {field} for the {trigger} {trigger_date}.",
    ("includes", "absent"): "{value} not evidenced among those recorded as {field} for the {trigger} {trigger_date} (recorded: {recorded}).",
    ("includes", "missing"): "Who was {field} for the {trigger} {trigger_date} is not recorded in the chronology.",
    ("includes", "met-related"): "{value} among those recorded as {field} on the {counterpart} {counterpart_date}, for the {trigger} {trigger_date}.",
    ("includes", "absent-related"): "{value} not evidenced among those recorded as {field} on the {counterpart} {counterpart_date}, for the {trigger} {trigger_date} (recorded: {recorded}).",
    ("requires", "met"): "The {trigger} {trigger_date} evidences the expectation ({expectation}).",
    ("requires", "met-related"): "The {counterpart} {counterpart_date}, about the same matter as the {trigger} {trigger_date}, evidences the expectation ({expectation}).",
    ("requires", "absent-related"): "The {trigger} {trigger_date} does not record it, and the {counterpart} {counterpart_date}, about the same matter, records that the expectation was not met (expected: {expectation}).",
    ("requires", "absent"): "The {trigger} {trigger_date} does not evidence what the standard expects (expected: {expectation}).",
    ("requires", "missing"): "Whether the {trigger} {trigger_date} met the expectation (expected: {expectation}) is not recorded in the chronology ({missing}).",
}
WORDING_FIELD = {"met": "met", "met-related": "met", "late": "breach", "absent": "breach",
                  "absent-related": "breach", "possible": "possible",
                  "possible-unanswered": "possible", "possible-open": "possible", "open": "not_evaluable",
                  "too-imprecise": "not_evaluable", "unrecorded": "not_evaluable",
                  "missing": "not_evaluable"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def statement(verdict: Worded) -> str:
    wording = WORDING_FIELD.get(verdict.kind)  # a released trigger has no custom wording: the standard did not apply
    custom = getattr(verdict.variant.rule.finding, wording) if wording else None
    text = custom or STATEMENTS[(verdict.variant.check.template, verdict.kind)]
    # Plain substitution, never str.format: rule text must not reach attribute lookups.
    said = _PLACEHOLDER.sub(lambda m: str(verdict.values.get(m.group(1), m.group(0))), text)
    run = verdict.values.get("accumulated")  # the run an accumulation's trigger completed (verdicts._state_run)
    return f"{run} {said}" if run else said


def party_names(chron: Chronology, rulebook: Rulebook) -> dict[str, str]:
    """Agency names and pseudonyms by id, for sentences people read."""
    names = {a.id: a.name for a in rulebook.vocabulary.agencies}
    names.update({p.id: p.pseudonym for p in chron.case.people})
    return names
