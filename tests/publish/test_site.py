"""The internal site (outputs/site/), `tuphap site`, `tuphap serve` and `tuphap publish --zip`,
checked on a built sample project without a browser (tests/test_browser.py drives Chromium)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import TUPHAP, run_tuphap
from tuphap.project import ProjectPaths
from tuphap.publish import folder
from tuphap.publish.site import collect, render
from tuphap.publish.site_model import fold


@pytest.fixture(scope="module")
def root(built_sample) -> Path:
    return built_sample[0]


@pytest.fixture(scope="module")
def site(root) -> Path:
    return root / "outputs" / "site"


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


PROVINCE_2024 = "2024/province-binh-phuoc.html"  # the sample's 2024 units are all in tỉnh Bình Phước


def search_data(script: Path) -> dict:
    """What a search script (search.js) gives the search box: publish/search_index.py."""
    text = script.read_text(encoding="utf-8")
    assert text.startswith("window.tuphapSearch = ") and text.endswith(";\n")
    return json.loads(text[len("window.tuphapSearch = "):-2])


def row_of(page: Path, unit: str):
    row = soup_of(page).select_one(f'table#reports tr[data-unit="{unit}"]')
    assert row is not None, f"no row for {unit} in {page}"
    return row


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def broken_links(folder: Path) -> list[str]:
    """Every href and src of every HTML page under folder that does not lead to a file inside it."""
    broken = []
    for page in folder.rglob("*.html"):
        for element in soup_of(page).select("[href], [src]"):
            link = element.get("href") or element.get("src")
            parts = urlsplit(link)
            if parts.scheme == "data" or (not parts.path and parts.fragment):
                continue  # embedded images; anchors within the page
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.scheme or parts.netloc or not target.is_file() or not target.is_relative_to(folder.resolve()):
                broken.append(f"{page.relative_to(folder)}: {link}")
    return broken


def test_fold_ignores_case_and_vietnamese_diacritics():
    assert fold("Thị trấn Tân Khai") == "thi tran tan khai"
    assert fold("  Đông   Hòa ") == "dong hoa"
    assert fold("Phường HÒA BÌNH (mẫu)") == "phuong hoa binh (mau)"


def test_build_ends_with_the_site_written(built_sample, site):
    assert f"Site: {site / 'index.html'}" in built_sample[1].stdout
    assert (site / "index.html").is_file() and (site / "2024" / "index.html").is_file()


def test_index_lists_years_latest_first_with_counts(site):
    rows = soup_of(site / "index.html").select("table.years tbody tr")
    assert [row["data-year"] for row in rows] == ["2025", "2024", "2023"]
    # 2025: xã Tân Khai's year report and its six-month report (another kind), neither built in this project
    assert [text_of(cell) for cell in rows[0].select("td")][:7] == ["Năm 2025", "1", "0", "0", "0", "0", "Báo cáo 6 tháng: 1"]
    cells = [text_of(cell) for cell in rows[1].select("td")]
    assert cells[:4] == ["Năm 2024", "3", "2", "1"]  # units, built, failed
    assert [text_of(cell) for cell in rows[2].select("td")][:4] == ["Năm 2023", "3", "0", "0"]
    assert rows[1].select_one("a")["href"] == "2024/index.html"


def test_year_page_lists_its_provinces_with_counts_and_links(site):
    rows = soup_of(site / "2024" / "index.html").select("table#provinces tbody tr")
    assert [row["data-province"] for row in rows] == ["binh-phuoc"]
    # units, built, failed, not built, findings, roll-ups
    assert [text_of(cell) for cell in rows[0].select("td")] == ["Bình Phước", "3", "2", "1", "0", "4", "2"]
    assert rows[0].select_one("a")["href"] == "province-binh-phuoc.html"
    assert rows[0].select("a")[1]["href"] == "findings-binh-phuoc.html"


def test_province_page_lists_every_commune_with_status_figures_and_links(site):
    page = site / PROVINCE_2024
    rows = soup_of(page).select("table#reports tbody tr")
    assert [row["data-unit"] for row in rows] == ["an-phu-mau", "hoa-binh-mau", "tan-khai"]  # by name
    assert row_of(page, "an-phu-mau")["data-status"] == "built"
    tan_khai = row_of(page, "tan-khai")
    assert tan_khai["data-status"] == "built"
    text = text_of(tan_khai)
    assert "Thị trấn Tân Khai" in text and "Đã tạo" in text
    # Tân Khai 2024: 10 of 15 cases settled; 1.733 civil-status files, all online; 125 sessions.
    for figure in ("66,7% (10/15)", "1.733", "100% (1.733/1.733)", "125"):
        assert figure in text
    links = {a.get_text(): a["href"] for a in tan_khai.select(".links a")}
    assert links == {"Xem": "tan-khai/report.html", "PDF": "tan-khai/report.pdf", "Word": "tan-khai/report.docx"}


def test_failed_report_shows_as_failed_with_its_error(site):
    row = row_of(site / PROVINCE_2024, "hoa-binh-mau")
    assert row["data-status"] == "failed"
    assert "Lỗi" in text_of(row.select_one(".status"))
    error = text_of(row.select_one(".error"))
    assert error.startswith("params/2024/hoa-binh-mau.yaml") and "colour" in error  # relative to the project
    assert not row.select(".links a")  # never built, so nothing to link
    for page in ("2024/index.html", PROVINCE_2024):
        assert "1 báo cáo lỗi" in text_of(soup_of(site / page).select_one(".summary"))


def test_reports_without_a_build_show_as_not_built(site):
    row = row_of(site / "2023" / "province-binh-phuoc.html", "an-phu-mau")
    assert row["data-status"] == "missing" and "Chưa tạo" in text_of(row)
    assert not row.select(".links a")


def test_commune_page_shows_every_year(site):
    page = soup_of(site / "units" / "tan-khai.html")
    assert text_of(page.select_one("h1")) == "Xã Tân Khai"  # one page for its two periods, under its current name
    assert [row["data-year"] for row in page.select("tbody tr")] == ["2025", "2024", "2023"]
    assert page.select_one('tr[data-year="2024"] a[href="../2024/tan-khai/report.pdf"]')
    assert page.select_one('tr[data-year="2023"]')["data-status"] == "missing"


def test_every_link_on_the_site_resolves_inside_it(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 10
    assert broken_links(site) == []


def test_the_search_scripts_hold_every_unit_and_links_that_resolve(site):
    index = search_data(site / "search.js")
    assert [(unit[0], unit[1], index["places"][unit[3]][1]) for unit in index["units"]] == [
        ("an-phu-mau", "Xã An Phú (mẫu)", "Hớn Quản, Bình Phước"), ("hoa-binh-mau", "Phường Hòa Bình (mẫu)", "Hớn Quản, Bình Phước"),
        ("tan-khai", "Xã Tân Khai", "Đồng Nai")]  # as named now
    links = [f"units/{unit[0]}.html" for unit in index["units"]] + [link for unit in index["units"] for _, link, _ in unit[4] if link]
    year = search_data(site / "2024" / "search.js")
    assert [(unit[0], unit[4]) for unit in year["units"]] == [
        ("Xã An Phú (mẫu)", "built"), ("Phường Hòa Bình (mẫu)", "failed"), ("Thị trấn Tân Khai", "built")]  # as named then
    links += [f"2024/{year['places'][unit[2]][0]}#{unit[3]}" for unit in year["units"]]
    links += [f"2024/{unit[5]}" for unit in year["units"] if unit[5]]
    assert len(links) == 11
    for link in links:
        path, _, anchor = link.partition("#")
        assert (site / path).is_file() and (not anchor or soup_of(site / path).find(id=anchor)), link


def test_reports_are_linked_into_the_site_not_copied(root, site):
    assert os.path.samefile(site / "2024" / "tan-khai" / "report.pdf", root / "outputs" / "2024" / "tan-khai" / "report.pdf")


def test_rewriting_an_unchanged_site_touches_no_file(root, site):
    before = {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}
    folder.write_site(ProjectPaths(root))
    assert {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()} == before


def test_reports_are_copied_where_hard_links_fail_and_the_copy_is_kept(tmp_path, monkeypatch):
    source, target = tmp_path / "report.pdf", tmp_path / "site" / "report.pdf"
    source.write_bytes(b"%PDF-1.7 first")
    def no_hard_links(*args):
        raise OSError("hard links are not supported on this share")

    monkeypatch.setattr(os, "link", no_hard_links)
    folder._place(source, target)
    assert target.read_bytes() == b"%PDF-1.7 first" and not os.path.samefile(source, target)
    copied = target.stat().st_ino
    folder._place(source, target)
    assert target.stat().st_ino == copied  # unchanged source: not copied again
    source.write_bytes(b"%PDF-1.7 second, rebuilt")
    folder._place(source, target)
    assert target.read_bytes() == b"%PDF-1.7 second, rebuilt"


@pytest.fixture
def decorated(root, tmp_path) -> Path:
    """A copy of the built project whose ledger carries made-up data findings and roll-up entries
    (some unsafe or broken), with small stand-in files for a roll-up and Tân Khai's Word file."""
    project = tmp_path / "project"
    shutil.copytree(root, project, symlinks=True)
    shutil.rmtree(project / "outputs" / "site")
    manifest = project / "outputs" / "manifest.json"
    ledger = json.loads(manifest.read_text(encoding="utf-8"))
    ledger["reports"]["2024/tan-khai"]["findings"] = [
        {"severity": "warning", "rule": "parts_sum_to_total", "unit": "tan-khai", "year": 2024,
         "indicator": "ho_tich.tong", "file": str(project / "data" / "values" / "2024.csv"), "row": 40, "expected": 1733, "found": 1732,
         "message": "parts sum to 1732, total is 1733",
         "message_vi": "Tổng các loại việc hộ tịch là 1.732, khác tổng số 1.733 <script>alert(1)</script>"},
        {"severity": "error", "rule": "non_negative", "unit": "tan-khai", "year": 2024, "indicator": "pbgdpl.so_buoi",
         "message": "negative", "message_vi": "Số buổi tuyên truyền âm"},
    ]
    ledger["reports"]["2024/an-phu-mau"]["status"] = "failed"  # failed after an earlier good build
    ledger["reports"]["2024/an-phu-mau"]["error"] = "section 03-hoa-giai-co-so, cell 4: KeyError"
    ledger["rollups"] = {
        "2024/province/binh-phuoc": {"level": "province", "slug": "binh-phuoc", "name": "Tỉnh Bình Phước",
                                     "year": 2024, "status": "built"},
        "2024/district/../etc": {"level": "district", "slug": "../etc", "name": "bad", "year": 2024, "status": "built"},
        "broken": "not a dict",
    }
    manifest.write_text(json.dumps(ledger, ensure_ascii=False), encoding="utf-8")
    units = project / "data" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Hòa Bình (mẫu)", 'Hòa Bình <img src=x onerror="alert(1)">'),
                     encoding="utf-8")
    # The district roll-up's folder goes with its entry: a folder whose build.json the ledger lacks is a
    # build a kill kept from the ledger, and is taken back into it (runtime/staging.py).
    shutil.rmtree(project / "outputs" / "2024" / "_rollup" / "district-hon-quan")
    rollup = project / "outputs" / "2024" / "_rollup" / "province-binh-phuoc"
    shutil.rmtree(rollup)  # the built roll-up, replaced by an HTML and a Word file only
    rollup.mkdir()
    (rollup / "report.html").write_text("<!DOCTYPE html><title>Tỉnh</title><p>Tỉnh Bình Phước</p>", encoding="utf-8")
    (rollup / "report.docx").write_bytes(b"PK fake docx")
    (project / "outputs" / "2024" / "tan-khai" / "report.docx").write_bytes(b"PK fake docx")
    result = run_tuphap("site", root=project)
    assert result.returncode == 0, result.stderr
    return project / "outputs" / "site"


