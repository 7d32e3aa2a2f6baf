"""`tuphap status`: who has sent the figures of a year, in the terminal, as on the site's page."""
from __future__ import annotations

from tests.conftest import REPO, copy_project, run_tuphap


def test_status_lists_every_expected_unit_with_counts():
    result = run_tuphap("status", "--year", "2024", root=REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2024, kind nam: 2/3 unit(s) have sent their figures, 1 late, 1 not yet (1 overdue); "
                               "due 26/10/2024; as of ")
    assert lines[1].split(None, 4)[:4] == ["Xã", "An", "Phú", "(mẫu)"]
    assert lines[1].endswith("received late, 28/10/2024, 2 day(s) after the due date; sent again 1 time(s), "
                             "last 29/10/2024 10:30")
    assert "Phường Hòa Bình (mẫu)" in lines[2] and "not received, overdue by" in lines[2]
    assert "Thị trấn Tân Khai" in lines[3] and lines[3].endswith("received 25/10/2024 16:10")


def test_a_year_without_due_date_or_receipt_says_so_and_a_wrong_kind_or_year_is_a_usage_error():
    result = run_tuphap("status", "--year", "2023", root=REPO)
    assert result.returncode == 0 and "2023: no due date and no form received yet" in result.stdout
    wrong = run_tuphap("status", "--year", "2024", "--kind", "nma", root=REPO)
    assert wrong.returncode == 2 and "unknown kind of report 'nma'" in wrong.stderr and "did you mean 'nam'?" in wrong.stderr
    assert run_tuphap("status", "--year", "2031", root=REPO).returncode == 2


def test_a_bad_due_date_is_an_error_naming_the_file_and_the_key(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "params" / "submissions.yaml").write_text("2024:\n  nam: 2024-02-30\n", encoding="utf-8")
    result = run_tuphap("status", "--year", "2024", root=root)
    assert result.returncode == 1
    assert f"{root / 'params' / 'submissions.yaml'}, field '2024.nam': '2024-02-30' is not a date" in result.stderr
    assert "Traceback" not in result.stderr
