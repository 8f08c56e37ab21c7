"""Write the import fixtures: chronology tables as review panels write them, in Excel, Word and CSV.

Run: python scripts/make_import_fixtures.py   (rewrites fixtures/import/*.xlsx, *.docx, *.csv)

The rows are data in this file so a reviewer can read them; the binary files are
written reproducibly (fixed timestamps), so running this again gives the same bytes.
  - bdhr-panel-chronology.xlsx: the founding case's key events (BDHR2012/13-04 sections 3.2-3.3)
    restated as a panel's integrated chronology would: free text, mixed date styles, local
    agency names, the police and social care records of one strategy discussion on two rows.
  - example-borough-chronology.docx and .csv: a synthetic domestic abuse case (pseudonyms
    only), with the messy rows panels leave in: a blank row, a duplicate, a row out of order,
    relative and approximate dates, a row no rule classifies.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.files.writing import stable_zip  # noqa: E402

OUT = ROOT / "fixtures" / "import"
STAMP = (2026, 11, 25, 0, 0, 0)

BDHR_HEADER = ["Ref", "Date", "Time", "Agency", "Source", "Event / contact", "Action / outcome", "Panel analysis",
               "Same event as"]
# Rows restate events of fixtures/cases/bdhr-2012-13-04.yaml; the Source column cites the review's paragraphs.
BDHR_ROWS = [
    ["1", "13/08/2010", "", "WMP", "OR paras 69-70",
     "Police attended a domestic incident at the family home following a 999 call by Adult A. Adult B had "
     "assaulted her. Children were present in the house. DASH completed - standard risk.",
     "Adult B arrested. No referral made to CSC.", "History of Adult B not checked on all systems.", ""],
    ["2", "Sept 2010", "", "GP", "OR para 71",
     "Adult A attended surgery with low mood, disclosed drinking and arguments at home.", "Anti-depressants "
     "prescribed.", "", ""],
    ["3", "mid-January 2011", "", "Health Visitor", "OR para 85",
     "HV1 home visit for child development review. Adult B present throughout; HV unable to ask routine "
     "enquiry as partner present.", "", "No plan made to see Adult A alone.", ""],
    ["4", "02/10/2011", "23:40", "WMP", "OR paras 92-93",
     "Police called to the home address: verbal argument, Adult B threatening Adult A. Children present and "
     "asleep upstairs. DASH risk assessment completed, medium risk.", "Referral made to CSC.", "", ""],
    ["5", "04.10.11", "", "BCC CSC", "OR para 94",
     "Referral received from police re the incident on 02/10/2011.", "Passed to the assessment team.", "", ""],
    ["6", "late Oct 2011", "", "BCC CSC", "OR paras 95-96",
     "Initial assessment started; SW1 unable to make contact with Adult A.", "", "Delay in allocation.", ""],
    ["7", "?22/02/2012", "", "BCC CSC", "OR paras 99, 173",
     "SW1 home visit to Adult A, seen alone. Adult A said Adult B had moved out.", "", "", ""],
    ["8", "March 2012", "", "BCC CSC", "OR paras 101-104",
     "Initial assessment completed on the basis of one visit. Case closed by the team manager with no "
     "consultation with other agencies.", "Closure letter to Adult A copied to HV.", "", ""],
    ["9", "end of April 2012", "", "BCC CSC", "OR para 107",
     "SW1 emailed TM requesting a strategy discussion following new information from the HV and district "
     "nurses.", "", "", ""],
    ["10", "01/05/2012", "", "WMP", "OR paras 107, 166",
     "Telephone strategy discussion between police PPU and CSC. Single agency section 47 enquiry agreed.",
     "Police to take no further part.", "Reasons for a single agency enquiry not recorded.", "14"],
    ["11", "early May 2012", "", "Health Visitor", "OR para 108",
     "HV1 visited; Adult A anxious about the enquiry. Adult B not present.", "", "", ""],
    ["12", "20/05/2012 - 10/06/2012", "", "BCC CSC", "OR para 109",
     "Section 47 enquiry carried out by SW1 (single agency): one home visit to Adult A, no checks with other "
     "agencies.", "", "", ""],
    ["13", "end of May 2012", "", "BCC CSC", "OR paras 109, 148",
     "Invitations to the ICPC sent to the HV, the specialist DV midwife and the nursery manager. Police were "
     "not invited. Invitations to both parents sent to Adult A's address.", "", "", ""],
    ["14", "23/05/2012", "", "BCC CSC", "OR para 166",
     "Strategy meeting chaired by the team manager with police and health. S47 enquiry (single agency) "
     "agreed; ICPC to be convened.", "", "CSC and police records give different dates for the strategy "
     "discussion.", "10"],
    ["15", "11/06/2012", "", "BCC CSC", "OR para 170",
     "Social work report for the conference signed off by the TM and handed to the family and "
     "professionals on the day of the conference.", "", "Report not shared in advance: poor practice.", ""],
    ["16", "11/06/2012", "", "BCC CSC", "OR paras 110-114, 167",
     "Initial child protection conference held. Adult A and Adult B attended throughout. Police were not "
     "invited and did not attend. Domestic abuse the main concern.", "All children subject to CP plans, "
     "category emotional abuse.", "Exclusion of Adult B not considered.", ""],
    ["17", "the following day", "", "BCC CSC", "OR para 116",
     "Working agreement meeting with Adult A, Adult B and Adult C.", "Written agreement signed.", "", ""],
    ["18", "three days later", "", "BCC CSC", "OR para 120",
     "Case transferred to the Safeguarding and Support Team; new SW allocated. No transfer meeting.", "", "", ""],
    ["19", "late June 2012", "", "BCC CSC", "OR paras 115, 144",
     "First core group meeting cancelled by the SW to cover duty work.", "Rearranged for mid-July.", "", ""],
    ["20", "mid-July 2012", "", "BCC CSC", "OR para 121",
     "Core group held at the nursery. Adult B attended.", "", "Well outside the timescale.", ""],
    ["21", "31/07/2012", "", "Housing", "OR paras 137-138",
     "Adult A interviewed by a homeless officer at the Neighbourhood Office; disclosed domestic abuse. "
     "Children in the household.", "Offered a referral to Women's Aid.", "", ""],
    ["22", "02.08.12", "", "BCC CSC", "OR paras 17, 127",
     "SW visited the hotel (temporary accommodation): Adult B found on the premises with the children "
     "present and asked to leave.", "New working agreement signed.", "", ""],
]

BOROUGH_HEADER = ["Date", "Agency", "Details", "Outcome", "Type"]
BOROUGH_ROWS = [
    ["14/03/2019", "Example Police", "Officers attended following a 999 call from Adult A reporting that her "
     "partner Adult B had pushed her against a wall. Child 1 (aged 2) was present. DASH completed - high "
     "risk (score 15).", "Adult B arrested. Referral to MARAC and to Children's Services.", ""],
    ["15/03/2019", "Example Police", "DASH risk assessment reviewed by the DA unit; previous history of Adult B "
     "checked on all police systems.", "High risk confirmed.", ""],
    ["the following day", "Childrens Services", "Referral received from police re incident of 14/03/2019.",
     "Decision: strategy discussion to be held.", ""],
    ["19/03/2019", "Childrens Services", "Strategy discussion held with police and health. Joint section 47 "
     "enquiry agreed.", "ICPC to be held.", "Strategy discussion"],
    ["c. April 2019", "IDVA service", "IDVA1 made contact with Adult A by telephone; support offered.",
     "Safety planning.", ""],
    ["", "", "", "", ""],
    ["25/03/2019", "Health Visiting", "HV1 home visit. Adult B present throughout so routine enquiry not "
     "possible.", "Arrangement made to see Adult A alone at clinic.", ""],
    ["02/04/2019", "MARAC", "Case heard at MARAC. Actions agreed for police, IDVA and housing.", "", ""],
    ["05/04/2019", "Childrens Services", "Invitations to the ICPC sent to police, GP, health visitor, housing "
     "and both parents at their own addresses.", "", ""],
    ["05/04/2019", "Childrens Services", "Invitations to the ICPC sent to police, GP, health visitor, housing "
     "and both parents at their own addresses.", "", ""],
    ["08/04/2019", "Childrens Services", "Social work report for the ICPC shared with the parents and agencies.",
     "", ""],
    ["10/04/2019", "Childrens Services", "Initial child protection conference held. Police, GP, HV and housing "
     "attended. Police report provided.", "Child 1 made subject to a CP plan (emotional abuse).", ""],
    ["01/04/2019", "GP Practice", "Adult A seen at surgery for a minor injury; asked about domestic abuse, "
     "disclosed ongoing abuse.", "Safeguarding lead informed.", ""],
    ["three days later", "GP Practice", "GP1 telephoned the health visitor to share the disclosure.", "", ""],
    ["24/04/2019", "Childrens Services", "First core group meeting held.", "Plan reviewed.", ""],
    ["mid-May 2019", "Housing Options", "Adult A applied as homeless due to domestic abuse.",
     "Temporary accommodation offered.", ""],
    ["May 2019", "Women's Aid", "Adult A placed on the waiting list for outreach support.", "", ""],
    ["Tuesday 4 June 2019", "Childrens Services", "File reviewed by the team manager; case note added.", "", ""],
    ["03/07/2019", "Childrens Services", "Review child protection conference held.", "Plan continued.", ""],
]


def write_xlsx() -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Integrated chronology"
    sheet.append(["BDHR2012/13-04: integrated chronology (restated from the published overview report)"])
    sheet.append(["Prepared for the auditor's import tests; pseudonyms only."])
    sheet.append(BDHR_HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in BDHR_ROWS:
        sheet.append(row)
    notes = book.create_sheet("Notes")
    notes.append(["Agency key", "WMP = West Midlands Police; BCC CSC = Birmingham Children's Social Care"])
    book.properties.creator = "auditor fixtures"
    from datetime import datetime

    book.properties.created = book.properties.modified = datetime(*STAMP)
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(book, archive).save()  # not book.save(), which stamps the modified date from the clock
    (OUT / "bdhr-panel-chronology.xlsx").write_bytes(stable_zip(buffer.getvalue(), STAMP))


def write_docx() -> None:
    from datetime import datetime

    from docx import Document

    document = Document()
    document.add_heading("Example Borough DHR: combined chronology", level=1)
    document.add_paragraph("Synthetic case for the auditor's import tests. Pseudonyms only.")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, BOROUGH_HEADER[:4]):
        cell.text = text
    for values in BOROUGH_ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, values[:4]):
            cell.text = text
    document.core_properties.created = document.core_properties.modified = datetime(*STAMP)
    document.core_properties.author = "auditor fixtures"
    buffer = io.BytesIO()
    document.save(buffer)
    (OUT / "example-borough-chronology.docx").write_bytes(stable_zip(buffer.getvalue(), STAMP))


def write_csv() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes CSV
    writer.writerow(BOROUGH_HEADER)
    writer.writerows(BOROUGH_ROWS)
    (OUT / "example-borough-chronology.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    write_xlsx()
    write_docx()
    write_csv()
    print(f"wrote {len(BDHR_ROWS)} + {len(BOROUGH_ROWS)} rows to {OUT}")
