"""Everything an appendix says, computed once, so Word, HTML and Markdown say the same thing.

The templates only lay this out: numbering, grouping, wording of the method, the
editions applied and why, and the timeline's geometry are all decided here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..audit.run import AuditResult
from ..status import DEPARTURES, JUDGED, LABELS
from ..audit.findings import Finding, counts_phrase
from ..audit.gaps import gap_lines, recording_gaps
from ..audit.wording import event_label
from ..rulebook import Rulebook
from ..rulebook.catalogue import describe_check
from ..rulebook.conditions import label
from ..chronology.model import PANEL
from ..rulebook.schema import LEVEL_MARK
from .decisions import Decision
from ..words import uk_date
from .redaction import MONTHS, Redactor, all_strings, id_warnings, likely_identifiers

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
_ROLE_WORDS = {"victim": "the adult victim", "alleged-perpetrator": "the alleged perpetrator", "child": "a child",
               "unborn-child": "an unborn child", "family-member": "a family member",
               "former-partner": "a former partner", "practitioner": "a practitioner"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class CitationView(_Model):
    text: str
    quote: str = ""
    verified: bool  # checked against the primary text or a named secondary source
    level: str = "primary"  # primary, secondary or no (schema.Citation.verified)


class EvidenceView(_Model):
    event_id: str
    anchor: str
    date: str  # dd/mm/yyyy (or month, or range)
    agency: str
    type: str
    source: str
    summary: str


class FindingView(_Model):
    number: int
    id: str
    anchor: str
    rule_id: str
    title: str
    standard: str  # the standard in plain words
    status: str
    status_label: str
    severity: str
    agency: str
    theme: str
    edition: str
    local: bool
    statement: str
    depends_on: list[tuple[str, str, str]] = Field(default_factory=list)  # reading, status label, statement
    citations: list[CitationView]
    evidence: list[EvidenceView]
    searched: str = ""
    late: str = ""
    decision: Decision | None = None
    day_iso: str = ""  # ISO day of the trigger, for the page's filters (its month only when dates are coarsened)
    why: str = ""  # why the standard matters (Rule.why): the exercise's debrief says it
    learning: str = ""  # the review this finding is practice learning from (not a standard in the case's area)


class SummaryRow(_Model):
    """One line of the summary of departures that opens the appendix."""

    number: int
    anchor: str
    date: str
    agency: str
    standard: str
    status_label: str
    source: str  # where the review says it: the source of the entry that engaged the standard


class ActionPlanRow(_Model):
    """A theme's row of the action plan: what the audit can fill in; the panel writes the rest."""

    theme: str
    findings: list[int]  # the departures and possible departures in the theme
    agencies: list[str]  # the agencies they concern, in the order of the findings


class Paragraph(_Model):
    number: int
    text: str


class EditionUse(_Model):
    edition: str
    in_force: str
    findings: int
    why: str


class TimelineEvent(_Model):
    event_id: str
    anchor: str
    lane: int
    x1: float
    x2: float
    label: str
    date: str
    agency: str
    flagged: bool
    summary: str  # shown in exercise mode, where learners read the chronology before the findings


class TimelineWindow(_Model):
    finding_anchor: str
    number: int
    lane: int
    x1: float
    x2: float
    status: str
    rule_id: str
    label: str


TICK_GAP = 60  # the least distance between two tick labels along the 1000-unit axis, so that none overlap
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)


class Timeline(_Model):
    lanes: list[str]
    lane_ids: list[str]
    ticks: list[tuple[float, str]]
    events: list[TimelineEvent]
    windows: list[TimelineWindow]
    start: str
    end: str
    tick_gap: int = TICK_GAP


