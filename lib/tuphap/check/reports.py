"""Validation of whole reports: every rule and narrative check of a (unit, year), and of a project."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from tuphap.check.findings import Finding, load_error_findings
from tuphap.check.narrative import check_narrative
from tuphap.check.rules import Rule, check_values, load_rules
from tuphap.compute.figures import Figures
from tuphap.compute.words import commune_words
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.narrative import load_narrative
from tuphap.inputs.params import load_params
from tuphap.project import ProjectPaths, commune_reports


def _relative(finding: Finding, root: Path) -> Finding:
    """Files named from the project folder (data/values/2024.csv), as the user sees them."""
    file = _relative_file(finding.file, root)
    return replace(finding, file=file) if file != finding.file else finding


@lru_cache(maxsize=256)
def _relative_file(file: str, root: Path) -> str:
    # Cached: a file with 200,000 bad rows gives as many findings, all naming the same file.
    path = Path(file)
    return str(path.relative_to(root)) if path.is_relative_to(root) else file


def report_findings(dataset: Dataset, unit: str, year: int, *, rules: list[Rule] | None = None) -> list[Finding]:
    """All findings of one (unit, year): its figures, and its narrative when the report has one."""
    paths = dataset.paths
    try:
        rules = load_rules(paths.rules_file, dataset.catalogue) if rules is None else rules
    except TuphapError as exc:
        return [_relative(finding, paths.root) for finding in load_error_findings(exc, unit, year)]
    findings = check_values(dataset, rules, unit, year)
    narrative = paths.narrative_file(year, unit)
    if narrative.is_file():
        try:
            load_narrative(narrative)  # a file that cannot be read is a finding, as in the build
            params = load_params(paths.params_file(year, unit))
            words = commune_words(dataset.unit(unit, on=params.date), params, year)  # the words a placeholder may name
            figures = Figures(dataset.catalogue, dataset.values_for(unit, year))
            findings += check_narrative(narrative, figures, words, rules, unit, year)
        except TuphapError as exc:  # a params or narrative file that cannot be read
            findings += load_error_findings(exc, unit, year)
    return [_relative(finding, paths.root) for finding in findings]


def report_pairs(paths: ProjectPaths, dataset: Dataset, units: tuple[str, ...] = (),
                 years: tuple[int, ...] = ()) -> list[tuple[str, int]]:
    """Every (unit, year) with figures or a params file, filtered by the given units and years."""
    pairs = {(report.unit, report.year) for report in commune_reports(paths)}
    pairs |= {(unit, int(year)) for unit, year in zip(dataset.values["unit"], dataset.values["year"])}
    return sorted((unit, year) for unit, year in pairs
                  if (not units or unit in units) and (not years or year in years))


def validate_project(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = ()
                     ) -> tuple[list[Finding], int]:
    """The findings of every matching report, and how many reports were checked. Files that cannot
    be loaded come back as findings; an unknown unit or nothing to check is the user's mistake."""
    try:
        dataset = Dataset.load(paths)
        rules = load_rules(paths.rules_file, dataset.catalogue)
    except TuphapError as exc:
        return [_relative(finding, paths.root) for finding in load_error_findings(exc)], 0
    for unit in units:
        dataset.unit(unit)
    pairs = report_pairs(paths, dataset, units, years)
    if not pairs:
        raise TuphapError(_("nothing to validate: no figures in data/values/ and no params file match"))
    return [finding for unit, year in pairs for finding in report_findings(dataset, unit, year, rules=rules)], len(pairs)
