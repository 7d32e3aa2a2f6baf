"""Benchmark: tuphap's batch build against the naive papermill loop, on synthetic communes.

Prints, measured in one run on this machine:
  - the naive baseline: a sequential loop of the `papermill` command over every section notebook of
    every report (no HTML or PDF), on the same communes;
  - `tuphap build --all` cold (empty outputs), a rebuild with nothing changed, and a rebuild after
    one commune's value changed (with the ledger's list of what re-ran);
  - optionally the same cold build at a larger scale, for linearity and memory;
with wall time, time per report, peak memory of the whole process tree, and the ratios.

Example:
  python bench/run_benchmark.py --communes 100 --scale 1000
  python bench/run_benchmark.py --communes 20 --baseline-communes 5   # quick look
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
YEAR = 2024
SAMPLE_SECONDS = 0.1


@dataclass
class Run:
    seconds: float
    peak_bytes: int


def measure(command: list[str], **kwargs) -> Run:
    """Run a command; sample the resident memory of it and all its descendants every 100 ms (listing
    the descendants scans every process, a few milliseconds: sampling more often slows what is timed)."""
    started = time.monotonic()
    process = psutil.Popen(command, **kwargs)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process] + process.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(command)}")
    return Run(time.monotonic() - started, peak)


def generate(communes: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(BENCH / "generate_communes.py"), "--communes", str(communes),
                    "--years", str(YEAR), "--out", str(out), "--force"], check=True, stdout=subprocess.DEVNULL)
    return out


def tuphap_build(root: Path, jobs: int, *extra: str) -> Run:
    return measure([str(BIN / "tuphap"), "--root", str(root), "build", "--all", "--quiet", "--jobs", str(jobs), *extra],
                   stdout=subprocess.DEVNULL)


def naive_loop(root: Path, units: list[str]) -> Run:
    """What an analyst would script: the papermill CLI, once per section per report, one after another."""
    out = root / "outputs" / "naive"
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    script = [f"set -e; cd {root}"]
    for unit in units:
        for notebook in notebooks:
            target = out / unit / notebook.name
            script.append(f"mkdir -p {target.parent}; {BIN / 'papermill'} --no-progress-bar --log-level ERROR "
                          f"{notebook} {target} -p unit {unit} -p year {YEAR}")
    return measure(["bash", "-c", "\n".join(script)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def units_of(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "params" / str(YEAR)).glob("*.yaml"))


def change_one_value(root: Path, unit: str, year: int = YEAR) -> None:
    """One more session of legal dissemination (pbgdpl.so_buoi) for the unit in the year's values file."""
    values = root / "data" / "values" / f"{year}.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        fields = line.split(",")
        if fields[0] == unit and fields[2] == "pbgdpl.so_buoi":
            fields[3] = str(int(fields[3]) + 1)
            lines[index] = ",".join(fields)
            break
    values.write_text("\n".join(lines) + "\n", encoding="utf-8")


def executed_per_report(root: Path) -> dict[str, int]:
    reports = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]
    counts = {key: sum(s["status"] == "executed" for s in entry["sections"].values()) for key, entry in reports.items()}
    return {key: count for key, count in counts.items() if count}


def row(label: str, run: Run, reports: int) -> str:
    return (f"{label:<44} {run.seconds:9.1f} s {run.seconds / reports:9.3f} s/report "
            f"{run.peak_bytes / 2**20:9.0f} MiB peak")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=100, help="communes in the main comparison (default 100)")
    parser.add_argument("--baseline-communes", type=int, default=None,
                        help="communes for the naive papermill loop (default: all; it takes ~40 s per commune)")
    parser.add_argument("--scale", type=int, default=0, help="also time a cold build of this many communes (e.g. 1000)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="tuphap build --jobs (default: cores)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuphap-bench"), help="scratch folder (default /tmp/tuphap-bench)")
    args = parser.parse_args()

    root = generate(args.communes, args.work / f"communes-{args.communes}")
    units = units_of(root)
    baseline_units = units[: args.baseline_communes or len(units)]
    print(f"{len(units)} synthetic communes, year {YEAR}, {args.jobs} worker(s), {os.cpu_count()} CPU(s)")

    naive = naive_loop(root, baseline_units)
    print(row(f"naive papermill loop ({len(baseline_units)} communes)", naive, len(baseline_units)))
    cold = tuphap_build(root, args.jobs)
    print(row("tuphap build, cold", cold, len(units)))
    unchanged = tuphap_build(root, args.jobs)
    print(row("tuphap build, nothing changed", unchanged, len(units)))
    change_one_value(root, units[0])
    one = tuphap_build(root, args.jobs)
    print(row(f"tuphap build, one value of {units[0]} changed", one, len(units)))
    print(f"  sections re-executed, per report (from the ledger): {executed_per_report(root)}")

    naive_per_report = naive.seconds / len(baseline_units)
    print(f"speed-up, cold build vs naive loop, per report: {naive_per_report / (cold.seconds / len(units)):.1f}x")
    print(f"nothing-changed rebuild / cold build: {100 * unchanged.seconds / cold.seconds:.2f} %")

    if args.scale:
        big = generate(args.scale, args.work / f"communes-{args.scale}")
        scaled = tuphap_build(big, args.jobs)
        print(row(f"tuphap build, cold, {args.scale} communes", scaled, args.scale))
        print(f"time ratio {args.scale} / {len(units)} communes: {scaled.seconds / cold.seconds:.2f} "
              f"(linear would be {args.scale / len(units):.1f})")
        shutil.rmtree(big)


if __name__ == "__main__":
    main()
