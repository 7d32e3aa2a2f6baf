"""The words of a document that prose can name as {word}: the placeholder vocabulary, as pure functions
of the registry row, the params and the year (validation checks narratives against the same words)."""
from __future__ import annotations

from tuphap.compute import formatting
from tuphap.inputs.params import Period, ReportParams, RollupParams
from tuphap.inputs.registry import Unit
from tuphap.inputs.report_kinds import PeriodRule


def year_words(year: int) -> dict[str, str]:
    return {"year": str(year), "next_year": str(year + 1), "prev_year": str(year - 1)}


def period_note(period: Period | None) -> str:
    """'(số liệu thực tế tính từ 01/01/2024 đến 16/10/2024)', or '' without a data period."""
    if period is None:
        return ""
    return f"(số liệu thực tế tính từ {formatting.date_short(period.start)} đến {formatting.date_short(period.end)})"


def actual_period(params: ReportParams, rule: PeriodRule, year: int) -> Period:
    """The days whose figures are actual: the params' data_period, else the kind's rule (from the
    period's start to its default actual day)."""
    return params.data_period or Period(start=rule.day("start", year), end=rule.day("actual_to", year))


def period_words(params: ReportParams, rule: PeriodRule, year: int) -> dict[str, str]:
    """{period_start}, {period_end}: the days the report covers; {actual_to}: the last day of actual
    figures; {actual_period}: 'từ ngày 01/01/2025 đến ngày 31/5/2025'."""
    actual = actual_period(params, rule, year)
    return {
        "period_start": formatting.date_short(rule.day("start", year)),
        "period_end": formatting.date_short(rule.day("end", year)),
        "actual_to": formatting.date_short(actual.end),
        "actual_period": f"từ ngày {formatting.date_short(actual.start)} đến ngày {formatting.date_short(actual.end)}",
    }


def commune_words(unit: Unit, params: ReportParams, year: int, period: PeriodRule | None = None) -> dict[str, str]:
    """A commune report's words: {year}, {unit_kind}, {hamlet}, {request}, {period_note}, ..., and with
    the kind's period rule those of period_words."""
    return {
        **year_words(year),
        "unit_kind": unit.kind, "unit_name": unit.name, "unit_full": unit.full_name,
        "hamlet": unit.hamlet_kind, "district": unit.district, "province": unit.province,
        "request": params.request, "period_note": period_note(params.data_period),
        **(period_words(params, period, year) if period else {}),
    }


def rollup_words(area: str, params: RollupParams, year: int, communes: int, period: PeriodRule | None = None
                 ) -> dict[str, str]:
    """A roll-up's words: {year}, {area}, {area_full}, {issuer_unit}, {communes} (how many are added
    up), {request}, {period_note}, and with its kind's period rule {period_name} ("năm", "6 tháng đầu
    năm": what the period is called before its year), {period_name_caps} (in capitals, for headings)
    and those of period_words."""
    return {
        **year_words(year),
        "area": area, "area_full": params.area_full, "issuer_unit": params.issuer_unit,
        "communes": formatting.count(communes), "request": params.request, "period_note": period_note(params.data_period),
        **({"period_name": period.name, "period_name_caps": period.name.upper(), **period_words(params, period, year)}
           if period else {}),
    }
