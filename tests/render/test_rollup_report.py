"""The roll-up notebook API without a build: words, header, tables and notices from the sample."""
from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_project, with_sample_units_only
from tuphap.errors import DataError, TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.values import BadRow
from tuphap.project import ProjectPaths
from tuphap.render.rollup import RollupReport


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> ProjectPaths:
    """The sample with its own five communes of Hớn Quản only (the official registry has every unit of Bình
    Phước): the roll-ups' counts below are theirs."""
    return ProjectPaths(with_sample_units_only(copy_project(tmp_path_factory.mktemp("rollup") / "project")))


@pytest.fixture(scope="module")
def report(sample):
    return RollupReport(Dataset.load(sample), "province", "Bình Phước", 2024)


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
        report.ranking_table("khong.co", "x", too_few="x")


# -- coverage against the registry: every unit of the area counts --------------------------------

def _with_bad_rows(sample: ProjectPaths, *units: str) -> Dataset:
    """The sample with one row of each unit's 2024 figures that could not be read (as a quoted "1,733" is)."""
    dataset = Dataset.load(sample)
    file = str(sample.values_dir / "2024.csv")
    bad = tuple(BadRow(DataError(file, "ho_tich.tong: '1,733' is not a whole number", row=18 + i, field="value", unit=unit),
                       unit, 2024, "nam") for i, unit in enumerate(units))
    return replace(dataset, bad_rows=bad)


def _rows(fragment) -> list[list[str]]:
    soup = BeautifulSoup(fragment.html, "html.parser")
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("tbody tr")]


COVERAGE = dict(missing="Có {count} đơn vị chưa có số liệu: {units}.",
                errors="Có {count} đơn vị có số liệu bị lỗi nên chưa được tổng hợp: {units}.")
ANNEX = dict(no_figures="Chưa có số liệu", errors="Số liệu có lỗi: {where}")


def test_a_commune_whose_figures_have_a_bad_row_is_left_out_of_every_total_and_named(sample):
    report = RollupReport(_with_bad_rows(sample, "tan-khai"), "province", "Bình Phước", 2024)
    assert [u.slug for u in report.communes] == ["tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"]
    statement = text(report.coverage_statement("Số liệu được tổng hợp từ báo cáo của {share} đơn vị cấp xã.", **COVERAGE))
    assert statement == ("Số liệu được tổng hợp từ báo cáo của 04/05 đơn vị cấp xã. Có 01 đơn vị có số liệu bị lỗi nên "
                         "chưa được tổng hợp: thị trấn Tân Khai.")
    received = next(row for row in _rows(report.totals_table("II.2", "Hòa giải")) if row[0] == "Vụ việc hòa giải tiếp nhận")
    assert received[2:] == ["64", "tổng", "4/5"]  # 79 less Tân Khai's 15; counted against the area's five units
    assert "Thị trấn Tân Khai" not in text(report.ranking_table("ho_tich.tong", "Hộ tịch", too_few="ít"))
    assert _rows(report.uncovered_annex("Phụ lục", "Đơn vị chưa có số liệu hợp lệ", **ANNEX)) == [
        ["1", "Thị trấn Tân Khai", "25357", "Số liệu có lỗi: data/values/2024.csv, dòng 18 (cột value)"]]


def test_units_without_figures_are_counted_and_listed_and_a_full_area_has_no_annex(report, sample):
    earlier = RollupReport(Dataset.load(sample), "province", "Bình Phước", 2023)
    statement = text(earlier.coverage_statement("Tổng hợp từ {share} đơn vị.", **COVERAGE))
    assert statement == "Tổng hợp từ 03/05 đơn vị. Có 02 đơn vị chưa có số liệu: xã Tân Hiệp, xã Đồng Nơ."
    assert [row[1:] for row in _rows(earlier.uncovered_annex("Phụ lục", "Chưa có số liệu hợp lệ", **ANNEX))] == [
        ["Xã Tân Hiệp", "25361", "Chưa có số liệu"], ["Xã Đồng Nơ", "25360", "Chưa có số liệu"]]
    assert report.uncovered_annex("Phụ lục", "x", **ANNEX).html == ""  # 2024: every unit added up


def test_fewer_than_three_communes_make_no_ranking_chart_or_comparison_but_one_sentence(sample):
    report = RollupReport(_with_bad_rows(sample, "tan-khai", "tan-hiep", "dong-no"), "province", "Bình Phước", 2024)
    assert len(report.communes) == 2
    too_few = "Không xếp hạng vì có {count} đơn vị có số liệu, dưới {minimum}."
    fragment = report.ranking_table("ho_tich.tong", "Hộ tịch", too_few=too_few)
    assert text(fragment) == "Không xếp hạng vì có 02 đơn vị có số liệu, dưới 03." and "<table" not in fragment.html
    assert report.communes_chart("ho_tich.tong", "Hộ tịch").html == ""  # after the ranking's sentence, nothing
    assert text(report.communes_chart("ho_tich.tong", "Hộ tịch", too_few="Ít: {count}.")) == "Ít: 02."
    comparison = report.year_comparison_chart(["ho_tich.tong"], "So sánh", note="x", too_few="Chỉ {count} đơn vị.")
    assert text(comparison) == "Chỉ 02 đơn vị." and "<img" not in comparison.html
    decisions = report.ranking_table("tiep_can.quyet_dinh", "Quyết định", too_few=too_few)
    assert "<table" in decisions.html  # texts are listed, not ranked: however few


def test_a_commune_whose_last_years_figures_have_a_bad_row_is_left_out_of_the_comparison_only(sample):
    dataset = _with_bad_rows(sample, "tan-khai")
    dataset = replace(dataset, bad_rows=tuple(replace(bad, year=2023) for bad in dataset.bad_rows))
    report = RollupReport(dataset, "province", "Bình Phước", 2024)
    assert "tan-khai" in report.values_by_unit() and "tan-khai" not in report.values_by_unit(2023)
    assert report.coverage.share() == "05/05"
