"""One bad row stops one report (issue 19): a quoted "1,733" in thị trấn Tân Khai's 2024 row fails Tân Khai's
2024 report only, with the row's message; An Phú and Hòa Bình build, and the district and province roll-ups
build without Tân Khai, saying so in their coverage line, their n/N columns and their annex. A row naming no
unit of the registry stops no report but fails the build and validation. Fixing the row rebuilds Tân Khai and
the roll-ups only. A params or narrative mistake stops its own report only."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import run_tuphap, with_sample_units_only, writable_copy
from tuphap.project import ProjectPaths
from tuphap.runtime import pipeline
from tuphap.runtime.targets import CommuneTarget

ROLLUPS = ("province-binh-phuoc", "district-hon-quan")
ROW = 18  # thị trấn Tân Khai's ho_tich.tong in data/values/2024.csv
STRAY = "tan-kai,2024,ho_tich.tong,5,"  # a unit the registry does not have


def _break(root: Path) -> None:
    values = root / "data" / "values" / "2024.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    assert lines[ROW - 1].startswith("tan-khai,2024,ho_tich.tong,1733,")
    lines[ROW - 1] = lines[ROW - 1].replace(",1733,", ',"1,733",')
    values.write_text("\n".join([*lines, STRAY]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The sample with the quoted "1,733" and a stray row, its 2024 reports and roll-ups built once."""
    from tests.conftest import copy_project

    # The sample's five communes of Hớn Quản only (the official registry has every unit of Bình Phước): the
    # counts below are theirs.
    root = with_sample_units_only(copy_project(tmp_path_factory.mktemp("isolation") / "project"))
    _break(root)
    return root, run_tuphap("build", "--year", "2024", "--jobs", "1", root=root)


def _text(path: Path) -> str:
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


def test_the_bad_row_fails_its_units_report_only_naming_file_row_field_and_unit(broken):
    root, result = broken
    assert result.returncode == 1 and "Traceback" not in result.stderr
    values = root / "data" / "values" / "2024.csv"
    assert (f"FAILED unit tan-khai, year 2024: 1 row(s) of the figures this report reads could not be read, so it is "
            f"not built (the other reports are); fix them:\n  {values}, row {ROW}, field 'value', unit tan-khai: "
            "ho_tich.tong: '1,733' is not a whole number") in result.stderr
    ledger = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert ledger["reports"]["2024/tan-khai"]["status"] == "failed"
    assert not (root / "outputs" / "2024" / "tan-khai").exists()  # nothing ran for it
    for unit in ("an-phu-mau", "hoa-binh-mau"):
        assert ledger["reports"][f"2024/{unit}"]["status"] == "built"
        assert (root / "outputs" / "2024" / unit / "report.pdf").is_file()
    assert "Roll-ups: 2 built, 0 unchanged, 0 failed of 2" in result.stdout


def test_the_rollups_leave_the_unit_out_and_say_so_in_coverage_columns_and_annex(broken):
    root, _result = broken
    for key in ROLLUPS:
        html = root / "outputs" / "2024" / "_rollup" / key / "report.html"
        text, soup = _text(html), BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        assert ("Số liệu được tổng hợp từ báo cáo của 04/05 đơn vị cấp xã" in text
                and "Có 01 đơn vị có số liệu bị lỗi nên chưa được tổng hợp: thị trấn Tân Khai (chi tiết tại Phụ lục)."
                in text), key
        columns = {tr.find_all("td")[-1].get_text(strip=True) for table in soup.select("table.data")
                   for tr in table.select("tbody tr") if len(tr.find_all("td")) == 5}
        assert columns and all(re.fullmatch(r"[0-4]/5", cell) for cell in columns), (key, columns)  # against five units
        annex = soup.select_one("section.annex")
        assert annex.h3.get_text() == "Phụ lục: Đơn vị chưa có số liệu hợp lệ"
        assert [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in annex.select("tbody tr")] == [
            ["1", "Thị trấn Tân Khai", "25357", f"Số liệu có lỗi, chưa được tổng hợp: data/values/2024.csv, dòng {ROW} (cột value)"]]
        assert "Thị trấn Tân Khai" not in " ".join(table.get_text(" ") for table in soup.select("table.data")[:-1])
    entry = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))["rollups"]["2024/province/binh-phuoc"]
    assert entry["communes"] == ["tan-hiep", "dong-no", "an-phu-mau", "hoa-binh-mau"] and entry["units"] == 5
    [left_out] = entry["left_out"]
    assert (left_out["unit"], left_out["reason"], left_out["errors"]) == ("tan-khai", "errors", 1)
    assert left_out["error"].startswith(f"data/values/2024.csv, row {ROW}, field 'value', unit tan-khai: ho_tich.tong:")


