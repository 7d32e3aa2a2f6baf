"""What the internal site shows, as plain data its templates read: the years with their reports, roll-ups,
other kinds and submissions pages, each report's status, findings, figures and files, and how units are
named (publish/site.py collects them from the ledger and the project, and renders the pages)."""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tuphap.compute.submissions import Tracking
from tuphap.inputs.registry import Unit

STATUS_LABELS = {"built": "Đã tạo", "reused": "Đã tạo (không đổi)", "failed": "Lỗi", "missing": "Chưa tạo"}
SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo"}
LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện"}
SUBMISSION_LABELS = {"received": "Đã nhận", "late": "Nộp muộn", "missing": "Chưa nhận", "overdue": "Chưa nhận, quá hạn"}


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
    more_findings: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> severity -> count not listed
    last_good: str = ""  # when the files on disk were built, as a reader reads it ('' when never)
    left_out: bool = False  # a failed report's last good files, not in this bundle
    kind: str = ""  # its kind's folder ('6thang'); '' for the default kind

    @property
    def anchor(self) -> str:
        """Its section on the year's findings page ('tan-khai'; '_6thang-tan-khai' for another kind's)."""
        return f"_{self.kind}-{self.unit}" if self.kind else self.unit

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
    """Who has sent the figures of one year and kind: a page of the site."""
    tracking: Tracking
    names: dict[str, tuple[str, str]]  # unit slug -> its name as the site shows it, and as it sorts
    label: str  # the kind's name in data/report_kinds.yaml, as inside a sentence: 'báo cáo năm'

    @property
    def page(self) -> str:
        return f"{self.tracking.year}/submissions-{self.tracking.kind}.html"

    def name(self, unit: str) -> str:
        return self.names.get(unit, (unit, unit))[0]

    def rows(self, submissions) -> list:
        """By the units' names, as the year page lists them."""
        return sorted(submissions, key=lambda s: (self.names.get(s.unit, (s.unit, s.unit))[1], s.unit))


@dataclass
class KindReports:
    """The reports of one kind other than the default (data/report_kinds.yaml) in a year."""
    slug: str
    name: str  # 'Báo cáo 6 tháng'
    reports: list[Report] = field(default_factory=list)
    rollups: list[Rollup] = field(default_factory=list)


@dataclass
class Year:
    year: int
    reports: list[Report] = field(default_factory=list)  # the default kind's (the year report)
    rollups: list[Rollup] = field(default_factory=list)
    submissions: list[SubmissionPage] = field(default_factory=list)
    submissions_error: str | None = None  # the receipts or due dates could not be read
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


def unit_names(unit: Unit | None, slug: str) -> tuple[str, str, str]:
    """Display name, sort name and area of a unit as a report names it (inputs/report_unit.py), or as it is
    now for its own page; its slug when the registry lacks it."""
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
    current: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # unit slug -> its names now (unit_names)
