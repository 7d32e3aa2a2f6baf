"""Warm kernels: a papermill engine that runs many notebooks in one long-lived kernel.

Starting a kernel costs far more than a section's real work, so each worker thread keeps one kernel
(per project folder) and runs every section notebook it is given in it. A notebook goes to the kernel
as one request (see kernel_side.py), which empties the namespace and runs the cells in order; no
variable survives from one notebook (or commune) to the next, while imported modules stay loaded,
which is the point. Notebooks therefore must not change global state (working folder, pyplot
figures, environment): the section notebooks only call into tuphap. Cells run synchronously, so a
cell using top-level `await` needs --fresh-kernels. Papermill finds the engine as "tuphap-warm" through
the `papermill.engine` entry point that pyproject.toml declares.
"""
from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from datetime import datetime, timezone

import nbformat
from jupyter_client.manager import AsyncKernelManager, KernelManager
from papermill.engines import Engine

from tuphap.i18n import _
from tuphap.runtime.kernel_side import CELLS_MIME

# Errors only (not the per-start "unencrypted TCP" warning); no sqlite history, which slows every reset.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
STARTUP_TIMEOUT = 120
POLL_SECONDS = 1.0  # how often a silent kernel is checked for being alive
# What a notebook keeps of each output message. nbformat's output_from_msg validates every output
# against the schema, which costs more than running a section cell; papermill validates the whole
# notebook when it saves it.
OUTPUT_FIELDS = {
    "stream": ("name", "text"),
    "display_data": ("data", "metadata"),
    "execute_result": ("data", "metadata", "execution_count"),
    "error": ("ename", "evalue", "traceback"),
}

_local = threading.local()


class KernelFailed(RuntimeError):
    """The kernel died, or could not run the notebook at all."""


def _transport(folder: str | None) -> dict:
    """Kernels talk over Unix sockets where there are any: a TCP port is chosen free and only then bound
    by the kernel, and with several workers (or other programs) starting at once another may take it
    first ("Address already in use", the report failing). The sockets live in a private folder."""
    return {"transport": "ipc", "ip": os.path.join(folder, "kernel")} if folder else {}


class SocketFolderKernelManager(AsyncKernelManager):
    """The kernel manager of fresh kernels (nbclient starts and stops them): over Unix sockets in a private
    folder like warm kernels, for the same reason (_transport), the folder removed with the kernel."""

    def __init__(self, **kwargs):
        self._sockets = tempfile.mkdtemp(prefix="tuphap-kernel-")
        super().__init__(**kwargs, **_transport(self._sockets))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._sockets, ignore_errors=True)


