"""Excel input forms: one workbook per commune, year and report kind to fill in, and ingesting filled ones.

A form has an instructions sheet, one sheet per catalogue section (label, unit of measure, the figure
the report compares with for reference, this period's figure to fill in and, where the period's actual
figures stop before its end, whether it is an estimate) and a hidden sheet naming the unit, the year,
the report kind, its period and the form version (where each thing is: form_layout.py). Each section sheet keeps the indicator ids in a
hidden column, so reading a form back never depends on labels or on row positions.

Making forms is all or nothing too: every file name is checked and every form made before the first
is written. Ingesting is all or nothing: every cell of every given form is checked (form_reading.py),
every problem is reported with file, sheet and cell, and the values files change only when there is none.
Each form ingested is then recorded as received (inputs/submissions.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tuphap.atomic import write_atomically
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
from tuphap.inputs.form_reading import FilledForm, FormProblems, read_form
from tuphap.inputs.registry import Unit
from tuphap.inputs.report_kinds import PeriodRule
from tuphap.inputs.report_unit import report_day
from tuphap.inputs.submissions import Receipt, append_receipts, file_name, now, read_receipts
from tuphap.inputs.values_file import ValuesUpdate, updated_values_files
from tuphap.limits import MAX_FILE_NAME_BYTES
from tuphap.project import ProjectPaths, check_slug, check_year

__all__ = ["FilledForm", "FormProblems", "IngestResult", "Reference", "ingest", "make_form", "read_form", "write_forms"]

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
        label = _text(sheet[f"{LABEL}{row}"], ind.label)
        label.alignment = Alignment(wrap_text=True, vertical="center")
        _text(sheet[f"{UNIT}{row}"], ind.unit)
        reference = _put(sheet[f"{LAST_YEAR}{row}"], before.get(ind.id), ind)
        reference.fill, reference.font = _REFERENCE_FILL, Font(italic=True, color="595959")
        entry = _put(sheet[f"{THIS_YEAR}{row}"], now.get(ind.id), ind)
        entry.fill, entry.protection = _INPUT_FILL, Protection(locked=False)
        validation(ind).add(entry)
        _text(sheet[f"{ID}{row}"], ind.id)
        if estimates:
            mark = sheet[f"{ESTIMATE}{row}"]
            if ind.id in estimated:
                _text(mark, ESTIMATE_WORDS[0])
            mark.fill, mark.protection, mark.border = _INPUT_FILL, Protection(locked=False), _BOX
            mark.alignment = Alignment(horizontal="center", vertical="center")
            estimate_choice.add(mark)
        for column in (LABEL, UNIT, LAST_YEAR, THIS_YEAR):
            sheet[f"{column}{row}"].border = _BOX
        for column in (LAST_YEAR, THIS_YEAR):
            sheet[f"{column}{row}"].number_format = _NUMBER_FORMATS[ind.type]
            if ind.type == "text":
                sheet[f"{column}{row}"].alignment = Alignment(wrap_text=True, vertical="center")
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


def _write_all_or_none(contents: dict[Path, bytes]) -> None:
    """Every form is written beside its target first and renamed into place only once all are written,
    so a failure (a full disk, a name the file system refuses) leaves no new form and no stray file."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in contents.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.parent / f".form-{secrets.token_hex(6)}.tmp"  # short: the target's name may be long
            staged.append((temporary, target))
            temporary.write_bytes(content)
    except BaseException:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)


def write_forms(paths: ProjectPaths, year: int, units: tuple[str, ...] = (), output_dir: Path | None = None,
                kind: str | None = None, reference_of: ReferenceOf = own_figures) -> list[Path]:
    """One form per unit (default: every unit in data/units.csv that exists at the end of the kind's period) for the
    report kind (default: the default kind); returns the files written. Nothing is written unless every form can be."""
    dataset = Dataset.load(paths)
    year, kind = check_year(year), kind or dataset.kinds.default
    targets = {}
    end = dataset.kinds[kind].period.day("end", year)  # the units that end the period send its figures
    for slug in units or tuple(u.slug for u in dataset.units.units_on(end)):
        dataset.unit(check_slug(slug), on=report_day(paths, dataset.kinds, year, slug, kind))  # as its form names it
        targets[slug] = paths.form_file(year, slug, output_dir, dataset.kinds.folder(kind))
        _check_target(targets[slug], slug, paths)
    _write_all_or_none({target: make_form(dataset, slug, year, kind, reference_of) for slug, target in targets.items()})
    return list(targets.values())


@dataclass(frozen=True)
class IngestResult:
    file: Path
    unit: str
    year: int
    kind: str
    update: ValuesUpdate
    receipt: Receipt | None = None  # None on a dry run


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(paths: ProjectPaths, files: list[Path], *, dry_run: bool = False,
           received: tuple[dt.datetime, bool] | None = None) -> list[IngestResult]:
    """Read filled forms into the values file of their year and kind (values_file.py): all of them, or, on
    any problem, none. Each form
    written is recorded in data/submissions.csv as received now, or at `received` (the moment and whether
    its time of day is known) for a form that came earlier than it is read in. One ingest at a time per
    project folder: the values files are read, updated and replaced whole, and two ingests at once would
    each write back what the other had not yet added."""
    if dry_run:
        return _ingest(paths, files, dry_run=True, received=received)
    paths.ingest_lock_file.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(paths.ingest_lock_file):
        return _ingest(paths, files, dry_run=False, received=received)


def _ingest(paths: ProjectPaths, files: list[Path], *, dry_run: bool,
            received: tuple[dt.datetime, bool] | None) -> list[IngestResult]:
    dataset = Dataset.load(paths)
    forms, problems, seen = [], [], {}
    for path in files:
        form, found = read_form(Path(path), dataset)
        problems += found
        if found:
            continue
        key = (form.unit, form.year, form.kind)
        if key in seen:
            problems.append(f"{path}: " + _("a second form for {unit} {year} ({kind}) (the first is {first})").format(
                unit=form.unit, year=form.year, kind=form.kind, first=seen[key]))
            continue
        seen[key] = path
        forms.append(form)
    if problems:
        raise FormProblems(problems)
    contents, updates = updated_values_files(dataset, [(f.unit, f.year, f.kind, f.values, f.estimates) for f in forms])
    read_receipts(paths.receipts_file)  # a damaged receipts file refuses the ingest before anything is written
    if dry_run:
        return [IngestResult(form.file, form.unit, form.year, form.kind, update) for form, update in zip(forms, updates)]
    moment = now()
    arrived, time_known = received or (moment, True)
    receipts = [Receipt(form.unit, form.year, form.kind, arrived, time_known, moment, file_name(Path(form.file)),
                        _sha256(Path(form.file)), sum(value is not None for value in form.values.values()))
                for form in forms]
    for target, content in contents.items():
        write_atomically(target, content)
    append_receipts(paths.receipts_file, receipts)
    return [IngestResult(form.file, form.unit, form.year, form.kind, update, receipt)
            for form, update, receipt in zip(forms, updates, receipts)]
