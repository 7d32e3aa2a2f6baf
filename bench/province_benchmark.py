"""Benchmark: a whole province end to end, as a Sở Tư pháp runs it, timed phase by phase.

On a new project holding the repository's notebooks and catalogue, for a real province of the official
registry (default tỉnh Đồng Nai, 95 units, year 2025):
  1. `tuphap init`: the units with their codes, the old units they were formed from and the mergers, draft
     params and narratives, due dates, and an Excel form per unit and report kind;
  2. the communes fill in their year-report forms (synthetic figures, consistent as bench/generate_communes.py
     makes them, written into the forms' cells with openpyxl; the old units' figures of the year before go
     straight into the values file, as the previous year's reports left them) and write their prose;
  3. `tuphap ingest` of the folder of filled forms;
  4. `tuphap build` of the year reports, the province roll-up and the site;
  5. one commune's figure changed: the rebuild, and what it re-ran (that commune and the roll-up only).
Prints each phase's time, the whole, and the peak memory of the build's process tree.

Example:
  .venv/bin/python bench/province_benchmark.py                       # tỉnh Đồng Nai, 95 units
  .venv/bin/python bench/province_benchmark.py --province "Hồ Chí Minh"   # 168 units
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_communes as synthetic  # noqa: E402  (the bench's own figure and prose generator)
from run_benchmark import change_one_value, measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = 19


def tuphap(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "tuphap"), "--root", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"tuphap {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def new_project(root: Path, year: int) -> None:
    """The repository's notebooks and catalogue, and no unit yet."""
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data" / "values").mkdir(parents=True)
    for name in ("indicators.csv", "rules.csv", "rollup.csv", "report_kinds.yaml"):
        shutil.copy(REPO / "data" / name, root / "data" / name)
    (root / "data" / "units.csv").write_text("slug,code,kind,name,hamlet_kind,district,province,sample,valid_from,"
                                             "valid_to,source\n", encoding="utf-8")
    (root / "data" / "values" / f"{year}.csv").write_text("unit,year,indicator,value,note\n", encoding="utf-8")
    (root / "params").mkdir()
    (root / "outputs").mkdir()


def registry_rows(root: Path) -> list[dict]:
    return list(csv.DictReader((root / "data" / "units.csv").open(encoding="utf-8")))


def fill_forms(root: Path, year: int, inbox: Path) -> int:
    """Each new unit's year-report form filled with its figures and saved into the inbox; the old units'
    figures of the year before into the values file; every unit's prose into its narrative file."""
    catalogue = synthetic.read_catalogue(root / "data" / "indicators.csv")
    specs = synthetic.resolve_specs(catalogue)
    pools = synthetic.usable_pools(synthetic.notebook_narrative_keys(root / "notebooks"), catalogue)
    rng = random.Random(SEED)
    inbox.mkdir(parents=True)
    previous = []
    forms = 0
    for row in registry_rows(root):
        unit = {"slug": row["slug"], "size": rng.uniform(0.6, 1.6), "kind": row["kind"], "district": row["district"],
                "district_kind": "huyện", "province": row["province"]}
        if row["valid_to"]:  # an old unit: last year's figures, as its report then left them
            values = synthetic.unit_values(unit, [year - 1], catalogue, specs, SEED)[year - 1]
            previous += [[row["slug"], year - 1, iid, synthetic.format_value(v), ""] for iid, v in values.items()]
            continue
        values = synthetic.unit_values(unit, [year], catalogue, specs, SEED)[year]
        book = load_workbook(root / "outputs" / "forms" / str(year) / f"{row['slug']}.xlsx")
        for sheet in book.worksheets:
            for cells in sheet.iter_rows(min_col=4, max_col=5):
                if cells[1].value in values:
                    cells[0].value = values[cells[1].value]
        book.save(inbox / f"{row['slug']}.xlsx")
        narrative = root / "data" / "narrative" / str(year) / f"{row['slug']}.md"
        narrative.write_text(synthetic.narrative_text(pools, SEED, rng), encoding="utf-8")
        forms += 1
    synthetic.write_csv(root / "data" / "values" / f"{year - 1}.csv", ["unit", "year", "indicator", "value", "note"],
                        previous)
    return forms


def rebuilt(root: Path) -> tuple[list[str], list[str]]:
    """The reports and roll-ups whose last build ran any section."""
    ledger = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))

    def ran(entries: dict) -> list[str]:
        return sorted(key for key, entry in entries.items()
                      if any(s.get("status") == "executed" for s in entry.get("sections", {}).values()))
    return ran(ledger["reports"]), ran(ledger.get("rollups", {}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="dong-nai")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="build the project here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="tuphap-province-")) / "project"
    new_project(root, args.year)
    year = str(args.year)
    phases: list[tuple[str, float]] = []

    def timed(label: str, action) -> object:
        started = time.monotonic()
        result = action()
        phases.append((label, time.monotonic() - started))
        return result

    timed("init: units, lineage, params, narratives, forms", lambda: tuphap(
        root, "init", "--province", args.province, "--year", year, "--due", f"nam={year}-11-05"))
    units = [row["slug"] for row in registry_rows(root) if not row["valid_to"]]
    inbox = root.parent / "inbox"
    timed(f"communes fill {len(units)} forms (openpyxl)", lambda: fill_forms(root, args.year, inbox))
    timed("ingest the folder of filled forms", lambda: tuphap(root, "ingest", *sorted(map(str, inbox.glob("*.xlsx")))))
    build = ["build", "--year", year, "--kind", "nam", "--quiet", "--jobs", str(args.jobs)]
    run = measure([str(BIN / "tuphap"), "--root", str(root), *build], stdout=subprocess.DEVNULL)
    phases.append((f"build {len(units)} reports, the province roll-up, the site", run.seconds))
    reports, rollups = rebuilt(root)
    assert len(reports) == len(units) and len(rollups) == 1, (reports, rollups)
    change_one_value(root, units[0], args.year)
    again = measure([str(BIN / "tuphap"), "--root", str(root), *build], stdout=subprocess.DEVNULL)
    reports, rollups = rebuilt(root)
    total = sum(seconds for _label, seconds in phases)

    print(f"Province {args.province}, {year}: {len(units)} units, {args.jobs} build workers, project at {root}")
    for label, seconds in phases:
        print(f"  {label:<58} {seconds:7.1f} s")
    print(f"  {'end to end':<58} {total:7.1f} s  ({total / len(units):.2f} s a unit)")
    print(f"  build: {run.seconds / (len(units) + 1):.2f} s a report, peak memory {run.peak_bytes / 2**20:.0f} MiB")
    print(f"  one figure of {units[0]} changed: rebuild {again.seconds:.1f} s; re-ran reports {reports} and "
          f"roll-ups {rollups}")


if __name__ == "__main__":
    main()
