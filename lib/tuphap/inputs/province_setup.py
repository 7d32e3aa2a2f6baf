"""`tuphap init`: a project set up for one province and year from the official registry.

Planned first, written after: the province's units on the year's last day go into data/units.csv with their
official codes (for a year from 2025, with the old units they were formed from, until 30/6/2025, and each
merger into data/lineage.csv), then each unit gets params and a narrative file (every block its notebooks show,
empty) for every report kind of the year, the province params for each kind's roll-up, from the templates in
templates/setup/, and params/submissions.yaml the due dates given. What is already there is kept: a unit already in data/units.csv (found by its code, or by its name
and era when it has no code yet, which it then gains), a merger already listed, a params or narrative file, a due date. So
running it twice writes nothing the second time. The Excel forms are made by the command (cli/registry.py),
which alone may compute what a form compares with.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from tuphap.atomic import write_atomically
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.official_registry import (LAST_OLD_DAY, REFORM_DAY, OfficialRegistry, OfficialUnit, Province,
                                             same_name, slugify)
from tuphap.inputs.narrative import narrative_keys
from tuphap.inputs.registry import Unit
from tuphap.inputs.registry_check import official_era
from tuphap.inputs.report_kinds import ReportKinds
from tuphap.inputs.submissions import load_due_dates
from tuphap.inputs.tables import read_table
from tuphap.project import ProjectPaths, check_slug, check_year

UNIT_COLUMNS = ("slug", "code", "kind", "name", "hamlet_kind", "district", "province", "sample", "valid_from",
                "valid_to", "source")
LINEAGE_COLUMNS = ("unit", "formed_from", "resolution", "effective", "part")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "setup"


@dataclass
class SetupPlan:
    """What `tuphap init` will write, and what it keeps."""
    province: Province
    year: int
    units: list[dict[str, str]]  # every row of data/units.csv as it will be
    added: list[dict[str, str]] = field(default_factory=list)  # the rows it adds
    coded: list[dict[str, str]] = field(default_factory=list)  # rows already there that gain their code
    lineage: list[dict[str, str]] = field(default_factory=list)  # every row of data/lineage.csv as it will be
    lineage_added: int = 0
    params: dict[Path, str] = field(default_factory=dict)  # params files to write (none exists yet)
    params_kept: list[Path] = field(default_factory=list)
    narratives: dict[Path, str] = field(default_factory=dict)  # narrative files to write (none exists yet)
    due_text: str | None = None  # params/submissions.yaml as it will be; None: unchanged
    due_added: dict[str, dt.date] = field(default_factory=dict)
    unit_slugs: list[str] = field(default_factory=list)  # the province's units of the year, in official order

    @property
    def changes(self) -> bool:
        return bool(self.added or self.coded or self.lineage_added or self.params or self.narratives
                    or self.due_text is not None)


def _raw_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return [{k: v for k, v in row.items() if k != "_row"} for row in read_table(path, required, optional)]


def _hamlet_words() -> dict:
    return yaml.safe_load((TEMPLATES / "hamlet_kinds.yaml").read_text(encoding="utf-8"))


def _hamlet_kind(words: dict, unit: OfficialUnit) -> str:
    by_province = next((kinds for province, kinds in (words.get("provinces") or {}).items()
                        if same_name(province, unit.province)), {})
    return by_province.get(unit.kind) or words["default"][unit.kind]


class _Slugs:
    """Slugs for new rows: the name's, or made unique with the district, the kind or the code. A unit of the
    new era takes the slug of the old unit of the same code and name (xã Tân Khai continues thị trấn Tân Khai),
    unless that old unit was divided: then it is a predecessor of other units too, and must end."""

    def __init__(self, rows: list[dict[str, str]], divided: set[str]):
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.divided = divided
        for row in rows:
            self.add(row)

    def add(self, row: dict[str, str]) -> None:
        self.rows.setdefault(row["slug"], []).append(row)

    def for_unit(self, unit: OfficialUnit, era: dt.date) -> str:
        base = slugify(unit.name)
        candidates = [base, *([f"{base}-{slugify(unit.district)}"] if unit.district else []),
                      f"{slugify(unit.kind)}-{base}", f"{base}-{unit.code}",
                      f"{base}-{unit.code}-{'moi' if era >= REFORM_DAY else 'cu'}"]
        for slug in candidates:
            try:
                check_slug(slug)  # not a name a file system reserves ('con'), nor too long
            except TuphapError:
                continue
            taken = self.rows.get(slug, [])
            if all(_continues(row, unit, era) and unit.code not in self.divided for row in taken):
                return slug
        raise TuphapError(_("no free slug for {unit} (code {code})").format(unit=unit.full_name, code=unit.code))


def _continues(row: dict[str, str], unit: OfficialUnit, era: dt.date) -> bool:
    """Whether a new-era unit may share the slug of this old row: the same code and name, the other era."""
    return (era >= REFORM_DAY and row.get("code") == unit.code and same_name(row["name"], unit.name)
            and row.get("valid_to") == LAST_OLD_DAY.isoformat())


def _row_era(row: dict[str, str]) -> dt.date | None:
    def day(text: str) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None
    return official_era(Unit(row["slug"], row.get("code", ""), row["kind"], row["name"], "", row.get("district", ""),
                             row["province"], False, day(row.get("valid_from", "")), day(row.get("valid_to", ""))))


def _unit_row(unit: OfficialUnit, era: dt.date, slug: str, hamlet_kind: str, source: str) -> dict[str, str]:
    return {"slug": slug, "code": unit.code, "kind": unit.kind, "name": unit.name, "hamlet_kind": hamlet_kind,
            "district": unit.district, "province": unit.province, "sample": "no",
            "valid_from": REFORM_DAY.isoformat() if era >= REFORM_DAY else "",
            "valid_to": LAST_OLD_DAY.isoformat() if era < REFORM_DAY else "", "source": source}


def _place(rows: list[dict[str, str]], official: OfficialRegistry, units: list[OfficialUnit], era: dt.date,
           slugs: _Slugs, plan: SetupPlan) -> dict[str, str]:
    """Each official unit's row in `rows` (found or added); returns {code: slug}."""
    words = _hamlet_words()
    in_era = [row for row in rows if _row_era(row) == era]
    by_code = {row["code"]: row for row in in_era if row.get("code")}
    uncoded = [row for row in in_era if not row.get("code")]
    found: dict[str, str] = {}
    for unit in units:
        row = by_code.get(unit.code)
        if row is None:  # a row typed before the unit had its code: the same unit by name, kind and place
            row = next((r for r in uncoded if same_name(r["name"], unit.name) and same_name(r["kind"], unit.kind)
                        and same_name(r["province"], unit.province) and same_name(r.get("district", ""), unit.district)),
                       None)
            if row is not None:
                uncoded.remove(row)
                row.update(code=unit.code, source=official.source)
                plan.coded.append(row)
        if row is None:
            row = _unit_row(unit, era, slugs.for_unit(unit, era), _hamlet_kind(words, unit), official.source)
            rows.append(row)
            slugs.add(row)
            plan.added.append(row)
        by_code[unit.code] = row
        found[unit.code] = row["slug"]
    return found


