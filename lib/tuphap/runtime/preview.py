"""The live preview of one commune report of any kind (`tuphap preview`): its sections kept in memory, and re-run
only when something they read changed.

A session keeps, for each section, the HTML nbconvert made of its executed notebook and what its cells
read (render/preview.py: the narrative blocks, the figures by year and indicator, whether a year had
any figure; or `everything`). It runs the sections in one warm kernel, through papermill and the warm
engine as builds do, but never writes a notebook or a report file: the build's outputs and ledger are
left alone.

On each change it reads the report's inputs again (the Dataset is reloaded only when a data file
changed), compares them with those its sections were made from, and re-runs the sections the change
touches (runtime/preview_changes.py says which). When in doubt, it re-runs.

Then it assembles the screen page from all sections (the outline and footnotes are report-wide) and
bumps the version the browser watches. PDF and Word files are rendered on demand from the same HTML.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths, check_slug, check_year
from tuphap.render.preview import READS_MIME, Reads
from tuphap.runtime import fingerprint
from tuphap.runtime.execute import KERNEL, WARM_ENGINE
from tuphap.runtime.preview_changes import Inputs, analysable, compare, read_inputs, to_rerun
from tuphap.runtime.targets import DEFAULT_CELL_TIMEOUT, CommuneTarget, Result

# Cells the preview adds around a section's own: collect what the report reads, then hand it back.
# Tagged as nbconvert's remove-cell, they never reach the HTML.
_RECORD_CELL = "__import__('tuphap.render.preview', fromlist=['record_reads']).record_reads()"
_RECORDED_CELL = "__import__('tuphap.render.preview', fromlist=['recorded_reads']).recorded_reads()"
_REMOVED = "remove-cell"

# watchfiles groups the events of one save (an editor's write, or its temporary file and rename):
# it yields once no new event came for STEP_MS, and at the latest after DEBOUNCE_MS of steady events.
STEP_MS = 20
DEBOUNCE_MS = 200


# -- the session -------------------------------------------------------------------------------------
@dataclass
class SectionRun:
    """A section as last run: its HTML (or the box that shows its failure) and what it read."""
    html: str
    reads: Reads | None  # None: failed, re-run on any change
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Update:
    """What one refresh did. `error`: the inputs could not be read, nothing ran, the page is as before."""
    version: int
    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # every section failing now, not only those that ran
    seconds: float = 0.0
    error: str | None = None
    at: str = ""  # ISO 8601, local time


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _failure_html(name: str, error: str) -> str:
    """In place of a section that failed: its error, on the page (the preview never shows its old text)."""
    return (f'<div class="preview-error" role="alert" style="border:2px solid #b00000;background:#fde2e1;'
            f'padding:6px 10px;margin:8px 0;font-family:sans-serif;font-size:11pt">'
            f"<p><strong>Mục {html.escape(name)} không chạy được.</strong> Sửa lỗi dưới đây rồi lưu tệp; "
            f"trang sẽ tự cập nhật.</p><pre style=\"white-space:pre-wrap;font-family:inherit\">{html.escape(error)}</pre></div>")


class PreviewSession:
    """One report's live preview: run() in one thread (the warm kernel belongs to it), the page and
    the print files read from any thread."""

    def __init__(self, paths: ProjectPaths, unit: str, year: int, kind: str = ""):
        """`kind`: a report kind of data/report_kinds.yaml (its slug; '' the default kind)."""
        self.paths, self.unit, self.year = paths, check_slug(unit), check_year(year)
        dataset = Dataset.load(paths)
        dataset.unit(self.unit)  # an unknown unit (or kind) is the user's mistake, said at once
        self.kind = dataset.kinds.folder(kind) if kind else ""  # its folders: '' for the default kind
        self.target = CommuneTarget(self.unit, self.year, self.kind)
        if not self.target.params_file(paths).is_file():
            raise TuphapError(_("{unit} has no report for {year}: the file {path} is missing").format(
                unit=self.unit, year=self.year, path=self.target.params_file(paths)))
        self.inputs: Inputs | None = None  # the reading the sections were made from
        self.sections: dict[str, SectionRun] = {}
        self.version = 0
        self.last: Update | None = None
        self._page: tuple[int, str, list, object] | None = None  # version, screen HTML, sections, Document
        self._lock = threading.Lock()
        self._print_lock = threading.Lock()  # one PDF or Word file rendered at a time
        self._printed: dict[tuple[int, str], bytes] = {}

    # -- reading -------------------------------------------------------------------------------------
    def current(self) -> tuple[int, str | None]:
        """The version and its screen page (None before the first assembly), as one pair."""
        page = self._page
        return (page[0], page[1]) if page else (0, None)

    def refresh(self, on_start: Callable[[list[str]], None] = lambda names: None) -> Update | None:
        """Read the inputs; re-run the sections the change may have changed; assemble. None when
        nothing changed. `on_start` hears which sections are about to run."""
        started = time.monotonic()
        try:
            inputs = read_inputs(self.paths, self.unit, self.year, self.kind)
        except TuphapError as exc:
            self.last = Update(self.version, failed=self._failed(), error=str(exc), at=_now())
            return self.last  # the sections keep the reading they were made from: nothing is missed later
        change = compare(self.inputs, inputs)
        names = list(inputs.notebooks)
        reads = {name: run.reads for name, run in self.sections.items()}
        rerun = to_rerun(change, reads, names)
        gone = set(self.sections) - set(names)
        if not rerun and not gone and not change.document and self._page is not None:
            self.inputs = inputs  # e.g. a comment or a figure no section reads: nothing to show
            if self.last and self.last.error:  # the inputs read again: the error is gone
                self.last = Update(self.version, failed=self._failed(), at=_now())
                return self.last
            return None
        on_start(rerun)
        for name in rerun:
            self.sections[name] = self._run(name, inputs.notebooks[name])
        for name in gone:
            del self.sections[name]
        self.inputs = inputs
        self._assemble(names)
        self.last = Update(self.version, rerun, self._failed(), round(time.monotonic() - started, 3), at=_now())
        return self.last

    def _failed(self) -> list[str]:
        return [name for name, run in self.sections.items() if run.error]

    def _run(self, name: str, source: bytes) -> SectionRun:
        """One section in this thread's warm kernel, with the cells that collect what it reads."""
        import nbformat
        import papermill
        from papermill.exceptions import PapermillExecutionError

        from tuphap.assemble.page import notebook_section_html
        from tuphap.runtime.engine import KernelFailed

        started = time.monotonic()
        os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # this environment's kernel, as builds
        try:
            notebook = nbformat.reads(source.decode("utf-8"), as_version=4)  # may be half saved: shown as failed
            vouched = analysable([cell.source for cell in notebook.cells if cell.cell_type == "code"])
            for index, cell_source in ((0, _RECORD_CELL), (len(notebook.cells) + 1, _RECORDED_CELL)):
                notebook.cells.insert(index, nbformat.v4.new_code_cell(cell_source, metadata={"tags": [_REMOVED]}))
            executed = papermill.execute_notebook(
                notebook, None, parameters=self.target.parameters({}), kernel_name=KERNEL, engine_name=WARM_ENGINE,
                kernel_cwd=str(self.paths.root), request_save_on_cell_execute=False, progress_bar=False,
                log_output=False, cell_timeout=DEFAULT_CELL_TIMEOUT)
            section = notebook_section_html(name, executed)
        except PapermillExecutionError as exc:
            first_line = (exc.source or "").strip().splitlines()[:1]
            where = f"Ô lệnh: {first_line[0]}\n" if first_line else ""
            return self._failed_run(name, f"{where}{exc.ename}: {exc.evalue}", started)
        except KernelFailed as exc:  # the next section starts a new kernel
            return self._failed_run(name, str(exc), started)
        except Exception as exc:  # noqa: BLE001 - the preview goes on; the page says what happened
            return self._failed_run(name, f"{type(exc).__name__}: {exc}", started)
        reads = _reads_of(executed) or Reads()
        reads.everything = reads.everything or not vouched
        return SectionRun(section.html, reads, seconds=round(time.monotonic() - started, 3))

    @staticmethod
    def _failed_run(name: str, error: str, started: float) -> SectionRun:
        return SectionRun(_failure_html(name, error), None, error, round(time.monotonic() - started, 3))

    def _assemble(self, names: list[str]) -> None:
        from tuphap.assemble.page import SectionHtml, outlined, render_page

        result = Result(self.target, mode="draft")
        result.built_at = _now()
        try:
            dataset = Dataset.load(self.paths)
            result.data_hash = fingerprint.report_data(self.paths, dataset, self.unit, self.year, self.kind)[:12]
            document = self.target.document(self.paths, result)
        except TuphapError:  # read a moment ago; changed since: the next refresh follows
            if self._page is None:
                raise
            document = self._page[3]
        sections = outlined([SectionHtml(name, self.sections[name].html) for name in names])
        screen = render_page(sections, document, for_print=False)
        with self._lock:
            self.version += 1
            self._page = (self.version, screen, sections, document)

    # -- files on demand ------------------------------------------------------------------------------
    def print_file(self, kind: str) -> tuple[int, bytes]:
        """The current version as a PDF ("pdf") or Word file ("docx"), rendered on first demand from the
        same sections as the page (not run through the document check, and never written to outputs/)."""
        if kind not in ("pdf", "docx"):
            raise ValueError(kind)
        page = self._page
        if page is None:
            raise TuphapError(_("the report is not ready yet"))
        version, _screen, sections, document = page
        with self._print_lock:
            if (version, kind) not in self._printed:
                from tuphap.assemble.page import render_page

                printed = render_page(sections, document, for_print=True)
                if kind == "pdf":
                    from tuphap.assemble.pdf import render_pdf
                    content = render_pdf(printed, self.paths.root)
                else:
                    from tuphap.assemble.docx.writer import render_docx
                    content = render_docx(printed, document)
                self._printed = {key: value for key, value in self._printed.items() if key[0] == version}
                self._printed[(version, kind)] = content
            return version, self._printed[(version, kind)]


