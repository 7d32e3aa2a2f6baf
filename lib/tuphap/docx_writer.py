"""report.docx: the Word file of a report, written from the same print HTML as the PDF.

The assembled print page is walked element by element (header table, headings, paragraphs, lists,
charts, data tables, recipients and signature) and each element is mapped to python-docx, so the Word
file cannot say anything the HTML does not. Layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I: A4,
margins 20/20/30/15 mm, Times New Roman 14 pt, page numbers centred at the top from page 2, and the
HTML's inline footnotes become real Word footnotes (python-docx has no footnote API, so the footnotes
part is added through its OPC layer).
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_MM = 210 - 30 - 15
RED = RGBColor(0xB0, 0x00, 0x00)
CENTER, JUSTIFY, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not \s: the header's no-break spaces must stay


def _classes(tag: Tag) -> list[str]:
    return tag.get("class") or []


def _set_fonts(element, name: str = FONT) -> None:
    """Set every script's font (Vietnamese text would otherwise fall to the theme's font for some runs)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


class _Footnotes:
    """The footnotes part (word/footnotes.xml) with its two separators, filled note by note."""

    def __init__(self, document):
        self._root = parse_xml(
            f"<w:footnotes {nsdecls('w')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
        )
        part = XmlPart(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, self._root, document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        self.count = 0

    def add(self, paragraph: Paragraph) -> Paragraph:
        """A new footnote called from the end of `paragraph`; returns the note's paragraph to fill."""
        self.count += 1
        call = paragraph.add_run()
        call.font.superscript = True
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(self.count))
        call._r.append(reference)
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(self.count))
        body = OxmlElement("w:p")
        note.append(body)
        self._root.append(note)
        text = Paragraph(body, paragraph._parent)
        text.alignment = JUSTIFY
        text.paragraph_format.space_after = Pt(0)
        marker = text.add_run()
        marker.font.superscript = True
        marker._r.append(OxmlElement("w:footnoteRef"))
        text.add_run(" ")
        return text


