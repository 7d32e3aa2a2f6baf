"""What the live preview (`tuphap preview`) needs from the notebook API.

**Reads.** While its cells run, a commune report notes what it reads of the unit's inputs: the
narrative blocks it asks for, every figure it looks up as (year, indicator) — also those a rate's
numerator and denominator, a total's parts or a placeholder inside a narrative block lead to, since
they are all looked up through the same values — and the years for which it asked whether there is
any figure at all (a comparison with last year appears only then) or whether any figure is an estimate
(the period statement says what the estimate mark means only then). The figures are those of the
report's period (its kind's: the year, the first six months), and for the year before those it compares
with (a merged unit's: its predecessors' added up); a figure read is also read as actual or estimated,
so the preview compares both. A call whose output depends on
inputs it does not itemise (the data-quality note validates every figure and the whole narrative)
marks the report `everything`. The preview runs `record_reads()` before a section's cells and
`recorded_reads()` after them, and re-runs the section later only when something it read changed.
Outside a preview nothing is collected; each report keeps its own small record.

What no section itemises — the params, the unit's registry row, the catalogue — changes every section,
so the preview re-runs them all when one of those changes. RECORDED_METHODS lists the report methods
whose reads are all noted that way: a notebook that does anything else (its own code, another object)
cannot be analysed and its section is re-run on every change.

**PreviewLink.** What `section.preview()` shows in a notebook: a running preview of this report (its
address, written by the preview server, and the live page in a frame), else the last built report.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tuphap.compute import formatting
from tuphap.project import ProjectPaths

READS_MIME = "application/x.tuphap-reads+json"

# The CommuneReport calls whose every read is noted (or depends only on the params, the registry row or
# the catalogue, which re-run every section). Keep in step with render/commune.py.
RECORDED_METHODS = frozenset({
    "heading", "part", "text", "text_by_count", "year_comparison", "narrative", "narrative_section", "closing",
    "document_header", "data_quality_note", "signature_block", "parts_chart", "year_comparison_chart", "preview",
    "period_statement",
})


@dataclass
class Reads:
    """What a report's cells read of the unit's inputs (see the module's notes)."""
    narrative: set[str] = field(default_factory=set)  # block keys, asked for whether present or not
    values: set[tuple[int, str]] = field(default_factory=set)  # (year, indicator), present or not
    any_values: set[int] = field(default_factory=set)  # years asked whether they have any figure
    any_estimates: set[int] = field(default_factory=set)  # years asked whether any of their figures is an estimate
    everything: bool = False  # depends on inputs not itemised: re-run on any change

    def merge(self, other: Reads) -> None:
        self.narrative |= other.narrative
        self.values |= other.values
        self.any_values |= other.any_values
        self.any_estimates |= other.any_estimates
        self.everything = self.everything or other.everything

    def as_json(self) -> dict:
        return {"narrative": sorted(self.narrative), "values": sorted([y, i] for y, i in self.values),
                "any_values": sorted(self.any_values), "any_estimates": sorted(self.any_estimates),
                "everything": self.everything}

    @classmethod
    def from_json(cls, data: dict) -> Reads:
        return cls(set(data["narrative"]), {(int(y), i) for y, i in data["values"]}, {int(y) for y in data["any_values"]},
                   {int(y) for y in data.get("any_estimates", ())}, bool(data["everything"]))


class ReadValues(Mapping):
    """One year's figures of a unit that note each indicator looked up in `reads` (compute.figures reads
    figures with .get); going through all of them (iterating, counting) marks `everything`."""

    def __init__(self, values: dict, year: int, reads: Reads):
        self._values, self._year, self._reads = values, year, reads

    def __getitem__(self, indicator_id: str):
        self._reads.values.add((self._year, indicator_id))
        return self._values[indicator_id]

    def __contains__(self, indicator_id) -> bool:
        self._reads.values.add((self._year, indicator_id))
        return indicator_id in self._values

    def __iter__(self) -> Iterator[str]:
        self._reads.everything = True
        return iter(self._values)

    def __len__(self) -> int:
        self._reads.everything = True
        return len(self._values)


_collected: list[Reads] | None = None  # the reports opened since record_reads(), while a preview collects


def opened(reads: Reads) -> Reads:
    """A report's record, collected when a preview asked for it (render/commune.py calls this per report)."""
    if _collected is not None:
        _collected.append(reads)
    return reads


def record_reads() -> None:
    """Collect the reads of every report opened from now on (the preview runs this before a section)."""
    global _collected
    _collected = []


class _ReadsOutput:
    """The reads as the cell's result: a MIME bundle the preview reads back (never part of a report:
    the preview's cells that make it are removed before assembly)."""

    def __init__(self, reads: Reads | None):
        self.reads = reads

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = self.reads.as_json() if self.reads else None
        return {READS_MIME: {"reads": data}, "text/plain": json.dumps(data, ensure_ascii=False)}


def recorded_reads() -> _ReadsOutput:
    """What the reports opened since record_reads() read, merged; stops collecting. None (shown as
    null) when no report was opened."""
    global _collected
    collected, _collected = _collected or [], None
    if not collected:
        return _ReadsOutput(None)
    merged = Reads()
    for reads in collected:
        merged.merge(reads)
    return _ReadsOutput(merged)


# -- section.preview() -----------------------------------------------------------------------------
def address_file(paths: ProjectPaths, year: int, unit: str, kind: str = "") -> Path:
    """Where a running `tuphap preview` of this report leaves its address for the notebooks (`kind`: the
    report kind's folder, '' for the default kind)."""
    return paths.outputs_dir / ".preview" / (f"{year}-_{kind}-{unit}.json" if kind else f"{year}-{unit}.json")


def running_preview(paths: ProjectPaths, year: int, unit: str, kind: str = "") -> str | None:
    """The address of a running preview of this report, or None (no file, or its process is gone)."""
    try:
        record = json.loads(address_file(paths, year, unit, kind).read_text(encoding="utf-8"))
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(record["url"])


@dataclass(frozen=True)
class PreviewLink:
    """What `section.preview()` shows. Markdown (with a frame where a preview runs), never HTML: a
    forgotten `section.preview()` cell then shows nothing in a built report, whose sections keep only
    HTML and images."""
    unit: str
    year: int
    url: str | None  # a running preview
    built: Path | None  # the last built report.html
    built_at: str  # when it was written, as shown to analysts
    kind: str = ""  # the report kind's folder ('' the default kind)

    def _markdown(self) -> str:
        option = f" --kind {self.kind}" if self.kind else ""
        command = f"`tuphap preview --unit {self.unit} --year {self.year}{option}`"
        if self.url:
            return (f"**Bản xem trước đang chạy:** [{self.url}]({self.url}) — cả báo cáo, tự cập nhật mỗi khi "
                    f"lưu lời văn, số liệu, tham số hoặc notebook.\n\n"
                    f'<iframe src="{self.url}" title="Bản xem trước" style="width:100%;height:80vh;'
                    f'border:1px solid #bbb"></iframe>\n')
        if self.built:
            link = os.path.relpath(self.built, Path.cwd()).replace(os.sep, "/")
            return (f"**Báo cáo đã tạo lúc {self.built_at}:** [{link}]({link}) — chưa gồm các thay đổi sau lần "
                    f"tạo đó. Để xem cả báo cáo luôn cập nhật khi lưu tệp, chạy {command}.\n")
        return (f"**Chưa có báo cáo nào của {self.unit} năm {self.year}.** Chạy {command} để xem cả báo cáo, "
                f"tự cập nhật khi lưu tệp (hoặc `tuphap build --unit {self.unit} --year {self.year}{option}` để tạo).\n")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/markdown": self._markdown(), "text/plain": self.url or str(self.built or "")}


def preview_link(paths: ProjectPaths, unit: str, year: int, kind: str = "") -> PreviewLink:
    url = running_preview(paths, year, unit, kind)
    built = paths.report_dir(year, unit, kind) / "report.html"
    if url or not built.is_file():
        return PreviewLink(unit, year, url, None, "", kind)
    import datetime as dt

    when = dt.datetime.fromtimestamp(built.stat().st_mtime).astimezone().isoformat(timespec="seconds")
    return PreviewLink(unit, year, None, built, formatting.timestamp(when), kind)
