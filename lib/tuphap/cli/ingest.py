"""`tuphap ingest`: filled forms into the values files, each form all or nothing, with a line per file."""
from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from tuphap.cli.selection import USAGE
from tuphap.cli.texts import examples, help_text
from tuphap.compute.submissions import days_late
from tuphap.errors import TuphapError
from tuphap.i18n import N_, _
from tuphap.inputs import submissions
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.project import ProjectPaths

if TYPE_CHECKING:
    from tuphap.inputs.ingest import FormOutcome, Ingest, Skipped

# The outcomes of inputs/ingest.py (imported only when the command runs: openpyxl loads slowly), and two more
# the summary tells apart: an accepted form that came late, and a file in a folder that is not a form.
LATE, SKIPPED = "late", "skipped"
STATUS_WORDS = {"accepted": N_("accepted"), LATE: N_("late"), "refused": N_("refused"), "duplicate": N_("duplicate"),
                SKIPPED: N_("skipped")}


def _status(status: str) -> str:
    """A status word of the summary, padded to the longest one so that the files line up."""
    return _(STATUS_WORDS[status]).ljust(max(len(_(word)) for word in STATUS_WORDS.values()))


@click.command(help=help_text(
    _("Read filled Excel forms into the values file of their year and report kind."),
    _("Give the forms' files, or folders: every .xlsx file directly in a folder is read, in name order (the other "
      "files there are listed as skipped). Every cell of every form is checked first (text or a formula where a "
      "figure belongs, \"1,733\" for a count, a share above 100, a result other than its two words or 1/0, ...). "
      "A whole form is refused when it is larger than a form can be, has merged cells in its table, a hidden "
      "sheet holding data, or a hidden identity that does not match the unit, year and period its sheets show."),
    _("Each form is all or nothing on its own: a form with any problem is refused and nothing of it is written, "
      "and the other forms are read in all the same. Two or more forms for the same unit, year and report kind are "
      "all refused as duplicates, since nothing tells which one is right: keep the right one and ingest it again. "
      "The figures of each form accepted replace those of its unit, year and kind, in data/values/<year>.csv for "
      "the default kind and data/values/<year>-<kind>.csv for another, with the figures marked \"có\" under "
      "\"Ước tính\" written as estimates: an empty cell means \"not reported\", 0 means zero. Other units' rows "
      "stay exactly as they were. Formulas are rejected: type the figures themselves."),
    _("Each form accepted is recorded in data/submissions.csv as received now, with its file name, its SHA-256 "
      "and the number of figures it gave, for the site's page of who has sent what (and `tuphap status`). Forms "
      "that arrived earlier, by e-mail for instance, take --received with the day (and time) they arrived: the "
      "first form of a unit decides whether it was on time against the due date in params/submissions.yaml, and "
      "a form accepted after it is reported late by so many days. A dry run or a refused form records nothing."),
    _("At the end, a line per file: accepted (unit, year, kind and what changed in its values file), late, refused "
      "(with every problem, naming sheet and cell) or duplicate; then the totals. Exit status 0 when every form "
      "was accepted, 1 when any was refused or a duplicate (the others are written all the same), 2 when the "
      "command is wrong."),
    examples(("tuphap ingest ~/nhan-ve/", _("every .xlsx form in the folder")),
             ("tuphap ingest outputs/forms/2025/tan-khai.xlsx", ""),
             ("tuphap ingest --dry-run ~/nhan-ve/", _("check only")),
             ("tuphap ingest --received 2025-10-31 ~/thu-dien-tu/tan-khai.xlsx", _("arrived by e-mail on 31/10/2025")),
             ("tuphap ingest --received 2025-10-31T14:30 tan-khai.xlsx", _("at 14:30 that day")),
             ("tuphap ingest --quiet ~/nhan-ve/", _("only refused forms and the totals")))))
@click.argument("given", metavar="FILE_OR_FOLDER...", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help=_("Check the forms and say what would change; write nothing."))
@click.option("--received", metavar="YYYY-MM-DD[THH:MM]",
              help=_("When the forms arrived, in local time, if earlier than now (default: now)."))
