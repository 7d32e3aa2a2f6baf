"""The figures of one (unit, year): stored values plus rates derived from them, formatted for prose."""
from __future__ import annotations

from dataclasses import dataclass

from tuphap import formatting
from tuphap.catalogue import Catalogue, Indicator


@dataclass(frozen=True)
class Figures:
    catalogue: Catalogue
    values: dict[str, float]

    def value(self, indicator_id: str) -> float | None:
        """The stored value, or for a rate numerator / denominator in percent; None when unknown."""
        ind = self.catalogue[indicator_id]
        if not ind.derived:
            return self.values.get(indicator_id)
        top, bottom = self.value(ind.numerator), self.value(ind.denominator)
        if top is None or not bottom:
            return None
        return 100 * top / bottom

    def has(self, indicator_id: str) -> bool:
        return self.value(indicator_id) is not None

    def format(self, indicator_id: str, *, pad: bool = True) -> str | None:
        value = self.value(indicator_id)
        if value is None:
            return None
        return format_value(self.catalogue[indicator_id], value, pad=pad)

    def present_parts(self, total_id: str) -> list[Indicator]:
        return [part for part in self.catalogue.parts(total_id) if self.has(part.id)]


def format_value(ind: Indicator, value: float, *, pad: bool = True) -> str:
    if ind.type == "count":
        return formatting.count(value, pad=pad)
    if ind.type in ("percent", "rate"):
        return formatting.percent(value)
    return formatting.number(value)
