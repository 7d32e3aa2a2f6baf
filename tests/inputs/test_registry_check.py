"""data/units.csv and data/lineage.csv held to the official registry (inputs/registry_check.py): a row with a
code is that unit as the official list has it, a merger of coded units is the official one; errors name the
file, row, field and unit."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO
from tuphap.errors import DataError, DataErrors
from tuphap.inputs.dataset import load_registry
from tuphap.project import ProjectPaths


@pytest.fixture
def project(tmp_path):
    for name in ("units.csv", "lineage.csv"):
        (tmp_path / "data").mkdir(exist_ok=True)
        shutil.copy(REPO / "data" / name, tmp_path / "data" / name)
    return ProjectPaths(tmp_path)


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(paths) -> list[DataError]:
    with pytest.raises((DataError, DataErrors)) as error:
        load_registry(paths)
    return [error.value] if isinstance(error.value, DataError) else error.value.errors


def test_the_samples_registry_is_the_official_one(project):
    units = load_registry(project)
    assert units.unit("tan-khai").code == "25357" and units.unit("tan-khai").source == "vietnamadminunits 1.0.4"
    assert units.merger_in("tan-khai", 2025).formed_from == ("tan-khai", "tan-hiep", "dong-no")


def test_a_renamed_unit_is_named_with_its_row(project):
    _edit(project.units_file, "tan-hiep,25361,xã,Tân Hiệp,", "tan-hiep,25361,xã,Tân Hiệp Mới,")
    [problem] = _problems(project)
    assert (problem.row, problem.field) == (4, "name")
    assert "has code 25361 on 30/6/2025 as xã Tân Hiệp, Hớn Quản, Bình Phước; this row says xã Tân Hiệp Mới" in problem.message


def test_a_code_that_does_not_exist_gets_the_right_one(project):
    _edit(project.units_file, "tan-khai,25357,xã,Tân Khai,", "tan-khai,25375,xã,Tân Khai,")
    [problem] = _problems(project)
    assert (problem.row, problem.field) == (3, "code")
    assert "code '25375' is not in the official registry (vietnamadminunits 1.0.4) since 1/7/2025" in problem.message
    assert "the official code of xã Tân Khai, Đồng Nai is 25357" in problem.message


def test_a_coded_row_may_not_span_the_reform(project):
    with project.units_file.open("a", encoding="utf-8") as units:
        units.write("con-dao,26732,đặc khu,Côn Đảo,thôn,,Hồ Chí Minh,no,,,\n")
    [problem] = _problems(project)
    assert problem.field == "valid_to" and "and this period (… – …) spans it: end it on 2025-06-30" in problem.message


def test_a_merger_must_be_the_official_one(project):
    lineage = project.lineage_file
    _edit(lineage, "tan-khai,dong-no,1662/NQ-UBTVQH15,2025-07-01,\n", "")  # one predecessor left out
    [problem] = _problems(project)
    assert problem.field == "formed_from" and "forms 'tan-khai' from 3 units, and this file lists 2" in problem.message
    assert "missing: xã Đồng Nơ, Hớn Quản, Bình Phước (25360)" in problem.message
    _edit(lineage, "tan-khai,tan-hiep,1662/NQ-UBTVQH15,2025-07-01,", "tan-khai,tan-hiep,1662/NQ-UBTVQH15,2025-07-01,yes")
    assert any("all of 'tan-hiep' went into 'tan-khai': leave part empty" in p.message for p in _problems(project))


def test_the_special_zone_is_a_kind_of_unit(project):
    with project.units_file.open("a", encoding="utf-8") as units:
        units.write("con-dao,26732,đặc khu,Côn Đảo,thôn,,Hồ Chí Minh,no,2025-07-01,,vietnamadminunits 1.0.4\n")
    assert load_registry(project).unit("con-dao").full_name == "đặc khu Côn Đảo"
