"""Excel input forms: one workbook per commune, year and report kind to fill in (ingest.py reads them back).

A form has an instructions sheet, one sheet per catalogue section (label, unit of measure, the figure
the report compares with for reference, this period's figure to fill in and, where the period's actual
figures stop before its end, whether it is an estimate) and a hidden sheet naming the unit, the year,
the report kind, its period and the form version (where each thing is: form_layout.py). Each section sheet keeps the indicator ids in a
hidden column, so reading a form back never depends on labels or on row positions.

Making forms is all or nothing: every file name is checked and every form made before the first is
written.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tuphap.atomic import write_all_atomically
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.catalogue import TEXT_MAX_LENGTH, Indicator
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.form_layout import (
    ESTIMATE,
    ESTIMATE_WORDS,
    FIRST_ROW,
    FORM_VERSION,
    GUIDE_SHEET,
    HEADER_ROW,
    ID,
    LABEL,
    LAST_YEAR,
    META_SHEET,
    THIS_YEAR,
    UNIT,
    UNIT_CELL,
    has_estimates,
    unit_line,
    year_header,
)
from tuphap.inputs.official_registry import slugify
from tuphap.inputs.registry import Unit
from tuphap.inputs.report_kinds import PeriodRule
from tuphap.inputs.report_unit import report_day
from tuphap.inputs.submissions import expected_units, load_due_dates
from tuphap.limits import MAX_FILE_NAME_BYTES
from tuphap.project import ProjectPaths, check_slug, check_year

__all__ = ["Reference", "NoUnits", "form_units", "make_form", "write_forms"]

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAPPED = Alignment(wrap_text=True, vertical="center")
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


def _cell_styles() -> list[NamedStyle]:
    """The looks of a section sheet's table, as the workbook's own cell styles (Excel lists them under Cell
    Styles): a cell takes its whole look in one step, where setting fill, font, border and format one by one
    made a province's forms take half as long again. New for each workbook, which owns its styles."""
    styles = [NamedStyle("Chỉ tiêu", border=_BOX, alignment=_WRAPPED), NamedStyle("Đơn vị tính", border=_BOX),
              NamedStyle("Ô ước tính", fill=_INPUT_FILL, border=_BOX, protection=Protection(locked=False),
                         alignment=Alignment(horizontal="center", vertical="center"))]
    for number_format in dict.fromkeys(_NUMBER_FORMATS.values()):
        text = {"alignment": _WRAPPED} if number_format == "@" else {}
        styles += [NamedStyle(_style_name("Tham khảo", number_format), fill=_REFERENCE_FILL, border=_BOX,
                              font=Font(italic=True, color="595959"), number_format=number_format, **text),
                   NamedStyle(_style_name("Ô nhập", number_format), fill=_INPUT_FILL, border=_BOX,
                              protection=Protection(locked=False), number_format=number_format, **text)]
    return styles


def _style_name(role: str, number_format: str) -> str:
    """A cell style per role and number format, as Excel lists it: 'Ô nhập (số đếm)', 'Tham khảo (văn bản)'."""
    return role + {"#,##0": " (số đếm)", "General": "", "@": " (văn bản)"}[number_format]


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


@dataclass(frozen=True)
class Reference:
    """What a form's reference column shows: the figures its report compares with, and, when they are
    not simply the unit's own (a merger), the sentence saying whose they are."""
    values: dict[str, float | str]
    note: str = ""


# The reference of (dataset, unit, year, period code): made where the comparison is computed (compute/,
# a layer above this one), so that a form and its report compare with the same figures.
ReferenceOf = Callable[[Dataset, str, int, str, dt.date], Reference]  # + the report's day


def own_figures(dataset: Dataset, unit: str, year: int, period: str, day: dt.date) -> Reference:
    """The unit's own figures of the year before, same period: what a report compares with unless a merger
    formed its unit during the period (`tuphap form` passes the report's own comparison instead)."""
    return Reference(dataset.values_for(unit, year - 1, period))


