"""CSV tables as the data files are written: any of the accepted encodings, NFC text, a row number
for every message."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.textfiles import read_text
from tuphap.limits import MAX_CSV_BYTES, MAX_CSV_ROWS, MAX_FIELD_CHARS


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _csv_records(path: Path, reader: csv.DictReader):
    """The records with the line each starts on. The reader is strict, and a cell may not span lines:
    a quote left open would otherwise swallow every row after it into one cell, silently."""
    end = reader.line_num
    try:
        for record in reader:
            cells = [(key, value) for key, value in record.items() if isinstance(value, str)]
            start = reader.line_num - sum(value.count("\n") for _key, value in cells)
            spanning = [key for key, value in cells if "\n" in value or "\r" in value]
            if spanning:
                raise DataError(path, _("this cell runs over several lines, to line {end}, and a cell must stay on "
                                        "one line: if a quote (\") opened here is not closed on its line, close it "
                                        "(the rows after it are read into the cell)").format(end=reader.line_num),
                                row=start, field=spanning[0])
            end = reader.line_num
            yield start, record
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":  # the file ends inside a quoted cell
            raise DataError(path, _("a quote (\") opened in this row is never closed, so every row after it is "
                                    "read as part of one cell; close the quote"), row=end + 1) from None
        reached = reader.reader.line_num  # DictReader's own line_num is updated only after a good record
        if reached > end + 1:  # a quote opened here closed rows later, at another cell's quote
            raise DataError(path, _("a quote (\") opened in this row is not closed on its line, so the rows up to "
                                    "line {line} are read as part of one cell; close the quote").format(
                                line=reached), row=end + 1) from None
        if "field larger than field limit" in str(exc):  # csv's own guard, far above MAX_FIELD_CHARS
            raise DataError(path, _("a cell in this row runs over {limit} characters: a quote (\") opened in it is "
                                    "probably never closed; close the quote").format(limit=csv.field_size_limit()),
                            row=end + 1) from None
        raise DataError(path, _("not readable as CSV ({error})").format(error=exc), row=end + 1) from None


def read_table(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
               on_bad_row: Callable[[DataError, dict], None] | None = None) -> list[dict]:
    """Rows of a CSV (UTF-8, UTF-16 or Windows-1258: see textfiles.py) as dicts of NFC strings,
    with each row's line number under '_row'. A row that is wrong on its own (more or fewer cells than
    the header, a cell over its limit) raises DataError, or with `on_bad_row` is handed to it with its
    cells as far as they were read, and left out; what spoils the file as a whole (its encoding, its
    header, a quote that swallows the rows after it, too many rows) always raises."""
    if not path.is_file():
        raise DataError(path, _("file not found"))
    reader = csv.DictReader(io.StringIO(read_text(path, MAX_CSV_BYTES), newline=""), strict=True)
    header = [nfc(name) for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(path, _("missing column(s) {columns}; the header is {header}").format(
            columns=", ".join(missing), header=header), row=1)
    unknown = [name for name in header if name not in required + optional]
    if unknown:
        raise DataError(path, _("unknown column(s) {columns}").format(columns=", ".join(unknown)), row=1)
    reader.fieldnames = header
    rows = []
    for count, (line, row) in enumerate(_csv_records(path, reader)):
        if count == MAX_CSV_ROWS:
            raise DataError(path, _("more than {limit} rows: split the file (see Limits in docs/data-format.md)").format(
                limit=MAX_CSV_ROWS), row=line)
        cleaned = {key: nfc(value) for key, value in row.items() if isinstance(key, str) and isinstance(value, str)}
        cleaned["_row"] = line
        error = _row_error(path, row, cleaned, len(header))
        if error is None:
            rows.append(cleaned)
        elif on_bad_row is None:
            raise error
        else:
            on_bad_row(error, cleaned)
    return rows


def _row_error(path: Path, row: dict, cleaned: dict, columns: int) -> DataError | None:
    """What is wrong with the row on its own (`cleaned`: its cells as read), if anything."""
    if None in row or None in row.values():
        message = (_("this row has more cells than the header's {count} (an unquoted comma?)") if None in row
                   else _("this row has fewer cells than the header's {count} (an unquoted comma?)"))
        return DataError(path, message.format(count=columns), row=cleaned["_row"])
    for key, value in cleaned.items():
        if key != "_row" and len(value) > MAX_FIELD_CHARS:
            return DataError(path, _("{count} characters, more than the {limit} a cell may hold").format(
                count=len(value), limit=MAX_FIELD_CHARS), row=cleaned["_row"], field=key)
    return None


def require(path: Path, row: dict, field: str) -> str:
    """The row's value of `field`, which must not be empty."""
    if not row.get(field):
        raise DataError(path, _("empty value"), row=row["_row"], field=field)
    return row[field]
