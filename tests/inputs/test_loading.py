from datetime import date
from pathlib import Path

import pytest

from tuphap.errors import DataError, TuphapError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.narrative import load_narrative
from tuphap.inputs.params import load_params
from tuphap.inputs.values import BadRow
from tuphap.project import ProjectPaths


def test_sample_data_loads(repo):
    dataset = Dataset.load(ProjectPaths(repo))
    assert dataset.unit("tan-khai", on=date(2024, 10, 25)).full_name == "thị trấn Tân Khai"
    assert dataset.unit("tan-khai").full_name == "xã Tân Khai"  # its latest period
    values = dataset.values_for("tan-khai", 2024)
    assert values["ho_tich.tong"] == 1733
    assert values["pbgdpl.luot_nguoi"] == 3850
    assert dataset.values_for("tan-khai", 2023)["tcd.don_tiep_nhan"] == 16
    assert [p.id for p in dataset.catalogue.parts("hoa_giai.tiep_nhan")] == [
        "hoa_giai.thanh", "hoa_giai.khong_thanh", "hoa_giai.dang_giai_quyet"]


def test_reference_inconsistency_is_kept_not_fixed(repo):
    dataset = Dataset.load(ProjectPaths(repo))
    values = dataset.values_for("tan-khai", 2024)
    parts = sum(values[p.id] for p in dataset.catalogue.parts("ho_tich.tong") if p.id in values)
    assert (parts, values["ho_tich.tong"]) == (1732, 1733)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _bad_row(project: Path) -> BadRow:
    """The one values row of the project that could not be read: the rest load without it."""
    [bad] = Dataset.load(ProjectPaths(project)).bad_rows
    return bad


def test_value_that_is_not_a_number_names_file_row_and_field(project):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8") + "tan-khai,2024,tcd.luot_tiep,nhiều,\n")
    bad = _bad_row(project)
    assert bad.error.file.endswith("2024.csv") and bad.error.field == "value"
    assert bad.error.row == len(values.read_text(encoding="utf-8").splitlines())
    assert "'nhiều' is not a number" in str(bad.error) and ", unit tan-khai: " in str(bad.error)
    assert (bad.unit, bad.year, bad.period) == ("tan-khai", 2024, "nam")  # it stops that report, not the others
    dataset = Dataset.load(ProjectPaths(project))
    assert dataset.errors_for("tan-khai", 2024) == [bad.error] and not dataset.errors_for("an-phu-mau", 2024)
    assert not dataset.errors_for("tan-khai", 2023) and not dataset.errors_for("tan-khai", 2024, "6thang")


@pytest.mark.parametrize("row, field, message, unit, year", [
    ("ha-noi,2024,tcd.luot_tiep,3,", "unit", "unknown unit 'ha-noi'", "", None),  # no unit's: no report's
    ("tan-khai,2024,tcd.khong_co,3,", "indicator", "unknown indicator 'tcd.khong_co'", "tan-khai", 2024),
    ("tan-khai,2024,hoa_giai.ty_le_thanh,50,", "indicator", "is computed from other indicators", "tan-khai", 2024),
    ("tan-khai,24,tcd.luot_tiep,3,", "year", "not a four-digit year", "tan-khai", None),  # any year of the unit's
    ("tan-hiep,2026,tcd.luot_tiep,3,", "year", "did not exist in 2026", "tan-hiep", None),
])
def test_bad_value_rows_are_left_out_and_given_to_their_unit(project, row, field, message, unit, year):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8") + row + "\n")
    bad = _bad_row(project)
    assert bad.error.field == field and message in str(bad.error)
    assert (bad.unit, bad.year) == (unit, year)
    dataset = Dataset.load(ProjectPaths(project))
    assert dataset.stray_errors == ([] if unit else [bad.error])
    assert dataset.values_for("tan-khai", 2024)["ho_tich.tong"] == 1733  # the good rows are all there


def test_duplicate_value_rows_are_rejected(project):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8") + "tan-khai,2024,ho_tich.tong,1800,\n")
    bad = _bad_row(project)
    assert "duplicate of 2024.csv row" in bad.error.message and (bad.unit, bad.year) == ("tan-khai", 2024)


def test_missing_column_is_named(project):
    units = project / "data" / "units.csv"
    _write(units, "slug,kind,name\ntan-khai,thị trấn,Tân Khai\n")
    with pytest.raises(DataError, match="missing column"):
        Dataset.load(ProjectPaths(project))


