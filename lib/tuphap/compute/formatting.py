"""Vietnamese number and date formatting (Babel's 'vi' locale plus the Nghị định 30/2020 date rules)."""
from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "vi"
# Babel rounds in Decimal's default context (28 digits): a figure from 10^27 up makes it raise, and an
# infinite one prints as "∞". Inputs stop far below (limits.LARGEST_FIGURE); this guards what is computed.
_PRINTABLE = 10**26


class UnprintableFigure(ValueError):
    """A figure too large (or not finite) to be printed as a Vietnamese number."""


def printable(value: float) -> bool:
    """Whether a figure can be printed: finite, and small enough for Babel to round."""
    return math.isfinite(value) and abs(value) < _PRINTABLE


def _printable(value: float) -> float:
    if not printable(value):
        raise UnprintableFigure(value)
    return value


def count(value: float, *, pad: bool = True) -> str:
    """A count: 1.733; from one to nine with the customary leading zero (07) unless pad is False.
    Zero is 0, never 00; prose says "không có" instead where it reads better (prose.py's |co)."""
    whole = round(_printable(value))
    return format_decimal(whole, "#,#00" if pad and 0 < whole < 10 else "#,##0", locale=LOCALE)


def number(value: float) -> str:
    """A measured quantity: 3; 3,5; 1.250,75 (up to two decimals, no padding)."""
    return format_decimal(_printable(value), "#,##0.##", locale=LOCALE)


def percent(value: float) -> str:
    """A share given in percent (66.666 -> 66,7%; 100 -> 100%)."""
    return format_percent(_printable(value) / 100, "#,##0.#%", locale=LOCALE)


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


def flag(value: float, yes: str, no: str) -> str:
    """A yes/no result in words: 1 -> 'đạt', 0 -> 'chưa đạt' (the words of the indicator)."""
    return yes if value else no


def timestamp(iso: str) -> str:
    """When something was made, from an ISO 8601 time: '10:32 ngày 01/12/2026'."""
    moment = dt.datetime.fromisoformat(iso)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def moment(value: dt.datetime, *, with_time: bool = True) -> str:
    """When something arrived, in a table: '25/10/2024 15:40' (the clock where it was recorded), or
    the day alone, '25/10/2024', when the time of day is not known."""
    return f"{value:%d/%m/%Y %H:%M}" if with_time else f"{value:%d/%m/%Y}"
