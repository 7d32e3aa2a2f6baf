"""The build ledger, outputs/manifest.json: per unit, year and section, the input hash, status,
duration and error of the last build. It is what incremental builds compare against. Roll-up
reports (district, province) are kept apart under "rollups", keyed "<year>/<level>/<area slug>"."""
from __future__ import annotations

import json
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.config import ProjectPaths

LEDGER_VERSION = 1


def report_key(unit: str, year: int) -> str:
    return f"{year}/{unit}"


def rollup_key(level: str, slug: str, year: int) -> str:
    return f"{year}/{level}/{slug}"


class Ledger:
    def __init__(self, path: Path, reports: dict[str, dict], rollups: dict[str, dict] | None = None):
        self.path, self.reports, self.rollups = path, reports, rollups or {}

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Ledger":
        path = paths.outputs_dir / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reports = data["reports"] if data.get("version") == LEDGER_VERSION else {}
            rollups = data.get("rollups", {}) if data.get("version") == LEDGER_VERSION else {}
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            reports, rollups = {}, {}  # no usable ledger: everything is rebuilt, which is always safe
        return cls(path, reports, rollups)

    def entry(self, unit: str, year: int) -> dict | None:
        return self.reports.get(report_key(unit, year))

    def record(self, entry: dict) -> None:
        self.reports[report_key(entry["unit"], entry["year"])] = entry

    def rollup_entry(self, level: str, slug: str, year: int) -> dict | None:
        return self.rollups.get(rollup_key(level, slug, year))

    def record_rollup(self, entry: dict) -> None:
        self.rollups[rollup_key(entry["level"], entry["slug"], entry["year"])] = entry

    def save(self) -> None:
        """Write the ledger, unless the file already says the same (its time then still tells when the
        ledger last changed, which the site check in `tuphap build` relies on)."""
        body = {"version": LEDGER_VERSION, "reports": dict(sorted(self.reports.items())),
                "rollups": dict(sorted(self.rollups.items()))}
        content = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        if not (self.path.is_file() and self.path.read_bytes() == content):
            write_atomically(self.path, content)