def test_province_page_shows_findings_rollups_and_word_files(decorated):
    page = decorated / PROVINCE_2024
    row = row_of(page, "tan-khai")
    assert row["data-findings"] == "2"
    assert row.select_one("details.findings summary").get_text() == "1 lỗi, 1 cảnh báo"
    messages = [text_of(li) for li in row.select("details.findings li")]
    assert messages[0] == "Tổng các loại việc hộ tịch là 1.732, khác tổng số 1.733 <script>alert(1)</script>"
    assert "<script>alert" not in page.read_text(encoding="utf-8")  # escaped, not executed
    assert {a.get_text(): a["href"] for a in row.select(".links a")}["Word"] == "tan-khai/report.docx"
    for rollups_page in (decorated / "2024" / "index.html", page):  # the year's roll-ups, and the province's own
        rollups = soup_of(rollups_page).select("table.rollups tbody tr")
        assert [r["data-rollup"] for r in rollups] == ["province-binh-phuoc"]  # the unsafe and broken entries left out
        assert {a.get_text(): a["href"] for a in rollups[0].select(".links a")} == {
            "Xem": "_rollup/province-binh-phuoc/report.html", "Word": "_rollup/province-binh-phuoc/report.docx"}
    assert broken_links(decorated) == []


def test_names_and_messages_with_markup_are_escaped_everywhere(decorated):
    for page in decorated.rglob("*.html"):
        if page.name != "report.html":
            text = page.read_text(encoding="utf-8")
            assert "<img src=x" not in text and "<script>" not in text, page


