"""The HTML appendix: one self-contained, escaped, reproducible page, and (in a real headless Chromium) a timeline
that is drawn, filters that hide findings and their timeline marks, and evidence links that arrive.

The browser tests need Debian's chromium at /usr/bin/chromium; without it they fail, they do not skip.
"""

from __future__ import annotations

import json
import io
import re
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest

from auditor.appendix.decisions import Decision
from auditor.appendix.model import build_appendix
from auditor.audit.run import audit, sha256_hex
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.reports.appendix import render_appendix

from .conftest import FOUNDING_CASE

DAY = date(2026, 11, 25)
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


def founding_result(rulebook, reference):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test",
                 sha256_hex(FOUNDING_CASE.read_bytes()))


@pytest.fixture(scope="module")
def result(rulebook, reference):
    return founding_result(rulebook, reference)


@pytest.fixture(scope="module")
def appendix(result, rulebook):
    return build_appendix(result, rulebook, report_date=DAY)


@pytest.fixture(scope="module")
def html(appendix) -> str:
    return render_appendix(appendix, "html").decode("utf-8")


@pytest.fixture(scope="module")
def hostile_html(rulebook, reference) -> str:
    """A small chronology whose free text tries to break out of the markup."""
    data = {"case": {"id": "hostile", "title": f"Hostile {SCRIPT}", "jurisdiction": "england",
                     "scoping": {"from": "2012-01-01", "to": "2012-12-31"}},
            "events": [{"id": "c", "agency": "childrens-social-care", "type": "initial-child-protection-conference",
                        "date": "2012-06-11", "source": {"document": "test"},
                        "attrs": {"concerns": ["domestic-abuse"], "invited": ["gp"]},
                        "summary": f"Conference held. {SCRIPT} and {BREAKOUT} end."}]}
    chron = chronology_from_text(json.dumps(data), "hostile.json", rulebook.vocabulary)
    result = audit(chron, rulebook, reference, "test")
    assert any(e.summary.startswith("Conference held.") for f in result.findings for e in f.evidence), \
        "the hostile summary should be evidence of a finding, so that it is rendered"
    return render_appendix(build_appendix(result, rulebook, report_date=DAY), "html").decode("utf-8")


@pytest.fixture(scope="module")
def page_files(tmp_path_factory, html, hostile_html) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("appendix-html")
    files = {"founding": folder / "founding.html", "hostile": folder / "hostile.html"}
    files["founding"].write_text(html, encoding="utf-8")
    files["hostile"].write_text(hostile_html, encoding="utf-8")
    return files


