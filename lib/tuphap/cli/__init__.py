"""The `tuphap` command: thin commands over the package, grouped by what they work on; each
command's help carries examples."""
from __future__ import annotations

import click

from tuphap import __version__
from tuphap.cli import check, forms, reports, site, validation
from tuphap.runtime.startup import skip_unused_imports


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tuphap")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
              help="Project folder (default: $TUPHAP_ROOT, or the nearest folder holding data/units.csv).")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Build the yearly commune justice report (Báo cáo tổng kết công tác Tư pháp) from data files."""
    ctx.obj = root


for command in (reports.build, validation.validate, reports.list_reports, site.site_command, site.serve,
                site.publish_command, forms.form, forms.ingest, check.check):
    cli.add_command(command)


def main() -> None:
    skip_unused_imports()
    cli()
