"""Periods and estimates: values carry the period they cover and whether they are estimated; kinds are
read from data/report_kinds.yaml; validation holds a six-month figure against the year's and finds
estimates in a report whose actual figures cover its whole period."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_tuphap
from tuphap.check.reports import report_findings
from tuphap.errors import DataError, TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.project import ProjectPaths

SIX_MONTHS = "data/values/2025-6thang.csv"


def _append(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_values_of_each_period_are_kept_apart_and_old_files_load_unchanged(repo):
    dataset = Dataset.load(ProjectPaths(repo))
    assert dataset.values_for("tan-khai", 2024)["ho_tich.tong"] == 1733  # 2024.csv has no period column: the year
    assert dataset.values_for("tan-khai", 2025, "6thang")["ho_tich.khai_sinh"] == 268
    assert dataset.values_for("tan-khai", 2025)["ho_tich.khai_sinh"] == 598  # the year's own figure (2025.csv)
    assert dataset.estimates_for("tan-khai", 2025, "6thang") == {"ho_tich.khai_sinh", "ho_tich.xac_nhan_hon_nhan",
                                                                "chung_thuc.sao_y"}
    assert dataset.estimates_for("tan-khai", 2024) == frozenset()


@pytest.mark.parametrize("row, field, message, period", [
    ("tan-khai,2025,6thang,tcd.ngay_tiep,3,maybe,", "estimate", "estimate must be yes or no (có or không)", "6thang"),
    ("tan-khai,2025,quy1,tcd.ngay_tiep,3,,", "period", "unknown period 'quy1': data/report_kinds.yaml gives 6thang, nam",
     None),  # every period of the year's: which one it meant cannot be told
    ("tan-khai,2025,6thang,pbgdpl.so_buoi,60,,", None, "duplicate of 2025-6thang.csv row 4 for tan-khai, 2025, 6thang, "
                                                       "pbgdpl.so_buoi", "6thang"),
])
def test_a_bad_period_or_estimate_is_refused_naming_file_row_and_field(project, row, field, message, period):
    path = _append(project, SIX_MONTHS, row + "\n")
    dataset = Dataset.load(ProjectPaths(project))
    [bad] = dataset.bad_rows
    rows = len(path.read_text(encoding="utf-8").splitlines())
    assert (bad.error.file, bad.error.row, bad.error.field) == (str(path), rows, field)
    assert message in bad.error.message and (bad.unit, bad.year, bad.period) == ("tan-khai", 2025, period)
    assert bool(dataset.errors_for("tan-khai", 2025, "nam")) == (period is None)  # the year report's figures are whole


def test_a_six_month_count_above_the_years_is_an_error_naming_both_rows(project):
    # 2024 year report: 125 sessions (2024.csv); a six-month figure of 130 cannot be.
    (project / "data" / "values" / "2024-6thang.csv").write_text(
        "unit,year,period,indicator,value\ntan-khai,2024,6thang,pbgdpl.so_buoi,130\ntan-khai,2024,6thang,hoa_giai.so_to,9\n",
        encoding="utf-8")
    dataset = Dataset.load(ProjectPaths(project))
    [finding] = [f for f in report_findings(dataset, "tan-khai", 2024, kind="6thang") if f.rule == "trong_ky_khong_vuot_nam"]
    assert (finding.severity, finding.indicator, finding.found, finding.expected) == ("error", "pbgdpl.so_buoi", "130", "≤ 125")
    assert finding.file == "data/values/2024-6thang.csv" and finding.row == 2
    assert "(2024-6thang.csv row 2), lớn hơn số của cả năm 125 (2024.csv row 4)" in finding.message_vi
    # hoa_giai.so_to (mediation groups) is counted on a day, not added up: 9 against 7 is no error.
    assert not [f for f in report_findings(dataset, "tan-khai", 2024) if f.rule == "trong_ky_khong_vuot_nam"]
    result = run_tuphap("validate", "--kind", "6thang", root=project)
    assert result.returncode == 1
    assert "rule trong_ky_khong_vuot_nam | expected ≤ 125, found 130" in result.stdout


def test_an_estimate_in_a_report_whose_actual_figures_cover_its_period_is_a_finding(project):
    dataset = Dataset.load(ProjectPaths(project))
    assert not [f for f in report_findings(dataset, "tan-khai", 2025, kind="6thang") if f.rule == "uoc_tinh_khi_du_so_thuc_te"]
    _append(project, "params/2025/_6thang/tan-khai.yaml", "data_period:\n  start: 2025-01-01\n  end: 2025-06-30\n")
    found = [f for f in report_findings(dataset, "tan-khai", 2025, kind="6thang") if f.rule == "uoc_tinh_khi_du_so_thuc_te"]
    assert sorted(f.indicator for f in found) == ["chung_thuc.sao_y", "ho_tich.khai_sinh", "ho_tich.xac_nhan_hon_nhan"]
    assert {f.severity for f in found} == {"warning"}


@pytest.mark.parametrize("edit, field, message", [
    (lambda text: text.replace("  default: true\n", ""), None, "exactly one kind must say 'default: true'"),
    (lambda text: text.replace("6thang:", "rollup:"), "rollup", "a kind's slug names folders"),
    (lambda text: text.replace('end: "06-30"', 'end: "06-31"'), "6thang.period.end", "expected a day of the year as MM-DD"),
    (lambda text: text.replace('actual_to: "05-31"', 'actual_to: "07-31"'), "6thang.period",
     "the period must run start ≤ actual_to ≤ end"),
])
def test_a_bad_report_kinds_file_is_refused_naming_the_key(repo, tmp_path, edit, field, message):
    path = tmp_path / "report_kinds.yaml"
    path.write_text(edit((repo / "data" / "report_kinds.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_report_kinds(path)
    assert error.value.field == field and message in error.value.message


def test_an_unknown_kind_names_the_nearest(repo):
    kinds = load_report_kinds(repo / "data" / "report_kinds.yaml")
    assert (kinds.default, kinds.folder("nam"), kinds.folder("6thang")) == ("nam", "", "6thang")
    with pytest.raises(TuphapError, match="unknown report kind '6-thang'.*did you mean '6thang'"):
        kinds["6-thang"]


def test_a_six_month_report_compares_with_last_years_first_six_months(project):
    from tuphap.render.commune import CommuneReport

    (project / "data" / "values" / "2024-6thang.csv").write_text(
        "unit,year,period,indicator,value\ntan-khai,2024,6thang,pbgdpl.so_buoi,61\n"
        "tan-hiep,2024,6thang,pbgdpl.so_buoi,40\ndong-no,2024,6thang,pbgdpl.so_buoi,30\n", encoding="utf-8")
    report = CommuneReport(Dataset.load(ProjectPaths(project)), "tan-khai", 2025, "6thang")
    html = report.year_comparison(["pbgdpl.so_buoi"], "So với cùng kỳ:").html
    # Dated 04/7/2025, after the merger: xã Tân Khai's half-year against its three predecessors' (61 + 40 + 30),
    # not thị trấn Tân Khai's alone nor the year's 125.
    assert "Buổi tuyên truyền pháp luật: 121 buổi (6 tháng đầu năm 2024: 131 buổi)." in html
    assert "Số liệu 6 tháng đầu năm 2024 là tổng số liệu của thị trấn Tân Khai, xã Tân Hiệp và xã Đồng Nơ" in html
    # The same report written before the merger was thị trấn Tân Khai's, compared with its own first half.
    params = project / "params" / "2025" / "_6thang" / "tan-khai.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("date: 2025-07-04", "date: 2025-06-05"),
                      encoding="utf-8")
    report = CommuneReport(Dataset.load(ProjectPaths(project)), "tan-khai", 2025, "6thang")
    html = report.year_comparison(["pbgdpl.so_buoi"], "So với cùng kỳ:").html
    assert report.unit.full_name == "thị trấn Tân Khai"
    assert "121 buổi (6 tháng đầu năm 2024: 61 buổi)." in html and "tổng số liệu" not in html


FIRST_FORMAT = """\
commune:
  title: "Báo cáo tổng kết công tác Tư pháp năm {year} — {unit_full}"
  author: "UBND {unit_full}"
rollup:
  title: "Báo cáo tổng hợp công tác Tư pháp cấp xã năm {year} — {area_full}"
  author: "{issuer_unit} {area_full}"
"""


def test_a_report_kinds_file_of_the_first_format_reads_as_the_year_report(tmp_path):
    """Projects made before kinds had periods ('commune' and 'rollup' entries) keep building."""
    path = tmp_path / "report_kinds.yaml"
    path.write_text(FIRST_FORMAT, encoding="utf-8")
    kinds = load_report_kinds(path)
    assert list(kinds) == ["nam"] and kinds.default == "nam"
    assert kinds["nam"].title == "Báo cáo tổng kết công tác Tư pháp năm {year} — {unit_full}"
    assert kinds["nam"].rollup.author == "{issuer_unit} {area_full}"
    assert (kinds["nam"].period.code, kinds["nam"].period.actual_to) == ("nam", "10-31")
