"""What a person reads in a rendered report: the text of its HTML page, PDF and Word file.

The document check (document.py) runs its rules over what this module extracts:

- HTML: the visible text of `main.document` as blocks in document order: headings (h1–h6), the part
  labels above part titles ("Phần thứ nhất:"), content (paragraphs, list items, figures, tables,
  details, stray text), notes set apart from the document's text (the data-quality note) and the
  document's closing (p.closing or the paragraph ending in "./.", the signature table, the endnotes),
  each with the id of the report section it is in. Styles, scripts, attributes (alt, title,
  aria-label) and the browser-only footnote calls are not text. Also the fonts the page embeds.
- PDF: the text of each page (pdfium's reading order, lines separated by "\\n") and the fonts each
  page sets text in, with the text set in each.
- DOCX: the text of every paragraph of the body in document order (table cells included) and of
  every footnote, read from the package's XML (no python-docx: it is slower and hides footnotes).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from lxml import etree
from lxml import html as lxml_html

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose whole text is one block of content.
CONTENT = {"p", "li", "figure", "table", "details", "aside", "blockquote", "pre", "dl", "figcaption", "address"}
# Content without text a reader still sees.
MEDIA = {"img", "svg", "canvas", "video", "object", "embed", "iframe", "picture"}
SKIPPED = {"style", "script", "template", "noscript", "head", "title", "meta", "link"}
# Inside a block of content these start a new line of text (so that table cells do not run together).
LINE_BREAKING = {"p", "div", "li", "tr", "td", "th", "table", "thead", "tbody", "tfoot", "caption", "figcaption",
                 "summary", "details", "ul", "ol", "dl", "dt", "dd", "br", "blockquote", "pre", "section",
                 "aside", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "address"}
CLOSING_MARK = "./."  # the official end of a document's text (Nghị định 30/2020): what follows is not a section's
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")  # HTML's collapsible white space (not the no-break space)
_LINE_SPACE = re.compile(r" *\n[ \n]*")
_SPACES = re.compile(r" {2,}")


@dataclass(frozen=True)
class Block:
    """A heading, a part label, content, a note set apart or the document's closing, in page order."""
    kind: str  # "heading" | "label" | "content" | "apart" | "closing"
    text: str
    section: str  # the id of the section.report-section it is in ("footnotes" for endnotes, "" elsewhere)
    level: int = 0  # 1–6 for headings
    tag: str = ""  # "p", "h3", "aside.data-quality", ... (for messages and rules)
    media: bool = False  # an image or other non-text content

    @property
    def has_content(self) -> bool:
        return bool(self.text.strip()) or self.media


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _name(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.lower().rpartition("}")[2]


def _skipped(element) -> bool:
    name = _name(element)
    return (not name or name in SKIPPED or element.get("hidden") is not None
            or (name == "sup" and "fn-ref" in _classes(element)))  # the browser page's numbered footnote calls


def _text(element) -> str:
    """The element's visible text, white space collapsed as a browser does, block children on new lines."""
    parts: list[str] = []

    def walk(node) -> None:
        breaking = _name(node) in LINE_BREAKING
        if breaking:
            parts.append("\n")
        if node.text:
            parts.append(_WHITESPACE.sub(" ", node.text))
        for child in node:
            if not _skipped(child):
                walk(child)
            if child.tail:
                parts.append(_WHITESPACE.sub(" ", child.tail))
        if breaking:
            parts.append("\n")

    walk(element)
    return _LINE_SPACE.sub("\n", _SPACES.sub(" ", "".join(parts))).strip(" \n")


def html_blocks(page: str) -> list[Block]:
    """The blocks of the page's main.document (the whole body when there is none), in order."""
    root = lxml_html.document_fromstring(page.encode("utf-8") if isinstance(page, str) else page)
    mains = root.xpath('//main[contains(concat(" ", normalize-space(@class), " "), " document ")]')
    main = mains[0] if mains else (root.find("body") if root.find("body") is not None else root)
    blocks: list[Block] = []
    _walk(main, "", blocks)
    return blocks


def _walk(container, section: str, blocks: list[Block]) -> None:
    if container.text and container.text.strip():
        blocks.append(Block("content", _WHITESPACE.sub(" ", container.text).strip(), section, tag="text"))
    for child in container:
        if not _skipped(child):
            _element(child, section, blocks)
        if child.tail and child.tail.strip():
            blocks.append(Block("content", _WHITESPACE.sub(" ", child.tail).strip(), section, tag="text"))


def _element(element, section: str, blocks: list[Block]) -> None:
    name, classes = _name(element), _classes(element)
    tag = name + "".join(f".{c}" for c in sorted(classes))
    if name == "section" and "report-section" in classes:
        _walk(element, element.get("id") or "", blocks)
    elif name == "section" and "footnotes" in classes:
        text = _text(element)
        if text:
            blocks.append(Block("closing", text, "footnotes", tag=tag))
    elif name in HEADINGS:
        blocks.append(Block("heading", _text(element).replace("\n", " "), section, HEADINGS[name], tag))
    elif name == "p" and "part-label" in classes:
        blocks.append(Block("label", _text(element), section, tag=tag))
    elif name == "aside" and "data-quality" in classes:
        blocks.append(Block("apart", _text(element), section, tag=tag))
    elif (name == "table" and "signature" in classes) or (name == "p" and "closing" in classes):
        blocks.append(Block("closing", _text(element), section, tag=tag))
    elif name in CONTENT:
        text = _text(element)
        media = name == "figure" and element.find(".//img") is not None
        kind = "closing" if name == "p" and text.endswith(CLOSING_MARK) else "content"
        blocks.append(Block(kind, text, section, tag=tag, media=media))
    elif name in MEDIA:
        blocks.append(Block("content", "", section, tag=tag, media=True))
    elif name in ("br", "hr"):
        return
    else:  # div, section, ul, ol, span and other wrappers: their children are the blocks
        _walk(element, section, blocks)


# The fonts a page embeds: @font-face rules whose source is a data: URL (fonts.font_face_css(embed=True)).
_FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}")
_FACE_DATA = re.compile(r"url\(\s*['\"]?data:[a-z/+-]*(?:font|woff|ttf|otf|sfnt)[a-z0-9/+-]*;base64,([A-Za-z0-9+/=\s]+?)['\"]?\s*\)")
_FACE_FIELD = re.compile(r"font-(family|weight|style)\s*:\s*([^;]+)")