def test_a_report_that_failed_after_a_good_build_links_the_previous_files_as_such(decorated):
    row = row_of(decorated / PROVINCE_2024, "an-phu-mau")
    assert row["data-status"] == "failed" and "KeyError" in text_of(row.select_one(".error"))
    assert text_of(row.select_one(".links.stale .stale-note")).startswith("Bản tốt gần nhất, tạo lúc ")


def test_findings_page_lists_each_finding_with_file_and_row(decorated):
    year = soup_of(decorated / "2024" / "findings.html")
    assert text_of(year.select_one("p.summary")) == "2 phát hiện ở 1 báo cáo."
    assert [(a["href"], text_of(a)) for a in year.select("table#provinces a")] == [("findings-binh-phuoc.html", "Bình Phước")]
    page = soup_of(decorated / "2024" / "findings-binh-phuoc.html")
    assert row_of(decorated / PROVINCE_2024, "tan-khai").select_one("details.findings a")["href"] == \
        "findings-binh-phuoc.html#tan-khai"
    section = page.select_one("section#tan-khai")
    cells = [text_of(td) for td in section.select("tbody tr")[0].select("td")]
    assert cells[0] == "cảnh báo" and "1.732" in cells[1]
    assert cells[2] == "Hồ sơ đăng ký hộ tịch ho_tich.tong"  # the catalogue's label, then the id
    assert cells[3:] == ["1.733", "1.732", "data/values/2024.csv, dòng 40"]
    assert soup_of(decorated / "index.html").select_one('tr[data-year="2024"] a[href="2024/findings.html"]').get_text() == "2"