def ids_in(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


# --- The page as text -------------------------------------------------------------------------------------------

def test_the_page_is_self_contained_with_nothing_to_fetch(html):
    lowered = html.lower()
    for forbidden in ("http://", "https://", "<script src", "<link", "<iframe", "<img", "@import", "url(http"):
        assert forbidden not in lowered, forbidden
    assert not re.search(r'\ssrc\s*=', lowered), "nothing in the page may load from a src"
    assert lowered.count("<script") == 1 and lowered.count("<style") == 1
    assert "default-src 'none'" in html, "a Content-Security-Policy should forbid any fetch"
    assert "<svg" in html and 'id="timeline-svg"' in html


def test_sections_come_in_order_with_the_marking_title_and_report_date(html, appendix):
    headings = ["Summary of departures", "1. Method", "2. People and agencies", "Timeline of the case",
                "3. Findings by agency", "Index by theme", "4. What was met", "5. Action plan"]
    positions = [html.index(f">{h}</h") for h in headings]
    assert positions == sorted(positions)
    assert html.index(f'<p class="marking">{appendix.marking}</p>') < html.index("<h1>") < positions[0]
    footer = html[html.index('<footer class="page-footer">'):]
    assert "Report date: 25 November 2026" in footer and appendix.marking in footer
    dates = set(re.findall(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                           r"November|December) 20[2-9]\d\b", html))
    assert dates == {"25 November 2026"}, "the report date should be the only date of writing in the page"


def test_method_shows_versions_hashes_editions_and_unverified_sources(html, appendix):
    method = html[html.index('id="method"'):html.index('id="people"')]
    for p in appendix.method:
        assert f'<li id="para-{p.number}"><span class="pn">{p.number}.</span>' in method
    assert appendix.meta["input_sha256"] in method and appendix.meta["rulebook_version"] in method
    assert method.count('<tr><th scope="row">', method.index("Editions applied and why")) >= len(appendix.editions)
    for source in appendix.unverified:
        assert source.removesuffix(" [not verified]").replace("'", "&#39;") in method
    assert method.count('<span class="badge unverified">not verified</span>') == len(appendix.unverified)


def test_every_finding_is_numbered_and_every_evidence_entry_is_anchored_once(html, appendix):
    ids = ids_in(html)
    assert len(ids) == len(set(ids)), "every id in the page is unique"
    for f in appendix.findings + appendix.met:
        assert f'id="{f.anchor}"' in html
        assert f'<span class="pn">{f.number}.</span> {f.title.replace(chr(39), "&#39;")}</h4>' in html
        assert f'data-status="{f.status}"' in html
    evidence = {e.event_id for f in appendix.findings + appendix.met for e in f.evidence}
    entries = {e.event_id for e in appendix.timeline.events}
    for event_id in evidence | entries:
        assert ids.count(f"entry-{event_id}") == 1, event_id
    several = [e for e in evidence if sum(e in {x.event_id for x in f.evidence}
                                          for f in appendix.findings + appendix.met) > 1]
    assert several, "the founding case has entries relied on by several findings"
    for event_id in several:
        assert f'<a href="#entry-{event_id}" data-evidence-link>{event_id}</a>' in html
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets - set(ids) == set(), "every link in the page arrives somewhere"


def test_citations_show_quotes_and_a_visible_not_verified_label(html, appendix):
    f = next(f for f in appendix.findings if f.rule_id == "icpc-within-15-working-days")
    article = html[html.index(f'id="{f.anchor}"'):]
    article = article[:article.index("</article>")]
    for c in f.citations:
        assert c.text in article
        if c.quote:
            assert c.quote in article
    unverified = [c for c in f.citations if not c.verified]
    assert unverified and article.count(">not verified</span>") == len(unverified)
    assert "later than expected by 11 working days" in article
    assert "The verdict under each reading of the records" in article and "No reviewer decision recorded." in article


def test_met_findings_not_applicable_standards_and_the_action_plan_are_listed(html, appendix):
    met = html[html.index('id="met"'):html.index('id="action-plan"')]
    for f in appendix.met:
        assert f'id="{f.anchor}"' in met and 'class="badge status-met"' in met
    for title in appendix.not_applicable:
        assert f"<li>{title.replace(chr(39), '&#39;')}</li>" in met
    plan = html[html.index('id="action-plan"'):html.index("</main>")]
    header = re.findall(r'<th scope="col">([^<]+)</th>', plan)
    assert header == ["Theme and findings", "Recommendation", "Scope (local, regional or national)", "Action",
                      "Lead agency", "Key milestones", "Target date", "Date of completion and outcome"]
    rows = re.findall(r"<tr><td>(.*?)</td>(?:<td></td>){7}</tr>", plan)
    assert len(rows) == len(appendix.action_plan)
    for plan_row, row in zip(appendix.action_plan, rows):
        assert row.startswith(plan_row.theme) and all(f'href="#finding-{n}"' in row for n in plan_row.findings)


def test_a_skip_link_leads_past_the_contents_to_the_summary(html, appendix):
    body = html[html.index("<body"):]
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#summary">', body)
    summary = html[html.index('id="summary"'):html.index('id="method"')]
    assert len(re.findall(r'<tr><td><a href="#finding-\d+">', summary)) == len(appendix.summary)


def test_a_reviewer_decision_is_shown_with_its_reason_role_and_date(result, rulebook):
    chosen = next(f for f in result.findings if f.status == "breach")
    decision = Decision(finding=chosen.id, decision="confirmed", reason="Agreed by the panel",
                        reviewer_role="Independent chair", date="2026-11-20")
    a = build_appendix(result, rulebook, {chosen.id: decision}, report_date=DAY)
    page = render_appendix(a, "html").decode("utf-8")
    view = next(f for f in a.findings if f.id == chosen.id)
    article = page[page.index(f'id="{view.anchor}"'):]
    article = article[:article.index("</article>")]
    assert "<strong>Confirmed</strong>: Agreed by the panel" in article
    assert "(Independent chair, 20/11/2026)" in article
    assert page.count("No reviewer decision recorded.") == len(a.findings) + len(a.met) - 1


def test_chronology_text_appears_only_escaped(hostile_html):
    assert SCRIPT not in hostile_html and "<img" not in hostile_html and BREAKOUT not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert hostile_html.lower().count("<script") == 1, "the page's own script is the only script"
    assert "<title>Appendix: procedural standards and the chronology, Hostile &lt;script&gt;" in hostile_html


def test_the_same_input_gives_a_byte_identical_page(html, rulebook, reference):
    again = render_appendix(build_appendix(founding_result(rulebook, reference), rulebook, report_date=DAY), "html")
    assert again == html.encode("utf-8")


def test_the_timeline_is_drawn_from_the_model(html, appendix):
    svg = html[html.index('<svg class="timeline-svg"'):html.index("</svg>", html.index('id="timeline-svg"'))]
    timeline = appendix.timeline
    assert svg.count('<g class="lane" ') == len(timeline.lanes)
    assert svg.count('data-entry-item') == len(timeline.events)
    assert svg.count("data-window ") == len(timeline.windows)
    assert svg.count('<g class="tick">') == len(timeline.ticks)
    for e in timeline.events:
        assert f'href="#{e.anchor}" data-entry-item data-entry="{e.event_id}"' in svg
    for w in timeline.windows:
        assert (f'<a class="window status-{w.status}" href="#{w.finding_anchor}" data-window '
                f'data-number="{w.number}">') in svg


def test_a_long_period_puts_its_year_ticks_far_enough_apart_not_to_overlap(rulebook, reference):
    data = {"case": {"id": "long", "title": "Sixty years", "jurisdiction": "england",
                     "scoping": {"from": "1952-03-01", "to": "2012-12-31"}},
            "events": [{"id": "c", "agency": "childrens-social-care", "type": "referral", "date": "2012-06-11",
                        "source": {"document": "test"}, "summary": "Referral."}]}
    chron = chronology_from_text(json.dumps(data), "long.json", rulebook.vocabulary)
    timeline = build_appendix(audit(chron, rulebook, reference, "test"), rulebook, report_date=DAY).timeline
    xs = [x for x, _ in timeline.ticks]
    assert [year for _, year in timeline.ticks] == [str(y) for y in range(1955, 2011, 5)]  # every 5th year
    assert min(b - a for a, b in zip(xs, xs[1:])) >= timeline.tick_gap


# --- The page in a real browser ---------------------------------------------------------------------------------

class Opened:
    """A page with what it said on the console, any script error, dialog or request that left the file."""

    def __init__(self, browser, path: Path):
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: self.problems.append(f"request: {r.url}")
                     if not r.url.startswith(("file:", "data:", "about:")) else None)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def count(self) -> str:
        return self.page.inner_text("#filter-count")

    def visible_findings(self) -> list[dict[str, str]]:
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('[data-finding-item]'))
            .filter(e => e.getClientRects().length > 0)
            .map(e => ({number: e.dataset.number, agency: e.dataset.agency, status: e.dataset.status,
                        date: e.dataset.from}))""")

    def visible(self, selector: str) -> list[dict[str, str]]:
        return self.page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.getClientRects().length > 0).map(e => Object.assign({}, e.dataset))""", selector)


