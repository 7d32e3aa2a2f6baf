"""The internal site: an index of years, a page per year listing every commune (build status, data
findings, key figures, links to its HTML, PDF and DOCX), a page of data findings per year and a page
per commune across years.

The site is a plan — site-relative path to page bytes or to a report file — that folder.py writes
into outputs/site/ or into a year's zip. Links are relative and the reports are part of the plan, so
the folder alone works from a file share, file:// or any static server.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader

from tuphap import __version__
from tuphap.compute import formatting
from tuphap.compute.figures import Figures, format_value
from tuphap.errors import TuphapError
from tuphap.inputs.catalogue import Indicator
from tuphap.inputs.dataset import Dataset, data_digest
from tuphap.inputs.registry import Unit, load_units
from tuphap.project import REPORT_FILES, ProjectPaths, check_slug, commune_reports
from tuphap.runtime.ledger import Ledger

STATIC_FILES = ("site.css", "site.js")
STATUS_LABELS = {"built": "Đã tạo", "reused": "Đã tạo (không đổi)", "failed": "Lỗi", "missing": "Chưa tạo"}
SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo"}
LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện"}

_ENV = Environment(loader=PackageLoader("tuphap", "templates/site"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True, auto_reload=False)
_ENV.globals.update(version=__version__, status_labels=STATUS_LABELS, level_labels=LEVEL_LABELS,
                    severity_labels=SEVERITY_LABELS)


def fold(text: str) -> str:
    """Lowercase without diacritics ('Tân Khai' -> 'tan khai'), as site.js folds what the user types."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@dataclass(frozen=True)
class Figure:
    heading: str
    label: str  # the catalogue's full label, shown on hover
    text: str | None
    detail: str = ""  # for a rate: 'numerator/denominator'


@dataclass
class Report:
    """One (unit, year) as the site shows it."""
    unit: str
    year: int
    name: str  # 'Thị trấn Tân Khai'
    sort_name: str  # folded name without the kind, so that communes sort by name
    area: str  # 'Hớn Quản, Bình Phước'
    status: str  # built | reused | failed | missing (no ledger entry)
    error: str | None
    findings: list[dict]
    figures: list[Figure]
    files: dict[str, str]  # report file name -> path within the site
    mode: str = "draft"  # draft | final, as last built
    acknowledged: list[dict] = field(default_factory=list)  # the params' acknowledgements, as recorded

    def acknowledgement(self, finding: dict) -> str:
        """The reason the unit gave for standing by this finding, or ''."""
        return next((str(a.get("reason", "")) for a in self.acknowledged
                     if a.get("rule") == finding.get("rule") and (a.get("indicator") or "") == (finding.get("indicator") or "")), "")

    @property
    def unmatched_acknowledgements(self) -> list[dict]:
        return [a for a in self.acknowledged if not a.get("matched")]

    @property
    def search_key(self) -> str:
        return fold(f"{self.name} {self.unit}")

    @property
    def severity_counts(self) -> list[tuple[str, int]]:
        counts = Counter(str(f.get("severity") or "warning") for f in self.findings)
        return [(SEVERITY_LABELS.get(s, s), n) for s, n in sorted(counts.items(), key=_severity_order)]


def _severity_order(item: tuple[str, int]) -> tuple[int, str]:
    order = list(SEVERITY_LABELS)
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


@dataclass
class Rollup:
    year: int
    level: str
    slug: str
    name: str
    status: str
    error: str | None
    files: dict[str, str]


@dataclass
class Year:
    year: int
    reports: list[Report] = field(default_factory=list)
    rollups: list[Rollup] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.reports)

    @property
    def findings(self) -> int:
        return sum(len(r.findings) for r in self.reports)


def _load_data(paths: ProjectPaths) -> tuple[dict[str, Unit], Dataset | None, str | None]:
    """The units and figures; a data problem leaves the site without figures but still built."""
    try:
        dataset = Dataset.load(paths)
        return dataset.units, dataset, None
    except TuphapError as exc:
        try:
            units = load_units(paths.units_file)
        except TuphapError:
            units = {}
        return units, None, str(exc)


