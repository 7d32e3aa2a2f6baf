"""The `tuphap form` and `tuphap ingest` commands: Excel input forms out, filled forms in."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from tuphap.cli.selection import USAGE, choosing_failed, kind_folders, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs import submissions
from tuphap.project import ProjectPaths, check_selection


@click.command(help=help_text(
    _("Write Excel input forms (.xlsx) for communes to fill in."),
    _("One workbook per unit, at outputs/forms/<year>/<unit>.xlsx (outputs/forms/<year>/_<kind>/<unit>.xlsx for "
      "a report kind other than the default one): an instructions sheet, then a sheet "
      "per section of the indicator catalogue with each indicator's Vietnamese label and unit, the figure "
      "the report compares with for reference (for a unit formed by a merger, its predecessors' figures "
      "added up) and this period's figure (pre-filled when on file) in a yellow cell "
      "that Excel checks (whole numbers of at least 0 for counts, 0-100 for percents, a drop-down of the "
      "two words such as đạt/chưa đạt for a result, one short line for a text such as a decision). Only "
      "the yellow cells can be edited. Send the files out, then read them back with `tuphap ingest`."),
    _("A form is for one report kind of data/report_kinds.yaml (--kind; default: the default kind) and names it "
      "in its title and its hidden identity. Where the kind's actual figures stop before its period ends "
      "(its actual_to), each figure has an \"Ước tính\" cell with a drop-down có/không to mark it as an estimate."),
    examples(("tuphap form --year 2025", _("every unit in data/units.csv")),
             ("tuphap form --year 2025 --kind 6thang", _("the six-month report's forms")),
             ("tuphap form --year 2025 --unit tan-khai", ""),
             ("tuphap form --year 2025 --output-dir ~/gui-xa", ""))))
@click.option("--year", required=True, type=int, metavar="YEAR", help=_("The year the form collects figures for."))
@click.option("--unit", "units", multiple=True, metavar="SLUG",
              help=_("A unit to make a form for (repeatable; default: every unit in data/units.csv)."))
@click.option("--kind", metavar="KIND", default=None,
              help=_("The report kind the forms collect figures for (data/report_kinds.yaml; default: the default kind)."))
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIRECTORY",
              help=_("Write the forms here instead of outputs/forms/<year>/."))
@click.pass_obj
def form(root, year, units, kind, output_dir) -> None:
    """`tuphap form`: Excel input forms for the communes (help above)."""
    from tuphap.inputs import forms  # openpyxl loads slowly: only these two commands need it

    try:
        paths = ProjectPaths.discover(root)
        check_selection(units, (year,))  # a form may be for a year that has no params yet
        if units:
            known_selection(paths, units, ())
        if kind:
            kind_folders(paths, (kind,))  # an unknown kind is a usage mistake, like an unknown unit
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    try:
        for path in forms.write_forms(paths, year, units, output_dir, kind, _compared_with):
            click.echo(_("wrote {path}").format(path=path))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(_("error: cannot write the form: {message}").format(message=exc), err=True)
        sys.exit(1)


def _compared_with(dataset, unit: str, year: int, period: str, day):
    """A form's reference column: what the unit's report of that period compares with (compute/rollup.py),
    so that for a unit formed by a merger it is its predecessors' figures rolled up, as in the report."""
    from tuphap.compute.rollup import previous_year
    from tuphap.inputs.forms import Reference

    previous = previous_year(dataset, unit, year, period, on=day)
    return Reference(previous.values, previous.note(year, period_name=dataset.period_rule(period).name))


@click.command(help=help_text(
    _("Read filled Excel forms into the values file of their year and report kind."),
    _("Every cell of every form is checked first and every problem is listed with file, sheet and cell "
      "(text or a formula where a figure belongs, \"1,733\" for a count, a share above 100, a result other "
      "than its two words or 1/0, ...). If there is any problem, nothing is written. Otherwise the figures "
      "of each form's unit, year and report kind replace those on file, in data/values/<year>.csv for the "
      "default kind and data/values/<year>-<kind>.csv for another, with the figures marked \"có\" under "
      "\"Ước tính\" written as estimates: an empty cell means \"not reported\", 0 means "
      "zero. Other units' rows stay exactly as they were. Formulas are rejected: type the figures themselves. "
      "A whole form is refused when it is larger than a form can be, has merged cells in its table, a hidden "
      "sheet holding data, or a hidden identity that does not match the unit, year and period its sheets show."),
    _("Each form read in is recorded in data/submissions.csv as received now, with its file name, its SHA-256 "
      "and the number of figures it gave, for the site's page of who has sent what (and `tuphap status`). A form "
      "that arrived earlier, by e-mail for instance, takes --received with the day (and time) it arrived: the "
      "first form of a unit decides whether it was on time against the due date in params/submissions.yaml. "
      "A dry run or a refused form records nothing."),
    examples(("tuphap ingest outputs/forms/2025/tan-khai.xlsx", ""),
             ("tuphap ingest ~/nhan-ve/*.xlsx", ""),
             ("tuphap ingest --dry-run ~/nhan-ve/*.xlsx", _("check only")),
             ("tuphap ingest --received 2025-10-31 ~/thu-dien-tu/tan-khai.xlsx", _("arrived by e-mail on 31/10/2025")),
             ("tuphap ingest --received 2025-10-31T14:30 tan-khai.xlsx", _("at 14:30 that day")))))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=_("Check the forms and say what would change; write nothing."))
@click.option("--received", metavar="YYYY-MM-DD[THH:MM]",
              help=_("When the forms arrived, in local time, if earlier than now (default: now)."))
@click.pass_obj
def ingest(root, files, dry_run, received) -> None:
    """`tuphap ingest`: filled forms into the values files, each recorded as received (help above)."""
    from tuphap.inputs import forms

    try:
        arrived = submissions.parse_received(received, submissions.now()) if received else None
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(USAGE)
    try:
        paths = ProjectPaths.discover(root)
        results = forms.ingest(paths, list(files), dry_run=dry_run, received=arrived)
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except OSError as exc:  # write_atomically leaves a file it could not replace as it was
        click.echo(_("error: could not write the values or receipts file: {message}").format(message=exc), err=True)
        sys.exit(1)
    line = (_("{unit} {year}: would update {file} ({changed} changed, {added} added, {cleared} cleared, "
              "{unchanged} unchanged) from {form}") if dry_run else
            _("{unit} {year}: updated {file} ({changed} changed, {added} added, {cleared} cleared, "
              "{unchanged} unchanged) from {form}"))
    for result in results:
        u = result.update
        click.echo(line.format(unit=result.unit, year=result.year, file=u.file, changed=u.changed, added=u.added,
                               cleared=u.cleared, unchanged=u.unchanged, form=result.file))
        if result.receipt:
            click.echo(_("  recorded as received at {time} in {file}").format(
                time=result.receipt.received_text, file=paths.receipts_file))
