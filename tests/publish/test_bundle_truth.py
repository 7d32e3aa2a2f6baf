"""The site and a year's bundle tell the truth of the year (issue 13, defect 9): `publish --zip --year
2024` packs only 2024; a report whose last build failed is shown as failed, with its error and the
time of its last good copy, and its stale files stay out of the bundle; a unit whose params or
registry row were removed leaves the site and the bundle, its old folder untouched on disk; build
folders whose names start with "." are never listed or packed."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_tuphap
from tests.publish.test_site import PROVINCE_2024, broken_links, row_of, search_data, soup_of, text_of
from tuphap.compute import formatting


@pytest.fixture
def project(built_sample, tmp_path) -> Path:
    """A copy of the built sample: 2024 built (Hòa Bình's failed on a params mistake, never built),
    2023 with params and no build."""
    copy = tmp_path / "project"
    shutil.copytree(built_sample[0], copy, symlinks=True)
    return copy


def publish(project: Path, year: int, tmp_path: Path) -> tuple[set[str], Path, str]:
    """Publish a year; return the archive's names, the unzipped bundle folder and the warnings."""
    archive = tmp_path / f"bundle-{year}.zip"
    result = run_tuphap("publish", "--year", str(year), "--zip", "--output", str(archive), root=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        opened.extractall(tmp_path / f"unzipped-{year}")
    return names, tmp_path / f"unzipped-{year}" / f"tuphap-{year}", result.stderr


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_years_bundle_packs_only_that_years_reports_and_roll_ups(project, tmp_path):
    # The 2023 province roll-up, built: its folder and its ledger entry.
    shutil.copytree(project / "outputs" / "2024" / "_rollup" / "province-binh-phuoc",
                    project / "outputs" / "2023" / "_rollup" / "province-binh-phuoc")
    manifest = project / "outputs" / "manifest.json"
    ledger = json.loads(manifest.read_text(encoding="utf-8"))
    ledger["rollups"]["2023/province/binh-phuoc"] = {**ledger["rollups"]["2024/province/binh-phuoc"], "year": 2023}
    manifest.write_text(json.dumps(ledger, ensure_ascii=False), encoding="utf-8")

    names, bundle, _ = publish(project, 2024, tmp_path)
    assert "tuphap-2024/2024/_rollup/province-binh-phuoc/report.pdf" in names
    assert [name for name in names if "2023" in name] == []
    assert broken_links(bundle) == []
    names, bundle, _ = publish(project, 2023, tmp_path)
    assert "tuphap-2023/2023/_rollup/province-binh-phuoc/report.pdf" in names
    assert [name for name in names if "2024" in name] == []


def test_a_report_that_failed_after_a_good_build_is_marked_failed_and_left_out_of_the_bundle(project, tmp_path):
    report_folder = project / "outputs" / "2024" / "tan-khai"
    good_files = files_under(report_folder)
    params = project / "params" / "2024" / "tan-khai.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 1 and "colour" in result.stderr
    assert files_under(report_folder) == good_files  # the last good build's files stay on disk
    entry = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    made = formatting.timestamp(entry["built_at"])  # the last good build's time, kept beside the failure

    # The site: failed, with its error, and the last good copy linked as such, with its time.
    row = row_of(project / "outputs" / "site" / PROVINCE_2024, "tan-khai")
    assert row["data-status"] == "failed" and "Lỗi" in text_of(row.select_one(".status"))
    assert text_of(row.select_one(".error")).startswith("params/2024/tan-khai.yaml") and "colour" in text_of(row)
    assert text_of(row.select_one(".links.stale .stale-note")) == f"Bản tốt gần nhất, tạo lúc {made}:"
    assert [a["href"] for a in row.select(".links a")] == ["tan-khai/report.html", "tan-khai/report.pdf",
                                                          "tan-khai/report.docx"]
    index = {unit[0]: unit for unit in search_data(project / "outputs" / "site" / "search.js")["units"]}
    assert [2024, f"{PROVINCE_2024}#tan-khai", 1] in index["tan-khai"][4]  # failed: the year links its row, not the stale report

    # The bundle: listed as failed with its error; the stale files are not in it.
    names, bundle, warnings = publish(project, 2024, tmp_path)
    assert "2 report(s) of 2024 failed" in warnings  # Hòa Bình's and Tân Khai's
    assert [name for name in names if "/tan-khai/" in name] == []
    assert "tuphap-2024/2024/an-phu-mau/report.pdf" in names
    rows = [row_of(bundle / PROVINCE_2024, "tan-khai"),
            soup_of(bundle / "units" / "tan-khai.html").select_one('tr[data-year="2024"]')]
    for row in rows:
        assert row["data-status"] == "failed" and "colour" in text_of(row.select_one(".error"))
        assert text_of(row.select_one(".left-out")) == \
            f"Bản tốt gần nhất (tạo lúc {made}) không có trong gói này vì lần tạo sau bị lỗi."
        assert not row.select(".links a")
    assert broken_links(bundle) == []


def test_units_removed_from_params_or_registry_leave_the_site_and_the_bundle(project, tmp_path):
    outputs = project / "outputs" / "2024"
    on_disk = {unit: files_under(outputs / unit) for unit in ("an-phu-mau", "hoa-binh-mau")}
    (project / "params" / "2024" / "an-phu-mau.yaml").unlink()
    for csv in [project / "data" / "units.csv", *sorted((project / "data" / "values").glob("*.csv"))]:
        lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
        csv.write_text("".join(line for line in lines if not line.startswith("hoa-binh-mau,")), encoding="utf-8")

    # A build that changes nothing in the ledger still brings the site up to date.
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=project)
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout and "Site:" in result.stdout
    site = project / "outputs" / "site"
    assert [row["data-unit"] for row in soup_of(site / PROVINCE_2024).select("table#reports tbody tr")] == [
        "tan-khai"]
    assert [row["data-unit"] for row in soup_of(site / "2023" / "province-binh-phuoc.html").select("table#reports tbody tr")] == [
        "an-phu-mau", "tan-khai"]  # An Phú still has 2023 params; Hòa Bình has no registry row any more
    assert [unit[0] for unit in search_data(site / "search.js")["units"]] == ["an-phu-mau", "tan-khai"]
    assert [unit[3] for unit in search_data(site / "2024" / "search.js")["units"]] == ["tan-khai"]
    assert not (site / "units" / "hoa-binh-mau.html").exists() and not (site / "2024" / "an-phu-mau").exists()
    assert [a["href"] for a in soup_of(site / "units" / "an-phu-mau.html").select("a[href]")
            if "2024" in a["href"]] == []
    assert broken_links(site) == []

    names, bundle, _ = publish(project, 2024, tmp_path)
    assert [name for name in names if "an-phu-mau" in name or "hoa-binh-mau" in name] == []
    assert "tuphap-2024/2024/tan-khai/report.pdf" in names
    assert {unit: files_under(outputs / unit) for unit in on_disk} == on_disk  # their old folders, untouched


def test_build_folders_starting_with_a_dot_are_never_listed_or_packed(project, tmp_path):
    outputs = project / "outputs" / "2024"
    for hidden in (outputs / ".tan-khai.new", outputs / ".tan-khai.old", outputs / "_rollup" / ".province-binh-phuoc.new"):
        shutil.copytree(outputs / "tan-khai", hidden, ignore=shutil.ignore_patterns("sections"))
    assert run_tuphap("site", root=project).returncode == 0
    site = project / "outputs" / "site"
    assert [str(path) for path in site.rglob(".*")] == []
    assert ".tan-khai" not in "".join(page.read_text(encoding="utf-8") for page in site.rglob("*.html"))
    names, _bundle, _ = publish(project, 2024, tmp_path)
    assert [name for name in names if "/." in name] == []
