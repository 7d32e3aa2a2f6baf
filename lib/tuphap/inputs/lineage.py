"""data/lineage.csv: which units a unit was formed from, by which resolution, from which day (one row
per predecessor; `part` yes when only part of the predecessor went into it, the rest into other units),
checked against the registry's periods. An absent file means no unit was formed from others; an empty
resolution, that the project does not know its number."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.registry import Merger, Registry, parse_day
from tuphap.inputs.tables import read_table, require

_COLUMNS = ("unit", "formed_from", "resolution", "effective")
_PART_WORDS = {"": False, "no": False, "không": False, "yes": True, "có": True}


def with_lineage(registry: Registry, path: Path) -> Registry:
    """The registry with the mergers of the lineage file, when there is one."""
    if not path.is_file():
        return registry
    rows_by_merger: dict[tuple[str, dt.date], list[dict]] = {}
    for row in read_table(path, _COLUMNS, ("part",)):
        for column in ("unit", "formed_from"):
            if require(path, row, column) not in registry:
                raise DataError(path, _("unknown unit {unit!r} (not in {file})").format(unit=row[column], file=registry.file),
                                row=row["_row"], field=column)
        if row.get("part", "").lower() not in _PART_WORDS:
            raise DataError(path, _("part must be yes or no (có or không), or empty for no; found {value!r}").format(
                value=row["part"]), row=row["_row"], field="part")
        effective = parse_day(path, row, "effective")
        if effective is None:
            raise DataError(path, _("empty value"), row=row["_row"], field="effective")
        rows_by_merger.setdefault((row["unit"], effective), []).append(row)
    mergers: dict[str, tuple[Merger, ...]] = {}
    for (unit, effective), rows in rows_by_merger.items():
        mergers[unit] = mergers.get(unit, ()) + (_merger(path, registry, unit, effective, rows),)
    return dataclasses.replace(registry, mergers=mergers)


def _merger(path: Path, registry: Registry, unit: str, effective: dt.date, rows: list[dict]) -> Merger:
    day_before = effective - dt.timedelta(days=1)
    first = rows[0]
    if not any(period.valid_from == effective for period in registry.periods[unit]):
        raise DataError(path, _("unit {unit!r} has no period beginning on {day} in {file}: a unit formed from others "
                                "begins a period on the day the merger takes effect").format(
                                    unit=unit, day=effective.isoformat(), file=registry.file),
                        row=first["_row"], field="effective")
    seen: set[str] = set()
    for row in rows:
        predecessor = row["formed_from"]
        if row["resolution"] != first["resolution"]:
            raise DataError(path, _("resolution {found!r} differs from {first!r} of row {row}, for the same merger").format(
                found=row["resolution"], first=first["resolution"], row=first["_row"]), row=row["_row"], field="resolution")
        if predecessor in seen:
            raise DataError(path, _("{unit!r} is listed twice as formed from {predecessor!r}").format(
                unit=unit, predecessor=predecessor), row=row["_row"], field="formed_from")
        seen.add(predecessor)
        periods = registry.periods[predecessor]
        if not any(period.holds_on(day_before) for period in periods):
            raise DataError(path, _("{predecessor!r} did not exist on {day}, the day before the merger (its periods in "
                                    "{file}: {periods})").format(
                                        predecessor=predecessor, day=day_before.isoformat(), file=registry.file,
                                        periods="; ".join(p.period_text for p in periods)),
                            row=row["_row"], field="formed_from")
        still_valid = [p for p in periods if p.valid_to is None or p.valid_to >= effective]
        if predecessor != unit and still_valid:
            raise DataError(path, _("{predecessor!r} is still valid on {day}, when {unit!r} was formed from it: end its "
                                    "period in {file} on {end}").format(
                                        predecessor=predecessor, day=effective.isoformat(), unit=unit,
                                        file=registry.file, end=day_before.isoformat()),
                            row=row["_row"], field="formed_from")
    return Merger(unit, tuple(row["formed_from"] for row in rows), first["resolution"], effective,
                  frozenset(row["formed_from"] for row in rows if _PART_WORDS[row.get("part", "").lower()]),
                  rows=tuple(row["_row"] for row in rows))
