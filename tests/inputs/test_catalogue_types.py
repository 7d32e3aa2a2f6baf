"""The indicator types beyond plain figures: `average` (computed), `flag` (đạt/chưa đạt) and `text`
(a decision's reference), through loading, Figures, prose, validation, Excel forms and roll-ups."""
from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import REPO, form_cells
from tuphap.check.narrative import check_narrative
from tuphap.check.reports import report_findings
from tuphap.check.rules import load_rules
from tuphap.compute import rollup
from tuphap.compute.figures import Figures
from tuphap.compute.prose import Source, fill
from tuphap.errors import DataError
from tuphap.inputs.dataset import Dataset, load_catalogue
from tuphap.inputs.form_reading import read_form
from tuphap.inputs.forms import make_form
from tuphap.inputs.ingest import ingest
from tuphap.inputs.rollup_rules import load_rollup_rules
from tuphap.project import ProjectPaths
from tuphap.render.rollup import RollupReport

DECISION = "Quyết định số 2150/QĐ-UBND ngày 21/10/2024 của Chủ tịch UBND huyện Hớn Quản"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(REPO / "data" / "indicators.csv")


def append(root: Path, year: int, *rows: str) -> Path:
    path = root / "data" / "values" / f"{year}.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def replace_value(root: Path, year: int, unit: str, indicator: str, value: str | None) -> None:
    """Set (or with None remove) one figure of a project copy, keeping its note."""
    path = root / "data" / "values" / f"{year}.csv"
    prefix = f"{unit},{year},{indicator},"
    lines = path.read_text(encoding="utf-8").splitlines()
    [index] = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    if value is None:
        del lines[index]
    else:
        lines[index] = prefix + value + "," + lines[index][len(prefix):].partition(",")[2]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(root: Path) -> Dataset:
    return Dataset.load(ProjectPaths(root))


def bad_row(root: Path) -> DataError:
    """The error of the one values row that could not be read (the others load without it)."""
    [bad] = load(root).bad_rows
    return bad.error


# -- loading --------------------------------------------------------------------------------------
@pytest.mark.parametrize("written, value", [("1", 1.0), ("0", 0.0), ("đạt", 1.0), ("Chưa Đạt", 0.0),
                                            (unicodedata.normalize("NFD", "chưa đạt"), 0.0), (" ĐẠT ", 1.0)])
def test_a_flag_is_entered_as_1_0_or_its_words(project, written, value):
    append(project, 2024, f'tan-khai,2024,tiep_can.dat_chuan,"{written}",')
    assert load(project).values_for("tan-khai", 2024)["tiep_can.dat_chuan"] == value


@pytest.mark.parametrize("written", ["có", "2", "1.0", "đạt chuẩn"])
def test_anything_else_in_a_flag_names_file_row_field_and_what_to_write(project, written):
    path = append(project, 2024, f"tan-khai,2024,tiep_can.dat_chuan,{written},")
    error = bad_row(project)
    assert error.file == str(path) and error.field == "value" and error.unit == "tan-khai"
    assert error.row == len(path.read_text(encoding="utf-8").splitlines())
    assert f"tiep_can.dat_chuan: '{written}' is not a result: write 1 or 'đạt', 0 or 'chưa đạt'" in str(error)


def test_a_text_is_kept_as_written_in_nfc(project):
    append(project, 2024, f'tan-khai,2024,tiep_can.quyet_dinh,"{unicodedata.normalize("NFD", DECISION)}, sửa đổi",')
    assert load(project).values_for("tan-khai", 2024)["tiep_can.quyet_dinh"] == DECISION + ", sửa đổi"


def test_a_text_on_several_lines_is_rejected_with_its_file(project):
    append(project, 2024, 'tan-khai,2024,tiep_can.quyet_dinh,"dòng một\ndòng hai",')
    with pytest.raises(DataError, match="runs over several lines") as error:  # the rows after it cannot be told apart
        load(project)
    assert error.value.field == "value"


def test_a_text_too_long_is_rejected(project):
    append(project, 2024, f"tan-khai,2024,tiep_can.quyet_dinh,{'x' * 301},")
    error = bad_row(project)
    assert "has 301 characters: write at most 300" in error.message and error.field == "value"


