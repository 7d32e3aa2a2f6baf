"""The official registry of administrative units, as the pinned package `vietnamadminunits` publishes it
(MIT licence; its data from the General Statistics Office's list of units and codes): the 3,321 commune-level
units in force since 1/7/2025 (xã, phường, đặc khu) and the 10,035 before it (with their districts), each with
its official code (mã đơn vị hành chính), and which old units each new one was formed from, whole or in part.

Only this module reads the package, and it reads the package's data files, not its code (whose address
parser pulls in geodata libraries): the project's own files (data/units.csv, data/lineage.csv) are written
from what it returns (inputs/province_setup.py), and units.csv rows that carry a code are checked against it.

The codes agree with those of the official list (danhmuchanhchinh.nso.gov.vn) as `vietnam-provinces` 2026.x
publishes it; `vietnam-provinces` 2025.10.1, the last release for Python 3.11, still has a draft's codes for a
third of the units, and is GPL-licensed: it is not used (docs/data-format.md, "The official registry").
"""
from __future__ import annotations

import datetime as dt
import difflib
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _

PACKAGE = "vietnamadminunits"
LICENCE = "MIT"
REFORM_DAY = dt.date(2025, 7, 1)  # the two-level local government of Nghị quyết 202/2025/QH15
LAST_OLD_DAY = REFORM_DAY - dt.timedelta(days=1)


