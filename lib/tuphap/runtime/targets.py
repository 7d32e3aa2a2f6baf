"""What a build makes: targets (a commune report, a district or province roll-up) and one result model.

A target knows what differs between the two kinds: its notebooks and parameters, the inputs its
sections depend on, the checks its files need before any kernel starts, its validation and its
metadata. Everything else (planning, section reuse, running, assembling, the ledger) is the same path
for both, in pipeline.py.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path

from tuphap.assemble.report import Document
from tuphap.check.findings import bounded_records
from tuphap.check.reports import report_findings
from tuphap.compute import rollup
from tuphap.compute.coverage import area_coverage
from tuphap.compute.words import commune_words, rollup_words
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.narrative import load_narrative
from tuphap.inputs.params import RollupParams, load_params
from tuphap.inputs.report_kinds import ReportKind, load_report_kinds
from tuphap.inputs.report_unit import report_day
from tuphap.inputs.rollup_rules import load_rollup_rules
from tuphap.project import ProjectPaths, check_slug, check_year
from tuphap.runtime import fingerprint

DEFAULT_CELL_TIMEOUT = 300.0  # a section cell takes well under a second; this only catches one that never ends


class Status(str, Enum):
    """Where a report stands after planning or building."""
    PLANNED = "planned"  # something must run or be assembled
    BUILT = "built"
    REUSED = "reused"  # nothing changed: its files are current
    FAILED = "failed"


class SectionStatus(str, Enum):
    NOT_RUN = "not run"
    EXECUTED = "executed"
    REUSED = "reused"
    FAILED = "failed"


@dataclass
class SectionRecord:
    input_hash: str
    status: SectionStatus = SectionStatus.NOT_RUN
    duration: float = 0.0
    cell: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Options:
    force: bool = False  # re-run every section
    fresh_kernels: bool = False  # a new kernel per notebook, as plain papermill
    strict: bool = False  # warnings block too
    final: bool = False  # the copy to be signed
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT  # seconds a cell may run before its section fails

    @property
    def mode(self) -> str:
        return "final" if self.final else "draft"


@dataclass
class Result:
    """A target's outcome, and its ledger entry (as_ledger_entry). `extra` holds what only one kind
    records (a roll-up's area name, communes added up and whether sample communes are among them)."""
    target: Target
    status: Status = Status.FAILED
    input_hash: str = ""
    duration: float = 0.0
    error: str | None = None
    missing_markers: int = 0  # figures or narrative blocks shown as missing in the report
    sections: dict[str, SectionRecord] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)  # check.findings.Finding.as_dict() of this report
    mode: str = "draft"  # draft (with the data-quality note) | final (the copy to be signed)
    acknowledged: list[dict] = field(default_factory=list)  # params' acknowledgements, each with "matched"
    data_hash: str = ""  # the report's data (figures, narrative, params, catalogue, rules), short
    built_at: str = ""  # when its files were last written (ISO 8601, local time)
    build_id: str = ""  # the build its files come from: each of them records it (staging.py)
    extra: dict = field(default_factory=dict)

    def as_ledger_entry(self) -> dict:
        """The entry, its findings bounded: the first of each file, the others counted by file and
        severity under "more_findings" (200,000 bad rows must not make a ledger of megabytes)."""
        findings, more = bounded_records(self.findings)
        entry = {name: value for name, value in asdict(replace(self, findings=[])).items() if name not in ("target", "extra")}
        return {**self.target.identity(), **self.extra, **entry, "findings": [dict(f) for f in findings],
                "more_findings": more}

    @property
    def executed_sections(self) -> list[str]:
        return [name for name, record in self.sections.items() if record.status == SectionStatus.EXECUTED]

    @property
    def year_label(self) -> str:
        """How a progress line names the report: '2024 tan-khai', '2024 roll-up province Bình Phước'."""
        return self.target.year_label(self.extra)

    @property
    def failure(self) -> str:
        """The error as a summary lists it, naming the report (a failing section's message already does)."""
        if any(record.status == SectionStatus.FAILED for record in self.sections.values()):
            return self.error or _("failed")
        return f"{self.target.describe(self.extra)}: {self.error or _('failed')}"


