"""The site of the whole country (issue 19): 3,321 units of 34 provinces written in seconds from a synthetic
project (tests/publish/country.py), no page over 1 MB with what it loads, and in Debian's Chromium the index,
the year page and the page of Thành phố Hồ Chí Minh (168 units) usable within a second, their search boxes
finding a unit by name or by code within a second. bench/site_benchmark.py measures the same at leisure."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.publish.browser import browser, page  # noqa: F401  (fixtures)
from tests.publish.country import YEAR, write_country_project
from tuphap.project import ProjectPaths
from tuphap.publish import folder

MEGABYTE = 1_000_000
SECOND_MS = 1000
HCM = f"{YEAR}/province-ho-chi-minh.html"
_LOADED = re.compile(r'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"')
_LINK = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def country(tmp_path_factory) -> tuple[Path, int]:
    """The country's site; and its number of units."""
    root = tmp_path_factory.mktemp("country") / "project"
    units = write_country_project(root, files=("report.html",))
    folder.write_site(ProjectPaths(root))
    return root / "outputs" / "site", len(units)


def site_pages(site: Path) -> list[Path]:
    """The pages the site writes (the reports it links are the builds', stand-ins here)."""
    return [page for page in site.rglob("*.html") if page.name != "report.html"]


def test_the_site_has_a_page_per_province_and_one_per_unit(country):
    site, units = country
    assert units == 3321
    assert len(list(site.glob(f"{YEAR}/province-*.html"))) == 34
    assert len(list((site / "units").glob("*.html"))) == units
    year = (site / f"{YEAR}/index.html").read_text(encoding="utf-8")
    assert year.count("<tr data-province=") == 34 and "3321 đơn vị: 3286 đã tạo báo cáo" in year
    assert (site / HCM).read_text(encoding="utf-8").count('<tr id="') == 168


def test_no_page_weighs_more_than_a_megabyte_with_what_it_loads(country):
    site, _ = country
    weights = {}
    for page in site_pages(site):
        text = page.read_text(encoding="utf-8")
        loaded = [page.parent / (script or style) for script, style in _LOADED.findall(text)]
        weights[page.relative_to(site).as_posix()] = len(text.encode("utf-8")) + sum(path.stat().st_size for path in loaded)
    heaviest = sorted(weights.items(), key=lambda item: -item[1])[:3]
    assert heaviest[0][1] < MEGABYTE, heaviest
    assert weights["index.html"] > (site / "search.js").stat().st_size  # the index does load its units


def test_every_link_of_every_page_leads_to_a_file_of_the_site(country):
    site, _ = country
    broken = []
    for page in site_pages(site):
        for link in _LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if parts.path and not (page.parent / unquote(parts.path)).is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    assert broken == []


def open_page(page, path: Path) -> float:
    """Open a page from file://; how long until its DOM was ready, its scripts run (ms)."""
    page.goto(path.as_uri())
    return page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")


def search(page, query: str) -> tuple[float, list[tuple[str, str]]]:
    """Type a query into the search box: how long the answer took (ms), and the results' first links."""
    took = page.evaluate("""query => {
        const box = document.getElementById('search'), start = performance.now();
        box.value = query;
        box.dispatchEvent(new Event('input'));
        return performance.now() - start;
    }""", query)
    found = page.eval_on_selector_all("#search-results li", """items => items.map(item => {
        const link = item.querySelector('a'); return [link.textContent, link.href]; })""")
    return took, [tuple(result) for result in found]


@pytest.mark.parametrize("start", ["index.html", f"{YEAR}/index.html"])
def test_a_search_finds_a_unit_by_name_or_code_within_a_second(page, country, start):
    site, _ = country
    assert open_page(page, site / start) < SECOND_MS
    for query in ("tan khai", "25357"):
        took, found = search(page, query)
        assert took < SECOND_MS, query
        assert found[0][0] == "Xã Tân Khai" and "mã 25357" in page.locator("#search-results li").first.inner_text()
        link = urlsplit(found[0][1])
        target_text, anchor = Path(unquote(link.path)).read_text(encoding="utf-8"), link.fragment  # the unit's page, or Đồng Nai's with its row
        assert "Tân Khai" in target_text and (not anchor or f'id="{anchor}"' in target_text), found[0]
    took, found = search(page, "sai gon")
    assert took < SECOND_MS and [name for name, _ in found] == ["Phường Sài Gòn"]
    took, found = search(page, "tan")
    assert took < SECOND_MS and len(found) == 50  # many: the first fifty, and the count
    assert page.locator("#search-count").inner_text().startswith("Hiện 50/")
    assert page.problems == []


def test_the_page_of_ho_chi_minh_city_is_usable_within_a_second(page, country):
    site, _ = country
    assert open_page(page, site / HCM) < SECOND_MS
    assert page.locator("table#reports tbody tr").count() == 168
    page.locator("#reports-filter").fill("sai gon")
    assert page.locator("#reports-count").inner_text() == "1/168 đơn vị"
    page.locator('tr#sai-gon a', has_text="Xem").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/{YEAR}/sai-gon/report.html")
    assert page.problems == []
