"""An authority's own records as chronologies: the SSD's tables and the CIN census, read, joined, pseudonymised
and audited against the standards they can evidence, with bad recording kept apart from bad practice."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from auditor.batch.runner import run_batch
from auditor.batch.worker import CaseOptions
from auditor.records import open_records
from auditor.records import rows as record_rows
from auditor.records.mapping import load_format
from auditor.records.pseudonyms import Pseudonyms
from auditor.records.values import NotADate, flag, record_day
from auditor.synth.records import score, write_cin_census, write_ssd

from .conftest import ROOT, cli

SSD = ROOT / "fixtures" / "records" / "ssd-small"
CENSUS = ROOT / "fixtures" / "records" / "cin-census-small.xml"


def run(*args: str, expect: int):
    """`auditor ARGS...` in a process of its own, with the exit code expected."""
    done = cli(*args)
    assert done.returncode == expect, done.stderr
    return done


def audit_records(paths: list[Path], fmt: str, out: Path, names: Pseudonyms | None = None):
    """The records audited in this process (reference engine), as `auditor batch --records` audits them."""
    records = open_records(paths, fmt, names or Pseudonyms(None, keep_ids=True))
    result = run_batch([], out, workers=0, engine="reference", records=records,
                       options=CaseOptions(standards=tuple(load_format(fmt).standards)))
    return records, result


def findings(out: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """Per case: (rule, status, trigger day, edition) of every finding that applied."""
    cases = {}
    for path in sorted((out / "cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases[data["case"]["id"]] = sorted((f["rule_id"], f["status"], f["trigger_date"][:10], f["edition"])
                                           for f in data["findings"])
    return cases


@pytest.fixture(scope="module")
def ssd_audit(tmp_path_factory):
    out = tmp_path_factory.mktemp("ssd-audit")
    records, result = audit_records([SSD], "ssd", out)
    return records, result, out


# --- The small SSD extract, finding by finding ---------------------------------------------------------------

def test_a_child_whose_record_crosses_the_2013_and_2018_editions_is_judged_by_each_in_its_turn(ssd_audit):
    _, _, out = ssd_audit
    child = findings(out)["child-P001"]
    assessments = [f for f in child if f[0] == "single-assessment-within-45-working-days"]
    # The 2012 referral came before WT 2013's single assessment: not applicable, so not listed.
    assert assessments == [
        ("single-assessment-within-45-working-days", "breach", "2017-10-02", "WT 2015"),
        ("single-assessment-within-45-working-days", "met", "2018-09-03", "WT 2018"),
    ]
    assert ("icpc-within-15-working-days", "breach", "2018-09-10", "WT 2018") in child
    assert ("first-review-conference-within-3-months", "met", "2018-10-05", "WT 2018") in child
    assert ("review-conference-within-6-months", "breach", "2019-01-04", "WT 2018") in child
    visits = [f[1:3] for f in child if f[0] == "child-on-plan-seen-at-visiting-interval"]
    assert ("breach", "2018-10-26") in visits and visits.count(("breach", "2018-10-26")) == 1
    assert sum(1 for status, _ in visits if status == "breach") == 1  # every other visit within 10 working days
    alone = [f[1:3] for f in child if f[0] == "child-on-plan-seen-alone"]
    assert ("breach", "2018-10-26") in alone and sum(1 for s, _ in alone if s == "breach") == 1


def test_a_missing_authorised_date_is_not_evaluable_and_says_which_date_is_missing(ssd_audit):
    _, _, out = ssd_audit
    data = json.loads((out / "cases" / "child-P002.json").read_text(encoding="utf-8"))
    gap = next(f for f in data["findings"] if f["rule_id"] == "single-assessment-within-45-working-days")
    assert gap["status"] == "not-evaluable"
    assert "the record has no assessment authorised date" in gap["statement"]
    board = json.loads((out / "board.json").read_text(encoding="utf-8"))
    assert {"rule_id": "single-assessment-within-45-working-days", "field": "assessment authorised date",
            "not_evaluable": 1} == {k: board["unrecorded"][0][k] for k in ("rule_id", "field", "not_evaluable")}


def test_looked_after_reviews_and_missing_episodes(ssd_audit):
    _, _, out = ssd_audit
    child = findings(out)["child-P002"]
    assert ("looked-after-first-review-within-20-working-days", "breach", "2020-01-06") in [f[:3] for f in child]
    assert ("looked-after-second-review-within-3-months", "met", "2020-02-10") in [f[:3] for f in child]
    # The cancelled review is no review: the third held one came more than 6 months after the second.
    assert ("looked-after-later-reviews-within-6-months", "breach", "2020-05-05") in [f[:3] for f in child]
    # The review after that is released by the end of the period of care.
    assert not [f for f in child if f[0] == "looked-after-later-reviews-within-6-months" and f[2] == "2020-11-20"]
    interviews = sorted(f[1:3] for f in child if f[0] == "return-interview-offered-after-missing-episode")
    # Not offered; not recorded (NA); offered. An absence that was not a missing episode makes no entry.
    assert interviews == [("breach", "2020-06-12"), ("met", "2020-10-03"), ("not-evaluable", "2020-09-01")]


def test_an_enquiry_that_needed_no_conference_expects_none(ssd_audit):
    _, _, out = ssd_audit
    data = json.loads((out / "cases" / "child-P003.json").read_text(encoding="utf-8"))
    assert "icpc-within-15-working-days" in data["not_applicable"]
    assert [f["status"] for f in data["findings"]] == ["met"]


def test_a_bad_row_loses_only_its_child_and_is_named_by_file_row_and_field(ssd_audit):
    records, result, out = ssd_audit
    assert result.audited == 3 and result.failed == 2
    errors = (out / "errors.csv").read_text(encoding="utf-8")
    assert "ssd_cin_assessments.csv:7: cina_assessment_auth_date: '30/02/2019' is not a day that exists" in errors
    assert "ssd_cin_episodes.csv:8: ssd_cin_episodes: the child has no row in ssd_person" in errors
    assert records.as_at == date(2021, 8, 2)  # the latest day in the extract


def test_only_the_standards_the_records_evidence_are_audited(ssd_audit):
    _, _, out = ssd_audit
    board = json.loads((out / "board.json").read_text(encoding="utf-8"))
    assert {s["rule_id"] for s in board["standards"]} == set(load_format("ssd").standards)
    assert board["records"]["format"] == "ssd" and board["records"]["children"] == 5


def test_every_entry_cites_its_table_row_and_field(tmp_path):
    run("records", str(SSD), "--format", "ssd", "--out", str(tmp_path), "--keep-ids", expect=2)
    chronologies = [json.loads(line) for line in (tmp_path / "chronologies.jsonl").read_text().splitlines()]
    first = chronologies[0]
    assert first["case"]["id"] == "child-P001"
    tables = {path.stem: path for path in SSD.glob("*.csv")}
    for event in first["events"]:
        source = event["source"]
        lines = tables[source["section"]].read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        row = lines[source["row"] - 1].split(",")
        # The cited row of the cited file holds the child, and the cited field dates the entry.
        assert "P001" in row
        when = event["date"] if isinstance(event["date"], str) else event["date"]["earliest"]
        assert record_day(row[header.index(source["note"])]) == date.fromisoformat(when)


# --- Privacy -------------------------------------------------------------------------------------------------

def test_pseudonyms_by_default_no_record_id_or_birth_date_in_any_output(tmp_path):
    key = tmp_path / "k.key"
    key.write_text("a-key-the-board-keeps-for-every-round\n")
    out = tmp_path / "out"
    run("batch", "--records", "ssd", str(SSD), "--out", str(out), "--key", str(key), "--workers", "0",
                 "--engine", "reference", expect=2)
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
                         and p.suffix in (".json", ".csv", ".html"))
    for raw in ("P001", "P002", "P003", "P004", "P999"):
        assert raw not in everything
    assert "2009-03-14" not in everything and "14/03/2009" not in everything  # P001's date of birth
    assert "child aged" in everything
    again = tmp_path / "again"
    run("batch", "--records", "ssd", str(SSD), "--out", str(again), "--key", str(key), "--workers", "0",
                 "--engine", "reference", expect=2)
    assert sorted(p.name for p in (out / "cases").iterdir()) == sorted(p.name for p in (again / "cases").iterdir())


def test_without_a_key_a_random_one_is_written_for_the_owner_alone(tmp_path):
    out = tmp_path / "out"
    result = run("records", str(SSD), "--format", "ssd", "--out", str(out), expect=2)
    key = out / "pseudonym.key"
    assert key.is_file() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert "pseudonym key written to" in result.stderr
    assert "P001" not in (out / "chronologies.jsonl").read_text()


def test_key_and_keep_ids_together_is_a_usage_mistake(tmp_path):
    key = tmp_path / "k.key"
    key.write_text("x" * 32)
    result = run("records", str(SSD), "--format", "ssd", "--out", str(tmp_path / "o"), "--key", str(key),
                          "--keep-ids", expect=2)
    assert "give --key or --keep-ids, not both" in result.stderr


# --- Bad extracts --------------------------------------------------------------------------------------------

def test_a_missing_table_stops_the_run_naming_it(tmp_path):
    extract = tmp_path / "extract"
    shutil.copytree(SSD, extract)
    (extract / "ssd_cp_visits.csv").unlink()
    result = run("records", str(extract), "--format", "ssd", "--out", str(tmp_path / "o"), "--keep-ids", expect=2)
    assert "ssd_cp_visits: no ssd_cp_visits.csv" in result.stderr


def test_a_renamed_column_stops_the_run_naming_file_row_and_column(tmp_path):
    extract = tmp_path / "extract"
    shutil.copytree(SSD, extract)
    path = extract / "ssd_cin_assessments.csv"
    path.write_text(path.read_text().replace("cina_assessment_auth_date", "cina_assessment_authorised"))
    result = run("records", str(extract), "--format", "ssd", "--out", str(tmp_path / "o"), "--keep-ids", expect=2)
    assert "ssd_cin_assessments.csv:1: cina_assessment_auth_date: column missing from ssd_cin_assessments" in \
        result.stderr
    assert "was it renamed?" in result.stderr


def test_the_census_refuses_a_dtd_and_names_where_xml_breaks(tmp_path):
    dtd = tmp_path / "dtd.xml"
    dtd.write_text('<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "y">]><Message/>')
    result = run("records", str(dtd), "--format", "cin-census", "--out", str(tmp_path / "o"), "--keep-ids", expect=2)
    assert "declares a DTD" in result.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text(CENSUS.read_text().replace("</Children>", "</Kids>"))
    result = run("records", str(broken), "--format", "cin-census", "--out", str(tmp_path / "p"), "--keep-ids",
                 expect=2)
    assert "broken.xml:" in result.stderr and "not well formed" in result.stderr
    assert not list((tmp_path / "p").glob("*.partial"))  # no half-written file left behind


# --- The census ----------------------------------------------------------------------------------------------

def test_the_census_return_pinned(tmp_path):
    _, result = audit_records([CENSUS], "cin-census", tmp_path)
    assert result.audited == 3 and result.failed == 0
    cases = findings(tmp_path)
    assert cases["child-C001"] == [
        ("first-review-conference-within-3-months", "met", "2018-07-13", "WT 2018"),
        ("icpc-within-15-working-days", "met", "2018-06-25", "WT 2015"),
        ("review-conference-within-6-months", "breach", "2018-10-12", "WT 2018"),
        ("review-conference-within-6-months", "met", "2019-04-20", "WT 2018"),
        ("single-assessment-within-45-working-days", "breach", "2018-06-04", "WT 2015"),
    ]  # the 2013 referral, before WT 2013, is not applicable; the plan's last review ended it
    assert cases["child-C002"] == [("single-assessment-within-45-working-days", "not-evaluable", "2019-05-07",
                                    "WT 2018")]
    assert cases["child-C003"] == [("single-assessment-within-45-working-days", "met", "2019-09-02", "WT 2018")]


# --- Synthetic extracts: every planted late step found, and nothing else ---------------------------------------

@pytest.mark.parametrize("fmt", ["ssd", "cin-census"])
def test_synthetic_records_give_back_exactly_what_was_planted(tmp_path, fmt):
    source = tmp_path / ("extract" if fmt == "ssd" else "census.xml")
    planted = (write_ssd if fmt == "ssd" else write_cin_census)(source, 120, 3, 0.3, 0.1)
    _, result = audit_records([source], fmt, tmp_path / "out")
    assert result.failed == 0
    found = [(case.removeprefix("child-"), rule, status, day) for case, rows in findings(tmp_path / "out").items()
             for rule, status, day, _ in rows]
    result_score = score([p.__dict__ for p in planted], found)
    assert result_score.planted > 30 and result_score.unrecorded_planted > 5
    assert (result_score.recall, result_score.precision) == (1.0, 1.0), (result_score.missed, result_score.extra)
    assert result_score.unrecorded_found == result_score.unrecorded_planted


def test_the_board_pack_shows_data_completeness_beside_practice(ssd_audit):
    _, _, out = ssd_audit
    workbook = openpyxl.load_workbook(out / "board.xlsx")
    rows = list(workbook["Data completeness"].values)
    assert rows[0][:4] == ("Table", "Field", "Rows", "Recorded")
    auth = next(r for r in rows if r[1] == "cina_assessment_auth_date")
    assert auth[2:5] == (6, 5, 1)
    assert list(workbook["Unrecorded dates"].values)[1][2] == "assessment authorised date"
    page = (out / "board.html").read_text(encoding="utf-8")
    assert 'id="completeness"' in page and "Bad recording is not bad practice" in page
    assert (out / "board-csv" / "completeness.csv").is_file()


# --- The pieces ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [("2024-12-10 00:00:00.000", date(2024, 12, 10)), ("2024-12-10", date(2024, 12, 10)),
                                       ("10/12/2024", date(2024, 12, 10)), ("2024-12-10T00:00:00", date(2024, 12, 10)),
                                       ("NULL", None), ("", None), (None, None)])
def test_record_days_as_extracts_write_them(text, day):
    assert record_day(text) == day


@pytest.mark.parametrize("text", ["2019-02-30", "31/04/2020", "last Tuesday", "2019-13-01 00:00:00"])
def test_a_day_that_does_not_exist_is_refused(text):
    with pytest.raises(NotADate):
        record_day(text)


def test_flags_read_every_way_extracts_write_them():
    assert [flag(v) for v in ("Y", "yes", "TRUE", "1", "a) Yes", "N", "No", "false", "0", "b) No", "NA",
                              "c) Unknown", "", None)] == [True] * 5 + [False] * 5 + [None] * 4


def test_rows_are_grouped_the_same_through_temporary_shares_as_in_memory(monkeypatch):
    rows = [record_rows.RecordRow("t", "f.csv", n, f"P{n % 37}", {"x": str(n)}) for n in range(2, 500)]
    in_memory = [(p, [r.row for r in rs]) for p, rs in record_rows.by_child(iter(rows), 10)]
    monkeypatch.setattr(record_rows, "SHARE_BYTES", 1)
    shared = sorted((p, [r.row for r in rs]) for p, rs in record_rows.by_child(iter(rows), 8))
    assert sorted(in_memory) == shared and len(shared) == 37


# --- Annex A -------------------------------------------------------------------------------------------------

ANNEX_A = ROOT / "fixtures" / "records" / "annex-a-small.xlsx"


def test_an_annex_a_workbook_pinned_with_a_list_found_by_its_headings(tmp_path):
    _, result = audit_records([ANNEX_A], "annex-a", tmp_path)
    assert result.audited == 3 and result.failed == 0
    cases = findings(tmp_path)
    assert cases["child-AA1"] == [
        ("icpc-within-15-working-days", "met", "2019-03-11", "WT 2018"),
        ("single-assessment-within-45-working-days", "breach", "2019-03-04", "WT 2018"),
    ]
    # An assessment with no date of authorisation is open work in Annex A: past its deadline, a departure. The
    # later referral, decided no further action ("a) Yes"), starts no clock.
    assert cases["child-AA2"] == [("single-assessment-within-45-working-days", "breach", "2019-07-01", "WT 2018")]
    # The conference was deemed unnecessary: no conference clock.
    assert cases["child-AA3"] == [("single-assessment-within-45-working-days", "met", "2019-10-07", "WT 2018")]
    data = json.loads((tmp_path / "cases" / "child-AA1.json").read_text(encoding="utf-8"))
    conference = next(e for f in data["findings"] if f["rule_id"] == "icpc-within-15-working-days"
                      for e in f["evidence"] if e["type"] == "initial-child-protection-conference")
    assert "S47s" in json.dumps(conference)  # cited to the tab it was read from, found by its headings


def test_an_assessment_in_an_episode_still_open_is_not_taken_as_done(tmp_path):
    extract = tmp_path / "extract"
    shutil.copytree(SSD, extract)
    episodes = extract / "ssd_cin_episodes.csv"
    episodes.write_text(episodes.read_text().replace("R4,P002,2020-01-02 00:00:00.000,N,2020-05-01 00:00:00.000",
                                                     "R4,P002,2020-01-02 00:00:00.000,N,NULL"))
    audit_records([extract], "ssd", tmp_path / "out")
    child = findings(tmp_path / "out")["child-P002"]
    # No authorised date and the episode open: the assessment may still be under way, so nothing answers the
    # referral, and its 45 working days had passed by the extract's date.
    assert ("single-assessment-within-45-working-days", "breach", "2020-01-02", "WT 2018") in child


def test_an_impossible_date_of_birth_loses_only_its_child(tmp_path):
    extract = tmp_path / "extract"
    shutil.copytree(SSD, extract)
    people = extract / "ssd_person.csv"
    people.write_text(people.read_text().replace("P003,F,2015-01-20 00:00:00.000", "P003,F,2015-02-30 00:00:00.000"))
    result = run("records", str(extract), "--format", "ssd", "--out", str(tmp_path / "o"), "--keep-ids", expect=2)
    assert "2 chronologies written" in result.stdout
    errors = (tmp_path / "o" / "records-errors.csv").read_text()
    assert "child-P003,ssd_person.csv,4,pers_dob,'2015-02-30 00:00:00.000' is not a day that exists" in errors


def test_annex_a_entries_give_the_age_from_each_list_date_of_birth_not_the_date(tmp_path):
    run("records", str(ANNEX_A), "--format", "annex-a", "--out", str(tmp_path), "--keep-ids", expect=0)
    text = (tmp_path / "chronologies.jsonl").read_text()
    assert "Referral to children's social care (child aged 6)." in text
    assert "2012-05-12" not in text and "12/05/2012" not in text


def test_records_that_are_not_there_make_no_key(tmp_path):
    result = run("records", str(tmp_path / "no-such-extract"), "--format", "ssd", "--out", str(tmp_path / "o"),
                 expect=2)
    assert "no-such-extract: (file): not found" in result.stderr
    assert not (tmp_path / "o").exists()
