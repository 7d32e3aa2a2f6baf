"""`tuphap units` and `tuphap init` through the real command: a province's units from the official registry,
and a project set up for a province and a year (units with codes, lineage, params, narratives, due dates and
forms), twice with nothing changed the second time, never overwriting what a unit edited."""
from __future__ import annotations

import csv

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_project, run_tuphap, tree_digest
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render.commune import CommuneReport


def test_units_lists_a_provinces_units_by_slug_name_or_code():
    result = run_tuphap("units", "--province", "dong-nai", "--on", "2026-12-07")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.startswith("Tỉnh Đồng Nai (code 75) on 07/12/2026: 95 commune-level units") and len(lines) == 95
    assert "25357  xã      Tân Khai" in lines
    assert run_tuphap("units", "--province", "Đồng Nai", "--on", "2026-12-07").stdout == result.stdout
    assert run_tuphap("units", "--province", "75", "--on", "2026-12-07").stdout == result.stdout
    before = run_tuphap("units", "--province", "Bình Phước", "--on", "2025-06-30")
    assert "111 commune-level units" in before.stdout and "25357  thị trấn  Tân Khai  (Hớn Quản)" in before.stdout


def test_units_of_an_unknown_province_names_the_nearest():
    result = run_tuphap("units", "--province", "dong nay")
    assert result.returncode == 1 and result.stdout == ""
    assert "no province 'dong nay'" in result.stderr and "did you mean 'Đồng Nai' (dong-nai, code 75)?" in result.stderr


@pytest.fixture(scope="module")
def quang_ninh(tmp_path_factory):
    """The sample project set up for tỉnh Quảng Ninh, 2025: 54 units, two of them special zones."""
    root = copy_project(tmp_path_factory.mktemp("init") / "project")
    result = run_tuphap("init", "--province", "Quảng Ninh", "--year", "2025", "--due", "nam=2025-11-05",
                        "--due", "6thang=2025-07-10", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, result


def test_init_writes_the_provinces_units_lineage_params_narratives_due_dates_and_forms(quang_ninh):
    root, result = quang_ninh
    rows = list(csv.DictReader((root / "data" / "units.csv").open(encoding="utf-8")))
    new = [row for row in rows if row["province"] == "Quảng Ninh" and row["valid_from"] == "2025-07-01"]
    assert len(new) == 54 and all(row["code"] and row["source"] == "vietnamadminunits 1.0.4" for row in new)
    assert {row["kind"] for row in new} == {"xã", "phường", "đặc khu"}
    van_don = next(row for row in new if row["name"] == "Vân Đồn")
    assert (van_don["code"], van_don["kind"], van_don["hamlet_kind"]) == ("06994", "đặc khu", "thôn")
    formed = [row for row in csv.DictReader((root / "data" / "lineage.csv").open(encoding="utf-8"))
              if row["unit"] == van_don["slug"]]
    assert formed and all(row["effective"] == "2025-07-01" for row in formed)
    for slug in (row["slug"] for row in new):
        for kind in ("", "_6thang/"):
            assert (root / "params" / "2025" / f"{kind}{slug}.yaml").is_file()
            assert (root / "data" / "narrative" / "2025" / f"{kind}{slug}.md").is_file()
            assert (root / "outputs" / "forms" / "2025" / f"{kind}{slug}.xlsx").is_file()
    assert (root / "params" / "2025" / "rollup" / "province-quang-ninh.yaml").is_file()
    assert "2025:\n  6thang: 2025-07-10\n  nam: 2025-11-05\n" in (root / "params" / "submissions.yaml").read_text(encoding="utf-8")
    assert "54 units (vietnamadminunits 1.0.4)" in result.stdout


def test_a_special_zone_reports_as_uy_ban_nhan_dan_dac_khu(quang_ninh):
    root, _result = quang_ninh
    slug = next(row["slug"] for row in csv.DictReader((root / "data" / "units.csv").open(encoding="utf-8"))
                if row["name"] == "Vân Đồn" and row["valid_from"])
    report = CommuneReport(Dataset.load(ProjectPaths(root)), slug, 2025)
    header = BeautifulSoup(report.document_header("BÁO CÁO").html, "html.parser").get_text(" ", strip=True)
    assert "ỦY BAN NHÂN DÂN ĐẶC KHU VÂN ĐỒN" in " ".join(header.split())
    assert report.words["unit_full"] == "đặc khu Vân Đồn"


def test_init_twice_changes_nothing_and_never_overwrites_a_units_edits(quang_ninh):
    root, _result = quang_ninh
    slug = next(row["slug"] for row in csv.DictReader((root / "data" / "units.csv").open(encoding="utf-8"))
                if row["province"] == "Quảng Ninh" and row["valid_from"])
    params, narrative = root / "params" / "2025" / f"{slug}.yaml", root / "data" / "narrative" / "2025" / f"{slug}.md"
    params.write_text(params.read_text(encoding="utf-8").replace('name: ""', "name: Nguyễn Văn A"), encoding="utf-8")
    narrative.write_text(narrative.read_text(encoding="utf-8") + "Lời văn của đơn vị.\n", encoding="utf-8")
    before = tree_digest(root)
    again = run_tuphap("init", "--province", "quang-ninh", "--year", "2025", "--due", "nam=2025-11-05", root=root)
    assert again.returncode == 0, again.stderr
    assert "Nothing to change" in again.stdout and tree_digest(root) == before


def test_init_refuses_an_unknown_province_or_a_different_due_date_and_writes_nothing(quang_ninh):
    root, _result = quang_ninh
    before = tree_digest(root)
    unknown = run_tuphap("init", "--province", "Quang Ninhh", "--year", "2025", root=root)
    assert unknown.returncode == 1 and "did you mean 'Quảng Ninh' (quang-ninh, code 22)?" in unknown.stderr
    due = run_tuphap("init", "--province", "quang-ninh", "--year", "2025", "--due", "nam=2025-11-30", root=root)
    assert due.returncode == 1 and "already gives nam of 2025 the due date 2025-11-05" in due.stderr
    assert tree_digest(root) == before