def test_file_in_an_unknown_encoding_is_explained(project):
    values = project / "data" / "values" / "2024.csv"
    # 'Tân' in TCVN3 (the old Vietnamese font encoding): neither UTF-8 nor Windows-1258 Vietnamese.
    values.write_bytes(b"unit,year,indicator,value,note\ntan-khai,2024,tcd.luot_tiep,3,T\xa9n\n")
    with pytest.raises(DataError, match="neither UTF-8 nor Vietnamese Windows-1258; save it as CSV UTF-8"):
        Dataset.load(ProjectPaths(project))


def test_params_unknown_key_is_named(project):
    path = project / "params" / "2024" / "tan-khai.yaml"
    _write(path, path.read_text(encoding="utf-8") + "signatory: Ai đó\n")
    with pytest.raises(DataError) as error:
        load_params(path)
    assert error.value.field == "signatory"


def test_params_wrong_type_is_named(project):
    path = project / "params" / "2024" / "tan-khai.yaml"
    _write(path, path.read_text(encoding="utf-8").replace("date: 2024-10-25", "date: hôm qua"))
    with pytest.raises(DataError) as error:
        load_params(path)
    assert error.value.field == "date"


def test_params_yaml_tags_are_not_executed(project):
    path = project / "params" / "2024" / "tan-khai.yaml"
    _write(path, "place: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(DataError, match="not valid YAML"):
        load_params(path)


def test_missing_params_and_narrative_name_the_expected_path(project):
    paths = ProjectPaths(project)
    with pytest.raises(TuphapError, match=r"params/2030/tan-khai\.yaml"):
        load_params(paths.params_file(2030, "tan-khai"))
    with pytest.raises(TuphapError, match=r"narrative/2030/tan-khai\.md"):
        load_narrative(paths.narrative_file(2030, "tan-khai"))


@pytest.mark.parametrize("slug", ["../etc", "a/b", "a\\b", "Tân-Khai", ""])
def test_unsafe_slugs_are_rejected(project, slug):
    with pytest.raises(TuphapError, match="invalid unit slug"):
        ProjectPaths(project).params_file(2024, slug)


def test_narrative_blocks_keep_line_numbers_and_skip_comments(tmp_path):
    path = _write(tmp_path / "n.md", "<!-- a note\nover two lines -->\n## mot\nDòng một.\n\n## hai\n")
    blocks = load_narrative(path)
    assert blocks["mot"].text == "Dòng một." and blocks["mot"].line == 4
    assert blocks["hai"].text == ""


def test_narrative_text_before_first_block_is_an_error(tmp_path):
    path = _write(tmp_path / "n.md", "Lạc chỗ\n## mot\n")
    with pytest.raises(DataError, match="row 1"):
        load_narrative(path)


def test_decomposed_unicode_is_normalised(tmp_path):
    import unicodedata
    path = _write(tmp_path / "n.md", unicodedata.normalize("NFD", "## mot\nHòa giải\n"))
    assert load_narrative(path)["mot"].text == unicodedata.normalize("NFC", "Hòa giải")


def test_count_written_with_a_thousands_dot_is_read_the_vietnamese_way(project):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8").replace("ho_tich.tong,1733,", "ho_tich.tong,1.733,"))
    assert Dataset.load(ProjectPaths(project)).values_for("tan-khai", 2024)["ho_tich.tong"] == 1733


def test_count_written_with_a_decimal_comma_is_rejected_not_misread(project):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8").replace("ho_tich.tong,1733,", 'ho_tich.tong,"1,733",'))
    assert "ho_tich.tong: '1,733' is not a whole number" in _bad_row(project).error.message
    assert "ho_tich.tong" not in Dataset.load(ProjectPaths(project)).values_for("tan-khai", 2024)  # not misread either


@pytest.mark.parametrize("row, message", [("tan-khai,2024,tcd.luot_tiep,3,ghi chú,thừa", "more cells"),
                                          ("tan-khai,2024,tcd.luot_tiep", "fewer cells")])
def test_rows_with_the_wrong_number_of_cells_are_rejected(project, row, message):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8") + row + "\n")
    bad = _bad_row(project)
    assert message in bad.error.message and (bad.unit, bad.year, bad.period) == ("tan-khai", 2024, "nam")


def test_a_quote_never_closed_is_explained_not_a_traceback(project):
    values = project / "data" / "values" / "2024.csv"
    _write(values, values.read_text(encoding="utf-8") + 'tan-khai,2024,tcd.luot_tiep,3,"' + "x" * 200_000 + "\n")
    with pytest.raises(DataError, match="a quote .* is probably never closed") as error:
        Dataset.load(ProjectPaths(project))
    assert error.value.row == len(values.read_text(encoding="utf-8").splitlines())
