"""The site folder, outputs/site/: written from the site's plan, kept up to date after builds."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.project import ProjectPaths
from tuphap.publish import site


def _place(source: Path, target: Path) -> None:
    """Put a report file into the site: a hard link (no copy, no space) where the file system allows,
    else a copy. Skipped when the target already is that file, so unchanged builds cost nothing."""
    here = source.stat()
    try:
        there = target.stat()
    except FileNotFoundError:
        there = None
    if there and ((here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
                  or (here.st_size, here.st_mtime_ns) == (there.st_size, there.st_mtime_ns)):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:  # another file system, or links not allowed (some network shares)
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


def _inputs_stamp(paths: ProjectPaths) -> str:
    """What decides the site besides the report files: the ledger, the registry and which params
    files there are (a unit whose params or registry row are removed leaves the site even when no
    build changed the ledger), the receipts and due dates, and the day (a missing unit becomes overdue)."""
    lines = [dt.date.today().isoformat()]
    for path in (paths.ledger_file, paths.units_file, paths.receipts_file, paths.due_dates_file):
        try:
            status = path.stat()
            lines.append(f"{path.name} {status.st_size} {status.st_mtime_ns}")
        except OSError:
            lines.append(f"{path.name} -")
    lines += sorted(p.relative_to(paths.params_dir).as_posix() for p in paths.params_dir.glob("[0-9][0-9][0-9][0-9]/**/*.yaml"))
    return "\n".join(lines) + "\n"


def write_site(paths: ProjectPaths) -> Path:
    """Bring outputs/site/ in line with the outputs: changed pages rewritten, reports linked in, files
    of reports that are gone removed. Returns the index page."""
    root = paths.site_dir
    stamp = _inputs_stamp(paths)  # before reading them: a change while writing is seen next time
    wanted = site.render(site.collect(paths))
    for name, content in wanted.items():
        target = root / name
        if isinstance(content, Path):
            _place(content, target)
        elif not (target.is_file() and target.read_bytes() == content):
            write_atomically(target, content)
    for folder, children, names in os.walk(root, topdown=False):  # children before their folders
        inside = Path(folder).relative_to(root).as_posix()
        for name in [*names, *(child for child in children if os.path.islink(os.path.join(folder, child)))]:
            if (name if inside == "." else f"{inside}/{name}") not in wanted:
                os.unlink(os.path.join(folder, name))
        if inside != "." and not os.listdir(folder):
            os.rmdir(folder)
    # Unchanged pages keep their time (publishing copies only what changed), so what the site was last
    # made from is kept beside it.
    write_atomically(paths.site_stamp, stamp.encode("utf-8"))
    return root / "index.html"


def site_is_current(paths: ProjectPaths) -> bool:
    """Whether the site was written from the ledger, registry and params files as they are."""
    try:
        return (paths.site_dir / "index.html").is_file() and \
            paths.site_stamp.read_text(encoding="utf-8") == _inputs_stamp(paths)
    except (OSError, UnicodeError):
        return False


def refresh_site(paths: ProjectPaths, *, changed: bool) -> tuple[Path, bool]:
    """After a build: rewrite the site unless the build changed nothing (no report built or failed,
    the ledger as it was) and the site is current (`tuphap site` rewrites it anyway). Returns the
    index page and whether the site was rewritten."""
    if not changed and site_is_current(paths):
        return paths.site_dir / "index.html", False
    return write_site(paths), True
