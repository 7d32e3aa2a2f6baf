"""The bad input corpus (tests/bad_input/, see its README): each case of issue 4 point 4 gets a clear
message, never a traceback, and data, params and outputs are unchanged afterwards."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.conftest import BAD_INPUT, REPO, form_cells, run_tuphap, tree_digest
from tuphap.compute.figures import Figures
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.params import load_params
from tuphap.inputs.registry import load_units
from tuphap.project import ProjectPaths

BUILD = ("build", "--unit", "tan-khai", "--year", "2024")


def use(project: Path, corpus_file: str, target: str) -> Path:
    path = project / target
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BAD_INPUT / corpus_file, path)
    return path


def fails_cleanly(project: Path, *args: str) -> str:
    """Run a tuphap command that must fail on the user's input; return its error output."""
    before = tree_digest(project)
    result = run_tuphap(*args, root=project)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    assert tree_digest(project) == before, "the command changed data, params or outputs"
    return " ".join(result.stderr.split())


# -- encodings and Unicode -------------------------------------------------------------------------

@pytest.mark.parametrize("corpus_file", ["units-utf8-bom.csv", "units-utf16.csv", "units-cp1258.csv", "units-nfd.csv"])
def test_units_file_in_any_windows_encoding_or_decomposed_reads_the_same(project, corpus_file):
    path = use(project, corpus_file, "data/units.csv")
    assert load_units(path) == load_units(REPO / "data" / "units.csv")


def test_a_windows_1258_file_reaches_the_form_in_composed_unicode(project, tmp_path):
    use(project, "units-cp1258.csv", "data/units.csv")
    result = run_tuphap("form", "--year", "2024", "--unit", "an-phu-mau", "--output-dir", str(tmp_path), root=project)
    assert result.returncode == 0, result.stderr
    name = load_workbook(tmp_path / "an-phu-mau.xlsx")["II.1"]["A2"].value
    assert name == unicodedata.normalize("NFC", "Xã An Phú (mẫu)")


@pytest.mark.parametrize("corpus_file, message", [
    ("units-utf16-no-bom.csv", "cannot tell its text encoding (it looks like UTF-16 without a byte-order mark)"),
    ("units-tcvn3.csv", "cannot tell its text encoding: it is neither UTF-8 nor Vietnamese Windows-1258; save it as CSV UTF-8"),
])
def test_an_encoding_that_cannot_be_told_is_explained(project, corpus_file, message):
    path = use(project, corpus_file, "data/units.csv")
    assert f"{path}: {message}" in fails_cleanly(project, *BUILD)


def test_decomposed_params_are_read_composed(project):
    path = use(project, "params-nfd.yaml", "params/2024/tan-khai.yaml")
    params = load_params(path)
    assert params.place == unicodedata.normalize("NFC", "Tân Khai")
    assert params.signer.name == unicodedata.normalize("NFC", "Lê Viết Truyền")


# -- numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("corpus_file, expected", [
    ("values-dot-grouping.csv", {"ho_tich.tong": 1733, "hoa_giai.tiep_nhan": 15}),
    ("values-space-grouping.csv", {"ho_tich.tong": 1733, "pbgdpl.luot_nguoi": 3850}),
])
def test_thousands_grouped_the_vietnamese_way_are_read(project, corpus_file, expected):
    use(project, corpus_file, "data/values/2025.csv")
    assert Dataset.load(ProjectPaths(project)).values_for("tan-khai", 2025) == expected


@pytest.mark.parametrize("corpus_file, message", [
    ("values-decimal-comma-count.csv", "ho_tich.tong: '1,733' is not a whole number, and this indicator counts things "
                                       "(',' is the decimal mark in Vietnamese, so '1,733' is not 1733)"),
    ("values-text.csv", "ho_tich.tong: 'mười' is not a number"),
    ("values-formula.csv", "ho_tich.tong: '=SUM(1;2)' is not a number"),
])
def test_a_figure_that_cannot_be_read_is_rejected_naming_file_row_field_and_unit(project, corpus_file, message):
    path = use(project, corpus_file, "data/values/2025.csv")  # the 2025 year report's figures
    errors = fails_cleanly(project, "build", "--unit", "tan-khai", "--year", "2025", "--kind", "nam")
    assert f"{path}, row 2, field 'value', unit tan-khai: {message}" in errors


def test_an_empty_cell_is_not_reported_and_zero_is_zero(project):
    use(project, "values-empty-and-zero.csv", "data/values/2025.csv")
    dataset = Dataset.load(ProjectPaths(project))
    figures = Figures(dataset.catalogue, dataset.values_for("tan-khai", 2025))
    assert not figures.has("ho_tich.tong")
    assert figures.value("tcd.don_khieu_nai_to_cao") == 0 and figures.format("tcd.don_khieu_nai_to_cao") == "0"


# -- Excel ---------------------------------------------------------------------------------------