def form_title(period: PeriodRule, year: int) -> str:
    """'BIỂU NHẬP SỐ LIỆU CÔNG TÁC TƯ PHÁP NĂM 2025', '… 6 THÁNG ĐẦU NĂM 2025'."""
    return f"BIỂU NHẬP SỐ LIỆU CÔNG TÁC TƯ PHÁP {period.name.upper()} {year}"


def _guide(sheet: Worksheet, unit: Unit, year: int, period: PeriodRule, reference: Reference) -> None:
    before = f"{period.name} {year - 1}"
    lines = [
        form_title(period, year),
        f"Đơn vị: {unit.full_name}" + (f", {unit.district}" if unit.district else "") + f", {unit.province}",
        "",
        f"1. Nhập số liệu {period.name} {year} vào các ô màu vàng (cột D) ở từng trang mục.",
        "2. Để trống ô nếu không có số liệu (không báo cáo); ghi 0 nếu số liệu bằng không.",
        "3. Số đếm là số nguyên (ví dụ 1733); tỷ lệ phần trăm từ 0 đến 100 (ví dụ 66,7); "
        "dấu phẩy là dấu thập phân.",
        "4. Kết quả đánh giá (ví dụ đạt/chưa đạt): chọn trong danh sách của ô. Văn bản (ví dụ quyết định "
        "công nhận): ghi số, ngày và cơ quan ban hành trên một dòng.",
        "5. Nhập trực tiếp con số, không dùng công thức.",
        f"6. Cột C là số liệu {before}, chỉ để tham khảo"
        + (f". {reference.note}." if reference.note else "."),
        "7. Không đổi tên trang, không chèn hoặc xóa dòng.",
    ]
    if has_estimates(period):
        day = period.day("actual_to", year)
        # As reports write it (compute/formatting.py date_short, Nghị định 30/2020): 31/5/2025, 28/02/2025.
        actual = f"{day:%d}/{day:%m}/{day.year}" if day.month <= 2 else f"{day:%d}/{day.month}/{day.year}"
        lines.append(f"8. Số liệu thực tế tính đến ngày {actual}; số liệu từ sau ngày đó đến hết kỳ là ước tính. "
                     f"Con số nào có phần ước tính thì chọn “{ESTIMATE_WORDS[0]}” ở cột “Ước tính” (cột F).")
    for row, line in enumerate(lines, start=1):
        _text(sheet.cell(row, 1), line).font = Font(bold=row == 1)
    sheet.column_dimensions["A"].width = 110
    _fit_to_page_width(sheet)
    sheet.protection.sheet = True


