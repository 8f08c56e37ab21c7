"""`auditor replay`: the founding case in date order, what each entry opened and answered, the days deadlines
passed, and a step-through page that is escaped, reproducible, offline and (in a real headless Chromium) steps.

The browser tests need Debian's chromium at /usr/bin/chromium; without it they fail, they do not skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest

from auditor.audit.run import audit, sha256_hex
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.chronology.dates import END_OF_DAY
from auditor.trainer.replay import Replay, Step, build_replay, count_phrase, render_html, render_text

from .conftest import FOUNDING_CASE, ROOT

DAY = date(2026, 11, 25)
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
# `auditor replay` through the real entry point.
CLI = ["-c", "from auditor.cli import main; main()", "replay"]


def founding_result(rulebook, matcher, engine: str = "test"):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, matcher, engine,
                 sha256_hex(FOUNDING_CASE.read_bytes()), trace=True)


@pytest.fixture(scope="module")
def result(rulebook, reference):
    return founding_result(rulebook, reference)


@pytest.fixture(scope="module")
def replay(result, rulebook) -> Replay:
    return build_replay(result, rulebook, DAY)


@pytest.fixture(scope="module")
def html(replay) -> str:
    return render_html(replay).decode("utf-8")


def entry_step(replay: Replay, event_id: str) -> Step:
    found = [s for s in replay.steps if s.entry is not None and s.entry.event_id == event_id]
    assert len(found) == 1, event_id
    return found[0]


def items_for(items, rule_id: str) -> list:
    return [i for i in items if i.rule_id == rule_id]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *CLI, *args], capture_output=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **(env or {})})


# --- The model ----------------------------------------------------------------------------------------------------

def test_steps_walk_every_entry_in_date_order_with_deadlines_between_them(replay, result):
    chron = result.chronology
    file_order = {e.id: i for i, e in enumerate(chron.events)}
    entries = [s for s in replay.steps if s.kind == "entry"]
    assert [s.entry.event_id for s in entries] == \
        [e.id for e in sorted(chron.events, key=lambda e: (e.date.earliest, file_order[e.id]))]
    assert [s.number for s in replay.steps] == list(range(1, len(replay.steps) + 1))
    assert replay.steps[-1].kind == "summary" and [s.kind for s in replay.steps].count("summary") == 1
    lapses = [s for s in replay.steps if s.kind == "lapse"]
    assert lapses, "the founding case has deadlines that passed with nothing recorded"

    def moment(step: Step) -> datetime:
        if step.kind == "entry":
            return chron.by_id[step.entry.event_id].date.earliest
        return datetime.combine(date.fromisoformat(step.iso), END_OF_DAY)

    moments = [moment(s) for s in replay.steps[:-1]]
    assert moments == sorted(moments), "steps are in date order"
    for step in lapses:  # a deadline day's own entries still count as in time, so the lapse comes after them
        later = [s for s in entries if s.number > step.number]
        assert all(chron.by_id[s.entry.event_id].date.earliest.date() > date.fromisoformat(step.iso) for s in later)


def test_the_icpc_opens_the_police_invitation_expectation_and_it_is_not_met(replay):
    icpc = entry_step(replay, "E046")
    assert icpc.date == "11/06/2012" and icpc.entry.type == "initial child protection conference"
    rule = "police-invited-to-icpc-where-domestic-abuse"
    [opened] = items_for(icpc.opens, rule)
    assert opened.kind == "checks" and opened.text.startswith("Police expected among those recorded as invited")
    [outcome] = items_for(icpc.outcomes, rule)
    assert outcome.kind == "not-evidenced" and outcome.status == "breach"
    assert "Police not evidenced among those recorded as invited" in outcome.text
    everywhere = [i for s in replay.steps for i in (*s.opens, *s.outcomes) if i.rule_id == rule]
    assert [i.kind for i in everywhere] == ["checks", "not-evidenced"], "never shown as met anywhere"


def test_each_strategy_discussion_record_opens_its_own_15_working_day_clock(replay):
    rule = "icpc-within-15-working-days"
    [police] = items_for(entry_step(replay, "E039").opens, rule)
    assert police.kind == "opens"
    assert police.text == "Initial child protection conference expected by 23/05/2012 (15 working days, WT 2010)."
    assert police.reading.startswith("if E039 (Police record, 01/05/2012) is right")
    [social_care] = items_for(entry_step(replay, "E044").opens, rule)
    assert social_care.text == \
        "Initial child protection conference expected by 15/06/2012 (15 working days, WT 2010)."
    assert social_care.reading.startswith("if E044 (")
    # At the conference the room hears both verdicts and that the finding depends on which record is right.
    outcomes = items_for(entry_step(replay, "E046").outcomes, rule)
    assert {(i.kind, i.reading[:7]) for i in outcomes} == {("late", "if E039"), ("met", "if E044")}
    assert all("depends on which reading is right" in i.note for i in outcomes)
    assert any("later than expected by 11 working days" in i.text for i in outcomes)


def test_a_lapse_step_marks_the_day_the_first_core_group_deadline_passed(replay):
    rule = "first-core-group-within-10-working-days"
    [lapse] = [s for s in replay.steps if s.kind == "lapse" and items_for(s.outcomes, rule)]
    assert lapse.date == "25/06/2012" and lapse.entry is None
    [item] = items_for(lapse.outcomes, rule)
    assert item.kind == "lapsed" and item.status == "breach" and item.deadline == "2012-06-25"
    assert item.text.startswith("25/06/2012: deadline for the core group meeting passed; nothing recorded by then")
    assert entry_step(replay, "E046").number < lapse.number < entry_step(replay, "E055").number
    [late] = items_for(entry_step(replay, "E055").outcomes, rule)
    assert late.kind == "late" and "later than expected by 11 working days" in late.text
    for word in ("fail", "neglect", "should have"):  # blame-free: the deadline passed, nobody "failed"
        assert word not in item.text.lower()


def test_every_departure_with_a_deadline_has_a_lapse_and_nothing_else_does(replay, result):
    lapsed = {(i.finding_id, i.deadline) for s in replay.steps if s.kind == "lapse" for i in s.outcomes}
    assert all(i.kind == "lapsed" for s in replay.steps if s.kind == "lapse" for i in s.outcomes)
    breaches = {f.id: f for f in result.findings if f.status == "breach" and "deadline" in f.figures}
    assert breaches and {(fid, f.figures["deadline"]) for fid, f in breaches.items()} <= lapsed
    judged = {f.id: f for f in result.findings}
    for finding_id, deadline in lapsed:
        f = judged[finding_id]
        assert f.status in ("breach", "possible-breach"), f.id
        if f.status == "possible-breach":  # only on the reading on which it is a departure
            assert any(a.status == "breach" for a in f.depends_on)
    for step in replay.steps:
        if step.kind == "lapse":
            assert all(i.deadline.split("/")[-1] == step.iso for i in step.outcomes)


def test_a_met_obligation_is_shown_as_met_at_its_counterpart(replay, result):
    # DASH completed after the August 2010 incident: opened at the incident, met at the DASH assessment.
    rule = "dash-completed-at-domestic-abuse-incident"
    assert [i.kind for i in items_for(entry_step(replay, "E008").opens, rule)] == ["opens"]
    assert [i.kind for i in items_for(entry_step(replay, "E008").outcomes, rule)] == []
    assert [i.kind for i in items_for(entry_step(replay, "E009").outcomes, rule)] == ["met"]
    checked = 0
    for f in result.findings:
        if f.status != "met":
            continue
        trigger = next(e for e in f.evidence if e.role == "trigger")
        for e in (e for e in f.evidence if e.role == "counterpart"):
            if entry_step(replay, e.event_id).number > entry_step(replay, trigger.event_id).number:
                assert [i.kind for i in entry_step(replay, e.event_id).outcomes if i.finding_id == f.id] == ["met"]
                checked += 1
    assert checked >= 3


def test_clocks_are_the_audits_own_deadlines(replay, result):
    opened = {}
    for step in replay.steps:
        for item in step.opens:
            if item.deadline:
                opened.setdefault(item.finding_id, []).append(item.deadline)
    single = [f for f in result.findings if "deadline" in f.figures and not f.depends_on]
    assert single
    for f in single:
        assert opened[f.id] == [f.figures["deadline"]], f.id


def test_the_running_tally_ends_where_the_audit_does(replay, result):
    counts = {s: sum(f.status == s for f in result.findings) for s in ("breach", "possible-breach", "met",
                                                                          "not-evaluable", "not-applicable")}
    final = replay.steps[-1].tally
    assert final.lapsed == counts["breach"] and final.met == counts["met"]
    assert final.open + final.met + final.lapsed + final.uncertain == len(result.findings) - counts["not-applicable"]
    assert final.open == 1, "the first review conference was still open at the end (the core assessment's " \
        "deadline may or may not have passed: uncertain)"
    totals = [sum(n for _, n in s.tally.as_pairs()) for s in replay.steps]
    assert totals == sorted(totals) and totals[0] == 0, "an obligation once opened is counted from then on"
    assert replay.steps[0].tally.as_pairs() == [("open", 0), ("met", 0), ("lapsed", 0), ("uncertain", 0)]


def test_durable_rules_gives_the_same_replay(replay, rulebook, durable):
    again = build_replay(founding_result(rulebook, durable), rulebook, DAY)
    assert again.steps == replay.steps


# --- The text ---------------------------------------------------------------------------------------------------

def test_the_text_walks_the_steps_in_order(replay):
    text = render_text(replay)
    n = len(replay.steps)
    positions = [text.index(f"\n[{s.number}/{n}] ") for s in replay.steps]
    assert positions == sorted(positions)
    assert "\n[1/" in text and "01/01/2003-31/12/2003 (2003)  E001  Police: domestic abuse incident" in text
    assert "25/06/2012: deadline for the core group meeting passed; nothing recorded by then" in text
    assert f"Findings: {count_phrase(replay.counts)}." in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100, "wrapped for a terminal"


# --- The page as text -------------------------------------------------------------------------------------------

def test_the_page_is_self_contained_with_nothing_to_fetch(html, replay):
    lowered = html.lower()
    for forbidden in ("http://", "https://", "<script src", "<link", "<iframe", "<img", "@import", "url("):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"\ssrc\s*=", lowered)
    assert lowered.count("<script") == 1 and lowered.count("<style") == 1
    assert "default-src 'none'" in html
    assert html.count('<li class="step ') == len(replay.steps)
    assert "prepared 25/11/2026" in html
    assert '<div id="controls" class="controls" hidden>' in html, "the controls wait for the script"
    assert not re.search(r'<li class="step[^>]*\shidden', html), "without the script, every step is listed"


@pytest.fixture(scope="module")
def hostile(rulebook, reference) -> tuple[Replay, str]:
    data = {"case": {"id": "hostile", "title": f"Hostile {SCRIPT}", "jurisdiction": "england",
                     "scoping": {"from": "2012-01-01", "to": "2012-12-31"},
                     "sources": {"test": {"title": f"Review {BREAKOUT}"}}},
            "events": [{"id": "c", "agency": "childrens-social-care", "type": "initial-child-protection-conference",
                        "date": "2012-06-11", "source": {"document": "test"},
                        "attrs": {"concerns": ["domestic-abuse"], "invited": ["gp"]},
                        "summary": f"Conference held. {SCRIPT} and {BREAKOUT} end."}]}
    chron = chronology_from_text(json.dumps(data), "hostile.json", rulebook.vocabulary)
    replay = build_replay(audit(chron, rulebook, reference, "test", trace=True), rulebook, DAY)
    return replay, render_html(replay).decode("utf-8")


def test_chronology_text_appears_only_escaped(hostile):
    replay, page = hostile
    assert replay.steps[0].entry.summary.startswith("Conference held. <script>")
    assert SCRIPT not in page and "<img" not in page and BREAKOUT not in page
    escaped = ("Conference held. &lt;script&gt;alert(1)&lt;/script&gt; and "
               "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; end.")
    assert escaped in page
    assert "<title>Replay: Hostile &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert page.lower().count("<script") == 1


def test_the_same_input_gives_a_byte_identical_page(html, rulebook, reference):
    again = render_html(build_replay(founding_result(rulebook, reference), rulebook, DAY))
    assert again == html.encode("utf-8")


# --- The command --------------------------------------------------------------------------------------------------

def test_the_command_prints_the_replay(replay):
    done = run_cli(str(FOUNDING_CASE), "--engine", "reference")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == render_text(replay)


def test_the_command_writes_the_same_page_twice_dated_from_source_date_epoch(tmp_path, replay):
    epoch = str(int(datetime.combine(DAY, time(12), tzinfo=timezone.utc).timestamp()))
    pages = []
    for name in ("one.html", "two.html"):
        done = run_cli(str(FOUNDING_CASE), "--html", str(tmp_path / name), env={"SOURCE_DATE_EPOCH": epoch})
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout == b"" and f"({len(replay.steps)} steps)" in done.stderr.decode()
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
    assert b"prepared 25/11/2026" in pages[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.html", "two.html"], "no temporary file left behind"
    done = run_cli(str(FOUNDING_CASE), "--engine", "reference", "--html", str(tmp_path / "dated.html"),
                   "--date", "2027-01-05", env={"SOURCE_DATE_EPOCH": epoch})
    assert done.returncode == 0 and b"prepared 05/01/2027" in (tmp_path / "dated.html").read_bytes()


def test_bad_input_exits_2_without_a_traceback(tmp_path):
    done = run_cli(str(tmp_path / "missing.yaml"), "--engine", "reference")
    assert done.returncode == 2 and b"Traceback" not in done.stderr


def test_register_adds_the_command_once():
    from typer.testing import CliRunner

    from auditor.cli import app
    from auditor.cli.replay import register

    register(app)
    register(app)
    assert [c.name for c in app.registered_commands].count("replay") == 1
    shown = CliRunner().invoke(app, ["replay", "--help"])
    assert shown.exit_code == 0 and "--html" in shown.output and "--engine" in shown.output


# --- The page in a real browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_file(tmp_path_factory, html) -> Path:
    path = tmp_path_factory.mktemp("replay-html") / "replay.html"
    path.write_text(html, encoding="utf-8")
    return path


class Opened:
    """A page with the network blocked, and what it said on the console, any script error or request that left."""

    def __init__(self, browser, path: Path, javascript: bool = True):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        self.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else (self.problems.append(f"blocked: {route.request.url}"), route.abort()))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: self.problems.append(f"request: {r.url}")
                     if not r.url.startswith(("file:", "data:", "about:")) else None)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def visible_steps(self) -> list[str]:
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('#steps > [data-step]'))
            .filter(e => e.getClientRects().length > 0).map(e => e.dataset.step)""")

    def tally(self) -> dict[str, str]:
        return {key: self.page.inner_text(f"#tally-{key}") for key in ("open", "met", "lapsed", "uncertain")}

    def close(self) -> None:
        self.context.close()


