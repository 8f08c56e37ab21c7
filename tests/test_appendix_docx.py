"""The Word appendix: built from the founding case, written as .docx and read back with python-docx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, RGBColor

from auditor.appendix.decisions import Decision
from auditor.appendix.model import build_appendix
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.reports.appendix import render_appendix

from .conftest import FOUNDING_CASE, ROOT

DAY = date(2026, 11, 25)
SECTIONS = ["Summary of departures", "1. Method", "2. People and agencies", "3. Findings by agency",
            "4. What was met, and standards not applicable", "5. Action plan"]
EVIDENCE_HEADER = ["Entry", "Date", "Agency", "Type", "Source", "Summary"]
ACTION_HEADER = ["Theme and findings", "Recommendation", "Scope (local, regional or national)", "Action",
                 "Lead agency", "Key milestones", "Target date", "Date of completion and outcome"]
SUMMARY_HEADER = ["No.", "Date", "Agency", "Standard", "Status", "Source"]
REASON = "The panel agrees the conference report was not shared 48 hours before the conference."


@pytest.fixture(scope="module")
def result(rulebook, reference):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test")


@pytest.fixture(scope="module")
def decided(result):
    """One finding, a departure, with a reviewer's decision."""
    f = next(f for f in result.findings if f.rule_id == "conference-report-before-conference")
    return Decision(finding=f.id, decision="confirmed", reason=REASON, reviewer_role="Independent chair",
                    date=date(2026, 11, 20))


@pytest.fixture(scope="module")
def appendix(result, rulebook, decided):
    return build_appendix(result, rulebook, {decided.finding: decided}, DAY)


@pytest.fixture(scope="module")
def data(appendix) -> bytes:
    return render_appendix(appendix, "docx")


@pytest.fixture(scope="module")
def doc(data):
    return Document(io.BytesIO(data))


def headings(doc, level=None):
    return [(p.style.name, p.text) for p in doc.paragraphs
            if p.style.name.startswith("Heading") and (level is None or p.style.name == f"Heading {level}")]


def finding_paragraphs(doc, number: int) -> list[str]:
    """The paragraphs under the heading of finding `number`, up to the next heading."""
    out, inside = [], False
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            if inside:
                break
            inside = p.text.startswith(f"Finding {number}: ")
        elif inside:
            out.append(p.text)
    assert out, f"finding {number} not found"
    return out


def first_row_repeats(table) -> bool:
    tr_pr = table.rows[0]._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_sections_are_word_headings_in_order(doc, appendix):
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == appendix.title
    assert [text for _, text in headings(doc, 1)] == SECTIONS
    level2 = [text for _, text in headings(doc, 2)]
    for name in ("Versions and hashes", "Editions applied and why", "Citations not verified", "People", "Agencies",
                 "Glossary", "Index by theme", "Standards met", "Standards not applicable"):
        assert name in level2
    # each agency with findings is a Heading 2 inside section 3, and each finding a Heading 3
    agencies = list(dict.fromkeys(f.agency for f in appendix.findings))
    assert [t for t in level2 if t in agencies] == agencies
    level3 = [text for _, text in headings(doc, 3)]
    assert level3 == [f"Finding {f.number}: {f.title}" for f in appendix.findings + appendix.met]
    # the headings use Word's built-in styles (the ones the navigation pane and a contents table use)
    assert {doc.styles[f"Heading {n}"].builtin for n in (1, 2, 3)} == {True}


def test_every_numbered_paragraph_carries_its_number_as_text(doc, appendix):
    numbered = [p.text for p in doc.paragraphs if p.style.name == "Numbered Paragraph"]
    numbers = [int(re.match(r"(\d+)\.\t", text).group(1)) for text in numbered]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    expected = [p.number for p in appendix.method] + [appendix.people_paragraph.number] + \
               [f.number for f in appendix.findings] + [appendix.met_paragraph.number] + [f.number for f in appendix.met]
    assert numbers == expected
    for f in appendix.findings + appendix.met:
        assert f"{f.number}.\t{f.status_label}. {f.statement}" in numbered


def test_finding_shows_standard_status_severity_evidence_and_search(doc, appendix):
    f = next(f for f in appendix.findings if f.depends_on and f.late and f.searched)
    text = "\n".join(finding_paragraphs(doc, f.number))
    assert f"The standard: {f.standard}" in text and f.standard.endswith(".")
    assert f"Status: {f.status_label}." in text and f"Severity: {f.severity}" in text
    assert f"Agency: {f.agency}." in text and f"Theme: {f.theme}." in text
    assert f.late in text.lower()
    assert f"What was searched: {f.searched}." in text
    for reading, status, _ in f.depends_on:
        assert f"{reading[1:]}: {status}." in text


