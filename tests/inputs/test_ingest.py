"""`tuphap ingest` of a folder of forms received from a province's communes: each form all or nothing on its
own; a line per file (accepted, late, refused, duplicate, skipped), the totals and the exit status; nothing of
a refused or duplicate form written, and never half a form. In-process: forms made and filled with openpyxl,
the command run through click's runner."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.conftest import form_cells, tree_digest
from tuphap import atomic
from tuphap.cli import cli
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.forms import make_form
from tuphap.inputs.ingest import ACCEPTED, REFUSED, ingest
from tuphap.project import ProjectPaths


@pytest.fixture
def dataset(project) -> Dataset:
    return Dataset.load(ProjectPaths(project))


@pytest.fixture
def folder(project) -> Path:
    path = project / "nhan-ve"
    path.mkdir()
    return path


def filled(dataset: Dataset, folder: Path, unit: str, figures: dict, name: str = "") -> Path:
    """The unit's 2024 form as `tuphap form` makes it, with these figures typed in."""
    path = folder / f"{name or unit}.xlsx"
    path.write_bytes(make_form(dataset, unit, 2024))
    book = load_workbook(path)
    for indicator_id, value in figures.items():
        form_cells(book, indicator_id)[1].value = value
    book.save(path)
    return path


def run_ingest(project: Path, *args):
    return CliRunner().invoke(cli, ["--root", str(project), "ingest", *map(str, args)])


def test_a_folder_gives_a_line_per_file_and_writes_the_accepted_forms_only(project, dataset, folder):
    accepted = filled(dataset, folder, "an-phu-mau", {"ho_tich.tong": 1000})  # sent before: a revision
    late = filled(dataset, folder, "hoa-binh-mau", {"ho_tich.tong": 2000})  # its first form, due 26/10/2024
    refused = filled(dataset, folder, "tan-hiep", {"ho_tich.tong": 3000, "hoa_giai.thanh": "mười"})
    first = filled(dataset, folder, "dong-no", {"ho_tich.tong": 4000})
    again = filled(dataset, folder, "dong-no", {"ho_tich.tong": 4001}, name="dong-no (gửi lại)")
    (folder / "ghi-chu.txt").write_text("Đã nhận đủ biểu mẫu.", encoding="utf-8")
    (folder / "~$an-phu-mau.xlsx").write_bytes(bytes(165))  # Excel's lock file while the form is open
    values, receipts = project / "data" / "values" / "2024.csv", project / "data" / "submissions.csv"
    before, received = values.read_text(encoding="utf-8").splitlines(), receipts.read_text(encoding="utf-8")
    untouched = tree_digest(project)

    dry = run_ingest(project, "--dry-run", "--received", "2024-10-30", folder, accepted)  # a file named twice: once
    assert tree_digest(project) == untouched
    result = run_ingest(project, "--received", "2024-10-30", folder, accepted)

    assert (dry.exit_code, result.exit_code) == (1, 1)
    _, cell = form_cells(load_workbook(refused), "hoa_giai.thanh")
    assert result.stdout.splitlines() == [
        f"skipped   {folder / 'ghi-chu.txt'}: not an Excel form (.xlsx)",
        f"skipped   {folder / '~$an-phu-mau.xlsx'}: Excel's lock file of an open workbook: close it in Excel",
        f"accepted  {accepted}: an-phu-mau 2024 (nam) into {values} (1 changed, 0 added, 0 cleared, 61 unchanged)",
        f"late      {late}: hoa-binh-mau 2024 (nam) into {values} (1 changed, 0 added, 0 cleared, 60 unchanged); "
        "received 30/10/2024, 4 day(s) after the due date 26/10/2024",
        "5 form(s): 2 accepted (1 late), 1 refused, 2 duplicate(s); 2 other file(s) skipped",
        f"Updated {values}. 2 form(s) recorded as received at 2024-10-30 in {receipts}."]
    assert dry.stdout.splitlines() == result.stdout.splitlines()[:-1] + ["Dry run: nothing was written."]
    errors = result.stderr
    assert "Reading forms: 100%" in errors and "5/5" in errors  # the progress bar
    assert (f"duplicate {again}: another form in this ingest is also for dong-no 2024 (nam): {first}; none of them "
            "was written") in errors
    assert f"duplicate {first}: another form in this ingest is also for dong-no 2024 (nam): {again};" in errors
    assert (f"refused   {refused}: 1 problem(s); nothing of this form was written:\n  - {refused}: sheet 'II.2', "
            f"cell {cell.coordinate} (hoa_giai.thanh): 'mười' is not a number") in errors
    after = values.read_text(encoding="utf-8").splitlines()
    changed = sorted(set(after) - set(before))
    assert [line.split(",")[:4] for line in changed] == [["an-phu-mau", "2024", "ho_tich.tong", "1000"],
                                                         ["hoa-binh-mau", "2024", "ho_tich.tong", "2000"]]
    assert len(after) == len(before)  # nothing of Tân Hiệp's or Đồng Nơ's forms
    added = receipts.read_text(encoding="utf-8").removeprefix(received).splitlines()
    assert [line.split(",")[:4] + [line.split(",")[5]] for line in added] == [
        ["an-phu-mau", "2024", "nam", "2024-10-30", "an-phu-mau.xlsx"],
        ["hoa-binh-mau", "2024", "nam", "2024-10-30", "hoa-binh-mau.xlsx"]]


