"""Updating the figures of one (unit, year, report kind) in its values file without disturbing anything else.

The default kind's figures go to data/values/<year>.csv, another kind's to data/values/<year>-<kind>.csv
with `period` and `estimate` columns (ProjectPaths.values_file); a figure marked as an estimate is
written with estimate `yes`.

Every other row keeps its exact bytes and place (other units, other years, comments in notes, quoting,
line endings, the file's encoding and byte-order mark). Within the unit's rows: a changed figure is
rewritten in place with its note kept; an unchanged one is left byte for byte; a figure left empty
drops its row, or keeps the row with an empty value when it carries a note; new figures are added
after the unit's last row, in catalogue order. The result is loaded like any build would load it
before anything is written, so an update never leaves data that fails to load.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError, one_error
from tuphap.i18n import _
from tuphap.inputs.catalogue import EntryError, Indicator, parse_entry
from tuphap.inputs.dataset import Dataset, kinds_periods
from tuphap.inputs.numbers import plain
from tuphap.inputs.textfiles import Encoding, decode_exactly
from tuphap.inputs.values import load_values

COLUMNS = ("unit", "year", "indicator", "value", "note")
KIND_COLUMNS = ("unit", "year", "period", "indicator", "value", "estimate", "note")  # a new file with estimates
_YES = {"yes", "có"}


@dataclass(frozen=True)
class ValuesUpdate:
    file: Path
    changed: int = 0
    added: int = 0
    cleared: int = 0
    unchanged: int = 0


class _Lines:
    """Feeds lines to csv.reader and remembers which lines made up the last record, so that the
    record's original text can be written back untouched."""

    def __init__(self, text: str):
        self._lines = iter(re.findall(r"[^\n]*\n|[^\n]+$", text))
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _records(text: str) -> list[tuple[list[str], str]]:
    """Each CSV record's fields with its original text (blank lines included, as empty records)."""
    lines = _Lines(text)
    records = []
    for fields in csv.reader(lines):
        records.append((fields, "".join(lines.taken)))
        lines.taken.clear()
    return records


