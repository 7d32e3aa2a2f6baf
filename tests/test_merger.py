"""Across the 2025 reform: the new xã Tân Khai's 2025 report (new header, its comparison with 2024 the sum
of its three predecessors, recomputed here from the values files), the 2025 roll-up by the new province
only, and thị trấn Tân Khai's 2024 report unchanged by the registry's knowing of the new xã."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, copy_project, run_tuphap
from tuphap.compute import formatting, rollup
from tuphap.errors import TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render.rollup import RollupReport

PREDECESSORS = ("tan-khai", "tan-hiep", "dong-no")
# The comparison list of section 07 (notebooks/07-...ipynb), in its order.
COMPARED = ["tcd.luot_tiep", "tcd.ngay_tiep", "tcd.vu_viec_lan_dau", "tcd.doan_dong_nguoi", "tcd.don_ky_truoc",
            "tcd.don_tiep_nhan", "tcd.don_da_xu_ly", "pctn.mot_cua"]


def page_text(html_file: Path) -> str:
    """The page as a reader reads it, without the line under the document (its build time and data hash)."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    for footer in soup.select("footer.build-info"):
        footer.decompose()
    author = soup.find("meta", attrs={"name": "author"})["content"]
    return " ".join([soup.title.get_text(), author, *soup.body.get_text(" ").split()])


