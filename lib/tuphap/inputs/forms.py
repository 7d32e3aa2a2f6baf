"""Excel input forms: one workbook per commune and year to fill in, and reading filled ones back.

A form has an instructions sheet, one sheet per catalogue section (label, unit of measure, last year's
figure for reference, this year's figure to fill in) and a hidden sheet naming the unit, the year and
the form version. Each section sheet keeps the indicator ids in a hidden column, so reading a form
back never depends on labels or on row positions.

Reading back is all or nothing: every cell of every given form is checked, every problem is reported
with file, sheet and cell, and the values files change only when there is none.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tuphap.atomic import write_atomically
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.catalogue import TEXT_MAX_LENGTH, EntryError, Indicator, parse_entry
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.numbers import plain
from tuphap.inputs.registry import Unit
from tuphap.inputs.values_file import ValuesUpdate, updated_values_files
from tuphap.project import ProjectPaths, check_slug, check_year

FORM_VERSION = "1"
META_SHEET = "tuphap"
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
LABEL, UNIT, LAST_YEAR, THIS_YEAR, ID = "A", "B", "C", "D", "E"

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# What each indicator type accepts, in Excel's own data validation and again when the form is read.
_RULES = {
    "count": dict(type="whole", operator="greaterThanOrEqual", formula1="0",
                  error="Nhập số nguyên không âm (ví dụ 1733); để trống nếu không có số liệu."),
    "number": dict(type="decimal", operator="greaterThanOrEqual", formula1="0",
                   error="Nhập số không âm (ví dụ 3,5); để trống nếu không có số liệu."),
    "percent": dict(type="decimal", operator="between", formula1="0", formula2="100",
                    error="Nhập tỷ lệ phần trăm từ 0 đến 100 (ví dụ 66,7 cho 66,7%)."),
    "text": dict(type="textLength", operator="lessThanOrEqual", formula1=str(TEXT_MAX_LENGTH),
                 error=f"Ghi trên một dòng, tối đa {TEXT_MAX_LENGTH} ký tự (số, ngày và cơ quan ban hành văn bản)."),
}
# '@' keeps what is typed into a text cell as text ('35/QĐ-UBND' is not a date or a number).
_NUMBER_FORMATS = {"count": "#,##0", "number": "General", "percent": "General", "flag": "General", "text": "@"}


def _rule(ind: Indicator) -> dict:
    """A flag's cell offers its two words in a drop-down list; other types take their type's rule."""
    if ind.type != "flag":
        return _RULES[ind.type]
    yes, no = ind.flag_words  # the catalogue keeps commas and quotes out of them
    return dict(type="list", formula1=f'"{yes},{no}"', error=f"Chọn “{yes}” hoặc “{no}” trong danh sách.")


def _text(cell: Cell, value: str) -> Cell:
    """Text that stays text: openpyxl would store '=...' as a formula, and Excel re-reads '=', '+',
    '-' and '@' as one when the cell is edited; a quote prefix and the string type prevent both."""
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _sheet_title(section: str, taken: set[str]) -> str:
    title = "".join("-" if char in "[]:*?/\\" else char for char in section).strip("'")[:28] or "Mục"
    unique, number = title, 2
    while unique.lower() in taken:
        unique, number = f"{title} {number}", number + 1
    taken.add(unique.lower())
    return unique


def _put(cell: Cell, value: float | str | None, ind: Indicator) -> Cell:
    """A value as the form shows it: a figure as a number, a flag as its word, a text as text."""
    if value is None:
        cell.value = None
    elif ind.type == "text":
        _text(cell, value)
    elif ind.type == "flag":
        _text(cell, ind.flag_words[0 if value else 1])
    else:
        cell.value = int(value) if ind.type == "count" or float(value).is_integer() else value
    return cell


def _fit_to_page_width(sheet: Worksheet) -> None:
    """Printed forms (some communes fill them on paper first): one page wide, as many long as needed."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _guide(sheet: Worksheet, unit: Unit, year: int) -> None:
    lines = [
        f"BIỂU NHẬP SỐ LIỆU CÔNG TÁC TƯ PHÁP NĂM {year}",
        f"Đơn vị: {unit.full_name}" + (f", {unit.district}" if unit.district else "") + f", {unit.province}",
        "",
        f"1. Nhập số liệu năm {year} vào các ô màu vàng (cột D) ở từng trang mục.",
        "2. Để trống ô nếu không có số liệu (không báo cáo); ghi 0 nếu số liệu bằng không.",
        "3. Số đếm là số nguyên (ví dụ 1733); tỷ lệ phần trăm từ 0 đến 100 (ví dụ 66,7); "
        "dấu phẩy là dấu thập phân.",
        "4. Kết quả đánh giá (ví dụ đạt/chưa đạt): chọn trong danh sách của ô. Văn bản (ví dụ quyết định "
        "công nhận): ghi số, ngày và cơ quan ban hành trên một dòng.",
        "5. Nhập trực tiếp con số, không dùng công thức.",
        f"6. Cột C là số liệu năm {year - 1}, chỉ để tham khảo.",
        "7. Không đổi tên trang, không chèn hoặc xóa dòng.",
    ]
    for row, line in enumerate(lines, start=1):
        _text(sheet.cell(row, 1), line).font = Font(bold=row == 1)
    sheet.column_dimensions["A"].width = 110
    _fit_to_page_width(sheet)
    sheet.protection.sheet = True


