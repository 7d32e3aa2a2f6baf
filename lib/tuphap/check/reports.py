"""Validation of whole reports: every rule and narrative check of a (unit, year), and of a project."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from tuphap.check.findings import Finding, load_error_findings
from tuphap.check.narrative import check_narrative
from tuphap.check.rules import Rule, check_values, load_rules
from tuphap.compute import rollup
from tuphap.compute.figures import Figures
from tuphap.compute.words import actual_period, commune_words
from tuphap.errors import DataErrors, TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.narrative import load_narrative
from tuphap.inputs.params import load_params
from tuphap.inputs.report_kinds import PeriodRule
from tuphap.inputs.report_unit import report_day
from tuphap.project import ProjectPaths, commune_reports


def _located(finding: Finding, root: Path, kind: str) -> Finding:
    """Files named from the project folder (data/values/2024.csv), as the user sees them, and the report
    kind named ('' the default), since one unit's six-month and year reports can both have findings."""
    file = _relative_file(finding.file, root)
    return replace(finding, file=file, kind=kind) if (file, kind) != (finding.file, finding.kind) else finding


@lru_cache(maxsize=256)
def _relative_file(file: str, root: Path) -> str:
    # Cached: a file with 200,000 bad rows gives as many findings, all naming the same file.
    path = Path(file)
    return str(path.relative_to(root)) if path.is_relative_to(root) else file


def report_findings(dataset: Dataset, unit: str, year: int, *, rules: list[Rule] | None = None,
                    kind: str = "") -> list[Finding]:
    """All findings of one (unit, year) report of a kind ('' the default): the figures of its kind's
    period, and its narrative when the report has one."""
    paths = dataset.paths
    try:
        rules = load_rules(paths.rules_file, dataset.catalogue) if rules is None else rules
    except TuphapError as exc:
        return [_located(finding, paths.root, kind) for finding in load_error_findings(exc, unit, year)]
    rule = dataset.kinds[dataset.kinds.slug(kind)].period
    kind = dataset.kinds.folder(dataset.kinds.slug(kind))  # 'nam' is named as '' is: the default kind
    day = report_day(paths, dataset.kinds, year, unit, kind)
    # The rows it reads that could not be read, its own and those it compares with, stop the report; the
    # rules are not run over figures that are not whole (a missing part would read as a wrong total).
    unreadable = rollup.unreadable_rows(dataset, unit, year, rule.code, on=day)
    findings = load_error_findings(DataErrors(unreadable), unit, year) if unreadable else \
        check_values(dataset, rules, unit, year, rule.code, covered=_covered(paths, unit, year, kind, rule), on=day)
    narrative = paths.narrative_file(year, unit, kind)
    if narrative.is_file():
        try:
            load_narrative(narrative)  # a file that cannot be read is a finding, as in the build
            params = load_params(paths.params_file(year, unit, kind))
            words = commune_words(dataset.unit(unit, on=params.date), params, year, rule)  # the words a placeholder may name
            figures = Figures(dataset.catalogue, dataset.values_for(unit, year, rule.code))
            findings += check_narrative(narrative, figures, words, rules, unit, year)
        except TuphapError as exc:  # a params or narrative file that cannot be read
            findings += load_error_findings(exc, unit, year)
    return [_located(finding, paths.root, kind) for finding in findings]


def _covered(paths: ProjectPaths, unit: str, year: int, kind: str, rule: PeriodRule) -> bool:
    """Whether the report's actual figures reach the end of its period (its params' data_period, else
    the kind's rule); a params file that cannot be read is reported with the narrative."""
    try:
        params = load_params(paths.params_file(year, unit, kind))
    except TuphapError:
        return False
    return actual_period(params, rule, year).end >= rule.day("end", year)


def report_pairs(paths: ProjectPaths, dataset: Dataset, units: tuple[str, ...] = (),
                 years: tuple[int, ...] = (), kinds: tuple[str, ...] | None = None) -> list[tuple[str, int, str]]:
    """Every (unit, year, kind) with figures of the kind's period or a params file, filtered by the given
    units, years and kinds ('' is the default kind; None: every kind)."""
    folder_of = {kind.period.code: dataset.kinds.folder(slug) for slug, kind in reversed(dataset.kinds.kinds.items())}
    found = {(report.unit, report.year, report.kind) for report in commune_reports(paths, kinds=None)}
    found |= {(unit, int(year), folder_of[period])
              for unit, year, period in zip(dataset.values["unit"], dataset.values["year"], dataset.values["period"])}
    found |= {(bad.unit, bad.year, folder_of[bad.period]) for bad in dataset.bad_rows  # a unit's only rows may be bad
              if bad.unit and bad.year is not None and bad.period is not None}
    return sorted((unit, year, kind) for unit, year, kind in found
                  if (not units or unit in units) and (not years or year in years) and (kinds is None or kind in kinds))


def validate_project(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = (),
                     kinds: tuple[str, ...] | None = None) -> tuple[list[Finding], int | None]:
    """The findings of every matching report, and how many reports were checked (None when the data
    files could not be loaded, so that no report could be). Files that cannot be loaded come back as
    findings; an unknown unit or nothing to check is the user's mistake."""
    try:
        dataset = Dataset.load(paths)
        rules = load_rules(paths.rules_file, dataset.catalogue)
    except TuphapError as exc:
        return [_located(finding, paths.root, "") for finding in load_error_findings(exc)], None
    for unit in units:
        dataset.unit(unit)
    reports = report_pairs(paths, dataset, units, years, kinds)
    if not reports:
        raise TuphapError(_("nothing to validate: no figures in data/values/ and no params file match"))
    # Rows naming no unit of the registry belong to no report, and whichever reports are checked, they are errors.
    stray = [_located(finding, paths.root, "") for finding in load_error_findings(DataErrors(dataset.stray_errors))] \
        if dataset.stray_errors else []
    return stray + [finding for unit, year, kind in reports
                    for finding in report_findings(dataset, unit, year, rules=rules, kind=kind)], len(reports)
