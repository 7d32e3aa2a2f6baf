"""`tuphap build --all` killed with SIGKILL at any moment (issue 13, defect 2): every report's HTML, PDF
and Word file come from one build (they record the same build id), the ledger is valid JSON, and once
the next build has put right what the kill left (the first thing it does, under the lock) the ledger
records the build whose files are on disk. Then a build that is not killed finishes the work."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import TUPHAP, copy_project, run_tuphap
from tests.runtime.build_ids import ledger_ids, one_build_each
from tuphap.project import ProjectPaths
from tuphap.runtime import staging
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.lock import project_lock
from tuphap.runtime.targets import CommuneTarget, RollupTarget

RUNS = 20
SEED = 13
UNITS = ["an-phu-mau", "hoa-binh-mau", "tan-khai"]
# One word per run, written into every narrative, so that every run has real work to do (each
# commune's 11 sections and its three files) and the last build's word can be looked for.
WORDS = ["cam", "quýt", "bưởi", "mận", "đào", "lê", "táo", "ổi", "xoài", "mít", "dứa", "chuối", "nhãn", "vải",
         "hồng", "sấu", "khế", "dừa", "thị", "roi", "sung"]

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the build's processes in /proc")


def _project(tmp_path: Path) -> Path:
    """The sample's 2024 communes only: roll-ups take the same path (pipeline.build, put_in_place) and a
    narrative does not change them, so they would only add time."""
    root = copy_project(tmp_path / "project")
    shutil.rmtree(root / "params" / "2023")
    shutil.rmtree(root / "params" / "2024" / "rollup")
    shutil.rmtree(root / "params" / "2025")
    return root


def _edit_narratives(root: Path, word: str) -> None:
    for unit in UNITS:
        narrative = root / "data" / "narrative" / "2024" / f"{unit}.md"
        text = re.sub(r"^## hoa_giai\.ket_qua\n(Ghi chú \w+\.\n)?", f"## hoa_giai.ket_qua\nGhi chú {word}.\n",
                      narrative.read_text(encoding="utf-8"), flags=re.MULTILINE)
        narrative.write_text(text, encoding="utf-8")


def _group_alive(group: int) -> bool:
    """Whether a process of this group is still running (zombies left aside)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def _kill(process: subprocess.Popen, whole_group: bool) -> None:
    """SIGKILL the build (`timeout -s KILL`), or all its processes at once (a power cut); then wait for
    its orphaned workers and kernels to end by themselves, as they do within a second or two."""
    try:
        os.killpg(process.pid, signal.SIGKILL) if whole_group else process.send_signal(signal.SIGKILL)
    except ProcessLookupError:  # it had finished
        pass
    process.wait()
    deadline = time.monotonic() + 15
    while _group_alive(process.pid):
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.05)


def _assembling(root: Path, since: float) -> bool:
    """Whether some report has run its last section: its files are about to be written and switched."""
    return any((root / "outputs" / "2024").glob(".*.new/sections/10-*.ipynb"))


def _replaced(root: Path, since: float) -> bool:
    """Whether some report's folder was replaced since then (other reports may be on their way)."""
    return any(record.stat().st_mtime > since for record in (root / "outputs" / "2024").glob("*/build.json"))


def _wait_for(moment, root: Path, process: subprocess.Popen) -> None:
    since, deadline = time.time(), time.monotonic() + 40
    while not moment(root, since) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def _recovered(root: Path) -> Ledger:
    """What the next build does first: put right what the kill left, and read the ledger."""
    paths = ProjectPaths(root)
    with project_lock(paths):
        ledger = Ledger.load(paths)
        staging.recover(paths, ledger)
    return ledger


