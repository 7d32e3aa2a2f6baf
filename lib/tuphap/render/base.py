"""What every report notebook calls, commune or roll-up: a Report whose methods return Fragments of
displayable HTML (Jupyter shows them; assembly collects them). The two kinds differ in their words,
their figures and their header's issuing body; headings, parts, the signature block and charts are
written once, here."""
from __future__ import annotations

import datetime as dt
import html
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

from tuphap.compute import formatting
from tuphap.compute.figures import format_value
from tuphap.compute.prose import ESTIMATE_MARK, Source, fill_words
from tuphap.compute.words import actual_period
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.catalogue import Indicator
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.params import ReportParams
from tuphap.inputs.report_kinds import ReportKind
from tuphap.render.chart import Chart, chart_html

TEMPLATES = Environment(loader=PackageLoader("tuphap", "templates"), autoescape=True, undefined=StrictUndefined)


# How a notebook shows what the report's stylesheet does (JupyterLab has no report.css): missing figures
# in red, footnotes as notes under their sentence, the data-quality note boxed. Assembly removes it.
NOTEBOOK_STYLE = (
    '<style class="tuphap-notebook">'
    ".missing{color:#b00000;background:#fde2e1}"
    "span.footnote{display:block;margin:2px 0 2px 1em;padding-left:6px;border-left:2px solid #bbb;"
    "font-size:88%;color:#444}span.footnote::before{content:'Chú thích: ';font-style:italic}"
    "aside.data-quality{border:1.5px dashed #b35c00;background:#fff4e0;padding:4px 8px;margin:6px 0}"
    "figure.chart img{max-width:100%}"
    "</style>"
)


@dataclass(frozen=True)
class Fragment:
    """A piece of the report. Jupyter shows it as HTML, styled as the report shows it; assembly
    collects that HTML (without the notebook's style)."""
    html: str

    def _repr_html_(self) -> str:
        return NOTEBOOK_STYLE + self.html if self.html else ""

    def __repr__(self) -> str:
        return f"<Fragment: {len(self.html)} characters of HTML>"


