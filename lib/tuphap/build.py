"""Building one report: run the section notebooks that need it, then assemble HTML and PDF.

A section is re-executed only when its input hash (see fingerprint.py) differs from the ledger's
record of the last successful run, or when forced. Reports are assembled only when a section changed
or a report file is missing.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tuphap import doccheck, fingerprint, validation
from tuphap.atomic import write_atomically
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import DocumentDefects, SectionFailed, TuphapError
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
    mode: str = "draft"  # draft (with the data-quality note) | final (the copy to be signed)
    acknowledged: list[dict] = field(default_factory=list)  # params' acknowledgements, each with "matched"
    data_hash: str = ""  # the report's data (figures, narrative, params, catalogue, rules), short
    built_at: str = ""  # when its files were last written (ISO 8601, local time)

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


def _blocking(findings: list[dict], acknowledged: list[dict], *, strict: bool, final: bool) -> list[dict]:
    """Errors always block; warnings block under --strict or --final unless the params acknowledge them."""
    accepted = {(a["rule"], a["indicator"]) for a in acknowledged}
    return [f for f in findings
            if f["severity"] == "error" or ((strict or final) and (f["rule"], f["indicator"] or "") not in accepted)]


def _validation_error(blocking: list[dict], *, strict: bool, final: bool, params_file: Path) -> str:
    if final and not any(f["severity"] == "error" for f in blocking):
        lines = [f"the final copy needs every data warning fixed or acknowledged: {len(blocking)} warning(s) are not; "
                 f"fix the data, or acknowledge each in {params_file} under `acknowledged:` with its rule, "
                 "indicator and reason:"]
    else:
        kinds = "error(s) or unacknowledged warning(s)" if strict or final else "error(s)"
        lines = [f"data validation found {len(blocking)} {kinds}; fix them, or see `tuphap validate`:"]
    lines += [f"  {validation.describe(validation.Finding(**finding))}" for finding in blocking]
    return "\n".join(lines)


def _acknowledged(paths: ProjectPaths, unit: str, year: int, findings: list[dict]) -> list[dict]:
    """The params' acknowledgements, each marked with whether a current finding is what it accepts."""
    return [{**ack.model_dump(), "matched": any(ack.covers(f) for f in findings)}
            for ack in load_params(paths.params_file(year, unit)).acknowledged]


def _findings(dataset: Dataset, unit: str, year: int, input_hash: str, previous: dict) -> list[dict]:
    """The report's validation findings. Its input hash covers everything they depend on (figures of
    this year and the last, narrative, params, catalogue, rules), so unchanged inputs reuse the ledger's."""
    if previous.get("input_hash") == input_hash and "findings" in previous:
        return previous["findings"]
    return [finding.as_dict() for finding in validation.report_findings(dataset, unit, year)]


def plan_report(paths: ProjectPaths, unit: str, year: int, *, previous: dict | None = None,
                force: bool = False, strict: bool = False, final: bool = False) -> ReportResult:
    """Hash the report's inputs, validate its data and mark what the ledger says can be reused.
    Cheap: no kernel runs. Status 'reused' means nothing at all needs doing; 'failed' carries the
    user's mistake, or the validation findings that block the report (warnings too when strict, and
    unacknowledged warnings when final)."""
    result = ReportResult(unit, year, mode="final" if final else "draft")
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
    # The mode changes the assembled files (the data-quality note), not what the sections compute.
    input_hash = fingerprint.combined([r.input_hash for r in sections.values()] + [result.mode])
    built_before = previous.get("input_hash") == input_hash and previous.get("status") in ("built", "reused")
    if not built_before:  # the hash covers the params and narrative files, which then read as before
        try:
            _check_unit_files(paths, unit, year)
        except TuphapError as exc:
            result.error = str(exc)
            return result
    result.findings = _findings(dataset, unit, year, input_hash, previous)
    result.acknowledged = previous["acknowledged"] if built_before and "acknowledged" in previous \
        else _acknowledged(paths, unit, year, result.findings)
    result.data_hash = fingerprint.report_data(paths, dataset, unit, year)[:12]
    blocking = _blocking(result.findings, result.acknowledged, strict=strict, final=final)
    if blocking:
        result.error = _validation_error(blocking, strict=strict, final=final, params_file=paths.params_file(year, unit))
        return result  # nothing ran, so no section is recorded
    result.sections, result.input_hash = sections, input_hash
    report_dir = paths.report_dir(year, unit)
    outputs_exist = all((report_dir / name).is_file() for name in REPORT_FILES)
    if all(r.status == "reused" for r in sections.values()) and outputs_exist and built_before:
        result.status, result.missing_markers = "reused", previous.get("missing_markers", 0)
        result.built_at = previous.get("built_at", "")
    else:
        result.status = "planned"
    return result


