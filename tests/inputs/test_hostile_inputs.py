"""Hostile text inputs (issue 13): each case is refused up front with one message naming the file, the
row or line and the field, never a traceback or a crash, and leaves data, params and outputs as they
were; and the limits of tuphap/limits.py hold. Imports of what the fix added are inside the tests, so
that each test fails on its own against the code before it."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BAD_INPUT, REPO, run_tuphap, tree_digest

BUILD = ("build", "--unit", "tan-khai", "--year", "2024")
LAST_GOOD = "<html>the last good report</html>"


@pytest.fixture
def project(project: Path) -> Path:
    """The sample project with a report in outputs/ standing for the last good build, which a refused
    input must leave alone."""
    report = project / "outputs" / "2024" / "tan-khai"
    report.mkdir(parents=True)
    for name in ("report.html", "report.pdf", "report.docx"):
        (report / name).write_text(LAST_GOOD, encoding="utf-8")
    return project


def refused(project: Path, *args: str, code: int = 1) -> str:
    """Run a command that must refuse the project's input: its exit code, no traceback, data, params and
    outputs unchanged (the ledger and the site, bookkeeping, aside). Its output, on one line."""
    before = tree_digest(project)
    result = run_tuphap(*args, root=project)
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert tree_digest(project) == before, "the command changed data, params or outputs"
    assert (project / "outputs" / "2024" / "tan-khai" / "report.html").read_text(encoding="utf-8") == LAST_GOOD
    return " ".join(output.split())


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def params_file(project: Path) -> Path:
    return project / "params" / "2024" / "tan-khai.yaml"


def values_file(project: Path) -> Path:
    return project / "data" / "values" / "2024.csv"


def narrative_file(project: Path) -> Path:
    return project / "data" / "narrative" / "2024" / "tan-khai.md"


# -- 1. an impossible date in params -----------------------------------------------------------------

@pytest.mark.parametrize("date, problem", [("2024-02-30", "day value is outside expected range"),
                                           ("2024-13-16", "month value is outside expected range of 1-12")])
def test_an_impossible_date_in_params_is_refused_naming_file_and_key(project, date, problem):
    path = edit(params_file(project), "date: 2024-10-25", f"date: {date}")
    validation = refused(project, "validate")
    assert "error: params/2024/tan-khai.yaml | tan-khai 2024 | rule load | Input should be a valid date" in validation
    assert f"{problem}, found '{date}' (1 problem(s) in all) (field 'date')" in validation
    assert "in 10 report(s)" in validation  # the other reports are still checked
    build = refused(project, *BUILD)
    assert f"{path}, field 'date': Input should be a valid date or datetime, {problem}, found '{date}'" in build


# -- 3. figures too large to print --------------------------------------------------------------------

@pytest.mark.parametrize("indicator, value", [("ho_tich.tong", "1" + "0" * 29), ("ho_tich.tong", "1" + "0" * 400),
                                              ("pbgdpl.gio_truyen_thanh", "1" + "0" * 400)])
def test_a_figure_beyond_the_largest_is_refused_not_a_crash(project, indicator, value):
    path = values_file(project)
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith(f"an-phu-mau,2024,{indicator},"))
    lines[row - 1] = f"an-phu-mau,2024,{indicator},{value},"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = (f"row {row} | an-phu-mau 2024 | rule load | {indicator}: '{value if len(value) <= 30 else value[:20] + '…'}' is larger "
               f"than the largest figure accepted, 1.000.000.000.000.000 (see Limits in docs/data-format.md) (field 'value')")
    assert message in refused(project, "validate")
    assert "is larger than the largest figure accepted" in refused(project, "build", "--unit", "an-phu-mau", "--year", "2024")
    site = run_tuphap("site", root=project)
    assert "Traceback" not in site.stdout + site.stderr


def test_the_largest_figure_is_read_and_printed():
    from tuphap.compute import formatting
    from tuphap.inputs.numbers import parse_number
    from tuphap.limits import LARGEST_FIGURE

    assert parse_number(str(LARGEST_FIGURE), "count") == LARGEST_FIGURE
    assert parse_number("-" + str(LARGEST_FIGURE), "number") == -LARGEST_FIGURE
    assert formatting.count(LARGEST_FIGURE) == "1.000.000.000.000.000"
    assert formatting.number(LARGEST_FIGURE + 0.5) == "1.000.000.000.000.000,5"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e30])
def test_a_figure_that_cannot_be_printed_is_an_error_naming_the_indicator_never_infinity(value):
    from tuphap.compute import formatting
    from tuphap.compute.figures import format_value
    from tuphap.errors import TuphapError
    from tuphap.inputs.catalogue import Indicator

    for write in (formatting.count, formatting.number, formatting.percent):
        with pytest.raises(formatting.UnprintableFigure):
            write(value)
    for kind in ("count", "number", "percent", "rate"):
        with pytest.raises(TuphapError, match=r"the figure of tiep_can\.diem \(.*\) is too large to print"):
            format_value(Indicator("tiep_can.diem", "II.4", "Điểm", "điểm", kind), value)


# -- 6. YAML nested deeper than any params file -------------------------------------------------------

@pytest.mark.parametrize("nesting", ["flow", "block"])
def test_deeply_nested_yaml_is_refused_not_a_segfault(project, nesting):
    depth = 30_000
    deep = ("colour: " + "[" * depth + "]" * depth + "\n" if nesting == "flow"
            else "colour:\n" + "".join(" " * level + f"k{level}:\n" for level in range(1, 500)))
    path = params_file(project)
    # where the 21st level opens: on the first line of '[[[…'; on the line of k20 for indented keys
    line = len(path.read_text(encoding="utf-8").splitlines()) + (1 if nesting == "flow" else 21)
    path.write_text(path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    message = "nested more than 20 levels deep; params need three at most"
    assert f"params/2024/tan-khai.yaml, row {line} | tan-khai 2024 | rule load | {message}" in refused(project, "validate")
    assert f"{path}, row {line}: {message}" in refused(project, *BUILD)


def test_deeply_nested_report_kinds_are_refused(project):
    path = project / "data" / "report_kinds.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra: " + "{a: " * 30_000 + "}" * 30_000 + "\n", encoding="utf-8")
    assert f"{path}, row " in refused(project, *BUILD)


def test_a_yaml_file_over_its_size_limit_is_refused_unread(project):
    path = params_file(project)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("# " + "x" * (1024 * 1024) + "\n")
    size = path.stat().st_size
    assert (f"params/2024/tan-khai.yaml | tan-khai 2024 | rule load | the file is {size} bytes, more than the 1048576 "
            f"bytes such a file may hold (see Limits in docs/data-format.md)") in refused(project, "validate")


# -- 7. an unclosed comment in a narrative ------------------------------------------------------------

def test_an_unclosed_comment_in_a_narrative_is_refused_naming_its_line(project):
    path = narrative_file(project)
    lines = path.read_text(encoding="utf-8").splitlines()
    first_text = lines.index("## chi_dao.ket_qua") + 2
    lines[first_text - 1] += " <!-- ghi chú: hỏi lại xã về số liệu"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = ("a comment opened with '<!--' is never closed with '-->', so the notes after it would be printed in "
               "the report; close it")
    assert (f"data/narrative/2024/tan-khai.md, line {first_text} | tan-khai 2024 | rule load | {message}"
            in refused(project, "validate", "--unit", "tan-khai", "--year", "2024"))
    assert f"{path}, row {first_text}: {message}" in refused(project, *BUILD)


# -- 8. an unclosed quote in a values file ------------------------------------------------------------

@pytest.mark.parametrize("row, cells, message", [
    # in the last row: the quote runs to the end of the file
    (-1, 'hoa-binh-mau,2024,tiep_can.dat_chuan,0,"Chưa có quyết định', "a quote (\") opened in this row is never closed"),
    # the quote closes rows later, at another cell's opening quote
    (3, 'tan-khai,2024,pbgdpl.tuyen_truyen_vien,12,"ghi chú', "a quote (\") opened in this row is not closed on its line"),
    # quotes that pair up across lines: one cell over several lines, the rows between swallowed
    (3, 'tan-khai,2024,pbgdpl.tuyen_truyen_vien,"12\ntan-khai",2024,', "this cell runs over several lines, to line 4"),
])
def test_an_unclosed_quote_in_a_values_file_is_refused_naming_the_row(project, row, cells, message):
    path = values_file(project)
    lines = path.read_text(encoding="utf-8").splitlines()
    row = len(lines) if row < 0 else row
    lines[row - 1] = cells
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    validation = refused(project, "validate")
    assert f"error: data/values/2024.csv, row {row}" in validation and message in validation
    assert "0 error(s)" not in validation


# -- 13. the smaller ones --------------------------------------------------------------------------------

def test_a_year_in_other_digits_is_refused_naming_row_and_field(project):
    path = values_file(project)
    edit(path, "tan-khai,2024,ho_tich.tong,", "tan-khai,٢٠٢٤,ho_tich.tong,")
    row = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "٢٠٢٤" in line)
    # Its year unknown, the row stops every report of its unit: each names it.
    assert (f"data/values/2024.csv, row {row} | tan-khai 2024 | rule load | year '٢٠٢٤' is not a four-digit year "
            "(field 'year')" in refused(project, "validate"))


@pytest.mark.parametrize("year", ["٢٠٢٤", "2024\n", " 2024", "２０２４", 2024.0, True])
def test_check_year_takes_four_ascii_digits_only(year):
    from tuphap.errors import TuphapError
    from tuphap.project import check_year

    with pytest.raises(TuphapError, match="invalid year"):
        check_year(year)


def test_check_year_takes_ints_of_any_kind():
    import numpy as np

    from tuphap.project import check_year

    assert check_year(2024) == check_year("2024") == check_year(np.int64(2024)) == 2024


@pytest.mark.parametrize("slug, message", [
    ("tan-khai\n", "use lowercase letters, digits and hyphens"),
    ("con", "Windows reserves this name for a device"),
    ("nul", "Windows reserves this name for a device"),
    ("com1", "Windows reserves this name for a device"),
    ("a" * 121, "it has 121 characters; at most 120"),
])
def test_check_slug_refuses_what_cannot_be_a_file_name(slug, message):
    from tuphap.errors import TuphapError
    from tuphap.project import check_slug

    with pytest.raises(TuphapError, match=message):
        check_slug(slug)


def test_check_slug_accepts_names_that_only_start_like_a_device_and_the_longest_slug():
    from tuphap.limits import MAX_SLUG_CHARS
    from tuphap.project import check_slug

    for slug in ("con-dao", "console", "a" * MAX_SLUG_CHARS):
        assert check_slug(slug) == slug


def test_a_slug_with_a_line_break_on_the_command_line_is_refused(project):
    assert "invalid unit slug 'tan-khai\\n'" in refused(project, "build", "--unit", "tan-khai\n", "--year", "2024", code=2)


@pytest.mark.parametrize("slug, message", [("con", "Windows reserves this name"), ("x" * 130, "it has 130 characters")])
def test_a_reserved_or_overlong_slug_in_the_registry_is_refused(project, slug, message):
    units = project / "data" / "units.csv"
    with units.open("a", encoding="utf-8") as stream:
        stream.write(f"{slug},,xã,Côn,ấp,,Bình Phước,yes,,,\n")
    row = len(units.read_text(encoding="utf-8").splitlines())
    validation = refused(project, "validate")
    assert f"data/units.csv, row {row} | rule load | invalid unit slug" in validation and message in validation


def test_a_latin1_file_is_refused_naming_file_and_encoding(project):
    units = project / "data" / "units.csv"
    units.write_bytes(units.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    assert ("data/units.csv | rule load | cannot tell its text encoding (it looks like Western Latin-1/Windows-1252, "
            "which has no room for most Vietnamese letters)") in refused(project, "validate")


def test_latin1_bytes_are_not_read_as_vietnamese_windows_1258():
    from tuphap.inputs.textfiles import encoding_of

    assert encoding_of("Hòa Thành, Tân Hòa".encode("latin-1")) is None  # not "Ḥa Thành, Tân Ḥa", as cp1258 reads it
    assert encoding_of((BAD_INPUT / "units-cp1258.csv").read_bytes()).codec == "cp1258"  # what Vietnamese Windows saves


def test_a_key_given_twice_in_params_is_refused_naming_its_line(project):
    path = params_file(project)
    path.write_text(path.read_text(encoding="utf-8") + "place: Hà Nội\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert (f"params/2024/tan-khai.yaml, row {line} | tan-khai 2024 | rule load | the key 'place' is given twice in one "
            f"mapping; keep one") in refused(project, "validate")


def test_a_key_given_twice_in_a_nested_mapping_is_refused(project):
    edit(params_file(project), "  end: 2024-10-16\n", "  end: 2024-10-16\n  start: 2024-02-01\n")
    assert "the key 'start' is given twice in one mapping" in refused(project, *BUILD)


# -- 2 (its registry part). names too long for the report's title ------------------------------------------

@pytest.mark.parametrize("length, message", [(5000, "5000 characters, more than the 2000 a cell may hold"),
                                             (150, "150 characters, more than the 100 a name may have")])
def test_an_overlong_unit_name_is_refused_up_front_naming_file_row_and_field(project, length, message):
    units = project / "data" / "units.csv"
    edit(units, ",Tân Khai,", f",{'x' * length},")
    assert f"data/units.csv, row 2 | rule load | {message}" in refused(project, "validate")
    build = refused(project, "build", "--year", "2024")  # every report stops before anything runs
    assert f"{units}, row 2, field 'name': {message}" in build and "sections executed: 0" in build
    assert "255 char limit" not in build and "internal error" not in build


def test_a_report_kind_whose_title_could_run_over_255_characters_is_refused(tmp_path):
    from tuphap.errors import DataError
    from tuphap.inputs.report_kinds import load_report_kinds

    path = tmp_path / "report_kinds.yaml"
    path.write_text((REPO / "data" / "report_kinds.yaml").read_text(encoding="utf-8").replace(
        "— {unit_full}", "— {unit_full} ({district}, {province})"), encoding="utf-8")
    with pytest.raises(DataError, match="could run over the 255 characters a Word file's title may hold") as error:
        load_report_kinds(path)
    assert error.value.field == "nam.title"


# -- footnotes: [^label] works when defined in its block, and what would go wrong is refused ------------------

def test_a_reference_footnote_renders_as_a_note():
    from tuphap.compute.prose import render_markdown

    assert render_markdown("Có 07 tổ[^1] hòa giải.\n\n[^1]: Theo *quyết định* công nhận.") == (
        '<p>Có 07 tổ<span class="footnote">Theo <em>quyết định</em> công nhận.</span> hòa giải.</p>\n')


@pytest.mark.parametrize("block, found, message", [
    ("Xem ghi chú[^1].", "[^1]", "the footnote [^1] has no definition"),
    ("Không có chú thích.\n\n[^1]: Ghi chú bị bỏ quên.", "[^1]:", "the footnote definition [^1]: is not referred to"),
])
def test_a_footnote_without_definition_or_reference_is_an_error_naming_the_line(project, block, found, message):
    path = narrative_file(project)
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("## chi_dao.kho_khan") + 1
    lines[at:at] = block.splitlines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = at + next(i for i, text in enumerate(block.splitlines(), start=1) if found in text)
    validation = refused(project, "validate", "--unit", "tan-khai", "--year", "2024")
    assert f"error: data/narrative/2024/tan-khai.md, line {line} | tan-khai 2024 | rule footnote | found {found} | {message}" in validation
    assert message in refused(project, *BUILD)


def test_filling_a_template_with_a_dangling_footnote_names_its_source():
    from tuphap.compute.figures import Figures
    from tuphap.compute.prose import Source, fill
    from tuphap.errors import TuphapError
    from tuphap.inputs.dataset import Dataset
    from tuphap.project import ProjectPaths

    figures = Figures(Dataset.load(ProjectPaths(REPO)).catalogue, {})
    with pytest.raises(TuphapError, match=r"^notebook 03, cell 4: the footnote \[\^a\] has no definition"):
        fill("Câu[^a].", figures, {}, Source("notebook 03, cell 4"))


# -- rules that cannot be computed are findings, not silence ----------------------------------------------

def _rules_with(project: Path, row: str) -> int:
    rules = project / "data" / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    return len(rules.read_text(encoding="utf-8").splitlines())


def test_a_rule_dividing_by_zero_is_a_warning_naming_the_rule_and_the_divisors_row(project):
    from tuphap.check.reports import report_findings
    from tuphap.inputs.dataset import Dataset
    from tuphap.project import ProjectPaths

    edit(values_file(project), "tan-khai,2024,ho_tich.tong,1733,", "tan-khai,2024,ho_tich.tong,0,")
    [finding] = [f for f in report_findings(Dataset.load(ProjectPaths(project)), "tan-khai", 2024)
                 if f.rule == "dung_han_va_tre_han"]
    row = next(i for i, line in enumerate(values_file(project).read_text(encoding="utf-8").splitlines(), start=1)
               if line.startswith("tan-khai,2024,ho_tich.tong,"))
    assert (finding.severity, finding.indicator, finding.file, finding.row) == ("warning", "ho_tich.tong", "data/values/2024.csv", row)
    assert finding.message == ("rule dung_han_va_tre_han (data/rules.csv, row 12) cannot be checked: the expression "
                               "in 'right' divides by ho_tich.tong, which is 0")
    assert "(dòng 12 của data/rules.csv): biểu thức ở cột right chia cho ho_tich.tong" in finding.message_vi


def test_a_rule_overflowing_is_a_warning_even_when_the_rule_is_an_error(project):
    rule_row = _rules_with(project, "qua_lon,compare,ho_tich.tong * 1000000000000000 * 1000000000000000,<,1,error,,m")
    validation = refused(project, "validate", "--unit", "tan-khai", "--year", "2024", code=0)  # warnings only
    assert (f"tan-khai 2024 | ho_tich.tong | rule qua_lon | rule qua_lon (data/rules.csv, row {rule_row}) cannot be "
            f"checked: the expression in 'left' is too large to compute") in validation
    assert "error: " not in validation


@pytest.mark.parametrize("expression, message", [("ho_tich.tong / (2 - 2)", "divides by 2 - 2, which is always 0"),
                                                 ("ho_tich.tong * 1e400", "holds a number larger than the largest figure")])
def test_a_rule_that_can_never_be_computed_is_refused_when_read(project, expression, message):
    from tuphap.check.rules import load_rules
    from tuphap.errors import DataError
    from tuphap.inputs.dataset import Dataset
    from tuphap.project import ProjectPaths

    row = _rules_with(project, f"x,compare,{expression},<,1,warning,,m")
    with pytest.raises(DataError, match=message) as error:
        load_rules(project / "data" / "rules.csv", Dataset.load(ProjectPaths(project)).catalogue)
    assert (error.value.row, error.value.field) == (row, "left")


# -- the limits hold, before a file is read ------------------------------------------------------------------

def test_a_values_file_over_its_size_limit_is_refused_unread(project):
    """A sparse file one byte over the limit: refused by its size on disk, before it is read or hashed."""
    from tuphap.limits import MAX_CSV_BYTES

    huge = project / "data" / "values" / "2030.csv"
    with huge.open("wb") as stream:
        stream.truncate(MAX_CSV_BYTES + 1)
    assert (f"data/values/2030.csv | rule load | the file is {MAX_CSV_BYTES + 1} bytes, more than the {MAX_CSV_BYTES} "
            f"bytes such a file may hold (see Limits in docs/data-format.md)") in refused(project, "validate")


def test_a_narrative_over_its_size_limit_is_refused_unread(project):
    path = narrative_file(project)
    with path.open("ab") as stream:
        stream.truncate(2 * 1024 ** 2)
    assert "data/narrative/2024/tan-khai.md | tan-khai 2024 | rule load | the file is 2097152 bytes" in refused(
        project, "validate", "--unit", "tan-khai", "--year", "2024")


def test_rows_and_cells_beyond_their_limits_are_refused_naming_the_row(tmp_path, monkeypatch):
    from tuphap.errors import DataError
    from tuphap.inputs import tables

    path = tmp_path / "table.csv"
    path.write_text("a,b\n" + "".join(f"{i},x\n" for i in range(5)), encoding="utf-8")
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 4)
    with pytest.raises(DataError, match="more than 4 rows: split the file") as error:
        tables.read_table(path, ("a", "b"))
    assert error.value.row == 6
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 10)
    path.write_text("a,b\n1,x\n2," + "y" * 2001 + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="2001 characters, more than the 2000 a cell may hold") as error:
        tables.read_table(path, ("a", "b"))
    assert (error.value.row, error.value.field) == (3, "b")


def test_every_limit_is_declared_with_its_reason_and_documented():
    import tuphap.limits as limits

    source = Path(limits.__file__).read_text(encoding="utf-8").splitlines()
    names = [name for name in vars(limits) if name.isupper()]
    assert {"LARGEST_FIGURE", "MAX_CSV_BYTES", "MAX_CSV_ROWS", "MAX_YAML_BYTES", "MAX_YAML_DEPTH",
            "MAX_NARRATIVE_BYTES", "MAX_NAME_CHARS", "MAX_FIELD_CHARS", "MAX_SLUG_CHARS"} <= set(names)
    for name in names:
        line = next(i for i, text in enumerate(source) if text.startswith(f"{name} ="))
        while source[line - 1].startswith(("MAX_", "LARGEST_")) or source[line - 1].startswith((" ", ")")):
            line -= 1  # a group of constants (or one over several lines) under one comment
        assert source[line - 1].startswith("#"), f"{name} has no comment saying why"
    document = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert "## Limits" in document and "limits.py" in document
    assert "docs/data-format.md#limits" in (REPO / "README.md").read_text(encoding="utf-8")
