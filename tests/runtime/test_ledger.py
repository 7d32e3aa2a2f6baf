"""The ledger: what the last build of each report recorded, kept apart for communes and roll-ups."""
from __future__ import annotations

import json

import pytest

from tuphap.project import ProjectPaths
from tuphap.runtime.ledger import Ledger
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
