"""While a command chooses what to work on, a broken project file is a data error (exit 1, naming the
file), never a usage mistake (exit 2): the analyst must fix the file, not the command line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import copy_project
from tuphap.cli import cli

COMMANDS = [
    ["build", "--year", "2025", "--kind", "6thang"],
    ["validate", "--year", "2025", "--kind", "6thang"],
    ["preview", "--unit", "tan-khai", "--year", "2025", "--kind", "6thang"],
    ["lab", "--unit", "tan-khai", "--year", "2025", "--kind", "6thang", "--no-browser"],
    ["status", "--year", "2025", "--kind", "6thang"],
    ["form", "--year", "2025", "--kind", "6thang"],
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("choosing") / "project")


def _run(root, args):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_broken_kinds_file_is_a_data_error(project, args):
    kinds = project / "data" / "report_kinds.yaml"
    original = kinds.read_text(encoding="utf-8")
    kinds.write_text(original.replace("6thang:\n", "6thang:\n  6thang:\n", 1), encoding="utf-8")
    try:
        result = _run(project, args)
    finally:
        kinds.write_text(original, encoding="utf-8")
    assert result.exit_code == 1, result.output
    assert "data/report_kinds.yaml" in result.output


def test_a_broken_registry_with_a_unit_named_is_a_data_error_and_an_unknown_unit_a_usage_one(project):
    units = project / "data" / "units.csv"
    original = units.read_text(encoding="utf-8")
    units.write_text(original.replace("tan-hiep,25361,xã,Tân Hiệp,ấp,", "tan-hiep,25361,xã,,ấp,", 1), encoding="utf-8")
    try:
        broken = _run(project, ["validate", "--unit", "tan-khai"])
    finally:
        units.write_text(original, encoding="utf-8")
    assert broken.exit_code == 1 and "data/units.csv" in broken.output, broken.output
    unknown = _run(project, ["validate", "--unit", "tan-kai"])
    assert unknown.exit_code == 2 and "did you mean 'tan-khai'?" in unknown.output