def test_an_average_is_computed_and_never_entered(project):
    append(project, 2024, "tan-khai,2024,tu_sach.dau_sach_moi_tu,650,")
    error = bad_row(project)
    assert "is computed from other indicators" in error.message and error.field == "indicator"


@pytest.mark.parametrize("row, field, message", [
    ("x.ket_qua,II.4,Kết quả,đạt,flag,,,,", "unit", "'yes word/no word'"),
    ("x.ket_qua,II.4,Kết quả,đạt/Đạt,flag,,,,", "unit", "different"),
    ("x.binh_quan,II.3,Bình quân,đầu sách,average,,,tu_sach.dau_sach,", "numerator", "average 'x.binh_quan' needs both numerator"),
    ("x.van_ban,II.4,Văn bản,,text,ho_tich.tong,,,", "part_of", "a text takes no part_of"),
    ("x.so,II.4,Số,cái,count,,tiep_can.dat_chuan,,", "subset_of", "refers to 'tiep_can.dat_chuan', a flag"),
])
def test_the_catalogue_checks_what_each_type_needs(tmp_path, row, field, message):
    path = tmp_path / "indicators.csv"
    path.write_text((REPO / "data" / "indicators.csv").read_text(encoding="utf-8") + row + ",\n", encoding="utf-8")
    with pytest.raises(DataError, match=message) as error:
        load_catalogue(path)
    assert error.value.field == field


# -- Figures and prose ------------------------------------------------------------------------------
def test_an_average_is_numerator_over_denominator(catalogue):
    figures = Figures(catalogue, {"tu_sach.dau_sach": 1283.0, "tu_sach.cap_xa": 2.0})
    assert figures.value("tu_sach.dau_sach_moi_tu") == 641.5
    assert figures.format("tu_sach.dau_sach_moi_tu") == "641,5"
    assert Figures(catalogue, {"tu_sach.dau_sach": 465.0, "tu_sach.cap_xa": 1.0}).format("tu_sach.dau_sach_moi_tu") == "465"
    for values in ({"tu_sach.dau_sach": 465.0, "tu_sach.cap_xa": 0.0}, {"tu_sach.dau_sach": 465.0}, {}):
        assert Figures(catalogue, values).value("tu_sach.dau_sach_moi_tu") is None


def test_a_flag_is_1_or_0_and_reads_as_its_words(catalogue):
    yes, no = Figures(catalogue, {"tiep_can.dat_chuan": 1.0}), Figures(catalogue, {"tiep_can.dat_chuan": 0.0})
    assert (yes.value("tiep_can.dat_chuan"), yes.format("tiep_can.dat_chuan")) == (1.0, "đạt")
    assert (no.value("tiep_can.dat_chuan"), no.format("tiep_can.dat_chuan")) == (0.0, "chưa đạt")


def test_a_text_is_no_figure_but_prints_as_written_and_escaped(catalogue):
    figures = Figures(catalogue, {"tiep_can.quyet_dinh": "QĐ <b>số 1</b> & 2"})
    assert figures.value("tiep_can.quyet_dinh") is None  # numeric consumers never meet a string
    assert figures.text("tiep_can.quyet_dinh") == "QĐ <b>số 1</b> & 2" and figures.has("tiep_can.quyet_dinh")
    assert figures.text("tiep_can.dat_chuan") is None
    html = fill("Công nhận theo {tiep_can.quyet_dinh}.", figures, {}, Source("test"))
    assert "QĐ &lt;b&gt;số 1&lt;/b&gt; &amp; 2" in html and "<b>" not in html
    assert "thiếu số liệu" in fill("{tiep_can.quyet_dinh}", Figures(catalogue, {}), {}, Source("test"))


def test_the_sample_communes_report_the_new_figures():
    dataset = load(REPO)
    an_phu = Figures(dataset.catalogue, dataset.values_for("an-phu-mau", 2024))
    assert (an_phu.format("tiep_can.dat_chuan"), an_phu.text("tiep_can.quyet_dinh")) == ("đạt", DECISION)
    assert an_phu.format("tu_sach.dau_sach_moi_tu") == "465"
    hoa_binh = Figures(dataset.catalogue, dataset.values_for("hoa-binh-mau", 2024))
    assert hoa_binh.format("tiep_can.dat_chuan") == "chưa đạt" and not hoa_binh.has("tiep_can.quyet_dinh")
    tan_khai = dataset.values_for("tan-khai", 2024)
    assert not {"pbgdpl.cuoc_thi", "tiep_can.dat_chuan", "tiep_can.quyet_dinh"} & set(tan_khai)