def test_evidence_tables_have_bold_repeating_header_rows_and_borders(doc, appendix):
    evidence = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == EVIDENCE_HEADER]
    with_evidence = [f for f in appendix.findings + appendix.met if f.evidence]
    assert len(evidence) == len(with_evidence)
    for table, f in zip(evidence, with_evidence):
        assert first_row_repeats(table)
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
        assert [row.cells[0].text for row in table.rows[1:]] == [e.event_id for e in f.evidence]
        assert [c.text for c in table.rows[1].cells] == [f.evidence[0].event_id, f.evidence[0].date,
                                                         f.evidence[0].agency, f.evidence[0].type,
                                                         f.evidence[0].source, f.evidence[0].summary]
    for table in doc.tables:  # every table: a bordered style and a repeating header
        assert table.style.name == "Table Grid" and table.style.element.find(qn("w:tblPr")) is not None
        assert first_row_repeats(table)


def test_page_is_a4_portrait_with_the_marking_in_the_header(doc, appendix):
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert Cm(1.5) <= section.left_margin <= Cm(2.6) and Cm(1.5) <= section.right_margin <= Cm(2.6)
    assert len(doc.sections) == 1 and not section.header.is_linked_to_previous
    assert [p.text for p in section.header.paragraphs] == [appendix.marking] == ["OFFICIAL-SENSITIVE"]


def test_a_custom_marking_reaches_header_and_footer(result, rulebook):
    custom = build_appendix(result, rulebook, {}, DAY, marking="OFFICIAL-SENSITIVE PERSONAL")
    section = Document(io.BytesIO(render_appendix(custom, "docx"))).sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE PERSONAL"
    assert section.footer.paragraphs[0].text.startswith("OFFICIAL-SENSITIVE PERSONAL\t")


def test_footer_has_page_of_numpages_fields_and_the_report_date(doc):
    footer = doc.sections[0].footer.paragraphs[0]
    instructions = [el.text.split()[0] for el in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [el.get(qn("w:fldCharType")) for el in footer._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert "Page 1 of 1" in footer.text  # the fields' cached results, which Word and LibreOffice update
    assert footer.text.endswith("\t25/11/2026")


def test_core_properties_come_from_the_report_not_the_clock(doc, appendix):
    core = doc.core_properties
    assert core.title == appendix.title and core.author == "auditor" and core.last_modified_by == "auditor"
    midnight = datetime(2026, 11, 25, tzinfo=UTC)
    assert core.created.replace(tzinfo=UTC) == midnight
    assert core.modified.replace(tzinfo=UTC) == midnight
    assert core.revision == 1 and core.language == "en-GB"


def test_action_plan_has_one_empty_row_per_departure_theme(doc, appendix):
    [table] = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ACTION_HEADER]
    assert first_row_repeats(table)
    assert len(table.rows) == len(appendix.action_plan) + 1
    for row, plan in zip(table.rows[1:], appendix.action_plan):
        cells = [c.text for c in row.cells]
        findings = ", ".join(map(str, plan.findings))
        assert cells == [f"{plan.theme}: findings {findings} ({', '.join(plan.agencies)})"] + [""] * 7
    assert {"Timeliness", "Conference preparation"} <= {plan.theme for plan in appendix.action_plan}


def test_the_first_page_is_a_summary_of_departures_by_date_with_links_to_each(doc, appendix):
    [table] = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == SUMMARY_HEADER]
    departures = [f for f in appendix.findings if f.status in ("breach", "possible-breach")]
    assert len(table.rows) == len(departures) + 1 == len(appendix.summary) + 1
    by_number = {f.number: f for f in departures}
    for row, summary in zip(table.rows[1:], appendix.summary):
        finding = by_number[summary.number]
        assert [c.text for c in row.cells] == [str(finding.number), summary.date, finding.agency, finding.standard,
                                               finding.status_label, summary.source]
        assert " (" not in summary.date and not summary.source.startswith("BDHR")  # the case cites one report
    links = [h.get(qn("w:anchor")) for h in table._tbl.iter(qn("w:hyperlink"))]
    assert links == [f"finding_{s.number}" for s in appendix.summary]
    assert doc.paragraphs[2].text == "Summary of departures"
    body = list(doc.element.body)
    method = next(p for p in doc.paragraphs if p.text == "1. Method")._p
    assert body.index(table._tbl) < body.index(method)


