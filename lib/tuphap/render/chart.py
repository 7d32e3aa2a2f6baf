"""A chart as the report shows it: the picture, and every charted figure in words and in a table.

A figure must never exist only as pixels: the image's alt text states each figure, and under the
picture a small table (inside <details> on screen, always shown in print and in Word) holds them.
Drawing is drawing.py's job; this module has no matplotlib, so prose-only cells stay quick.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

_TEMPLATES = Environment(loader=PackageLoader("tuphap", "templates"), autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Chart:
    """What a chart shows. `kind` is 'bars' (one value per category, one unit for all) or 'years'
    (a value per category for each of `columns`, e.g. last year and this year)."""
    kind: str
    caption: str
    labels: list[str]
    units: list[str]  # the unit of measure of each category
    columns: list[str]  # a heading per series: ['Số liệu'] or ['Năm 2023', 'Năm 2024']
    values: list[list[float | None]]  # [series][category]
    texts: list[list[str]]  # the same, formatted as the report prints them; '' for no figure
    axis: str = ""  # the value axis' title, where the chart has one

    def statement(self) -> str:
        """Every figure in one sentence, for the alt text: 'Đăng ký khai sinh: 286 trường hợp; …'."""
        items = []
        for i, label in enumerate(self.labels):
            if len(self.columns) == 1:
                items.append(f"{label}: {_with_unit(self.texts[0][i], self.units[i])}")
            else:
                pairs = [f"{column.lower()} {_with_unit(texts[i], self.units[i])}"
                         for column, texts in zip(self.columns, self.texts) if texts[i]]
                items.append(f"{label}: {', '.join(pairs)}")
        return "; ".join(items) + "."


def _with_unit(text: str, unit: str) -> str:
    if not text:
        return "không có số liệu"
    return text if unit in ("", "%") else f"{text} {unit}"


def chart_html(chart: Chart, png: bytes) -> str:
    """The figure: the picture (alt text with every figure), its numbered caption, and its data table."""
    rows = [[label, unit, *(texts[i] or "—" for texts in chart.texts)]
            for i, (label, unit) in enumerate(zip(chart.labels, chart.units))]
    return _TEMPLATES.get_template("chart.html.j2").render(
        image=base64.b64encode(png).decode("ascii"), alt=f"Biểu đồ: {chart.caption}. {chart.statement()}",
        caption=chart.caption, heads=["Chỉ tiêu", "Đơn vị tính", *chart.columns], rows=rows,
    )

