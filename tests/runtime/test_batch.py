"""Batch builds: warm kernels give the same reports as fresh ones (serial, parallel, on Dask), the
ledger drives incremental rebuilds, and one failing report does not stop the others."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import copy_project, run_tuphap, writable_copy
from tuphap.atomic import write_atomically

COMPARED = ["an-phu-mau", "tan-khai"]
# Every 2024 commune report, named unit by unit so that the roll-ups (tests/test_rollup.py) are not built.
COMMUNES_2024 = ("--year", "2024", "--unit", "an-phu-mau", "--unit", "hoa-binh-mau", "--unit", "tan-khai")


def build(root: Path, *args: str) -> None:
    result = run_tuphap("build", "--quiet", *args, root=root)
    assert result.returncode == 0, result.stdout + result.stderr


def report(root: Path, unit: str, year: int = 2024) -> str:
    return (root / "outputs" / str(year) / unit / "report.html").read_text(encoding="utf-8")


def same_build(html: str) -> str:
    """A report's HTML without the time and id of its build (two builds of the same inputs differ in nothing else)."""
    html = re.sub(r'<meta name="(dcterms.created|tuphap-build)" content="[^"]*">', "", html)
    return re.sub(r"tạo lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}", "tạo lúc …", html)


def ledger(root: Path) -> dict:
    return json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]


def executed(root: Path) -> dict[str, list[str]]:
    return {key: [name for name, s in entry["sections"].items() if s["status"] == "executed"]
            for key, entry in ledger(root).items()}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """The reference: every notebook in a new kernel, as plain papermill runs it."""
    root = copy_project(tmp_path_factory.mktemp("fresh") / "project")
    build(root, "--fresh-kernels", "--year", "2024", *[f"--unit={u}" for u in COMPARED], "--jobs", "2")
    return root


@pytest.mark.parametrize("unit", COMPARED)
def test_warm_kernel_reports_equal_fresh_kernel_reports(fresh, built_2024, unit):
    # built_2024: one worker, one warm kernel (--jobs 1), the three 2024 communes in turn
    assert same_build(report(built_2024, unit)) == same_build(report(fresh, unit))


def test_parallel_workers_give_the_same_reports(fresh, tmp_path):
    root = copy_project(tmp_path / "project")
    build(root, *COMMUNES_2024, "--jobs", "2")
    for unit in COMPARED:
        assert same_build(report(root, unit)) == same_build(report(fresh, unit))


def test_dask_cluster_gives_the_same_reports(fresh, tmp_path):
    distributed = pytest.importorskip("distributed")
    root = copy_project(tmp_path / "project")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        build(root, *COMMUNES_2024, "--scheduler", cluster.scheduler_address)
    for unit in COMPARED:
        assert same_build(report(root, unit)) == same_build(report(fresh, unit))


def test_ledger_records_every_section(built_2024):
    entry = ledger(built_2024)["2024/tan-khai"]
    assert entry["status"] == "built" and len(entry["sections"]) == 11
    for section in entry["sections"].values():
        assert len(section["input_hash"]) == 64 and section["status"] == "executed"
        assert section["duration"] > 0 and section["error"] is None


def test_incremental_rebuilds_follow_the_data(built_2024, tmp_path):
    root = writable_copy(built_2024, tmp_path / "project")  # every 2024 commune built

    build(root, *COMMUNES_2024)
    assert all(not names for names in executed(root).values())
    assert {entry["status"] for entry in ledger(root).values()} == {"reused"}

    values = root / "data" / "values" / "2024.csv"
    values.write_text(values.read_text(encoding="utf-8").replace(
        "tan-khai,2024,pbgdpl.so_buoi,125,", "tan-khai,2024,pbgdpl.so_buoi,126,"), encoding="utf-8")
    build(root, *COMMUNES_2024)
    changed = executed(root)
    assert len(changed.pop("2024/tan-khai")) == 11
    assert all(not names for names in changed.values())
    assert "126 buổi" in report(root, "tan-khai")

    notebook = root / "notebooks" / "04-tu-sach-phap-luat.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Tại {unit_kind} có", "Trên địa bàn {unit_kind} có"),
                        encoding="utf-8")
    build(root, *COMMUNES_2024, "--jobs", "1")
    assert all(names == ["04-tu-sach-phap-luat"] for names in executed(root).values())
    assert "Trên địa bàn thị trấn có 01 tủ sách" in report(root, "tan-khai")

    build(root, *COMMUNES_2024, "--force", "--jobs", "1")
    assert all(len(names) == 11 for names in executed(root).values())