def test_the_contents_is_a_toc_field_word_updates_on_opening_and_already_lists_the_headings(doc, appendix):
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    instructions = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions if "TOC" in i] == ['TOC \\o "1-2" \\h \\z \\u']
    entries = [p for p in doc.paragraphs if p.style.name in ("TOC 1", "TOC 2", "TOC 3")]
    assert [p.text for p in entries if p.style.name == "TOC 1"] == SECTIONS[1:]
    anchors = {h.get(qn("w:anchor")) for p in entries for h in p._p.iter(qn("w:hyperlink"))}
    bookmarks = {b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert len(anchors) == len(entries) and anchors <= bookmarks
    kinds = [c.get(qn("w:fldCharType")) for p in entries for c in p._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]


def test_theme_index_links_to_each_finding(doc, appendix):
    [table] = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Theme", "Findings"]]
    assert [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:]] == \
           [(theme, ", ".join(map(str, numbers))) for theme, numbers in appendix.by_theme]
    body = doc.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    anchors = {h.get(qn("w:anchor")) for h in table._tbl.iter(qn("w:hyperlink"))}
    assert anchors == {f"finding_{n}" for _, numbers in appendix.by_theme for n in numbers}
    assert anchors <= bookmarks


def test_a_decision_appears_beside_its_finding(doc, appendix, decided):
    [f] = [f for f in appendix.findings if f.id == decided.finding]
    text = finding_paragraphs(doc, f.number)
    assert f"Reviewer's decision: Confirmed. {REASON} (Independent chair, 20/11/2026)" in text
    assert "No reviewer decision recorded." not in text
    others = [g for g in appendix.findings if g.id != decided.finding]
    for g in others[:5]:
        assert "No reviewer decision recorded." in finding_paragraphs(doc, g.number)


def test_unverified_citations_say_not_verified(doc, appendix):
    unverified = [f for f in appendix.findings if any(not c.verified for c in f.citations)]
    assert unverified
    for f in unverified:
        text = finding_paragraphs(doc, f.number)
        for c in f.citations:
            line = next(t for t in text if t.startswith(c.text))
            assert ("[not verified]" in line) is (not c.verified)
    listed = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert set(appendix.unverified) <= set(listed)


def test_two_renders_are_byte_identical_with_fixed_zip_timestamps(appendix, data):
    assert render_appendix(appendix, "docx") == data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"] and names[2:] == sorted(names[2:])
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 25, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in names  # python-docx's template's picture of a blank page


def test_hostile_chronology_text_opens_and_reads_back(rulebook, reference):
    text = FOUNDING_CASE.read_text(encoding="utf-8")
    original = 'summary: "After no reports since the end of 2006'
    assert original in text
    hostile = (r'summary: "A <b>tag</b> & an ampersand, a bell\x07, a NUL\x00, a vertical tab\x0bthen, a '
               r'separator\u2028then. After no reports since the end of 2006')
    chron = chronology_from_text(text.replace(original, hostile), "hostile.yaml", rulebook.vocabulary)
    appendix = build_appendix(audit(chron, rulebook, reference, "test"), rulebook, {}, DAY)
    doc = Document(io.BytesIO(render_appendix(appendix, "docx")))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    summary = next(c for c in cells if c.startswith("A <b>tag</b>"))
    assert summary.startswith("A <b>tag</b> & an ampersand, a bell, a NUL, a vertical tab\nthen, a separator\nthen.")


