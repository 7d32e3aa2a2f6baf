"""One path for every report, commune or roll-up: plan (hash the inputs, validate, mark what the ledger
says can be reused; no kernel), run the sections that need it, assemble and check the files.

A section is re-executed only when its input hash (fingerprint.py) differs from the ledger's record
of the last successful run, or when forced. A report is assembled only when a section changed, its
mode (draft or final) changed, or a report file is missing.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from tuphap.assemble.report import write_report
from tuphap.check.findings import Finding, describe
from tuphap.errors import DocumentDefects, TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.project import REPORT_FILES, ProjectPaths
from tuphap.runtime import fingerprint
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
    lines += [f"  {describe(Finding(**finding))}" for finding in blocked]
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
    built_before = previous.get("input_hash") == input_hash and previous.get("status") in (Status.BUILT, Status.REUSED)
    try:
        if not built_before:  # the hash covers the report's own files, which then read as before
            target.check_files(paths)
        target.validate(paths, dataset, result, previous if built_before else {})
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
        result.built_at = previous.get("built_at", "")
    else:
        result.status = Status.PLANNED
    return result


def build(paths: ProjectPaths, target: Target, *, previous: dict | None = None, options: Options = Options()) -> Result:
    """Build (or reuse) one report. User mistakes, blocking findings, failing sections and defects the
    document check finds in the rendered files come back in the result."""
    started = time.monotonic()
    result = plan(paths, target, previous=previous, options=options)
    if result.status == Status.PLANNED:
        notebooks = {notebook.stem: notebook for notebook in target.notebooks(paths)}
        try:
            for name, record in result.sections.items():
                if record.status != SectionStatus.REUSED:
                    execute_section(record, notebooks[name], target.sections_dir(paths) / f"{name}.ipynb",
                                    target.error_name, target.year, paths.root, fresh_kernel=options.fresh_kernels,
                                    parameters=target.parameters(result.extra), cell_timeout=options.cell_timeout)
            result.built_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            executed = [target.sections_dir(paths) / f"{name}.ipynb" for name in result.sections]
            result.missing_markers = write_report(executed, target.document(paths, result), target.report_dir(paths),
                                                  paths.root)
            result.status = Status.BUILT
        except DocumentDefects as defects:
            result.status, result.error = Status.FAILED, str(defects)
            result.findings += [finding.as_dict() for finding in defects.findings]
        except TuphapError as exc:
            result.status, result.error = Status.FAILED, str(exc)
    result.duration = round(time.monotonic() - started, 3)
    return result
