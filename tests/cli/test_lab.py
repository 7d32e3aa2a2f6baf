"""`tuphap lab` end to end: the real JupyterLab it starts, driven as an analyst would by Debian's headless
Chromium through Playwright, in a git clone of the project whose nbstripout filter `make setup` installed.
The interface is in Vietnamese; running a section for another unit and saving it changes nothing that
reaches git (but the parameter line typed) or the build. Screenshots: outputs/test-artifacts/lab-*.png."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, TUPHAP, run_tuphap, writable_copy

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "outputs" / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
NOTEBOOK = "notebooks/03-hoa-giai-co-so.ipynb"

if not CHROMIUM.is_file():
    if os.environ.get("CI"):  # CI installs it (scripts/install-system-packages): its absence is a failure there
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-system-packages as root")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (only once Chromium is known to be there)


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Tuphap Test", "-c", "user.email=test@example.invalid", *args],
                            cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def deadline_poll(check, seconds: float, what: str):
    """check() until it returns something truthy, for at most `seconds` (a process outside the browser)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


@pytest.fixture(scope="module")
def clone(built_2024, tmp_path_factory) -> Path:
    """The project as a git clone: `make setup`'s filter installed, everything committed, then built
    (its 2024 reports are the shared build's; outputs/ is not committed)."""
    root = writable_copy(built_2024, tmp_path_factory.mktemp("lab") / "project")
    for name in (".gitignore", ".gitattributes"):
        shutil.copy(REPO / name, root / name)
    git(root, "init", "-q")
    venv = Path(sys.prefix)
    # Only the recipe of `setup` (the venv is there: -o marks it up to date), as a developer's `make` runs it.
    setup = subprocess.run(["make", "--no-print-directory", "-f", str(REPO / "Makefile"), "-o", f"{venv}/.installed",
                            "setup", f"VENV={venv}"], cwd=root, capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    clean = git(root, "config", "filter.nbstripout.clean")
    assert clean.startswith(f'"{venv}/bin/python" ') and "nbstripout" in clean and "--keep-id" in clean
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "project")
    built = run_tuphap("build", "--all", "--quiet", "--jobs", "1", root=root)
    assert built.returncode == 0, built.stdout + built.stderr
    return root


@pytest.fixture(scope="module")
def lab(clone, tmp_path_factory):
    """`tuphap lab --no-browser --port 0` in the clone, until the module's tests are done; its address."""
    logs = tmp_path_factory.mktemp("lab-logs")
    with open(logs / "stdout", "w") as stdout, open(logs / "stderr", "w") as stderr:
        process = subprocess.Popen([str(TUPHAP), "lab", "--unit", "an-phu-mau", "--year", "2024", "--no-browser", "--port", "0"], cwd=clone,
                                   stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
    try:
        def printed_url():
            assert process.poll() is None, (logs / "stdout").read_text() + (logs / "stderr").read_text()
            return next((word for word in (logs / "stdout").read_text().split() if word.startswith("http://")), None)
        url = deadline_poll(printed_url, 30, "the address `tuphap lab` prints")
        parts = urllib.parse.urlsplit(url)
        token = urllib.parse.parse_qs(parts.query)["token"][0]

        def answers():
            assert process.poll() is None, (logs / "stderr").read_text()
            try:
                with urllib.request.urlopen(f"http://{parts.netloc}/api/status?token={token}", timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError):
                return False
        deadline_poll(answers, 60, "JupyterLab to answer")
        yield {"url": url, "netloc": parts.netloc, "token": token, "logs": logs}
    finally:
        process.terminate()  # the command became JupyterLab (exec), which stops its kernels on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in (logs / "stderr").read_text()


@pytest.fixture(scope="module")
def page(lab):
    with sync_playwright() as playwright:
        # Debian's Chromium, never a downloaded one; the browser's own language is English: Lab's is the setting.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(lab["url"])
        yield page
        browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def menu(page, label: str, command: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=label).click()
    page.locator(f'li.lm-Menu-item[data-command="{command}"]').click()


def test_lab_is_in_vietnamese_and_opens_the_start_page(page):
    labels = page.locator(".lm-MenuBar-itemLabel")
    expect(labels.first).to_have_text("Tệp")
    assert {"Tệp", "Chỉnh sửa", "Hiển thị", "Chạy", "Trợ giúp"} <= set(labels.all_inner_texts())
    start = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown")
    expect(start.locator("h1").first).to_contain_text("Báo cáo tổng kết công tác Tư pháp: bắt đầu")
    expect(start.locator("a", has_text="03-hoa-giai-co-so.ipynb")).to_be_visible()
    assert screenshot(page, "lab-start-page").stat().st_size > 20_000
    # its links open in Lab: the narrative in the editor (to be edited), the built report in the HTML viewer
    start.locator("a", has_text="data/narrative/2024/an-phu-mau.md").click()
    expect(page.locator(".jp-FileEditor:visible .cm-content")).to_contain_text("## ")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="bat-dau.ipynb").click()
    start.locator("a", has_text="report.html").click()
    expect(page.locator(".jp-HTMLViewer:visible iframe")).to_be_attached()
    expect(page.frame_locator(".jp-HTMLViewer:visible iframe").locator("body")).to_contain_text("vụ việc")