class Target(ABC):
    """One report to build. Subclasses are frozen dataclasses (they travel to worker processes)."""
    year: int
    ledger_group: str  # where the ledger keeps it: "reports" or "rollups"

    @property
    @abstractmethod
    def ledger_key(self) -> str: ...

    @abstractmethod
    def identity(self) -> dict:
        """The fields that say which report a ledger entry is."""

    @abstractmethod
    def year_label(self, extra: dict) -> str:
        """How progress lines name the report, year first."""

    @abstractmethod
    def describe(self, extra: dict) -> str:
        """How error messages name the report."""

    @property
    @abstractmethod
    def error_name(self) -> str:
        """How a failing section names the report ('unit <this>, year …')."""

    @abstractmethod
    def notebooks(self, paths: ProjectPaths) -> list[Path]: ...

    @abstractmethod
    def report_dir(self, paths: ProjectPaths) -> Path: ...

    @abstractmethod
    def params_file(self, paths: ProjectPaths) -> Path: ...

    @abstractmethod
    def parameters(self, extra: dict) -> dict:
        """The notebooks' parameters (papermill)."""

    @abstractmethod
    def inputs(self, paths: ProjectPaths, dataset: Dataset, result: Result) -> str:
        """Check what the report is made of and hash it (what its sections share); may fill
        result.extra and result.data_hash. A user's mistake raises TuphapError."""

    def check_files(self, paths: ProjectPaths) -> None:
        """The report's own files, read once before any kernel starts (skipped when unchanged)."""

    def validate(self, paths: ProjectPaths, dataset: Dataset, result: Result, previous: dict) -> None:
        """Fill result.findings and result.acknowledged; `previous` is the ledger entry when the inputs
        are unchanged (its findings still hold), else {}."""

    @abstractmethod
    def document(self, paths: ProjectPaths, result: Result) -> Document: ...

    def sections_dir(self, paths: ProjectPaths) -> Path:
        return self.report_dir(paths) / "sections"


