import datetime as dt

import pytest

from tuphap.compute import formatting


@pytest.mark.parametrize("value, text", [(1733, "1.733"), (3850, "3.850"), (7, "07"), (1, "01"), (0, "0"),
                                         (10, "10"), (1234567, "1.234.567")])
def test_counts_use_dots_for_thousands_and_pad_one_to_nine(value, text):
    assert formatting.count(value) == text


def test_counts_without_padding():
    assert formatting.count(7, pad=False) == "7"


@pytest.mark.parametrize("value, text", [(3, "3"), (3.5, "3,5"), (1250.75, "1.250,75")])
def test_numbers_use_a_decimal_comma(value, text):
    assert formatting.number(value) == text


@pytest.mark.parametrize("value, text", [(200 / 3, "66,7%"), (100, "100%"), (0, "0%"), (12.25, "12,2%")])
def test_percentages(value, text):
    assert formatting.percent(value) == text


@pytest.mark.parametrize("day, text", [
    (dt.date(2023, 12, 12), "12/12/2023"), (dt.date(2024, 1, 1), "01/01/2024"),
    (dt.date(2018, 3, 10), "10/3/2018"), (dt.date(2015, 2, 16), "16/02/2015"), (dt.date(2020, 3, 5), "05/3/2020"),
])
def test_short_dates_follow_decree_30(day, text):
    assert formatting.date_short(day) == text


@pytest.mark.parametrize("day, text", [
    (dt.date(2024, 10, 25), "ngày 25 tháng 10 năm 2024"), (dt.date(2020, 3, 5), "ngày 05 tháng 3 năm 2020"),
    (dt.date(2021, 2, 1), "ngày 01 tháng 02 năm 2021"),
])
def test_long_dates_follow_decree_30(day, text):
    assert formatting.date_long(day) == text
