"""The internal site: an index of years, a page per year listing every commune (build status, data
findings, key figures, links to its HTML, PDF and DOCX), a page of data findings per year and a page
per commune across years.

The site is a plan — site-relative path to page bytes or to a report file — that folder.py writes
into outputs/site/ or into a year's zip. Links are relative and the reports are part of the plan, so
the folder alone works from a file share, file:// or any static server.

It shows what is true now: the reports that have params and a registry row (a unit removed from
either leaves the site, its old folder untouched on disk); a report whose last build failed as failed,
with its error and the time of the last good copy, which the site links as such and a year's bundle
leaves out; the first findings of each file and a count of the others; for each year and kind of report
whose figures are tracked (a due date or a receipt), which units have sent them, late or not, and which
have not (inputs/submissions.py, compute/submissions.py).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader

from tuphap import __version__
from tuphap.check.findings import bounded_records
from tuphap.compute import formatting
from tuphap.compute.figures import Figures, format_value
from tuphap.compute.rollup import slugify
from tuphap.compute.submissions import track_year
from tuphap.errors import TuphapError
from tuphap.inputs.catalogue import Catalogue, Indicator
from tuphap.inputs.dataset import Dataset, data_digest
from tuphap.inputs.registry import Registry, load_units
from tuphap.inputs.report_kinds import ReportKinds, load_report_kinds
from tuphap.inputs.report_unit import report_unit
from tuphap.inputs.submissions import submission_inputs
from tuphap.project import REPORT_FILES, ProjectPaths, check_slug, commune_reports, rollup_reports
from tuphap.publish import search_index
from tuphap.publish.site_model import (
    LEVEL_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    SUBMISSION_LABELS,
    Figure,
    KeptVersion,
    Province,
    Report,
    Rollup,
    Site,
    SubmissionPage,
    UnitNames,
    Year,
    fold,
    province_of,
    province_order,
    relative_links,
    unit_names,
)
from tuphap.runtime.ledger import Ledger
from tuphap.versions import compare, store
from tuphap.versions.compare import Comparison

STATIC_FILES = ("site.css", "site.js")

_ENV = Environment(loader=PackageLoader("tuphap", "templates/site"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True, auto_reload=False)
_ENV.globals.update(version=__version__, status_labels=STATUS_LABELS, level_labels=LEVEL_LABELS,
                    severity_labels=SEVERITY_LABELS, submission_labels=SUBMISSION_LABELS)


def _load_data(paths: ProjectPaths) -> tuple[Registry | None, Dataset | None, str | None]:
    """The units and figures; a data problem leaves the site without figures but still built. The
    units are None when not even the registry can be read (then it cannot say which units are gone)."""
    try:
        dataset = Dataset.load(paths)
        return dataset.units, dataset, None
    except TuphapError as exc:
        try:
            units = load_units(paths.units_file)
        except TuphapError:
            units = None
        return units, None, str(exc)


@lru_cache(maxsize=65536)
def _formatted(indicator: Indicator, value: float) -> str:
    # Babel's formatting is most of the site's cost with a thousand communes, and values repeat.
    return format_value(indicator, value, pad=False)


def _figures(dataset: Dataset | None, unit: str, year: int) -> list[Figure]:
    if dataset is None:
        return []
    # Figures with rows that could not be read are not whole: none is shown, as none is reported.
    figures = Figures(dataset.catalogue, {} if dataset.errors_for(unit, year) else dataset.values_for(unit, year))
    shown = []
    for indicator in dataset.catalogue.key_figures():
        indicator_id, heading = indicator.id, indicator.key_figure
        value, detail = figures.value(indicator_id), ""
        if indicator.derived and figures.has(indicator.numerator) and figures.has(indicator.denominator):
            parts = (dataset.catalogue[indicator.numerator], dataset.catalogue[indicator.denominator])
            detail = "/".join(_formatted(ind, figures.value(ind.id)) for ind in parts)
        shown.append(Figure(heading, indicator.label, None if value is None else _formatted(indicator, value), detail))
    return shown


def _files_on_disk(folder: Path) -> dict[str, Path]:
    return {name: folder / name for name in REPORT_FILES if (folder / name).is_file()}


def _load_kinds(paths: ProjectPaths, dataset: Dataset | None) -> ReportKinds | None:
    """The report kinds, which date the reports without params; None when they cannot be read."""
    if dataset is not None:
        return dataset.kinds
    try:
        return load_report_kinds(paths.report_kinds_file)
    except TuphapError:
        return None


def _names(paths: ProjectPaths, units: Registry | None, kinds: ReportKinds | None, year: int, slug: str,
           kind: str = "") -> UnitNames:
    """A report's unit's names, as the report names it (`kind`: its slug or folder; '' the default kind)."""
    return unit_names(report_unit(paths, units, kinds, year, slug, kind) if units is not None else None, slug)


@dataclass(frozen=True)
class _State:
    """Where a report stands by its ledger entry and its folder: the status shown, the error, the
    files that may be linked and when they were built."""
    status: str
    error: str | None
    files: dict[str, Path]  # report file name -> the file under outputs/
    last_good: str
    left_out: bool


def _moment(iso) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.astimezone()


def _state(paths: ProjectPaths, entry: dict, folder: Path, *, bundle: bool) -> _State:
    """A report is failed when its last attempt failed: the ledger says so, or records a failure
    newer than the last good build (runtime/ledger.py keeps both). Its files on disk are then the last
    good build's: linked as such on the site, left out of a bundle, which must hold only current reports."""
    files = _files_on_disk(folder)
    status = str(entry.get("status") or "missing")
    failure = entry.get("last_failure") if isinstance(entry.get("last_failure"), dict) else {}
    built, failed_at = _moment(entry.get("built_at")), _moment(failure.get("at"))
    if failed_at and (built is None or failed_at > built):
        status = "failed"
    if status not in STATUS_LABELS:
        status = "missing"
    error = _error(paths, entry.get("error") or failure.get("error")) if status == "failed" else None
    if built is None and files:  # a ledger from before built_at was kept for failures: the file's own time
        built = dt.datetime.fromtimestamp(max(path.stat().st_mtime for path in files.values())).astimezone()
    last_good = formatting.timestamp(built.isoformat()) if built and files else ""
    left_out = bundle and status == "failed" and bool(files)
    return _State(status, error, {} if left_out else files, last_good, left_out)


