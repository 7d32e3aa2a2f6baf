"""Errors a user can act on. The CLI prints them as one message, without a traceback."""
from __future__ import annotations

from pathlib import Path

from tuphap.i18n import _


class TuphapError(Exception):
    """Base class: a problem in the user's files or command, explained in its message."""


class DataError(TuphapError):
    """A problem in one data file, located as precisely as the file allows."""

    def __init__(self, file: Path | str, message: str, *, row: int | None = None, field: str | None = None):
        self.file, self.row, self.field, self.message = str(file), row, field, message
        where = self.file
        if row is not None:
            where += _(", row {row}").format(row=row)
        if field is not None:
            where += _(", field '{field}'").format(field=field)
        super().__init__(f"{where}: {message}")


class DataErrors(TuphapError):
    """Every problem found in a set of data files, one DataError each, so all can be fixed at once."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__(_("{count} problem(s) in the data files:").format(count=len(errors)) + "\n"
                         + "\n".join(f"  {e}" for e in errors))


class SectionFailed(TuphapError):
    """A section notebook raised while it ran; its executed copy was kept for inspection."""

    def __init__(self, unit: str, year: int, section: str, cell: int | None, error: str, notebook: Path | None):
        self.unit, self.year, self.section, self.cell = unit, year, section, cell
        self.error, self.notebook = error, notebook
        cell_text = _(", cell {cell}").format(cell=cell) if cell is not None else ""
        kept = "\n  " + _("executed notebook kept at {notebook}").format(notebook=notebook) if notebook else ""
        super().__init__(_("unit {unit}, year {year}, section {section}").format(unit=unit, year=year, section=section)
                         + f"{cell_text}: {error}{kept}")


class DocumentDefects(TuphapError):
    """The rendered report says something it must not (check/document.py): a missing glyph, a raw
    placeholder, a heading without content... Its files were not written."""

    def __init__(self, findings: list, descriptions: list[str]):
        self.findings = findings
        super().__init__(_("the document check found {count} defect(s) in the rendered report; "
                           "its files were not replaced:").format(count=len(findings))
                         + "\n" + "\n".join(f"  {line}" for line in descriptions))
