"""The one-page "7-minute briefing" trainers hand out, in the briefing's usual grid: background, what happened, why
it matters, what we learned, questions for reflection, and what you should do now.

Everything it says comes from the audit and the rulebook: the departures that matter most (severity, then the
standards the case departs from most often, then date; or the findings the trainer names with `--finding`), each
rule's `why`, its author's `expects` (what we learned: what the standard expects) and `do_now` (a practice point),
and reflective questions drawn in turn from the rules involved (the rulebook's `briefing_questions` fill any gap),
so a rule author changes the briefing by editing YAML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..audit.run import AuditResult
from ..audit.findings import Finding, status_count
from ..errors import InputError, Problem
from ..rulebook import Rulebook
from ..status import DEPARTURES
from ..words import count, uk_date

TOP = 3  # departures on one page, with why each matters, what it expects and what to do
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
    expects: str = ""  # what the standard expects, in its author's words
    do_now: str = ""  # the rule's practice point


@dataclass(frozen=True)
class Briefing:
    title: str
    marking: str
    report_date: date
    case_title: str
    background: str
    happened: str
    items: list[BriefItem]
    more: int  # departures and possible departures not listed
    questions: list[str]
    do_now: list[str]
    meta: dict[str, str]


def build_briefing(result: AuditResult, rulebook: Rulebook, report_date: date,
                   marking: str = "OFFICIAL-SENSITIVE", chosen_ids: list[str] | None = None) -> Briefing:
    """`chosen_ids`: the findings the trainer wants, in their order (`--finding`); else those that matter most."""
    chron = result.chronology
    case = chron.case
    standards = [f for f in result.findings if not f.learning]
    departures = [f for f in result.findings if f.status in _RANK]
    chosen = _picked(departures, result, chosen_ids) if chosen_ids else _most_important(departures)
    items = []
    for f in chosen:
        rule = rulebook.rules[f.rule_id]
        cite = next((c for c in f.citations if c.verified == "primary"), f.citations[0] if f.citations else None)
        items.append(BriefItem(title=f.title, status_label="Departure" if f.status == "breach" else "Possible departure",
                               learning=f.learning, statement=f.statement, why=rule.why or _first_sentence(rule.description),
                               citation=cite.human() if cite else "", date=uk_date(f.trigger_date),
                               expects=rule.expects, do_now=rule.do_now))
    abbr = {a.id: a.abbr for a in rulebook.vocabulary.agencies}
    agencies = sorted({abbr.get(e.agency, e.agency) for e in chron.events})
    counts = {s: sum(1 for f in standards if f.status == s) for s in (*DEPARTURES, "met")}
    background = (f"{case.title}. The chronology holds {count(len(chron.events), 'entry', 'entries')} from "
                  f"{count(len(agencies), 'agency', 'agencies')} ({', '.join(agencies)}) between "
                  f"{case.scoping.start:%d/%m/%Y} and {case.scoping.end:%d/%m/%Y}.")
    happened = (f"Judged against the standards in force at the time, the chronology shows "
                f"{status_count('breach', counts['breach'], 'no')}, "
                f"{status_count('possible-breach', counts['possible-breach'], 'no')} and "
                f"{count(counts['met'], 'standard met', 'standards met', 'no')}." + _learning_sentence(result))
    do_now = list(dict.fromkeys(i.do_now for i in items if i.do_now))
    return Briefing(title=f"7-minute briefing: {case.title}", marking=marking, report_date=report_date,
                    case_title=case.title, background=background, happened=happened, items=items,
                    more=len(departures) - len(chosen), questions=_questions(chosen, rulebook), do_now=do_now,
                    meta={k: str(v) for k, v in result.meta.items()})


def _most_important(departures: list[Finding]) -> list[Finding]:
    """One item per standard, the most important first: departures from a standard before practice learning from
    another area's review; departures before possible ones; "must" before "should"; then the standards this case
    departs from most often (what the case is about); then date."""
    often = Counter(f.rule_id for f in departures)
    ranked = sorted(departures, key=lambda f: (bool(f.learning), _RANK[f.status], _SEVERITY.get(f.severity, 2),
                                               -often[f.rule_id], f.trigger_date, f.rule_id))
    chosen: list[Finding] = []
    seen: set[str] = set()
    for finding in ranked:
        if finding.rule_id not in seen and len(chosen) < TOP:
            chosen.append(finding)
            seen.add(finding.rule_id)
    return chosen


def _picked(departures: list[Finding], result: AuditResult, ids: list[str]) -> list[Finding]:
    by_id = {f.id: f for f in result.findings}
    problems = [Problem("--finding", None, "", f"{i!r} is not a finding of this audit (`auditor audit CASE --all` "
                        "lists them)") for i in ids if i not in by_id]
    problems += [Problem("--finding", None, "", f"{i!r} is {by_id[i].status_label.lower()}, not a departure or "
                         "possible departure") for i in ids if i in by_id and by_id[i].status not in _RANK]
    if problems:
        raise InputError(problems, "no briefing was written")
    return [by_id[i] for i in dict.fromkeys(ids)]


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


def _first_sentence(text: str) -> str:
    """A rule with no `why` of its own: the first sentence of its description."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


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
