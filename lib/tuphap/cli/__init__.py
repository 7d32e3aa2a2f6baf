"""The `tuphap` command: thin commands over the package, grouped by what they work on; each
command's help carries examples."""
from __future__ import annotations

import click

from tuphap import __version__
from tuphap.cli import check, forms, ingest, lab, preview, registry, reports, site, submissions, validation, versions
from tuphap.cli.texts import help_text, translate_click
from tuphap.i18n import _
from tuphap.runtime.startup import skip_unused_imports

translate_click()  # before the group declares its --version option


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=help_text(
    _("Build the yearly commune justice report (Báo cáo tổng kết công tác Tư pháp) from data files."),
    _("Messages are in Vietnamese unless the environment asks for English: LANG=en_US.UTF-8 or LANGUAGE=en.")))
@click.version_option(__version__, prog_name="tuphap")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=None, metavar="DIRECTORY",
              help=_("Project folder (default: $TUPHAP_ROOT, or the nearest folder holding data/units.csv)."))
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """The `tuphap` group: its help is above, in the user's language."""
    ctx.obj = root


for command in (reports.build, validation.validate, reports.list_reports, site.site_command, site.serve,
                site.publish_command, forms.form, ingest.ingest, submissions.status, check.check, lab.lab, preview.preview,
                registry.units, registry.init, versions.versions, versions.sign, versions.verify, versions.diff):
    cli.add_command(command)


def main() -> None:
    skip_unused_imports()
    cli()
