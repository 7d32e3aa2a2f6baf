"""The `tuphap` command: a thin layer over the package. Each command's help carries examples."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from tuphap import __version__, batch, cli_forms, publish, rollup_build, validation
from tuphap import cli_check
from tuphap.build import ReportResult
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import TuphapError
from tuphap.startup import skip_unused_imports


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


def _check_selection(units: tuple[str, ...], years: tuple[int, ...]) -> None:
    """Reject unsafe unit slugs and impossible years before anything is read."""
    for unit in units:
        check_slug(unit)
    for year in years:
        check_year(year)


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
@click.option("--strict", is_flag=True, help="Validation warnings block a report too, not only errors.")
@click.option("--final", is_flag=True,
              help="Make the copy to be signed: no data-quality note; every warning must be acknowledged in the params.")
@click.pass_obj
def build(root, units, years, build_all, workers, force, quiet, scheduler, fresh_kernels, strict, final) -> None:
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
    try:
        paths = ProjectPaths.discover(root)
        _check_selection(units, years)
        if not (units or years or build_all):
            raise click.UsageError("say what to build: --unit SLUG --year YEAR, --year YEAR, or --all")
        jobs = batch.plan(paths, units, years)
        if not jobs:
            expected = ", ".join(str(paths.params_file(year, unit)) for unit in units for year in years)
            raise TuphapError(f"nothing to build: no params file matches under {paths.params_dir}"
                              + (f" (expected {expected})" if expected else ""))
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
                warnings = sum(f["severity"] == "warning" for f in result.findings)
                acknowledged = sum(a.get("matched", False) for a in result.acknowledged)
                noted = (f"  ({acknowledged} acknowledged warning(s))" if final and acknowledged
                         else f"  ({warnings} data-quality warning(s) noted in the report)" if warnings and not final else "")
                bar.write(f"{result.status:>7} {result.year} {result.unit}{' (final)' if final else ''}{missing}{noted}")

        results = batch.run(paths, jobs, workers=workers, force=force, fresh_kernels=fresh_kernels,
                            strict=strict, final=final, scheduler=scheduler, on_result=report)
    click.echo(_summary(results, time.monotonic() - started))
    rollups = [] if units else _build_rollups(paths, sorted({job.year for job in jobs}), force, fresh_kernels, final, quiet)
    click.echo(f"Reports in {paths.outputs_dir}; ledger in {paths.outputs_dir / 'manifest.json'}")
    if all(r.status == "reused" for r in [*results, *rollups]) and publish.site_is_current(paths):
        click.echo(f"Site: {publish.site_dir(paths) / 'index.html'} (nothing changed)")
        site_written = True
    else:
        site_written = _write_site(paths)
    failed = [_failure_text(r) for r in results if r.status == "failed"]
    failed += [f"roll-up {r.label}, year {r.year}: {r.error}" for r in rollups if r.status == "failed"]
    if failed:
        click.echo(f"{len(failed)} report(s) failed:", err=True)
        for text in failed:
            click.echo(f"- {text}", err=True)
    if failed or not site_written:
        sys.exit(1)


def _write_site(paths: ProjectPaths) -> bool:
    try:
        click.echo(f"Site: {publish.write_site(paths)}")
        return True
    except (TuphapError, OSError) as exc:
        click.echo(f"error: the site in {publish.site_dir(paths)} was not updated: {exc}", err=True)
        return False


@cli.command()
@click.option("--unit", "units", multiple=True, metavar="SLUG", help="A unit to check (repeatable).")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help="A year to check (repeatable).")
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit code.")
@click.pass_obj
def validate(root, units, years, strict) -> None:
    """Check the data against data/rules.csv and the narratives, and print every finding.

    Without options every (unit, year) with figures or a params file is checked. Each finding names
    its severity, file and row (or line), unit and year, indicator, rule, the expected and the found
    value. Files that cannot be read at all (a bad row in a values file, an unknown indicator, a
    duplicate row) are findings too.

    Exit status: 0 when nothing blocks a report (warnings alone do not, unless --strict), 1 when
    there are errors (or, with --strict, warnings), 2 when the command itself is wrong (an unknown
    unit, a bad option, nothing to check).

    \b
    Examples:
      tuphap validate
      tuphap validate --unit tan-khai --year 2024
      tuphap validate --year 2024 --unit an-phu-mau --unit hoa-binh-mau
      tuphap validate --strict            # fail on warnings too (for CI)
    """
    try:
        paths = ProjectPaths.discover(root)
        _check_selection(units, years)
        findings, reports = validation.validate_project(paths, units, years)
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for finding in findings:
        click.echo(validation.describe(finding))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s) in {reports} report(s)")
    if validation.blocking(findings, strict=strict):
        sys.exit(1)


def _build_rollups(paths: ProjectPaths, years: list[int], force: bool, fresh_kernels: bool, final: bool,
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

    results = rollup_build.run(paths, jobs, force=force, fresh_kernels=fresh_kernels, final=final, on_result=report)
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


@cli.command(name="site")
@click.pass_obj
def site_command(root: str | None) -> None:
    """Write the internal site, outputs/site/, from the reports already built.

    `tuphap build` does this at its end; run it alone after copying reports in or deleting some.
    The site lists every year and commune with build status, data findings, key figures and links
    to report.html, report.pdf and report.docx. It has relative links only and holds its own copy
    of the reports (hard links where possible), so the folder works from a file share or file://.

    \b
    Example:
      tuphap site && xdg-open outputs/site/index.html
    """
    try:
        paths = ProjectPaths.discover(root)
    except TuphapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not _write_site(paths):
        sys.exit(1)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--bind", "host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on; 0.0.0.0 lets other machines see the site.")
@click.pass_obj
def serve(root: str | None, port: int, host: str) -> None:
    """Preview the site in a browser: write outputs/site/, then serve it until Ctrl-C.

    \b
    Examples:
      tuphap serve                  # then open http://127.0.0.1:8000/
      tuphap serve --port 8080
    """
    try:
        paths = ProjectPaths.discover(root)
        publish.write_site(paths)
        server = publish.make_server(paths, host, port)
    except (TuphapError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    address, bound_port = server.server_address[:2]
    click.echo(f"Serving {publish.site_dir(paths)} at http://{address}:{bound_port}/ (Ctrl-C to stop)", err=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command(name="publish")
@click.option("--year", type=int, required=True, metavar="YEAR", help="The year to publish.")
@click.option("--zip", "as_zip", is_flag=True, required=True, help="Write a zip archive (the only form for now).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Archive to write (default: outputs/tuphap-YEAR.zip).")
@click.pass_obj
def publish_command(root: str | None, year: int, as_zip: bool, output: str | None) -> None:
    """Pack one year's bundle into a zip: its site pages, every report (HTML, PDF, DOCX) and roll-up.

    The archive holds one folder, tuphap-YEAR/, that works wherever it is unzipped: open its
    index.html. Build the reports first; a report that failed is listed as failed.

    \b
    Examples:
      tuphap publish --year 2024 --zip
      tuphap publish --year 2024 --zip --output /mnt/share/tuphap-2024.zip
    """
    try:
        paths = ProjectPaths.discover(root)
        archive, failed = publish.write_zip(paths, check_year(year), Path(output) if output else None)
    except (TuphapError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {archive}")
    if failed:
        click.echo(f"warning: {failed} report(s) of {year} failed; the bundle lists them as failed", err=True)
cli.add_command(cli_forms.form)
cli.add_command(cli_forms.ingest)
cli.add_command(cli_check.check)


def main() -> None:
    skip_unused_imports()
    cli()
