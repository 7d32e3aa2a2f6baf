"""The document check: the rendered report read as a person reads it, for what should never be printed.

Run over each report's three renderings (the HTML page, the PDF and the Word file; text extracted by
doctext.py), every rule below yields `validation.Finding`s of severity "error", located by file and
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

from tuphap import doctext, fonts
from tuphap.validation import Finding

RULES = ("doc_glyph", "doc_font_fallback", "doc_heading_khong_co_with_content", "doc_heading_empty",
         "doc_zero_padded", "doc_placeholder", "doc_markdown", "doc_markup", "doc_english",
         "doc_draft_box_in_final", "doc_unreadable")
KHONG_CO = "(không có)"
# The data-quality note's title (templates/data_quality.html.j2): how the note shows in the PDF and Word text.
DRAFT_BOX_TITLE = "Ghi chú về chất lượng số liệu"
REPORT_FILES = ("report.html", "report.pdf", "report.docx")
MAX_PER_RULE = 20  # findings of one rule in one file; the last kept one says how many more there are
_EXCERPT = 30  # characters of context on each side of what a finding quotes

# -- the text rules ----------------------------------------------------------------------------------
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
class _Hit:
    rule: str
    found: str
    detail: str = ""  # what the message names (the Markdown sign, the word)


def _excerpt(text: str, start: int, end: int) -> str:
    """The match with a little context, on one line."""
    left, right = max(0, start - _EXCERPT), min(len(text), end + _EXCERPT)
    snippet = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return re.sub(r"\s+", " ", snippet).strip()


def _text_hits(text: str) -> Iterable[_Hit]:
    for match in _ZERO_PADDED.finditer(text):
        yield _Hit("doc_zero_padded", _excerpt(text, match.start(), match.end()), match.group(0))
    for match in _PLACEHOLDER.finditer(text):
        yield _Hit("doc_placeholder", _excerpt(text, match.start(), match.end()), match.group(0))
    for pattern, sign in _MARKDOWN:
        for match in pattern.finditer(text):
            yield _Hit("doc_markdown", _excerpt(text, match.start(), match.end()), sign)
    for match in _MARKUP.finditer(text):
        yield _Hit("doc_markup", _excerpt(text, match.start(), match.end()), match.group(0))
    for match in _ENGLISH.finditer(text):
        yield _Hit("doc_english", _excerpt(text, match.start(), match.end()), match.group(0).strip())


_TEXT_MESSAGES: dict[str, Callable[[str], tuple[str, str, str]]] = {
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


def _html_place(file: str, block: doctext.Block, heading: str) -> _Place:
    section = block.section
    under = f", under “{_short(heading)}”" if heading else ""
    under_vi = f", dưới đề mục “{_short(heading)}”" if heading else ""
    name = f"{file}#{section}" if section and section != "footnotes" else file
    where = (f"section {section}{under}" if section != "footnotes" else "the endnotes") if section else "the page"
    where_vi = (f"phần {section}{under_vi}" if section != "footnotes" else "phần chú thích") if section else "trang HTML"
    return _Place(name, None, where, where_vi)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
    for hit in _text_hits(text):
        if hit.detail in quoted:
            continue
        expected, message, message_vi = _TEXT_MESSAGES[hit.rule](hit.detail)
        collector.add(hit.rule, place, expected, hit.found, message, message_vi)


def _is_quality_note(block: doctext.Block) -> bool:
    return block.tag.startswith("aside") and "data-quality" in block.tag.split(".")


def _glyph_rule(collector: _Collector, typeface: fonts.Typeface, units: list[tuple[str, _Place]],
                embedded: Iterable[doctext.EmbeddedFont] = ()) -> None:
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
            collector.add("doc_glyph", place, f"a glyph in {typeface.family}", _excerpt(text, position, position + 1),
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


def _fallback_rule(collector: _Collector, typeface: fonts.Typeface, pages: list[doctext.PdfPage], file: str,
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


# How deep a heading's numbering is, which orders headings of the same HTML level: a reader takes
# "* Lĩnh vực Hộ tịch" for an item of "5.1. Kết quả đạt được", and "a) …" for one of "6.2. …", even
# where a notebook sets them all as h5.
_NUMBERING = [
    (re.compile(r"^[IVXLC]+\.\s"), lambda m: 0),                      # I. II. III.
    (re.compile(r"^(\d+(?:\.\d+)*)\.?\s"), lambda m: m.group(1).count(".") + 1),  # 1.  1.1.  1.1.1.
    (re.compile(r"^[a-zđ]\)\s"), lambda m: 4),                          # a) b) … đ)
    (re.compile(r"^[*\-–+•]\s"), lambda m: 5),                          # * - + •
]


def heading_rank(level: int, text: str) -> tuple[int, int]:
    """A heading's rank as a reader sees it: its HTML level, then its numbering (lower is higher)."""
    for pattern, depth in _NUMBERING:
        match = pattern.match(text)
        if match:
            return level, depth(match)
    return level, 0


