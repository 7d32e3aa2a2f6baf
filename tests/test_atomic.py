"""Writing files together (atomic.py): a failure while writing leaves every target as it was and no stray file."""
from __future__ import annotations

from pathlib import Path

import pytest

from tuphap.atomic import write_all_atomically


def test_files_written_together_are_all_new_or_all_as_they_were(tmp_path: Path):
    first, second = tmp_path / "values" / "2024.csv", tmp_path / "submissions.csv"
    first.parent.mkdir()
    first.write_bytes(b"old figures")
    second.write_bytes(b"old receipts")
    blocked = tmp_path / "blocked"
    blocked.write_bytes(b"a file where a folder should be")

    with pytest.raises(OSError):
        write_all_atomically({first: b"new figures", second: b"new receipts", blocked / "x.csv": b"cannot"})

    assert (first.read_bytes(), second.read_bytes()) == (b"old figures", b"old receipts")
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["2024.csv", "blocked", "submissions.csv", "values"]
    write_all_atomically({first: b"new figures", second: b"new receipts"})
    assert (first.read_bytes(), second.read_bytes()) == (b"new figures", b"new receipts")
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["2024.csv", "blocked", "submissions.csv", "values"]
