"""Benchmark: the internal site of the whole country.

Writes the synthetic project of tests/publish/country.py (the 3,321 units in force since 1/7/2025 with their
codes and provinces, a built 2025 report for each as small stand-in files, 34 province roll-ups), then:
  - times `tuphap site` on it: the first write (every page and every report linked in) and a rewrite of the
    unchanged site, each in a fresh process as a build's end would;
  - lists the heaviest pages, each with the scripts and styles it loads;
  - with Chromium present (/usr/bin/chromium, through Playwright), opens the index, the year page and the
    page of Thành phố Hồ Chí Minh (168 units) from file:// and times them to DOMContentLoaded (the page shown,
    its scripts run), and times the search boxes answering a name and a code (the median of 5 of each).

Example:
  python bench/site_benchmark.py
  python bench/site_benchmark.py --keep /tmp/country   # keep the project to open its site afterwards
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the synthetic project is the site tests' (tests/publish/country.py)

from tests.publish.country import YEAR, write_country_project  # noqa: E402

TUPHAP = Path(sys.executable).parent / "tuphap"
CHROMIUM = Path("/usr/bin/chromium")
LOADED = re.compile(r'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"')
PAGES = {"index": "index.html", "year": f"{YEAR}/index.html", "Hồ Chí Minh": f"{YEAR}/province-ho-chi-minh.html"}
QUERIES = {"a name": "tan khai", "a code": "25357"}
RUNS = 5


def write_site(root: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(TUPHAP), "--root", str(root), "site"], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"tuphap site failed: {result.stderr}")
    return time.perf_counter() - start


def weights(site: Path) -> list[tuple[int, int, str]]:
    """Each page the site writes: its weight with what it loads, its own size, its path; heaviest first."""
    found = []
    for page in site.rglob("*.html"):
        if page.name == "report.html":  # the reports are the builds' (stand-ins here), not the site's pages
            continue
        text = page.read_bytes()
        loaded = [page.parent / (script or style) for script, style in LOADED.findall(text.decode("utf-8"))]
        found.append((len(text) + sum(path.stat().st_size for path in loaded), len(text), page.relative_to(site).as_posix()))
    return sorted(found, reverse=True)


def browser_times(site: Path) -> None:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for label, path in PAGES.items():
            loads = []
            for _ in range(RUNS):
                page.goto((site / path).as_uri())
                loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            line = f"  {label:<12} DOMContentLoaded {statistics.median(loads):6.0f} ms (worst {max(loads):.0f})"
            if page.locator("#search").count():
                for what, query in QUERIES.items():
                    answers = [page.evaluate("""query => {
                        const box = document.getElementById('search'), start = performance.now();
                        box.value = query; box.dispatchEvent(new Event('input'));
                        return performance.now() - start; }""", query) for _ in range(RUNS)]
                    found = page.locator("#search-results li a").first.inner_text()
                    line += f"; search for {what} {statistics.median(answers):4.1f} ms ({found})"
            print(line)
        browser.close()
        if errors:
            raise SystemExit(f"script errors: {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the project there and keep it (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tuphap-site-bench-") as temporary:
        root = args.keep or Path(temporary) / "project"
        start = time.perf_counter()
        units = write_country_project(root)
        print(f"synthetic project: {len(units)} units, written in {time.perf_counter() - start:.1f} s")
        print(f"tuphap site, first write: {write_site(root):.2f} s; unchanged rewrite: {write_site(root):.2f} s")
        site = root / "outputs" / "site"
        pages = weights(site)
        print(f"{len(pages)} pages; the heaviest, with what they load (kB):")
        for weight, own, path in pages[:5]:
            print(f"  {weight / 1000:7.1f}  {path} ({own / 1000:.1f} of its own)")
        if CHROMIUM.is_file():
            print(f"Chromium, from file://, median of {RUNS}:")
            browser_times(site)
        else:
            print(f"{CHROMIUM} is not installed: no browser figures")


if __name__ == "__main__":
    main()
