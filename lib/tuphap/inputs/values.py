"""data/values/*.csv: the figures, one row per (unit, year, period, indicator), read into one long table.

Two columns are optional, so that files written before them load unchanged: `period`, the code of the
report kind's period the figure covers (data/report_kinds.yaml: `nam` for the year, `6thang` for the first
six months; empty: the default kind's), and `estimate`, whether the figure is estimated rather than
actual (yes/no, có/không; empty: no)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tuphap.errors import DataError, DataErrors
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
    return {"unit": unit, "year": int(row["year"]), "period": _period(path, row, periods), "indicator": indicator,
            "value": _parse_value(path, row, catalogue[indicator]), "estimate": _estimate(path, row),
            "file": str(path), "row": row["_row"]}


COLUMNS = ["unit", "year", "period", "indicator", "value", "estimate", "file", "row"]


def load_values(folder: Path, units: Registry, catalogue: Catalogue, periods: Periods = Periods()) -> pd.DataFrame:
    """Every values file, as one long table: unit, year, period, indicator, value (a float, or a str
    for a text indicator), estimate, plus the source file and row. Every bad row of every file is
    reported (DataErrors), not just the first."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(folder, _("no values files (*.csv) found"))
    records, seen, errors = [], {}, []
    for path in files:
        try:
            rows = read_table(path, ("unit", "year", "indicator", "value"), ("period", "estimate", "note"))
        except DataError as exc:  # the file as a whole is unreadable
            errors.append(exc)
            continue
        for row in rows:
            try:
                record = _value_record(path, row, units, catalogue, periods)
                if record is None:
                    continue
                key = (record["unit"], record["year"], record["period"], record["indicator"])
                if key in seen:
                    shown = key if record["period"] != periods.default else (record["unit"], record["year"], record["indicator"])
                    raise DataError(path, _("duplicate of {first} for {key}").format(first=seen[key], key=", ".join(map(str, shown))),
                                    row=row["_row"])
            except DataError as exc:
                errors.append(exc)
                continue
            seen[key] = _("{file} row {row}").format(file=path.name, row=row["_row"])
            records.append(record)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DataErrors(errors)
    return pd.DataFrame.from_records(records, columns=COLUMNS)