def _linked(files: dict[str, Path], site_folder: str, sources: dict[str, Path]) -> dict[str, str]:
    """Add a report's files to the site's sources; name -> path within the site."""
    linked = {}
    for name, path in files.items():
        linked[name] = f"{site_folder}/{name}"
        sources[linked[name]] = path
    return linked


def current_reports(paths: ProjectPaths, units: Registry | None, years: set[int] | None) -> list[tuple[int, str]]:
    """The (year, unit) the site lists: those with params whose unit is in the registry (when it can
    be read). A unit whose params or registry row were removed is left out; so are names that are not
    slugs, such as an editor's '.tan-khai.yaml.swp' or a build's '.tan-khai.new' folder."""
    return [(key.year, key.unit) for key in commune_reports(paths)
            if (years is None or key.year in years) and _is_slug(key.unit) and (units is None or key.unit in units)]


def _report(paths: ProjectPaths, ledger: Ledger, dataset: Dataset | None, units: Registry | None,
            kinds: ReportKinds | None, year: int, unit: str, kind: str, sources: dict[str, Path], *,
            bundle: bool) -> Report:
    """One report as the site shows it (`kind`: its kind's folder, '' for the default kind's, which alone
    shows key figures and acknowledgements)."""
    entry = ledger.reports.get(f"{year}/_{kind}/{unit}" if kind else f"{year}/{unit}")
    entry = entry if isinstance(entry, dict) else {}
    state = _state(paths, entry, paths.report_dir(year, unit, kind), bundle=bundle)
    findings, more = _findings(paths, entry)
    acknowledged = [a for a in entry.get("acknowledged") or [] if isinstance(a, dict)] if not kind else []
    names = _names(paths, units, kinds, year, unit, kind)
    return Report(unit, year, names.name, names.sort_name, names.area, state.status, state.error, findings,
                  [] if kind else _figures(dataset, unit, year),
                  _linked(state.files, f"{year}/_{kind}/{unit}" if kind else f"{year}/{unit}", sources),
                  "final" if entry.get("mode") == "final" else "draft", acknowledged, more, state.last_good,
                  state.left_out, kind, names.province, names.district, names.code,
                  _versions(paths, store.kept(paths, year, unit, kind), sources))