class Appendix(_Model):
    title: str
    case_title: str = ""
    case_id: str
    marking: str
    report_date: date
    report_date_prose: str
    redacted: bool
    coarsened: bool  # dates given to the month and year only
    meta: dict[str, str]
    method: list[Paragraph]
    editions: list[EditionUse]
    unverified: list[str]
    not_recorded: list[str]  # what entries that engage a standard do not record (auditor.audit.gaps)
    people: list[tuple[str, str]]
    agencies: list[tuple[str, str]]
    glossary: list[tuple[str, str]]
    people_paragraph: Paragraph
    summary: list[SummaryRow]  # the departures and possible departures, by date: the appendix's first page
    findings: list[FindingView]  # departures, possible departures and not evaluable, by agency then date
    by_agency: list[tuple[str, list[int]]]
    by_theme: list[tuple[str, list[int]]]
    met: list[FindingView]
    met_paragraph: Paragraph
    not_applicable: list[str]
    # Practice learning from reviews of other areas (Finding.learning): judged, numbered after the met
    # standards, and counted in none of the standards' figures.
    learning: list[FindingView] = Field(default_factory=list)
    learning_paragraph: Paragraph | None = None
    action_plan: list[ActionPlanRow]  # one row per theme with a departure
    decisions_summary: str
    timeline: Timeline
    identifier_warnings: list[str]

    @property
    def statuses(self) -> list[str]:
        return list(dict.fromkeys(f.status_label for f in self.findings + self.met))

    def for_exercise(self) -> "Appendix":
        """The same appendix as a training exercise: its own title; a timeline that gives nothing away (no time
        limits, no entry marked as relied on by a departure), so learners find the gaps themselves; and the findings
        numbered 1, 2, 3 for the debrief, not by the appendix's paragraphs."""
        timeline = self.timeline.model_copy(update={
            "windows": [], "events": [e.model_copy(update={"flagged": False}) for e in self.timeline.events]})
        order = [f.number for f in self.findings + self.learning + self.met]  # what the debrief discusses first
        new = {old: n for n, old in enumerate(order, start=1)}

        def renumbered(views: list[FindingView]) -> list[FindingView]:
            return [v.model_copy(update={"number": new[v.number], "anchor": f"finding-{new[v.number]}"})
                    for v in views]

        def groups(pairs: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
            return [(name, [new[n] for n in numbers]) for name, numbers in pairs]

        return self.model_copy(update={
            "title": f"Training exercise: {self.case_title or self.case_id}", "timeline": timeline,
            "findings": renumbered(self.findings), "met": renumbered(self.met), "learning": renumbered(self.learning),
            "by_agency": groups(self.by_agency), "by_theme": groups(self.by_theme),
            "summary": [r.model_copy(update={"number": new[r.number], "anchor": f"finding-{new[r.number]}"})
                        for r in self.summary],
            "action_plan": [r.model_copy(update={"findings": [new[n] for n in r.findings]}) for r in self.action_plan]})


def _not_recorded(result: AuditResult, rulebook: Rulebook) -> list[str]:
    """`auditor check`'s list, one line per entry, where the audit kept its trace."""
    if result.trace is None:
        return []
    entries, links = recording_gaps(result, rulebook)
    out = [f"{item.event.id} {event_label(item.event.type)} ({item.event.date.human()}): " + "; ".join(gap_lines(item))
           for item in entries]
    return out + [f"Link contradicting the dates: {text}" for text in links]


def prose_date(day: date) -> str:
    """11 June 2012, as reports write dates in prose."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def build_appendix(result: AuditResult, rulebook: Rulebook, decisions: dict[str, Decision] | None = None,
                   report_date: date | None = None, marking: str = DEFAULT_MARKING, redact: bool = False,
                   coarsen_dates: bool = False, decisions_sha256: str = "",
                   set_aside: list[str] | None = None) -> Appendix:
    """`set_aside`: findings a decisions file named that this audit did not make (their decisions are not used)."""
    chron, vocab = result.chronology, rulebook.vocabulary
    case = chron.case
    decisions = decisions or {}
    today = report_date or date.today()
    r = Redactor.for_case(chron, redact, coarsen_dates)
    agency_name = {a.id: a.name for a in vocab.agencies}
    counter = iter(range(1, 100_000))

    def para(text: str) -> Paragraph:
        return Paragraph(number=next(counter), text=text)

    judged = [f for f in result.findings if f.status != "not-applicable" and not f.learning]
    lessons = [f for f in result.findings if f.status != "not-applicable" and f.learning]
    open_findings = sorted((f for f in judged if f.status != "met"),
                           key=lambda f: (_agency_order(f.agency, vocab), f.trigger_date, f.rule_id))
    met = [f for f in judged if f.status == "met"]
    counts = Counter(f.status for f in judged)
    unverified = sorted({c.human() for f in judged for c in f.citations if not c.confirmed})
    editions = _editions_applied(judged)
    meta = {k: str(v) for k, v in result.meta.items()}
    if decisions_sha256:
        meta["decisions_sha256"] = decisions_sha256
    method = [
        para("This appendix lists where the case chronology departs from the procedural standards in force at "
             "the time, and where it shows them met. It was produced by the auditor, a rule-based tool: each "
             "standard is a rule with its source, its edition and the dates that edition was in force, and each "
             "event is judged by the edition in force on its date, with a local procedure taking the place of "
             "the national standard where one applies."),
        para("A chronology records what was written down, not all that happened. \"Not evidenced in the "
             "chronology\" does not mean that something did not happen, and a departure is a question for the "
             "panel, not a finding of fault. The findings are made with hindsight, from the records the panel "
             "assembled; they do not judge the quality of practice, only whether what a standard expects is "
             "recorded, and by when. Nothing here is final until a reviewer has confirmed it."),
        para(f"The case: {case.title}; scoping period {case.scoping.start:%d/%m/%Y} to "
             f"{case.scoping.end:%d/%m/%Y}; {len(chron.events)} chronology entries from "
             f"{len({e.agency for e in chron.events})} agencies. Findings: {_counts_text(counts)}."),
        para(f"Rulebook {meta['rulebook']} version {meta['rulebook_version']}; rule engine {meta['engine']} "
             f"{meta['engine_version']}; auditor {meta['auditor_version']}. The chronology file's SHA-256 is "
             f"{meta['input_sha256']}" + (f"; the decisions file's is {decisions_sha256}" if decisions_sha256 else "")
             + ". The same files give the same appendix."),
        para("Working days exclude weekends and England and Wales bank holidays; the day of the event that "
             "starts a timescale is day 0 and the last day allowed counts as in time."),
    ]
    if unverified:
        method.append(para(f"{len(unverified)} of the sources cited below have not been checked against the "
                           "primary text; they are marked \"not verified\" wherever they appear and listed below."))
    if redact:
        method.append(para("Names in the chronology's text have been replaced by the pseudonyms in the case's "
                           "people list, and postcodes, phone numbers, e-mail and street addresses masked."))
    if coarsen_dates:
        method.append(para("Dates are given to the month and year only, and times of day are left out; counts "
                           "of days, such as how late something was, are kept, as they are the finding."))
    not_recorded = _not_recorded(result, rulebook)
    if result.trace is not None:
        method.append(para(
            f"{len(not_recorded)} of the entries that engage a standard do not record something the standards "
            "read; each is listed under \"What the chronology does not record\", with the standards it decides: "
            "questions to take back to the agency that made the entry." if not_recorded else
            "Every entry that engages a standard records what the standards read."))
    decided = Counter(d.decision for d in decisions.values() if d.decision != "undecided")
    decisions_summary = (", ".join(f"{n} {k.replace('-', ' ')}" for k, n in sorted(decided.items()))
                         if decided else "no reviewer decisions recorded")
    method.append(para(f"Reviewer's decisions: {decisions_summary}."))
    if set_aside:
        method.append(para(f"{len(set_aside)} decision{'s name findings' if len(set_aside) != 1 else ' names a finding'} "
                           f"this audit did not make ({', '.join(set_aside)}), written on an earlier chronology or "
                           "rulebook; set aside, not attached to any finding here. `auditor review --update` carries "
                           "decisions onto this audit."))
    imported = [e for e in chron.events if e.classified_by]
    if imported:
        by_panel = sum(1 for e in imported if e.classified_by == [PANEL])
        method.append(para(
            f"{len(imported)} of the chronology's {len(chron.events)} entries were imported from a panel's table "
            f"and typed by the importer's classification rules; the panel confirmed or corrected {by_panel} of "
            f"them in a review sheet, and no person has looked at the other {len(imported) - by_panel} (each "
            "entry's classified_by says which). A wrongly typed entry can make or hide a finding."))

    people = [(p.pseudonym, _ROLE_WORDS.get(p.role, p.role)) for p in case.people]
    involved = [a.id for a in vocab.agencies if a.id in {e.agency for e in chron.events} | set(case.agencies)]
    agencies = [(agency_name[a], vocab.agency(a).abbr) for a in involved]  # type: ignore[union-attr]
    glossary = sorted({(a.abbr, a.name) for a in vocab.agencies if a.id in involved and a.abbr != a.name}
                      | {(g.abbr, g.meaning) for g in vocab.abbreviations})
    people_paragraph = para("People are referred to by role and pseudonym, and practitioners by role; agencies "
                            "are named in full, with their abbreviations in the glossary.")
    views = [_view(f, next(counter), rulebook, decisions.get(f.id), agency_name) for f in open_findings]
    met_paragraph = para(f"{len(met)} standard{'s were' if len(met) != 1 else ' was'} met: what the standard "
                         "expected is recorded in time.")
    met_views = [_view(f, next(counter), rulebook, decisions.get(f.id), agency_name) for f in met]
    lessons.sort(key=lambda f: (f.status == "met", _agency_order(f.agency, vocab), f.trigger_date, f.rule_id))
    reviews = " and ".join(dict.fromkeys(f.learning for f in lessons))
    learning_paragraph = para(
        f"{len(lessons)} finding{'s are' if len(lessons) != 1 else ' is'} practice learning from {reviews}: what "
        "that review found was expected in its own area, offered as learning, not a standard in force in this "
        "case's area. They are listed apart, after the standards, and counted in none of the figures above "
        "(--no-learning leaves them out).") if lessons else None
    learning_views = [_view(f, next(counter), rulebook, decisions.get(f.id), agency_name) for f in lessons]
    by_agency = _group(views, lambda v: v.agency)  # the order the findings are numbered in
    by_theme = sorted(_group(views, lambda v: v.theme))
    themes = [theme for theme, _ in by_theme
              if any(v.status in DEPARTURES for v in views if v.theme == theme)]
    action_plan = [ActionPlanRow(theme=theme, findings=[v.number for v in in_theme],
                                 agencies=list(dict.fromkeys(v.agency for v in in_theme)))
                   for theme in themes
                   for in_theme in [[v for v in views if v.theme == theme and v.status in DEPARTURES]]]
    appendix = Appendix(
        title=f"Appendix: procedural standards and the chronology, {case.title}", case_title=case.title,
        case_id=case.id,
        marking=marking, report_date=today, report_date_prose=prose_date(today), redacted=redact,
        coarsened=coarsen_dates, meta=meta,
        method=method, editions=editions, unverified=unverified, not_recorded=not_recorded, people=people, agencies=agencies,
        glossary=glossary, people_paragraph=people_paragraph,
        summary=_summary(views, open_findings, [source.title for source in case.sources.values()]),
        findings=views, by_agency=by_agency,
        by_theme=by_theme, met=met_views, met_paragraph=met_paragraph,
        not_applicable=list(dict.fromkeys(f.title for f in result.findings if f.status == "not-applicable")),
        learning=learning_views, learning_paragraph=learning_paragraph,
        action_plan=action_plan, decisions_summary=decisions_summary,
        timeline=_timeline(result, views, r, agency_name, vocab), identifier_warnings=[])
    if not r.active:
        return appendix
    # Every string of the finished appendix, whatever field it is in, goes through the redactor.
    appendix = r.apply(appendix)
    if not redact:
        return appendix
    warnings = r.masked_summary() + id_warnings({"case id": case.id, **{f"entry {e.id}": e.id for e in chron.events}}, r)
    warnings += ["still looks identifying: " + w for w in likely_identifiers(all_strings(appendix),
                                                                              _known_words(chron, rulebook))]
    return appendix.model_copy(update={"identifier_warnings": warnings})


def _summary(views: list[FindingView], findings: list[Finding], titles: list[str]) -> list[SummaryRow]:
    """The departures and possible departures in date order (then number): what a reader of the overview report
    needs on one page before the detail. Dates without the source's words; where the case cites one document,
    its paragraphs without its title (the method names it)."""
    only = titles[0] if len(titles) == 1 else None
    rows = []
    for view, finding in zip(views, findings):
        if view.status not in DEPARTURES:
            continue
        trigger = finding.trigger
        rows.append((finding.trigger_date, view.number, SummaryRow(
            number=view.number, anchor=view.anchor, date=finding.when,
            agency=view.agency, standard=view.standard, status_label=view.status_label,
            source=(trigger.source.removeprefix(only).strip() if only else trigger.source) if trigger else "")))
    return [row for _, _, row in sorted(rows, key=lambda item: item[:2])]


def _agency_order(agency: str, vocab: Any) -> int:
    ids = [a.id for a in vocab.agencies]
    return ids.index(agency) if agency in ids else len(ids)


def _counts_text(counts: Counter[str]) -> str:
    return counts_phrase(counts, JUDGED) or "none"


def _editions_applied(findings: list[Finding]) -> list[EditionUse]:
    """Why each edition applied: the dates of the events it judged fall within its in-force dates."""
    uses: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        for applied in f.editions:
            uses.setdefault((applied.label, applied.in_force), []).append(f)
    out = []
    for (edition, in_force), fs in sorted(uses.items(), key=lambda item: min(f.trigger_date for f in item[1])):
        first, last = min(f.trigger_date for f in fs), max(f.trigger_date for f in fs)
        span = uk_date(first) if first == last else f"{uk_date(first)} to {uk_date(last)}"
        out.append(EditionUse(edition=edition, in_force=in_force, findings=len(fs),
                              why=f"in force on the dates of the events judged ({span})"))
    return out


def _view(f: Finding, number: int, rulebook: Rulebook, decision: Decision | None,
          agency_name: dict[str, str]) -> FindingView:
    rule = rulebook.rules[f.rule_id]
    if rule.expects:
        standard = rule.expects
    else:  # a rule without its author's sentence: the one generated from its check
        variant = next((v for v in rulebook.variants_of(f.rule_id) if v.edition == f.editions[0].label), None)
        standard = f.title + (f": {describe_check(variant.check, agency_name)}" if variant else "")
    late = ""
    if f.figures.get("late") is not None:
        unit = str(f.figures.get("late_unit", "working-days")).replace("-", " ")
        n = f.figures["late"]
        late = f"later than expected by {n} {unit[:-1] if n == 1 else unit}"
    evidence = [EvidenceView(event_id=e.event_id, anchor=f"entry-{e.event_id}", date=e.date_human,
                             agency=agency_name.get(e.agency, e.agency), type=label(e.type), source=e.source,
                             summary=e.summary) for e in f.evidence]
    return FindingView(
        number=number, id=f.id, anchor=f"finding-{number}", rule_id=f.rule_id, title=f.title,
        standard=standard, status=f.status, status_label=f.status_label, severity=f.severity,
        agency=agency_name.get(f.agency, f.agency), theme=label(f.theme).capitalize(), edition=f.edition,
        local=f.local, statement=f.statement,
        depends_on=[(a.reading, LABELS[a.status], a.statement) for a in f.depends_on],
        citations=[CitationView(text=c.human().removesuffix(LEVEL_MARK[c.verified]), quote=c.quote or "",
                                verified=c.confirmed, level=c.verified)
                   for c in f.citations],
        evidence=evidence, searched=f.searched, late=late, decision=decision, day_iso=f.trigger_date,
        learning=f.learning, why=rule.why)


def _group(views: list[FindingView], key: Any) -> list[tuple[str, list[int]]]:
    """Finding numbers by `key`, in the order of the first finding of each group."""
    groups: dict[str, list[int]] = {}
    for v in views:
        groups.setdefault(key(v), []).append(v.number)
    return list(groups.items())


def _known_words(chron: Any, rulebook: Rulebook) -> set[str]:
    """Words that are not identifying: pseudonyms, agency names, vocabulary, months and report words."""
    vocab = rulebook.vocabulary
    words: set[str] = set(MONTHS) | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    texts = [p.pseudonym for p in chron.case.people] + [a.name for a in vocab.agencies] + \
            [t.description for t in vocab.event_types] + [g.meaning for g in vocab.abbreviations] + \
            [rule.title for rule in rulebook.rules.values()] + \
            [s.title for s in chron.case.sources.values()]
    for text in texts:
        words |= {w.strip("()',.;:") for w in text.split()}
    words |= {"Adult", "Child", "Children", "Unborn", "Police", "Social", "Care", "Services", "Service", "The",
              "This", "Reviewer", "Rulebook", "Findings", "Working", "Together", "Safeguarding", "Board",
              "Review", "Overview", "Report", "Conference", "Domestic", "Homicide", "Health", "Housing", "Crown",
              "Prosecution", "Emergency", "Duty", "Team", "Women", "Aid", "Nursery", "Names", "Nothing",
              "Whether", "Information", "Consultation", "Consideration", "Planned", "Court",
              "Birmingham", "England", "Wales"}
    return words


def _timeline(result: AuditResult, views: list[FindingView], r: Redactor, agency_name: dict[str, str],
              vocab: Any) -> Timeline:
    """Geometry in 0..1000 along the scoping period, one lane per agency; windows are the standards' time limits."""
    chron = result.chronology
    start, end = chron.case.scoping.start, chron.case.scoping.end
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        day = r.day(day)
        return round(min(max((day - start).days / span, 0.0), 1.0) * 1000, 1)

    lane_ids = [a.id for a in vocab.agencies if any(e.agency == a.id for e in chron.events)]
    lanes = [agency_name[a] for a in lane_ids]
    flagged = {e.event_id for v in views if v.status in DEPARTURES for e in v.evidence}
    events = [TimelineEvent(event_id=e.id, anchor=f"entry-{e.id}", lane=lane_ids.index(e.agency),
                            x1=x(e.date.first_day), x2=x(e.date.last_day), label=f"{e.id} {label(e.type)}",
                            date=e.date.human(), agency=agency_name[e.agency], flagged=e.id in flagged,
                            summary=e.summary)
              for e in chron.events if e.agency in lane_ids]
    windows = []
    by_id = {f.id: f for f in result.findings}
    for v in views:
        finding = by_id[v.id]
        deadline = finding.figures.get("deadline") or finding.figures.get("expected_by")
        trigger = next((e for e in finding.evidence if e.role == "trigger"), None)
        if not deadline or trigger is None:
            continue
        lo = date.fromisoformat(trigger.date[:10]) if len(trigger.date) >= 10 else None
        hi = date.fromisoformat(str(deadline).split("/")[-1][:10])
        if lo is None:
            continue
        a, b = sorted((lo, hi))
        # The time limit is the agency's whose standard it is: on its lane, or the trigger's where it has none.
        owner = finding.agency if finding.agency in lane_ids else trigger.agency
        lane = lane_ids.index(owner) if owner in lane_ids else 0
        windows.append(TimelineWindow(finding_anchor=v.anchor, number=v.number, lane=lane, x1=x(a), x2=x(b),
                                      status=v.status, rule_id=v.rule_id, label=f"{v.number}. {v.title}"))
    return Timeline(lanes=lanes, lane_ids=lane_ids, ticks=_year_ticks(start, end, x), events=events, windows=windows,
                    start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")


def _year_ticks(start: date, end: date, x: Any) -> list[tuple[float, str]]:
    """1 January of every year, or of every 2nd, 5th, 10th... year where a long period would crowd the labels.

    These are what the page shows without its script; the script redraws the ticks at months or years to suit
    each zoom, by the same rule of a least gap.
    """
    years = max((end - start).days / 365.25, 1 / 365.25)
    step = next((s for s in YEAR_STEPS if s * 1000 / years >= TICK_GAP), YEAR_STEPS[-1])
    first = -(-start.year // step) * step
    return [(x(date(year, 1, 1)), str(year)) for year in range(first, end.year + 1, step) if date(year, 1, 1) >= start]

