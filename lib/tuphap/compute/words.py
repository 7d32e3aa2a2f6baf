"""The words of a document that prose can name as {word}: the placeholder vocabulary, as pure functions
of the registry row, the params and the year (validation checks narratives against the same words)."""
from __future__ import annotations

from tuphap.compute import formatting
from tuphap.inputs.params import Period, ReportParams, RollupParams
from tuphap.inputs.registry import Unit


def year_words(year: int) -> dict[str, str]:
    return {"year": str(year), "next_year": str(year + 1), "prev_year": str(year - 1)}


def period_note(period: Period | None) -> str:
    """'(số liệu thực tế tính từ 01/01/2024 đến 16/10/2024)', or '' without a data period."""
    if period is None:
        return ""
    return f"(số liệu thực tế tính từ {formatting.date_short(period.start)} đến {formatting.date_short(period.end)})"


def commune_words(unit: Unit, params: ReportParams, year: int) -> dict[str, str]:
    """A commune report's words: {year}, {unit_kind}, {hamlet}, {request}, {period_note}, ..."""
    return {
        **year_words(year),
        "unit_kind": unit.kind, "unit_name": unit.name, "unit_full": unit.full_name,
        "hamlet": unit.hamlet_kind, "district": unit.district, "province": unit.province,
        "request": params.request, "period_note": period_note(params.data_period),
    }


def rollup_words(area: str, params: RollupParams, year: int, communes: int) -> dict[str, str]:
    """A roll-up's words: {year}, {area}, {area_full}, {issuer_unit}, {communes} (how many are added
    up), {request}, {period_note}."""
    return {
        **year_words(year),
        "area": area, "area_full": params.area_full, "issuer_unit": params.issuer_unit,
        "communes": formatting.count(communes), "request": params.request, "period_note": period_note(params.data_period),
    }
