"""A project folder: where each file lives (every path the package uses is built here and nowhere
else) and which reports it holds (commune reports with params, roll-ups with params)."""
from __future__ import annotations

import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.limits import MAX_SLUG_CHARS, RESERVED_NAMES

ROOT_ENV = "TUPHAP_ROOT"
REPORT_FILES = ("report.html", "report.pdf", "report.docx")  # what a built report is, in every report folder
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SLUG = re.compile(SLUG_PATTERN)  # matched whole (fullmatch): '$' would let a final newline by
_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits: str.isdigit() and int() also take '٢٠٢٥'


def check_slug(slug: str) -> str:
    """Unit slugs become folder and file names, so only lowercase ASCII words joined by hyphens pass,
    short enough for every filesystem and none of the names Windows reserves (con, nul, com1…)."""
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise TuphapError(
            _("invalid unit slug {slug!r}: use lowercase letters, digits and hyphens (e.g. 'tan-khai')").format(slug=slug)
        )
    if len(slug) > MAX_SLUG_CHARS:
        raise TuphapError(_("invalid unit slug {slug!r}: it has {count} characters; at most {limit}, since it becomes "
                            "folder and file names").format(slug=slug, count=len(slug), limit=MAX_SLUG_CHARS))
    if slug in RESERVED_NAMES:
        raise TuphapError(_("invalid unit slug {slug!r}: Windows reserves this name for a device, so no folder or "
                            "file can bear it there; choose another slug").format(slug=slug))
    return slug


def check_year(year) -> int:
    """A year given as an int, or as text of four ASCII digits."""
    text = str(int(year)) if isinstance(year, numbers.Integral) and not isinstance(year, bool) else year
    if not isinstance(text, str) or not _YEAR.fullmatch(text) or not 1900 <= int(text) <= 2200:
        raise TuphapError(_("invalid year {year!r}: expected a four-digit year such as 2024").format(year=year))
    return int(text)


def check_selection(units: tuple[str, ...], years: tuple[int, ...]) -> None:
    """Reject unsafe unit slugs and impossible years before anything is read."""
    for unit in units:
        check_slug(unit)
    for year in years:
        check_year(year)


def _looks_like_project(folder: Path) -> bool:
    return (folder / "data" / "units.csv").is_file() and (folder / "notebooks").is_dir()