@dataclass(frozen=True)
class EmbeddedFont:
    family: str  # as the @font-face rule names it: "Liberation Serif Tuphap"
    style: str  # regular, bold, italic, bold italic
    covers: frozenset[int]


def embedded_fonts(page: str) -> list[EmbeddedFont]:
    """The fonts the page carries in its own styles, each with the characters it has glyphs for: in a
    browser these, not the font files they were cut from, set the page's text."""
    fonts = []
    for rule in _FONT_FACE.finditer(page):
        body = rule.group(1)
        data = _FACE_DATA.search(body)
        if not data:
            continue
        fields = {name: value.strip().strip("'\"") for name, value in _FACE_FIELD.findall(_FACE_DATA.sub("", body))}
        style = " ".join(v for v in (fields.get("weight", ""), fields.get("style", "")) if v and v != "normal") or "regular"
        covers = _data_cmap(re.sub(r"\s+", "", data.group(1)))
        if covers is not None:
            fonts.append(EmbeddedFont(fields.get("family", "?"), style, covers))
    return fonts


@lru_cache(maxsize=16)
def _data_cmap(encoded: str) -> frozenset[int] | None:
    """The characters of a base64 font (WOFF2 needs brotli, which fonts.py's embedding needs too), or
    None when it cannot be read here; cached: every report of a build embeds the same fonts."""
    import base64

    from fontTools.ttLib import TTFont

    try:
        return frozenset(TTFont(io.BytesIO(base64.b64decode(encoded)), lazy=True).getBestCmap() or {})
    except Exception:  # noqa: BLE001 - fontTools raises many kinds; the font files are still checked
        return None


# -- PDF --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PdfPage:
    number: int  # from 1
    text: str
    fonts: dict[str, str] = field(default_factory=dict)  # base font name (subset prefix removed) -> text set in it


_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def pdf_pages(data: bytes, *, font_text: Callable[[str], bool] = lambda name: True) -> list[PdfPage]:
    """Each page's text and the fonts its text objects use, with the text set in each font for which
    font_text(name) is true (reading every text object's text costs more than the rest together)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
                fonts: dict[str, list[str]] = {}
                for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
                    name = _font_name(raw, raw.FPDFTextObj_GetFont(obj.raw))
                    fonts.setdefault(name, [])
                    if font_text(name):
                        fonts[name].append(_object_text(raw, obj.raw, textpage.raw))
            finally:
                textpage.close()
                page.close()
            pages.append(PdfPage(index + 1, text, {name: " ".join(parts) for name, parts in fonts.items()}))
    finally:
        document.close()
    return pages


def _font_name(raw, font) -> str:
    import ctypes

    if not font:
        return ""
    size = raw.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFFont_GetBaseFontName(font, buffer, size)
    return _SUBSET_PREFIX.sub("", buffer.value.decode("utf-8", "replace"))


def _object_text(raw, obj, textpage) -> str:
    import ctypes

    size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)  # bytes, UTF-16LE with its terminating zero
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFTextObj_GetText(obj, textpage, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    return buffer.raw[:size - 2].decode("utf-16-le", "replace")


# -- DOCX -------------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class DocxParagraph:
    number: int  # body paragraphs from 1 in document order (table cells included); footnotes: the note's number
    text: str
    footnote: bool = False


def docx_paragraphs(data: bytes) -> list[DocxParagraph]:
    """The body's paragraphs in order, then the footnotes' paragraphs (separators left out)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        notes = (etree.fromstring(package.read("word/footnotes.xml"))
                 if "word/footnotes.xml" in package.namelist() else None)
    paragraphs = [DocxParagraph(number, _paragraph_text(p))
                  for number, p in enumerate(body.iter(W + "p"), start=1)]
    if notes is not None:
        for note in notes.iter(W + "footnote"):
            if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            number = int(note.get(W + "id", "0"))
            text = "\n".join(_paragraph_text(p) for p in note.iter(W + "p"))
            paragraphs.append(DocxParagraph(number, text.strip(), footnote=True))
    return paragraphs


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append("\t")
        elif node.tag == W + "noBreakHyphen":
            parts.append("\u2011")
        else:
            parts.append("\n")
    return "".join(parts)