class WarmKernel:
    """A kernel and a blocking client on it, started once and reused for every notebook."""

    def __init__(self, kernel_name: str, cwd: str):
        self._sockets = tempfile.mkdtemp(prefix="tuphap-kernel-") if os.name == "posix" else None
        self.manager = KernelManager(kernel_name=kernel_name, **_transport(self._sockets))
        self.manager.start_kernel(cwd=cwd, extra_arguments=KERNEL_ARGUMENTS)
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        self._deadline = float("inf")
        self.language_info = self._reply(self.client.kernel_info())["content"]["language_info"]

    def run_notebook(self, nb_man, cell_timeout: float | None = None) -> None:
        """Run the notebook's code cells, recording outputs and timings through papermill's manager.
        The kernel interrupts a cell that runs longer than `cell_timeout`; a cell it cannot interrupt
        (stuck outside Python) ends this kernel when the whole notebook overruns."""
        nb = nb_man.nb
        cells = [[index, cell.source, cell.get("id")] for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        request = self.client.execute(
            f"__import__('tuphap.runtime.kernel_side', fromlist=['run_cells'])"
            f".run_cells({json.dumps(cells)!r}, {cell_timeout!r})", store_history=False)
        self._deadline = time.monotonic() + (cell_timeout * (len(cells) + 1) + STARTUP_TIMEOUT if cell_timeout else float("inf"))
        ran = None
        for msg in self._iopub(request):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "display_data" and CELLS_MIME in content["data"]:
                ran = content["data"][CELLS_MIME]
            elif kind == "error":  # the driver itself failed, e.g. tuphap missing from the kernel's Python
                raise KernelFailed(_("the warm kernel could not run the notebook: {error}").format(
                    error=f"{content['ename']}: {content['evalue']}"))
        self._reply(request)
        if ran is None:
            raise KernelFailed(_("the warm kernel returned no cell outputs"))
        for record in ran:
            _record_cell(nb_man, nb.cells[record["index"]], record)
        nb.metadata["language_info"] = self.language_info

    def _answers(self, receive, request: str):
        """The messages of one channel that answer the request; a silent kernel is checked for life."""
        while True:
            try:
                msg = receive(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_alive()
                continue
            if msg["parent_header"].get("msg_id") == request:
                yield msg

    def _iopub(self, request: str):
        """The request's output messages, until the kernel reports it idle."""
        for msg in self._answers(self.client.get_iopub_msg, request):
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return
            yield msg

    def _reply(self, request: str) -> dict:
        return next(self._answers(self.client.get_shell_msg, request))

    def _check_alive(self) -> None:
        if not self.is_alive():
            raise KernelFailed(_("the kernel died while running the notebook (out of memory?)"))
        if time.monotonic() > self._deadline:
            self.shutdown()  # the next notebook starts a new kernel (warm_kernel sees this one dead)
            raise KernelFailed(_("the notebook ran past its cells' time limit (--cell-timeout) and its kernel was stopped"))

    def is_alive(self) -> bool:
        return self.manager.is_alive()

    def shutdown(self) -> None:
        self.client.stop_channels()
        if self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)


def _record_cell(nb_man, cell, record: dict) -> None:
    """A cell's outputs as nbclient would have recorded them from the messages, and papermill's cell
    metadata (kept here: papermill's cell_start/cell_complete re-parse each time with dateutil, which
    costs more than a section cell)."""
    cell.execution_count = record["execution_count"]
    started, ended = (datetime.fromtimestamp(record[key], timezone.utc) for key in ("start", "end"))
    cell.metadata.papermill.update(start_time=started.isoformat(), end_time=ended.isoformat(),
                                   duration=(ended - started).total_seconds(), exception=False,
                                   status=nb_man.COMPLETED)
    clear_before_next = False
    for kind, content in record["outputs"]:
        if kind == "clear_output":
            if content.get("wait"):
                clear_before_next = True
            else:
                cell.outputs = []
        elif kind in OUTPUT_FIELDS:
            if clear_before_next:
                cell.outputs, clear_before_next = [], False
            cell.outputs.append(nbformat.from_dict({"output_type": kind, **{f: content[f] for f in OUTPUT_FIELDS[kind]}}))
            if kind == "error":
                nb_man.cell_exception(cell, cell_index=record["index"])


def warm_kernel(kernel_name: str, cwd: str) -> WarmKernel:
    """This thread's kernel for the project folder, started on first use."""
    kernels = getattr(_local, "kernels", None)
    if kernels is None:
        kernels = _local.kernels = {}
    key = (kernel_name, cwd)
    if key in kernels and not kernels[key].is_alive():
        kernels.pop(key).shutdown()  # it died (e.g. out of memory); free its channels, start another
    if key not in kernels:
        kernels[key] = WarmKernel(kernel_name, cwd)
        atexit.register(kernels[key].shutdown)
    return kernels[key]


class WarmKernelEngine(Engine):
    """Runs the notebook papermill prepared on this thread's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, kernel_cwd: str, cell_timeout: float | None = None,
                                 **_ignored):
        warm_kernel(kernel_name, kernel_cwd).run_notebook(nb_man, cell_timeout)


