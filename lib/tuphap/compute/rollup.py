"""Roll-up of commune figures to a district or a province: totals, rates from totals, rankings.

Logic over the catalogue and {unit: {indicator: value}} maps; no HTML. How an indicator rolls up
depends on its type: counts add up, rates and averages are recomputed from the sum of numerators and
the sum of denominators (never averaged over communes), other numbers and stored percentages show their
range across communes, a flag becomes the number of communes whose flag is 1, and a text is not rolled
up. data/rollup.csv overrides that for counts that do not add up (the smallest team: min).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from tuphap.compute import formatting
from tuphap.compute.figures import Figures
from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.i18n import N_, _
from tuphap.inputs.catalogue import Catalogue, Indicator
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.registry import Merger, Unit
from tuphap.inputs.rollup_rules import load_rollup_rules

LEVELS = {"province": "province", "district": "district"}  # level -> column of data/units.csv
LEVEL_WORDS = {"province": N_("province"), "district": N_("district")}  # how messages name a level
LAST_YEAR_WITH_DISTRICTS = 2024  # districts were abolished from 01/7/2025 (see DOMAIN.md)
# Fewer communes than this make no ranking and no comparison of the area with the year before: with one
# or two, a ranking puts a commune first among none, and the area's change is one commune's.
MIN_COMPARED = 3


def slugify(name: str) -> str:
    """'Hớn Quản' -> 'hon-quan', 'Bình Phước' -> 'binh-phuoc' (đ becomes d)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise TuphapError(_("invalid roll-up level {level!r}: use one of {levels}").format(level=level, levels=", ".join(LEVELS)))
    return level


def check_level_in(level: str, year: int) -> str:
    """The level, if a roll-up of that year can have it: from 2025 the province only."""
    if check_level(level) == "district" and year > LAST_YEAR_WITH_DISTRICTS:
        raise TuphapError(_("no district roll-up for {year}: districts were abolished in 2025 "
                            "(the last district roll-up is for {last})").format(year=year, last=LAST_YEAR_WITH_DISTRICTS))
    return level


