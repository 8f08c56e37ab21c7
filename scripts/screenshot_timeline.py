"""Render the founding case's HTML appendix and save a screenshot of its timeline for the README.

Needs Debian's chromium and the test extra (playwright). Run from anywhere:
    .venv/bin/python scripts/screenshot_timeline.py
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
with tempfile.TemporaryDirectory() as tmp:
    page_file = Path(tmp) / "appendix.html"
    subprocess.run([sys.executable, "-m", "auditor", "report", "fixtures/cases/bdhr-2012-13-04.yaml", "--format", "html",
                    "--date", "2026-11-25", "--output", str(page_file)], cwd=ROOT, check=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                    "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.goto(page_file.as_uri())
        page.locator("figure.timeline").screenshot(path=str(ROOT / "docs/images/appendix-timeline.png"))
        browser.close()
