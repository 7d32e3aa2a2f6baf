"""Forms by report kind: the six-month form, estimates marked in a form, the values file of a kind, a
merged unit's reference column, old forms without a kind, and an altered kind refused."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.conftest import built_once, copy_made, form_cells, run_tuphap, tree_digest, with_sample_units_only
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.forms import form_units
from tuphap.project import ProjectPaths

ESTIMATE_COLUMN = "F"
SIX_MONTH_FORM = Path("outputs", "forms", "2025", "_6thang", "tan-khai.xlsx")


def _make(project: Path, *args: str) -> Path:
    result = run_tuphap("form", "--year", "2025", "--unit", "tan-khai", *args, root=project)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.split("wrote ", 1)[1].splitlines()[0])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _make_six_month_form(root: Path) -> None:
    assert _make(root, "--kind", "6thang") == root / SIX_MONTH_FORM


@pytest.fixture(scope="module")
def made_six_month_form(tmp_path_factory) -> Path:
    """A project where `tuphap form` made Tân Khai's 2025 six-month form, once for the module."""
    return built_once(tmp_path_factory, "form-six-month", _make_six_month_form)[0]


@pytest.fixture
def six_month_form(project, made_six_month_form) -> Path:
    return copy_made(made_six_month_form, project, SIX_MONTH_FORM)


def test_a_six_month_form_names_its_kind_and_period_and_offers_an_estimate_column(six_month_form):
    book = load_workbook(six_month_form)
    meta = {row[0].value: row[1].value for row in book["tuphap"].iter_rows()}
    assert meta == {"form": "1", "unit": "tan-khai", "year": "2025", "kind": "6thang", "period": "6thang"}
    sheet, cell = form_cells(book, "ho_tich.khai_sinh")
    assert sheet["A1"].value == "BIỂU NHẬP SỐ LIỆU CÔNG TÁC TƯ PHÁP 6 THÁNG ĐẦU NĂM 2025"
    assert sheet["A2"].value == "Xã Tân Khai"  # as its report, dated 04/7/2025 after the merger, names it
    assert sheet["D5"].value == "6 tháng đầu năm 2025" and sheet["F5"].value == "Ước tính"
    assert cell.value == 268 and sheet[f"{ESTIMATE_COLUMN}{cell.row}"].value == "có"  # on file as an estimate
    assert not sheet[f"{ESTIMATE_COLUMN}{cell.row}"].protection.locked
    choices = [v for v in sheet.data_validations.dataValidation if f"{ESTIMATE_COLUMN}{cell.row}" in v.sqref]
    assert [v.formula1 for v in choices] == ['"có,không"']
    guide = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "Số liệu thực tế tính đến ngày 31/5/2025" in guide


def test_a_six_month_form_with_an_estimate_goes_into_its_values_file_and_report(project, six_month_form):
    book = load_workbook(six_month_form)
    sheet, cell = form_cells(book, "pbgdpl.so_buoi")
    assert cell.value == 121 and sheet[f"{ESTIMATE_COLUMN}{cell.row}"].value is None
    cell.value = 125
    sheet[f"{ESTIMATE_COLUMN}{cell.row}"] = "có"
    book.save(six_month_form)
    values = project / "data" / "values" / "2025-6thang.csv"
    before = values.read_text(encoding="utf-8").splitlines()

    result = run_tuphap("ingest", str(six_month_form), root=project)

    assert result.returncode == 0, result.stderr
    assert f"tan-khai 2025 (6thang) into {values} (1 changed, 0 added, 0 cleared," in result.stdout
    after = values.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(after) == len(before)
    assert changed == [("tan-khai,2025,6thang,pbgdpl.so_buoi,121,,mẫu (sample)",
                        "tan-khai,2025,6thang,pbgdpl.so_buoi,125,yes,mẫu (sample)")]
    assert (project / "data" / "values" / "2025.csv").read_text(encoding="utf-8") == \
        (Path(__file__).parents[2] / "data" / "values" / "2025.csv").read_text(encoding="utf-8")
    receipt = _rows(project / "data" / "submissions.csv")[-1]
    assert (receipt["unit"], receipt["year"], receipt["kind"], receipt["file"]) == ("tan-khai", "2025", "6thang", "tan-khai.xlsx")

    built = run_tuphap("build", "--kind", "6thang", "--unit", "tan-khai", "--year", "2025", root=project)
    assert built.returncode == 0, built.stdout + built.stderr
    html = (project / "outputs" / "2025" / "_6thang" / "tan-khai" / "report.html").read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert re.search(r"tổ chức 125 ?\(\*\) buổi tuyên truyền pháp luật", text), text


def test_a_merged_units_form_compares_with_its_predecessors_rolled_up(project):
    form = _make(project)  # the year report's: xã Tân Khai was formed on 1/7/2025
    book = load_workbook(form)
    year_2024 = [row for row in _rows(project / "data" / "values" / "2024.csv")
                 if row["unit"] in ("tan-khai", "tan-hiep", "dong-no")]
    for indicator in ("ho_tich.khai_sinh", "pbgdpl.so_buoi"):
        summed = sum(float(row["value"]) for row in year_2024 if row["indicator"] == indicator)
        assert len([row for row in year_2024 if row["indicator"] == indicator]) == 3
        sheet, cell = form_cells(book, indicator)
        assert sheet[f"C{cell.row}"].value == summed  # 286 + 160 + 141 for births
    assert sheet["C5"].value == "Năm 2024 (tham khảo)"
    guide = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "là tổng số liệu của thị trấn Tân Khai, xã Tân Hiệp và xã Đồng Nơ" in guide


