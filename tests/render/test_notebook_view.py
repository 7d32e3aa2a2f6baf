"""The notebook shows what the report shows (red markers, footnotes as notes, the data-quality box),
and an analyst's mistake reads as two short lines, not a traceback."""
from __future__ import annotations

import nbformat
import papermill
import pytest

from tests.conftest import REPO
from tuphap.assemble.page import SectionHtml, _outlined
from tuphap.render.base import NOTEBOOK_STYLE, Fragment
from tuphap.runtime.engine import KERNEL_ARGUMENTS


def test_a_fragment_carries_the_reports_look_into_the_notebook_and_assembly_drops_it():
    fragment = Fragment('<p>Có <span class="missing">[thiếu số liệu: X]</span> vụ.</p>')
    shown = fragment._repr_html_()
    assert shown.startswith(NOTEBOOK_STYLE) and ".missing{color:#b00000" in shown and "span.footnote{display:block" in shown
    [section] = _outlined([SectionHtml("03", shown)], final=False)
    assert "<style" not in section.html and 'class="missing"' in section.html
    assert Fragment("")._repr_html_() == ""


def test_a_typo_in_the_parameters_cell_reads_as_a_short_message(tmp_path):
    source = tmp_path / "typo.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f'import tuphap\nsection = tuphap.open_section("tan-kai", 2024, root="{REPO}")')]
    nbformat.write(nb, source)
    with pytest.raises(papermill.PapermillExecutionError) as error:  # the cell still fails, for the build
        papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
                                   extra_arguments=KERNEL_ARGUMENTS)
    assert error.value.ename == "TuphapError"
    [cell] = [cell for cell in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells if cell.cell_type == "code"]
    [output] = cell.outputs
    assert output.output_type == "error"
    assert output.traceback == ["Lỗi: unknown unit 'tan-kai': not in " + str(REPO / "data" / "units.csv")
                                + "; did you mean 'tan-khai'?",
                                "Sửa ô tham số của notebook hoặc tệp được nêu, rồi chạy lại ô."]
