"""Roll-ups: totals are sums, rates come from totals, rankings order the communes; the district and
province reports are built by `tuphap build --year` with the official header, and rebuilt only when
their inputs change."""
from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from datetime import date
from statistics import mean

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import REPO, run_tuphap, writable_copy
from tuphap.compute import formatting, rollup
from tuphap.errors import DataError, TuphapError
from tuphap.inputs.dataset import Dataset, load_catalogue
from tuphap.inputs.official_registry import load_official_registry
from tuphap.inputs.rollup_rules import load_rollup_rules
from tuphap.project import ProjectPaths
from tuphap.runtime import batch, pipeline
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.targets import Options, RollupTarget


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(REPO / "data" / "indicators.csv")


@pytest.fixture(scope="module")
def rules(catalogue):
    return load_rollup_rules(REPO / "data" / "rollup.csv", catalogue)


# -- aggregation on crafted figures ---------------------------------------------------------
CRAFTED = {
    "a": {"hoa_giai.tiep_nhan": 10, "hoa_giai.thanh": 9, "ho_tich.tong": 100, "ho_tich.truc_tuyen": 100,
          "hoa_giai.hgv_it_nhat": 5, "hoa_giai.hgv_nhieu_nhat": 9, "tiep_can.diem": 80},
    "b": {"hoa_giai.tiep_nhan": 100, "hoa_giai.thanh": 10, "ho_tich.tong": 300, "ho_tich.truc_tuyen": 0,
          "hoa_giai.hgv_it_nhat": 3, "hoa_giai.hgv_nhieu_nhat": 12, "tiep_can.diem": 95.5},
    # c reports settled cases but not cases received: it adds to the count, not to the rate
    "c": {"hoa_giai.thanh": 4, "ho_tich.tong": 50},
}


def test_counts_are_summed_over_the_communes_that_report_them(catalogue, rules):
    totals = rollup.totals(catalogue, CRAFTED, rules)
    assert totals["hoa_giai.thanh"].value == 9 + 10 + 4
    assert totals["hoa_giai.thanh"].reporting == ("a", "b", "c")
    assert totals["ho_tich.tong"].value == 450
    assert totals["hoa_giai.tiep_nhan"].value == 110 and totals["hoa_giai.tiep_nhan"].reporting == ("a", "b")
    assert totals["ho_tich.khai_sinh"].value is None and totals["ho_tich.khai_sinh"].reporting == ()


def test_rates_are_recomputed_from_totals_not_averaged(catalogue, rules):
    totals = rollup.totals(catalogue, CRAFTED, rules)
    rate = totals["hoa_giai.ty_le_thanh"]
    assert rate.rule == "ratio" and rate.reporting == ("a", "b")  # c lacks the denominator
    assert (rate.numerator, rate.denominator) == (19, 110)
    assert rate.value == pytest.approx(100 * 19 / 110)  # 17,3%
    mean_of_rates = mean([100 * 9 / 10, 100 * 10 / 100])  # 50%: what averaging would wrongly give
    assert abs(rate.value - mean_of_rates) > 30
    online = totals["ho_tich.ty_le_truc_tuyen"]
    assert online.value == pytest.approx(25.0) and online.value != mean([100, 0])
    figures = rollup.area_figures(catalogue, totals)  # what the roll-up's prose prints
    assert figures.format("hoa_giai.ty_le_thanh") == "17,3%"
    assert figures.format("ho_tich.tong") == "450"


def test_counts_that_do_not_add_up_take_their_rule_and_other_numbers_a_range(catalogue, rules):
    totals = rollup.totals(catalogue, CRAFTED, rules)
    assert totals["hoa_giai.hgv_it_nhat"].value == 3  # the smallest team of the area, not 5 + 3
    assert totals["hoa_giai.hgv_nhieu_nhat"].value == 12
    score = totals["tiep_can.diem"]
    assert score.rule == "range" and score.value is None and (score.low, score.high) == (80, 95.5)
    assert rollup.rule(catalogue["pctn.tra_luong_qua_tai_khoan"], rules) == "range"


def test_rollup_rules_file_rejects_sums_of_non_counts_and_rules_for_rates(tmp_path, catalogue):
    bad = tmp_path / "rollup.csv"
    for row in ("tiep_can.diem,sum", "hoa_giai.ty_le_thanh,min", "ho_tich.tong,average", "khong.co,min"):
        bad.write_text(f"indicator,rule\n{row}\n", encoding="utf-8")
        with pytest.raises(DataError, match="row 2"):
            load_rollup_rules(bad, catalogue)


