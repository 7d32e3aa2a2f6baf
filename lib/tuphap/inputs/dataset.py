"""Everything under data/ that all reports share, loaded once per process while the files are unchanged."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.inputs.catalogue import Catalogue, load_catalogue
from tuphap.inputs.lineage import with_lineage
from tuphap.inputs.load_cache import cached_load
from tuphap.inputs.official_registry import load_official_registry
from tuphap.inputs.registry import Registry, Unit, load_units
from tuphap.inputs.registry_check import has_codes, registry_problems
from tuphap.inputs.report_kinds import PeriodRule, ReportKinds, load_report_kinds
from tuphap.inputs.textfiles import check_size
from tuphap.inputs.values import BadRow, Periods, load_values
from tuphap.limits import MAX_CSV_BYTES
from tuphap.project import ProjectPaths


@dataclass(frozen=True)
class Dataset:
    """Everything under data/ that is shared by all reports."""
    paths: ProjectPaths
    units: Registry  # iterating gives the slugs; a unit's state on a day is units.unit(slug, on=day)
    catalogue: Catalogue
    values: pd.DataFrame
    kinds: ReportKinds
    bad_rows: tuple[BadRow, ...] = ()  # values rows left out for an error, each given to its unit where it names one

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Dataset":
        """Load data/, or reuse the last load while the files' contents are unchanged: every section
        notebook loads the data, and a warm kernel runs thousands of them."""
        for path in data_files(paths):  # before hashing them: a file over its limit is refused unread
            if path.is_file():
                check_size(path, MAX_CSV_BYTES)
        key = (paths.root, data_digest(paths))
        cached = _LOADED.get(key)
        if isinstance(cached, TuphapError):  # unchanged files fail as before: not read again for every report
            raise cached
        if cached is None:
            _LOADED.clear()
            try:
                cached = cached_load(paths.root, key[1], lambda: cls._read(paths))
            except TuphapError as exc:
                _LOADED[key] = exc
                raise
            _LOADED[key] = cached
        return cached

    @classmethod
    def _read(cls, paths: ProjectPaths) -> "Dataset":
        units = load_registry(paths)
        catalogue = load_catalogue(paths.indicators_file)
        kinds = load_report_kinds(paths.report_kinds_file)
        values = load_values(paths.values_dir, units, catalogue, kinds_periods(kinds))
        return cls(paths, units, catalogue, values.table, kinds, values.bad_rows)

    def unit(self, slug: str, on: dt.date | None = None) -> Unit:
        """The unit as it was on the day (a report's date), or its latest period: Registry.unit."""
        return self.units.unit(slug, on)

    @property
    def default_period(self) -> str:
        return self.kinds[self.kinds.default].period.code

    def period_rule(self, code: str | None = None) -> PeriodRule:
        """The period rule of a period code (by default the default kind's): its start, end, actual day."""
        whole = self.kinds[self.kinds.default].period
        return next((kind.period for kind in self.kinds.kinds.values() if kind.period.code == (code or whole.code)), whole)

    @cached_property
    def _report_rows(self) -> dict[tuple[str, int, str], np.ndarray]:
        """The positions of each report's rows in the values table: made in one pass, since a country
        has some 20,000 (unit, year, period) groups and a report reads a handful."""
        if self.values.empty:
            return {}
        groups = self.values.groupby(["unit", "year", "period"], sort=False).indices
        return {(unit, int(year), period): rows for (unit, year, period), rows in groups.items()}

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        return {name: self.values[name].to_numpy() for name in ("indicator", "value", "estimate", "file", "row")}

    def _report_column(self, name: str, unit: str, year: int, period: str | None) -> np.ndarray:
        """One column of the report's rows (none when it has no figures)."""
        rows = self._report_rows.get((unit, year, period or self.default_period))
        return self._columns[name][rows] if rows is not None else self._columns[name][:0]

    def values_for(self, unit: str, year: int, period: str | None = None) -> dict[str, float | str]:
        """The unit's values for the year (for its period: by default the default kind's, the year):
        floats, and strings for text indicators (read them through Figures, whose value() is numeric only)."""
        return dict(zip(self._report_column("indicator", unit, year, period),
                        self._report_column("value", unit, year, period)))

    def estimates_for(self, unit: str, year: int, period: str | None = None) -> frozenset[str]:
        """The indicators whose figure for the unit, year and period is an estimate."""
        estimated = self._report_column("estimate", unit, year, period).astype(bool)
        return frozenset(self._report_column("indicator", unit, year, period)[estimated])

    def sources_for(self, unit: str, year: int, period: str | None = None) -> dict[str, tuple[str, int]]:
        """Where each of the unit's figures for the year (and period) was entered: {indicator: (file, row)}."""
        columns = (self._report_column(name, unit, year, period) for name in ("indicator", "file", "row"))
        return {indicator: (file, int(row)) for indicator, file, row in zip(*columns)}

    @cached_property
    def _bad_rows_by_unit(self) -> dict[str, list[BadRow]]:
        by_unit: dict[str, list[BadRow]] = {}
        for bad in self.bad_rows:
            by_unit.setdefault(bad.unit, []).append(bad)
        return by_unit

    def errors_for(self, unit: str, year: int, period: str | None = None) -> list[DataError]:
        """The errors of the unit's values rows for the year (and period) that could not be read: its
        figures for them are incomplete, so a report or roll-up that reads them must not pass them for whole."""
        period = period or self.default_period
        return [bad.error for bad in self._bad_rows_by_unit.get(unit, ()) if bad.concerns(unit, year, period)]

    @property
    def stray_errors(self) -> list[DataError]:
        """The errors of rows that name no unit of the registry (or none at all): they belong to no report."""
        return [bad.error for bad in self._bad_rows_by_unit.get("", ())]


_LOADED: dict[tuple, Dataset | TuphapError] = {}


def load_registry(paths: ProjectPaths) -> Registry:
    """data/units.csv with data/lineage.csv, held to the official registry where rows carry codes."""
    units = with_lineage(load_units(paths.units_file), paths.lineage_file)
    if has_codes(units):
        problems = registry_problems(units, load_official_registry(), paths.lineage_file)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise DataErrors(problems)
    return units


def kinds_periods(kinds: ReportKinds) -> Periods:
    return Periods(kinds[kinds.default].period.code, frozenset(kinds.periods))


def data_files(paths: ProjectPaths) -> list[Path]:
    return [paths.units_file, paths.lineage_file, paths.indicators_file, paths.report_kinds_file,
            *sorted(paths.values_dir.glob("*.csv"))]


def _file_state(path: Path) -> tuple:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


_DIGESTS: dict[tuple, str] = {}


def data_digest(paths: ProjectPaths) -> str:
    """A hash of the shared data files' names and contents (missing files hash as absent). Within a
    process it is recomputed only when a file's size, inode or modification time changes: the files
    are read for every section notebook, and with a thousand communes they are megabytes."""
    files = data_files(paths)
    state = tuple(_file_state(path) for path in files)
    if state not in _DIGESTS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0")
            if path.is_file():
                with path.open("rb") as stream:  # in chunks: a file over its size limit is refused later, not held here
                    for chunk in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(chunk)
            else:
                digest.update(b"<missing>")
        _DIGESTS.clear()
        _DIGESTS[state] = digest.hexdigest()
    return _DIGESTS[state]
