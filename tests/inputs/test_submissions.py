"""Receipts and due dates: `tuphap ingest` records each form it writes in data/submissions.csv (not a
dry run, not a refused form; two ingests at once keep both rows), and params/submissions.yaml is read
with errors that name the file and the key."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock, Timeout
from openpyxl import load_workbook

from tests.conftest import REPO, TUPHAP, built_once, copy_made, form_cells, run_tuphap
from tuphap.errors import DataError
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.report_kinds import load_report_kinds
from tuphap.inputs.submissions import load_due_dates, read_receipts
from tuphap.project import ProjectPaths

UNITS = ("tan-khai", "an-phu-mau", "hoa-binh-mau")
FORMS = {unit: Path("outputs", "forms", "2024", f"{unit}.xlsx") for unit in UNITS}


def _make_forms(root: Path) -> None:
    result = run_tuphap("form", "--year", "2024", *(f"--unit={unit}" for unit in UNITS), root=root)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def made_forms(tmp_path_factory) -> Path:
    """A project where `tuphap form` made the 2024 forms of the three sample units, once for the module."""
    return built_once(tmp_path_factory, "forms-2024", _make_forms)[0]


@pytest.fixture
def forms(project, made_forms) -> dict[str, Path]:
    """The 2024 forms of the three sample units, as `tuphap form` makes them, in the test's own project."""
    return {unit: copy_made(made_forms, project, form) for unit, form in FORMS.items()}


