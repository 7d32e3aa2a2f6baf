"""`tuphap lab`: JupyterLab at the project root, in Vietnamese, with a start page (runtime/lab.py)."""
from __future__ import annotations

import sys

import click

from tuphap.cli.selection import choosing_failed, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths
from tuphap.runtime import lab as jupyterlab


@click.command(help=help_text(
    _("Open JupyterLab at the project folder, in Vietnamese, with a start page."),
    _("The start page (outputs/lab/bat-dau.ipynb) links every notebook of the report, the unit's narrative "
      "file and the reports already built, for the report kind chosen with --kind. Notebooks run with the project's Python; the tuphap command is "
      "at hand in JupyterLab's Terminal. Only this machine can connect (127.0.0.1); the address printed "
      "carries an access token. Press Ctrl-C twice to stop."),
    examples(("tuphap lab", ""),
             ("tuphap lab --unit tan-khai --year 2024", ""),
             ("tuphap lab --kind 6thang", _("the six-month report's notebooks, narrative and files")),
             ("tuphap lab --port 0 --no-browser", _("any free port; print the address only")))))
@click.option("--unit", metavar="SLUG", default=None,
              help=_("The unit whose narrative and reports the start page links (default: the first unit "
                     "of the newest year)."))
@click.option("--year", type=int, metavar="YEAR", default=None,
              help=_("The year of that report (default: the newest year with the unit's params)."))
@click.option("--kind", metavar="KIND", default=None,
              help=_("The report kind whose notebooks, narrative and report the start page links, as named in "
                     "data/report_kinds.yaml (default: the default kind, the year report)."))
@click.option("--port", type=click.IntRange(0, 65535), default=8888, show_default=True,
              help=_("The port JupyterLab listens on at 127.0.0.1 (0: any free port)."))
@click.option("--no-browser", is_flag=True,
              help=_("Do not open a browser; only print the address (with its access token)."))
@click.pass_obj
def lab(root: str | None, unit: str | None, year: int | None, kind: str | None, port: int, no_browser: bool) -> None:
    """`tuphap lab` (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, (unit,) if unit else (), ())
        report = jupyterlab.choose_report(paths, unit, year, kind)
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    try:
        start_page = jupyterlab.prepare(paths, report)
        launch = jupyterlab.launch(paths, start_page, port=jupyterlab.pick_port(port), open_browser=not no_browser)
    except (TuphapError, OSError) as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    if report.kind:
        click.echo(_("JupyterLab of the project {root} (unit {unit}, year {year}, report kind {kind}):").format(
            root=paths.root, unit=report.unit, year=report.year, kind=report.kind))
    else:
        click.echo(_("JupyterLab of the project {root} (unit {unit}, year {year}):").format(
            root=paths.root, unit=report.unit, year=report.year))
    click.echo(f"  {launch.url}")
    click.echo(_("Open the address above in a browser if none opened. Press Ctrl-C twice to stop."))
    jupyterlab.run(launch)
