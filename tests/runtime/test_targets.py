"""One pipeline for communes and roll-ups: planning without a kernel, one result model, one ledger entry shape."""
from __future__ import annotations

import pytest

from tests.conftest import copy_project
from tuphap.project import ProjectPaths
from tuphap.runtime import pipeline
from tuphap.runtime.targets import CommuneTarget, Options, RollupTarget, SectionStatus, Status


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return ProjectPaths(copy_project(tmp_path_factory.mktemp("targets") / "project"))


@pytest.mark.parametrize("target, sections", [(CommuneTarget("an-phu-mau", 2024), 11),
                                              (RollupTarget("province", "binh-phuoc", 2024), 5)])
def test_a_new_report_of_either_kind_is_planned_with_every_section_to_run(paths, target, sections):
    result = pipeline.plan(paths, target)
    assert result.status == Status.PLANNED and result.error is None
    assert len(result.sections) == sections and {s.status for s in result.sections.values()} == {SectionStatus.NOT_RUN}
    assert len(result.data_hash) == 12 and result.input_hash


def test_both_kinds_give_the_same_ledger_entry_shape_with_their_own_identity(paths):
    commune = pipeline.plan(paths, CommuneTarget("an-phu-mau", 2024)).as_ledger_entry()
    rollup = pipeline.plan(paths, RollupTarget("province", "binh-phuoc", 2024)).as_ledger_entry()
    shared = {"status", "input_hash", "duration", "error", "missing_markers", "sections", "findings", "mode",
              "acknowledged", "data_hash", "built_at"}
    assert shared <= set(commune) and shared <= set(rollup)
    assert (commune["unit"], commune["year"]) == ("an-phu-mau", 2024)
    assert (rollup["level"], rollup["slug"], rollup["name"], rollup["includes_sample"]) == \
        ("province", "binh-phuoc", "Bình Phước", True)
    assert commune["status"] == rollup["status"] == "planned"


def test_a_users_mistake_fails_the_plan_naming_the_report(paths):
    result = pipeline.plan(paths, CommuneTarget("khong-co", 2024))
    assert result.status == Status.FAILED and "unknown unit 'khong-co'" in result.error
    assert result.failure.startswith("unit khong-co, year 2024: ")
    rollup = pipeline.plan(paths, RollupTarget("district", "hon-quan", 2025))
    assert rollup.status == Status.FAILED and "districts were abolished" in rollup.error
    assert rollup.failure.startswith("roll-up district hon-quan, year 2025: ")


def test_warnings_block_under_strict_and_final_unless_acknowledged():
    findings = [{"severity": "warning", "rule": "r", "indicator": "a.b"}, {"severity": "error", "rule": "e", "indicator": ""}]
    assert pipeline.blocking(findings, [], Options()) == findings[1:]
    assert pipeline.blocking(findings, [], Options(strict=True)) == findings
    assert pipeline.blocking(findings, [{"rule": "r", "indicator": "a.b"}], Options(final=True)) == findings[1:]
