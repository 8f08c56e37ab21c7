"""The appendix's content (shared by every format), reviewer decisions, redaction, and the Markdown form."""

import subprocess
import sys
from datetime import date

import pytest
import yaml

from auditor.appendix.decision_files import load_decisions
from auditor.appendix.decisions import Decision, decisions_template, dump_decisions
from auditor.appendix.model import build_appendix, prose_date
from auditor.appendix.redaction import Redactor, likely_identifiers
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.errors import InputError
from auditor.reports.appendix import render_appendix

from .conftest import FOUNDING_CASE

DAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def result(rulebook, reference):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test", "abc123")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=180,
                          cwd=cwd)


def test_paragraphs_are_numbered_once_in_order(result, rulebook):
    a = build_appendix(result, rulebook, report_date=DAY)
    numbers = [p.number for p in a.method] + [a.people_paragraph.number] + [f.number for f in a.findings] + \
              [a.met_paragraph.number] + [f.number for f in a.met]
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_format_prints_the_paragraphs_in_number_order(result, rulebook):
    """Markdown, HTML and Word number the paragraphs 1, 2, 3... down the page, the same in each."""
    import io
    import re

    from docx import Document

    a = build_appendix(result, rulebook, report_date=DAY)
    md = render_appendix(a, "md").decode()
    html = render_appendix(a, "html").decode()
    html = html[html.index("<main"):]  # the page body, not the timeline's finding labels
    docx = Document(io.BytesIO(render_appendix(a, "docx")))
    orders = {
        "md": [int(n) for n in re.findall(r"(?m)^(\d+)\. ", md)],
        "html": [int(n) for n in re.findall(r'<span class="pn">(\d+)\.</span>', html)],
        "docx": [int(m.group(1)) for p in docx.paragraphs if (m := re.match(r"(\d+)\.\t", p.text))],
    }
    expected = list(range(1, a.met[-1].number + 1))
    for fmt, numbers in orders.items():
        assert numbers == expected, (fmt, numbers[:20])


def test_findings_are_grouped_by_agency_and_theme_and_met_is_listed(result, rulebook):
    a = build_appendix(result, rulebook, report_date=DAY)
    statuses = {f.status for f in a.findings}
    assert statuses == {"breach", "possible-breach", "not-evaluable"}
    assert {f.status for f in a.met} == {"met"} and len(a.met) == sum(f.status == "met" for f in result.findings)
    grouped = sorted(n for _, ns in a.by_agency for n in ns)
    assert grouped == sorted(f.number for f in a.findings) == sorted(n for _, ns in a.by_theme for n in ns)
    police = next(ns for agency, ns in a.by_agency if agency == "Police")
    assert all(next(f for f in a.findings if f.number == n).agency == "Police" for n in police)
    themes = {plan.theme for plan in a.action_plan}
    assert themes == {f.theme for f in a.findings if f.status in ("breach", "possible-breach")}


def test_method_names_versions_hashes_editions_and_unverified_sources(result, rulebook):
    a = build_appendix(result, rulebook, report_date=DAY)
    method = " ".join(p.text for p in a.method)
    assert result.meta["rulebook_version"] in method and "abc123" in method and result.meta["engine"] in method
    assert "not evidenced in the chronology" in method.lower() and "hindsight" in method
    wt2010 = next(e for e in a.editions if e.edition == "WT 2010")
    assert wt2010.in_force == "01/03/2010 to 14/04/2013" and "11/06/2012" in wt2010.why
    assert any(u.startswith("Working Together to Safeguard Children (2010)") for u in a.unverified)
    applied = {(e.label, e.in_force) for f in result.findings if f.status != "not-applicable" for e in f.editions}
    assert applied == {(e.edition, e.in_force) for e in a.editions}
    assert sum(e.findings for e in a.editions) >= len([f for f in result.findings if f.status != "not-applicable"])


def test_prose_dates_are_written_out():
    assert prose_date(date(2012, 6, 11)) == "11 June 2012"


# -- decisions -------------------------------------------------------------------------------------

def test_review_writes_every_finding_undecided_and_the_file_round_trips(result, tmp_path):
    text = decisions_template(result)
    data = yaml.safe_load(text)
    listed = [d["finding"] for d in data["decisions"]]
    assert listed == [f.id for f in result.findings if f.status != "not-applicable"]
    assert {d["decision"] for d in data["decisions"]} == {"undecided"}
    path = tmp_path / "decisions.yaml"
    path.write_text(text)
    assert all(d.decision == "undecided" for d in load_decisions(path, result).by_finding.values())
    assert {d["status"] for d in data["decisions"]} <= {"Departure", "Possible departure", "Not evaluable", "Met"}


