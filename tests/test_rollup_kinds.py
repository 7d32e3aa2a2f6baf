"""Roll-ups by report kind: `tuphap build --kind 6thang` builds the six-month roll-up of tỉnh Đồng Nai
after the kind's commune reports, in the kind's folders, from the six-month figures, in the six-month
words; the year kind's roll-ups keep their paths and ledger keys."""
from __future__ import annotations

import csv
import json
import zipfile

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import REPO, run_tuphap, writable_copy
from tuphap.compute import formatting
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths
from tuphap.render.rollup import RollupReport
from tuphap.runtime import batch
from tuphap.runtime.ledger import Ledger
from tuphap.runtime.targets import Options, RollupTarget

SIX_MONTH_ROLLUP = "outputs/2025/_6thang/_rollup/province-dong-nai"


def _text(path) -> tuple[str, BeautifulSoup]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split()), soup


def _six_month_value(indicator: str) -> tuple[float, bool]:
    with open(REPO / "data" / "values" / "2025-6thang.csv", encoding="utf-8") as stream:
        row = next(r for r in csv.DictReader(stream) if r["unit"] == "tan-khai" and r["indicator"] == indicator)
    return float(row["value"]), row["estimate"] == "yes"


def test_the_six_month_rollup_is_built_after_its_reports_from_their_figures(built_six_month):
    root, result = built_six_month
    assert "2025 roll-up province Đồng Nai (6thang)" in result.stdout
    text, soup = _text(root / SIX_MONTH_ROLLUP / "report.html")
    assert soup.title.get_text() == "Báo cáo tổng hợp công tác Tư pháp cấp xã 6 tháng đầu năm 2025 — tỉnh Đồng Nai"
    people, estimated = _six_month_value("pbgdpl.luot_nguoi")
    assert not estimated and f"với {formatting.number(people)} lượt người tham dự" in text  # not the year's figure
    births, estimated = _six_month_value("ho_tich.khai_sinh")
    row = next(tr for tr in soup.select("tr") if tr.find("td") and tr.find("td").get_text() == "Đăng ký khai sinh")
    assert estimated and row.find_all("td")[2].get_text() == f"{formatting.number(births)}(*)"  # marked as the commune's
    # A total the commune entered as its parts counts as their sum, an estimate when one of them is.
    parts = [_six_month_value(f"ho_tich.{part}") for part in ("khai_sinh", "ket_hon", "xac_nhan_hon_nhan", "ban_sao",
                                                                "khai_tu", "giam_ho", "cai_chinh", "nhan_cha_me_con")]
    assert f"đã tiếp nhận {formatting.number(sum(value for value, _e in parts))} (*) hồ sơ đăng ký hộ tịch" in text


def test_the_six_month_rollup_names_its_period(built_six_month):
    root, _result = built_six_month
    text, _soup = _text(root / SIX_MONTH_ROLLUP / "report.html")
    assert "Tổng hợp kết quả công tác Tư pháp cấp xã 6 tháng đầu năm 2025 trên địa bàn tỉnh Đồng Nai" in text
    assert ("Số liệu thực tế tính từ ngày 01/01/2025 đến ngày 31/5/2025; số liệu từ ngày 01/6/2025 đến ngày "
            "30/6/2025 là số liệu ước tính, được đánh dấu (*) sau con số.") in text
    assert "Hòa giải ở cơ sở 6 tháng đầu năm 2025" in text and "III. SO SÁNH VỚI 6 THÁNG ĐẦU NĂM 2024" in text
    assert ("Không so sánh số liệu của địa bàn với 6 tháng đầu năm 2024 vì có dưới 03 đơn vị có số liệu cả 6 tháng "
            "đầu năm 2024 và 6 tháng đầu năm 2025.") in text
    # No sentence calls it the year's: "năm 2025" only in the period's name and the document's date.
    assert "năm 2025" not in text.replace("6 tháng đầu năm 2025", "").replace("ngày 15 tháng 7 năm 2025", "")
    assert "số liệu của xã Tân Khai:" in text  # the sample banner names the commune mid-sentence
    area = RollupReport(Dataset.load(ProjectPaths(root)), "province", "Đồng Nai", 2025, kind="6thang").area
    units = formatting.count(len(area.units))  # counted against every unit of the province on the roll-up's date
    assert f"Số liệu được tổng hợp từ báo cáo của 01/{units} đơn vị cấp xã trên địa bàn tỉnh Đồng Nai." in text


def test_the_kinds_rollups_are_recorded_listed_zipped_and_checked_apart_from_the_years(built_six_month, tmp_path):
    root = writable_copy(built_six_month[0], tmp_path / "project")
    (root / "outputs" / "tuphap-2025.zip").unlink()  # the shared build's: the zip looked into is this test's
    ledger = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert list(ledger["rollups"]) == ["2025/_6thang/province/dong-nai"]  # --kind 6thang: not the year's
    assert ledger["rollups"]["2025/_6thang/province/dong-nai"]["kind"] == "6thang"
    assert not (root / "outputs" / "2025" / "_rollup").exists()
    site = BeautifulSoup((root / "outputs" / "site" / "2025" / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = site.select_one("table.rollups")
    assert table.find_previous("h2").get_text() == "Báo cáo 6 tháng"
    assert table.find("a", href="_6thang/_rollup/province-dong-nai/report.html") is not None
    checked = run_tuphap("check", "--unit", "province-dong-nai", "--year", "2025", root=root)
    assert checked.returncode == 0 and "0 of 1 report(s) checked" in checked.stdout, checked.stdout + checked.stderr
    assert run_tuphap("publish", "--year", "2025", "--zip", root=root).returncode == 0
    with zipfile.ZipFile(root / "outputs" / "tuphap-2025.zip") as archive:
        assert "tuphap-2025/2025/_6thang/_rollup/province-dong-nai/report.pdf" in archive.namelist()


def test_the_year_rollups_keep_their_paths_and_keys(built_six_month):
    root, _result = built_six_month
    listed = run_tuphap("list", root=root).stdout.splitlines()
    assert "2024  roll-up province-binh-phuoc" in listed and "2025  roll-up province-dong-nai" in listed
    assert "2025  roll-up province-dong-nai  (6thang)" in listed
    paths, year = ProjectPaths(root), RollupTarget("province", "dong-nai", 2025)
    assert year.ledger_key == "2025/province/dong-nai" and year.identity() == {"level": "province", "slug": "dong-nai",
                                                                                "year": 2025}
    assert year.report_dir(paths) == root / "outputs" / "2025" / "_rollup" / "province-dong-nai"
    assert year.params_file(paths) == root / "params" / "2025" / "rollup" / "province-dong-nai.yaml"
    assert RollupTarget("province", "dong-nai", 2025, "6thang").report_dir(paths) == root / SIX_MONTH_ROLLUP


def test_roll_up_params_of_a_kind_without_rollups_fail_that_roll_up(project):
    kinds = project / "data" / "report_kinds.yaml"
    entries = yaml.safe_load(kinds.read_text(encoding="utf-8"))
    del entries["6thang"]["rollup"]
    kinds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    paths = ProjectPaths(project)
    [failed] = batch.run(paths, batch.rollup_targets(paths, [2025], kinds=("6thang",)), Options())
    assert failed.status == "failed" and "the kind 6thang has no 'rollup' entry" in failed.error
    assert Ledger.load(paths).rollups["2025/_6thang/province/dong-nai"]["status"] == "failed"
