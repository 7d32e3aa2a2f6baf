"""The live preview and Lab for a report kind other than the default: xã Tân Khai's 2025 six-month report
(notebooks/6thang/, params/2025/_6thang/, data/narrative/2025/_6thang/, figures of period 6thang). What
the preview compares covers the period's figures, their estimate marks, and a merged unit's predecessors'
figures; a narrative edit re-runs only the sections that show it (and 00's data-quality note)."""
from __future__ import annotations

import dataclasses
import json
import os
import re

import pytest
from click.testing import CliRunner

from tests.conftest import copy_project
from tuphap.cli import cli
from tuphap.inputs.dataset import Dataset
from tuphap.project import CommuneKey, ProjectPaths
from tuphap.publish.preview_server import PreviewServer
from tuphap.render.commune import open_section
from tuphap.runtime import lab
from tuphap.runtime.preview import PreviewSession
from tuphap.runtime.preview_changes import analysable, compare, read_inputs, to_rerun

SIX = ["00-mo-dau", "01-ket-qua", "02-phuong-huong", "03-ket-thuc"]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> PreviewSession:
    root = copy_project(tmp_path_factory.mktemp("preview-6thang") / "project")
    session = PreviewSession(ProjectPaths(root), "tan-khai", 2025, "6thang")
    update = session.refresh()
    assert update.ran == SIX and update.failed == [], update
    return session


def test_the_six_month_page_is_that_report_named_as_it_names_its_unit(session):
    page = session.current()[1]
    assert "Báo cáo sơ kết công tác Tư pháp 6 tháng đầu năm 2025" in page
    assert "XÃ TÂN KHAI" in page and "THỊ TRẤN TÂN KHAI" not in page  # dated 04/7/2025, after the merger
    assert "DỮ LIỆU MẪU" in page  # the new xã is a sample unit in the registry
    assert not any(session.sections[name].reads.everything for name in SIX[1:])  # kind=kind notebooks are vouched for


def test_a_narrative_edit_reruns_only_its_section_and_the_page_shows_it(session):
    narrative = session.paths.narrative_file(2025, "tan-khai", "6thang")
    original = narrative.read_text(encoding="utf-8")
    narrative.write_text(original.replace("## de_xuat\n", "## de_xuat\nĐề nghị mới về biên chế công chức Tư pháp.\n"),
                         encoding="utf-8")
    try:
        update = session.refresh()
        assert update.ran == ["00-mo-dau", "02-phuong-huong"] and update.failed == []
        assert "Đề nghị mới về biên chế công chức Tư pháp." in session.current()[1]
        year_narrative = session.paths.narrative_file(2025, "tan-khai")  # the year report's: not this report's
        year_narrative.write_text(year_narrative.read_text(encoding="utf-8") + "\n<!-- x -->\n", encoding="utf-8")
        assert session.refresh() is None
    finally:
        narrative.write_text(original, encoding="utf-8")
    assert session.refresh().ran == ["00-mo-dau", "02-phuong-huong"]
    assert list(session.paths.outputs_dir.rglob("*.html")) == []


def test_the_inputs_are_the_periods_figures_and_their_estimate_marks(session):
    dataset = Dataset.load(session.paths)
    inputs = read_inputs(session.paths, "tan-khai", 2025, "6thang")
    assert inputs.values[2025] == dataset.values_for("tan-khai", 2025, "6thang") != dataset.values_for("tan-khai", 2025)
    assert "ho_tich.khai_sinh" in inputs.estimates[2025]
    assert "tan-hiep" in inputs.unit_row  # written after the merger: compared with the predecessors' first half
    reads = {name: run.reads for name, run in session.sections.items()}
    # khai_sinh is read by 01 (the civil-status parts): becoming actual takes its mark (*) away (00 validates all).
    actual = {**inputs.estimates, 2025: inputs.estimates[2025] - {"ho_tich.khai_sinh"}}
    change = compare(inputs, dataclasses.replace(inputs, estimates=actual))
    assert (2025, "ho_tich.khai_sinh") in change.values and to_rerun(change, reads, SIX) == ["00-mo-dau", "01-ket-qua"]
    # No estimate left: the period statement (00) no longer explains the mark.
    change = compare(inputs, dataclasses.replace(inputs, estimates={**inputs.estimates, 2025: frozenset()}))
    assert change.any_estimates == {2025} and to_rerun(change, reads, SIX)[0] == "00-mo-dau"
    # The kind's period (its actual-to day) is read by every section; its title only by the page.
    changed_rule = compare(inputs, dataclasses.replace(inputs, kind_rule="another period"))
    assert to_rerun(changed_rule, reads, SIX) == SIX


