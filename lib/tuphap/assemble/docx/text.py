"""Paragraphs, headings, lists and the runs inside them: emphasis, red missing markers, line breaks
and footnotes (the print page keeps each footnote inline, as span.footnote, where it is called)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from bs4 import NavigableString, Tag
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tuphap.assemble.docx import ooxml

TEXT_WIDTH_MM = 210 - 30 - 15  # A4 less the decree's left and right margins
RED = RGBColor(0xB0, 0x00, 0x00)
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not \s: the header's no-break spaces must stay
NOTE_PT = 11


def classes(tag: Tag) -> list[str]:
    return tag.get("class") or []


@dataclass(frozen=True)
class RunStyle:
    """How the runs of an element look; children inherit it, changing what their tag says."""
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: RGBColor | None = None


class Writing(Protocol):
    """The document being written, as the element writers see it (writer.DocxWriter is one)."""
    document: object
    footnotes: Footnotes
    charts: int  # the charts and tables written so far: their numbers, written out
    tables: int


class Footnotes:
    """The document's footnotes, numbered as they are called."""

    def __init__(self, document):
        self._root = ooxml.add_footnotes_part(document)
        self.count = 0

    def add(self, paragraph: Paragraph) -> Paragraph:
        """A new footnote called from the end of `paragraph`; returns the note's paragraph to fill."""
        self.count += 1
        note = ooxml.add_footnote(self._root, paragraph, self.count)
        note.alignment = JUSTIFY
        note.paragraph_format.space_after = Pt(0)
        note.add_run(" ")
        return note


def runs(writer: Writing, tag: Tag, paragraph: Paragraph, style: RunStyle = RunStyle()) -> None:
    """The tag's text as runs of `paragraph`."""
    for child in tag.children:
        if isinstance(child, NavigableString):
            text = _SPACE.sub(" ", str(child))
            if text.strip() or (text and paragraph.runs):
                run = paragraph.add_run(text)
                run.bold, run.italic = style.bold or None, style.italic or None
                if style.size:
                    run.font.size = Pt(style.size)
                if style.color is not None:
                    run.font.color.rgb = style.color
        elif child.name == "br":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif child.name == "span" and "footnote" in classes(child):
            note = writer.footnotes.add(paragraph)
            runs(writer, child, note, RunStyle(size=NOTE_PT))
            for run in note.runs:
                run.font.size = Pt(NOTE_PT)
        elif child.name in ("em", "i"):
            runs(writer, child, paragraph, replace(style, italic=True))
        elif child.name in ("strong", "b"):
            runs(writer, child, paragraph, replace(style, bold=True))
        elif child.name == "span" and "missing" in classes(child):
            runs(writer, child, paragraph, replace(style, color=RED))
        elif child.name == "sup" and "estimate" in classes(child):  # an estimated figure's mark
            for run_text in child.stripped_strings:
                paragraph.add_run(run_text).font.superscript = True
        elif child.name != "sup":  # any other sup is a browser-only footnote call; the print page has none
            runs(writer, child, paragraph, style)


def body_paragraph(writer: Writing, *, indent: bool = True) -> Paragraph:
    paragraph = writer.document.add_paragraph()
    paragraph.alignment = JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def centred_paragraph(writer: Writing) -> Paragraph:
    paragraph = writer.document.add_paragraph()
    paragraph.alignment = CENTER
    return paragraph


def paragraph(writer: Writing, tag: Tag) -> None:
    """A <p>: body text, or by its class the sample banner, a table's caption, the subject line or a
    part's label."""
    kind = classes(tag)
    if "sample-banner" in kind:
        runs(writer, tag, centred_paragraph(writer), RunStyle(size=11, color=RED))
    elif "table-caption" in kind:
        writer.tables += 1
        caption = centred_paragraph(writer)
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_after = Pt(3)
        number = caption.add_run(f"Bảng {writer.tables}. ")  # the stylesheet's counter, written out
        number.italic, number.font.size = True, Pt(12)
        runs(writer, tag, caption, RunStyle(italic=True, size=12))
    elif "doc-subject" in kind or "part-label" in kind:
        line = centred_paragraph(writer)
        line.paragraph_format.space_after = Pt(0)
        runs(writer, tag, line, RunStyle(bold=True))
    else:
        runs(writer, tag, body_paragraph(writer), RunStyle(color=RED if "missing" in kind else None))


def heading(writer: Writing, tag: Tag) -> None:
    """h1 (the title) and h2 (a part's title) centred; h3–h6 indented like a paragraph, bold, or
    italic for the sub-items that the stylesheet sets in italic."""
    kind = classes(tag)
    centred = tag.name in ("h1", "h2")
    line = centred_paragraph(writer) if centred else body_paragraph(writer)
    if "doc-title" in kind:
        line.paragraph_format.space_before = Pt(18)
        line.paragraph_format.space_after = Pt(0)
    line.paragraph_format.keep_with_next = True
    runs(writer, tag, line, RunStyle(bold="italic" not in kind, italic="italic" in kind or "bold-italic" in kind))


def listing(writer: Writing, tag: Tag) -> None:
    """A list, item by item, marked as official documents mark them: '- ' (or '1. ' when numbered)."""
    for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
        line = body_paragraph(writer)
        line.add_run("- " if tag.name == "ul" else f"{number}. ")
        runs(writer, item, line)


def rule(paragraph: Paragraph, width: float) -> None:
    """A short centred rule: an empty paragraph with a bottom border, narrowed by its indents."""
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = Pt(2)
    side = int((ooxml.container_width(paragraph) or Mm(TEXT_WIDTH_MM)) * (1 - width) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    ooxml.bottom_border(paragraph)


def standalone_rule(writer: Writing, tag: Tag) -> None:
    rule(writer.document.add_paragraph(), 0.25)
