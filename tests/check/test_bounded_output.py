"""Bounded error output (issue 13, defect 12): however many rows are wrong, the terminal, the ledger
and the site show the first findings of each file (limits.MAX_FINDINGS_PER_FILE) and one line
counting the rest, so 200,000 bad rows no longer print 200,000 lines twice, write a 24 MB ledger
and a 251 MB site."""
from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import REPO, copy_project, run_tuphap, tree_digest
from tuphap.check.findings import Finding, bounded_records, describe_bounded
from tuphap.errors import DataError, DataErrors, DocumentDefects
from tuphap.inputs.dataset import Dataset
from tuphap.limits import MAX_FINDINGS_PER_FILE
from tuphap.project import ProjectPaths
from tuphap.runtime.targets import CommuneTarget, Result

BUILD = ("build", "--unit", "tan-khai", "--year", "2024")
BAD_ROWS = 200_000


def _finding(severity: str, file: str, row: int, unit: str = "tan-khai") -> Finding:
    return Finding(severity, "rule", unit, 2024, "ho_tich.tong", file, row, "", "", f"row {row}", f"dòng {row}")


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _site_text_of(page: Path) -> str:
    return " ".join(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


def _site_text(site: Path) -> str:
    return "\n".join(_site_text_of(page) for page in sorted(site.rglob("*.html")))


# -- one place: the first of each file, errors first, the others counted ----------------------------

def test_the_first_findings_of_each_file_are_described_and_the_others_counted():
    findings = ([_finding("warning", "data/values/2024.csv", row) for row in range(1, 31)]
                + [_finding("error", "data/values/2024.csv", 99)]
                + [_finding("warning", "data/narrative/2024/tan-khai.md", row) for row in range(1, 4)])
    lines = describe_bounded(findings)
    assert len(lines) == MAX_FINDINGS_PER_FILE + 3 + 1
    assert any("row 99" in line and line.startswith("error:") for line in lines)  # what blocks is never only counted
    assert lines[-1] == f"… and {31 - MAX_FINDINGS_PER_FILE} more finding(s) in data/values/2024.csv (tan-khai 2024)"
    shown, more = bounded_records([f.as_dict() for f in findings])
    assert len(shown) == MAX_FINDINGS_PER_FILE + 3 and {"error": 1} not in more.values()
    assert more == {"data/values/2024.csv": {"warning": 31 - MAX_FINDINGS_PER_FILE}}


def test_a_data_error_message_lists_the_first_problems_of_each_file():
    errors = [DataError("data/values/2024.csv", "bad", row=row) for row in range(1, 1001)] + \
             [DataError("data/units.csv", "bad", row=2)]
    lines = str(DataErrors(errors)).splitlines()
    assert lines[0] == "1001 problem(s) in the data files:"
    assert len(lines) == 1 + MAX_FINDINGS_PER_FILE + 1 + 1
    assert lines[-1] == f"  … and {1000 - MAX_FINDINGS_PER_FILE} more finding(s) in data/values/2024.csv"


def test_the_document_check_lists_the_first_defects_of_each_file():
    defects = [_finding("error", "report.pdf", page) for page in range(1, 301)]
    lines = str(DocumentDefects(defects, [f"report.pdf, page {f.row}: 00" for f in defects])).splitlines()
    assert len(lines) == 1 + MAX_FINDINGS_PER_FILE + 1
    assert lines[-1] == f"  … and {300 - MAX_FINDINGS_PER_FILE} more finding(s) in report.pdf"


def test_the_ledger_keeps_the_first_findings_and_counts_the_rest(tmp_path):
    target = CommuneTarget("tan-khai", 2024)
    findings = [_finding("warning", "data/narrative/2024/tan-khai.md", row).as_dict() for row in range(5000)]
    entry = Result(target, findings=findings).as_ledger_entry()
    assert len(entry["findings"]) == MAX_FINDINGS_PER_FILE
    assert entry["more_findings"] == {"data/narrative/2024/tan-khai.md": {"warning": 5000 - MAX_FINDINGS_PER_FILE}}
    # Findings the ledger only counts cannot stand for the report's: the next build checks again.
    paths = ProjectPaths(REPO)
    result = Result(target)
    target.validate(paths, Dataset.load(paths), result, entry)
    assert len(result.findings) == 4 and result.findings != entry["findings"]  # Tân Khai 2024's own four warnings


# -- the reproduction: 200,000 bad rows through validate, build, the ledger and the site --------------

def test_200000_bad_rows_give_bounded_terminal_output_ledger_and_site(tmp_path):
    project = copy_project(tmp_path / "project")
    values = project / "data" / "values" / "2024.csv"
    first_bad = len(values.read_text(encoding="utf-8").splitlines()) + 1
    with values.open("a", encoding="utf-8") as stream:
        stream.writelines(f"tan-khai,2024,khong_co.chi_tieu_{i},1,\n" for i in range(BAD_ROWS))
    rest = BAD_ROWS - MAX_FINDINGS_PER_FILE

    result = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == MAX_FINDINGS_PER_FILE + 2, lines[:5]
    assert lines[0].startswith(f"error: data/values/2024.csv, row {first_bad} | tan-khai 2024 | rule load |")
    assert "unknown indicator 'khong_co.chi_tieu_0'" in lines[0]
    assert lines[-2] == f"… and {rest} more finding(s) in data/values/2024.csv (tan-khai 2024)"
    # No rule is run over figures that are not whole: they would only add warnings about the missing rows.
    assert lines[-1] == f"{BAD_ROWS} error(s), 0 warning(s) in 1 report(s)"

    before = tree_digest(project)
    result = run_tuphap(*BUILD, root=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len((result.stdout + result.stderr).splitlines()) < 2 * MAX_FINDINGS_PER_FILE + 15
    assert result.stderr.count("unknown indicator") == MAX_FINDINGS_PER_FILE  # printed once, not twice
    assert f"… and {rest} more finding(s) in {values}" in result.stderr
    assert (f"- unit tan-khai, year 2024: {BAD_ROWS} row(s) of the figures this report reads could not be read, so it "
            "is not built (the other reports are); fix them\n") in result.stderr
    assert tree_digest(project) == before  # data, params and outputs as they were

    ledger = project / "outputs" / "manifest.json"
    assert ledger.stat().st_size < 50_000
    entry = json.loads(ledger.read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    assert entry["status"] == "failed" and f"… and {rest} more finding(s) in {values}" in entry["error"]

    site = project / "outputs" / "site"
    assert _size(site) < 1_000_000
    text = _site_text(site)
    assert f"… and {rest} more finding(s) in data/values/2024.csv" in text  # the error, paths made relative
    for page in site.rglob("*.html"):  # the first of the file at most twice a page: the data notice, the report's error
        assert _site_text_of(page).count("khong_co.chi_tieu_") <= 2 * MAX_FINDINGS_PER_FILE, page


# -- many findings of one report: the blocked build, the ledger's findings and the site's pages -------

def test_thousands_of_findings_in_one_report_are_bounded_in_build_ledger_and_site(tmp_path):
    project = copy_project(tmp_path / "project")
    narrative = project / "data" / "narrative" / "2024" / "tan-khai.md"
    first_line = len(narrative.read_text(encoding="utf-8").splitlines()) + 1
    with narrative.open("a", encoding="utf-8") as stream:
        stream.writelines(f"{{khong.co_{i}}}\n" for i in range(30_000))
    rest = 30_000 - MAX_FINDINGS_PER_FILE

    before = tree_digest(project)
    result = run_tuphap(*BUILD, root=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "data validation found 30000 error(s)" in result.stderr
    assert result.stderr.count("names no indicator") == MAX_FINDINGS_PER_FILE
    assert f"… and {rest} more finding(s) in data/narrative/2024/tan-khai.md (tan-khai 2024)" in result.stderr
    assert tree_digest(project) == before

    ledger = project / "outputs" / "manifest.json"
    assert ledger.stat().st_size < 100_000
    entry = json.loads(ledger.read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    from_narrative = [f for f in entry["findings"] if f["file"] == "data/narrative/2024/tan-khai.md"]
    assert [f["row"] for f in from_narrative] == list(range(first_line, first_line + MAX_FINDINGS_PER_FILE))
    assert entry["more_findings"] == {"data/narrative/2024/tan-khai.md": {"error": rest}}

    site = project / "outputs" / "site"
    assert _size(site) < 1_000_000
    page = BeautifulSoup((site / "2024" / "findings-binh-phuoc.html").read_text(encoding="utf-8"), "html.parser")
    section = page.select_one("section#tan-khai")
    assert len(section.select("tbody tr")) == MAX_FINDINGS_PER_FILE + 4  # and the values file's four warnings
    assert [" ".join(p.get_text(" ").split()) for p in section.select(".more-findings")] == [
        f"… và {rest} phát hiện khác trong data/narrative/2024/tan-khai.md ({rest} lỗi)."]
    assert " ".join(section.h2.get_text(" ").split()).endswith("30000 lỗi 4 cảnh báo")
    row = BeautifulSoup((site / "2024" / "province-binh-phuoc.html").read_text(encoding="utf-8"), "html.parser").select_one(
        'tr[data-unit="tan-khai"]')
    assert row["data-findings"] == "30004"