def find_root(start: Path | None = None) -> Path:
    """The project folder: $TUPHAP_ROOT, else the nearest parent of the working folder that holds
    data/units.csv and notebooks/ (so notebooks opened in JupyterLab find it), else the source checkout."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _looks_like_project(folder):
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if _looks_like_project(checkout):
        return checkout
    raise TuphapError(
        _("no project found from {folder}: expected a folder with data/units.csv and notebooks/ "
          "(or set {variable})").format(folder=here, variable=ROOT_ENV)
    )


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @classmethod
    def discover(cls, root: Path | str | None = None) -> "ProjectPaths":
        return cls(Path(root).resolve() if root else find_root())

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def units_file(self) -> Path:
        return self.data / "units.csv"

    @property
    def lineage_file(self) -> Path:
        return self.data / "lineage.csv"

    @property
    def indicators_file(self) -> Path:
        return self.data / "indicators.csv"

    @property
    def report_kinds_file(self) -> Path:
        return self.data / "report_kinds.yaml"

    @property
    def rules_file(self) -> Path:
        return self.data / "rules.csv"

    @property
    def values_dir(self) -> Path:
        return self.data / "values"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def params_dir(self) -> Path:
        return self.root / "params"

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs"

    # A report kind other than the default one (inputs/report_kinds.py) keeps its files in folders of
    # its own, '_<kind>' beside the units' (a unit slug never starts with '_'): `kind` is '' for the
    # default kind, whose paths are those the project always had.
    def params_file(self, year: int, unit: str, kind: str = "") -> Path:
        return self.params_dir / str(check_year(year)) / _kind_folder(kind) / f"{check_slug(unit)}.yaml"

    def narrative_file(self, year: int, unit: str, kind: str = "") -> Path:
        return self.data / "narrative" / str(check_year(year)) / _kind_folder(kind) / f"{check_slug(unit)}.md"

    def report_dir(self, year: int, unit: str, kind: str = "") -> Path:
        return self.outputs_dir / str(check_year(year)) / _kind_folder(kind) / check_slug(unit)

    def versions_dir(self, year: int, unit: str, kind: str = "") -> Path:
        """Where a report's final copies are kept, one numbered folder each (versions/store.py): outside
        the report's folder, which every build replaces as a whole, and outside what `make clean` removes."""
        return self.outputs_dir / "versions" / str(check_year(year)) / _kind_folder(kind) / check_slug(unit)

    def sections_dir(self, year: int, unit: str, kind: str = "") -> Path:
        return self.report_dir(year, unit, kind) / "sections"

    def kind_notebooks_dir(self, kind: str = "") -> Path:
        """notebooks/ for the default kind, notebooks/<kind>/ for another."""
        return self.notebooks_dir / check_slug(kind) if kind else self.notebooks_dir

    # Roll-ups (district and province reports) are keyed '<level>-<area slug>', e.g. 'district-hon-quan'; a
    # report kind other than the default keeps its roll-ups in its own folders too ('' is the default kind).
    @property
    def rollup_rules_file(self) -> Path:
        return self.data / "rollup.csv"

    @property
    def rollup_notebooks_dir(self) -> Path:
        return self.notebooks_dir / "rollup"

    def rollup_params_dir(self, year: int, kind: str = "") -> Path:
        """params/<year>/rollup/, or params/<year>/_<kind>/rollup/ for another kind."""
        return self.params_dir / str(check_year(year)) / _kind_folder(kind) / "rollup"

    def rollup_params_file(self, year: int, key: str, kind: str = "") -> Path:
        return self.rollup_params_dir(year, kind) / f"{check_slug(key)}.yaml"

    def rollup_dir(self, year: int, key: str, kind: str = "") -> Path:
        """outputs/<year>/_rollup/<key>/, or outputs/<year>/_<kind>/_rollup/<key>/ for another kind."""
        return self.outputs_dir / str(check_year(year)) / _kind_folder(kind) / "_rollup" / check_slug(key)

    def rollup_notebooks(self, sections: list[str] | tuple[str, ...] = ()) -> list[Path]:
        """A kind's roll-up notebooks: its list (paths under notebooks/), else notebooks/rollup/NN-*.ipynb."""
        if sections:
            return [self.notebooks_dir / section for section in sections]
        return sorted(self.rollup_notebooks_dir.glob("[0-9][0-9]-*.ipynb"))

    def section_notebooks(self, kind: str = "", sections: list[str] | tuple[str, ...] = ()) -> list[Path]:
        """The report's sections, in order: the kind's list (paths under notebooks/, so kinds can share a
        section), else the notebooks named NN-<section>.ipynb of its folder."""
        if sections:
            return [self.notebooks_dir / section for section in sections]
        return sorted(p for p in self.kind_notebooks_dir(kind).glob("[0-9][0-9]-*.ipynb"))

    # What the build writes besides the reports.
    @property
    def ledger_file(self) -> Path:
        return self.outputs_dir / "manifest.json"

    def form_file(self, year: int, unit: str, folder: Path | None = None, kind: str = "") -> Path:
        """An Excel input form: outputs/forms/<year>/[_<kind>/]<unit>.xlsx, or <folder>/<unit>.xlsx (the
        form names its kind inside, so a folder of one's choosing needs no kind in its path)."""
        default = self.outputs_dir / "forms" / str(check_year(year)) / _kind_folder(kind)
        return (folder or default) / f"{check_slug(unit)}.xlsx"

    def values_file(self, year: int, kind: str = "") -> Path:
        """Where `tuphap ingest` writes a year's figures: data/values/<year>.csv for the default kind,
        data/values/<year>-<kind>.csv for another (every *.csv there is read, whatever its name)."""
        return self.values_dir / (f"{check_year(year)}-{check_slug(kind)}.csv" if kind else f"{check_year(year)}.csv")

    @property
    def site_dir(self) -> Path:
        return self.outputs_dir / "site"

    @property
    def site_stamp(self) -> Path:
        """Touched when the site was last brought up to date (its unchanged pages keep their times)."""
        return self.outputs_dir / ".site-written"

    @property
    def build_lock_file(self) -> Path:
        """Held by the one build running in this project folder (runtime/lock.py)."""
        return self.outputs_dir / ".build.lock"

    @property
    def ingest_lock_file(self) -> Path:
        """Held by `tuphap ingest` while it rewrites the values and receipts files (inputs/forms.py)."""
        return self.outputs_dir / ".ingest.lock"

    # Who has sent what (inputs/submissions.py): the receipts of ingested forms, and the due dates.
    @property
    def receipts_file(self) -> Path:
        return self.data / "submissions.csv"

    @property
    def due_dates_file(self) -> Path:
        return self.params_dir / "submissions.yaml"

    def bundle_file(self, year: int) -> Path:
        return self.outputs_dir / f"tuphap-{check_year(year)}.zip"


