"""What changed between two readings of a report's inputs, and which sections of the live preview that
re-runs.

A live preview (runtime/preview.py) reads the report's inputs again on each change and compares them with
those its sections were made from; it re-runs:
- every section, when the params, the unit's registry rows (its predecessors' too), the indicator
  catalogue or its report kind's entry (period, recipients, sections; not its title) changed;
- a section whose notebook changed (a new one too), and one that failed (it is re-run on any change);
- a section that read a narrative block whose text changed (appeared, went), a figure whose value
  or estimate mark changed (appeared, went), or asked whether a year had any figure, or any estimate,
  when that answer changed. Figures are those of the report kind's period; for the year before, those
  the report compares with (a merged unit's: its predecessors' added up, render/commune.py);
- a section that read `everything` (the data-quality note of section 00: validation reads every
  figure and the whole narrative; or a notebook the static check below cannot vouch for) when any
  input other than the notebooks changed.
Reads are recorded as the cells run, not guessed from their text, so they follow every branch the
code took; the static check only vouches that a notebook reads its inputs through the recorded calls
and nothing else (render/preview.RECORDED_METHODS, literal arguments). When in doubt, it re-runs.
"""
from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tuphap.compute import rollup
from tuphap.inputs.dataset import Dataset, data_digest
from tuphap.inputs.narrative import load_narrative
from tuphap.inputs.params import load_params
from tuphap.inputs.report_unit import report_day
from tuphap.project import ProjectPaths
from tuphap.render.preview import RECORDED_METHODS, Reads
from tuphap.runtime.targets import CommuneTarget


# -- which notebooks the recorded reads can speak for ------------------------------------------------
def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def analysable(sources: list[str]) -> bool:
    """Whether a section notebook's code cells read the report's inputs only through recorded calls:
    literal parameters, `import tuphap`, `<name> = tuphap.open_section(unit, year)` (with `kind=kind` in a
    report kind's notebooks), then only
    `<name>.<recorded method>(<literals>)`. Anything else (own code, magics, other objects, another
    unit or year) cannot be vouched for, and its section is re-run on every change."""
    reports: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics, or a cell that cannot run
            return False
        for statement in tree.body:
            if isinstance(statement, ast.Import) and [a.name for a in statement.names] == ["tuphap"] \
                    and statement.names[0].asname is None:
                continue
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                value = statement.value
                if _literal(value) and statement.targets[0].id not in reports:
                    continue  # a parameter
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                        and isinstance(value.func.value, ast.Name) and value.func.value.id == "tuphap" \
                        and value.func.attr == "open_section" \
                        and [getattr(a, "id", None) for a in value.args] == ["unit", "year"] \
                        and [(k.arg, getattr(k.value, "id", None)) for k in value.keywords] in ([], [("kind", "kind")]):
                    reports.add(statement.targets[0].id)
                    continue
                return False
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                call = statement.value
                if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
                        and call.func.value.id in reports and call.func.attr in RECORDED_METHODS \
                        and all(_literal(a) for a in call.args) \
                        and all(k.arg is not None and _literal(k.value) for k in call.keywords):
                    continue
            return False
    return True


# -- the report's inputs, and what changed between two readings --------------------------------------
@dataclass(frozen=True)
class Inputs:
    """What one report is made of, as the preview compares it."""
    narrative: Mapping[str, str]  # block key -> text
    narrative_source: bytes  # the whole file (the data-quality note names its lines)
    values: Mapping[int, Mapping[str, float | str]]  # the unit's figures of the report's period, by year
    estimates: Mapping[int, frozenset[str]]  # which of them are estimates, by year
    data: str  # every shared data file (the data-quality note names their rows)
    unit_row: str
    catalogue: bytes
    params: bytes
    rules: bytes
    report_kinds: bytes
    kind_rule: str  # the report's kind but its title, author and name: its period, recipients, sections
    notebooks: Mapping[str, bytes]  # section name -> its notebook, in report order


