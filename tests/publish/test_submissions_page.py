"""The site's page of who has sent what, for a year and kind of report: every expected unit with its
status, counts at the top, linked from the year page and the index, and packed in the year's zip."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, copy_project, run_tuphap
from tuphap.inputs.registry import load_units
from tuphap.project import ProjectPaths
from tuphap.publish import folder, site

PAGE = "2024/submissions-nam.html"  # the year's counts, and those of each province
PROVINCE_PAGE = "2024/submissions-nam-binh-phuoc.html"  # the province's units, one by one
# Every unit of the registry on the 2024 due date owes its figures, with params or not (2 have sent them):
# those of the old tỉnh Bình Phước and tỉnh Đồng Nai, of which the sample's five are in Bình Phước.
ON_DUE_DATE = load_units(REPO / "data" / "units.csv").units_on(dt.date(2024, 10, 26))
EXPECTED = len(ON_DUE_DATE)
IN_BINH_PHUOC = sum(unit.province == "Bình Phước" for unit in ON_DUE_DATE)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample project's site, written without building any report (the page needs none)."""
    root = copy_project(tmp_path_factory.mktemp("submissions") / "project")
    result = run_tuphap("site", root=root)
    assert result.returncode == 0, result.stderr
    return root


def rows_of(html: str) -> dict[str, list[str]]:
    table = BeautifulSoup(html, "html.parser").find("table", id="submissions")
    return {row["data-unit"]: [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.tbody.find_all("tr")}


def test_the_page_shows_a_late_and_a_missing_unit_with_counts(sample):
    year = BeautifulSoup((sample / "outputs" / "site" / PAGE).read_text(encoding="utf-8"), "html.parser")
    html = (sample / "outputs" / "site" / PROVINCE_PAGE).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for page, expected in ((year, EXPECTED), (soup, IN_BINH_PHUOC)):
        assert " ".join(page.find(class_="submission-counts").get_text().split()) == \
            f"2/{expected} đơn vị đã nộp, 1 nộp muộn, {expected - 2} chưa nộp ({expected - 2} quá hạn)."
        assert "Hạn nộp: ngày 26/10/2024 (đã qua)." in " ".join(page.get_text().split())
    province = year.find("table", id="provinces").tbody.find("tr", attrs={"data-province": "binh-phuoc"})
    assert [cell.get_text(" ", strip=True) for cell in province.find_all(["th", "td"])] == [
        "Bình Phước", f"2/{IN_BINH_PHUOC}", "1", str(IN_BINH_PHUOC - 2), str(IN_BINH_PHUOC - 2)]
    assert province.find("a")["href"] == "submissions-nam-binh-phuoc.html"
    rows = rows_of(html)
    assert len(rows) == IN_BINH_PHUOC and {"tan-hiep", "dong-no"} <= set(rows)  # units without params owe figures too
    assert [unit for unit in rows if unit in ("an-phu-mau", "hoa-binh-mau", "tan-khai")] == \
        ["an-phu-mau", "hoa-binh-mau", "tan-khai"]  # by name, as the year page lists them
    assert rows["tan-hiep"][1:3] == ["Chưa nhận, quá hạn", "—"]
    assert rows["tan-khai"][:4] == ["Thị trấn Tân Khai", "Đã nhận", "25/10/2024 16:10", "—"]
    # An Phú's first form came by e-mail on 28/10 (the day alone is known), two days late; a revision followed.
    assert rows["an-phu-mau"][:5] == ["Xã An Phú (mẫu)", "Nộp muộn", "28/10/2024", "2", "1 lần, lần cuối 29/10/2024 10:30"]
    assert rows["an-phu-mau"][5].startswith("an-phu-mau-sua.xlsx (62 số liệu")
    assert rows["hoa-binh-mau"][1:3] == ["Chưa nhận, quá hạn", "—"]
    assert BeautifulSoup(html, "html.parser").find("table", id="submissions").find("caption")  # an accessible table


def test_the_year_page_and_the_index_link_the_page(sample):
    for page, text in (("2024/index.html", f"Báo cáo năm: 2/{EXPECTED} đơn vị đã nộp"),
                       ("index.html", f"báo cáo năm: 2/{EXPECTED}")):
        soup = BeautifulSoup((sample / "outputs" / "site" / page).read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.find_all("a") if a.get_text(strip=True) == text]
        assert links, page
        assert (sample / "outputs" / "site" / page).parent.joinpath(links[0]["href"]).resolve() == \
            (sample / "outputs" / "site" / PAGE).resolve()
    index = BeautifulSoup((sample / "outputs" / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.find("tr", attrs={"data-year": "2023"}).find_all("td")[-1].get_text(strip=True) == "—"  # not tracked


def test_a_missing_unit_is_not_overdue_before_the_due_day_is_over(sample):
    collected = site.collect(ProjectPaths(sample), years={2024}, today=dt.date(2024, 10, 26))
    rows = rows_of(site.render(collected)[PROVINCE_PAGE].decode("utf-8"))
    assert rows["hoa-binh-mau"][1] == "Chưa nhận"


def test_the_zip_of_the_year_holds_the_page(sample):
    result = run_tuphap("publish", "--year", "2024", "--zip", root=sample)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(sample / "outputs" / "tuphap-2024.zip") as archive:
        rows = rows_of(archive.read(f"tuphap-2024/{PROVINCE_PAGE}").decode("utf-8"))
    assert (rows["an-phu-mau"][1], rows["hoa-binh-mau"][1]) == ("Nộp muộn", "Chưa nhận, quá hạn")


def test_a_new_receipt_makes_the_site_out_of_date(tmp_path):
    root = copy_project(tmp_path / "project")
    assert run_tuphap("site", root=root).returncode == 0
    paths = ProjectPaths(root)
    assert folder.site_is_current(paths)
    with paths.receipts_file.open("a", encoding="utf-8") as stream:
        stream.write("hoa-binh-mau,2024,nam,2024-11-03T09:00:00+07:00,2024-11-03T09:01:00+07:00,hoa-binh-mau.xlsx,"
                     + "a" * 64 + ",61\n")
    assert not folder.site_is_current(paths)
    assert run_tuphap("site", root=root).returncode == 0
    rows = rows_of((root / "outputs" / "site" / PROVINCE_PAGE).read_text(encoding="utf-8"))
    assert rows["hoa-binh-mau"][1:4] == ["Nộp muộn", "03/11/2024 09:00", "8"]


def test_a_bad_due_date_is_said_on_the_year_page_and_the_rest_of_the_site_is_made(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "params" / "submissions.yaml").write_text("2024:\n  nam: 2024-10-32\n", encoding="utf-8")
    result = run_tuphap("site", root=root)
    assert result.returncode == 0, result.stderr
    year = BeautifulSoup((root / "outputs" / "site" / "2024" / "index.html").read_text(encoding="utf-8"), "html.parser")
    alert = year.find(class_="notice", role="alert").get_text(" ", strip=True)
    assert "params/submissions.yaml, field '2024.nam': '2024-10-32' is not a date" in alert
    assert str(root) not in alert  # no server paths on the site
    assert not (root / "outputs" / "site" / PAGE).exists() and not (root / "outputs" / "site" / PROVINCE_PAGE).exists()


def test_without_a_due_date_nobody_is_late_and_a_unit_not_expected_is_listed_apart(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "params" / "submissions.yaml").unlink()
    with (root / "data" / "submissions.csv").open("a", encoding="utf-8") as stream:
        stream.write("xa-moi,2024,nam,2024-12-20T09:00:00+07:00,2024-12-20T09:01:00+07:00,xa-moi.xlsx," + "b" * 64 + ",12\n")
    assert run_tuphap("site", root=root).returncode == 0
    html = (root / "outputs" / "site" / PAGE).read_text(encoding="utf-8")
    rows = rows_of((root / "outputs" / "site" / PROVINCE_PAGE).read_text(encoding="utf-8"))
    assert (rows["an-phu-mau"][1], rows["hoa-binh-mau"][1], rows["tan-khai"][1]) == ("Đã nhận", "Chưa nhận", "Đã nhận")
    assert "Chưa đặt hạn nộp cho báo cáo năm 2024" in " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    unexpected = BeautifulSoup(html, "html.parser").find("table", id="unexpected")
    assert [cell.get_text(" ", strip=True) for cell in unexpected.tbody.tr.find_all(["th", "td"])][:3] == \
        ["xa-moi", "Đã nhận", "20/12/2024 09:00"]
