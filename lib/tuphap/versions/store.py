"""Kept versions: every final copy of a commune's report, numbered v1, v2 … in
outputs/versions/<year>/[_<kind>/]<unit>/, its three files read-only beside version.json (the build id,
data hash, build and keeping times, acknowledgements, signer and the report's figures). A later build
never touches a kept version; a signature is a new file beside it (signing.py), and a version is marked
sent once (`mark_sent`)."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.params import load_params
from tuphap.project import REPORT_FILES, ProjectPaths
from tuphap.runtime.targets import CommuneTarget, Result, Status
from tuphap.versions import redline

RECORD = "version.json"
SIGNED_PDF = "report.signed.pdf"
SENT = "sent.json"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class Version:
    number: int
    folder: Path
    record: dict

    @property
    def name(self) -> str:
        return f"v{self.number}"

    @property
    def pdf(self) -> Path:
        return self.folder / "report.pdf"

    @property
    def signed_pdf(self) -> Path | None:
        path = self.folder / SIGNED_PDF
        return path if path.is_file() else None

    @property
    def sent(self) -> dict | None:
        path = self.folder / SENT
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _number(folder: Path) -> int | None:
    name = folder.name
    return int(name[1:]) if name.startswith("v") and name[1:].isascii() and name[1:].isdigit() else None


def kept(paths: ProjectPaths, year: int, unit: str, kind: str = "") -> list[Version]:
    """The report's kept versions, oldest first (a folder without its record is not one)."""
    folder = paths.versions_dir(year, unit, kind)
    found = []
    for child in folder.iterdir() if folder.is_dir() else ():
        number = _number(child)
        if number is not None and (child / RECORD).is_file():
            try:
                found.append(Version(number, child, json.loads((child / RECORD).read_text(encoding="utf-8"))))
            except (OSError, ValueError) as exc:
                raise TuphapError(_("{file} cannot be read: {error}").format(file=child / RECORD, error=exc))
    return sorted(found, key=lambda version: version.number)


def find(paths: ProjectPaths, year: int, unit: str, kind: str, wanted: str | None) -> Version:
    """A kept version by its name ('v2' or '2'), or the latest; a clear error when there is none."""
    versions = kept(paths, year, unit, kind)
    if not versions:
        raise TuphapError(_("no final copy of {unit} {year} has been kept yet: a version is kept by "
                            "`tuphap build --unit {unit} --year {year} --final`").format(unit=unit, year=year))
    if wanted is None:
        return versions[-1]
    number = wanted.removeprefix("v")
    for version in versions:
        if number.isascii() and number.isdigit() and version.number == int(number):
            return version
    raise TuphapError(_("{unit} {year} has no version {wanted}; its versions: {names}").format(
        unit=unit, year=year, wanted=wanted, names=", ".join(v.name for v in versions)))


