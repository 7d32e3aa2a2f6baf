"""Excel input forms: `tuphap form` writes them, `tuphap ingest` reads them back all or nothing."""
from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.conftest import built_once, copy_made, form_cells, run_tuphap, tree_digest, with_sample_units_only
from tuphap.cli import cli


TAN_KHAI_FORM = Path("outputs", "forms", "2024", "tan-khai.xlsx")


def _make_tan_khai_form(root: Path) -> None:
    result = run_tuphap("form", "--year", "2024", "--unit", "tan-khai", root=root)
    assert result.returncode == 0, result.stderr
    assert f"wrote {root / TAN_KHAI_FORM}" in result.stdout


@pytest.fixture(scope="module")
def made_tan_khai_form(tmp_path_factory) -> Path:
    """A project where `tuphap form` made Tân Khai's 2024 form, once for the module."""
    return built_once(tmp_path_factory, "form-tan-khai", _make_tan_khai_form)[0]


@pytest.fixture
def tan_khai_form(project, made_tan_khai_form) -> Path:
    return copy_made(made_tan_khai_form, project, TAN_KHAI_FORM)


def test_form_has_a_sheet_per_section_with_labels_checks_and_last_year(tan_khai_form):
    book = load_workbook(tan_khai_form)
    assert book.sheetnames == ["Hướng dẫn", "chung", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "tuphap"]
    assert book["tuphap"].sheet_state == "veryHidden" and book.security.lockStructure
    sheet = book["II.6"]
    assert sheet.protection.sheet and sheet.column_dimensions["E"].hidden
    assert [c.value for c in sheet[5]] == ["Chỉ tiêu", "Đơn vị tính", "Năm 2023 (tham khảo)", "Năm 2024", "indicator",
                                        "Ước tính"]  # the year's actual figures stop at 31/10
    _, cell = form_cells(book, "tcd.don_tiep_nhan")
    row = sheet[cell.row]
    assert row[0].value == "Đơn thư tiếp nhận trong kỳ" and row[1].value == "đơn"
    assert row[2].value == 16 and row[3].value == 15  # 2023 beside for reference, 2024 pre-filled
    assert sheet[f"D{form_cells(book, 'tcd.luot_tiep')[1].row}"].value is None  # not reported in 2024
    assert not row[3].protection.locked and row[2].protection.locked
    rules = {(v.type, v.operator, v.formula1, v.formula2): str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert cell.coordinate in rules[("whole", "greaterThanOrEqual", "0", None)].split()
    _, percent = form_cells(book, "ho_tich.ty_le_dung_han")
    percent_rules = {(v.type, v.formula1, v.formula2): str(v.sqref) for v in percent.parent.data_validations.dataValidation}
    assert percent.coordinate in percent_rules[("decimal", "0", "100")].split()
    assert "ho_tich.ty_le_truc_tuyen" not in [c.value for c in book["II.5"]["E"]]  # rates are computed, not asked


def test_unchanged_form_changes_no_figure_but_is_recorded_as_received(project, tan_khai_form):
    values = (project / "data" / "values" / "2024.csv").read_bytes()
    receipts = (project / "data" / "submissions.csv").read_text(encoding="utf-8").splitlines()
    result = run_tuphap("ingest", str(tan_khai_form), root=project)
    assert result.returncode == 0, result.stderr
    assert "(0 changed, 0 added, 0 cleared, 44 unchanged)" in result.stdout
    assert (project / "data" / "values" / "2024.csv").read_bytes() == values
    after = (project / "data" / "submissions.csv").read_text(encoding="utf-8").splitlines()
    assert after[:-1] == receipts and after[-1].startswith("tan-khai,2024,nam,")  # a form sent again is a receipt


def test_every_mistake_is_reported_with_sheet_and_cell_and_nothing_is_written(project, tan_khai_form):
    book = load_workbook(tan_khai_form)
    mistakes = {
        "hoa_giai.thanh": ("mười", "'mười' is not a number"),
        "ho_tich.tong": ("1,733", "'1,733' is not a whole number"),
        "hoa_giai.khong_thanh": ("=D11-D12", "holds a formula (=D11-D12)"),
        "ho_tich.ty_le_dung_han": (120, "120 is above 100"),
        "tcd.luot_tiep": (-3, "-3 is negative"),
        "tcd.ngay_tiep": (dt.datetime(2024, 7, 1), "holds a date or time (2024-07-01 00:00:00): Excel turned"),
        "chung.khu_dan_cu": (7.5, "7.5 is not a whole number"),
        "pbgdpl.gio_truyen_thanh": ("1.250", "'1.250' is ambiguous"),
    }
    for indicator_id, (value, _) in mistakes.items():
        form_cells(book, indicator_id)[1].value = value
    book.save(tan_khai_form)
    before = tree_digest(project)

    result = run_tuphap("ingest", str(tan_khai_form), root=project)

    assert result.returncode == 1
    assert f"{len(mistakes)} problem(s); nothing of this form was written" in result.stderr
    for indicator_id, (_, message) in mistakes.items():
        sheet, cell = form_cells(book, indicator_id)
        assert f"{tan_khai_form}: sheet '{sheet.title}', cell {cell.coordinate} ({indicator_id}): {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project) == before


def test_one_bad_form_never_blocks_the_others(project, tan_khai_form):
    assert run_tuphap("form", "--year", "2024", "--unit", "an-phu-mau", root=project).returncode == 0
    good = project / "outputs" / "forms" / "2024" / "an-phu-mau.xlsx"
    book = load_workbook(good)
    form_cells(book, "ho_tich.tong")[1].value = 1000
    book.save(good)
    book = load_workbook(tan_khai_form)
    form_cells(book, "ho_tich.tong")[1].value = 1734  # would be written, were the form not refused
    sheet, bad = form_cells(book, "ho_tich.ket_hon")
    bad.value = "nhiều"
    book.save(tan_khai_form)
    values, receipts = project / "data" / "values" / "2024.csv", project / "data" / "submissions.csv"
    before, received = values.read_text(encoding="utf-8").splitlines(), receipts.read_text(encoding="utf-8")

    result = run_tuphap("ingest", str(tan_khai_form), str(good), root=project)

    assert result.returncode == 1
    assert (f"{tan_khai_form}: 1 problem(s); nothing of this form was written:\n  - {tan_khai_form}: sheet "
            f"'{sheet.title}', cell {bad.coordinate} (ho_tich.ket_hon): 'nhiều' is not a number") in result.stderr
    assert f"accepted  {good}: an-phu-mau 2024 (nam) into {values} (1 changed, 0 added" in result.stdout
    after = values.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if not line.startswith("an-phu-mau,")] == [
        line for line in before if not line.startswith("an-phu-mau,")]  # Tân Khai's 1733 and the others as they were
    assert "an-phu-mau,2024,ho_tich.tong,1000," in "\n".join(after)
    added = receipts.read_text(encoding="utf-8").removeprefix(received).splitlines()
    assert len(added) == 1 and added[0].startswith("an-phu-mau,2024,nam,")  # no receipt of the refused form


