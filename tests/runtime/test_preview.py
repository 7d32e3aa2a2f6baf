"""The live preview's change analysis on the sample notebooks: what each section read as it ran, and
which sections a change re-runs (a narrative block: the sections using it, plus 00's data-quality
note; a figure: the sections using that indicator, through parts, rates and last year too; params,
registry row or catalogue: all; a notebook: that section); and the session re-running them from the
files, showing a failing section's error in its place, writing nothing under outputs/."""
from __future__ import annotations

import dataclasses
import re
from contextlib import contextmanager

import pytest

from tests.conftest import copy_project
from tuphap.project import ProjectPaths
from tuphap.render.preview import Reads
from tuphap.runtime.preview import PreviewSession
from tuphap.runtime.preview_changes import analysable, compare, read_inputs, to_rerun

NOTE = "00-mo-dau"
ALL = ["00-mo-dau", "01-chi-dao-dieu-hanh", "02-pho-bien-giao-duc-phap-luat", "03-hoa-giai-co-so",
       "04-tu-sach-phap-luat", "05-chuan-tiep-can-phap-luat", "06-ho-tich-chung-thuc",
       "07-tiep-cong-dan-khieu-nai-phong-chong-tham-nhung", "08-danh-gia-chung", "09-phuong-huong-nhiem-vu",
       "10-ket-thuc"]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> PreviewSession:
    root = copy_project(tmp_path_factory.mktemp("preview") / "project")
    session = PreviewSession(ProjectPaths(root), "tan-khai", 2024)
    update = session.refresh()
    assert update.ran == ALL and update.failed == [], update
    return session


@pytest.fixture(scope="module")
def baseline(session):
    """The inputs and reads of the first run (tests that edit files re-run sections later)."""
    return session.inputs, {name: run.reads for name, run in session.sections.items()}


def rerun(baseline, **changed) -> list[str]:
    inputs, reads = baseline
    after = dataclasses.replace(inputs, **changed)
    return to_rerun(compare(inputs, after), reads, list(after.notebooks))


def with_value(baseline, year: int, indicator: str, value) -> dict:
    values = {y: dict(v) for y, v in baseline[0].values.items()}
    if value is None:
        values[year].pop(indicator, None)
    else:
        values[year][indicator] = value
    return {"values": values, "data": "another digest"}


def with_block(baseline, key: str, text: str) -> dict:
    return {"narrative": {**baseline[0].narrative, key: text}, "narrative_source": b"edited"}


def test_each_section_records_what_it_read(baseline):
    _, reads = baseline
    assert reads[NOTE].everything  # the data-quality note validates every figure and the whole narrative
    assert not any(reads[name].everything for name in ALL[1:])
    assert reads["01-chi-dao-dieu-hanh"] == Reads({"chi_dao.ket_qua", "chi_dao.kho_khan"})
    assert reads["09-phuong-huong-nhiem-vu"].values == set()
    # A total's parts ({ho_tich.tong|parts}, its chart), a rate's numerator and denominator:
    assert {(2024, "ho_tich.khai_sinh"), (2024, "ho_tich.truc_tuyen")} <= reads["06-ho-tich-chung-thuc"].values
    assert {(2024, "hoa_giai.thanh"), (2024, "hoa_giai.tiep_nhan")} <= reads["03-hoa-giai-co-so"].values
    # The comparison with last year: its figures, and whether last year has any.
    tcd = reads["07-tiep-cong-dan-khieu-nai-phong-chong-tham-nhung"]
    assert (2023, "tcd.luot_tiep") in tcd.values and tcd.any_values == {2023}
    # A placeholder inside a narrative block (danh_gia.ket_qua names ho_tich.truc_tuyen).
    assert (2024, "ho_tich.truc_tuyen") in reads["08-danh-gia-chung"].values


@pytest.mark.parametrize("key, sections", [
    ("chi_dao.kho_khan", ["01-chi-dao-dieu-hanh"]),
    ("pbgdpl.noi_dung", ["02-pho-bien-giao-duc-phap-luat"]),
    ("danh_gia.ket_qua", ["08-danh-gia-chung"]),
    ("de_xuat", ["10-ket-thuc"]),
    ("khong_ai_dung", []),  # a new block no notebook asks for
])
def test_a_narrative_block_edit_reruns_the_sections_using_it_and_the_note(baseline, key, sections):
    assert rerun(baseline, **with_block(baseline, key, "Một câu mới của đơn vị.")) == [NOTE, *sections]