def _section_sheet(sheet: Worksheet, unit: Unit, year: int, period: PeriodRule, section: str,
                   indicators: list[Indicator], now: dict[str, float | str], estimated: frozenset[str],
                   before: dict[str, float | str]) -> None:
    _text(sheet["A1"], form_title(period, year)).font = Font(bold=True, size=13)
    _text(sheet[UNIT_CELL], unit_line(unit))
    _text(sheet["A3"], f"Mục {section}").font = Font(bold=True)
    estimates = has_estimates(period)
    headers = {LABEL: "Chỉ tiêu", UNIT: "Đơn vị tính", LAST_YEAR: f"{year_header(year - 1, period)} (tham khảo)",
               THIS_YEAR: year_header(year, period), ID: "indicator", **({ESTIMATE: "Ước tính"} if estimates else {})}
    for column, title in headers.items():
        cell = _text(sheet[f"{column}{HEADER_ROW}"], title)
        cell.font, cell.border = Font(bold=True), _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 48  # three lines: "6 tháng đầu năm 2024 (tham khảo)"
    validations: dict[str, DataValidation] = {}

    def validation(ind: Indicator) -> DataValidation:
        rule = _rule(ind)
        key = f"{rule['type']}:{rule['formula1']}"
        if key not in validations:
            validations[key] = DataValidation(**rule, allow_blank=True, showErrorMessage=True,
                                              errorTitle="Số liệu không hợp lệ", errorStyle="stop")
            sheet.add_data_validation(validations[key])
        return validations[key]

    yes, no = ESTIMATE_WORDS
    estimate_choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True, showErrorMessage=True,
                                     errorTitle="Số liệu không hợp lệ", errorStyle="stop",
                                     error=f"Chọn “{yes}” nếu con số có phần ước tính, “{no}” hoặc để trống nếu không.")
    if estimates:
        sheet.add_data_validation(estimate_choice)
    for row, ind in enumerate(indicators, start=FIRST_ROW):
        number_format = _NUMBER_FORMATS[ind.type]
        # The style first: it sets a cell's whole look, quote prefix included, which _text then sets.
        cells = {LABEL: "Chỉ tiêu", UNIT: "Đơn vị tính", LAST_YEAR: _style_name("Tham khảo", number_format),
                 THIS_YEAR: _style_name("Ô nhập", number_format), **({ESTIMATE: "Ô ước tính"} if estimates else {})}
        for column, style in cells.items():
            sheet[f"{column}{row}"].style = style
        _text(sheet[f"{LABEL}{row}"], ind.label)
        _text(sheet[f"{UNIT}{row}"], ind.unit)
        _put(sheet[f"{LAST_YEAR}{row}"], before.get(ind.id), ind)
        validation(ind).add(_put(sheet[f"{THIS_YEAR}{row}"], now.get(ind.id), ind))
        _text(sheet[f"{ID}{row}"], ind.id)
        if estimates:
            if ind.id in estimated:
                _text(sheet[f"{ESTIMATE}{row}"], ESTIMATE_WORDS[0])
            estimate_choice.add(sheet[f"{ESTIMATE}{row}"])
    for column, width in ((LABEL, 62), (UNIT, 14), (LAST_YEAR, 16), (THIS_YEAR, 16), (ESTIMATE, 10)):
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions[ID].hidden = True
    sheet.freeze_panes = f"A{FIRST_ROW}"
    _fit_to_page_width(sheet)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.protection.sheet = True  # only the yellow cells can be edited; no password, it guards mistakes


