"""The indicator catalogue: what each figure means and how figures relate (part of, subset of, rate)."""
from __future__ import annotations

from dataclasses import dataclass

INDICATOR_TYPES = ("count", "number", "percent", "rate")


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

    @property
    def derived(self) -> bool:
        """Rates are computed from their numerator and denominator, never stored."""
        return self.type == "rate"


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