@dataclass(frozen=True)
class CommuneTarget(Target):
    """A commune's report of one kind: `kind` is '' for the default kind (data/report_kinds.yaml), whose
    files, ledger key and notebooks' parameters are those the project always had."""
    unit: str
    year: int
    kind: str = ""
    ledger_group = "reports"

    @property
    def ledger_key(self) -> str:
        return f"{self.year}/_{self.kind}/{self.unit}" if self.kind else f"{self.year}/{self.unit}"

    def identity(self) -> dict:
        return {"unit": self.unit, "year": self.year, **({"kind": self.kind} if self.kind else {})}

    def year_label(self, extra: dict) -> str:
        return f"{self.year} {self.unit}" + (f" ({self.kind})" if self.kind else "")

    def describe(self, extra: dict) -> str:
        if self.kind:
            return _("unit {unit}, year {year}, report kind {kind}").format(unit=self.unit, year=self.year, kind=self.kind)
        return _("unit {unit}, year {year}").format(unit=self.unit, year=self.year)

    @property
    def error_name(self) -> str:
        return self.unit

    def report_kind(self, paths: ProjectPaths) -> ReportKind:
        kinds = load_report_kinds(paths.report_kinds_file)
        return kinds[kinds.slug(self.kind)]

    def notebooks(self, paths: ProjectPaths) -> list[Path]:
        notebooks = paths.section_notebooks(self.kind, self.report_kind(paths).sections)
        if not notebooks:
            raise TuphapError(_("no section notebooks (NN-name.ipynb) in {folder}").format(
                folder=paths.kind_notebooks_dir(self.kind)))
        missing = [str(notebook) for notebook in notebooks if not notebook.is_file()]
        if missing:
            raise TuphapError(_("{file}: the sections of kind {kind} name notebooks that do not exist: {notebooks}").format(
                file=paths.report_kinds_file, kind=self.kind, notebooks=", ".join(missing)))
        return notebooks

    def report_dir(self, paths: ProjectPaths) -> Path:
        return paths.report_dir(self.year, self.unit, self.kind)

    def params_file(self, paths: ProjectPaths) -> Path:
        return paths.params_file(self.year, self.unit, self.kind)

    def parameters(self, extra: dict) -> dict:
        return {"unit": self.unit, "year": self.year, **({"kind": self.kind} if self.kind else {})}

    def inputs(self, paths: ProjectPaths, dataset: Dataset, result: Result) -> str:
        check_slug(self.unit), check_year(self.year)
        dataset.unit(self.unit)
        period = dataset.kinds[dataset.kinds.slug(self.kind)].period.code
        rollup.refuse_unreadable(rollup.unreadable_rows(dataset, self.unit, self.year, period,
                                                        on=report_day(paths, dataset.kinds, self.year, self.unit, self.kind)))
        result.data_hash = fingerprint.report_data(paths, dataset, self.unit, self.year, self.kind)[:12]
        return fingerprint.report_inputs(paths, dataset, self.unit, self.year, self.kind)

    def check_files(self, paths: ProjectPaths) -> None:
        load_params(self.params_file(paths))
        load_narrative(paths.narrative_file(self.year, self.unit, self.kind))
        load_report_kinds(paths.report_kinds_file)

    def validate(self, paths: ProjectPaths, dataset: Dataset, result: Result, previous: dict) -> None:
        # The ledger's findings stand for the report's only when none were left out of it.
        result.findings = previous["findings"] if "findings" in previous and not previous.get("more_findings") else \
            [finding.as_dict() for finding in report_findings(dataset, self.unit, self.year, kind=self.kind)]
        result.acknowledged = previous["acknowledged"] if "acknowledged" in previous else \
            [{**ack.model_dump(), "matched": any(ack.covers(f) for f in result.findings)}
             for ack in load_params(self.params_file(paths)).acknowledged]

    def document(self, paths: ProjectPaths, result: Result) -> Document:
        kind = self.report_kind(paths)
        params = load_params(self.params_file(paths))
        words = commune_words(Dataset.load(paths).unit(self.unit, on=params.date), params, self.year, kind.period)
        return Document(kind.title.format_map(words), kind.author.format_map(words), result.mode, result.built_at,
                        result.data_hash, self.unit, self.year)