def test_a_file_that_is_not_a_form_is_explained(project, tmp_path):
    not_excel = tmp_path / "bao-cao.xlsx"
    not_excel.write_text("unit,year\n", encoding="utf-8")
    plain = tmp_path / "plain.xlsx"
    from openpyxl import Workbook
    Workbook().save(plain)
    before = tree_digest(project)
    result = run_tuphap("ingest", str(not_excel), str(plain), root=project)
    assert result.returncode == 1
    assert f"{not_excel}: cannot be read as an Excel .xlsx workbook" in result.stderr
    assert f"{plain}: not a tuphap form (it has no hidden sheet 'tuphap')" in result.stderr
    assert tree_digest(project) == before


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: base letters with circumflex, breve or horn precomposed, tone
    marks as separate combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        kept = "".join(mark for mark in marks if mark not in tones)
        out.append(unicodedata.normalize("NFC", base + kept) + "".join(mark for mark in marks if mark in tones))
    return "".join(out).encode("cp1258")


def test_ingest_keeps_a_windows_values_file_as_it_was_except_the_changed_row(project, tan_khai_form):
    values = project / "data" / "values" / "2024.csv"
    values.write_bytes(windows_1258(values.read_text(encoding="utf-8").replace("\n", "\r\n")))
    original = values.read_bytes()
    book = load_workbook(tan_khai_form)
    form_cells(book, "ho_tich.tong")[1].value = 1734
    book.save(tan_khai_form)
    assert run_tuphap("ingest", str(tan_khai_form), root=project).returncode == 0
    expected = original.replace(b"tan-khai,2024,ho_tich.tong,1733,", b"tan-khai,2024,ho_tich.tong,1734,")
    assert expected != original and values.read_bytes() == expected