def brief_errors_in_notebooks() -> None:
    """In a notebook, an analyst's mistake (an unknown unit, a bad file) shows as one short message
    naming the file and the fix, not a traceback through the package. The cell still fails, so a
    build records the error as before."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is None:
        return

    def brief(shell, etype, value, tb, tb_offset=None) -> None:
        # IPython shows nothing itself for a custom exception: publishing it as the cell's error output
        # (what a traceback would be) keeps the cell failed for papermill, with two lines to read.
        shell._showtraceback(etype, value, [f"Lỗi: {value}", "Sửa ô tham số của notebook hoặc tệp được nêu, rồi chạy lại ô."])

    shell.set_custom_exc((TuphapError,), brief)


def draw_chart(chart: Chart) -> Fragment:
    """The chart drawn, with its figures in the alt text and in a table under it."""
    from tuphap.render import drawing  # matplotlib loads slowly; only chart cells need it

    return Fragment(chart_html(chart, drawing.draw(chart)))


class Report(ABC):
    """One report as its notebooks write it."""
    dataset: Dataset
    year: int
    params: ReportParams
    kind_name: str  # how error messages name the notebooks: "section notebook", "roll-up notebook"
    kind: str  # the report kind's folders ('' for the default kind)
    report_kind: ReportKind
    period: str  # the period code of its figures in data/values/
    period_name: str  # what a year's figures are called beside last year's: "năm", "6 tháng đầu năm"

    def _take_kind(self, kind: str) -> None:
        """The report kind (data/report_kinds.yaml) whose figures and words the report uses."""
        kinds = self.dataset.kinds
        self.kind = kinds.folder(kind) if kind else ""
        self.report_kind = kinds[kinds.slug(self.kind)]
        self.period = self.report_kind.period.code
        self.period_name = self.report_kind.period.name

    @property
    @abstractmethod
    def words(self) -> dict[str, str]:
        """The document's words that prose can use as {name} (compute/words.py)."""

    @property
    @abstractmethod
    def has_previous_year(self) -> bool:
        """Whether there are figures for the year before, i.e. whether comparisons are due."""

    @abstractmethod
    def _has_estimates(self) -> bool:
        """Whether any figure of the report's period is an estimate."""

    def _fill_words(self, text: str) -> str:
        return fill_words(text, self.words, Source(_("heading or caption in a {kind}").format(kind=_(self.kind_name))))

    def _indicator(self, indicator_id: str, caller: str) -> Indicator:
        if indicator_id not in self.dataset.catalogue:
            raise TuphapError(_("{caller}: {indicator!r} names no indicator in data/indicators.csv").format(
                caller=caller, indicator=indicator_id))
        return self.dataset.catalogue[indicator_id]

    # -- structure --------------------------------------------------------------------------
    def heading(self, text: str, *, level: int = 3, style: str = "", comparison: str = "") -> Fragment:
        """A heading; style 'italic' for the reference's italic sub-items (1.1., a), ...). `comparison`
        is added after the text only when there are last year's figures, so that no heading promises
        a comparison that does not follow."""
        if comparison and self.has_previous_year:
            text = f"{text} {comparison}"
        css = f' class="{style}"' if style else ""
        return Fragment(f"<h{level}{css}>{html.escape(self._fill_words(text))}</h{level}>")

    def part(self, label: str, title: str) -> Fragment:
        """'Phần thứ nhất:' over a bold centred title."""
        return Fragment(TEMPLATES.get_template("part.html.j2").render(
            label=self._fill_words(label), title=self._fill_words(title)))

    def _header(self, subject: str, *, issuer_unit: str, issuer_parent: bool, sample: str = "") -> Fragment:
        """The Nghị định 30/2020 header: the issuing body and number at left, national name and motto
        at right, place and date, then 'BÁO CÁO' and the subject line; `sample`: a red banner's text."""
        params = self.params
        return Fragment(TEMPLATES.get_template("header.html.j2").render(
            issuer_unit=issuer_unit, issuer_parent=issuer_parent, sample=sample, params=params,
            date_line=f"{params.place}, {formatting.date_long(params.date)}", subject=self._fill_words(subject)))

    def period_statement(self) -> Fragment:
        """Which days the figures cover and to which day they are actual (the params' data_period, else
        the kind's rule), and, when the report has estimated figures, what their mark means: "Số liệu
        thực tế tính từ ngày 01/01/2025 đến ngày 31/5/2025; số liệu từ ngày 01/6/2025 đến ngày 30/6/2025
        là số liệu ước tính, được đánh dấu (*) sau con số"."""
        rule = self.report_kind.period
        actual, end = actual_period(self.params, rule, self.year), rule.day("end", self.year)
        estimated = self._has_estimates()
        text = f"Số liệu thực tế tính từ ngày {formatting.date_short(actual.start)} đến ngày {formatting.date_short(actual.end)}"
        if actual.end < end:
            text += (f"; số liệu từ ngày {formatting.date_short(actual.end + dt.timedelta(days=1))} đến ngày "
                     f"{formatting.date_short(end)} là số liệu ước tính") + (
                f", được đánh dấu {ESTIMATE_MARK} sau con số" if estimated else "")
        elif estimated:
            text += f"; số liệu có dấu {ESTIMATE_MARK} là số liệu ước tính"
        return Fragment(f'<p class="period-statement"><em>{html.escape(text)}.</em></p>')

    def signature_block(self) -> Fragment:
        """'Nơi nhận:' and the recipients at left, the signer at right."""
        return Fragment(TEMPLATES.get_template("signature.html.j2").render(params=self.params))

    # -- charts -----------------------------------------------------------------------------
    def _years_chart(self, caption: str, indicators: list[Indicator], before: list[float], now: list[float]) -> Fragment:
        """Last year beside this year for each indicator, each pair on its own scale."""
        def texts(values: list[float]) -> list[str]:
            return [format_value(ind, value, pad=False) for ind, value in zip(indicators, values)]

        return draw_chart(Chart(
            "years", self._fill_words(caption), [i.label for i in indicators], [i.unit for i in indicators],
            [f"{self.period_name} {year}".capitalize() for year in (self.year - 1, self.year)], [before, now],
            [texts(before), texts(now)]))