@lru_cache(maxsize=65536)
def _formatted(indicator: Indicator, value: float) -> str:
    # Babel's formatting is most of the site's cost with a thousand communes, and values repeat.
    return format_value(indicator, value, pad=False)


def _figures(dataset: Dataset | None, unit: str, year: int) -> list[Figure]:
    if dataset is None:
        return []
    figures = Figures(dataset.catalogue, dataset.values_for(unit, year))
    shown = []
    for indicator in dataset.catalogue.key_figures():
        indicator_id, heading = indicator.id, indicator.key_figure
        value, detail = figures.value(indicator_id), ""
        if indicator.derived and figures.has(indicator.numerator) and figures.has(indicator.denominator):
            parts = (dataset.catalogue[indicator.numerator], dataset.catalogue[indicator.denominator])
            detail = "/".join(_formatted(ind, figures.value(ind.id)) for ind in parts)
        shown.append(Figure(heading, indicator.label, None if value is None else _formatted(indicator, value), detail))
    return shown


def _report_files(folder: Path, site_folder: str, sources: dict[str, Path]) -> dict[str, str]:
    """The report files that exist, each added to the site's sources; name -> path within the site."""
    found = {}
    for name in REPORT_FILES:
        if (folder / name).is_file():
            found[name] = f"{site_folder}/{name}"
            sources[found[name]] = folder / name
    return found


def _unit_names(units: dict[str, Unit], slug: str) -> tuple[str, str, str]:
    """Display name, sort name and area of a unit (its slug when the registry lacks it)."""
    unit = units.get(slug)
    if unit is None:
        return slug, slug, ""
    area = ", ".join(part for part in (unit.district, unit.province) if part)
    return f"{unit.kind[:1].upper()}{unit.kind[1:]} {unit.name}", fold(unit.name), area


@dataclass
class Site:
    years: list[Year]  # latest first
    units: dict[str, list[Report]]  # unit slug -> its reports, latest year first; by name
    data_error: str | None
    sources: dict[str, Path]  # report files: path within the site -> file under outputs/
    labels: dict[str, str]  # indicator id -> its Vietnamese label, for the findings
    built: str  # when the builds it shows last changed (the ledger's time), as a reader reads it
    data_hash: str  # the shared data files it was made from, short; '' when they cannot be read


def collect(paths: ProjectPaths, years: set[int] | None = None) -> Site:
    """What the site shows, from the params files, the ledger, the data and the files on disk."""
    ledger = Ledger.load(paths)
    ledger_reports, ledger_rollups = ledger.reports, ledger.rollups
    units, dataset, data_error = _load_data(paths)
    keys = {(report.year, report.unit) for report in commune_reports(paths)}
    for entry in ledger_reports.values():
        if isinstance(entry, dict) and isinstance(entry.get("year"), int) and _is_slug(entry.get("unit")):
            keys.add((entry["year"], entry["unit"]))
    if years is not None:
        keys = {key for key in keys if key[0] in years}
    by_year: dict[int, Year] = {}
    sources: dict[str, Path] = {}
    for year, unit in sorted(keys):
        entry = ledger_reports.get(f"{year}/{unit}") or {}
        findings = [_finding(paths, f) for f in entry.get("findings") or [] if isinstance(f, dict)]
        folder = paths.outputs_dir / str(year) / unit
        acknowledged = [a for a in entry.get("acknowledged") or [] if isinstance(a, dict)]
        report = Report(unit, year, *_unit_names(units, unit), entry.get("status") or "missing", _error(paths, entry),
                        findings, _figures(dataset, unit, year), _report_files(folder, f"{year}/{unit}", sources),
                        "final" if entry.get("mode") == "final" else "draft", acknowledged)
        by_year.setdefault(year, Year(year)).reports.append(report)
    for entry in ledger_rollups.values():
        rollup = _rollup(paths, entry, sources)
        if rollup and (years is None or rollup.year in years):
            by_year.setdefault(rollup.year, Year(rollup.year)).rollups.append(rollup)
    for year in by_year.values():
        year.reports.sort(key=lambda r: (r.sort_name, r.unit))
        year.rollups.sort(key=lambda r: (list(LEVEL_LABELS).index(r.level) if r.level in LEVEL_LABELS else 9, fold(r.name)))
    by_unit: dict[str, list[Report]] = {}
    for report in sorted((r for y in by_year.values() for r in y.reports), key=lambda r: (r.sort_name, r.unit, -r.year)):
        by_unit.setdefault(report.unit, []).append(report)
    labels = {ind.id: ind.label for ind in dataset.catalogue} if dataset else {}
    return Site([by_year[y] for y in sorted(by_year, reverse=True)], by_unit, data_error, sources, labels,
                _ledger_time(paths), data_digest(paths)[:12] if dataset else "")


