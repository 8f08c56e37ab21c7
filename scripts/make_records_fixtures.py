"""Write fixtures/records/annex-a-small.xlsx: an Annex A workbook made for the tests (pseudonymous ids).

Run: python scripts/make_records_fixtures.py. The workbook has the referral, assessment and section 47 lists
with the Annex A schema's headings (as liia-tools reads them; see auditor/records/formats/annex-a.yaml) and a
contacts list the auditor does not read. The section 47 list's tab is called "S47s", not "List 5", so that the
tests show a list found by its headings. Dates are Excel dates in one list and dd/mm/yyyy text in another, and
flags are "a) Yes"/"b) No" as well as Y/N, as authorities' workbooks mix them.

  AA1  referral 04/03/2019, assessment authorised 30/05/2019: 45 working days end 09/05/2019 (WT 2018), late;
       strategy discussion 11/03/2019, conference 29/03/2019 (within 15 working days: 01/04/2019), plan made.
  AA2  referral 02/09/2019 decided no further action; an assessment of an earlier referral (01/07/2019) still
       open, with no date of authorisation, past its 45 working days.
  AA3  section 47 enquiry whose conference was deemed unnecessary.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "records" / "annex-a-small.xlsx"
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


def main() -> None:
    wb = Workbook()
    contacts = wb.active
    contacts.title = "List 1"
    contacts.append(COMMON + ["Date of Contact", "Contact Source"])
    contacts.append(["AA1", "a) Male", "WBRI", "12/05/2012", 6, "01/03/2019", "e) 3A: Police"])
    referrals = wb.create_sheet("List 3")
    referrals.append(COMMON + ["Date of Referral", "Referral Source", "Referral NFA?",
                               "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"])
    referrals.append(["AA1", "a) Male", "WBRI", datetime(2012, 5, 12), 6, datetime(2019, 3, 4), "3A", "b) No", 1,
                      "Team 1", "SW1"])
    referrals.append(["AA2", "b) Female", "MWBC", datetime(2015, 8, 3), 3, datetime(2019, 7, 1), "1A", "N", 2,
                      "Team 2", "SW2"])
    referrals.append(["AA2", "b) Female", "MWBC", datetime(2015, 8, 3), 4, datetime(2019, 9, 2), "1A", "a) Yes", 2,
                      "Team 2", "SW2"])
    referrals.append(["AA3", "a) Male", "ABAN", datetime(2010, 1, 20), 9, datetime(2019, 10, 7), "5A", "No", 1,
                      "Team 1", "SW1"])
    assessments = wb.create_sheet("List 4")
    assessments.append(COMMON + ["Does the Child have a Disability", "Continuous Assessment Start Date",
                                 "Child Seen During Continuous Assessment",
                                 "Continuous Assessment Date of Authorisation",
                                 "Was the child assessed as requiring LA children's social care support?",
                                 "Allocated Team", "Allocated Worker"])
    assessments.append(["AA1", "a) Male", "WBRI", "12/05/2012", 6, "b) No", "05/03/2019", "a) Yes", "30/05/2019",
                        "a) Yes", "Team 1", "SW1"])
    assessments.append(["AA2", "b) Female", "MWBC", "03/08/2015", 3, "b) No", "02/07/2019", "a) Yes", "", "",
                        "Team 2", "SW2"])
    assessments.append(["AA3", "a) Male", "ABAN", "20/01/2010", 9, "b) No", "08/10/2019", "Y", "20/11/2019", "b) No",
                        "Team 1", "SW1"])
    s47 = wb.create_sheet("S47s")
    s47.append(COMMON + ["Does the Child have a Disability",
                         "Strategy discussion initiating Section 47 Enquiry Start Date",
                         "Was an Initial Child Protection Conference deemed unnecessary?",
                         "Date of Initial Child Protection Conference",
                         "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                         "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
                         "Allocated Team", "Allocated Worker"])
    s47.append(["AA1", "a) Male", "WBRI", "12/05/2012", 6, "b) No", "11/03/2019", "b) No", "29/03/2019", "a) Yes",
                1, 1, "Team 1", "SW1"])
    s47.append(["AA3", "a) Male", "ABAN", "20/01/2010", 9, "b) No", "09/10/2019", "a) Yes", "", "", 1, 0,
                "Team 1", "SW1"])
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "dd/mm/yyyy"
    wb.properties.created = wb.properties.modified = datetime(2020, 1, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
