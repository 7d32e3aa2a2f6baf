"""`tuphap preview`: one report in the browser, brought up to date each time a file is saved
(runtime/preview.py re-runs what the change touches, publish/preview_server.py serves it)."""
from __future__ import annotations

import os
import signal
import sys
import threading

import click

from tuphap.cli.selection import choosing_failed, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.project import ProjectPaths


@click.command(help=help_text(
    _("Preview one report in the browser, brought up to date each time a file is saved."),
    _("Runs the report's notebooks once, then follows the unit's narrative file, the data (data/), the params "
      "and notebooks/: each time a file is saved, only the sections that use what changed run again (a "
      "narrative paragraph: the sections that show it; a figure: the sections that use its indicator; the "
      "params: every section; a notebook: its own section) and the page in the browser reloads itself. The "
      "status line at the foot of the page says \"Đang cập nhật…\", when the page was updated and any error; "
      "the \"Xem PDF\" and \"Tải Word\" buttons make those files when asked. Nothing is written to "
      "outputs/<year>/<unit>/: `tuphap build` makes the report itself. Only this machine can connect "
      "(127.0.0.1). With --kind, a report of another kind (the six-month report: its notebooks in "
      "notebooks/6thang/, its params, narrative and figures of its period). In a notebook, `section.preview()` "
      "opens the running preview of its report. Press Ctrl-C to stop."),
    examples(("tuphap preview --unit tan-khai --year 2024", _("then open http://127.0.0.1:8001/")),
             ("tuphap preview --unit tan-khai --year 2025 --kind 6thang", _("the six-month report")),
             ("tuphap preview --unit an-phu-mau --year 2024 --port 0", _("any free port")))))
@click.option("--unit", required=True, metavar="SLUG", help=_("The report's unit, e.g. tan-khai."))
@click.option("--year", required=True, type=int, metavar="YEAR", help=_("The report's year, e.g. 2024."))
@click.option("--kind", metavar="KIND", default=None,
              help=_("The report kind, as named in data/report_kinds.yaml (default: the default kind, the year "
                     "report); its notebooks, params and narrative are those of its own folders."))
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help=_("The port at 127.0.0.1 (0: any free port; the address is printed)."))
@click.pass_obj
def preview(root: str | None, unit: str, year: int, kind: str | None, port: int) -> None:
    """`tuphap preview` (help above)."""
    from tuphap.publish.preview_server import PreviewServer
    from tuphap.runtime import preview as live

    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, (unit,), (year,))
        kinds = load_report_kinds(paths.report_kinds_file)
        folder = kinds.folder(kind) if kind else ""  # an unknown kind names the nearest one
        if not paths.params_file(year, unit, folder).is_file():
            raise TuphapError(_("{unit} has no report for {year}: the file {path} is missing").format(
                unit=unit, year=year, path=paths.params_file(year, unit, folder)))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    try:
        session = live.PreviewSession(paths, unit, year, folder)
        server = PreviewServer(session, port)
    except (TuphapError, OSError) as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    if session.kind:
        click.echo(_("Preview of the report of kind {kind} of {unit} for {year}: {url} (Ctrl-C to stop)").format(
            kind=session.kind, unit=session.unit, year=session.year, url=server.url))
    else:
        click.echo(_("Preview of the report of {unit} for {year}: {url} (Ctrl-C to stop)").format(
            unit=session.unit, year=session.year, url=server.url))
    sys.stdout.flush()
    stop = threading.Event()

    def on_update(update: live.Update) -> None:
        server.updated(update)
        if update.error:
            click.echo(_("error: {message}").format(message=update.error), err=True)
        for name in update.ran:
            if name in update.failed:
                click.echo(_("error: section {name}: {message}").format(name=name, message=session.sections[name].error),
                           err=True)

    worker = threading.Thread(target=live.run, args=(session, stop), name="tuphap-preview", daemon=True,
                              kwargs={"on_start": server.starting, "on_update": on_update})
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server.advertise(os.getpid())
    worker.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.close_streams()
        server.withdraw()
        server.server_close()
        worker.join(timeout=5)
        click.echo(_("Preview stopped."), err=True)
