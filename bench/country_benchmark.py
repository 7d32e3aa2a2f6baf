"""Benchmark: the country's year reports on a Dask cluster, and how the cost grows with the number of units.

Sets up one project for all 34 provinces from the official registry (`tuphap init` for each: 3,321 units,
the old units they were formed from, params and narratives), gives every unit synthetic figures for the year
and the year before (bench/generate_communes.py), then builds cold, through `--scheduler` on a local Dask
cluster (the same code path as a real cluster), the year reports of the first N units for each size asked
(by default 100, 1,000 and all 3,321, the last with the 34 province roll-ups). Prints for each size the wall
time, the time per report (HTML, PDF, Word and the document check) and the peak memory of the build and of
the cluster's processes.

A real cluster: start `dask scheduler` on one machine and `dask worker tcp://HOST:8786` on each (every worker
with this project folder at the same path, e.g. a shared mount, and tuphap installed), then
`tuphap build --year 2025 --scheduler tcp://HOST:8786`.

Example:
  .venv/bin/python bench/country_benchmark.py                      # 100, 1000, 3321 units (about an hour)
  .venv/bin/python bench/country_benchmark.py --sizes 100,1000
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_communes as synthetic  # noqa: E402
from province_benchmark import new_project, registry_rows, tuphap  # noqa: E402
from run_benchmark import measure  # noqa: E402

from tuphap.inputs.official_registry import load_official_registry  # noqa: E402

BIN = Path(sys.executable).parent
SEED = 19


def country_project(root: Path, year: int) -> list[str]:
    """Every province set up, every unit with figures and prose; returns the new units' slugs in order."""
    new_project(root, year)
    day = dt.date(year, 12, 31)
    for province in load_official_registry().provinces(day):
        tuphap(root, "init", "--province", province.code, "--year", str(year), "--no-forms")  # figures go straight in
    catalogue = synthetic.read_catalogue(root / "data" / "indicators.csv")
    specs = synthetic.resolve_specs(catalogue)
    pools = synthetic.usable_pools(synthetic.notebook_narrative_keys(root / "notebooks"), catalogue)
    rng = random.Random(SEED)
    # A values file per province and year: one file of the whole country's old units would pass the
    # 500,000 rows a values file may hold (limits.py).
    rows: dict[tuple[int, str], list[list]] = {}
    units = []
    for row in registry_rows(root):
        unit = {"slug": row["slug"], "size": rng.uniform(0.6, 1.6), "kind": row["kind"], "district": row["district"],
                "district_kind": "huyện", "province": row["province"]}
        figures_year = year - 1 if row["valid_to"] else year
        values = synthetic.unit_values(unit, [figures_year], catalogue, specs, SEED)[figures_year]
        rows.setdefault((figures_year, synthetic.slugify(row["province"])), []).extend(
            [row["slug"], figures_year, i, synthetic.format_value(v), ""] for i, v in values.items())
        if not row["valid_to"]:
            units.append(row["slug"])
            narrative = root / "data" / "narrative" / str(year) / f"{row['slug']}.md"
            narrative.write_text(synthetic.narrative_text(pools, SEED, rng), encoding="utf-8")
    (root / "data" / "values" / f"{year}.csv").unlink()
    for (figures_year, province), lines in rows.items():
        synthetic.write_csv(root / "data" / "values" / f"{figures_year}-{province}.csv",
                            ["unit", "year", "indicator", "value", "note"], lines)
    return units


def cluster_peak(cluster, stop) -> int:
    """The largest resident memory of the cluster's worker processes (and their kernels), sampled."""
    peak = 0
    pids = [psutil.Process(p.pid) for p in cluster.workers.values() if getattr(p, "pid", None)]
    while not stop.is_set():
        try:
            tree = [q for p in pids for q in [p, *p.children(recursive=True)]]
            peak = max(peak, sum(q.memory_info().rss for q in tree if q.is_running()))
        except psutil.Error:
            pass
        stop.wait(0.2)
    return peak


def main() -> None:
    import threading

    import dask
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--sizes", default="100,1000,all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None,
                        help="the project folder: set up there and kept, or reused when an earlier run kept it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="tuphap-country-")) / "project"
    started = time.monotonic()
    if (root / "data" / "units.csv").is_file():
        units = [row["slug"] for row in registry_rows(root) if not row["valid_to"]]
        print(f"Project of {len(units)} units reused at {root}", flush=True)
    else:
        units = country_project(root, args.year)
        print(f"Project of {len(units)} units and {len(registry_rows(root))} registry rows set up in "
              f"{time.monotonic() - started:.0f} s at {root}", flush=True)
    sizes = [len(units) if size == "all" else int(size) for size in args.sizes.split(",")]
    # Without Dask's statistical profiler, as the README says to start workers: its hour of history grows a
    # worker by about half a megabyte a report (2.6 GiB for the cluster at 1,000 reports).
    dask.config.set({"distributed.worker.profile.enabled": False})
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for size in sizes:
            shutil.rmtree(root / "outputs")
            (root / "outputs").mkdir()
            chosen = [] if size == len(units) else [f"--unit={unit}" for unit in units[:size]]
            stop = threading.Event()
            peak: list[int] = []
            sampler = threading.Thread(target=lambda: peak.append(cluster_peak(cluster, stop)))
            sampler.start()
            run = measure([str(BIN / "tuphap"), "--root", str(root), "build", "--year", str(args.year), "--kind", "nam",
                           "--quiet", "--scheduler", cluster.scheduler_address, *chosen], stdout=subprocess.DEVNULL)
            stop.set()
            sampler.join()
            reports = size + (34 if not chosen else 0)
            print(f"  {size:>5} units{' + 34 roll-ups' if not chosen else '':<15} {run.seconds:8.1f} s  "
                  f"{run.seconds / reports:6.3f} s a report  build process {run.peak_bytes / 2**20:6.0f} MiB, "
                  f"cluster {peak[0] / 2**20:6.0f} MiB peak", flush=True)


if __name__ == "__main__":
    main()
