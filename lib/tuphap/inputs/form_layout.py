"""Where an Excel input form keeps what: shared by the code that makes forms and the code that reads
them back, so the two cannot drift."""
from __future__ import annotations

from tuphap.inputs.registry import Unit
from tuphap.inputs.report_kinds import PeriodRule

FORM_VERSION = "1"  # the kind and period rows came later, optional: a form without them is the default kind's
META_SHEET = "tuphap"  # very hidden: form version, unit slug, year, report kind and period, which ingest reads
META_KEYS = ("form", "unit", "year", "kind", "period")  # column A of the hidden sheet, one a row; values in B
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
LABEL, UNIT, LAST_YEAR, THIS_YEAR, ID, ESTIMATE = "A", "B", "C", "D", "E", "F"
UNIT_CELL = "A2"  # each section sheet names its unit here, for the people filling it in
YEAR_CELL = f"{THIS_YEAR}{HEADER_ROW}"  # and the year over the column they fill in
LAST_COLUMN = 6  # column F: the form's table spans A to F (F only where its period has estimates)
ESTIMATE_WORDS = ("có", "không")  # the estimate column's drop-down; empty is "không"


def unit_line(unit: Unit) -> str:
    """The unit as a section sheet shows it: 'Thị trấn Tân Khai'."""
    return unit.full_name[:1].upper() + unit.full_name[1:]


def year_header(year: int, period: PeriodRule) -> str:
    """The heading of the column to fill in: 'Năm 2025', '6 tháng đầu năm 2025'."""
    return f"{period.name[:1].upper()}{period.name[1:]} {year}"


def has_estimates(period: PeriodRule) -> bool:
    """Whether a period's figures may be estimates: its actual figures stop before it ends."""
    return period.actual_to < period.end
