"""`auditor check` and the appendix's "What the chronology does not record": what the standards read that an
entry does not record, entry by entry, so an author can ask the agency rather than accept "not evaluable"."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml

from .conftest import FOUNDING_CASE, ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _case(tmp_path, change) -> str:
    doc = yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8"))
    for event in doc["events"]:
        change(event)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc, default=str), encoding="utf-8")
    return str(path)


def _entry(text: str, event_id: str) -> str:
    """The lines `auditor check` prints for one entry."""
    match = re.search(rf"^{event_id} .*?(?=^\S|\Z)", text, re.M | re.S)
    assert match, f"{event_id} not listed"
    return match.group(0)


def test_check_lists_what_each_entry_does_not_record_and_the_standards_it_decides():
    done = run("check", str(FOUNDING_CASE))
    assert done.returncode == 0, done.stderr
    # A police incident without positive action recorded: that standard cannot be judged.
    assert "positive action and reasons recorded are not recorded: 1 standard cannot be judged (Positive action" \
        in _entry(done.stdout, "E005")
    # Whether children were present decides whether the police referral standard applies at all.
    assert "children present is not recorded: 1 standard may apply but cannot be engaged" in _entry(done.stdout, "E005")
    # A flag any entry may carry (the plan breaking down, a move of area) is a marker, not a question.
    assert "plan breakdown" not in done.stdout and "moved area" not in done.stdout


def test_who_was_invited_not_recorded_on_the_conference_nor_its_invitation_is_named_with_its_standards(tmp_path):
    def forget(event):
        if event["id"] in ("E040", "E046"):
            event["attrs"].pop("invited", None)

    done = run("check", _case(tmp_path, forget))
    assert done.returncode == 0, done.stderr
    listed = _entry(done.stdout, "E046")
    count = re.search(r"who was invited is not recorded: (\d+) standards cannot be judged", listed)
    assert count and int(count.group(1)) >= 2, listed
    assert "Police invited" in listed or "police" in listed.lower()
    # With the invitation's list recorded (on an entry about the same conference), nothing is asked about it.
    assert "who was invited" not in run("check", str(FOUNDING_CASE)).stdout


def test_a_link_that_contradicts_the_dates_is_listed(tmp_path):
    def backwards(event):
        if event["id"] == "E045":  # the conference report, a preparation `for` the conference, dated after it
            event["date"] = "2012-07-30"

    done = run("check", _case(tmp_path, backwards))
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Links that contradict the dates")[1]
    assert re.search(r"E045 \(conference report, 30/07/2012\) `for` E046 .*, but is dated after it", listed)
    # The invitation, also a preparation, dated before the conference, is as it should be.
    assert "E040 (conference invitation" not in listed
    assert "E045" not in run("check", str(FOUNDING_CASE)).stdout.split("Links that contradict")[-1]


def test_the_appendix_method_lists_what_was_not_recorded_and_coarsening_holds_there(tmp_path):
    out = tmp_path / "appendix.md"
    done = run("report", str(FOUNDING_CASE), "--format", "md", "--date", "2026-12-06", "--output", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "do not record something the standards read" in text
    section = text.split("What the chronology does not record:")[1].split("## 2.")[0]
    assert "- E005 domestic abuse incident (04/2008): positive action and reasons recorded are not recorded" in section
    coarse = tmp_path / "coarse.md"
    done = run("report", str(FOUNDING_CASE), "--format", "md", "--date", "2026-12-06", "--coarsen-dates",
               "--output", str(coarse))
    assert done.returncode == 0, done.stderr
    section = coarse.read_text(encoding="utf-8").split("What the chronology does not record:")[1].split("## 2.")[0]
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", section)
