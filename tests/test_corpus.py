"""The document check over a generated corpus of varied communes: every kind of unit, zeros, missing
figures, one or several bookcases, no figures for the year before. Every report builds (the build runs
the check) and `tuphap check` finds nothing; the corpus does hold each case."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, run_tuphap

COMMUNES = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "project"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate_communes.py"), "--communes", str(COMMUNES),
                    "--varied", "--out", str(root)], check=True, capture_output=True)
    result = run_tuphap("build", "--all", "--quiet", "--jobs", "2", root=root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{COMMUNES} built, 0 unchanged, 0 failed" in result.stdout
    return root


def test_the_document_check_passes_on_every_report(corpus):
    result = run_tuphap("check", root=corpus)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_corpus_holds_every_case(corpus):
    units = list(csv.DictReader((corpus / "data" / "units.csv").open(encoding="utf-8")))
    assert {unit["kind"] for unit in units} == {"xã", "phường", "thị trấn"}
    pages = [" ".join(BeautifulSoup((corpus / "outputs" / "2024" / unit["slug"] / "report.html").read_text(encoding="utf-8"),
                                    "html.parser").select_one("main").get_text(" ").split()) for unit in units]
    def some(phrase: str) -> bool:
        return any(phrase in page for page in pages)

    assert some("trong đó không có hồ sơ trễ hạn") and some("Hiện không có vụ việc đang giải quyết")
    assert some("[thiếu số liệu:")
    assert some("tủ sách pháp luật với") and some("đầu sách mỗi tủ")  # one bookcase, and several (an average)
    promise = "(có dẫn chứng, số liệu so sánh cụ thể với năm 2023)"
    assert some(promise) and not all(promise in page for page in pages)  # some communes have no 2023 figures
    for page in pages:
        assert ("So sánh với năm 2023" in page) == (promise in page)  # no promise without the comparison
        assert " 00 " not in f" {page} "
