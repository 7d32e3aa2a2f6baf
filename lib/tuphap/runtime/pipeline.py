"""One path for every report, commune or roll-up: plan (hash the inputs, validate, mark what the ledger
says can be reused; no kernel), run the sections that need it, assemble and check the files.

A section is re-executed only when its input hash (fingerprint.py) differs from the ledger's record
of the last successful run, or when forced. A report is assembled only when a section changed, its
mode (draft or final) changed, its last attempt failed, or a report file is missing. A build writes
into a folder of its own, which replaces the report's as a whole (staging.py).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path

from tuphap.assemble.report import write_report
from tuphap.check.findings import Finding, describe_bounded
from tuphap.errors import DocumentDefects, SectionFailed, TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.project import REPORT_FILES, ProjectPaths
from tuphap.runtime import fingerprint, staging
from tuphap.runtime.execute import execute_section
from tuphap.runtime.targets import Options, Result, SectionRecord, SectionStatus, Status, Target

DONE = (SectionStatus.EXECUTED, SectionStatus.REUSED)


def section_reusable(previous: dict, name: str, input_hash: str, executed: Path) -> bool:
    record = previous.get("sections", {}).get(name)
    return bool(record) and record["input_hash"] == input_hash and record["status"] in DONE and executed.is_file()


def blocking(findings: list[dict], acknowledged: list[dict], options: Options) -> list[dict]:
    """Errors always block; warnings block under --strict or --final unless the params acknowledge them."""
    accepted = {(a["rule"], a["indicator"]) for a in acknowledged}
    warnings_block = options.strict or options.final
    return [f for f in findings
            if f["severity"] == "error" or (warnings_block and (f["rule"], f["indicator"] or "") not in accepted)]


def _blocked_message(blocked: list[dict], options: Options, params_file: str) -> str:
    if options.final and not any(f["severity"] == "error" for f in blocked):
        lines = [_("the final copy needs every data warning fixed or acknowledged: {count} warning(s) are not; "
                   "fix the data, or acknowledge each in {params_file} under `acknowledged:` with its rule, "
                   "indicator and reason:").format(count=len(blocked), params_file=params_file)]
    elif options.strict or options.final:
        lines = [_("data validation found {count} error(s) or unacknowledged warning(s); fix them, or see "
                   "`tuphap validate`:").format(count=len(blocked))]
    else:
        lines = [_("data validation found {count} error(s); fix them, or see `tuphap validate`:").format(count=len(blocked))]
    lines += [f"  {line}" for line in describe_bounded([Finding(**finding) for finding in blocked])]
    return "\n".join(lines)


def plan(paths: ProjectPaths, target: Target, *, previous: dict | None = None, options: Options = Options()) -> Result:
    """Hash the report's inputs, validate it and mark what the ledger says can be reused. Cheap: no
    kernel runs. Status REUSED means nothing at all needs doing; FAILED carries the user's mistake, or
    the findings that block the report (warnings too when strict, unacknowledged ones when final)."""
    result = Result(target, mode=options.mode)
    previous = previous or {}
    try:
        dataset = Dataset.load(paths)
        notebooks = target.notebooks(paths)
        shared = target.inputs(paths, dataset, result)
    except TuphapError as exc:
        result.error = str(exc)
        return result
    sections = {}
    for notebook in notebooks:
        record = SectionRecord(fingerprint.section_input(shared, notebook))
        executed = target.sections_dir(paths) / notebook.name
        if not options.force and section_reusable(previous, notebook.stem, record.input_hash, executed):
            record.status = SectionStatus.REUSED
        sections[notebook.stem] = record
    # The mode changes the assembled files (the data-quality note), not what the sections compute.
    input_hash = fingerprint.combined([r.input_hash for r in sections.values()] + [result.mode])
    # The entry describes the files on disk, the last good build's, also after a failed attempt (ledger.py);
    # that attempt's findings are its own, though, not those of these inputs.
    built_before = previous.get("input_hash") == input_hash and (
        previous.get("status") in (Status.BUILT, Status.REUSED) or "last_failure" in previous)
    findings_hold = built_before and "last_failure" not in previous
    try:
        if not built_before:  # the hash covers the report's own files, which then read as before
            target.check_files(paths)
        target.validate(paths, dataset, result, previous if findings_hold else {})
    except TuphapError as exc:
        result.error = str(exc)
        return result
    blocked = blocking(result.findings, result.acknowledged, options)
    if blocked:
        result.error = _blocked_message(blocked, options, str(target.params_file(paths)))
        return result  # nothing ran, so no section is recorded
    result.sections, result.input_hash = sections, input_hash
    outputs_exist = all((target.report_dir(paths) / name).is_file() for name in REPORT_FILES)
    if all(r.status == SectionStatus.REUSED for r in sections.values()) and outputs_exist and built_before:
        result.status, result.missing_markers = Status.REUSED, previous.get("missing_markers", 0)
        result.built_at, result.build_id = previous.get("built_at", ""), previous.get("build_id", "")
    else:
        result.status = Status.PLANNED
    return result


def build(paths: ProjectPaths, target: Target, *, previous: dict | None = None, options: Options = Options()) -> Result:
    """Build (or reuse) one report, into a folder of its own (staging.py) that `put_in_place` then puts
    where the report goes. User mistakes, blocking findings, failing sections and defects the document
    check finds in the rendered files come back in the result."""
    started = time.monotonic()
    result = plan(paths, target, previous=previous, options=options)
    if result.status == Status.PLANNED:
        result.build_id = staging.new_build_id()
        report_dir = target.report_dir(paths)
        folder = staging.stage(report_dir, result.build_id, [f"{name}.ipynb" for name, record in result.sections.items()
                                                              if record.status == SectionStatus.REUSED])
        notebooks = {notebook.stem: notebook for notebook in target.notebooks(paths)}
        try:
            for name, record in result.sections.items():
                if record.status != SectionStatus.REUSED:
                    execute_section(record, notebooks[name], folder / "sections" / f"{name}.ipynb",
                                    target.error_name, target.year, paths.root, fresh_kernel=options.fresh_kernels,
                                    parameters=target.parameters(result.extra), cell_timeout=options.cell_timeout)
            result.built_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            executed = [folder / "sections" / f"{name}.ipynb" for name in result.sections]
            document = replace(target.document(paths, result), build_id=result.build_id)
            result.missing_markers = write_report(executed, document, report_dir, paths.root, into=folder)
            result.status = Status.BUILT
        except SectionFailed as failure:  # its notebook is kept where put_in_place moves it
            kept = report_dir / staging.FAILED_SECTIONS / failure.notebook.name if failure.notebook else None
            result.status = Status.FAILED
            result.error = str(SectionFailed(failure.unit, failure.year, failure.section, failure.cell, failure.error, kept))
        except DocumentDefects as defects:
            result.status, result.error = Status.FAILED, str(defects)
            result.findings += [finding.as_dict() for finding in defects.findings]
        except TuphapError as exc:
            result.status, result.error = Status.FAILED, str(exc)
        except BaseException:
            staging.discard(folder)
            raise
    result.duration = round(time.monotonic() - started, 3)
    if result.status == Status.BUILT:
        staging.seal(folder, result.as_ledger_entry())
    return result


def put_in_place(paths: ProjectPaths, result: Result) -> None:
    """In the process holding the build lock, after `build`: a built report's folder replaces the old
    one as a whole; a failed attempt leaves the old files and keeps its executed sections beside them
    (staging.py). A report that was reused, or failed before running anything, has nothing to move."""
    report_dir = result.target.report_dir(paths)
    if result.status == Status.REUSED:  # its files are the last good ones: a failed attempt since is over
        staging.forget_failure(report_dir)
    if not result.build_id or result.status not in (Status.BUILT, Status.FAILED):
        return
    folder = staging.staging_dir(report_dir, result.build_id)
    if not folder.is_dir():  # reused: its build id is the files' own
        return
    try:
        if result.status == Status.BUILT:
            staging.switch(report_dir, folder)
        else:
            staging.keep_failure(report_dir, folder)
    except OSError as exc:
        staging.discard(folder)
        result.status = Status.FAILED
        result.error = _("the new files could not replace those in {folder}: {error}").format(folder=report_dir, error=exc)
