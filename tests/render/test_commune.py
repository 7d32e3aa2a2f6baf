"""The notebook API without a build: wording that fits the commune's figures."""
from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_project
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render.commune import CommuneReport


def text(fragment) -> str:
    return BeautifulSoup(fragment.html, "html.parser").get_text(" ", strip=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample project, with a commune whose figures test the edges: two bookcases, zeros, no
    figures for the year before."""
    root = copy_project(tmp_path_factory.mktemp("section") / "project")
    with (root / "data" / "units.csv").open("a", encoding="utf-8") as units:
        units.write("moi-lap,,phường,Mới Lập (mẫu),tổ dân phố,,Đồng Nai,yes,,,\n")
    with (root / "data" / "values" / "2024.csv").open("a", encoding="utf-8") as values:
        for indicator, value in {"tu_sach.cap_xa": 2, "tu_sach.dau_sach": 1640, "tu_sach.khu_dan_cu": 0,
                                 "chung.khu_dan_cu": 6, "ho_tich.tong": 500, "ho_tich.tre_han": 0,
                                 "pbgdpl.cuoc_thi": 0}.items():
            values.write(f"moi-lap,2024,{indicator},{value},\n")
    for folder in ("params", "data/narrative"):
        suffix = ".yaml" if folder == "params" else ".md"
        shutil.copy(root / folder / "2024" / f"an-phu-mau{suffix}", root / folder / "2024" / f"moi-lap{suffix}")
    return root


@pytest.fixture(scope="module")
def dataset(project):
    return Dataset.load(ProjectPaths(project))


def test_average_only_where_there_is_more_than_one_bookcase(dataset):
    counts = dict(other="Có {tu_sach.cap_xa} tủ với tổng số {tu_sach.dau_sach} đầu sách, trung bình {tu_sach.dau_sach_moi_tu} đầu sách mỗi tủ.",
                  one="Có {tu_sach.cap_xa} tủ với {tu_sach.dau_sach} đầu sách.", zero="Chưa có tủ sách.")
    assert text(CommuneReport(dataset, "tan-khai", 2024).text_by_count("tu_sach.cap_xa", **counts)) == "Có 01 tủ với 650 đầu sách."
    assert text(CommuneReport(dataset, "moi-lap", 2024).text_by_count("tu_sach.cap_xa", **counts)) == \
        "Có 02 tủ với tổng số 1.640 đầu sách, trung bình 820 đầu sách mỗi tủ."


def test_a_missing_count_shows_as_missing_or_leaves_an_optional_sentence_out(dataset):
    section = CommuneReport(dataset, "tan-khai", 2024)
    shown = section.text_by_count("pbgdpl.cuoc_thi", zero="Không tổ chức.", other="Tổ chức {pbgdpl.cuoc_thi} cuộc thi.")
    assert "thiếu số liệu" in text(shown)
    assert section.text_by_count("pbgdpl.cuoc_thi", zero="Không.", other="{pbgdpl.cuoc_thi}", optional=True).html == ""
    zero = CommuneReport(dataset, "moi-lap", 2024).text_by_count("pbgdpl.cuoc_thi", zero="Không tổ chức cuộc thi.", other="x")
    assert text(zero) == "Không tổ chức cuộc thi."


def test_zero_reads_naturally(dataset):
    section = CommuneReport(dataset, "moi-lap", 2024)
    assert text(section.text("Tại {chung.khu_dan_cu} {hamlet} {tu_sach.khu_dan_cu|co} tủ sách.")) == \
        "Tại 06 tổ dân phố không có tủ sách."
    assert text(section.text("{ho_tich.tong} hồ sơ, trong đó {ho_tich.tre_han|co} hồ sơ trễ hạn.")) == \
        "500 hồ sơ, trong đó không có hồ sơ trễ hạn."


def test_an_optional_sentence_stays_with_a_marker_when_only_some_figures_are_missing(dataset):
    section = CommuneReport(dataset, "tan-khai", 2024)
    kept = section.text("Tiếp nhận {hoa_giai.tiep_nhan}, đang giải quyết {hoa_giai.dang_giai_quyet}.", optional=True)
    assert "15" in text(kept) and "thiếu số liệu: Đang giải quyết" in text(kept)
    assert section.text("Đang giải quyết {hoa_giai.dang_giai_quyet}.", optional=True).html == ""


def test_a_comparison_is_like_for_like_and_marks_what_either_year_lacks(dataset):
    compared = text(CommuneReport(dataset, "tan-khai", 2024).year_comparison(
        ["tcd.ngay_tiep", "tcd.don_tiep_nhan"], "So sánh với năm {prev_year}:"))
    assert "So sánh với năm 2023:" in compared
    assert "Đơn thư tiếp nhận trong kỳ: 15 đơn (năm 2023: 16 đơn)" in compared
    assert "Ngày tiếp công dân: [thiếu số liệu: Ngày tiếp công dân] (năm 2023: 288 ngày)" in compared


def test_no_comparison_and_no_promise_of_one_without_last_years_figures(dataset):
    new = CommuneReport(dataset, "moi-lap", 2024)
    assert new.year_comparison(["tcd.don_tiep_nhan"], "So sánh:").html == ""
    promise = "(có dẫn chứng, số liệu so sánh cụ thể với năm {prev_year})"
    assert text(new.heading("6.1. Kết quả", comparison=promise)) == "6.1. Kết quả"
    assert text(CommuneReport(dataset, "tan-khai", 2024).heading("6.1. Kết quả", comparison=promise)) == \
        "6.1. Kết quả (có dẫn chứng, số liệu so sánh cụ thể với năm 2023)"


def test_headings_use_the_units_own_kind(dataset):
    heading = "4. Xây dựng {unit_kind} đạt chuẩn tiếp cận pháp luật"
    assert text(CommuneReport(dataset, "tan-khai", 2024).heading(heading)) == "4. Xây dựng thị trấn đạt chuẩn tiếp cận pháp luật"
    assert text(CommuneReport(dataset, "moi-lap", 2024).heading(heading)) == "4. Xây dựng phường đạt chuẩn tiếp cận pháp luật"


def test_a_chart_states_every_figure_in_its_alt_text_and_table(dataset):
    chart = BeautifulSoup(CommuneReport(dataset, "tan-khai", 2024).parts_chart("ho_tich.tong", "Hộ tịch năm {year}").html,
                          "html.parser")
    alt = chart.img["alt"]
    for figure in ("Đăng ký khai sinh: 286 trường hợp", "Đăng ký kết hôn: 142 trường hợp", "681", "Đăng ký giám hộ: 1 trường hợp"):
        assert figure in alt
    rows = [[td.get_text() for td in tr.select("td")] for tr in chart.select("details table tbody tr")]
    assert ["Đăng ký khai sinh", "trường hợp", "286"] in rows and len(rows) == 7