@dataclass(frozen=True)
class OfficialUnit:
    """A commune-level unit as the official list has it during one era (before or since the reform)."""
    code: str  # five digits, as the official list writes it: "25357", "00070"
    kind: str  # xã, phường, thị trấn, đặc khu
    name: str  # without its kind: "Tân Khai"
    province: str  # without its kind: "Đồng Nai", "Hồ Chí Minh"
    province_full: str  # "Tỉnh Đồng Nai", "Thành phố Hồ Chí Minh"
    province_code: str  # two digits: "75"
    district: str  # before the reform only, without its kind: "Hớn Quản"
    valid_from: dt.date | None  # the reform day for the new units; unknown (None) for the old ones
    valid_to: dt.date | None  # the day before the reform for the old units; None for the new ones

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"

    def holds_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Predecessor:
    """An old unit a new one was formed from: whole, or only a part of it (an old unit divided between
    several new ones)."""
    code: str
    whole: bool


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # "Đồng Nai"
    full_name: str  # "Tỉnh Đồng Nai"

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(name: str) -> str:
    """'Bình Phước' -> 'binh-phuoc', 'Hồ Chí Minh' -> 'ho-chi-minh' (đ becomes d)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def name_key(name: str) -> tuple[tuple[str, str], ...]:
    """A name as its syllables and their tones, whatever its Unicode form, case, spacing, apostrophe ('/’) and
    tone placement: lists write both "Thuận Hoà" and "Thuận Hòa", "Thủy" and "Thuỷ"."""
    syllables = []
    for word in name.replace("’", "'").lower().split():
        letters = unicodedata.normalize("NFD", word)
        tone = "".join(mark for mark in letters if mark in _TONE_MARKS)
        syllables.append((unicodedata.normalize("NFC", "".join(c for c in letters if c not in _TONE_MARKS)), tone))
    return tuple(syllables)


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


@dataclass(frozen=True)
class OfficialRegistry:
    """Every unit of both eras, by era and code, and the new units' predecessors by code."""
    version: str
    new: dict[str, OfficialUnit]
    old: dict[str, OfficialUnit]
    formed_from: dict[str, tuple[Predecessor, ...]]  # new code -> old units (commune level only)

    @property
    def source(self) -> str:
        """How data/ names where its registry rows come from: 'vietnamadminunits 1.0.4'."""
        return f"{PACKAGE} {self.version}"

    def era(self, day: dt.date) -> dict[str, OfficialUnit]:
        return self.new if day >= REFORM_DAY else self.old

    @cached_property
    def _provinces(self) -> dict[bool, list[Province]]:
        found: dict[bool, dict[str, Province]] = {True: {}, False: {}}
        for is_new, units in ((True, self.new), (False, self.old)):
            for unit in units.values():
                found[is_new].setdefault(unit.province_code, Province(unit.province_code, unit.province, unit.province_full))
        return {era: sorted(provinces.values(), key=lambda p: p.code) for era, provinces in found.items()}

    def provinces(self, day: dt.date) -> list[Province]:
        return self._provinces[day >= REFORM_DAY]

    def find_province(self, wanted: str, day: dt.date) -> Province:
        """A province of the day by its slug (dong-nai), name (Đồng Nai, Tỉnh Đồng Nai) or code (75); an
        unknown one is an error naming the nearest."""
        provinces = self.provinces(day)
        text = " ".join(wanted.split())
        for province in provinces:
            if (text.isdigit() and text.zfill(2) == province.code) or slugify(text) in (province.slug, slugify(province.full_name)):
                return province
        names = {province.slug: province for province in provinces}
        nearest = difflib.get_close_matches(slugify(text), list(names), n=1, cutoff=0.5)
        era = _("since 1/7/2025") if day >= REFORM_DAY else _("before 1/7/2025")
        hint = (_("; did you mean {name!r} ({slug}, code {code})?").format(
                    name=names[nearest[0]].name, slug=nearest[0], code=names[nearest[0]].code) if nearest else "")
        raise TuphapError(_("no province {wanted!r} in the official registry ({source}) {era}").format(
            wanted=wanted, source=self.source, era=era) + hint)

    def units_of(self, province: Province, day: dt.date) -> list[OfficialUnit]:
        """The province's commune-level units on the day, in the official order (by code)."""
        return sorted((u for u in self.era(day).values() if u.province_code == province.code and u.holds_on(day)),
                      key=lambda u: u.code)


def _kind_and_name(full: str, kind: str) -> tuple[str, str]:
    """('Xã Tân Khai', 'Xã') -> ('xã', 'Tân Khai')."""
    name = full[len(kind):].strip() if full.lower().startswith(kind.lower()) else full
    return kind.lower(), name


def _package_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise TuphapError(_("the official registry package {package} is not installed (pip install -e .)").format(
            package=PACKAGE))
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def load_official_registry() -> OfficialRegistry:
    """The package's registry (read once per process: a few hundredths of a second)."""
    folder = _package_folder() / "data"
    database = sqlite3.connect(f"{(folder / 'dataset.db').as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        new_rows = database.execute("SELECT provinceKey, wardKey, wardCode, ward, wardType, province, provinceShort, "
                                    "provinceCode FROM admin_units").fetchall()
        old_rows = database.execute("SELECT provinceKey, districtKey, wardKey, wardCode, ward, wardType, province, "
                                    "provinceShort, provinceCode, districtShort FROM admin_units_legacy "
                                    "WHERE wardCode <> ''").fetchall()
    finally:
        database.close()
    new, new_by_key = {}, {}
    for province_key, ward_key, code, ward, ward_type, province, province_short, province_code in new_rows:
        kind, name = _kind_and_name(ward, ward_type)
        new[code] = OfficialUnit(code, kind, name, province_short, province, province_code, "", REFORM_DAY, None)
        new_by_key[(province_key, ward_key)] = code
    old, old_by_key = {}, {}
    for province_key, district_key, ward_key, code, ward, ward_type, province, province_short, province_code, district in old_rows:
        kind, name = _kind_and_name(ward, ward_type)
        old[code] = OfficialUnit(code, kind, name, province_short, province, province_code, district, None, LAST_OLD_DAY)
        old_by_key[f"{province_key}_{district_key}_{ward_key}"] = code
    conversion = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    formed: dict[str, list[Predecessor]] = {}
    for province_key, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            formed.setdefault(new_by_key[(province_key, ward_key)], []).extend(
                Predecessor(old_by_key[key], True) for key in old_keys if key in old_by_key)  # not the island districts
    for province_key, divided in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                formed.setdefault(new_by_key[(province_key, part["newWardKey"])], []).append(
                    Predecessor(old_by_key[old_key], False))
    return OfficialRegistry(importlib.metadata.version(PACKAGE), new, old,
                            {code: tuple(sorted(predecessors, key=lambda p: p.code)) for code, predecessors in formed.items()})