@pytest.fixture(scope="module")
def built_2025(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("merger") / "project")
    result = run_tuphap("build", "--year", "2025", "--quiet", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _values(year: int) -> dict[str, dict[str, float]]:
    by_unit: dict[str, dict[str, float]] = {}
    with (REPO / "data" / "values" / f"{year}.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["value"] and row["value"].replace(".", "", 1).isdigit():
                by_unit.setdefault(row["unit"], {})[row["indicator"]] = float(row["value"])
    return by_unit


def _count(value: float) -> str:
    """A count as the report prints it: 4.663, 47, 03, 0."""
    text = f"{int(value):,}".replace(",", ".")
    return text.zfill(2) if 0 < value < 10 else text


def test_the_new_xa_has_the_new_header_and_wording(built_2025):
    soup = BeautifulSoup((built_2025 / "outputs" / "2025" / "tan-khai" / "report.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.select_one(".issuer-body").get_text(strip=True) == "ỦY BAN NHÂN DÂN"
    assert soup.select_one(".issuer-unit").get_text(strip=True) == "XÃ TÂN KHAI"
    assert soup.select_one(".place-date").get_text(strip=True) == "Tân Khai, ngày 20 tháng 11 năm 2025"
    assert soup.title.get_text() == "Báo cáo tổng kết công tác Tư pháp năm 2025 — xã Tân Khai"
    assert soup.find("meta", attrs={"name": "author"})["content"] == "UBND xã Tân Khai"
    text = " ".join(soup.body.get_text(" ").split())
    assert "UBND xã Tân Khai báo cáo kết quả công tác năm 2025" in text
    assert "Sở Tư pháp tỉnh Đồng Nai;" in text and "DỮ LIỆU MẪU" in text  # made-up figures carry the banner
    assert "THỊ TRẤN" not in text and "Phòng Tư pháp" not in text


def test_the_comparison_with_2024_is_the_sum_of_the_three_predecessors(built_2025):
    text = page_text(built_2025 / "outputs" / "2025" / "tan-khai" / "report.html")
    before, now = _values(2024), _values(2025)["tan-khai"]
    with (REPO / "data" / "indicators.csv").open(encoding="utf-8") as stream:
        catalogue = {row["id"]: row for row in csv.DictReader(stream)}
    parts = {"tcd.luot_tiep": ("tcd.luot_cong_chuc", "tcd.luot_lanh_dao")}  # a total not entered is its parts' sum

    def figure(values: dict[str, float], indicator: str) -> float | None:
        if indicator in values:
            return values[indicator]
        if indicator in parts and all(part in values for part in parts[indicator]):
            return sum(values[part] for part in parts[indicator])
        return None

    summed = 0
    for indicator in COMPARED:
        label, unit = catalogue[indicator]["label"], catalogue[indicator]["unit"]
        figures = [figure(before[p], indicator) for p in PREDECESSORS]
        previous = (f"[thiếu số liệu: {label}]" if None in figures else f"{_count(sum(figures))} {unit}")
        expected = f"{label}: {_count(figure(now, indicator))} {unit} (năm 2024: {previous})"
        assert expected in text.replace("] )", "])")
        summed += None not in figures
    assert summed >= 3  # the sample has both: sums of three, and figures a predecessor lacks
    assert "(năm 2024: 680 lượt)" in text and "(năm 2024: 47 đơn)" in text and "(năm 2024: 4.663 hồ sơ)" in text
    note = ("Số liệu năm 2024 là tổng số liệu của thị trấn Tân Khai, xã Tân Hiệp và xã Đồng Nơ (trước sắp xếp theo "
            "Nghị quyết số 1662/NQ-UBTVQH15)")
    assert text.count(note) == 1  # said once in the report, under the first comparison, not under each


def test_rates_across_the_merger_come_from_the_summed_counts(repo):
    dataset = Dataset.load(ProjectPaths(repo))
    previous = rollup.previous_year(dataset, "tan-khai", 2025)
    before = _values(2024)
    assert previous.values["ho_tich.truc_tuyen"] == sum(before[p]["ho_tich.truc_tuyen"] for p in PREDECESSORS)
    assert previous.values["ho_tich.tong"] == sum(before[p]["ho_tich.tong"] for p in PREDECESSORS)
    assert "hoa_giai.dang_giai_quyet" not in previous.values  # thị trấn Tân Khai did not report it: no partial sum
    assert "ho_tich.ty_le_dung_han" not in previous.values  # stated percentages are not added up
    assert [u.full_name for u in previous.predecessors] == ["thị trấn Tân Khai", "xã Tân Hiệp", "xã Đồng Nơ"]


def test_validation_compares_with_the_predecessors_sum(built_2025):
    # 49 petitions in 2025 against thị trấn Tân Khai's own 15 would be a change of more than three times.
    result = run_tuphap("validate", "--unit", "tan-khai", "--year", "2025", root=built_2025)
    assert result.returncode == 0 and "thay_doi_so_voi_nam_truoc" not in result.stdout + result.stderr, result.stdout


def test_the_2025_rollup_is_by_the_new_province_over_the_new_units(built_2025):
    manifest = json.loads((built_2025 / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["rollups"]) == {"2025/province/dong-nai", "2025/_6thang/province/dong-nai"}  # year, six months
    assert all(entry["communes"] == ["tan-khai"] for entry in manifest["rollups"].values())
    text = page_text(built_2025 / "outputs" / "2025" / "_rollup" / "province-dong-nai" / "report.html")
    assert "UBND TỈNH ĐỒNG NAI" in text and "xã Tân Khai" in text and "Hớn Quản" not in text
    # One commune is no comparison of the province with 2024, nor a ranking: a sentence says so instead.
    assert ("Không so sánh số liệu của địa bàn với năm 2024 vì có dưới 03 đơn vị có số liệu cả năm 2024 "
            "và năm 2025.") in text
    assert "Không xếp hạng các đơn vị theo tỷ lệ hòa giải thành vì có dưới 03 đơn vị có số liệu." in text
    dataset = Dataset.load(ProjectPaths(built_2025))
    report = RollupReport(dataset, "province", "Đồng Nai", 2025)
    units = formatting.count(len(report.area.units))  # every unit of the province on the roll-up's date
    assert f"Số liệu được tổng hợp từ báo cáo của 01/{units} đơn vị cấp xã trên địa bàn tỉnh Đồng Nai." in text
    # What it would compare with adds up xã Tân Khai's predecessors: 15 + 12 + 10 cases received.
    assert report.values_by_unit(2024)["tan-khai"]["hoa_giai.tiep_nhan"] == 37
    with pytest.raises(TuphapError, match="no district roll-up for 2025: districts were abolished in 2025"):
        rollup.find_area(dataset, "district", "hon-quan", 2025, on=date(2025, 12, 5))


def test_tan_khai_2024_is_unchanged_by_the_registry_knowing_the_new_xa(built_tan_khai, tmp_path):
    """Built from today's registry (the shared build), and from the registry as it was before it learned of
    the reform (one period per unit, no lineage, no predecessors, no 2025): the same text, title and author."""
    before = copy_project(tmp_path / "before")
    (before / "data" / "units.csv").write_text(
        "slug,code,kind,name,hamlet_kind,district,province,sample\n"
        "tan-khai,,thị trấn,Tân Khai,khu phố,Hớn Quản,Bình Phước,no\n"
        "an-phu-mau,,xã,An Phú (mẫu),ấp,Hớn Quản,Bình Phước,yes\n"
        "hoa-binh-mau,,phường,Hòa Bình (mẫu),khu phố,Hớn Quản,Bình Phước,yes\n", encoding="utf-8")
    (before / "data" / "lineage.csv").unlink()
    (before / "data" / "values" / "2025.csv").unlink()
    shutil.rmtree(before / "params" / "2025")
    values = before / "data" / "values" / "2024.csv"
    values.write_text("".join(line for line in values.read_text(encoding="utf-8").splitlines(keepends=True)
                              if not line.startswith(("tan-hiep,", "dong-no,"))), encoding="utf-8")
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--quiet", root=before)
    assert result.returncode == 0, result.stdout + result.stderr
    texts = [page_text(folder / "report.html") for folder in (built_tan_khai, before / "outputs" / "2024" / "tan-khai")]
    assert texts[0] == texts[1]
    assert "ỦY BAN NHÂN DÂN THỊ TRẤN TÂN KHAI" in texts[0] and "thị trấn Tân Khai" in texts[0]