def _bytes(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def read_inputs(paths: ProjectPaths, unit: str, year: int, kind: str = "") -> Inputs:
    """The report's inputs now (`kind`: its kind's folder, '' for the default kind), read and checked as a
    build reads them; a file that cannot be read raises TuphapError (naming the file)."""
    dataset = Dataset.load(paths)  # reloaded only when a data file changed (data_digest)
    dataset.unit(unit)
    report_kind = dataset.kinds[dataset.kinds.slug(kind)]
    period = report_kind.period.code
    # What it compares with: last year's figures of its period, or a merged unit's predecessors' added up.
    day = report_day(paths, dataset.kinds, year, unit, kind)
    rollup.refuse_unreadable(rollup.unreadable_rows(dataset, unit, year, period, on=day))
    previous = rollup.previous_year(dataset, unit, year, period, on=day)
    unit_row = repr((dataset.units.periods[unit], dataset.units.mergers.get(unit), previous.predecessors))
    years = sorted({int(y) for u, y in zip(dataset.values["unit"], dataset.values["year"]) if u == unit})
    values = {y: dataset.values_for(unit, y, period) for y in years}
    estimates = {y: dataset.estimates_for(unit, y, period) for y in years}
    if previous.values or year - 1 in values:
        values[year - 1], estimates[year - 1] = previous.values, frozenset(previous.estimates)
    narrative_file, params_file = paths.narrative_file(year, unit, kind), paths.params_file(year, unit, kind)
    narrative = {key: block.text for key, block in load_narrative(narrative_file).items()}
    load_params(params_file)
    notebooks = CommuneTarget(unit, year, kind).notebooks(paths)
    return Inputs(
        narrative=narrative, narrative_source=_bytes(narrative_file),
        values=values, estimates=estimates, data=data_digest(paths), unit_row=unit_row,
        catalogue=_bytes(paths.indicators_file), params=_bytes(params_file), rules=_bytes(paths.rules_file),
        report_kinds=_bytes(paths.report_kinds_file),
        kind_rule=repr(report_kind.model_dump(exclude={"title", "author", "name"})),
        notebooks={nb.stem: nb.read_bytes() for nb in notebooks},
    )


@dataclass(frozen=True)
class Change:
    """What differs between two readings of a report's inputs."""
    narrative: frozenset[str] = frozenset()  # block keys whose text changed, appeared or went
    values: frozenset[tuple[int, str]] = frozenset()  # (year, indicator) whose value changed, appeared or went
    any_values: frozenset[int] = frozenset()  # years that got their first figure or lost their last
    any_estimates: frozenset[int] = frozenset()  # years that got their first estimate or lost their last
    notebooks: frozenset[str] = frozenset()  # sections whose notebook changed or appeared
    every_section: bool = False  # the params, the registry rows, the catalogue or the report's kind
    data: bool = False  # any input but the notebooks and report kinds (for sections that read everything)
    document: bool = False  # the report kinds: the page's title and author

    @property
    def empty(self) -> bool:
        return not (self.notebooks or self.every_section or self.data or self.document)


def compare(before: Inputs | None, after: Inputs) -> Change:
    """What changed from `before` to `after` (everything, when there was no reading before)."""
    if before is None:
        return Change(notebooks=frozenset(after.notebooks), every_section=True, data=True, document=True)
    keys = set(before.narrative) | set(after.narrative)
    narrative = frozenset(k for k in keys if before.narrative.get(k) != after.narrative.get(k))
    values = set()
    for year in set(before.values) | set(after.values):
        old, new = before.values.get(year, {}), after.values.get(year, {})
        values |= {(year, i) for i in set(old) | set(new) if old.get(i) != new.get(i)}
        # a figure that became an estimate, or actual: its mark (*) comes or goes
        values |= {(year, i) for i in before.estimates.get(year, frozenset()) ^ after.estimates.get(year, frozenset())}
    any_values = frozenset(y for y in set(before.values) | set(after.values)
                           if bool(before.values.get(y)) != bool(after.values.get(y)))
    any_estimates = frozenset(y for y in set(before.estimates) | set(after.estimates)
                              if bool(before.estimates.get(y)) != bool(after.estimates.get(y)))
    notebooks = frozenset(name for name, source in after.notebooks.items()
                          if _what_runs(before.notebooks.get(name)) != _what_runs(source))
    every_section = (before.params, before.unit_row, before.catalogue, before.kind_rule) != \
        (after.params, after.unit_row, after.catalogue, after.kind_rule)
    data = every_section or bool(narrative or values) or (before.narrative_source, before.data, before.rules) != \
        (after.narrative_source, after.data, after.rules)
    return Change(narrative, frozenset(values), any_values, any_estimates, notebooks, every_section, data,
                  before.report_kinds != after.report_kinds)


@lru_cache(maxsize=128)
def _what_runs(source: bytes | None) -> object:
    """What of a notebook file makes its section: its code cells with their tags (remove-cell…), not its
    outputs, metadata or Markdown notes, so that saving it from JupyterLab after a run re-runs nothing.
    A file that cannot be read as a notebook (half saved) counts as it is."""
    if source is None:
        return None
    try:
        cells = json.loads(source)["cells"]
        return tuple((cell.get("cell_type"), "".join(cell.get("source", "")),
                      tuple(cell.get("metadata", {}).get("tags", ()))) for cell in cells if cell.get("cell_type") == "code")
    except (ValueError, KeyError, TypeError, AttributeError):
        return source


def to_rerun(change: Change, reads: Mapping[str, Reads | None], sections: list[str]) -> list[str]:
    """The sections, in report order, that `change` may have changed. `reads` holds what each read
    when it last ran: None when it failed (or never ran), which re-runs it on any change."""
    def affected(name: str) -> bool:
        read = reads.get(name)
        if read is None:
            return not change.empty
        if name in change.notebooks or change.every_section:
            return True
        if read.everything:
            return change.data
        return bool(read.narrative & change.narrative or read.values & change.values
                    or read.any_values & change.any_values or read.any_estimates & change.any_estimates)

    return [name for name in sections if affected(name)]
