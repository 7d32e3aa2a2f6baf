"""An .xlsx workbook from outside, opened without trusting it.

Filled forms come back from communes by mail and USB stick. Before openpyxl builds anything from one,
the file's size, the unpacked size its archive declares and its number of sheets are checked against
`tuphap.limits`, and so is each sheet's declared dimension; then each sheet is read as a stream
(openpyxl's read-only parser), counting its cells and checking every row and column against the same
limits, since a declared dimension can lie. Only the cells that hold something are kept. A 17 KB file
that writes one cell at row 1048576 of every sheet is refused in a fraction of a second, where a full
load walked a million rows per sheet.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part  # the part load_workbook reads its sheets from
from openpyxl.utils import get_column_letter

# The parser read-only worksheets use (openpyxl is pinned): their public rows pad every gap with empty
# rows, up to row 1048576 in a hostile file, and they do not report merged cells.
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse  # defusedxml's where installed: no entity bombs

from tuphap.i18n import _
from tuphap.limits import (
    MAX_FORM_BYTES,
    MAX_FORM_CELLS,
    MAX_FORM_COLUMNS,
    MAX_FORM_ROWS,
    MAX_FORM_SHEETS,
    MAX_FORM_UNPACKED_BYTES,
)


@dataclass
class Sheet:
    title: str
    state: str  # "visible", "hidden" or "veryHidden"
    cells: dict[str, ReadOnlyCell] = field(default_factory=dict)  # by coordinate ("D6"): cells holding something
    merged: list[str] = field(default_factory=list)  # merged ranges ("D6:D7")


@dataclass
class OpenedWorkbook:
    sheets: list[Sheet]
    problems: list[tuple[str | None, str]]  # (sheet title or None for the whole file, message)
    sha256: str = ""  # of the bytes read, once they could be: the file as it was read, whatever it became since


def _file_problem(message: str) -> OpenedWorkbook:
    return OpenedWorkbook([], [(None, message)])


def _beyond_the_form(cell: str) -> str:
    return _("the sheet reaches cell {cell}; a form's sheet stays within {rows} rows and {columns} columns "
             "(A to {last}): delete what lies beyond the form's table, or make a new form with `tuphap form` "
             "and copy the figures into it").format(cell=cell, rows=MAX_FORM_ROWS, columns=MAX_FORM_COLUMNS,
                                                   last=get_column_letter(MAX_FORM_COLUMNS))


def _declared_problem(sheet) -> str | None:
    """What is wrong with the sheet's declared dimension (<dimension ref="A1:E25"/>), if anything."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_FORM_ROWS or columns > MAX_FORM_COLUMNS:
        return _beyond_the_form(f"{get_column_letter(max(columns, 1))}{rows}")
    return None


def _sheet_count(archive: zipfile.ZipFile) -> int:
    """How many sheets the workbook lists, counted before load_workbook opens every one of them (a
    workbook part may list thousands, all pointing at one small sheet)."""
    part = _find_workbook_part(Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))).PartName[1:]
    count = 0
    with archive.open(part) as source:
        for _event, element in iterparse(source):
            count += element.tag == f"{{{SHEET_MAIN_NS}}}sheet"
            element.clear()
    return count


def _read_sheet(book, sheet) -> tuple[Sheet, str | None]:
    """The sheet's cells that hold something and its merged ranges, or the first limit it breaks."""
    read = Sheet(sheet.title, sheet.sheet_state)
    stored = 0
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=False, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for row_number, row in parser.parse():
            if row_number > MAX_FORM_ROWS:
                column = row[0]["column"] if row else 1
                return read, _beyond_the_form(f"{get_column_letter(column)}{row_number}")
            for cell in row:
                stored += 1
                if stored > MAX_FORM_CELLS:
                    return read, _("the sheet stores more than {limit} cells, where a form's sheet stores a few "
                                   "hundred: make a new form with `tuphap form` and copy the figures into it").format(
                                       limit=MAX_FORM_CELLS)
                if cell["column"] > MAX_FORM_COLUMNS:
                    return read, _beyond_the_form(f"{get_column_letter(min(cell['column'], 16384))}{row_number}")
                if cell["value"] is not None:
                    kept = ReadOnlyCell(sheet, **cell)
                    read.cells[kept.coordinate] = kept
    if parser.merged_cells is not None:
        read.merged = [str(merged.ref) for merged in parser.merged_cells.mergeCell]
    return read, None


def read_workbook(path: Path) -> OpenedWorkbook:
    """The sheets of an .xlsx file, or the problems that keep it from being read (each naming the
    sheet where there is one); only cells that hold a value or a formula are kept."""
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FORM_BYTES:
                return _file_problem(_("the file has {size} bytes, where a form has about 20000 and at most {limit}: "
                                       "check that it is the right file, or make a new form with `tuphap form` and "
                                       "copy the figures into it").format(size=size, limit=MAX_FORM_BYTES))
            data = stream.read(MAX_FORM_BYTES + 1)  # the bytes checked are the bytes read, even if the file grows
        digest = hashlib.sha256(data).hexdigest()
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_FORM_UNPACKED_BYTES:
            return _file_problem(_("the workbook unpacks to {size} bytes, where a form unpacks to about 70000 "
                                   "and at most {limit}: make a new form with `tuphap form` and copy the figures "
                                   "into it").format(size=unpacked, limit=MAX_FORM_UNPACKED_BYTES))
        sheets = _sheet_count(archive)
        if sheets > MAX_FORM_SHEETS:
            return _file_problem(_("the workbook has {count} sheets, where a form has about 10 and at most {limit}: "
                                   "make a new form with `tuphap form` and copy the figures into it").format(
                                       count=sheets, limit=MAX_FORM_SHEETS))
        with warnings.catch_warnings():  # openpyxl warns of Excel extensions it drops; only values are read here
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                opened = _read_sheets(book)
            finally:
                book.close()
        opened.sha256 = digest
        return opened
    except Exception as exc:  # openpyxl and zipfile raise many kinds on a damaged or foreign file; all mean the same
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"  # openpyxl's messages run over several lines
        return _file_problem(_("cannot be read as an Excel .xlsx workbook ({error}); save it from Excel as "
                               "'Excel Workbook (*.xlsx)'").format(error=error))


def _read_sheets(book) -> OpenedWorkbook:
    declared = [(sheet.title, _declared_problem(sheet)) for sheet in book.worksheets]
    problems = [(title, problem) for title, problem in declared if problem]
    if problems:  # refused on what the sheets declare, before a row is read
        return OpenedWorkbook([], problems)
    sheets = []
    for sheet in book.worksheets:
        read, problem = _read_sheet(book, sheet)
        sheets.append(read)
        if problem:
            problems.append((sheet.title, problem))
    return OpenedWorkbook([] if problems else sheets, problems)