class DocxWriter:
    def __init__(self, report):
        self.document = Document()
        self._properties(report)
        self._page_setup()
        self._styles()
        self.footnotes = _Footnotes(self.document)
        self.charts = 0
        self.tables = 0

    # -- page and styles --------------------------------------------------------------------
    def _properties(self, report) -> None:
        """Title, author (the issuing body), language, draft or final, and the data it was built from."""
        properties = self.document.core_properties
        properties.title, properties.author, properties.language = report.title, report.author, "vi-VN"
        properties.subject = report.mode_label
        properties.comments = f"Dữ liệu #{report.data_hash}"
        properties.created = properties.modified = dt.datetime.fromisoformat(report.built_at)
        properties.last_modified_by = report.author

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = Mm(10)
        # Page numbers centred in the top margin, not on page 1.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = CENTER
        self._field(number, "PAGE")

    @staticmethod
    def _field(paragraph: Paragraph, code: str) -> None:
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "2"), ("end", None)):
            run = paragraph.add_run()
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text == code:
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = f" {code} "
                run._r.append(instruction)
            else:
                run.text = text

    def _styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        _set_fonts(normal.element)
        language = OxmlElement("w:lang")  # Vietnamese, for Word's spelling and hyphenation
        language.set(qn("w:val"), "vi-VN")
        normal.element.get_or_add_rPr().append(language)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        for name in ("Header", "Table Grid"):
            if name in [s.name for s in self.document.styles]:
                self.document.styles[name].font.name = FONT

    # -- walking the page -------------------------------------------------------------------
    def write(self, page_html: str) -> bytes:
        soup = BeautifulSoup(page_html, "lxml")
        main = soup.select_one("main.document") or soup.body
        self._blocks(main)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def _blocks(self, parent: Tag) -> None:
        for child in parent.children:
            if isinstance(child, Tag):
                self._block(child)

    def _block(self, tag: Tag) -> None:
        classes = _classes(tag)
        if tag.name == "table" and "doc-header" in classes:
            self._doc_header(tag)
        elif tag.name == "table" and "signature" in classes:
            self._signature(tag)
        elif tag.name == "table":
            self._data_table(tag)
        elif tag.name == "figure":
            self._figure(tag)
        elif tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading(tag)
        elif tag.name == "p":
            self._paragraph(tag)
        elif tag.name in ("ul", "ol"):
            for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
                paragraph = self._body_paragraph()
                paragraph.add_run("- " if tag.name == "ul" else f"{number}. ")
                self._inline(item, paragraph)
        elif tag.name == "div" and "rule" in " ".join(classes):
            self._rule(self.document.add_paragraph(), 0.25)
        elif tag.name in ("style", "script", "title", "head"):
            return
        else:  # section, div and other wrappers
            self._blocks(tag)

    # -- text -------------------------------------------------------------------------------
    def _body_paragraph(self, *, indent: bool = True) -> Paragraph:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1)
        return paragraph

    def _paragraph(self, tag: Tag) -> None:
        classes = _classes(tag)
        if "sample-banner" in classes:
            paragraph = self.document.add_paragraph()
            paragraph.alignment = CENTER
            self._inline(tag, paragraph, size=11, color=RED)
        elif "table-caption" in classes:
            self.tables += 1
            paragraph = self.document.add_paragraph()
            paragraph.alignment = CENTER
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_after = Pt(3)
            run = paragraph.add_run(f"Bảng {self.tables}. ")  # the stylesheet's counter, written out
            run.italic, run.font.size = True, Pt(12)
            self._inline(tag, paragraph, italic=True, size=12)
        elif "doc-subject" in classes or "part-label" in classes:
            paragraph = self.document.add_paragraph()
            paragraph.alignment = CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            self._inline(tag, paragraph, bold=True)
        else:
            paragraph = self._body_paragraph()
            self._inline(tag, paragraph, color=RED if "missing" in classes else None)

    def _heading(self, tag: Tag) -> None:
        italic = "italic" in _classes(tag) or "bold-italic" in _classes(tag)
        bold = "italic" not in _classes(tag)
        centred = tag.name in ("h1", "h2")
        paragraph = self.document.add_paragraph() if centred else self._body_paragraph()
        if centred:
            paragraph.alignment = CENTER
        if "doc-title" in _classes(tag):
            paragraph.paragraph_format.space_before = Pt(18)
            paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.keep_with_next = True
        self._inline(tag, paragraph, bold=bold, italic=italic)

    def _inline(self, tag: Tag, paragraph: Paragraph, *, bold: bool = False, italic: bool = False,
                size: float | None = None, color: RGBColor | None = None) -> None:
        """The tag's text as runs: emphasis, red missing markers, line breaks and footnotes."""
        for child in tag.children:
            if isinstance(child, NavigableString):
                text = _SPACE.sub(" ", str(child))
                if text.strip() or (text and paragraph.runs):
                    run = paragraph.add_run(text)
                    run.bold, run.italic = bold or None, italic or None
                    if size:
                        run.font.size = Pt(size)
                    if color is not None:
                        run.font.color.rgb = color
            elif child.name == "br":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif child.name == "span" and "footnote" in _classes(child):
                note = self.footnotes.add(paragraph)
                self._inline(child, note, size=11)
                for run in note.runs:
                    run.font.size = Pt(11)
            elif child.name in ("em", "i"):
                self._inline(child, paragraph, bold=bold, italic=True, size=size, color=color)
            elif child.name in ("strong", "b"):
                self._inline(child, paragraph, bold=True, italic=italic, size=size, color=color)
            elif child.name == "span" and "missing" in _classes(child):
                self._inline(child, paragraph, bold=bold, italic=italic, size=size, color=RED)
            elif child.name == "sup":
                continue  # browser-only footnote calls; the print page has none
            else:
                self._inline(child, paragraph, bold=bold, italic=italic, size=size, color=color)

    @staticmethod
    def _rule(paragraph: Paragraph, width: float) -> None:
        """A short centred rule: an empty paragraph with a bottom border, narrowed by its indents."""
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.paragraph_format.line_spacing = Pt(2)
        cell_width = paragraph._parent.width if hasattr(paragraph._parent, "width") and paragraph._parent.width else Mm(TEXT_WIDTH_MM)
        side = int(cell_width * (1 - width) / 2)
        paragraph.paragraph_format.left_indent = side
        paragraph.paragraph_format.right_indent = side
        borders = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
        paragraph._p.get_or_add_pPr().append(borders)

    # -- header, tables, signature ----------------------------------------------------------
    def _borderless_table(self, widths_mm: list[float]) -> Table:
        table = self.document.add_table(rows=1, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        properties = table._tbl.tblPr
        properties.append(parse_xml(
            f'<w:tblBorders {nsdecls("w")}>' + "".join(f'<w:{side} w:val="nil"/>' for side in
                                                   ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"))
        properties.append(parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'))
        # LibreOffice lays columns out by the grid, Word by the cells: set both.
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm):
            column.width = cell.width = Mm(width)
        return table

    def _cell_lines(self, cell, tag: Tag, styles: dict[str, dict]) -> None:
        """Each <div>/<p> of an HTML cell as one centred paragraph, styled by its class."""
        first = True
        for line in tag.find_all(["div", "p"], recursive=False):
            style = next((style for name, style in styles.items() if name in _classes(line)), {})
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = style.get("align", CENTER)
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.first_line_indent = Pt(0)
            if "rule" in _classes(line):
                self._rule(paragraph, style.get("width", 0.35))
                continue
            self._inline(line, paragraph, bold=style.get("bold", False), italic=style.get("italic", False),
                         size=style.get("size"))
            if style.get("space"):
                paragraph.paragraph_format.space_before = style["space"]

    def _doc_header(self, tag: Tag) -> None:
        """The two-column header: issuing body and number at left, national name, motto and date at right."""
        widths = [TEXT_WIDTH_MM * 0.38, TEXT_WIDTH_MM * 0.62]
        table = self._borderless_table(widths)
        issuer, nation = tag.find_all("td")[:2]
        left, right = table.rows[0].cells
        left.width, right.width = Mm(widths[0]), Mm(widths[1])
        self._cell_lines(left, issuer, {  # the first matching class wins: a parent body is not bold
            "issuer-parent": {"size": 13}, "issuer-body": {"bold": True, "size": 13},
            "issuer-unit": {"bold": True, "size": 13}, "doc-number": {"size": 13},
            "rule": {"width": 0.35},
        })
        self._cell_lines(right, nation, {
            "national-name": {"bold": True, "size": 12.5}, "motto": {"bold": True, "size": 13.5},
            "place-date": {"italic": True, "size": 14}, "rule": {"width": 0.52},
        })
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)

    def _signature(self, tag: Tag) -> None:
        """'Nơi nhận' and recipients at left, the signer at right, side by side."""
        table = self._borderless_table([TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
        recipients, signer = tag.find_all("td")[:2]
        left, right = table.rows[0].cells
        self._cell_lines(left, recipients, {
            "recipients-title": {"bold": True, "italic": True, "size": 12, "align": LEFT},
            "recipient": {"size": 11, "align": LEFT},
        })
        self._cell_lines(right, signer, {
            "signer-behalf": {"bold": True}, "signer-title": {"bold": True}, "signer-name": {"bold": True},
            "signer-space": {"space": Cm(2.8)},
        })

    def _data_table(self, tag: Tag) -> None:
        rows = tag.find_all("tr")
        if not rows:
            return
        grid = [[c.get_text(" ", strip=True) for c in r.find_all(["td", "th"])] for r in rows]
        columns = max(len(cells) for cells in grid)
        table = self.document.add_table(rows=0, cols=columns)
        table.style = self.document.styles["Table Grid"]
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
                header = OxmlElement("w:tblHeader")  # repeat the head on every page the table spans
                word_row._tr.get_or_add_trPr().append(header)
            for word_cell, cell, width in zip(word_row.cells, cells, widths):
                word_cell.width = width
                paragraph = word_cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.line_spacing = 1.0
                number = "number" in _classes(cell)
                paragraph.alignment = CENTER if cell.name == "th" or "rank" in _classes(cell) else RIGHT if number else LEFT
                self._inline(cell, paragraph, bold=cell.name == "th", size=12)
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)

    def _figure(self, tag: Tag) -> None:
        image = tag.find("img")
        source = image.get("src", "") if image else ""
        if source.startswith("data:image/"):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = CENTER
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_after = Pt(0)
            png = base64.b64decode(source.split(",", 1)[1])
            paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(15))
        caption = tag.find("figcaption")
        if caption:
            self.charts += 1
            paragraph = self.document.add_paragraph()
            paragraph.alignment = CENTER
            run = paragraph.add_run(f"Biểu đồ {self.charts}. ")  # the stylesheet's counter, written out
            run.italic, run.font.size = True, Pt(12)
            self._inline(caption, paragraph, italic=True, size=12)
        data = tag.select_one("table.chart-table")
        if data:  # the charted figures, so that none exists only as pixels
            paragraph.paragraph_format.keep_with_next = True
            self._data_table(data)


def render_docx(page_html: str, report) -> bytes:
    """The Word file of a report (`report` is a build.Document), from its print HTML (footnotes inline
    as span.footnote)."""
    return DocxWriter(report).write(page_html)
