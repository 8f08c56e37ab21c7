"""`auditor explain`: the explanation must be the audit's own reasoning, faithfully.

In-process tests use the session's one durable-rules engine (conftest); command-line
tests run the command in a subprocess, through the real entry point.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology
from auditor.trainer.explain import UnknownFinding, build_explanation, explain_chronology, render_markdown, render_text
from auditor.workdays import bank_holiday_name

from .conftest import FOUNDING_CASE

ICPC = "icpc-within-15-working-days@E039+E044"
RUN_EXPLAIN = (
    "import sys; from auditor.cli import main; main()"
)


def flat(text: str) -> str:
    """Rendered text wraps at 100 columns; compare words, not line breaks."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def founding(rulebook, durable):
    """One real audit of the founding case, keeping its trace (every verdict and the matches behind it)."""
    chron = load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    return audit(chron, rulebook, durable, "test", trace=True)


def explain(founding, rulebook, query):
    return build_explanation(founding, rulebook, query)


def step(fx, number):
    found = [s for s in fx.steps if s.number == number]
    assert len(found) == 1, [s.title for s in fx.steps]
    return found[0]


def step_text(fx, number):
    return flat(" ".join(line.text for line in step(fx, number).lines))


# -- the founding case's conference timescale: a possible departure with two readings --


def test_icpc_possible_departure_explains_both_readings(founding, rulebook):
    ex = explain(founding, rulebook, ICPC)
    assert not ex.by_rule and len(ex.findings) == 1
    fx = ex.findings[0]
    assert fx.finding.status == "possible-breach"
    by_trigger = {r.trigger_id: r for r in fx.readings}
    assert set(by_trigger) == {"E039", "E044"}
    police, social_care = by_trigger["E039"], by_trigger["E044"]
    assert police.status == "breach" and police.outcome.startswith(
        "Departure: later than expected by 11 working days"
    )
    assert social_care.status == "met" and social_care.outcome.startswith("Met")
    assert "Police record E039" in police.label and "01/05/2012" in police.label
    assert (
        "Children's Social Care record E044" in social_care.label
        and "23/05/2012" in social_care.label
    )

    readings = step_text(fx, 7)
    assert (
        "if the strategy discussion was on 01/05/2012 (Police record E039): departure: "
        "later than expected "
        "by 11 working days"
    ) in readings
    assert (
        "if the strategy discussion was on 23/05/2012 (Children's Social Care record "
        "E044): met" in readings
    )


def test_icpc_deadline_skips_the_diamond_jubilee_and_equals_the_audits_figures(
    founding, rulebook
):
    fx = explain(founding, rulebook, ICPC).findings[0]
    by_trigger = {r.trigger_id: r for r in fx.readings}
    social_care, police = by_trigger["E044"], by_trigger["E039"]
    # the printed deadlines are the audit's own, reading by reading, and the finding's
    # (the worst reading's)
    assert (
        social_care.recomputed["deadline"]
        == social_care.figures["deadline"]
        == "2012-06-15"
    )
    assert (
        police.recomputed["deadline"]
        == police.figures["deadline"]
        == fx.finding.figures["deadline"]
        == "2012-05-23"
    )
    (count,) = social_care.arithmetic
    assert (
        count.result == date(2012, 6, 15)
        and count.start == date(2012, 5, 23)
        and len(count.counted) == 15
    )
    skipped = dict(count.skipped)
    assert date(2012, 6, 4) in skipped and date(2012, 6, 5) in skipped
    assert (
        date(2012, 6, 4) not in count.counted and date(2012, 6, 5) not in count.counted
    )

    calendar = step_text(fx, 4)
    jubilee = bank_holiday_name(date(2012, 6, 5))
    assert jubilee and "Diamond Jubilee" in jubilee
    assert f"Tuesday 05/06/2012 {jubilee} (bank holiday)" in calendar
    assert (
        f"Monday 04/06/2012 {bank_holiday_name(date(2012, 6, 4))} (bank holiday)"
        in calendar
    )
    assert "Deadline: Friday 15/06/2012, the 15th working day, inclusive." in calendar
    assert "Deadline: Wednesday 23/05/2012" in calendar
    assert (
        f"Monday 07/05/2012 {bank_holiday_name(date(2012, 5, 7))}" in calendar
    )  # the police reading's holiday

    text = flat(render_text(explain(founding, rulebook, ICPC)))
    for number, title in enumerate(
        [
            "The standard",
            "The edition in force, and why",
            "The trigger entry",
            "The calendar arithmetic",
            "The entries searched",
            "The result",
            "What the verdict depends on",
        ],
        1,
    ):
        assert f"{number}. {title}" in text
    assert "so the deadline is 15/06/2012" in text.lower()
    assert (
        "later than expected by 11 working days (24/05, 25/05, 28/05, 29/05, 30/05, "
        "31/05, 01/06, 06/06, "
        "07/06, 08/06, 11/06)" in text
    )
    assert f'The finding says: "{fx.finding.statement}"' in text
    assert "Working Together to Safeguard Children (2010) [not verified]" in text
    assert "BDHR2012/13-04 Overview Report, para 166" in text
    assert (
        "WT 2010: in force 01/03/2010 to 14/04/2013" in text
        and "contains E039 (01/05/2012) and E044 (23/05/2012)" in text
    )


