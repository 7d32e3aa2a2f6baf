"""The `tuphap` command: a thin layer over the package. Each command's help carries examples."""
from __future__ import annotations

import sys
import time

import click

from tuphap import __version__
from tuphap.build import build_report
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import TuphapError


def reports_with_params(paths: ProjectPaths, units: tuple[str, ...], years: tuple[int, ...]) -> list[tuple[str, int]]:
    """(unit, year) pairs that have a params file, filtered by the given units and years."""
    found = []
    for params_file in sorted(paths.params_dir.glob("[0-9][0-9][0-9][0-9]/*.yaml")):
        unit, year = params_file.stem, int(params_file.parent.name)
        if (not units or unit in units) and (not years or year in years):
            found.append((unit, year))
    return found


@click.group()
@click.version_option(__version__, prog_name="tuphap")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
              help="Project folder (default: $TUPHAP_ROOT, or the nearest folder holding data/units.csv).")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Build the yearly commune justice report (Báo cáo tổng kết công tác Tư pháp) from data files."""
    ctx.obj = root


@cli.command()
@click.option("--unit", "units", multiple=True, metavar="SLUG", help="A unit to build (repeatable).")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help="A year to build (repeatable).")
@click.option("--all", "build_all", is_flag=True, help="Build every (unit, year) that has a params file.")
@click.pass_obj
def build(root: str | None, units: tuple[str, ...], years: tuple[int, ...], build_all: bool) -> None:
    """Run the section notebooks and write report.html and report.pdf.

    Outputs go to outputs/<year>/<unit>/ (executed notebooks under sections/).

    \b
    Examples:
      tuphap build --unit tan-khai --year 2024
      tuphap build --year 2024            # every unit with params/2024/<unit>.yaml
      tuphap build --all
    """
    try:
        paths = ProjectPaths.discover(root)
        for unit in units:
            check_slug(unit)
        for year in years:
            check_year(year)
        if not (units or years or build_all):
            raise click.UsageError("say what to build: --unit SLUG --year YEAR, --year YEAR, or --all")
        jobs = reports_with_params(paths, units, years)
        if not jobs:
            raise TuphapError(f"nothing to build: no params file matches under {paths.params_dir}")
        failures = 0
        for index, (unit, year) in enumerate(jobs, start=1):
            started = time.monotonic()
            click.echo(f"[{index}/{len(jobs)}] {unit} {year}: ", nl=False)
            try:
                built = build_report(paths, unit, year, on_section=lambda name: click.echo(".", nl=False))
            except TuphapError as exc:
                failures += 1
                click.echo(" failed", err=False)
                click.echo(f"error: {exc}", err=True)
                continue
            note = f" ({built.missing_markers} missing figure(s) or text shown in red)" if built.missing_markers else ""
            click.echo(f" done in {time.monotonic() - started:.1f} s{note}\n  {built.html}\n  {built.pdf}")
        if failures:
            click.echo(f"{failures} of {len(jobs)} report(s) failed", err=True)
            sys.exit(1)
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@cli.command(name="list")
@click.pass_obj
def list_reports(root: str | None) -> None:
    """List the (unit, year) reports that have params and can be built.

    \b
    Example:
      tuphap list
    """
    try:
        for unit, year in reports_with_params(ProjectPaths.discover(root), (), ()):
            click.echo(f"{year}  {unit}")
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def main() -> None:
    cli()
