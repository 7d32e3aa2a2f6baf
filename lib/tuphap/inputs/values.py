"""data/values/*.csv: the figures, one row per (unit, year, indicator), read into one long table."""
from __future__ import annotations

import re
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


def _value_record(path: Path, row: dict, units: Registry, catalogue: Catalogue) -> dict | None:
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
    return {"unit": unit, "year": int(row["year"]), "indicator": indicator,
            "value": _parse_value(path, row, catalogue[indicator]), "file": str(path), "row": row["_row"]}


def load_values(folder: Path, units: Registry, catalogue: Catalogue) -> pd.DataFrame:
    """Every values file, as one long table: unit, year, indicator, value (a float, or a str for a
    text indicator), plus the source file and row. Every bad row of every file is reported
    (DataErrors), not just the first."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(folder, _("no values files (*.csv) found"))
    records, seen, errors = [], {}, []
    for path in files:
        try:
            rows = read_table(path, ("unit", "year", "indicator", "value"), ("note",))
        except DataError as exc:  # the file as a whole is unreadable
            errors.append(exc)
            continue
        for row in rows:
            try:
                record = _value_record(path, row, units, catalogue)
                if record is None:
                    continue
                key = (record["unit"], record["year"], record["indicator"])
                if key in seen:
                    raise DataError(path, _("duplicate of {first} for {key}").format(first=seen[key], key=", ".join(map(str, key))),
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
    return pd.DataFrame.from_records(records, columns=["unit", "year", "indicator", "value", "file", "row"])
