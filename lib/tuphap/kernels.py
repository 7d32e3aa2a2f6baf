"""Warm kernels: a papermill engine that runs many notebooks in one long-lived kernel.

Starting a kernel costs far more than a section's real work, so each worker thread keeps one kernel
(per project folder) and runs every section notebook it is given in it. Before each notebook the
kernel's namespace is reset, so no variable survives from one notebook (or commune) to the next;
imported modules stay loaded, which is the point. Notebooks therefore must not change global state
(working folder, pyplot figures, environment) — the section notebooks only call into tuphap.
"""
from __future__ import annotations

import atexit
import threading

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE = "tuphap-warm"
# Errors only (not the per-start "unencrypted TCP" warning); no sqlite history, which slows every reset.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
STARTUP_TIMEOUT = 120
# A new history session also restarts the execution counter, so warm and cold notebooks number alike.
# reset() ends with a full garbage collection; freezing what survives (mostly imported modules) keeps
# later collections to the objects of one notebook.
RESET_CODE = "get_ipython().reset(new_session=True, aggressive=False); __import__('gc').freeze()"

_local = threading.local()


class WarmKernel:
    """A kernel and its client, started once through nbclient and reused for every notebook."""

    def __init__(self, kernel_name: str, cwd: str):
        self._starter = NotebookClient(nbformat.v4.new_notebook(), kernel_name=kernel_name,
                                       startup_timeout=STARTUP_TIMEOUT, extra_arguments=KERNEL_ARGUMENTS)
        self._starter.km = self._starter.create_kernel_manager()
        self._starter.start_new_kernel(cwd=cwd)
        self._starter.start_new_kernel_client()
        self.manager, self.client = self._starter.km, self._starter.kc

    def reset(self, runner: NotebookClient) -> None:
        """Empty the namespace (modules stay imported) before the runner's notebook."""
        reply = runner.wait_for_reply(self.client.execute(RESET_CODE, silent=True, store_history=False))
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel namespace: {reply and reply['content']}")

    def is_alive(self) -> bool:
        return bool(run_sync(self.manager.is_alive)())

    def shutdown(self) -> None:
        if self.manager.has_kernel:
            self._starter._cleanup_kernel()


def warm_kernel(kernel_name: str, cwd: str) -> WarmKernel:
    """This thread's kernel for the project folder, started on first use."""
    kernels = getattr(_local, "kernels", None)
    if kernels is None:
        kernels = _local.kernels = {}
    key = (kernel_name, cwd)
    if key not in kernels or not kernels[key].is_alive():
        kernels[key] = WarmKernel(kernel_name, cwd)
        atexit.register(kernels[key].shutdown)
    return kernels[key]


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, but on this thread's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kernel = warm_kernel(kernel_name, kwargs.pop("kernel_cwd"))
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        options = merge_kwargs(kwargs, timeout=execution_timeout, kernel_name=kernel_name,
                               log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=kernel.manager, **options)
        client.kc = kernel.client
        kernel.reset(client)
        return client.execute()


papermill_engines.register(ENGINE, WarmKernelEngine)
