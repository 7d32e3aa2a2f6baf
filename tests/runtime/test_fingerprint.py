"""What a section's hash covers: everything its output depends on, and nothing else."""
from __future__ import annotations

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
    ("data/units.csv", lambda text: text.replace("tan-khai,,thị trấn,Tân Khai,khu phố", "tan-khai,,thị trấn,Tân Khai,ấp")),
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
