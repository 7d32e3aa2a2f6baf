"""Updating the figures of (unit, year, report kind) reports in their values files without disturbing anything else.

The default kind's figures go to data/values/<year>.csv, another kind's to data/values/<year>-<kind>.csv
with `period` and `estimate` columns (ProjectPaths.values_file); a figure marked as an estimate is
written with estimate `yes`.

Every other row keeps its exact bytes and place (other units, other years, comments in notes, quoting,
line endings, the file's encoding and byte-order mark). Within the unit's rows: a changed figure is
rewritten in place with its note kept; an unchanged one is left byte for byte; a figure left empty
drops its row, or keeps the row with an empty value when it carries a note; new figures are added
after the unit's last row, in catalogue order. Each file is read and rewritten once however many units
change in it (an ingest of a province's forms). The result is loaded like any build would load it
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


Figures = tuple[dict[str, float | str | None], frozenset[str]]  # a unit's figures (None: cleared), its estimates


def _update(path: Path, text: str, year: int, period: str, reports: dict[str, Figures],
            dataset: Dataset) -> tuple[str, dict[str, ValuesUpdate]]:
    """The file's text with the figures of several units (of one year and period) updated, in one pass
    over its records however many units change; and what changed for each unit."""
    default = period == dataset.default_period
    records = _records(text) if text else []
    if not records:
        columns = COLUMNS if default and not any(estimates for _values, estimates in reports.values()) else KIND_COLUMNS
        records = [(list(columns), ",".join(columns) + "\n")]
    header = [unicodedata.normalize("NFC", name.strip()).lstrip("\ufeff") for name in records[0][0]]
    missing = [column for column, needed in (("period", not default),
                                             ("estimate", any(estimates for _values, estimates in reports.values())))
               if needed and column not in header]
    records, header = _with_columns(records, missing), header + missing
    marks = {"estimate": "yes"} if "estimate" in header else {}
    newline = "\r\n" if records[0][1].endswith("\r\n") else "\n"
    out = [records[0][1]]
    last_of_unit: dict[str, int] = {}  # where each unit's added rows go: after its last row
    seen: dict[str, set[str]] = {unit: set() for unit in reports}
    counts = {unit: dict(changed=0, added=0, cleared=0, unchanged=0) for unit in reports}
    at = {name: index for index, name in enumerate(header)}  # as dict(zip(header, fields)) reads a row
    unit_at, year_at, period_at, indicator_at = (at.get(name) for name in ("unit", "year", "period", "indicator"))

    def cell(fields: list[str], index: int | None) -> str:
        return unicodedata.normalize("NFC", fields[index].strip()) if index is not None and index < len(fields) else ""

    for fields, raw in records[1:]:
        unit = cell(fields, unit_at)
        if (unit not in reports or cell(fields, year_at) != str(year)
                or (cell(fields, period_at) or dataset.default_period) != period):
            out.append(raw)  # not a row these units' figures replace: skipped without reading the rest of it
            continue
        values, estimates = reports[unit]
        ind_id = cell(fields, indicator_at)
        if ind_id not in values:
            out.append(raw)
            last_of_unit[unit] = len(out)
            continue
        row = {name: unicodedata.normalize("NFC", value.strip()) for name, value in zip(header, fields)}
        seen[unit].add(ind_id)
        new, ind, count = values[ind_id], dataset.catalogue[ind_id], counts[unit]
        if new is None:
            if not row.get("value"):
                out.append(raw)
            elif row.get("note"):
                out.append(_row_text(header, {**row, "value": ""}, newline))
                count["cleared"] += 1
            else:
                count["cleared"] += 1
                continue
        elif _same(row, new, ind_id in estimates, ind):
            out.append(raw)
            count["unchanged"] += 1
        else:
            mark = {"estimate": "yes" if ind_id in estimates else ""} if marks else {}
            out.append(_row_text(header, {**row, "value": _stored(new), **mark}, newline))
            count["changed"] += 1
        last_of_unit[unit] = len(out)
    additions = []  # (where, new to the file, order, rows): a unit's new figures after its last row, in catalogue order
    for order, (unit, (values, estimates)) in enumerate(reports.items()):
        added = [_row_text(header, {"unit": unit, "year": str(year), "period": "" if default else period,
                                    "indicator": ind_id, "value": _stored(value),
                                    **(marks if ind_id in estimates else {})}, newline)
                 for ind_id, value in values.items() if value is not None and ind_id not in seen[unit]]
        counts[unit]["added"] = len(added)
        if added:
            additions.append((last_of_unit.get(unit, len(out)), unit not in last_of_unit, order, added))
    if any(where == len(out) for where, *_rest in additions) and out and not out[-1].endswith("\n"):
        out[-1] += newline
    # As if the units were updated one after the other: at the end of the file, the rows of the unit whose
    # last row ends it come first, then those of the units new to the file in the order given. Inserted
    # from the last place and the last of a place first, so that each goes in before those that follow it.
    for where, _new, _order, added in sorted(additions, reverse=True):
        out[where:where] = added
    return "".join(out), {unit: ValuesUpdate(path, **count) for unit, count in counts.items()}


Report = tuple[str, int, str, dict[str, float | str | None], frozenset[str]]  # unit, year, kind, figures, estimates


def _target(dataset: Dataset, report: Report) -> Path:
    unit, year, kind, _values, _estimates = report
    return dataset.paths.values_file(year, dataset.kinds.folder(kind))


def _decoded(target: Path) -> tuple[str, Encoding]:
    return decode_exactly(target, target.read_bytes()) if target.exists() else ("", Encoding(b"", "utf-8"))


def unwritable(dataset: Dataset, reports: list[Report]) -> dict[int, str]:
    """Why some of these reports cannot go into their values file, by their index in the list: their unit's
    figures of that year and period are also in another file (ingest would leave those as they are), or a
    text among them cannot be saved in the file's encoding. What `updated_values_files` refuses, told
    report by report, so that one report's problem does not hold back the others."""
    folder, problems, encodings = dataset.paths.values_dir, {}, {}
    files_of = dataset.values.groupby(["unit", "year", "period"])["file"].agg(set).to_dict()  # once for all reports
    for index, report in enumerate(reports):
        unit, year, kind, values, _estimates = report
        target, period = _target(dataset, report), dataset.kinds[kind].period.code
        elsewhere = sorted({Path(f).name for f in files_of.get((unit, year, period), ())} - {target.name})
        if elsewhere:
            problems[index] = _("the figures of {unit} {year} are also in {files} under {folder}; ingest updates only "
                                "{file}: move them there first").format(
                unit=unit, year=year, files=", ".join(elsewhere), folder=folder, file=target.name)
            continue
        if target not in encodings:
            encodings[target] = _decoded(target)[1]
        try:
            for value in values.values():
                if isinstance(value, str):
                    encodings[target].encode(value)
        except UnicodeEncodeError as exc:
            problems[index] = _("{file}: the update cannot be saved in its encoding {encoding} ({reason}); save the "
                                "file as CSV UTF-8 first").format(file=target, encoding=encodings[target].codec,
                                                                  reason=exc.reason)
    return problems


