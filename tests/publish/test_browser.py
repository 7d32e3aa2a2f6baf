"""The site in a real browser: Debian's headless Chromium driven by Playwright, pages opened from
file:// as from a file share. Screenshots are kept in outputs/test-artifacts/ (path printed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.publish.browser import browser, page, require_chromium  # noqa: F401  (fixtures)
from tuphap.publish.site_model import fold

ARTIFACTS = REPO / "outputs" / "test-artifacts"

require_chromium()  # the whole module is about the browser


@pytest.fixture(scope="module")
def site(built_sample) -> Path:
    return built_sample[0] / "outputs" / "site"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_landing_page_loads_with_no_console_errors(page, site):
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Báo cáo tổng kết công tác Tư pháp cấp xã"
    assert page.locator("table.years tbody tr").count() == 3  # 2025, 2024, 2023
    assert page.locator("#search").is_visible()  # site.js ran and showed the search box
    assert page.problems == []
    assert screenshot(page, "site-index").stat().st_size > 10_000


def test_every_link_of_the_landing_and_year_pages_opens(page, site):
    seen = set()
    for start in ("index.html", "2024/index.html", "2024/province-binh-phuoc.html", "2023/index.html"):
        page.goto((site / start).as_uri())
        links = page.eval_on_selector_all("a[href]", "anchors => anchors.map(a => a.href)")
        for link in links:
            url = link.split("#")[0]
            if url in seen or url.endswith((".pdf", ".docx")):  # downloads: their files are checked in test_site
                continue
            seen.add(url)
            response = page.goto(url)
            assert response is not None and response.ok, url
    assert len(seen) >= 8
    assert page.problems == []


def test_filter_hides_and_shows_rows_ignoring_diacritics(page, site):
    page.goto((site / "2024" / "province-binh-phuoc.html").as_uri())
    rows = page.locator("table#reports tbody tr")
    visible = lambda: [rows.nth(i).get_attribute("data-unit") for i in range(rows.count()) if rows.nth(i).is_visible()]  # noqa: E731
    assert visible() == ["an-phu-mau", "hoa-binh-mau", "tan-khai"]
    box = page.locator("#reports-filter")
    box.fill("tan khai")
    assert visible() == ["tan-khai"]
    assert page.locator("#reports-count").inner_text() == "1/3 đơn vị"
    box.fill("HÒA bình")
    assert visible() == ["hoa-binh-mau"]
    box.fill("xyz")
    assert visible() == [] and page.locator("#reports-none").is_visible()
    box.fill("")
    assert len(visible()) == 3 and not page.locator("#reports-none").is_visible()
    screenshot(page, "site-year-2024")
    assert page.problems == []


def search_results(page) -> list[list[tuple[str, str]]]:
    """Each result of the search box: its links' texts and targets (relative to the page, as written)."""
    found = page.eval_on_selector_all("#search-results li", """items => items.map(
        item => Array.from(item.querySelectorAll('a')).map(a => [a.textContent, a.getAttribute('href')]))""")
    return [[tuple(link) for link in links] for links in found]


def test_the_index_finds_a_unit_of_any_year_ignoring_diacritics(page, site):
    page.goto((site / "index.html").as_uri())
    assert len(search_results(page)) == 3  # a small site lists every unit before anything is typed
    page.locator("#search").fill("tan khai")  # its current name and page, and the years it has a report in
    assert search_results(page) == [[("Xã Tân Khai", "units/tan-khai.html"), ("2024", "2024/tan-khai/report.html")]]
    assert "Đồng Nai" in page.locator("#search-results li").inner_text()
    page.locator("#search").fill("HÒA bình")  # a failed report: the year links its row, not a stale copy
    assert search_results(page) == [[("Phường Hòa Bình (mẫu)", "units/hoa-binh-mau.html"),
                                     ("2024 (lỗi)", "2024/province-binh-phuoc.html#hoa-binh-mau")]]
    page.locator("#search").fill("xyz")
    assert search_results(page) == [] and page.locator("#search-count").inner_text() == "Không có đơn vị nào khớp."
    assert page.problems == []


def test_the_year_page_finds_a_report_and_leads_to_its_row(page, site):
    page.goto((site / "2024" / "index.html").as_uri())
    page.locator("#search").fill("an phu")
    assert search_results(page) == [[("Xã An Phú (mẫu)", "province-binh-phuoc.html#an-phu-mau"),
                                     ("Xem", "an-phu-mau/report.html")]]
    page.locator("#search-results a", has_text="Xã An Phú").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/2024/province-binh-phuoc.html#an-phu-mau")
    assert page.locator("tr#an-phu-mau").is_visible()
    assert page.problems == []


def test_site_js_folds_names_as_python_does(page, site):
    page.goto((site / "index.html").as_uri())
    names = ["Thị trấn Tân Khai", "Đông Hòa", "Phường HÒA BÌNH (mẫu)", "Ứng Hòa  Ngọc"]
    folded = page.evaluate("names => names.map(window.tuphap.fold)", names)
    assert folded == [fold(name) for name in names]


def test_commune_page_and_report_show_vietnamese_text_and_images(page, site):
    page.goto((site / "units" / "tan-khai.html").as_uri())
    assert page.locator("h1").inner_text() == "Xã Tân Khai"  # its current name; the 2024 report keeps the old one
    screenshot(page, "site-commune-tan-khai")
    page.locator('tr[data-year="2024"] a', has_text="Xem").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/2024/tan-khai/report.html")
    text = page.locator("body").inner_text()
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "hòa giải thành", "1.733 hồ sơ"):
        assert phrase in text
    images = page.locator("img")
    assert images.count() >= 3
    widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(width > 0 for width in widths), widths
    screenshot(page, "report-tan-khai-2024")
    assert page.problems == []