def test_ranking_orders_highest_first_shares_ties_and_puts_missing_last(catalogue):
    values = {"x": {"ho_tich.tong": 50}, "y": {"ho_tich.tong": 300}, "z": {"ho_tich.tong": 50},
              "w": {"ho_tich.tong": 10}, "v": {}}
    ranked = rollup.ranking(catalogue, "ho_tich.tong", values)
    assert [(r.rank, r.unit) for r in ranked] == [(1, "y"), (2, "x"), (2, "z"), (4, "w"), (None, "v")]
    rates = rollup.ranking(catalogue, "hoa_giai.ty_le_thanh", CRAFTED)  # each commune's own rate
    assert [(r.unit, round(r.value)) for r in rates[:2]] == [("a", 90), ("b", 10)]
    assert rates[2].rank is None and rates[2].unit == "c"


def test_year_comparison_uses_the_same_communes_in_both_years(catalogue, rules):
    before = {"a": {"ho_tich.tong": 80}, "b": {"ho_tich.tong": 20}, "c": {"ho_tich.tong": 5, "hoa_giai.thanh": 1}}
    now = {"a": {"ho_tich.tong": 100}, "b": {"ho_tich.tong": 30}, "c": {"ho_tich.tong": 7, "hoa_giai.thanh": 2},
           "d": {"ho_tich.tong": 300, "hoa_giai.thanh": 4}}  # d is new: not growth
    [pair] = rollup.year_pairs(catalogue, ["ho_tich.tong", "hoa_giai.thanh"], before, now, rules)
    assert (pair.before.value, pair.now.value) == (105, 137)
    assert pair.now.reporting == ("a", "b", "c")  # hoa_giai.thanh: one commune in both years is no comparison


def test_an_area_with_fewer_than_three_communes_in_both_years_is_not_compared(catalogue, rules):
    assert rollup.MIN_COMPARED == 3
    before = {"a": {"ho_tich.tong": 80}, "b": {"ho_tich.tong": 20}}
    now = {"a": {"ho_tich.tong": 100}, "b": {"ho_tich.tong": 30}, "c": {"ho_tich.tong": 7}}
    assert rollup.year_pairs(catalogue, ["ho_tich.tong"], before, now, rules) == []


def test_areas_come_from_the_registry_and_districts_end_in_2024():
    dataset = Dataset.load(ProjectPaths(REPO))
    area = rollup.find_area(dataset, "district", "hon-quan", 2024, on=date(2024, 11, 5))
    assert area.name == "Hớn Quản" and area.key == "district-hon-quan"
    official = load_official_registry()  # every unit of the district on 30/6/2025, and the two invented ones
    hon_quan = {u.code for u in official.old.values() if u.province == "Bình Phước" and u.district == "Hớn Quản"}
    assert {u.code for u in area.units} == hon_quan | {""} and len(area.units) == len(hon_quan) + 2
    assert {"tan-khai", "tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"} <= {u.slug for u in area.units}
    assert rollup.find_area(dataset, "province", "Bình Phước", 2025, on=date(2025, 6, 20)).slug == "binh-phuoc"
    new = rollup.find_area(dataset, "province", "Đồng Nai", 2025, on=date(2025, 12, 5))  # the units as they were then
    assert len(new.units) == 95 and ("tan-khai", "xã Tân Khai", "", "25357") in {
        (u.slug, u.full_name, u.district, u.code) for u in new.units}
    with pytest.raises(TuphapError, match="abolished"):
        rollup.find_area(dataset, "district", "hon-quan", 2025, on=date(2025, 6, 20))
    with pytest.raises(TuphapError, match="known: Bình Phước, Đồng Nai"):  # the old provinces of the new Đồng Nai
        rollup.find_area(dataset, "province", "ha-noi", 2024, on=date(2024, 11, 5))
    with pytest.raises(TuphapError, match="known: Đồng Nai"):
        rollup.find_area(dataset, "province", "binh-phuoc", 2025, on=date(2025, 12, 5))
    assert rollup.slugify("Đồng Xoài") == "dong-xoai"


ROLLUP_NOTEBOOKS = {**{path: {"level": "province", "area": "Bình Phước", "year": 2024, "kind": ""}
                       for path in sorted((REPO / "notebooks" / "rollup").glob("*.ipynb"))},
                    REPO / "notebooks" / "6thang" / "rollup" / "01-ky-so-lieu.ipynb":
                        {"level": "province", "area": "Đồng Nai", "year": 2025, "kind": "6thang"}}