def _reads_of(executed) -> Reads | None:
    """What the section's report read, from the output of the preview's last cell."""
    for output in executed.cells[-1].get("outputs", []):
        data = output.get("data", {}).get(READS_MIME)
        if data is not None:
            return Reads.from_json(data["reads"]) if data.get("reads") else None
    return None


# -- watching the files -------------------------------------------------------------------------------
def watched(paths: ProjectPaths, unit: str, year: int, kind: str = "") -> tuple[list[Path], Callable[[object, str], bool]]:
    """The folders to watch and the filter of the files whose saving may change this report (of the kind
    whose folder is `kind`: its params, narrative and notebooks)."""
    files = {paths.narrative_file(year, unit, kind), paths.params_file(year, unit, kind), paths.units_file,
             paths.lineage_file, paths.indicators_file, paths.rules_file, paths.report_kinds_file}
    notebooks_dir = paths.kind_notebooks_dir(kind)

    def relevant(_change, path: str) -> bool:
        file = Path(path)
        return (file in files or (file.parent == paths.values_dir and file.suffix == ".csv")
                or (file.suffix == ".ipynb" and file.name[:2].isdigit()
                    and (file.parent == notebooks_dir or file.parent.parent == paths.notebooks_dir)))

    folders = [folder for folder in (paths.data, paths.params_dir, paths.notebooks_dir) if folder.is_dir()]
    return folders, relevant


def run(session: PreviewSession, stop: threading.Event, *, on_start: Callable[[list[str]], None],
        on_update: Callable[[Update], None]) -> None:
    """Make the report, then re-make what each saved change may have changed, until `stop` is set.
    The warm kernel lives in the calling thread."""
    from watchfiles import watch

    def refresh() -> None:
        try:
            update = session.refresh(on_start)
        except Exception as exc:  # noqa: BLE001 - a bug must not end the preview; the page shows it
            update = Update(session.version, error=_("tuphap's own fault: {kind}: {message}").format(
                kind=type(exc).__name__, message=exc), at=_now())
        if update is not None:
            on_update(update)

    refresh()
    folders, relevant = watched(session.paths, session.unit, session.year, session.kind)
    try:
        for _changes in watch(*folders, watch_filter=relevant, step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop,
                              raise_interrupt=False, rust_timeout=1000, yield_on_timeout=False):
            refresh()
    except Exception as exc:  # noqa: BLE001 - the page must say that it no longer follows the files
        on_update(Update(session.version, error=_("no longer following the files: {kind}: {message}").format(
            kind=type(exc).__name__, message=exc), at=_now()))