def test_a_run_for_another_unit_then_save_changes_only_the_parameter_line_and_rebuilds_nothing(page, clone):
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="bat-dau.ipynb").click()
    page.locator(".jp-RenderedMarkdown a", has_text="03-hoa-giai-co-so.ipynb").click()  # the start page's link
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    parameters = notebook.locator(".jp-CodeCell .cm-content", has_text='unit = "tan-khai"')
    parameters.click()
    page.keyboard.press("Control+a")  # the cell's text, in the cell's editor
    page.keyboard.insert_text('unit = "an-phu-mau"\nyear = 2024')
    expect(notebook.locator(".jp-CodeCell .cm-content").first).to_have_text('unit = "an-phu-mau"year = 2024')
    menu(page, "Chạy", "runmenu:run-all")
    expect(notebook.locator(".jp-OutputArea-output", has_text="đã tiếp nhận 18 vụ việc")).to_be_visible(timeout=60_000)
    page.wait_for_function("""() => {
        const panel = '.jp-NotebookPanel:not(.lm-mod-hidden)';
        const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt')];
        return prompts.length > 10 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
    }""", timeout=60_000)  # every code cell ran
    assert notebook.locator(".jp-OutputArea-output").count() > 10
    assert notebook.locator('[data-mime-type="application/vnd.jupyter.stderr"], .jp-mod-error').count() == 0
    unsaved = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current.jp-mod-dirty")
    expect(unsaved).to_have_count(1)
    menu(page, "Tệp", "docmanager:save")
    expect(unsaved).to_have_count(0)  # written: Lab marks the tab saved once the server answers
    screenshot(page, "lab-notebook-an-phu-mau")

    saved = json.loads((clone / NOTEBOOK).read_text(encoding="utf-8"))  # the file as Lab wrote it: outputs and all
    outputs = [output for cell in saved["cells"] for output in cell.get("outputs", [])]
    assert "18 vụ việc" in json.dumps(outputs, ensure_ascii=False)
    assert not [output for output in outputs if output.get("name") == "stderr" or output["output_type"] == "error"]

    assert git(clone, "status", "--porcelain", "--untracked-files=all") == f" M {NOTEBOOK}\n"
    changed = [line for line in git(clone, "diff", "-U0", "--", "notebooks").splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ['-    "unit = \\"tan-khai\\"\\n",', '+    "unit = \\"an-phu-mau\\"\\n",']

    rebuilt = run_tuphap("build", "--all", root=clone, env={**os.environ, "LANGUAGE": "en"})  # its summary in English
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "sections executed: 0" in rebuilt.stdout, rebuilt.stdout


def test_terminals_have_the_projects_tuphap_on_their_path(lab):
    import websocket  # websocket-client, which jupyter_server depends on

    headers = {"Authorization": f"token {lab['token']}"}
    request = urllib.request.Request(f"http://{lab['netloc']}/api/terminals", method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        name = json.load(response)["name"]
    connection = websocket.create_connection(f"ws://{lab['netloc']}/terminals/websocket/{name}?token={lab['token']}",
                                             timeout=20)
    try:
        connection.send(json.dumps(["stdin", "command -v tuphap; echo done-$((6 * 7))\r"]))
        screen = ""
        deadline = time.monotonic() + 20
        while "done-42" not in screen and time.monotonic() < deadline:
            kind, *content = json.loads(connection.recv())
            screen += content[0] if kind == "stdout" else ""
    finally:
        connection.close()
        urllib.request.urlopen(urllib.request.Request(f"http://{lab['netloc']}/api/terminals/{name}", method="DELETE",
                                                      headers=headers), timeout=10)
    assert f"{Path(sys.executable).parent}/tuphap" in screen
