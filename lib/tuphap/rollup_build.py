"""Building roll-up reports: every params/<year>/rollup/<level>-<area>.yaml is one report, made by
the roll-up notebooks (notebooks/rollup/NN-*.ipynb) through the same papermill engine and assembly as
the commune reports, into outputs/<year>/_rollup/<level>-<area>/. Like a commune report, a roll-up
runs again only when its inputs changed: its notebooks, params, the roll-up rules, the catalogue, or
the registry rows and values of the area's communes.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from tuphap import fingerprint, rollup
from tuphap.build import DONE, REPORT_FILES, Document, SectionRecord, execute_section, section_reusable, write_report
from tuphap.config import ProjectPaths
from tuphap.errors import TuphapError
from tuphap.ledger import Ledger
from tuphap.loading import Dataset, load_params
from tuphap.rollup_section import RollupParams


@dataclass(frozen=True)
class RollupJob:
    level: str
    slug: str
    year: int

    @property
    def key(self) -> str:
        return f"{self.level}-{self.slug}"


def plan(paths: ProjectPaths, years: list[int]) -> list[RollupJob]:
    """Every roll-up with a params file for the given years: params/<year>/rollup/<level>-<area>.yaml."""
    jobs = []
    for year in years:
        for params_file in sorted(paths.rollup_params_dir(year).glob("*.yaml")):
            level, _, slug = params_file.stem.partition("-")
            jobs.append(RollupJob(level, slug, year))
    return jobs


@dataclass
class RollupResult:
    level: str
    slug: str
    year: int
    name: str = ""
    status: str = "failed"  # planned | built | reused | failed
    input_hash: str = ""
    duration: float = 0.0
    error: str | None = None
    communes: list[str] = field(default_factory=list)  # the units whose figures are added up
    includes_sample: bool = False  # sample (invented) communes are among them
    missing_markers: int = 0
    sections: dict[str, SectionRecord] = field(default_factory=dict)
    mode: str = "draft"
    data_hash: str = ""
    built_at: str = ""

    def as_ledger_entry(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        return f"{self.level} {self.name or self.slug}"

    @property
    def executed_sections(self) -> list[str]:
        return [name for name, record in self.sections.items() if record.status == "executed"]


def report_title(params: RollupParams, year: int) -> str:
    return f"Báo cáo tổng hợp công tác Tư pháp cấp xã năm {year} — {params.area_full}"


def plan_rollup(paths: ProjectPaths, job: RollupJob, *, previous: dict | None = None, force: bool = False,
                final: bool = False) -> RollupResult:
    """Check the roll-up's inputs and hash them; 'reused' when nothing needs doing. Cheap: no kernel runs."""
    result = RollupResult(job.level, job.slug, job.year, mode="final" if final else "draft")
    params_file = paths.rollup_params_dir(job.year) / f"{job.key}.yaml"
    try:
        if job.level not in rollup.LEVELS or not job.slug:
            raise TuphapError(f"{params_file}: name roll-up params <level>-<area>.yaml, with level "
                              f"{' or '.join(rollup.LEVELS)} (e.g. province-binh-phuoc.yaml)")
        dataset = Dataset.load(paths)
        area = rollup.find_area(dataset, job.level, job.slug, job.year)
        result.name = area.name
        load_params(paths.rollup_params_file(job.year, job.key), RollupParams)
        rollup.load_rules(paths.rollup_rules_file, dataset.catalogue)
        notebooks = paths.rollup_notebooks()
        if not notebooks:
            raise TuphapError(f"no roll-up notebooks (NN-name.ipynb) in {paths.rollup_notebooks_dir}")
        communes = [u for u in area.units if dataset.values_for(u.slug, job.year)]
        if not communes:
            raise TuphapError(f"no commune of {job.level} {area.name} has figures for {job.year} in {paths.values_dir}")
    except TuphapError as exc:
        result.error = str(exc)
        return result
    result.communes = [u.slug for u in communes]
    result.includes_sample = any(u.sample for u in communes)
    shared = fingerprint.rollup_inputs(paths, dataset, [u.slug for u in area.units], params_file, job.year)
    result.data_hash = fingerprint.rollup_data(paths, dataset, [u.slug for u in area.units], params_file, job.year)[:12]
    sections_dir = paths.rollup_dir(job.year, job.key) / "sections"
    for notebook in notebooks:
        record = SectionRecord(fingerprint.section_input(shared, notebook))
        if not force and section_reusable(previous, notebook.stem, record.input_hash, sections_dir / notebook.name):
            record.status = "reused"
        result.sections[notebook.stem] = record
    result.input_hash = fingerprint.combined([r.input_hash for r in result.sections.values()] + [result.mode])
    report_dir = paths.rollup_dir(job.year, job.key)
    previous = previous or {}
    if (all(r.status == "reused" for r in result.sections.values())
            and all((report_dir / name).is_file() for name in REPORT_FILES)
            and previous.get("input_hash") == result.input_hash and previous.get("status") in DONE + ("built",)):
        result.status, result.missing_markers = "reused", previous.get("missing_markers", 0)
        result.built_at = previous.get("built_at", "")
    else:
        result.status = "planned"
    return result


def build_rollup(paths: ProjectPaths, job: RollupJob, *, previous: dict | None = None, force: bool = False,
                 fresh_kernels: bool = False, final: bool = False) -> RollupResult:
    """Build (or reuse) one roll-up. User mistakes and failing notebooks come back in the result."""
    started = time.monotonic()
    result = plan_rollup(paths, job, previous=previous, force=force, final=final)
    if result.status == "planned":
        report_dir = paths.rollup_dir(job.year, job.key)
        parameters = {"level": job.level, "area": result.name, "year": job.year}
        try:
            for name, record in result.sections.items():
                if record.status == "reused":
                    continue
                execute_section(record, paths.rollup_notebooks_dir / f"{name}.ipynb",
                                report_dir / "sections" / f"{name}.ipynb", job.key, job.year, paths.root,
                                fresh_kernel=fresh_kernels, parameters=parameters)
            params = load_params(paths.rollup_params_file(job.year, job.key), RollupParams)
            result.built_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            document = Document(report_title(params, job.year), f"{params.issuer_unit} {params.area_full}", result.mode,
                                result.built_at, result.data_hash, job.key, job.year)
            result.missing_markers = write_report([report_dir / "sections" / f"{name}.ipynb" for name in result.sections],
                                                  document, report_dir, paths.root)
            result.status = "built"
        except TuphapError as exc:
            result.status, result.error = "failed", str(exc)
    result.duration = round(time.monotonic() - started, 3)
    return result


def run(paths: ProjectPaths, jobs: list[RollupJob], *, force: bool = False, fresh_kernels: bool = False,
        final: bool = False, on_result: Callable[[RollupResult], None] = lambda result: None) -> list[RollupResult]:
    """Build the roll-ups one after the other (there are few) and record them in the ledger."""
    ledger = Ledger.load(paths)
    results = []
    try:
        for job in jobs:
            try:
                result = build_rollup(paths, job, previous=ledger.rollup_entry(job.level, job.slug, job.year),
                                      force=force, fresh_kernels=fresh_kernels, final=final)
            except Exception as exc:  # a bug in one roll-up must not hide the others' results
                result = RollupResult(job.level, job.slug, job.year, error=f"internal error: {type(exc).__name__}: {exc}")
            ledger.record_rollup(result.as_ledger_entry())
            results.append(result)
            on_result(result)
    finally:
        ledger.save()
    return results
