"""`tuphap build` and `tuphap list`: which reports there are, and building them."""
from __future__ import annotations

import signal
import sys
import time

import click
from tqdm import tqdm

from tuphap.cli.selection import USAGE, known_selection
from tuphap.errors import TuphapError
from tuphap.project import ProjectPaths, commune_reports, rollup_reports
from tuphap.publish import folder
from tuphap.runtime import batch
from tuphap.runtime.targets import DEFAULT_CELL_TIMEOUT, Options, Result, RollupTarget, Status


def _summary(results: list[Result], seconds: float) -> str:
    count = {status: sum(r.status == status for r in results) for status in Status}
    executed = sum(len(r.executed_sections) for r in results)
    reused = sum(s.status == "reused" for r in results for s in r.sections.values())
    per_report = f", {seconds / len(results):.2f} s per report" if results else ""
    return (f"{count[Status.BUILT]} built, {count[Status.REUSED]} unchanged, {count[Status.FAILED]} failed "
            f"of {len(results)} report(s) in {seconds:.1f} s{per_report} "
            f"(sections executed: {executed}, reused: {reused})")


def _result_line(result: Result, final: bool) -> str:
    missing = f"  ({result.missing_markers} missing figure(s) or text shown in red)" if result.missing_markers else ""
    warnings = sum(f["severity"] == "warning" for f in result.findings)
    acknowledged = sum(a.get("matched", False) for a in result.acknowledged)
    noted = (f"  ({acknowledged} acknowledged warning(s))" if final and acknowledged
             else f"  ({warnings} data-quality warning(s) noted in the report)" if warnings and not final else "")
    return f"{result.status.value:>7} {result.year_label}{' (final)' if final else ''}{missing}{noted}"


@click.command()
@click.option("--unit", "units", multiple=True, metavar="SLUG", help="A unit to build (repeatable).")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help="A year to build (repeatable).")
@click.option("--all", "build_all", is_flag=True, help="Build every (unit, year) that has a params file.")
@click.option("--jobs", "-j", "workers", type=click.IntRange(min=1), default=batch.default_jobs, show_default="CPU cores",
              help="Reports built in parallel, each worker with its own warm kernel.")
@click.option("--force", is_flag=True, help="Re-run every section even if its inputs did not change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-report lines; only the summary and failures.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run the reports on this Dask cluster instead of local workers.")
@click.option("--fresh-kernels", is_flag=True, help="Start a new kernel for every notebook, as plain papermill does (slow).")
@click.option("--strict", is_flag=True, help="Validation warnings block a report too, not only errors.")
@click.option("--cell-timeout", type=click.FloatRange(min=1), default=DEFAULT_CELL_TIMEOUT, show_default=True,
              metavar="SECONDS", help="A notebook cell running longer fails its section (the other reports go on).")
@click.option("--final", is_flag=True,
              help="Make the copy to be signed: no data-quality note; every warning must be acknowledged in the params.")
