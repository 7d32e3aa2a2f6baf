"""What the internal site shows, as plain data its templates read: the years with their reports, roll-ups,
other kinds and submissions pages, each year's provinces with their own, each report's status, findings,
figures and files, how units are named, and where each page is (publish/site.py collects them from the
ledger and the project, and renders the pages)."""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from tuphap.compute.rollup import slugify
from tuphap.compute.submissions import Tracking
from tuphap.inputs.registry import Unit
from tuphap.versions.compare import Comparison

STATUS_LABELS = {"built": "Đã tạo", "reused": "Đã tạo (không đổi)", "failed": "Lỗi", "missing": "Chưa tạo"}
SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo"}
LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện"}
SUBMISSION_LABELS = {"received": "Đã nhận", "late": "Nộp muộn", "missing": "Chưa nhận", "overdue": "Chưa nhận, quá hạn"}
# The group of reports whose unit's province cannot be told (the registry could not be read): its slug, its
# name, and the name its pages take instead of a province's slug ('province-chua-ro.html').
UNKNOWN_PROVINCE = ("", "Chưa rõ tỉnh")
_UNKNOWN_PAGE = "chua-ro"


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
class KeptVersion:
    """A report's kept final copy (versions/store.py) as the site lists it."""
    name: str  # 'v1'
    kept_at: str  # as a reader reads it
    data_hash: str
    files: dict[str, str]  # file name -> path within the site (report.pdf …, report.signed.pdf once signed)
    sent_to: str = ""
    sent_on: str = ""  # dd/mm/yyyy
    changes_page: str = ""  # what changed since the version before ('' for the first)

    @property
    def signed(self) -> bool:
        return "report.signed.pdf" in self.files

    @property
    def word_changes(self) -> str:
        """Its Word file of the changes since the version before, as tracked changes ('' for the first)."""
        return next((path for name, path in self.files.items() if name.startswith("changes-from-")), "")


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
    more_findings: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> severity -> count not listed
    last_good: str = ""  # when the files on disk were built, as a reader reads it ('' when never)
    left_out: bool = False  # a failed report's last good files, not in this bundle
    kind: str = ""  # its kind's folder ('6thang'); '' for the default kind
    province: str = ""  # its unit's province as the report names it ('Bình Phước'); '' when unknown
    district: str = ""  # its unit's district then ('Hớn Quản'; none from 2025)
    code: str = ""  # its unit's official code then ('25357'; '' when the registry has none)
    versions: list[KeptVersion] = field(default_factory=list)  # its kept final copies, oldest first

    @property
    def anchor(self) -> str:
        """Its row on its province's page and its section on its findings page ('tan-khai'; '_6thang-tan-khai'
        for another kind's)."""
        return f"_{self.kind}-{self.unit}" if self.kind else self.unit

    @property
    def province_slug(self) -> str:
        return slugify(self.province)

    @property
    def page(self) -> str:
        """Its row on its province's page."""
        return f"{province_page(self.year, self.province_slug)}#{self.anchor}"

    @property
    def findings_page(self) -> str:
        return findings_page(self.year, self.province_slug)

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
    def finding_count(self) -> int:
        """Every finding, those only counted included."""
        return len(self.findings) + sum(sum(counts.values()) for counts in self.more_findings.values())

    @property
    def severity_counts(self) -> list[tuple[str, int]]:
        counts = Counter(str(f.get("severity") or "warning") for f in self.findings)
        for more in self.more_findings.values():
            counts.update(more)
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
    last_good: str = ""
    left_out: bool = False
    kind: str = ""  # its report kind's folders ('' for the default kind's roll-ups)
    communes: int = 0  # the area's units whose figures it adds up, as last planned
    units: int = 0  # the area's units on its date (0: a ledger from before it was recorded)
    uncovered: list[dict] = field(default_factory=list)  # each unit left out: unit, name, code, reason, error

    @property
    def with_errors(self) -> list[dict]:
        return [gap for gap in self.uncovered if gap.get("reason") == "errors"]

    @property
    def without_figures(self) -> list[dict]:
        return [gap for gap in self.uncovered if gap.get("reason") != "errors"]