@pytest.fixture()
def founding_page(browser, page_files):
    opened = Opened(browser, page_files["founding"])
    yield opened
    opened.page.close()


def test_the_page_loads_without_errors_and_draws_the_timeline(founding_page, appendix):
    page = founding_page.page
    total = len(appendix.findings) + len(appendix.met)
    assert founding_page.count() == f"Showing all {total} findings"
    assert page.locator("#filters").is_visible(), "the script reveals the filters"
    sizes = page.evaluate("""() => {
        const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
        const fill = e => getComputedStyle(e).fill;
        const svg = document.getElementById('timeline-svg');
        const all = selector => Array.from(svg.querySelectorAll(selector));
        return {svg: box(svg),
                lanes: Array.from(svg.querySelectorAll('.lane rect')).map(box),
                names: all('.lane-name').map(e => e.textContent.replace(/\\s+/g, ' ').trim()),
                marks: Array.from(svg.querySelectorAll('a.mark')).map(box),
                windows: Array.from(svg.querySelectorAll('a.window rect')).map(box),
                missed: all('a.window.status-breach rect').map(fill),
                possible: all('a.window.status-possible-breach rect').map(fill)};
    }""")
    assert sizes["svg"][0] > 800 and sizes["svg"][1] > 300
    assert len(sizes["lanes"]) == len(appendix.timeline.lanes) and all(w > 800 and h > 20 for w, h in sizes["lanes"])
    assert sizes["names"] == appendix.timeline.lanes
    assert len(sizes["marks"]) == len(appendix.timeline.events) and all(w > 0 and h > 0 for w, h in sizes["marks"])
    assert len(sizes["windows"]) == len(appendix.timeline.windows) and all(w > 0 and h > 0 for w, h in sizes["windows"])
    assert sizes["missed"] and all("hatch-missed" in fill for fill in sizes["missed"]), "missed limits are hatched"
    assert sizes["possible"] and not set(sizes["possible"]) & set(sizes["missed"])
    assert founding_page.problems == []


