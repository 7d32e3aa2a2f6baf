"""CSV tables as the data files are written: any of the accepted encodings, NFC text, a row number
for every message."""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.textfiles import read_text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _csv_records(path: Path, reader: csv.DictReader):
    try:
        yield from reader
    except csv.Error as exc:  # e.g. a quote never closed swallows the rest of the file
        raise DataError(path, _("not readable as CSV after row {row} ({error})").format(row=reader.line_num, error=exc)) from None


def read_table(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[dict]:
    """Rows of a CSV (UTF-8, UTF-16 or Windows-1258: see textfiles.py) as dicts of NFC strings,
    with each row's line number under '_row'."""
    if not path.is_file():
        raise DataError(path, _("file not found"))
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
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
    for row in _csv_records(path, reader):
        if None in row or None in row.values():
            message = (_("this row has more cells than the header's {count} (an unquoted comma?)") if None in row
                       else _("this row has fewer cells than the header's {count} (an unquoted comma?)"))
            raise DataError(path, message.format(count=len(header)), row=reader.line_num)
        cleaned = {key: nfc(value or "") for key, value in row.items() if key is not None}
        cleaned["_row"] = reader.line_num
        rows.append(cleaned)
    return rows


def require(path: Path, row: dict, field: str) -> str:
    """The row's value of `field`, which must not be empty."""
    if not row.get(field):
        raise DataError(path, _("empty value"), row=row["_row"], field=field)
    return row[field]