def test_the_page_steps_forwards_and_back_with_buttons_and_arrow_keys(browser, page_file, replay):
    opened = Opened(browser, page_file)
    try:
        page, n = opened.page, len(replay.steps)
        assert page.locator("#controls").is_visible(), "the script shows the controls"
        assert opened.visible_steps() == ["1"], "only the first step is visible"
        assert page.inner_text("#counter") == f"Step 1 of {n}"
        assert page.locator("#prev").is_disabled() and page.locator("#next").is_enabled()
        assert page.locator("#steps > [data-step='1'] h2").inner_text().startswith(replay.steps[0].entry.date)

        page.click("#next")
        assert opened.visible_steps() == ["2"] and page.inner_text("#counter") == f"Step 2 of {n}"
        assert page.evaluate("document.getElementById('progress').value") == 2
        page.keyboard.press("ArrowRight")
        assert opened.visible_steps() == ["3"] and page.inner_text("#counter") == f"Step 3 of {n}"
        page.click("#prev")
        assert opened.visible_steps() == ["2"] and page.inner_text("#counter") == f"Step 2 of {n}"
        page.keyboard.press("ArrowLeft")
        assert opened.visible_steps() == ["1"] and page.inner_text("#counter") == f"Step 1 of {n}"
        page.keyboard.press("ArrowLeft")
        assert opened.visible_steps() == ["1"], "nothing before the first step"

        # The tally follows the step: at the conference it is the model's running tally there.
        icpc = entry_step(replay, "E046")
        for _ in range(icpc.number - 1):
            page.keyboard.press("ArrowRight")
        assert opened.visible_steps() == [str(icpc.number)]
        assert opened.tally() == {key: str(value) for key, value in icpc.tally.as_pairs()}
        assert page.locator(f"#step-{icpc.number} [data-rule='police-invited-to-icpc-where-domestic-abuse']"
                            "[data-item='not-evidenced']").is_visible()
        page.keyboard.press("End")
        assert opened.visible_steps() == [str(n)] and page.locator("#next").is_disabled()
        assert page.evaluate("document.getElementById('progress').value") == n
        assert opened.problems == []
    finally:
        opened.close()


