"""The warm-kernel engine records the same outputs as papermill's own engine with a fresh kernel:
printed text, displays, results, cleared output and the traceback of the cell that fails, cell by
cell; and nothing a notebook defines is left for the next one."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from tuphap.runtime.engine import KERNEL_ARGUMENTS
from tuphap.runtime.execute import WARM_ENGINE

CELLS = [
    "print('một'); print('hai')",
    "import sys\nprint('cảnh báo', file=sys.stderr)\n1 + 1",
    "from IPython.display import HTML, clear_output, display\ndisplay(HTML('<b>đậm</b>'))\nprint('sau')",
    "print('bị xoá'); clear_output()\nprint('còn lại')",
    "import warnings\nwarnings.warn('thử')",
    "value = 41\nvalue + 1",
    "1 / 0",
    "print('không chạy')",
]


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(source: Path, output: Path, **engine) -> nbformat.NotebookNode:
    with pytest.raises(PapermillExecutionError):
        papermill.execute_notebook(str(source), str(output), kernel_name="python3", progress_bar=False,
                                   log_output=False, cwd=str(source.parent), **engine)
    return nbformat.read(output, as_version=4)


def _recorded(nb: nbformat.NotebookNode) -> str:
    cells = [(cell.execution_count, cell.outputs, cell.metadata.papermill["status"])
             for cell in nb.cells if cell.cell_type == "code"]
    # A warning names the kernel's temporary cell file, which holds the kernel's process id.
    return re.sub(r"ipykernel_\d+", "ipykernel_PID", json.dumps(cells, ensure_ascii=False, indent=1))


def test_warm_engine_records_what_a_fresh_kernel_records(tmp_path):
    source = _notebook(tmp_path / "outputs.ipynb", CELLS)
    fresh = _run(source, tmp_path / "fresh.ipynb", extra_arguments=KERNEL_ARGUMENTS)
    warm = _run(source, tmp_path / "warm.ipynb", engine_name=WARM_ENGINE, kernel_cwd=str(tmp_path))
    assert _recorded(warm) == _recorded(fresh)
    outputs = [cell.outputs for cell in warm.cells if cell.cell_type == "code"]
    assert outputs[0] == [nbformat.v4.new_output("stream", name="stdout", text="một\nhai\n")]
    assert [o.output_type for o in outputs[2]] == ["display_data", "stream"]
    assert outputs[3] == [nbformat.v4.new_output("stream", name="stdout", text="còn lại\n")]
    assert outputs[6][0].ename == "ZeroDivisionError" and outputs[7] == []


def test_warm_engine_starts_each_notebook_with_an_empty_namespace(tmp_path):
    first = _notebook(tmp_path / "first.ipynb", ["left_behind = 1"])
    papermill.execute_notebook(str(first), str(tmp_path / "first-out.ipynb"), kernel_name="python3",
                               progress_bar=False, engine_name=WARM_ENGINE, kernel_cwd=str(tmp_path))
    second = _notebook(tmp_path / "second.ipynb", ["left_behind"])
    nb = _run(second, tmp_path / "second-out.ipynb", engine_name=WARM_ENGINE, kernel_cwd=str(tmp_path))
    [cell] = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert cell.outputs[0].ename == "NameError"
    assert cell.execution_count == 1


def test_papermill_finds_the_warm_engine_through_its_entry_point():
    from papermill.engines import papermill_engines

    from tuphap.runtime.engine import WarmKernelEngine

    assert papermill_engines.get_engine(WARM_ENGINE) is WarmKernelEngine


def test_a_warm_kernel_talks_over_private_unix_sockets_removed_at_shutdown(tmp_path):
    """No TCP port to race for when several workers start kernels at once ("Address already in use")."""
    from tuphap.runtime.engine import WarmKernel

    kernel = WarmKernel("python3", str(tmp_path))
    try:
        assert kernel.manager.transport == "ipc"
        sockets = Path(kernel.manager.ip).parent
        assert sockets.is_dir() and any(sockets.iterdir()) and not any(tmp_path.iterdir())  # nothing in the cwd
    finally:
        kernel.shutdown()
    assert not sockets.exists()