@pytest.mark.parametrize("path", ROLLUP_NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_rollup_notebooks_are_clean_and_thin_with_runnable_defaults(path):
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    defaults = {}
    exec(code[0].source, {}, defaults)
    assert "parameters" in code[0].metadata.tags and defaults == ROLLUP_NOTEBOOKS[path]
    assert code[1].source == "import tuphap\n\nreport = tuphap.open_rollup(level, area, year, kind=kind)"
    for cell in code[2:]:
        assert cell.source.startswith("report.") and "\n" not in cell.source  # one call per cell


def test_a_misnamed_rollup_is_reported_as_failed_and_recorded(project):
    params = project / "params" / "2024" / "rollup"
    shutil.copy(params / "district-hon-quan.yaml", params / "region-hon-quan.yaml")
    paths = ProjectPaths(project)
    targets = batch.rollup_targets(paths, [2024])
    assert {target.key for target in targets} == {"district-hon-quan", "province-binh-phuoc", "region-hon-quan"}
    [failed] = batch.run(paths, [target for target in targets if target.level == "region"], Options())
    assert failed.status == "failed" and "<level>-<area>.yaml" in failed.error
    assert Ledger.load(paths).rollups["2024/region/hon-quan"]["status"] == "failed"


# -- the built roll-ups ---------------------------------------------------------------------
def commune_values(root, year=2024) -> dict[str, dict[str, float]]:
    """The communes' figures read straight from the values file, independently of the package
    (texts left out: they are no figures)."""
    values = defaultdict(dict)
    with open(root / "data" / "values" / f"{year}.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["value"] and row["indicator"] != "tiep_can.quyet_dinh":
                values[row["unit"]][row["indicator"]] = float(row["value"])
    return values


@pytest.fixture(scope="module")
def province(built_2024):
    return built_2024 / "outputs" / "2024" / "_rollup" / "province-binh-phuoc"


@pytest.fixture(scope="module")
def province_html(province):
    return BeautifulSoup((province / "report.html").read_text(encoding="utf-8"), "html.parser")


def _table_rows(soup, caption_word: str) -> list[list[str]]:
    caption = next(p for p in soup.select("p.table-caption") if caption_word in p.get_text())
    table = caption.find_next_sibling("table")
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]


def test_province_and_district_reports_are_built_with_sections(built_2024):
    for key in ("province-binh-phuoc", "district-hon-quan"):
        folder = built_2024 / "outputs" / "2024" / "_rollup" / key
        for name in ("report.html", "report.pdf", "report.docx"):
            assert (folder / name).stat().st_size > 1000, (key, name)
        sections = sorted((folder / "sections").glob("*.ipynb"))
        assert [s.stem[:2] for s in sections] == ["00", "01", "02", "03", "04"]
        injected = nbformat.read(sections[0], as_version=4).cells[2]
        assert "injected-parameters" in injected.metadata.tags
        assert f'level = "{key.split("-")[0]}"' in injected.source and "year = 2024" in injected.source


def _units_of(root, province: str) -> int:
    """How many units the project's registry places in a (pre-2025) province."""
    return sum(row["province"] == province for row in csv.DictReader((root / "data" / "units.csv").open(encoding="utf-8")))


def test_rollup_totals_equal_the_sums_of_the_communes_figures(built_2024, province_html):
    values = commune_values(built_2024)
    rows = {row[0]: row for row in _table_rows(province_html, "Hộ tịch")}
    for indicator, label in (("ho_tich.tong", "Hồ sơ đăng ký hộ tịch"), ("ho_tich.khai_sinh", "Đăng ký khai sinh"),
                             ("chung_thuc.chu_ky", "Chứng thực chữ ký")):
        expected = sum(v[indicator] for v in values.values() if indicator in v)
        assert rows[label][2] == formatting.count(expected, pad=False), label
        assert rows[label][4] == f"5/{_units_of(built_2024, 'Bình Phước')}"  # against every unit of the province
    mediation = {row[0]: row for row in _table_rows(province_html, "Hòa giải")}
    received = sum(v["hoa_giai.tiep_nhan"] for v in values.values())
    settled = sum(v["hoa_giai.thanh"] for v in values.values())
    rate_cell = mediation["Tỷ lệ hòa giải thành trên số vụ việc tiếp nhận"][2]
    assert rate_cell.startswith(formatting.percent(100 * settled / received))
    mean_of_rates = mean(v["hoa_giai.thanh"] / v["hoa_giai.tiep_nhan"] * 100 for v in values.values())
    assert formatting.percent(mean_of_rates) not in rate_cell
    text = province_html.get_text(" ")
    assert f"đạt tỷ lệ {formatting.percent(100 * settled / received)}" in re.sub(r"\s+", " ", text)


def test_ranking_table_orders_the_communes(built_2024, province_html):
    values = commune_values(built_2024)
    rows = _table_rows(province_html, "Hồ sơ đăng ký hộ tịch")
    expected = sorted(values, key=lambda unit: -values[unit]["ho_tich.tong"])
    names = {"tan-khai": "Thị trấn Tân Khai", "an-phu-mau": "Xã An Phú (mẫu)", "hoa-binh-mau": "Phường Hòa Bình (mẫu)",
             "tan-hiep": "Xã Tân Hiệp", "dong-no": "Xã Đồng Nơ"}
    assert [row[1] for row in rows] == [names[u] for u in expected]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]


