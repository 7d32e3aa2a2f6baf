"""The `tuphap` command: a thin layer over the package. Each command's help carries examples."""
from __future__ import annotations

import signal
import sys
import time

import click
from tqdm import tqdm

from tuphap import __version__, batch, rollup_build
from tuphap.build import ReportResult
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import TuphapError


@click.group()
@click.version_option(__version__, prog_name="tuphap")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
              help="Project folder (default: $TUPHAP_ROOT, or the nearest folder holding data/units.csv).")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Build the yearly commune justice report (Báo cáo tổng kết công tác Tư pháp) from data files."""
    ctx.obj = root


def _failure_text(result: ReportResult) -> str:
    error = result.error or "failed"
    return error if error.startswith("unit ") else f"unit {result.unit}, year {result.year}: {error}"


def _summary(results: list[ReportResult], seconds: float) -> str:
    count = {status: sum(r.status == status for r in results) for status in ("built", "reused", "failed")}
    executed = sum(len(r.executed_sections) for r in results)
    reused = sum(s.status == "reused" for r in results for s in r.sections.values())
    per_report = f", {seconds / len(results):.2f} s per report" if results else ""
    return (f"{count['built']} built, {count['reused']} unchanged, {count['failed']} failed "
            f"of {len(results)} report(s) in {seconds:.1f} s{per_report} "
            f"(sections executed: {executed}, reused: {reused})")


@cli.command()
@click.option("--unit", "units", multiple=True, metavar="SLUG", help="A unit to build (repeatable).")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help="A year to build (repeatable).")
@click.option("--all", "build_all", is_flag=True, help="Build every (unit, year) that has a params file.")
@click.option("--jobs", "-j", "workers", type=click.IntRange(min=1), default=batch.default_jobs, show_default="CPU cores",
              help="Reports built in parallel, each worker with its own warm kernel.")
@click.option("--force", is_flag=True, help="Re-run every section even if its inputs did not change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-report lines; only the summary and failures.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run the reports on this Dask cluster instead of local workers.")
@click.option("--fresh-kernels", is_flag=True, help="Start a new kernel for every notebook, as plain papermill does (slow).")
@click.pass_obj
def build(root, units, years, build_all, workers, force, quiet, scheduler, fresh_kernels) -> None:
    """Run the section notebooks and write report.html, report.pdf and report.docx.

    Outputs go to outputs/<year>/<unit>/ (executed notebooks under sections/); outputs/manifest.json
    records every section's input hash, status, duration and error. A section runs again only when
    one of its inputs changed: its notebook, the unit's params, narrative or values (this year and
    last), the indicator catalogue, the unit's registry row, or the tuphap package.

    With --all or --year (and no --unit), the district and province roll-ups of those years that
    have params/<year>/rollup/<level>-<area>.yaml are built after the commune reports, into
    outputs/<year>/_rollup/<level>-<area>/; with --unit they are left alone, since they add up
    every commune of their area.

    \b
    Examples:
      tuphap build --unit tan-khai --year 2024
      tuphap build --year 2024            # every unit with params/2024/<unit>.yaml
      tuphap build --all --jobs 2 --quiet
      tuphap build --all --force          # ignore the ledger, re-run everything
      tuphap build --all --scheduler tcp://HOST:8786
    """
    try:
        paths = ProjectPaths.discover(root)
        for unit in units:
            check_slug(unit)
        for year in years:
            check_year(year)
        if not (units or years or build_all):
            raise click.UsageError("say what to build: --unit SLUG --year YEAR, --year YEAR, or --all")
        jobs = batch.plan(paths, units, years)
        if not jobs:
            raise TuphapError(f"nothing to build: no params file matches under {paths.params_dir}")
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)

    # A plain `kill` then unwinds like Ctrl-C: workers stop, and no report is left half-written.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = time.monotonic()
    with tqdm(total=len(jobs), unit="report", desc="Building", disable=quiet, file=sys.stderr, dynamic_ncols=True) as bar:
        def report(result: ReportResult) -> None:
            bar.update()
            if result.status == "failed":
                bar.write(f"FAILED {_failure_text(result)}", file=sys.stderr)
            elif not quiet:
                missing = f"  ({result.missing_markers} missing figure(s) or text shown in red)" if result.missing_markers else ""
                bar.write(f"{result.status:>7} {result.year} {result.unit}{missing}")

        results = batch.run(paths, jobs, workers=workers, force=force, fresh_kernels=fresh_kernels,
                            scheduler=scheduler, on_result=report)
    click.echo(_summary(results, time.monotonic() - started))
    rollups = [] if units else _build_rollups(paths, sorted({job.year for job in jobs}), force, fresh_kernels, quiet)
    click.echo(f"Reports in {paths.outputs_dir}; ledger in {paths.outputs_dir / 'manifest.json'}")
    failed = [_failure_text(r) for r in results if r.status == "failed"]
    failed += [f"roll-up {r.label}, year {r.year}: {r.error}" for r in rollups if r.status == "failed"]
    if failed:
        click.echo(f"{len(failed)} report(s) failed:", err=True)
        for text in failed:
            click.echo(f"- {text}", err=True)
        sys.exit(1)


def _build_rollups(paths: ProjectPaths, years: list[int], force: bool, fresh_kernels: bool,
                   quiet: bool) -> list[rollup_build.RollupResult]:
    """The district and province roll-ups of the years just built, after their commune reports."""
    jobs = rollup_build.plan(paths, years)
    if not jobs:
        return []
    started = time.monotonic()

    def report(result: rollup_build.RollupResult) -> None:
        if result.status == "failed":
            click.echo(f"FAILED roll-up {result.label}, year {result.year}: {result.error}", err=True)
        elif not quiet:
            sample = "  (includes sample communes)" if result.includes_sample else ""
            click.echo(f"{result.status:>7} {result.year} roll-up {result.label}{sample}")

    results = rollup_build.run(paths, jobs, force=force, fresh_kernels=fresh_kernels, on_result=report)
    count = {status: sum(r.status == status for r in results) for status in ("built", "reused", "failed")}
    click.echo(f"Roll-ups: {count['built']} built, {count['reused']} unchanged, {count['failed']} failed "
               f"of {len(results)} in {time.monotonic() - started:.1f} s")
    return results


@cli.command(name="list")
@click.pass_obj
def list_reports(root: str | None) -> None:
    """List the (unit, year) reports and the roll-ups that have params and can be built.

    \b
    Example:
      tuphap list
    """
    try:
        paths = ProjectPaths.discover(root)
        jobs = batch.plan(paths)
        for job in jobs:
            click.echo(f"{job.year}  {job.unit}")
        for rollup_job in rollup_build.plan(paths, sorted({job.year for job in jobs})):
            click.echo(f"{rollup_job.year}  roll-up {rollup_job.key}")
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def main() -> None:
    cli()
