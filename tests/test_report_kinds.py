"""Report kinds as data: the six-month report built through the real command, and a third kind added
with files only (a kind entry, a notebooks folder, params and figures), no code."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from tests.conftest import run_tuphap

SIX_MONTH_TITLE = ("Báo cáo sơ kết công tác Tư pháp 6 tháng đầu năm 2025 và phương hướng, nhiệm vụ 6 tháng cuối "
                   "năm 2025 — xã Tân Khai")


def _text(html_file: Path) -> str:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def _pdf_text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


@pytest.fixture(scope="module")
def six_month(built_six_month) -> Path:
    """The 2025 six-month report of xã Tân Khai, built alone (`--kind 6thang`), then the year's zip."""
    return built_six_month[0]


def test_the_six_month_report_has_its_title_period_and_marked_estimates(six_month):
    report = six_month / "outputs" / "2025" / "_6thang" / "tan-khai"
    text = _text(report / "report.html")
    soup = BeautifulSoup((report / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == SIX_MONTH_TITLE
    assert PdfReader(report / "report.pdf").metadata.title == SIX_MONTH_TITLE
    # Dated 04/7/2025, after the merger: the new xã's report, with the new header.
    assert "ỦY BAN NHÂN DÂN XÃ TÂN KHAI Số: 18/BC-UBND" in text and "THỊ TRẤN" not in text
    # The kind's period rule: actual figures to 31/5, the rest of the half-year estimated.
    assert ("Số liệu thực tế tính từ ngày 01/01/2025 đến ngày 31/5/2025; số liệu từ ngày 01/6/2025 đến ngày "
            "30/6/2025 là số liệu ước tính, được đánh dấu (*) sau con số.") in text
    # Figures of period 6thang only (the year's 2025 figures, if any, are not these); the total of civil
    # status files is summed from parts of which two are estimates, so it is marked too.
    assert "đã tổ chức 121 buổi tuyên truyền pháp luật với 4.100 lượt người tham dự" in text
    assert "Tổng số hồ sơ đăng ký hộ tịch 6 tháng đầu năm 2025: 1.599 (*) hồ sơ" in text
    assert "chứng thực bản sao từ bản chính 2.100 (*) trường hợp" in text
    assert "Chứng thực chữ ký 1.845 trường hợp" in text  # an actual figure carries no mark
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ CÔNG TÁC TƯ PHÁP 6 THÁNG CUỐI NĂM 2025" in text
    assert "DỮ LIỆU MẪU" in text  # the new xã is a sample unit in the registry
    # The kind's recipients, since the params list none.
    assert "Nơi nhận: - Sở Tư pháp; - Lưu: VT." in text
    pdf = _pdf_text(report / "report.pdf")
    assert "1.599(*)" in pdf.replace(" ", "") and "6 THÁNG CUỐI NĂM 2025" in pdf
    # The Word file keeps the mark, raised, right after the figure.
    runs = [run for paragraph in Document(report / "report.docx").paragraphs for run in paragraph.runs]
    marks = [n for n, run in enumerate(runs) if run.text == "(*)"]
    assert marks and all(runs[n].font.superscript for n in marks)
    assert any(runs[n - 1].text.endswith("2.100") for n in marks)


def test_the_six_month_report_has_its_own_ledger_key_and_the_year_report_is_untouched(six_month):
    ledger = json.loads((six_month / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    entry = ledger["reports"]["2025/_6thang/tan-khai"]
    assert entry["kind"] == "6thang" and entry["status"] == "built" and entry["unit"] == "tan-khai"
    assert not (six_month / "outputs" / "2024").exists()  # --kind 6thang built nothing else


def test_the_site_and_the_zip_list_the_six_month_report(six_month):
    page = (six_month / "outputs" / "site" / "2025" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.h1.get_text() == "Báo cáo tổng kết công tác Tư pháp năm 2025"  # the year's year report is listed too
    assert soup.select_one('p[data-kind="6thang"]').find_previous("h2").get_text() == "Báo cáo 6 tháng"
    province = (six_month / "outputs" / "site" / "2025" / "province-dong-nai.html").read_text(encoding="utf-8")
    table = BeautifulSoup(province, "html.parser").select_one('table[data-kind="6thang"]')
    assert table is not None and table.find_previous("h2").get_text() == "Báo cáo 6 tháng"
    assert [a["href"] for a in table.select("a")] == ["_6thang/tan-khai/report.html", "_6thang/tan-khai/report.pdf",
                                                      "_6thang/tan-khai/report.docx"]
    names = zipfile.ZipFile(six_month / "outputs" / "tuphap-2025.zip").namelist()
    assert "tuphap-2025/2025/_6thang/tan-khai/report.pdf" in names


def test_an_unknown_kind_names_the_nearest(project):
    result = run_tuphap("build", "--year", "2025", "--kind", "6thnag", root=project)
    assert result.returncode == 2
    assert "unknown report kind '6thnag'" in result.stderr and "did you mean '6thang'?" in result.stderr
    assert run_tuphap("validate", "--kind", "nam2", root=project).returncode == 2


THIRD_KIND = """
nam-chinh-thuc:
  name: "Báo cáo năm chính thức"
  title: "Báo cáo số liệu chính thức công tác Tư pháp năm {year} — {unit_full}"
  author: "UBND {unit_full}"
  period: {code: nam-chinh-thuc, start: "01-01", end: "12-31", actual_to: "12-31"}
  recipients: ["Sở Tư pháp"]
"""


def _notebook(cells: list[str]) -> dict:
    code = [{"cell_type": "code", "execution_count": None, "id": f"c{n}", "metadata": {"tags": ["parameters"]} if n == 0
             else {}, "outputs": [], "source": source} for n, source in enumerate(cells)]
    return {"cells": code, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def test_a_third_kind_needs_files_only(project):
    """The official year report (báo cáo năm chính thức: every figure actual, Thông tư 03/2019/TT-BTP):
    an entry in data/report_kinds.yaml, a notebooks folder, params and figures of its period."""
    kinds = project / "data" / "report_kinds.yaml"
    kinds.write_text(kinds.read_text(encoding="utf-8") + THIRD_KIND, encoding="utf-8")
    folder = project / "notebooks" / "nam-chinh-thuc"
    folder.mkdir()
    opening = 'import tuphap\nsection = tuphap.open_section(unit, year, kind=kind)'
    (folder / "00-dau.ipynb").write_text(json.dumps(_notebook([
        'unit = "tan-khai"\nyear = 2024\nkind = "nam-chinh-thuc"', opening,
        'section.document_header("Số liệu chính thức công tác Tư pháp năm {year}")',
        'section.period_statement()',
        'section.text("Tổng số hồ sơ đăng ký hộ tịch cả năm {year}: {ho_tich.tong} hồ sơ.")'])), encoding="utf-8")
    (folder / "01-cuoi.ipynb").write_text(json.dumps(_notebook([
        'unit = "tan-khai"\nyear = 2024\nkind = "nam-chinh-thuc"', opening,
        'section.closing("Trên đây là báo cáo số liệu chính thức năm {year}./.")', 'section.signature_block()'])),
        encoding="utf-8")
    params = project / "params" / "2024" / "_nam-chinh-thuc" / "tan-khai.yaml"
    params.parent.mkdir()
    params.write_text((project / "params" / "2024" / "tan-khai.yaml").read_text(encoding="utf-8").replace(
        "  end: 2024-10-16", "  end: 2024-12-31"), encoding="utf-8")
    narrative = project / "data" / "narrative" / "2024" / "_nam-chinh-thuc" / "tan-khai.md"
    narrative.parent.mkdir()
    narrative.write_text("<!-- No prose: this kind's notebooks name no block. -->\n", encoding="utf-8")
    (project / "data" / "values" / "2024-chinh-thuc.csv").write_text(
        "unit,year,period,indicator,value\n"
        "tan-khai,2024,nam-chinh-thuc,ho_tich.tong,2104\n"
        "tan-khai,2024,nam-chinh-thuc,ho_tich.khai_sinh,351\n", encoding="utf-8")

    assert "2024  tan-khai  (nam-chinh-thuc)" in run_tuphap("list", root=project).stdout
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--kind", "nam-chinh-thuc", root=project)
    assert result.returncode == 0, result.stdout + result.stderr
    report = project / "outputs" / "2024" / "_nam-chinh-thuc" / "tan-khai"
    title = "Báo cáo số liệu chính thức công tác Tư pháp năm 2024 — thị trấn Tân Khai"
    text = _text(report / "report.html")
    assert BeautifulSoup((report / "report.html").read_text(encoding="utf-8"), "html.parser").title.string == title
    assert "Tổng số hồ sơ đăng ký hộ tịch cả năm 2024: 2.104 hồ sơ." in text  # its own period's figure, not 1.733
    assert "Số liệu thực tế tính từ ngày 01/01/2024 đến ngày 31/12/2024." in text
    pdf = _pdf_text(report / "report.pdf")
    assert PdfReader(report / "report.pdf").metadata.title == title and "2.104" in pdf
    assert not (project / "outputs" / "2024" / "tan-khai").exists()  # the year report was not asked for
