"""What a section's hash covers: everything its output depends on, and nothing else."""
from __future__ import annotations

import json

import pytest

from tests.conftest import copy_project
from tuphap import fonts
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.runtime import fingerprint


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def report_hash(root, unit="tan-khai", year=2024) -> str:
    paths = ProjectPaths(root)
    return fingerprint.report_inputs(paths, Dataset.load(paths), unit, year)


@pytest.mark.parametrize("file, change", [
    ("params/2024/tan-khai.yaml", lambda text: text.replace("Lê Viết Truyền", "Lê Văn Khác")),
    ("data/narrative/2024/tan-khai.md", lambda text: text + "\n"),
    ("data/values/2024.csv", lambda text: text.replace("tan-khai,2024,pbgdpl.so_buoi,125,", "tan-khai,2024,pbgdpl.so_buoi,126,")),
    ("data/values/2023.csv", lambda text: text.replace("tan-khai,2023,tcd.luot_tiep,30,", "tan-khai,2023,tcd.luot_tiep,31,")),
    ("data/indicators.csv", lambda text: text.replace("Buổi tuyên truyền pháp luật", "Buổi tuyên truyền")),
    ("data/rules.csv", lambda text: text.replace(",warning,3,", ",warning,4,")),
    ("data/report_kinds.yaml", lambda text: text.replace("UBND {unit_full}", "Ủy ban nhân dân {unit_full}")),
    ("data/units.csv", lambda text: text.replace("tan-khai,25357,thị trấn,Tân Khai,khu phố", "tan-khai,25357,thị trấn,Tân Khai,ấp")),
])
def test_a_report_hash_follows_each_of_its_inputs(project, file, change):
    before = report_hash(project)
    path = project / file
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert report_hash(project) != before


def test_another_units_figures_do_not_touch_the_report(project):
    before = report_hash(project)
    values = project / "data" / "values" / "2024.csv"
    values.write_text(values.read_text(encoding="utf-8").replace("an-phu-mau,2024,pbgdpl.so_buoi,96,",
                                                                  "an-phu-mau,2024,pbgdpl.so_buoi,97,"), encoding="utf-8")
    assert report_hash(project) == before


def rollup_hash(root) -> str:
    paths = ProjectPaths(root)
    units = ["tan-khai", "tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"]
    return fingerprint.rollup_inputs(paths, Dataset.load(paths), units, paths.rollup_params_file(2024, "province-binh-phuoc"),
                                     2024)


def test_another_units_bad_row_touches_the_rollups_not_the_report(project):
    before, rollup_before = report_hash(project), rollup_hash(project)
    values = project / "data" / "values" / "2024.csv"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("an-phu-mau,2024,pbgdpl.so_buoi,96,", 'an-phu-mau,2024,pbgdpl.so_buoi,"9,6",'),
                      encoding="utf-8")
    assert report_hash(project) == before and rollup_hash(project) != rollup_before
    broken = rollup_hash(project)
    # Another mistake in the same cell leaves the figures read the same, but not what the roll-up's annex says.
    values.write_text(text.replace("an-phu-mau,2024,pbgdpl.so_buoi,96,", "an-phu-mau,2024,pbgdpl.so_buoi,chín,"),
                      encoding="utf-8")
    assert rollup_hash(project) != broken and report_hash(project) == before


def test_a_forced_font_folder_changes_the_hash(project, monkeypatch):
    before = report_hash(project)
    monkeypatch.setenv(fonts.FONT_DIR_ENV, "/usr/share/fonts/truetype/dejavu")
    assert report_hash(project) != before


def test_a_section_hash_follows_its_notebook(project):
    notebook = project / "notebooks" / "04-tu-sach-phap-luat.ipynb"
    shared = report_hash(project)
    before = fingerprint.section_input(shared, notebook)
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Tại {unit_kind}", "Trên địa bàn {unit_kind}"),
                        encoding="utf-8")
    assert fingerprint.section_input(shared, notebook) != before


def _rewrite(notebook, change) -> None:
    content = json.loads(notebook.read_text(encoding="utf-8"))
    change(content)
    notebook.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _code_cells(content):
    return [cell for cell in content["cells"] if cell["cell_type"] == "code"]


def _run_and_save_in_lab(content):
    """What running every cell and saving in JupyterLab does to a notebook."""
    content["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    content["metadata"]["language_info"].update(version="3.11.2", mimetype="text/x-python", file_extension=".py")
    content["metadata"]["widgets"] = {}
    for number, cell in enumerate(_code_cells(content), 1):
        cell["execution_count"] = number
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["18 vụ việc\n"]},
                           {"output_type": "display_data", "data": {"text/html": "<p>18 vụ việc</p>"}, "metadata": {}}]
        cell["metadata"].update(execution={"iopub.status.busy": "2026-12-01T10:00:00Z"}, scrolled=True, collapsed=False)


def _parameters_cell(content):
    return next(cell for cell in content["cells"] if "parameters" in cell["metadata"].get("tags", []))


@pytest.mark.parametrize("change", [
    _run_and_save_in_lab,
    lambda content: _parameters_cell(content).update(source=['unit = "an-phu-mau"\n', "year = 2023  # xem năm trước"]),
    lambda content: _parameters_cell(content).update(source='unit: str = "hoa-binh-mau"\nyear = 2024\n'),
    lambda content: content["cells"][0].update(source=["# Ghi chú của người phân tích\n", "Sửa thoải mái."]),
    lambda content: content["cells"].insert(5, {"cell_type": "markdown", "id": "note", "metadata": {},
                                                "source": "Ghi chú"}),
    lambda content: content.update(nbformat_minor=4) or [cell.pop("id") for cell in content["cells"]],
], ids=["outputs-counts-metadata", "parameter-values", "parameter-annotation", "markdown-edit", "markdown-added",
        "ids-and-format"])
def test_a_section_hash_ignores_what_running_saving_and_notes_change(project, change):
    notebook = project / "notebooks" / "03-hoa-giai-co-so.ipynb"
    before = fingerprint.section_input("shared", notebook)
    _rewrite(notebook, change)
    assert fingerprint.section_input("shared", notebook) == before


@pytest.mark.parametrize("change", [
    lambda content: _code_cells(content)[3]["source"].extend(["\n", "section.text('Thêm.')"]),
    lambda content: _code_cells(content)[3]["metadata"].update(tags=["remove-output"]),  # page.py drops its outputs
    lambda content: content["cells"].insert(5, {"cell_type": "code", "id": "new", "metadata": {}, "execution_count": None,
                                                "outputs": [], "source": "section.narrative('hoa_giai.moi')"}),
    lambda content: _parameters_cell(content).update(source='unit = "tan-khai"\nyear = 2024\nshow_chart = True'),
    lambda content: _parameters_cell(content).update(source='unit = "tan-khai"\nyear = 2024\nimport math'),
], ids=["code-source", "code-tags", "code-cell-added", "parameter-added", "statement-in-parameters"])
def test_a_section_hash_follows_its_code_cells(project, change):
    notebook = project / "notebooks" / "03-hoa-giai-co-so.ipynb"
    before = fingerprint.section_input("shared", notebook)
    _rewrite(notebook, change)
    assert fingerprint.section_input("shared", notebook) != before


def test_a_file_that_is_not_a_notebook_is_hashed_as_it_is(tmp_path):
    broken = tmp_path / "99-broken.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    before = fingerprint.section_input("shared", broken)
    broken.write_text("{ not json either", encoding="utf-8")
    assert fingerprint.section_input("shared", broken) != before
