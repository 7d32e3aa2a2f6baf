"""The build ledger, outputs/manifest.json: per unit, year and section, the input hash, status,
duration and error of the last build. It is what incremental builds compare against."""
from __future__ import annotations

import json
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.config import ProjectPaths

LEDGER_VERSION = 1


def report_key(unit: str, year: int) -> str:
    return f"{year}/{unit}"


class Ledger:
    def __init__(self, path: Path, reports: dict[str, dict]):
        self.path, self.reports = path, reports

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Ledger":
        path = paths.outputs_dir / "manifest.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reports = data["reports"] if data.get("version") == LEDGER_VERSION else {}
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            reports = {}  # no usable ledger: everything is rebuilt, which is always safe
        return cls(path, reports)

    def entry(self, unit: str, year: int) -> dict | None:
        return self.reports.get(report_key(unit, year))

    def record(self, entry: dict) -> None:
        self.reports[report_key(entry["unit"], entry["year"])] = entry

    def save(self) -> None:
        body = {"version": LEDGER_VERSION, "reports": dict(sorted(self.reports.items()))}
        write_atomically(self.path, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))
