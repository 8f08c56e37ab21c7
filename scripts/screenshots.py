"""Regenerate every screenshot the README shows, from the commands the README gives.

HTML is rendered in Debian's Chromium (playwright); Word and Excel through LibreOffice to PDF, then a page to PNG
with poppler's pdftoppm. Needs the test extra, chromium, libreoffice and poppler-utils. Run from anywhere:
    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
CASE = "fixtures/cases/bdhr-2012-13-04.yaml"
DAY = "2026-11-25"


def auditor(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "auditor", *args], cwd=ROOT, check=True, capture_output=True)


def office_page(document: Path, image: str, find: str | None = None, resolution: int = 80) -> None:
    """One page of a Word or Excel file as a PNG: the first page, or the first holding the text `find`."""
    work = document.parent
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(document)], check=True, capture_output=True, timeout=300)
    pdf = document.with_suffix(".pdf")
    pages = int(next(line.split()[1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                                   check=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    page = 1
    if find is not None:
        page = next(i for i in range(1, pages + 1) if find in subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True).stdout)
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(IMAGES / image)], check=True)
    print(f"{image}.png: page {page} of {pages} of {document.name}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        auditor("report", CASE, "--format", "html", "--date", DAY, "--output", str(work / "appendix.html"))
        auditor("report", CASE, "--format", "docx", "--date", DAY, "--output", str(work / "appendix.docx"))
        auditor("brief", CASE, "--format", "docx", "--date", DAY, "--output", str(work / "briefing.docx"))
        auditor("synth", "--cases", "200", "--seed", "11", "--jsonl", str(work / "round1.jsonl"),
                "--truth", str(work / "t1.json"))
        auditor("synth", "--cases", "200", "--seed", "12", "--jsonl", str(work / "round2.jsonl"),
                "--truth", str(work / "t2.json"))
        auditor("batch", str(work / "round1.jsonl"), "--out", str(work / "q3"), "--title", "Quarter 3 audit round",
                "--date", "2026-10-01", "--format", "json")
        auditor("batch", str(work / "round2.jsonl"), "--out", str(work / "q4"), "--title", "Quarter 4 audit round",
                "--date", "2026-12-06", "--compare", str(work / "q3"), "--format", "html,xlsx,json")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            page.goto((work / "appendix.html").as_uri())
            page.locator("figure.timeline").screenshot(path=str(IMAGES / "appendix-timeline.png"))
            page.locator("#summary").scroll_into_view_if_needed()
            page.evaluate("document.getElementById('summary').scrollIntoView()")
            page.screenshot(path=str(IMAGES / "appendix-summary.png"))
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="en-GB")
            page.goto((work / "q4" / "board.html").as_uri())
            page.screenshot(path=str(IMAGES / "board-front-page.png"))
            browser.close()
        print("appendix-timeline.png, appendix-summary.png, board-front-page.png: Chromium")
        office_page(work / "appendix.docx", "appendix-word-first-page")
        office_page(work / "appendix.docx", "appendix-word-page", find="Finding 13:")
        office_page(work / "briefing.docx", "briefing-word-page")


if __name__ == "__main__":
    main()