def _kind_folder(kind: str) -> str:
    return f"_{check_slug(kind)}" if kind else ""


@dataclass(frozen=True, order=True)
class CommuneKey:
    """A commune report that can be built: params/<year>/<unit>.yaml exists (params/<year>/_<kind>/<unit>.yaml
    for a kind other than the default, whose `kind` is '')."""
    year: int
    unit: str
    kind: str = ""


@dataclass(frozen=True, order=True)
class RollupKey:
    """A roll-up report that can be built: params/<year>/rollup/<level>-<area>.yaml exists
    (params/<year>/_<kind>/rollup/<level>-<area>.yaml for a kind other than the default, whose `kind` is '')."""
    year: int
    level: str
    slug: str
    kind: str = ""

    @property
    def key(self) -> str:
        return f"{self.level}-{self.slug}"


def commune_reports(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = (),
                    kinds: tuple[str, ...] | None = ("",)) -> list[CommuneKey]:
    """Every (unit, year) with a params file, filtered by the given units and years, year by year; of
    the default kind only unless `kinds` names others ('' is the default kind; None: every kind)."""
    found = []
    for params_file in sorted([*paths.params_dir.glob("[0-9][0-9][0-9][0-9]/*.yaml"),
                               *paths.params_dir.glob("[0-9][0-9][0-9][0-9]/_*/*.yaml")]):
        kind = params_file.parent.name[1:] if params_file.parent.name.startswith("_") else ""
        year_folder = params_file.parent.parent if kind else params_file.parent
        unit, year = params_file.stem, int(year_folder.name)
        if (not units or unit in units) and (not years or year in years) and (kinds is None or kind in kinds):
            found.append(CommuneKey(year, unit, kind))
    return sorted(found)


def rollup_reports(paths: ProjectPaths, years: list[int], kinds: tuple[str, ...] | None = ("",)) -> list[RollupKey]:
    """Every roll-up with a params file for the given years, params/<year>/[_<kind>/]rollup/<level>-<area>.yaml;
    of the default kind only unless `kinds` names others ('' is the default kind; None: every kind)."""
    found = []
    for year in years:
        year_dir = paths.params_dir / str(check_year(year))
        folders = [year_dir / "rollup", *sorted(year_dir.glob("_*/rollup"))]
        for folder in folders:
            kind = folder.parent.name[1:] if folder.parent != year_dir else ""
            if kinds is not None and kind not in kinds:
                continue
            for params_file in sorted(folder.glob("*.yaml")):
                level, _dash, slug = params_file.stem.partition("-")
                found.append(RollupKey(year, level, slug, kind))
    return found
