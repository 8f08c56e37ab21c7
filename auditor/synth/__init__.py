"""Synthetic case chronologies for load tests, benchmarks and trainers.

Each case is built from episodes like the founding case's: police domestic abuse incidents (DASH
risk assessment, history check, referral to children's social care when children were present,
MARAC, arrest and prosecution decision), a referral to children's social care, the decision on it
and an initial assessment (referrals before 15/04/2013) or a single assessment (from that day),
with information checks; a strategy discussion, section 47 enquiry and initial child protection
conference (invitations, reports, minutes), core groups and review conferences; health visiting,
midwifery and GP contacts (routine enquiry, partner present); housing actions, specialist domestic
abuse services, moves, case transfers and closures. Dates run from 2006 to 2024, so every Working
Together edition and the 2013 change are exercised. People are pseudonyms and roles only (Adult A,
Adult B, Child 1..n; practitioners SW1, HV1, GP1 ...); areas are `birmingham`, none, or a made-up
id (`synth-area-N`).

Every *opportunity* to depart from a standard (a trigger the rulebook judges) is either planted as
a departure, with probability `departure_rate`, or built compliant. The chronology schema forbids
unknown fields, so what was planted travels beside the case in a `Plan`: one `Opportunity` per
rule and trigger event, with the status an audit should give. A controlled share of dates is
written month-only or as a range with `as_written`, and a small share of events have a second,
conflicting record (`same_event_as`); where either touches the dates a timing standard depends on,
the opportunity is marked inexact and a compliant one may also read as a possible departure.

Case `index` (1-based) of a seed is built from `random.Random` seeded with (seed, index) alone, so
case 7 is the same whether 10 or 10,000 cases are generated, and `iter_cases` builds one case at a
time. Output is deterministic: the same arguments give the same bytes.

How the package reads, in the order a case is made: `constants` (the cast, the agencies and the key dates)
and `standards` (the rules departures are planted of, and what each departure looks like); `builder` (what every
episode builds on: writing events, recording opportunities, the random draws and working-day arithmetic);
`storyline` (what a case will contain: the family, the area, the dates and which episodes, drawn at random); the
episodes, one family to a module: `police` (domestic abuse incidents, DASH, MARAC, arrest and prosecution,
specialist support), `referral` (referral, decision and assessment), `assessment` (information checks, home
visits, the core assessment), `strategy` (strategy discussion and section 47 enquiry), `conference` (initial and
review conferences), `child_protection` (the plan: core groups, breakdown, reviews), `closure` (child in need,
transfer and closure), `health` and `housing`; `routine` (routine contacts up to the target size); `finish` (ids,
loose dates and the case document); `case` (the `SynthCase`, its JSON and YAML, and the `Plan` of what was
planted). This module holds the entry points.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from .builder import add_months
from .case import Opportunity, Plan, SynthCase, to_json, to_yaml
from .constants import AGENCY_ORDER, GENERATOR, SOURCE_KEY
from .standards import DEPARTURES, RULES
from .storyline import CaseBuilder

__all__ = ["AGENCY_ORDER", "DEPARTURES", "GENERATOR", "RULES", "SOURCE_KEY", "Opportunity", "Plan", "SynthCase",
           "add_months", "case_rng", "generate", "iter_cases", "make_case", "to_json", "to_yaml"]


def case_rng(seed: int, index: int) -> random.Random:
    """The generator for case `index` of `seed`: independent of how many cases are made."""
    return random.Random(f"{GENERATOR}:{seed}:{index}")


def make_case(seed: int, index: int, events: int = 40, departure_rate: float = 0.3, *,
              imprecise_rate: float = 0.15, conflict_rate: float = 0.1) -> SynthCase:
    """Case `index` (1-based) of `seed`."""
    for name, value in (("departure_rate", departure_rate), ("imprecise_rate", imprecise_rate),
                        ("conflict_rate", conflict_rate)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if events < 1:
        raise ValueError(f"events must be at least 1, got {events}")
    builder = CaseBuilder(case_rng(seed, index), seed, index, events, departure_rate, imprecise_rate, conflict_rate)
    return builder.build()


def iter_cases(n: int, seed: int, events: int = 40, departure_rate: float = 0.3, *, start: int = 1,
               imprecise_rate: float = 0.15, conflict_rate: float = 0.1) -> Iterator[SynthCase]:
    """Cases start .. start+n-1 of `seed`, built one at a time."""
    for index in range(start, start + n):
        yield make_case(seed, index, events, departure_rate, imprecise_rate=imprecise_rate,
                        conflict_rate=conflict_rate)


def generate(n: int, seed: int, events: int = 40, departure_rate: float = 0.3, **rates: float) -> list[SynthCase]:
    """All n cases in memory, each with its plan (for tests; stream with `iter_cases`)."""
    return list(iter_cases(n, seed, events, departure_rate, **rates))
