"""data/indicators.csv, the indicator catalogue: what each figure means and how figures relate (part of, subset of, rate).

Types: `count`, `number` and `percent` are figures as entered; `rate` (100 × numerator / denominator)
and `average` (numerator / denominator) are computed, never entered; a `flag` is a yes/no result
entered as 1/0 and shown with the words of its `unit` column ("đạt/chưa đạt"); a `text` is a short
line of free text (the reference of a decision), shown as written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.numbers import NumberError, parse_number
from tuphap.inputs.tables import read_table, require

INDICATOR_TYPES = ("count", "number", "percent", "rate", "average", "flag", "text")
DERIVED_TYPES = ("rate", "average")
TEXT_MAX_LENGTH = 300  # a decision's reference fits in about 100 characters; a paragraph does not belong here


class EntryError(ValueError):
    """A value as written that does not suit its indicator; the message says what to write instead."""


@dataclass(frozen=True)
class Indicator:
    id: str
    section: str
    label: str
    unit: str
    type: str
    part_of: str = ""
    subset_of: str = ""
    numerator: str = ""
    denominator: str = ""
    key_figure: str = ""  # a short heading when the site compares communes on it ("Hòa giải thành")

    @property
    def derived(self) -> bool:
        """Rates and averages are computed from their numerator and denominator, never stored."""
        return self.type in DERIVED_TYPES

    @property
    def quantity(self) -> bool:
        """Whether the value is an amount that can be added, compared or charted (not a flag or text)."""
        return self.type not in ("flag", "text")

    @property
    def flag_words(self) -> tuple[str, str]:
        """A flag's words for 1 and 0, from its unit column: 'đạt/chưa đạt' -> ('đạt', 'chưa đạt')."""
        yes, _slash, no = self.unit.partition("/")
        return yes.strip(), no.strip()

    def ratio(self, top: float | None, bottom: float | None) -> float | None:
        """A rate (in percent) or an average from its numerator and denominator; None if either is
        unknown or the denominator is 0."""
        if top is None or not bottom:
            return None
        return (100 if self.type == "rate" else 1) * top / bottom


def parse_entry(ind: Indicator, text: str) -> float | str:
    """The value written in `text` for this indicator (not empty: empty means "not reported"): a
    float for figures and flags (1.0 or 0.0), the NFC text for a text; EntryError otherwise."""
    if ind.type == "text":
        return _text_entry(text)
    if ind.type == "flag":
        return _flag_entry(ind, text)
    try:
        return parse_number(text, ind.type)
    except NumberError as exc:
        raise EntryError(str(exc)) from None


def _flag_entry(ind: Indicator, text: str) -> float:
    written = unicodedata.normalize("NFC", text).strip()
    yes, no = ind.flag_words
    if written == "1" or written.casefold() == yes.casefold():
        return 1.0
    if written == "0" or written.casefold() == no.casefold():
        return 0.0
    raise EntryError(_("{text!r} is not a result: write 1 or '{yes}', 0 or '{no}'").format(text=text.strip(), yes=yes, no=no))


def _text_entry(text: str) -> str:
    written = unicodedata.normalize("NFC", text).strip()
    if len(written.splitlines()) > 1:
        raise EntryError(_("runs over several lines: write it on one line"))
    if len(written) > TEXT_MAX_LENGTH:
        raise EntryError(_("has {count} characters: write at most {most} (the number, date and issuer of the document)").format(
            count=len(written), most=TEXT_MAX_LENGTH))
    return written


class Catalogue:
    def __init__(self, indicators: list[Indicator]):
        self._by_id = {ind.id: ind for ind in indicators}

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def __iter__(self):
        return iter(self._by_id.values())

    def parts(self, total_id: str) -> list[Indicator]:
        """The indicators declared as parts of a total, in catalogue order."""
        return [ind for ind in self if ind.part_of == total_id]

    def key_figures(self) -> list[Indicator]:
        """The figures the site shows for every commune (a `key_figure` heading), in catalogue order."""
        return [ind for ind in self if ind.key_figure]


def load_catalogue(path: Path) -> Catalogue:
    columns = ("id", "section", "label", "unit", "type")
    relations = ("part_of", "subset_of", "numerator", "denominator")
    rows = read_table(path, columns, relations + ("key_figure",))
    indicators, seen = [], set()
    for row in rows:
        ind_id = require(path, row, "id")
        if "." not in ind_id or not re.fullmatch(r"[a-z0-9_.]+", ind_id):
            raise DataError(path, _("id {id!r} must look like 'area.name' (lowercase, digits, '_')").format(id=ind_id),
                            row=row["_row"], field="id")
        if ind_id in seen:
            raise DataError(path, _("indicator {id!r} is listed twice").format(id=ind_id), row=row["_row"], field="id")
        seen.add(ind_id)
        if row["type"] not in INDICATOR_TYPES:
            raise DataError(path, _("type {type!r} is not one of {types}").format(type=row["type"], types=", ".join(INDICATOR_TYPES)),
                            row=row["_row"], field="type")
        indicators.append(Indicator(
            id=ind_id, section=require(path, row, "section"), label=require(path, row, "label"),
            unit=row["unit"], type=row["type"], key_figure=row.get("key_figure", ""),
            **{name: row.get(name, "") for name in relations},
        ))
        _check_type(path, row, indicators[-1])
    by_id = {ind.id: ind for ind in indicators}
    for ind, row in zip(indicators, rows):
        for name in relations:
            target = getattr(ind, name)
            if target and target not in seen:
                raise DataError(path, _("refers to unknown indicator {id!r}").format(id=target), row=row["_row"], field=name)
            if target and not by_id[target].quantity:
                raise DataError(path, _("refers to {id!r}, a {type}: only figures add up or divide").format(
                                    id=target, type=by_id[target].type),
                                row=row["_row"], field=name)
    return Catalogue(indicators)


def _check_type(path: Path, row: dict, ind: Indicator) -> None:
    """What each type needs from its catalogue row: rates and averages a numerator and denominator,
    flags their two words, flags and texts no relation (they do not add up)."""
    if ind.derived and not (ind.numerator and ind.denominator):
        raise DataError(path, _("{type} {id!r} needs both numerator and denominator").format(type=ind.type, id=ind.id),
                        row=row["_row"],
                        field="numerator")
    if ind.type == "flag":
        yes, no = ind.flag_words
        two_words = ind.unit.count("/") == 1 and yes and no and yes.casefold() != no.casefold()
        if not two_words or "," in ind.unit or '"' in ind.unit:  # the words become an Excel drop-down list
            raise DataError(path, _("a flag's unit gives its two words as 'yes word/no word' (đạt/chưa đạt), "
                                    "different and without commas or quotes; found {unit!r}").format(unit=ind.unit),
                            row=row["_row"], field="unit")
    if not ind.quantity:
        for name in ("part_of", "subset_of", "numerator", "denominator"):
            if getattr(ind, name):
                raise DataError(path, _("a {type} takes no {column}: only figures add up or divide").format(
                                    type=ind.type, column=name),
                                row=row["_row"], field=name)
