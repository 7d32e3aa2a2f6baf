"""Reading figures as people write them, the Vietnamese way: '.' groups thousands, ',' marks decimals.

One parser for every place a figure enters the project (values CSV files, text cells of Excel forms),
so that '1.733' means the same everywhere. What it accepts, for a field of indicator type `kind`:

- plain digits, with leading zeros: '1733', '07', '0';
- thousands grouped by '.' or by spaces (also non-breaking and thin spaces): '1.733', '12.500.000', '1 733';
- ',' as the decimal mark: '66,7', '1.250,75', '3,5';
- '.' as a decimal point only where it cannot be a thousands separator, i.e. not followed by exactly
  three digits: '3.5', '99.45', '0.125', '1250.75' (how the project's CSV files store decimals);
- a leading minus sign (ranges are checked elsewhere); for percents a trailing '%': '66,7%';
- nothing larger than limits.LARGEST_FIGURE (10^15), in either sign: a figure beyond it cannot be
  printed exactly, and a commune's figures never approach it.

What it rejects, with a message saying how to write the figure instead:
- text ('mười', 'n/a', '12 vụ'), formulas, an empty string (callers treat an empty cell as "not reported");
- a whole-number count written with a decimal part, notably '1,733': in Vietnamese that is 1,733 (one
  point seven...), not one thousand seven hundred thirty-three;
- '1.733' for a number or percent: both "1733" (Vietnamese grouping) and "1.733" (decimal point) are
  common readings, so the parser will not guess;
- English notation mixing both marks ('1,733.5') and malformed groups ('17.33.3', '1 73').
"""
from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from tuphap.i18n import _
from tuphap.limits import LARGEST_FIGURE

MINUS_SIGNS = "-\u2212"  # hyphen-minus and the typographic minus
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_GROUPS = r"[1-9][0-9]{0,2}(?:([. ])[0-9]{3})(?:\%d[0-9]{3})*"  # %d: the group number of the separator
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(_GROUPS % 1)
_COMMA_DECIMAL = re.compile(rf"([0-9]+|{_GROUPS % 2}),([0-9]+)")
_POINT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")


class NumberError(ValueError):
    """A text that is not a figure, with a message that says how to write it."""


def _digits(text: str) -> str:
    return text.replace(".", "").replace(" ", "")


def _decimal(text: str, kind: str) -> Decimal:
    """The figure in `text` (already stripped of sign and '%'), or NumberError saying what is wrong."""
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if _GROUPED.fullmatch(text):
        if kind != "count" and text.count(".") == 1:
            raise NumberError(_("is ambiguous: write {grouped} if '.' groups thousands, or {decimal} if it is a "
                                "decimal point (',' is the decimal mark)").format(grouped=_digits(text),
                                                                                   decimal=text.replace(".", ",")))
        return Decimal(_digits(text))
    match = _COMMA_DECIMAL.fullmatch(text)
    if match:
        return Decimal(f"{_digits(match.group(1))}.{match.group(3)}")
    if _POINT_DECIMAL.fullmatch(text):
        return Decimal(text)
    if re.fullmatch(r"[0-9., ]*[0-9][0-9., ]*", text):
        if "," in text and "." in text and text.rindex(".") > text.rindex(","):
            raise NumberError(_("is written the English way; in Vietnamese '.' groups thousands and ',' marks "
                                "decimals (1.733,5), or write it plainly (1733.5)"))
        raise NumberError(_("is not a well-formed number: group thousands by three digits (1.733 or 1 733) "
                            "and use ',' for decimals (66,7), or write it plainly (1733)"))
    raise NumberError(_("is not a number"))


def parse_number(text: str, kind: str = "number") -> float:
    """The figure written in `text` for an indicator of type `kind` (count, number, percent)."""
    shown = text.strip()
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        raise NumberError(_("empty: leave a cell empty only for a figure that is not reported"))
    negative = text[0] in MINUS_SIGNS
    body = text[1:].lstrip() if negative else text
    if kind == "percent" and body.endswith("%"):
        body = body[:-1].rstrip()
    try:
        value = _decimal(body, kind)
    except NumberError as exc:
        raise NumberError(f"{shown!r} {exc}") from None
    if abs(value) > LARGEST_FIGURE:
        raise NumberError(_("{text!r} is larger than the largest figure accepted, {limit} (see Limits in "
                            "docs/data-format.md)").format(text=shown if len(shown) <= 30 else shown[:20] + "…",
                                                           limit=f"{LARGEST_FIGURE:,}".replace(",", ".")))
    if kind == "count" and value != value.to_integral_value():
        hint = (_(" (',' is the decimal mark in Vietnamese, so {text!r} is not {whole})").format(
                    text=shown, whole=_digits(body.replace(",", ""))) if "," in body else "")
        raise NumberError(_("{text!r} is not a whole number, and this indicator counts things{hint}: "
                            "write 1733 or 1.733").format(text=shown, hint=hint))
    return float(-value if negative else value) + 0.0  # + 0.0: no negative zero


def plain(value: float) -> str:
    """The form the project's CSV files store a figure in: '1733', '3.5', '99.45'; never grouped.
    A figure with exactly three decimals gets a trailing zero ('1.1250'): '1.125' would be ambiguous."""
    if not math.isfinite(value):
        raise NumberError(_("{value!r} is not a finite number").format(value=value))
    if float(value).is_integer():
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    if len(text.partition(".")[2]) == 3:
        text += "0"
    return text
