"""--redact and --coarsen-dates hold for every free-text field, in every format of the appendix.

Hypothesis writes chronologies whose every free-text field (case title, source titles, sections
and notes, event summaries, authors, text attributes, dates as written, the panel's analysis)
carries a listed person's name, an e-mail address built from it, a postcode, a phone number, a
street address, a written date and a time of day. None of them, nor any event's day, may reach
the Markdown, the HTML page or any part of the Word file.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from html import unescape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.appendix.model import build_appendix
from auditor.audit.run import audit
from auditor.chronology.loader import chronology_from_document
from auditor.reports.appendix import render_appendix
from auditor.files.reading import Document

from .strategies import chronologies

# Made-up names that appear in no template, rule or vocabulary entry.
FIRST = ["Zephyrine", "Quorrin", "Ysolde", "Brannoch", "Tamsyn", "Orlaith"]
LAST = ["Marwick", "Thackery", "Pellow", "Vintner", "Quillan", "Drummock"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAY = date(2026, 11, 25)


@st.composite
def identifying_text(draw, first: str, last: str) -> tuple[str, list[str]]:
    """A sentence carrying identifiers and day-level dates, and the strings that must never be published."""
    # Not the 1st or the 28th-31st: the page's filters encode a coarsened month by its first and last days.
    day = date(draw(st.integers(2008, 2019)), draw(st.integers(1, 12)), draw(st.integers(2, 27)))
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([5, 15, 40, 55]))
    written = draw(st.sampled_from([
        f"{day:%d.%m.%y}", f"{day:%d/%m/%Y}", f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day}th of {MONTHS[day.month - 1][:3]}", f"{MONTHS[day.month - 1]} {day.day}, {day.year}",
        f"{day.isoformat()}"]))
    time = draw(st.sampled_from([f"{hour:02d}:{minute:02d}", f"{hour:02d}{minute:02d} hrs",
                                 f"{(hour % 12) or 12}.{minute:02d}pm"]))
    email = f"{first.lower()}.{last[0].lower()}@example.org"
    postcode = draw(st.sampled_from(["B15 2TT", "LS1 4AP", "M14 5RG", "NE6 1QX"]))
    phone = draw(st.sampled_from(["0121 496 0000", "07700 900123", "+44 113 496 0456"]))
    street = draw(st.sampled_from(["Acacia Avenue", "Larkspur Close", "Hollin Road"]))
    address = f"{draw(st.integers(2, 180))} {street}"
    parts = [f"{first} {last} was seen on {written} at {time}", f"e-mail {email}", f"lives at {address}, {postcode}",
             f"phone {phone}", f"{first.upper()} said so"]
    text = ". ".join(draw(st.permutations(parts))) + "."
    forbidden = [first, last, email, postcode, phone, street, written, time,
                 f"{day:%d/%m/%Y}", f"{day:%d.%m.%y}"]
    return text, forbidden


@st.composite
def named_chronologies(draw):
    data = draw(chronologies())
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    forbidden: list[str] = []

    def text() -> str:
        value, bad = draw(identifying_text(first, last))
        forbidden.extend(bad)
        return value

    case = data["case"]
    case["title"] = "Review of " + text()
    case["people"][0]["names"] = [f"{first} {last}", first, last]
    case["sources"] = {"review": {"title": "Chronology kept by " + text(), "date": "2013-10"}}
    for event in data["events"]:
        event["summary"] = text()
        event["author"] = text()
        event["analysis"] = text()
        event["source"].update(section=text(), note=text())
        event["attrs"]["outcome"] = text()
        if event["type"] == "letter":
            event["attrs"]["address"] = text()
        if isinstance(event["date"], dict):
            event["date"]["as_written"] = text()
        else:
            draw(st.just(None))
    return data, forbidden


def _event_days(data: dict) -> list[str]:
    """Every day an event is dated to, as the outputs would print or encode it."""
    out = []
    for event in data["events"]:
        raw = event["date"]
        values = [raw["earliest"], raw["latest"]] if isinstance(raw, dict) else [raw]
        for value in values:
            if len(value) >= 10:
                day = date.fromisoformat(value[:10])
                out.append(f"{day:%d/%m/%Y}")
                if 1 < day.day < 28:  # the page's filters give a coarsened month as its first and last days
                    out.append(day.isoformat())
            if "T" in value:
                out.append(value[11:16])
    return out


def _docx_text(raw: bytes) -> str:
    """Every XML part of the Word file (body, headers, footers, properties), as text and as markup.

    The properties' created and modified stamps (the report date, at midnight) are the one time of day the
    format requires; they are checked to be the first of the month and then left out.
    """
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))]
    xml = "\n".join(parts)
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", xml)
    assert stamps and all(s.startswith(f"{DAY:%Y-%m}-01T00:00:00") for s in stamps), stamps
    xml = re.sub(r"<dcterms:(created|modified)[^>]*>[^<]+</dcterms:\1>", "", xml)
    return unescape(re.sub(r"<[^>]+>", " ", xml)) + xml


def _pattern(needles: list[str]) -> re.Pattern[str]:
    """One search for every string that must not be published (names as whole words, any case)."""
    parts = [rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" if n.isalpha() else re.escape(n) for n in set(needles)]
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=named_chronologies())
def test_no_name_identifier_day_or_time_reaches_any_format(rulebook, reference, generated):
    data, forbidden = generated
    chron = chronology_from_document(Document("generated.yaml", data, {}), rulebook.vocabulary)
    result = audit(chron, rulebook, reference, "test", "x")
    appendix = build_appendix(result, rulebook, report_date=DAY, redact=True, coarsen_dates=True)
    outputs = {"md": render_appendix(appendix, "md").decode(), "html": unescape(render_appendix(appendix, "html").decode()),
               "docx": _docx_text(render_appendix(appendix, "docx"))}
    leak = _pattern(forbidden + _event_days(data))
    for fmt, text in outputs.items():
        found = leak.search(text)
        assert found is None, (fmt, found and text[max(0, found.start() - 60):found.end() + 20])
        assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", text), (fmt, re.search(r".{40}\b\d{2}/\d{2}/\d{4}\b.{20}", text))
