"""The document check: the rendered report read as a person reads it, for what should never be printed.

Run over each report's three renderings (the HTML page, the PDF and the Word file; text extracted by
document_text.py), every rule below yields `validation.Finding`s of severity "error", located by file and
PDF page, Word paragraph or HTML section:

- doc_glyph: a character the report's font files (fonts.typeface()) have no glyph for;
- doc_font_fallback: the PDF embeds a font outside the report's family, i.e. the renderer fell back
  to another font for a glyph the report's font lacks;
- doc_heading_khong_co_with_content: a heading that says "(không có)" and yet has content under it;
- doc_heading_empty: a heading with neither content nor sub-headings under it;
- doc_zero_padded: a count written "00" (or "000");
- doc_placeholder: a placeholder left unfilled ({hoa_giai.tiep_nhan}, {year}, {id|nopad});
- doc_markdown: Markdown shown as text (**, __, `, # at the start of a line, [text](url), ^[, [^);
- doc_markup: HTML shown as text (<p, </p>, &amp; &lt; &#39;);
- doc_english: words that only program code writes (None, nan, True, Traceback, KeyError, <Fragment …);
- doc_draft_box_in_final: the data-quality note in the final (to-be-signed) version of a report;
- doc_unreadable: a rendering that is missing or cannot be read.

`check_report` is a pure function of the three renderings (the build calls it between rendering
and writing); `check_report_dir` reads them from a report folder (`tuphap check`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, NamedTuple

from tuphap import fonts
from tuphap.check import document_text
from tuphap.check.findings import Finding
from tuphap.check.outline_rules import heading_findings
from tuphap.check.text_rules import TEXT_MESSAGES, excerpt, short, text_hits
from tuphap.project import REPORT_FILES

RULES = ("doc_glyph", "doc_font_fallback", "doc_heading_khong_co_with_content", "doc_heading_empty",
         "doc_zero_padded", "doc_placeholder", "doc_markdown", "doc_markup", "doc_english",
         "doc_draft_box_in_final", "doc_unreadable")
# The data-quality note's title (templates/data_quality.html.j2): how the note shows in the PDF and Word text.
DRAFT_BOX_TITLE = "Ghi chú về chất lượng số liệu"
MAX_PER_RULE = 20  # findings of one rule in one file; the last kept one says how many more there are


# -- where a finding is ------------------------------------------------------------------------------
class DocumentNames(NamedTuple):
    """How findings name the three files (relative to the project, e.g. outputs/2024/tan-khai/report.pdf)."""
    html: str
    pdf: str
    docx: str

    @classmethod
    def in_folder(cls, folder: str | Path) -> "DocumentNames":
        folder = Path(folder)
        return cls(*((folder / name).as_posix() for name in REPORT_FILES))


@dataclass(frozen=True)
class _Place:
    file: str
    row: int | None
    where: str  # English: "page 3", "paragraph 57", "section 06-ho-tich-chung-thuc, under “5.1 …”"
    where_vi: str


def _html_place(file: str, block: document_text.Block, heading: str) -> _Place:
    section = block.section
    under = f", under “{short(heading)}”" if heading else ""
    under_vi = f", dưới đề mục “{short(heading)}”" if heading else ""
    name = f"{file}#{section}" if section and section != "footnotes" else file
    where = (f"section {section}{under}" if section != "footnotes" else "the endnotes") if section else "the page"
    where_vi = (f"phần {section}{under_vi}" if section != "footnotes" else "phần chú thích") if section else "trang HTML"
    return _Place(name, None, where, where_vi)


# -- the check ---------------------------------------------------------------------------------------
class _Collector:
    def __init__(self, unit: str, year: int | None):
        self.unit, self.year = unit, year
        self.findings: list[Finding] = []
        self._seen: set[tuple] = set()
        self._count: dict[tuple[str, str], int] = {}
        self._last: dict[tuple[str, str], int] = {}

    def add(self, rule: str, place: _Place, expected: str, found: str, message: str, message_vi: str) -> None:
        key = (rule, place.file, place.row, found)
        if key in self._seen:
            return
        self._seen.add(key)
        file = place.file.partition("#")[0]
        count = self._count[(rule, file)] = self._count.get((rule, file), 0) + 1
        if count > MAX_PER_RULE:
            return
        self._last[(rule, file)] = len(self.findings)
        self.findings.append(Finding("error", rule, self.unit, self.year, "", place.file, place.row, expected, found,
                                     f"{message} ({place.where})", f"{message_vi} ({place.where_vi})"))

    def finish(self) -> list[Finding]:
        for key, count in self._count.items():
            if count > MAX_PER_RULE:
                index = self._last[key]
                finding = self.findings[index]
                more = count - MAX_PER_RULE
                self.findings[index] = Finding(**{**finding.as_dict(),
                                                  "message": finding.message + f"; and {more} more like this in {key[1]}",
                                                  "message_vi": finding.message_vi + f"; và {more} lỗi tương tự khác"})
        return self.findings


def _text_rules(collector: _Collector, text: str, place: _Place, quoted: frozenset[str] = frozenset()) -> None:
    """The text rules over one piece of text; `quoted` are what the data-quality note shows on purpose
    (the note advises "write {hoa_giai.thanh} instead"), not defects where they appear again."""
    for hit in text_hits(text):
        if hit.detail in quoted:
            continue
        expected, message, message_vi = TEXT_MESSAGES[hit.rule](hit.detail)
        collector.add(hit.rule, place, expected, hit.found, message, message_vi)


def _is_quality_note(block: document_text.Block) -> bool:
    return block.tag.startswith("aside") and "data-quality" in block.tag.split(".")


def _glyph_rule(collector: _Collector, typeface: fonts.Typeface, units: list[tuple[str, _Place]],
                embedded: Iterable[document_text.EmbeddedFont] = ()) -> None:
    """Every character of the document's text must be in every style of the report's font (any text may
    be set bold or italic) and, for a page that embeds its fonts, in every font it embeds (a browser
    sets the page in those); one finding per character and file, at its first occurrence."""
    texts = [(unicodedata.normalize("NFC", text), place) for text, place in units]
    probe = "".join(sorted(c for c in set().union(*(set(text) for text, _ in texts)) if _printable(c)))
    lacking: dict[str, tuple[list[str], list[str]]] = {}
    for style, face in typeface.files.items():
        for char in face.missing(probe):
            lacking.setdefault(char, ([], []))[0].append(style)
    embedded = list(embedded)
    for font in embedded:
        for char in probe:
            if ord(char) not in font.covers:
                lacking.setdefault(char, ([], []))[1].append(font.style)
    reported: set[str] = set()
    for text, place in texts:
        for char in dict.fromkeys(c for c in text if c in lacking and c not in reported):
            reported.add(char)
            position = text.index(char)
            styles, faces = lacking[char]
            page_family = embedded[0].family if embedded else ""
            where_en = [f"the report's font {typeface.family} ({', '.join(styles)})"] if styles else []
            where_en += [f"the font the page embeds, {page_family} ({', '.join(faces)})"] if faces else []
            where_vi = [f"phông chữ {typeface.family} ({', '.join(styles)}) của báo cáo"] if styles else []
            where_vi += [f"phông chữ nhúng trong trang {page_family} ({', '.join(faces)})"] if faces else []
            collector.add("doc_glyph", place, f"a glyph in {typeface.family}", excerpt(text, position, position + 1),
                          f"{fonts.describe_char(char)} has no glyph in {' nor in '.join(where_en)}: "
                          "a reader sees another font or an empty box",
                          f"Ký tự {fonts.describe_char(char)} không có trong {' và '.join(where_vi)}: "
                          "người đọc sẽ thấy phông chữ khác hoặc ô trống")


def _printable(char: str) -> bool:
    """Characters that must have a glyph: not line breaks, tabs or invisible format characters."""
    return char not in "\n\r\t\u200b\u00ad" and unicodedata.category(char) not in ("Cc", "Cf")


def _normalized(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name).lower()


def _font_names(typeface: fonts.Typeface) -> tuple[set[str], set[str]]:
    """The families the report may embed (its files' own, and the name the renderers are given for them
    in the @font-face rules of fonts.font_face_css) and the PostScript names of its files, normalized."""
    families = {_normalized(typeface.family)} | {_normalized(face.family) for face in typeface.files.values()}
    if getattr(typeface, "face_family", None):
        families.add(_normalized(typeface.face_family))
    try:
        css = fonts.font_face_css(embed=False)
        families |= {_normalized(name) for name in re.findall(r"@font-face\s*{\s*font-family:\s*['\"]([^'\"]+)['\"]", css)}
    except Exception:  # noqa: BLE001 - the alias is a convenience; the files' own names still count
        pass
    return families, {_normalized(face.postscript_name) for face in typeface.files.values()}


def _foreign_font(typeface: fonts.Typeface) -> Callable[[str], bool]:
    """Whether a font the PDF embeds (its base font name, subset prefix removed) is outside the report's
    family: names are compared without spaces, hyphens and case, a family as a prefix
    ('LiberationSerif-BoldItalic' is of 'Liberation Serif')."""
    families, postscript = _font_names(typeface)

    def foreign(name: str) -> bool:
        normal = _normalized(name)
        return bool(name) and normal not in postscript and not any(normal.startswith(family) for family in families)
    return foreign


def _fallback_rule(collector: _Collector, typeface: fonts.Typeface, pages: list[document_text.PdfPage], file: str,
                   foreign_font: Callable[[str], bool]) -> None:
    """One finding per font outside the report's family, at the first page that uses it."""
    foreign: dict[str, tuple[list[int], dict[str, None]]] = {}
    for page in pages:
        for name, text in page.fonts.items():
            if not foreign_font(name):
                continue
            numbers, characters = foreign.setdefault(name, ([], {}))
            numbers.append(page.number)
            characters.update(dict.fromkeys(c for c in text if _printable(c) and not c.isspace()))
    for name, (numbers, characters) in foreign.items():
        shown = ", ".join(fonts.describe_char(c) for c in list(characters)[:5]) or "?"
        more = f" and {len(characters) - 5} more" if len(characters) > 5 else ""
        pages_en = f"page {numbers[0]}" if len(numbers) == 1 else f"pages {', '.join(map(str, numbers))}"
        pages_vi = ("trang " + ", ".join(map(str, numbers)))
        collector.add("doc_font_fallback", _Place(file, numbers[0], pages_en, pages_vi),
                      f"fonts of {typeface.family}", name,
                      f"the PDF sets text in {name}, not a font of {typeface.family}: the renderer fell back to it "
                      f"for characters the report's font lacks ({shown}{more})",
                      f"Tệp PDF dùng phông chữ {name} ngoài họ phông {typeface.family} của báo cáo: trình kết xuất "
                      f"đã thay phông cho ký tự mà phông báo cáo không có ({shown}{more.replace(' and ', ' và ').replace(' more', ' ký tự khác')})")