def test_without_javascript_every_step_is_listed(browser, page_file, replay):
    opened = Opened(browser, page_file, javascript=False)
    try:
        assert len(opened.visible_steps()) == len(replay.steps)
        assert not opened.page.locator("#controls").is_visible()
        assert opened.page.locator(".step-tally").first.is_visible(), "each step carries its own tally"
        assert opened.problems == []
    finally:
        opened.close()


def test_hostile_chronology_text_runs_nothing_in_the_browser(browser, tmp_path, hostile):
    _, page = hostile
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    opened = Opened(browser, path)
    try:
        assert opened.page.locator("img").count() == 0
        assert opened.page.evaluate("document.scripts.length") == 1
        assert opened.page.locator(".summary", has_text=f"{SCRIPT} and {BREAKOUT} end.").count() == 1
        assert opened.problems == []
    finally:
        opened.close()


# --- Reading order within a day and wording -------------------------------------------------------------------------

def _events(*specs):
    from auditor.chronology import Event

    return [Event.model_validate({"id": i, "date": d, "agency": "police", "type": t, "links": links,
                                  "source": {"document": "x"}}) for i, d, t, links in specs]


def test_a_day_is_read_by_time_and_an_untimed_entry_after_what_it_refers_to():
    from auditor.chronology.model import reading_order

    events = _events(("dash", "2011-10-03", "dash-risk-assessment", {"for": "incident"}),
                     ("incident", "2011-10-03T21:15", "domestic-abuse-incident", {}),
                     ("early", "2011-10-03T09:00", "contact", {}),
                     ("next", "2011-10-04", "referral", {}))
    order = reading_order(events)
    assert sorted(order, key=order.get) == ["early", "incident", "dash", "next"]