def test_a_removed_block_reruns_its_section_and_a_comment_only_the_note(baseline):
    narrative = {k: v for k, v in baseline[0].narrative.items() if k != "tu_sach.quan_ly"}
    assert rerun(baseline, narrative=narrative, narrative_source=b"x") == [NOTE, "04-tu-sach-phap-luat"]
    assert rerun(baseline, narrative_source=b"<!-- a note -->") == [NOTE]  # its findings name lines


@pytest.mark.parametrize("year, indicator, sections", [
    (2024, "ho_tich.khai_sinh", ["06-ho-tich-chung-thuc"]),  # a part of a total: its list and chart
    (2024, "hoa_giai.thanh", ["03-hoa-giai-co-so"]),  # a rate's numerator, a chart's bar
    (2024, "pbgdpl.so_buoi", ["02-pho-bien-giao-duc-phap-luat", "08-danh-gia-chung"]),
    (2024, "ho_tich.truc_tuyen", ["06-ho-tich-chung-thuc", "08-danh-gia-chung"]),  # also in a narrative block
    (2023, "tcd.luot_tiep", ["07-tiep-cong-dan-khieu-nai-phong-chong-tham-nhung"]),  # last year's figure
    (2024, "chung.khu_dan_cu", ["03-hoa-giai-co-so", "04-tu-sach-phap-luat"]),
])
def test_a_changed_value_reruns_the_sections_using_that_indicator(baseline, year, indicator, sections):
    assert rerun(baseline, **with_value(baseline, year, indicator, 4321.0)) == [NOTE, *sections]
    assert rerun(baseline, **with_value(baseline, year, indicator, None)) == [NOTE, *sections]  # removed


def test_a_value_no_section_reads_or_another_units_file_reruns_only_the_note(baseline):
    assert rerun(baseline, **with_value(baseline, 2024, "khong.chi_tieu_nao", 1.0)) == [NOTE]
    assert rerun(baseline, data="another unit's figure changed") == [NOTE]
    assert rerun(baseline, rules=b"changed rules") == [NOTE]


def test_last_year_losing_every_figure_reruns_what_asked_whether_there_were_any(baseline):
    values = {y: dict(v) for y, v in baseline[0].values.items() if y != 2023}
    assert "07-tiep-cong-dan-khieu-nai-phong-chong-tham-nhung" in rerun(baseline, values=values, data="x")
    assert compare(baseline[0], dataclasses.replace(baseline[0], values=values)).any_values == {2023}


@pytest.mark.parametrize("field", ["params", "catalogue", "unit_row"])
def test_params_registry_row_or_catalogue_rerun_every_section(baseline, field):
    assert rerun(baseline, **{field: b"changed" if field != "unit_row" else "Unit(...)"}) == ALL


def test_a_notebook_change_reruns_that_section_only(baseline):
    notebooks = {**baseline[0].notebooks, "04-tu-sach-phap-luat": b"{}"}
    assert rerun(baseline, notebooks=notebooks) == ["04-tu-sach-phap-luat"]
    assert rerun(baseline, notebooks={**notebooks, "11-moi.ipynb": b"{}"}) == ["04-tu-sach-phap-luat", "11-moi.ipynb"]


def test_a_notebook_saved_with_outputs_or_new_notes_reruns_nothing(baseline):
    import json

    name = "03-hoa-giai-co-so"
    notebook = json.loads(baseline[0].notebooks[name])
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [{"output_type": "stream", "name": "stdout", "text": "x"}], 7
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Ghi chú mới."})
    saved = json.dumps(notebook).encode()
    assert rerun(baseline, notebooks={**baseline[0].notebooks, name: saved}) == []
    notebook["cells"][-2]["metadata"]["tags"] = ["remove-cell"]  # a tag changes what the report shows
    tagged = json.dumps(notebook).encode()
    assert rerun(baseline, notebooks={**baseline[0].notebooks, name: tagged}) == [name]


def test_report_kinds_only_reassemble_and_nothing_changed_reruns_nothing(baseline):
    change = compare(baseline[0], dataclasses.replace(baseline[0], report_kinds=b"other"))
    assert change.document and to_rerun(change, baseline[1], ALL) == []
    assert rerun(baseline) == []


