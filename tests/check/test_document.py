"""The document check (doccheck.py, doctext.py, `tuphap check`): every rule catches a deliberately bad
case, rendered to HTML, PDF and Word by the real renderers; a good page and the built sample pass."""
from __future__ import annotations

import dataclasses
import json
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from tests.conftest import run_tuphap
from tuphap import fonts
from tuphap.check import document as doccheck
from tuphap.check import document_text as doctext
from tuphap.check.outline_rules import heading_rank
from tuphap.check.text_rules import text_hits

UNIT, YEAR = "thu-nghiem", 2024
FOLDER = f"outputs/{YEAR}/{UNIT}"
NAMES = doccheck.DocumentNames.in_folder(FOLDER)

HEADER = """<h1 class="doc-title">BÁO CÁO</h1>
<p class="doc-subject">Tổng kết công tác Tư pháp năm 2024 và phương hướng, nhiệm vụ, giải pháp công tác năm 2025</p>
<p>Thực hiện Công văn số 3043/UBND-NC ngày 24/10/2024 của UBND huyện; Số: 01/BC-UBND.</p>"""
DATA_QUALITY = """<aside class="data-quality" aria-label="Ghi chú về chất lượng số liệu">
<p class="dq-title">Ghi chú về chất lượng số liệu</p>
<table class="dq-table"><tr><th>Chỉ tiêu</th><th>Số liệu nhập</th></tr><tr><td>Hồ sơ đăng ký hộ tịch</td><td>1.732</td></tr></table>
</aside>"""
PART_ONE = """<div class="part"><p class="part-label">Phần thứ nhất:</p><h2 class="part-title">TÌNH HÌNH CÔNG TÁC TƯ PHÁP NĂM 2024</h2></div>
<h3>I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH</h3>
<h4>1. Kết quả đạt được</h4>
<p>Các tổ hòa giải đã tiếp nhận 15 vụ việc, hòa giải thành 10 vụ việc, đạt tỷ lệ 66,7%; trong đó có 07 tổ và 100% hồ sơ
đúng hạn. Số liệu tính từ 01/01/2024 đến 16/10/2024, tiếp công dân lúc 10:00 hằng ngày; 2.000 lượt người, 1,00 giờ.</p>
<p>Tuyên truyền qua Zalo, Facebook và hệ thống loa truyền thanh; 0 vụ việc tồn đọng.</p>"""
NO_DIFFICULTIES = "<h4>2. Khó khăn, hạn chế (không có)</h4>"
SECTION_FIVE = """<h4>5. Công tác quản lý nhà nước về hộ tịch, chứng thực</h4>
<h5>5.1. Kết quả đạt được</h5>
<h5>* Lĩnh vực Hộ tịch</h5>
<ul><li>Tổng số hồ sơ đăng ký hộ tịch năm 2024: 1.733 hồ sơ.</li><li>Đăng ký khai sinh: 286 trường hợp.</li></ul>
<figure class="chart"><img alt="None" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=">
<figcaption>Hồ sơ đăng ký hộ tịch năm 2024 theo loại việc</figcaption>
<details class="chart-data"><summary>Số liệu của biểu đồ</summary><table class="data chart-table">
<tr><th>Chỉ tiêu</th><th>Đơn vị tính</th><th>Số liệu</th></tr><tr><td>Đăng ký khai sinh</td><td>hồ sơ</td><td class="number">286</td></tr>
</table></details></figure>
<h5>* Lĩnh vực Chứng thực</h5>
<p>Tổng số hồ sơ chứng thực chữ ký: 1.850 trường hợp.</p>
<h5>5.2. Khó khăn, hạn chế (không có)</h5>
<h4>6. Công tác tiếp công dân</h4>
<h5>6.2. Kết quả thực hiện các biện pháp phòng ngừa tham nhũng</h5>
<h5 class="italic">a) Kết quả thực hiện công khai, minh bạch</h5>
<p>UBND thị trấn thường xuyên quan tâm lãnh đạo, chỉ đạo.</p>"""
CLOSING = """<h3>II. ĐỀ XUẤT, KIẾN NGHỊ (không có)</h3>
<p class="closing">Trên đây là báo cáo tổng kết công tác Tư pháp năm 2024 và phương hướng, nhiệm vụ, giải pháp công tác năm 2025./.</p>
<table class="signature"><tr><td class="recipients"><p class="recipients-title">Nơi nhận:</p><p class="recipient">- Phòng Tư pháp;</p>
<p class="recipient">- Lưu: VT.</p></td><td class="signer"><p class="signer-behalf">TM. ỦY BAN NHÂN DÂN</p>
<p class="signer-title">CHỦ TỊCH</p><p class="signer-space"></p><p class="signer-name">Lê Viết Truyền</p></td></tr></table>"""


