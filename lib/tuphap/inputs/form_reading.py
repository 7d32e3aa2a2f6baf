"""Reading a filled Excel form back: which unit, year and report kind it is for, and each yellow cell's
figure with, where the kind's period has estimates, whether it is one.

A form comes back from outside, so nothing in it is taken on trust: the workbook is opened within the
limits of `tuphap.limits` (inputs/workbook.py); its hidden identity sheet must agree with what the
people filling it in saw (the unit and the period and year on every section sheet, the file's name); no other sheet
may be hidden and hold data; no cell of the form's table may be merged (a merged cell keeps only its
first figure, so the others would silently become "not reported"); and every figure must suit its
indicator and stay within the largest figure the project accepts. Every problem is reported with the
file, sheet, cell and indicator.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.worksheet.cell_range import CellRange

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.catalogue import EntryError, Indicator, parse_entry
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.form_layout import (
    ESTIMATE,
    ESTIMATE_WORDS,
    FIRST_ROW,
    FORM_VERSION,
    GUIDE_SHEET,
    HEADER_ROW,
    ID,
    LAST_COLUMN,
    META_KEYS,
    META_SHEET,
    THIS_YEAR,
    UNIT_CELL,
    YEAR_CELL,
    has_estimates,
    unit_line,
    year_header,
)
from tuphap.inputs.numbers import plain
from tuphap.inputs.report_unit import report_day
from tuphap.inputs.workbook import Sheet, read_workbook
from tuphap.limits import LARGEST_FIGURE
from tuphap.project import check_slug, check_year

_IDENTITY_CELLS = {f"{column}{row}" for column in "AB" for row in range(1, len(META_KEYS) + 1)}


@dataclass
class FilledForm:
    file: Path
    unit: str = ""
    year: int = 0
    kind: str = ""
    values: dict[str, float | str | None] = field(default_factory=dict)  # None: left empty, "not reported"
    estimates: frozenset[str] = frozenset()  # the indicators whose figure is marked an estimate
    sha256: str = ""  # of the file's bytes as they were read

    @property
    def identified(self) -> bool:
        """Whether the form's hidden identity was read and agrees with what its sheets show."""
        return bool(self.unit)


def _cell_value(cell: ReadOnlyCell, ind: Indicator) -> float | str | None:
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
    if number > LARGEST_FIGURE:  # a figure no commune reports, which reports could not print
        raise EntryError(_("{text!r} is larger than the largest figure accepted, {limit} (see Limits in "
                           "docs/data-format.md)").format(text=value, limit=f"{LARGEST_FIGURE:,}".replace(",", ".")))
    return number