def _heading_rules(collector: _Collector, blocks: list[doctext.Block], file: str) -> None:
    """Each heading (but the document title, h1) must have content or sub-headings before the next heading
    of the same or higher rank (heading_rank); one that says '(không có)' must have none. A part label
    ("Phần thứ nhất:") belongs to the part title after it. The closing ("Trên đây là báo cáo …./.", the
    signature, the endnotes) is no section's content."""
    open_headings: list[list] = []  # [rank, block, heading text, first content block or None]

    def close(rank: tuple[int, int]) -> None:
        while open_headings and open_headings[-1][0] >= rank:
            _, block, text, content = open_headings.pop()
            place = _html_place(file, block, "")
            if text.rstrip().lower().endswith(KHONG_CO):
                if content is not None:
                    what = "a sub-heading" if content.kind == "heading" else "content"
                    collector.add("doc_heading_khong_co_with_content", place, "nothing under it",
                                  _short(content.text, 80) or content.tag,
                                  f"the heading “{_short(text)}” says “{KHONG_CO}” but {what} follows it",
                                  f"Đề mục “{_short(text)}” ghi “{KHONG_CO}” nhưng bên dưới vẫn có nội dung")
            elif content is None and block.level > 1:
                collector.add("doc_heading_empty", place, f"content, or “{KHONG_CO}”", _short(text, 80),
                              f"the heading “{_short(text)}” has nothing under it (no text and no sub-heading before "
                              f"the next heading of its rank); write its content, or end it with “{KHONG_CO}”",
                              f"Đề mục “{_short(text)}” không có nội dung bên dưới; cần bổ sung nội dung "
                              f"hoặc ghi “{KHONG_CO}”")

    def mark(content: doctext.Block) -> None:
        for entry in open_headings:
            if entry[3] is None:
                entry[3] = content

    label: doctext.Block | None = None
    for block in blocks:
        if label is not None and block.kind != "heading":
            mark(label)  # a label without a title under it is content
            label = None
        if block.kind == "label":
            label = block
        elif block.kind == "heading":
            text = f"{label.text} {block.text}" if label is not None else block.text
            label = None
            rank = heading_rank(block.level, block.text)
            close(rank)
            mark(block)
            open_headings.append([rank, block, text, None])
        elif block.kind == "closing":
            close((0, 0))
        elif block.kind == "content" and block.has_content:
            mark(block)
    close((0, 0))


def _quoted_in_quality_note(blocks: list[doctext.Block]) -> frozenset[str]:
    """What the data-quality note quotes that the text rules would take for a defect: the note is the
    tool's advice to the analyst, set apart from the document (placeholders to write, typed figures)."""
    return frozenset(hit.detail for block in blocks if _is_quality_note(block) for hit in _text_hits(block.text))


def _html_rules(collector: _Collector, blocks: list[doctext.Block], file: str, final: bool) -> list[tuple[str, _Place]]:
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
            collector.add("doc_draft_box_in_final", place, "no data-quality note", _short(block.text, 80),
                          f"the final version shows the data-quality note “{DRAFT_BOX_TITLE}”, which drafts only may carry",
                          f"Bản chính thức còn khung “{DRAFT_BOX_TITLE}”; khung này chỉ được có trong bản dự thảo")
    _heading_rules(collector, blocks, file)
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
            blocks = doctext.html_blocks(html)
        except (ValueError, TypeError) as exc:  # lxml's errors derive from these
            _unreadable(collector, files.html, str(exc))
        else:
            quoted = _quoted_in_quality_note(blocks)
            _glyph_rule(collector, typeface, _html_rules(collector, blocks, files.html, final),
                        doctext.embedded_fonts(html))
    if pdf is not None:
        try:
            foreign_font = _foreign_font(typeface)
            pages = doctext.pdf_pages(pdf, font_text=foreign_font)
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
            paragraphs = doctext.docx_paragraphs(docx)
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
