"""Who has sent what: data/submissions.csv, one receipt per form `tuphap ingest` accepted, and
params/submissions.yaml, the due date of each year's and kind's figures.

Everything is keyed by (year, kind, unit), the kind one of data/report_kinds.yaml. The units expected
to send figures come from one function, expected_units, so that it can follow the registry over time.

The receipts file is data, appended to and never rewritten in place: a re-sent form is a new row.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.registry import Registry
from tuphap.inputs.report_kinds import ReportKinds, load_report_kinds
from tuphap.inputs.tables import nfc, read_table
from tuphap.inputs.textfiles import read_text
from tuphap.inputs.yamlfiles import read_yaml
from tuphap.limits import MAX_CSV_BYTES
from tuphap.project import ProjectPaths, check_slug, check_year

COLUMNS = ("unit", "year", "kind", "received", "ingested", "file", "sha256", "figures")
_KIND = re.compile(r"[a-z0-9]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What --received takes: a day, or a day and a time of day, in local time.
_RECEIVED = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}:[0-9]{2}))?")


@dataclass(frozen=True)
class Receipt:
    """One accepted form: whose figures, for which year and kind, when they arrived and were read in."""
    unit: str
    year: int
    kind: str
    received: dt.datetime  # aware; midnight of the day when only the day is known
    time_known: bool  # False when only the day of arrival was given (`--received 2024-10-31`)
    ingested: dt.datetime  # aware: when `tuphap ingest` read it
    file: str  # the form's file name, without its folder
    sha256: str
    figures: int  # how many figures the form gave (cells not left empty)
    row: int = 0  # its line in the receipts file (0 until written)

    @property
    def received_text(self) -> str:
        """As the receipts file keeps it: ISO 8601 with the offset, or the day alone."""
        return self.received.isoformat(timespec="seconds") if self.time_known else self.received.date().isoformat()

    def line(self) -> list[str]:
        return [self.unit, str(self.year), self.kind, self.received_text,
                self.ingested.isoformat(timespec="seconds"), self.file, self.sha256, str(self.figures)]


def file_name(path: Path) -> str:
    """A form's file name as a receipt keeps it: without its folder (no paths of anyone's computer), in
    NFC, and with control characters (a newline is a valid name on Linux) as '?', so that it stays one
    cell on one line."""
    return "".join("?" if unicodedata.category(char) == "Cc" else char for char in nfc(path.name))


def now() -> dt.datetime:
    """The local time with its offset, to the second: what a receipt records."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def parse_received(text: str, at: dt.datetime) -> tuple[dt.datetime, bool]:
    """`--received YYYY-MM-DD[THH:MM]`, in local time: the moment and whether its time of day is known.
    A moment after `at` (the ingest) cannot be when a form arrived."""
    match = _RECEIVED.fullmatch(text.strip())
    try:
        if not match:
            raise ValueError(text)
        day = dt.date.fromisoformat(match.group(1))
        clock = dt.time.fromisoformat(match.group(2)) if match.group(2) else dt.time()
    except ValueError:
        raise TuphapError(_("--received {value!r} is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2024-10-31 "
                            "or 2024-10-31T14:30").format(value=text)) from None
    moment = dt.datetime.combine(day, clock).astimezone()
    if (moment > at) if match.group(2) else (day > at.date()):
        raise TuphapError(_("--received {value!r} is later than now ({now}): a form cannot arrive after it is read "
                            "in").format(value=text, now=at.isoformat(timespec="minutes")))
    return moment, bool(match.group(2))


def _moment(text: str) -> tuple[dt.datetime, bool]:
    """A moment of the receipts file: a day, or a date and time (local time when it has no offset)."""
    if _DATE.fullmatch(text):
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time()).astimezone(), False
    if "T" not in text:
        raise ValueError(text)
    moment = dt.datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.astimezone()), True


def read_receipts(path: Path) -> list[Receipt]:
    """The receipts on file, in their order; none when the file does not exist yet."""
    if not path.exists():
        return []
    receipts = []
    for row in read_table(path, COLUMNS):
        def problem(field: str, message: str) -> DataError:
            return DataError(path, message, row=row["_row"], field=field)

        try:
            unit = check_slug(row["unit"])
        except TuphapError as exc:
            raise problem("unit", str(exc)) from None
        try:
            year = check_year(row["year"])
        except TuphapError as exc:
            raise problem("year", str(exc)) from None
        if not _KIND.fullmatch(row["kind"]):
            raise problem("kind", _("{value!r} is not a kind of report (e.g. {kind})").format(
                value=row["kind"], kind="nam"))
        moments = {}
        for field in ("received", "ingested"):
            try:
                moments[field] = _moment(row[field])
            except ValueError:
                raise problem(field, _("{value!r} is not a time: write it as 2024-10-25T15:40:00+07:00 (or the day "
                                       "alone, 2024-10-25, for when a form arrived)").format(value=row[field])) from None
        if not moments["ingested"][1]:
            raise problem("ingested", _("the time of the ingest is missing: write it as 2024-10-25T15:40:00+07:00"))
        if not _SHA256.fullmatch(row["sha256"]):
            raise problem("sha256", _("{value!r} is not a SHA-256 (64 hexadecimal digits)").format(value=row["sha256"]))
        if not row["figures"].isascii() or not row["figures"].isdigit():
            raise problem("figures", _("{value!r} is not a whole number of figures").format(value=row["figures"]))
        receipts.append(Receipt(unit, year, row["kind"], *moments["received"], moments["ingested"][0], row["file"],
                                row["sha256"], int(row["figures"]), row["_row"]))
    return receipts