# -- validation --------------------------------------------------------------------------------------
def decision_findings(root: Path, unit: str) -> list:
    """What the sample's required_if rule (a decision when recognised) finds in a unit's 2024 figures."""
    return [f for f in report_findings(load(root), unit, 2024) if f.rule == "quyet_dinh_cong_nhan_tiep_can"]


def test_a_recognised_commune_without_its_decision_is_warned_about(project):
    assert not decision_findings(project, "an-phu-mau")
    replace_value(project, 2024, "an-phu-mau", "tiep_can.quyet_dinh", None)
    [finding] = decision_findings(project, "an-phu-mau")
    assert (finding.severity, finding.indicator, finding.expected, finding.found) == (
        "warning", "tiep_can.quyet_dinh", "có số liệu", "thiếu")
    assert finding.message_vi == ("“Kết quả đánh giá chuẩn tiếp cận pháp luật” là đạt nhưng thiếu "
                                  "“Quyết định công nhận đạt chuẩn tiếp cận pháp luật”")
    flag_row = next(i for i, line in enumerate((project / "data" / "values" / "2024.csv").read_text(
        encoding="utf-8").splitlines(), start=1) if line.startswith("an-phu-mau,2024,tiep_can.dat_chuan,"))
    assert (finding.file, finding.row) == ("data/values/2024.csv", flag_row)  # points at the flag's row


def test_no_decision_is_asked_of_a_commune_not_recognised(project):
    assert not decision_findings(project, "hoa-binh-mau")  # 2024: chưa đạt, no decision
    replace_value(project, 2024, "an-phu-mau", "tiep_can.dat_chuan", None)  # no result at all: nothing asked either
    replace_value(project, 2024, "an-phu-mau", "tiep_can.quyet_dinh", None)
    assert not decision_findings(project, "an-phu-mau")


@pytest.mark.parametrize("row, field, message", [
    ("r,required_if,tiep_can.quyet_dinh,,tiep_can.diem,warning,,x", "right", "the condition of required_if is a flag"),
    ("r,required_if,tiep_can.quyet_dinh,,,warning,,x", "right", "names one flag indicator"),
    ("r,required_if,,,tiep_can.dat_chuan,warning,,x", "left", "list the required indicators"),
    ("r,compare,tiep_can.quyet_dinh,=,1,warning,,x", "left", "is a text: it has no value to compute with"),
])
def test_bad_required_if_and_text_in_expressions_are_rejected(tmp_path, catalogue, row, field, message):
    path = tmp_path / "rules.csv"
    path.write_text("id,check,left,operator,right,severity,factor,message_vi\n" + row + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message) as error:
        load_rules(path, catalogue)
    assert error.value.field == field


def test_the_typed_figure_check_is_not_upset_by_texts_and_flags(tmp_path, catalogue):
    rules = load_rules(REPO / "data" / "rules.csv", catalogue)
    narrative = tmp_path / "n.md"
    narrative.write_text("## mot\nĐã có 1 quyết định, 465 đầu sách.\n", encoding="utf-8")
    figures = Figures(catalogue, {"tiep_can.quyet_dinh": DECISION, "tiep_can.dat_chuan": 1.0,
                                  "tu_sach.dau_sach": 465.0, "tu_sach.cap_xa": 2.0})
    found = {f.found: f for f in check_narrative(narrative, figures, {}, rules, "x", 2024)}
    assert found["1"].indicator == ""  # a flag's 1 is no figure anyone types
    assert found["465"].indicator == "tu_sach.dau_sach"