@dataclass(frozen=True)
class RollupTarget(Target):
    """A district's or province's roll-up of one report kind: `kind` is '' for the default kind, whose
    files, ledger key and notebooks' parameters are those the project always had."""
    level: str
    slug: str
    year: int
    kind: str = ""
    ledger_group = "rollups"

    @property
    def key(self) -> str:
        return f"{self.level}-{self.slug}"

    @property
    def ledger_key(self) -> str:
        return f"{self.year}/_{self.kind}/{self.level}/{self.slug}" if self.kind else f"{self.year}/{self.level}/{self.slug}"

    def identity(self) -> dict:
        return {"level": self.level, "slug": self.slug, "year": self.year, **({"kind": self.kind} if self.kind else {})}

    def year_label(self, extra: dict) -> str:
        return _("{year} roll-up {level} {area}").format(year=self.year, level=_(rollup.LEVEL_WORDS.get(self.level, self.level)),
                                                         area=extra.get("name") or self.slug) + (
            f" ({self.kind})" if self.kind else "")

    def describe(self, extra: dict) -> str:
        level, area = _(rollup.LEVEL_WORDS.get(self.level, self.level)), extra.get("name") or self.slug
        if self.kind:
            return _("roll-up {level} {area}, year {year}, report kind {kind}").format(
                level=level, area=area, year=self.year, kind=self.kind)
        return _("roll-up {level} {area}, year {year}").format(level=level, area=area, year=self.year)

    @property
    def error_name(self) -> str:
        return self.key

    def report_kind(self, paths: ProjectPaths) -> ReportKind:
        """The kind, which must have roll-ups (a 'rollup' entry in data/report_kinds.yaml)."""
        kinds = load_report_kinds(paths.report_kinds_file)
        return kinds.with_rollups(kinds.slug(self.kind))

    def notebooks(self, paths: ProjectPaths) -> list[Path]:
        notebooks = paths.rollup_notebooks(self.report_kind(paths).rollup.sections)
        if not notebooks:
            raise TuphapError(_("no roll-up notebooks (NN-name.ipynb) in {folder}").format(folder=paths.rollup_notebooks_dir))
        missing = [str(notebook) for notebook in notebooks if not notebook.is_file()]
        if missing:
            raise TuphapError(_("{file}: the roll-up sections of kind {kind} name notebooks that do not exist: "
                                "{notebooks}").format(file=paths.report_kinds_file, kind=self.kind, notebooks=", ".join(missing)))
        return notebooks

    def report_dir(self, paths: ProjectPaths) -> Path:
        return paths.rollup_dir(self.year, self.key, self.kind)

    def parameters(self, extra: dict) -> dict:
        return {"level": self.level, "area": extra["name"], "year": self.year, **({"kind": self.kind} if self.kind else {})}

    def params_file(self, paths: ProjectPaths) -> Path:
        return paths.rollup_params_dir(self.year, self.kind) / f"{self.key}.yaml"  # named as found, before any check

    def inputs(self, paths: ProjectPaths, dataset: Dataset, result: Result) -> str:
        params_file = self.params_file(paths)
        if self.level not in rollup.LEVELS or not self.slug:
            raise TuphapError(_("{file}: name roll-up params <level>-<area>.yaml, with level province or district "
                                "(e.g. province-binh-phuoc.yaml)").format(file=params_file))
        rollup.check_level_in(self.level, self.year)  # a 2025 district roll-up is refused before its params are read
        result.extra = {"name": rollup.area_name(dataset, self.level, self.slug)}
        period = self.report_kind(paths).period.code
        params = load_params(paths.rollup_params_file(self.year, self.key, self.kind), RollupParams)
        area = rollup.find_area(dataset, self.level, self.slug, self.year, on=params.date)
        covered = area_coverage(dataset, area.units, self.year, period)
        result.extra = {"name": area.name, "communes": [u.slug for u in covered.covered],
                        "includes_sample": any(u.sample for u in covered.covered), "units": len(area.units),
                        "left_out": covered.ledger_records(paths.root)}
        load_rollup_rules(paths.rollup_rules_file, dataset.catalogue)
        if not covered.covered:
            raise TuphapError(_("no commune of {level} {area} has valid figures for {year} in {folder} ({units} unit(s): "
                                "{missing} without figures, {errors} with rows that cannot be read)").format(
                level=_(rollup.LEVEL_WORDS.get(self.level, self.level)), area=area.name, year=self.year,
                folder=paths.values_dir, units=len(area.units), missing=len(covered.without_figures),
                errors=len(covered.with_errors)))
        units = [u.slug for u in area.units]
        result.data_hash = fingerprint.rollup_data(paths, dataset, units, params_file, self.year, period, params.date)[:12]
        return fingerprint.rollup_inputs(paths, dataset, units, params_file, self.year, period, params.date)

    def document(self, paths: ProjectPaths, result: Result) -> Document:
        kind = self.report_kind(paths)
        params = load_params(paths.rollup_params_file(self.year, self.key, self.kind), RollupParams)
        words = rollup_words(result.extra["name"], params, self.year, len(result.extra["communes"]), kind.period)
        return Document(kind.rollup.title.format_map(words), kind.rollup.author.format_map(words), result.mode,
                        result.built_at, result.data_hash, self.key, self.year)
