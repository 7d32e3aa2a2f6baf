"""Updating one unit's figures in a values file (what `tuphap ingest` writes), property-based."""
from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import example, given, settings
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


# The units with the years they existed in: figures of a unit for a year without it do not load.
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


def _units_of_a_year(year: int):
    return st.lists(st.sampled_from([unit for unit, existed in UNIT_YEARS if existed == year]), min_size=2, max_size=3,
                    unique=True).map(lambda units: (year, units))


@settings(max_examples=5)
@given(year_units=st.sampled_from([2024, 2025]).flatmap(_units_of_a_year), figures=st.lists(FORMS, min_size=3, max_size=3))
@example(year_units=(2025, ["an-phu-mau", "hoa-binh-mau", "tan-hiep"]),  # none has a row in 2025.csv: all at its end
         figures=[{"ho_tich.tong": 1.0}, {"ho_tich.tong": 2.0}, {"ho_tich.tong": 3.0}])
def test_several_units_in_one_pass_write_what_one_after_another_would(year_units, figures):
    """An ingest of a province's forms rewrites each values file once: the same bytes, and the same counts of
    what changed, as updating the units one after the other."""
    year, units = year_units
    reports = [(unit, year, DATASET.kinds.default, unit_figures, frozenset()) for unit, unit_figures in zip(units, figures)]
    together, updates = updated_values_files(DATASET, reports)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for folder in ("data", "params"):
            shutil.copytree(REPO / folder, root / folder)
        for report, expected in zip(reports, updates):
            contents, [update] = updated_values_files(Dataset.load(ProjectPaths(root)), [report])
            for path, content in contents.items():
                path.write_bytes(content)
            assert (update.changed, update.added, update.cleared, update.unchanged) == (
                expected.changed, expected.added, expected.cleared, expected.unchanged)
        for path, content in together.items():
            assert (root / "data" / "values" / path.name).read_bytes() == content
