"""data/units.csv and data/lineage.csv held to the official registry (inputs/official_registry.py).

A row that carries an official code must be that unit as the official list has it in the row's era: the
units in force since 1/7/2025 for a row from that day on, those of 30/6/2025 for a row that ends on that day
(the package holds no earlier state: rows of earlier periods are the project's own, as are rows without a
code, such as invented sample units). A merger between coded units must be the one the official conversion
gives: the same predecessors, each whole or in part."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.official_registry import LAST_OLD_DAY, REFORM_DAY, OfficialRegistry, OfficialUnit, same_name
from tuphap.inputs.registry import Merger, Registry, Unit


def official_era(unit: Unit) -> dt.date | None:
    """The day whose official list the row answers to: the reform day for a row from it on, the day
    before it for a row that ends then; None for a row of an earlier period (or spanning the reform)."""
    if unit.valid_from is not None and unit.valid_from >= REFORM_DAY:
        return REFORM_DAY
    if unit.valid_to == LAST_OLD_DAY:
        return LAST_OLD_DAY
    return None


def _era_words(day: dt.date) -> str:
    return _("since 1/7/2025") if day >= REFORM_DAY else _("on 30/6/2025")


def _described(unit: OfficialUnit) -> str:
    district = f", {unit.district}" if unit.district else ""
    return f"{unit.full_name}{district}, {unit.province}"


def _unit_problems(units: Registry, official: OfficialRegistry) -> list[DataError]:
    problems, seen = [], {}
    for periods in units.periods.values():
        for unit in periods:
            if not unit.code:
                continue
            era = official_era(unit)
            if era is None:
                if unit.valid_to is None or unit.valid_to > LAST_OLD_DAY:  # spans the reform: one side only
                    problems.append(DataError(units.file, _(
                        "a unit with an official code is a unit of one side of 1/7/2025, and this period ({period}) "
                        "spans it: end it on 2025-06-30 and give the unit from 2025-07-01 a row of its own").format(
                            period=unit.period_text), row=unit.row, field="valid_to"))
                continue
            problems.extend(_row_problems(units.file, unit, era, official))
            other = seen.setdefault((era, unit.code), unit)
            if other.slug != unit.slug:
                problems.append(DataError(units.file, _("code {code} is also unit {other!r} of row {row}: one official "
                                                        "unit, one slug").format(code=unit.code, other=other.slug, row=other.row),
                                          row=unit.row, field="code"))
    return problems


def _row_problems(file: Path, unit: Unit, era: dt.date, official: OfficialRegistry) -> list[DataError]:
    found = official.era(era).get(unit.code)
    if found is None:
        namesakes = [u for u in official.era(era).values() if same_name(u.name, unit.name) and same_name(u.province, unit.province)]
        hint = "".join(_("; the official code of {unit} is {code}").format(unit=_described(u), code=u.code) for u in namesakes[:3])
        return [DataError(file, _("code {code!r} is not in the official registry ({source}) {era}").format(
            code=unit.code, source=official.source, era=_era_words(era)) + hint, row=unit.row, field="code")]
    differing = [field for field, mine, theirs in (("kind", unit.kind, found.kind), ("name", unit.name, found.name),
                                                    ("province", unit.province, found.province),
                                                    ("district", unit.district, found.district))
                 if (mine or theirs) and not same_name(mine, theirs)]
    if not differing:
        return []
    return [DataError(file, _("the official registry ({source}) has code {code} {era} as {official}; this row says "
                              "{mine} (a renamed unit, or a code typed wrong?)").format(
                                  source=official.source, code=unit.code, era=_era_words(era), official=_described(found),
                                  mine=", ".join(part for part in (unit.full_name, unit.district, unit.province) if part)),
                      row=unit.row, field=differing[0])]


def _merger_problems(units: Registry, merger: Merger, official: OfficialRegistry, file: Path) -> list[DataError]:
    formed = next((u for u in units.periods[merger.unit] if u.valid_from == merger.effective), None)
    if formed is None or formed.code not in official.new or merger.effective != REFORM_DAY:
        return []  # not a merger of the reform between official units (a wrong code is the row's own error)
    day_before = merger.effective - dt.timedelta(days=1)
    listed = {}
    for slug, row in zip(merger.formed_from, merger.rows or (0,) * len(merger.formed_from)):
        before = next((u for u in units.periods[slug] if u.holds_on(day_before)), None)
        if before is None or not before.code:
            return []  # an invented unit among them: the project's own merger
        listed[before.code] = (slug, row, slug not in merger.partial)
    expected = {p.code: p.whole for p in official.formed_from.get(formed.code, ())}
    first_row = merger.rows[0] if merger.rows else None
    problems = []
    for code, (slug, row, whole) in listed.items():
        if code not in expected:
            problems.append(DataError(file, _("the official registry ({source}) does not list {unit!r} (code {code}) "
                                              "among the units {formed!r} was formed from").format(
                                                  source=official.source, unit=slug, code=code, formed=merger.unit),
                                      row=row or None, field="formed_from"))
        elif expected[code] != whole:
            problems.append(DataError(file, _("only part of {unit!r} went into {formed!r}: write part = yes").format(
                unit=slug, formed=merger.unit) if not expected[code] else _(
                "all of {unit!r} went into {formed!r}: leave part empty").format(unit=slug, formed=merger.unit),
                row=row or None, field="part"))
    missing = [official.old[code] for code in expected if code not in listed]
    if missing:
        problems.append(DataError(file, _("the official registry ({source}) forms {formed!r} from {count} units, and "
                                          "this file lists {listed}; missing: {missing} (tuphap init adds them)").format(
                                              source=official.source, formed=merger.unit, count=len(expected),
                                              listed=len(listed), missing=", ".join(
                                                  f"{_described(u)} ({u.code})" for u in missing)),
                                  row=first_row, field="formed_from"))
    return problems


def registry_problems(units: Registry, official: OfficialRegistry, lineage_file: Path) -> list[DataError]:
    """Every way the registry and its lineage contradict the official registry (nothing for rows without codes)."""
    problems = _unit_problems(units, official)
    for mergers in units.mergers.values():
        for merger in mergers:
            problems.extend(_merger_problems(units, merger, official, lineage_file))
    return problems


def has_codes(units: Registry) -> bool:
    return any(unit.code for periods in units.periods.values() for unit in periods)
