"""The build ledger, outputs/manifest.json: per report and section, the input hash, status, duration
and error of the last build. It is what incremental builds compare against. Commune reports are under
"reports", keyed "<year>/<unit>"; roll-ups (district, province) under "rollups", keyed
"<year>/<level>/<area slug>" (targets.py names each).

An entry describes the report files on disk, the last good build's: its "build_id" (which its HTML,
PDF and Word file record too, and its folder's build.json), "built_at", "mode", "input_hash",
"sections", "missing_markers" and "data_hash". A failed attempt keeps all of these, so that the next
build re-runs only what changed since that good build, and is recorded beside them: "status" is
"failed", "error" says why, "findings" are the attempt's, and "last_failure" holds {"at", "error",
"mode", "sections", "duration", "build_id"} of the attempt. A report that never built has an empty
"build_id" and "built_at". A successful build drops "last_failure".

Only the build holding the project's lock (lock.py) writes the ledger; it re-reads the file and
merges before saving all the same, so that no process can lose another's entries.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.project import ProjectPaths
from tuphap.runtime.targets import Result, Status, Target

LEDGER_VERSION = 1
# What an entry says of the files on disk, kept when an attempt fails (see above).
LAST_GOOD = {"input_hash": "", "sections": {}, "mode": "draft", "built_at": "", "build_id": "", "missing_markers": 0,
             "data_hash": "", "duration": 0.0}


def _read(path: Path) -> tuple[dict, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        reports = data["reports"] if data.get("version") == LEDGER_VERSION else {}
        rollups = data.get("rollups", {}) if data.get("version") == LEDGER_VERSION else {}
    except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
        reports, rollups = {}, {}  # no usable ledger: everything is rebuilt, which is always safe
    # A hand-edited ledger may hold anything: what is not a mapping is left out.
    return reports if isinstance(reports, dict) else {}, rollups if isinstance(rollups, dict) else {}


def _stamp(path: Path) -> tuple | None:
    """What tells whether the file changed since it was read (a rename gives a new inode)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def failed_entry(previous: dict | None, attempt: dict, at: str) -> dict:
    """The entry after a failed attempt: the last good build's description of the files, the attempt
    beside it. `previous` is the report's entry before the attempt, `attempt` the failed result's."""
    good = previous if previous and (previous.get("status") in (Status.BUILT, Status.REUSED)
                                     or "last_failure" in previous) else {}
    kept = {name: good.get(name, blank) for name, blank in LAST_GOOD.items()}
    failure = {"at": at, "error": attempt.get("error"), "mode": attempt.get("mode"), "sections": attempt.get("sections", {}),
               "duration": attempt.get("duration", 0.0), "build_id": attempt.get("build_id", "")}
    return {**(previous or {}), **attempt, **kept, "status": Status.FAILED.value, "last_failure": failure}


class Ledger:
    def __init__(self, path: Path, reports: dict[str, dict], rollups: dict[str, dict] | None = None):
        self.path, self.reports, self.rollups = path, reports, rollups or {}
        self._changed: set[tuple[str, str]] = set()  # (group, key) recorded since loading
        self._stamp = _stamp(path)

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Ledger":
        stamp = _stamp(paths.ledger_file)
        ledger = cls(paths.ledger_file, *_read(paths.ledger_file))
        ledger._stamp = stamp  # as it was before reading: a change while reading is seen at saving
        return ledger

    def _group(self, target: Target) -> dict[str, dict]:
        return self.reports if target.ledger_group == "reports" else self.rollups

    def entry(self, target: Target) -> dict | None:
        return self._group(target).get(target.ledger_key)

    def record(self, target: Target, entry: dict) -> None:
        self._group(target)[target.ledger_key] = entry
        self._changed.add((target.ledger_group, target.ledger_key))

    def record_result(self, result: Result) -> dict:
        """A build's outcome: a success replaces the entry, a failure keeps the last good build's part."""
        entry = result.as_ledger_entry()
        if result.status == Status.FAILED:
            at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            entry = failed_entry(self.entry(result.target), entry, at)
        self.record(result.target, entry)
        return entry

    def save(self) -> None:
        """Write the ledger, unless the file already says the same (its time then still tells when the
        ledger last changed, which the site check in `tuphap build` relies on). When the file changed
        since it was read, its entries are read again and only those recorded here replace theirs."""
        if _stamp(self.path) != self._stamp:
            reports, rollups = _read(self.path)
            for group, key in self._changed:
                ours = self.reports if group == "reports" else self.rollups
                (reports if group == "reports" else rollups)[key] = ours[key]
            self.reports, self.rollups = reports, rollups
        body = {"version": LEDGER_VERSION, "reports": dict(sorted(self.reports.items())),
                "rollups": dict(sorted(self.rollups.items()))}
        content = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        if not (self.path.is_file() and self.path.read_bytes() == content):
            write_atomically(self.path, content)
        self._stamp = _stamp(self.path)
