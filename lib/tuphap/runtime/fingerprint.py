"""What a section's output depends on, reduced to one hash, so unchanged sections are not re-run.

A section depends on: its notebook; the unit's params and narrative for the year; the unit's row in
the registry; the indicator catalogue and the validation rules (the data-quality note and whether the
report may be built at all depend on them); the unit's values for the year and the year before (for
comparisons); the report kinds (titles and authors); the package itself (its code, templates and
stylesheet); and a forced font folder.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from tuphap import __version__, fonts
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths


def _sha(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()


def _file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b"<missing>"


@lru_cache(maxsize=1)
def package_digest() -> str:
    """The package's version and the contents of every source, template and style file."""
    root = files("tuphap")
    sources = sorted(p for p in Path(str(root)).rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css", ".json"})
    return _sha(__version__.encode(), *(str(p.relative_to(str(root))).encode() + p.read_bytes() for p in sources))


def report_inputs(paths: ProjectPaths, dataset: Dataset, unit: str, year: int) -> str:
    """The hash of every input a report's sections share (everything but the notebooks)."""
    return _sha(package_digest().encode(), fonts_identity().encode(), _file_bytes(paths.report_kinds_file),
                report_data(paths, dataset, unit, year).encode())


def fonts_identity() -> str:
    """Which font files the reports are set in: only a forced choice (TUPHAP_FONT_DIR) is known without
    reading every installed font, and a build must stay quick when nothing changed."""
    return os.environ.get(fonts.FONT_DIR_ENV, "")


def report_data(paths: ProjectPaths, dataset: Dataset, unit: str, year: int) -> str:
    """The hash of the data a report says: its registry row, figures (this year and last), params,
    narrative, the catalogue and the rules. The report's files name its first characters."""
    values = {str(y): sorted(dataset.values_for(unit, y).items()) for y in (year - 1, year)}
    return _sha(
        repr(dataset.unit(unit)).encode(),
        _file_bytes(paths.indicators_file),
        _file_bytes(paths.rules_file),
        _file_bytes(paths.params_file(year, unit)),
        _file_bytes(paths.narrative_file(year, unit)),
        json.dumps(values).encode(),
    )


def section_input(report_digest: str, notebook: Path) -> str:
    return _sha(report_digest.encode(), notebook.read_bytes())


def combined(section_digests: list[str]) -> str:
    return _sha(*(digest.encode() for digest in section_digests))


def rollup_inputs(paths: ProjectPaths, dataset: Dataset, units: list[str], params_file: Path, year: int) -> str:
    """The hash of every input a roll-up's notebooks share: the package, the fonts and its data."""
    return _sha(package_digest().encode(), fonts_identity().encode(), _file_bytes(paths.report_kinds_file),
                rollup_data(paths, dataset, units, params_file, year).encode())


def rollup_data(paths: ProjectPaths, dataset: Dataset, units: list[str], params_file: Path, year: int) -> str:
    """The hash of a roll-up's data: its params, the roll-up rules, the catalogue, and the registry
    rows and values (this year and last) of the area's communes."""
    values = {unit: {str(y): sorted(dataset.values_for(unit, y).items()) for y in (year - 1, year)} for unit in sorted(units)}
    return _sha(
        repr(sorted(repr(dataset.unit(unit)) for unit in units)).encode(),
        _file_bytes(paths.indicators_file),
        _file_bytes(paths.rollup_rules_file),
        _file_bytes(params_file),
        json.dumps(values).encode(),
    )