def _ledger_time(paths: ProjectPaths) -> str:
    """The time of the last build that changed anything, so that writing the site again without a
    build gives the same pages."""
    try:
        moment = dt.datetime.fromtimestamp(paths.ledger_file.stat().st_mtime)
    except OSError:
        moment = dt.datetime.now()
    return formatting.timestamp(moment.isoformat(timespec="seconds"))


def _finding(paths: ProjectPaths, finding: dict) -> dict:
    """A finding as recorded, its file shown relative to the project (no server paths on the site)."""
    file = finding.get("file")
    if isinstance(file, str) and Path(file).is_absolute() and Path(file).is_relative_to(paths.root):
        return {**finding, "file": Path(file).relative_to(paths.root).as_posix()}
    return finding


def _error(paths: ProjectPaths, entry: dict) -> str | None:
    """A recorded build error, with the project's paths made relative (no server paths on the site)."""
    error = entry.get("error")
    return str(error).replace(f"{paths.root}/", "") if error else None


def figure_text(value) -> str:
    """A finding's expected or found value: numbers the Vietnamese way (1.733; 66,7), text as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        return formatting.number(value)
    return str(value)


def _is_slug(value) -> bool:
    """Slugs become folder names in the site; a hand-edited ledger must not lead elsewhere."""
    try:
        check_slug(value)
        return True
    except TuphapError:
        return False


def _rollup(paths: ProjectPaths, entry, sources: dict[str, Path]) -> Rollup | None:
    if not isinstance(entry, dict):
        return None
    year, level, slug = entry.get("year"), entry.get("level"), entry.get("slug")
    if not (isinstance(year, int) and isinstance(level, str) and isinstance(slug, str)):
        return None
    folder_name = f"{level}-{slug}"
    if not _is_slug(folder_name):
        return None
    folder = paths.outputs_dir / str(year) / "_rollup" / folder_name
    files_found = _report_files(folder, f"{year}/_rollup/{folder_name}", sources)
    return Rollup(year, level, slug, str(entry.get("name") or slug), str(entry.get("status") or "missing"),
                  _error(paths, entry), files_found)


def _relative(page: str):
    """A filter for templates: a path within the site, as a link relative to the given page."""
    base = posixpath.dirname(page) or "."
    return lambda target: posixpath.relpath(target, base)


def _render(template: str, page: str, **context) -> bytes:
    return _ENV.get_template(template).render(href=_relative(page), page=page, **context).encode("utf-8")


def render(site: Site) -> dict[str, bytes | Path]:
    """Every file of the site: path within the site -> page bytes, or the report file to place there."""
    pages: dict[str, bytes | Path] = {name: files("tuphap").joinpath("static", name).read_bytes() for name in STATIC_FILES}
    pages["index.html"] = _render("index.html.j2", "index.html", site=site)
    for year in site.years:
        pages[f"{year.year}/index.html"] = _render("year.html.j2", f"{year.year}/index.html", site=site, year=year)
        pages[f"{year.year}/findings.html"] = _render("findings.html.j2", f"{year.year}/findings.html",
                                                     site=site, year=year)
    for unit, reports in site.units.items():
        page = unit_page(unit)
        pages[page] = _render("unit.html.j2", page, site=site, reports=reports, name=reports[0].name,
                              area=reports[0].area)
    pages.update(site.sources)
    return pages


def unit_page(unit: str) -> str:
    return f"units/{unit}.html"


_ENV.globals.update(unit_page=unit_page)
_ENV.filters.update(figure=figure_text)