def make_form(dataset: Dataset, unit_slug: str, year: int, kind: str | None = None,
              reference_of: ReferenceOf = own_figures) -> bytes:
    """The .xlsx bytes of the input form of one unit, year and report kind (by default the default kind),
    pre-filled with the figures on file; its reference column shows `reference_of`'s figures."""
    year, kind = check_year(year), kind or dataset.kinds.default
    period = dataset.kinds[kind].period
    # The form names the unit as its report does (report_unit.py): on its params date, else its period's end.
    day = report_day(dataset.paths, dataset.kinds, year, check_slug(unit_slug), kind)
    unit = dataset.unit(unit_slug, on=day)
    now, estimated = dataset.values_for(unit.slug, year, period.code), dataset.estimates_for(unit.slug, year, period.code)
    reference = reference_of(dataset, unit.slug, year, period.code, day)
    sections: dict[str, list[Indicator]] = {}
    for ind in dataset.catalogue:
        if not ind.derived:
            sections.setdefault(ind.section, []).append(ind)
    book = Workbook()
    for style in _cell_styles():
        book.add_named_style(style)
    _guide(book.active, unit, year, period, reference)
    book.active.title = GUIDE_SHEET
    taken = {GUIDE_SHEET.lower(), META_SHEET}
    for section, indicators in sections.items():
        _section_sheet(book.create_sheet(_sheet_title(section, taken)), unit, year, period, section, indicators,
                       now, estimated, reference.values)
    meta = book.create_sheet(META_SHEET)
    identity = (("form", FORM_VERSION), ("unit", unit.slug), ("year", str(year)), ("kind", kind), ("period", period.code))
    for row, (key, value) in enumerate(identity, start=1):
        _text(meta.cell(row, 1), key)
        _text(meta.cell(row, 2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check_target(target: Path, slug: str, paths: ProjectPaths) -> None:
    """A form's file name the file system can hold, at a place that is not a folder: checked for every
    unit before any form is written, so that `tuphap form` never stops half-way."""
    if len(os.fsencode(target.name)) > MAX_FILE_NAME_BYTES:
        raise TuphapError(_("the form of unit {slug} would be named with {length} bytes, more than a file system "
                            "allows ({limit}): shorten the unit's slug in {file}").format(
                                slug=slug, length=len(os.fsencode(target.name)), limit=MAX_FILE_NAME_BYTES,
                                file=paths.units_file))
    if target.is_dir():
        raise TuphapError(_("{path} is a folder, so the form of unit {slug} cannot be written there: move or "
                            "rename the folder").format(path=target, slug=slug))


class NoUnits(TuphapError):
    """The command chose no unit to make a form for (a year without units, a province none of them is in):
    a mistake in the command."""


def _province_key(name: str) -> str:
    """A province however it is written: 'Đồng Nai', 'tỉnh Đồng Nai' and 'dong-nai' are 'dong-nai';
    'TP. Hồ Chí Minh' and 'Thành phố Hồ Chí Minh' are 'ho-chi-minh'."""
    key = slugify(name)
    for prefix in ("tinh-", "thanh-pho-", "tp-"):
        key = key.removeprefix(prefix)
    return key


def form_units(dataset: Dataset, year: int, kind: str, units: tuple[str, ...] = (),
               province: str | None = None) -> list[str]:
    """The units to make forms of a year and report kind for: those given, else every unit expected to send
    those figures (submissions.py: every unit of the registry on the kind's due date that year, or at the end
    of its period without one). With `province`, only the units in that province on their form's day (the day
    that names the unit, as its report does). NoUnits when there are none, naming the nearest province."""
    due = load_due_dates(dataset.paths.due_dates_file, dataset.kinds).get((year, kind))
    chosen = list(units) or expected_units(dataset.units, year, kind, dataset.kinds, due)
    if not chosen:
        day = due or dataset.kinds[kind].period.day("end", year)
        raise NoUnits(_("no unit to make a form for: none was in {file} on {day}").format(
            file=dataset.paths.units_file, day=day.strftime("%d/%m/%Y")))
    if province is None:
        return chosen
    province_of = {slug: dataset.unit(slug, on=report_day(dataset.paths, dataset.kinds, year, slug, kind)).province
                   for slug in chosen}
    found = [slug for slug in chosen if _province_key(province_of[slug]) == _province_key(province)]
    if found:
        return found
    names = sorted(set(province_of.values()))
    nearest = difflib.get_close_matches(_province_key(province), {_province_key(name): name for name in names},
                                        n=1, cutoff=0.5)
    hint = (_("; did you mean {name!r}?").format(name=next(n for n in names if _province_key(n) == nearest[0]))
            if nearest else "")
    raise NoUnits(_("no unit of province {province!r} among the {count} unit(s) with forms for {year} ({kind}); "
                    "their provinces: {provinces}").format(province=province, count=len(chosen), year=year, kind=kind,
                                                           provinces=", ".join(names)) + hint)


def write_forms(paths: ProjectPaths, year: int, units: tuple[str, ...] = (), output_dir: Path | None = None,
                kind: str | None = None, reference_of: ReferenceOf = own_figures, *, province: str | None = None,
                on_made: Callable[[int, int], None] = lambda made, total: None) -> list[Path]:
    """One form per unit of `form_units` for the report kind (default: the default kind); `on_made(made, total)`
    is called as each form is made. Returns the files written. Nothing is written unless every form can be:
    every name is checked and every form made before the first is written."""
    dataset = Dataset.load(paths)
    year, kind = check_year(year), kind or dataset.kinds.default
    targets = {}
    for slug in form_units(dataset, year, kind, tuple(units), province):
        dataset.unit(check_slug(slug), on=report_day(paths, dataset.kinds, year, slug, kind))  # as its form names it
        targets[slug] = paths.form_file(year, slug, output_dir, dataset.kinds.folder(kind))
        _check_target(targets[slug], slug, paths)
    contents = {}
    for made, (slug, target) in enumerate(targets.items(), start=1):
        contents[target] = make_form(dataset, slug, year, kind, reference_of)
        on_made(made, len(targets))
    write_all_atomically(contents)
    return list(targets.values())
