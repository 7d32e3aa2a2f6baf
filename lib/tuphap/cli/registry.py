"""`tuphap units` and `tuphap init`: the official registry of units, listed, and a project set up from it."""
from __future__ import annotations

import datetime as dt
import sys
from collections import Counter

import click

from tuphap.cli.forms import _compared_with
from tuphap.cli.selection import USAGE
from tuphap.cli.texts import examples, help_text
from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import load_registry
from tuphap.inputs.official_registry import load_official_registry
from tuphap.inputs.province_setup import apply_setup, plan_setup
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.project import ProjectPaths


def _fail(exc: Exception, status: int = 1) -> None:
    click.echo(_("error: {message}").format(message=exc), err=True)
    sys.exit(status)


def _day(text: str | None) -> dt.date:
    if not text:
        return dt.datetime.now().astimezone().date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(_("{value!r} is not a date written YYYY-MM-DD (e.g. 2025-07-01)").format(value=text)) from None


@click.command(name="units", help=help_text(
    _("List a province's commune-level units on a date, from the official registry: code, kind and name."),
    _("The registry is the pinned package vietnamadminunits (the units and codes of the official list, before and "
      "since the reform of 1/7/2025). The province is found by its slug, its name or its code; a name it does not "
      "know gets the nearest. Before 1/7/2025 the units are those of the old provinces, with their districts."),
    examples(("tuphap units --province dong-nai", _("the 95 units of tỉnh Đồng Nai today")),
             ("tuphap units --province \"Hồ Chí Minh\"", ""),
             ("tuphap units --province 70 --on 2025-06-30", _("tỉnh Bình Phước's units before the reform")))))
@click.option("--province", required=True, metavar="PROVINCE", help=_("Slug, name or code of the province."))
@click.option("--on", "on", metavar="YYYY-MM-DD", default=None, help=_("The day (default: today)."))
def units(province: str, on: str | None) -> None:
    """`tuphap units`: a province's units from the official registry (help above)."""
    day = _day(on)
    try:
        official = load_official_registry()
        found = official.find_province(province, day)
    except TuphapError as exc:
        _fail(exc)
    listed = official.units_of(found, day)
    kinds = Counter(unit.kind for unit in listed)
    click.echo(_("{province} (code {code}) on {day}: {count} commune-level units ({kinds}); source: {source}").format(
        province=found.full_name, code=found.code, day=day.strftime("%d/%m/%Y"), count=len(listed),
        kinds=", ".join(f"{kind} {count}" for kind, count in kinds.items()), source=official.source))
    width = max((len(unit.kind) for unit in listed), default=0)
    for unit in listed:
        district = f"  ({unit.district})" if unit.district else ""
        click.echo(f"{unit.code}  {unit.kind:<{width}}  {unit.name}{district}")


def _due_dates(values: tuple[str, ...]) -> dict[str, dt.date]:
    due = {}
    for value in values:
        kind, sign, day = value.partition("=")
        if not sign:
            raise click.BadParameter(_("write KIND=YYYY-MM-DD, e.g. nam=2025-11-05; found {value!r}").format(value=value))
        due[kind.strip()] = _day(day.strip())
    return due


@click.command(name="init", help=help_text(
    _("Set the project up for a province and a year from the official registry."),
    _("Puts the province's units in force on the year's last day into data/units.csv with their official codes "
      "(from 2025, with the old units each was formed from, until 30/6/2025, and each merger into "
      "data/lineage.csv, so that comparisons with 2024 add up the right units), then writes, for every unit and "
      "report kind of the year, draft params (to be filled in: document number, request, signer) and a narrative "
      "file with every block its notebooks show, empty; the province's roll-up params, the due dates given, and "
      "an Excel form for every unit that has none. Nothing already there is overwritten: a unit already in "
      "data/units.csv keeps its slug, hamlet word and figures (and gains its official code), a merger already "
      "listed stays, a params, narrative or form file that exists is kept, so a second run changes nothing."),
    examples(("tuphap init --province dong-nai --year 2025 --due nam=2025-11-05 --resolution 1662/NQ-UBTVQH15", ""),
             ("tuphap init --province \"Hồ Chí Minh\" --year 2025", ""),
             ("tuphap init --province dong-nai --year 2025 --registry-only", _("units and lineage only")),
             ("tuphap init --province dong-nai --year 2025 --dry-run", _("say what would be written")))))
