"""Import a very large chronology table (50,000 rows) and print the time and peak memory.

Run: python benchmarks/import_large.py [--rows 50000] [--format xlsx|csv|docx|all]

Builds a table by repeating the synthetic Example Borough rows of scripts/make_import_fixtures.py
with dates moved on a day per row, writes it in each format, then imports each one in a fresh
process (so peak memory is that import's alone) and prints rows/s and the peak resident memory.
Peak memory should stay flat as --rows grows: rows are streamed, never all held. It asserts
nothing (performance is not a test).
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PROFILE = """name: large
columns: {date: Date, agency: Agency, text: Details, action: Outcome}
agencies: {Example Police: police, Childrens Services: childrens-social-care, Health Visiting: health-visiting,
           GP Practice: gp, Housing Options: housing, "Women's Aid": womens-aid, IDVA service: idva, MARAC: marac}
case: {id: large-import, facts: {domestic_abuse: true}}
"""


def rows(n: int) -> list[list[str]]:
    from make_import_fixtures import BOROUGH_HEADER, BOROUGH_ROWS

    templates = [r for r in BOROUGH_ROWS if r[0] and r[1]]
    start = date(1990, 1, 1)
    out = [BOROUGH_HEADER[:4]]
    for i in range(n):
        row = templates[i % len(templates)]
        out.append([(start + timedelta(days=i // 3)).strftime("%d/%m/%Y"), row[1], f"{row[2]} (entry {i + 1})", row[3]])
    return out


def write(table: list[list[str]], path: Path) -> None:
    if path.suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Chronology")
        for row in table:
            sheet.append(row)
        book.save(path)
    else:
        _write_docx(table, path)


def _write_docx(table: list[list[str]], path: Path) -> None:
    """A Word document whose table rows are written as XML directly: python-docx's add_row slows
    quadratically and would take many minutes for 50,000 rows."""
    import zipfile
    from xml.sax.saxutils import escape

    from docx import Document

    document = Document()
    document.add_table(rows=1, cols=4).rows[0].cells[0].text = "PLACEHOLDER-ROWS"
    buffer = io.BytesIO()
    document.save(buffer)
    rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{escape(c)}</w:t></w:r></w:p></w:tc>"
                                      for c in row) + "</w:tr>" for row in table)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                start = text.index("<w:tr")
                end = text.index("</w:tr>", start) + len("</w:tr>")
                data = (text[:start] + rows + text[end:]).encode("utf-8")
            target.writestr(item, data)


def measure(table: Path, profile: Path, out: Path) -> None:
    """In a child process: import, then print seconds and peak memory."""
    from auditor.importing.classification import load_classifier
    from auditor.importing.importer import import_table
    from auditor.importing.profile import load_profile
    from auditor.rulebook import load_rulebook

    vocabulary = load_rulebook(None).vocabulary
    classifier = load_classifier(None, vocabulary)
    mapping = load_profile(profile, vocabulary)
    started = time.perf_counter()
    report = import_table(table, mapping, vocabulary, classifier, out, classifier.link_rules)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{table.suffix[1:]}: {report.events:,} events in {seconds:.1f} s ({report.events / seconds:,.0f} rows/s); "
          f"peak memory {peak:.0f} MB; {report.count('unclassified'):,} unclassified")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "docx", "all"], default="all")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*(Path(p) for p in args.measure))
        return
    formats = ["csv", "xlsx", "docx"] if args.format == "all" else [args.format]
    table = rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile.yaml"
        profile.write_text(PROFILE, encoding="utf-8")
        for fmt in formats:
            path = Path(tmp) / f"large.{fmt}"
            write(table, path)
            print(f"{fmt}: {path.stat().st_size / 1e6:.1f} MB written", flush=True)
            subprocess.run([sys.executable, __file__, "--measure", str(path), str(profile), str(Path(tmp) / "o.yaml")],
                           check=True)


if __name__ == "__main__":
    main()
