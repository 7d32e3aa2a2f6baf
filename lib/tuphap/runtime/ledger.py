"""The build ledger, outputs/manifest.json: per report and section, the input hash, status, duration
and error of the last build. It is what incremental builds compare against. Commune reports are under
"reports", keyed "<year>/<unit>"; roll-ups (district, province) under "rollups", keyed
"<year>/<level>/<area slug>" (targets.py names each)."""
from __future__ import annotations

import json
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.project import ProjectPaths
from tuphap.runtime.targets import Target

LEDGER_VERSION = 1


class Ledger:
    def __init__(self, path: Path, reports: dict[str, dict], rollups: dict[str, dict] | None = None):
        self.path, self.reports, self.rollups = path, reports, rollups or {}

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Ledger":
        path = paths.ledger_file
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reports = data["reports"] if data.get("version") == LEDGER_VERSION else {}
            rollups = data.get("rollups", {}) if data.get("version") == LEDGER_VERSION else {}
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            reports, rollups = {}, {}  # no usable ledger: everything is rebuilt, which is always safe
        # A hand-edited ledger may hold anything: what is not a mapping is left out.
        return cls(path, reports if isinstance(reports, dict) else {}, rollups if isinstance(rollups, dict) else {})

    def _group(self, target: Target) -> dict[str, dict]:
        return self.reports if target.ledger_group == "reports" else self.rollups

    def entry(self, target: Target) -> dict | None:
        return self._group(target).get(target.ledger_key)

    def record(self, target: Target, entry: dict) -> None:
        self._group(target)[target.ledger_key] = entry

    def save(self) -> None:
        """Write the ledger, unless the file already says the same (its time then still tells when the
        ledger last changed, which the site check in `tuphap build` relies on)."""
        body = {"version": LEDGER_VERSION, "reports": dict(sorted(self.reports.items())),
                "rollups": dict(sorted(self.rollups.items()))}
        content = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        if not (self.path.is_file() and self.path.read_bytes() == content):
            write_atomically(self.path, content)
