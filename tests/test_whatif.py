"""`auditor what-if`: the founding case re-audited with one thing changed, and exactly what that changes.

The acceptance test is the issue's: had the police been invited to the initial conference (E046), the
police-invitation departure becomes met and no other finding's verdict changes. In-process tests use the
session engines from conftest (never a second DurableEngine); CLI tests run the real entry point in a
subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.audit.run import audit, sha256_hex
from auditor.chronology.loader import chronology_from_text, load_chronology
from auditor.errors import InputError
from auditor.files.reading import load_file, load_text, read_source
from auditor.trainer.whatif import FindingChange, WhatIfResult, apply_changes, diff_findings, render, run_what_if

from .conftest import FOUNDING_CASE, ROOT

POLICE = "police-invited-to-icpc-where-domestic-abuse@E046"
ICPC = "icpc-within-15-working-days@E039+E044"
REPORT = "conference-report-before-conference@E046"
CLI = ["-c", "from auditor.cli import main; main()", "what-if"]
ADDED_REPORT = """\
- id: X001
  date: {date}
  agency: childrens-social-care
  type: conference-report
  people: [adult-a, adult-b]
  attrs:
    author_agency: childrens-social-care
    recipients: [conference-service, adult-a, adult-b, health-visiting, midwifery, nursery]
  links: {{for: E046}}
  source: {{document: overview-report, paras: [112]}}
  summary: The social work report shared with the parents and professionals before the conference.
"""


def what_if(rulebook, matcher, sets=(), adds=(), drops=()) -> WhatIfResult:
    raw, text = read_source(FOUNDING_CASE)
    return run_what_if(load_text(text, str(FOUNDING_CASE)), rulebook, matcher, "test", sets, adds, drops,
                       sha256_hex(raw))


def summary(changes: list[FindingChange]) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.finding_id, c.new_id, c.before, c.after) for c in changes]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=env)


@pytest.fixture(scope="module")
def original(rulebook, reference):
    return audit(load_chronology(FOUNDING_CASE, rulebook.vocabulary), rulebook, reference, "test")


# --- the acceptance test ------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_police_invited_to_the_icpc_changes_that_finding_and_nothing_else(rulebook, engine, request, original):
    matcher = request.getfixturevalue(engine)
    result = what_if(rulebook, matcher, sets=["E046.attrs.invited+=police"])
    diff = result.diff
    assert summary(diff.changes) == [(POLICE, POLICE, "breach", "met")]
    (change,) = diff.changes
    assert change.group == "now-met"
    assert change.before_statement.startswith("Police not evidenced among those recorded as invited")
    assert change.after_statement == ("Police among those recorded as invited for the initial child protection "
                                      "conference on 11/06/2012.")
    assert diff.group("new-departure") == [] and diff.group("other") == []
    # The GP and housing findings still depart; they list who was invited, which now includes the police.
    assert summary(diff.restated) == [("gp-invited-to-icpc@E046", "gp-invited-to-icpc@E046", "breach", "breach"),
                                      ("housing-invited-to-icpc-where-housing-involved@E046",
                                       "housing-invited-to-icpc-where-housing-involved@E046", "breach", "breach")]
    assert all("Adult B, Police)" in c.after_statement and "Police" not in c.before_statement
               for c in diff.restated)
    assert diff.compared == len(original.findings)
    assert [c.option for c in result.changes] == ["--set E046.attrs.invited+=police"]
    assert result.changes[0].before == ["health-visiting", "midwifery", "nursery", "adult-a", "adult-b"]
    assert result.changes[0].after == ["health-visiting", "midwifery", "nursery", "adult-a", "adult-b", "police"]


def test_the_diff_agrees_with_two_plain_audits(rulebook, reference, original):
    """Checked without the diff: audit the changed chronology directly and compare every finding's verdict."""
    result = what_if(rulebook, reference, sets=["E046.attrs.invited+=police"])
    changed = chronology_from_text(result.changed_yaml, "changed.yaml", rulebook.vocabulary)
    assert changed.by_id["E046"].attrs["invited"][-1] == "police"
    assert changed.by_id["E040"].attrs["invited"] == original.chronology.by_id["E040"].attrs["invited"]
    after = {f.id: f for f in audit(changed, rulebook, reference, "test").findings}
    before = {f.id: f for f in original.findings}
    assert set(after) == set(before)
    moved = {i: (before[i].status, after[i].status) for i in before if before[i].status != after[i].status}
    assert moved == {POLICE: ("breach", "met")}
    figures = [i for i in before if before[i].figures != after[i].figures]
    assert figures == []


