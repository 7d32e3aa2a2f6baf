"""The package's shape: imports go one way (no cycle anywhere), the layers contract holds and fails when
a lower stage imports a higher one, and docs/architecture.md describes the tree as it is."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_no_import_cycle_in_the_package():
    graph = grimp.build_graph("tuphap", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append(" -> ".join(graph.find_shortest_chain(importer=imported, imported=module)) + f" -> {imported}")
    assert not cycles, "\n".join(cycles)


def test_the_layers_contract_is_kept():
    result = subprocess.run([str(LINT_IMPORTS)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_layers_contract_fails_when_a_lower_stage_imports_a_higher_one(tmp_path):
    """A copy of the package where the inputs stage imports the runtime: the contract must break."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "lib", copy / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    module = copy / "lib" / "tuphap" / "inputs" / "numbers.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nfrom tuphap.runtime import ledger  # noqa\n", encoding="utf-8")
    result = subprocess.run([str(LINT_IMPORTS)], cwd=copy, capture_output=True, text=True,
                            env={"PYTHONPATH": str(copy / "lib"), "PATH": str(LINT_IMPORTS.parent)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout and "tuphap.inputs.numbers -> tuphap.runtime.ledger" in result.stdout


@pytest.mark.parametrize("folder", ["inputs", "compute", "check", "render", "assemble", "runtime", "publish", "cli"])
def test_the_architecture_document_names_every_stage_and_module(folder):
    document = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"{folder}/" in document
    for module in sorted((REPO / "lib" / "tuphap" / folder).rglob("*.py")):
        if module.name != "__init__.py":
            assert module.name in document, f"docs/architecture.md does not mention {folder}/{module.name}"


def test_every_package_stage_has_tests_of_its_own():
    for folder in ("inputs", "compute", "check", "render", "assemble", "runtime", "publish"):
        assert list((REPO / "tests" / folder).glob("test_*.py")), f"no tests/{folder}/test_*.py"