# -- Excel forms ------------------------------------------------------------------------------------
def test_a_flag_cell_offers_its_two_words_and_a_text_cell_takes_text(project):
    dataset = load(project)
    form = project / "an-phu-mau.xlsx"
    form.write_bytes(make_form(dataset, "an-phu-mau", 2024))
    book = load_workbook(form)
    sheet, flag = form_cells(book, "tiep_can.dat_chuan")
    assert flag.value == "đạt" and sheet[f"C{flag.row}"].value == "chưa đạt"  # 2023 beside, as words
    lists = {v.formula1: str(v.sqref) for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert flag.coordinate in lists['"đạt,chưa đạt"'].split()
    _, text = form_cells(book, "tiep_can.quyet_dinh")
    assert text.value == DECISION and text.data_type == "s" and text.number_format == "@"
    assert "tu_sach.dau_sach_moi_tu" not in [c.value for c in book["II.3"]["E"]]  # averages are computed


@pytest.mark.parametrize("value, message", [("có", "'có' is not a result: write 1 or 'đạt', 0 or 'chưa đạt'"),
                                            (2, "2 is not a result: choose 'đạt' or 'chưa đạt' (or write 1 or 0)"),
                                            ("=IF(1,1,0)", "holds a formula (=IF(1,1,0)); type the figure itself "
                                                             "(copy the cell, then Paste Special → Values)")])
def test_a_wrong_flag_is_reported_with_its_cell(project, value, message):
    dataset = load(project)
    form = project / "f.xlsx"
    form.write_bytes(make_form(dataset, "hoa-binh-mau", 2024))
    book = load_workbook(form)
    sheet, cell = form_cells(book, "tiep_can.dat_chuan")
    cell.value = value
    book.save(form)
    _, problems = read_form(form, dataset)
    assert problems == [f"{form}: sheet '{sheet.title}', cell {cell.coordinate} (tiep_can.dat_chuan): {message}"]


def test_flag_and_text_round_trip_through_a_filled_form(project):
    values = project / "data" / "values" / "2024.csv"
    before = values.read_text(encoding="utf-8").splitlines()
    form = project / "hoa-binh-mau.xlsx"
    form.write_bytes(make_form(load(project), "hoa-binh-mau", 2024))
    book = load_workbook(form)
    form_cells(book, "tiep_can.dat_chuan")[1].value = "đạt"
    text = form_cells(book, "tiep_can.quyet_dinh")[1]
    text.value, text.data_type = "=Quyết định số 12/QĐ-UBND, ngày 05/3/2025", "s"  # typed after a quote in Excel
    book.save(form)

    [result] = ingest(ProjectPaths(project), [form]).outcomes

    assert (result.update.changed, result.update.added) == (1, 1)
    after = values.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if not line.startswith("hoa-binh-mau,2024,tiep_can.")] == [
        line for line in before if not line.startswith("hoa-binh-mau,2024,tiep_can.")]
    assert "hoa-binh-mau,2024,tiep_can.dat_chuan,1,Chưa có quyết định công nhận năm 2024 tại thời điểm báo cáo" in after
    assert 'hoa-binh-mau,2024,tiep_can.quyet_dinh,"=Quyết định số 12/QĐ-UBND, ngày 05/3/2025",' in after
    figures = Figures(load(project).catalogue, load(project).values_for("hoa-binh-mau", 2024))
    assert figures.format("tiep_can.dat_chuan") == "đạt"
    again = project / "again.xlsx"
    again.write_bytes(make_form(load(project), "hoa-binh-mau", 2024))
    with zipfile.ZipFile(again) as archive:  # the text starting with '=' stays text in the next form
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist()
                       if name.startswith("xl/worksheets/"))
    cell = form_cells(load_workbook(again), "tiep_can.quyet_dinh")[1]
    assert cell.value == "=Quyết định số 12/QĐ-UBND, ngày 05/3/2025" and cell.quotePrefix
    [unchanged] = ingest(ProjectPaths(project), [again], dry_run=True).outcomes
    assert (unchanged.update.changed, unchanged.update.added, unchanged.update.cleared) == (0, 0, 0)


@pytest.mark.parametrize("flag, text, read", [(0, None, (0.0, None)), (1, 35, (1.0, "35"))])
def test_a_flag_typed_as_1_or_0_and_a_number_in_a_text_cell_are_read(project, flag, text, read):
    dataset = load(project)
    form = project / "f.xlsx"
    form.write_bytes(make_form(dataset, "an-phu-mau", 2024))
    book = load_workbook(form)
    form_cells(book, "tiep_can.dat_chuan")[1].value = flag
    form_cells(book, "tiep_can.quyet_dinh")[1].value = text
    book.save(form)
    filled, problems = read_form(form, dataset)
    assert not problems and (filled.values["tiep_can.dat_chuan"], filled.values["tiep_can.quyet_dinh"]) == read