def _versions(paths: ProjectPaths, kept: list[store.Version], sources: dict[str, Path]) -> list[KeptVersion]:
    """A report's kept versions, their files linked into the site under versions/ as they lie under outputs/."""
    listed = []
    for number, version in enumerate(kept):
        folder = version.folder.relative_to(paths.outputs_dir).as_posix()  # versions/<year>/[_<kind>/]<unit>/vN
        files = {path.name: path for path in sorted(version.folder.iterdir()) if path.suffix in (".html", ".pdf", ".docx")}
        sent = version.sent or {}
        listed.append(KeptVersion(version.name, formatting.timestamp(version.record.get("kept_at", "")),
                                  version.record.get("data_hash", ""), _linked(files, folder, sources),
                                  str(sent.get("to", "")), formatting.date_short(dt.date.fromisoformat(sent["on"])) if sent.get("on") else "",
                                  f"{folder.rsplit('/', 1)[0]}/{kept[number - 1].name}-{version.name}.html" if number else ""))
    return listed


def _changes(paths: ProjectPaths, reports: list[Report], catalogue: Catalogue) -> dict[str, tuple[Report, Comparison]]:
    """What changed between each two versions one after the other, by the page that shows it."""
    changes = {}
    for report in reports:
        kept = store.kept(paths, report.year, report.unit, report.kind)
        for older, newer, listed in zip(kept, kept[1:], report.versions[1:]):
            changes[listed.changes_page] = (report, compare.compare(
                compare.Copy.of_version(older), compare.Copy.of_version(newer), catalogue))
    return changes


def _kind_reports(paths: ProjectPaths, ledger: Ledger, dataset: Dataset | None, units: Registry | None,
                  kinds: ReportKinds | None, years: set[int] | None, by_year: dict[int, Year],
                  sources: dict[str, Path], *, bundle: bool) -> None:
    """Add the reports of the kinds other than the default (params/<year>/_<kind>/<unit>.yaml) to their years."""
    names = _kind_names(dataset)
    for key in commune_reports(paths, kinds=None):
        if not key.kind or not _is_slug(key.unit) or (years is not None and key.year not in years) \
                or (units is not None and key.unit not in units):
            continue
        report = _report(paths, ledger, dataset, units, kinds, key.year, key.unit, key.kind, sources, bundle=bundle)
        by_year.setdefault(key.year, Year(key.year)).kind(key.kind, names).reports.append(report)


def _kind_names(dataset: Dataset | None) -> dict[str, str]:
    """Each kind's name (data/report_kinds.yaml) by the folder its files use, in the file's order."""
    return {dataset.kinds.folder(slug): kind.name for slug, kind in dataset.kinds.kinds.items()} if dataset else {}


def collect(paths: ProjectPaths, years: set[int] | None = None, *, bundle: bool = False,
            today: dt.date | None = None) -> Site:
    """What the site shows, from the params files, the registry, the ledger, the data, the receipts and
    the files on disk. `years` limits it to those years (a bundle's); `bundle` leaves out the last good
    files of reports whose last build failed; `today` (default: the local date) decides which missing
    figures are overdue."""
    ledger = Ledger.load(paths)
    units, dataset, data_error = _load_data(paths)
    kinds = _load_kinds(paths, dataset)
    by_year: dict[int, Year] = {}
    sources: dict[str, Path] = {}
    for year, unit in current_reports(paths, units, years):
        report = _report(paths, ledger, dataset, units, kinds, year, unit, "", sources, bundle=bundle)
        by_year.setdefault(year, Year(year)).reports.append(report)
    _kind_reports(paths, ledger, dataset, units, kinds, years, by_year, sources, bundle=bundle)
    wanted_rollups = {(key.year, key.level, key.slug, key.kind)
                      for key in rollup_reports(paths, sorted(by_year), kinds=None)}
    for entry in ledger.rollups.values():
        rollup = _rollup(paths, entry, wanted_rollups, sources, bundle=bundle)
        if rollup and rollup.kind:
            by_year[rollup.year].kind(rollup.kind, _kind_names(dataset)).rollups.append(rollup)
        elif rollup:
            by_year[rollup.year].rollups.append(rollup)
    for year in by_year.values():
        _add_submissions(paths, units or Registry({}), kinds, year, today or dt.datetime.now().astimezone().date())
        year.reports.sort(key=lambda r: (r.sort_name, r.unit))
        for rollups in (year.rollups, *(kind.rollups for kind in year.kinds)):
            rollups.sort(key=lambda r: (list(LEVEL_LABELS).index(r.level) if r.level in LEVEL_LABELS else 9, fold(r.name)))
        for kind in year.kinds:
            kind.reports.sort(key=lambda r: (r.sort_name, r.unit))
        year.provinces = _provinces(year)
    # A unit's page bears its name now (its latest period); each year's row says what it was then.
    current = {slug: unit_names(units.unit(slug) if units is not None and slug in units else None, slug)
               for slug in {r.unit for y in by_year.values() for r in y.reports}}
    by_unit: dict[str, list[Report]] = {}
    for report in sorted((r for y in by_year.values() for r in y.reports),
                         key=lambda r: (current[r.unit].sort_name, r.unit, -r.year)):
        by_unit.setdefault(report.unit, []).append(report)
    labels = {ind.id: ind.label for ind in dataset.catalogue} if dataset else {}
    changes = _changes(paths, [r for y in by_year.values() for r in (*y.reports, *(r for k in y.kinds for r in k.reports))
                               if len(r.versions) > 1], dataset.catalogue if dataset else Catalogue([]))
    return Site([by_year[y] for y in sorted(by_year, reverse=True)], by_unit, data_error, sources, labels,
                _ledger_time(paths), data_digest(paths)[:12] if dataset else "", current, changes)


