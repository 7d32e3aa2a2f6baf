"""Building one report: run each section notebook with papermill, then assemble HTML and PDF."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import papermill
from papermill.exceptions import PapermillExecutionError

from tuphap.assemble import render_page, section_html
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import SectionFailed, TuphapError
from tuphap.loading import Dataset, load_narrative, load_params
from tuphap.pdf import render_pdf

KERNEL = "python3"
# ipykernel warns on every start that its local TCP transport is unencrypted; only errors matter here.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
_UMASK = os.umask(0)
os.umask(_UMASK)


@dataclass(frozen=True)
class BuiltReport:
    unit: str
    year: int
    html: Path
    pdf: Path
    missing_markers: int  # figures or narrative blocks shown as missing in the report


def write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target, then rename: a crash never leaves a half-written file in its place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; reports are meant to be shared
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_section(notebook: Path, executed: Path, unit: str, year: int, root: Path) -> None:
    """Execute one section notebook for (unit, year); on failure the executed copy stays for inspection."""
    executed.parent.mkdir(parents=True, exist_ok=True)
    # Prefer this environment's kernel spec to a user-wide 'python3' that may lack tuphap.
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters={"unit": unit, "year": year},
            kernel_name=KERNEL, cwd=str(root), progress_bar=False, log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except PapermillExecutionError as exc:
        cell = exc.cell_index + 1 if exc.cell_index is not None else None
        raise SectionFailed(unit, year, notebook.stem, cell, f"{exc.ename}: {exc.evalue}", executed) from None


def _check_inputs(paths: ProjectPaths, unit: str, year: int) -> Dataset:
    """Fail fast, before any kernel starts, on the mistakes a user can make in their files."""
    dataset = Dataset.load(paths)
    dataset.unit(unit)
    load_params(paths.params_file(year, unit))
    load_narrative(paths.narrative_file(year, unit))
    if not paths.section_notebooks():
        raise TuphapError(f"no section notebooks (NN-name.ipynb) in {paths.notebooks_dir}")
    return dataset


def report_title(dataset: Dataset, unit: str, year: int) -> str:
    return f"Báo cáo tổng kết công tác Tư pháp năm {year} — {dataset.unit(unit).full_name}"


def build_report(paths: ProjectPaths, unit: str, year: int,
                 on_section: Callable[[str], None] = lambda name: None) -> BuiltReport:
    unit, year = check_slug(unit), check_year(year)
    dataset = _check_inputs(paths, unit, year)
    executed = []
    for notebook in paths.section_notebooks():
        on_section(notebook.stem)
        target = paths.sections_dir(year, unit) / notebook.name
        run_section(notebook, target, unit, year, paths.root)
        executed.append(target)
    sections = section_html(executed)
    title = report_title(dataset, unit, year)
    report_dir = paths.report_dir(year, unit)
    screen = render_page(sections, title, for_print=False)
    html_path, pdf_path = report_dir / "report.html", report_dir / "report.pdf"
    write_atomically(html_path, screen.encode("utf-8"))
    write_atomically(pdf_path, render_pdf(render_page(sections, title, for_print=True), report_dir))
    return BuiltReport(unit, year, html_path, pdf_path, screen.count('class="missing"'))
