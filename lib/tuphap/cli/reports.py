"""`tuphap build` and `tuphap list`: which reports there are, and building them."""
from __future__ import annotations

import signal
import sys
import time

import click
from tqdm import tqdm

from tuphap.cli import texts
from tuphap.cli.selection import choosing_failed, kind_folders, known_selection
from tuphap.cli.texts import block, examples, help_text
from tuphap.errors import DataErrors, TuphapError
from tuphap.i18n import N_, _
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths, commune_reports, rollup_reports
from tuphap.publish import folder
from tuphap.runtime import batch
from tuphap.runtime.lock import project_lock, waiting_message
from tuphap.runtime.targets import DEFAULT_CELL_TIMEOUT, Options, Result, RollupTarget, Status
from tuphap.versions import store

STATUS_WORDS = {Status.PLANNED: N_("planned"), Status.BUILT: N_("built"), Status.REUSED: N_("reused"),
                Status.FAILED: N_("failed")}


def _status(status: Status) -> str:
    """The status word of a progress line, right-aligned under the longest one."""
    return _(STATUS_WORDS[status]).rjust(max(len(_(word)) for word in STATUS_WORDS.values()))


def _summary(results: list[Result], seconds: float) -> str:
    count = {status: sum(r.status == status for r in results) for status in Status}
    executed = sum(len(r.executed_sections) for r in results)
    reused = sum(s.status == "reused" for r in results for s in r.sections.values())
    per_report = _(", {seconds} s per report").format(seconds=texts.seconds(seconds / len(results), 2)) if results else ""
    return _("{built} built, {unchanged} unchanged, {failed} failed of {total} report(s) in {seconds} s"
             "{per_report} (sections executed: {executed}, reused: {reused})").format(
        built=count[Status.BUILT], unchanged=count[Status.REUSED], failed=count[Status.FAILED], total=len(results),
        seconds=texts.seconds(seconds, 1), per_report=per_report, executed=executed, reused=reused)


def _result_line(result: Result, final: bool) -> str:
    missing = (_("  ({count} missing figure(s) or text shown in red)").format(count=result.missing_markers)
               if result.missing_markers else "")
    warnings = sum(f["severity"] == "warning" for f in result.findings)
    acknowledged = sum(a.get("matched", False) for a in result.acknowledged)
    noted = (_("  ({count} acknowledged warning(s))").format(count=acknowledged) if final and acknowledged
             else _("  ({count} data-quality warning(s) noted in the report)").format(count=warnings)
             if warnings and not final else "")
    mode = _(" (final)") if final else ""
    return f"{_status(result.status)} {result.year_label}{mode}{missing}{noted}"


@click.command(help=help_text(
    _("Validate the data, run the section notebooks and write report.html, report.pdf and report.docx."),
    _("Each report's data is first checked against data/rules.csv (as `tuphap validate` does): a report "
      "with errors (with --strict: also warnings) is not built and its previous output stays; a report "
      "with warnings is built with a data-quality note listing them: that is a draft."),
    _("A row of a values file that cannot be read stops only the reports that read it (its unit's report of "
      "that year and period, and those that compare with it); the roll-ups leave that unit out and say so. "
      "A row naming no unit of data/units.csv stops no report but makes the build exit 1."),
    _("With --final the reports are the copies to be signed: no data-quality note, and a report is built "
      "only when each of its warnings is fixed or acknowledged in its params file, e.g."),
    block("acknowledged:",
          "  - rule: tong_thanh_phan",
          "    indicator: ho_tich.tong",
          "    reason: Số tổng giữ như báo cáo đã ký; phần chênh lệch đang được rà soát."),
    _("Acknowledgements are recorded in the ledger and listed on the site's findings page, never in the "
      "document. Every report's HTML says whether it is a draft or final, when it was built and from "
      "which data (a short hash); the PDF and Word files carry title, author and language."),
    _("Outputs go to outputs/<year>/<unit>/ (executed notebooks under sections/); outputs/manifest.json "
      "records every section's input hash, status, duration and error. A section runs again only when "
      "one of its inputs changed: its notebook, the unit's params, narrative or values (this year and "
      "last), the indicator catalogue, the validation rules, the unit's registry row, or the tuphap "
      "package. At the end the internal site, outputs/site/, is brought up to date (see `tuphap site`)."),
    _("Every report kind of data/report_kinds.yaml is built (the year report, the six-month report…) unless "
      "--kind names some: a kind other than the default one has its params in params/<year>/_<kind>/<unit>.yaml, "
      "its notebooks in notebooks/<kind>/ and its reports in outputs/<year>/_<kind>/<unit>/."),
    _("With --all or --year (and no --unit), the district and province roll-ups of those years that "
      "have params/<year>/rollup/<level>-<area>.yaml are built after the commune reports, into "
      "outputs/<year>/_rollup/<level>-<area>/ (another kind's, params/<year>/_<kind>/rollup/, after that "
      "kind's reports, into outputs/<year>/_<kind>/_rollup/<level>-<area>/); with --unit they are left "
      "alone, since they add up every commune of their area."),
    examples(("tuphap build --unit tan-khai --year 2024", ""),
             ("tuphap build --year 2024", _("every unit with params/2024/<unit>.yaml")),
             ("tuphap build --year 2025 --kind 6thang", _("only the six-month reports of 2025")),
             ("tuphap build --all --jobs 2 --quiet", ""),
             ("tuphap build --all --force", _("ignore the ledger, re-run everything")),
             ("tuphap build --year 2024 --strict", _("warnings block a report too")),
             ("tuphap build --unit tan-khai --year 2024 --final", _("the copy to be signed")),
             ("tuphap build --all --scheduler tcp://HOST:8786", ""))))
