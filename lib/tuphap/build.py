"""Building one report: run the section notebooks that need it, then assemble HTML and PDF.

A section is re-executed only when its input hash (see fingerprint.py) differs from the ledger's
record of the last successful run, or when forced. Reports are assembled only when a section changed
or a report file is missing.
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tuphap import fingerprint, validation
from tuphap.atomic import write_atomically
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import SectionFailed, TuphapError
from tuphap.loading import Dataset, load_narrative, load_params

KERNEL = "python3"
DONE = ("executed", "reused")
REPORT_FILES = ("report.html", "report.pdf", "report.docx")


@dataclass
class SectionRecord:
    input_hash: str
    status: str = "not run"  # executed | reused | failed | not run
    duration: float = 0.0
    cell: int | None = None
    error: str | None = None


@dataclass
class ReportResult:
    unit: str
    year: int
    status: str = "failed"  # planned | built | reused | failed
    input_hash: str = ""
    duration: float = 0.0
    error: str | None = None
    missing_markers: int = 0  # figures or narrative blocks shown as missing in the report
    sections: dict[str, SectionRecord] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)  # validation.Finding.as_dict() of this report

    def as_ledger_entry(self) -> dict:
        return asdict(self)

    @property
    def executed_sections(self) -> list[str]:
        return [name for name, record in self.sections.items() if record.status == "executed"]


def import_report_modules() -> None:
    """Import now what executing and assembling reports needs (normally imported on first use), for a
    process that will build many."""
    import papermill  # noqa: F401

    from tuphap import assemble, docx_writer, kernels, pdf  # noqa: F401


def run_section(notebook: Path, executed: Path, unit: str, year: int, root: Path, *, fresh_kernel: bool,
                parameters: dict | None = None) -> None:
    """Execute one section notebook for (unit, year), or with other parameters (a roll-up's level, area
    and year; `unit` then names the report in errors); on failure the executed copy stays for inspection."""
    # Imported here: the command starts faster when nothing needs running.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from tuphap.kernels import ENGINE as WARM_ENGINE, KERNEL_ARGUMENTS, KernelFailed

    executed.parent.mkdir(parents=True, exist_ok=True)
    # Prefer this environment's kernel spec to a user-wide 'python3' that may lack tuphap.
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    if fresh_kernel:
        engine = {"cwd": str(root), "extra_arguments": KERNEL_ARGUMENTS}
    else:
        engine = {"engine_name": WARM_ENGINE, "kernel_cwd": str(root), "request_save_on_cell_execute": False}
    # papermill writes as it goes; an interrupted run must not leave a truncated notebook under the
    # name that a later build would reuse, so it writes beside it and the file is renamed once complete.
    partial = executed.with_name(f".{executed.stem}.partial.ipynb")
    try:
        papermill.execute_notebook(str(notebook), str(partial), parameters=parameters or {"unit": unit, "year": year},
                                   kernel_name=KERNEL, progress_bar=False, log_output=False, **engine)
    except PapermillExecutionError as exc:
        os.replace(partial, executed)  # the failing notebook, traceback included, for the analyst
        cell = exc.cell_index + 1 if exc.cell_index is not None else None
        raise SectionFailed(unit, year, notebook.stem, cell, f"{exc.ename}: {exc.evalue}", executed) from None
    except KernelFailed as exc:  # nothing was written; after a death the next notebook starts a new kernel
        raise SectionFailed(unit, year, notebook.stem, None, str(exc), None) from None
    os.replace(partial, executed)


def _shared_inputs(paths: ProjectPaths, unit: str, year: int) -> tuple[Dataset, list[Path]]:
    """The data and the section notebooks, failing fast on an unknown unit or year or no notebooks."""
    unit, year = check_slug(unit), check_year(year)
    dataset = Dataset.load(paths)
    dataset.unit(unit)
    notebooks = paths.section_notebooks()
    if not notebooks:
        raise TuphapError(f"no section notebooks (NN-name.ipynb) in {paths.notebooks_dir}")
    return dataset, notebooks


def _check_unit_files(paths: ProjectPaths, unit: str, year: int) -> None:
    """Fail fast, before any kernel starts, on the mistakes a user can make in the report's own files."""
    load_params(paths.params_file(year, unit))
    load_narrative(paths.narrative_file(year, unit))


def report_title(dataset: Dataset, unit: str, year: int) -> str:
    return f"Báo cáo tổng kết công tác Tư pháp năm {year} — {dataset.unit(unit).full_name}"


def section_reusable(previous: dict | None, name: str, input_hash: str, executed: Path) -> bool:
    record = (previous or {}).get("sections", {}).get(name)
    return bool(record) and record["input_hash"] == input_hash and record["status"] in DONE and executed.is_file()


def _validation_error(findings: list[dict], strict: bool) -> str:
    blocking = [validation.Finding(**finding) for finding in findings if finding["severity"] == "error" or strict]
    kinds = "error(s) or warning(s) (--strict)" if strict else "error(s)"
    lines = [f"data validation found {len(blocking)} {kinds}; fix them, or see `tuphap validate`:"]
    lines += [f"  {validation.describe(finding)}" for finding in blocking]
    return "\n".join(lines)


