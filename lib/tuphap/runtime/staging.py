"""A report's folder replaced as a whole, so that a failure or a kill at any moment leaves all the old
files or all the new ones.

A build writes into a folder of its own beside the report's, outputs/<year>/.<unit>.<build id>.new/
(the same file system, so renames are atomic): the executed sections it re-uses (hard links to the
current ones), those it runs, report.html, report.pdf, report.docx, and build.json, the report's ledger
entry, which names the build id the three files record. The build's own process, holding the lock
(lock.py), then puts it in place: the current folder is renamed .<unit>.old, the new one takes its
name, the old one is removed. A failed attempt leaves the report's files alone; its executed sections
go to <unit>/failed-sections/ for the analyst to open. Roll-ups are the same under _rollup/.

What a killed build leaves is put right by the next one, before it plans (`recover`): a report folder
set aside with nothing in its place is put back, staging and set-aside folders are removed, and a
report folder whose build.json is not the ledger's build (the ledger is saved every few seconds, so a
kill may come between the switch and the save) is recorded in the ledger from its build.json. Folders
whose names start with "." are never reports: the site, the bundle and `tuphap check` leave them out.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.project import ProjectPaths, check_slug
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.targets import CommuneTarget, RollupTarget, Target

RECORD = "build.json"  # in each report folder: the ledger entry of the build its files come from
FAILED_SECTIONS = "failed-sections"  # in a report folder: the executed sections of its last failed attempt
_YEAR = re.compile(r"^\d{4}$")


def new_build_id() -> str:
    return secrets.token_hex(6)


def staging_dir(report_dir: Path, build_id: str) -> Path:
    return report_dir.with_name(f".{report_dir.name}.{build_id}.new")


def _set_aside(report_dir: Path) -> Path:
    return report_dir.with_name(f".{report_dir.name}.old")


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def stage(report_dir: Path, build_id: str, reused: list[str]) -> Path:
    """The folder a build writes into, its sections/ already holding the executed notebooks it re-uses."""
    folder = staging_dir(report_dir, build_id)
    (folder / "sections").mkdir(parents=True)
    for name in reused:
        _link(report_dir / "sections" / name, folder / "sections" / name)
    return folder


def seal(folder: Path, entry: dict) -> None:
    """The build's ledger entry beside its files, written last."""
    (folder / RECORD).write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")


def switch(report_dir: Path, folder: Path) -> None:
    """Put a built folder in place of the report's. Between the two renames the report has no folder;
    a kill there is undone by `recover`, which puts the old one back."""
    old = _set_aside(report_dir)
    if old.exists():
        shutil.rmtree(old)
    if report_dir.exists():
        os.rename(report_dir, old)
    os.rename(folder, report_dir)
    shutil.rmtree(old, ignore_errors=True)


def keep_failure(report_dir: Path, folder: Path) -> None:
    """A failed attempt's executed sections to <report>/failed-sections/ (replacing the previous
    attempt's), the report's files untouched; the rest of its folder removed."""
    sections = folder / "sections"
    if sections.is_dir():
        report_dir.mkdir(parents=True, exist_ok=True)
        kept = report_dir / FAILED_SECTIONS
        if kept.exists():
            os.rename(kept, folder / "previous-failure")
        os.rename(sections, kept)
    shutil.rmtree(folder, ignore_errors=True)


def forget_failure(report_dir: Path) -> None:
    """The report's files are current again: the sections of an attempt that failed since go."""
    if (report_dir / FAILED_SECTIONS).is_dir():
        shutil.rmtree(report_dir / FAILED_SECTIONS, ignore_errors=True)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _report_parents(paths: ProjectPaths) -> Iterator[tuple[int, Path]]:
    """The folders that hold report folders: outputs/<year>/, outputs/<year>/_rollup/, each other kind's
    outputs/<year>/_<kind>/ and its roll-ups' outputs/<year>/_<kind>/_rollup/."""
    if not paths.outputs_dir.is_dir():
        return
    for year_dir in sorted(paths.outputs_dir.iterdir()):
        if _YEAR.match(year_dir.name) and year_dir.is_dir():
            yield int(year_dir.name), year_dir
            for kind_dir in sorted(year_dir.glob("_*")):
                if kind_dir.is_dir():
                    yield int(year_dir.name), kind_dir
                    if kind_dir.name != "_rollup" and (kind_dir / "_rollup").is_dir():
                        yield int(year_dir.name), kind_dir / "_rollup"


def _target(year: int, parent: Path, name: str) -> Target | None:
    """The report a folder holds, by its name: a unit slug, or a roll-up's <level>-<area>."""
    try:
        check_slug(name)
    except TuphapError:
        return None
    if parent.name == "_rollup":
        level, _dash, slug = name.partition("-")
        kind = parent.parent.name[1:] if parent.parent.name.startswith("_") else ""
        return RollupTarget(level, slug, year, kind)
    kind = parent.name[1:] if parent.name.startswith("_") else ""
    return CommuneTarget(name, year, kind)


def _record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("build_id"), str) else None


def recover(paths: ProjectPaths, ledger: Ledger) -> bool:
    """Put right what a killed build left (see the module's docstring); the ledger is updated in
    memory, to be saved by the caller. Returns whether it was."""
    adopted = False
    for year, parent in _report_parents(paths):
        for folder in sorted(parent.iterdir()):
            name = folder.name
            if not folder.is_dir():
                continue
            if name.startswith(".") and name.endswith(".old"):
                report_dir = parent / name[1:-len(".old")]
                if report_dir.exists():
                    shutil.rmtree(folder, ignore_errors=True)
                else:
                    os.rename(folder, report_dir)
                    adopted |= _adopt(ledger, _target(year, parent, report_dir.name), report_dir)
            elif name.startswith(".") and name.endswith(".new"):
                discard(folder)
            elif not name.startswith((".", "_")):
                adopted |= _adopt(ledger, _target(year, parent, name), folder)
    return adopted


def _adopt(ledger: Ledger, target: Target | None, folder: Path) -> bool:
    record = _record(folder) if target else None
    if record and record["build_id"] and record["build_id"] != (ledger.entry(target) or {}).get("build_id"):
        ledger.record(target, record)
        return True
    return False