@dataclass(frozen=True)
class Area:
    """A district or province and every commune-level unit the registry places in it."""
    level: str
    name: str
    units: tuple[Unit, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def key(self) -> str:
        return f"{self.level}-{self.slug}"


def area_key(level: str, name_or_slug: str) -> str:
    """'province-dong-nai': how params and output folders name a roll-up."""
    return f"{level}-{slugify(name_or_slug)}"


def area_name(dataset: Dataset, level: str, slug: str) -> str:
    """The area's name as the registry spells it in any period, else the slug: how messages name a roll-up
    before its params, which date it, are read."""
    names = {getattr(u, LEVELS[level]) for periods in dataset.units.periods.values() for u in periods}
    return next((name for name in sorted(names) if name and slugify(name) == slug), slug)


def find_area(dataset: Dataset, level: str, name_or_slug: str, year: int, on: dt.date) -> Area:
    """The area named (or slugged) so at that level, with the units the registry places in it on the
    roll-up's date, as they were then (from 2025: the new province's units only)."""
    column = LEVELS[check_level_in(level, year)]
    wanted = slugify(name_or_slug)
    present = dataset.units.units_on(on)
    units = [u for u in present if getattr(u, column) and slugify(getattr(u, column)) == wanted]
    if not units:
        known = sorted({getattr(u, column) for u in present if getattr(u, column)})
        raise TuphapError(_("no {level} {area!r} in {file}; known: {known}").format(
            level=_(LEVEL_WORDS[level]), area=name_or_slug, file=dataset.paths.units_file,
            known=", ".join(known) or _("none")))
    return Area(level, getattr(units[0], column), tuple(units))


def rule(ind: Indicator, rules: dict[str, str] | None = None) -> str:
    """How the indicator rolls up: 'ratio' for rates and averages, 'yes_count' for flags, 'none' for
    texts (a list of decisions adds up to nothing), else data/rollup.csv's rule or the type's default."""
    if ind.derived:
        return "ratio"
    if not ind.quantity:
        return "yes_count" if ind.type == "flag" else "none"
    return (rules or {}).get(ind.id) or ("sum" if ind.type == "count" else "range")


def inputs(ind: Indicator) -> tuple[str, ...]:
    """The stored indicators a commune needs for this one to count."""
    return (ind.numerator, ind.denominator) if ind.derived else (ind.id,)


@dataclass(frozen=True)
class Total:
    indicator: Indicator
    rule: str
    value: float | None  # the total, minimum, maximum, recomputed ratio or communes at 1; None for a range or text
    low: float | None = None  # for a range (and for reference on other rules)
    high: float | None = None
    reporting: tuple[str, ...] = ()  # the communes whose figures went in
    numerator: float | None = None  # for a ratio: the summed numerator and denominator
    denominator: float | None = None


def total(ind: Indicator, values_by_unit: dict[str, dict[str, float]], rules: dict[str, str] | None = None) -> Total:
    """One indicator rolled up over the given communes (only those that report all its inputs)."""
    how = rule(ind, rules)
    reporting = tuple(unit for unit, values in values_by_unit.items() if all(i in values for i in inputs(ind)))
    if not reporting:
        return Total(ind, how, None)
    if how == "ratio":
        top = sum(values_by_unit[u][ind.numerator] for u in reporting)
        bottom = sum(values_by_unit[u][ind.denominator] for u in reporting)
        return Total(ind, how, ind.ratio(top, bottom), reporting=reporting, numerator=top, denominator=bottom)
    if how == "none":
        return Total(ind, how, None, reporting=reporting)
    numbers = [values_by_unit[u][ind.id] for u in reporting]
    low, high = min(numbers), max(numbers)
    value = {"sum": sum(numbers), "yes_count": sum(numbers), "min": low, "max": high, "range": None}[how]
    return Total(ind, how, value, low, high, reporting)


def complete_total(ind: Indicator, values_by_unit: dict[str, dict[str, float]], rules: dict[str, str] | None = None
                   ) -> Total:
    """As total(), but missing unless every one of the units reports the indicator's inputs: a sum
    over some of them would pass for the whole."""
    rolled = total(ind, values_by_unit, rules)
    return rolled if len(rolled.reporting) == len(values_by_unit) else Total(ind, rolled.rule, None)


def with_totals(catalogue: Catalogue, values: dict[str, float | str], estimates: frozenset[str] = frozenset()
                ) -> tuple[dict[str, float | str], frozenset[str]]:
    """A commune's figures as its report reads them, with each total it did not enter but whose parts it
    did (240 visits by the officers and 48 by the leaders are 288), and which of them are estimates (a
    total so made is one where any of its parts is)."""
    figures = Figures(catalogue, values, estimates=estimates)
    filled = {ind.id: figures.value(ind.id) for ind in catalogue
              if ind.id not in values and not ind.derived and catalogue.parts(ind.id)}
    filled = {i: v for i, v in filled.items() if v is not None}
    return {**values, **filled}, estimates | {i for i in filled if figures.is_estimate(i)}


def rests_on_estimate(rolled: Total, estimates_by_unit: dict[str, frozenset[str]]) -> bool:
    """Whether a rolled-up figure takes in an estimate of any commune (for a rate: in its numerator or
    denominator), and so is marked as one."""
    return any(i in estimates_by_unit.get(unit, ()) for unit in rolled.reporting for i in inputs(rolled.indicator))


def totals(catalogue: Catalogue, values_by_unit: dict[str, dict[str, float]],
           rules: dict[str, str] | None = None) -> dict[str, Total]:
    return {ind.id: total(ind, values_by_unit, rules) for ind in catalogue}


@dataclass(frozen=True)
class RollupFigures(Figures):
    """The area's figures for prose: totals (and minima, maxima) as values, rates and averages from the
    roll-up, and for a flag the number of communes at 1, printed as a count ('có {tiep_can.dat_chuan}
    đơn vị đạt chuẩn' -> 'có 02 đơn vị đạt chuẩn'). Texts and ranges have no area figure."""
    ratios: dict[str, float | None] = None

    def value(self, indicator_id: str) -> float | None:
        if self.catalogue[indicator_id].derived:
            return (self.ratios or {}).get(indicator_id)
        return self.values.get(indicator_id)

    def format(self, indicator_id: str, *, pad: bool = True) -> str | None:
        value = self.value(indicator_id)
        if value is not None and self.catalogue[indicator_id].type == "flag":
            return formatting.count(value, pad=pad)
        return super().format(indicator_id, pad=pad)


def area_figures(catalogue: Catalogue, rolled: dict[str, Total],
                 estimates_by_unit: dict[str, frozenset[str]] | None = None) -> RollupFigures:
    """The area's figures; those that take in a commune's estimate are estimates (rates follow theirs)."""
    values = {i: t.value for i, t in rolled.items()
              if t.rule in ("sum", "min", "max", "yes_count") and t.value is not None}
    ratios = {i: t.value for i, t in rolled.items() if t.rule == "ratio"}
    estimated = frozenset(i for i in values if rests_on_estimate(rolled[i], estimates_by_unit or {}))
    return RollupFigures(catalogue, values, ratios, estimates=estimated)


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: the commune has no figure for the indicator
    unit: str
    value: float | None


def ranking(catalogue: Catalogue, indicator_id: str, values_by_unit: dict[str, dict[str, float]],
            *, descending: bool = True) -> list[Ranked]:
    """Communes ordered by the indicator (a rate from their own numerator and denominator, a flag's 1
    before its 0); equal values share a rank (1, 2, 2, 4); communes without the figure come last,
    unranked, as do all communes for a text."""
    own = {unit: Figures(catalogue, values).value(indicator_id) for unit, values in values_by_unit.items()}
    known = sorted(((v, u) for u, v in own.items() if v is not None), key=lambda pair: (-pair[0] if descending else pair[0], pair[1]))
    ranked, previous = [], None
    for position, (value, unit) in enumerate(known, start=1):
        rank = ranked[-1].rank if previous is not None and value == previous else position
        ranked.append(Ranked(rank, unit, value))
        previous = value
    return ranked + [Ranked(None, unit, None) for unit in sorted(u for u, v in own.items() if v is None)]


@dataclass(frozen=True)
class YearPair:
    indicator: Indicator
    before: Total
    now: Total


def year_pairs(catalogue: Catalogue, indicator_ids: list[str], before_by_unit: dict[str, dict[str, float]],
               now_by_unit: dict[str, dict[str, float]], rules: dict[str, str] | None = None) -> list[YearPair]:
    """Each indicator rolled up for both years over the same communes (those reporting it in both),
    so that a commune reporting only this year does not pass for growth; indicators with fewer than
    MIN_COMPARED such communes are left out, and so are flags and texts, which have no area figure to chart."""
    pairs = []
    for indicator_id in indicator_ids:
        ind = catalogue[indicator_id]
        if not ind.quantity:
            continue
        both = [u for u in now_by_unit if u in before_by_unit
                and all(i in now_by_unit[u] and i in before_by_unit[u] for i in inputs(ind))]
        if len(both) < MIN_COMPARED:
            continue
        before = total(ind, {u: before_by_unit[u] for u in both}, rules)
        now = total(ind, {u: now_by_unit[u] for u in both}, rules)
        if before.value is not None and now.value is not None:
            pairs.append(YearPair(ind, before, now))
    return pairs


@dataclass(frozen=True)
class PreviousYear:
    """The figures a report compares with: the unit's own for the year before, or for a unit formed
    from others during the report's year, its predecessors' rolled up (`merger` names them)."""
    values: dict[str, float | str]
    reported: bool  # whether the unit, or any predecessor, has figures for that year
    merger: Merger | None = None
    predecessors: tuple[Unit, ...] = ()  # as they were on the day before the merger
    estimates: frozenset[str] = frozenset()  # the figures that are estimates (a sum: where any part is)
    errors: tuple[DataError, ...] = ()  # rows of those figures that could not be read: then they are not whole

    def note(self, year: int, unit: str = "", *, period_name: str = "năm") -> str:
        """Where last year's figures come from after a merger, as a report says it under a comparison
        ('Số liệu năm 2024 [của xã Tân Khai] là tổng số liệu của thị trấn Tân Khai, xã Tân Hiệp và xã Đồng
        Nơ (trước sắp xếp theo Nghị quyết số 1662/NQ-UBTVQH15)'), with the units of which only a part went
        in, whose figures are left out; '' without a merger."""
        if self.merger is None:
            return ""
        whole = [p.full_name for p in self.predecessors if p.slug not in self.merger.partial]
        parts = [p.full_name for p in self.predecessors if p.slug in self.merger.partial]
        whose = f" của {unit}" if unit else ""
        when = (f"trước sắp xếp theo Nghị quyết số {self.merger.resolution}" if self.merger.resolution
                else "trước sắp xếp đơn vị hành chính")
        text = (f"Số liệu {period_name} {year - 1}{whose} là tổng số liệu của {_listed(whole)} ({when})" if whole
                else f"Không có số liệu {period_name} {year - 1}{whose} để so sánh ({when})")
        if parts:
            text += (f"; không gồm số liệu của {_listed(parts)}, vì chỉ một phần "
                     f"{'đơn vị này' if len(parts) == 1 else 'các đơn vị này'} nhập vào và số liệu không tách riêng được")
        return text


def _listed(names: list[str]) -> str:
    """'A', 'A và B', 'A, B và C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def merged_values(catalogue: Catalogue, values_by_unit: dict[str, dict[str, float | str]],
                  rules: dict[str, str] | None = None) -> dict[str, float]:
    """One unit's figures made of several units' figures, rolled up as a roll-up does (counts summed,
    data/rollup.csv's min and max), each only where every unit reports it; rates and averages are then
    recomputed from the summed numerators and denominators, as a roll-up's are. Flags (a count of
    units is no unit's yes or no), texts and ranges have no such figure."""
    filled = {unit: {ind.id: Figures(catalogue, values).value(ind.id) for ind in catalogue if ind.quantity and not ind.derived}
              for unit, values in values_by_unit.items()}  # a total entered as its parts counts as entered
    filled = {unit: {i: v for i, v in values.items() if v is not None} for unit, values in filled.items()}
    merged = {}
    for ind in catalogue:
        if ind.quantity and not ind.derived and ind.type != "flag":
            rolled = complete_total(ind, filled, rules)
            if rolled.rule in ("sum", "min", "max") and rolled.value is not None:
                merged[ind.id] = rolled.value
    return merged


def previous_year(dataset: Dataset, slug: str, year: int, period: str | None = None, *,
                  on: dt.date | None = None) -> PreviousYear:
    """What the report of (slug, year) compares with, for its period (by default the year): see PreviousYear.
    `on` is the report's day (its params date; by default the period's last day): a report written before
    the merger (a six-month report of 2025 signed by thị trấn Tân Khai in June) was the old unit's and compares
    with its own figures; one written after it is the new unit's, for its whole area."""
    merger = dataset.units.merger_in(slug, year)
    if merger is not None and merger.effective > (on or dataset.period_rule(period).day("end", year)):
        merger = None
    if merger is None:
        own = dataset.values_for(slug, year - 1, period)
        return PreviousYear(own, bool(own), estimates=dataset.estimates_for(slug, year - 1, period),
                            errors=tuple(dataset.errors_for(slug, year - 1, period)))
    # Only the units that went in whole: a part of a unit's figures cannot be told from the rest.
    before = {unit: dataset.values_for(unit, year - 1, period) for unit in merger.whole}
    rules = load_rollup_rules(dataset.paths.rollup_rules_file, dataset.catalogue)
    day_before = merger.effective - dt.timedelta(days=1)
    merged = merged_values(dataset.catalogue, before, rules) if before else {}
    # A sum with an estimate among its parts is an estimate too.
    estimated = frozenset(i for unit in merger.whole for i in dataset.estimates_for(unit, year - 1, period))
    return PreviousYear(merged, any(before.values()), merger,
                        tuple(dataset.unit(unit, on=day_before) for unit in merger.formed_from), estimated & set(merged),
                        tuple(error for unit in merger.whole for error in dataset.errors_for(unit, year - 1, period)))


def unreadable_rows(dataset: Dataset, slug: str, year: int, period: str | None = None, *,
                    on: dt.date | None = None) -> list[DataError]:
    """The values rows that the report of (slug, year) reads and that could not be read: of its own figures
    for its period, and of those it compares with (previous_year: the year before, or its predecessors'
    after a merger). Such a report is not built (refuse_unreadable); every other one is."""
    return [*dataset.errors_for(slug, year, period), *previous_year(dataset, slug, year, period, on=on).errors]


def refuse_unreadable(errors: list[DataError]) -> None:
    """Stop a report whose figures have rows that could not be read, naming each (file, row, field, unit)."""
    if errors:
        raise DataErrors(errors, _("{count} row(s) of the figures this report reads could not be read, so it is "
                                   "not built (the other reports are); fix them:").format(count=len(errors)))
