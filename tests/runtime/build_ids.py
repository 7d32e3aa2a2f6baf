"""Which build a report folder's files come from: the id each of them records (the HTML's meta, the
PDF's information, the Word file's identifier, the folder's build.json), and how the ledger agrees."""
from __future__ import annotations

import json
import re
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from tuphap.project import REPORT_FILES

_META = re.compile(r'<meta name="tuphap-build" content="([0-9a-f]+)">')


def file_ids(folder: Path) -> dict[str, str | None]:
    """The build id of each file of a report folder (None where a file records none)."""
    html = _META.search((folder / "report.html").read_text(encoding="utf-8"))
    return {"report.html": html.group(1) if html else None,
            "report.pdf": (PdfReader(folder / "report.pdf").metadata or {}).get("/tuphapbuild"),
            "report.docx": Document(folder / "report.docx").core_properties.identifier or None,
            "build.json": json.loads((folder / "build.json").read_text(encoding="utf-8")).get("build_id")}


def report_folders(root: Path) -> dict[str, Path]:
    """Every report folder of a project by its ledger key ("2024/tan-khai", "2024/province/binh-phuoc"),
    leaving out the hidden ones (a build's staging or set-aside folders)."""
    found = {}
    for year in sorted(p for p in (root / "outputs").glob("[0-9][0-9][0-9][0-9]") if p.is_dir()):
        for folder in sorted(p for p in year.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            found[f"{year.name}/{folder.name}"] = folder
        for folder in sorted(p for p in (year / "_rollup").glob("*") if p.is_dir() and not p.name.startswith(".")):
            level, _dash, slug = folder.name.partition("-")
            found[f"{year.name}/{level}/{slug}"] = folder
    return found


def one_build_each(root: Path) -> dict[str, str]:
    """The build id of every report folder that holds a report, checking that all its files record
    the same one (or that it holds no report file at all). Returns {ledger key: build id}."""
    ids = {}
    for key, folder in report_folders(root).items():
        present = [name for name in REPORT_FILES if (folder / name).is_file()]
        if not present:
            continue
        assert present == list(REPORT_FILES), f"{key}: only {present}"
        found = file_ids(folder)
        assert len(set(found.values())) == 1 and None not in found.values(), f"{key}: {found}"
        ids[key] = found["build.json"]
    return ids


def ledger_ids(root: Path) -> dict[str, str]:
    """The build id the ledger records for every report (valid JSON, or the test fails)."""
    ledger = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    return {key: entry.get("build_id", "") for group in ("reports", "rollups") for key, entry in ledger[group].items()}