def _section_sheet(sheet: Worksheet, unit: Unit, year: int, section: str, indicators: list[Indicator],
                   now: dict[str, float | str], before: dict[str, float | str]) -> None:
    _text(sheet["A1"], f"BIỂU NHẬP SỐ LIỆU CÔNG TÁC TƯ PHÁP NĂM {year}").font = Font(bold=True, size=13)
    _text(sheet["A2"], unit.full_name[:1].upper() + unit.full_name[1:])
    _text(sheet["A3"], f"Mục {section}").font = Font(bold=True)
    headers = {LABEL: "Chỉ tiêu", UNIT: "Đơn vị tính", LAST_YEAR: f"Năm {year - 1} (tham khảo)",
               THIS_YEAR: f"Năm {year}", ID: "indicator"}
    for column, title in headers.items():
        cell = _text(sheet[f"{column}{HEADER_ROW}"], title)
        cell.font, cell.border = Font(bold=True), _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 32
    validations: dict[str, DataValidation] = {}

    def validation(ind: Indicator) -> DataValidation:
        rule = _rule(ind)
        key = f"{rule['type']}:{rule['formula1']}"
        if key not in validations:
            validations[key] = DataValidation(**rule, allow_blank=True, showErrorMessage=True,
                                              errorTitle="Số liệu không hợp lệ", errorStyle="stop")
            sheet.add_data_validation(validations[key])
        return validations[key]

    for row, ind in enumerate(indicators, start=FIRST_ROW):
        label = _text(sheet[f"{LABEL}{row}"], ind.label)
        label.alignment = Alignment(wrap_text=True, vertical="center")
        _text(sheet[f"{UNIT}{row}"], ind.unit)
        reference = _put(sheet[f"{LAST_YEAR}{row}"], before.get(ind.id), ind)
        reference.fill, reference.font = _REFERENCE_FILL, Font(italic=True, color="595959")
        entry = _put(sheet[f"{THIS_YEAR}{row}"], now.get(ind.id), ind)
        entry.fill, entry.protection = _INPUT_FILL, Protection(locked=False)
        validation(ind).add(entry)
        _text(sheet[f"{ID}{row}"], ind.id)
        for column in (LABEL, UNIT, LAST_YEAR, THIS_YEAR):
            sheet[f"{column}{row}"].border = _BOX
        for column in (LAST_YEAR, THIS_YEAR):
            sheet[f"{column}{row}"].number_format = _NUMBER_FORMATS[ind.type]
            if ind.type == "text":
                sheet[f"{column}{row}"].alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in ((LABEL, 62), (UNIT, 14), (LAST_YEAR, 16), (THIS_YEAR, 16)):
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions[ID].hidden = True
    sheet.freeze_panes = f"A{FIRST_ROW}"
    _fit_to_page_width(sheet)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.protection.sheet = True  # only the yellow cells can be edited; no password, it guards mistakes


