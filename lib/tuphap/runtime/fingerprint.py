"""What a section's output depends on, reduced to one hash, so unchanged sections are not re-run.

A section depends on: its notebook's code (`notebook_code`: not what running or saving it in JupyterLab
changes, nor its notes for analysts); the unit's params and narrative for the year; the unit's rows in
the registry (every period, and the merger that formed it); the indicator catalogue and the validation
rules (the data-quality note and whether the report may be built at all depend on them); the unit's
values for the year and what it compares with (the year before, or after a merger its predecessors'
figures added up), and those of its rows that could not be read; the report kinds (titles and
authors); the package itself (its code, templates and stylesheet); and a forced font folder.
"""
from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from tuphap import __version__, fonts
from tuphap.compute import rollup
from tuphap.errors import DataError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.report_unit import report_day
from tuphap.project import ProjectPaths


def _sha(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()


def _file_bytes(path: Path) -> bytes:
    """The file's SHA-256, read in chunks: a file far over its size limit (limits.py) is hashed in
    bounded memory here, before its loader refuses it."""
    if not path.is_file():
        return b"<missing>"
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").digest()


@lru_cache(maxsize=1)
def package_digest() -> str:
    """The package's version and the contents of every source, template and style file."""
    root = files("tuphap")
    sources = sorted(p for p in Path(str(root)).rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css", ".json"})
    return _sha(__version__.encode(), *(str(p.relative_to(str(root))).encode() + p.read_bytes() for p in sources))


def report_inputs(paths: ProjectPaths, dataset: Dataset, unit: str, year: int, kind: str = "") -> str:
    """The hash of every input a report's sections share (everything but the notebooks)."""
    return _sha(package_digest().encode(), fonts_identity().encode(), _file_bytes(paths.report_kinds_file),
                report_data(paths, dataset, unit, year, kind).encode())


def fonts_identity() -> str:
    """Which font files the reports are set in: only a forced choice (TUPHAP_FONT_DIR) is known without
    reading every installed font, and a build must stay quick when nothing changed."""
    return os.environ.get(fonts.FONT_DIR_ENV, "")


def report_data(paths: ProjectPaths, dataset: Dataset, unit: str, year: int, kind: str = "") -> str:
    """The hash of the data a report says: its registry rows and lineage, figures of its kind's period
    (this year, and what it compares with: last year's, or its predecessors' after a merger) and which of
    them are estimates, params, narrative, the catalogue and the rules. The report's files name its first
    characters."""
    period = dataset.kinds[dataset.kinds.slug(kind)].period.code
    previous = rollup.previous_year(dataset, unit, year, period, on=report_day(paths, dataset.kinds, year, unit, kind))
    values = {str(year - 1): sorted(previous.values.items()), str(year): sorted(dataset.values_for(unit, year, period).items())}
    # Estimates and bad rows are hashed only where there are any, so that a report without them keeps its hash.
    estimates = sorted((y, i) for y in (year - 1, year) for i in dataset.estimates_for(unit, y, period))
    bad_rows = _bad_rows([*dataset.errors_for(unit, year, period), *previous.errors])
    return _sha(
        repr((dataset.units.periods[unit], previous.merger, previous.predecessors)).encode(),  # its state on any date
        _file_bytes(paths.indicators_file),
        _file_bytes(paths.rules_file),
        _file_bytes(paths.params_file(year, unit, kind)),
        _file_bytes(paths.narrative_file(year, unit, kind)),
        json.dumps(values).encode(),
        *([json.dumps(estimates).encode()] if estimates else []),
        *([bad_rows] if bad_rows else []),
    )


def _bad_rows(errors: list[DataError]) -> bytes:
    """Rows of the figures read that could not be read, each by its file's name, row, field and error: a
    roll-up names them, and one fixed must rebuild what read it, even when the figures left are the same."""
    return json.dumps([(Path(e.file).name, e.row, e.field, e.unit, e.message) for e in errors], ensure_ascii=False).encode()


def section_input(report_digest: str, notebook: Path) -> str:
    return _sha(report_digest.encode(), notebook_code(notebook))


def notebook_code(notebook: Path) -> bytes:
    """What of a section notebook reaches its report: its code cells, in order, each as its source and
    tags (page.py drops the cells and outputs tagged remove-cell and remove-output). Not outputs,
    execution counts, other metadata or Markdown cells (notes for analysts), and of the cell tagged
    `parameters` only the names it defines: the build passes every parameter (unit and year; level,
    area and year), so its defaults never reach a report. An analyst who picks another unit, runs the
    notebook and saves it in JupyterLab rebuilds nothing. Read as plain JSON, no validation, and once per
    process while the file's inode, size and modification time stay (every report reads every notebook)."""
    stat = notebook.stat()
    return _notebook_code(notebook, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _notebook_code(notebook: Path, inode: int, size: int, mtime_ns: int) -> bytes:
    raw = notebook.read_bytes()
    try:
        cells = json.loads(raw)["cells"]
        code = [(sorted(cell.get("metadata", {}).get("tags", [])), _source(cell))
                for cell in cells if cell["cell_type"] == "code"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return raw  # not a notebook: papermill will say so when it runs
    code = [(tags, _parameter_names(source) if "parameters" in tags else source) for tags, source in code]
    return json.dumps(code, ensure_ascii=False).encode()


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)  # nbformat allows a string or its lines


def _parameter_names(source: str) -> str:
    """A parameters cell without its default values: each assigned name; any other statement whole."""
    try:
        statements = ast.parse(source).body
    except SyntaxError:
        return source
    kept = []
    for statement in statements:
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else None
        if targets is not None and all(isinstance(target, ast.Name) for target in targets):
            kept.append(" = ".join(target.id for target in targets) + " = ...")
        else:
            kept.append(ast.unparse(statement))
    return "\n".join(kept)


def combined(section_digests: list[str]) -> str:
    return _sha(*(digest.encode() for digest in section_digests))


def rollup_inputs(paths: ProjectPaths, dataset: Dataset, units: list[str], params_file: Path, year: int,
                  period: str | None = None, on: dt.date | None = None) -> str:
    """The hash of every input a roll-up's notebooks share: the package, the fonts and its data."""
    return _sha(package_digest().encode(), fonts_identity().encode(), _file_bytes(paths.report_kinds_file),
                rollup_data(paths, dataset, units, params_file, year, period, on).encode())


def rollup_data(paths: ProjectPaths, dataset: Dataset, units: list[str], params_file: Path, year: int,
                period: str | None = None, on: dt.date | None = None) -> str:
    """The hash of a roll-up's data: its params, the roll-up rules, the catalogue, and the registry
    rows and values of its kind's period (this year and last, and which are estimates) of the area's communes
    (`on`: the roll-up's date, which decides what each commune compares with)."""
    previous = {unit: rollup.previous_year(dataset, unit, year, period, on=on) for unit in units}
    values = {unit: {str(year - 1): sorted(previous[unit].values.items()),
                     str(year): sorted(dataset.values_for(unit, year, period).items())} for unit in sorted(units)}
    # Estimates and bad rows are hashed only where there are any, so that a roll-up without them keeps its hash.
    estimates = sorted([*((unit, year - 1, i) for unit in units for i in previous[unit].estimates),
                        *((unit, year, i) for unit in units for i in dataset.estimates_for(unit, year, period))])
    bad_rows = _bad_rows([e for unit in sorted(units) for e in (*dataset.errors_for(unit, year, period), *previous[unit].errors)])
    return _sha(
        repr(sorted(repr(dataset.units.periods[unit]) for unit in units)).encode(),
        _file_bytes(paths.indicators_file),
        _file_bytes(paths.rollup_rules_file),
        _file_bytes(params_file),
        json.dumps(values).encode(),
        *([json.dumps(estimates).encode()] if estimates else []),
        *([bad_rows] if bad_rows else []),
    )