def test_a_merged_units_inputs_hold_its_predecessors_figures(tmp_path):
    paths = ProjectPaths(copy_project(tmp_path / "project"))
    before = read_inputs(paths, "tan-khai", 2025)  # the year report, compared with the three communes' 2024 sum
    values = paths.values_dir / "2024.csv"
    text = values.read_text(encoding="utf-8")
    assert "tan-hiep,2024,pbgdpl.so_buoi,84," in text
    values.write_text(text.replace("tan-hiep,2024,pbgdpl.so_buoi,84,", "tan-hiep,2024,pbgdpl.so_buoi,85,"), encoding="utf-8")
    after = read_inputs(paths, "tan-khai", 2025)
    assert after.values[2024]["pbgdpl.so_buoi"] == before.values[2024]["pbgdpl.so_buoi"] + 1
    assert (2024, "pbgdpl.so_buoi") in compare(before, after).values
    assert "tan-hiep" in before.unit_row  # the predecessors named under the comparison


def test_only_a_kinds_own_parameter_is_vouched_for():
    base = ['unit = "tan-khai"\nyear = 2025\nkind = "6thang"', "import tuphap\n\nsection = tuphap.open_section(unit, year, kind=kind)"]
    assert analysable(base + ["section.period_statement()"])
    assert not analysable(['unit = "tan-khai"\nyear = 2025', 'import tuphap\n\nsection = tuphap.open_section(unit, year, kind="nam")'])


def test_section_preview_in_a_six_month_notebook_finds_that_reports_preview(session):
    server = PreviewServer(session, 0)
    try:
        address = server.advertise(os.getpid())
        assert address.name == "2025-_6thang-tan-khai.json"
        section = open_section("tan-khai", 2025, root=str(session.paths.root), kind="6thang")
        shown = section.preview()._repr_mimebundle_()["text/markdown"]
        assert server.url in shown
        year_report = open_section("tan-khai", 2025, root=str(session.paths.root)).preview()._repr_mimebundle_()
        assert server.url not in year_report["text/markdown"] and "--kind" not in year_report["text/markdown"]
    finally:
        server.withdraw()
        server.server_close()
    gone = open_section("tan-khai", 2025, root=str(session.paths.root), kind="6thang").preview()
    assert "`tuphap preview --unit tan-khai --year 2025 --kind 6thang`" in gone._repr_mimebundle_()["text/markdown"]


def test_an_unknown_kind_names_the_nearest_for_preview_and_lab(session):
    for command in ("preview", "lab"):
        result = CliRunner().invoke(cli, ["--root", str(session.paths.root), command, "--unit", "tan-khai",
                                          "--year", "2025", "--kind", "6thnag"])
        assert result.exit_code == 2, result.output
        assert "unknown report kind '6thnag'" in result.output and "did you mean '6thang'?" in result.output


def test_labs_start_page_for_a_kind_links_its_notebooks_narrative_and_report(session):
    paths = session.paths
    assert lab.choose_report(paths, kind="6thang") == CommuneKey(2025, "tan-khai", "6thang")
    built = paths.report_dir(2025, "tan-khai", "6thang")
    built.mkdir(parents=True)
    try:
        (built / "report.html").write_bytes(b"built")
        page = lab.prepare(paths, lab.choose_report(paths, "tan-khai", 2025, "6thang"))
        cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells)
        links = [(page.parent / target).resolve() for target in re.findall(r"\]\(([^)]+)\)", text)]
        assert [link for link in links if link.suffix == ".ipynb"] == sorted((paths.notebooks_dir / "6thang").glob("*.ipynb"))
        assert paths.narrative_file(2025, "tan-khai", "6thang") in links and built / "report.html" in links
        assert 'kind = "6thang"' in text and "tuphap build --unit tan-khai --year 2025 --kind 6thang" in text
        assert "**Xã Tân Khai**" in text  # as the six-month report names it
    finally:
        (built / "report.html").unlink()
