"""report.docx: the same figures as report.html, in the Nghị định 30/2020 format (two-column header,
A4 and margins, Times New Roman, real footnotes, recipients beside the signature), and a header that
survives LibreOffice's conversion to PDF."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn

REPORTS = {
    "tan-khai": ("2024/tan-khai", "ỦY BAN NHÂN DÂN", "THỊ TRẤN TÂN KHAI"),
    "province": ("2024/_rollup/province-binh-phuoc", "UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP"),
    "district": ("2024/_rollup/district-hon-quan", "UBND HUYỆN HỚN QUẢN", "PHÒNG TƯ PHÁP"),
}
NUMBER = re.compile(r"\d+(?:[.,/]\d+)*%?")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.fixture(scope="module", params=list(REPORTS))
def report(request, built_2024):
    folder, issuer, unit = REPORTS[request.param]
    return built_2024 / "outputs" / folder, issuer, unit


def footnotes_xml(document):
    """The footnotes part, parsed (python-docx reads it as an opaque part)."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES)
    assert part.content_type == CONTENT_TYPE.WML_FOOTNOTES
    return parse_xml(part.blob)


def notes(document) -> list[str]:
    """The text of each real footnote (the separators have negative or zero ids)."""
    return ["".join(t.text for t in note.iter(qn("w:t")))
            for note in footnotes_xml(document).findall(qn("w:footnote")) if int(note.get(qn("w:id"))) > 0]


def docx_text(document) -> str:
    body = " ".join(t.text for t in document.element.body.iter(qn("w:t")))
    body = re.sub(r"(Bảng|Biểu đồ) \d+\. ", " ", body)  # numbered by the stylesheet in HTML, written out in Word
    return body + " " + " ".join(notes(document))


def html_text(path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for call in soup.select("sup.fn-ref, a.backref"):
        call.decompose()
    return soup.select_one("main").get_text(" ")


def test_docx_holds_the_same_figures_as_the_html(report):
    folder, _, _ = report
    document = Document(folder / "report.docx")
    in_docx = Counter(NUMBER.findall(docx_text(document)))
    in_html = Counter(NUMBER.findall(html_text(folder / "report.html")))
    assert in_docx == in_html
    assert len(in_html) > 20


def test_docx_header_is_a_borderless_two_column_table(report):
    folder, issuer, unit = report
    header = Document(folder / "report.docx").tables[0]
    assert len(header.columns) == 2 and len(header.rows) == 1
    left, right = (cell.text for cell in header.rows[0].cells)
    assert issuer in left and unit in left and "Số:" in left
    assert NATION in right and "Độc lập - Tự do - Hạnh phúc" in right and "ngày" in right
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(side.get(qn("w:val")) == "nil" for side in borders)
    assert header.rows[0].cells[0].width < header.rows[0].cells[1].width
    first, second = header.rows[0].cells[0].paragraphs[:2]
    assert all(run.bold for run in second.runs)  # the issuing body in bold; a body above it (UBND TỈNH) not
    assert all(run.bold for run in first.runs) == (issuer == "ỦY BAN NHÂN DÂN")


def test_docx_page_is_a4_with_official_margins_and_times_14(report):
    folder, _, _ = report
    document = Document(folder / "report.docx")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


def test_docx_has_pictures_recipients_and_signature_side_by_side(report):
    folder, _, _ = report
    document = Document(folder / "report.docx")
    charts = len(BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser").select("figure.chart img"))
    assert len(document.inline_shapes) == charts > 0
    # the signature block, after which a roll-up may have its annex of units without figures
    signature = next(table for table in document.tables if table.rows[0].cells[0].text.startswith("Nơi nhận:"))
    assert len(signature.columns) == 2
    recipients, signer = (cell.text for cell in signature.rows[0].cells)
    assert recipients.startswith("Nơi nhận:") and "Lưu: VT." in recipients
    assert signer.strip() and "Nơi nhận" not in signer


def test_docx_footnotes_are_real_word_footnotes(built_2024):
    folder = built_2024 / "outputs" / "2024" / "tan-khai"
    document = Document(folder / "report.docx")
    texts = notes(document)
    assert len(texts) == 2
    assert "Đăng ký khai sinh: 286 trường hợp" in texts[0] and "năm 2024: 1.733 hồ sơ" in texts[1]
    references = [r.get(qn("w:id")) for r in document.element.body.iter(qn("w:footnoteReference"))]
    assert references == ["1", "2"]
    province = Document(built_2024 / "outputs" / "2024" / "_rollup" / "province-binh-phuoc" / "report.docx")
    assert any("không phải trung bình cộng tỷ lệ" in text for text in notes(province))


@pytest.fixture(scope="module")
def libreoffice():
    # Not skipped when missing: CI installs it (scripts/install-system-packages), so absence is a failure.
    command = shutil.which("libreoffice") or shutil.which("soffice")
    assert command, "LibreOffice is required (Debian: libreoffice-writer-nogui; see scripts/install-system-packages)"
    return command


def test_libreoffice_keeps_the_two_column_header(report, libreoffice, tmp_path):
    folder, issuer, _ = report
    profile = tmp_path / "profile"  # a profile of its own, so parallel runs do not share a lock
    result = subprocess.run([libreoffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                             "pdf", "--outdir", str(tmp_path), str(folder / "report.docx")],
                            capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), result.stdout + result.stderr
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert any(issuer in line and NATION in line for line in layout.splitlines()), layout[:800]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
