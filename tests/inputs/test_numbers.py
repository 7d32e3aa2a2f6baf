"""Reading figures the Vietnamese way, and the round trip with the report's formatting (Hypothesis)."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tuphap.compute import formatting
from tuphap.inputs.numbers import NumberError, parse_number, plain

counts = st.integers(min_value=0, max_value=10**12)
hundredths = st.integers(min_value=0, max_value=10**11).map(lambda n: n / 100)  # 'number' shows two decimals
tenths = st.integers(min_value=0, max_value=1000).map(lambda n: n / 10)  # percents show one
SPACES = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])


@given(counts, st.booleans())
def test_a_formatted_count_reads_back(n, pad):
    assert parse_number(formatting.count(n, pad=pad), "count") == n


@given(hundredths)
@example(1250.75)
@example(1282.0)
def test_a_formatted_number_reads_back(x):
    text = formatting.number(x)
    if re.fullmatch(r"\d{1,3}\.\d{3}", text):  # '1.282' is 1282 or 1,282: documented as ambiguous, never guessed
        with pytest.raises(NumberError, match="ambiguous"):
            parse_number(text, "number")
    else:
        assert parse_number(text, "number") == x


@given(tenths)
@example(66.7)
def test_a_formatted_percent_reads_back_with_or_without_its_sign(x):
    text = formatting.percent(x)
    assert parse_number(text, "percent") == x
    assert parse_number(text.removesuffix("%"), "percent") == x


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
@example(1.125)
@example(0.1)
def test_the_csv_form_reads_back_exactly(x):
    assert parse_number(plain(x), "number") == x


@given(counts)
def test_every_way_of_grouping_a_count_reads_the_same(n):
    grouped = formatting.count(n, pad=False)  # 1.733.000
    assert parse_number(str(n), "count") == n
    assert parse_number(grouped, "count") == n


@given(counts.filter(lambda n: n >= 1000), SPACES)
def test_thousands_grouped_by_any_space_read_the_same(n, space):
    assert parse_number(formatting.count(n, pad=False).replace(".", space), "count") == n


@given(st.text(min_size=1))
@example("mười")
@example("=1+2")
@example("1e5")
@example("nan")
@example("١٢")
@example("1²")
@example("１２")
def test_garbage_never_reads_as_a_number(text):
    """Whatever the text, the parser either raises NumberError or the text is made only of digits,
    the two marks, spaces, a sign and (for percents) '%' — so no letter or formula slips through."""
    for kind in ("count", "number", "percent"):
        try:
            value = parse_number(text, kind)
        except NumberError:
            continue
        assert re.fullmatch(r"[\s\u2212\-]*[0-9][0-9., \s]*%?\s*", text), (text, kind, value)
        if kind == "count":
            assert value == int(value)


@pytest.mark.parametrize("text, kind, value", [
    ("1733", "count", 1733), ("1.733", "count", 1733), ("1 733", "count", 1733), ("1\u00a0733", "count", 1733),
    ("07", "count", 7), ("0", "count", 0), ("12.500.000", "count", 12_500_000),
    ("66,7", "percent", 66.7), ("66,7%", "percent", 66.7), ("99.4", "percent", 99.4), ("100", "percent", 100),
    ("3,5", "number", 3.5), ("3.5", "number", 3.5), ("1.250,75", "number", 1250.75), ("0.125", "number", 0.125),
])
def test_accepted_forms(text, kind, value):
    assert parse_number(text, kind) == value


@pytest.mark.parametrize("text, kind, message", [
    ("1,733", "count", "'1,733' is not a whole number, and this indicator counts things (',' is the decimal mark"),
    ("1.733", "number", "'1.733' is ambiguous: write 1733 if '.' groups thousands, or 1,733"),
    ("1,733.5", "number", "written the English way"),
    ("17.33.3", "count", "not a well-formed number"),
    ("mười", "count", "'mười' is not a number"),
    ("12 vụ", "count", "'12 vụ' is not a number"),
    ("", "count", "empty"),
    ("=SUM(A1:A3)", "count", "is not a number"),
    ("5%", "count", "is not a number"),
])
def test_rejected_forms(text, kind, message):
    with pytest.raises(NumberError, match=re.escape(message)):
        parse_number(text, kind)
