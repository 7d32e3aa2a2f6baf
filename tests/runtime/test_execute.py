"""A cell that never ends fails its section after --cell-timeout, not the batch."""
from __future__ import annotations

import nbformat
import pytest

from tests.conftest import copy_project, run_tuphap


@pytest.mark.parametrize("kernels", [(), ("--fresh-kernels",)])
def test_a_cell_past_its_time_fails_that_report_only(tmp_path, kernels):
    root = copy_project(tmp_path / "project")
    notebook = root / "notebooks" / "03-hoa-giai-co-so.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell('import time\nif unit == "an-phu-mau":\n    time.sleep(600)'))
    nbformat.write(nb, notebook)
    result = run_tuphap("build", "--year", "2024", "--unit", "an-phu-mau", "--unit", "tan-khai", "--cell-timeout", "3",
                        "--quiet", *kernels, root=root)
    assert result.returncode == 1
    assert "1 built, 0 unchanged, 1 failed of 2 report(s)" in result.stdout
    assert "unit an-phu-mau, year 2024, section 03-hoa-giai-co-so" in result.stderr
    assert "a cell ran longer than 3 s" in result.stderr or "the cell ran longer than 3 s" in result.stderr
    assert (root / "outputs" / "2024" / "tan-khai" / "report.pdf").is_file()
