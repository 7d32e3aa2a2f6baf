"""`tuphap status`: who has sent the figures of a year, as the site's submissions page shows it."""
from __future__ import annotations

import datetime as dt
import difflib
import sys

import click

from tuphap.cli.selection import choosing_failed, known_selection
from tuphap.cli.texts import examples, help_text
from tuphap.compute import formatting
from tuphap.compute.submissions import LATE, MISSING, OVERDUE, Submission, Tracking, track, track_year
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.registry import load_units
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.inputs.report_unit import report_unit
from tuphap.inputs.submissions import expected_units, submission_inputs
from tuphap.project import ProjectPaths
from tuphap.publish.site_model import UnitNames, unit_names


def _when(submission: Submission) -> str:
    first = submission.first
    return formatting.moment(first.received, with_time=first.time_known) if first else ""


def _line(submission: Submission, tracking: Tracking) -> str:
    if submission.status == OVERDUE:
        text = _("not received, overdue by {days} day(s)").format(days=(tracking.today - tracking.due).days)
    elif submission.status == MISSING:
        text = _("not received")
    elif submission.status == LATE:
        text = _("received late, {time}, {days} day(s) after the due date").format(
            time=_when(submission), days=submission.days_late)
    else:
        text = _("received {time}").format(time=_when(submission))
    if submission.revisions:
        latest = submission.latest
        text += "; " + _("sent again {count} time(s), last {time}").format(
            count=submission.revisions, time=formatting.moment(latest.received, with_time=latest.time_known))
    return text


def _print(tracking: Tracking, names: dict[str, tuple[str, str, str]]) -> None:
    due = (_("due {date}").format(date=tracking.due.strftime("%d/%m/%Y")) if tracking.due
           else _("no due date set"))
    click.echo(_("{year}, kind {kind}: {sent}/{expected} unit(s) have sent their figures, {late} late, {missing} "
                 "not yet ({overdue} overdue); {due}; as of {today}.").format(
        year=tracking.year, kind=tracking.kind, sent=tracking.sent, expected=len(tracking.submissions),
        late=tracking.count(LATE), missing=tracking.count(MISSING, OVERDUE), overdue=tracking.count(OVERDUE),
        due=due, today=tracking.today.strftime("%d/%m/%Y")))

    def name(slug: str) -> str:
        return names[slug][0]

    rows = sorted(tracking.submissions, key=lambda s: (names[s.unit][1], s.unit))  # as the site
    width = max((len(name(s.unit)) for s in [*rows, *tracking.unexpected]), default=0)
    for submission in rows:
        click.echo(f"  {name(submission.unit):<{width}}  {_line(submission, tracking)}")
    for submission in tracking.unexpected:
        click.echo(f"  {name(submission.unit):<{width}}  {_line(submission, tracking)}  "
                   + _("(not expected: not a unit of the registry on the due date)"))


@click.command(name="status", help=help_text(
    _("Show who has sent the figures of a year: received, late, not yet."),
    _("The units expected are every unit of data/units.csv on the due date (without one, on the last day of "
      "the kind's period), whether or not it has params yet; a unit's figures count as received when "
      "`tuphap ingest` has read a form of it (data/submissions.csv). The first form decides whether it was "
      "on time against the due date in params/submissions.yaml (a form received on the due day is on time); "
      "forms sent again are counted as revisions. The site shows the same on its page for the year. Exit "
      "status 0 whatever the units' status; 1 when the receipts or due dates cannot be read; 2 when the "
      "command is wrong."),
    examples(("tuphap status --year 2024", ""),
             ("tuphap status --year 2025 --kind nam", _("one kind of report")))))
@click.option("--year", required=True, type=int, metavar="YEAR", help=_("The year whose figures are tracked."))
@click.option("--kind", default=None, metavar="KIND",
              help=_("One kind of report (default: every kind with a due date or a form received that year)."))
@click.pass_obj
def status(root, year, kind) -> None:
    """`tuphap status`: who has sent the figures of a year (help above)."""
    try:
        paths = ProjectPaths.discover(root)
        known_selection(paths, (), (year,))
        kinds = load_report_kinds(paths.report_kinds_file)
        if kind is not None and kind not in kinds:
            nearest = difflib.get_close_matches(kind, list(kinds), n=1)
            raise TuphapError(_("unknown kind of report {kind!r}; the kinds are: {kinds}").format(
                kind=kind, kinds=", ".join(kinds)) + (_("; did you mean {kind!r}?").format(kind=nearest[0])
                                                      if nearest else ""))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    today = dt.datetime.now().astimezone().date()
    try:
        units = load_units(paths.units_file)
        inputs = submission_inputs(paths, units, year)
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(1)
    trackings = track_year(inputs, today)
    if kind is not None:
        trackings = [t for t in trackings if t.kind == kind] or [
            track(year, kind, expected_units(units, year, kind, kinds, None), inputs.receipts, None, today)]
    if not trackings:
        click.echo(_("{year}: no due date and no form received yet; due dates go in {file}").format(
            year=year, file=paths.due_dates_file))
    for tracking in trackings:
        # Each unit named as its report of that kind names it (inputs/report_unit.py), as on the site, with its
        # official code: a province has several xã Tân Hiệp.
        _print(tracking, {s.unit: _named(report_unit(paths, units, kinds, year, s.unit, tracking.kind), s.unit)
                          for s in (*tracking.submissions, *tracking.unexpected)})


def _named(unit, slug: str) -> UnitNames:
    named = unit_names(unit, slug)
    return named._replace(name=f"{named.name} ({named.code})") if named.code else named