@click.pass_obj
def build(root, units, years, build_all, workers, force, quiet, scheduler, fresh_kernels, strict, cell_timeout,
          final) -> None:
    """Validate the data, run the section notebooks and write report.html, report.pdf and report.docx.

    Each report's data is first checked against data/rules.csv (as `tuphap validate` does): a report
    with errors (with --strict: also warnings) is not built and its previous output stays; a report
    with warnings is built with a data-quality note listing them: that is a draft.

    With --final the reports are the copies to be signed: no data-quality note, and a report is built
    only when each of its warnings is fixed or acknowledged in its params file, e.g.

    \b
      acknowledged:
        - rule: tong_thanh_phan
          indicator: ho_tich.tong
          reason: Số tổng giữ như báo cáo đã ký; phần chênh lệch đang được rà soát.

    Acknowledgements are recorded in the ledger and listed on the site's findings page, never in the
    document. Every report's HTML says whether it is a draft or final, when it was built and from
    which data (a short hash); the PDF and Word files carry title, author and language.

    Outputs go to outputs/<year>/<unit>/ (executed notebooks under sections/); outputs/manifest.json
    records every section's input hash, status, duration and error. A section runs again only when
    one of its inputs changed: its notebook, the unit's params, narrative or values (this year and
    last), the indicator catalogue, the validation rules, the unit's registry row, or the tuphap
    package. At the end the internal site, outputs/site/, is brought up to date (see `tuphap site`).

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
      tuphap build --year 2024 --strict   # warnings block a report too
      tuphap build --unit tan-khai --year 2024 --final   # the copy to be signed
      tuphap build --all --scheduler tcp://HOST:8786
    """
    if not (units or years or build_all):
        raise click.UsageError("say what to build: --unit SLUG --year YEAR, --year YEAR, or --all")
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, units, years)
        targets = batch.commune_targets(paths, units, years)
        if not targets:
            expected = ", ".join(str(paths.params_file(year, unit)) for unit in units for year in years)
            raise TuphapError(f"nothing to build: no params file matches under {paths.params_dir}"
                              + (f" (expected {expected})" if expected else ""))
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(USAGE)

    options = Options(force=force, fresh_kernels=fresh_kernels, strict=strict, final=final, cell_timeout=cell_timeout)
    # A plain `kill` then unwinds like Ctrl-C: workers stop, and no report is left half-written.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = time.monotonic()
    with tqdm(total=len(targets), unit="report", desc="Building", disable=quiet, file=sys.stderr, dynamic_ncols=True) as bar:
        def report(result: Result) -> None:
            bar.update()
            if result.status == Status.FAILED:
                bar.write(f"FAILED {result.failure}", file=sys.stderr)
            elif not quiet:
                bar.write(_result_line(result, final))

        results = batch.run(paths, targets, options, workers=workers, scheduler=scheduler, on_result=report)
    click.echo(_summary(results, time.monotonic() - started))
    rollups = _build_rollups(paths, batch.rollups_after(paths, targets, units_chosen=bool(units)), options, quiet)
    click.echo(f"Reports in {paths.outputs_dir}; ledger in {paths.ledger_file}")
    site_written = _refresh_site(paths, changed=any(r.status != Status.REUSED for r in [*results, *rollups]))
    failed = [r.failure for r in [*results, *rollups] if r.status == Status.FAILED]
    if failed:
        click.echo(f"{len(failed)} report(s) failed:", err=True)
        for text in failed:
            click.echo(f"- {text}", err=True)
    if failed or not site_written:
        sys.exit(1)


def _build_rollups(paths: ProjectPaths, targets: list[RollupTarget], options: Options, quiet: bool) -> list[Result]:
    """The district and province roll-ups, after their commune reports, each on a line."""
    if not targets:
        return []
    started = time.monotonic()

    def report(result: Result) -> None:
        if result.status == Status.FAILED:
            click.echo(f"FAILED {result.failure}", err=True)
        elif not quiet:
            sample = "  (includes sample communes)" if result.extra.get("includes_sample") else ""
            click.echo(f"{result.status.value:>7} {result.year_label}{sample}")

    results = batch.run(paths, targets, options, on_result=report)
    count = {status: sum(r.status == status for r in results) for status in Status}
    click.echo(f"Roll-ups: {count[Status.BUILT]} built, {count[Status.REUSED]} unchanged, {count[Status.FAILED]} failed "
               f"of {len(results)} in {time.monotonic() - started:.1f} s")
    return results


def _refresh_site(paths: ProjectPaths, *, changed: bool) -> bool:
    try:
        index, rewritten = folder.refresh_site(paths, changed=changed)
        click.echo(f"Site: {index}" + ("" if rewritten else " (nothing changed)"))
        return True
    except (TuphapError, OSError) as exc:
        click.echo(f"error: the site in {paths.site_dir} was not updated: {exc}", err=True)
        return False


@click.command(name="list")
@click.pass_obj
def list_reports(root: str | None) -> None:
    """List the (unit, year) reports and the roll-ups that have params and can be built.

    \b
    Example:
      tuphap list
    """
    try:
        paths = ProjectPaths.discover(root)
        reports = commune_reports(paths)
        for report in reports:
            click.echo(f"{report.year}  {report.unit}")
        for rollup in rollup_reports(paths, sorted({report.year for report in reports})):
            click.echo(f"{rollup.year}  roll-up {rollup.key}")
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