def test_killed_builds_leave_every_report_from_one_build_and_the_ledger_agreeing(tmp_path):
    root = _project(tmp_path)
    result = run_tuphap("build", "--all", "--jobs", "1", "--quiet", root=root)  # every report has old files
    assert result.returncode == 0, result.stdout + result.stderr
    before = one_build_each(root)
    assert set(before) == {f"2024/{unit}" for unit in UNITS}
    rng = random.Random(SEED)
    switched = 0  # runs in which some report's files were replaced before the kill
    for run in range(RUNS):
        _edit_narratives(root, WORDS[run])
        log = tmp_path / f"run-{run}.txt"
        with log.open("w") as output:
            process = subprocess.Popen([str(TUPHAP), "--root", str(root), "build", "--all", "--jobs", "2", "--quiet"],
                                       stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        if run % 4 == 1:  # while a report's files are made, written and switched
            _wait_for(_assembling, root, process)
            time.sleep(rng.uniform(0, 2))
        elif run % 4 == 3:  # just after a report was replaced, while the next ones are
            _wait_for(_replaced, root, process)
            time.sleep(rng.uniform(0, 0.6))
        else:  # anywhere in the first seconds: mostly while sections run
            time.sleep(rng.uniform(0.5, 5))
        _kill(process, whole_group=run % 4 in (1, 2))
        assert process.returncode in (0, -signal.SIGKILL), log.read_text()

        one_build_each(root)  # every report's files from one build (killed between the switch's two renames, the
        # report's folder is set aside: put back below)
        ledger_ids(root)  # valid JSON
        ledger = _recovered(root)
        after = one_build_each(root)
        assert set(after) == set(before), f"run {run}: a report lost its files"
        recorded = {key: (ledger.reports.get(key) or ledger.rollups.get(key) or {}).get("build_id") for key in after}
        assert recorded == after, f"run {run}: the ledger does not record the files' builds"
        assert not list((root / "outputs" / "2024").glob(".*")), f"run {run}: a staging folder is left"
        switched += any(before.get(key) != build for key, build in after.items())
        before = after

    assert switched >= 3, f"only {switched} of {RUNS} killed runs got as far as replacing a report"
    _edit_narratives(root, WORDS[RUNS])
    result = run_tuphap("build", "--all", "--jobs", "2", "--quiet", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    files = one_build_each(root)
    assert set(files) == {f"2024/{unit}" for unit in UNITS}
    assert {key: ledger_ids(root)[key] for key in files} == files  # on disk, with nothing to put right
    for key in files:
        assert f"Ghi chú {WORDS[RUNS]}." in (root / "outputs" / key / "report.html").read_text(encoding="utf-8")
    assert not list((root / "outputs" / "2024").glob(".*"))


def _folder(path: Path, build_id: str, **entry) -> Path:
    (path / "sections").mkdir(parents=True)
    (path / "build.json").write_text(json.dumps({"build_id": build_id, "status": "built", **entry}), encoding="utf-8")
    return path


def test_the_next_build_puts_right_each_thing_a_kill_can_leave(tmp_path):
    """Each moment a kill can come, as the next build finds it (staging.recover)."""
    paths = ProjectPaths(tmp_path)
    year = tmp_path / "outputs" / "2024"
    _folder(year / "a", "aaaaaaaaaaaa")  # switched, the ledger not saved since
    _folder(year / ".b.old", "bbbbbbbbbbbb")  # between the two renames: only the set-aside folder
    _folder(year / ".b.cccccccccccc.new", "cccccccccccc")
    _folder(year / "d", "dddddddddddd")  # switched; its old folder not yet removed
    _folder(year / ".d.old", "eeeeeeeeeeee")
    (year / ".f.0123456789ab.new" / "sections").mkdir(parents=True)  # killed while its sections ran
    _folder(year / "_rollup" / "province-binh-phuoc", "pppppppppppp")
    ledger = Ledger.load(paths)
    ledger.record(CommuneTarget("a", 2024), {"build_id": "000000000000", "status": "built"})
    ledger.record(CommuneTarget("b", 2024), {"build_id": "bbbbbbbbbbbb", "status": "built"})
    ledger.record(CommuneTarget("d", 2024), {"build_id": "dddddddddddd", "status": "built", "error": None})
    ledger.save()

    ledger = Ledger.load(paths)
    staging.recover(paths, ledger)

    assert sorted(p.name for p in year.iterdir()) == ["_rollup", "a", "b", "d"]
    assert json.loads((year / "b" / "build.json").read_text())["build_id"] == "bbbbbbbbbbbb"  # the old one, back
    assert {key: entry["build_id"] for key, entry in ledger.reports.items()} == \
        {"2024/a": "aaaaaaaaaaaa", "2024/b": "bbbbbbbbbbbb", "2024/d": "dddddddddddd"}
    assert ledger.entry(CommuneTarget("d", 2024)) == {"build_id": "dddddddddddd", "status": "built", "error": None}
    assert ledger.entry(RollupTarget("province", "binh-phuoc", 2024))["build_id"] == "pppppppppppp"