def test_rollup_has_the_official_header_and_is_marked_as_sample(province, province_html):
    header = province_html.select_one("table.doc-header").get_text(" ", strip=True)
    for words in ("UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP", "/BC-STP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "Bình Phước, ngày 15 tháng 11 năm 2024"):
        assert words in header
    banner = province_html.select_one("p.sample-banner").get_text()
    assert "số liệu của xã Tân Hiệp, xã Đồng Nơ, xã An Phú (mẫu)" in banner and "Tân Khai" not in banner  # mid-sentence
    first_page = re.sub(r"\s+", " ", PdfReader(province / "report.pdf").pages[0].extract_text())
    for words in ("UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO"):
        assert words in first_page
    assert len(province_html.select("figure.chart img")) == 3  # two commune charts, one year comparison
    assert province_html.select_one("table.signature") is not None


def test_manifest_records_rollups_beside_reports(built_2024):
    manifest = json.loads((built_2024 / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["reports"]) == {"2024/tan-khai", "2024/an-phu-mau", "2024/hoa-binh-mau"}
    entry = manifest["rollups"]["2024/province/binh-phuoc"]
    assert (entry["level"], entry["slug"], entry["name"], entry["year"]) == ("province", "binh-phuoc", "Bình Phước", 2024)
    assert entry["status"] == "built" and entry["error"] is None and entry["duration"] > 0
    assert entry["includes_sample"] is True and set(entry["communes"]) == {"tan-khai", "tan-hiep", "dong-no", "an-phu-mau",
                                                                           "hoa-binh-mau"}
    assert manifest["rollups"]["2024/district/hon-quan"]["status"] == "built"


def test_rollups_are_rebuilt_only_when_their_inputs_change(built_2024, tmp_path):
    root = writable_copy(built_2024, tmp_path / "project")
    paths = ProjectPaths(root)
    ledger = Ledger.load(paths)
    target = RollupTarget("district", "hon-quan", 2024)
    assert pipeline.plan(paths, target, previous=ledger.entry(target)).status == "reused"
    values_file = root / "data" / "values" / "2024.csv"
    values_file.write_text(values_file.read_text(encoding="utf-8").replace(
        "an-phu-mau,2024,ho_tich.tong,", "an-phu-mau,2024,ho_tich.tong,1"), encoding="utf-8")
    changed = pipeline.plan(paths, target, previous=ledger.entry(target))
    assert changed.status == "planned" and all(s.status == "not run" for s in changed.sections.values())


def test_unit_builds_leave_rollups_alone(built_tan_khai):
    assert not (built_tan_khai.parent / "_rollup").exists()


def test_a_second_build_reuses_the_rollups(built_2024, tmp_path):
    result = run_tuphap("build", "--year", "2024", "--jobs", "1", root=writable_copy(built_2024, tmp_path / "project"))
    assert result.returncode == 0, result.stderr
    assert "Roll-ups: 0 built, 2 unchanged, 0 failed of 2" in result.stdout


def test_a_failing_rollup_fails_the_build_like_a_failing_report(project):
    for unit in ("an-phu-mau", "hoa-binh-mau"):  # one commune report is enough here
        (project / "params" / "2023" / f"{unit}.yaml").unlink()
    rollups = project / "params" / "2023" / "rollup"
    (rollups / "district-hon-quan.yaml").unlink()
    province = rollups / "province-binh-phuoc.yaml"
    province.write_text(province.read_text(encoding="utf-8") + "signer_phone: 0123\n", encoding="utf-8")

    result = run_tuphap("build", "--year", "2023", "--jobs", "1", root=project)

    assert result.returncode == 1
    assert "roll-up province Bình Phước, year 2023:" in result.stderr and "signer_phone" in result.stderr
    assert "Roll-ups: 0 built, 0 unchanged, 1 failed of 1" in result.stdout
    assert "1 report(s) failed" in result.stderr and "Traceback" not in result.stderr
    assert (project / "outputs" / "2023" / "tan-khai" / "report.docx").is_file()
