"""A synthetic project of the whole country for the site at scale (tests/publish/test_site_scale.py,
bench/site_benchmark.py): the 3,321 commune-level units in force since 1/7/2025 with their official codes and
provinces (inputs/official_registry.py), a 2025 year report for each with params, a ledger saying it was
built (some failed, some with findings) and small stand-in report files, the 34 province roll-ups, and a due
date for the figures. Writing the site from it takes seconds; building 3,321 real reports would take hours.

Everything the site reads is what a real build leaves: data/ (the repository's catalogue, rules and kinds,
this registry, a few figures per unit), params/, outputs/manifest.json and outputs/2025/<unit>/."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO
from tuphap.compute.rollup import slugify
from tuphap.inputs.official_registry import REFORM_DAY, OfficialUnit, load_official_registry

YEAR = 2025
UNITS_HEADER = "slug,code,kind,name,hamlet_kind,district,province,sample,valid_from,valid_to\n"  # what the rows fill
BUILT_AT = "2025-12-01T08:00:00+07:00"
FAILED_EVERY, FINDINGS_EVERY = 97, 7  # one report in 97 failed, one in 7 has a data warning
STAND_IN = {"report.html": "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>{name}</title><p>{name}</p>",
            "report.pdf": "%PDF-1.7 stand-in for {name}", "report.docx": "PK stand-in for {name}"}


@dataclass(frozen=True)
class CountryUnit:
    slug: str
    official: OfficialUnit


def country_units() -> list[CountryUnit]:
    """Every unit of the official registry since the reform, with a slug: its name's, else with its
    province's (names such as 'Tân An' recur across provinces), else with its code."""
    units, taken = [], set()
    for official in sorted(load_official_registry().new.values(), key=lambda u: u.code):
        for slug in (slugify(official.name), f"{slugify(official.name)}-{slugify(official.province)}",
                     f"{slugify(official.name)}-{official.code}"):
            if slug not in taken:
                break
        taken.add(slug)
        units.append(CountryUnit(slug, official))
    return units


def _registry_row(unit: CountryUnit) -> str:
    official = unit.official
    hamlet = "khu phố" if official.kind == "phường" else "thôn"
    return f"{unit.slug},{official.code},{official.kind},{official.name},{hamlet},,{official.province},no,{REFORM_DAY.isoformat()},\n"


def _ledger_entry(index: int, unit: CountryUnit) -> dict:
    entry = {"unit": unit.slug, "year": YEAR, "status": "built", "error": None, "mode": "draft", "acknowledged": [],
             "built_at": BUILT_AT, "build_id": f"{index:012x}", "findings": [], "more_findings": {}}
    if index % FAILED_EVERY == 0:
        entry.update(status="failed", error=f"section 03-hoa-giai-co-so, cell 4: KeyError 'hoa_giai.thanh' ({unit.slug})")
    if index % FINDINGS_EVERY == 0:
        entry["findings"] = [{"severity": "warning", "rule": "tong_thanh_phan", "unit": unit.slug, "year": YEAR,
                              "indicator": "ho_tich.tong", "file": f"data/values/{YEAR}.csv", "row": 5 * index + 5,
                              "expected": index + 41, "found": index + 40,
                              "message_vi": f"Tổng các loại việc hộ tịch là {index + 40}, khác tổng số {index + 41}"}]
    return entry


def write_country_project(root: Path, files: tuple[str, ...] = tuple(STAND_IN)) -> list[CountryUnit]:
    """The project under root (made empty first), each report with those of its files (the test writes the HTML
    alone: a third of the files to make and link); returns its units, in the official order."""
    shutil.rmtree(root, ignore_errors=True)
    data = root / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("values", "narrative", "submissions.csv"))
    (root / "notebooks").mkdir()
    units = country_units()
    (data / "units.csv").write_text(UNITS_HEADER + "".join(_registry_row(u) for u in units), encoding="utf-8")
    (data / "lineage.csv").write_text("unit,formed_from,resolution,effective\n", encoding="utf-8")
    (data / "values").mkdir()
    values = ["unit,year,indicator,value,note\n"]
    for index, unit in enumerate(units):
        cases, civil_status = 10 + index % 30, 300 + 7 * index % 2000
        for indicator, value in (("pbgdpl.so_buoi", 20 + index % 90), ("hoa_giai.tiep_nhan", cases),
                                 ("hoa_giai.thanh", cases - index % 5), ("ho_tich.tong", civil_status),
                                 ("ho_tich.truc_tuyen", civil_status - index % 50)):
            values.append(f"{unit.slug},{YEAR},{indicator},{value},\n")
    (data / "values" / f"{YEAR}.csv").write_text("".join(values), encoding="utf-8")
    (data / "submissions.csv").write_text((REPO / "data" / "submissions.csv").read_text(encoding="utf-8").splitlines()[0]
                                          + "\n", encoding="utf-8")

    params = root / "params" / str(YEAR)
    (params / "rollup").mkdir(parents=True)
    (root / "params" / "submissions.yaml").write_text(f"{YEAR}:\n  nam: {YEAR}-11-05\n", encoding="utf-8")
    template = (REPO / "params" / str(YEAR) / "tan-khai.yaml").read_text(encoding="utf-8")
    rollup_template = (REPO / "params" / str(YEAR) / "rollup" / "province-dong-nai.yaml").read_text(encoding="utf-8")
    for unit in units:
        (params / f"{unit.slug}.yaml").write_text(template.replace("Tân Khai", unit.official.name), encoding="utf-8")
    provinces = {}
    for unit in units:
        provinces.setdefault(slugify(unit.official.province), (unit.official.province, []))[1].append(unit.slug)
    for slug, (name, _communes) in provinces.items():
        (params / "rollup" / f"province-{slug}.yaml").write_text(rollup_template.replace("Đồng Nai", name), encoding="utf-8")

    outputs = root / "outputs"
    reports = {}
    for index, unit in enumerate(units):
        reports[f"{YEAR}/{unit.slug}"] = _ledger_entry(index, unit)
        folder = outputs / str(YEAR) / unit.slug
        folder.mkdir(parents=True)
        for name in files:
            (folder / name).write_text(STAND_IN[name].format(name=unit.official.full_name), encoding="utf-8")
    rollups = {}
    for slug, (name, communes) in provinces.items():
        rollups[f"{YEAR}/province/{slug}"] = {"level": "province", "slug": slug, "year": YEAR, "name": name,
                                              "communes": communes, "includes_sample": False, "status": "built",
                                              "error": None, "mode": "draft", "built_at": BUILT_AT, "findings": []}
        folder = outputs / str(YEAR) / "_rollup" / f"province-{slug}"
        folder.mkdir(parents=True)
        for file in files:
            (folder / file).write_text(STAND_IN[file].format(name=name), encoding="utf-8")
    (outputs / "manifest.json").write_text(json.dumps({"version": 1, "reports": reports, "rollups": rollups},
                                                      ensure_ascii=False), encoding="utf-8")
    return units

