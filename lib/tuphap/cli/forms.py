"""`tuphap form`: Excel input forms for the communes to fill in (`tuphap ingest`, cli/ingest.py, reads them back)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from tuphap.cli.selection import USAGE, choosing_failed, kind_folders, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
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
    _("By default a form is made for every unit expected to send the figures: each unit with params of that year "
      "and kind (as `tuphap status` and the site count them); for a year and kind without params yet, every unit "
      "in data/units.csv at the end of the kind's period. --province keeps the units of one province (its name "
      "or slug, as in the province column of data/units.csv on the form's date); --unit names units one by one."),
    examples(("tuphap form --year 2025", _("every unit with params/2025/<unit>.yaml")),
             ("tuphap form --year 2025 --province dong-nai", _("the units of tỉnh Đồng Nai")),
             ("tuphap form --year 2025 --kind 6thang", _("the six-month report's forms")),
             ("tuphap form --year 2025 --unit tan-khai", ""),
             ("tuphap form --year 2025 --output-dir ~/gui-xa --quiet", ""))))
@click.option("--year", required=True, type=int, metavar="YEAR", help=_("The year the form collects figures for."))
@click.option("--unit", "units", multiple=True, metavar="SLUG",
              help=_("A unit to make a form for (repeatable; default: every unit expected to send the figures)."))
@click.option("--province", metavar="NAME",
              help=_("Only the units of this province (a name such as \"Đồng Nai\" or a slug such as dong-nai)."))
@click.option("--kind", metavar="KIND", default=None,
              help=_("The report kind the forms collect figures for (data/report_kinds.yaml; default: the default kind)."))
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIRECTORY",
              help=_("Write the forms here instead of outputs/forms/<year>/."))
@click.option("--quiet", "-q", is_flag=True, help=_("No progress bar and no line per form; only how many were written."))
@click.pass_obj
def form(root, year, units, province, kind, output_dir, quiet) -> None:
    """`tuphap form`: Excel input forms for the communes (help above)."""
    from tuphap.inputs import forms  # openpyxl loads slowly: only `form` and `ingest` need it

    if units and province:
        raise click.UsageError(_("--unit and --province cannot be used together: name the units, or their province"))
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
    bars = []  # the progress bar, from the first form made: until then the number of forms is not known

    def made(count: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit=_("form"), desc=_("Making forms"), disable=quiet, file=sys.stderr,
                             dynamic_ncols=True))
        bars[0].update()

    try:
        written = forms.write_forms(paths, year, units, output_dir, kind, _compared_with, province=province,
                                    on_made=made)
    except forms.NoUnits as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(USAGE)
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(_("error: cannot write the form: {message}").format(message=exc), err=True)
        sys.exit(1)
    finally:
        for bar in bars:
            bar.close()
    if not quiet:
        for path in written:
            click.echo(_("wrote {path}").format(path=path))
    click.echo(_("{count} form(s) written in {folder}").format(count=len(written), folder=written[0].parent))


def _compared_with(dataset, unit: str, year: int, period: str, day):
    """A form's reference column: what the unit's report of that period compares with (compute/rollup.py),
    so that for a unit formed by a merger it is its predecessors' figures rolled up, as in the report."""
    from tuphap.compute.rollup import previous_year
    from tuphap.inputs.forms import Reference

    previous = previous_year(dataset, unit, year, period, on=day)
    return Reference(previous.values, previous.note(year, period_name=dataset.period_rule(period).name))