def test_formula_injection_text_in_a_form_cell_is_not_a_figure(project):
    assert run_tuphap("form", "--year", "2024", "--unit", "tan-khai", root=project).returncode == 0
    form = project / "outputs" / "forms" / "2024" / "tan-khai.xlsx"
    book = load_workbook(form)
    typed = {"ho_tich.tong": "=1+2", "ho_tich.khai_sinh": "@SUM(D6)", "ho_tich.ket_hon": "+7",
             "hoa_giai.thanh": "=HYPERLINK(\"http://x.invalid\",\"9\")"}
    for indicator_id, text in typed.items():
        cell = form_cells(book, indicator_id)[1]
        cell.value, cell.data_type = text, "s"  # typed as text ('=...), not as a formula
    book.save(form)
    errors = fails_cleanly(project, "ingest", str(form))
    for indicator_id, text in typed.items():
        assert f"({indicator_id}): {text!r} is not a number" in errors


# -- HTML and script -----------------------------------------------------------------------------

def test_html_and_script_in_names_and_narrative_never_reach_the_page_as_markup(form_round_trip):
    """Escaped by the notebook API, then refused by the document check: a report showing markup as
    text is not written, and the build names what it found."""
    build = (form_round_trip / "hostile-build.txt").read_text(encoding="utf-8")
    assert "rule doc_markup" in build and '<SCRIPT>ALERT("X")</SCRIPT>' in build  # the header's capitals
    assert "HTML markup shown as text (<script)" in build  # the narrative's
    outputs = [output.data["text/html"] for notebook in sorted((form_round_trip / "hostile-sections").glob("*.ipynb"))
               for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"
               for output in cell.outputs if "text/html" in output.get("data", {})]
    soup = BeautifulSoup("".join(outputs), "html.parser")
    assert not soup.find_all(["script", "iframe", "object", "embed"])
    assert not soup.find_all("img", src="x")
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
        for name in ("href", "src"):
            assert not str(tag.get(name, "")).lower().startswith("javascript:"), tag
    text = soup.get_text(" ")
    assert 'UBND xã An Phú <script>alert("x")</script>' in text  # shown as the text it is
    assert "<img src=x onerror=alert(1)>" in text and "[liên kết](javascript:alert(2))" in text


# -- params --------------------------------------------------------------------------------------

@pytest.mark.parametrize("corpus_file, message", [
    ("params-unknown-key.yaml", "field 'signatory': Extra inputs are not permitted"),
    ("params-wrong-type.yaml", "field 'date': Input should be a valid date"),
    ("params-python-tag.yaml", "not valid YAML: could not determine a constructor for the tag "
                               "'tag:yaml.org,2002:python/object/apply:os.system'"),
])
def test_bad_params_are_rejected_naming_the_key(project, corpus_file, message, tmp_path, monkeypatch):
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    path = use(project, corpus_file, "params/2024/tan-khai.yaml")
    errors = fails_cleanly(project, *BUILD)
    assert f"{path}" in errors and message in errors
    assert not list(workdir.iterdir()) and not (project / "pwned").exists()  # the tag ran nothing


# -- unit slugs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("corpus_file, slug", [
    ("units-slug-slash.csv", "tan/khai"), ("units-slug-backslash.csv", "tan\\khai"), ("units-slug-dotdot.csv", ".."),
])
def test_unsafe_slugs_in_the_registry_are_rejected(project, corpus_file, slug):
    path = use(project, corpus_file, "data/units.csv")
    assert f"{path}, row 2, field 'slug': invalid unit slug {slug!r}" in fails_cleanly(project, *BUILD)


def test_unsafe_slugs_on_the_command_line_are_rejected(project):
    for slug in ("../tan-khai", "a/b", "a\\b"):
        assert f"invalid unit slug {slug!r}" in fails_cleanly(project, "build", "--unit", slug, "--year", "2024")
    assert "invalid unit slug '../tan-khai'" in fails_cleanly(project, "form", "--unit", "../tan-khai", "--year", "2024")


# -- missing files -------------------------------------------------------------------------------

def test_a_missing_params_file_names_the_expected_path(project):
    expected = project / "params" / "2024" / "hoa-binh-mau.yaml"
    expected.unlink()
    errors = fails_cleanly(project, "build", "--unit", "hoa-binh-mau", "--year", "2024")
    assert f"expected {expected}" in errors


def test_a_year_without_params_names_the_years_there_are(project):
    errors = fails_cleanly(project, "build", "--unit", "tan-khai", "--year", "2030")
    assert "no report for 2030" in errors and "(years with params: 2023, 2024, 2025)" in errors


def test_a_missing_narrative_file_names_the_expected_path(project):
    expected = project / "data" / "narrative" / "2024" / "tan-khai.md"
    expected.unlink()
    assert f"narrative file not found: expected {expected}" in fails_cleanly(project, *BUILD)
