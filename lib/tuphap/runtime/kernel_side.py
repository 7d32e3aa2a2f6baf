"""Runs inside a warm kernel: one execute request runs a whole notebook, cell by cell.

Each kernel message costs more than running a section cell (serialising, signing, the IOPub thread,
decoding in the worker). So the engine (engine.py) sends one request per notebook, and this driver
runs the cells through the shell exactly as separate requests would (same transformations, display
hook, execution counter, tracebacks). While the cells run, their outputs (printed text, displays,
results, errors) are kept instead of published, and go back to the engine as one message grouped by
cell.
"""
from __future__ import annotations

import gc
import io
import json
import signal
import sys
import threading
import time
from contextlib import contextmanager

from IPython import get_ipython

from tuphap.i18n import _

CELLS_MIME = "application/x.tuphap-cells+json"
OUTPUT_TYPES = frozenset({"stream", "display_data", "update_display_data", "execute_result", "error", "clear_output"})


def run_cells(cells_json: str, cell_timeout: float | None = None) -> None:
    """Empty the namespace, then run the [index, source, cell id] triples in order, stopping at the
    first failing cell as a notebook run does; publish what every cell produced. A cell running longer
    than `cell_timeout` seconds is interrupted: it fails with a TimeoutError, as a cell that raised."""
    shell = get_ipython()
    # A new session also restarts the execution counter, so warm and cold notebooks number alike.
    shell.reset(new_session=True, aggressive=False)
    # reset() ended with a full collection; freezing what survives (mostly imported modules) keeps
    # later collections to the objects of one notebook.
    gc.freeze()
    ran: list[dict] = []
    with _kept_outputs(shell.display_pub.session) as outputs:
        for index, source, cell_id in json.loads(cells_json):
            cell = {"index": index, "execution_count": shell.execution_count, "start": time.time()}
            ran.append(cell)
            with _time_limit(cell_timeout):
                succeeded = shell.run_cell(source, store_history=True, cell_id=cell_id).success
            cell["end"], cell["outputs"] = time.time(), outputs.take()
            if not succeeded:
                break
    shell.display_pub.publish({CELLS_MIME: ran})


@contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the code running on the kernel's main thread after `seconds` (an alarm signal)."""
    if not seconds:
        yield
        return

    def interrupt(signum, frame):
        raise TimeoutError(_("the cell ran longer than {seconds:g} s (--cell-timeout)").format(seconds=seconds))

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Outputs:
    """Output messages ([message type, content]) kept in the order they were produced."""

    def __init__(self) -> None:
        self._kept: list[list] = []
        self._lock = threading.Lock()  # the kernel's IOPub thread may add output of child processes

    def add(self, kind: str, content: dict) -> None:
        with self._lock:
            self._kept.append([kind, content])

    def add_text(self, name: str, text: str) -> None:
        """Printed text; like the kernel's buffered streams, a run of writes makes one output."""
        with self._lock:
            last = self._kept[-1] if self._kept else None
            if last and last[0] == "stream" and last[1]["name"] == name:
                last[1]["text"] += text
            else:
                self._kept.append(["stream", {"name": name, "text": text}])

    def take(self) -> list[list]:
        with self._lock:
            kept, self._kept = self._kept, []
        return kept


class _KeptStream(io.TextIOBase):
    """sys.stdout or sys.stderr while cells run: text goes straight to the cell's outputs, so no
    cross-thread flush of the kernel's streams is needed at each cell's end. Its file descriptor is
    the kernel stream's, whose output (of C code, child processes) the kernel forwards as before."""

    def __init__(self, name: str, outputs: _Outputs, kernel_stream):
        super().__init__()
        self.name, self._outputs, self._kernel_stream = name, outputs, kernel_stream

    def fileno(self) -> int:
        return self._kernel_stream.fileno()

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._outputs.add_text(self.name, text)
        return len(text)


@contextmanager
def _kept_outputs(session):
    """While active, printed text and the output messages the kernel's session would send (displays,
    results, errors) are kept, as [message type, content], instead of sent."""
    outputs = _Outputs()
    send = session.send

    def keep(stream, msg_or_type, content=None, *args, **kwargs):
        msg = msg_or_type if isinstance(msg_or_type, dict) else {"msg_type": msg_or_type, "content": content}
        if msg["msg_type"] not in OUTPUT_TYPES:
            return send(stream, msg_or_type, content, *args, **kwargs)
        if msg["msg_type"] == "stream":
            outputs.add_text(msg["content"]["name"], msg["content"]["text"])
        else:
            outputs.add(msg["msg_type"], msg["content"])
        return msg

    kernel_streams = sys.stdout, sys.stderr
    session.send = keep
    sys.stdout, sys.stderr = (_KeptStream(name, outputs, stream) for name, stream in zip(("stdout", "stderr"), kernel_streams))
    try:
        yield outputs
    finally:
        sys.stdout, sys.stderr = kernel_streams
        del session.send  # the class's own method again
