"""Draft and final: the data-quality note belongs to drafts; the copy to be signed needs every warning
fixed or acknowledged with a reason, which the ledger and the site record and the document never shows."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from tests.conftest import copy_project, run_tuphap, writable_copy

NOTE = "Ghi chú về chất lượng số liệu"
ACKNOWLEDGED = {  # Tân Khai 2024's four warnings, each with the unit's reason
    ("tong_thanh_phan", "ho_tich.tong"): "Giữ số tổng như báo cáo đã ký; 01 hồ sơ đang được rà soát loại việc.",
    ("dung_han_va_tre_han", "ho_tich.ty_le_dung_han"): "Tỷ lệ ghi theo phần mềm hộ tịch tại thời điểm báo cáo.",
    ("don_du_dieu_kien", "tcd.don_du_dieu_kien"): "Bao gồm 01 đơn kỳ trước chuyển sang.",
    ("thay_doi_so_voi_nam_truoc", "tcd.luot_tiep"): "Năm 2023 chỉ tính lượt tiếp của lãnh đạo.",
}


def acknowledge(root, acknowledgements) -> None:
    params = root / "params" / "2024" / "tan-khai.yaml"
    lines = ["acknowledged:"] + [line for (rule, indicator), reason in acknowledgements.items()
                                 for line in (f"  - rule: {rule}", f"    indicator: {indicator}", f"    reason: {reason}")]
    params.write_text(params.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")


def texts(folder) -> tuple[str, str, str]:
    html = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "report.pdf").pages)
    docx = " ".join(paragraph.text for paragraph in Document(folder / "report.docx").paragraphs)
    docx += " ".join(cell.text for table in Document(folder / "report.docx").tables for row in table.rows for cell in row.cells)
    return html, pdf, docx


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("final") / "project")


def test_final_without_acknowledgements_fails_naming_each_warning(project):
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", root=project)
    assert result.returncode == 1
    assert "the final copy needs every data warning fixed or acknowledged: 4 warning(s) are not" in result.stderr
    assert "params/2024/tan-khai.yaml under `acknowledged:`" in result.stderr
    for rule, indicator in ACKNOWLEDGED:
        assert f"{indicator} | rule {rule}" in result.stderr
    assert not (project / "outputs" / "2024" / "tan-khai" / "report.pdf").exists()


def test_one_warning_left_unacknowledged_still_blocks_the_final_copy(project):
    acknowledge(project, dict(list(ACKNOWLEDGED.items())[:3]))
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", root=project)
    assert result.returncode == 1 and "1 warning(s) are not" in result.stderr and "rule thay_doi_so_voi_nam_truoc" in result.stderr


def test_a_failed_final_build_leaves_the_draft_recorded_as_a_draft(built_tan_khai, tmp_path):
    root = writable_copy(built_tan_khai.parents[2], tmp_path / "project")  # the draft built
    assert run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", root=root).returncode == 1
    ledger = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert ledger["reports"]["2024/tan-khai"]["mode"] == "draft"
    checked = run_tuphap("check", "--unit", "tan-khai", "--year", "2024", root=root)
    assert checked.returncode == 0, checked.stdout  # the draft's data-quality note is no final-copy defect


def test_acknowledged_the_final_copy_has_no_note_and_the_ledger_and_site_record_why(tmp_path):
    root = copy_project(tmp_path / "project")
    acknowledge(root, ACKNOWLEDGED)
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = root / "outputs" / "2024" / "tan-khai"
    for text in texts(folder):
        assert NOTE not in text and "Đã xác nhận" not in text and ACKNOWLEDGED[("tong_thanh_phan", "ho_tich.tong")] not in text
    html = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert not html.select("aside.data-quality")
    assert html.select_one("footer.build-info").get_text().startswith("Bản chính thức")
    assert PdfReader(folder / "report.pdf").metadata.subject.startswith("Bản chính thức")

    entry = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    assert entry["mode"] == "final"
    assert {(a["rule"], a["indicator"]): (a["reason"], a["matched"]) for a in entry["acknowledged"]} == \
        {key: (reason, True) for key, reason in ACKNOWLEDGED.items()}
    findings_page = (root / "outputs" / "site" / "2024" / "findings-binh-phuoc.html").read_text(encoding="utf-8")
    for reason in ACKNOWLEDGED.values():
        assert f"Đã xác nhận: {reason}" in findings_page
    province_page = BeautifulSoup((root / "outputs" / "site" / "2024" / "province-binh-phuoc.html").read_text(encoding="utf-8"),
                                  "html.parser")
    assert "bản chính thức" in province_page.select_one('tr[data-unit="tan-khai"]').get_text()
    assert run_tuphap("check", "--unit", "tan-khai", "--year", "2024", root=root).returncode == 0

    # The draft again: the note is back, with the unit's reasons beside its findings; the sections are reused.
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=root)
    assert result.returncode == 0 and "sections executed: 0, reused: 11" in result.stdout
    html, pdf, docx = texts(folder)
    assert NOTE in html and NOTE in pdf and NOTE in docx
    assert f"Đã xác nhận: {ACKNOWLEDGED[('don_du_dieu_kien', 'tcd.don_du_dieu_kien')]}" in " ".join(html.split())


def test_an_acknowledgement_needs_a_reason(tmp_path):
    root = copy_project(tmp_path / "project")
    acknowledge(root, {("tong_thanh_phan", "ho_tich.tong"): "''"})
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", root=root)
    assert result.returncode == 1 and "params/2024/tan-khai.yaml" in result.stderr
    assert "acknowledged.0.reason" in result.stderr and "Traceback" not in result.stderr
