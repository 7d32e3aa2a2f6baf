"""data/units.csv: the units registry (slug, kind, name, hamlet word, district, province, sample)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.tables import read_table, require
from tuphap.limits import MAX_NAME_CHARS
from tuphap.project import check_slug

UNIT_KINDS = ("xã", "phường", "thị trấn")
# The names that enter the report's title, header and author: held to limits.py's MAX_NAME_CHARS.
_NAME_FIELDS = ("code", "name", "hamlet_kind", "district", "province")


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
            raise DataError(path, _("unit {slug!r} is listed twice").format(slug=slug), row=row["_row"], field="slug")
        kind = require(path, row, "kind")
        if kind not in UNIT_KINDS:
            raise DataError(path, _("kind {kind!r} is not one of {kinds}").format(kind=kind, kinds=", ".join(UNIT_KINDS)),
                            row=row["_row"], field="kind")
        if row["sample"] not in ("yes", "no"):
            raise DataError(path, _("expected 'yes' or 'no', found {value!r}").format(value=row["sample"]),
                            row=row["_row"], field="sample")
        for field in _NAME_FIELDS:
            if len(row[field]) > MAX_NAME_CHARS:
                raise DataError(path, _("{count} characters, more than the {limit} a name may have (it goes into the "
                                        "report's title)").format(count=len(row[field]), limit=MAX_NAME_CHARS),
                                row=row["_row"], field=field)
        units[slug] = Unit(
            slug=slug, code=row["code"], kind=kind, name=require(path, row, "name"),
            hamlet_kind=require(path, row, "hamlet_kind"), district=row["district"],
            province=require(path, row, "province"), sample=row["sample"] == "yes",
        )
    return units


def unknown_unit(slug: str, units: dict[str, Unit], units_file: Path) -> TuphapError:
    """The error for a slug the registry lacks, naming the nearest slug it has (a typo: tan-kai)."""
    nearest = difflib.get_close_matches(slug, sorted(units), n=1, cutoff=0.6)
    known = ", ".join(sorted(units)[:12]) + (", …" if len(units) > 12 else "")
    hint = (_("; did you mean {slug!r}?").format(slug=nearest[0]) if nearest
            else _("; known units: {slugs}").format(slugs=known))
    return TuphapError(_("unknown unit {slug!r}: not in {file}").format(slug=slug, file=units_file) + hint)
