#!/usr/bin/env python3
"""Generate a self-contained synthetic tuphap project folder for benchmarks.

The folder holds everything `tuphap build` reads: the repository's section notebooks and indicator
catalogue (copied), plus an invented units registry, figures, params and narrative files for N
communes. Units, people and figures are made up (every unit has sample=yes, so every report carries
the "DỮ LIỆU MẪU" banner), but they look like real commune reports: Vietnamese names, plausible
magnitudes, figures that agree with each other (parts add up to their total, "of which" figures fit
within their whole) and change by no more than about 20 % from one year to the next.

The output is deterministic for a given --seed. Communes are drawn one after the other, so the first
five communes of a 1000-commune project are the five communes of a 5-commune project.

Standard library only, plus PyYAML (already a dependency of tuphap).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import re
import shutil
import sys
import time
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MARKER = ".tuphap-bench"

# --------------------------------------------------------------------------------------------------
# Units: names, kinds, places
# --------------------------------------------------------------------------------------------------

# First and second syllables of commune names (Tân Hưng, Phú Lộc, Mỹ Thạnh, ...).
FIRST_SYLLABLES = [
    "An", "Bình", "Phú", "Tân", "Hòa", "Long", "Thạnh", "Mỹ", "Đông", "Tây", "Trung", "Hưng",
    "Phước", "Thuận", "Vĩnh", "Quang", "Minh", "Xuân", "Thành", "Đức", "Nhơn", "Hiệp", "Lộc", "Khánh",
    "Thái", "Hữu", "Kim", "Ngọc", "Cẩm", "Gia", "Vạn", "Hoàng", "Bảo", "Thiện", "Nhân", "Hồng", "Thanh",
    "Quảng", "Định", "Phong",
]
SECOND_SYLLABLES = [
    "An", "Bình", "Phú", "Tân", "Hòa", "Long", "Thạnh", "Mỹ", "Đông", "Tây", "Trung", "Hưng", "Lộc",
    "Phước", "Thuận", "Vĩnh", "Quang", "Minh", "Thành", "Hiệp", "Lợi", "Thới", "Khánh", "Nghĩa", "Đức",
    "Hải", "Sơn", "Hậu", "Thọ", "Phong", "Lạc", "Điền", "Thịnh", "Tiến", "Định", "Hội", "Tường", "Khai",
    "Hà", "Giang", "Hoa", "Phúc", "Thủy", "Lâm", "Lập", "Ninh", "Yên", "Thắng", "Hợp", "Cường", "Tín",
    "Chánh", "Châu", "Dương", "Nhuận", "Vinh", "Xương", "Lương",
]
# An occasional third syllable, as in Phú Hòa Đông or Tân Thạnh Tây.
THIRD_SYLLABLES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ"]

# kind -> (probability, hamlet kind in the south, hamlet kind in the north and centre)
KINDS = {
    "xã": (0.75, "ấp", "thôn"),
    "phường": (0.17, "khu phố", "khu phố"),
    "thị trấn": (0.08, "khu phố", "khu phố"),
}

# province -> (region, rural districts (huyện), urban districts (thị xã / thành phố) as (kind, name))
PROVINCES = {
    "Bình Phước": ("south", ["Hớn Quản", "Bù Đăng", "Lộc Ninh", "Đồng Phú", "Bù Gia Mập"],
                   [("thành phố", "Đồng Xoài"), ("thị xã", "Bình Long"), ("thị xã", "Phước Long")]),
    "Đồng Nai": ("south", ["Trảng Bom", "Định Quán", "Xuân Lộc", "Cẩm Mỹ", "Nhơn Trạch"],
                 [("thành phố", "Biên Hòa"), ("thành phố", "Long Khánh")]),
    "Tây Ninh": ("south", ["Tân Biên", "Dương Minh Châu", "Châu Thành", "Gò Dầu"],
                 [("thành phố", "Tây Ninh"), ("thị xã", "Hòa Thành"), ("thị xã", "Trảng Bàng")]),
    "Long An": ("south", ["Bến Lức", "Đức Hòa", "Cần Giuộc", "Thủ Thừa"],
                [("thành phố", "Tân An"), ("thị xã", "Kiến Tường")]),
    "An Giang": ("south", ["Chợ Mới", "Thoại Sơn", "Châu Phú"],
                 [("thành phố", "Long Xuyên"), ("thành phố", "Châu Đốc"), ("thị xã", "Tân Châu")]),
    "Quảng Nam": ("north", ["Duy Xuyên", "Thăng Bình", "Núi Thành"],
                  [("thành phố", "Tam Kỳ"), ("thị xã", "Điện Bàn")]),
    "Nam Định": ("north", ["Hải Hậu", "Giao Thủy", "Ý Yên", "Nghĩa Hưng"], [("thành phố", "Nam Định")]),
    "Thái Bình": ("north", ["Kiến Xương", "Tiền Hải", "Vũ Thư", "Quỳnh Phụ"], [("thành phố", "Thái Bình")]),
}

SURNAMES = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
            "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = {"m": ["Văn", "Văn", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Công"],
                "f": ["Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh"]}
GIVEN_NAMES = {"m": ["Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Phúc", "Tài", "Long", "Sơn", "Bình", "Khoa",
                     "Trung", "Nghĩa", "Lâm", "Quân", "Toàn", "Hiếu", "Vinh"],
               "f": ["Lan", "Hương", "Hạnh", "Nga", "Hoa", "Mai", "Thủy", "Yến", "Loan", "Trang", "Hà",
                     "Phượng", "Diệu"]}


def slugify(text: str) -> str:
    """An ASCII slug from a Vietnamese name: 'Tân Hưng' -> 'tan-hung', 'Đông Hòa' -> 'dong-hoa'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", stripped.lower()).strip("-")


