"""`tuphap site`, `tuphap serve` and `tuphap publish`: the internal site, previewed and packed."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths, check_year
from tuphap.publish import bundle, folder
from tuphap.publish import serve as serving
from tuphap.runtime.lock import settled_outputs, waiting_message


@click.command(name="site", help=help_text(
    _("Write the internal site, outputs/site/, from the reports already built."),
    _("`tuphap build` does this at its end; run it alone after copying reports in or deleting some. "
      "The site lists every year and commune with build status, data findings, key figures and links "
      "to report.html, report.pdf and report.docx. It has relative links only and holds its own copy "
      "of the reports (hard links where possible), so the folder works from a file share or file://."),
    examples(("tuphap site && xdg-open outputs/site/index.html", ""))))
@click.pass_obj
def site_command(root: str | None) -> None:
    """`tuphap site`: the internal site from the reports already built (help above)."""
    try:
        paths = ProjectPaths.discover(root)
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    try:
        with settled_outputs(paths, on_wait=lambda: click.echo(waiting_message(paths), err=True)):  # not mid-build
            write_site_saying(paths)
    except (TuphapError, OSError) as exc:
        site_not_updated(paths, exc)


def write_site_saying(paths: ProjectPaths) -> None:
    """Rewrite the site (the caller holds `settled_outputs`) and say where it is; exit 1 saying why not."""
    try:
        click.echo(_("Site: {index}").format(index=folder.write_site(paths)))
    except (TuphapError, OSError) as exc:
        site_not_updated(paths, exc)


def site_not_updated(paths: ProjectPaths, exc: Exception) -> None:
    click.echo(_("error: the site in {folder} was not updated: {message}").format(folder=paths.site_dir, message=exc),
               err=True)
    sys.exit(1)


@click.command(help=help_text(
    _("Preview the site in a browser: write outputs/site/, then serve it until Ctrl-C."),
    examples(("tuphap serve", _("then open http://127.0.0.1:8000/")),
             ("tuphap serve --port 8080", ""))))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help=_("Port to listen on (0: any free port)."))
@click.option("--bind", "host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help=_("Address to listen on; 0.0.0.0 lets other machines see the site."))
@click.pass_obj
def serve(root: str | None, port: int, host: str) -> None:
    """`tuphap serve`: the site on a local web server until Ctrl-C (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        with settled_outputs(paths, on_wait=lambda: click.echo(waiting_message(paths), err=True)):  # not mid-build
            folder.write_site(paths)
        server = serving.make_server(paths, host, port)
    except (TuphapError, OSError) as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    address, bound_port = server.server_address[:2]
    click.echo(_("Serving {folder} at http://{address}:{port}/ (Ctrl-C to stop)").format(
        folder=paths.site_dir, address=address, port=bound_port), err=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command(name="publish", help=help_text(
    _("Pack one year's bundle into a zip: its site pages, every report (HTML, PDF, DOCX) and roll-up."),
    _("The archive holds one folder, tuphap-YEAR/, that works wherever it is unzipped: open its "
      "index.html. It holds only that year, and only the units that still have params and a row in "
      "data/units.csv. Build the reports first: a report whose last build failed is listed as failed, "
      "with its error, and its last good files are left out of the archive."),
    examples(("tuphap publish --year 2024 --zip", ""),
             ("tuphap publish --year 2024 --zip --output /mnt/share/tuphap-2024.zip", ""))))
@click.option("--year", type=int, required=True, metavar="YEAR", help=_("The year to publish."))
@click.option("--zip", "as_zip", is_flag=True, required=True, help=_("Write a zip archive (the only form for now)."))
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              help=_("Archive to write (default: outputs/tuphap-YEAR.zip)."))
@click.pass_obj
def publish_command(root: str | None, year: int, as_zip: bool, output: str | None) -> None:
    """`tuphap publish`: one year's bundle as a zip (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        with settled_outputs(paths, on_wait=lambda: click.echo(waiting_message(paths), err=True)):  # not mid-build
            archive, failed = bundle.write_zip(paths, check_year(year), Path(output) if output else None)
    except (TuphapError, OSError) as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    click.echo(_("Wrote {archive}").format(archive=archive))
    if failed:
        click.echo(_("warning: {count} report(s) of {year} failed; the bundle lists them as failed, without "
                     "their last good files").format(count=failed, year=year), err=True)
