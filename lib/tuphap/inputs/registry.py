"""data/units.csv: the units registry, one row per unit and period (slug, official code, kind, name, hamlet
word, district, province, sample, valid_from, valid_to, and the source of the row), and data/lineage.csv
(inputs/lineage.py). Rows written from the official registry name it in `source`
(inputs/official_registry.py, inputs/registry_check.py); the others are the project's own.

A unit keeps its slug across the periods in which its name, kind, district or province held, so a
report asks the registry for the unit as it was on the report's date (`Registry.unit(slug, on=day)`),
and every other caller goes through the same method.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.tables import read_table, require
from tuphap.limits import MAX_NAME_CHARS
from tuphap.project import check_slug

UNIT_KINDS = ("xã", "phường", "thị trấn", "đặc khu")
# The names that enter the report's title, header and author: held to limits.py's MAX_NAME_CHARS.
_NAME_FIELDS = ("code", "name", "hamlet_kind", "district", "province")
_COLUMNS = ("slug", "code", "kind", "name", "hamlet_kind", "district", "province", "sample")
# Optional: a file without the periods gives each unit one open period; without `source`, every row is the
# project's own.
_OPTIONAL_COLUMNS = ("valid_from", "valid_to", "source")


@dataclass(frozen=True)
class Unit:
    """A unit as it was during one period (valid_from and valid_to included; None: open)."""
    slug: str
    code: str
    kind: str
    name: str
    hamlet_kind: str
    district: str
    province: str
    sample: bool
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""  # where the row comes from ('vietnamadminunits 1.0.4'); '' when typed in the project
    # Its line in data/units.csv, for messages; not part of what the unit is (nor of a report's fingerprint).
    row: int = field(default=0, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        """'thị trấn Tân Khai', as it reads inside a sentence."""
        return f"{self.kind} {self.name}"

    def holds_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def holds_during(self, year: int) -> bool:
        """Whether the period meets the year at all (a unit abolished on 30/6 still reported its first half)."""
        return ((self.valid_from is None or self.valid_from.year <= year)
                and (self.valid_to is None or self.valid_to.year >= year))

    @property
    def period_text(self) -> str:
        """'01/07/2025 – …', as messages name a period."""
        def show(day: dt.date | None) -> str:
            return day.strftime("%d/%m/%Y") if day else "…"
        return f"{show(self.valid_from)} – {show(self.valid_to)}"


def last_day(year: int) -> dt.date:
    """The day a report's period ends, which decides the unit's state when nothing else dates it
    (the Excel form of a year, whether a figure's unit existed)."""
    return dt.date(year, 12, 31)


@dataclass(frozen=True)
class Merger:
    """A unit formed from others (data/lineage.csv): by which resolution ('' when not known), from which
    day, and which of them went into it only in part (their figures cannot be split: a comparison leaves
    them out)."""
    unit: str
    formed_from: tuple[str, ...]
    resolution: str
    effective: dt.date
    partial: frozenset[str] = frozenset()
    rows: tuple[int, ...] = field(default=(), compare=False, repr=False)  # their lines in data/lineage.csv

    @property
    def whole(self) -> tuple[str, ...]:
        """The units that went into it whole, in the file's order."""
        return tuple(unit for unit in self.formed_from if unit not in self.partial)


@dataclass(frozen=True)
class Registry:
    """Every unit's periods (in order) and the mergers that formed units. Iterating gives the slugs."""
    periods: dict[str, tuple[Unit, ...]]
    mergers: dict[str, tuple[Merger, ...]] = field(default_factory=dict)
    file: Path = field(default=Path("data/units.csv"), compare=False)

    def __contains__(self, slug: object) -> bool:
        return slug in self.periods

    def __iter__(self) -> Iterator[str]:
        return iter(self.periods)

    def __len__(self) -> int:
        return len(self.periods)

    def unit(self, slug: str, on: dt.date | None = None) -> Unit:
        """The unit as it was on the day (a report's date); without a day, its latest period (how the
        site and messages name it today). A day on which it did not exist is an error naming its periods."""
        if slug not in self.periods:
            raise unknown_unit(slug, self, self.file)
        periods = self.periods[slug]
        if on is None:
            return periods[-1]
        for period in periods:
            if period.holds_on(on):
                return period
        raise TuphapError(_("unit {slug!r} did not exist on {day} according to {file} (its periods: {periods})").format(
            slug=slug, day=on.strftime("%d/%m/%Y"), file=self.file, periods="; ".join(p.period_text for p in periods)))

    def units_on(self, day: dt.date) -> list[Unit]:
        """Every unit that existed on the day, as it was then."""
        return [period for periods in self.periods.values() for period in periods if period.holds_on(day)]

    def existed_in(self, slug: str, year: int) -> bool:
        return any(period.holds_during(year) for period in self.periods.get(slug, ()))

    def merger_in(self, slug: str, year: int) -> Merger | None:
        """The merger that formed the unit during the year, if any: then the year before was reported by
        its predecessors (docs/data-format.md, "Comparisons across a merger")."""
        return next((m for m in self.mergers.get(slug, ()) if m.effective.year == year), None)


def parse_day(path: Path, row: dict, column: str) -> dt.date | None:
    """An ISO date (2025-07-01) from a cell, None when empty; anything else is the row's error."""
    text = row.get(column, "")
    if not text:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(path, _("{value!r} is not a date written YYYY-MM-DD (e.g. 2025-07-01)").format(value=text),
                        row=row["_row"], field=column) from None


def _unit_row(path: Path, row: dict) -> Unit:
    slug = require(path, row, "slug")
    try:
        check_slug(slug)
    except TuphapError as exc:
        raise DataError(path, str(exc), row=row["_row"], field="slug") from None
    kind = require(path, row, "kind")
    if kind not in UNIT_KINDS:
        raise DataError(path, _("kind {kind!r} is not one of {kinds}").format(kind=kind, kinds=", ".join(UNIT_KINDS)),
                        row=row["_row"], field="kind")
    if row["sample"] not in ("yes", "no"):
        raise DataError(path, _("expected 'yes' or 'no', found {value!r}").format(value=row["sample"]),
                        row=row["_row"], field="sample")
    for name_field in _NAME_FIELDS:
        if len(row[name_field]) > MAX_NAME_CHARS:
            raise DataError(path, _("{count} characters, more than the {limit} a name may have (it goes into the "
                                    "report's title)").format(count=len(row[name_field]), limit=MAX_NAME_CHARS),
                            row=row["_row"], field=name_field)
    valid_from, valid_to = parse_day(path, row, "valid_from"), parse_day(path, row, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise DataError(path, _("the period ends ({end}) before it begins ({start})").format(
            end=valid_to.isoformat(), start=valid_from.isoformat()), row=row["_row"], field="valid_to")
    return Unit(
        slug=slug, code=row["code"], kind=kind, name=require(path, row, "name"),
        hamlet_kind=require(path, row, "hamlet_kind"), district=row["district"],
        province=require(path, row, "province"), sample=row["sample"] == "yes",
        valid_from=valid_from, valid_to=valid_to, source=row.get("source", ""), row=row["_row"],
    )


def load_units(path: Path) -> Registry:
    """The registry's periods, without mergers (inputs/lineage.py adds them)."""
    periods: dict[str, list[tuple[Unit, int]]] = {}
    for row in read_table(path, _COLUMNS, _OPTIONAL_COLUMNS):
        unit = _unit_row(path, row)
        for other, other_row in periods.get(unit.slug, []):
            if _overlap(unit, other):
                message = (_("unit {slug!r} is listed twice").format(slug=unit.slug)
                           if not any((unit.valid_from, unit.valid_to, other.valid_from, other.valid_to)) else
                           _("the period {period} of unit {slug!r} overlaps the period {other} of row {row}; "
                             "the periods of one unit must not share a day").format(
                               period=unit.period_text, slug=unit.slug, other=other.period_text, row=other_row))
                raise DataError(path, message, row=row["_row"], field="valid_from" if unit.valid_from else "slug")
        periods.setdefault(unit.slug, []).append((unit, row["_row"]))
    ordered = {slug: tuple(sorted((u for u, _row in rows), key=lambda u: u.valid_from or dt.date.min))
               for slug, rows in periods.items()}
    return Registry(ordered, file=path)


def _overlap(a: Unit, b: Unit) -> bool:
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return start <= end


def unknown_unit(slug: str, units, units_file: Path) -> TuphapError:
    """The error for a slug the registry lacks, naming the nearest slug it has (a typo: tan-kai)."""
    slugs = sorted(units)
    nearest = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
    known = ", ".join(slugs[:12]) + (", …" if len(slugs) > 12 else "")
    hint = (_("; did you mean {slug!r}?").format(slug=nearest[0]) if nearest
            else _("; known units: {slugs}").format(slugs=known))
    return TuphapError(_("unknown unit {slug!r}: not in {file}").format(slug=slug, file=units_file) + hint)
