"""data/ loaded once for every process (inputs/load_cache.py): the next process reads what the first one
loaded, with each bad row's error whole; a changed file, another language or a damaged entry means a new load."""
from __future__ import annotations

import os
import pickle

import pytest

from tuphap.inputs import dataset as dataset_module
from tuphap.inputs import load_cache
from tuphap.inputs.dataset import Dataset
from tuphap.project import ProjectPaths


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(load_cache, "_cache_dir", lambda: folder)
    return folder


def _load_as_a_new_process(project):
    dataset_module._LOADED.clear()
    return Dataset.load(ProjectPaths(project))


def _no_reading(monkeypatch):
    monkeypatch.setattr(Dataset, "_read", classmethod(lambda cls, paths: pytest.fail("the data files were read again")))


def _add_bad_row(project):
    values = project / "data" / "values" / "2024.csv"
    values.write_text(values.read_text(encoding="utf-8") + "tan-khai,2024,tcd.luot_tiep,nhiều,\n", encoding="utf-8")


def _error_fields(dataset):
    [bad] = dataset.bad_rows
    return bad.unit, bad.year, bad.error.file, bad.error.row, bad.error.field, bad.error.unit, str(bad.error)


def test_the_next_process_reads_the_first_ones_load(project, cache, monkeypatch):
    _add_bad_row(project)
    first = _load_as_a_new_process(project)
    _no_reading(monkeypatch)
    second = _load_as_a_new_process(project)
    assert second.values_for("tan-khai", 2024) == first.values_for("tan-khai", 2024)
    assert second.values_for("tan-khai", 2024)["ho_tich.tong"] == 1733
    assert second.sources_for("tan-khai", 2024)["ho_tich.tong"] == (str(project / "data" / "values" / "2024.csv"), 18)
    assert _error_fields(second) == _error_fields(first)
    assert second.errors_for("tan-khai", 2024) and not second.errors_for("an-phu-mau", 2024)


def test_a_changed_file_is_read_again(project, cache):
    _load_as_a_new_process(project)
    values = project / "data" / "values" / "2024.csv"
    values.write_text(values.read_text(encoding="utf-8").replace("tan-khai,2024,ho_tich.tong,1733,",
                                                                 "tan-khai,2024,ho_tich.tong,1734,"), encoding="utf-8")
    assert _load_as_a_new_process(project).values_for("tan-khai", 2024)["ho_tich.tong"] == 1734


def test_messages_are_loaded_again_in_another_language(project, cache, monkeypatch):
    _add_bad_row(project)
    english = _error_fields(_load_as_a_new_process(project))
    monkeypatch.setenv("LANGUAGE", "vi")
    vietnamese = _error_fields(_load_as_a_new_process(project))
    assert "is not a number" in english[-1] and "dòng" in vietnamese[-1] and english[:-1] == vietnamese[:-1]


def test_a_damaged_entry_is_loaded_again_and_replaced(project, cache):
    _load_as_a_new_process(project)
    [entry] = cache.glob("*.pickle")
    entry.write_bytes(b"\x80\x05not a pickle")
    assert _load_as_a_new_process(project).values_for("tan-khai", 2024)["ho_tich.tong"] == 1733
    assert pickle.loads(entry.read_bytes()).values_for("tan-khai", 2024)["ho_tich.tong"] == 1733


def test_an_unwritable_cache_only_costs_time(project, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setattr(load_cache, "_cache_dir", lambda: blocked / "data")
    assert _load_as_a_new_process(project).values_for("tan-khai", 2024)["ho_tich.tong"] == 1733


def test_only_the_newest_entries_are_kept(cache):
    cache.mkdir()
    for age in range(load_cache.KEEP + 3):
        entry = cache / f"{age:02}.pickle"
        entry.write_bytes(b"")
        os.utime(entry, (1_000_000 - age, 1_000_000 - age))
    load_cache._prune(cache)
    assert sorted(p.name for p in cache.iterdir()) == [f"{age:02}.pickle" for age in range(load_cache.KEEP)]
