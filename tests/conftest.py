"""Shared fixtures. durable-rules allows one ruleset per process, so the in-process engine is a session singleton."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.engine.plan import plan_variant
from auditor.engine.reference import ReferenceEngine
from auditor.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FOUNDING_CASE = ROOT / "fixtures" / "cases" / "bdhr-2012-13-04.yaml"
RULES = ROOT / "rules"


def cli(*args: str) -> subprocess.CompletedProcess:
    """`auditor ARGS...` as a user runs it, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook(RULES)


@pytest.fixture(scope="session")
def plans(rulebook):
    return [plan_variant(v) for v in rulebook.variants]


@pytest.fixture(scope="session")
def reference(plans) -> ReferenceEngine:
    return ReferenceEngine(plans)


@pytest.fixture(scope="session")
def durable(plans):
    """The one durable-rules engine this test process may have (trap 2)."""
    from auditor.engine.durable_engine import DurableEngine

    return DurableEngine(plans)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every page test (the appendix, the exercise, the replay)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the HTML pages' browser tests need Chromium "
                    "(Debian: apt-get install chromium). They fail rather than skip.", pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()