def appended_receipts(path: Path, receipts: list[Receipt]) -> tuple[bytes, list[Receipt]]:
    """The receipts file with these receipts added at its end (made with its header when new), and the
    receipts with the lines they take in it. The rows on file are checked first, so that a damaged file is
    refused rather than carried on. The caller replaces the file whole, through a rename so that a crash
    leaves it as it was, and holds the ingest lock: two ingests read and rewrite it one after the other,
    and neither loses the other's rows."""
    read_receipts(path)
    text = read_text(path, MAX_CSV_BYTES) if path.exists() else ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not text.strip():
        text = ""
        writer.writerow(COLUMNS)
    elif not text.endswith("\n"):
        buffer.write("\n")
    writer.writerows(receipt.line() for receipt in receipts)
    first = text.count("\n") + (2 if not text else 1) + (1 if text and not text.endswith("\n") else 0)
    return ((text + buffer.getvalue()).encode("utf-8"),
            [replace(receipt, row=first + number) for number, receipt in enumerate(receipts)])


def load_due_dates(path: Path, kinds: ReportKinds) -> dict[tuple[int, str], dt.date]:
    """params/submissions.yaml: `<year>: {<kind>: YYYY-MM-DD}`, the last day on which a unit's figures
    are on time, each kind one of data/report_kinds.yaml. No file: no due dates."""
    if not path.exists():
        return {}
    due = {}
    for year, dates in read_yaml(path).items():
        try:
            year_number = check_year(year)
        except TuphapError:
            raise DataError(path, _("{key!r} is not a year: the keys are years, e.g. 2024").format(key=year),
                            field=str(year)) from None
        if not isinstance(dates, dict):
            raise DataError(path, _("expected the due date of each kind of report, e.g. '{kind}: {year}-10-28'").format(
                kind=kinds.default, year=year_number), field=str(year))
        for kind, day in dates.items():
            key = f"{year}.{kind}"
            if kind not in kinds:
                raise DataError(path, _("unknown kind of report {kind!r}; the kinds are: {kinds}").format(
                    kind=kind, kinds=", ".join(kinds)), field=key)
            try:
                if not isinstance(day, str) or not _DATE.fullmatch(day):
                    raise ValueError(day)
                due[(year_number, kind)] = dt.date.fromisoformat(day)
            except ValueError:
                raise DataError(path, _("{value!r} is not a date: write it as YYYY-MM-DD, e.g. {year}-10-28").format(
                    value=day, year=year_number), field=key) from None
    return due


def expected_units(units: Registry, year: int, kind: str, kinds: ReportKinds, due: dt.date | None) -> list[str]:
    """The units that owe figures for a year and kind: every unit the registry has on the due date, or
    without one on the last day of the kind's period (the units of 2025's year report are the new ones;
    a unit with no params yet owes its figures all the same). The one place that says so."""
    day = due or kinds[kind].period.day("end", year)
    return [unit.slug for unit in units.units_on(day)]


@dataclass(frozen=True)
class SubmissionInputs:
    """What the tracking of one year reads: due dates and receipts of that year, the units expected."""
    year: int
    due: dict[str, dt.date]  # kind -> due date
    receipts: list[Receipt]
    expected: dict[str, list[str]]  # kind -> units
    order: tuple[str, ...] = ()  # the kinds of data/report_kinds.yaml, in its order

    @property
    def kinds(self) -> list[str]:
        """The kinds tracked this year: those with a due date or a receipt, in data/report_kinds.yaml's order."""
        given = set(self.due) | {r.kind for r in self.receipts}
        return [kind for kind in self.order if kind in given] + sorted(given - set(self.order))


def submission_inputs(paths: ProjectPaths, units: Registry, year: int) -> SubmissionInputs:
    report_kinds = load_report_kinds(paths.report_kinds_file)
    due = {kind: day for (due_year, kind), day in load_due_dates(paths.due_dates_file, report_kinds).items()
           if due_year == year}
    receipts = [r for r in read_receipts(paths.receipts_file) if r.year == year]
    kinds = set(due) | {r.kind for r in receipts}
    return SubmissionInputs(year, due, receipts,
                            {kind: expected_units(units, year, kind, report_kinds, due.get(kind)) for kind in kinds},
                            tuple(report_kinds))
