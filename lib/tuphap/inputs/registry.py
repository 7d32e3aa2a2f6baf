"""data/units.csv: the units registry (slug, kind, name, hamlet word, district, province, sample)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import DataError, TuphapError
from tuphap.inputs.tables import read_table, require
from tuphap.project import check_slug

UNIT_KINDS = ("xã", "phường", "thị trấn")


@dataclass(frozen=True)
class Unit:
    slug: str
    code: str
    kind: str
    name: str
    hamlet_kind: str
    district: str
    province: str
    sample: bool

    @property
    def full_name(self) -> str:
        """'thị trấn Tân Khai', as it reads inside a sentence."""
        return f"{self.kind} {self.name}"


def load_units(path: Path) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    columns = ("slug", "code", "kind", "name", "hamlet_kind", "district", "province", "sample")
    for row in read_table(path, columns):
        slug = require(path, row, "slug")
        try:
            check_slug(slug)
        except TuphapError as exc:
            raise DataError(path, str(exc), row=row["_row"], field="slug") from None
        if slug in units:
            raise DataError(path, f"unit {slug!r} is listed twice", row=row["_row"], field="slug")
        kind = require(path, row, "kind")
        if kind not in UNIT_KINDS:
            raise DataError(path, f"kind {kind!r} is not one of {', '.join(UNIT_KINDS)}", row=row["_row"], field="kind")
        if row["sample"] not in ("yes", "no"):
            raise DataError(path, f"expected 'yes' or 'no', found {row['sample']!r}", row=row["_row"], field="sample")
        units[slug] = Unit(
            slug=slug, code=row["code"], kind=kind, name=require(path, row, "name"),
            hamlet_kind=require(path, row, "hamlet_kind"), district=row["district"],
            province=require(path, row, "province"), sample=row["sample"] == "yes",
        )
    return units


def unknown_unit(slug: str, units: dict[str, Unit], units_file: Path) -> TuphapError:
    """The error for a slug the registry lacks, naming the nearest slug it has (a typo: tan-kai)."""
    nearest = difflib.get_close_matches(slug, sorted(units), n=1, cutoff=0.6)
    hint = f"; did you mean {nearest[0]!r}?" if nearest else f"; known units: {', '.join(sorted(units)[:12])}" + \
        (", …" if len(units) > 12 else "")
    return TuphapError(f"unknown unit {slug!r}: not in {units_file}{hint}")
