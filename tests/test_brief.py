"""`auditor brief`: a one-page briefing drawn from the audit and the rulebook's own words."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import date

import pytest

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology
from auditor.errors import InputError
from auditor.trainer.brief import QUESTIONS, TOP, build_briefing, render_briefing

from .conftest import FOUNDING_CASE

DAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def briefing(rulebook, reference):
    result = audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test")
    return result, build_briefing(result, rulebook, DAY)


def test_the_briefing_lists_the_top_departures_one_per_standard_must_first(briefing, rulebook):
    result, b = briefing
    assert len(b.items) == TOP and len({i.title for i in b.items}) == TOP
    departures = [f for f in result.findings if f.status in ("breach", "possible-breach")]
    assert b.more == len(departures) - TOP
    first = [f for f in result.findings if f.title == b.items[0].title and f.status == "breach"]
    assert first and first[0].severity == "must"
    for item in b.items:  # why the standard matters, what it expects and what to do now, in the rule's own words
        rule = next(r for r in rulebook.rules.values() if r.title == item.title)
        assert item.why and item.why == (rule.why or rule.description.split(". ")[0] + ".")
        assert (item.expects, item.do_now) == (rule.expects, rule.do_now)
    assert b.do_now == [item.do_now for item in b.items]


def test_three_reflective_questions_come_from_the_rules_involved_in_turn(briefing, rulebook):
    _, b = briefing
    assert len(b.questions) == QUESTIONS and len(set(b.questions)) == QUESTIONS
    involved = [next(r for r in rulebook.rules.values() if r.title == i.title) for i in b.items]
    from_rules = [rule.reflect[0] for rule in involved if rule.reflect][:QUESTIONS]
    assert b.questions[:len(from_rules)] == from_rules  # one from each rule in turn, then the rulebook's own
    assert set(b.questions[len(from_rules):]) <= {q for rule in involved for q in rule.reflect[1:]} \
        | set(rulebook.meta.briefing_questions)


def test_a_case_with_no_departures_falls_back_on_the_rulebooks_questions(rulebook, reference):
    import json

    from auditor.chronology.loader import chronology_from_text

    text = json.dumps({"case": {"id": "quiet", "title": "Quiet", "jurisdiction": "england",
                                "scoping": {"from": "2012-01-01", "to": "2012-12-31"}},
                       "events": [{"id": "a", "agency": "gp", "type": "health-contact", "date": "2012-03-01",
                                   "source": {"document": "t"}}]})
    chron = chronology_from_text(text, "quiet.json", rulebook.vocabulary)
    b = build_briefing(audit(chron, rulebook, reference, "test"), rulebook, DAY)
    assert b.items == [] and b.questions == rulebook.meta.briefing_questions[:QUESTIONS]
    assert "No departure from the standards is evidenced" in render_briefing(b, "md").decode()


GRID = ["Background", "What happened", "Why it matters", "What we learned", "Questions for reflection",
        "What you should do now"]


def test_the_word_briefing_follows_the_seven_minute_grid_and_is_reproducible(briefing):
    from docx import Document

    _, b = briefing
    data = render_briefing(b, "docx")
    assert data == render_briefing(b, "docx")
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"] == GRID
    text = "\n".join(p.text for p in doc.paragraphs)
    for item in b.items:
        assert item.title in text and item.expects in text and item.do_now in text
    for question in b.questions:
        assert question in text
    assert len(text.split()) < 700  # about one page of A4


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice and poppler render the page count")
def test_the_word_briefing_renders_on_one_a4_page(briefing, tmp_path):
    _, b = briefing
    (tmp_path / "brief.docx").write_bytes(render_briefing(b, "docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "brief.docx")], capture_output=True, timeout=180, check=True)
    info = subprocess.run(["pdfinfo", str(tmp_path / "brief.pdf")], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout


def test_the_trainer_chooses_the_findings_with_finding(rulebook, reference, briefing):
    result, _ = briefing
    chosen = ["police-invited-to-icpc-where-domestic-abuse@E046", "conference-report-before-conference@E046"]
    b = build_briefing(result, rulebook, DAY, chosen_ids=chosen)
    assert [i.title for i in b.items] == [next(f.title for f in result.findings if f.id == c) for c in chosen]
    with pytest.raises(InputError, match="not a finding of this audit"):
        build_briefing(result, rulebook, DAY, chosen_ids=["no-such@E1"])
    met = next(f.id for f in result.findings if f.status == "met")
    with pytest.raises(InputError, match="not a departure or possible departure"):
        build_briefing(result, rulebook, DAY, chosen_ids=[met])


def test_cli_writes_markdown_and_refuses_word_without_output(tmp_path):
    run = [sys.executable, "-m", "auditor", "brief", str(FOUNDING_CASE), "--date", "2026-11-25"]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# 7-minute briefing")
    assert [line[3:] for line in proc.stdout.splitlines() if line.startswith("## ")] == GRID
    chosen = subprocess.run(run + ["--finding", "police-invited-to-icpc-where-domestic-abuse@E046"],
                            capture_output=True, text=True, timeout=120)
    assert chosen.returncode == 0 and "The departure that matters most" in chosen.stdout
    assert "1. **Police invited to an initial child protection conference" in chosen.stdout
    proc = subprocess.run(run + ["--format", "docx"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--output" in proc.stderr


def test_counts_agree_with_their_nouns_and_zero_reads_no(rulebook, reference):
    """One departure is "1 departure", none is "no possible departures", never "1 departures" or "0 ..."."""
    case = FOUNDING_CASE.parent.parent / "training" / "late-conference-bank-holiday.yaml"
    result = audit(load_chronology(case, rulebook.vocabulary), rulebook, reference, "test", "x")
    text = render_briefing(build_briefing(result, rulebook, date(2026, 11, 25)), "md").decode()
    assert "the chronology shows 1 departure, no possible departures and " in text
    assert "1 departures" not in text and " 0 " not in text


def test_practice_learning_from_another_area_is_briefed_apart_from_the_standards(rulebook, reference):
    """The police left off the invitation list: in example-borough that is learning from BDHR2012/13-04, which
    the briefing teaches from, labelled, but does not count as a departure from a standard."""
    case = FOUNDING_CASE.parent.parent / "training" / "police-not-invited.yaml"
    result = audit(load_chronology(case, rulebook.vocabulary), rulebook, reference, "test", "x")
    text = render_briefing(build_briefing(result, rulebook, date(2026, 11, 25)), "md").decode()
    assert "the chronology shows no departures, no possible departures and " in text
    assert "Set against practice learning from BDHR2012/13-04, a review of another area, it shows 1 departure" in text
    assert "(departure from practice learning, BDHR2012/13-04: not a standard in this area, from 25/10/2011)" in text