@click.option("--unit", "units", multiple=True, metavar="SLUG", help=_("A unit to build (repeatable)."))
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help=_("A year to build (repeatable)."))
@click.option("--all", "build_all", is_flag=True, help=_("Build every (unit, year) that has a params file."))
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=_("A report kind of data/report_kinds.yaml to build (repeatable; default: every kind)."))
@click.option("--jobs", "-j", "workers", type=click.IntRange(min=1), default=batch.default_jobs,
              show_default=_("CPU cores"), help=_("Reports built in parallel, each worker with its own warm kernel."))
@click.option("--force", is_flag=True, help=_("Re-run every section even if its inputs did not change."))
@click.option("--quiet", "-q", is_flag=True, help=_("No progress bar or per-report lines; only the summary and failures."))
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help=_("Run the reports on this Dask cluster instead of local workers."))
@click.option("--fresh-kernels", is_flag=True,
              help=_("Start a new kernel for every notebook, as plain papermill does (slow)."))
@click.option("--strict", is_flag=True, help=_("Validation warnings block a report too, not only errors."))
@click.option("--cell-timeout", type=click.FloatRange(min=1), default=DEFAULT_CELL_TIMEOUT, show_default=True,
              metavar="SECONDS", help=_("A notebook cell running longer fails its section (the other reports go on)."))
@click.option("--final", is_flag=True,
              help=_("Make the copy to be signed: no data-quality note; every warning must be acknowledged in the params."))
@click.pass_obj
def build(root, units, years, build_all, kinds, workers, force, quiet, scheduler, fresh_kernels, strict, cell_timeout,
          final) -> None:
    """`tuphap build`: validate, run the section notebooks, write the reports (help above)."""
    if not (units or years or build_all):
        raise click.UsageError(_("say what to build: --unit SLUG --year YEAR, --year YEAR, or --all"))
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, units, years)
        folders = kind_folders(paths, kinds)
        targets = batch.commune_targets(paths, units, years, folders)
        if not targets:
            expected = ", ".join(str(paths.params_file(year, unit, kind)) for unit in units for year in years
                                 for kind in (folders or ("",)))
            raise TuphapError(_("nothing to build: no params file matches under {folder}").format(folder=paths.params_dir)
                              + (_(" (expected {files})").format(files=expected) if expected else ""))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))

    options = Options(force=force, fresh_kernels=fresh_kernels, strict=strict, final=final, cell_timeout=cell_timeout)
    # A plain `kill` then unwinds like Ctrl-C: workers stop, and no report is left half-written.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # One build per project folder: a second one waits here, saying so once (runtime/lock.py).
    with project_lock(paths, on_wait=lambda: click.echo(waiting_message(paths), err=True)):
        started = time.monotonic()
        with tqdm(total=len(targets), unit=_("report"), desc=_("Building"), disable=quiet, file=sys.stderr,
                  dynamic_ncols=True) as bar:
            def report(result: Result) -> None:
                bar.update()
                if result.status == Status.FAILED:
                    bar.write(_("FAILED {failure}").format(failure=result.failure), file=sys.stderr)
                elif not quiet:
                    bar.write(_result_line(result, final))

            results = batch.run(paths, targets, options, workers=workers, scheduler=scheduler, on_result=report)
        click.echo(_summary(results, time.monotonic() - started))
        versions_kept = _keep_versions(paths, results) if final else True
        rollups = _build_rollups(paths, batch.rollups_after(paths, targets, units_chosen=bool(units)), options, quiet)
        click.echo(_("Reports in {folder}; ledger in {ledger}").format(folder=paths.outputs_dir, ledger=paths.ledger_file))
        site_written = _refresh_site(paths, changed=any(r.status != Status.REUSED for r in [*results, *rollups]))
    failed = [r.failure for r in [*results, *rollups] if r.status == Status.FAILED]
    if failed:
        click.echo(_("{count} report(s) failed:").format(count=len(failed)), err=True)
        for text in failed:  # each one's first line: the whole message was printed as it failed
            click.echo(f"- {text.splitlines()[0].removesuffix(':')}", err=True)
    stray = _stray_rows(paths)
    if stray:
        click.echo(_("error: {message}").format(message=stray), err=True)
    if failed or stray or not site_written or not versions_kept:
        sys.exit(1)


