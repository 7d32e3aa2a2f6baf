"""data/values/*.csv: the figures, one row per (unit, year, period, indicator), read into one long table.

Two columns are optional, so that files written before them load unchanged: `period`, the code of the
report kind's period the figure covers (data/report_kinds.yaml: `nam` for the year, `6thang` for the first
six months; empty: the default kind's), and `estimate`, whether the figure is estimated rather than
actual (yes/no, có/không; empty: no).

A row with an error is left out of the table and kept as a BadRow of the unit its `unit` cell names, so
that it stops the reports that read that unit's figures and no other (compute/rollup.py, unreadable_rows)."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tuphap.errors import DataError, one_error
from tuphap.i18n import _
from tuphap.inputs.catalogue import Catalogue, EntryError, Indicator, parse_entry
from tuphap.inputs.registry import Registry
from tuphap.inputs.tables import read_table, require


def _parse_value(path: Path, row: dict, indicator: Indicator) -> float | str:
    try:
        return parse_entry(indicator, row["value"])
    except EntryError as exc:
        raise DataError(path, f"{indicator.id}: {exc}", row=row["_row"], field="value") from None


_ESTIMATE_WORDS = {"": False, "no": False, "không": False, "yes": True, "có": True}


def _period(path: Path, row: dict, periods: Periods) -> str:
    code = row.get("period", "") or periods.default
    if periods.known and code not in periods.known:
        raise DataError(path, _("unknown period {period!r}: data/report_kinds.yaml gives {periods}").format(
            period=code, periods=", ".join(sorted(periods.known))), row=row["_row"], field="period")
    return code


def _estimate(path: Path, row: dict) -> bool:
    word = row.get("estimate", "").strip().lower()
    if word not in _ESTIMATE_WORDS:
        raise DataError(path, _("estimate must be yes or no (có or không), or empty for no; found {value!r}").format(
            value=row["estimate"]), row=row["_row"], field="estimate")
    return _ESTIMATE_WORDS[word]


@dataclass(frozen=True)
class Periods:
    """The period codes figures may carry, and the one an empty `period` cell means."""
    default: str = "nam"
    known: frozenset[str] = frozenset()  # empty: any code (a scratch load that does not check them)


def _value_record(path: Path, row: dict, units: Registry, catalogue: Catalogue, periods: Periods) -> dict | None:
    """One values row checked and parsed; None for an empty cell ("not reported")."""
    unit = require(path, row, "unit")
    if unit not in units:
        raise DataError(path, _("unknown unit {unit!r} (not in data/units.csv)").format(unit=unit), row=row["_row"], field="unit")
    indicator = require(path, row, "indicator")
    if indicator not in catalogue:
        raise DataError(path, _("unknown indicator {indicator!r} (not in data/indicators.csv)").format(indicator=indicator),
                        row=row["_row"], field="indicator")
    if catalogue[indicator].derived:
        raise DataError(path, _("{indicator!r} is computed from other indicators; do not enter it").format(indicator=indicator),
                        row=row["_row"], field="indicator")
    if not re.fullmatch(r"[0-9]{4}", row["year"]):  # ASCII: '\d' and int() also read '٢٠٢٥' as 2025
        raise DataError(path, _("year {year!r} is not a four-digit year").format(year=row["year"]), row=row["_row"], field="year")
    if not units.existed_in(unit, int(row["year"])):
        raise DataError(path, _("unit {unit!r} did not exist in {year} (its periods in data/units.csv: {periods})").format(
            unit=unit, year=row["year"], periods="; ".join(p.period_text for p in units.periods[unit])),
            row=row["_row"], field="year")
    if not row["value"]:
        return None  # an empty cell means "not reported"; a zero must be written as 0
    # The names shared by many rows as one string each: a country's table has 800,000 rows
    return {"unit": sys.intern(unit), "year": int(row["year"]), "period": sys.intern(_period(path, row, periods)),
            "indicator": sys.intern(indicator), "value": _parse_value(path, row, catalogue[indicator]),
            "estimate": _estimate(path, row), "file": sys.intern(str(path)), "row": row["_row"]}


COLUMNS = ["unit", "year", "period", "indicator", "value", "estimate", "file", "row"]


@dataclass(frozen=True)
class BadRow:
    """A values row that could not be read, and whose figures it held as far as its cells tell: a unit of
    the registry ('' when it names none: then it belongs to no report), a year and a period (None when
    that cell cannot say, or the unit did not exist that year: then it concerns each of the unit's)."""
    error: DataError
    unit: str = ""
    year: int | None = None
    period: str | None = None

    def concerns(self, unit: str, year: int, period: str) -> bool:
        """Whether the figures of (unit, year, period) may be among those the row was meant to give."""
        return bool(self.unit) and self.unit == unit and self.year in (None, year) and self.period in (None, period)


@dataclass(frozen=True)
class ValuesRead:
    """The figures as read: every good row in one long table, and the rows left out for an error."""
    table: pd.DataFrame
    bad_rows: tuple[BadRow, ...] = ()


def _bad_row(error: DataError, row: dict, units: Registry, periods: Periods) -> BadRow:
    """The row's error, given to the unit its `unit` cell names when the registry has it."""
    unit = row.get("unit", "")
    if unit not in units:
        return BadRow(error)
    year = int(row["year"]) if re.fullmatch(r"[0-9]{4}", row.get("year", "")) else None
    if year is not None and not units.existed_in(unit, year):
        year = None
    period = row.get("period", "") or periods.default
    if periods.known and period not in periods.known:
        period = None
    return BadRow(DataError(error.file, error.message, row=error.row, field=error.field, unit=unit), unit, year, period)


def load_values(folder: Path, units: Registry, catalogue: Catalogue, periods: Periods = Periods()) -> ValuesRead:
    """Every values file, as one long table: unit, year, period, indicator, value (a float, or a str for
    a text indicator), estimate, plus the source file and row; and the rows that could not be read, each
    given to its unit (BadRow), so that a mistake in one unit's figures stops that unit's reports only.
    A file that cannot be read as a whole (its encoding, its header, a quote that swallows the rows
    after it) raises, with every problem found (DataErrors): nobody can tell whose figures it holds."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(folder, _("no values files (*.csv) found"))
    # Column by column, and each figure's first row by its position: a country's 800,000 rows kept as
    # dicts, with a message for each, would hold more memory than the table itself.
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    seen: dict[tuple, int] = {}
    bad_rows, unreadable = [], []

    def left_out(error: DataError, row: dict) -> None:
        bad_rows.append(_bad_row(error, row, units, periods))

    for path in files:
        try:
            rows = read_table(path, ("unit", "year", "indicator", "value"), ("period", "estimate", "note"), left_out)
        except DataError as exc:
            unreadable.append(exc)
            continue
        for row in rows:
            try:
                record = _value_record(path, row, units, catalogue, periods)
                if record is None:
                    continue
                key = (record["unit"], record["year"], record["period"], record["indicator"])
                if key in seen:
                    first = _("{file} row {row}").format(file=Path(columns["file"][seen[key]]).name, row=columns["row"][seen[key]])
                    shown = key if record["period"] != periods.default else (record["unit"], record["year"], record["indicator"])
                    raise DataError(path, _("duplicate of {first} for {key}").format(first=first, key=", ".join(map(str, shown))),
                                    row=row["_row"])
            except DataError as exc:
                left_out(exc, row)
                continue
            seen[key] = len(columns["row"])
            for name in COLUMNS:
                columns[name].append(record[name])
    if unreadable:
        errors = [*unreadable, *(bad.error for bad in bad_rows)]
        raise one_error(errors)
    bad_rows.sort(key=lambda bad: (bad.error.file, bad.error.row or 0))
    return ValuesRead(pd.DataFrame(columns, columns=COLUMNS), tuple(bad_rows))