# -- roll-ups ---------------------------------------------------------------------------------------
CRAFTED = {
    "a": {"tu_sach.dau_sach": 400.0, "tu_sach.cap_xa": 1.0, "tiep_can.dat_chuan": 1.0, "tiep_can.quyet_dinh": "QĐ a"},
    "b": {"tu_sach.dau_sach": 900.0, "tu_sach.cap_xa": 2.0, "tiep_can.dat_chuan": 0.0},
    "c": {"tu_sach.dau_sach": 300.0, "tiep_can.dat_chuan": 1.0, "tiep_can.quyet_dinh": "QĐ c"},  # no bookcase count
}


def test_an_average_rolls_up_from_the_summed_numerator_and_denominator(catalogue):
    total = rollup.totals(catalogue, CRAFTED)["tu_sach.dau_sach_moi_tu"]
    assert (total.rule, total.reporting, total.numerator, total.denominator) == ("ratio", ("a", "b"), 1300, 3)
    assert total.value == pytest.approx(1300 / 3)  # not the mean of 400 and 450
    figures = rollup.area_figures(catalogue, rollup.totals(catalogue, CRAFTED))
    assert figures.format("tu_sach.dau_sach_moi_tu") == "433,33"


def test_a_flag_rolls_up_to_the_communes_at_1_and_a_text_not_at_all(catalogue):
    totals = rollup.totals(catalogue, CRAFTED)
    flag, text = totals["tiep_can.dat_chuan"], totals["tiep_can.quyet_dinh"]
    assert (flag.rule, flag.value, flag.reporting) == ("yes_count", 2, ("a", "b", "c"))
    assert (text.rule, text.value, text.reporting) == ("none", None, ("a", "c"))
    figures = rollup.area_figures(catalogue, totals)
    assert figures.format("tiep_can.dat_chuan") == "02"  # 'có {tiep_can.dat_chuan} đơn vị đạt chuẩn'
    assert not figures.has("tiep_can.quyet_dinh")
    ranked = rollup.ranking(catalogue, "tiep_can.dat_chuan", CRAFTED)
    assert [(r.rank, r.unit) for r in ranked] == [(1, "a"), (1, "c"), (3, "b")]
    assert all(r.rank is None for r in rollup.ranking(catalogue, "tiep_can.quyet_dinh", CRAFTED))
    assert rollup.year_pairs(catalogue, ["tiep_can.dat_chuan", "tiep_can.quyet_dinh"], CRAFTED, CRAFTED) == []


@pytest.mark.parametrize("row", ["tiep_can.dat_chuan,sum", "tiep_can.quyet_dinh,range", "tu_sach.dau_sach_moi_tu,max"])
def test_flags_texts_and_averages_take_no_rollup_rule(tmp_path, catalogue, row):
    path = tmp_path / "rollup.csv"
    path.write_text(f"indicator,rule\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2"):
        load_rollup_rules(path, catalogue)


def test_the_totals_and_ranking_tables_show_the_new_types():
    report = RollupReport(load(REPO), "province", "Bình Phước", 2024)
    rows = {row[0]: row for row in _rows(report.totals_table("II.4", "Tiếp cận").html)}
    area = len(report.area.units)  # every unit of Bình Phước in the registry counts
    assert rows["Kết quả đánh giá chuẩn tiếp cận pháp luật"][1:] == ["đơn vị", "1/2 đạt", "đếm số đơn vị", f"2/{area}"]
    assert rows["Quyết định công nhận đạt chuẩn tiếp cận pháp luật"][2:] == ["—", "không tổng hợp", f"1/{area}"]
    books = {row[0]: row for row in _rows(report.totals_table("II.3", "Tủ sách").html)}
    # (650 + 465 + 840 + 420 + 380) / 5: xã Tân Hiệp and xã Đồng Nơ reported in 2024 too
    assert books["Đầu sách bình quân mỗi tủ sách cấp xã"][2] == "551 (2.755/5)"
    assert books["Đầu sách tại tủ sách pháp luật cấp xã"][2:4] == ["2.755", "tổng"]
    decisions = {row[1]: row for row in _rows(report.ranking_table("tiep_can.quyet_dinh", "Quyết định", too_few="x").html)}
    assert decisions["Xã An Phú (mẫu)"] == ["", "Xã An Phú (mẫu)", DECISION]
    assert decisions["Thị trấn Tân Khai"][2] == "—"


def _rows(html: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    table = BeautifulSoup(html, "html.parser")
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
