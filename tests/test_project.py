"""project.py: where each file of a project lives, and which reports a project holds."""
from __future__ import annotations

import pytest

from tests.conftest import REPO
from tuphap.errors import TuphapError
from tuphap.project import (
    CommuneKey,
    ProjectPaths,
    RollupKey,
    check_selection,
    commune_reports,
    find_root,
    rollup_reports,
)


def test_every_path_is_built_from_the_project_folder(tmp_path):
    paths = ProjectPaths(tmp_path)
    assert paths.params_file(2024, "tan-khai") == tmp_path / "params" / "2024" / "tan-khai.yaml"
    assert paths.narrative_file(2024, "tan-khai") == tmp_path / "data" / "narrative" / "2024" / "tan-khai.md"
    assert paths.report_dir(2024, "tan-khai") == tmp_path / "outputs" / "2024" / "tan-khai"
    assert paths.rollup_dir(2024, "province-binh-phuoc") == tmp_path / "outputs" / "2024" / "_rollup" / "province-binh-phuoc"
    assert paths.ledger_file == tmp_path / "outputs" / "manifest.json"
    assert paths.site_dir == tmp_path / "outputs" / "site"
    assert paths.bundle_file(2024) == tmp_path / "outputs" / "tuphap-2024.zip"
    assert paths.form_file(2025, "tan-khai") == tmp_path / "outputs" / "forms" / "2025" / "tan-khai.xlsx"
    assert paths.form_file(2025, "tan-khai", tmp_path / "out") == tmp_path / "out" / "tan-khai.xlsx"
    assert paths.report_kinds_file == tmp_path / "data" / "report_kinds.yaml"


@pytest.mark.parametrize("unit", ["../x", "Tan-Khai", "tan khai", "tân-khai", ""])
def test_an_unsafe_slug_never_becomes_a_path(tmp_path, unit):
    with pytest.raises(TuphapError, match="invalid unit slug"):
        ProjectPaths(tmp_path).params_file(2024, unit)
    with pytest.raises(TuphapError, match="invalid unit slug"):
        check_selection((unit,), ())


@pytest.mark.parametrize("year", ["24", "abc", 1800, 3000])
def test_an_impossible_year_is_refused(year):
    with pytest.raises(TuphapError, match="invalid year"):
        check_selection((), (year,))


def test_the_sample_holds_these_reports_year_by_year():
    paths = ProjectPaths(REPO)
    assert commune_reports(paths) == [CommuneKey(2023, "an-phu-mau"), CommuneKey(2023, "hoa-binh-mau"),
                                      CommuneKey(2023, "tan-khai"), CommuneKey(2024, "an-phu-mau"),
                                      CommuneKey(2024, "hoa-binh-mau"), CommuneKey(2024, "tan-khai"),
                                      CommuneKey(2025, "tan-khai")]
    assert commune_reports(paths, ("tan-khai",), (2024,)) == [CommuneKey(2024, "tan-khai")]
    assert rollup_reports(paths, [2024]) == [RollupKey(2024, "district", "hon-quan"), RollupKey(2024, "province", "binh-phuoc")]
    assert [r.key for r in rollup_reports(paths, [2023])] == ["district-hon-quan", "province-binh-phuoc"]
    assert [r.key for r in rollup_reports(paths, [2025])] == ["province-dong-nai"]  # no district level from 2025


def test_the_project_is_found_from_a_folder_inside_it(monkeypatch):
    monkeypatch.delenv("TUPHAP_ROOT", raising=False)
    assert find_root(REPO / "notebooks" / "rollup") == REPO
    monkeypatch.setenv("TUPHAP_ROOT", str(REPO / "data"))
    assert find_root(REPO) == REPO / "data"
