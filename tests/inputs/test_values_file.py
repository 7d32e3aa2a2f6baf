"""Updating one unit's figures in a values file (what `tuphap ingest` writes), property-based."""
from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.values import load_values
from tuphap.inputs.values_file import updated_values_files
from tuphap.project import ProjectPaths

DATASET = Dataset.load(ProjectPaths(REPO))
FIGURES = {
    "count": st.integers(min_value=0, max_value=10**9).map(float),
    "number": st.integers(min_value=0, max_value=10**9).map(lambda n: n / 1000),  # three decimals: '1.1250'
    "percent": st.integers(min_value=0, max_value=1000).map(lambda n: n / 10),
    "flag": st.sampled_from([0.0, 1.0]),
    # One line of any text, commas and quotes included, as loading keeps it (NFC, trimmed).
    "text": st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80)
             .map(lambda text: unicodedata.normalize("NFC", text).strip()).filter(bool),
}
FORMS = st.fixed_dictionaries({}, optional={ind.id: st.none() | FIGURES[ind.type]
                                            for ind in DATASET.catalogue if not ind.derived})


def _table(folder: Path) -> dict[tuple, float | str]:
    table = load_values(folder, DATASET.units, DATASET.catalogue).table
    return {(row.unit, row.year, row.period, row.indicator): row.value for row in table.itertuples()}


# Each unit with a year in which it existed (the registry holds units of both sides of the 2025 reform).
UNIT_YEARS = [(unit, year) for unit in sorted(DATASET.units) for year in (2023, 2024, 2025)
              if DATASET.units.existed_in(unit, year)]


@settings(max_examples=40)
@given(unit_year=st.sampled_from(UNIT_YEARS), figures=FORMS)
def test_an_update_reads_back_and_leaves_every_other_row_alone(unit_year, figures):
    unit, year = unit_year
    contents, _ = updated_values_files(DATASET, [(unit, year, DATASET.kinds.default, figures, frozenset())])
    mine = f"{unit},{year},"
    for path, content in contents.items():
        if path.exists():
            old = path.read_text(encoding="utf-8").splitlines()
            new = content.decode("utf-8").splitlines()
            assert [line for line in new if not line.startswith(mine)] == [line for line in old if not line.startswith(mine)]
    expected = {**DATASET.values_for(unit, year), **{k: v for k, v in figures.items() if v is not None}}
    for indicator_id in [k for k, v in figures.items() if v is None]:
        expected.pop(indicator_id, None)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(REPO / "data" / "values", folder, dirs_exist_ok=True)
        for path, content in contents.items():
            (folder / path.name).write_bytes(content)
        after, before = _table(folder), _table(REPO / "data" / "values")
    # ingest writes the year's figures (period 'nam'); a six-month figure of the same unit and year stays
    assert {i: v for (u, y, p, i), v in after.items() if (u, y, p) == (unit, year, "nam")} == expected
    assert {k: v for k, v in after.items() if k[:3] != (unit, year, "nam")} == \
        {k: v for k, v in before.items() if k[:3] != (unit, year, "nam")}
