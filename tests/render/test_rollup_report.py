"""The roll-up notebook API without a build: words, header, tables and notices from the sample."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO
from tuphap.errors import TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render.rollup import RollupReport


@pytest.fixture(scope="module")
def report():
    return RollupReport(Dataset.load(ProjectPaths(REPO)), "province", "Bình Phước", 2024)


def text(fragment) -> str:
    return " ".join(BeautifulSoup(fragment.html, "html.parser").get_text(" ").split())


def test_the_area_and_its_communes(report):
    assert {u.slug for u in report.communes} == {"tan-khai", "tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"}
    assert report.words["area_full"] == "tỉnh Bình Phước" and report.words["communes"] == "05"
    assert report.has_previous_year


def test_the_header_is_the_agencys_under_its_body(report):
    header = text(report.document_header("Tổng hợp năm {year}"))
    assert header.startswith("UBND TỈNH BÌNH PHƯỚC SỞ TƯ PHÁP Số:") and "Tổng hợp năm 2024" in header


def test_totals_are_sums_and_rates_come_from_the_totals(report):
    rows = [[td.get_text() for td in tr.select("td")]
            for tr in BeautifulSoup(report.totals_table("II.2", "Hòa giải").html, "html.parser").select("tbody tr")]
    received = next(row for row in rows if row[0] == "Vụ việc hòa giải tiếp nhận")
    assert received[2:] == ["79", "tổng", "5/5"]  # 15 + 18 + 24 + 12 + 10
    rate = next(row for row in rows if row[0].startswith("Tỷ lệ hòa giải thành"))
    assert rate[2:4] == ["74,7% (59/79)", "tính trên tổng"]  # (10 + 14 + 18 + 9 + 8) / 79, not the mean of the rates


def test_the_sample_notice_names_the_invented_communes(report):
    notice = text(report.sample_notice("Có đơn vị mẫu: {units}"))
    assert "xã An Phú (mẫu)" in notice and "phường Hòa Bình (mẫu)" in notice and "Tân Khai" not in notice


def test_a_chart_or_table_of_an_unknown_indicator_is_refused(report):
    with pytest.raises(TuphapError, match="ranking_table: 'khong.co' names no indicator"):
        report.ranking_table("khong.co", "x")