def test_a_preparation_comes_before_the_event_it_is_for_and_a_cycle_does_not_hang(rulebook):
    from auditor.chronology.model import reading_order

    events = _events(("icpc", "2012-06-11", "initial-child-protection-conference", {}),
                     ("report", "2012-06-11", "conference-report", {"for": "icpc"}),
                     ("a", "2012-06-12", "contact", {"follows": "b"}), ("b", "2012-06-12", "contact", {"follows": "a"}))
    order = reading_order(events, rulebook.vocabulary.before_their_link)
    assert sorted(order, key=order.get) == ["report", "icpc", "a", "b"]


def test_the_training_case_opens_on_the_incident_not_its_dash(rulebook, reference):
    case = ROOT / "fixtures" / "training" / "police-not-invited.yaml"
    result = audit(load_chronology(case, rulebook.vocabulary), rulebook, reference, "test", "x", trace=True)
    text = render_text(build_replay(result, rulebook))
    words = " ".join(text.split())
    assert "no days on which a deadline passed" in words and "0 days" not in words
    assert text.index("E01  Police: domestic abuse incident") < text.index("E02  Police: DASH risk assessment")
    assert "at least 0 hours" not in words


def test_the_trainer_jumps_to_each_departure_and_can_pause_before_each_outcome(browser, page_file, replay):
    departures = [s.number for s in replay.steps if any(
        i.status in ("breach", "possible-breach") and i.kind in ("late", "not-evidenced", "lapsed", "depends")
        for i in s.outcomes)]
    assert departures
    opened = Opened(browser, page_file)
    try:
        page = opened.page
        page.click("#next-departure")
        assert opened.visible_steps() == [str(departures[0])]
        page.keyboard.press("d")
        assert opened.visible_steps() == [str(departures[1])]
        # Paused, the step's outcome and the tally it changes wait for the next press of Next.
        page.keyboard.press("p")
        step = replay.steps[departures[1] - 1]
        outcome = page.locator(f"#step-{step.number} .outcomes")
        assert not outcome.is_visible() and page.inner_text("#counter").endswith("what happens next?")
        before = replay.steps[step.number - 2].tally
        assert opened.tally() == {key: str(value) for key, value in before.as_pairs()}
        page.click("#next")
        assert outcome.is_visible() and opened.visible_steps() == [str(step.number)]
        assert opened.tally() == {key: str(value) for key, value in step.tally.as_pairs()}
        page.click("#next")
        assert opened.visible_steps() == [str(step.number + 1)]
        assert opened.problems == []
    finally:
        opened.close()


def test_the_tally_lists_what_it_counts(browser, page_file, replay):
    final = replay.steps[-1].tally
    for key, count in final.as_pairs():  # each counter names exactly as many standards as it counts
        assert len(final.listed(key)) == count
    opened = Opened(browser, page_file)
    try:
        page = opened.page
        page.keyboard.press("End")
        page.click("#tally-lists > summary")
        for key, _ in final.as_pairs():
            items = page.locator(f"#tally-{key}-list li").all_inner_texts()
            assert items == (list(final.listed(key)) or ["none"])
        assert opened.problems == []
    finally:
        opened.close()
