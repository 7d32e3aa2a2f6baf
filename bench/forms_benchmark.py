"""Benchmark: a province's Excel forms out and back in, on synthetic communes.

Makes a synthetic project (bench/generate_communes.py), then times, each as the real command:
  - `tuphap form --year YEAR --quiet`: a form for every commune;
  - filling them in (openpyxl, outside the timing): one figure changed in each form, one form spoiled with
    text in a figure's cell, one form copied (a duplicate pair);
  - `tuphap ingest --dry-run FOLDER --quiet` and `tuphap ingest FOLDER --quiet`: every form read, each all
    or nothing on its own, the values file rewritten once.
It checks the outcome (exit 1, the spoiled form refused, the pair duplicates, the others accepted) and prints
the seconds of each step and per form.

Example:
  python bench/forms_benchmark.py --communes 168
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

BENCH = Path(__file__).resolve().parent
TUPHAP = Path(sys.executable).parent / "tuphap"
YEAR = 2024


def timed(*args: str, root: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    result = subprocess.run([str(TUPHAP), "--root", str(root), *args], capture_output=True, text=True,
                            env={**os.environ, "LANGUAGE": "en"})
    return time.monotonic() - started, result


def fill(folder: Path) -> list[Path]:
    """One figure changed in every form (the cell of the first indicator row of sheet 'II.5'), text typed
    into one, and a copy of another; returns the forms in name order."""
    forms = sorted(folder.glob("*.xlsx"))
    for number, form in enumerate(forms):
        book = load_workbook(form)
        sheet = book["II.5"]
        sheet["D6"].value = "nhiều" if number == 0 else 1000 + number
        book.save(form)
    shutil.copy(forms[1], forms[1].with_name(f"{forms[1].stem} (gửi lại).xlsx"))
    return sorted(folder.glob("*.xlsx"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=168, help="how many communes (default 168)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tuphap-forms-") as scratch:
        root = Path(scratch) / "project"
        subprocess.run([sys.executable, str(BENCH / "generate_communes.py"), "--communes", str(args.communes),
                        "--years", str(YEAR), "--out", str(root)], check=True, capture_output=True)
        seconds, result = timed("form", "--year", str(YEAR), "--quiet", root=root)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        folder = root / "outputs" / "forms" / str(YEAR)
        made = len(list(folder.glob("*.xlsx")))
        print(f"tuphap form:   {made} forms in {seconds:.1f} s ({seconds / made * 1000:.0f} ms a form)")
        forms = fill(folder)
        for label, extra in (("ingest --dry-run", ["--dry-run"]), ("ingest", [])):
            seconds, result = timed("ingest", *extra, str(folder), "--quiet", root=root)
            totals = result.stdout.splitlines()[0] if result.stdout else result.stderr
            print(f"tuphap {label}: {len(forms)} forms in {seconds:.1f} s ({seconds / len(forms) * 1000:.0f} ms a "
                  f"form), exit {result.returncode}: {totals}")
            expected = f"{len(forms)} form(s): {len(forms) - 3} accepted (0 late), 1 refused, 2 duplicate(s)"
            if result.returncode != 1 or not totals.startswith(expected):
                raise SystemExit(f"unexpected outcome, expected {expected!r}:\n{result.stdout}{result.stderr}")


if __name__ == "__main__":
    main()
