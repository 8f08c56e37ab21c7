"""Honest citations: a verified quote must be found, word for word, in the text it cites."""

import re

import pytest

from auditor.rulebook.catalogue import citations_of

from .conftest import ROOT

REPORT = ROOT / "docs" / "sources" / "bdhr-2012-13-04-overview-report.txt"


def _normal(text: str) -> str:
    """Whitespace, line breaks and typographic quotes differ between the PDF's text and YAML."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().casefold()


def _quoted(quote: str, text: str) -> bool:
    """A quote may leave words out (a footnote the PDF's text runs into it, say) with "..." between its parts."""
    position = 0
    for part in re.split(r"\.\.\.|\u2026", _normal(quote)):
        part = part.strip()
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _report_citations(rulebook):
    return [(rule_id, c) for rule_id in sorted(rulebook.rules) for c in citations_of(rulebook, rule_id)
            if c.document.startswith("BDHR2012/13-04")]


def test_every_verified_quote_from_the_founding_review_is_in_its_text(rulebook):
    text = _normal(REPORT.read_text(encoding="utf-8"))
    cited = _report_citations(rulebook)
    assert len(cited) >= 10
    missing = [(rule_id, c.quote) for rule_id, c in cited if c.verified and c.quote and not _quoted(c.quote, text)]
    assert not missing, missing


def test_every_verified_citation_of_the_review_names_a_paragraph_that_exists(rulebook):
    numbers = {int(n) for n in re.findall(r"(?m)^\s?(\d{1,3})\. ", REPORT.read_text(encoding="utf-8"))}
    for rule_id, c in _report_citations(rulebook):
        if c.verified:
            assert c.paras and all(int(p) in numbers for p in c.paras), (rule_id, c.paras)


def test_no_working_together_citation_claims_to_be_verified(rulebook):
    """No Working Together paragraph has been checked against the primary text (standards.md)."""
    for rule_id in rulebook.rules:
        for c in citations_of(rulebook, rule_id):
            if c.document.startswith("Working Together"):
                assert not c.verified and not c.paras, (rule_id, c)


@pytest.mark.parametrize("quote,found", [
    ("This sentence is not in the review at all.", False),
    ("should take place within fifteen working days of the last strategy ... discussion", True),
    ("within fifteen working days of the last strategy ... The tragic death of the victim in August 2012", False),  # order
])
def test_the_quote_check(quote, found):
    assert _quoted(quote, _normal(REPORT.read_text(encoding="utf-8"))) is found
