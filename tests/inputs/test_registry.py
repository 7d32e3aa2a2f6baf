"""Units over time: periods in data/units.csv, lineage in data/lineage.csv, a unit's state on a day."""
import re
from datetime import date
from pathlib import Path

import pytest

from tuphap.errors import DataError, TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.lineage import with_lineage
from tuphap.inputs.registry import load_units
from tuphap.project import ProjectPaths

HEADER = "slug,code,kind,name,hamlet_kind,district,province,sample,valid_from,valid_to\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_report_gets_the_unit_as_it_was_on_its_date(repo):
    registry = Dataset.load(ProjectPaths(repo)).units
    before, after = registry.unit("tan-khai", on=date(2024, 10, 25)), registry.unit("tan-khai", on=date(2025, 11, 20))
    assert (before.kind, before.hamlet_kind, before.district, before.province) == ("thị trấn", "khu phố", "Hớn Quản", "Bình Phước")
    assert (after.kind, after.hamlet_kind, after.district, after.province) == ("xã", "ấp", "", "Đồng Nai")
    assert registry.unit("tan-khai", on=date(2025, 6, 30)) == before and registry.unit("tan-khai", on=date(2025, 7, 1)) == after
    assert registry.unit("tan-khai") == after  # without a day: its latest period, the name it has today
    assert list(registry).count("tan-khai") == 1  # two periods, one unit


def test_a_day_on_which_the_unit_did_not_exist_is_an_error_naming_its_periods(repo):
    registry = Dataset.load(ProjectPaths(repo)).units
    with pytest.raises(TuphapError, match=r"unit 'tan-hiep' did not exist on 01/07/2025 .*\(its periods: … – 30/06/2025\)"):
        registry.unit("tan-hiep", on=date(2025, 7, 1))


def test_a_file_without_period_columns_gives_each_unit_one_open_period(tmp_path):
    registry = load_units(_write(tmp_path / "units.csv", "slug,code,kind,name,hamlet_kind,district,province,sample\n"
                                                         "tan-khai,,thị trấn,Tân Khai,khu phố,Hớn Quản,Bình Phước,no\n"))
    unit = registry.unit("tan-khai", on=date(2099, 1, 1))
    assert (unit.valid_from, unit.valid_to, unit.full_name) == (None, None, "thị trấn Tân Khai")


@pytest.mark.parametrize("rows, row, field, message", [
    ("a,,xã,A,ấp,,Đồng Nai,no,,2025-06-30\na,,xã,A,ấp,,Đồng Nai,no,2025-06-30,\n", 3, "valid_from",
     "the period 30/06/2025 – … of unit 'a' overlaps the period … – 30/06/2025 of row 2"),
    ("a,,xã,A,ấp,,Đồng Nai,no,,\na,,xã,A,ấp,,Đồng Nai,no,,\n", 3, "slug", "unit 'a' is listed twice"),
    ("a,,xã,A,ấp,,Đồng Nai,no,2025-07-01,2025-06-30\n", 2, "valid_to", "the period ends (2025-06-30) before it begins"),
    ("a,,xã,A,ấp,,Đồng Nai,no,1/7/2025,\n", 2, "valid_from", "'1/7/2025' is not a date written YYYY-MM-DD"),
    ("a,,xã,A,ấp,,Đồng Nai,no,2025-02-30,\n", 2, "valid_from", "'2025-02-30' is not a date written YYYY-MM-DD"),
])
def test_bad_periods_are_refused_naming_file_row_and_field(tmp_path, rows, row, field, message):
    path = _write(tmp_path / "units.csv", HEADER + rows)
    with pytest.raises(DataError) as error:
        load_units(path)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), row, field)
    assert message in error.value.message


UNITS = HEADER + ("old,,thị trấn,Cũ,khu phố,Hớn Quản,Bình Phước,no,,2025-06-30\n"
                  "old,,xã,Cũ,ấp,,Đồng Nai,no,2025-07-01,\n"
                  "gone,,xã,Hết,ấp,Hớn Quản,Bình Phước,no,,2025-06-30\n"
                  "stays,,xã,Còn,ấp,Hớn Quản,Bình Phước,no,,\n"
                  "later,,xã,Sau,ấp,,Đồng Nai,no,2025-08-01,\n")


@pytest.mark.parametrize("row, field, message", [
    ("old,gone,1662/NQ-UBTVQH15,2025-07-01", None, None),
    ("old,nowhere,1662/NQ-UBTVQH15,2025-07-01", "formed_from", "unknown unit 'nowhere'"),
    ("old,stays,1662/NQ-UBTVQH15,2025-07-01", "formed_from",
     "'stays' is still valid on 2025-07-01, when 'old' was formed from it: end its period"),
    ("old,later,1662/NQ-UBTVQH15,2025-07-01", "formed_from", "'later' did not exist on 2025-06-30, the day before the merger"),
    ("old,gone,1662/NQ-UBTVQH15,2025-08-01", "effective", "unit 'old' has no period beginning on 2025-08-01"),
    ("old,gone,,2025-07-01,maybe", "part", "part must be yes or no (có or không), or empty for no; found 'maybe'"),
])
def test_lineage_is_checked_against_the_periods(tmp_path, row, field, message):
    registry = load_units(_write(tmp_path / "units.csv", UNITS))
    lineage = _write(tmp_path / "lineage.csv", "unit,formed_from,resolution,effective,part\n"
                     "old,old,1662/NQ-UBTVQH15,2025-07-01,\n" + row + ("," if row.count(",") == 3 else "") + "\n")
    if message is None:
        merged = with_lineage(registry, lineage)
        assert merged.merger_in("old", 2025).formed_from == ("old", "gone")
        assert merged.merger_in("old", 2026) is None  # the year after, the unit compares with its own figures
        return
    with pytest.raises(DataError) as error:
        with_lineage(registry, lineage)
    assert (error.value.row, error.value.field) == (3, field) and message in error.value.message


def test_figures_for_a_year_in_which_the_unit_did_not_exist_are_refused(project):
    with (project / "data" / "values" / "2025.csv").open("a", encoding="utf-8") as values:
        values.write("tan-hiep,2026,ho_tich.tong,900,\n")
    [bad] = Dataset.load(ProjectPaths(project)).bad_rows
    assert re.search(r"row \d+, field 'year', unit tan-hiep: unit 'tan-hiep' did not exist in 2026", str(bad.error))
    assert (bad.unit, bad.year) == ("tan-hiep", None)  # no report of 2026: it stops each of the unit's
