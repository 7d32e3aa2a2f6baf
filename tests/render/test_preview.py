"""What the notebook API does for the live preview: a report notes what it reads (collected only when
asked), re-reads its narrative file when it changed, and `section.preview()` points at the running
preview or the last built report, as Markdown that a built report never shows."""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import copy_project
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render import preview
from tuphap.render.commune import CommuneReport


@pytest.fixture
def root(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture
def section(root) -> CommuneReport:
    return CommuneReport(Dataset.load(ProjectPaths(root)), "tan-khai", 2024)


def test_a_report_notes_the_blocks_and_figures_it_reads(section):
    section.narrative("chi_dao.ket_qua")
    section.narrative("khong_co")  # a block that is not there is read too: adding it changes the page
    section.text("Tỷ lệ {hoa_giai.ty_le_thanh}.")  # a rate: its numerator and denominator
    section.text("{ho_tich.tong|parts}")  # a total's parts
    section.year_comparison(["tcd.luot_tiep"], "So sánh:")
    reads = section.reads
    assert reads.narrative == {"chi_dao.ket_qua", "khong_co"}
    assert {(2024, "hoa_giai.thanh"), (2024, "hoa_giai.tiep_nhan"), (2024, "ho_tich.khai_sinh"),
            (2023, "tcd.luot_tiep"), (2024, "tcd.luot_tiep")} <= reads.values
    assert reads.any_values == {2023} and not reads.everything
    section.data_quality_note()
    assert section.reads.everything


def test_going_through_all_figures_reads_everything(section):
    figures = section.figures()
    assert not section.reads.everything
    list(figures.values)
    assert section.reads.everything


def test_reads_are_collected_only_between_record_and_recorded(root):
    dataset = Dataset.load(ProjectPaths(root))
    CommuneReport(dataset, "tan-khai", 2024).narrative("de_xuat")  # before: not collected
    preview.record_reads()
    CommuneReport(dataset, "tan-khai", 2024).narrative("chi_dao.ket_qua")
    CommuneReport(dataset, "tan-khai", 2024).text("{hoa_giai.so_to}")
    bundle = preview.recorded_reads()._repr_mimebundle_()
    reads = preview.Reads.from_json(bundle[preview.READS_MIME]["reads"])
    assert reads == preview.Reads({"chi_dao.ket_qua"}, {(2024, "hoa_giai.so_to")})
    assert preview.recorded_reads()._repr_mimebundle_()[preview.READS_MIME] == {"reads": None}


def test_the_narrative_is_read_again_when_its_file_changed(section):
    before = section.narrative("chi_dao.kho_khan").html
    file = section.narrative_file
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("## chi_dao.kho_khan\n", "## chi_dao.kho_khan\nMột câu vừa lưu.\n"), encoding="utf-8")
    assert "Một câu vừa lưu." in section.narrative("chi_dao.kho_khan").html != before
    blocks = section.narrative_blocks
    assert section.narrative_blocks is blocks  # unchanged file: not read again


def test_preview_links_the_running_preview_else_the_built_report(root, section, monkeypatch):
    monkeypatch.chdir(root / "notebooks")
    shown = section.preview()._repr_mimebundle_()
    assert "html" not in " ".join(shown)  # Markdown: a forgotten preview() cell adds nothing to a report
    assert "Chưa có báo cáo nào" in shown["text/markdown"] and "tuphap preview --unit tan-khai" in shown["text/markdown"]

    built = root / "outputs" / "2024" / "tan-khai" / "report.html"
    built.parent.mkdir(parents=True)
    built.write_text("<html></html>", encoding="utf-8")
    shown = section.preview()._repr_mimebundle_()["text/markdown"]
    assert "Báo cáo đã tạo lúc" in shown and "(../outputs/2024/tan-khai/report.html)" in shown

    address = preview.address_file(ProjectPaths(root), 2024, "tan-khai")
    address.parent.mkdir(parents=True)
    address.write_text(json.dumps({"url": "http://127.0.0.1:8123/", "pid": os.getpid()}), encoding="utf-8")
    shown = section.preview()._repr_mimebundle_()["text/markdown"]
    assert "Bản xem trước đang chạy" in shown and '<iframe src="http://127.0.0.1:8123/"' in shown
    address.write_text(json.dumps({"url": "http://127.0.0.1:8123/", "pid": 2 ** 22 + 1}), encoding="utf-8")
    assert "Báo cáo đã tạo lúc" in section.preview()._repr_mimebundle_()["text/markdown"]  # its process is gone