def _quoted_in_quality_note(blocks: list[document_text.Block]) -> frozenset[str]:
    """What the data-quality note quotes that the text rules would take for a defect: the note is the
    tool's advice to the analyst, set apart from the document (placeholders to write, typed figures)."""
    return frozenset(hit.detail for block in blocks if _is_quality_note(block) for hit in text_hits(block.text))


def _html_rules(collector: _Collector, blocks: list[document_text.Block], file: str, final: bool) -> list[tuple[str, _Place]]:
    units: list[tuple[str, _Place]] = []
    heading = ""
    for block in blocks:
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "closing":
            heading = ""  # the closing and the endnotes are under no heading
        place = _html_place(file, block, heading if block.kind != "heading" else "")
        units.append((block.text, place))
        if not _is_quality_note(block):
            _text_rules(collector, block.text, place)
        if final and _is_quality_note(block):
            collector.add("doc_draft_box_in_final", place, "no data-quality note", short(block.text, 80),
                          f"the final version shows the data-quality note “{DRAFT_BOX_TITLE}”, which drafts only may carry",
                          f"Bản chính thức còn khung “{DRAFT_BOX_TITLE}”; khung này chỉ được có trong bản dự thảo")
    for heading in heading_findings(blocks):
        collector.add(heading.rule, _html_place(file, heading.block, ""), heading.expected, heading.found,
                      heading.message, heading.message_vi)
    return units


