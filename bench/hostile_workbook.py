"""Benchmark: how fast, and in how much memory, `tuphap ingest` refuses the worst small workbook.

Makes Tân Khai's 2024 form with `tuphap form` in a copy of the project (data/, params/, notebooks/),
writes "x" into cell A1048576 of every sheet (openpyxl; about 17 KB on disk, issue 13's defect 5,
which took 54 s and 2.4 GB before sheets were checked), then runs `tuphap ingest --dry-run` on it
several times and prints, for each run, the exit code, the wall time and the command's peak memory
(its maximum resident set size, from the kernel: exact, not sampled), then the median and the worst
beside the targets (refused in under 5 s, under 300 MB).

Example:
  python bench/hostile_workbook.py
  python bench/hostile_workbook.py --runs 5
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
TUPHAP = Path(sys.executable).parent / "tuphap"
TARGET_SECONDS, TARGET_MB = 5.0, 300


def hostile_form(root: Path) -> Path:
    """A real form with one cell at Excel's last row on every sheet."""
    made = subprocess.run([str(TUPHAP), "--root", str(root), "form", "--year", "2024", "--unit", "tan-khai"],
                          capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"tuphap form failed: {made.stderr}")
    book = load_workbook(root / "outputs" / "forms" / "2024" / "tan-khai.xlsx")
    for sheet in book.worksheets:
        sheet["A1048576"] = "x"
    path = root / "hostile.xlsx"
    book.save(path)
    return path


def ingest(root: Path, form: Path) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak MB and the first problem line of one `ingest --dry-run`; the child
    is reaped with wait4, so the kernel reports its own peak memory."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([str(TUPHAP), "--root", str(root), "ingest", "--dry-run", str(form)],
                                   stdout=out, stderr=err, env={**os.environ, "LANGUAGE": "en"})
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        err.seek(0)
        out.seek(0)
        lines = (err.read() + out.read()).splitlines()
    problems = [line.strip() for line in lines if line.startswith("  - ")]  # under the form's "refused" line
    return process.returncode, seconds, usage.ru_maxrss / 1024, problems[0] if problems else "".join(lines[-1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="how many times to run ingest (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tuphap-hostile-") as folder:
        root = Path(folder) / "project"
        for name in ("data", "params", "notebooks"):
            shutil.copytree(REPO / name, root / name)
        (root / "outputs").mkdir()
        form = hostile_form(root)
        print(f"workbook: {form.stat().st_size / 1024:.1f} KB, A1048576='x' on every sheet")
        times, peaks = [], []
        for run in range(1, args.runs + 1):
            code, seconds, peak, message = ingest(root, form)
            times.append(seconds)
            peaks.append(peak)
            print(f"run {run}: exit {code}, {seconds:.2f} s, peak {peak:.0f} MB  {message[:110]}")
            if code != 1:
                raise SystemExit("the workbook was not refused")
        print(f"median {statistics.median(times):.2f} s (worst {max(times):.2f} s, target < {TARGET_SECONDS:.0f} s); "
              f"peak {statistics.median(peaks):.0f} MB (worst {max(peaks):.0f} MB, target < {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