@click.option("--quiet", "-q", is_flag=True, help=_("No progress bar and no line per accepted form or skipped file."))
@click.pass_obj
def ingest(root, given, dry_run, received, quiet) -> None:
    """`tuphap ingest`: filled forms into the values files, each recorded as received (help above)."""
    from tuphap.inputs import ingest as ingesting  # openpyxl loads slowly: only `form` and `ingest` need it

    try:
        arrived = submissions.parse_received(received, submissions.now()) if received else None
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(USAGE)
    files, skipped = ingesting.forms_to_read(given)
    if not files:
        click.echo(_("error: no form to read: {given} hold(s) no .xlsx file").format(
            given=", ".join(map(str, given))), err=True)
        sys.exit(USAGE)
    try:
        paths = ProjectPaths.discover(root)
        # Read before any form, so that a broken due-dates file stops the ingest before anything is written.
        due = submissions.load_due_dates(paths.due_dates_file, load_report_kinds(paths.report_kinds_file))
        with tqdm(total=len(files), unit=_("form"), desc=_("Reading forms"), disable=quiet, file=sys.stderr,
                  dynamic_ncols=True) as bar:
            result = ingesting.ingest(paths, files, dry_run=dry_run, received=arrived, on_read=lambda path: bar.update())
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except OSError as exc:  # the files are written beside their targets: a failure leaves every one as it was
        click.echo(_("error: could not write the values or receipts file: {message}").format(message=exc), err=True)
        sys.exit(1)
    late = _outcomes(result, skipped, due, quiet)
    if _totals(paths, result, late, len(skipped), dry_run):
        sys.exit(1)


def _outcomes(result: Ingest, skipped: list[Skipped], due: dict[tuple[int, str], dt.date], quiet: bool) -> int:
    """A line per file, in the order read (refused and duplicate forms on stderr); how many forms came late."""
    from tuphap.inputs.ingest import ACCEPTED, DUPLICATE

    late = 0
    if not quiet:
        for skip in skipped:
            click.echo(f"{_status(SKIPPED)} {skip.path}: {skip.reason}")
    for outcome in result.outcomes:
        if outcome.status == ACCEPTED:
            days = days_late(outcome.receipt, result.receipts, due.get((outcome.year, outcome.kind)))
            late += days > 0
            if not quiet:
                click.echo(_accepted(outcome, days, due.get((outcome.year, outcome.kind))))
        elif outcome.status == DUPLICATE:
            click.echo(_("{status} {form}: another form in this ingest is also for {unit} {year} ({kind}): {others}; "
                         "none of them was written: keep the right one, move the others away and ingest it "
                         "again").format(status=_status(outcome.status), form=outcome.file, unit=outcome.unit,
                                         year=outcome.year, kind=outcome.kind,
                                         others=", ".join(map(str, outcome.same_form))), err=True)
        else:
            click.echo(_("{status} {form}: {count} problem(s); nothing of this form was written:").format(
                status=_status(outcome.status), form=outcome.file, count=len(outcome.problems)), err=True)
            for problem in outcome.problems:
                click.echo(f"  - {problem}", err=True)
    return late


def _totals(paths: ProjectPaths, result: Ingest, late: int, skipped: int, dry_run: bool) -> bool:
    """The totals and what was written; whether any form was refused or a duplicate."""
    from tuphap.inputs.ingest import ACCEPTED, DUPLICATE, REFUSED

    counts = Counter(outcome.status for outcome in result.outcomes)
    click.echo(_("{total} form(s): {accepted} accepted ({late} late), {refused} refused, {duplicates} duplicate(s); "
                 "{skipped} other file(s) skipped").format(
        total=len(result.outcomes), accepted=counts[ACCEPTED], late=late, refused=counts[REFUSED],
        duplicates=counts[DUPLICATE], skipped=skipped))
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
    elif not result.written:
        click.echo(_("Nothing was written."))
    else:
        values = [str(path) for path in result.written if path != paths.receipts_file]
        click.echo((_("Updated {files}.").format(files=", ".join(values)) if values else _("No figure changed."))
                   + " " + _("{count} form(s) recorded as received at {time} in {receipts}.").format(
            count=counts[ACCEPTED], time=result.receipts[-1].received_text, receipts=paths.receipts_file))
    return bool(counts[REFUSED] or counts[DUPLICATE])


def _accepted(outcome: FormOutcome, days: int, due: dt.date | None) -> str:
    update = outcome.update
    line = _("{status} {form}: {unit} {year} ({kind}) into {file} ({changed} changed, {added} added, {cleared} "
             "cleared, {unchanged} unchanged)").format(
        status=_status(LATE if days else outcome.status), form=outcome.file, unit=outcome.unit, year=outcome.year,
        kind=outcome.kind, file=update.file, changed=update.changed, added=update.added, cleared=update.cleared,
        unchanged=update.unchanged)
    if days:
        line += _("; received {day}, {days} day(s) after the due date {due}").format(
            day=outcome.receipt.received.strftime("%d/%m/%Y"), days=days, due=due.strftime("%d/%m/%Y"))
    return line
