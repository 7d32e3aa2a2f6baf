"""Shared fixtures: the repository itself and disposable copies of it for builds."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example time limit: on a loaded 2-core CI machine a first Babel call can take longer than
# Hypothesis' default 200 ms, which would fail a correct test as "flaky".
settings.register_profile("tuphap", deadline=None)
settings.load_profile("tuphap")

# The commands speak Vietnamese unless the environment asks for English (tuphap/i18n.py). The suite
# reads their English, so this process and every command and kernel it starts ask for it (LANGUAGE
# comes first); tests/test_i18n.py runs them in Vietnamese with environments of its own.
os.environ["LANGUAGE"] = "en"

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


def run_tuphap(*args: str, root: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(TUPHAP)] + (["--root", str(root)] if root else []) + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)


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


BAD_INPUT = REPO / "tests" / "bad_input"


def tree_digest(root: Path) -> str:
    """One hash over every file under data/, params/ and outputs/ (names and contents), except the
    build's own bookkeeping: the ledger and the site (with the time it was last written), which
    record that an attempt failed and why, and the build and ingest locks' files."""
    digest = hashlib.sha256()
    bookkeeping = (root / "outputs" / "manifest.json", root / "outputs" / "site", root / "outputs" / ".site-written",
                   root / "outputs" / ".build.lock", root / "outputs" / ".ingest.lock")
    for folder in ("data", "params", "outputs"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not any(path == b or b in path.parents for b in bookkeeping):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def form_cells(sheet_book, indicator_id: str):
    """The (sheet, cell) where a form takes this year's figure of an indicator (ids are in column E)."""
    for sheet in sheet_book.worksheets:
        for row in sheet.iter_rows(min_col=5, max_col=5):
            if row[0].value == indicator_id:
                return sheet, sheet[f"D{row[0].row}"]
    raise KeyError(indicator_id)


@pytest.fixture(scope="session")
def form_round_trip(tmp_path_factory) -> Path:
    """A project where An Phú's 2024 figures went through `tuphap form`, Excel (openpyxl), `tuphap
    ingest` and `tuphap build`. Its unit name and narrative first carry HTML, script and
    formula-injection text from the bad input corpus: that build is refused by the document check
    (hostile-build.txt, its executed sections in hostile-sections/); the one after, on the sample's
    name and prose, makes the report."""
    from openpyxl import load_workbook

    root = copy_project(tmp_path_factory.mktemp("forms") / "project")
    shutil.copy(BAD_INPUT / "units-html-name.csv", root / "data" / "units.csv")
    shutil.copy(BAD_INPUT / "narrative-html.md", root / "data" / "narrative" / "2024" / "an-phu-mau.md")
    (root / "original-values-2024.csv").write_bytes((root / "data" / "values" / "2024.csv").read_bytes())
    result = run_tuphap("form", "--year", "2024", "--unit", "an-phu-mau", root=root)
    assert result.returncode == 0, result.stderr
    form = root / "outputs" / "forms" / "2024" / "an-phu-mau.xlsx"
    book = load_workbook(form)
    filled = {"ho_tich.tong": 2468, "pbgdpl.luot_nguoi": "4.321", "tiep_can.diem": "88,5",
              "pbgdpl.gio_truyen_thanh": 3.75, "hoa_giai.tiep_nhan": 20, "pbgdpl.so_buoi": None}
    for indicator_id, value in filled.items():
        form_cells(book, indicator_id)[1].value = value
    book.save(root / "filled.xlsx")
    result = run_tuphap("ingest", str(root / "filled.xlsx"), root=root)
    assert result.returncode == 0, result.stderr
    # The document check refuses a report that shows markup as text; what the sections made of the
    # hostile text is kept for the tests, then the build runs again on the sample's own name and prose.
    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", root=root)
    assert result.returncode == 1, result.stdout + result.stderr
    (root / "hostile-build.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    shutil.copytree(root / "outputs" / "2024" / "an-phu-mau" / "failed-sections", root / "hostile-sections")
    shutil.copy(REPO / "data" / "units.csv", root / "data" / "units.csv")
    shutil.copy(REPO / "data" / "narrative" / "2024" / "an-phu-mau.md", root / "data" / "narrative" / "2024" / "an-phu-mau.md")
    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def built_2024(tmp_path_factory) -> Path:
    """Every 2024 report and the 2024 roll-ups, built once through the real command; the project root."""
    root = copy_project(tmp_path_factory.mktemp("build-2024") / "project")
    result = run_tuphap("build", "--year", "2024", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root
