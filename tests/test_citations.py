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
    missing = [(rule_id, c.quote) for rule_id, c in cited if c.confirmed and c.quote and not _quoted(c.quote, text)]
    assert not missing, missing


def test_every_verified_citation_of_the_review_names_a_paragraph_that_exists(rulebook):
    numbers = {int(n) for n in re.findall(r"(?m)^\s?(\d{1,3})\. ", REPORT.read_text(encoding="utf-8"))}
    for rule_id, c in _report_citations(rulebook):
        if c.confirmed:
            assert c.paras and all(int(p) in numbers for p in c.paras), (rule_id, c.paras)


def test_no_unchecked_citation_names_a_paragraph_of_a_national_document(rulebook):
    """Never invent a paragraph: a national document's paragraph is cited only from a text someone read (a
    `via` that quotes it counts, and says so)."""
    for rule_id in rulebook.rules:
        for c in citations_of(rulebook, rule_id):
            if c.document.startswith("Working Together") and not c.confirmed:
                assert not c.paras or c.via, (rule_id, c)


SOURCES = ROOT / "docs" / "sources"


def _excerpts() -> dict[str, tuple[str, str]]:
    """The excerpt files kept in docs/sources, by the URL their header names: (level, text)."""
    out = {}
    for path in sorted(SOURCES.glob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n----\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        if "URL" in fields:
            out[fields["URL"].strip()] = (fields.get("Level", "").split()[0] if fields.get("Level") else "", body)
    return out


def test_every_checked_citation_quotes_a_text_kept_in_docs_sources(rulebook):
    """A primary or secondary citation (other than the founding review, checked above) gives the URL of the page
    read; that page's excerpt is kept in docs/sources with the same URL and level, and holds the quote."""
    excerpts = _excerpts()
    checked = [(rule_id, c) for rule_id in sorted(rulebook.rules) for c in citations_of(rulebook, rule_id)
               if c.confirmed and not c.document.startswith("BDHR2012/13-04")]
    wrong = []
    for rule_id, c in checked:
        if c.url not in excerpts:
            wrong.append((rule_id, c.document, "no excerpt in docs/sources for", c.url))
            continue
        level, body = excerpts[c.url]
        if level != c.verified:
            wrong.append((rule_id, c.document, f"cited as {c.verified}, the excerpt says {level}"))
        if not _quoted(c.quote or "", _normal(body)):
            wrong.append((rule_id, c.document, "quote not in the excerpt", c.quote))
    assert not wrong, wrong


def test_a_citation_says_what_it_was_checked_against():
    from pydantic import ValidationError

    from auditor.rulebook.schema import Citation

    base = {"document": "Working Together to Safeguard Children", "edition": "2018", "checked": "2026-12-07"}
    assert Citation.model_validate({**base, "verified": False}).verified == "no"  # YAML's bare `no`
    for bad in ({"verified": True, "section": "Chapter 1", "quote": "x"},  # checked against what?
                {"verified": "primary", "quote": "x"},  # where in it? (a secondary one is found through `via`)
                {"verified": "primary", "section": "Chapter 1"},  # the words relied on
                {"verified": "secondary", "section": "Chapter 1", "quote": "x"}):  # quoted by whom?
        with pytest.raises(ValidationError):
            Citation.model_validate({**base, **bad})
    ok = Citation.model_validate({**base, "verified": "secondary", "section": "Chapter 1", "quote": "x",
                                  "via": "a procedures manual"})
    assert ok.human().endswith("via a procedures manual [secondary source]")


@pytest.mark.parametrize("quote,found", [
    ("This sentence is not in the review at all.", False),
    ("should take place within fifteen working days of the last strategy ... discussion", True),
    ("within fifteen working days of the last strategy ... The tragic death of the victim in August 2012", False),  # order
])
def test_the_quote_check(quote, found):
    assert _quoted(quote, _normal(REPORT.read_text(encoding="utf-8"))) is found
