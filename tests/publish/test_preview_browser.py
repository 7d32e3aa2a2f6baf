"""`tuphap preview` in a real browser (Debian's headless Chromium, driven by Playwright): the narrative
file is edited on disk, and the open page reloads by itself and shows the new sentence within a few
seconds. The command runs on a copy of the project; its screenshot is kept in outputs/test-artifacts/."""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, TUPHAP, copy_project

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "outputs" / "test-artifacts"

if not CHROMIUM.is_file():
    if os.environ.get("CI"):  # CI installs it (scripts/install-system-packages): its absence is a failure there
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-system-packages as root")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only once Chromium is known to be there)

OLD = "Đội ngũ tuyên truyền viên pháp luật là những người am hiểu pháp luật"
NEW = "Đội ngũ tuyên truyền viên pháp luật của thị trấn vừa được kiện toàn, gồm những người am hiểu pháp luật"


@pytest.fixture
def preview(tmp_path):
    """`tuphap preview --port 0` on a copy of the project: (project folder, the address it printed)."""
    root = copy_project(tmp_path / "project")
    process = subprocess.Popen([str(TUPHAP), "--root", str(root), "preview", "--unit", "tan-khai", "--year", "2024",
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # printed as soon as the server listens
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line + process.stderr.read() if process.poll() is not None else line
        yield root, found.group(0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode is not None
    assert not (root / "outputs" / ".preview" / "2024-tan-khai.json").exists()  # withdrawn on stop


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        # Debian's Chromium, never a downloaded one (`playwright install` is not used).
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.problems = []  # console errors and script errors
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        yield page
        context.close()
        browser.close()


def test_an_edited_narrative_shows_on_the_open_page_by_itself(preview, page):
    root, url = preview
    page.goto(url)
    document = page.locator("main.document")
    expect(document).to_contain_text(OLD, timeout=120_000)  # the first run of every section
    status = page.locator("#tuphap-preview")
    expect(status).to_contain_text("Đã cập nhật lúc")
    assert page.title().startswith("Xem trước · Báo cáo tổng kết công tác Tư pháp năm 2024")
    page.evaluate("window.tuphapNotReloaded = true")  # gone once the page has reloaded

    narrative = root / "data" / "narrative" / "2024" / "tan-khai.md"
    text = narrative.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    started = time.monotonic()
    narrative.write_text(text.replace(OLD, NEW), encoding="utf-8")
    expect(document).to_contain_text(NEW, timeout=5_000)
    seconds = time.monotonic() - started
    assert page.evaluate("window.tuphapNotReloaded === undefined")  # it reloaded by itself
    assert OLD not in document.inner_text()
    expect(status).to_contain_text(re.compile(r"Đã cập nhật lúc .* chạy lại 2 mục \(00, 02\)"))
    print(f"edit saved -> new sentence on the page: {seconds:.2f} s")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.get_by_text(NEW).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "preview-tan-khai.png"))  # the sentence and the status line
    assert page.problems == []