def test_cli_writes_a_word_appendix(tmp_path):
    out = tmp_path / "appendix.docx"
    run = subprocess.run([sys.executable, "-m", "auditor", "report", str(FOUNDING_CASE), "--format", "docx",
                          "--date", "2026-11-25", "--marking", "OFFICIAL", "--output", str(out)],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    doc = Document(str(out))
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert [text for _, text in headings(doc, 1)] == SECTIONS


def test_cli_word_appendix_needs_an_output_file():
    run = subprocess.run([sys.executable, "-m", "auditor", "report", str(FOUNDING_CASE), "--format", "docx"],
                         check=False, cwd=ROOT, capture_output=True, timeout=300)
    assert run.returncode == 2
    assert b"--output" in run.stderr and not run.stdout


@pytest.mark.skipif(shutil.which("libreoffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice and poppler-utils are optional")
def test_libreoffice_lays_it_out_as_a4_pages(data, tmp_path):
    (tmp_path / "appendix.docx").write_bytes(data)
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "appendix.docx")],
                   capture_output=True, timeout=300, check=True)
    info = subprocess.run(["pdfinfo", str(tmp_path / "appendix.pdf")], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 10 and "(A4)" in info
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(tmp_path / "appendix.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Page {pages} of {pages}" in last and "OFFICIAL-SENSITIVE" in last and "25/11/2026" in last


def _partnership_template(path, drop: tuple[str, ...] = ()) -> None:
    """A partnership's template: Heading 1 restyled and renamed in Word's way (an alias), wider margins, its own
    header; `drop` removes styles, as a template saved from Word lacks those it never used."""
    from docx.shared import Cm, Pt, RGBColor
    from docx.oxml import OxmlElement

    template = Document()
    heading = template.styles["Heading 1"]
    heading.font.name, heading.font.size, heading.font.color.rgb = "Georgia", Pt(22), RGBColor(0xC0, 0x00, 0x30)
    alias = OxmlElement("w:aliases")
    alias.set(qn("w:val"), "Partnership Heading")
    heading.element.insert(1, alias)
    section = template.sections[0]
    section.left_margin = section.right_margin = Cm(3.0)
    section.header.paragraphs[0].text = "EXAMPLE SAFEGUARDING PARTNERSHIP: OFFICIAL"
    template.add_paragraph("The template's own body, which the appendix replaces.")
    for name in drop:
        template.styles.element.remove(template.styles[name].element)
    template.save(str(path))


def test_a_reference_docx_gives_its_styles_margins_and_header_to_the_appendix(tmp_path):
    _partnership_template(tmp_path / "partnership.docx")
    out = tmp_path / "appendix.docx"
    run = subprocess.run([sys.executable, "-m", "auditor", "report", str(FOUNDING_CASE), "--format", "docx",
                          "--reference-docx", str(tmp_path / "partnership.docx"), "--date", "2026-11-25",
                          "--output", str(out)], check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    doc = Document(str(out))
    heading = doc.styles["Heading 1"]
    assert (heading.font.name, heading.font.color.rgb) == ("Georgia", RGBColor(0xC0, 0x00, 0x30))
    assert heading.element.find(qn("w:aliases")).get(qn("w:val")) == "Partnership Heading"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][:2] == SECTIONS[:2]
    assert round(doc.sections[0].left_margin.cm, 1) == 3.0
    assert doc.sections[0].header.paragraphs[0].text == "EXAMPLE SAFEGUARDING PARTNERSHIP: OFFICIAL"
    assert not any("template's own body" in p.text for p in doc.paragraphs)
    widest = max(sum(int(c.get(qn("w:w"))) for c in t._tbl.find(qn("w:tblGrid"))) for t in doc.tables)
    section = doc.sections[0]
    assert widest <= Emu(section.page_width - section.left_margin - section.right_margin).twips + 10  # rounding


def test_a_reference_docx_without_the_list_and_table_styles_is_given_them(tmp_path):
    _partnership_template(tmp_path / "bare.docx", drop=("List Bullet", "Table Grid"))
    out = tmp_path / "appendix.docx"
    run = subprocess.run([sys.executable, "-m", "auditor", "report", str(FOUNDING_CASE), "--format", "docx",
                          "--reference-docx", str(tmp_path / "bare.docx"), "--output", str(out)],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    doc = Document(str(out))
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(p.text.startswith("\u2022\t") for p in bullets)  # the list has no numbering: a bullet
    assert doc.tables and doc.tables[0].style.name == "Table Grid"


@pytest.mark.parametrize("content, says", [(b"not a zip", "is not a .docx"),
                                           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted")])
def test_a_reference_that_is_not_a_word_document_is_refused(tmp_path, content, says):
    (tmp_path / "bad.docx").write_bytes(content)
    run = subprocess.run([sys.executable, "-m", "auditor", "report", str(FOUNDING_CASE), "--format", "docx",
                          "--reference-docx", str(tmp_path / "bad.docx"), "--output", str(tmp_path / "a.docx")],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and says in run.stderr and "--reference-docx" in run.stderr
    assert not (tmp_path / "a.docx").exists()
