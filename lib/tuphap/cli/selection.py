"""What a command is asked to work on: unit slugs and years, checked against the project before
anything runs, so that a typo is a usage error (exit 2) that names what exists."""
from __future__ import annotations

from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.i18n import _
from tuphap.inputs.registry import load_units, unknown_unit
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.project import ProjectPaths, check_selection, commune_reports

USAGE = 2  # exit status of a command asked for what cannot be


def choosing_failed(exc: TuphapError) -> int:
    """The exit status when choosing what to work on failed: 1 when a project file it reads (units.csv,
    report_kinds.yaml) is broken, a data problem as when the command runs; 2 for a usage mistake."""
    return 1 if isinstance(exc, (DataError, DataErrors)) else USAGE


def known_selection(paths: ProjectPaths, units: tuple[str, ...], years: tuple[int, ...], *,
                    rollups: tuple[str, ...] = ()) -> None:
    """Every unit is in the registry (or is one of `rollups`, roll-up keys a command accepts too), and
    every year has a report's params; the error says what there is instead."""
    check_selection(units, years)
    if units:
        registry = load_units(paths.units_file)
        for unit in units:
            if unit not in registry and unit not in rollups:
                raise unknown_unit(unit, registry, paths.units_file)
    if years:
        with_params = sorted({report.year for report in commune_reports(paths, kinds=None)})
        for year in years:
            if year not in with_params:
                raise TuphapError(_("no report for {year}: no params/{year}/<unit>.yaml under {folder} "
                                    "(years with params: {years})").format(
                    year=year, folder=paths.params_dir, years=", ".join(map(str, with_params)) or _("none")))


def kind_folders(paths: ProjectPaths, kinds: tuple[str, ...]) -> tuple[str, ...] | None:
    """The report kinds a command names, as their paths carry them ('' for the default kind); None when
    it names none (every kind). An unknown kind names the nearest one."""
    if not kinds:
        return None
    known = load_report_kinds(paths.report_kinds_file)
    for kind in kinds:
        known[kind]  # raises, naming the nearest
    return tuple(known.folder(kind) for kind in kinds)
