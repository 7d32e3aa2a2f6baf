"""Everything python-docx has no API for, in one place: raw WordprocessingML and the library's private
element attributes (`_r`, `_p`, `_tbl`, `_tr`, `_parent`). A python-docx upgrade is checked here."""
from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
)


def set_fonts(element, name: str) -> None:
    """Set a style's or run's font for every script (Vietnamese text would otherwise fall to the
    theme's font for some runs)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def set_language(element, code: str) -> None:
    """A style's language, for Word's spelling and hyphenation ('vi-VN')."""
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), code)
    element.get_or_add_rPr().append(language)


def add_field(paragraph: Paragraph, code: str, shown: str) -> None:
    """A field (e.g. PAGE) at the end of the paragraph, showing `shown` until Word updates it."""
    for kind, text in (("begin", None), ("code", code), ("separate", None), ("shown", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "shown":
            run.text = text
        elif kind == "code":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f" {text} "
            run._r.append(instruction)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def add_footnotes_part(document):
    """The footnotes part (word/footnotes.xml) with its two separators; returns its root to add notes to."""
    root = parse_xml(f"<w:footnotes {nsdecls('w')}>{_SEPARATORS}</w:footnotes>")
    part = XmlPart(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, root, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    return root


def add_footnote(root, paragraph: Paragraph, number: int) -> Paragraph:
    """Footnote `number`, called from the end of `paragraph`; returns the note's own paragraph, which
    starts with its number mark."""
    call = paragraph.add_run()
    call.font.superscript = True
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    call._r.append(reference)
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(number))
    body = OxmlElement("w:p")
    note.append(body)
    root.append(note)
    text = Paragraph(body, paragraph._parent)
    marker = text.add_run()
    marker.font.superscript = True
    marker._r.append(OxmlElement("w:footnoteRef"))
    return text


def container_width(paragraph: Paragraph) -> Length | None:
    """The width of the table cell holding the paragraph, if it is in one with a width."""
    return getattr(paragraph._parent, "width", None) or None


def bottom_border(paragraph: Paragraph) -> None:
    borders = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    paragraph._p.get_or_add_pPr().append(borders)


def without_borders_or_cell_margins(table: Table) -> None:
    properties = table._tbl.tblPr
    properties.append(parse_xml(
        f'<w:tblBorders {nsdecls("w")}>' + "".join(f'<w:{side} w:val="nil"/>' for side in
                                               ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"))
    properties.append(parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
                                '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'))


def repeat_on_every_page(row: _Row) -> None:
    """A table's head row, repeated on every page the table spans."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