def test_cli_prints_the_change_and_the_count(tmp_path, original):
    case = tmp_path / "case.yaml"
    case.write_bytes(FOUNDING_CASE.read_bytes())
    before = case.read_bytes()
    done = run_cli(str(case), "--set", "E046.attrs.invited+=police", "--engine", "reference")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "--set E046.attrs.invited+=police" in out
    assert "E046 (initial child protection conference, 11/06/2012): attrs.invited: police added" in out
    assert "Now met (1):\n  police-invited-to-icpc-where-domestic-abuse@E046: Departure -> Met\n" in out
    assert "Other changes" not in out and "Now departures" not in out
    assert out.rstrip().endswith(f"No other findings changed ({len(original.findings)} compared).")
    assert case.read_bytes() == before


def test_cli_json_and_markdown(tmp_path, original):
    done = run_cli(str(FOUNDING_CASE), "--set", "E046.attrs.invited+=police", "--engine", "reference",
                   "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [(c["id"], c["before"], c["after"]) for c in data["now_met"]] == [(POLICE, "breach", "met")]
    assert data["new_departures"] == [] and data["other_changes"] == []
    assert data["compared"] == len(original.findings) and data["unchanged"] == len(original.findings) - 1
    assert data["changes_applied"][0]["field"] == "attrs.invited"
    assert data["meta"]["engine"] == "reference"
    md = run_cli(str(FOUNDING_CASE), "--set", "E046.attrs.invited+=police", "--engine", "reference",
                 "--format", "md")
    assert md.returncode == 0, md.stderr
    assert "### Now met (1)" in md.stdout
    assert f"- **{POLICE}: Departure -> Met**" in md.stdout


# --- other what-ifs -----------------------------------------------------------------------------------------

def test_conference_on_1_june_shortens_the_lateness_and_moves_the_windows(rulebook, reference):
    result = what_if(rulebook, reference, sets=["E046.date=2012-06-01"])
    changes = {c.finding_id: c for c in result.diff.changes}
    assert summary(result.diff.changes) == [
        (ICPC, ICPC, "possible-breach", "possible-breach"),
        (REPORT, REPORT, "breach", "breach"),
        ("first-core-group-within-10-working-days@E046", "first-core-group-within-10-working-days@E046",
         "breach", "breach"),
        ("first-review-conference-within-3-months@E046", "first-review-conference-within-3-months@E046",
         "not-evaluable", "not-evaluable"),
    ]
    assert all(c.group == "other" for c in result.diff.changes)
    icpc = changes[ICPC]
    # Police record (01/05/2012): 11 working days late on 11/06, 7 on 01/06; CSC record (23/05/2012): in time.
    assert "later than expected by 11 working days" in icpc.before_statement
    assert "The initial child protection conference on 01/06/2012 was later than expected by 7 working days: " \
           "the deadline was 23/05/2012" in icpc.after_statement
    assert "on 01/06/2012 was within 15 working days of the strategy discussion on 23/05/2012" in icpc.after_statement
    core = changes["first-core-group-within-10-working-days@E046"]
    assert "later than expected by 15 working days: the deadline was 19/06/2012" in core.after_statement
    # The report dated 11/06/2012 now comes after the conference, so none is evidenced for it.
    assert changes[REPORT].after_statement == ("No conference report for the initial child protection "
                                               "conference on 01/06/2012 is evidenced in the chronology.")
    assert "(01/09/2012)" in changes["first-review-conference-within-3-months@E046"].after_statement
    assert POLICE in {c.finding_id for c in result.diff.restated}
    assert result.descriptions == ["E046 (initial child protection conference, 11/06/2012): date 11/06/2012 -> "
                                   "01/06/2012"]


def test_dropping_a_record_removes_its_links_and_settles_the_conflicting_readings(rulebook, reference):
    result = what_if(rulebook, reference, drops=["E044"])
    (dropped,) = result.changes
    assert dropped.removed_references == ("E039 same_event_as", "E043 links.follows")
    assert result.descriptions[0] == ("E044 (strategy discussion, 23/05/2012) removed; references to it removed "
                                      "from E039 same_event_as, E043 links.follows")
    changed = chronology_from_text(result.changed_yaml, "changed.yaml", rulebook.vocabulary)
    assert "E044" not in changed.by_id
    assert changed.by_id["E039"].same_event_as == []
    assert changed.by_id["E043"].links == {"follows": ["E039"]}
    # With only the police record of the strategy discussion, the conference is simply late.
    assert summary(result.diff.changes) == [
        ("referral-decision-within-1-working-day@E037", "referral-decision-within-1-working-day@E037",
         "breach", "breach"),
        (ICPC, "icpc-within-15-working-days@E039", "possible-breach", "breach"),
    ]
    icpc = result.diff.changes[1]
    assert icpc.after_statement.startswith("The initial child protection conference on 11/06/2012 was later than "
                                           "expected by 11 working days")
    assert "If E044" not in result.diff.changes[0].after_statement
    assert summary(result.diff.restated) == [
        ("section-47-joint-with-police-where-domestic-abuse@E039+E044",
         "section-47-joint-with-police-where-domestic-abuse@E039", "breach", "breach"),
        ("strategy-discussion-includes-police@E039+E044", "strategy-discussion-includes-police@E039", "met", "met"),
    ]


def test_dropping_the_conference_leaves_its_standards_not_applicable(rulebook, reference, original):
    result = what_if(rulebook, reference, drops=["E046"])
    gone = {c.finding_id: c for c in result.diff.changes}
    assert (gone[POLICE].before, gone[POLICE].after, gone[POLICE].new_id) == \
        ("breach", "not-applicable", "police-invited-to-icpc-where-domestic-abuse")
    assert gone[POLICE].headline() == f"{POLICE}: Departure -> Not applicable"
    assert result.diff.compared == len(original.findings)


@pytest.mark.parametrize(("day", "after"), [("2012-06-07", "met"), ("2012-06-09", "possible-breach")])
def test_adding_a_report_before_the_conference(rulebook, reference, day, after):
    """Thursday 07/06/2012 is two working days before Monday's conference: met. Saturday 09/06/2012 is two
    days before to the day, and 48 hours then depends on times the chronology does not give."""
    added = load_text(ADDED_REPORT.format(date=day), "report.yaml")
    result = what_if(rulebook, reference, adds=[added])
    assert summary(result.diff.changes) == [(REPORT, REPORT, "breach", after)]
    assert result.descriptions == [f"X001 (conference report, {day[8:]}/06/2012) added"]
    if after == "met":
        assert result.diff.changes[0].after_statement.startswith(f"The conference report on {day[8:]}/06/2012 was "
                                                                 "provided at least 48 hours before")


def test_add_accepts_an_events_mapping_and_a_set_can_adjust_the_added_event(rulebook, reference):
    text = "events:\n" + "".join("  " + line + "\n" for line in ADDED_REPORT.format(date="2012-06-11").splitlines())
    result = what_if(rulebook, reference, adds=[load_text(text, "report.yaml")], sets=["X001.date=2012-06-07"])
    assert summary(result.diff.changes) == [(REPORT, REPORT, "breach", "met")]


# --- bad input ----------------------------------------------------------------------------------------------

def test_bad_value_exits_2_naming_the_option_entry_and_field():
    done = run_cli(str(FOUNDING_CASE), "--set", "E046.attrs.children_present=maybe", "--engine", "reference")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--set E046.attrs.children_present=maybe: E046.attrs.children_present: expected true or false, " \
           "got 'maybe'" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_entry_exits_2_with_near_matches():
    done = run_cli(str(FOUNDING_CASE), "--set", "E0466.attrs.invited+=police", "--engine", "reference")
    assert done.returncode == 2
    assert "no entry 'E0466' in the chronology; did you mean" in done.stderr
    suggestions = done.stderr.partition("did you mean ")[2].partition("?")[0].split(", ")
    assert "E046" in suggestions


def test_every_problem_is_reported_at_once_and_against_its_source(rulebook):
    doc = load_text(read_source(FOUNDING_CASE)[1], str(FOUNDING_CASE))
    untouched = json.dumps(doc.data, sort_keys=True)
    clash = load_text(ADDED_REPORT.format(date="2012-06-07").replace("X001", "E045"), "clash.yaml")
    bad_date = load_text(ADDED_REPORT.format(date="2012-13-01").replace("X001", "X002"), "bad.yaml")
    with pytest.raises(InputError) as caught:
        apply_changes(doc, rulebook.vocabulary, sets=["E046.date=2012-02-30", "E046.attrs.invited-=gp",
                                                      "E046.id=E999", "E045.foo=1", "E045.links.for=E999"],
                      adds=[clash, bad_date], drops=["E999"])
    found = {(p.file, p.line, p.field, p.message) for p in caught.value.problems}
    assert found == {
        ("--set E046.date=2012-02-30", None, "E046.date", "'2012-02-30' is not a real date"),
        ("--set E046.attrs.invited-=gp", None, "E046.attrs.invited",
         "gp not in attrs.invited (health-visiting, midwifery, nursery, adult-a, adult-b)"),
        ("--set E046.id=E999", None, "E046.id", "`id` cannot be changed with --set; change one of date, agency, "
         "recorded_by, author, type, people, summary, same_event_as, attrs.NAME or links.RELATION"),
        ("--set E045.foo=1", None, "E045.attrs.foo", next(p.message for p in caught.value.problems
                                                          if p.field == "E045.attrs.foo")),
        ("--set E045.links.for=E999", None, "E045.links.for", "links to missing event 'E999'"),
        ("clash.yaml", 1, "[0].id", "event id 'E045' is already used by the chronology; choose an id of its own"),
        ("bad.yaml", 2, "[0].date", "'2012-13-01' is not a real date"),
        ("--drop E999", None, "E999", "no entry 'E999' in the chronology; did you mean E099?"),
    }
    assert next(p.message for p in caught.value.problems if p.field == "E045.attrs.foo") \
        .startswith("unknown attribute 'foo'")
    assert json.dumps(doc.data, sort_keys=True) == untouched


def test_set_forms(rulebook):
    doc = load_file(FOUNDING_CASE)
    changed = apply_changes(doc, rulebook.vocabulary, sets=[
        "E046.invited=[police, health-visiting]",  # a bare attribute name, a list
        "E046.attrs.exclusion_considered=true",
        "E046.attrs.reports_requested+=[police, police]",
        "E046.attrs.perpetrator_present=",  # empty: no longer recorded
        "E046.summary=Seen: alone",  # free text, though YAML would read a mapping
        "case.facts.housing_involved=false",
    ])
    e046 = changed.chronology.by_id["E046"]
    assert e046.attrs["invited"] == ["police", "health-visiting"]
    assert e046.attrs["exclusion_considered"] is True
    assert e046.attrs["reports_requested"] == ["police"]
    assert "perpetrator_present" not in e046.attrs
    assert e046.summary == "Seen: alone"
    assert changed.chronology.case.facts["housing_involved"].value is False
    assert [c.field for c in changed.changes] == ["attrs.invited", "attrs.exclusion_considered",
                                                  "attrs.reports_requested", "attrs.perpetrator_present",
                                                  "summary", "facts.housing_involved"]
    with pytest.raises(InputError) as caught:
        apply_changes(doc, rulebook.vocabulary, sets=["E046.attrs.perpetrator_present+=x", "nonsense"])
    assert {(p.file, p.field) for p in caught.value.problems} == {
        ("--set E046.attrs.perpetrator_present+=x", "E046.attrs.perpetrator_present"), ("--set nonsense", "nonsense")}


def test_output_writes_a_reusable_copy_and_never_the_case(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_bytes(FOUNDING_CASE.read_bytes())
    before = case.read_bytes()
    (tmp_path / "report.yaml").write_text(ADDED_REPORT.format(date="2012-06-07"), encoding="utf-8")
    copy = tmp_path / "changed.yaml"
    done = run_cli(str(case), "--add", str(tmp_path / "report.yaml"), "--drop", "E044", "--set",
                   "E046.attrs.invited+=police", "--output", str(copy), "--engine", "reference", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert case.read_bytes() == before
    data = json.loads(done.stdout)
    assert [c["option"] for c in data["changes_applied"]] == [
        "--drop E044", f"--add {tmp_path / 'report.yaml'}", "--set E046.attrs.invited+=police"]
    assert {c["id"] for c in data["now_met"]} == {POLICE, REPORT}
    # The copy audits, on its own, to what the what-if reported.
    again = subprocess.run([sys.executable, "-m", "auditor", "audit", str(copy), "--engine", "reference",
                            "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert again.returncode == 0, again.stderr
    statuses = {f["id"]: f["status"] for f in json.loads(again.stdout)["findings"]}
    assert statuses[POLICE] == statuses[REPORT] == "met"
    assert statuses["icpc-within-15-working-days@E039"] == "breach"
    refused = run_cli(str(case), "--set", "E046.attrs.invited+=police", "--output", str(case),
                      "--engine", "reference")
    assert refused.returncode == 2
    assert "the original chronology is never overwritten" in refused.stderr
    assert case.read_bytes() == before


def test_nothing_to_change_is_bad_input():
    done = run_cli(str(FOUNDING_CASE), "--engine", "reference")
    assert done.returncode == 2
    assert "give at least one --set, --add or --drop" in done.stderr


def test_a_change_that_changes_nothing_says_so(rulebook, reference, original):
    result = what_if(rulebook, reference, sets=["E046.attrs.outcome=child protection plans"])
    assert result.diff.changes == [] and result.diff.restated == []
    assert render(result, "text").rstrip().endswith(f"No findings changed ({len(original.findings)} compared).")


def test_diff_pairs_by_id_and_reports_appearing_findings(original):
    findings = original.findings
    assert diff_findings(findings, findings).changes == []
    dropped = diff_findings(findings, [f for f in findings if f.id != POLICE])
    assert summary(dropped.changes) == [(POLICE, POLICE, "breach", None)]
    assert dropped.changes[0].headline() == f"{POLICE}: Departure -> No finding"
    appeared = diff_findings([f for f in findings if f.id != POLICE], findings)
    assert summary(appeared.changes) == [(POLICE, POLICE, None, "breach")]
    assert appeared.changes[0].group == "new-departure"
