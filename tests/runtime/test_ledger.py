"""The ledger: what the last build of each report recorded, kept apart for communes and roll-ups; a failed
attempt recorded beside the last good build; no entry lost to another process saving meanwhile."""
from __future__ import annotations

import json

import pytest

from tuphap.project import ProjectPaths
from tuphap.runtime.ledger import Ledger, failed_entry
from tuphap.runtime.targets import CommuneTarget, RollupTarget


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "outputs").mkdir()
    return ProjectPaths(tmp_path)


def test_reports_and_rollups_are_recorded_apart_and_read_back(paths):
    ledger = Ledger.load(paths)
    ledger.record(CommuneTarget("tan-khai", 2024), {"unit": "tan-khai", "status": "built"})
    ledger.record(RollupTarget("province", "binh-phuoc", 2024), {"level": "province", "status": "built"})
    ledger.save()
    saved = json.loads(paths.ledger_file.read_text(encoding="utf-8"))
    assert set(saved["reports"]) == {"2024/tan-khai"} and set(saved["rollups"]) == {"2024/province/binh-phuoc"}
    again = Ledger.load(paths)
    assert again.entry(CommuneTarget("tan-khai", 2024))["status"] == "built"
    assert again.entry(RollupTarget("province", "binh-phuoc", 2024))["level"] == "province"
    assert again.entry(CommuneTarget("tan-khai", 2023)) is None


def test_saving_the_same_ledger_leaves_the_file_alone(paths):
    ledger = Ledger.load(paths)
    ledger.record(CommuneTarget("tan-khai", 2024), {"status": "built"})
    ledger.save()
    written = paths.ledger_file.stat().st_mtime_ns
    Ledger.load(paths).save()
    assert paths.ledger_file.stat().st_mtime_ns == written  # its time tells when the builds last changed


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "reports": {"2024/x": {}}}', '{"version": 1, "reports": []}',
                                     '["a list"]'])
def test_an_unusable_ledger_means_everything_is_rebuilt(paths, content):
    paths.ledger_file.write_text(content, encoding="utf-8")
    ledger = Ledger.load(paths)
    assert ledger.reports == {} and ledger.rollups == {}


GOOD = {"unit": "tan-khai", "year": 2024, "status": "built", "input_hash": "h1", "mode": "final", "built_at": "2026-12-01T10:32:00+07:00",
        "build_id": "0123456789ab", "missing_markers": 2, "data_hash": "d1", "duration": 9.5, "error": None,
        "sections": {"00-mo-dau": {"input_hash": "s1", "status": "executed"}}, "findings": []}


def test_a_failed_attempt_keeps_the_last_good_build_and_is_recorded_beside_it():
    attempt = {"unit": "tan-khai", "year": 2024, "status": "failed", "input_hash": "h2", "mode": "draft", "built_at": "x",
               "build_id": "fedcba987654", "missing_markers": 0, "data_hash": "d2", "duration": 1.0, "error": "boom",
               "sections": {"00-mo-dau": {"input_hash": "s2", "status": "failed"}}, "findings": [{"rule": "r"}]}
    entry = failed_entry(GOOD, attempt, "2026-12-02T08:00:00+07:00")
    kept = ("input_hash", "mode", "built_at", "build_id", "missing_markers", "data_hash", "duration", "sections")
    assert {name: entry[name] for name in kept} == {name: GOOD[name] for name in kept}
    assert (entry["status"], entry["error"], entry["findings"]) == ("failed", "boom", [{"rule": "r"}])
    assert entry["last_failure"] == {"at": "2026-12-02T08:00:00+07:00", "error": "boom", "mode": "draft",
                                     "sections": attempt["sections"], "duration": 1.0, "build_id": "fedcba987654"}
    again = failed_entry(entry, {**attempt, "error": "again"}, "2026-12-03T08:00:00+07:00")  # still the same good build
    assert again["build_id"] == GOOD["build_id"] and again["last_failure"]["error"] == "again"
    never = failed_entry(None, attempt, "2026-12-02T08:00:00+07:00")  # no good build: nothing to describe
    assert (never["build_id"], never["built_at"], never["sections"], never["input_hash"]) == ("", "", {}, "")


def test_a_ledger_saved_meanwhile_by_another_process_keeps_its_entries(paths):
    first, second = Ledger.load(paths), Ledger.load(paths)
    first.record(CommuneTarget("an-phu-mau", 2024), {"status": "built"})
    first.save()
    second.record(CommuneTarget("hoa-binh-mau", 2024), {"status": "built"})
    second.save()  # read again and merged: the first one's entry stays
    assert set(Ledger.load(paths).reports) == {"2024/an-phu-mau", "2024/hoa-binh-mau"}
    first.record(CommuneTarget("an-phu-mau", 2024), {"status": "failed"})
    first.save()
    assert {key: e["status"] for key, e in Ledger.load(paths).reports.items()} == \
        {"2024/an-phu-mau": "failed", "2024/hoa-binh-mau": "built"}