@dataclass(frozen=True)
class SubmissionPage:
    """Who has sent the figures of one year and kind: the year's page, with the counts of each province, or
    the page of one province, listing its units."""
    tracking: Tracking
    names: dict[str, UnitNames]  # unit slug -> its names as its report of that kind names it
    label: str  # the kind's name in data/report_kinds.yaml, as inside a sentence: 'báo cáo năm'
    province: tuple[str, str] | None = None  # a province's page: its slug and name; None: the year's page

    @property
    def year_page(self) -> str:
        """The year's page of this kind, which the province pages are parts of."""
        return f"{self.tracking.year}/submissions-{self.tracking.kind}.html"

    @property
    def page(self) -> str:
        if self.province is None:
            return self.year_page
        return f"{self.tracking.year}/submissions-{self.tracking.kind}-{self.province[0] or _UNKNOWN_PAGE}.html"

    def name(self, unit: str) -> str:
        return self.names[unit].name if unit in self.names else unit

    def rows(self, submissions) -> list:
        """By the units' names, as the province pages list them."""
        def order(submission) -> tuple[str, str]:
            names = self.names.get(submission.unit)
            return (names.sort_name if names else submission.unit), submission.unit
        return sorted(submissions, key=order)

    @cached_property
    def provinces(self) -> list[SubmissionPage]:
        """The year's page's parts: a page for each province of the expected units (those whose province is
        unknown apart), by name; the units not expected stay on the year's page."""
        parts: dict[tuple[str, str], list] = {}
        for submission in self.tracking.submissions:
            names = self.names.get(submission.unit)
            parts.setdefault(province_of(names.province if names else ""), []).append(submission)
        return [SubmissionPage(replace(self.tracking, submissions=found, unexpected=[]), self.names, self.label,
                               province) for province, found in sorted(parts.items(), key=lambda item: province_order(*item[0]))]

    def of_province(self, slug: str) -> SubmissionPage | None:
        return next((part for part in self.provinces if part.province[0] == slug), None)


def province_of(name: str) -> tuple[str, str]:
    """A province's slug and name, from its name as the registry writes it ('' when unknown)."""
    return (slugify(name), name) if slugify(name) else UNKNOWN_PROVINCE


def province_order(slug: str, name: str) -> tuple[bool, str, str]:
    """Provinces by name, as a reader looks for one; the unknown province last."""
    return not slug, fold(name), slug


@dataclass
class KindReports:
    """The reports of one kind other than the default (data/report_kinds.yaml) in a year."""
    slug: str
    name: str  # 'Báo cáo 6 tháng'
    reports: list[Report] = field(default_factory=list)
    rollups: list[Rollup] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.reports)


@dataclass
class Reports:
    """The reports and roll-ups of a year, or of one province in a year: what a page lists and counts."""
    year: int
    reports: list[Report] = field(default_factory=list)  # the default kind's (the year report)
    rollups: list[Rollup] = field(default_factory=list)
    kinds: list[KindReports] = field(default_factory=list)  # each other kind's, in the file's order

    def count(self, *statuses: str, every_kind: bool = False) -> int:
        return sum(r.status in statuses for r in (self.all_reports if every_kind else self.reports))

    @property
    def all_reports(self) -> list[Report]:
        return [*self.reports, *(report for kind in self.kinds for report in kind.reports)]

    @property
    def all_rollups(self) -> list[Rollup]:
        return [*self.rollups, *(rollup for kind in self.kinds for rollup in kind.rollups)]

    def kind(self, slug: str, names: dict[str, str]) -> KindReports:
        """The group of another kind's reports and roll-ups, added in the order of data/report_kinds.yaml
        (`names`: each kind's name by its folder) the first time it is asked for."""
        group = next((kind for kind in self.kinds if kind.slug == slug), None)
        if group is None:
            order = list(names)
            group = KindReports(slug, names.get(slug, slug))
            self.kinds.append(group)
            self.kinds.sort(key=lambda kind: order.index(kind.slug) if kind.slug in order else len(order))
        return group

    @property
    def findings(self) -> int:
        return sum(r.finding_count for r in self.all_reports)

    @property
    def with_findings(self) -> list[tuple[str, Report]]:
        """The reports with findings, each with its kind's name ('' for the default kind's reports)."""
        return [("", r) for r in self.reports if r.finding_count] + \
            [(kind.name, r) for kind in self.kinds for r in kind.reports if r.finding_count]


