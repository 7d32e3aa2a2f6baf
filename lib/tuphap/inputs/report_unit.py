"""Which day names a report's unit, and the unit as it was then: the one rule every place that names a
report's unit follows (the site's year and submissions pages, `tuphap status`, Lab's start page), so
that none names it otherwise than the report does.

The day is the report's params `date` when it has params (the day the document is signed: the report
itself takes its unit on that day, render/commune.py), else the last day of its kind's period (a unit
expected to send figures without a report yet: 30 June for the six-month report, 31 December for the
year report). So the sample 2025 six-month report of Tân Khai, dated 04/7/2025, is xã Tân Khai's (dated in
June it would be thị trấn Tân Khai's), and so is its 2025 year report, dated 20/11/2025.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.inputs.params import load_params
from tuphap.inputs.registry import Registry, Unit, last_day
from tuphap.inputs.report_kinds import ReportKinds
from tuphap.project import ProjectPaths


def period_end(kinds: ReportKinds | None, kind: str, year: int) -> dt.date:
    """The last day of a kind's period in the year (`kind` its slug, or '' for the default kind); the
    year's last day when the kinds cannot be read or do not know it."""
    if kinds is None or (kind and kind not in kinds):
        return last_day(year)
    return kinds[kind or kinds.default].period.day("end", year)


def report_day(paths: ProjectPaths, kinds: ReportKinds | None, year: int, unit: str, kind: str = "") -> dt.date:
    """The day that names the unit of the report (unit, year, kind): its params' date, else the end of its
    kind's period (also when the params cannot be read: the page that names it must still be made)."""
    folder = kinds.folder(kind) if kinds is not None and kind in kinds else kind  # 'nam' keeps the plain paths
    try:
        return _params_date(paths.params_file(year, unit, folder))
    except (TuphapError, OSError):
        return period_end(kinds, kind, year)


def _params_date(path: Path) -> dt.date:
    stat = path.stat()  # missing: OSError, the period's end decides
    return _read_date(path, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _read_date(path: Path, inode: int, size: int, mtime_ns: int) -> dt.date:
    # Once per file state: the site names every report of every year.
    return load_params(path).date


def report_unit(paths: ProjectPaths, units: Registry, kinds: ReportKinds | None, year: int, unit: str,
                kind: str = "") -> Unit | None:
    """The unit as the report (unit, year, kind) names it: on report_day. A unit that did not exist that day
    is named as it is now (its latest period); None when the registry does not know it."""
    if unit not in units:
        return None
    if len(units.periods[unit]) == 1:  # named so on any day: its params need not be read for their date
        return units.periods[unit][0]
    day = report_day(paths, kinds, year, unit, kind)
    return next((period for period in units.periods[unit] if period.holds_on(day)), units.unit(unit))