def _sections(*, body: str = "", after: str = "", quality: bool = False, five: str = SECTION_FIVE,
              closing: str = CLOSING) -> list[tuple[str, str]]:
    """A small good report; `body` goes under "1. Kết quả đạt được", `after` after "2. … (không có)"."""
    return [("00-mo-dau", HEADER + (DATA_QUALITY if quality else "")),
            ("01-chi-dao-dieu-hanh", PART_ONE + body + NO_DIFFICULTIES + after),
            ("06-ho-tich-chung-thuc", five), ("10-ket-thuc", closing)]


def _document(final: bool):
    """A build.Document for the renderers (its fields as the build fills them)."""
    from tuphap.runtime.targets import Document

    known = {"title": "Báo cáo tổng kết công tác Tư pháp năm 2024 — Thị trấn Thử Nghiệm", "author": "UBND thị trấn Thử Nghiệm",
             "mode": "final" if final else "draft", "built_at": "2026-12-01T10:32:00", "data_hash": "0123abcd",
             "unit": UNIT, "year": YEAR, "build_id": "0123456789ab"}
    return Document(**{f.name: known[f.name] for f in dataclasses.fields(Document)})


def render(sections: list[tuple[str, str]], *, final: bool = False, base: Path | None = None) -> tuple[str, bytes, bytes]:
    """The screen page, the PDF and the Word file of a hand-written report, by the build's own renderers."""
    from tuphap.assemble.docx.writer import render_docx
    from tuphap.assemble.page import SectionHtml, render_page
    from tuphap.assemble.pdf import render_pdf

    parts = [SectionHtml(name, html) for name, html in sections]
    document = _document(final)
    printed = render_page(parts, document, for_print=True)
    return (render_page(parts, document, for_print=False), render_pdf(printed, base or Path.cwd()),
            render_docx(printed, document))


@lru_cache(maxsize=1)
def _good() -> tuple[str, bytes, bytes]:
    return render(_sections())


def check(documents: tuple[str, bytes, bytes], *, final: bool = False) -> list:
    return doccheck.check_report(*documents, unit=UNIT, year=YEAR, files=NAMES, final=final)