# -- an includes check -----------------------------------------------------------------


def test_police_invited_explains_the_includes_check(founding, rulebook):
    fx = explain(
        founding, rulebook, "police-invited-to-icpc-where-domestic-abuse@E046"
    ).findings[0]
    assert fx.finding.status == "breach" and len(fx.readings) == 1
    assert fx.readings[0].outcome.startswith(
        "Departure: Police not evidenced among those recorded as invited"
    )
    searched = step_text(fx, 5)
    assert "Field checked: invited, on E046" in searched
    assert "Looked for: Police." in searched
    assert (
        "Recorded: Health Visiting Service, Midwifery Service, Children's Centre "
        "Nursery, Adult A, Adult B." in searched
    )
    assert "Police is not among them." in searched
    assert (
        "None: this standard is about what the trigger entry itself records"
        in step_text(fx, 4)
    )
    trigger = step_text(fx, 3)
    assert "domestic abuse: yes: met (recorded: yes)" in trigger
    assert [s.number for s in fx.steps] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]  # a plain departure has no readings step


# -- a met finding ---------------------------------------------------------------------


def test_met_finding_names_the_entry_it_rests_on(founding, rulebook):
    fx = explain(
        founding, rulebook, "records-transferred-when-family-moves@E084"
    ).findings[0]
    assert fx.finding.status == "met"
    assert fx.readings[0].outcome.startswith("Met: the records transfer")
    assert fx.readings[0].counterpart_id == "E085"
    assert (
        "E085 (01/05/2011 to 31/12/2011, Health Visiting Service): certainly at or after the "
        "recorded event, so it "
        "counts - the entry this verdict rests on" in step_text(fx, 5)
    )
    assert "No time limit" in step_text(fx, 4)


# -- a local procedure over the national standard --------------------------------------


def test_local_override_is_explained_with_the_expected_by_moment(founding, rulebook):
    fx = explain(
        founding, rulebook, "conference-report-before-conference@E046"
    ).findings[0]
    edition = step_text(fx, 2)
    assert (
        "The case's area is birmingham, and Birmingham's local procedure overrides the "
        "national standard" in edition
    )
    assert "lead 48 hours (nationally 0 hours)" in edition
    reading = fx.readings[0]
    assert (
        reading.recomputed["expected_by"]
        == reading.figures["expected_by"]
        == "2012-06-09"
    )
    assert "So the expected-by moment is 09/06/2012." in step_text(fx, 4)
    assert "E045 (11/06/2012, Children's Social Care): outside the window" in step_text(
        fx, 5
    )


# -- a rule that did not apply ---------------------------------------------------------


