"""A Word file of the changes between two versions, as Word's tracked changes (insertions and deletions a
reviewer accepts or rejects), made by docx-trackdiff: the newer file with the older one's text marked deleted."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _


def word_changes(older: Path, newer: Path, *, author: str, when: dt.datetime) -> bytes:
    """The newer .docx with what differs from the older one as tracked changes by `author` at `when`."""
    with tempfile.TemporaryDirectory(prefix="tuphap-redline-") as scratch:
        target = Path(scratch) / "changes.docx"
        # The library is a command (its main() reads sys.argv), so it runs as one.
        result = subprocess.run(
            [sys.executable, "-m", "docx_trackdiff.compare", str(older), str(newer), str(target), "--author", author,
             "--date", when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")],
            capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not target.is_file():
            said = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
            raise TuphapError(_("the Word file of the changes from {older} to {newer} could not be made: {error}").format(
                older=older, newer=newer, error=said))
        return target.read_bytes()
