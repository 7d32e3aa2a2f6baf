"""What a section notebook calls: the commune report of one (unit, year), whose methods return
displayable HTML (the methods all report notebooks share are in base.py)."""
from __future__ import annotations

import html
import os
from functools import cached_property
from pathlib import Path

from tuphap.check.reports import report_findings
from tuphap.compute import rollup
from tuphap.compute.figures import Figures
from tuphap.compute.prose import ESTIMATE_MARK, Source, figure_phrase, fill, knows_none
from tuphap.compute.words import commune_words, year_words
from tuphap.i18n import N_, _
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.narrative import NarrativeBlock, load_narrative
from tuphap.inputs.params import ReportParams, load_params
from tuphap.project import ProjectPaths, check_slug, check_year
from tuphap.render.base import TEMPLATES, Fragment, Report, brief_errors_in_notebooks, draw_chart
from tuphap.render.chart import Chart
from tuphap.render.preview import PreviewLink, Reads, ReadValues, opened, preview_link

# The red banners over an invented unit's report, and over a real unit's report with invented figures.
# Said of a sample row of data/units.csv: an invented unit (its name says "(mẫu)") or a real one whose figures
# for that period are made up (xã Tân Khai in 2025): only the figures are invented in both.
SAMPLE_UNIT = "DỮ LIỆU MẪU — số liệu của đơn vị trong báo cáo này được tạo ra để minh họa, không phải số liệu thật."
SAMPLE_FIGURES = "SỐ LIỆU MẪU — số liệu của báo cáo này được tạo ra để minh họa, không phải số liệu thật."


