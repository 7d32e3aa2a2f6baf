"""The figures of one (unit, year): stored values plus rates and averages derived from them, formatted
for prose. value() is numeric only (a flag is 1.0 or 0.0); a text indicator is read with text()."""
from __future__ import annotations

from dataclasses import dataclass, field

from tuphap.compute import formatting
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.catalogue import Catalogue, Indicator


@dataclass(frozen=True)
class Figures:
    catalogue: Catalogue
    values: dict[str, float | str]
    # The stored figures that are estimates, not actual (keyword-only: subclasses add positional fields).
    estimates: frozenset[str] = field(default=frozenset(), kw_only=True)

    def is_estimate(self, indicator_id: str) -> bool:
        """Whether the figure rests on an estimate: stored as one, a rate or average of one, or a total
        not entered whose parts include one."""
        ind = self.catalogue[indicator_id]
        if ind.derived:
            return self.is_estimate(ind.numerator) or self.is_estimate(ind.denominator)
        if indicator_id in self.values:
            return indicator_id in self.estimates
        return any(part.id in self.estimates for part in self.catalogue.parts(indicator_id))

    def value(self, indicator_id: str) -> float | None:
        """The stored figure (for a total not entered, the sum of its parts), or for a rate or average
        the one computed from numerator and denominator;
        None when unknown, and always for a text, so that arithmetic never meets a string."""
        ind = self.catalogue[indicator_id]
        if ind.type == "text":
            return None
        if ind.derived:
            return ind.ratio(self.value(ind.numerator), self.value(ind.denominator))
        stored = self.values.get(indicator_id)
        return stored if stored is not None else self._sum_of_parts(indicator_id)

    def _sum_of_parts(self, total_id: str) -> float | None:
        """A total not entered is the sum of its parts when every part is entered (240 visits by the
        officers and 48 by the leaders are 288 visits); with any part missing it stays unknown."""
        parts = [self.values.get(part.id) for part in self.catalogue.parts(total_id)]
        if not parts or any(value is None or isinstance(value, str) for value in parts):
            return None
        return float(sum(parts))

    def text(self, indicator_id: str) -> str | None:
        """A text indicator's value as written; None when not reported and for every other type."""
        if self.catalogue[indicator_id].type != "text":
            return None
        return self.values.get(indicator_id)

    def has(self, indicator_id: str) -> bool:
        return self.value(indicator_id) is not None or self.text(indicator_id) is not None

    def format(self, indicator_id: str, *, pad: bool = True) -> str | None:
        """As prose prints it: 1.733; 07; 66,7%; 465; the flag's word; the text as written."""
        text = self.text(indicator_id)
        if text is not None:
            return text
        value = self.value(indicator_id)
        if value is None:
            return None
        return format_value(self.catalogue[indicator_id], value, pad=pad)

    def present_parts(self, total_id: str) -> list[Indicator]:
        return [part for part in self.catalogue.parts(total_id) if self.has(part.id)]


def format_value(ind: Indicator, value: float, *, pad: bool = True) -> str:
    """A figure of this indicator as printed (texts are printed as written, not through here);
    TuphapError naming the indicator for one too large to print (never '∞')."""
    try:
        if ind.type == "count":
            return formatting.count(value, pad=pad)
        if ind.type in ("percent", "rate"):
            return formatting.percent(value)
        if ind.type == "flag":
            return formatting.flag(value, *ind.flag_words)
        return formatting.number(value)
    except formatting.UnprintableFigure:
        raise TuphapError(_("the figure of {indicator} ({value:.3g}) is too large to print; check the figures "
                            "it is computed from").format(indicator=ind.id, value=value)) from None
