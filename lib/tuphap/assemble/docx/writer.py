"""report.docx: the Word file of a report, written from the same print HTML as the PDF.

The assembled print page is walked element by element, and each kind of element (ELEMENTS) has its
writer: text.py for paragraphs, headings and lists, tables.py for the header, signature, data tables
and charts. So the Word file cannot say anything the HTML does not. Layout follows Nghị định
30/2020/NĐ-CP, Phụ lục I: A4, margins 20/20/30/15 mm, Times New Roman 14 pt, page numbers centred at
the top from page 2, and the HTML's inline footnotes become real Word footnotes.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from tuphap.assemble.docx import ooxml, tables, text

FONT = "Times New Roman"
BODY_PT = 14
SKIPPED = ("style", "script", "title", "head")


def _is(name: str, css_class: str | None = None) -> Callable[[Tag], bool]:
    return lambda tag: tag.name == name and (css_class is None or css_class in text.classes(tag))


def _on_a_new_page(writer: DocxWriter, tag: Tag) -> None:
    """A part that starts a page of its own, as the stylesheet has it (a roll-up's annex)."""
    writer.document.add_page_break()
    writer._children(tag)


# What each element of the page becomes, the first match winning; other elements are wrappers
# (sections, divs), whose children are written in turn.
ELEMENTS: list[tuple[Callable[[Tag], bool], Callable]] = [
    (_is("section", "annex"), _on_a_new_page),
    (_is("table", "doc-header"), tables.document_header),
    (_is("table", "signature"), tables.signature),
    (_is("table"), tables.data_table),
    (_is("figure"), tables.figure),
    (lambda tag: tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"), text.heading),
    (_is("p"), text.paragraph),
    (lambda tag: tag.name in ("ul", "ol"), text.listing),
    (lambda tag: tag.name == "div" and any("rule" in name for name in text.classes(tag)), text.standalone_rule),
]


class DocxWriter:
    """One Word document being written: the document, its footnotes, and the numbers of its charts
    and tables (the stylesheet numbers them on screen; here they are written out)."""

    def __init__(self, report):
        self.document = Document()
        self._properties(report)
        self._page_setup()
        self._styles()
        self.footnotes = text.Footnotes(self.document)
        self.charts = 0
        self.tables = 0

    def _properties(self, report) -> None:
        """Title, author (the issuing body), language, draft or final, and the data it was built from."""
        properties = self.document.core_properties
        properties.title, properties.author, properties.language = report.title, report.author, "vi-VN"
        properties.subject = report.mode_label
        properties.comments = f"Dữ liệu #{report.data_hash}"
        properties.created = properties.modified = dt.datetime.fromisoformat(report.built_at)
        properties.last_modified_by = report.author
        properties.identifier = report.build_id  # the same build id as the HTML and PDF beside it

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
        number.alignment = text.CENTER
        ooxml.add_field(number, "PAGE", "2")

    def _styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        ooxml.set_fonts(normal.element, FONT)
        ooxml.set_language(normal.element, "vi-VN")
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        for name in ("Header", "Table Grid"):
            if name in [s.name for s in self.document.styles]:
                self.document.styles[name].font.name = FONT

    def write(self, page_html: str) -> bytes:
        soup = BeautifulSoup(page_html, "lxml")
        self._children(soup.select_one("main.document") or soup.body)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def _children(self, parent: Tag) -> None:
        for child in parent.children:
            if isinstance(child, Tag) and child.name not in SKIPPED:
                write = next((write for matches, write in ELEMENTS if matches(child)), None)
                if write is None:
                    self._children(child)
                else:
                    write(self, child)


def render_docx(page_html: str, report) -> bytes:
    """The Word file of a report (`report` is an assemble.report.Document), from its print HTML
    (footnotes inline as span.footnote)."""
    return DocxWriter(report).write(page_html)