def test_a_failing_report_does_not_stop_the_batch(built_an_phu_mau, tmp_path):
    root = writable_copy(built_an_phu_mau, tmp_path / "project")
    good = report(root, "an-phu-mau")
    narrative = root / "data" / "narrative" / "2024" / "an-phu-mau.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace(
        "## hoa_giai.ket_qua\n", "## hoa_giai.ket_qua\nCó {hoa_giai.khong_ton_tai} vụ.\n"), encoding="utf-8")
    # Validation would stop this report before any kernel (tests/test_validation.py); without the
    # rule, the section itself fails, which is what this test is about.
    rules = root / "data" / "rules.csv"
    rules.write_text("".join(line for line in rules.read_text(encoding="utf-8").splitlines(keepends=True)
                             if ",unknown_placeholder," not in line), encoding="utf-8")

    result = run_tuphap("build", *COMMUNES_2024, "--jobs", "2", root=root)

    assert result.returncode == 1
    assert "2 built, 0 unchanged, 1 failed of 3 report(s)" in result.stdout
    assert "unit an-phu-mau, year 2024, section 03-hoa-giai-co-so, cell" in result.stderr
    assert "{hoa_giai.khong_ton_tai} names no indicator" in result.stderr
    assert report(root, "an-phu-mau") == good  # the last good report stays in place
    entry = ledger(root)["2024/an-phu-mau"]  # the failed attempt, beside the last good build's record
    attempt = entry["last_failure"]["sections"]["03-hoa-giai-co-so"]
    assert entry["status"] == "failed" and attempt["status"] == "failed" and "names no indicator" in attempt["error"]
    assert entry["sections"]["03-hoa-giai-co-so"]["status"] == "executed"
    assert ledger(root)["2024/tan-khai"]["status"] == "built"


def test_a_kernel_that_dies_fails_its_report_and_the_next_report_gets_a_new_kernel(tmp_path):
    root = copy_project(tmp_path / "project")
    notebook = root / "notebooks" / "05-chuan-tiep-can-phap-luat.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    nbformat.write(nb, notebook)

    result = run_tuphap("build", "--quiet", "--year", "2024", "--unit", "an-phu-mau", "--unit", "hoa-binh-mau",
                        "--jobs", "1", root=root)

    assert result.returncode == 1
    for unit in ("an-phu-mau", "hoa-binh-mau"):  # the second report ran sections 00-04 on a new kernel
        assert f"unit {unit}, year 2024, section 05-chuan-tiep-can-phap-luat: the kernel died" in result.stderr
        assert ledger(root)[f"2024/{unit}"]["last_failure"]["sections"]["04-tu-sach-phap-luat"]["status"] == "executed"


def test_quiet_mode_prints_no_progress_bar(built_2024, tmp_path):
    result = run_tuphap("build", *COMMUNES_2024, "--quiet", root=writable_copy(built_2024, tmp_path / "project"))
    assert result.returncode == 0 and "Building" not in result.stderr and "it/s" not in result.stderr
    assert "0 built, 3 unchanged, 0 failed of 3 report(s)" in result.stdout


def test_a_build_that_changes_nothing_leaves_the_site_alone(built_2024, tmp_path):
    root = writable_copy(built_2024, tmp_path / "project")
    build(root, *COMMUNES_2024)  # the ledger's "built" becomes "reused": only the next build changes nothing
    site = root / "outputs" / "site"

    def times() -> dict:
        return {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}

    before = times()
    result = run_tuphap("build", *COMMUNES_2024, "--quiet", root=root)
    assert result.returncode == 0 and "(nothing changed)" in result.stdout
    assert times() == before
    (site / "index.html").unlink()  # a site that is not complete is always rewritten
    result = run_tuphap("build", *COMMUNES_2024, "--quiet", root=root)
    assert result.returncode == 0 and "(nothing changed)" not in result.stdout
    assert (site / "index.html").is_file()


def test_progress_bar_reports_done_and_total(built_2024, tmp_path):
    result = run_tuphap("build", *COMMUNES_2024, root=writable_copy(built_2024, tmp_path / "project"))
    assert "3/3" in result.stderr


def test_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("last good", encoding="utf-8")

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"half")
    assert target.read_text(encoding="utf-8") == "last good"
    assert os.listdir(tmp_path) == ["report.html"]