def test_filtering_by_agency_hides_other_findings_and_their_timeline_marks_and_clearing_restores_them(
        founding_page, appendix):
    page = founding_page.page
    everything = appendix.findings + appendix.met
    police = {str(f.number) for f in everything if f.agency == "Police"}
    assert 0 < len(police) < len(everything)
    page.select_option("select[name=agency]", "Police")
    assert founding_page.count() == f"Showing {len(police)} of {len(everything)} findings"
    shown = founding_page.visible_findings()
    assert {f["number"] for f in shown} == police and {f["agency"] for f in shown} == {"Police"}
    assert page.locator("[data-finding-item].is-filtered-out").count() == len(everything) - len(police)
    windows = founding_page.visible("#timeline-svg a.window")
    assert {w["number"] for w in windows} == {str(w.number) for w in appendix.timeline.windows} & police
    marks = founding_page.visible("#timeline-svg a.mark")
    assert 0 < len(marks) < len(appendix.timeline.events)
    assert all(m["agency"] == "Police" or set(m["findings"].split()) & police for m in marks)
    assert {m["entry"] for m in marks} >= {e.event_id for e in appendix.timeline.events if e.agency == "Police"}
    assert not page.locator("#findings .agency-group:visible h3", has_text="Children's Social Care").count()

    page.click("#filter-clear")
    assert founding_page.count() == f"Showing all {len(everything)} findings"
    assert len(founding_page.visible_findings()) == len(everything)
    assert len(founding_page.visible("#timeline-svg a.mark")) == len(appendix.timeline.events)
    assert len(founding_page.visible("#timeline-svg a.window")) == len(appendix.timeline.windows)
    assert founding_page.problems == []


