"""Errors a user can act on. The CLI prints them as one message, without a traceback."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TypeVar

from tuphap.i18n import _
from tuphap.limits import MAX_FINDINGS_PER_FILE

T = TypeVar("T")


def first_per_file(items: Iterable[T], file_of: Callable[[T], Hashable], limit: int = MAX_FINDINGS_PER_FILE
                   ) -> tuple[list[T], dict[Hashable, list[T]]]:
    """The first `limit` items of each file, in their order, and the others by file. Every list of
    problems shown to a user goes through it: 200,000 bad rows read as 20 and a count."""
    shown: list[T] = []
    rest: dict[Hashable, list[T]] = {}
    counts: dict[Hashable, int] = {}
    for item in items:
        file = file_of(item)
        counts[file] = counts.get(file, 0) + 1
        if counts[file] <= limit:
            shown.append(item)
        else:
            rest.setdefault(file, []).append(item)
    return shown, rest


def more_findings(count: int, file: str) -> str:
    """The line that stands for the findings of a file left out."""
    return _("… and {count} more finding(s) in {file}").format(count=count, file=file)


class TuphapError(Exception):
    """Base class: a problem in the user's files or command, explained in its message."""


class DataError(TuphapError):
    """A problem in one data file, located as precisely as the file allows: its row, field and, for a
    row of a unit's figures, the unit."""

    def __init__(self, file: Path | str, message: str, *, row: int | None = None, field: str | None = None,
                 unit: str | None = None):
        self.file, self.row, self.field, self.message, self.unit = str(file), row, field, message, unit
        where = self.file
        if row is not None:
            where += _(", row {row}").format(row=row)
        if field is not None:
            where += _(", field '{field}'").format(field=field)
        if unit is not None:
            where += _(", unit {unit}").format(unit=unit)
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # pickled with its fields (the data cache, a Dask worker's result), not its text alone
        return _data_error, (self.file, self.message, self.row, self.field, self.unit)


def _data_error(file: str, message: str, row: int | None, field: str | None, unit: str | None) -> DataError:
    return DataError(file, message, row=row, field=field, unit=unit)


class DataErrors(TuphapError):
    """Every problem found in a set of data files, one DataError each, so all can be fixed at once;
    `heading` says what they stop (by default: '3 problem(s) in the data files:')."""

    def __init__(self, errors: list[DataError], heading: str | None = None):
        self.errors = errors
        shown, rest = first_per_file(errors, lambda error: error.file)
        lines = [str(error) for error in shown] + [more_findings(len(left), file) for file, left in rest.items()]
        heading = heading or _("{count} problem(s) in the data files:").format(count=len(errors))
        super().__init__(heading + "\n" + "\n".join(f"  {line}" for line in lines))


def one_error(errors: list[DataError]) -> TuphapError:
    """The error to raise for these problems: the one alone, or all of them."""
    return errors[0] if len(errors) == 1 else DataErrors(errors)


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
        shown, rest = first_per_file(zip(findings, descriptions), lambda pair: getattr(pair[0], "file", ""))
        lines = [line for _finding, line in shown] + [more_findings(len(left), file) for file, left in rest.items()]
        super().__init__(_("the document check found {count} defect(s) in the rendered report; "
                           "its files were not replaced:").format(count=len(findings))
                         + "\n" + "\n".join(f"  {line}" for line in lines))