def test_site_drops_the_files_of_reports_that_are_gone(decorated):
    project = decorated.parents[1]
    shutil.rmtree(project / "outputs" / "2024" / "_rollup")
    (project / "outputs" / "2024" / "tan-khai" / "report.docx").unlink()
    assert run_tuphap("site", root=project).returncode == 0
    assert not (decorated / "2024" / "_rollup").exists()
    assert not (decorated / "2024" / "tan-khai" / "report.docx").exists()
    assert "tan-khai/report.docx" not in (decorated / PROVINCE_2024).read_text(encoding="utf-8")


def test_publish_writes_one_years_bundle_that_works_unzipped(root, tmp_path):
    archive = tmp_path / "bundle.zip"
    result = run_tuphap("publish", "--year", "2024", "--zip", "--output", str(archive), root=root)
    assert result.returncode == 0, result.stderr
    assert "1 report(s) of 2024 failed" in result.stderr
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"tuphap-2024/index.html", "tuphap-2024/site.css", "tuphap-2024/site.js", "tuphap-2024/search.js",
            "tuphap-2024/2024/index.html", "tuphap-2024/2024/search.js", f"tuphap-2024/{PROVINCE_2024}",
            "tuphap-2024/2024/findings.html", "tuphap-2024/2024/findings-binh-phuoc.html", "tuphap-2024/units/tan-khai.html",
            "tuphap-2024/2024/tan-khai/report.html", "tuphap-2024/2024/tan-khai/report.pdf",
            "tuphap-2024/2024/an-phu-mau/report.pdf"} <= names
    assert not [name for name in names if "2023" in name or "/sections/" in name]
    zipfile.ZipFile(archive).extractall(tmp_path / "unzipped")
    bundle = tmp_path / "unzipped" / "tuphap-2024"
    assert broken_links(bundle) == []
    assert [row["data-year"] for row in soup_of(bundle / "units" / "tan-khai.html").select("tbody tr")] == ["2024"]


