"""What a section notebook calls: one object per (unit, year) whose methods return displayable HTML."""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property

from jinja2 import Environment, PackageLoader, StrictUndefined

from tuphap import formatting
from tuphap.chart_figure import Chart, chart_html
from tuphap.config import ProjectPaths, check_slug, check_year
from tuphap.errors import TuphapError
from tuphap.figures import Figures
from tuphap.loading import Dataset, NarrativeBlock, ReportParams, load_narrative, load_params
from tuphap.prose import Source, figure_phrase, fill, fill_words, knows_none

TEMPLATES = Environment(loader=PackageLoader("tuphap", "templates"), autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Fragment:
    """A piece of the report. Jupyter shows it as HTML; assembly collects that HTML."""
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Fragment: {len(self.html)} characters of HTML>"


def _year_words(year: int) -> dict[str, str]:
    return {"year": str(year), "next_year": str(year + 1), "prev_year": str(year - 1)}


class Section:
    def __init__(self, dataset: Dataset, unit: str, year: int):
        self.dataset = dataset
        self.unit = dataset.unit(check_slug(unit))
        self.year = check_year(year)
        paths = dataset.paths
        self.params: ReportParams = load_params(paths.params_file(self.year, unit))
        self.narrative_file = paths.narrative_file(self.year, unit)
        self.narrative_blocks: dict[str, NarrativeBlock] = load_narrative(self.narrative_file)

    # -- data -------------------------------------------------------------------------------
    def figures(self, year: int | None = None) -> Figures:
        return Figures(self.dataset.catalogue, self.dataset.values_for(self.unit.slug, year or self.year))

    @cached_property
    def words(self) -> dict[str, str]:
        """The document's words that prose can use as {name}."""
        period = self.params.data_period
        unit = self.unit
        return {
            **_year_words(self.year),
            "unit_kind": unit.kind, "unit_name": unit.name, "unit_full": unit.full_name,
            "hamlet": unit.hamlet_kind, "district": unit.district, "province": unit.province,
            "request": self.params.request,
            "period_note": (f"(số liệu thực tế tính từ {formatting.date_short(period.start)} "
                            f"đến {formatting.date_short(period.end)})") if period else "",
        }

    # -- prose ------------------------------------------------------------------------------
    def _words_for(self, year: int) -> dict[str, str]:
        return {**self.words, **_year_words(year)}

    def text(self, template: str, *, year: int | None = None, optional: bool = False) -> Fragment:
        """Generic prose of this section; year= fills the placeholders with another year's figures.
        With optional=True the sentence is left out when none of its figures is known (the commune
        does not report them); when only some are missing it stays, showing them as missing."""
        figures = self.figures(year)
        if optional and knows_none(template, figures):
            return Fragment("")
        source = Source("text in a section notebook")
        return Fragment(fill(template, figures, self._words_for(year or self.year), source))

    def text_by_count(self, indicator_id: str, *, other: str, one: str | None = None, zero: str | None = None,
                      optional: bool = False) -> Fragment:
        """The sentence that fits the figure: `zero` for 0, `one` for 1, `other` otherwise and when the
        figure is missing (it then shows as missing, or with optional=True the sentence is left out).
        So "trung bình" is written only where there is more than one bookcase."""
        if indicator_id not in self.dataset.catalogue:
            raise TuphapError(f"text_by_count: {indicator_id!r} names no indicator in data/indicators.csv")
        value = self.figures().value(indicator_id)
        if value is None and optional:
            return Fragment("")
        template = zero if value == 0 and zero is not None else one if value == 1 and one is not None else other
        return self.text(template)

    @cached_property
    def has_previous_year(self) -> bool:
        """Whether the unit has any figure for the year before, i.e. whether comparisons are due."""
        return bool(self.dataset.values_for(self.unit.slug, self.year - 1))

    def year_comparison(self, indicators: list[str], intro: str) -> Fragment:
        """Each indicator this year beside the same indicator last year, in the same unit, as a list
        after the sentence `intro`; a figure missing in either year shows as missing. Nothing when the
        unit has no figures at all for last year, or when neither year has any of these."""
        for indicator_id in indicators:
            if indicator_id not in self.dataset.catalogue:
                raise TuphapError(f"year_comparison: {indicator_id!r} names no indicator in data/indicators.csv")
        now, before = self.figures(), self.figures(self.year - 1)
        shown = [i for i in indicators if now.has(i) or before.has(i)]
        if not self.has_previous_year or not shown:
            return Fragment("")
        items = [f"{html.escape(self.dataset.catalogue[i].label)}: {figure_phrase(now, i)} "
                 f"(năm {self.year - 1}: {figure_phrase(before, i)})" for i in shown]
        listed = "".join(f"<li>{item}{'.' if n == len(items) else ';'}</li>" for n, item in enumerate(items, start=1))
        source = Source("year comparison in a section notebook")
        return Fragment(fill(intro, now, self.words, source) + f"<ul>{listed}</ul>")

    def _block_html(self, key: str) -> str | None:
        block = self.narrative_blocks.get(key)
        if block is None:
            return None
        source = Source(f"{block.file}, block '## {key}' (line {block.line})")
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

    # -- structure --------------------------------------------------------------------------
    def heading(self, text: str, *, level: int = 3, style: str = "", comparison: str = "") -> Fragment:
        """A heading; style 'italic' for the reference's italic sub-items (1.1., a), ...). `comparison`
        is added after the text only when the unit has last year's figures, so that no heading promises
        a comparison that does not follow (see year_comparison)."""
        if comparison and self.has_previous_year:
            text = f"{text} {comparison}"
        words = html.escape(self._fill_words(text))
        css = f' class="{style}"' if style else ""
        return Fragment(f"<h{level}{css}>{words}</h{level}>")

    def closing(self, template: str) -> Fragment:
        """The closing sentence ('Trên đây là báo cáo ...'): text outside the outline, which belongs
        to no heading before it."""
        return Fragment(self.text(template).html.replace("<p>", '<p class="closing">', 1))

    def part(self, label: str, title: str) -> Fragment:
        """'Phần thứ nhất:' over a bold centred title."""
        return Fragment(TEMPLATES.get_template("part.html.j2").render(
            label=self._fill_words(label), title=self._fill_words(title)))

    def _fill_words(self, text: str) -> str:
        return fill_words(text, self.words, Source("heading or caption in a section notebook"))

    def document_header(self, subject: str) -> Fragment:
        """The Nghị định 30/2020 header: issuing body and number left, national name and motto right,
        place and date, then 'BÁO CÁO' and the subject line."""
        params = self.params
        return Fragment(TEMPLATES.get_template("header.html.j2").render(
            issuer_unit=self.unit.full_name, issuer_parent=False, sample=self.unit.sample, params=params, date_line=f"{params.place}, {formatting.date_long(params.date)}",
            subject=self._fill_words(subject),
        ))

    def signature_block(self) -> Fragment:
        """'Nơi nhận:' and the recipients at left, the signer at right."""
        return Fragment(TEMPLATES.get_template("signature.html.j2").render(params=self.params))

    def data_quality_note(self) -> Fragment:
        """A boxed note, set apart from the official text, listing what validation found in this
        report's figures and narrative (label, expected, found, and the reason where the params
        acknowledge a finding); nothing when all rules pass. Drafts only: the final copy drops it."""
        from tuphap.validation import report_findings  # validation builds on this module's words

        findings = report_findings(self.dataset, self.unit.slug, self.year)
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
        if total_id not in self.dataset.catalogue:
            raise TuphapError(f"parts_chart: {total_id!r} names no indicator in data/indicators.csv")
        figures = self.figures()
        parts = figures.present_parts(total_id)
        if not parts:
            return Fragment("")
        return draw_chart(Chart(
            "bars", self._fill_words(caption), [p.label for p in parts], [p.unit for p in parts], ["Số liệu"],
            [[figures.value(p.id) for p in parts]], [[figures.format(p.id, pad=False) for p in parts]],
            axis=self.dataset.catalogue[total_id].unit))

    def year_comparison_chart(self, indicators: list[str], caption: str) -> Fragment:
        """Last year beside this year for each listed amount known in both years (flags and texts are not
        drawn); nothing when none is."""
        now, before = self.figures(), self.figures(self.year - 1)
        for indicator_id in indicators:
            if indicator_id not in self.dataset.catalogue:
                raise TuphapError(f"year_comparison_chart: {indicator_id!r} names no indicator in data/indicators.csv")
        shared = [self.dataset.catalogue[i] for i in indicators
                  if self.dataset.catalogue[i].quantity and now.has(i) and before.has(i)]
        if not shared:
            return Fragment("")
        return draw_chart(Chart(
            "years", self._fill_words(caption), [i.label for i in shared], [i.unit for i in shared],
            [f"Năm {self.year - 1}", f"Năm {self.year}"],
            [[before.value(i.id) for i in shared], [now.value(i.id) for i in shared]],
            [[before.format(i.id, pad=False) for i in shared], [now.format(i.id, pad=False) for i in shared]]))


def draw_chart(chart: Chart) -> Fragment:
    """The chart drawn, with its figures in the alt text and in a table under it."""
    from tuphap import charts  # matplotlib loads slowly; only chart cells need it

    return Fragment(chart_html(chart, charts.draw(chart)))


def open_section(unit: str, year: int, root: str | None = None) -> Section:
    """Load the data, params and narrative of one report, for a section notebook to write from."""
    return Section(Dataset.load(ProjectPaths.discover(root)), unit, year)
