"""Vietnamese number and date formatting (Babel's 'vi' locale plus the Nghị định 30/2020 date rules)."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "vi"


def count(value: float, *, pad: bool = True) -> str:
    """A count: 1.733; below ten with the customary leading zero (07) unless pad is False."""
    return format_decimal(round(value), "#,#00" if pad else "#,##0", locale=LOCALE)


def number(value: float) -> str:
    """A measured quantity: 3; 3,5; 1.250,75 (up to two decimals, no padding)."""
    return format_decimal(value, "#,##0.##", locale=LOCALE)


def percent(value: float) -> str:
    """A share given in percent (66.666 -> 66,7%; 100 -> 100%)."""
    return format_percent(value / 100, "#,##0.#%", locale=LOCALE)


def _day_month_pattern(day: dt.date) -> str:
    # Nghị định 30/2020: days below 10 and the months 1 and 2 take a leading zero.
    return "dd/MM/yyyy" if day.month <= 2 else "dd/M/yyyy"


def date_short(day: dt.date) -> str:
    """A date in running text: 12/12/2023, 05/3/2020, 01/01/2024."""
    return format_date(day, _day_month_pattern(day), locale=LOCALE)


def date_long(day: dt.date) -> str:
    """A date in the place-date line: 'ngày 05 tháng 3 năm 2020'."""
    month = "MM" if day.month <= 2 else "M"
    return format_date(day, f"'ngày' dd 'tháng' {month} 'năm' yyyy", locale=LOCALE)