def test_quiet_leaves_the_refused_forms_and_the_totals(project, dataset, folder):
    filled(dataset, folder, "an-phu-mau", {})
    filled(dataset, folder, "tan-khai", {"ho_tich.tong": "nhiều"})
    result = run_ingest(project, "--quiet", "--dry-run", folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["2 form(s): 1 accepted (0 late), 1 refused, 0 duplicate(s); "
                                          "0 other file(s) skipped", "Dry run: nothing was written."]
    assert "Reading forms" not in result.stderr and "'nhiều' is not a number" in result.stderr


def _bad_cell(dataset: Dataset, path: Path) -> str:
    filled(dataset, path.parent, "tan-khai", {"ho_tich.tong": 1734, "ho_tich.ket_hon": "=D6-D7"}, name=path.stem)
    return "(ho_tich.ket_hon): holds a formula (=D6-D7)"


def _identity_of_another_unit(dataset: Dataset, path: Path) -> str:
    filled(dataset, path.parent, "tan-khai", {"ho_tich.tong": 1734}, name=path.stem)
    book = load_workbook(path)
    book["tuphap"]["B2"].value = "hoa-binh-mau"  # Tân Khai's figures would replace Hòa Bình's
    book.save(path)
    return "cell A2 shows 'Thị trấn Tân Khai' but the form's hidden sheet 'tuphap' says 'Phường Hòa Bình (mẫu)'"


def _hostile_workbook(dataset: Dataset, path: Path) -> str:
    filled(dataset, path.parent, "tan-khai", {"ho_tich.tong": 1734}, name=path.stem)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(2 * 1024 * 1024))  # a few KB packed
    return "the workbook unpacks to"


def _not_a_workbook(dataset: Dataset, path: Path) -> str:
    path.write_text("unit,year\ntan-khai,2024\n", encoding="utf-8")
    return "cannot be read as an Excel .xlsx workbook"


@pytest.mark.parametrize("spoil", [_bad_cell, _identity_of_another_unit, _hostile_workbook, _not_a_workbook])
def test_a_refused_form_writes_nothing_of_itself_and_never_stops_the_others(project, dataset, folder, spoil):
    bad = folder / "bao-cao.xlsx"
    message = spoil(dataset, bad)
    good = filled(dataset, folder, "an-phu-mau", {"ho_tich.tong": 1000})
    values = project / "data" / "values" / "2024.csv"

    result = ingest(ProjectPaths(project), [bad, good])

    refused, accepted = result.outcomes
    assert (refused.status, accepted.status) == (REFUSED, ACCEPTED)
    assert any(problem.startswith(f"{bad}: ") and message in problem for problem in refused.problems), refused.problems
    text = values.read_text(encoding="utf-8")
    assert "an-phu-mau,2024,ho_tich.tong,1000," in text
    assert ",ho_tich.tong,1734," not in text and "tan-khai,2024,ho_tich.tong,1733," in text
    assert [r.unit for r in result.receipts[-1:]] == ["an-phu-mau"] and result.written[-1].name == "submissions.csv"


def test_a_crash_between_the_writes_leaves_each_form_whole_and_no_receipt_without_its_figures(
        project, dataset, folder, monkeypatch):
    good = filled(dataset, folder, "an-phu-mau", {"ho_tich.tong": 1000, "ho_tich.khai_sinh": 300})
    values, receipts = project / "data" / "values" / "2024.csv", project / "data" / "submissions.csv"
    received = receipts.read_bytes()
    replace, renamed = os.replace, []

    def crash_after_the_first(source, target):
        if renamed:
            raise KeyboardInterrupt  # the power cut, after the values file and before the receipts file
        replace(source, target)
        renamed.append(target)

    monkeypatch.setattr(atomic.os, "replace", crash_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        ingest(ProjectPaths(project), [good])

    assert renamed == [values] and receipts.read_bytes() == received
    text = values.read_text(encoding="utf-8")  # the whole form is in: both its changed figures
    assert "an-phu-mau,2024,ho_tich.tong,1000," in text and "an-phu-mau,2024,ho_tich.khai_sinh,300," in text
    assert not [path for path in (project / "data").rglob("*.tmp")]


def test_a_folder_without_forms_is_a_usage_mistake(project, folder):
    (folder / "ghi-chu.txt").write_text("chưa có", encoding="utf-8")
    result = run_ingest(project, folder)
    assert result.exit_code == 2 and f"no form to read: {folder} hold(s) no .xlsx file" in result.stderr


def test_a_form_whose_figures_are_kept_in_another_values_file_is_refused_alone(project, dataset, folder):
    values = project / "data" / "values" / "2024.csv"
    header, *rows = values.read_text(encoding="utf-8").splitlines(keepends=True)
    (project / "data" / "values" / "an-phu-mau.csv").write_text(
        header + "".join(row for row in rows if row.startswith("an-phu-mau,2024,")), encoding="utf-8")
    values.write_text(header + "".join(row for row in rows if not row.startswith("an-phu-mau,2024,")), encoding="utf-8")
    elsewhere = filled(Dataset.load(ProjectPaths(project)), folder, "an-phu-mau", {"ho_tich.tong": 1000})
    good = filled(dataset, folder, "tan-khai", {"ho_tich.tong": 1734})

    refused, accepted = ingest(ProjectPaths(project), [elsewhere, good]).outcomes

    assert (refused.status, accepted.status) == (REFUSED, ACCEPTED)
    assert refused.problems == (f"{elsewhere}: the figures of an-phu-mau 2024 are also in an-phu-mau.csv under "
                                f"{project / 'data' / 'values'}; ingest updates only 2024.csv: move them there first",)
    assert "tan-khai,2024,ho_tich.tong,1734," in values.read_text(encoding="utf-8")
    assert "an-phu-mau" not in values.read_text(encoding="utf-8")
