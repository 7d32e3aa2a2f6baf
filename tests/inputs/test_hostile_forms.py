"""Filled forms that lie: merged cells, a sheet reaching row 1048576, a declared dimension that hides
cells, archive and sheet counts beyond the limits, hidden sheets, an identity edited to another unit or
year, figures no commune reports. Each is refused through the real command, naming the file, sheet,
cell and what to do, and the project's files stay exactly as they were. `tuphap form` checks every
name before it writes anything."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import form_cells, run_tuphap, tree_digest
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.forms import make_form
from tuphap.limits import (
    LARGEST_FIGURE,
    MAX_FORM_BYTES,
    MAX_FORM_CELLS,
    MAX_FORM_ROWS,
    MAX_FORM_SHEETS,
    MAX_FORM_UNPACKED_BYTES,
)
from tuphap.project import ProjectPaths


@pytest.fixture
def form(project) -> Path:
    """Tân Khai's 2024 form, as `tuphap form` makes it, in a folder of received files."""
    path = project / "nhan-ve" / "tan-khai.xlsx"
    path.parent.mkdir()
    path.write_bytes(make_form(Dataset.load(ProjectPaths(project)), "tan-khai", 2024))
    return path


def refused(project: Path, *files: Path) -> str:
    """Run `tuphap ingest` on the files; it must fail cleanly and change nothing. Returns stderr on one line."""
    before = tree_digest(project)
    result = run_tuphap("ingest", *map(str, files), root=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "nothing of this form was written" in result.stderr
    assert tree_digest(project) == before, "ingest changed data, params or outputs"
    return " ".join(result.stderr.split())


def rewrite_part(path: Path, part: str, change) -> None:
    """Replace one part of the .xlsx archive by change(its text)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def sheet_part(path: Path, title: str) -> str:
    """The archive part that holds a sheet (openpyxl numbers them in workbook order)."""
    return f"xl/worksheets/sheet{load_workbook(path, read_only=True).sheetnames.index(title) + 1}.xml"


# -- defect 4: a merged cell silently deleted a figure ----------------------------------------------

def test_merged_cells_in_the_forms_table_are_refused_and_no_figure_is_lost(project, form):
    book = load_workbook(form)
    sheet, total = form_cells(book, "ho_tich.tong")  # D6 on 'II.5'; D7 below it holds khai_sinh's 286
    assert sheet[f"D{total.row + 1}"].value == 286
    sheet.merge_cells(f"D{total.row}:D{total.row + 1}")
    book.save(form)

    errors = refused(project, form)

    assert (f"{form}: sheet 'II.5': cells D{total.row}:D{total.row + 1} are merged: a merged cell keeps only its "
            "first figure and the others would be lost; unmerge them") in errors
    assert "tan-khai,2024,ho_tich.khai_sinh,286," in (project / "data" / "values" / "2024.csv").read_text(encoding="utf-8")


def test_a_merged_title_above_the_table_is_harmless(project, form):
    book = load_workbook(form)
    book["II.1"].merge_cells("A1:E1")
    book.save(form)
    result = run_tuphap("ingest", "--dry-run", str(form), root=project)
    assert result.returncode == 0, result.stderr
    assert "(0 changed, 0 added, 0 cleared, 44 unchanged)" in result.stdout


# -- defect 5: a 17 KB workbook took 54 s and 2.4 GB ------------------------------------------------

def test_a_cell_at_row_1048576_on_every_sheet_is_refused_from_the_declared_dimensions(project, form):
    book = load_workbook(form)
    for sheet in book.worksheets:
        sheet["A1048576"] = "x"
    book.save(form)
    assert form.stat().st_size < 24_000  # a small file (the estimate column added 1 KB or so)

    errors = refused(project, form)

    assert f"{len(book.worksheets)} problem(s); nothing of this form was written" in errors
    assert (f"{form}: sheet 'II.5': the sheet reaches cell F1048576; a form's sheet stays within {MAX_FORM_ROWS} "
            "rows and 26 columns (A to Z): delete what lies beyond the form's table") in errors
    assert f"{form}: sheet 'tuphap': the sheet reaches cell B1048576" in errors


def test_a_declared_dimension_that_hides_a_far_cell_is_caught_while_reading(project, form):
    part = sheet_part(form, "II.2")
    rewrite_part(form, part, lambda xml: xml.replace(
        "</sheetData>", f'<row r="{MAX_FORM_ROWS + 1}"><c r="C{MAX_FORM_ROWS + 1}" t="n"><v>1</v></c></row></sheetData>'))
    assert re.search(r'<dimension ref="A1:F\d\d?"', zipfile.ZipFile(form).read(part).decode())  # still says small
    errors = refused(project, form)
    assert f"{form}: sheet 'II.2': the sheet reaches cell C{MAX_FORM_ROWS + 1};" in errors


def test_a_sheet_storing_more_cells_than_a_form_is_refused(project, form):
    cells = "".join(f'<c r="F{row}"/>' for row in range(6, 6 + MAX_FORM_CELLS))  # empty, one repeated column
    rewrite_part(form, sheet_part(form, "II.3"), lambda xml: xml.replace(
        "</sheetData>", f'<row r="900">{cells}</row></sheetData>'))
    errors = refused(project, form)
    assert f"{form}: sheet 'II.3': the sheet stores more than {MAX_FORM_CELLS} cells" in errors


def test_an_archive_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened(project, form):
    with zipfile.ZipFile(form, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(MAX_FORM_UNPACKED_BYTES))  # zeros: a few KB packed
    assert form.stat().st_size < 100_000
    errors = refused(project, form)
    assert re.search(rf"{re.escape(str(form))}: the workbook unpacks to \d+ bytes, where a form unpacks to about "
                     rf"70000 and at most {MAX_FORM_UNPACKED_BYTES}", errors)


def test_a_file_beyond_the_limit_is_refused_before_it_is_read(project, form):
    with zipfile.ZipFile(form, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/photo.jpg", bytes(MAX_FORM_BYTES))
    errors = refused(project, form)
    assert f"{form}: the file has {form.stat().st_size} bytes, where a form has about 20000 and at most {MAX_FORM_BYTES}" in errors


def test_a_workbook_listing_more_sheets_than_a_form_is_refused(project, form):
    extra = "".join(f'<sheet name="x{i}" sheetId="{100 + i}" state="hidden" r:id="rId3"/>' for i in range(MAX_FORM_SHEETS))
    rewrite_part(form, "xl/workbook.xml", lambda xml: xml.replace(
        "<workbook ", '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1
    ).replace("</sheets>", extra + "</sheets>"))
    errors = refused(project, form)
    assert f"{form}: the workbook has {MAX_FORM_SHEETS + 9} sheets, where a form has about 10 and at most {MAX_FORM_SHEETS}" in errors


def test_an_entity_bomb_is_not_expanded(project, form):
    entities = '<!DOCTYPE worksheet [<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)) + "]>"
    rewrite_part(form, sheet_part(form, "II.1"), lambda xml: entities + xml.replace(
        "</sheetData>", '<row r="900"><c r="F900" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'))
    assert f"{form}: cannot be read as an Excel .xlsx workbook" in refused(project, form)


# -- defect 5: a hidden sheet edited to another unit was accepted ----------------------------------

def test_the_hidden_identity_edited_to_another_unit_is_refused(project, form):
    book = load_workbook(form)
    book["tuphap"]["B2"].value = "an-phu-mau"  # Tân Khai's figures would have replaced An Phú's
    book.save(project / "nhan-ve" / "filled.xlsx")
    errors = refused(project, project / "nhan-ve" / "filled.xlsx")
    assert ("sheet 'chung': cell A2 shows 'Thị trấn Tân Khai' but the form's hidden sheet 'tuphap' says "
            "'Xã An Phú (mẫu)' (unit an-phu-mau, year 2024, report kind nam): the form was altered") in errors


def test_the_hidden_identity_edited_to_another_year_is_refused(project, form):
    book = load_workbook(form)
    book["tuphap"]["B3"].value = "2023"
    book.save(form)
    errors = refused(project, form)
    assert "sheet 'chung': cell D5 shows 'Năm 2024' but the form's hidden sheet 'tuphap' says 'Năm 2023'" in errors


def test_a_form_named_after_another_unit_is_refused(project, form):
    other = project / "nhan-ve" / "an-phu-mau.xlsx"
    other.write_bytes(make_form(Dataset.load(ProjectPaths(project)), "an-phu-mau", 2024))
    shutil.move(other, form)  # An Phú's form, saved over Tân Khai's file name
    errors = refused(project, form)
    assert f"{form}: the file is named after unit tan-khai but its hidden sheet 'tuphap' says unit an-phu-mau" in errors


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_holding_data_is_refused(project, form, state):
    book = load_workbook(form)
    book["II.3"].sheet_state = state
    book.save(form)
    errors = refused(project, form)
    assert (f"{form}: sheet 'II.3': the sheet is hidden (Excel state '{state}') and holds data (cell A1); ingest "
            "reads only what the people filling in the form can see") in errors


def test_the_identity_sheet_holding_more_than_the_identity_is_refused(project, form):
    book = load_workbook(form)
    book["tuphap"]["E40"] = 1733
    book.save(form)
    assert f"{form}: sheet 'tuphap': the hidden sheet holds more than the form's identity (cell E40)" in refused(project, form)


# -- defect 3: ingest accepted 1e30 from a form ------------------------------------------------------

def test_figures_beyond_the_largest_are_refused_naming_sheet_cell_indicator_and_limit(project, form):
    book = load_workbook(form)
    sheet, births = form_cells(book, "ho_tich.khai_sinh")
    births.value = 1e30
    _, sessions = form_cells(book, "pbgdpl.so_buoi")
    sessions.value = "1.000.000.000.000.000.000"
    book.save(form)

    errors = refused(project, form)

    limit = f"{LARGEST_FIGURE:,}".replace(",", ".")
    assert (f"{form}: sheet 'II.5', cell {births.coordinate} (ho_tich.khai_sinh): 1e+30 is larger than the largest "
            f"figure accepted, {limit}") in errors
    assert f"cell {sessions.coordinate} (pbgdpl.so_buoi): '1.000.000.000.000.000.000' is larger than the largest" in errors


# -- the 252-character slug: `tuphap form` stopped after writing some forms ---------------------------

def test_form_checks_every_unit_before_writing_any(project):
    slug = "a" * 252
    with open(project / "data" / "units.csv", "a", encoding="utf-8") as units:
        units.write(f"{slug},,xã,Dài,ấp,Hớn Quản,Bình Phước,no,,,\n")
    before = tree_digest(project)
    result = run_tuphap("form", "--year", "2024", root=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(project / "data" / "units.csv") in result.stderr and slug in result.stderr
    assert tree_digest(project) == before and not (project / "outputs" / "forms").exists()


def test_form_writes_no_form_when_one_cannot_be_written(project):
    blocked = project / "outputs" / "forms" / "2024" / "hoa-binh-mau.xlsx"
    blocked.mkdir(parents=True)  # the registry's last unit: the others used to be written first
    result = run_tuphap("form", "--year", "2024", root=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{blocked} is a folder, so the form of unit hoa-binh-mau cannot be written there" in result.stderr
    assert sorted(p.name for p in blocked.parent.iterdir()) == ["hoa-binh-mau.xlsx"]