class CommuneReport(Report):
    kind_name = N_("section notebook")

    def __init__(self, dataset: Dataset, unit: str, year: int, kind: str = ""):
        self.dataset = dataset
        dataset.unit(check_slug(unit))  # an unknown unit is named before its params are looked for
        self.year = check_year(year)
        self._take_kind(kind)
        paths = dataset.paths
        params = load_params(paths.params_file(self.year, unit, self.kind))
        if not params.recipients:  # the kind's recipients, unless the params list the report's own
            params = params.model_copy(update={"recipients": self.report_kind.recipients})
        self.params: ReportParams = params
        self.unit = dataset.unit(unit, on=self.params.date)  # as it was on the report's date
        # Figures with rows that could not be read are not whole: no section is written from them.
        rollup.refuse_unreadable(rollup.unreadable_rows(dataset, unit, self.year, self.period, on=self.params.date))
        self.narrative_file = paths.narrative_file(self.year, unit, self.kind)
        # Read now, so that a file that cannot be read fails the notebook's first cell.
        self._narrative_state = _file_state(self.narrative_file)  # taken first: a later save is seen next time
        self._narrative_blocks: dict[str, NarrativeBlock] = load_narrative(self.narrative_file)
        self.reads: Reads = opened(Reads())  # what the cells read, for the live preview (render/preview.py)

    @property
    def narrative_blocks(self) -> dict[str, NarrativeBlock]:
        """The narrative file's blocks, read again when the file changed (its size, time or inode; one
        stat per call), so that re-running a cell in JupyterLab shows the text just saved."""
        state = _file_state(self.narrative_file)
        if state != self._narrative_state:
            self._narrative_blocks = load_narrative(self.narrative_file)
            self._narrative_state = state
        return self._narrative_blocks

    # -- data -------------------------------------------------------------------------------
    def figures(self, year: int | None = None) -> Figures:
        """The figures of the report's period (its kind's: the year, the first six months…), marking
        estimates; for the year before, those it compares with (its predecessors' added up when it was
        formed from others during this year)."""
        year = year or self.year
        if year == self.year - 1:
            values, estimates = self.previous.values, self.previous.estimates
        else:
            values = self.dataset.values_for(self.unit.slug, year, self.period)
            estimates = self.dataset.estimates_for(self.unit.slug, year, self.period)
        return Figures(self.dataset.catalogue, ReadValues(values, year, self.reads), estimates=estimates)

    @cached_property
    def previous(self) -> rollup.PreviousYear:
        return rollup.previous_year(self.dataset, self.unit.slug, self.year, self.period, on=self.params.date)

    @cached_property
    def words(self) -> dict[str, str]:
        """The document's words that prose can use as {name}."""
        return commune_words(self.unit, self.params, self.year, self.report_kind.period)

    # -- prose ------------------------------------------------------------------------------
    def _words_for(self, year: int) -> dict[str, str]:
        return {**self.words, **year_words(year)}

    def text(self, template: str, *, year: int | None = None, optional: bool = False) -> Fragment:
        """Generic prose of this section; year= fills the placeholders with another year's figures.
        With optional=True the sentence is left out when none of its figures is known (the commune
        does not report them); when only some are missing it stays, showing them as missing."""
        figures = self.figures(year)
        if optional and knows_none(template, figures):
            return Fragment("")
        source = Source(_("text in a section notebook"))
        return Fragment(fill(template, figures, self._words_for(year or self.year), source))

    def text_by_count(self, indicator_id: str, *, other: str, one: str | None = None, zero: str | None = None,
                      optional: bool = False) -> Fragment:
        """The sentence that fits the figure: `zero` for 0, `one` for 1, `other` otherwise and when the
        figure is missing (it then shows as missing, or with optional=True the sentence is left out).
        So "trung bình" is written only where there is more than one bookcase."""
        self._indicator(indicator_id, "text_by_count")
        value = self.figures().value(indicator_id)
        if value is None and optional:
            return Fragment("")
        template = zero if value == 0 and zero is not None else one if value == 1 and one is not None else other
        return self.text(template)

    @cached_property
    def has_previous_year(self) -> bool:
        """Whether the unit has any figure for the year before, i.e. whether comparisons are due."""
        self.reads.any_values.add(self.year - 1)
        return self.previous.reported

    def _merger_note(self) -> str:
        """Under a comparison, where last year's figures come from when the unit was formed from others:
        'Số liệu năm 2024 là tổng số liệu của thị trấn Tân Khai, xã Tân Hiệp và xã Đồng Nơ (trước sắp xếp
        theo Nghị quyết số 1662/NQ-UBTVQH15).'"""
        note = self.previous.note(self.year, period_name=self.period_name)
        if not note:
            return ""
        note += "; chỉ tiêu nào một đơn vị không có số liệu thì không được cộng."
        return f'<p class="comparison-note"><em>{html.escape(note)}</em></p>'

    def year_comparison(self, indicators: list[str], intro: str) -> Fragment:
        """Each indicator this year beside the same indicator last year, in the same unit, as a list
        after the sentence `intro`; a figure missing in either year shows as missing. Nothing when the
        unit has no figures at all for last year, or when neither year has any of these."""
        for indicator_id in indicators:
            self._indicator(indicator_id, "year_comparison")
        now, before = self.figures(), self.figures(self.year - 1)
        shown = [i for i in indicators if now.has(i) or before.has(i)]
        if not self.has_previous_year or not shown:
            return Fragment("")
        items = [f"{html.escape(self.dataset.catalogue[i].label)}: {figure_phrase(now, i)} "
                 f"({self.period_name} {self.year - 1}: {figure_phrase(before, i)})" for i in shown]
        listed = "".join(f"<li>{item}{'.' if n == len(items) else ';'}</li>" for n, item in enumerate(items, start=1))
        source = Source(_("year comparison in a section notebook"))
        return Fragment(fill(intro, now, self.words, source) + f"<ul>{listed}</ul>" + self._merger_note())

    def _block_html(self, key: str) -> str | None:
        self.reads.narrative.add(key)
        block = self.narrative_blocks.get(key)
        if block is None:
            return None
        source = Source(_("{file}, block '## {key}' (line {line})").format(file=block.file, key=key, line=block.line))
        return fill(block.text, self.figures(), self.words, source) if block.text else ""

    def narrative(self, key: str) -> Fragment:
        """The unit's own prose for this year: the block '## key' of its narrative file."""
        body = self._block_html(key)
        if body is None:
            return Fragment(
                f'<p class="missing">[Chưa có nội dung: thêm mục “## {html.escape(key)}” vào '
                f"{html.escape(str(self.narrative_file))}]</p>"
            )
        return Fragment(body)

    def narrative_section(self, title: str, key: str, *, level: int = 4, style: str = "") -> Fragment:
        """A heading followed by a narrative block. A heading under which the report ends up with
        nothing (no narrative, no generated sentence) gets "(không có)" at assembly."""
        return Fragment(self.heading(title, level=level, style=style).html + self.narrative(key).html)

    def _has_estimates(self) -> bool:
        self.reads.any_estimates.add(self.year)  # whether any figure is an estimate depends on them all
        return bool(self.dataset.estimates_for(self.unit.slug, self.year, self.period))

    # -- structure --------------------------------------------------------------------------
    def closing(self, template: str) -> Fragment:
        """The closing sentence ('Trên đây là báo cáo ...'): text outside the outline, which belongs
        to no heading before it."""
        return Fragment(self.text(template).html.replace("<p>", '<p class="closing">', 1))

    def document_header(self, subject: str) -> Fragment:
        """The header, issued by the commune's people's committee (ỦY BAN NHÂN DÂN / THỊ TRẤN TÂN KHAI)."""
        sample = (SAMPLE_UNIT if self.unit.sample else SAMPLE_FIGURES if self.params.sample else "")
        return self._header(subject, issuer_unit=self.unit.full_name, issuer_parent=False, sample=sample)

    def data_quality_note(self) -> Fragment:
        """A boxed note, set apart from the official text, listing what validation found in this
        report's figures and narrative (label, expected, found, and the reason where the params
        acknowledge a finding); nothing when all rules pass. Drafts only: the final copy drops it."""
        self.reads.everything = True  # validation reads every figure and the whole narrative
        findings = report_findings(self.dataset, self.unit.slug, self.year, kind=self.kind)
        if not findings:
            return Fragment("")
        catalogue = self.dataset.catalogue

        def reason(finding) -> str:
            found = finding.as_dict()
            return next((ack.reason for ack in self.params.acknowledged if ack.covers(found)), "")

        rows = [{
            "severity": finding.severity,
            "label": (catalogue[finding.indicator].label if finding.indicator in catalogue
                      else f"Lời văn, dòng {finding.row}" if finding.file.endswith(".md") else "Tệp số liệu"),
            "expected": finding.expected, "found": finding.found, "message": finding.message_vi,
            "acknowledged": reason(finding),
        } for finding in findings]
        return Fragment(TEMPLATES.get_template("data_quality.html.j2").render(findings=rows))

    # -- charts -----------------------------------------------------------------------------
    def parts_chart(self, total_id: str, caption: str) -> Fragment:
        """Bars for the parts of a total (the catalogue's 'part_of'); nothing when no part has data."""
        total = self._indicator(total_id, "parts_chart")
        figures = self.figures()
        parts = figures.present_parts(total_id)
        if not parts:
            return Fragment("")
        return draw_chart(Chart(
            "bars", self._fill_words(caption), [p.label for p in parts], [p.unit for p in parts], ["Số liệu"],
            [[figures.value(p.id) for p in parts]],
            [[figures.format(p.id, pad=False) + (ESTIMATE_MARK if figures.is_estimate(p.id) else "") for p in parts]],
            axis=total.unit))

    def year_comparison_chart(self, indicators: list[str], caption: str) -> Fragment:
        """Last year beside this year for each listed amount known in both years (flags and texts are not
        drawn); nothing when none is."""
        now, before = self.figures(), self.figures(self.year - 1)
        listed = [self._indicator(indicator_id, "year_comparison_chart") for indicator_id in indicators]
        shared = [ind for ind in listed if ind.quantity and now.has(ind.id) and before.has(ind.id)]
        if not shared:
            return Fragment("")
        chart = self._years_chart(caption, shared, [before.value(i.id) for i in shared], [now.value(i.id) for i in shared])
        return Fragment(chart.html + self._merger_note())

    # -- the whole report -------------------------------------------------------------------
    def preview(self) -> PreviewLink:
        """The whole report, from a notebook: the running `tuphap preview` of this unit, year and kind (its
        address and the live page in a frame), else a link to the last built report.html. Shown as
        Markdown, so a forgotten `section.preview()` cell adds nothing to a built report."""
        return preview_link(self.dataset.paths, self.unit.slug, self.year, self.kind)


def _file_state(path: Path) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def open_section(unit: str, year: int, root: str | None = None, kind: str = "") -> CommuneReport:
    """Load the data, params and narrative of one report, for a section notebook to write from; `kind`
    is a report kind of data/report_kinds.yaml (empty: the default kind, the year report)."""
    brief_errors_in_notebooks()
    return CommuneReport(Dataset.load(ProjectPaths.discover(root)), unit, year, kind)