def _provinces(year: Year) -> list[Province]:
    """The year's reports by the province of their unit (as each report names it), each province with its
    roll-ups: its own, and those of the districts its units were in; by name, the unknown province last."""
    groups: dict[str, Province] = {}
    kind_names = {kind.slug: kind.name for kind in year.kinds}

    def group(report: Report) -> Province:
        slug, name = province_of(report.province)
        return groups.setdefault(slug, Province(year.year, slug=slug, name=name))

    for report in year.reports:
        group(report).reports.append(report)
    for kind in year.kinds:
        for report in kind.reports:
            group(report).kind(kind.slug, kind_names).reports.append(report)
    for province in groups.values():
        areas = {("province", province.slug)} | {("district", slugify(report.district))
                                                  for report in province.all_reports if report.district}
        province.rollups = [rollup for rollup in year.rollups if (rollup.level, rollup.slug) in areas]
        for kind in year.kinds:
            if its_own := [rollup for rollup in kind.rollups if (rollup.level, rollup.slug) in areas]:
                province.kind(kind.slug, kind_names).rollups = its_own
    return sorted(groups.values(), key=lambda province: province_order(province.slug, province.name))


def _add_submissions(paths: ProjectPaths, units: Registry, kinds: ReportKinds | None, year: Year,
                     today: dt.date) -> None:
    """The year's submission pages; a receipts or due-dates file that cannot be read is said on the
    year's page, and the rest of the site is made as usual."""
    try:
        tracked = track_year(submission_inputs(paths, units, year.year), today)
        kinds = kinds or load_report_kinds(paths.report_kinds_file)
    except TuphapError as exc:
        year.submissions_error = _error(paths, exc)
        return
    def label(kind: str) -> str:  # inside a sentence: 'báo cáo 6 tháng'
        name = kinds[kind].name if kind in kinds else kind
        return name[:1].lower() + name[1:]

    year.submissions = [SubmissionPage(t, {s.unit: _names(paths, units, kinds, year.year, s.unit, t.kind)
                                           for s in (*t.submissions, *t.unexpected)}, label(t.kind)) for t in tracked]


def _ledger_time(paths: ProjectPaths) -> str:
    """The time of the last build that changed anything, so that writing the site again without a
    build gives the same pages."""
    try:
        moment = dt.datetime.fromtimestamp(paths.ledger_file.stat().st_mtime)
    except OSError:
        moment = dt.datetime.now()
    return formatting.timestamp(moment.isoformat(timespec="seconds"))


def _findings(paths: ProjectPaths, entry: dict) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """A report's findings as recorded, the first of each file (a ledger written before they were
    bounded may hold thousands), and the others counted by file and severity; files are shown
    relative to the project (no server paths on the site)."""
    shown, more = bounded_records([f for f in entry.get("findings") or [] if isinstance(f, dict)])
    stored = entry.get("more_findings") if isinstance(entry.get("more_findings"), dict) else {}
    counted: dict[str, Counter] = {}
    for file, counts in [*more.items(), *stored.items()]:
        if isinstance(counts, dict):
            counted.setdefault(_relative_file(paths, file), Counter()).update(
                {str(severity): n for severity, n in counts.items() if isinstance(n, int) and n > 0})
    return [_finding(paths, f) for f in shown], {file: dict(counts) for file, counts in counted.items() if counts}