def _by_file(findings, rule: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in findings:
        if finding.rule == rule:
            found.setdefault(finding.file.partition("#")[0], []).append(finding)
    return found


def _describe(findings) -> str:
    from tuphap.check.findings import describe

    return "\n".join(describe(f) for f in findings)


# -- the good page ------------------------------------------------------------------------------------
def test_good_page_has_no_findings():
    findings = check(_good())
    assert findings == [], _describe(findings)
    assert check(_good(), final=True) == []  # no data-quality note, so final is fine too


def test_text_extraction_reads_what_a_person_reads():
    html, pdf, docx = _good()
    blocks = doctext.html_blocks(html)
    kinds = [(b.kind, b.text[:20]) for b in blocks if b.kind in ("label", "heading", "closing")]
    assert ("label", "Phần thứ nhất:") in kinds and ("heading", "TÌNH HÌNH CÔNG TÁC T") in kinds
    assert [k for k, text in kinds if k == "closing"] == ["closing", "closing"]  # closing sentence, signature
    assert all("iVBORw0KGgo" not in b.text and "None" not in b.text for b in blocks)  # no image data, no alt text
    assert all(b.section for b in blocks)
    figure = next(b for b in blocks if b.tag.startswith("figure"))
    assert figure.media and "Số liệu của biểu đồ\nChỉ tiêu\nĐơn vị tính" in figure.text  # cells apart, in order
    pages = doctext.pdf_pages(pdf)
    text = " ".join(" ".join(p.text.split()) for p in pages)
    assert "Các tổ hòa giải đã tiếp nhận 15 vụ việc" in text and "Lê Viết Truyền" in text
    assert all(p.fonts for p in pages)
    paragraphs = doctext.docx_paragraphs(docx)
    texts = [p.text for p in paragraphs]
    assert "Nơi nhận:" in texts and "Đăng ký khai sinh" in texts  # table cells are paragraphs too
    assert [p.number for p in paragraphs if not p.footnote] == list(range(1, len(texts) + 1))


# -- the text rules: each bad case, in all three renderings ---------------------------------------------
BAD_TEXT = {
    "doc_zero_padded": ("<p>Kỳ trước chuyển sang: 00 trường hợp, tiếp nhận trong kỳ 16 trường hợp.</p>", "00 trường hợp"),
    "doc_placeholder": ("<p>Các tổ hòa giải đã tiếp nhận {hoa_giai.tiep_nhan} vụ việc trong năm {year|nopad}.</p>",
                        "{hoa_giai.tiep_nhan}"),
    "doc_markdown": ("<p>**Kết quả** nổi bật: xem [hướng dẫn](https://example.org/huong-dan).</p>", "**Kết quả**"),
    "doc_markup": ("<p>Kết quả &lt;b&gt;đạt&lt;/b&gt; và chưa đạt &amp;amp; các việc khác.</p>", "<b>đạt"),
    "doc_english": ("<p>Người tiếp công dân: None; tỷ lệ: nan%.</p>", "None"),
}


@pytest.mark.parametrize("rule", sorted(BAD_TEXT))
def test_text_rule_catches_its_bad_case_in_every_rendering(rule):
    paragraph, excerpt = BAD_TEXT[rule]
    findings = check(render(_sections(body=paragraph)))
    assert {f.rule for f in findings} == {rule}, _describe(findings)
    found = _by_file(findings, rule)
    assert set(found) == set(NAMES), _describe(findings)
    for finding in findings:
        assert finding.severity == "error" and finding.unit == UNIT and finding.year == YEAR
        assert finding.found and finding.message and finding.message_vi
    for file, found in found.items():
        assert any(excerpt in f.found for f in found), file
    found = _by_file(findings, rule)
    html_finding = found[NAMES.html][0]
    assert html_finding.file == f"{NAMES.html}#01-chi-dao-dieu-hanh" and html_finding.row is None
    assert "1. Kết quả đạt được" in html_finding.message  # the heading it is under
    assert found[NAMES.pdf][0].row == 1 and "(page 1)" in found[NAMES.pdf][0].message
    assert isinstance(found[NAMES.docx][0].row, int)


@pytest.mark.parametrize("text", [
    "ngày 01/01/2024, lúc 10:00 và 00h30", "2.000 hồ sơ; 1.000.000 đồng; 100%; 1,00 giờ; 0 vụ việc; 07 tổ",
    "Số: 00/BC-UBND; Quyết định số 46/QĐ-UBND", "qua Zalo, Facebook, YouTube, Google Meet", "Nơi nhận: - Lưu: VT.",
    "điểm a, b khoản 1 Điều 5; (không có)", "A + B = C; ≤ 15; tỷ lệ < 5 %", "tệp data/values/2024.csv, cột file_name", "Số liệu tính từ 0h00",
])
def test_text_rules_leave_ordinary_report_text_alone(text):
    assert list(text_hits(text)) == []


@pytest.mark.parametrize("text, rule", [
    ("00 trường hợp", "doc_zero_padded"), ("là 000.", "doc_zero_padded"), ("trong kỳ: 00 đơn", "doc_zero_padded"), ("00%", "doc_zero_padded"), ("(00)", "doc_zero_padded"),
    ("{year}", "doc_placeholder"), ("{ho_tich.tong|co}", "doc_placeholder"),
    ("__nhấn mạnh__", "doc_markdown"), ("gọi __init__", "doc_markdown"), ("dùng `code`", "doc_markdown"), ("## Tiêu đề", "doc_markdown"),
    ("đoạn\n# Tiêu đề", "doc_markdown"), ("[a](b)", "doc_markdown"), ("^[chú thích]", "doc_markdown"),
    ("[^1]", "doc_markdown"), ("<p class='x'>", "doc_markup"), ("</div>", "doc_markup"), ("&#39;", "doc_markup"),
    ("&nbsp;", "doc_markup"), ("True", "doc_english"), ("NaN", "doc_english"), ("-inf", "doc_english"),
    ("Traceback (most recent call last)", "doc_english"), ("KeyError: 'x'", "doc_english"),
    ("<tuphap.render.commune.CommuneReport object at 0x7f3a>", "doc_english"), ("<Fragment: 12 characters of HTML>", "doc_english"),
    ("undefined", "doc_english"), ("null", "doc_english"), ("<NA>", "doc_english"), ("ValueError", "doc_english"),
])
def test_text_rules_catch_each_pattern(text, rule):
    assert rule in {hit.rule for hit in text_hits(text)}


def test_findings_in_footnotes_name_the_footnote():
    footnote = ('<p>Tổng số hồ sơ: 1.733 hồ sơ<span class="footnote">Đăng ký khai sinh: {ho_tich.khai_sinh} '
                "trường hợp.</span>.</p>")
    findings = [f for f in check(render(_sections(body=footnote))) if f.rule == "doc_placeholder"]
    found = _by_file(findings, "doc_placeholder")
    assert set(found) == set(NAMES), _describe(findings)
    assert found[NAMES.docx][0].row is None and "footnote 1" in found[NAMES.docx][0].message
    assert found[NAMES.html][0].file == NAMES.html and "(the endnotes)" in found[NAMES.html][0].message


def test_many_findings_of_a_rule_are_capped_per_file():
    body = "".join(f"<p>Đoạn {n}: None.</p>" for n in range(doccheck.MAX_PER_RULE + 5))
    html = render(_sections(body=body))[0]
    findings = doccheck.check_report(html, None, None, unit=UNIT, year=YEAR, files=NAMES, final=False)
    assert len(findings) == doccheck.MAX_PER_RULE
    assert "5 more" in findings[-1].message


def test_heading_rank_reads_the_numbering():
    assert heading_rank(3, "I. CÔNG TÁC") < heading_rank(4, "1. Kết quả")
    assert heading_rank(5, "5.1. Kết quả") < heading_rank(5, "* Lĩnh vực Hộ tịch")
    assert heading_rank(5, "6.2. Kết quả") < heading_rank(5, "a) Kết quả") < heading_rank(5, "- Ý")
    assert heading_rank(5, "5.1. A") == heading_rank(5, "5.2. B")
    assert heading_rank(2, "TÌNH HÌNH") == (2, 0)


# -- headings ----------------------------------------------------------------------------------------------
def test_heading_saying_khong_co_with_content_under_it():
    body = "<p>Trang thiết bị còn thiếu, chưa đáp ứng yêu cầu.</p>"  # right after "2. Khó khăn, hạn chế (không có)"
    findings = check(render(_sections(after=body)))
    assert [f.rule for f in findings] == ["doc_heading_khong_co_with_content"], _describe(findings)
    assert findings[0].file == f"{NAMES.html}#01-chi-dao-dieu-hanh"
    assert "2. Khó khăn, hạn chế (không có)" in findings[0].message and "Trang thiết bị" in findings[0].found


def test_heading_saying_khong_co_with_a_sub_heading_under_it():
    # What an outline that ranks by HTML level alone would write: "5.1. … (không có)" above its "* Lĩnh vực" items.
    five = SECTION_FIVE.replace("<h5>5.1. Kết quả đạt được</h5>", "<h5>5.1. Kết quả đạt được (không có)</h5>")
    findings = check(render(_sections(five=five)))
    assert [f.rule for f in findings] == ["doc_heading_khong_co_with_content"], _describe(findings)
    assert "5.1. Kết quả đạt được (không có)" in findings[0].message and "a sub-heading" in findings[0].message


def test_heading_with_nothing_under_it():
    after = "<h4>3. Tồn tại, hạn chế</h4><h4>4. Nguyên nhân</h4><p>Do thiếu biên chế.</p>"
    findings = check(render(_sections(after=after)))
    assert [(f.rule, f.found) for f in findings] == [("doc_heading_empty", "3. Tồn tại, hạn chế")], _describe(findings)
    assert "Đề mục “3. Tồn tại, hạn chế” không có nội dung" in findings[0].message_vi


def test_heading_empty_before_the_closing_and_the_next_part():
    closing = CLOSING.replace("<h3>II. ĐỀ XUẤT, KIẾN NGHỊ (không có)</h3>", "<h3>II. ĐỀ XUẤT, KIẾN NGHỊ</h3>")
    sections = _sections(closing=closing)
    sections.insert(3, ("09-phuong-huong", '<div class="part"><p class="part-label">Phần thứ ba:</p>'
                                            '<h2 class="part-title">PHƯƠNG HƯỚNG NĂM 2025</h2></div><p>Tiếp tục.</p>'))
    sections[2] = ("06-ho-tich-chung-thuc", SECTION_FIVE + "<h5>6.3. Kết quả phát hiện và xử lý tham nhũng</h5>")
    findings = check(render(sections))
    assert sorted((f.rule, f.found) for f in findings) == [
        ("doc_heading_empty", "6.3. Kết quả phát hiện và xử lý tham nhũng"),  # the part label ends it
        ("doc_heading_empty", "II. ĐỀ XUẤT, KIẾN NGHỊ")], _describe(findings)  # the closing is not its content


# -- fonts ------------------------------------------------------------------------------------------------
def _font_without_vietnamese(folder: Path, family: str = "Thieu Dau") -> Path:
    """DejaVu Serif (matplotlib's copy, always there) cut down to ASCII and Latin-1, renamed: a font that
    lacks ế, ộ, ấ, đ, ư … like Debian's Liberation Serif 1.07."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = fonts._matplotlib_fonts() / "DejaVuSerif.ttf"
    font = TTFont(str(source))
    options = subset.Options()
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x100))
    subsetter.subset(font)
    postscript = family.replace(" ", "")
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (4,):
            record.string = family
        elif record.nameID == 6:
            record.string = postscript
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{postscript}.ttf"
    font.save(str(path))
    return path


def test_glyph_missing_from_the_report_font(tmp_path, monkeypatch):
    path = _font_without_vietnamese(tmp_path / "fonts")
    face = fonts.FontFile(path, 0, "Thieu Dau", "regular", "ThieuDau")
    typeface = fonts.Typeface({style: dataclasses.replace(face, style=style) for style in fonts.STYLES})
    documents = _good()  # rendered with the real fonts; checked against one that lacks Vietnamese letters
    monkeypatch.setattr(fonts, "typeface", lambda: typeface)
    findings = check(documents)
    glyphs = _by_file(findings, "doc_glyph")
    assert set(glyphs) == set(NAMES), _describe(findings)
    for file, found in glyphs.items():
        assert any("'ế' (U+1EBF LATIN SMALL LETTER E WITH CIRCUMFLEX AND ACUTE)" in f.message for f in found), file
        assert "Thieu Dau" in found[0].message and "Ký tự" in found[0].message_vi
    assert "Thieu Dau" not in {f.found for f in findings if f.rule == "doc_font_fallback"}


def test_glyph_in_the_font_file_but_not_in_the_font_the_page_embeds():
    """The page embeds a subset of the font (the alphabet and the report's symbols): a character the
    file has but the subset lacks shows in another font in a browser, though the PDF and Word are fine."""
    html = _good()[0]
    embedded = doctext.embedded_fonts(html)
    assert embedded and all(ord("ế") in font.covers for font in embedded)
    files = fonts.typeface().files.values()
    candidates = [c for c in "↑→←≈½∑√" if all(not face.missing(c) for face in files)
                  and not any(ord(c) in font.covers for font in embedded)]
    if not candidates:
        pytest.skip("the report font has none of the candidate symbols outside the embedded subset")
    char = candidates[0]
    findings = check(render(_sections(body=f"<p>Xem mục {char} ở trên.</p>")))
    assert [(f.rule, f.file) for f in findings] == [("doc_glyph", f"{NAMES.html}#01-chi-dao-dieu-hanh")], _describe(findings)
    assert "the font the page embeds" in findings[0].message and "report's font" not in findings[0].message


def _clear_font_caches() -> None:
    """Forget the chosen fonts and everything made from them (the print stylesheet, the embedded fonts)."""
    from tuphap.assemble import page, pdf

    for module in (fonts, page, pdf):
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == module.__name__:
                value.cache_clear()


@pytest.fixture
def fonts_without_vietnamese(tmp_path, monkeypatch):
    folder = tmp_path / "fonts"
    _font_without_vietnamese(folder)
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(folder))
    _clear_font_caches()
    yield folder
    monkeypatch.delenv(fonts.FONT_DIR_ENV)
    _clear_font_caches()


def test_pdf_renderer_falling_back_to_another_font(fonts_without_vietnamese):
    assert fonts.typeface().family == "Thieu Dau"
    findings = check(render(_sections()))
    fallback = _by_file(findings, "doc_font_fallback")
    assert list(fallback) == [NAMES.pdf], _describe(findings)
    assert fallback[NAMES.pdf][0].row == 1 and "Thieu Dau" not in fallback[NAMES.pdf][0].found
    assert "fell back" in fallback[NAMES.pdf][0].message
    assert NAMES.pdf in _by_file(findings, "doc_glyph")  # and the characters themselves


# -- the final version ------------------------------------------------------------------------------------------
def test_data_quality_note_in_the_final_version():
    documents = render(_sections(quality=True))
    assert check(documents, final=False) == []  # drafts carry it
    findings = check(documents, final=True)
    assert {f.rule for f in findings} == {"doc_draft_box_in_final"}, _describe(findings)
    assert set(_by_file(findings, "doc_draft_box_in_final")) == set(NAMES)
    assert all("Ghi chú về chất lượng số liệu" in f.found for f in findings)


# -- files on disk and `tuphap check` -------------------------------------------------------------------------------
def _write_report(root: Path, documents: tuple[str, bytes, bytes], *, unit: str = UNIT, mode: str | None = "draft") -> Path:
    folder = root / "outputs" / str(YEAR) / unit
    folder.mkdir(parents=True, exist_ok=True)
    html, pdf, docx = documents
    (folder / "report.html").write_text(html, encoding="utf-8")
    (folder / "report.pdf").write_bytes(pdf)
    (folder / "report.docx").write_bytes(docx)
    manifest = root / "outputs" / "manifest.json"
    ledger = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {"version": 1, "reports": {}, "rollups": {}}
    ledger["reports"][f"{YEAR}/{unit}"] = {"unit": unit, "year": YEAR, "status": "built", **({"mode": mode} if mode else {})}
    manifest.write_text(json.dumps(ledger), encoding="utf-8")
    return folder


def test_missing_and_damaged_files(tmp_path):
    folder = _write_report(tmp_path, _good())
    (folder / "report.docx").unlink()
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\nnot really")
    findings = doccheck.check_report_dir(folder, unit=UNIT, year=YEAR, final=False, root=tmp_path)
    assert sorted((f.rule, f.file) for f in findings) == [("doc_unreadable", NAMES.docx), ("doc_unreadable", NAMES.pdf)]


def test_check_command_clean_then_with_a_defect_on_disk(tmp_path):
    root = tmp_path / "project"
    folder = _write_report(root, _good())
    result = run_tuphap("check", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 finding(s) in 0 of 1 report(s) checked" in result.stdout

    page = folder / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace("0 vụ việc tồn đọng", "None vụ việc tồn đọng"), encoding="utf-8")
    result = run_tuphap("check", "--unit", UNIT, "--year", str(YEAR), root=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"error: {NAMES.html}#01-chi-dao-dieu-hanh | {UNIT} {YEAR} | rule doc_english" in result.stdout
    assert "1 finding(s) in 1 of 1 report(s) checked" in result.stdout

    assert run_tuphap("check", "--unit", "khong-co", root=root).returncode == 2  # no such report
    assert run_tuphap("check", "--year", "12", root=root).returncode == 2
    assert run_tuphap("check", "--bogus", root=root).returncode == 2


def test_check_command_knows_final_reports_from_the_ledger(tmp_path):
    root = tmp_path / "project"
    documents = render(_sections(quality=True))
    _write_report(root, documents, mode=None)  # no mode recorded: a draft
    assert run_tuphap("check", root=root).returncode == 0
    _write_report(root, documents, mode="final")
    result = run_tuphap("check", root=root)
    assert result.returncode == 1 and result.stdout.count("rule doc_draft_box_in_final") == 3, result.stdout
    _write_report(root, documents, mode="draft")
    assert run_tuphap("check", "--final", root=root).returncode == 1


def test_check_command_on_the_built_sample(built_tan_khai, tmp_path):
    """The real Tân Khai report, built by `tuphap build`, reads clean; a defect put into its report.html
    on disk (in a copy: the build is shared) is found and named."""
    project = built_tan_khai.parents[2]
    result = run_tuphap("check", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 0, result.stdout + result.stderr

    root = tmp_path / "copy"
    shutil.copytree(built_tan_khai, root / "outputs" / "2024" / "tan-khai", ignore=shutil.ignore_patterns("sections"))
    shutil.copy(project / "outputs" / "manifest.json", root / "outputs" / "manifest.json")
    page = root / "outputs" / "2024" / "tan-khai" / "report.html"
    html = page.read_text(encoding="utf-8")
    assert "Lê Viết Truyền" in html
    page.write_text(html.replace("Lê Viết Truyền", "{signer_name}"), encoding="utf-8")
    result = run_tuphap("check", root=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: outputs/2024/tan-khai/report.html#10-ket-thuc | tan-khai 2024 | rule doc_placeholder" in result.stdout