def unique_slug(base: str, used: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... if taken; records the result in `used`."""
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def commune_name(rng: random.Random) -> str:
    """Two syllables (rarely three), never the same syllable twice: 'Tân Hưng', 'Phú Hòa Đông'."""
    first = rng.choice(FIRST_SYLLABLES)
    second = rng.choice([s for s in SECOND_SYLLABLES if s != first])
    words = [first, second]
    if rng.random() < 0.06:
        words.append(rng.choice([s for s in THIRD_SYLLABLES if s not in words]))
    return " ".join(words)


def person_name(rng: random.Random) -> str:
    """An invented Vietnamese full name: surname, middle name, given name."""
    sex = rng.choice("mf") if rng.random() < 0.5 else "m"  # commune chairs are more often men
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"


def make_units(count: int, rng: random.Random, *, every_kind: bool = False) -> list[dict]:
    """`count` invented units with unique slugs, in the shape of a data/units.csv row plus the extras
    the params need (district kind, region) and a size factor (how busy the commune is)."""
    used: set[str] = set()
    kinds, weights = list(KINDS), [KINDS[k][0] for k in KINDS]
    units = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        if every_kind and len(units) < len(kinds):  # the first communes are one of each kind
            kind = kinds[len(units)]
        province = rng.choice(list(PROVINCES))
        region, rural, urban = PROVINCES[province]
        if kind == "phường":
            district_kind, district = rng.choice(urban)
        else:
            district_kind, district = "huyện", rng.choice(rural)
        name = commune_name(rng)
        south_hamlet, north_hamlet = KINDS[kind][1:]
        size = {"xã": rng.uniform(0.6, 1.4), "thị trấn": rng.uniform(1.3, 2.2),
                "phường": rng.uniform(1.6, 3.4)}[kind]
        units.append({
            "slug": unique_slug(slugify(name), used),
            "code": "",
            "kind": kind,
            "name": name,
            "hamlet_kind": south_hamlet if region == "south" else north_hamlet,
            "district": district,
            "province": province,
            "sample": "yes",
            "district_kind": district_kind,
            "size": size,
        })
    return units


# --------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------
#
# How each indicator is generated, by id. Ids absent from the catalogue are ignored; catalogue ids
# absent from this table get a generic spec (see fallback_spec). Kinds:
#   range: lo..hi for a commune of size 1, times size**scale; drifts by ±drift (relative) each year.
#   share: lo..hi times the value of `of` (default: the catalogue's subset_of); for an indicator that
#          is part_of a total, lo..hi is its weight in the split of the total instead.
#   rest:  the value of `of` minus the values of `minus` (what is left of a whole).
#   const: always `value`.
# `step` rounds a `number`; counts are rounded to whole numbers, percents to one decimal.

SPECS = {
    "chung.khu_dan_cu": {"kind": "range", "lo": 6, "hi": 12, "scale": 0.3, "drift": 0.0},
    "pbgdpl.tuyen_truyen_vien": {"kind": "range", "lo": 8, "hi": 14, "scale": 0.3, "drift": 0.08},
    "pbgdpl.so_buoi": {"kind": "range", "lo": 60, "hi": 110, "scale": 0.7},
    "pbgdpl.luot_nguoi": {"kind": "share", "of": "pbgdpl.so_buoi", "lo": 25, "hi": 40},
    "pbgdpl.gio_truyen_thanh": {"kind": "range", "lo": 1.5, "hi": 3.0, "scale": 0, "drift": 0.05, "step": 0.5},
    "pbgdpl.cuoc_thi": {"kind": "range", "lo": 0.6, "hi": 2.6, "scale": 0.5, "drift": 0.2},
    "pbgdpl.luot_du_thi": {"kind": "share", "of": "pbgdpl.cuoc_thi", "lo": 180, "hi": 320},
    "pbgdpl.tai_lieu": {"kind": "share", "of": "pbgdpl.luot_nguoi", "lo": 0.5, "hi": 0.9},
    "hoa_giai.so_to": {"kind": "share", "of": "chung.khu_dan_cu", "lo": 1.0, "hi": 1.0},
    "hoa_giai.hoa_giai_vien": {"kind": "share", "of": "hoa_giai.so_to", "lo": 5.5, "hi": 8.0},
    "hoa_giai.hgv_it_nhat": {"kind": "range", "lo": 3.6, "hi": 6.0, "scale": 0, "drift": 0.03},
    "hoa_giai.hgv_nhieu_nhat": {"kind": "range", "lo": 8.5, "hi": 12.4, "scale": 0, "drift": 0.03},
    "hoa_giai.cong_chuc": {"kind": "range", "lo": 0.8, "hi": 2.4, "scale": 0, "drift": 0.02},
    "hoa_giai.tiep_nhan": {"kind": "range", "lo": 12, "hi": 26, "scale": 0.5},
    "hoa_giai.thanh": {"kind": "share", "lo": 0.72, "hi": 0.86},
    "hoa_giai.khong_thanh": {"kind": "share", "lo": 0.10, "hi": 0.20},
    "hoa_giai.dang_giai_quyet": {"kind": "share", "lo": 0.02, "hi": 0.08},
    "tu_sach.cap_xa": {"kind": "const", "value": 1},
    "tu_sach.dau_sach": {"kind": "range", "lo": 350, "hi": 600, "scale": 0.6, "drift": 0.08},
    "tu_sach.khu_dan_cu": {"kind": "share", "of": "chung.khu_dan_cu", "lo": 0.7, "hi": 1.0},
    "tu_sach.luot_doc": {"kind": "range", "lo": 400, "hi": 1000, "scale": 0.6},
    "tiep_can.diem": {"kind": "range", "lo": 80, "hi": 96, "scale": 0, "drift": 0.03, "step": 0.5},
    "tiep_can.tong_tieu_chi": {"kind": "const", "value": 5},
    "tiep_can.tieu_chi_dat": {"kind": "share", "lo": 0.8, "hi": 1.0},  # then made to agree with diem
    "ho_tich.tong": {"kind": "range", "lo": 700, "hi": 1100, "scale": 1.0},
    "ho_tich.khai_sinh": {"kind": "share", "lo": 0.15, "hi": 0.19},
    "ho_tich.ket_hon": {"kind": "share", "lo": 0.07, "hi": 0.09},
    "ho_tich.xac_nhan_hon_nhan": {"kind": "share", "lo": 0.26, "hi": 0.31},
    "ho_tich.ban_sao": {"kind": "share", "lo": 0.35, "hi": 0.42},
    "ho_tich.khai_tu": {"kind": "share", "lo": 0.035, "hi": 0.07},
    "ho_tich.giam_ho": {"kind": "share", "lo": 0.0, "hi": 0.002},
    "ho_tich.cai_chinh": {"kind": "share", "lo": 0.01, "hi": 0.015},
    "ho_tich.nhan_cha_me_con": {"kind": "share", "lo": 0.002, "hi": 0.004},
    "ho_tich.truc_tuyen": {"kind": "share", "lo": 0.75, "hi": 1.0},
    "ho_tich.tre_han": {"kind": "share", "lo": 0.0, "hi": 0.006},
    "ho_tich.ty_le_dung_han": {"kind": "range", "lo": 99, "hi": 100, "scale": 0, "drift": 0.002},
    "chung_thuc.chu_ky": {"kind": "range", "lo": 1000, "hi": 1400, "scale": 1.0},
    "chung_thuc.sao_y": {"kind": "range", "lo": 1500, "hi": 2100, "scale": 1.0},
    "chung_thuc.sao_y_dien_tu": {"kind": "share", "lo": 0.0, "hi": 0.05},
    "chung_thuc.hop_dong": {"kind": "range", "lo": 15, "hi": 50, "scale": 0.3},
    "tcd.ngay_tiep": {"kind": "range", "lo": 245, "hi": 252, "scale": 0, "drift": 0.01},
    "tcd.luot_tiep": {"kind": "range", "lo": 180, "hi": 260, "scale": 0.6},
    "tcd.luot_cong_chuc": {"kind": "share", "of": "tcd.luot_tiep", "lo": 0.78, "hi": 0.88},
    "tcd.luot_lanh_dao": {"kind": "rest", "of": "tcd.luot_tiep", "minus": ["tcd.luot_cong_chuc"]},
    "tcd.vu_viec_lan_dau": {"kind": "share", "of": "tcd.luot_tiep", "lo": 0.06, "hi": 0.10},
    "tcd.doan_dong_nguoi": {"kind": "range", "lo": 0, "hi": 1.2, "scale": 0, "drift": 0.05},
    "tcd.don_ky_truoc": {"kind": "range", "lo": 0, "hi": 4, "scale": 0.3},  # then last year's backlog
    "tcd.don_tiep_nhan": {"kind": "range", "lo": 15, "hi": 28, "scale": 0.5},
    "tcd.don_da_xu_ly": {"kind": "rest", "of": "tcd.don_tiep_nhan",
                         "minus": ["tcd.don_dat_dai_dang_giai_quyet", "tcd.don_kien_nghi_dang_xac_minh"]},
    "tcd.don_dat_dai": {"kind": "share", "lo": 0.45, "hi": 0.55},
    "tcd.don_dat_dai_da_giai_quyet": {"kind": "share", "lo": 0.8, "hi": 0.95},
    "tcd.don_dat_dai_thanh": {"kind": "share", "lo": 0.65, "hi": 0.85},
    "tcd.don_dat_dai_dang_giai_quyet": {"kind": "rest", "of": "tcd.don_dat_dai",
                                        "minus": ["tcd.don_dat_dai_da_giai_quyet"]},
    "tcd.don_kien_nghi": {"kind": "share", "lo": 0.35, "hi": 0.50},
    "tcd.don_kien_nghi_da_giai_quyet": {"kind": "share", "lo": 0.8, "hi": 0.95},
    "tcd.don_kien_nghi_dang_xac_minh": {"kind": "rest", "of": "tcd.don_kien_nghi",
                                        "minus": ["tcd.don_kien_nghi_da_giai_quyet"]},
    "tcd.don_khieu_nai_to_cao": {"kind": "share", "lo": 0.02, "hi": 0.08},
    "tcd.don_du_dieu_kien": {"kind": "share", "of": "tcd.don_tiep_nhan", "lo": 0.85, "hi": 1.0},
    "pctn.mot_cua": {"kind": "range", "lo": 2200, "hi": 3200, "scale": 1.0},
    "pctn.tra_luong_qua_tai_khoan": {"kind": "const", "value": 100},
}

# Generic ranges for counts without a spec, by unit of measure (size-1 commune).
UNIT_RANGES = {"hồ sơ": (200, 800), "trường hợp": (50, 400), "lượt": (100, 300), "lượt người": (1000, 4000),
               "vụ việc": (5, 25), "đơn": (3, 20), "người": (5, 15), "buổi": (20, 80), "tủ": (1, 10)}
DEFAULT_DRIFT = {"count": 0.10, "number": 0.03, "percent": 0.01}


def read_catalogue(path: Path) -> dict[str, dict]:
    """data/indicators.csv as {id: row}, in file order; relation columns may be absent."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    catalogue = {}
    for row in rows:
        row = {k.strip(): unicodedata.normalize("NFC", (v or "").strip()) for k, v in row.items() if k}
        for column in ("part_of", "subset_of", "numerator", "denominator"):
            row.setdefault(column, "")
        catalogue[row["id"]] = row
    return catalogue


def fallback_spec(ind: dict) -> dict:
    """A plausible generic spec for an indicator the SPECS table does not know."""
    kind = ind["type"]
    if ind["part_of"]:
        return {"kind": "share", "lo": 0.5, "hi": 1.5}
    if kind == "percent":
        return {"kind": "range", "lo": 95, "hi": 100, "scale": 0}
    if kind == "number":
        return {"kind": "range", "lo": 1, "hi": 10, "scale": 0, "step": 0.1}
    if ind["subset_of"]:
        return {"kind": "share", "lo": 0.3, "hi": 0.9}
    lo, hi = UNIT_RANGES.get(ind["unit"], (5, 50))
    return {"kind": "range", "lo": lo, "hi": hi, "scale": 0.5}


def resolve_specs(catalogue: dict[str, dict]) -> dict[str, dict]:
    """The spec of every entered figure (not rates and averages, which are computed, nor flags and
    texts, see add_results), checked against the catalogue: a spec that names an indicator the
    catalogue lacks (or a computed one) is replaced by the generic one; a part of a total is always
    generated as a weight in the split of that total."""
    usable = {i for i, ind in catalogue.items() if ind["type"] in ("count", "number", "percent")}
    specs = {}
    for iid, ind in catalogue.items():
        if iid not in usable:
            continue
        spec = dict(SPECS.get(iid) or fallback_spec(ind))
        if ind["part_of"]:
            if ind["part_of"] not in usable:
                raise SystemExit(f"error: {iid} is part_of {ind['part_of']}, which has no values")
            spec = spec if spec["kind"] == "share" else fallback_spec(ind)
            spec = {"kind": "weight", "lo": spec["lo"], "hi": spec["hi"]}
        elif spec["kind"] == "share":
            spec.setdefault("of", ind["subset_of"])
            if spec["of"] not in usable:
                spec = fallback_spec({**ind, "subset_of": ""})
        elif spec["kind"] == "rest":
            if spec["of"] not in usable:
                spec = fallback_spec(ind)
            else:
                spec["minus"] = [m for m in spec["minus"] if m in usable]
        spec.setdefault("drift", DEFAULT_DRIFT.get(ind["type"], 0.10))
        specs[iid] = spec
    return specs


def init_latent(specs: dict[str, dict], size: float, rng: random.Random) -> dict[str, float]:
    """The hidden state of one commune in its first year: a level per range, a share per share/weight."""
    latent = {}
    for iid, spec in specs.items():
        if spec["kind"] == "range":
            latent[iid] = rng.uniform(spec["lo"], spec["hi"]) * size ** spec["scale"]
        elif spec["kind"] in ("share", "weight"):
            latent[iid] = rng.uniform(spec["lo"], spec["hi"])
    return latent


def drift_latent(latent: dict[str, float], specs: dict[str, dict], rng: random.Random) -> None:
    """Move the hidden state on by one year: levels by ±drift, shares a little within their bounds,
    so that figures and what is left of their whole both change by well under 20 %."""
    for iid, spec in specs.items():
        if spec["kind"] == "range":
            latent[iid] = max(0.0, latent[iid] * (1 + rng.uniform(-spec["drift"], spec["drift"])))
        elif spec["kind"] == "share":
            share = latent[iid]
            if share <= 1:  # a fraction: move it by a little of itself and of what is left beside it
                share += rng.uniform(-0.08, 0.08) * min(share, 1 - share)
            else:  # a ratio such as people per session
                share *= 1 + rng.uniform(-0.08, 0.08)
            latent[iid] = min(spec["hi"], max(spec["lo"], share))
        elif spec["kind"] == "weight":
            latent[iid] *= 1 + rng.uniform(-0.05, 0.05)


def split_exact(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up exactly to `total` (largest remainder)."""
    if total <= 0:
        return [0] * len(weights)
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    raw = [total * w / sum(weights) for w in weights]
    parts = [math.floor(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def finish(ind: dict, spec: dict, value: float) -> int | float:
    """Round a raw value as its type is stored: whole counts, stepped numbers, 0–100 percents."""
    value = max(0.0, value)
    if ind["type"] == "count":
        return int(math.floor(value + 0.5))
    if ind["type"] == "percent":
        return round(min(100.0, value), 1)
    step = spec.get("step", 0.1)
    return round(round(value / step) * step, 2)


def materialize(catalogue: dict[str, dict], specs: dict[str, dict], latent: dict[str, float]) -> dict:
    """One year's values of one commune from its hidden state, each indicator after those it depends
    on: parts split exactly from their total, shares of their base, "of which" figures capped by
    their whole."""
    values: dict[str, int | float] = {}
    splits: dict[str, int | float] = {}
    in_progress: set[str] = set()

    def compute(iid: str) -> int | float:
        if iid in values:
            return values[iid]
        if iid in in_progress:
            raise SystemExit(f"error: indicators depend on each other in a cycle through {iid}")
        in_progress.add(iid)
        ind, spec = catalogue[iid], specs[iid]
        if spec["kind"] == "weight":
            if iid not in splits:
                split_parts(ind["part_of"])
            value = splits[iid]
        else:
            if spec["kind"] == "range":
                raw = latent[iid]
            elif spec["kind"] == "share":
                raw = compute(spec["of"]) * latent[iid]
            elif spec["kind"] == "rest":
                raw = compute(spec["of"]) - sum(compute(m) for m in spec["minus"])
            else:
                raw = spec["value"]
            value = finish(ind, spec, raw)
        if ind["subset_of"] in specs:
            value = min(value, compute(ind["subset_of"]))
        in_progress.discard(iid)
        values[iid] = value
        return value

    def split_parts(total_id: str) -> None:
        total = compute(total_id)
        parts = [i for i in specs if catalogue[i]["part_of"] == total_id]
        weights = [latent[p] for p in parts]
        if catalogue[total_id]["type"] == "count":
            shares = split_exact(int(total), weights)
        else:
            shares = [round(total * w / sum(weights), 2) for w in weights]
            shares[-1] = round(total - sum(shares[:-1]), 2)
        splits.update(zip(parts, shares))

    for iid in specs:
        compute(iid)
    return {iid: values[iid] for iid in specs}


# Rules that tie figures together beyond what the catalogue says; each applies only when the
# indicators it names are in the catalogue.

def rule_mediator_team_sizes(v: dict, prev: dict | None) -> None:
    """The smallest and largest mediation team frame the average team size."""
    ids = ("hoa_giai.so_to", "hoa_giai.hoa_giai_vien", "hoa_giai.hgv_it_nhat", "hoa_giai.hgv_nhieu_nhat")
    if all(i in v for i in ids) and v["hoa_giai.so_to"] > 0:
        average = v["hoa_giai.hoa_giai_vien"] / v["hoa_giai.so_to"]
        v["hoa_giai.hgv_it_nhat"] = min(v["hoa_giai.hgv_it_nhat"], math.floor(average))
        v["hoa_giai.hgv_nhieu_nhat"] = max(v["hoa_giai.hgv_nhieu_nhat"], math.ceil(average))
        if v["hoa_giai.so_to"] == 1:
            v["hoa_giai.hgv_it_nhat"] = v["hoa_giai.hgv_nhieu_nhat"] = v["hoa_giai.hoa_giai_vien"]


def rule_access_criteria(v: dict, prev: dict | None) -> None:
    """Criteria met follow the self-assessment score: all from 85 points, one fewer from 75."""
    ids = ("tiep_can.diem", "tiep_can.tieu_chi_dat", "tiep_can.tong_tieu_chi")
    if all(i in v for i in ids):
        missed = 0 if v["tiep_can.diem"] >= 85 else 1 if v["tiep_can.diem"] >= 75 else 2
        v["tiep_can.tieu_chi_dat"] = max(0, v["tiep_can.tong_tieu_chi"] - missed)


def rule_on_time_rate(v: dict, prev: dict | None) -> None:
    """The stated on-time rate agrees with the late files (rounded down to one decimal)."""
    ids = ("ho_tich.ty_le_dung_han", "ho_tich.tong", "ho_tich.tre_han")
    if all(i in v for i in ids) and v["ho_tich.tong"] > 0:
        on_time = v["ho_tich.tong"] - v["ho_tich.tre_han"]
        v["ho_tich.ty_le_dung_han"] = math.floor(1000 * on_time / v["ho_tich.tong"]) / 10


def rule_carried_over(v: dict, prev: dict | None) -> None:
    """Letters carried over are last year's letters received but not dealt with."""
    ids = ("tcd.don_ky_truoc", "tcd.don_tiep_nhan", "tcd.don_da_xu_ly")
    if prev and all(i in v for i in ids):
        v["tcd.don_ky_truoc"] = max(0, prev["tcd.don_tiep_nhan"] - prev["tcd.don_da_xu_ly"])


RULES = [rule_mediator_team_sizes, rule_access_criteria, rule_on_time_rate, rule_carried_over]

FLAG_YES_CHANCE = 0.85  # of a flag the catalogue has but this script does not know


def decision_text(unit: dict, year: int, rng: random.Random) -> str:
    """An invented recognition decision, issued early in the year by the district chair (by the
    province chair once districts are gone, from 2025)."""
    issuer = (f"{unit['district_kind']} {unit['district']}" if year <= 2024 and unit["district"]
              else f"tỉnh {unit['province']}")
    day, month = rng.randint(2, 28), rng.randint(1, 4)
    month_text = f"{month:02d}" if month <= 2 else str(month)  # Nghị định 30/2020: 05/02, 05/3
    return f"Quyết định số {rng.randint(15, 980)}/QĐ-UBND ngày {day:02d}/{month_text}/{year} của Chủ tịch UBND {issuer}"


def add_results(v: dict, catalogue: dict[str, dict], unit: dict, year: int, rng: random.Random) -> None:
    """The flags and texts: the access-to-law result follows the criteria met (all met: đạt), and a
    recognised commune cites its decision; other flags are mostly 1; other texts are left out."""
    for iid, ind in catalogue.items():
        if ind["type"] == "flag":
            v[iid] = int(rng.random() < FLAG_YES_CHANCE)
    criteria = ("tiep_can.tieu_chi_dat", "tiep_can.tong_tieu_chi")
    if "tiep_can.dat_chuan" in catalogue and all(i in v for i in criteria):
        v["tiep_can.dat_chuan"] = int(v["tiep_can.tieu_chi_dat"] == v["tiep_can.tong_tieu_chi"])
    if "tiep_can.quyet_dinh" in catalogue and v.get("tiep_can.dat_chuan") == 1:
        v["tiep_can.quyet_dinh"] = decision_text(unit, year, rng)


def check_values(v: dict, catalogue: dict[str, dict], where: str) -> None:
    """Fail loudly if generated figures break a rule of the brief (a bug in this script)."""
    problems = []
    totals: dict[str, float] = {}
    for iid, value in v.items():
        ind = catalogue[iid]
        if ind["type"] == "count" and not (isinstance(value, int) and value >= 0):
            problems.append(f"{iid}={value} is not a whole number")
        if ind["type"] == "percent" and not 0 <= value <= 100:
            problems.append(f"{iid}={value} is not a percentage")
        if ind["subset_of"] in v and value > v[ind["subset_of"]]:
            problems.append(f"{iid}={value} exceeds {ind['subset_of']}={v[ind['subset_of']]}")
        if ind["part_of"] in v:
            totals[ind["part_of"]] = totals.get(ind["part_of"], 0) + value
    for total_id, parts_sum in totals.items():
        if abs(parts_sum - v[total_id]) > 1e-6:
            problems.append(f"parts of {total_id} sum to {parts_sum}, not {v[total_id]}")
    if problems:
        raise SystemExit(f"error: generated figures for {where} are inconsistent: {problems[0]} "
                         f"({len(problems)} problem(s)); this is a bug in {Path(__file__).name}")


# --varied: communes that test the wording of the reports, one profile each in turn.
PROFILES = ("plain", "zeros", "missing", "bookcases", "no previous year")
# Figures set to 0 in a "zeros" commune; parts move their amount to a sibling so totals still add up.
ZEROED = ("ho_tich.tre_han", "chung_thuc.sao_y_dien_tu", "tcd.doan_dong_nguoi", "tcd.don_ky_truoc",
          "pbgdpl.cuoc_thi", "pbgdpl.luot_du_thi", "pbgdpl.tai_lieu", "tu_sach.khu_dan_cu", "tu_sach.luot_doc",
          "chung_thuc.hop_dong")
ZEROED_PARTS = {"hoa_giai.dang_giai_quyet": "hoa_giai.khong_thanh", "ho_tich.giam_ho": "ho_tich.khai_sinh",
                "tcd.don_khieu_nai_to_cao": "tcd.don_kien_nghi"}
# Figures left out of a "missing" commune: some leave an optional sentence out, others show as missing.
DROPPED = ("pbgdpl.gio_truyen_thanh", "hoa_giai.hgv_it_nhat", "hoa_giai.hgv_nhieu_nhat", "tcd.vu_viec_lan_dau",
           "tcd.ngay_tiep", "tu_sach.luot_doc", "pbgdpl.tai_lieu", "pctn.mot_cua", "tcd.don_kien_nghi_da_giai_quyet",
           "tiep_can.diem", "tiep_can.quyet_dinh")


def vary(values: dict, profile: str, rng: random.Random) -> None:
    """Bend one year's figures of a commune to its --varied profile, keeping them consistent."""
    if profile == "zeros":
        for iid in ZEROED:
            if iid in values:
                values[iid] = 0
        for part, sibling in ZEROED_PARTS.items():
            if part in values and sibling in values:
                values[sibling] += values[part]
                values[part] = 0
        rule_on_time_rate(values, None)
    elif profile == "missing":
        for iid in DROPPED:
            values.pop(iid, None)
    elif profile == "bookcases" and "tu_sach.cap_xa" in values:
        bookcases = rng.randint(2, 3)
        values["tu_sach.cap_xa"] = bookcases
        values["tu_sach.dau_sach"] = values.get("tu_sach.dau_sach", 400) * bookcases + rng.randint(0, bookcases - 1)


def unit_values(unit: dict, years: list[int], catalogue: dict, specs: dict, seed: int,
                profile: str = "plain") -> dict[int, dict]:
    """{year: {indicator: value}} for one commune over consecutive `years`, bent to its profile."""
    rng = random.Random(f"{seed}:values:{unit['slug']}")
    results_rng = random.Random(f"{seed}:results:{unit['slug']}")  # apart, so the figures stay as they were
    latent = init_latent(specs, unit["size"], rng)
    result: dict[int, dict] = {}
    prev = None
    for n, year in enumerate(years):
        if n:
            drift_latent(latent, specs, rng)
        values = materialize(catalogue, specs, latent)
        for rule in RULES:
            rule(values, prev)
        add_results(values, catalogue, unit, year, results_rng)
        vary(values, profile, results_rng)
        check_values(values, catalogue, f"{unit['slug']} {year}")
        result[year] = prev = values
    if profile == "no previous year":
        del result[years[0]]
    return result


def format_value(value: int | float | str) -> str:
    """A value as data/values files want it: 1733, 86.5 (never 1.733 or 1,733); a text as it is."""
    if isinstance(value, (int, str)):
        return str(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------------
# Params
# --------------------------------------------------------------------------------------------------

def make_signer(rng: random.Random) -> dict:
    """Who signs a unit's reports: the chair, or a vice-chair signing for the chair."""
    if rng.random() < 0.7:
        return {"name": person_name(rng), "title": "Chủ tịch", "on_behalf": "TM. Ủy ban nhân dân"}
    return {"name": person_name(rng), "title": "Phó Chủ tịch", "on_behalf": "KT. Chủ tịch"}


def make_params(unit: dict, year: int, signer: dict, rng: random.Random) -> dict:
    """The params of one report: late-October date, answering a mid-October dispatch, with data
    counted from 1 January to mid October."""
    district = f"{unit['district_kind']} {unit['district']}"
    asked = rng.randint(14, 20)
    if rng.random() < 0.6:
        request = (f"Công văn số {rng.randint(1200, 4200)}/UBND-NC ngày {asked:02d}/10/{year} của UBND "
                   f"{district} về việc báo cáo tổng kết công tác Tư pháp năm {year} và nhiệm vụ, "
                   f"giải pháp năm {year + 1}")
    else:
        request = (f"Công văn số {rng.randint(120, 980)}/PTP ngày {asked:02d}/10/{year} của Phòng Tư pháp "
                   f"{district} về việc báo cáo tổng kết công tác tư pháp năm {year} và phương hướng, "
                   f"nhiệm vụ năm {year + 1}")
    recipients = [f"Phòng Tư pháp {unit['district_kind']}"]
    if rng.random() < 0.5:
        recipients.append(f"TT. Đảng ủy {unit['kind']}")
    recipients += [f"CT, PCT. UBND {unit['kind']}", "CC. Tư pháp – hộ tịch", "Lưu: VT"]
    return {
        "document_number": str(rng.randint(95, 640)),
        "document_symbol": "BC-UBND",
        "place": unit["name"],
        "date": dt.date(year, 10, rng.randint(max(21, asked + 1), 31)),
        "request": request,
        "data_period": {"start": dt.date(year, 1, 1), "end": dt.date(year, 10, rng.randint(10, asked))},
        "signer": dict(signer),
        "recipients": recipients,
    }


def params_text(params: dict) -> str:
    """The YAML of a params file, with a comment saying the unit is invented."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(params, Dumper=dumper, allow_unicode=True, sort_keys=False, width=120)
    return "# Synthetic benchmark unit: invented figures, people and document numbers.\n" + body


# --------------------------------------------------------------------------------------------------
# Narrative
# --------------------------------------------------------------------------------------------------
#
# Small pools of generic sentences per block key. Figures are placeholders ({indicator.id}) and years
# are words ({year}, {prev_year}, {next_year}); [[so]] becomes a document number and [[ngay]] a day and
# month early in the year. Entries starting with "- " are list items.

NARRATIVE_POOLS = {
    "chi_dao.ket_qua": [
        "Thực hiện Kế hoạch của UBND cấp huyện về công tác phổ biến, giáo dục pháp luật, hòa giải ở cơ sở và xây dựng cấp xã đạt chuẩn tiếp cận pháp luật năm {year}, UBND {unit_kind} đã ban hành Kế hoạch số [[so]]/KH-UBND ngày [[ngay]]/{year} để triển khai thực hiện trên địa bàn.",
        "UBND {unit_kind} ban hành Kế hoạch số [[so]]/KH-UBND ngày [[ngay]]/{year} về công tác tư pháp năm {year}, phân công nhiệm vụ cụ thể cho công chức Tư pháp – Hộ tịch và các ban, ngành, đoàn thể.",
        "Các văn bản chỉ đạo của cấp trên về công tác tư pháp được triển khai kịp thời đến cán bộ, công chức và Nhân dân các {hamlet}.",
        "Công tác kiểm tra, đôn đốc việc thực hiện nhiệm vụ tư pháp được duy trì thường xuyên; hằng quý UBND {unit_kind} nghe báo cáo tiến độ và chỉ đạo tháo gỡ vướng mắc.",
        "UBND {unit_kind} kiện toàn Hội đồng phối hợp phổ biến, giáo dục pháp luật và ban hành kế hoạch hoạt động năm {year}.",
    ],
    "chi_dao.kho_khan": [
        "Công chức Tư pháp – Hộ tịch phải kiêm nhiệm nhiều nhiệm vụ nên có lúc chưa theo dõi, đôn đốc thường xuyên việc thực hiện kế hoạch.",
        "Một số văn bản chỉ đạo của cấp trên ban hành sát thời hạn thực hiện, gây khó khăn cho việc triển khai ở cơ sở.",
        "Kinh phí bố trí cho công tác tư pháp còn hạn chế so với yêu cầu nhiệm vụ.",
        "Sự phối hợp giữa các ban, ngành, đoàn thể trong một số nhiệm vụ chưa thật sự chặt chẽ.",
    ],
    "pbgdpl.to_chuc": [
        "Đội ngũ tuyên truyền viên pháp luật được kiện toàn, bổ sung kịp thời khi có thay đổi nhân sự; các thành viên nhiệt tình, có kinh nghiệm vận động quần chúng.",
        "UBND {unit_kind} cử tuyên truyền viên tham gia đầy đủ các lớp tập huấn, bồi dưỡng nghiệp vụ do cấp trên tổ chức.",
        "Tuyên truyền viên pháp luật chủ yếu là cán bộ, công chức, trưởng {hamlet} và cán bộ các đoàn thể, am hiểu tình hình địa phương.",
        "Hội đồng phối hợp phổ biến, giáo dục pháp luật của {unit_kind} hoạt động theo quy chế, định kỳ họp đánh giá kết quả và đề ra nhiệm vụ.",
    ],
    "pbgdpl.noi_dung": [
        "- Nội dung tuyên truyền: Hiến pháp năm 2013, Luật Hòa giải ở cơ sở, Luật Hộ tịch, Luật Hôn nhân và gia đình, Luật Phòng, chống bạo lực gia đình, các quy định về an toàn giao thông, phòng, chống ma túy và phòng cháy, chữa cháy.",
        "- Hình thức: tuyên truyền trực tiếp tại các buổi sinh hoạt {hamlet}, hội nghị của các đoàn thể; phát thanh trên hệ thống loa truyền thanh; cấp phát tờ gấp, tài liệu pháp luật.",
        "- Lồng ghép tuyên truyền pháp luật vào các buổi họp dân, sinh hoạt chi bộ và Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam.",
        "- Tuyên truyền chuyên đề cho các nhóm đối tượng đặc thù: thanh niên, phụ nữ, người lao động tại các cơ sở sản xuất, kinh doanh trên địa bàn.",
    ],
    "pbgdpl.ket_qua": [
        "Các buổi tuyên truyền thu hút đông đảo cán bộ và Nhân dân tham dự; nội dung bám sát các vấn đề phát sinh ở từng {hamlet}.",
        "Qua tuyên truyền, ý thức chấp hành pháp luật của người dân được nâng lên; các hành vi vi phạm được phát hiện và ngăn chặn sớm.",
        "Các buổi tuyên truyền được tổ chức đều ở các {hamlet}, ưu tiên nơi có nhiều tranh chấp, khiếu nại phát sinh.",
    ],
    "pbgdpl.cong_nghe": [
        "Mỗi {hamlet} duy trì một nhóm Zalo do trưởng {hamlet} quản lý để đăng tải văn bản pháp luật mới và hướng dẫn thủ tục hành chính.",
        "Trang thông tin điện tử của {unit_kind} thường xuyên đăng tải tin, bài phổ biến pháp luật; hệ thống truyền thanh phát chuyên mục pháp luật hằng tuần.",
        "Tổ công nghệ số cộng đồng hỗ trợ người dân cài đặt, kích hoạt tài khoản định danh điện tử và nộp hồ sơ trực tuyến.",
        "Ứng dụng mạng xã hội trong phổ biến pháp luật giúp thông tin đến với người dân nhanh hơn, nhất là thanh niên.",
    ],
    "hoa_giai.to_chuc": [
        "Các tổ hòa giải được kiện toàn kịp thời; hòa giải viên có đủ thành phần nam, nữ, người cao tuổi, người có uy tín trong cộng đồng dân cư.",
        "UBND {unit_kind} phối hợp với Ủy ban Mặt trận Tổ quốc tổ chức bầu, công nhận hòa giải viên theo đúng quy định của Luật Hòa giải ở cơ sở.",
        "Hòa giải viên được cấp tài liệu nghiệp vụ và tham gia tập huấn kỹ năng hòa giải do cấp trên tổ chức.",
    ],
    "hoa_giai.che_do": [
        "Chế độ báo cáo thống kê về hòa giải ở cơ sở được thực hiện đúng định kỳ sáu tháng và hằng năm.",
        "Thù lao cho hòa giải viên được chi trả theo vụ việc, đúng quy định và kịp thời.",
        "Kinh phí hỗ trợ hoạt động của các tổ hòa giải được bố trí trong dự toán ngân sách của {unit_kind}.",
    ],
    "hoa_giai.ket_qua": [
        "Các vụ việc hòa giải chủ yếu là tranh chấp đất đai, lối đi chung, mâu thuẫn gia đình và va chạm trong sinh hoạt hằng ngày.",
        "Tỷ lệ hòa giải thành đạt {hoa_giai.ty_le_thanh} số vụ việc tiếp nhận, góp phần giữ gìn đoàn kết trong cộng đồng dân cư.",
        "Các vụ việc hòa giải không thành đã được hướng dẫn các bên đến cơ quan có thẩm quyền giải quyết theo quy định.",
        "Nhiều vụ việc được hòa giải ngay từ khi mới phát sinh, hạn chế đơn thư vượt cấp.",
    ],
    "tu_sach.bo_tri": [
        "Tủ sách pháp luật của {unit_kind} đặt tại Bộ phận tiếp nhận và trả kết quả, thuận tiện cho cán bộ và người dân tra cứu.",
        "Ngoài tủ sách tại trụ sở, các {hamlet} bố trí tủ sách pháp luật tại nhà văn hóa {hamlet}.",
        "Tủ sách được sắp xếp theo lĩnh vực, có danh mục sách để người đọc dễ tìm.",
    ],
    "tu_sach.quan_ly": [
        "- *Kinh phí:* bổ sung sách, tài liệu pháp luật mới từ nguồn kinh phí phổ biến, giáo dục pháp luật của {unit_kind}.",
        "- *Quản lý, khai thác:* tủ sách có sổ theo dõi mượn, trả; các tủ sách ở {hamlet} do Ban nhân dân {hamlet} quản lý.",
        "- *Sử dụng:* tài liệu của tủ sách được dùng làm tài liệu tuyên truyền tại các buổi sinh hoạt {hamlet}.",
    ],
    "tiep_can.ket_qua": [
        "UBND {unit_kind} phân công cán bộ, công chức theo dõi, chấm điểm từng chỉ tiêu theo Quyết định số 25/2021/QĐ-TTg của Thủ tướng Chính phủ và Thông tư số 09/2021/TT-BTP của Bộ Tư pháp.",
        "Các chỉ tiêu còn hạn chế của năm {prev_year} đã được rà soát, đề ra giải pháp khắc phục.",
        "Kết quả tự đánh giá được công khai để Nhân dân theo dõi, góp ý trước khi gửi cấp có thẩm quyền xem xét.",
    ],
    "ho_tich.thuc_hien": [
        "Việc đăng ký hộ tịch được thực hiện theo Luật Hộ tịch năm 2014 và các văn bản hướng dẫn thi hành; hồ sơ được giải quyết đúng trình tự, thủ tục.",
        "Dữ liệu hộ tịch được cập nhật đầy đủ vào phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung của Bộ Tư pháp.",
        "Công chức Tư pháp – Hộ tịch hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng dịch vụ công; sổ hộ tịch được ghi chép, lưu trữ đúng quy định.",
        "UBND {unit_kind} thực hiện liên thông các thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới sáu tuổi.",
    ],
    "ho_tich.ghi_chu": [
        "Tỷ lệ hồ sơ giải quyết đúng và trước hạn đạt {ho_tich.ty_le_dung_han}; các trường hợp trễ hạn (nếu có) đều được thông báo, xin lỗi người dân theo quy định.",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt {ho_tich.ty_le_truc_tuyen}, tiếp tục xu hướng chuyển đổi số trong giải quyết thủ tục hành chính.",
        "Việc trả kết quả qua dịch vụ bưu chính công ích được người dân ở các {hamlet} xa trụ sở hưởng ứng.",
    ],
    "chung_thuc.thuc_hien": [
        "Công tác chứng thực được thực hiện theo Nghị định số 23/2015/NĐ-CP của Chính phủ và các văn bản hướng dẫn; không có trường hợp chứng thực sai quy định.",
        "Sổ chứng thực được lập, ghi chép đầy đủ; lệ phí chứng thực được thu, nộp đúng quy định.",
        "UBND {unit_kind} thực hiện chứng thực bản sao điện tử từ bản chính trên Cổng dịch vụ công, giảm thời gian đi lại cho người dân.",
    ],
    "ho_tich.kho_khan": [
        "Hệ thống liên thông thủ tục hành chính đôi khi còn phát sinh lỗi, công chức phải liên hệ hỗ trợ nhiều lần.",
        "Đường truyền Internet tại trụ sở có lúc chưa ổn định, ảnh hưởng đến việc tiếp nhận hồ sơ trực tuyến.",
        "Một bộ phận người dân, nhất là người cao tuổi, chưa quen nộp hồ sơ trực tuyến nên vẫn cần công chức hỗ trợ trực tiếp.",
        "Khối lượng hồ sơ lớn, công chức Tư pháp – Hộ tịch phải kiêm nhiệm nhiều việc.",
    ],
    "pctn.cong_khai": [
        "UBND {unit_kind} công khai dự toán, quyết toán ngân sách, kết quả giải quyết thủ tục hành chính tại trụ sở và trên trang thông tin điện tử theo Luật Phòng, chống tham nhũng năm 2018.",
        "Các chế độ, chính sách liên quan đến người dân được niêm yết công khai tại trụ sở và nhà văn hóa các {hamlet}.",
        "Việc công khai được thực hiện đúng nội dung, hình thức và thời hạn theo quy định.",
    ],
    "pctn.dinh_muc": [
        "Các khoản chi được thực hiện đúng Luật Ngân sách nhà nước và quy chế chi tiêu nội bộ; không có trường hợp chi sai chế độ, định mức.",
        "Tài sản công được quản lý, sử dụng đúng mục đích; quy chế chi tiêu nội bộ được rà soát, điều chỉnh phù hợp.",
        "Không sử dụng ngân sách nhà nước để tiếp khách, quà biếu, quà tặng trái quy định.",
    ],
    "pctn.quy_tac_ung_xu": [
        "Cán bộ, công chức thực hiện nghiêm quy tắc ứng xử, văn hóa công sở; trong năm không có trường hợp vi phạm.",
        "Việc đeo thẻ công chức khi thi hành công vụ và niêm yết quy tắc ứng xử tại trụ sở được duy trì.",
        "UBND {unit_kind} tiếp nhận, xử lý kịp thời các phản ánh của người dân về thái độ phục vụ của cán bộ, công chức.",
    ],
    "pctn.chuyen_doi_vi_tri": [
        "UBND {unit_kind} đã rà soát các vị trí thuộc diện chuyển đổi; các vị trí chưa đến thời hạn nên chưa thực hiện chuyển đổi trong năm {year}.",
        "Việc chuyển đổi vị trí công tác được thực hiện theo kế hoạch của cấp trên, bảo đảm không ảnh hưởng đến hoạt động chuyên môn.",
    ],
    "pctn.cai_cach": [
        "Thủ tục hành chính được niêm yết công khai tại Bộ phận tiếp nhận và trả kết quả; hồ sơ được tiếp nhận, giải quyết trên hệ thống thông tin giải quyết thủ tục hành chính.",
        "Việc thanh toán không dùng tiền mặt được khuyến khích trong thu phí, lệ phí và chi trả chế độ chính sách.",
        "Tổ công nghệ số cộng đồng hỗ trợ người dân nộp hồ sơ trực tuyến, góp phần nâng cao tỷ lệ hồ sơ trực tuyến.",
    ],
    "pctn.ke_khai": [
        "Việc kê khai tài sản, thu nhập hằng năm được thực hiện đúng đối tượng, thời hạn theo Nghị định số 130/2020/NĐ-CP của Chính phủ.",
        "Bản kê khai được công khai theo quy định; không có trường hợp kê khai không trung thực.",
    ],
    "pctn.phat_hien": [
        "Trong kỳ báo cáo, không phát hiện hành vi tham nhũng trên địa bàn {unit_kind}.",
        "Không có đơn thư tố cáo liên quan đến hành vi tham nhũng của cán bộ, công chức.",
    ],
    "pctn.bao_cao": [
        "UBND {unit_kind} thực hiện đầy đủ, đúng hạn chế độ báo cáo về công tác phòng, chống tham nhũng.",
        "Các báo cáo định kỳ, đột xuất được gửi đúng thời gian, đúng nội dung yêu cầu.",
    ],
    "danh_gia.ket_qua": [
        "Công tác tư pháp năm {year} được triển khai đồng bộ, hoàn thành các chỉ tiêu đề ra.",
        "Tổng số hồ sơ đăng ký hộ tịch năm {year} là {ho_tich.tong} hồ sơ, trong đó tiếp nhận trực tuyến {ho_tich.truc_tuyen} hồ sơ, đạt tỷ lệ {ho_tich.ty_le_truc_tuyen}.",
        "Kết quả tự đánh giá chuẩn tiếp cận pháp luật đạt {tiep_can.diem} điểm, {tiep_can.tieu_chi_dat|nopad}/{tiep_can.tong_tieu_chi|nopad} tiêu chí.",
        "Các tổ hòa giải hoạt động đều, hòa giải thành {hoa_giai.thanh} vụ việc, góp phần giữ gìn an ninh trật tự ở cơ sở.",
        "Bộ phận Một cửa tiếp nhận {pctn.mot_cua} hồ sơ thủ tục hành chính, phần lớn được giải quyết đúng và trước hạn.",
    ],
    "danh_gia.han_che": [
        "Một số hòa giải viên lớn tuổi, ít được tập huấn, còn lúng túng khi hòa giải các vụ việc phức tạp.",
        "Cơ sở vật chất của tủ sách pháp luật ở {hamlet} còn đơn sơ; sách chưa được bổ sung thường xuyên.",
        "Hình thức tuyên truyền ở một số {hamlet} chưa đa dạng, người tham dự chủ yếu là người lớn tuổi.",
        "Tỷ lệ người dân tự nộp hồ sơ trực tuyến chưa cao, còn phụ thuộc vào sự hỗ trợ của công chức.",
    ],
    "phuong_huong.boi_canh": [
        "Năm {next_year}, khối lượng công việc tư pháp dự báo tiếp tục tăng, yêu cầu chuyển đổi số trong giải quyết thủ tục hành chính ngày càng cao.",
        "UBND {unit_kind} xác định công tác tư pháp là nhiệm vụ quan trọng, góp phần bảo đảm an ninh trật tự và phục vụ người dân, doanh nghiệp.",
    ],
    "phuong_huong.pbgdpl": [
        "Tiếp tục phổ biến các luật mới và văn bản hướng dẫn; đa dạng hóa hình thức tuyên truyền trên mạng xã hội và hệ thống truyền thanh.",
        "Bồi dưỡng kỹ năng cho hòa giải viên; kiện toàn các tổ hòa giải ở các {hamlet} khi có thay đổi nhân sự.",
        "Duy trì và nâng cao chất lượng các tiêu chí xây dựng {unit_kind} đạt chuẩn tiếp cận pháp luật năm {next_year}.",
    ],
    "phuong_huong.ho_tich": [
        "Rà soát, số hóa sổ hộ tịch lưu tại {unit_kind}; thực hiện tốt liên thông thủ tục hành chính về đăng ký khai sinh, khai tử.",
        "Đẩy mạnh tiếp nhận hồ sơ trực tuyến và chứng thực bản sao điện tử; bảo đảm giải quyết hồ sơ đúng hạn.",
        "Tăng cường kiểm tra việc ghi chép, lưu trữ sổ hộ tịch, sổ chứng thực.",
    ],
    "phuong_huong.tiep_cong_dan": [
        "Duy trì tiếp công dân theo lịch; giải quyết dứt điểm đơn thư còn tồn từ năm {year}.",
        "Tăng cường hòa giải tranh chấp đất đai ngay tại {hamlet}, hạn chế đơn thư vượt cấp.",
        "Thực hiện đồng bộ các giải pháp phòng ngừa tham nhũng, tiêu cực trong hoạt động của UBND {unit_kind}.",
    ],
    "de_xuat": [
        "Đề nghị cấp trên tiếp tục tổ chức tập huấn nghiệp vụ hộ tịch, chứng thực và kỹ năng hòa giải cho công chức và hòa giải viên.",
        "Đề nghị bố trí kinh phí bổ sung sách, tài liệu cho tủ sách pháp luật ở các {hamlet}.",
        "Đề nghị khắc phục lỗi của hệ thống liên thông thủ tục hành chính để việc giải quyết hồ sơ được thông suốt.",
        "Đề nghị cấp tài liệu pháp luật bằng hình thức điện tử để thuận tiện cho việc tuyên truyền trên mạng xã hội.",
    ],
}
GENERIC_POOL = [
    "UBND {unit_kind} đã triển khai thực hiện nhiệm vụ theo kế hoạch năm {year}, bảo đảm đúng tiến độ và yêu cầu đề ra.",
    "Công tác phối hợp giữa các ban, ngành, đoàn thể và các {hamlet} được duy trì thường xuyên.",
    "Kết quả thực hiện được báo cáo đầy đủ, đúng hạn về cấp trên.",
]
# The words tuphap fills in narrative blocks (docs/data-format.md, "Words").
WORDS = {"year", "next_year", "prev_year", "unit_kind", "unit_name", "unit_full", "hamlet", "district",
         "province", "request", "period_note"}
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)(?:\|[a-z_]+)?\}")
EMPTY_CHANCE = 0.3  # of a "kho_khan" or "de_xuat" block being left empty


def notebook_narrative_keys(notebooks_dir: Path) -> list[str]:
    """The block keys the section notebooks ask for, in report order: the key arguments of
    section.narrative("key") and section.narrative_section("title", "key") calls."""
    plain = re.compile(r"""\.narrative\(\s*(['"])(.+?)\1""")
    titled = re.compile(r"""\.narrative_section\(\s*(['"]).*?\1\s*,\s*(['"])(.+?)\2""")
    keys: dict[str, None] = {}
    for notebook in sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for line in source.splitlines():
                for match in plain.finditer(line):
                    keys[match.group(2)] = None
                for match in titled.finditer(line):
                    keys[match.group(3)] = None
    return list(keys)


def usable_pools(keys: list[str], catalogue: dict[str, dict]) -> dict[str, list[str]]:
    """A sentence pool per key, without sentences whose placeholders the catalogue cannot fill
    (an unknown indicator would stop the build)."""
    def fillable(sentence: str) -> bool:
        for name in PLACEHOLDER.findall(sentence):
            if ("." in name and name not in catalogue) or ("." not in name and name not in WORDS):
                return False
        return True

    pools = {}
    for key in keys:
        pool = [s for s in NARRATIVE_POOLS.get(key, []) if fillable(s)]
        pools[key] = pool or GENERIC_POOL
    return pools


def fill_tokens(text: str, rng: random.Random) -> str:
    """Replace [[so]] by a document number and [[ngay]] by a day/month in January or February."""
    while "[[so]]" in text:
        text = text.replace("[[so]]", f"{rng.randint(2, 60):02d}", 1)
    while "[[ngay]]" in text:
        text = text.replace("[[ngay]]", f"{rng.randint(2, 28):02d}/{rng.randint(1, 2):02d}", 1)
    return text


def narrative_block(key: str, pool: list[str], rng: random.Random) -> str:
    """Two or three sentences of the pool (a list if they are list items); sometimes empty for a
    difficulties or proposals block."""
    if ("kho_khan" in key or "de_xuat" in key) and rng.random() < EMPTY_CHANCE:
        return ""
    picked = rng.sample(range(len(pool)), min(len(pool), rng.randint(2, 3)))
    chosen = [pool[i] for i in sorted(picked)]  # in pool order, which reads naturally
    if all(s.startswith("- ") for s in chosen):
        return fill_tokens("\n".join(chosen), rng)
    if len(chosen) > 2 or rng.random() < 0.5:  # sometimes two sentences in one paragraph
        chosen = [chosen[0] + " " + chosen[1]] + chosen[2:]
    return fill_tokens("\n\n".join(chosen), rng)


def narrative_text(pools: dict[str, list[str]], seed: int, rng: random.Random) -> str:
    """A whole narrative file: a comment, then one `## key` block per key."""
    lines = [f"<!-- Synthetic narrative for benchmarks (bench/generate_communes.py, seed {seed}): "
             "invented text; figures are placeholders. -->", ""]
    for key, pool in pools.items():
        lines += [f"## {key}", narrative_block(key, pool, rng), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Output folder and main
# --------------------------------------------------------------------------------------------------

def prepare_output(out: Path, force: bool) -> None:
    """Make `out` an empty folder holding only the marker. A non-empty `out` is replaced only with
    --force, and only if it holds the marker this script writes (so it was made by this script)."""
    if out == REPO or out in REPO.parents:
        raise SystemExit(f"error: refusing to write into {out}: it is (or contains) the repository")
    if out.exists() and not out.is_dir():
        raise SystemExit(f"error: {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise SystemExit(f"error: {out} is not empty; use --force to replace a folder made by this "
                             "script, or choose another --out")
        if not (out / MARKER).is_file():
            raise SystemExit(f"error: refusing to delete {out}: it has no {MARKER} marker, so it was not "
                             "made by this script; remove it yourself or choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Made by bench/generate_communes.py; its --force may delete this folder.\n",
                              encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """A UTF-8 CSV file with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def parse_years(items: list[str]) -> list[int]:
    """Years from '2024', '2023 2024' or '2023,2024', sorted and without repeats."""
    years = set()
    for item in items:
        for part in item.replace(",", " ").split():
            if not re.fullmatch(r"\d{4}", part) or not 1901 <= int(part) <= 2199:
                raise SystemExit(f"error: {part!r} is not a four-digit year such as 2024")
            years.add(int(part))
    if not years:
        raise SystemExit("error: give at least one year with --years")
    return sorted(years)


def generate(count: int, years: list[int], out: Path, seed: int, *, varied: bool = False) -> tuple[int, int]:
    """Write the whole project into `out` (already prepared); returns (value rows, files written).
    varied: every kind of unit, and communes in turn plain, with zeros, with figures missing, with
    several bookcases, and without figures for the year before (PROFILES)."""
    shutil.copytree(REPO / "notebooks", out / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (out / "data").mkdir()
    shutil.copy2(REPO / "data" / "indicators.csv", out / "data" / "indicators.csv")
    shutil.copy2(REPO / "data" / "rules.csv", out / "data" / "rules.csv")
    shutil.copy2(REPO / "data" / "report_kinds.yaml", out / "data" / "report_kinds.yaml")
    (out / "outputs").mkdir()
    files = 4 + len(list((out / "notebooks").iterdir()))

    catalogue = read_catalogue(out / "data" / "indicators.csv")
    specs = resolve_specs(catalogue)
    keys = notebook_narrative_keys(out / "notebooks")
    if not keys:
        print("warning: the notebooks ask for no narrative block", file=sys.stderr)
    pools = usable_pools(keys, catalogue)

    units = make_units(count, random.Random(f"{seed}:units"), every_kind=varied)
    columns = ["slug", "code", "kind", "name", "hamlet_kind", "district", "province", "sample"]
    write_csv(out / "data" / "units.csv", columns,
              [[unicodedata.normalize("NFC", str(u[c])) for c in columns] for u in units])
    files += 1

    # Values for every requested year and the year before the first, and any year in between, so
    # every report's previous-year comparison has data.
    value_years = list(range(years[0] - 1, years[-1] + 1))
    rows: dict[int, list[list]] = {year: [] for year in value_years}
    note = f"Số liệu tổng hợp ngẫu nhiên để đo hiệu năng (seed {seed})"
    for index, unit in enumerate(units):
        profile = PROFILES[index % len(PROFILES)] if varied else "plain"
        for year, values in unit_values(unit, value_years, catalogue, specs, seed, profile).items():
            for n, (iid, value) in enumerate(values.items()):
                rows[year].append([unit["slug"], year, iid, format_value(value), note if n == 0 else ""])

        rng = random.Random(f"{seed}:documents:{unit['slug']}")
        signer = make_signer(rng)
        for year in years:
            params_file = out / "params" / str(year) / f"{unit['slug']}.yaml"
            params_file.parent.mkdir(parents=True, exist_ok=True)
            params_file.write_text(params_text(make_params(unit, year, signer, rng)), encoding="utf-8")
            narrative_file = out / "data" / "narrative" / str(year) / f"{unit['slug']}.md"
            narrative_file.parent.mkdir(parents=True, exist_ok=True)
            narrative_file.write_text(narrative_text(pools, seed, rng), encoding="utf-8")
            files += 2

    for year, year_rows in rows.items():
        write_csv(out / "data" / "values" / f"{year}.csv", ["unit", "year", "indicator", "value", "note"],
                  year_rows)
        files += 1
    return sum(len(r) for r in rows.values()), files


def main(argv: list[str] | None = None) -> None:
    """Command line: parse the arguments, prepare the folder, generate, print a summary line."""
    parser = argparse.ArgumentParser(
        description="Create a complete, self-contained synthetic tuphap project folder for benchmarks: "
                    "the repository's notebooks and indicator catalogue and validation rules, plus invented communes with "
                    "consistent figures, params and narrative files.",
        epilog="example:\n"
               "  python bench/generate_communes.py --communes 100 --years 2024 --out /tmp/bench-project --seed 1\n"
               "  python bench/generate_communes.py --communes 50 --varied --out /tmp/corpus   # edge cases\n"
               "  tuphap --root /tmp/bench-project build --all --jobs 4\n\n"
               "Figures are written for the requested years and the year before the first one (for the\n"
               "previous-year comparisons); params and narrative files only for the requested years.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--communes", type=int, default=100, metavar="N",
                        help="number of communes to invent (default: 100)")
    parser.add_argument("--years", nargs="+", default=["2024"], metavar="YEAR",
                        help="report year(s), e.g. 2024 or 2023 2024 (default: 2024)")
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER",
                        help="project folder to create; must be empty or not exist")
    parser.add_argument("--seed", type=int, default=1, help="random seed; same seed, same output (default: 1)")
    parser.add_argument("--varied", action="store_true",
                        help="communes that test the reports' wording: every kind of unit, and in turn "
                             "zeros, missing figures, several bookcases, no figures for the year before")
    parser.add_argument("--force", action="store_true",
                        help=f"replace FOLDER if it is a folder made by this script (holds {MARKER})")
    args = parser.parse_args(argv)
    if args.communes < 1:
        parser.error("--communes must be at least 1")
    years = parse_years(args.years)
    out = args.out.expanduser().resolve()

    started = time.perf_counter()
    prepare_output(out, args.force)
    rows, files = generate(args.communes, years, out, args.seed, varied=args.varied)
    print(f"{args.communes} communes, years {', '.join(map(str, years))} (figures from {years[0] - 1}), "
          f"{rows} value rows, {files} files written to {out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
