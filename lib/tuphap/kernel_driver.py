"""Runs inside a warm kernel: one execute request runs a whole notebook, cell by cell.

Each kernel request costs a few milliseconds of messaging (busy/idle status, input echo, reply),
about ten times the cost of running a section cell itself. So the engine (kernels.py) sends one
request per notebook, and this driver runs the cells through the shell exactly as separate requests
would (same transformations, display hook, execution counter, tracebacks), announcing each cell with
a marker output so that the engine can give every cell its own outputs.
"""
from __future__ import annotations

import gc
import json

from IPython import get_ipython

CELL_MARKER = "application/x.tuphap-cell+json"


def run_cells(cells_json: str) -> None:
    """Empty the namespace, then run the [index, source, cell id] triples in order, stopping at the
    first failing cell as a notebook run does."""
    shell = get_ipython()
    # A new session also restarts the execution counter, so warm and cold notebooks number alike.
    shell.reset(new_session=True, aggressive=False)
    # reset() ended with a full collection; freezing what survives (mostly imported modules) keeps
    # later collections to the objects of one notebook.
    gc.freeze()
    for index, source, cell_id in json.loads(cells_json):
        shell.display_pub.publish({CELL_MARKER: {"index": index, "execution_count": shell.execution_count}})
        if not shell.run_cell(source, store_history=True, cell_id=cell_id).success:
            break