def test_a_failed_or_unanalysable_section_reruns_on_any_change(baseline):
    inputs, reads = baseline
    failed = {**reads, "05-chuan-tiep-can-phap-luat": None}
    changed = compare(inputs, dataclasses.replace(inputs, **with_block(baseline, "de_xuat", "x")))
    assert to_rerun(changed, failed, ALL) == [NOTE, "05-chuan-tiep-can-phap-luat", "10-ket-thuc"]
    unknown = {**reads, "05-chuan-tiep-can-phap-luat": Reads(everything=True)}
    assert to_rerun(changed, unknown, ALL) == [NOTE, "05-chuan-tiep-can-phap-luat", "10-ket-thuc"]


def test_the_sample_notebooks_can_be_vouched_for_and_own_code_cannot(session):
    import nbformat

    for notebook in session.paths.section_notebooks():
        cells = [cell.source for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]
        assert analysable(cells), notebook.name
    base = ['unit = "tan-khai"\nyear = 2024', "import tuphap\n\nsection = tuphap.open_section(unit, year)"]
    assert analysable(base + ['section.text("{hoa_giai.thanh} vụ", optional=True)'])
    for cell in ('print(open("data/values/2024.csv").read())', "%matplotlib inline",
                 'section.text("x" if section.figures().value("hoa_giai.thanh") else "y")',
                 'section.dataset.values', 'other = tuphap.open_section("an-phu-mau", 2024)',
                 'section.text(f"{year}")'):
        assert not analysable(base + [cell]), cell


@contextmanager
def block_added(session, key: str, sentence: str):
    """The unit's narrative with a sentence at the start of block `key`; put back afterwards."""
    narrative = session.paths.narrative_file(2024, "tan-khai")
    original = narrative.read_text(encoding="utf-8")
    narrative.write_text(original.replace(f"## {key}\n", f"## {key}\n{sentence}\n"), encoding="utf-8")
    try:
        yield
    finally:
        narrative.write_text(original, encoding="utf-8")


def test_the_session_reruns_from_the_files_and_writes_nothing_under_outputs(session):
    with block_added(session, "chi_dao.kho_khan", "Câu mới về khó khăn."):
        version = session.version
        update = session.refresh()
        assert update.ran == [NOTE, "01-chi-dao-dieu-hanh"] and update.version == version + 1
        page = session.current()[1]
        assert "Câu mới về khó khăn." in page
        assert "EventSource" not in page  # the session's page is the report's: the server adds its script
        assert session.refresh() is None  # nothing changed since
    assert session.refresh().ran == [NOTE, "01-chi-dao-dieu-hanh"]
    assert "Câu mới về khó khăn." not in session.current()[1]
    assert list(session.paths.outputs_dir.rglob("*")) == []


def test_a_failing_section_shows_its_error_in_place_until_fixed(session):
    with block_added(session, "de_xuat", "Có {khong.co_chi_tieu} đề xuất."):
        update = session.refresh()
        assert update.ran == [NOTE, "10-ket-thuc"] and update.failed == ["10-ket-thuc"]
        page = session.current()[1]
        assert "Mục 10-ket-thuc không chạy được" in page and "khong.co_chi_tieu" in page
        assert session.sections["10-ket-thuc"].reads is None
    update = session.refresh()
    assert "10-ket-thuc" in update.ran and update.failed == []
    assert "không chạy được" not in session.current()[1]


def test_a_file_that_cannot_be_read_keeps_the_page_and_is_caught_up_later(session):
    params = session.target.params_file(session.paths)
    original = params.read_text(encoding="utf-8")
    version = session.version
    try:
        params.write_text(original + "colour: red\n", encoding="utf-8")
        update = session.refresh()
        assert update.error and re.search(r"tan-khai\.yaml", update.error) and update.version == version
        assert session.version == version
        # Fixed in another way than undone: the sections are compared with what they were made from.
        params.write_text(original + "\n# đã sửa\n", encoding="utf-8")
        update = session.refresh()
        assert update.error is None and update.ran == ALL
    finally:
        params.write_text(original, encoding="utf-8")
    assert session.refresh().ran == ALL
    assert read_inputs(session.paths, "tan-khai", 2024) == session.inputs


def test_a_half_saved_notebook_fails_its_section_until_saved_whole(session):
    notebook = session.paths.notebooks_dir / "04-tu-sach-phap-luat.ipynb"
    original = notebook.read_bytes()
    try:
        notebook.write_bytes(original[: len(original) // 2])
        update = session.refresh()
        assert update.ran == ["04-tu-sach-phap-luat"] and update.failed == ["04-tu-sach-phap-luat"]
    finally:
        notebook.write_bytes(original)
    update = session.refresh()
    assert update.ran == ["04-tu-sach-phap-luat"] and update.failed == []