def test_round_trip_new_figures_reach_the_report(form_round_trip):
    html = (form_round_trip / "outputs" / "2024" / "an-phu-mau" / "report.html").read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "Tổng số hồ sơ đăng ký hộ tịch năm 2024: 2.468 hồ sơ" in text
    assert "thu hút 4.321 lượt người tham dự" in text  # typed as text '4.321' in the form
    assert "Kết quả tự đánh giá năm 2024: 88,5 điểm" in text  # typed as '88,5'
    assert "3,75" in text and "3.120" not in text
    assert "[thiếu số liệu: Buổi tuyên truyền pháp luật]" in text  # the cell was emptied: not reported


def test_round_trip_rewrites_only_the_units_rows(form_round_trip):
    before = (form_round_trip / "original-values-2024.csv").read_text(encoding="utf-8").splitlines()
    after = (form_round_trip / "data" / "values" / "2024.csv").read_text(encoding="utf-8").splitlines()
    others = [line for line in before if not line.startswith("an-phu-mau,2024,")]
    assert [line for line in after if not line.startswith("an-phu-mau,2024,")] == others
    mine = [line for line in after if line.startswith("an-phu-mau,2024,")]
    assert "an-phu-mau,2024,ho_tich.tong,2468," in mine and "an-phu-mau,2024,tiep_can.diem,88.5," in mine
    assert "an-phu-mau,2024,pbgdpl.gio_truyen_thanh,3.75," in mine
    assert not any(line.startswith("an-phu-mau,2024,pbgdpl.so_buoi,") for line in mine)
    assert 'an-phu-mau,2024,chung.khu_dan_cu,9,"Số liệu mẫu, bịa ra để minh họa"' in mine  # untouched row and note


def test_forms_go_to_every_unit_expected_or_to_those_of_one_province(project):
    def form(*args: str):
        return CliRunner().invoke(cli, ["--root", str(project), "form", *args])

    with_sample_units_only(project)  # the sample's own five units of Hớn Quản
    sample = ["an-phu-mau", "dong-no", "hoa-binh-mau", "tan-hiep", "tan-khai"]
    result = form("--year", "2024", "--quiet")
    folder = project / "outputs" / "forms" / "2024"
    assert result.exit_code == 0, result.output
    assert sorted(path.stem for path in folder.glob("*.xlsx")) == sample  # every unit of the registry on the due date
    assert result.stdout == f"5 form(s) written in {folder}\n" and "Making forms" not in result.stderr
    result = form("--year", "2025", "--province", "tỉnh Đồng Nai", "--output-dir", str(project / "dong-nai"))
    assert result.exit_code == 0, result.output
    assert [path.name for path in (project / "dong-nai").iterdir()] == ["tan-khai.xlsx"]  # xã Tân Khai, tỉnh Đồng Nai
    assert "Making forms: 100%" in result.stderr and "1/1" in result.stderr
    result = form("--year", "2024", "--province", "Binh Phuok")
    assert result.exit_code == 2
    assert ("no unit of province 'Binh Phuok' among the 5 unit(s) with forms for 2024 (nam); their provinces: "
            "Bình Phước; did you mean 'Bình Phước'?") in result.stderr
    assert form("--year", "2024", "--province", "binh-phuoc", "--unit", "tan-khai").exit_code == 2
    assert sorted(path.stem for path in folder.glob("*.xlsx")) == sample


def test_form_and_ingest_help_carry_examples():
    for command in ("form", "ingest"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output and f"tuphap {command} " in result.output


def test_form_text_is_never_a_formula(form_round_trip):
    """The unit name starts its formula-injection part with '=': the form stores it as text."""
    form = form_round_trip / "outputs" / "forms" / "2024" / "an-phu-mau.xlsx"
    with zipfile.ZipFile(form) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    book = load_workbook(form)
    name_cell = book["II.1"]["A2"]
    assert '=HYPERLINK("http://x.invalid")' in name_cell.value and name_cell.data_type == "s"
    assert name_cell.quotePrefix


def test_a_share_typed_in_a_percent_formatted_cell_reads_as_shown(project, tan_khai_form):
    from tuphap.inputs.dataset import Dataset
    from tuphap.inputs.form_reading import read_form
    from tuphap.project import ProjectPaths

    book = load_workbook(tan_khai_form)
    cell = form_cells(book, "ho_tich.ty_le_dung_han")[1]
    cell.value, cell.number_format = 0.667, "0.0%"  # shows 66,7%
    book.save(tan_khai_form)
    form, problems = read_form(tan_khai_form, Dataset.load(ProjectPaths(project)))
    assert not problems and form.values["ho_tich.ty_le_dung_han"] == 66.7
