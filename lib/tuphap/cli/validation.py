"""`tuphap validate`: the data rules and narrative checks, finding by finding."""
from __future__ import annotations

import sys

import click

from tuphap.check.findings import blocking, describe_bounded
from tuphap.check.reports import validate_project
from tuphap.cli.selection import choosing_failed, kind_folders, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.limits import MAX_FINDINGS_PER_FILE
from tuphap.project import ProjectPaths


@click.command(help=help_text(
    _("Check the data against data/rules.csv and the narratives, and print the findings."),
    _("Without options every (unit, year) with figures or a params file is checked. Each finding names "
      "its severity, file and row (or line), unit and year, indicator, rule, the expected and the found "
      "value. Rows of a values file that cannot be read (a figure that cannot be read, an unknown indicator, "
      "a duplicate row) are errors of each report that reads them, its own or those it compares with; a row "
      "naming no unit of data/units.csv is an error of no report, listed first; a file that cannot be read "
      "at all is an error of every report. The first {limit} findings of each file are printed for each "
      "report, errors first, and one line counts the others.").format(limit=MAX_FINDINGS_PER_FILE),
    _("Exit status: 0 when nothing blocks a report (warnings alone do not, unless --strict), 1 when "
      "there are errors (or, with --strict, warnings), 2 when the command itself is wrong (an unknown "
      "unit, a bad option, nothing to check)."),
    examples(("tuphap validate", ""),
             ("tuphap validate --unit tan-khai --year 2024", ""),
             ("tuphap validate --year 2024 --unit an-phu-mau --unit hoa-binh-mau", ""),
             ("tuphap validate --year 2025 --kind 6thang", _("only the six-month reports")),
             ("tuphap validate --strict", _("fail on warnings too (for CI)")))))
@click.option("--unit", "units", multiple=True, metavar="SLUG", help=_("A unit to check (repeatable)."))
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help=_("A year to check (repeatable)."))
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=_("A report kind of data/report_kinds.yaml to check (repeatable; default: every kind)."))
@click.option("--strict", is_flag=True, help=_("Warnings count as errors for the exit code."))
@click.pass_obj
def validate(root, units, years, kinds, strict) -> None:
    """`tuphap validate`: every finding of the data rules and narrative checks (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, units, ())
        findings, reports = validate_project(paths, units, years, kind_folders(paths, kinds))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    for line in describe_bounded(findings):  # the first of each file; the others counted
        click.echo(line)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if reports is None:
        click.echo(_("{errors} error(s), {warnings} warning(s) in the data files; no report could be checked until "
                     "they are fixed").format(errors=errors, warnings=warnings))
    else:
        click.echo(_("{errors} error(s), {warnings} warning(s) in {reports} report(s)").format(
            errors=errors, warnings=warnings, reports=reports))
    if blocking(findings, strict=strict):
        sys.exit(1)