def _as_an_old_form(path: Path) -> None:
    """A form as `tuphap form` made them before kinds: no kind or period in its identity, no estimate column."""
    book = load_workbook(path)
    book["tuphap"].delete_rows(4, 2)
    for sheet in book.worksheets:
        if sheet.title not in ("tuphap", "Hướng dẫn"):
            sheet.delete_cols(6)
    book.save(path)


def test_an_old_form_without_a_kind_is_the_default_kinds(project):
    result = run_tuphap("form", "--year", "2024", "--unit", "tan-khai", root=project)
    assert result.returncode == 0, result.stderr
    form = project / "outputs" / "forms" / "2024" / "tan-khai.xlsx"
    _as_an_old_form(form)
    values = project / "data" / "values" / "2024.csv"
    before = values.read_bytes()

    result = run_tuphap("ingest", str(form), root=project)

    assert result.returncode == 0, result.stderr
    assert "(0 changed, 0 added, 0 cleared, 44 unchanged)" in result.stdout
    assert values.read_bytes() == before
    assert _rows(project / "data" / "submissions.csv")[-1]["kind"] == "nam"


def _alter(path: Path, **identity: str) -> None:
    book = load_workbook(path)
    meta = book["tuphap"]
    for row in meta.iter_rows():
        if row[0].value in identity:
            row[1].value = identity[row[0].value]
    book.save(path)


def test_a_form_whose_kind_was_edited_is_refused_naming_sheet_and_cell(project, six_month_form):
    _alter(six_month_form, kind="nam", period="nam")
    digest = tree_digest(project)

    result = run_tuphap("ingest", str(six_month_form), root=project)

    assert result.returncode == 1
    assert (f"{six_month_form}: sheet 'chung': cell D5 shows '6 tháng đầu năm 2025' but the form's hidden sheet "
            "'tuphap' says 'Năm 2025' (unit tan-khai, year 2025, report kind nam): the form was altered") in result.stderr
    assert tree_digest(project) == digest


def test_a_form_whose_kind_no_longer_matches_its_period_is_refused(project, six_month_form):
    _alter(six_month_form, kind="nam")

    result = run_tuphap("ingest", str(six_month_form), root=project)

    assert result.returncode == 1
    assert (f"{six_month_form}: sheet 'tuphap', cell B5: the form names period '6thang' but its report kind nam "
            "covers period 'nam': the form was altered") in result.stderr


def test_an_estimate_for_a_values_file_without_the_column_adds_the_column_and_keeps_every_figure(project):
    """The year's actual figures stop at 31/10, so a year form offers "Ước tính" too; data/values/2025.csv has
    no `estimate` column: ingest adds it (an empty cell on every row) rather than refusing the form."""
    values = project / "data" / "values" / "2025.csv"
    before = _rows(values)
    assert "estimate" not in before[0]
    form = _make(project)
    book = load_workbook(form)
    sheet, cell = form_cells(book, "pbgdpl.so_buoi")
    sheet[f"{ESTIMATE_COLUMN}{cell.row}"] = "có"
    book.save(form)

    result = run_tuphap("ingest", str(form), root=project)

    assert result.returncode == 0, result.stderr
    after = _rows(values)
    assert values.read_text(encoding="utf-8").splitlines()[0].endswith(",estimate")
    assert [{k: v for k, v in row.items() if k != "estimate"} for row in after] == before  # every figure as it was
    marked = [row["indicator"] for row in after if row["estimate"] == "yes"]
    assert marked == ["pbgdpl.so_buoi"]
    assert run_tuphap("validate", "--unit", "tan-khai", "--year", "2025", root=project).returncode == 0


def test_an_estimate_cell_takes_only_its_two_words(project, six_month_form):
    book = load_workbook(six_month_form)
    sheet, cell = form_cells(book, "pbgdpl.so_buoi")
    sheet[f"{ESTIMATE_COLUMN}{cell.row}"] = "chắc vậy"
    book.save(six_month_form)

    result = run_tuphap("ingest", str(six_month_form), root=project)

    assert result.returncode == 1
    assert (f"sheet '{sheet.title}', cell F{cell.row} (pbgdpl.so_buoi): 'chắc vậy' does not say whether the "
            "figure is an estimate") in result.stderr


def test_the_forms_go_to_the_units_expected_on_the_due_date_else_at_the_periods_end(project):
    """The forms of a year and kind go to the units `tuphap status` expects: those of the registry on the kind's
    due date. The 2025 six-month figures, due on 10/7/2025, go to xã Tân Khai, formed on 1/7/2025 from units
    that ended the first half. Without a due date, to the units that ended the period."""
    with_sample_units_only(project)  # the sample's own five units: a form for each unit expected
    result = run_tuphap("form", "--year", "2025", "--kind", "6thang", root=project)
    assert result.returncode == 0, result.stderr
    folder = project / "outputs" / "forms" / "2025" / "_6thang"
    assert [path.stem for path in folder.glob("*.xlsx")] == ["tan-khai"]
    assert "1 form(s) written in" in result.stdout
    due = project / "params" / "submissions.yaml"
    due.write_text(due.read_text(encoding="utf-8").replace("  6thang: 2025-07-10\n", ""), encoding="utf-8")
    dataset = Dataset.load(ProjectPaths(project))
    assert set(form_units(dataset, 2025, "6thang")) == {"tan-khai", "tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"}
    assert all(dataset.units.unit(slug, on=dt.date(2025, 6, 30)) for slug in form_units(dataset, 2025, "6thang"))


def test_an_unknown_kind_is_a_usage_mistake_naming_the_nearest(project):
    result = run_tuphap("form", "--year", "2025", "--kind", "6thnag", root=project)

    assert result.returncode == 2
    assert "unknown report kind '6thnag'" in result.stderr and "did you mean '6thang'?" in result.stderr
    assert not (project / "outputs" / "forms").exists()
