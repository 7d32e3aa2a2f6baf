"""Shared fixtures: the repository itself and disposable copies of it for builds."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TUPHAP = Path(sys.executable).parent / "tuphap"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs (data, params, notebooks) with an empty outputs folder."""
    for folder in ("data", "params", "notebooks"):
        shutil.copytree(REPO / folder, target / folder)
    (target / "outputs").mkdir()
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def run_tuphap(*args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(TUPHAP)] + (["--root", str(root)] if root else []) + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def built_tan_khai(tmp_path_factory) -> Path:
    """The Tân Khai 2024 report, built once through the real command in a copy of the project."""
    root = copy_project(tmp_path_factory.mktemp("build") / "project")
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "outputs" / "2024" / "tan-khai"


@pytest.fixture(scope="session")
def built_2024(tmp_path_factory) -> Path:
    """Every 2024 report and the 2024 roll-ups, built once through the real command; the project root."""
    root = copy_project(tmp_path_factory.mktemp("build-2024") / "project")
    result = run_tuphap("build", "--year", "2024", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root
