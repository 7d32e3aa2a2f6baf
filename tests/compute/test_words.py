"""The words prose can name, as pure functions of the registry row, the params and the year."""
from __future__ import annotations

import datetime as dt

from tests.conftest import REPO
from tuphap.compute.words import commune_words, period_note, rollup_words
from tuphap.inputs.params import Period, RollupParams, load_params
from tuphap.inputs.registry import Unit


def test_a_commune_reports_words():
    unit = Unit("tan-khai", "", "thị trấn", "Tân Khai", "khu phố", "Hớn Quản", "Bình Phước", False)
    words = commune_words(unit, load_params(REPO / "params" / "2024" / "tan-khai.yaml"), 2024)
    assert (words["year"], words["prev_year"], words["next_year"]) == ("2024", "2023", "2025")
    assert (words["unit_kind"], words["unit_full"], words["hamlet"]) == ("thị trấn", "thị trấn Tân Khai", "khu phố")
    assert words["request"].startswith("Công văn số 3043/UBND-NC ngày 24/10/2024")
    assert words["period_note"] == "(số liệu thực tế tính từ 01/01/2024 đến 16/10/2024)"


def test_a_rollups_words():
    params = load_params(REPO / "params" / "2024" / "rollup" / "province-binh-phuoc.yaml", RollupParams)
    words = rollup_words("Bình Phước", params, 2024, 3)
    assert (words["area"], words["area_full"], words["issuer_unit"], words["communes"]) == \
        ("Bình Phước", "tỉnh Bình Phước", "Sở Tư pháp", "03")


def test_the_period_note_follows_the_decree_dates_and_is_empty_without_a_period():
    assert period_note(Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 5, 31))) == \
        "(số liệu thực tế tính từ 01/01/2025 đến 31/5/2025)"
    assert period_note(None) == ""
