"""Running one section notebook through papermill, on a warm kernel (engine.py) or a fresh one."""
from __future__ import annotations

import os
import time
from pathlib import Path

from tuphap.errors import SectionFailed
from tuphap.i18n import _
from tuphap.runtime.targets import SectionRecord, SectionStatus

KERNEL = "python3"
WARM_ENGINE = "tuphap-warm"  # declared under papermill.engine in pyproject.toml


def import_report_modules() -> None:
    """Import now what executing and assembling reports needs (normally imported on first use), for a
    process that will build many."""
    import papermill  # noqa: F401

    from tuphap.assemble import page, pdf  # noqa: F401
    from tuphap.assemble.docx import writer  # noqa: F401
    from tuphap.runtime import engine  # noqa: F401


def run_section(notebook: Path, executed: Path, name: str, year: int, root: Path, *, fresh_kernel: bool,
                parameters: dict, cell_timeout: float | None = None) -> None:
    """Execute one section notebook with the report's parameters (`name` names the report in errors);
    on failure the executed copy stays for inspection. A cell running longer than `cell_timeout`
    seconds fails the section."""
    # Imported here: the command starts faster when nothing needs running.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from tuphap.runtime.engine import KERNEL_ARGUMENTS, KernelFailed, SocketFolderKernelManager

    executed.parent.mkdir(parents=True, exist_ok=True)
    # Prefer this environment's kernel spec to a user-wide 'python3' that may lack tuphap.
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    if fresh_kernel:
        # Killed once its notebook has run (nbclient's "immediate"): every output is in by then, and a
        # graceful shutdown waits up to 3 s for a kernel that is slow to exit, a notebook at a time.
        engine = {"cwd": str(root), "extra_arguments": KERNEL_ARGUMENTS, "execution_timeout": cell_timeout,
                  "shutdown_kernel": "immediate",
                  **({"kernel_manager_class": SocketFolderKernelManager} if os.name == "posix" else {})}
    else:
        engine = {"engine_name": WARM_ENGINE, "kernel_cwd": str(root), "request_save_on_cell_execute": False,
                  "cell_timeout": cell_timeout}
    # papermill writes as it goes; an interrupted run must not leave a truncated notebook under the
    # name that a later build would reuse, so it writes beside it and the file is renamed once complete.
    partial = executed.with_name(f".{executed.stem}.partial.ipynb")
    try:
        papermill.execute_notebook(str(notebook), str(partial), parameters=parameters,
                                   kernel_name=KERNEL, progress_bar=False, log_output=False, **engine)
    except PapermillExecutionError as exc:
        os.replace(partial, executed)  # the failing notebook, traceback included, for the analyst
        cell = exc.cell_index + 1 if exc.cell_index is not None else None
        raise SectionFailed(name, year, notebook.stem, cell, f"{exc.ename}: {exc.evalue}", executed) from None
    except KernelFailed as exc:  # nothing was written; after a death the next notebook starts a new kernel
        raise SectionFailed(name, year, notebook.stem, None, str(exc), None) from None
    except TimeoutError:  # nbclient's CellTimeoutError, in a fresh kernel
        kept = partial.is_file()
        if kept:
            os.replace(partial, executed)
        raise SectionFailed(name, year, notebook.stem, None, "TimeoutError: " + _(
            "a cell ran longer than {seconds:g} s (--cell-timeout)").format(seconds=cell_timeout),
            executed if kept else None) from None
    os.replace(partial, executed)


def execute_section(record: SectionRecord, notebook: Path, executed: Path, name: str, year: int, root: Path, *,
                    fresh_kernel: bool, parameters: dict, cell_timeout: float | None = None) -> None:
    """run_section, with its status, duration and failure kept in the section's ledger record."""
    started = time.monotonic()
    try:
        run_section(notebook, executed, name, year, root, fresh_kernel=fresh_kernel, parameters=parameters,
                    cell_timeout=cell_timeout)
        record.status = SectionStatus.EXECUTED
    except SectionFailed as failure:
        record.status, record.cell, record.error = SectionStatus.FAILED, failure.cell, failure.error
        raise
    finally:
        record.duration = round(time.monotonic() - started, 3)
