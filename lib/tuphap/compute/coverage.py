"""How much of its area a roll-up covers. Every unit the registry places in the area on the roll-up's date
counts ("Số liệu được tổng hợp từ báo cáo của 01/95 đơn vị cấp xã"); a unit without valid figures for the
roll-up's year and period is named with the reason: it has no figures at all, or rows of them could not be
read, and then its figures are not whole and are left out of every total."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tuphap.compute import formatting
from tuphap.errors import DataError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.registry import Unit


@dataclass(frozen=True)
class Uncovered:
    """A unit of the area that a roll-up leaves out, and why."""
    unit: Unit
    errors: tuple[DataError, ...] = ()  # its rows that could not be read; none: it has no figures at all


@dataclass(frozen=True)
class Coverage:
    """The area's units on the roll-up's date, those whose figures it adds up, and the others."""
    units: tuple[Unit, ...]
    covered: tuple[Unit, ...]
    uncovered: tuple[Uncovered, ...]

    @property
    def with_errors(self) -> tuple[Uncovered, ...]:
        return tuple(gap for gap in self.uncovered if gap.errors)

    @property
    def without_figures(self) -> tuple[Uncovered, ...]:
        return tuple(gap for gap in self.uncovered if not gap.errors)

    def share(self, count: int | None = None, *, pad: bool = True) -> str:
        """'01/95': so many (by default the units covered) of the area's units, counts padded as a count is."""
        covered = len(self.covered) if count is None else count
        return f"{formatting.count(covered, pad=pad)}/{formatting.count(len(self.units), pad=pad)}"

    def ledger_records(self, root: Path) -> list[dict]:
        """Each unit left out as the ledger records it: slug, name, code, and the errors that left it out
        (files named from the project folder), the first of them and how many there are."""
        return [{"unit": gap.unit.slug, "name": gap.unit.full_name, "code": gap.unit.code,
                 "reason": "errors" if gap.errors else "no figures",
                 **({"error": error_text(gap.errors[0], root), "errors": len(gap.errors)} if gap.errors else {})}
                for gap in self.uncovered]


def area_coverage(dataset: Dataset, units: Iterable[Unit], year: int, period: str | None = None) -> Coverage:
    """Which of the units have valid figures for the year and period: some figures, and no row that could
    not be read."""
    units = tuple(units)
    errors = {unit.slug: tuple(dataset.errors_for(unit.slug, year, period)) for unit in units}
    covered = tuple(u for u in units if not errors[u.slug] and dataset.values_for(u.slug, year, period))
    names = {u.slug for u in covered}
    return Coverage(units, covered, tuple(Uncovered(u, errors[u.slug]) for u in units if u.slug not in names))


def project_file(file: str, root: Path) -> str:
    """A file named from the project folder (data/values/2024.csv), as a report or the site names it: no
    server paths."""
    path = Path(file)
    return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else file


def error_text(error: DataError, root: Path) -> str:
    """A row's error, its file named from the project folder."""
    return str(DataError(project_file(error.file, root), error.message, row=error.row, field=error.field, unit=error.unit))
