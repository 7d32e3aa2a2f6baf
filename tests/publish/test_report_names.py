"""Every place that names a report's unit names it as that report does (inputs/report_unit.py): the site's
year page rows, the submissions pages, `tuphap status` and Lab's start page. Here Tân Khai's 2025
six-month report is dated 05/06/2025 (the sample's is dated after the merger), before the merger of
1/7/2025: it is thị trấn Tân Khai's; its 2025 year report (20/11/2025) is xã Tân Khai's. The unit's own
page bears its current name and, in each year's row, its name then."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_project, run_tuphap
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.report_unit import report_day, report_unit
from tuphap.project import ProjectPaths
from tuphap.runtime import lab


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample project's site, written without building any report (names need none), with the
    six-month report written before the merger."""
    root = copy_project(tmp_path_factory.mktemp("names") / "project")
    six_month = root / "params" / "2025" / "_6thang" / "tan-khai.yaml"
    six_month.write_text(six_month.read_text(encoding="utf-8").replace("date: 2025-07-04", "date: 2025-06-05"),
                         encoding="utf-8")
    result = run_tuphap("site", root=root)
    assert result.returncode == 0, result.stderr
    return root


def page(root: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((root / "outputs" / "site" / name).read_text(encoding="utf-8"), "html.parser")


def test_the_rule_is_the_params_date_else_the_end_of_the_kinds_period(sample):
    paths = ProjectPaths(sample)
    dataset = Dataset.load(paths)
    assert report_day(paths, dataset.kinds, 2025, "tan-khai", "6thang") == dt.date(2025, 6, 5)
    assert report_day(paths, dataset.kinds, 2025, "tan-khai", "nam") == dt.date(2025, 11, 20)
    assert report_day(paths, dataset.kinds, 2025, "tan-khai") == dt.date(2025, 11, 20)  # '' is the default kind
    # no params: the end of the kind's period (tan-hiep has no 2025 report; it ended on 30/6/2025)
    assert report_day(paths, dataset.kinds, 2025, "tan-hiep", "6thang") == dt.date(2025, 6, 30)
    assert report_day(paths, dataset.kinds, 2025, "tan-hiep") == dt.date(2025, 12, 31)
    assert report_unit(paths, dataset.units, dataset.kinds, 2025, "tan-hiep", "6thang").full_name == "xã Tân Hiệp"
    assert report_unit(paths, dataset.units, dataset.kinds, 2025, "tan-khai", "6thang").full_name == "thị trấn Tân Khai"
    assert report_unit(paths, dataset.units, dataset.kinds, 2025, "tan-khai").full_name == "xã Tân Khai"


def test_the_province_pages_name_each_kinds_report_as_it_does(sample):
    # The six-month report is thị trấn Tân Khai's, of tỉnh Bình Phước; the year report xã Tân Khai's, of Đồng Nai.
    year = page(sample, "2025/index.html")
    assert [row["data-province"] for row in year.find("table", id="provinces").tbody.find_all("tr")] == \
        ["binh-phuoc", "dong-nai"]
    binh_phuoc = page(sample, "2025/province-binh-phuoc.html")
    six = binh_phuoc.find("table", attrs={"data-kind": "6thang"}).find("tr", attrs={"data-unit": "tan-khai"})
    assert six.find("td").get_text(" ", strip=True) == "Thị trấn Tân Khai Hớn Quản, Bình Phước"
    assert binh_phuoc.find("table", id="reports") is None  # no year report of its units in 2025
    dong_nai = page(sample, "2025/province-dong-nai.html")
    whole = dong_nai.find("table", id="reports").find("tr", attrs={"data-unit": "tan-khai"})
    assert whole.find("td").get_text(" ", strip=True) == "Xã Tân Khai Đồng Nai"
    assert dong_nai.find("table", attrs={"data-kind": "6thang"}) is None


def test_the_submissions_pages_name_the_unit_as_the_report_of_their_kind(sample):
    for kind, province, name in (("6thang", "binh-phuoc", "Thị trấn Tân Khai"), ("nam", "dong-nai", "Xã Tân Khai")):
        row = page(sample, f"2025/submissions-{kind}-{province}.html").find("tr", attrs={"data-unit": "tan-khai"})
        assert row.find(["th", "td"]).get_text(strip=True) == name, kind


def test_the_units_page_bears_its_current_name_and_each_years_name_then(sample):
    unit = page(sample, "units/tan-khai.html")
    assert unit.find("h1").get_text(strip=True) == "Xã Tân Khai"
    then = {row["data-year"]: row.find(class_="then-name").get_text(strip=True)
            for row in unit.find("table").tbody.find_all("tr")}
    assert then["2025"] == "Xã Tân Khai, Đồng Nai"
    assert then["2024"] == "Thị trấn Tân Khai, Hớn Quản, Bình Phước"


def test_status_names_the_unit_as_the_report_of_the_kind(sample):
    six = run_tuphap("status", "--year", "2025", "--kind", "6thang", root=sample)
    assert six.returncode == 0, six.stderr
    # dated 05/6/2025 here, the six-month report is the thị trấn's, and so is the line for its unit
    assert "  Thị trấn Tân Khai (25357)  " in six.stdout and "Xã Tân Khai" not in six.stdout
    year = run_tuphap("status", "--year", "2025", "--kind", "nam", root=sample)
    assert "Xã Tân Khai (25357)" in year.stdout and "Thị trấn Tân Khai" not in year.stdout


def test_labs_start_page_names_the_unit_as_the_report_of_its_kind(sample):
    paths = ProjectPaths(sample)
    six = lab.start_page_markdown(paths, lab.choose_report(paths, "tan-khai", 2025, "6thang"))[0]
    assert "**Thị trấn Tân Khai**" in six
    assert "**Xã Tân Khai**" in lab.start_page_markdown(paths, lab.choose_report(paths, "tan-khai", 2025))[0]