def receipts_of(project: Path) -> list[dict]:
    with (project / "data" / "submissions.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_ingest_records_the_form_as_received_with_its_hash_and_figures(project, forms):
    before = receipts_of(project)
    started = dt.datetime.now().astimezone().replace(microsecond=0)
    result = run_tuphap("ingest", str(forms["tan-khai"]), root=project)
    assert result.returncode == 0, result.stderr
    after = receipts_of(project)
    assert after[:-1] == before
    row = after[-1]
    assert (row["unit"], row["year"], row["kind"], row["file"]) == ("tan-khai", "2024", "nam", "tan-khai.xlsx")
    assert row["sha256"] == hashlib.sha256(forms["tan-khai"].read_bytes()).hexdigest()
    assert row["figures"] == "44"  # the figures the form gave: Tân Khai's 2024 figures on file
    received = dt.datetime.fromisoformat(row["received"])
    assert received.utcoffset() is not None and received >= started and row["ingested"] == row["received"]
    assert f"recorded as received at {row['received']} in {project / 'data' / 'submissions.csv'}" in result.stdout
    assert [r.unit for r in read_receipts(project / "data" / "submissions.csv")][-1] == "tan-khai"


def test_a_form_named_with_a_comma_a_quote_and_a_newline_stays_one_readable_row(project, forms):
    odd = forms["an-phu-mau"].with_name('an phú, "bản 2"\n=1+1.xlsx')
    forms["an-phu-mau"].rename(odd)
    assert run_tuphap("ingest", str(odd), root=project).returncode == 0
    assert read_receipts(project / "data" / "submissions.csv")[-1].file == 'an phú, "bản 2"?=1+1.xlsx'


def test_a_dry_run_and_a_refused_form_record_nothing(project, forms):
    receipts = (project / "data" / "submissions.csv").read_bytes()
    assert run_tuphap("ingest", "--dry-run", str(forms["tan-khai"]), root=project).returncode == 0
    book = load_workbook(forms["an-phu-mau"])
    form_cells(book, "ho_tich.tong")[1].value = "nhiều"
    book.save(forms["an-phu-mau"])
    result = run_tuphap("ingest", str(forms["tan-khai"]), str(forms["an-phu-mau"]), root=project)
    assert result.returncode == 1 and "'nhiều' is not a number" in result.stderr
    after = (project / "data" / "submissions.csv").read_bytes()
    assert after.startswith(receipts) and after[len(receipts):].startswith(b"tan-khai,2024,nam,")  # the good one only
    assert after.count(b"\n") == receipts.count(b"\n") + 1


def test_a_form_that_arrived_earlier_is_recorded_on_the_day_given(project, forms):
    result = run_tuphap("ingest", "--received", "2024-10-31", str(forms["hoa-binh-mau"]), root=project)
    assert result.returncode == 0, result.stderr
    assert (f"late      {forms['hoa-binh-mau']}: hoa-binh-mau 2024 (nam) into" in result.stdout
            and "; received 31/10/2024, 5 day(s) after the due date 26/10/2024" in result.stdout)  # its first form
    row = receipts_of(project)[-1]
    assert (row["unit"], row["received"]) == ("hoa-binh-mau", "2024-10-31")
    assert dt.datetime.fromisoformat(row["ingested"]).date() == dt.date.today()
    result = run_tuphap("ingest", "--received", "2024-11-02T14:30", str(forms["hoa-binh-mau"]), root=project)
    assert result.returncode == 0, result.stderr
    assert f"accepted  {forms['hoa-binh-mau']}:" in result.stdout and "1 accepted (0 late)" in result.stdout  # sent again
    assert receipts_of(project)[-1]["received"].startswith("2024-11-02T14:30:00")


@pytest.mark.parametrize("value, message", [
    ("31/10/2024", "--received '31/10/2024' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
    ("2024-02-30", "--received '2024-02-30' is not a date"),
    ("2999-01-01", "--received '2999-01-01' is later than now"),
])
def test_a_wrong_received_date_is_a_usage_error_and_nothing_is_written(project, forms, value, message):
    receipts, values = (project / "data" / "submissions.csv").read_bytes(), (project / "data" / "values" / "2024.csv").read_bytes()
    result = run_tuphap("ingest", "--received", value, str(forms["tan-khai"]), root=project)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert (project / "data" / "submissions.csv").read_bytes() == receipts
    assert (project / "data" / "values" / "2024.csv").read_bytes() == values


def test_two_ingests_at_once_keep_both_rows_and_both_figures(project, forms):
    """Each ingest reads the values and receipts files, adds to them and replaces them whole: without
    the ingest lock, the last one to write would drop what the others added."""
    for number, unit in enumerate(UNITS):
        book = load_workbook(forms[unit])
        form_cells(book, "ho_tich.tong")[1].value = 9000 + number
        book.save(forms[unit])
    before = len(receipts_of(project))
    running = [subprocess.Popen([str(TUPHAP), "--root", str(project), "ingest", str(forms[unit])],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for unit in UNITS]
    for process in running:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    rows = receipts_of(project)
    assert len(rows) == before + 3 and sorted(r["unit"] for r in rows[before:]) == sorted(UNITS)
    values = (project / "data" / "values" / "2024.csv").read_text(encoding="utf-8")
    for number, unit in enumerate(UNITS):
        assert f"{unit},2024,ho_tich.tong,{9000 + number}" in values


def test_an_ingest_holds_the_lock_from_reading_the_files_to_writing_them(project, forms, monkeypatch):
    """Whether the ingest lock is held when the values files are read and when the receipts are
    written, asked of the lock file itself (another open of it cannot take it while an ingest has it)."""
    from tuphap.inputs import ingest as ingest_module

    paths = ProjectPaths(project)
    held: list[tuple[str, bool]] = []

    def lock_is_held() -> bool:
        probe = FileLock(paths.ingest_lock_file, thread_local=False, is_singleton=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        return False

    load, write = Dataset.load.__func__, ingest_module.write_all_atomically
    monkeypatch.setattr(Dataset, "load", classmethod(lambda cls, p: (held.append(("read", lock_is_held())), load(cls, p))[1]))
    monkeypatch.setattr(ingest_module, "write_all_atomically",
                        lambda *args: (held.append(("write", lock_is_held())), write(*args))[1])
    ingest_module.ingest(paths, [forms["an-phu-mau"]])
    assert held == [("read", True), ("write", True)]
    assert not lock_is_held()


def test_a_damaged_receipts_file_refuses_the_ingest_before_any_figure_is_written(project, forms):
    receipts = project / "data" / "submissions.csv"
    receipts.write_text(receipts.read_text(encoding="utf-8") + "tan-khai,2024,nam,hôm qua,2024-10-25T16:12:41+07:00,"
                        "x.xlsx," + "0" * 64 + ",3\n", encoding="utf-8")
    values = (project / "data" / "values" / "2024.csv").read_bytes()
    result = run_tuphap("ingest", str(forms["tan-khai"]), root=project)
    assert result.returncode == 1
    assert f"{receipts}, row 5, field 'received': 'hôm qua' is not a time" in result.stderr
    assert (project / "data" / "values" / "2024.csv").read_bytes() == values


@pytest.mark.parametrize("text, where, message", [
    ("2024:\n  nam: 2024-13-05\n", "field '2024.nam'", "'2024-13-05' is not a date: write it as YYYY-MM-DD"),
    ("2024:\n  nam: 26/10/2024\n", "field '2024.nam'", "'26/10/2024' is not a date"),
    ("2024:\n  nma: 2024-10-26\n", "field '2024.nma'", "unknown kind of report 'nma'; the kinds are: nam, 6thang"),
    ("hai-nghin:\n  nam: 2024-10-26\n", "field 'hai-nghin'", "'hai-nghin' is not a year"),
    ("2024: 2024-10-26\n", "field '2024'", "expected the due date of each kind of report"),
])
def test_a_bad_due_date_names_the_file_and_the_key(tmp_path, text, where, message):
    path = tmp_path / "submissions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_due_dates(path, load_report_kinds(REPO / "data" / "report_kinds.yaml"))
    assert f"{path}, {where}: {message}" in str(error.value)


def test_due_dates_are_read_by_year_and_kind(repo):
    kinds = load_report_kinds(repo / "data" / "report_kinds.yaml")
    assert load_due_dates(repo / "params" / "submissions.yaml", kinds)[(2024, "nam")] == dt.date(2024, 10, 26)
