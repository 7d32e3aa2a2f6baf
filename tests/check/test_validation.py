"""Validation: each rule of data/rules.csv fires on crafted data and stays silent on good data; the
narrative checks; `tuphap validate`; `tuphap build` blocked by errors (and warnings under --strict);
the data-quality note in the built report."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import REPO, run_tuphap
from tuphap.check.expressions import Expression
from tuphap.check.findings import Finding, describe
from tuphap.check.narrative import typed_figures
from tuphap.check.reports import report_findings, validate_project
from tuphap.check.rules import load_rules
from tuphap.compute.figures import Figures
from tuphap.errors import DataError
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.runtime import fingerprint

FINDING_KEYS = ["severity", "rule", "unit", "year", "indicator", "file", "row", "expected", "found",
                "message", "message_vi", "kind"]


def findings(root: Path, unit: str, year: int, rule: str | None = None):
    found = report_findings(Dataset.load(ProjectPaths(root)), unit, year)
    return [f for f in found if rule is None or f.rule == rule]


def set_value(root: Path, unit: str, year: int, indicator: str, value: str | None) -> None:
    """Change (or with None remove) one figure in data/values/<year>.csv of a project copy."""
    path = root / "data" / "values" / f"{year}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = f"{unit},{year},{indicator},"
    matching = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    if value is None:
        del lines[matching[0]]
    elif matching:
        lines[matching[0]] = prefix + value + ","
    else:
        lines.append(prefix + value + ",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- the sample data ----------------------------------------------------------------------------
def test_tan_khai_2024_civil_status_breakdown_mismatch_is_a_warning_with_both_numbers():
    [finding] = findings(REPO, "tan-khai", 2024, "tong_thanh_phan")
    assert (finding.severity, finding.indicator, finding.expected, finding.found) == ("warning", "ho_tich.tong", "1.733", "1.732")
    assert (finding.file, finding.row) == ("data/values/2024.csv", 18)
    assert "1.732" in finding.message_vi and "1.733" in finding.message_vi
    assert "Hồ sơ đăng ký hộ tịch" in finding.message_vi
    assert list(finding.as_dict()) == FINDING_KEYS


def test_reference_oddities_are_warned_about():
    by_rule = {f.rule: f for f in findings(REPO, "tan-khai", 2024)}
    on_time = by_rule["dung_han_va_tre_han"]  # "100% on time" beside 7 late files
    assert (on_time.found, on_time.expected) == ("100%", "≤ 99,6%")
    eligible = by_rule["don_du_dieu_kien"]  # "16 đơn đủ điều kiện" of 15 received
    assert (eligible.found, eligible.expected) == ("16", "≤ 15")
    # 240 visits by officers and 48 by leaders are 288 visits, against 30 in 2023 (whose report put
    # "288" beside the word "ngày", days): the comparison is like for like, and flagged.
    visits = by_rule["thay_doi_so_voi_nam_truoc"]
    assert (visits.indicator, visits.found) == ("tcd.luot_tiep", "288") and "30 năm 2023" in visits.message_vi
    assert set(by_rule) == {"tong_thanh_phan", "dung_han_va_tre_han", "don_du_dieu_kien", "thay_doi_so_voi_nam_truoc"}
    assert all(f.severity == "warning" for f in by_rule.values())


@pytest.mark.parametrize("unit", ["an-phu-mau", "hoa-binh-mau"])
def test_consistent_sample_units_pass_the_data_rules(unit):
    # A share stated as 99,8% matches 99,78% computed from counts: figures are compared as printed.
    assert not [f for f in findings(REPO, unit, 2023) + findings(REPO, unit, 2024) if f.rule != "thay_doi_so_voi_nam_truoc"]


def test_sample_narratives_have_no_typed_figures_or_unknown_placeholders():
    dataset = Dataset.load(ProjectPaths(REPO))
    for narrative in (REPO / "data" / "narrative").glob("*/*.md"):
        found = report_findings(dataset, narrative.stem, int(narrative.parent.name))
        assert not [f for f in found if f.file.endswith(".md")], narrative


# -- each rule kind on crafted data ----------------------------------------------------------------
def test_parts_sum_fires_when_parts_and_total_disagree(project):
    assert not findings(project, "an-phu-mau", 2024, "tong_thanh_phan")
    set_value(project, "an-phu-mau", 2024, "hoa_giai.thanh", "15")
    [finding] = findings(project, "an-phu-mau", 2024, "tong_thanh_phan")
    assert (finding.indicator, finding.expected, finding.found) == ("hoa_giai.tiep_nhan", "18", "19")


def test_subset_above_its_total_is_an_error(project):
    assert not findings(project, "tan-khai", 2024, "trong_do_khong_vuot_tong")
    set_value(project, "tan-khai", 2024, "ho_tich.truc_tuyen", "1800")  # online files above all files
    set_value(project, "tan-khai", 2024, "tcd.don_dat_dai_da_giai_quyet", "7")  # settled above received (6)
    found = {f.indicator: f for f in findings(project, "tan-khai", 2024, "trong_do_khong_vuot_tong")}
    assert set(found) == {"ho_tich.truc_tuyen", "tcd.don_dat_dai_da_giai_quyet"}
    assert (found["ho_tich.truc_tuyen"].found, found["ho_tich.truc_tuyen"].expected) == ("1.800", "≤ 1.733")
    assert all(f.severity == "error" for f in found.values())


def test_negative_count_is_an_error_and_a_fractional_count_cannot_load(project):
    set_value(project, "tan-khai", 2024, "pbgdpl.so_buoi", "-3")
    [finding] = findings(project, "tan-khai", 2024, "so_dem_nguyen_khong_am")
    assert (finding.severity, finding.indicator, finding.found, finding.row) == ("error", "pbgdpl.so_buoi", "-3", 4)
    set_value(project, "tan-khai", 2024, "pbgdpl.so_buoi", "3.5")
    [bad] = Dataset.load(ProjectPaths(project)).bad_rows  # left out, and its report with it
    assert "whole number" in bad.error.message and (bad.unit, bad.year) == ("tan-khai", 2024)


def test_shares_outside_0_100_are_errors_for_stated_and_computed_shares(project):
    set_value(project, "tan-khai", 2024, "ho_tich.ty_le_dung_han", "120")
    set_value(project, "tan-khai", 2024, "hoa_giai.tiep_nhan", "8")  # 10 settled of 8 received: 125%
    found = {f.indicator: f for f in findings(project, "tan-khai", 2024, "ty_le_0_100")}
    assert found["ho_tich.ty_le_dung_han"].found == "120%"
    assert found["hoa_giai.ty_le_thanh"].found == "125%"
    assert found["hoa_giai.ty_le_thanh"].row == 13  # a rate points at its numerator's row


def test_required_indicators_missing_are_reported(project):
    assert not findings(project, "an-phu-mau", 2024, "bat_buoc_ho_tich")
    set_value(project, "an-phu-mau", 2024, "ho_tich.khai_sinh", None)
    [finding] = findings(project, "an-phu-mau", 2024, "bat_buoc_ho_tich")
    assert finding.indicator == "ho_tich.khai_sinh" and "II.5" in finding.message_vi


def test_a_total_not_entered_is_the_sum_of_its_parts_when_every_part_is(project):
    set_value(project, "an-phu-mau", 2024, "ho_tich.tong", None)  # its eight parts are all entered
    assert not findings(project, "an-phu-mau", 2024, "bat_buoc_ho_tich")
    dataset = Dataset.load(ProjectPaths(project))
    figures = Figures(dataset.catalogue, dataset.values_for("an-phu-mau", 2024))
    assert figures.value("ho_tich.tong") == 901
    set_value(project, "an-phu-mau", 2024, "ho_tich.giam_ho", None)  # a part missing: the total is unknown
    [finding] = findings(project, "an-phu-mau", 2024, "bat_buoc_ho_tich")
    assert finding.indicator == "ho_tich.tong"


def test_year_over_year_change_beyond_the_factor_is_flagged(project):
    assert not findings(project, "an-phu-mau", 2024, "thay_doi_so_voi_nam_truoc")
    set_value(project, "an-phu-mau", 2024, "pbgdpl.so_buoi", "300")  # 84 in 2023
    [finding] = findings(project, "an-phu-mau", 2024, "thay_doi_so_voi_nam_truoc")
    assert (finding.found, finding.expected) == ("300", "28 – 252")
    assert "84 năm 2023" in finding.message_vi
    set_value(project, "an-phu-mau", 2024, "tcd.don_ky_truoc", "4")  # 1 -> 4: above the factor, below the minimum
    assert [f.indicator for f in findings(project, "an-phu-mau", 2024, "thay_doi_so_voi_nam_truoc")] == ["pbgdpl.so_buoi"]


def test_extra_rules_declared_in_rules_csv_apply(project):
    rules = project / "data" / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8")
                     + 'sach_moi_tu,compare,tu_sach.dau_sach,>=,100 * tu_sach.cap_xa,error,,"“{label}” ít hơn {expected}"\n',
                     encoding="utf-8")
    set_value(project, "tan-khai", 2024, "tu_sach.dau_sach", "50")
    [finding] = findings(project, "tan-khai", 2024, "sach_moi_tu")
    assert (finding.severity, finding.found, finding.expected) == ("error", "50", "≥ 100")


@pytest.mark.parametrize("row, message", [
    ("x,nonsense,*,,,error,,m", "check 'nonsense'"),
    ("x,parts_sum,*,,,fatal,,m", "severity 'fatal'"),
    ("x,compare,ho_tich.tong,~,1,error,,m", "operator '~'"),
    ("x,compare,__import__('os'),<,1,error,,m", "may only use"),
    ("x,compare,ho_tich.khong_co,<,1,error,,m", "'ho_tich.khong_co' names no indicator"),
    ("x,year_change,*,,,warning,1,m", "needs a number above 1"),
    ("x,required,*,,,error,,m", "list the required indicators"),
])
def test_bad_rules_are_rejected_naming_row_and_field(tmp_path, row, message):
    path = tmp_path / "rules.csv"
    path.write_text("id,check,left,operator,right,severity,factor,message_vi\n" + row + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)) as error:
        load_rules(path, Dataset.load(ProjectPaths(REPO)).catalogue)
    assert error.value.row == 2


def test_expressions_are_arithmetic_only():
    assert Expression.parse("100 * (ho_tich.tong - ho_tich.tre_han) / ho_tich.tong").ids == ("ho_tich.tong", "ho_tich.tre_han")
    for text in ("open('x')", "(1).real", "[1]", "ho_tich.tong if 1 else 2", "'a'"):
        with pytest.raises(ValueError):
            Expression.parse(text)


# -- narrative checks ----------------------------------------------------------------------------
@pytest.mark.parametrize("line, figures", [
    ("Tiếp nhận 15 vụ việc, hòa giải thành đạt 66,7%; 1.733 hồ sơ.", ["15", "66,7%", "1.733"]),
    ("Thông tư số 01/2020/TT-BTP ngày 24 tháng 8 năm 2007 và Nghị định 30/2020/NĐ-CP.", []),
    ("Luật Hộ tịch năm 2014; định kỳ 6 tháng; Điều 5; Đề án 06; Covid-19; ngày 12/12/2023.", []),
    ("Cách mạng công nghiệp 4.0, mục 1.2.3, phiên bản 2,5.1", []),
    ("1.1. Kết quả: 07 tổ hòa giải", ["07"]),
    ("2) Nhiệm vụ năm {next_year}: {ho_tich.tong} hồ sơ[^1]", []),
])
def test_typed_figures_ignore_years_dates_document_numbers_and_numbering(line, figures):
    assert typed_figures(line) == figures


def test_narrative_typed_figure_is_a_warning_and_unknown_placeholder_an_error(project):
    narrative = project / "data" / "narrative" / "2024" / "tan-khai.md"
    text = narrative.read_text(encoding="utf-8")
    text += "Trong năm có 1.733 hồ sơ hộ tịch và {ho_tich.khong_co} hồ sơ khác, 4.321 lượt.\n"
    narrative.write_text(text, encoding="utf-8")
    line = text.count("\n")
    found = [f for f in findings(project, "tan-khai", 2024) if f.file.endswith(".md")]
    typed = {f.found: f for f in found if f.rule == "so_go_tay"}
    assert set(typed) == {"1.733", "4.321"}
    assert typed["1.733"].severity == "warning" and typed["1.733"].row == line
    assert typed["1.733"].file == "data/narrative/2024/tan-khai.md"
    assert typed["1.733"].indicator == "ho_tich.tong, ho_tich.truc_tuyen"  # both have this value
    assert "{ho_tich.tong}" in typed["1.733"].expected
    assert typed["4.321"].indicator == ""
    [unknown] = [f for f in found if f.rule == "cho_trong_khong_ro"]
    assert (unknown.severity, unknown.row, unknown.found) == ("error", line, "{ho_tich.khong_co}")


# -- tuphap validate -----------------------------------------------------------------------------
def test_validate_cli_reports_the_mismatch_and_exits_0_on_warnings():
    result = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", root=REPO)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "tong_thanh_phan" in line]
    for part in ("warning", "data/values/2024.csv, row 18", "tan-khai 2024", "ho_tich.tong",
                 "expected 1.733, found 1.732"):
        assert part in line
    assert "0 error(s), 4 warning(s) in 1 report(s)" in result.stdout
    strict = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", "--strict", root=REPO)
    assert strict.returncode == 1


def test_validate_cli_exit_codes_for_errors_unreadable_files_and_mistakes(project):
    set_value(project, "hoa-binh-mau", 2024, "hoa_giai.so_to", "-1")
    result = run_tuphap("validate", "--year", "2024", root=project)
    assert result.returncode == 1
    assert "error: data/values/2024.csv" in result.stdout and "hoa-binh-mau 2024 | hoa_giai.so_to" in result.stdout
    set_value(project, "hoa-binh-mau", 2024, "hoa_giai.so_to", "mười")
    unreadable = run_tuphap("validate", root=project)
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stdout + unreadable.stderr
    assert re.search(r"error: data/values/2024\.csv, row \d+ \| hoa-binh-mau 2024 \| rule load \| hoa_giai\.so_to: 'mười' "
                     r"is not a number", unreadable.stdout)
    unknown = run_tuphap("validate", "--unit", "khong-co", root=REPO)
    assert unknown.returncode == 2 and "unknown unit 'khong-co'" in unknown.stderr


def test_validate_lists_every_unreadable_row_of_every_values_file(project):
    set_value(project, "hoa-binh-mau", 2024, "hoa_giai.so_to", "mười")
    set_value(project, "an-phu-mau", 2023, "hoa_giai.so_to", "x1")
    result = run_tuphap("validate", root=project)
    assert result.returncode == 1
    # An Phú's 2023 row stops its 2023 report and its 2024 report, which compares with it: each says so.
    for report in ("an-phu-mau 2023", "an-phu-mau 2024"):
        assert re.search(rf"error: data/values/2023\.csv, row \d+ \| {report} \| rule load \| hoa_giai\.so_to: 'x1'",
                         result.stdout), report
    assert re.search(r"error: data/values/2024\.csv, row \d+ \| hoa-binh-mau 2024 \| rule load \| hoa_giai\.so_to: 'mười'",
                     result.stdout)
    assert result.stdout.splitlines()[-1].startswith("3 error(s), ")  # the other reports are checked as ever


def test_validate_everything_counts_each_report_with_figures_or_params():
    findings_, reports = validate_project(ProjectPaths(REPO))
    assert reports == 10  # 2023: three; 2024: five (xã Tân Hiệp and xã Đồng Nơ have figures); 2025: xã Tân Khai, year and six-month reports
    assert not [f for f in findings_ if f.severity == "error"]


# -- tuphap build --------------------------------------------------------------------------------
def _last_good_report(project: Path) -> dict[Path, bytes]:
    report_dir = project / "outputs" / "2024" / "tan-khai"
    report_dir.mkdir(parents=True)
    files = {report_dir / "report.html": b"<p>last good</p>", report_dir / "report.pdf": b"%PDF last good"}
    for path, body in files.items():
        path.write_bytes(body)
    return files


def test_build_is_blocked_by_an_error_and_keeps_the_last_good_report(project):
    files = _last_good_report(project)
    set_value(project, "tan-khai", 2024, "ho_tich.truc_tuyen", "1800")
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 1
    assert "data validation found 2 error(s)" in result.stderr  # and the online share above 100%
    assert "ho_tich.truc_tuyen | rule trong_do_khong_vuot_tong | expected ≤ 1.733, found 1.800" in result.stderr
    assert all(path.read_bytes() == body for path, body in files.items())
    assert not (project / "outputs" / "2024" / "tan-khai" / "sections").exists()  # no kernel ran
    entry = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    assert entry["status"] == "failed"
    assert [list(f) for f in entry["findings"]] == [FINDING_KEYS] * len(entry["findings"])
    assert "trong_do_khong_vuot_tong" in {f["rule"] for f in entry["findings"]}


def test_build_strict_is_blocked_by_warnings(project):
    files = _last_good_report(project)
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--strict", root=project)
    assert result.returncode == 1
    assert "4 error(s) or unacknowledged warning(s)" in result.stderr and "expected 1.733, found 1.732" in result.stderr
    assert all(path.read_bytes() == body for path, body in files.items())


def test_build_names_file_and_line_of_an_unknown_placeholder(project):
    narrative = project / "data" / "narrative" / "2024" / "tan-khai.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "Có {ho_tich.khong_co} hồ sơ.\n", encoding="utf-8")
    line = narrative.read_text(encoding="utf-8").count("\n")
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 1
    assert f"data/narrative/2024/tan-khai.md, line {line}" in result.stderr and "{ho_tich.khong_co}" in result.stderr


def test_changing_a_rule_changes_the_report_fingerprint(project):
    paths = ProjectPaths(project)
    before = fingerprint.report_inputs(paths, Dataset.load(paths), "tan-khai", 2024)
    rules = project / "data" / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace(",warning,3,", ",warning,4,"), encoding="utf-8")
    assert fingerprint.report_inputs(paths, Dataset.load(paths), "tan-khai", 2024) != before


def test_built_report_carries_the_data_quality_note_in_html_pdf_and_ledger(built_tan_khai):
    soup = BeautifulSoup((built_tan_khai / "report.html").read_text(encoding="utf-8"), "html.parser")
    note = soup.select_one("aside.data-quality")
    text = " ".join(note.get_text(" ").split())
    assert text.startswith("Ghi chú về chất lượng số liệu")
    assert "Hồ sơ đăng ký hộ tịch 1.733 1.732" in text
    assert len(note.select("tbody tr")) == 4
    first_page = " ".join(PdfReader(built_tan_khai / "report.pdf").pages[0].extract_text().split())
    assert "Ghi chú về chất lượng số liệu" in first_page
    assert "1.733" in first_page and "1.732" in first_page
    ledger = json.loads((built_tan_khai.parents[2] / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    entry = ledger["reports"]["2024/tan-khai"]
    assert entry["status"] == "built"
    assert {f["rule"] for f in entry["findings"]} == {"tong_thanh_phan", "dung_han_va_tre_han", "don_du_dieu_kien",
                                                      "thay_doi_so_voi_nam_truoc"}


def test_an_unreadable_params_file_is_an_error_beside_the_data_findings(project):
    (project / "params" / "2024" / "tan-khai.yaml").write_text("place: [unclosed\n", encoding="utf-8")
    found = findings(project, "tan-khai", 2024)
    [load] = [f for f in found if f.rule == "load"]
    assert load.severity == "error" and load.file == "params/2024/tan-khai.yaml" and "not valid YAML" in load.message
    assert "tong_thanh_phan" in {f.rule for f in found}


def test_a_finding_line_leaves_out_an_expectation_it_does_not_have():
    placeholder = Finding("error", "placeholder_unknown", "tan-khai", 2024, "tu_sach.khu_dan_cuu",
                          "data/narrative/2024/tan-khai.md", 20, "", "{tu_sach.khu_dan_cuu}", "unknown placeholder", "")
    sums = Finding("warning", "parts_sum", "tan-khai", 2024, "ho_tich.tong", "data/values/2024.csv", 18,
                   "1733", "1732", "the parts do not add up", "")
    assert describe(placeholder) == ("error: data/narrative/2024/tan-khai.md, line 20 | tan-khai 2024 | tu_sach.khu_dan_cuu | "
                                     "rule placeholder_unknown | found {tu_sach.khu_dan_cuu} | unknown placeholder")
    assert " | expected 1733, found 1732 | " in describe(sums)