def _draft_box_in_text(collector: _Collector, units: list[tuple[str, _Place]]) -> None:
    for text, place in units:
        if DRAFT_BOX_TITLE in " ".join(text.split()):
            collector.add("doc_draft_box_in_final", place, "no data-quality note", DRAFT_BOX_TITLE,
                          f"the final version shows the data-quality note “{DRAFT_BOX_TITLE}”, which drafts only may carry",
                          f"Bản chính thức còn khung “{DRAFT_BOX_TITLE}”; khung này chỉ được có trong bản dự thảo")
            return


def _unreadable(collector: _Collector, file: str, error: str) -> None:
    collector.add("doc_unreadable", _Place(file, None, "whole file", "cả tệp"), "a readable document", error,
                  f"the document cannot be read: {error}", f"Không đọc được văn bản: {error}")


def check_report(html: str | None, pdf: bytes | None, docx: bytes | None, *, unit: str, year: int | None,
                 files: Mapping[str, str] | DocumentNames, final: bool) -> list[Finding]:
    """Every finding of the document check over one report's three renderings: the screen HTML page
    (report.html), the PDF and the Word file, as they are about to be written. `files` names them in
    findings, as DocumentNames or keyed by file name ({"report.html": "outputs/2024/tan-khai/report.html",
    …}); `final` says the report is the version to be signed (no data-quality note then). A rendering
    given as None is not checked (the caller says why)."""
    if not isinstance(files, DocumentNames):
        files = DocumentNames(*(str(files[name]) for name in REPORT_FILES))
    collector = _Collector(unit, year)
    typeface = fonts.typeface()
    quoted: frozenset[str] = frozenset()
    if html is not None:
        try:
            blocks = document_text.html_blocks(html)
        except (ValueError, TypeError) as exc:  # lxml's errors derive from these
            _unreadable(collector, files.html, str(exc))
        else:
            quoted = _quoted_in_quality_note(blocks)
            _glyph_rule(collector, typeface, _html_rules(collector, blocks, files.html, final),
                        document_text.embedded_fonts(html))
    if pdf is not None:
        try:
            foreign_font = _foreign_font(typeface)
            pages = document_text.pdf_pages(pdf, font_text=foreign_font)
        except Exception as exc:  # noqa: BLE001 - pdfium raises its own PdfiumError for a damaged file
            _unreadable(collector, files.pdf, f"{type(exc).__name__}: {exc}")
        else:
            units = [(page.text, _Place(files.pdf, page.number, f"page {page.number}", f"trang {page.number}"))
                     for page in pages]
            for text, place in units:
                _text_rules(collector, text, place, quoted)
            _glyph_rule(collector, typeface, units)
            _fallback_rule(collector, typeface, pages, files.pdf, foreign_font)
            if final:
                _draft_box_in_text(collector, units)
    if docx is not None:
        try:
            paragraphs = document_text.docx_paragraphs(docx)
        except Exception as exc:  # noqa: BLE001 - zipfile, KeyError and XML errors of a damaged package
            _unreadable(collector, files.docx, f"{type(exc).__name__}: {exc}")
        else:
            units = [(p.text, _Place(files.docx, None, f"footnote {p.number}", f"chú thích {p.number}") if p.footnote
                      else _Place(files.docx, p.number, f"paragraph {p.number}", f"đoạn {p.number}"))
                     for p in paragraphs]
            for text, place in units:
                _text_rules(collector, text, place, quoted)
            _glyph_rule(collector, typeface, units)
            if final:
                _draft_box_in_text(collector, units)
    return collector.finish()


def check_report_dir(folder: Path, *, unit: str, year: int | None, final: bool, root: Path | None = None) -> list[Finding]:
    """The document check of a report folder holding report.html, report.pdf and report.docx; files are
    named relative to `root` (the project) when given. A missing file is a doc_unreadable finding."""
    shown = folder.relative_to(root) if root is not None and folder.is_relative_to(root) else folder
    names = DocumentNames.in_folder(shown)
    contents: list = []
    missing: list[tuple[str, str]] = []
    for name, shown_name in zip(REPORT_FILES, names):
        try:
            data = (folder / name).read_bytes()
            contents.append(data.decode("utf-8") if name.endswith(".html") else data)
        except (OSError, UnicodeDecodeError) as exc:
            contents.append(None)
            missing.append((shown_name, exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)))
    findings = check_report(*contents, unit=unit, year=year, files=names, final=final)
    collector = _Collector(unit, year)
    for shown_name, error in missing:
        _unreadable(collector, shown_name, error)
    return collector.finish() + findings