def _quoted(text: str) -> str:
    """A YAML scalar for a template: the text quoted so that any name reads back as itself."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=10_000).strip()


_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                                  keep_trailing_newline=True, autoescape=False)
_ENVIRONMENT.filters["yaml"] = _quoted


def _subject(title: str, year: int) -> str:
    """What a kind's title says the report is about, as a request names it: 'Báo cáo tổng kết công tác Tư pháp
    năm {year} — {unit_full}' -> 'báo cáo tổng kết công tác Tư pháp năm 2025'."""
    subject = title.split(" — ")[0]
    for word, value in (("year", year), ("next_year", year + 1), ("prev_year", year - 1)):
        subject = subject.replace(f"{{{word}}}", str(value))
    return subject[:1].lower() + subject[1:]


def plan_setup(paths: ProjectPaths, official: OfficialRegistry, kinds: ReportKinds, province_wanted: str, year: int,
               *, due: dict[str, dt.date] | None = None, resolution: str = "", registry_only: bool = False) -> SetupPlan:
    year = check_year(year)
    day = dt.date(year, 12, 31)
    province = official.find_province(province_wanted, day)
    units = official.units_of(province, day)
    era = REFORM_DAY if day >= REFORM_DAY else LAST_OLD_DAY
    rows = _raw_rows(paths.units_file, ("slug", "kind", "name", "province"), UNIT_COLUMNS[1:])
    plan = SetupPlan(province, year, rows)
    slugs = _Slugs(rows, {p.code for predecessors in official.formed_from.values() for p in predecessors if not p.whole})
    if era >= REFORM_DAY:  # the old units first, so that a new unit can continue one's slug
        predecessors = sorted({p.code: official.old[p.code] for u in units for p in official.formed_from.get(u.code, ())}
                              .values(), key=lambda u: u.code)
        old_slugs = _place(rows, official, predecessors, LAST_OLD_DAY, slugs, plan)
    new_slugs = _place(rows, official, units, era, slugs, plan)
    plan.unit_slugs = [new_slugs[u.code] for u in units]
    plan.lineage = _raw_rows(paths.lineage_file, LINEAGE_COLUMNS[:4], LINEAGE_COLUMNS[4:])
    if era >= REFORM_DAY:
        merged = {row["unit"] for row in plan.lineage if row.get("effective") == REFORM_DAY.isoformat()}
        for unit in units:
            slug = new_slugs[unit.code]
            if slug in merged:
                continue  # the project's own rows stand (data/units.csv's check holds them to the official list)
            for predecessor in official.formed_from.get(unit.code, ()):
                plan.lineage.append({"unit": slug, "formed_from": old_slugs[predecessor.code], "resolution": resolution,
                                     "effective": REFORM_DAY.isoformat(), "part": "" if predecessor.whole else "yes"})
                plan.lineage_added += 1
    if not registry_only:
        _plan_params(paths, kinds, plan, units, new_slugs, due or {})
        _plan_due_dates(paths, kinds, plan, due or {})
    return plan


