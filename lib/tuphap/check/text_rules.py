"""What must never be printed, as patterns over a document's text: a count written "00", a placeholder
left unfilled, Markdown or HTML shown as text, words that only program code writes."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_EXCERPT = 30  # characters of context on each side of what a finding quotes

# A count of zero padded like the counts below ten ("00 trường hợp"), not part of a date (01/01/2024),
# a time (10:00, 00h30), a document number (00/BC-UBND) or a longer number (2.000, 100%, 1,00).
_ZERO_PADDED = re.compile(r"(?<![\w.,:/\-–])0{2,}(?![\w/\-–]|[.,:]\d)")


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*(?:\|[A-Za-z_]*)?\}")


_MARKDOWN = [
    (re.compile(r"\*\*"), "**"),
    (re.compile(r"(?<![\w/])__|__(?![\w/])"), "__"),  # not the underscores inside a file or field name
    (re.compile(r"`"), "`"),
    (re.compile(r"(?m)^ *#{1,6}(?: |$)"), "#"),
    (re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)"), "[text](url)"),
    (re.compile(r"\^\["), "^["),
    (re.compile(r"\[\^"), "[^"),
]


_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?=[\s/>])|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


# What Python, pandas, JavaScript or a template engine print, never Vietnamese prose (case-sensitive, whole
# words; English brand names such as Zalo or Facebook are not flagged).
_ENGLISH = re.compile(
    r"(?<![\w])(?:None|nan|NaN|NaT|inf|Infinity|True|False|Traceback|undefined|null|"
    r"[A-Z][A-Za-z]*Error|Error|[A-Z][A-Za-z]*Exception|Exception)(?![\w])"
    r"|object at 0x[0-9a-fA-F]*|<Fragment\b|<NA>|\bdtype: \w+")


@dataclass(frozen=True)
class Hit:
    rule: str
    found: str
    detail: str = ""  # what the message names (the Markdown sign, the word)


def excerpt(text: str, start: int, end: int) -> str:
    """The match with a little context, on one line."""
    left, right = max(0, start - _EXCERPT), min(len(text), end + _EXCERPT)
    snippet = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return re.sub(r"\s+", " ", snippet).strip()


def text_hits(text: str) -> Iterable[Hit]:
    for match in _ZERO_PADDED.finditer(text):
        yield Hit("doc_zero_padded", excerpt(text, match.start(), match.end()), match.group(0))
    for match in _PLACEHOLDER.finditer(text):
        yield Hit("doc_placeholder", excerpt(text, match.start(), match.end()), match.group(0))
    for pattern, sign in _MARKDOWN:
        for match in pattern.finditer(text):
            yield Hit("doc_markdown", excerpt(text, match.start(), match.end()), sign)
    for match in _MARKUP.finditer(text):
        yield Hit("doc_markup", excerpt(text, match.start(), match.end()), match.group(0))
    for match in _ENGLISH.finditer(text):
        yield Hit("doc_english", excerpt(text, match.start(), match.end()), match.group(0).strip())


TEXT_MESSAGES: dict[str, Callable[[str], tuple[str, str, str]]] = {
    # rule -> detail -> (expected, message, message_vi)
    "doc_zero_padded": lambda d: (
        "0, or words such as 'không có'",
        f"a count written '{d}': a reader expects 0 or 'không' (counts below ten take one leading zero: 07)",
        f"Số liệu ghi “{d}”: cần ghi 0 hoặc diễn đạt bằng chữ (ví dụ “không có”); chỉ số đếm từ 1 đến 9 mới thêm số 0 phía trước (07)"),
    "doc_placeholder": lambda d: (
        "a figure or word",
        f"a placeholder left unfilled: {d}",
        f"Còn sót chỗ giữ chỗ chưa được điền số liệu: {d}"),
    "doc_markdown": lambda d: (
        "formatted text",
        f"Markdown shown as text ({d})",
        f"Còn sót ký hiệu định dạng Markdown hiển thị thành chữ ({d})"),
    "doc_markup": lambda d: (
        "text",
        f"HTML markup shown as text ({d})",
        f"Còn sót mã HTML hiển thị thành chữ ({d})"),
    "doc_english": lambda d: (
        "Vietnamese text",
        f"'{d}' comes from program code, not from the report's wording",
        f"Còn sót chữ “{d}” do chương trình sinh ra, không thuộc lời văn báo cáo"),
}


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
