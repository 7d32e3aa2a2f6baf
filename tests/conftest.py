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
def built_sample(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A project built through the real command for the site's tests: the 2024 reports, with
    Hòa Bình's failing on a params mistake (a failure that costs no kernel); 2023 has params but no
    build. Returns the project folder and the build's result."""
    root = copy_project(tmp_path_factory.mktemp("sample") / "project")
    params = root / "params" / "2024" / "hoa-binh-mau.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = run_tuphap("build", "--year", "2024", "--quiet", root=root)
    assert result.returncode == 1 and "hoa-binh-mau" in result.stderr, result.stdout + result.stderr
    return root, result