def test_publish_of_a_year_without_reports_is_a_clear_error(root):
    result = run_tuphap("publish", "--year", "2019", "--zip", root=root)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no reports for 2019: build them first (tuphap build --year 2019)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_with_the_site_and_stops_on_sigterm(root):
    port = _free_port()
    server = subprocess.Popen([str(TUPHAP), "--root", str(root), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        assert "Năm 2024" in body and 'href="2024/index.html"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/2024/tan-khai/report.pdf", timeout=5) as response:
            assert response.read(5) == b"%PDF-"
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=10)
    assert server.returncode == 0
    assert f"at http://127.0.0.1:{port}/" in errors


def test_serve_answers_a_path_no_file_can_have_with_400_and_no_traceback(root):
    """Issue 13: a '%00' in the path made the server log a traceback (it kept serving)."""
    port = _free_port()
    server = subprocess.Popen([str(TUPHAP), "--root", str(root), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    codes = {}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        for path in ("/%00", "/2024/tan-khai/report%00.pdf", "/%ED%A0%80.html", "/2024/index.html"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                    codes[path] = response.status
            except urllib.error.HTTPError as error:
                codes[path] = error.code
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=10)
    assert codes == {"/%00": 400, "/2024/tan-khai/report%00.pdf": 400, "/%ED%A0%80.html": 400, "/2024/index.html": 200}
    assert "Traceback" not in errors and "ValueError" not in errors
    assert server.returncode == 0


def test_serve_on_a_busy_port_says_so(root):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_tuphap("serve", "--port", str(busy.getsockname()[1]), root=root)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot serve on 127.0.0.1:") and "Traceback" not in result.stderr


def test_without_a_readable_registry_the_reports_are_listed_under_an_unknown_province(project):
    (project / "data" / "units.csv").write_text("slug,kind\ntan-khai,xã\n", encoding="utf-8")  # columns missing
    pages = render(collect(ProjectPaths(project)))
    year = BeautifulSoup(pages["2024/index.html"], "html.parser")
    assert "data/units.csv" in text_of(year.select_one(".notice.failed"))
    provinces = year.select("table#provinces tbody tr")
    assert [(row["data-province"], text_of(row.select_one("a")), row.select_one("a")["href"]) for row in provinces] == [
        ("", "Chưa rõ tỉnh", "province-chua-ro.html")]
    rows = BeautifulSoup(pages["2024/province-chua-ro.html"], "html.parser").select("table#reports tbody tr")
    assert [row["data-unit"] for row in rows] == ["an-phu-mau", "hoa-binh-mau", "tan-khai"]