def _section_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets that ask for figures: those with indicator ids in their hidden column."""
    return [sheet for sheet in sheets if sheet.title not in (META_SHEET, GUIDE_SHEET)
            and any(cell.column_letter == ID and cell.row >= FIRST_ROW for cell in sheet.cells.values())]


def _hidden_or_merged(sheets: list[Sheet], problem) -> None:
    """Data the people filling in the form could not see, and merged cells that lose figures."""
    for sheet in sheets:
        if sheet.title != META_SHEET and sheet.state != "visible" and sheet.cells:
            problem(_("the sheet is hidden (Excel state '{state}') and holds data (cell {cell}); ingest reads only "
                      "what the people filling in the form can see: unhide the sheet and check it, or make a new "
                      "form with `tuphap form` and copy the figures into it").format(
                          state=sheet.state, cell=next(iter(sheet.cells))), sheet.title)
    for sheet in _section_sheets(sheets):
        for merged in sheet.merged:
            cells = CellRange(merged)
            if cells.max_row >= HEADER_ROW and cells.min_col <= LAST_COLUMN:
                problem(_("cells {cells} are merged: a merged cell keeps only its first figure and the others would "
                          "be lost; unmerge them (Home → Merge & Center) and check each figure, or make a new form "
                          "with `tuphap form`").format(cells=merged), sheet.title)


def _kind(meta: dict[str, str | None], dataset: Dataset, problem) -> str | None:
    """The report kind the hidden sheet names, with its period: an old form names none and is the
    default kind's; a kind the project lacks, or a period that is not its kind's, was altered."""
    if "kind" not in meta and "period" not in meta:
        return dataset.kinds.default
    kind, period = meta.get("kind") or "", meta.get("period") or ""
    if kind not in dataset.kinds:
        problem(_("the form names report kind {kind!r}, which is not in {file}: the form was altered, or the kind "
                  "removed since; make a new form with `tuphap form --kind`").format(
                      kind=kind, file=dataset.kinds.path), META_SHEET, f"B{META_KEYS.index('kind') + 1}")
        return None
    expected = dataset.kinds[kind].period.code
    if period != expected:
        problem(_("the form names period {period!r} but its report kind {kind} covers period {expected!r}: the form "
                  "was altered; make a new form with `tuphap form --kind {kind}` and copy the figures into it").format(
                      period=period, kind=kind, expected=expected), META_SHEET, f"B{META_KEYS.index('period') + 1}")
        return None
    return kind


def _identity(path: Path, sheets: list[Sheet], dataset: Dataset, problem) -> tuple[str, int, str] | None:
    """The unit, year and report kind of the hidden identity sheet, once it agrees with the file's name
    and with the unit, period and year every section sheet shows."""
    meta_sheet = next((sheet for sheet in sheets if sheet.title == META_SHEET), None)
    if meta_sheet is None:
        problem(_("not a tuphap form (it has no hidden sheet '{sheet}'); make forms with `tuphap form`").format(sheet=META_SHEET))
        return None
    extra = sorted(set(meta_sheet.cells) - _IDENTITY_CELLS)
    if extra:
        problem(_("the hidden sheet holds more than the form's identity (cell {cell}): the form was altered; make "
                  "a new form with `tuphap form` and copy the figures into it").format(cell=extra[0]), META_SHEET)
        return None
    cells = meta_sheet.cells
    meta = {str(cells[f"A{row}"].value): cells.get(f"B{row}") for row in range(1, len(META_KEYS) + 1) if f"A{row}" in cells}
    meta = {key: None if cell is None else str(cell.value) for key, cell in meta.items()}
    if meta.get("form") != FORM_VERSION:
        problem(_("form version {version!r} is not {expected!r}; make a new form with `tuphap form`").format(
            version=meta.get("form"), expected=FORM_VERSION))
        return None
    try:
        slug, year = check_slug(meta.get("unit") or ""), check_year(meta.get("year"))
    except TuphapError as exc:
        problem(_("sheet '{sheet}': {error}").format(sheet=META_SHEET, error=exc))
        return None
    if slug not in dataset.units:
        problem(_("the form is for unit {slug!r}, which is not in {file}").format(slug=slug, file=dataset.paths.units_file))
        return None
    named = path.stem
    if named != slug and named in dataset.units:
        problem(_("the file is named after unit {named} but its hidden sheet '{sheet}' says unit {slug}: the form "
                  "was altered or renamed; make a new form with `tuphap form` for the unit whose figures it holds "
                  "and copy them into it").format(named=named, sheet=META_SHEET, slug=slug))
        return None
    kind = _kind(meta, dataset, problem)
    if kind is None:
        return None
    period = dataset.kinds[kind].period
    # named as `tuphap form` names it: as its report does (report_unit.py)
    shown_unit = unit_line(dataset.unit(slug, on=report_day(dataset.paths, dataset.kinds, year, slug, kind)))
    shown_year = year_header(year, period)
    for sheet in _section_sheets(sheets):
        for cell, expected in ((YEAR_CELL, shown_year), (UNIT_CELL, shown_unit)):  # the period first: the unit follows from it
            shown = sheet.cells[cell].value if cell in sheet.cells else None
            if shown != expected:
                problem(_("cell {cell} shows {shown!r} but the form's hidden sheet '{meta}' says {expected!r} "
                          "(unit {slug}, year {year}, report kind {kind}): the form was altered, or the unit renamed "
                          "since; make a new form with `tuphap form` for the unit, year and kind whose figures it "
                          "holds and copy them into it").format(cell=cell, shown=shown, meta=META_SHEET,
                                                                 expected=expected, slug=slug, year=year, kind=kind),
                        sheet.title)
                return None
    return slug, year, kind


def _estimate(cell: ReadOnlyCell | None) -> bool:
    """Whether an estimate cell says "có"; EntryError for anything but the drop-down's words or empty."""
    text = "" if cell is None or cell.value is None else str(cell.value).strip().lower()
    if text not in ("", *ESTIMATE_WORDS):
        yes, no = ESTIMATE_WORDS
        raise EntryError(_("{value!r} does not say whether the figure is an estimate: choose '{yes}' or '{no}', or "
                           "leave it empty").format(value=cell.value, yes=yes, no=no))
    return text == ESTIMATE_WORDS[0]


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

    workbook = read_workbook(path)
    form.sha256 = workbook.sha256
    for sheet, message in workbook.problems:
        problem(message, sheet)
    if problems:
        return form, problems
    _hidden_or_merged(workbook.sheets, problem)
    identity = _identity(path, workbook.sheets, dataset, problem)
    if identity is None or problems:
        return form, problems
    form.unit, form.year, form.kind = identity
    with_estimates = has_estimates(dataset.kinds[form.kind].period)
    catalogue, rows_of, estimates = dataset.catalogue, {}, set()
    for sheet in _section_sheets(workbook.sheets):
        ids = [cell for cell in sheet.cells.values() if cell.column_letter == ID and cell.row >= FIRST_ROW]
        for id_cell in sorted(ids, key=lambda cell: cell.row):
            ind_id, coordinate = str(id_cell.value).strip(), f"{THIS_YEAR}{id_cell.row}"
            if ind_id not in catalogue or catalogue[ind_id].derived:
                problem(_("indicator {id!r} is not an input of {file} (the catalogue changed since the form was "
                          "made?); make a new form with `tuphap form`").format(id=ind_id, file=dataset.paths.indicators_file),
                        sheet.title, coordinate)
                continue
            if ind_id in rows_of:
                problem(_("indicator {id} appears twice (also at {first})").format(id=ind_id, first=rows_of[ind_id]),
                        sheet.title, coordinate, ind_id)
                continue
            rows_of[ind_id] = _("sheet '{sheet}'").format(sheet=sheet.title) + _(", cell {cell}").format(cell=coordinate)
            cell = sheet.cells.get(coordinate)
            try:
                form.values[ind_id] = None if cell is None else _cell_value(cell, catalogue[ind_id])
            except EntryError as exc:
                problem(str(exc), sheet.title, coordinate, ind_id)
            if not with_estimates:
                continue
            mark = f"{ESTIMATE}{id_cell.row}"
            try:
                if _estimate(sheet.cells.get(mark)) and form.values.get(ind_id) is not None:
                    estimates.add(ind_id)  # a mark beside an empty cell says nothing: no figure to flag
            except EntryError as exc:
                problem(str(exc), sheet.title, mark, ind_id)
    form.estimates = frozenset(estimates)
    if not rows_of:
        problem(_("no indicator rows found (were sheets or rows deleted?); make a new form with `tuphap form`"))
    return form, problems