def test_a_decision_on_a_finding_the_audit_did_not_make_is_set_aside_not_attached(result, rulebook, tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text(dump_decisions(result.chronology.case.id, [
        Decision(finding="police-invited-to-icpc-where-domestic-abuse@E046", decision="confirmed", reason="para 148"),
        Decision(finding="no-such-rule@E999", decision="disputed", reason="x")]))
    loaded = load_decisions(path, result)
    assert list(loaded.by_finding) == ["police-invited-to-icpc-where-domestic-abuse@E046"]
    assert [d.finding for d in loaded.stale] == ["no-such-rule@E999"]
    a = build_appendix(result, rulebook, loaded.by_finding, report_date=DAY, set_aside=["no-such-rule@E999"])
    assert any("1 decision names a finding this audit did not make (no-such-rule@E999)" in p.text for p in a.method)


def test_a_decision_needs_a_reason(result, tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text(dump_decisions(result.chronology.case.id, [
        Decision(finding="police-invited-to-icpc-where-domestic-abuse@E046", decision="confirmed")]))
    with pytest.raises(InputError, match="a decision needs its reason"):
        load_decisions(path, result)


def test_decisions_appear_and_a_disputed_finding_keeps_its_evidence(result, rulebook, tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text(dump_decisions(result.chronology.case.id, [
        Decision(finding="police-invited-to-icpc-where-domestic-abuse@E046", decision="confirmed",
                 reason="Review para 148 states it.", reviewer_role="Independent reviewer", date=date(2026, 12, 1)),
        Decision(finding="gp-invited-to-icpc@E046", decision="disputed", reason="The GP was consulted by telephone.",
                 reviewer_role="Panel member (health)", date=date(2026, 12, 2))]))
    a = build_appendix(result, rulebook, load_decisions(path, result).by_finding, report_date=DAY)
    disputed = next(f for f in a.findings if f.id == "gp-invited-to-icpc@E046")
    assert disputed.decision.decision == "disputed" and [e.event_id for e in disputed.evidence] == ["E046"]
    text = render_appendix(a, "md").decode()
    assert "Reviewer's decision: Confirmed: Review para 148 states it. (Independent reviewer, 01/12/2026)" in text
    assert "Reviewer's decision: Disputed: The GP was consulted by telephone. (Panel member (health), 02/12/2026)" in text
    assert "1 confirmed, 1 disputed" in text


# -- redaction -------------------------------------------------------------------------------------

NAMED = """\
case:
  id: named
  title: Named case
  jurisdiction: england
  scoping: {from: 2012-01-01, to: 2012-12-31}
  people:
    - {id: adult-a, role: victim, pseudonym: Adult A, names: [Jane Doe, Jane]}
    - {id: adult-b, role: alleged-perpetrator, pseudonym: Adult B, names: [John Roe]}
  facts:
    domestic_abuse: {value: true}
events:
  - id: E1
    date: 2012-06-11
    agency: childrens-social-care
    type: initial-child-protection-conference
    attrs: {invited: [health-visiting]}
    source: {document: review, paras: [1]}
    summary: "Jane Doe attended; JANE said John Roe lives at 12 Acacia Avenue, B15 2TT, phone 0121 496 0000. Mr Smithers, his friend, was there."
"""


@pytest.fixture(scope="module")
def named(rulebook, reference):
    chron = chronology_from_text(NAMED, "named.yaml", rulebook.vocabulary)
    return audit(chron, rulebook, reference, "test", "n")


def test_redaction_replaces_listed_names_consistently_and_warns_of_what_remains(named, rulebook):
    a = build_appendix(named, rulebook, report_date=DAY, redact=True)
    summary = a.findings[0].evidence[0].summary
    assert summary.startswith("Adult A attended; Adult A said Adult B lives at")
    assert "Jane" not in render_appendix(a, "md").decode() and "Roe" not in render_appendix(a, "md").decode()
    warnings = "\n".join(a.identifier_warnings)
    assert "masked postcode: B15 2TT (shown as [postcode])" in warnings
    assert "masked phone number: 0121 496 0000 (shown as [phone])" in warnings
    assert "masked address: 12 Acacia Avenue (shown as [address])" in warnings and "Smithers" in warnings
    md = render_appendix(a, "md").decode()
    assert "B15 2TT" not in md and "0121 496 0000" not in md and "Acacia" not in md
    assert "[postcode]" in a.findings[0].evidence[0].summary
    assert "Adult" not in warnings and "Police" not in warnings
    again = build_appendix(named, rulebook, report_date=DAY, redact=True)
    assert render_appendix(a, "md") == render_appendix(again, "md")


def test_without_redact_free_text_is_left_as_written(named, rulebook):
    a = build_appendix(named, rulebook, report_date=DAY)
    assert "Jane Doe attended" in a.findings[0].evidence[0].summary and a.identifier_warnings == []


def test_dates_can_be_coarsened_to_month_and_year():
    r = Redactor(coarsen_dates=True)
    assert r.text("on 11/06/2012, held 2012-06-18, wrote 5 June 2012") == "in June 2012, held June 2012, wrote June 2012"
    assert r.day(date(2012, 6, 11)) == date(2012, 6, 15)
    assert likely_identifiers(["Seen by Adult A."], {"Seen", "Adult"}) == []


# -- the command line ------------------------------------------------------------------------------

def test_review_then_report_round_trip_on_the_command_line(tmp_path):
    decisions = tmp_path / "decisions.yaml"
    proc = run("review", str(FOUNDING_CASE), "--output", str(decisions))
    assert proc.returncode == 0, proc.stderr
    text = decisions.read_text().replace(
        "- finding: police-invited-to-icpc-where-domestic-abuse@E046\n    status: Departure\n    decision: undecided\n"
        "    reason: \"\"",
        "- finding: police-invited-to-icpc-where-domestic-abuse@E046\n    status: Departure\n    decision: confirmed\n"
        "    reason: \"Para 148.\"")
    assert "decision: confirmed" in text
    decisions.write_text(text)
    out = tmp_path / "appendix.md"
    proc = run("report", str(FOUNDING_CASE), "--format", "md", "--decisions", str(decisions), "--date", "2026-11-25",
               "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Reviewer's decision: Confirmed: Para 148." in out.read_text()
    again = tmp_path / "again.md"
    run("report", str(FOUNDING_CASE), "--format", "md", "--decisions", str(decisions), "--date", "2026-11-25",
        "--output", str(again))
    assert out.read_bytes() == again.read_bytes()
    proc = run("review", str(FOUNDING_CASE), "--output", str(decisions))
    assert proc.returncode == 2 and "not overwritten" in proc.stderr


def test_templates_can_be_overridden_one_file_at_a_time(result, rulebook, tmp_path):
    (tmp_path / "appendix.md.j2").write_text("Custom appendix for {{ a.case_id }}: {{ a.findings | length }} findings\n")
    a = build_appendix(result, rulebook, report_date=DAY)
    assert render_appendix(a, "md", tmp_path).decode() == f"Custom appendix for bdhr-2012-13-04: {len(a.findings)} findings\n"


def test_a_broken_template_of_the_authors_own_is_bad_input_with_its_line(result, rulebook, tmp_path):
    (tmp_path / "appendix.md.j2").write_text("Fine line\n{% for f in a.findings %}\n{{ f.title }\n")
    a = build_appendix(result, rulebook, report_date=DAY)
    with pytest.raises(InputError) as caught:
        render_appendix(a, "md", tmp_path)
    [problem] = caught.value.problems
    assert problem.file.endswith("appendix.md.j2") and problem.line == 3
    (tmp_path / "appendix.docx.j2").write_text('{"no_such_block": 1}\n')
    with pytest.raises(InputError, match="the docx template failed"):
        render_appendix(a, "docx", tmp_path)


def test_each_time_limit_is_drawn_on_the_lane_of_the_agency_whose_standard_it_is(result, rulebook):
    a = build_appendix(result, rulebook, report_date=DAY)
    names = {ag.id: ag.name for ag in rulebook.vocabulary.agencies}
    findings = {v.number: next(f for f in result.findings if f.id == v.id) for v in a.findings + a.met}
    assert a.timeline.windows
    for window in a.timeline.windows:
        agency = findings[window.number].agency
        if agency in a.timeline.lane_ids:
            assert a.timeline.lanes[window.lane] == names[agency], window.label
