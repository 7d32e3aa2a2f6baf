"""Every section notebook is thin, committed clean, and runs through papermill: in a fresh kernel, and
on the builds' warm engine for every sample unit."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from tests.conftest import REPO
from tuphap.runtime.engine import KERNEL_ARGUMENTS  # the kernel options builds use
from tuphap.runtime.execute import WARM_ENGINE

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SAMPLE_UNITS = ["tan-khai", "an-phu-mau", "hoa-binh-mau"]


def test_one_notebook_per_reference_section():
    assert [nb.name[:2] for nb in NOTEBOOKS] == [f"{i:02d}" for i in range(11)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_thin(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "strip outputs"
    assert "parameters" in code[0].metadata.get("tags", [])
    defaults = {}
    exec(code[0].source, {}, defaults)
    assert defaults == {"unit": "tan-khai", "year": 2024}
    for cell in code[1:]:
        tree = ast.parse(cell.source)
        banned = (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.With, ast.Try)
        assert not [node for node in ast.walk(tree) if isinstance(node, banned)], cell.source
        imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert all(isinstance(node, ast.Import) and node.names[0].name == "tuphap" for node in imports)
        assert "open(" not in cell.source and "os." not in cell.source and "/" not in cell.source.split('"')[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_with_its_defaults_in_a_fresh_kernel(path: Path, tmp_path: Path):
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), kernel_name="python3", cwd=str(REPO), progress_bar=False,
                               extra_arguments=KERNEL_ARGUMENTS, shutdown_kernel="immediate")  # as builds do
    executed = nbformat.read(out, as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("text/html" in o.get("data", {}) for o in outputs)


@pytest.mark.parametrize("unit", SAMPLE_UNITS)
def test_every_notebook_runs_for_each_sample_unit_in_2023(unit: str, tmp_path: Path):
    # Through papermill on the builds' warm engine (one kernel for all units, as a worker runs them);
    # the fresh-kernel path is the test above and tests/test_batch.py.
    for path in NOTEBOOKS:
        papermill.execute_notebook(str(path), str(tmp_path / path.name), parameters={"unit": unit, "year": 2023},
                                   kernel_name="python3", engine_name=WARM_ENGINE, kernel_cwd=str(REPO),
                                   request_save_on_cell_execute=False, progress_bar=False)


def test_papermill_command_line_with_parameters(tmp_path: Path):
    out = tmp_path / "out.ipynb"
    papermill_cli = Path(sys.executable).parent / "papermill"
    result = subprocess.run(
        [str(papermill_cli), "notebooks/03-hoa-giai-co-so.ipynb", str(out), "-p", "unit", "an-phu-mau",
         "-p", "year", "2023", "--no-progress-bar"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    html = "".join(o.data.get("text/html", "") for cell in nbformat.read(out, as_version=4).cells
                   if cell.cell_type == "code" for o in cell.outputs if "data" in o)
    assert "Các tổ hòa giải trên địa bàn xã" in html
