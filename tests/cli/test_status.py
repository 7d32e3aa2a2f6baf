"""`tuphap status`: who has sent the figures of a year, in the terminal, as on the site's page."""
from __future__ import annotations

import datetime as dt

from tests.conftest import REPO, copy_project, run_tuphap
from tuphap.inputs.registry import load_units


def _registry_on(day: dt.date) -> list[str]:
    """The full names of the registry's units on a day: every one owes its figures, with params or not."""
    return [f"{u.kind[:1].upper()}{u.kind[1:]} {u.name}" + (f" ({u.code})" if u.code else "")
            for u in load_units(REPO / "data" / "units.csv").units_on(day)]


def test_status_lists_every_expected_unit_with_counts():
    result = run_tuphap("status", "--year", "2024", root=REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = len(_registry_on(dt.date(2024, 10, 26)))
    assert lines[0].startswith(f"2024, kind nam: 2/{expected} unit(s) have sent their figures, 1 late, {expected - 2} "
                               f"not yet ({expected - 2} overdue); due 26/10/2024; as of ")
    by_name = {next(name for name in _registry_on(dt.date(2024, 10, 26)) if line.strip().startswith(name)): line
               for line in lines[1:expected + 1]}
    assert len(by_name) == expected
    assert by_name["Xã An Phú (mẫu)"].endswith("received late, 28/10/2024, 2 day(s) after the due date; sent again "
                                               "1 time(s), last 29/10/2024 10:30")
    assert "not received, overdue by" in by_name["Phường Hòa Bình (mẫu)"]
    assert "not received, overdue by" in by_name["Xã Tân Hiệp (25361)"]  # no params, yet a unit of the province that day
    assert by_name["Thị trấn Tân Khai (25357)"].endswith("received 25/10/2024 16:10")


def test_status_counts_every_unit_the_registry_has_on_the_due_date():
    result = run_tuphap("status", "--year", "2025", "--kind", "nam", root=REPO)
    assert result.returncode == 0, result.stderr
    names = _registry_on(dt.date(2025, 11, 5))  # the due date of params/submissions.yaml: the new units only
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"2025, kind nam: 0/{len(names)} unit(s) have sent their figures")
    assert sorted(line.split("  ")[1].strip() for line in lines[1:]) == sorted(names)
    assert "Thị trấn Tân Khai" not in result.stdout  # abolished on 30/6/2025


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