def test_the_site_shows_which_units_the_rollups_left_out(broken):
    root, _result = broken
    year = BeautifulSoup((root / "outputs" / "site" / "2024" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = year.find("tr", attrs={"data-rollup": "province-binh-phuoc"})
    coverage = " ".join(row.find("td", class_="coverage").get_text(" ").split())
    assert coverage.startswith("4/5 Số liệu có lỗi, chưa được tổng hợp: Thị trấn Tân Khai (25357) data/values/2024.csv, row 18")
    province = BeautifulSoup((root / "outputs" / "site" / "2024" / "province-binh-phuoc.html").read_text(encoding="utf-8"),
                             "html.parser")
    assert province.find("tr", id="tan-khai").find(class_="error")  # its report: failed, with the row's message


def test_a_row_naming_no_unit_stops_no_report_but_fails_build_and_validate(broken):
    root, result = broken
    stray = len((root / "data" / "values" / "2024.csv").read_text(encoding="utf-8").splitlines())  # the last row
    assert ("error: 1 row(s) of the values files name no unit of " in result.stderr
            and f"2024.csv, row {stray}, field 'unit': unknown unit 'tan-kai'" in result.stderr)
    validation = run_tuphap("validate", "--year", "2024", root=root)
    assert validation.returncode == 1
    assert f"error: data/values/2024.csv, row {ROW} | tan-khai 2024 | rule load | ho_tich.tong: '1,733'" in validation.stdout
    assert f"error: data/values/2024.csv, row {stray} | rule load | unknown unit 'tan-kai'" in validation.stdout


def test_fixing_the_row_rebuilds_that_unit_and_the_rollups_only(broken, tmp_path):
    root = writable_copy(broken[0], tmp_path / "project")
    values = root / "data" / "values" / "2024.csv"
    values.write_text(values.read_text(encoding="utf-8").replace('"1,733"', "1733").replace(STRAY + "\n", ""),
                      encoding="utf-8")
    result = run_tuphap("build", "--year", "2024", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = dict(match.group(2, 1) for match in re.finditer(r"(?m)^\s*(\w+) 2024 ([a-z-]+)\b", result.stdout)
                    if match.group(2) != "roll-up")
    assert statuses == {"tan-khai": "built", "an-phu-mau": "reused", "hoa-binh-mau": "reused"}, result.stdout
    assert "Roll-ups: 2 built, 0 unchanged, 0 failed of 2" in result.stdout
    assert "Số liệu được tổng hợp từ báo cáo của 05/05 đơn vị cấp xã" in _text(
        root / "outputs" / "2024" / "_rollup" / "province-binh-phuoc" / "report.html")


@pytest.mark.parametrize("broken_file, text, message", [
    ("params/2024/an-phu-mau.yaml", "colour: red\n", "colour"),
    ("data/narrative/2024/an-phu-mau.md", "Chữ trước khối đầu tiên\n", "text before the first"),
])
def test_a_params_or_narrative_mistake_stops_its_own_report_only(project, broken_file, text, message):
    path = project / broken_file
    path.write_text(text + path.read_text(encoding="utf-8") if path.suffix == ".md" else
                    path.read_text(encoding="utf-8") + text, encoding="utf-8")
    paths = ProjectPaths(project)
    failed = pipeline.plan(paths, CommuneTarget("an-phu-mau", 2024))
    assert failed.status == "failed" and str(path) in failed.error and message in failed.error
    for unit in ("tan-khai", "hoa-binh-mau"):
        assert pipeline.plan(paths, CommuneTarget(unit, 2024)).status == "planned"