def _findings(dataset: Dataset, unit: str, year: int, input_hash: str, previous: dict) -> list[dict]:
    """The report's validation findings. Its input hash covers everything they depend on (figures of
    this year and the last, narrative, params, catalogue, rules), so unchanged inputs reuse the ledger's."""
    if previous.get("input_hash") == input_hash and "findings" in previous:
        return previous["findings"]
    return [finding.as_dict() for finding in validation.report_findings(dataset, unit, year)]


def plan_report(paths: ProjectPaths, unit: str, year: int, *, previous: dict | None = None,
                force: bool = False, strict: bool = False) -> ReportResult:
    """Hash the report's inputs, validate its data and mark what the ledger says can be reused.
    Cheap: no kernel runs. Status 'reused' means nothing at all needs doing; 'failed' carries the
    user's mistake, or the validation findings that block the report (warnings too when strict)."""
    result = ReportResult(unit, year)
    previous = previous or {}
    try:
        dataset, notebooks = _shared_inputs(paths, unit, year)
    except TuphapError as exc:
        result.error = str(exc)
        return result
    shared = fingerprint.report_inputs(paths, dataset, unit, year)
    sections_dir = paths.sections_dir(year, unit)
    sections = {}
    for notebook in notebooks:
        record = SectionRecord(fingerprint.section_input(shared, notebook))
        executed = sections_dir / notebook.name
        if not force and section_reusable(previous, notebook.stem, record.input_hash, executed):
            record.status = "reused"
        sections[notebook.stem] = record
    input_hash = fingerprint.combined([r.input_hash for r in sections.values()])
    built_before = previous.get("input_hash") == input_hash and previous.get("status") in ("built", "reused")
    if not built_before:  # the hash covers the params and narrative files, which then read as before
        try:
            _check_unit_files(paths, unit, year)
        except TuphapError as exc:
            result.error = str(exc)
            return result
    result.findings = _findings(dataset, unit, year, input_hash, previous)
    if any(finding["severity"] == "error" or strict for finding in result.findings):
        result.error = _validation_error(result.findings, strict)
        return result  # nothing ran, so no section is recorded
    result.sections, result.input_hash = sections, input_hash
    report_dir = paths.report_dir(year, unit)
    outputs_exist = all((report_dir / name).is_file() for name in REPORT_FILES)
    if all(r.status == "reused" for r in sections.values()) and outputs_exist and built_before:
        result.status, result.missing_markers = "reused", previous.get("missing_markers", 0)
    else:
        result.status = "planned"
    return result


def build_report(paths: ProjectPaths, unit: str, year: int, *, previous: dict | None = None,
                 force: bool = False, fresh_kernels: bool = False, strict: bool = False) -> ReportResult:
    """Build (or reuse) one report. User mistakes, blocking findings and failing sections come back
    in the result."""
    started = time.monotonic()
    result = plan_report(paths, unit, year, previous=previous, force=force, strict=strict)
    if result.status == "planned":
        try:
            for name, record in result.sections.items():
                if record.status != "reused":
                    execute_section(record, paths.notebooks_dir / f"{name}.ipynb",
                                    paths.sections_dir(year, unit) / f"{name}.ipynb", unit, year, paths.root,
                                    fresh_kernel=fresh_kernels)
            result.missing_markers = _assemble(paths, unit, year, list(result.sections))
            result.status = "built"
        except TuphapError as exc:
            result.status, result.error = "failed", str(exc)
    result.duration = round(time.monotonic() - started, 3)
    return result


def execute_section(record: SectionRecord, notebook: Path, executed: Path, unit: str, year: int, root: Path, *,
                    fresh_kernel: bool, parameters: dict | None = None) -> None:
    """run_section, with its status, duration and failure kept in the section's ledger record."""
    started = time.monotonic()
    try:
        run_section(notebook, executed, unit, year, root, fresh_kernel=fresh_kernel, parameters=parameters)
        record.status = "executed"
    except SectionFailed as failure:
        record.status, record.cell, record.error = "failed", failure.cell, failure.error
        raise
    finally:
        record.duration = round(time.monotonic() - started, 3)


def _assemble(paths: ProjectPaths, unit: str, year: int, section_names: list[str]) -> int:
    return write_report([paths.sections_dir(year, unit) / f"{name}.ipynb" for name in section_names],
                        report_title(Dataset.load(paths), unit, year), paths.report_dir(year, unit))


def write_report(notebooks: list[Path], title: str, report_dir: Path) -> int:
    """Write report.html, report.pdf and report.docx from executed notebooks; returns how many
    missing-data markers the report shows."""
    from tuphap.assemble import render_page, section_html  # nbconvert and WeasyPrint load slowly:
    from tuphap.docx_writer import render_docx  # only when a report is assembled
    from tuphap.pdf import render_pdf

    sections = section_html(notebooks)
    screen = render_page(sections, title, for_print=False)
    printed = render_page(sections, title, for_print=True)
    write_atomically(report_dir / "report.html", screen.encode("utf-8"))
    write_atomically(report_dir / "report.pdf", render_pdf(printed, report_dir))
    write_atomically(report_dir / "report.docx", render_docx(printed, title))
    return screen.count('class="missing"')
