"""data/rollup.csv: how the indicators that do not add up roll up to a district or province (the
smallest team: min), overriding the default of their type."""
from __future__ import annotations

from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.catalogue import Catalogue
from tuphap.inputs.tables import read_table

RULES = ("sum", "min", "max", "range")


def load_rollup_rules(path: Path, catalogue: Catalogue) -> dict[str, str]:
    """data/rollup.csv: indicator,rule rows overriding the default of the indicator's type."""
    if not path.is_file():
        return {}
    rules = {}
    for row in read_table(path, ("indicator", "rule")):
        indicator, how = row["indicator"], row["rule"]
        if indicator not in catalogue:
            raise DataError(path, _("unknown indicator {indicator!r} (not in data/indicators.csv)").format(indicator=indicator),
                            row=row["_row"], field="indicator")
        ind = catalogue[indicator]
        if how not in RULES or ind.derived or not ind.quantity or (how == "sum" and ind.type != "count"):
            raise DataError(path, _("rule {rule!r} for a {type}: use one of {rules} ('sum' for counts only; "
                                    "rates and averages are always recomputed from their numerator and denominator, "
                                    "flags counted, texts not rolled up: they take no rule)").format(
                                rule=how, type=ind.type, rules=", ".join(RULES)),
                            row=row["_row"], field="rule")
        rules[indicator] = how
    return rules