def relative_links(page: str) -> Callable[[str], str]:
    """Paths within the site as links relative to the given page (the templates' `href`). Both are plain
    paths within the site ('2024/index.html'), so this is posixpath.relpath without its look at the working
    folder, which cost a second for the country's fifty thousand links."""
    folders = page.split("/")[:-1]

    def link(target: str) -> str:
        parts = target.split("/")
        shared = 0
        while shared < min(len(folders), len(parts) - 1) and folders[shared] == parts[shared]:
            shared += 1
        return "/".join([".."] * (len(folders) - shared) + parts[shared:])
    return link


def province_page(year: int, slug: str) -> str:
    return f"{year}/province-{slug or _UNKNOWN_PAGE}.html"


def findings_page(year: int, slug: str) -> str:
    return f"{year}/findings-{slug or _UNKNOWN_PAGE}.html"


@dataclass
class Province(Reports):
    """One province's reports in a year, those of the units the registry places in it for each report, and
    its roll-ups (its own and its districts'): a page of the site, and one of findings."""
    slug: str = ""  # '' for the reports whose province is unknown
    name: str = ""

    @property
    def page(self) -> str:
        return province_page(self.year, self.slug)

    @property
    def findings_page(self) -> str:
        return findings_page(self.year, self.slug)


@dataclass
class Year(Reports):
    submissions: list[SubmissionPage] = field(default_factory=list)
    submissions_error: str | None = None  # the receipts or due dates could not be read
    provinces: list[Province] = field(default_factory=list)  # by name; the unknown province last

    def province_submissions(self, slug: str) -> list[SubmissionPage]:
        """The pages of who has sent what in the province, one per kind tracked."""
        return [part for page in self.submissions if (part := page.of_province(slug))]

    @property
    def search_page(self) -> str:
        """The script that holds the year's units for its page's search box."""
        return f"{self.year}/search.js"


class UnitNames(NamedTuple):
    name: str  # 'Thị trấn Tân Khai'
    sort_name: str  # 'tan khai'
    area: str  # 'Hớn Quản, Bình Phước'
    province: str = ""
    district: str = ""
    code: str = ""


def unit_names(unit: Unit | None, slug: str) -> UnitNames:
    """Display name, sort name, area, province, district and code of a unit as a report names it
    (inputs/report_unit.py), or as it is now for its own page; its slug when the registry lacks it."""
    if unit is None:
        return UnitNames(slug, slug, "")
    area = ", ".join(part for part in (unit.district, unit.province) if part)
    return UnitNames(f"{unit.kind[:1].upper()}{unit.kind[1:]} {unit.name}", fold(unit.name), area, unit.province,
                     unit.district, unit.code)


@dataclass
class Site:
    years: list[Year]  # latest first
    units: dict[str, list[Report]]  # unit slug -> its reports, latest year first; by name
    data_error: str | None
    sources: dict[str, Path]  # report files: path within the site -> file under outputs/
    labels: dict[str, str]  # indicator id -> its Vietnamese label, for the findings
    built: str  # when the builds it shows last changed (the ledger's time), as a reader reads it
    data_hash: str  # the shared data files it was made from, short; '' when they cannot be read
    current: dict[str, UnitNames] = field(default_factory=dict)  # unit slug -> its names now
    # page within the site -> the report and what changed between two of its versions (versions/compare.py)
    changes: dict[str, tuple[Report, Comparison]] = field(default_factory=dict)
    search_page = "search.js"  # the script that holds every unit for the index's search box