def _report_date(kinds: ReportKinds, kind: str, year: int, due: dict[str, dt.date]) -> dt.date:
    """The draft's date: the due date given, else the end of the kind's period, and never before the
    reform for a unit of the new era (a six-month report of 2025 is the new unit's, dated in July)."""
    date = due.get(kind) or kinds[kind].period.day("end", year)
    return max(date, REFORM_DAY) if year >= REFORM_DAY.year else date


def _plan_params(paths: ProjectPaths, kinds: ReportKinds, plan: SetupPlan, units: list[OfficialUnit],
                 slugs: dict[str, str], due: dict[str, dt.date]) -> None:
    province = plan.province
    area = province.full_name[:1].lower() + province.full_name[1:]  # "tỉnh Đồng Nai", as inside a sentence
    for kind_slug, kind in kinds.kinds.items():
        folder = kinds.folder(kind_slug)
        words = {"year": plan.year, "kind_name": kind.name, "area_full": area,
                 "date": _report_date(kinds, kind_slug, plan.year, due).isoformat()}
        template = _ENVIRONMENT.get_template("params.yaml.j2")
        blocks = narrative_keys(paths.section_notebooks(folder, kind.sections))
        for unit in units:
            target = paths.params_file(plan.year, slugs[unit.code], folder)
            if target.exists():
                plan.params_kept.append(target)
            else:
                plan.params[target] = template.render(**words, unit_full=unit.full_name, place=unit.name,
                                                      subject=_subject(kind.title, plan.year))
            narrative = paths.narrative_file(plan.year, slugs[unit.code], folder)
            if not narrative.exists():
                plan.narratives[narrative] = _ENVIRONMENT.get_template("narrative.md.j2").render(
                    **words, unit_full=unit.full_name, blocks=blocks)
        if kind.rollup is not None:
            target = paths.rollup_params_file(plan.year, f"province-{province.slug}", folder)
            if target.exists():
                plan.params_kept.append(target)
            else:
                plan.params[target] = _ENVIRONMENT.get_template("rollup.yaml.j2").render(
                    **words, place=province.name, subject=_subject(kind.rollup.title, plan.year))


def _plan_due_dates(paths: ProjectPaths, kinds: ReportKinds, plan: SetupPlan, due: dict[str, dt.date]) -> None:
    """Due dates the file lacks go in; one it has stays, and a different one asked for is an error."""
    if not due:
        return
    known = load_due_dates(paths.due_dates_file, kinds)
    text = paths.due_dates_file.read_text(encoding="utf-8") if paths.due_dates_file.exists() else ""
    for kind, day in due.items():
        kinds[kind]  # an unknown kind names the nearest
        had = known.get((plan.year, kind))
        if had == day:
            continue
        if had is not None:
            raise TuphapError(_("{file} already gives {kind} of {year} the due date {had}; change it there if {day} "
                                "is right").format(file=paths.due_dates_file, kind=kind, year=plan.year,
                                                   had=had.isoformat(), day=day.isoformat()))
        line = f"  {kind}: {day.isoformat()}\n"
        year_line = re.search(rf"^{plan.year}:[ \t]*(#.*)?\n", text, re.MULTILINE)
        if year_line:
            text = text[:year_line.end()] + line + text[year_line.end():]
        else:
            text += ("" if not text or text.endswith("\n") else "\n") + f"{plan.year}:\n{line}"
        plan.due_added[kind] = day
    if plan.due_added:
        plan.due_text = text


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({column: row.get(column, "") for column in columns} for row in rows)
    return buffer.getvalue().encode("utf-8")


def apply_setup(paths: ProjectPaths, plan: SetupPlan) -> None:
    """Write what the plan changes, each file atomically; params files only where none exists."""
    if plan.added or plan.coded:
        write_atomically(paths.units_file, _csv(plan.units, UNIT_COLUMNS))
    if plan.lineage_added:
        write_atomically(paths.lineage_file, _csv(plan.lineage, LINEAGE_COLUMNS))
    for target, text in {**plan.params, **plan.narratives}.items():
        write_atomically(target, text.encode("utf-8"))
    if plan.due_text is not None:
        write_atomically(paths.due_dates_file, plan.due_text.encode("utf-8"))
