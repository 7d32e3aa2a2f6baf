"""Ingesting filled forms: each form all or nothing on its own, so that one refused form never holds back
the others of the same ingest (a province's folder of forms).

Every form is read and checked (form_reading.py). A form with any problem is refused with all of them,
each naming file, sheet and cell. Two or more forms of the same unit, year and report kind are all
refused as duplicates, since nothing tells which one is right. The others are accepted: their figures
replace those of their unit, year and kind in the values files (values_file.py), and each is recorded as
received in data/submissions.csv (submissions.py). The values files and then the receipts file are
written beside their targets and renamed into place only once all are written, so a failure leaves
every file as it was, and a crash leaves each accepted form's figures whole, in or out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from tuphap.atomic import write_all_atomically
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.form_reading import FilledForm, read_form
from tuphap.inputs.submissions import Receipt, appended_receipts, file_name, now, read_receipts
from tuphap.inputs.values_file import Report, ValuesUpdate, unwritable, updated_values_files
from tuphap.project import ProjectPaths

ACCEPTED, REFUSED, DUPLICATE = "accepted", "refused", "duplicate"
FORM_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class FormOutcome:
    """What became of one file given to an ingest."""
    file: Path
    status: str  # ACCEPTED, REFUSED or DUPLICATE
    unit: str = ""  # "" when the form's identity could not be read
    year: int = 0
    kind: str = ""
    update: ValuesUpdate | None = None  # accepted: what changed in its values file
    receipt: Receipt | None = None  # accepted: its receipt (written unless a dry run)
    problems: tuple[str, ...] = ()  # refused: each naming file, sheet and cell
    same_form: tuple[Path, ...] = ()  # the other files of the same unit, year and kind in this ingest


@dataclass(frozen=True)
class Ingest:
    outcomes: list[FormOutcome]  # one per file, in the order given
    written: tuple[Path, ...]  # the values files that changed, then the receipts file; none on a dry run or when
    # no form was accepted
    receipts: list[Receipt]  # the receipts on file with this ingest's added (on a dry run too, as they would be)


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


def forms_to_read(given: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The files an ingest reads: each file given, and every .xlsx file directly in each folder given (in
    name order); a file reached twice is read once. What a folder holds besides is skipped with the reason:
    other files, subfolders, Excel's lock files of open workbooks (~$…) and hidden files (the ._… copies macOS
    leaves on a USB stick)."""
    files, skipped = [], []
    for path in given:
        if not path.is_dir():
            files.append(path)
            continue
        for inside in sorted(path.iterdir(), key=lambda p: p.name):
            if inside.is_dir():
                skipped.append(Skipped(inside, _("a folder: only the files directly in {folder} are read").format(
                    folder=path)))
            elif inside.name.startswith("~$"):
                skipped.append(Skipped(inside, _("Excel's lock file of an open workbook: close it in Excel")))
            elif inside.name.startswith("."):
                skipped.append(Skipped(inside, _("a hidden file")))
            elif inside.suffix.lower() != FORM_SUFFIX:
                skipped.append(Skipped(inside, _("not an Excel form (.xlsx)")))
            else:
                files.append(inside)
    return _once(files), skipped


def ingest(paths: ProjectPaths, files: list[Path], *, dry_run: bool = False,
           received: tuple[dt.datetime, bool] | None = None,
           on_read: Callable[[Path], None] = lambda path: None) -> Ingest:
    """Read filled forms into the values files of their year and kind, each form all or nothing (above).
    Each form accepted is recorded in data/submissions.csv as received now, or at `received` (the moment
    and whether its time of day is known) for forms that came earlier than they are read in. `on_read` is
    called as each file has been read. One ingest at a time per project folder: the values files are
    read, updated and replaced whole, and two ingests at once would each write back what the other had
    not yet added. Raises TuphapError, writing nothing, when the project's own files cannot be read (or
    the forms accepted would together leave values that do not load)."""
    if dry_run:
        return _ingest(paths, files, dry_run=True, received=received, on_read=on_read)
    paths.ingest_lock_file.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(paths.ingest_lock_file):
        return _ingest(paths, files, dry_run=False, received=received, on_read=on_read)


def _report(form: FilledForm) -> Report:
    return form.unit, form.year, form.kind, form.values, form.estimates


def _ingest(paths: ProjectPaths, files: list[Path], *, dry_run: bool, received: tuple[dt.datetime, bool] | None,
            on_read: Callable[[Path], None]) -> Ingest:
    dataset = Dataset.load(paths)
    on_file = read_receipts(paths.receipts_file)  # a damaged receipts file refuses the ingest before a form is read
    read = []
    for path in _once(files):
        read.append(read_form(path, dataset))
        on_read(path)
    files_of: dict[tuple[str, int, str], list[Path]] = {}
    for form, _problems in read:
        if form.identified:
            files_of.setdefault((form.unit, form.year, form.kind), []).append(form.file)
    outcomes: list[FormOutcome | None] = [None] * len(read)
    candidates = []  # (place, form)
    for place, (form, problems) in enumerate(read):
        others = tuple(p for p in files_of.get((form.unit, form.year, form.kind), ()) if p != form.file)
        if problems:
            outcomes[place] = FormOutcome(form.file, REFUSED, form.unit, form.year, form.kind, problems=tuple(problems),
                                          same_form=others)
        elif others:
            outcomes[place] = FormOutcome(form.file, DUPLICATE, form.unit, form.year, form.kind, same_form=others)
        else:
            candidates.append((place, form))
    refused = unwritable(dataset, [_report(form) for _place, form in candidates])
    for index, message in refused.items():
        place, form = candidates[index]
        outcomes[place] = FormOutcome(form.file, REFUSED, form.unit, form.year, form.kind,
                                      problems=(f"{form.file}: {message}",))
    accepted = [candidate for index, candidate in enumerate(candidates) if index not in refused]
    contents, updates = updated_values_files(dataset, [_report(form) for _place, form in accepted]) if accepted else ({}, [])
    moment = now()
    arrived, time_known = received or (moment, True)
    receipts_file, receipts = appended_receipts(paths.receipts_file, [
        Receipt(form.unit, form.year, form.kind, arrived, time_known, moment, file_name(form.file), form.sha256,
                sum(value is not None for value in form.values.values())) for _place, form in accepted])
    changed = {path: content for path, content in contents.items() if not path.is_file() or path.read_bytes() != content}
    written = {**changed, paths.receipts_file: receipts_file} if accepted and not dry_run else {}
    write_all_atomically(written)  # the figures first: a receipt never stands without its figures
    for (place, form), update, receipt in zip(accepted, updates, receipts):
        outcomes[place] = FormOutcome(form.file, ACCEPTED, form.unit, form.year, form.kind, update, receipt)
    return Ingest(outcomes, tuple(written), on_file + receipts)


def _once(files: Iterable[Path]) -> list[Path]:
    """Each file once, as first given, however many times and ways it was named."""
    once: dict[Path, Path] = {}
    for path in map(Path, files):
        once.setdefault(path.resolve(), path)
    return list(once.values())
