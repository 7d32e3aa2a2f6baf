"""The `tuphap check` command: the document check (check/document.py) over the reports already built."""
from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from tuphap.cli import texts
from tuphap.cli.selection import USAGE, choosing_failed, known_selection
from tuphap.cli.texts import examples, help_text, verbatim
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths, check_selection

_YEAR_FOLDER = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class BuiltReport:
    unit: str  # the commune's slug, or a roll-up's key ('province-binh-phuoc')
    year: int
    folder: Path
    final: bool


def built_reports(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = (), *,
                  all_final: bool = False) -> list[BuiltReport]:
    """Every report folder under outputs/<year>/ holding a report file (outputs/<year>/<unit>/, other report
    kinds' outputs/<year>/_<kind>/<unit>/ and the roll-ups under outputs/<year>/[_<kind>/]_rollup/<level>-<area>/),
    selected by unit slug or roll-up key and
    year. Whether it is final comes from the ledger entry's "mode" (a missing mode is a draft)."""
    from tuphap.project import REPORT_FILES
    from tuphap.runtime.ledger import Ledger
    from tuphap.runtime.targets import CommuneTarget

    ledger = Ledger.load(paths)
    found = []
    if not paths.outputs_dir.is_dir():
        return found
    for year_dir in sorted(p for p in paths.outputs_dir.iterdir() if p.is_dir() and _YEAR_FOLDER.match(p.name)):
        year = int(year_dir.name)
        if years and year not in years:
            continue
        candidates = [(p.name, p, ledger.entry(CommuneTarget(p.name, year)))
                      for p in year_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]
        candidates += _rollup_candidates(ledger, year, year_dir / "_rollup", "")
        for kind_dir in sorted(p for p in year_dir.glob("_*") if p.is_dir() and p.name != "_rollup"):
            kind = kind_dir.name[1:]  # another report kind's outputs/<year>/_<kind>/<unit>/ and _rollup/<level>-<area>/
            candidates += [(p.name, p, ledger.entry(CommuneTarget(p.name, year, kind)))
                           for p in kind_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]
            candidates += _rollup_candidates(ledger, year, kind_dir / "_rollup", kind)
        for unit, folder, entry in sorted(candidates, key=lambda c: (c[1].parent.name == "_rollup", c[0])):
            if units and unit not in units:
                continue
            if any((folder / name).is_file() for name in REPORT_FILES):
                final = all_final or (entry or {}).get("mode") == "final"
                found.append(BuiltReport(unit, year, folder, final))
    return found


def _rollup_candidates(ledger, year: int, rollups: Path, kind: str) -> list[tuple[str, Path, dict | None]]:
    """The roll-up folders of a kind's outputs/<year>/[_<kind>/]_rollup/, each with its ledger entry."""
    from tuphap.runtime.targets import RollupTarget

    found = []
    for folder in sorted(rollups.iterdir()) if rollups.is_dir() else ():
        level, _dash, slug = folder.name.partition("-")
        if folder.is_dir() and not folder.name.startswith("."):
            found.append((folder.name, folder, ledger.entry(RollupTarget(level, slug, year, kind))))
    return found


@click.command(help=help_text(
    _("Read the built reports as a person reads them and list what should never be printed."),
    _("Each report's report.html, report.pdf and report.docx under outputs/<year>/<unit>/ (and the "
      "roll-ups under outputs/<year>/_rollup/) are read as text: the page's visible text, the PDF's "
      "text page by page and the Word file's paragraphs and footnotes. Every rule is an error:"),
    verbatim([("doc_glyph", _("a character the report's font has no glyph for")),
              ("doc_font_fallback", _("the PDF sets text in a font outside the report's family")),
              ("doc_heading_khong_co_with_content", _("a heading saying \"(không có)\" with content under it")),
              ("doc_heading_empty", _("a heading with nothing under it")),
              ("doc_zero_padded", _("a count written \"00\"")),
              ("doc_placeholder", _("a placeholder left unfilled, e.g. {hoa_giai.tiep_nhan}")),
              ("doc_markdown, doc_markup", _("Markdown or HTML shown as text (**, #, [a](b), <p>, &amp;)")),
              ("doc_english", _("words from program code (None, nan, True, Traceback, …)")),
              ("doc_draft_box_in_final", _("the data-quality note in a final report")),
              ("doc_unreadable", _("a report file missing or damaged"))]),
    _("A report is final when the ledger (outputs/manifest.json) records it so (`tuphap build "
      "--final`); drafts may carry the data-quality note. Each finding names the file and the PDF page "
      "(row), the Word paragraph (row) or the HTML section (after '#')."),
    _("Exit status: 0 when no report has a finding, 1 when any has, 2 when the command itself is wrong "
      "(a bad option, or no built report matches)."),
    examples(("tuphap check", ""),
             ("tuphap check --unit tan-khai --year 2024", ""),
             ("tuphap check --year 2024 --final", _("as if every 2024 report were to be signed")))))
@click.option("--unit", "units", multiple=True, metavar="SLUG",
              help=_("A unit to check, or a roll-up such as province-binh-phuoc (repeatable; default: all)."))
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR",
              help=_("A year to check (repeatable; default: all)."))
@click.option("--final", "all_final", is_flag=True,
              help=_("Check every report as the version to be signed, whatever the ledger says."))
@click.pass_obj
def check(root, units, years, all_final) -> None:
    """`tuphap check`: the document check over the reports already built (help above)."""
    from tuphap.check import document  # lxml, pypdfium2 and fontTools only for this command
    from tuphap.check.findings import describe_bounded

    try:
        paths = ProjectPaths.discover(root)
        rollups = tuple(key for key in units if "-" in key and key.split("-", 1)[0] in ("district", "province"))
        if paths.units_file.is_file():  # else a copy of outputs/ alone: the built reports are the selection
            known_selection(paths, units, (), rollups=rollups)
        check_selection(units, years)
        reports = built_reports(paths, units, years, all_final=all_final)
        if not reports:
            wanted = " ".join([*(f"--unit {u}" for u in units), *(f"--year {y}" for y in years)])
            raise TuphapError((_("no built report to check under {folder} for {wanted} (build one with `tuphap build`)")
                               if wanted else
                               _("no built report to check under {folder} (build one with `tuphap build`)")).format(
                folder=paths.outputs_dir, wanted=wanted))
    except TuphapError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        sys.exit(choosing_failed(exc))
    started = time.monotonic()
    findings = []
    flagged = 0
    for report in reports:
        try:
            found = document.check_report_dir(report.folder, unit=report.unit, year=report.year, final=report.final,
                                              root=paths.root)
        except TuphapError as exc:  # no usable font file on this machine
            click.echo(_("error: {message}").format(message=exc), err=True)
            sys.exit(USAGE)
        flagged += bool(found)
        findings += found
        for line in describe_bounded(found):
            click.echo(line)
    seconds = time.monotonic() - started
    click.echo(_("{findings} finding(s) in {flagged} of {reports} report(s) checked "
                 "({seconds} s, {per_report} s per report)").format(
        findings=len(findings), flagged=flagged, reports=len(reports), seconds=texts.seconds(seconds, 1),
        per_report=texts.seconds(seconds / len(reports), 2)))
    if findings:
        sys.exit(1)
