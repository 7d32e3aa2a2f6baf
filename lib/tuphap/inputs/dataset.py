"""Everything under data/ that all reports share, loaded once per process while the files are unchanged."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from tuphap.errors import TuphapError
from tuphap.inputs.catalogue import Catalogue, load_catalogue
from tuphap.inputs.lineage import with_lineage
from tuphap.inputs.registry import Registry, Unit, load_units
from tuphap.inputs.textfiles import check_size
from tuphap.inputs.values import load_values
from tuphap.limits import MAX_CSV_BYTES
from tuphap.project import ProjectPaths


@dataclass(frozen=True)
class Dataset:
    """Everything under data/ that is shared by all reports."""
    paths: ProjectPaths
    units: Registry  # iterating gives the slugs; a unit's state on a day is units.unit(slug, on=day)
    catalogue: Catalogue
    values: pd.DataFrame

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
                units = with_lineage(load_units(paths.units_file), paths.lineage_file)
                catalogue = load_catalogue(paths.indicators_file)
                cached = cls(paths, units, catalogue, load_values(paths.values_dir, units, catalogue))
            except TuphapError as exc:
                _LOADED[key] = exc
                raise
            _LOADED[key] = cached
        return cached

    def unit(self, slug: str, on: dt.date | None = None) -> Unit:
        """The unit as it was on the day (a report's date), or its latest period: Registry.unit."""
        return self.units.unit(slug, on)

    @cached_property
    def _values_by_report(self) -> dict[tuple[str, int], dict[str, float | str]]:
        return {(unit, int(year)): dict(zip(rows["indicator"], rows["value"]))
                for (unit, year), rows in self.values.groupby(["unit", "year"])}

    def values_for(self, unit: str, year: int) -> dict[str, float | str]:
        """The unit's values for the year: floats, and strings for text indicators (read them
        through Figures, whose value() is numeric only)."""
        return dict(self._values_by_report.get((unit, year), {}))

    @cached_property
    def _sources_by_report(self) -> dict[tuple[str, int], dict[str, tuple[str, int]]]:
        return {(unit, int(year)): {ind: (file, int(row)) for ind, file, row in zip(rows["indicator"], rows["file"], rows["row"])}
                for (unit, year), rows in self.values.groupby(["unit", "year"])}

    def sources_for(self, unit: str, year: int) -> dict[str, tuple[str, int]]:
        """Where each of the unit's figures for the year was entered: {indicator: (file, row)}."""
        return dict(self._sources_by_report.get((unit, year), {}))


_LOADED: dict[tuple, Dataset | TuphapError] = {}


def data_files(paths: ProjectPaths) -> list[Path]:
    return [paths.units_file, paths.lineage_file, paths.indicators_file, *sorted(paths.values_dir.glob("*.csv"))]


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
