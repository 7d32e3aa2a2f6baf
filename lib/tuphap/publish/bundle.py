"""A year's bundle: its site pages and reports packed into one zip, `tuphap publish --zip`."""
from __future__ import annotations

import os
import tempfile
import time
import zipfile
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths, check_year
from tuphap.publish import site


def write_zip(paths: ProjectPaths, year: int, output: Path | None = None) -> tuple[Path, int]:
    """One archive of a year's bundle: the site limited to that year, with its current reports and
    roll-ups, under one folder 'tuphap-<year>/'. A report whose last build failed is listed as failed,
    its last good files left out: a bundle is passed on, and a stale copy must not travel as the
    year's report. Returns the archive and how many of its reports and roll-ups failed."""
    year = check_year(year)
    collected = site.collect(paths, years={year}, bundle=True)
    if not collected.years or not collected.years[0].all_reports:
        raise TuphapError(_("no reports for {year}: build them first (tuphap build --year {year})").format(year=year))
    output = output or paths.bundle_file(year)
    folder = f"tuphap-{year}"
    now = time.localtime()[:6]
    output.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed: a year of PDFs is too big to hold in memory.
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in sorted(site.render(collected).items()):
                if isinstance(content, Path):
                    archive.write(content, f"{folder}/{name}")
                else:
                    archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", now), content, zipfile.ZIP_DEFLATED)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    shown = collected.years[0]
    return output, shown.count("failed", every_kind=True) + sum(rollup.status == "failed" for rollup in shown.all_rollups)