def make_form(dataset: Dataset, unit_slug: str, year: int) -> bytes:
    """The .xlsx bytes of the input form of one unit and year, pre-filled with the figures on file."""
    unit, year = dataset.unit(check_slug(unit_slug)), check_year(year)
    now, before = dataset.values_for(unit.slug, year), dataset.values_for(unit.slug, year - 1)
    sections: dict[str, list[Indicator]] = {}
    for ind in dataset.catalogue:
        if not ind.derived:
            sections.setdefault(ind.section, []).append(ind)
    book = Workbook()
    _guide(book.active, unit, year)
    book.active.title = GUIDE_SHEET
    taken = {GUIDE_SHEET.lower(), META_SHEET}
    for section, indicators in sections.items():
        _section_sheet(book.create_sheet(_sheet_title(section, taken)), unit, year, section, indicators, now, before)
    meta = book.create_sheet(META_SHEET)
    for row, (key, value) in enumerate((("form", FORM_VERSION), ("unit", unit.slug), ("year", str(year))), start=1):
        _text(meta.cell(row, 1), key)
        _text(meta.cell(row, 2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_forms(paths: ProjectPaths, year: int, units: tuple[str, ...] = (), output_dir: Path | None = None) -> list[Path]:
    """One form per unit (default: every unit in data/units.csv); returns the files written."""
    dataset = Dataset.load(paths)
    year = check_year(year)
    for slug in units:
        dataset.unit(check_slug(slug))
    written = []
    for slug in units or tuple(dataset.units):
        target = paths.form_file(year, slug, output_dir)
        write_atomically(target, make_form(dataset, slug, year))
        written.append(target)
    return written


# -- reading filled forms ------------------------------------------------------------------------

class FormProblems(TuphapError):
    """Every problem found in the forms given to one ingest; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(_("{count} problem(s) in the form(s); nothing was written:").format(count=len(problems)) + "\n"
                         + "\n".join(f"- {problem}" for problem in problems))


@dataclass
class FilledForm:
    file: Path
    unit: str = ""
    year: int = 0
    values: dict[str, float | str | None] = field(default_factory=dict)  # None: left empty, "not reported"


def _cell_value(cell: Cell, ind: Indicator) -> float | str | None:
    """The value in one input cell (a float, or a str for a text indicator), or None when it is empty;
    EntryError saying what is wrong."""
    value = cell.value
    if cell.data_type == "f":
        raise EntryError(_("holds a formula ({formula}); type the figure itself "
                           "(copy the cell, then Paste Special → Values)").format(formula=str(value)[:40]))
    if cell.data_type == "e":
        raise EntryError(_("shows the error {value}").format(value=value))
    if value is None:
        return None
    if isinstance(value, bool):
        raise EntryError(_("holds {value}, not a number").format(value=str(value).upper()))
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise EntryError(_("holds a date or time ({value}): Excel turned the entry into one; format the cell "
                           "as Number and type the figure again").format(value=value))
    if isinstance(value, str):
        if not value.strip():
            return None
        number = parse_entry(ind, value)
        if not ind.quantity:
            return number  # a flag's word or 1/0, or a text
    else:
        number = float(value)
        if not math.isfinite(number):
            raise EntryError(_("{value!r} is not a number").format(value=value))
        if ind.type == "text":
            return parse_entry(ind, plain(number))  # a number typed where the cell lost its text format
        if ind.type == "flag" and number not in (0, 1):
            yes, no = ind.flag_words
            raise EntryError(_("{value!r} is not a result: choose '{yes}' or '{no}' (or write 1 or 0)").format(
                value=value, yes=yes, no=no))
        if ind.type == "count" and not number.is_integer():
            raise EntryError(_("{value!r} is not a whole number, and this indicator counts things").format(value=value))
        if ind.type == "percent" and "%" in cell.number_format:
            # A cell formatted as % stores 66,7% as 0.667: the analyst saw 66,7. Rounding to 12 digits
            # drops the binary noise of the product (66.69999999999999), far below Excel's 15 digits.
            number = float(f"{number * 100:.12g}")
    if number < 0:
        raise EntryError(_("{value!r} is negative; figures here are zero or more").format(value=value))
    if ind.type == "percent" and number > 100:
        raise EntryError(_("{value!r} is above 100; write a percentage from 0 to 100 (66,7 for 66,7%)").format(value=value))
    return number


def _read_meta(book, dataset: Dataset, problem) -> tuple[str, int] | None:
    if META_SHEET not in book.sheetnames:
        problem(_("not a tuphap form (it has no hidden sheet '{sheet}'); make forms with `tuphap form`").format(sheet=META_SHEET))
        return None
    meta = {str(row[0]): str(row[1]) for row in book[META_SHEET].iter_rows(max_col=2, values_only=True) if row[0]}
    if meta.get("form") != FORM_VERSION:
        problem(_("form version {version!r} is not {expected!r}; make a new form with `tuphap form`").format(
            version=meta.get("form"), expected=FORM_VERSION))
        return None
    try:
        slug, year = check_slug(meta.get("unit", "")), check_year(meta.get("year"))
    except TuphapError as exc:
        problem(_("sheet '{sheet}': {error}").format(sheet=META_SHEET, error=exc))
        return None
    if slug not in dataset.units:
        problem(_("the form is for unit {slug!r}, which is not in {file}").format(slug=slug, file=dataset.paths.units_file))
        return None
    return slug, year


def read_form(path: Path, dataset: Dataset) -> tuple[FilledForm, list[str]]:
    """The figures of one filled form, and every problem found in it (each naming file, sheet and cell)."""
    form, problems = FilledForm(path), []

    def problem(message: str, sheet: str | None = None, cell: str | None = None, ind_id: str | None = None) -> None:
        where = f"{path}"
        if sheet is not None:
            where += ": " + _("sheet '{sheet}'").format(sheet=sheet)
        if cell is not None:
            where += _(", cell {cell}").format(cell=cell) + (f" ({ind_id})" if ind_id else "")
        problems.append(f"{where}: {message}")

    try:
        book = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file; all mean the same here
        problem(_("cannot be read as an Excel .xlsx workbook ({error}); save it from Excel as "
                  "'Excel Workbook (*.xlsx)'").format(error=f"{type(exc).__name__}: {exc}"))
        return form, problems
    identity = _read_meta(book, dataset, problem)
    if identity is None:
        return form, problems
    form.unit, form.year = identity
    catalogue, rows_of = dataset.catalogue, {}
    for sheet in book.worksheets:
        if sheet.title in (META_SHEET, GUIDE_SHEET):
            continue
        for row in range(FIRST_ROW, sheet.max_row + 1):
            ind_id = sheet[f"{ID}{row}"].value
            if ind_id is None:
                continue
            ind_id, cell = str(ind_id).strip(), f"{THIS_YEAR}{row}"
            if ind_id not in catalogue or catalogue[ind_id].derived:
                problem(_("indicator {id!r} is not an input of {file} (the catalogue changed since the form was "
                          "made?); make a new form with `tuphap form`").format(id=ind_id, file=dataset.paths.indicators_file),
                        sheet.title, cell)
                continue
            if ind_id in rows_of:
                problem(_("indicator {id} appears twice (also at {first})").format(id=ind_id, first=rows_of[ind_id]),
                        sheet.title, cell, ind_id)
                continue
            rows_of[ind_id] = _("sheet '{sheet}'").format(sheet=sheet.title) + _(", cell {cell}").format(cell=cell)
            try:
                form.values[ind_id] = _cell_value(sheet[cell], catalogue[ind_id])
            except EntryError as exc:
                problem(str(exc), sheet.title, cell, ind_id)
    if not rows_of:
        problem(_("no indicator rows found (were sheets or rows deleted?); make a new form with `tuphap form`"))
    return form, problems


@dataclass(frozen=True)
class IngestResult:
    file: Path
    unit: str
    year: int
    update: ValuesUpdate


def ingest(paths: ProjectPaths, files: list[Path], *, dry_run: bool = False) -> list[IngestResult]:
    """Read filled forms into data/values/<year>.csv: all of them, or, on any problem, none."""
    dataset = Dataset.load(paths)
    forms, problems, seen = [], [], {}
    for path in files:
        form, found = read_form(Path(path), dataset)
        problems += found
        if found:
            continue
        key = (form.unit, form.year)
        if key in seen:
            problems.append(f"{path}: " + _("a second form for {unit} {year} (the first is {first})").format(
                unit=form.unit, year=form.year, first=seen[key]))
            continue
        seen[key] = path
        forms.append(form)
    if problems:
        raise FormProblems(problems)
    contents, updates = updated_values_files(dataset, [(f.unit, f.year, f.values) for f in forms])
    if not dry_run:
        for target, content in contents.items():
            write_atomically(target, content)
    return [IngestResult(form.file, form.unit, form.year, update) for form, update in zip(forms, updates)]