def updated_values_files(dataset: Dataset, reports: list[Report]) -> tuple[dict[Path, bytes], list[ValuesUpdate]]:
    """The new bytes of each values file touched by these (unit, year, kind, figures, estimated indicators),
    and what changed for each report, in their order. Raises TuphapError, and changes nothing, when a
    report cannot be written (`unwritable`) or when the result would not load; two reports of the same
    unit, year and kind are a caller's mistake (ValueError)."""
    problems = unwritable(dataset, reports)
    if problems:
        raise TuphapError(next(iter(problems.values())))
    by_target: dict[Path, dict[str, Figures]] = {}
    for report in reports:
        unit, year, kind, values, estimates = report
        of_target = by_target.setdefault(_target(dataset, report), {})
        if unit in of_target:
            raise ValueError(f"two updates of the figures of {unit} {year} ({kind}) at once")  # callers give one
        of_target[unit] = (values, estimates)
    contents, updates = {}, {}
    for target, of_target in by_target.items():
        year, kind = next((r[1], r[2]) for r in reports if _target(dataset, r) == target)
        text, encoding = _decoded(target)
        new_text, updates[target] = _update(target, text, year, dataset.kinds[kind].period.code, of_target, dataset)
        try:
            contents[target] = encoding.encode(new_text)
        except UnicodeEncodeError as exc:  # unwritable checked the new texts; this would be a note kept as it was
            raise TuphapError(_("{file}: the update cannot be saved in its encoding {encoding} ({reason}); "
                                "save the file as CSV UTF-8 first").format(
                file=target, encoding=encoding.codec, reason=exc.reason)) from None
    _check_loads(dataset, contents, [(unit, year, dataset.kinds[kind].period.code) for unit, year, kind, *_rest in reports])
    return contents, [updates[_target(dataset, report)][report[0]] for report in reports]


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