def test_filtering_by_status_standard_and_date_range(founding_page, appendix):
    page = founding_page.page
    everything = appendix.findings + appendix.met
    page.select_option("select[name=status]", "breach")
    breaches = {str(f.number) for f in everything if f.status == "breach"}
    assert {f["number"] for f in founding_page.visible_findings()} == breaches
    assert {w["number"] for w in founding_page.visible("#timeline-svg a.window")} == \
        {str(w.number) for w in appendix.timeline.windows if w.status == "breach"}
    page.click("#filter-clear")

    rule = "icpc-within-15-working-days"
    page.select_option("select[name=rule]", rule)
    assert {f["number"] for f in founding_page.visible_findings()} == \
        {str(f.number) for f in everything if f.rule_id == rule}
    page.click("#filter-clear")

    page.fill("input[name=from]", "2012-06-01")
    page.fill("input[name=to]", "2012-06-30")
    in_june = {str(f.number) for f in everything if "2012-06-01" <= f.day_iso[:10] <= "2012-06-30"}
    assert in_june and {f["number"] for f in founding_page.visible_findings()} == in_june
    assert founding_page.count() == f"Showing {len(in_june)} of {len(everything)} findings"
    marks = founding_page.visible("#timeline-svg a.mark")
    assert marks and all(m["to"] >= "2012-06-01" and m["from"] <= "2012-06-30" or set(m["findings"].split()) & in_june
                         for m in marks)
    page.click("#filter-clear")
    assert len(founding_page.visible_findings()) == len(everything)
    assert founding_page.problems == []


def test_evidence_and_timeline_links_arrive_at_the_entry_even_when_filtered_out(founding_page):
    page = founding_page.page
    link = page.locator("a[data-evidence-link]").first
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.evaluate("location.hash") == f"#{target}"
    assert page.evaluate("document.querySelector(':target').id") == target
    assert page.locator(f"#{target}").evaluate("e => e.tagName") == "TR"
    from playwright.sync_api import expect

    expect(page.locator(f"#{target}")).to_be_in_viewport()

    # Filter so that the entry's own finding is hidden but a finding linking to it is shown; the link still arrives.
    pair = page.evaluate("""() => {
        for (const a of document.querySelectorAll('a[data-evidence-link]')) {
            const from = a.closest('[data-finding-item]');
            const to = document.getElementById(a.getAttribute('href').slice(1)).closest('[data-finding-item]');
            if (from.dataset.rule !== to.dataset.rule) {
                return [a.getAttribute('href'), from.dataset.rule, from.dataset.number];
            }
        }
        return null;
    }""")
    assert pair, "some entry is relied on by findings under different standards"
    href, rule, number = pair
    page.evaluate("location.hash = ''")
    page.select_option("select[name=rule]", rule)
    assert not page.locator(href).is_visible()
    page.locator(f"#finding-{number} a[data-evidence-link][href='{href}']").click()
    assert page.evaluate("location.hash") == href and page.locator(href).is_visible()
    assert founding_page.count().startswith("Showing all")

    # A mark on the timeline goes to its entry: one not relied on by any finding lands in the entries table.
    entry = page.evaluate("""() => {
        for (const a of document.querySelectorAll('#timeline-svg a.mark')) {
            if (a.dataset.findings) continue;
            a.scrollIntoView({block: 'center'});
            const r = a.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            if (hit && hit.closest('a') === a) return a.dataset.entry;
        }
        return null;
    }""")
    assert entry, "some mark can be clicked"
    page.locator(f"#timeline-svg a.mark[data-entry='{entry}']").click()
    assert page.evaluate("location.hash") == f"#entry-{entry}"
    expect(page.locator(f"#entry-{entry}")).to_be_in_viewport()
    assert page.locator(f"#entry-{entry}").evaluate("e => e.closest('table').className") == "entries"
    assert founding_page.problems == []