def _row_text(header: list[str], row: dict[str, str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def _same(row: dict[str, str], value: float | str, estimated: bool, ind: Indicator) -> bool:
    """Whether the row as written already says `value` ('đạt' is the flag's 1, '1.733' is 1733) and
    whether it is an estimate."""
    text = row.get("value", "")
    try:
        same = bool(text.strip()) and parse_entry(ind, text) == value
    except EntryError:
        return False
    return same and (row.get("estimate", "").lower() in _YES) == estimated


def _stored(value: float | str) -> str:
    """A value as the values files store it: a text as written, a figure or flag plainly (1733, 3.5, 1)."""
    return value if isinstance(value, str) else plain(value)


def _with_columns(records: list[tuple[list[str], str]], columns: list[str]) -> list[tuple[list[str], str]]:
    """The file's records with columns added at the end, so that a figure's period or estimate mark can be
    written: the header names them and every row gains an empty cell, its figures unchanged."""
    if not columns:
        return records

    def widened(raw: str, cells: str) -> str:
        body = raw.rstrip("\r\n")
        return body + cells + raw[len(body):]

    header, *rows = records
    return [(header[0] + columns, widened(header[1], "".join(f",{column}" for column in columns))),
            *((fields + [""] * len(columns), widened(raw, "," * len(columns))) if fields else (fields, raw)
              for fields, raw in rows)]


def _update(path: Path, text: str, unit: str, year: int, period: str, values: dict[str, float | str | None],
            estimates: frozenset[str], dataset: Dataset) -> tuple[str, ValuesUpdate]:
    default = period == dataset.default_period
    records = _records(text) if text else []
    if not records:
        columns = COLUMNS if default and not estimates else KIND_COLUMNS
        records = [(list(columns), ",".join(columns) + "\n")]
    header = [unicodedata.normalize("NFC", name.strip()).lstrip("\ufeff") for name in records[0][0]]
    missing = [column for column, needed in (("period", not default), ("estimate", bool(estimates)))
               if needed and column not in header]
    records, header = _with_columns(records, missing), header + missing
    marks = {"estimate": "yes"} if "estimate" in header else {}
    newline = "\r\n" if records[0][1].endswith("\r\n") else "\n"
    out, last_of_unit, seen = [records[0][1]], None, set()
    counts = dict(changed=0, added=0, cleared=0, unchanged=0)
    for fields, raw in records[1:]:
        row = {name: unicodedata.normalize("NFC", cell.strip()) for name, cell in zip(header, fields)}
        ind_id = row.get("indicator", "")
        if (row.get("unit") != unit or row.get("year") != str(year) or (row.get("period") or dataset.default_period) != period
                or ind_id not in values):
            out.append(raw)
            continue
        seen.add(ind_id)
        new, ind = values[ind_id], dataset.catalogue[ind_id]
        if new is None:
            if not row.get("value"):
                out.append(raw)
            elif row.get("note"):
                out.append(_row_text(header, {**row, "value": ""}, newline))
                counts["cleared"] += 1
            else:
                counts["cleared"] += 1
                continue
        elif _same(row, new, ind_id in estimates, ind):
            out.append(raw)
            counts["unchanged"] += 1
        else:
            mark = {"estimate": "yes" if ind_id in estimates else ""} if marks else {}
            out.append(_row_text(header, {**row, "value": _stored(new), **mark}, newline))
            counts["changed"] += 1
        last_of_unit = len(out)
    added = [_row_text(header, {"unit": unit, "year": str(year), "period": "" if default else period, "indicator": ind_id,
                                "value": _stored(value), **(marks if ind_id in estimates else {})}, newline)
             for ind_id, value in values.items() if value is not None and ind_id not in seen]
    counts["added"] = len(added)
    if added:
        at = last_of_unit if last_of_unit is not None else len(out)
        if at == len(out) and out and not out[-1].endswith("\n"):
            out[-1] += newline
        out[at:at] = added
    return "".join(out), ValuesUpdate(path, **counts)


Report = tuple[str, int, str, dict[str, float | str | None], frozenset[str]]  # unit, year, kind, figures, estimates


def updated_values_files(dataset: Dataset, reports: list[Report]) -> tuple[dict[Path, bytes], list[ValuesUpdate]]:
    """The new bytes of each values file touched by these (unit, year, kind, figures, estimated indicators),
    and what changed. Raises TuphapError, and changes nothing, when the result would not load."""
    folder = dataset.paths.values_dir
    texts: dict[Path, tuple[str, Encoding]] = {}
    updates = []
    for unit, year, kind, values, estimates in reports:
        target = dataset.paths.values_file(year, dataset.kinds.folder(kind))
        period = dataset.kinds[kind].period.code
        table = dataset.values
        rows = table.loc[(table["unit"] == unit) & (table["year"] == year) & (table["period"] == period), "file"]
        elsewhere = sorted({Path(f).name for f in rows} - {target.name})
        if elsewhere:
            raise TuphapError(_("the figures of {unit} {year} are also in {files} under {folder}; "
                                "ingest updates only {file}: move them there first").format(
                unit=unit, year=year, files=", ".join(elsewhere), folder=folder, file=target.name))
        if target not in texts:
            texts[target] = decode_exactly(target, target.read_bytes()) if target.exists() else ("", Encoding(b"", "utf-8"))
        text, encoding = texts[target]
        new_text, update = _update(target, text, unit, year, period, values, estimates, dataset)
        texts[target] = (new_text, encoding)
        updates.append(update)
    contents = {}
    for target, (text, encoding) in texts.items():
        try:
            contents[target] = encoding.encode(text)
        except UnicodeEncodeError as exc:
            raise TuphapError(_("{file}: the update cannot be saved in its encoding {encoding} ({reason}); "
                                "save the file as CSV UTF-8 first").format(
                file=target, encoding=encoding.codec, reason=exc.reason)) from None
    _check_loads(dataset, contents, [(unit, year, dataset.kinds[kind].period.code) for unit, year, kind, *_rest in reports])
    return contents, updates


def _check_loads(dataset: Dataset, contents: dict[Path, bytes], written: list[tuple[str, int, str]]) -> None:
    """Load the values folder as it would be after the update, in a scratch copy: every file must still be
    readable, and the figures written, of (unit, year, period), must have no row that cannot be read
    (another unit's bad row stops that unit's reports, not this update)."""
    with tempfile.TemporaryDirectory(prefix="tuphap-ingest-") as scratch:
        for path in dataset.paths.values_dir.glob("*.csv"):
            (Path(scratch) / path.name).write_bytes(path.read_bytes())
        for path, content in contents.items():
            (Path(scratch) / path.name).write_bytes(content)
        try:
            read = load_values(Path(scratch), dataset.units, dataset.catalogue, kinds_periods(dataset.kinds))
            errors = [bad.error for bad in read.bad_rows if any(bad.concerns(*report) for report in written)]
            if errors:
                raise one_error(errors)
        except TuphapError as exc:
            message = str(exc).replace(scratch, str(dataset.paths.values_dir))
            raise TuphapError(_("after the update the values would not load, so nothing was written: {message}").format(
                message=message)) from None
