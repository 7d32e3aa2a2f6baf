"""Findings of a report kind other than the default say which report they belong to: in `tuphap validate`'s
lines, and on the site (the kind's table on the year page links to the kind's section of the findings page)."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_project, run_tuphap


@pytest.fixture(scope="module")
def covered(tmp_path_factory) -> Path:
    """The 2025 six-month report with actual figures to the end of its period, so that its three
    estimates are warnings (rule uoc_tinh_khi_du_so_thuc_te), built with its site."""
    root = copy_project(tmp_path_factory.mktemp("kind-findings") / "project")
    params = root / "params" / "2025" / "_6thang" / "tan-khai.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "data_period:\n  start: 2025-01-01\n  end: 2025-06-30\n",
                      encoding="utf-8")
    result = run_tuphap("build", "--year", "2025", "--kind", "6thang", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_validate_names_the_kind_of_each_finding(covered):
    result = run_tuphap("validate", "--year", "2025", root=covered)
    lines = [line for line in result.stdout.splitlines() if "uoc_tinh_khi_du_so_thuc_te" in line]
    assert len(lines) == 3 and all(" | tan-khai 2025 (6thang) | " in line for line in lines), result.stdout
    assert "0 error(s), 3 warning(s) in 2 report(s)" in result.stdout


def test_the_site_lists_a_kinds_findings_under_that_report(covered):
    site = covered / "outputs" / "site" / "2025"
    province = BeautifulSoup((site / "province-dong-nai.html").read_text(encoding="utf-8"), "html.parser")
    row = province.find("table", attrs={"data-kind": "6thang"}).find("tr", attrs={"data-unit": "tan-khai"})
    assert "3 cảnh báo" in row.find("details", class_="findings").summary.get_text(" ", strip=True)
    assert row.find("a", string="Chi tiết")["href"] == "findings-dong-nai.html#_6thang-tan-khai"
    for page in ("index.html", "province-dong-nai.html"):
        page_text = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").get_text(" ", strip=True)
        assert "Kiểm tra số liệu: 3 phát hiện" in page_text
    year_findings = BeautifulSoup((site / "findings.html").read_text(encoding="utf-8"), "html.parser")
    assert year_findings.find("p", class_="summary").get_text(strip=True) == "3 phát hiện ở 1 báo cáo."
    findings = BeautifulSoup((site / "findings-dong-nai.html").read_text(encoding="utf-8"), "html.parser")
    section = findings.find("section", id="_6thang-tan-khai")
    assert section.h2.find("small", class_="kind").get_text(strip=True) == "Báo cáo 6 tháng"
    assert len(section.find("table", class_="findings").tbody.find_all("tr")) == 3
    assert findings.find("p", class_="summary").get_text(strip=True) == "3 phát hiện ở 1 báo cáo."