def test_hostile_chronology_text_runs_nothing_in_the_browser(browser, page_files):
    opened = Opened(browser, page_files["hostile"])
    try:
        assert opened.page.locator("img").count() == 0
        assert opened.page.evaluate("document.scripts.length") == 1
        assert opened.page.locator("td", has_text=f"{SCRIPT} and {BREAKOUT} end.").count() >= 1
        assert opened.problems == []
    finally:
        opened.page.close()


def png_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and number of distinct colours of an 8-bit, non-interlaced RGB(A) PNG, by the standard library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header is not None
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    assert len(raw) == height * (stride + 1)
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], (previous[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        previous = line
    return width, height, len(colours)


def test_a_screenshot_of_the_timeline_is_a_real_colourful_png(founding_page):
    shot = founding_page.page.locator("#timeline-svg").screenshot(type="png")
    width, height, colours = png_colours(shot)
    assert 800 <= width <= 3000 and 300 <= height <= 3000, (width, height)
    assert 20_000 < len(shot) < 5_000_000
    assert colours > 16, f"only {colours} distinct colours: the timeline looks blank"
    assert founding_page.problems == []


# --- exercise mode (auditor report --exercise): the chronology first, the findings behind a reveal --------------

@pytest.fixture(scope="module")
def exercise_html(appendix) -> str:
    return render_appendix(appendix, "html", exercise=True).decode("utf-8")


def test_exercise_mode_shows_the_chronology_and_gives_nothing_away_before_the_reveal(exercise_html, appendix, result):
    before, _, after = exercise_html.partition('<details class="reveal" id="reveal">')
    assert after, "the findings should sit inside the reveal control"
    assert "data-finding-item" not in before and "data-window" not in before
    assert 'class="mark flagged"' not in before and "Findings:" not in before  # no counts in the method either
    for event in result.chronology.events[:5]:  # the learners read the chronology's own words
        assert html_escape(event.summary) in before
    articles = r"<article[^>]*data-finding-item"
    assert len(re.findall(articles, after)) == len(appendix.findings) + len(appendix.met) > 0
    assert exercise_html == render_appendix(appendix, "html", exercise=True).decode("utf-8")


def test_exercise_mode_is_an_html_page_or_a_word_handout(appendix):
    with pytest.raises(ValueError, match="HTML page or a Word handout"):
        render_appendix(appendix, "md", exercise=True)


def test_the_exercise_has_its_own_title_numbers_from_one_and_says_why_each_standard_matters(exercise_html, appendix):
    assert "<h1>Training exercise: Domestic Homicide Review BDHR2012/13-04 (Birmingham)</h1>" in exercise_html
    numbers = [int(n) for n in re.findall(r'<article[^>]*data-number="(\d+)"', exercise_html)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert exercise_html.count("<dt>Why it matters</dt>") == sum(1 for f in appendix.findings + appendix.met if f.why)


def test_the_word_handout_has_the_chronology_then_the_debrief_on_its_own_page(appendix, result):
    from docx import Document

    doc = Document(io.BytesIO(render_appendix(appendix, "docx", exercise=True)))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [t for s, t in headings if s == "Heading 1"] == ["The chronology", "Questions", "Debrief (for the trainer)"]
    debrief = next(p for p in doc.paragraphs if p.text == "Debrief (for the trainer)")
    assert debrief.paragraph_format.page_break_before
    [chronology] = [t for t in doc.tables if t.rows[0].cells[0].text == "Entry"]
    assert len(chronology.rows) == len(result.chronology.events) + 1
    exercise = appendix.for_exercise()  # the numbers the learners' page gives each finding
    departures = [f for f in exercise.findings if f.status in ("breach", "possible-breach")]
    finding_heads = [t for s, t in headings if s == "Heading 3"]
    assert finding_heads == [f"Finding {f.number}: {f.title}" for f in departures]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert all(f"Why it matters: {f.why}" in text for f in departures if f.why)


def test_in_the_browser_the_findings_appear_only_when_revealed(browser, tmp_path, exercise_html, appendix):
    path = tmp_path / "exercise.html"
    path.write_text(exercise_html, encoding="utf-8")
    opened = Opened(browser, path)
    try:
        shown = """() => Array.from(document.querySelectorAll('[data-finding-item]')).filter(e => e.checkVisibility()).length"""
        assert opened.page.evaluate(shown) == 0
        assert opened.page.is_visible("table.chronology")
        opened.page.click("details.reveal > summary")
        assert opened.page.evaluate(shown) == len(appendix.findings) + len(appendix.met)
        assert opened.problems == []
    finally:
        opened.page.close()


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_the_timeline_opens_on_where_most_findings_sit_and_zooms_and_pans(founding_page):
    page = founding_page.page

    def view() -> tuple[float, float]:
        lo, hi = page.get_attribute("#timeline-svg", "data-view").split()
        return float(lo), float(hi)

    assert page.locator("#timeline-zoom").is_visible()
    start, end = view()
    assert 0 < start and end - start < 1000  # not the whole period: the founding case's findings cluster
    windows = page.evaluate("""() => Array.from(document.querySelectorAll('.window rect')).map(r => {
        const x1 = Number(r.dataset.x1); return [x1, Number(r.dataset.x2)]; })""")
    inside = [w for w in windows if w[0] >= start and w[1] <= end]
    assert len(inside) >= 0.8 * len(windows)  # four in five of the time limits are in view
    # Marks are redrawn at their new x, not stretched: a circle keeps its radius.
    assert page.evaluate("() => document.querySelector('circle.mark-point').getAttribute('r')") == "5"
    page.click("[data-zoom=in]")
    zoomed = view()
    assert abs((zoomed[1] - zoomed[0]) - (end - start) / 2) < 1
    page.click("[data-zoom=right]")
    assert view()[0] > zoomed[0]
    page.locator("figure.timeline a").first.focus()
    page.keyboard.press("0")
    assert view() == (0.0, 1000.0) and page.inner_text("#timeline-view") == "Showing the whole period"
    assert page.text_content("#timeline-axis-start") == "01/04/2008"
    page.keyboard.press("f")
    assert view() == (start, end)
    assert founding_page.problems == []


def test_the_timeline_labels_do_not_overlap_at_any_zoom_and_ticks_turn_to_months(founding_page):
    page = founding_page.page

    def labels() -> tuple[list[str], list[str]]:
        """The tick labels, and every pair of the timeline's labels whose glyphs overlap."""
        return page.evaluate("""() => {
            const texts = Array.from(document.querySelectorAll('#timeline-svg text'));
            // A label's glyphs: its box less the line's leading (a tenth of the font size above and below).
            const boxes = texts.map(t => { const r = t.getBoundingClientRect();
                const lead = parseFloat(getComputedStyle(t).fontSize) * 0.1;
                return {l: r.left, r: r.right, t: r.top + lead, b: r.bottom - lead, w: r.width}; });
            const clashes = [];
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i], c = boxes[j];
                if (a.w && c.w && a.l < c.r && c.l < a.r && a.t < c.b && c.t < a.b)
                    clashes.push(texts[i].textContent.trim() + ' / ' + texts[j].textContent.trim());
            }
            return [Array.from(document.querySelectorAll('#timeline-ticks .tick text')).map(t => t.textContent),
                    clashes];
        }""")

    for clicks in ([], ["all"], ["in", "in", "in"], ["in", "in", "in", "in", "in", "right"]):
        page.click("[data-zoom=findings]")
        for button in clicks:
            page.click(f"[data-zoom={button}]")
        ticks, clashes = labels()
        assert ticks and clashes == [], (clicks, clashes)
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}", ticks[0])  # zoomed in to weeks, the ticks name months
    page.click("[data-zoom=all]")
    assert labels()[0][0] in ("Jul 2008", "2009")