def test_not_applicable_rule_says_why_each_entry_did_not_engage_it(founding, rulebook):
    ex = explain(
        founding, rulebook, "strategy-discussion-includes-health"
    )  # a not-applicable finding's id is the rule's
    assert len(ex.findings) == 1
    fx = ex.findings[0]
    assert fx.finding.status == "not-applicable" and fx.readings == []
    why = step_text(fx, 3)
    assert (
        "E039 (01/05/2012, Police): dated 01/05/2012, before the first edition (WT "
        "2013, in force from "
        "15/04/2013)" in why
    )
    assert (
        "E044 (23/05/2012, Children's Social Care): dated 23/05/2012, before the first "
        "edition" in why
    )
    assert step_text(fx, 4).startswith(f"Not applicable: {fx.finding.statement}")


def test_not_applicable_for_an_unmet_condition_names_the_condition(founding, rulebook):
    fx = explain(
        founding, rulebook, "strategy-discussion-where-significant-harm-suspected"
    ).findings[0]
    why = step_text(fx, 3)
    assert (
        "E010 (01/08/2010 to 01/09/2010, Police): under WT 2010: its conditions are "
        "not met" in why
    )
    assert "significant harm suspected: yes: not met (not recorded)" in why


def test_a_rule_id_explains_every_finding_of_that_rule_in_order(founding, rulebook):
    ex = explain(
        founding,
        rulebook,
        "housing-consults-or-refers-where-domestic-abuse-and-children",
    )
    assert ex.by_rule
    # E074 records no concerns and not whether children live at home: the case's domestic abuse and children
    # engage the standard, and whether a referral was considered is not recorded.
    assert [fx.finding.id.split("@")[1] for fx in ex.findings] == [
        "E074",
        "E076",
        "E060",
        "E063",
    ]
    assert [fx.finding.status for fx in ex.findings] == ["not-evaluable", "breach", "breach", "breach"]
    searched = step_text(ex.findings[2], 5)
    assert "Not recorded: referral considered." in searched  # on E060 itself...
    assert "E063 (housing action" in searched and "a recorded negative" in searched  # ...but on the entry after it


def test_every_finding_of_the_founding_case_is_explained_faithfully(founding, rulebook):
    """Each deadline and expected-by moment printed is the audit's own, everywhere."""
    result = founding
    for rule_id in sorted({f.rule_id for f in result.findings}):
        ex = explain(founding, rulebook, rule_id)
        assert [fx.finding.id for fx in ex.findings] == [
            f.id for f in result.findings if f.rule_id == rule_id
        ]
        for fx in ex.findings:
            for reading in fx.readings:
                for key, value in reading.recomputed.items():
                    assert reading.figures.get(key, value) == value, (
                        fx.finding.id,
                        reading.label,
                        key,
                    )
            assert "please report this difference" not in render_text(ex)


# -- the edition in force: a tiny chronology whose trigger falls in the later edition --

TINY = """\
case:
  id: tiny-editions
  title: Two referrals either side of WT 2010
  jurisdiction: england
  scoping: {{from: 2009-06-01, to: 2011-12-31}}
  sources:
    notes: {{title: Training notes}}
events:
  - id: R1
    date: {referral}
    agency: police
    type: referral
    attrs: {{to: childrens-social-care}}
    source: {{document: notes, paras: [1]}}
    summary: Police refer the family to children's social care.
  - id: A1
    date: {assessment}
    agency: childrens-social-care
    type: initial-assessment
    attrs: {{status: completed}}
    source: {{document: notes, paras: [2]}}
    summary: Initial assessment completed.
"""


def _tiny(tmp_path, rulebook, referral, assessment):
    path = tmp_path / "tiny.yaml"
    path.write_text(
        TINY.format(referral=referral, assessment=assessment), encoding="utf-8"
    )
    return load_chronology(path, rulebook.vocabulary)


