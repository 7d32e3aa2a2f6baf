"""Benchmark: how soon `tuphap preview` shows a saved change.

Starts `tuphap preview --port 0` on a copy of the project (data/, params/, notebooks/), waits for the
first page, then:
  - edits one narrative sentence, 10 times (each time in another block, so in another section), and
    times each from the file's save to the served page containing the new sentence (the page is
    fetched from the server every 10 ms);
  - changes one figure in data/values/<year>.csv, 5 times, timed the same way to the new figure;
  - with Chromium present (/usr/bin/chromium, through Playwright), the same edits again with the
    page open in the browser, timed from the save to the open page showing the text after it
    reloaded by itself (no fetching meanwhile).
Prints every timing, the median and the worst, which sections re-ran, the first run's time and the
preview's peak memory (its process and kernel).

Example:
  python bench/preview_benchmark.py
  python bench/preview_benchmark.py --no-browser
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
TUPHAP = Path(sys.executable).parent / "tuphap"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
UNIT, YEAR = "tan-khai", 2024
# One block in each section that has one, so that the edits re-run different sections.
BLOCKS = ["chi_dao.ket_qua", "pbgdpl.to_chuc", "hoa_giai.to_chuc", "tu_sach.bo_tri", "tiep_can.ket_qua",
          "ho_tich.thuc_hien", "pctn.cong_khai", "danh_gia.ket_qua", "phuong_huong.boi_canh", "de_xuat"]
VALUE = ("pbgdpl.so_buoi", "được {} buổi")  # the figure changed, and how the page then says it
POLL_SECONDS = 0.01
SETTLE_SECONDS = 0.4  # between two edits, so that each is one change


class Preview:
    """The command on a copy of the project, with its address and peak memory."""

    def __init__(self, root: Path):
        self.root = root
        self.process = psutil.Popen([str(TUPHAP), "--root", str(root), "preview", "--unit", UNIT, "--year", str(YEAR),
                                     "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not found:
            raise SystemExit(f"tuphap preview did not start: {line}{self.process.stderr.read()}")
        self.url = found.group(0)
        self.peak, self._done = 0, threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                tree = [self.process] + self.process.children(recursive=True)
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            self._done.wait(0.2)

    def get(self, path: str = "") -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def state(self) -> dict:
        return json.loads(self.get("state"))

    def stop(self) -> None:
        self._done.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except psutil.TimeoutExpired:
            self.process.kill()


def copy_project(target: Path) -> Path:
    for folder in ("data", "params", "notebooks"):
        shutil.copytree(REPO / folder, target / folder)
    (target / "outputs").mkdir()
    return target


def narrative_edits(narrative: Path, series_name: str) -> list[tuple[str, str, str]]:
    """(text as written, text edited, what the page then shows) for each block of BLOCKS: its first
    sentence gets words that say which edit it is; an empty block gets a sentence."""
    text = narrative.read_text(encoding="utf-8")
    edits = []
    for number, key in enumerate(BLOCKS, start=1):
        marker = f"(lần sửa thứ {number} của phép đo {series_name})."
        heading = f"## {key}\n"
        lines = [line for line in text.split(heading, 1)[1].split("\n## ", 1)[0].splitlines() if line.strip()]
        if not lines:
            edits.append((heading, f"{heading}Nội dung mới {marker}\n", marker))
            continue
        sentence = re.split(r"(?<=\.)\s", lines[0].lstrip("-* "), maxsplit=1)[0]
        edits.append((sentence, f"{sentence.rstrip('.')} {marker}", marker))
    return edits


def save_and_wait(path: Path, old: str, new: str, shown: str, wait) -> float:
    """Replace `old` by `new` in the file, then time until wait(shown) returns."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    started = time.monotonic()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    wait(shown)
    seconds = time.monotonic() - started
    time.sleep(SETTLE_SECONDS)
    return seconds


def series(preview: Preview, name: str, wait, reran: list[list[str]] | None) -> tuple[list[float], list[float]]:
    """The narrative edits, then the value changes; each timed by `wait`."""
    narrative = preview.root / "data" / "narrative" / str(YEAR) / f"{UNIT}.md"
    narrative_times = []
    for old, new, shown in narrative_edits(narrative, name):
        narrative_times.append(save_and_wait(narrative, old, new, shown, wait))
        if reran is not None:
            reran.append(preview.state().get("ran", []))
    values = preview.root / "data" / "values" / f"{YEAR}.csv"
    indicator, phrase = VALUE
    current = re.search(rf"^{UNIT},{YEAR},{re.escape(indicator)},(\d+),", values.read_text(encoding="utf-8"), re.M)
    value_times, value = [], int(current.group(1))
    for _ in range(5):
        old, value = f"{UNIT},{YEAR},{indicator},{value},", value + 1
        new = f"{UNIT},{YEAR},{indicator},{value},"
        value_times.append(save_and_wait(values, old, new, phrase.format(value), wait))
        if reran is not None:
            reran.append(preview.state().get("ran", []))
    return narrative_times, value_times


def report(title: str, times: list[float]) -> None:
    listed = ", ".join(f"{t:.2f}" for t in times)
    print(f"  {title}: median {statistics.median(times):.2f} s, worst {max(times):.2f} s  [{listed}]")


def by_http(preview: Preview) -> None:
    def wait(text: str) -> None:
        deadline = time.monotonic() + 30
        while text not in preview.get():
            if time.monotonic() > deadline:
                raise SystemExit(f"the page never showed {text!r}; state: {preview.state()}")
            time.sleep(POLL_SECONDS)

    reran: list[list[str]] = []
    narrative_times, value_times = series(preview, "qua HTTP", wait, reran)
    print("Served page (fetched every 10 ms), from the save to the page holding the new text:")
    report("narrative sentence, 10 edits", narrative_times)
    report(f"one value ({VALUE[0]}), 5 changes", value_times)
    print("  sections re-run per edit: " + "; ".join(",".join(n.split("-")[0] for n in ran) for ran in reran))


def by_browser(preview: Preview) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(preview.url)
        document = page.locator("main.document")
        expect(document).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", timeout=60_000)

        def wait(text: str) -> None:
            expect(document).to_contain_text(text, timeout=30_000)

        narrative_times, value_times = series(preview, "trong trình duyệt", wait, None)
        browser.close()
    print("Open page in Chromium (reloading by itself), from the save to the page showing the new text:")
    report("narrative sentence, 10 edits", narrative_times)
    report(f"one value ({VALUE[0]}), 5 changes", value_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="Only the served page, not Chromium.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tuphap-preview-bench-") as folder:
        root = copy_project(Path(folder) / "project")
        started = time.monotonic()
        preview = Preview(root)
        try:
            while preview.state()["version"] < 1:
                time.sleep(0.05)
            print(f"tuphap preview --unit {UNIT} --year {YEAR} on a copy of the project, {psutil.cpu_count()} CPU core(s)")
            print(f"First page (kernel start and all {len(preview.state()['ran'])} sections): "
                  f"{time.monotonic() - started:.1f} s")
            by_http(preview)
            if not args.no_browser and CHROMIUM.is_file():
                by_browser(preview)
            elif not args.no_browser:
                print(f"(no browser measurement: {CHROMIUM} is not installed)")
            print(f"Peak memory of the preview (process and kernel): {preview.peak / 2 ** 20:.0f} MiB")
        finally:
            preview.stop()


if __name__ == "__main__":
    main()