def _relative_file(paths: ProjectPaths, file) -> str:
    if isinstance(file, str) and Path(file).is_absolute() and Path(file).is_relative_to(paths.root):
        return Path(file).relative_to(paths.root).as_posix()
    return str(file)


def _finding(paths: ProjectPaths, finding: dict) -> dict:
    """A finding as recorded, its file shown relative to the project (no server paths on the site)."""
    file = finding.get("file")
    return {**finding, "file": _relative_file(paths, file)} if isinstance(file, str) else finding


def _error(paths: ProjectPaths, error) -> str | None:
    """A recorded build error, with the project's paths made relative (no server paths on the site)."""
    return str(error).replace(f"{paths.root}/", "") if error else None


def figure_text(value) -> str:
    """A finding's expected or found value: numbers the Vietnamese way (1.733; 66,7), text as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        return formatting.number(value) if formatting.printable(value) else str(value)
    return str(value)


def _is_slug(value) -> bool:
    """Slugs become folder names in the site; a hand-edited ledger must not lead elsewhere."""
    try:
        check_slug(value)
        return True
    except TuphapError:
        return False


def _rollup(paths: ProjectPaths, entry, wanted: set[tuple[int, str, str, str]], sources: dict[str, Path], *,
            bundle: bool) -> Rollup | None:
    """A roll-up of the ledger, when it is one the site lists: of a year shown, with its params."""
    if not isinstance(entry, dict):
        return None
    year, level, slug, kind = entry.get("year"), entry.get("level"), entry.get("slug"), entry.get("kind", "")
    if (year, level, slug, kind) not in wanted:
        return None
    folder_name = f"{level}-{slug}"
    if not _is_slug(folder_name):
        return None
    state = _state(paths, entry, paths.rollup_dir(year, folder_name, kind), bundle=bundle)
    site_folder = f"{year}/_{kind}/_rollup/{folder_name}" if kind else f"{year}/_rollup/{folder_name}"
    communes, units = entry.get("communes"), entry.get("units")
    uncovered = [{**gap, "error": _error(paths, gap.get("error"))} for gap in entry.get("left_out") or []
                 if isinstance(gap, dict)]
    return Rollup(year, level, slug, str(entry.get("name") or slug), state.status, state.error,
                  _linked(state.files, site_folder, sources), state.last_good, state.left_out, kind,
                  len(communes) if isinstance(communes, list) else 0, units if isinstance(units, int) else 0, uncovered)


def _render(template: str, page: str, **context) -> bytes:
    return _ENV.get_template(template).render(href=relative_links(page), page=page, **context).encode("utf-8")


def render(site: Site) -> dict[str, bytes | Path]:
    """Every file of the site: path within the site -> page bytes, or the report file to place there."""
    pages: dict[str, bytes | Path] = {name: files("tuphap").joinpath("static", name).read_bytes() for name in STATIC_FILES}
    pages["index.html"] = _render("index.html.j2", "index.html", site=site)
    if site.years:
        pages[site.search_page] = search_index.site_script(site)
    for year in site.years:
        pages[f"{year.year}/index.html"] = _render("year.html.j2", f"{year.year}/index.html", site=site, year=year)
        pages[year.search_page] = search_index.year_script(year)
        pages[f"{year.year}/findings.html"] = _render("findings.html.j2", f"{year.year}/findings.html",
                                                     site=site, year=year)
        for province in year.provinces:
            pages[province.page] = _render("province.html.j2", province.page, site=site, year=year, province=province)
            pages[province.findings_page] = _render("province_findings.html.j2", province.findings_page, site=site,
                                                    year=year, province=province)
        for submissions in year.submissions:
            for page in (submissions, *submissions.provinces):
                pages[page.page] = _render("submissions.html.j2", page.page, site=site, year=year, submissions=page)
    for unit, reports in site.units.items():
        page = unit_page(unit)
        names = site.current.get(unit)
        name, area, code = (names.name, names.area, names.code) if names else \
            (reports[0].name, reports[0].area, reports[0].code)
        pages[page] = _render("unit.html.j2", page, site=site, reports=reports, name=name, area=area, code=code)
    for page, (report, comparison) in site.changes.items():
        pages[page] = _render("changes.html.j2", page, site=site, report=report, changes=comparison)
    pages.update(site.sources)
    return pages


def unit_page(unit: str) -> str:
    return f"units/{unit}.html"


_ENV.globals.update(unit_page=unit_page)
_ENV.filters.update(figure=figure_text, moment=formatting.moment)
