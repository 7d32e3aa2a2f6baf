"""Publishing the site: write it into outputs/site/, pack a year's bundle into one zip, serve it locally."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tuphap import site
from tuphap.atomic import write_atomically
from tuphap.config import ProjectPaths, check_year
from tuphap.errors import TuphapError


def site_dir(paths: ProjectPaths) -> Path:
    return paths.outputs_dir / "site"


def _place(source: Path, target: Path) -> None:
    """Put a report file into the site: a hard link (no copy, no space) where the file system allows,
    else a copy. Skipped when the target already is that file, so unchanged builds cost nothing."""
    if target.exists():
        here, there = source.stat(), target.stat()
        if os.path.samefile(source, target) or (here.st_size, here.st_mtime_ns) == (there.st_size, there.st_mtime_ns):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:  # another file system, or links not allowed (some network shares)
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


def write_site(paths: ProjectPaths) -> Path:
    """Bring outputs/site/ in line with the outputs: changed pages rewritten, reports linked in, files
    of reports that are gone removed. Returns the index page."""
    root = site_dir(paths)
    wanted = site.render(site.collect(paths))
    for name, content in wanted.items():
        target = root / name
        if isinstance(content, Path):
            _place(content, target)
        elif not (target.is_file() and target.read_bytes() == content):
            write_atomically(target, content)
    for path in sorted(root.rglob("*"), reverse=True):  # children before their folders
        relative = path.relative_to(root).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in wanted:
            path.unlink()
    # Unchanged pages keep their time (publishing copies only what changed), so the time the site was
    # last brought up to date is kept beside it.
    _site_stamp(paths).touch()
    return root / "index.html"


def _site_stamp(paths: ProjectPaths) -> Path:
    return paths.outputs_dir / ".site-written"


def site_is_current(paths: ProjectPaths) -> bool:
    """Whether the site was written after the ledger last changed. A build that re-ran nothing and
    changed nothing in the ledger can then leave the site as it is (`tuphap site` rewrites it anyway)."""
    try:
        return (site_dir(paths) / "index.html").is_file() and \
            _site_stamp(paths).stat().st_mtime_ns >= (paths.outputs_dir / "manifest.json").stat().st_mtime_ns
    except FileNotFoundError:
        return False


def write_zip(paths: ProjectPaths, year: int, output: Path | None = None) -> tuple[Path, int]:
    """One archive of a year's bundle: the site limited to that year, with its reports, under one
    folder 'tuphap-<year>/'. Returns the archive and how many of its reports failed."""
    year = check_year(year)
    collected = site.collect(paths, years={year})
    if not collected.years or not collected.years[0].reports:
        raise TuphapError(f"no reports for {year}: build them first (tuphap build --year {year})")
    output = output or paths.outputs_dir / f"tuphap-{year}.zip"
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
    return output, collected.years[0].count("failed")


def make_server(paths: ProjectPaths, host: str, port: int) -> ThreadingHTTPServer:
    """A static server over outputs/site/ (bound to host; port 0 picks a free one)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(site_dir(paths)))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise TuphapError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (try another --port)") from None
