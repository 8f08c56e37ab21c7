"""The one-page "7-minute briefing" trainers hand out: what happened, the top departures, why they matter, questions.

Everything it says comes from the audit and the rulebook: the departures in order
of severity then date, each rule's `why`, and reflective questions drawn in turn
from the rules involved (the rulebook's `briefing_questions` fill any gap), so a
rule author changes the briefing by editing YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..audit.run import AuditResult
from ..audit.findings import status_count
from ..rulebook import Rulebook
from ..status import DEPARTURES
from ..words import count

TOP = 4  # departures on one page
QUESTIONS = 3
_RANK = {"breach": 0, "possible-breach": 1}
_SEVERITY = {"must": 0, "should": 1}


@dataclass(frozen=True)
class BriefItem:
    title: str
    status_label: str
    statement: str
    why: str
    citation: str
    date: str
    learning: str = ""  # the review this is practice learning from (Finding.learning), not a standard here


@dataclass(frozen=True)
class Briefing:
    title: str
    marking: str
    report_date: date
    case_title: str
    happened: str
    items: list[BriefItem]
    more: int  # departures and possible departures not listed
    questions: list[str]
    meta: dict[str, str]


def build_briefing(result: AuditResult, rulebook: Rulebook, report_date: date,
                   marking: str = "OFFICIAL-SENSITIVE") -> Briefing:
    chron = result.chronology
    case = chron.case
    names = {a.id: a.name for a in rulebook.vocabulary.agencies}
    # Departures from a standard first; practice learning from another area's review (Finding.learning) after
    # them, labelled as such: a trainer teaches from both, but the counts are of the standards.
    standards = [f for f in result.findings if not f.learning]
    departures = sorted((f for f in result.findings if f.status in _RANK),
                        key=lambda f: (bool(f.learning), _RANK[f.status], _SEVERITY.get(f.severity, 2),
                                       f.trigger_date, f.rule_id))
    chosen, seen_rules = [], set()
    for finding in departures:  # one item per standard, so four different lessons
        if finding.rule_id not in seen_rules and len(chosen) < TOP:
            chosen.append(finding)
            seen_rules.add(finding.rule_id)
    items = []
    for f in chosen:
        rule = rulebook.rules[f.rule_id]
        cite = next((c for c in f.citations if c.verified == "primary"), f.citations[0] if f.citations else None)
        items.append(BriefItem(title=f.title, status_label="Departure" if f.status == "breach" else "Possible departure",
                               learning=f.learning,
                               statement=f.statement, why=rule.why or rule.description,
                               citation=cite.human() if cite else "", date=_day(f.trigger_date)))
    agencies = sorted({names.get(e.agency, e.agency) for e in chron.events})
    counts = {s: sum(1 for f in standards if f.status == s) for s in (*DEPARTURES, "met")}
    happened = (f"{case.title}. The chronology holds {count(len(chron.events), 'entry', 'entries')} from "
                f"{count(len(agencies), 'agency', 'agencies')} "
                f"({', '.join(agencies)}) between {case.scoping.start:%d/%m/%Y} and {case.scoping.end:%d/%m/%Y}. "
                f"Judged against the standards in force at the time, it shows {status_count('breach', counts['breach'], 'no')}, "
                f"{status_count('possible-breach', counts['possible-breach'], 'no')} and "
                f"{count(counts['met'], 'standard met', 'standards met', 'no')}."
                + _learning_sentence(result))
    return Briefing(title=f"7-minute briefing: {case.title}", marking=marking, report_date=report_date,
                    case_title=case.title, happened=happened, items=items,
                    more=len(departures) - len(chosen), questions=_questions(chosen, rulebook),
                    meta={k: str(v) for k, v in result.meta.items()})


def _learning_sentence(result: AuditResult) -> str:
    lessons = [f for f in result.findings if f.learning and f.status in _RANK]
    if not lessons:
        return ""
    reviews = " and ".join(dict.fromkeys(f.learning for f in lessons))
    return (f" Set against practice learning from {reviews}, a review of another area, it shows "
            f"{count(len(lessons), 'departure', 'departures')} from what that review expected.")


def _questions(chosen: list, rulebook: Rulebook) -> list[str]:
    """Round-robin over the chosen rules' questions, so three questions come from three standards if they can."""
    pools = [list(rulebook.rules[f.rule_id].reflect) for f in chosen]
    picked: list[str] = []
    while len(picked) < QUESTIONS and any(pools):
        for pool in pools:
            if pool and len(picked) < QUESTIONS:
                question = pool.pop(0)
                if question not in picked:
                    picked.append(question)
    for question in rulebook.meta.briefing_questions:
        if len(picked) >= QUESTIONS:
            break
        if question not in picked:
            picked.append(question)
    return picked


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso and iso != "9999-12-31" else ""


def render_briefing(briefing: Briefing, fmt: str) -> bytes:
    from ..reports.render import environment

    env = environment()
    if fmt == "md":
        return env.get_template("brief.md.j2").render(b=briefing).encode("utf-8")
    if fmt == "docx":
        import json

        from ..reports.docx_writer import write_docx

        lines = env.get_template("brief.docx.j2").render(b=briefing).split("\n")
        return write_docx([json.loads(line) for line in lines if line.strip()], briefing)
    raise ValueError(f"unknown briefing format {fmt!r}; expected docx or md")
