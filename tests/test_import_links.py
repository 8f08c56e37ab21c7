"""Links the importer infers between rows: paperwork for the conference after it, and a risk assessment for the
incident before it, so the audit reads them as one matter (auditor.importing.importer._infer_links)."""

from __future__ import annotations

import yaml

from .conftest import cli

ROWS = """Date,Agency,Details
02/10/2011,WMP,Police called to the home address: verbal argument. Adult A threatened.
02/10/2011,WMP,DASH risk assessment completed with Adult A - medium risk. Previous history checked.
14/10/2011,WMP,Police called to the home address again: Adult B assaulted Adult A.
15/10/2011,WMP,DASH completed: high risk.
"""


def test_a_dash_is_linked_to_the_incident_before_it(tmp_path):
    table, profile = tmp_path / "t.csv", tmp_path / "p.yaml"
    table.write_text(ROWS, encoding="utf-8")
    profile.write_text(yaml.safe_dump({"name": "p", "header_row": 1,
                                       "columns": {"date": "Date", "agency": "Agency", "text": "Details"},
                                       "agencies": {"WMP": "police"},
                                       "case": {"id": "c", "title": "C", "jurisdiction": "england"}}),
                       encoding="utf-8")
    done = cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "c.yaml"))
    assert done.returncode == 0, done.stderr
    events = yaml.safe_load((tmp_path / "c.yaml").read_text(encoding="utf-8"))["events"]
    kinds = [(e["id"], e["type"], e.get("links", {})) for e in events]
    assert [k[1] for k in kinds] == ["domestic-abuse-incident", "dash-risk-assessment",
                                     "domestic-abuse-incident", "dash-risk-assessment"]
    assert kinds[1][2] == {"for": kinds[0][0]} and kinds[3][2] == {"for": kinds[2][0]}
    audit = cli("audit", str(tmp_path / "c.yaml"), "--status", "departure")
    assert "dash-completed-at-domestic-abuse-incident" not in audit.stdout


def test_two_agencies_records_of_one_meeting_are_proposed_as_the_same_event_not_merged(tmp_path):
    table, profile = tmp_path / "t.csv", tmp_path / "p.yaml"
    table.write_text("Date,Agency,Details\n01/05/2012,WMP,Telephone strategy discussion with CSC; single agency S47.\n"
                     "23/05/2012,BCC CSC,Strategy meeting with police and health; S47 agreed.\n"
                     "30/07/2012,BCC CSC,Strategy discussion about the new baby.\n", encoding="utf-8")
    profile.write_text(yaml.safe_dump({"name": "p", "header_row": 1,
                                       "columns": {"date": "Date", "agency": "Agency", "text": "Details"},
                                       "agencies": {"WMP": "police", "BCC CSC": "childrens-social-care"},
                                       "case": {"id": "c", "title": "C", "jurisdiction": "england"}}),
                       encoding="utf-8")
    done = cli("import", str(table), "--profile", str(profile), "--output", str(tmp_path / "c.yaml"))
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "c.import-report.md").read_text(encoding="utf-8")
    assert "## Rows that may record the same meeting (check, and say so in the table) (1)" in report
    assert "R2 (row 2, police) and R3 (row 3, childrens-social-care) may record the same strategy discussion" in report
    events = yaml.safe_load((tmp_path / "c.yaml").read_text(encoding="utf-8"))["events"]
    assert not any(e.get("same_event_as") for e in events)  # proposed, never assumed