def keep(paths: ProjectPaths, entry: dict, figures: dict, signer: dict) -> Version | None:
    """Keep the final copy a build just made or found (`entry`: its ledger entry) as the next version,
    unless the latest version is that very build. The files are copied into a hidden folder first and
    the folder renamed into place, so a crash leaves no half version."""
    year, unit, kind = entry["year"], entry["unit"], entry.get("kind", "")
    versions = kept(paths, year, unit, kind)
    if versions and versions[-1].record["build_id"] == entry["build_id"]:
        return None
    report_dir = paths.report_dir(year, unit, kind)
    home = paths.versions_dir(year, unit, kind)
    home.mkdir(parents=True, exist_ok=True)
    number = versions[-1].number + 1 if versions else 1
    staging = home / f".v{number}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name in REPORT_FILES:
            shutil.copyfile(report_dir / name, staging / name)
        record = {"version": number, "unit": unit, "year": year, "kind": kind, "build_id": entry["build_id"],
                  "built_at": entry["built_at"],
                  "kept_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                  "data_hash": entry.get("data_hash", ""), "input_hash": entry.get("input_hash", ""),
                  "acknowledged": [{key: a[key] for key in ("rule", "indicator", "reason") if key in a}
                                   for a in entry.get("acknowledged", [])],
                  "signer": signer, "figures": figures}
        (staging / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        for file in staging.iterdir():
            file.chmod(READ_ONLY)
        staging.rename(home / f"v{number}")  # refused if another build kept this number meanwhile
    except BaseException:
        _remove(staging)
        raise
    return Version(number, home / f"v{number}", record)


def keep_final_copies(paths: ProjectPaths, results: list[Result]) -> list[tuple[Version, Version | None]]:
    """After a build: each commune report that is now a final copy and not yet kept becomes a version,
    with the figures it was built from (what `tuphap diff` compares) and who signs it. Returns each new
    version with the one before it (None for a first)."""
    finals = [r for r in results if isinstance(r.target, CommuneTarget) and r.mode == "final" and r.build_id
              and r.status in (Status.BUILT, Status.REUSED)]
    if not finals:
        return []
    dataset = Dataset.load(paths)
    added = []
    for result in finals:
        target = result.target
        period = target.report_kind(paths).period.code
        figures = {indicator: value if isinstance(value, str) else float(value)
                   for indicator, value in dataset.values_for(target.unit, target.year, period).items()}
        params = load_params(paths.params_file(target.year, target.unit, target.kind))
        signer = {**params.signer.model_dump(), "place": params.place}
        before = kept(paths, target.year, target.unit, target.kind)
        version = keep(paths, result.as_ledger_entry(), figures, signer)
        if version:
            added.append((version, before[-1] if before else None))
    return added


def changes_file(previous: Version) -> str:
    """The name, in a version's folder, of the Word file of its changes since `previous`."""
    return f"changes-from-{previous.name}.docx"


def add_word_changes(version: Version, previous: Version) -> Path:
    """Beside a version, its Word file with the changes since `previous` as tracked changes (redline.py),
    made once, when it is kept."""
    content = redline.word_changes(previous.folder / "report.docx", version.folder / "report.docx",
                                   author=f"tuphap ({version.name})", when=dt.datetime.fromisoformat(version.record["kept_at"]))
    return add_file(version, changes_file(previous), content)


def add_file(version: Version, name: str, content: bytes) -> Path:
    """A new read-only file in a kept version (a signed copy, the sent mark), whole or not at all; never
    one that exists: written beside it, then linked in under its name, which fails if the name is taken."""
    target = version.folder / name
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=version.folder, prefix=".tuphap-", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, READ_ONLY)
        os.link(temporary, target)
    except FileExistsError:
        raise TuphapError(_("{file} exists already; a kept version's files are never replaced").format(file=target))
    except OSError as exc:  # a full disk, a folder not writable, a file system without hard links
        raise TuphapError(_("{file} could not be written: {error}").format(file=target, error=exc.strerror or exc))
    finally:
        if temporary:
            os.unlink(temporary)
    return target


def mark_sent(version: Version, to: str, on: dt.date) -> Path:
    """Record once that the version was sent, to whom and on which day (between its keeping and today)."""
    kept_on = dt.datetime.fromisoformat(version.record["kept_at"]).date()
    if not kept_on <= on <= dt.date.today():
        raise TuphapError(_("{name} was kept on {kept} and cannot have been sent on {day}: give a day from then to today").format(
            name=version.name, kept=kept_on.strftime("%d/%m/%Y"), day=on.strftime("%d/%m/%Y")))
    record = {"to": to, "on": on.isoformat(), "marked_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "signed": version.signed_pdf is not None}
    return add_file(version, SENT, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))


def _remove(folder: Path) -> None:
    for file in folder.iterdir() if folder.is_dir() else ():
        file.chmod(READ_ONLY | stat.S_IWUSR)
    shutil.rmtree(folder, ignore_errors=True)
