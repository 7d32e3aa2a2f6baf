"""One build per project folder at a time (issue 13, defect 10): a second build waits, saying so once,
and both builds' reports end up built and recorded in the ledger."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.conftest import TUPHAP, copy_project
from tests.runtime.build_ids import ledger_ids, one_build_each
from tuphap.project import ProjectPaths
from tuphap.runtime.lock import project_lock

WAITING = "another build is running in"


def _start(root: Path, unit: str, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen([str(TUPHAP), "--root", str(root), "build", "--unit", unit, "--year", "2024", "--quiet"],
                                stdout=output, stderr=subprocess.STDOUT)


def _wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_builds_started_together_in_one_folder_both_build_and_both_are_recorded(tmp_path):
    root = copy_project(tmp_path / "project")
    logs = {unit: tmp_path / f"{unit}.txt" for unit in ("an-phu-mau", "hoa-binh-mau")}
    # Started while a third process holds the lock, so that both are sure to meet it; released once
    # both have said they wait, they then run one after the other.
    with project_lock(ProjectPaths(root)):
        builds = {unit: _start(root, unit, log) for unit, log in logs.items()}
        _wait_until(lambda: all(WAITING in log.read_text() for log in logs.values()))
    for unit, build in builds.items():
        assert build.wait(timeout=300) == 0, logs[unit].read_text()
        output = logs[unit].read_text()
        assert output.count(WAITING) == 1 and f"{WAITING} {root}; waiting for it to finish" in output, output
        assert "1 built, 0 unchanged, 0 failed of 1 report(s)" in output, output
    files = one_build_each(root)
    assert set(files) == {"2024/an-phu-mau", "2024/hoa-binh-mau"}
    assert {key: ledger_ids(root)[key] for key in files} == files  # both builds' entries kept


def test_commands_that_only_read_do_not_wait_for_a_build(tmp_path):
    root = copy_project(tmp_path / "project")
    with project_lock(ProjectPaths(root)):
        result = subprocess.run([str(TUPHAP), "--root", str(root), "validate", "--unit", "tan-khai", "--year", "2024"],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and WAITING not in result.stderr, result.stdout + result.stderr


def test_the_site_waits_for_a_running_build_and_says_so(tmp_path):
    root = copy_project(tmp_path / "project")
    log = tmp_path / "site.txt"
    with project_lock(ProjectPaths(root)):
        with log.open("w") as output:
            site = subprocess.Popen([str(TUPHAP), "--root", str(root), "site"], stdout=output, stderr=subprocess.STDOUT)
        _wait_until(lambda: WAITING in log.read_text())
        time.sleep(0.5)
        assert site.poll() is None and not (root / "outputs" / "site" / "index.html").exists()
    assert site.wait(timeout=60) == 0, log.read_text()
    assert log.read_text().count(WAITING) == 1 and (root / "outputs" / "site" / "index.html").is_file()
