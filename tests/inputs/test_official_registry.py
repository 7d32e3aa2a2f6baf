"""The official registry as the pinned package holds it (inputs/official_registry.py): the units and codes
before and since 1/7/2025, provinces found by slug, name or code, and which old units formed each new one."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tuphap.errors import TuphapError
from tuphap.inputs.official_registry import Predecessor, load_official_registry, same_name

TODAY = dt.date(2026, 12, 7)
BEFORE = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def official():
    return load_official_registry()


def test_the_country_since_the_reform_and_before_it(official):
    assert Counter(unit.kind for unit in official.new.values()) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert len(official.provinces(TODAY)) == 34 and len(official.provinces(BEFORE)) == 63
    assert Counter(unit.kind for unit in official.old.values()) == {"xã": 7695, "phường": 1724, "thị trấn": 616}
    assert official.source == "vietnamadminunits 1.0.4"


def test_provinces_by_slug_name_or_code(official):
    for wanted in ("dong-nai", "Đồng Nai", "Tỉnh Đồng Nai", "đồng nai", "75"):
        assert official.find_province(wanted, TODAY).code == "75"
    assert len(official.units_of(official.find_province("dong-nai", TODAY), TODAY)) == 95
    assert len(official.units_of(official.find_province("Hồ Chí Minh", TODAY), TODAY)) == 168
    assert len(official.units_of(official.find_province("Thanh Hóa", TODAY), TODAY)) == 166
    binh_phuoc = official.find_province("binh-phuoc", BEFORE)  # a province before the reform only
    assert len(official.units_of(binh_phuoc, BEFORE)) == 111
    with pytest.raises(TuphapError, match=r"no province 'binh-phuoc' .* since 1/7/2025"):
        official.find_province("binh-phuoc", TODAY)


def test_an_unknown_province_names_the_nearest(official):
    with pytest.raises(TuphapError, match=r"did you mean 'Đồng Nai' \(dong-nai, code 75\)\?"):
        official.find_province("dong nay", TODAY)


def test_xa_tan_khai_and_the_three_units_it_was_formed_from(official):
    tan_khai = official.new["25357"]
    assert (tan_khai.kind, tan_khai.name, tan_khai.province, tan_khai.valid_from) == ("xã", "Tân Khai", "Đồng Nai", dt.date(2025, 7, 1))
    assert official.formed_from["25357"] == (Predecessor("25357", True), Predecessor("25360", True), Predecessor("25361", True))
    assert [official.old[p.code].full_name for p in official.formed_from["25357"]] == [
        "thị trấn Tân Khai", "xã Đồng Nơ", "xã Tân Hiệp"]
    assert {official.old[p.code].district for p in official.formed_from["25357"]} == {"Hớn Quản"}


def test_an_old_unit_divided_between_new_ones_is_a_part_of_each(official):
    divided = Counter(p.code for predecessors in official.formed_from.values() for p in predecessors if not p.whole)
    code, shares = divided.most_common(1)[0]
    assert shares >= 2
    assert all(not p.whole for predecessors in official.formed_from.values() for p in predecessors if p.code == code)


@pytest.mark.parametrize("a, b, same", [
    ("Thuận Hoà", "Thuận Hòa", True), ("Sơn Thuỷ", "Sơn Thủy", True), ("Ea H’Leo", "Ea H'Leo", True),
    ("tân  khai", "Tân Khai", True), ("Tân Khai", "Tân Khải", False), ("Hoà Bình", "Hòa Bình", True),
])
def test_names_compare_whatever_their_tone_placement(a, b, same):
    assert same_name(a, b) is same