@click.option("--province", required=True, metavar="PROVINCE", help=_("Slug, name or code of the province."))
@click.option("--year", required=True, type=int, metavar="YEAR", help=_("The year of the reports."))
@click.option("--due", "due", multiple=True, metavar="KIND=YYYY-MM-DD",
              help=_("The due date of a report kind's figures that year (repeatable)."))
@click.option("--resolution", default="", metavar="NUMBER",
              help=_("The resolution that merged the province's communes, as reports cite it (e.g. "
                     "1662/NQ-UBTVQH15); default: none named."))
@click.option("--registry-only", is_flag=True, help=_("Only the units and the lineage: no params, due dates or forms."))
@click.option("--no-forms", is_flag=True, help=_("No Excel forms (the figures come another way)."))
@click.option("--dry-run", is_flag=True, help=_("Say what would be written; write nothing."))
@click.pass_obj
def init(root, province, year, due, resolution, registry_only, no_forms, dry_run) -> None:
    """`tuphap init`: a province's units, lineage, params, due dates and forms (help above)."""
    try:
        due_dates = _due_dates(due)
        paths = ProjectPaths.discover(root)
    except click.BadParameter as exc:
        _fail(exc.format_message(), USAGE)
    except TuphapError as exc:
        _fail(exc, USAGE)
    try:
        kinds = load_report_kinds(paths.report_kinds_file)
        plan = plan_setup(paths, load_official_registry(), kinds, province, year, due=due_dates, resolution=resolution,
                          registry_only=registry_only)
    except TuphapError as exc:
        _fail(exc)
    click.echo(_("{province}, {year}: {count} units ({source})").format(
        province=plan.province.full_name, year=year, count=len(plan.unit_slugs), source=load_official_registry().source))
    lines = [(len(plan.added), _("{count} unit rows added to {file}"), paths.units_file),
             (len(plan.coded), _("{count} unit rows given their official code in {file}"), paths.units_file),
             (plan.lineage_added, _("{count} lineage rows added to {file}"), paths.lineage_file),
             (len(plan.params), _("{count} params files written"), None),
             (len(plan.params_kept), _("{count} params files kept as they were"), None),
             (len(plan.narratives), _("{count} narrative files written, every block empty"), None),
             (len(plan.due_added), _("{count} due dates added to {file}"), paths.due_dates_file)]
    for count, sentence, file in lines:
        if count:
            click.echo("  " + sentence.format(count=count, file=file))
    if dry_run:
        click.echo(_("Dry run: nothing written.") if plan.changes else _("Nothing to change."))
        return
    try:
        apply_setup(paths, plan)
        load_registry(paths)  # what was written reads back and agrees with the official registry
    except (DataError, DataErrors) as exc:
        _fail(exc)
    except (TuphapError, OSError) as exc:
        _fail(exc)
    if not (registry_only or no_forms):
        _write_forms(paths, kinds, plan.year, plan.unit_slugs)
    if not plan.changes:
        click.echo(_("Nothing to change: the project already holds the province's units for {year}.").format(year=year))


def _write_forms(paths: ProjectPaths, kinds, year: int, slugs: list[str]) -> None:
    """An Excel form per unit and report kind, where there is none yet."""
    from tuphap.inputs import forms  # openpyxl loads slowly: only the commands that make forms need it

    for kind in kinds:
        folder = kinds.folder(kind)
        missing = tuple(slug for slug in slugs if not paths.form_file(year, slug, None, folder).exists()
                        and paths.params_file(year, slug, folder).exists())
        if not missing:
            continue
        try:
            written = forms.write_forms(paths, year, missing, None, kind, _compared_with)
        except (TuphapError, OSError) as exc:
            _fail(exc)
        click.echo("  " + _("{count} forms written to {folder}").format(count=len(written), folder=written[0].parent))
