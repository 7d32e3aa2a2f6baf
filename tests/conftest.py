"""Shared fixtures: the repository itself and disposable copies of it for builds."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
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


SAMPLE_UNITS = ("tan-khai", "tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau")


def with_sample_units_only(root: Path) -> Path:
    """The project's registry cut down to the sample's own units and their merger (the official registry of
    tỉnh Đồng Nai has 365 more rows): for a test that makes something for every unit of the registry."""
    for name, column in (("units.csv", "slug"), ("lineage.csv", "unit")):
        path = root / "data" / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        index = lines[0].split(",").index(column)
        path.write_text(lines[0] + "".join(line for line in lines[1:] if line.split(",")[index] in SAMPLE_UNITS),
                        encoding="utf-8")
    return root


# Commands that start no kernel, worker, server or browser. The suite runs them in its own process through
# click's test runner: a new `tuphap` process costs most of a CPU-second in imports, and the suite runs
# these commands some two hundred times. Builds, previews, the lab and `serve` run as real processes, and
# so does any command given an environment of its own (its language, fonts or root are read at start-up).
IN_PROCESS = frozenset({"validate", "check", "status", "list", "units", "init", "form", "ingest", "site", "publish",
                        "versions", "sign", "verify", "diff",
                        "--help", "-h", "--version"})


def run_tuphap(*args: str, root: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(TUPHAP)] + (["--root", str(root)] if root else []) + list(args)
    if env is None and args and args[0] in IN_PROCESS:
        return _run_in_process(command)
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)


def _run_in_process(command: list[str]) -> subprocess.CompletedProcess:
    """`command` run as the `tuphap` entry point would run it, with what a process would show: its exit
    status, its output, and a traceback on stderr (status 1) if it raised."""
    from click.testing import CliRunner

    from tuphap.cli import cli

    result = CliRunner().invoke(cli, command[1:], prog_name="tuphap")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(command, result.exit_code, result.stdout, stderr)


def built_once(tmp_path_factory, name: str, make: Callable[[Path], subprocess.CompletedProcess | None]
               ) -> tuple[Path, subprocess.CompletedProcess | None]:
    """A project made by `make(root)` once per test run, whichever pytest-xdist worker asks first (the
    others wait for it, then share it), so that parallel workers do not each pay for the same builds.
    Returns the project folder and what `make` returned (a command's result, replayed from disk for the
    workers that waited). Shared: a test that writes into it works on a copy (`writable_copy`)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # every worker's folder sits in the run's one folder
    folder, done = base / f"shared-{name}", base / f"shared-{name}.json"
    with FileLock(str(base / f"shared-{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker whose make() failed left it half made
            folder.mkdir()
            result = make(copy_project(folder / "project"))
            done.write_text(json.dumps(None if result is None else [result.args, result.returncode, result.stdout,
                                                                    result.stderr]), encoding="utf-8")
    recorded = json.loads(done.read_text(encoding="utf-8"))
    return folder / "project", None if recorded is None else subprocess.CompletedProcess(*recorded)


def writable_copy(root: Path, target: Path) -> Path:
    """A copy of a shared built project that a test may change, build in, or break."""
    shutil.copytree(root, target, symlinks=True)
    return target


def copy_made(shared: Path, root: Path, relative: Path) -> Path:
    """A file a shared project holds (`built_once`), copied to the same place in a test's own project,
    where the test may change it."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shared / relative, target)
    return target


def _build_tan_khai(root: Path) -> subprocess.CompletedProcess:
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def built_tan_khai(tmp_path_factory) -> Path:
    """The Tân Khai 2024 report, built once through the real command in a copy of the project."""
    root, _ = built_once(tmp_path_factory, "tan-khai", _build_tan_khai)
    return root / "outputs" / "2024" / "tan-khai"


def _build_sample(root: Path) -> subprocess.CompletedProcess:
    params = root / "params" / "2024" / "hoa-binh-mau.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = run_tuphap("build", "--year", "2024", "--quiet", "--jobs", "1", root=root)
    assert result.returncode == 1 and "hoa-binh-mau" in result.stderr, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A project built through the real command for the site's tests: the 2024 reports, with
    Hòa Bình's failing on a params mistake (a failure that costs no kernel); 2023 has params but no
    build. Returns the project folder and the build's result."""
    return built_once(tmp_path_factory, "sample", _build_sample)


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
    return built_once(tmp_path_factory, "forms", _form_round_trip)[0]


def _form_round_trip(root: Path) -> None:
    from openpyxl import load_workbook

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


def _build_2024(root: Path) -> None:
    result = run_tuphap("build", "--year", "2024", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def built_2024(tmp_path_factory) -> Path:
    """Every 2024 report and the 2024 roll-ups, built once through the real command; the project root."""
    return built_once(tmp_path_factory, "2024", _build_2024)[0]


def _build_an_phu_mau(root: Path) -> None:
    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", "--quiet", root=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def built_an_phu_mau(tmp_path_factory) -> Path:
    """An Phú's 2024 report alone, built once through the real command; the project root."""
    return built_once(tmp_path_factory, "an-phu-mau", _build_an_phu_mau)[0]


def _build_six_month(root: Path) -> subprocess.CompletedProcess:
    result = run_tuphap("build", "--year", "2025", "--kind", "6thang", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    published = run_tuphap("publish", "--zip", "--year", "2025", root=root)
    assert published.returncode == 0, published.stdout + published.stderr
    return result


@pytest.fixture(scope="session")
def built_six_month(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The 2025 six-month reports and roll-ups (`build --kind 6thang`, nothing else), then the year's zip
    (`publish --zip`), made once; the project root and the build's result."""
    return built_once(tmp_path_factory, "six-month", _build_six_month)


# The modules that take longest (pytest --durations), run first: `make test` hands each module to one
# pytest-xdist worker (--dist loadscope, so a module's fixtures are made once), and a long module
# started last would keep one worker busy after the other has finished.
SLOW_FIRST = ("tests/runtime/test_kill.py", "tests/runtime/test_batch.py", "tests/test_corpus.py",
              "tests/runtime/test_execute.py", "tests/cli/test_lab.py", "tests/test_notebooks.py")


# What a module uses to start a command, a notebook kernel or a browser: its tests are `slow`, left out
# of `make test-fast` (the units of each stage, in-process).
# `browser`: the Chromium fixture of tests/publish/browser.py.
SLOW_MEANS = ("run_tuphap", "TUPHAP", "papermill", "sync_playwright", "browser", "PreviewSession")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs commands, kernels or a browser (left out of `make test-fast`)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)
    for item in items:
        if any(name in vars(item.module) for name in SLOW_MEANS):
            item.add_marker(pytest.mark.slow)
