"""A real browser for the dashboard: the system's Chromium, driven by Playwright, never a download.

Without Chromium (or Playwright) the browser tests skip and say why, unless
PMO_TEST_REQUIRE_BROWSER=1 (as in CI), where they fail instead. Each page they visit is saved
as a screenshot under screenshots/ (git-ignored), for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # README's plain test command installs it; a trimmed environment may not
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = os.environ.get("PMO_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("PMO_TEST_REQUIRE_BROWSER") == "1"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 375, "height": 740}


def browser_missing() -> str | None:
    """Why no browser can run here, or None."""
    if sync_playwright is None:
        return "the browser tests need the playwright package (pip install '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium, or a skip (a failure in CI) saying what is missing."""
    missing = browser_missing()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")  # the Chinese font, once fetched
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