def _keep_versions(paths: ProjectPaths, results: list[Result]) -> bool:
    """Each new final copy kept as the report's next version (versions/store.py), each on a line."""
    try:
        added = store.keep_final_copies(paths, results)
    except (TuphapError, OSError) as exc:
        click.echo(_("error: the final copies were built but not kept as versions: {message}").format(message=exc),
                   err=True)
        return False
    for version, previous in added:
        click.echo(_("Kept as version {name}: {folder}").format(name=version.name, folder=version.folder))
        if previous is not None:
            try:
                store.add_word_changes(version, previous)
            except (TuphapError, OSError) as exc:  # the version stands; only its Word file of changes is missing
                click.echo(_("warning: {message}").format(message=exc), err=True)
    return True


def _stray_rows(paths: ProjectPaths) -> DataErrors | None:
    """The values rows that name no unit of the registry (or none): they stop no report, so the build
    says them at the end and fails, as validate does."""
    try:
        errors = Dataset.load(paths).stray_errors
    except TuphapError:  # files that cannot be read at all: every report has said so
        return None
    return DataErrors(errors, _("{count} row(s) of the values files name no unit of {file}, so they belong to no "
                                "report and were left out; fix them:").format(count=len(errors), file=paths.units_file)
                      ) if errors else None


def _build_rollups(paths: ProjectPaths, targets: list[RollupTarget], options: Options, quiet: bool) -> list[Result]:
    """The district and province roll-ups, after their commune reports, each on a line."""
    if not targets:
        return []
    started = time.monotonic()

    def report(result: Result) -> None:
        if result.status == Status.FAILED:
            click.echo(_("FAILED {failure}").format(failure=result.failure), err=True)
        elif not quiet:
            sample = _("  (includes sample communes)") if result.extra.get("includes_sample") else ""
            click.echo(f"{_status(result.status)} {result.year_label}{sample}")

    results = batch.run(paths, targets, options, on_result=report)
    count = {status: sum(r.status == status for r in results) for status in Status}
    click.echo(_("Roll-ups: {built} built, {unchanged} unchanged, {failed} failed of {total} in {seconds} s").format(
        built=count[Status.BUILT], unchanged=count[Status.REUSED], failed=count[Status.FAILED], total=len(results),
        seconds=texts.seconds(time.monotonic() - started, 1)))
    return results


def _refresh_site(paths: ProjectPaths, *, changed: bool) -> bool:
    try:
        index, rewritten = folder.refresh_site(paths, changed=changed)
        click.echo(_("Site: {index}").format(index=index) + ("" if rewritten else _(" (nothing changed)")))
        return True
    except (TuphapError, OSError) as exc:
        click.echo(_("error: the site in {folder} was not updated: {message}").format(folder=paths.site_dir, message=exc),
                   err=True)
        return False


@click.command(name="list", help=help_text(
    _("List the (unit, year) reports and the roll-ups that have params and can be built."),
    examples(("tuphap list", ""))))
@click.pass_obj
def list_reports(root: str | None) -> None:
    """`tuphap list`: what can be built (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        reports = commune_reports(paths, kinds=None)
        for report in reports:
            click.echo(f"{report.year}  {report.unit}" + (f"  ({report.kind})" if report.kind else ""))
        for rollup in rollup_reports(paths, sorted({report.year for report in reports}), kinds=None):
            click.echo(_("{year}  roll-up {key}").format(year=rollup.year, key=rollup.key)
                       + (f"  ({rollup.kind})" if rollup.kind else ""))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
