"""Debian's headless Chromium driven by Playwright, for the site's browser tests: never a downloaded browser
(`playwright install` is not used). A module imports the fixtures `browser` and `page` from here."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    """Skip where Chromium is missing; CI installs it (scripts/install-system-packages), so there its
    absence is a failure."""
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-system-packages as root")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.problems = []  # console errors, script errors and failed loads, for the tests to assert on
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("requestfailed", lambda request: page.problems.append(f"{request.url}: {request.failure}"))
    yield page
    context.close()
