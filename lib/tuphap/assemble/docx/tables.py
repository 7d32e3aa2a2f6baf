"""The report's tables and figures: the two-column header and signature blocks (tables without
borders), data tables (ruled, numbers at right) and charts (picture, numbered caption, their figures)."""
from __future__ import annotations

import base64
import io

from bs4 import Tag
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt
from docx.table import Table

from tuphap.assemble.docx import ooxml
from tuphap.assemble.docx.text import TEXT_WIDTH_MM, RunStyle, Writing, centred_paragraph, classes, rule, runs

CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
# How each line of the header and signature cells looks, by its class; the first matching class wins.
ISSUER_LINES = {"issuer-parent": {"size": 13}, "issuer-body": {"bold": True, "size": 13},  # a parent body is not bold
                "issuer-unit": {"bold": True, "size": 13}, "doc-number": {"size": 13}, "rule": {"width": 0.35}}
NATION_LINES = {"national-name": {"bold": True, "size": 12.5}, "motto": {"bold": True, "size": 13.5},
                "place-date": {"italic": True, "size": 14}, "rule": {"width": 0.52}}
RECIPIENT_LINES = {"recipients-title": {"bold": True, "italic": True, "size": 12, "align": LEFT},
                   "recipient": {"size": 11, "align": LEFT}}
SIGNER_LINES = {"signer-behalf": {"bold": True}, "signer-title": {"bold": True}, "signer-name": {"bold": True},
                "signer-space": {"space": Cm(2.8)}}


def _borderless_table(writer: Writing, widths_mm: list[float]) -> Table:
    table = writer.document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    ooxml.without_borders_or_cell_margins(table)
    # LibreOffice lays columns out by the grid, Word by the cells: set both.
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm):
        column.width = cell.width = Mm(width)
    return table


def _cell_lines(writer: Writing, cell, tag: Tag, styles: dict[str, dict]) -> None:
    """Each <div>/<p> of an HTML cell as one centred paragraph, styled by its class."""
    for number, line in enumerate(tag.find_all(["div", "p"], recursive=False)):
        style = next((style for name, style in styles.items() if name in classes(line)), {})
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.alignment = style.get("align", CENTER)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if "rule" in classes(line):
            rule(paragraph, style.get("width", 0.35))
            continue
        runs(writer, line, paragraph, RunStyle(bold=style.get("bold", False), italic=style.get("italic", False),
                                               size=style.get("size")))
        if style.get("space"):
            paragraph.paragraph_format.space_before = style["space"]


def document_header(writer: Writing, tag: Tag) -> None:
    """The two-column header: issuing body and number at left, national name, motto and date at right."""
    widths = [TEXT_WIDTH_MM * 0.38, TEXT_WIDTH_MM * 0.62]
    table = _borderless_table(writer, widths)
    issuer, nation = tag.find_all("td")[:2]
    left, right = table.rows[0].cells
    left.width, right.width = Mm(widths[0]), Mm(widths[1])
    _cell_lines(writer, left, issuer, ISSUER_LINES)
    _cell_lines(writer, right, nation, NATION_LINES)
    writer.document.add_paragraph().paragraph_format.space_after = Pt(0)


def signature(writer: Writing, tag: Tag) -> None:
    """'Nơi nhận' and recipients at left, the signer at right, side by side."""
    table = _borderless_table(writer, [TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
    recipients, signer = tag.find_all("td")[:2]
    left, right = table.rows[0].cells
    _cell_lines(writer, left, recipients, RECIPIENT_LINES)
    _cell_lines(writer, right, signer, SIGNER_LINES)


def data_table(writer: Writing, tag: Tag) -> None:
    """A ruled table, its head repeated on each page, numbers at right, columns sized to their text."""
    rows = tag.find_all("tr")
    if not rows:
        return
    grid = [[c.get_text(" ", strip=True) for c in r.find_all(["td", "th"])] for r in rows]
    columns = max(len(cells) for cells in grid)
    table = writer.document.add_table(rows=0, cols=columns)
    table.style = writer.document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word gives every column the same width; share the text width by each column's longest text instead.
    longest = [min(max((len(cells[i]) for cells in grid if i < len(cells)), default=1), 40) + 4 for i in range(columns)]
    widths = [Mm(TEXT_WIDTH_MM * n / sum(longest)) for n in longest]
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in rows:
        cells = row.find_all(["td", "th"])
        word_row = table.add_row()
        if all(c.name == "th" for c in cells):
            ooxml.repeat_on_every_page(word_row)
        for word_cell, cell, width in zip(word_row.cells, cells, widths):
            word_cell.width = width
            paragraph = word_cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            number = "number" in classes(cell)
            paragraph.alignment = CENTER if cell.name == "th" or "rank" in classes(cell) else RIGHT if number else LEFT
            runs(writer, cell, paragraph, RunStyle(bold=cell.name == "th", size=12))
    writer.document.add_paragraph().paragraph_format.space_after = Pt(0)


def figure(writer: Writing, tag: Tag) -> None:
    """A chart: the picture, its numbered caption, then the table of its figures, kept together."""
    image = tag.find("img")
    source = image.get("src", "") if image else ""
    last = None
    if source.startswith("data:image/"):
        last = centred_paragraph(writer)
        last.paragraph_format.keep_with_next = True
        last.paragraph_format.space_after = Pt(0)
        last.add_run().add_picture(io.BytesIO(base64.b64decode(source.split(",", 1)[1])), width=Cm(15))
    caption = tag.find("figcaption")
    if caption:
        writer.charts += 1
        last = centred_paragraph(writer)
        number = last.add_run(f"Biểu đồ {writer.charts}. ")  # the stylesheet's counter, written out
        number.italic, number.font.size = True, Pt(12)
        runs(writer, caption, last, RunStyle(italic=True, size=12))
    data = tag.select_one("table.chart-table")
    if data:  # the charted figures, so that none exists only as pixels
        if last is not None:
            last.paragraph_format.keep_with_next = True
        data_table(writer, data)
