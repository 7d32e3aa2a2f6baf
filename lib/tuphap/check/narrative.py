"""Checks of a unit's narrative file: placeholders that name nothing, and figures typed where a
placeholder belongs."""
from __future__ import annotations

import re
from pathlib import Path

from tuphap.check.findings import Finding
from tuphap.check.rules import Rule, fill_message
from tuphap.compute.figures import Figures
from tuphap.compute.prose import MODIFIERS, PLACEHOLDER, footnote_problem
from tuphap.inputs.narrative import load_narrative, read_narrative_text

# A typed figure: digits, with Vietnamese thousands dots or a decimal comma, maybe a percent sign.
_NUMBER = re.compile(r"(?<![\w/.,-])(\d+(?:[.,]\d+)*)(%?)(?![\w/-]|[.,]\d)")


# Words after which a number is a date part, a period or the name of a document, not a figure.
_REFERENCE_BEFORE = re.compile(
    r"(?:ngày|tháng|năm|quý|điều|khoản|điểm|chương|mục|phần|giai đoạn|lần thứ|khóa|đề án|dự án|chương trình"
    r"|kế hoạch|quyết định|nghị quyết|nghị định|thông tư|chỉ thị|công văn|thông báo)(?:\s+số)?\s*$", re.IGNORECASE)


_AFTER_PERIOD = re.compile(r"^\s*(?:tháng|năm|quý)\b", re.IGNORECASE)


_NUMBERING = re.compile(r"^\s*(?:[-*+]\s+)?(?:\d+\.)+\d*\s|^\s*\d+\)\s")


_HEADING = re.compile(r"^##\s+[a-z0-9_.-]+\s*$")


_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]]*\]")


def _number_value(text: str) -> float | None:
    """'1.733' -> 1733, '66,7' -> 66.7, '3' -> 3 (Vietnamese style; None if ambiguous)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    return None


def typed_figures(line: str) -> list[str]:
    """The figures typed in one line of prose (placeholders removed), ignoring years (1900–2100), dates
    and document numbers (12/12/2023, 01/2020/TT-BTP), day/month/year words ('ngày 24 tháng 8'),
    periods ('6 tháng'), references ('Điều 5', 'Đề án 06'), numbering at the start of a line ('1.1.')
    and what Vietnamese does not write as a number ('4.0', '1.2.3')."""
    if _NUMBERING.match(line):
        line = _NUMBERING.sub(lambda m: " " * len(m.group(0)), line, count=1)
    line = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), _FOOTNOTE_LABEL.sub("", line))
    found = []
    for match in _NUMBER.finditer(line):
        digits, percent = match.groups()
        if not percent and re.fullmatch(r"\d{4}", digits) and 1900 <= int(digits) <= 2100:
            continue
        if _REFERENCE_BEFORE.search(line[:match.start()]) or (not percent and _AFTER_PERIOD.match(line[match.end():])):
            continue
        if _number_value(digits) is None:
            continue  # not a number as Vietnamese writes one: a name or a numbering ('4.0', '1.2.3')
        found.append(digits + percent)
    return found


def _indicators_with_value(figures: Figures, text: str) -> list[str]:
    value = _number_value(text.rstrip("%"))
    if value is None:
        return []
    matches = []
    for ind in figures.catalogue:
        mine = figures.value(ind.id)
        if mine is None or not ind.quantity:  # a flag's 1 is not a figure someone would type
            continue
        if (ind.type in ("percent", "rate")) != text.endswith("%"):
            continue
        if round(mine, 1) == round(value, 1):
            matches.append(ind.id)
    return matches


def check_narrative(path: Path, figures: Figures, words: dict[str, str], rules: list[Rule],
                    unit: str, year: int) -> list[Finding]:
    """Placeholders that name nothing (errors) and figures typed where a placeholder belongs (warnings),
    with the file's line numbers."""
    by_check = {rule.check: rule for rule in rules if rule.check in ("typed_figure", "unknown_placeholder")}
    text = read_narrative_text(path)
    findings = []

    def add(rule: Rule, indicator: str, line: int, expected: str, found: str, message: str) -> None:
        label = figures.catalogue[indicator].label if indicator in figures.catalogue else ""
        message_vi = fill_message(rule, {"label": label, "indicator": indicator, "expected": expected,
                                          "found": found, "year": year, "line": line})
        findings.append(Finding(rule.severity, rule.id, unit, year, indicator, str(path), line, expected, found,
                                message, message_vi))

    lines = text.splitlines()
    for block in load_narrative(path).values():  # footnotes belong to a block: [^1] and '[^1]:' in the same one
        problem = footnote_problem(block.text)
        if problem:
            line = next((number for number in range(block.line, len(lines) + 1) if problem.written in lines[number - 1]),
                        block.line)
            findings.append(Finding("error", "footnote", unit, year, "", str(path), line, "", problem.written,
                                    problem.message(), problem.message_vi()))
    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADING.match(line):
            continue
        if "unknown_placeholder" in by_check:
            for match in PLACEHOLDER.finditer(line):
                name, modifier = match.group(1), match.group(2) or ""
                known = name in figures.catalogue if "." in name else name in words
                if not known or (modifier and modifier not in MODIFIERS):
                    what = "no indicator in data/indicators.csv" if "." in name and not known else (
                        f"no word ({', '.join(sorted(words))})" if not known else f"an unknown modifier (use {', '.join(MODIFIERS)})")
                    add(by_check["unknown_placeholder"], name if "." in name else "", number, "", match.group(0),
                        f"placeholder {match.group(0)} names {what}")
        if "typed_figure" in by_check:
            for typed in typed_figures(line):
                matches = _indicators_with_value(figures, typed)
                expected = " / ".join(f"{{{ind}}}" for ind in matches) or "một chỗ trống {chỉ_tiêu}"
                having = f"; {', '.join(matches)} has this value" if matches else ""
                add(by_check["typed_figure"], ", ".join(matches), number, expected, typed,
                    f"the figure {typed} is typed into the prose; write a placeholder instead{having}")
    return findings