def build_report(paths: ProjectPaths, unit: str, year: int, *, previous: dict | None = None,
                 force: bool = False, fresh_kernels: bool = False, strict: bool = False,
                 final: bool = False) -> ReportResult:
    """Build (or reuse) one report. User mistakes, blocking findings, failing sections and defects
    the document check finds in the rendered files come back in the result."""
    started = time.monotonic()
    result = plan_report(paths, unit, year, previous=previous, force=force, strict=strict, final=final)
    if result.status == "planned":
        try:
            for name, record in result.sections.items():
                if record.status != "reused":
                    execute_section(record, paths.notebooks_dir / f"{name}.ipynb",
                                    paths.sections_dir(year, unit) / f"{name}.ipynb", unit, year, paths.root,
                                    fresh_kernel=fresh_kernels)
            result.built_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            result.missing_markers = _assemble(paths, result)
            result.status = "built"
        except DocumentDefects as defects:
            result.status, result.error = "failed", str(defects)
            result.findings += [finding.as_dict() for finding in defects.findings]
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


def _assemble(paths: ProjectPaths, result: ReportResult) -> int:
    unit = Dataset.load(paths).unit(result.unit)
    document = Document(report_title(Dataset.load(paths), result.unit, result.year), f"UBND {unit.full_name}",
                        result.mode, result.built_at, result.data_hash, result.unit, result.year)
    return write_report([paths.sections_dir(result.year, result.unit) / f"{name}.ipynb" for name in result.sections],
                        document, paths.report_dir(result.year, result.unit), paths.root)


@dataclass(frozen=True)
class Document:
    """What is said about a report file besides its content: its metadata and where it came from."""
    title: str
    author: str  # the issuing body: "UBND thị trấn Tân Khai", "Sở Tư pháp tỉnh Bình Phước"
    mode: str  # draft | final
    built_at: str
    data_hash: str
    unit: str  # the report's key for findings: a unit slug or a roll-up's level-area
    year: int

    @property
    def mode_label(self) -> str:
        return {"draft": "Bản dự thảo", "final": "Bản chính thức"}[self.mode]


def write_report(notebooks: list[Path], document: Document, report_dir: Path, root: Path) -> int:
    """Render report.html, report.pdf and report.docx from executed notebooks, check what they say
    (doccheck.py), and only then write all three; returns how many missing-data markers the report
    shows. A defect found leaves the last good files in place."""
    from tuphap.assemble import render_page, section_html  # nbconvert and WeasyPrint load slowly:
    from tuphap.docx_writer import render_docx  # only when a report is assembled
    from tuphap.pdf import render_pdf

    final = document.mode == "final"
    sections = section_html(notebooks, final=final)
    screen = render_page(sections, document, for_print=False)
    printed = render_page(sections, document, for_print=True)
    files = {"report.html": screen.encode("utf-8"), "report.pdf": render_pdf(printed, report_dir),
             "report.docx": render_docx(printed, document)}
    names = {name: (report_dir / name).relative_to(root).as_posix() if report_dir.is_relative_to(root) else str(report_dir / name)
             for name in files}
    defects = doccheck.check_report(screen, files["report.pdf"], files["report.docx"], unit=document.unit,
                                    year=document.year, files=names, final=final)
    if defects:
        raise DocumentDefects(defects, [validation.describe(finding) for finding in defects])
    for name, content in files.items():
        write_atomically(report_dir / name, content)
    return screen.count('class="missing"')
