"""Where an Excel input form keeps what: shared by the code that makes forms and the code that reads
them back, so the two cannot drift."""
from __future__ import annotations

from tuphap.inputs.registry import Unit

FORM_VERSION = "1"
META_SHEET = "tuphap"  # very hidden: form version, unit slug and year, which ingest reads
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
LABEL, UNIT, LAST_YEAR, THIS_YEAR, ID = "A", "B", "C", "D", "E"
UNIT_CELL = "A2"  # each section sheet names its unit here, for the people filling it in
YEAR_CELL = f"{THIS_YEAR}{HEADER_ROW}"  # and the year over the column they fill in
LAST_COLUMN = 5  # column E: the form's table spans A to E


def unit_line(unit: Unit) -> str:
    """The unit as a section sheet shows it: 'Thị trấn Tân Khai'."""
    return unit.full_name[:1].upper() + unit.full_name[1:]


def year_header(year: int) -> str:
    return f"Năm {year}"