def test_edition_choice_uses_the_later_edition_for_a_later_trigger(
    tmp_path, rulebook, durable
):
    chron = _tiny(tmp_path, rulebook, "2011-03-01", "2011-03-16")
    ex = explain_chronology(
        chron, rulebook, durable, "test", "initial-assessment-within-timescale@R1"
    )
    fx = ex.findings[0]
    assert fx.finding.edition == "WT 2010" and fx.finding.status == "breach"
    edition = step_text(fx, 2)
    assert (
        "WT 2006: in force 01/04/2006 to 28/02/2010 WT 2010" in edition
    )  # WT 2006 contains no trigger
    assert (
        "WT 2010: in force 01/03/2010 to 14/04/2013 (this edition sets its own limit) "
        "- contains R1 "
        "(01/03/2011)" in edition
    )
    assert (
        'R1 is dated 01/03/2011, within the in-force period of "WT 2010" (01/03/2010 '
        "to 14/04/2013), so that "
        "edition applied." in edition
    )
    assert "within 10 working days of the referral" in step_text(fx, 1)
    (reading,) = fx.readings
    assert reading.recomputed["deadline"] == reading.figures["deadline"] == "2011-03-15"
    assert reading.outcome.startswith("Departure: later than expected by 1 working day")
    assert "the limit is 10 working days" in step_text(fx, 4)
    assert "The case names no area, so only national standards apply." in edition


def test_a_trigger_spanning_two_editions_is_judged_under_both(
    tmp_path, rulebook, durable
):
    chron = _tiny(
        tmp_path,
        rulebook,
        "{earliest: 2010-02-20, latest: 2010-03-05, as_written: late February or "
        "early March 2010}",
        "2010-03-16",
    )
    fx = explain_chronology(
        chron, rulebook, durable, "test", "initial-assessment-within-timescale@R1"
    ).findings[0]
    assert {r.edition for r in fx.readings} == {"WT 2006", "WT 2010"}
    edition = step_text(fx, 2)
    assert (
        "R1's date runs from 20/02/2010 to 05/03/2010, across WT 2006 and WT 2010: "
        "both editions were applied" in edition
    )
    assert all(r.label.startswith("under WT 20") for r in fx.readings)
    for reading in fx.readings:
        assert reading.recomputed["deadline"] == reading.figures["deadline"]
    assert "7 working days" in step_text(fx, 4) and "10 working days" in step_text(
        fx, 4
    )


# -- unknown ids, engines and formats --------------------------------------------------


def test_unknown_id_suggests_the_nearest_findings(founding, rulebook):
    with pytest.raises(UnknownFinding) as caught:
        explain(founding, rulebook, "icpc-within-15-working-days@E039")
    assert ICPC in caught.value.suggestions
    with pytest.raises(UnknownFinding) as caught:
        explain(founding, rulebook, "police-invited-to-icpc")
    assert any(
        s.startswith("police-invited-to-icpc-where-domestic-abuse")
        for s in caught.value.suggestions
    )


def test_reference_engine_explains_identically(founding, rulebook, reference):
    chron = founding.chronology
    via_reference = explain_chronology(chron, rulebook, reference, "test", ICPC)
    via_durable = explain(founding, rulebook, ICPC)
    assert (
        render_text(via_reference).splitlines()[3:]
        == render_text(via_durable).splitlines()[3:]
    )


def test_markdown_has_a_heading_per_step(founding, rulebook):
    md = render_markdown(explain(founding, rulebook, ICPC))
    assert md.startswith("# How the audit reached its verdict: finding " + ICPC)
    assert (
        "### 4. The calendar arithmetic" in md
        and "### 7. What the verdict depends on" in md
    )
    assert "- Deadline: Friday 15/06/2012, the 15th working day, inclusive." in md


def run_explain(*args):
    return subprocess.run(
        [sys.executable, "-c", RUN_EXPLAIN, "explain", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_explains_the_conference_timescale():
    proc = run_explain(str(FOUNDING_CASE), ICPC)
    assert proc.returncode == 0, proc.stderr
    out = flat(proc.stdout)
    assert (
        "Finding icpc-within-15-working-days@E039+E044: Possible departure (must)"
        in out
    )
    assert "engine durable-rules 2.0.28" in out
    assert (
        "Tuesday 05/06/2012 Diamond Jubilee" in out
        and "Deadline: Friday 15/06/2012" in out
    )


def test_cli_unknown_id_exits_2_with_a_suggestion():
    proc = run_explain(
        str(FOUNDING_CASE), "icpc-within-15-working-days@E044", "--engine", "reference"
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "no finding or rule 'icpc-within-15-working-days@E044'" in proc.stderr
    assert f"did you mean {ICPC}" in proc.stderr
