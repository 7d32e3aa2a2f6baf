"""What a roll-up notebook calls: one object per (level, area, year, kind) whose methods return displayable HTML.

The roll-up report of a district (before 2025) or a province has the commune report's official form
(header, signature) and shows the area's totals, rates recomputed from totals, rankings of the
communes and charts, for its report kind's period (the year, the first six months…). Its document
metadata is params/<year>/rollup/<level>-<area slug>.yaml (params/<year>/_<kind>/rollup/… for a kind
other than the default).
"""
from __future__ import annotations

import html
from functools import cached_property

from tuphap.compute import formatting, rollup
from tuphap.compute.coverage import Coverage, area_coverage, project_file
from tuphap.compute.figures import Figures, format_value
from tuphap.compute.prose import ESTIMATE_MARK, Source, fill, fill_words
from tuphap.compute.words import rollup_words
from tuphap.errors import DataError, TuphapError
from tuphap.i18n import N_, _
from tuphap.inputs.catalogue import Indicator
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.params import RollupParams, load_params
from tuphap.inputs.registry import Unit
from tuphap.inputs.rollup_rules import load_rollup_rules
from tuphap.project import ProjectPaths, check_year
from tuphap.render.base import TEMPLATES, Fragment, Report, brief_errors_in_notebooks, draw_chart
from tuphap.render.chart import Chart


def unit_title(unit: Unit) -> str:
    """'Thị trấn Tân Khai', as it heads a table row."""
    return unit.full_name[:1].upper() + unit.full_name[1:]


def _cell(text: str, css: str = "") -> dict:
    return {"text": text, "css": css}


class RollupReport(Report):
    kind_name = N_("roll-up notebook")

    def __init__(self, dataset: Dataset, level: str, area: str, year: int, kind: str = ""):
        self.dataset = dataset
        self.year = check_year(year)
        self._take_kind(kind)
        dataset.kinds.with_rollups(dataset.kinds.slug(self.kind))  # a kind without roll-ups is named first
        self.params: RollupParams = load_params(dataset.paths.rollup_params_file(
            self.year, rollup.area_key(rollup.check_level(level), area), self.kind), RollupParams)
        self.area = rollup.find_area(dataset, level, area, self.year, on=self.params.date)
        self.rules = load_rollup_rules(dataset.paths.rollup_rules_file, dataset.catalogue)

    # -- data -------------------------------------------------------------------------------
    @cached_property
    def _previous(self) -> dict[str, rollup.PreviousYear]:
        """What each commune of the area compares with, as on the roll-up's date: a unit formed before it
        compares with its predecessors' figures added up."""
        return {unit.slug: rollup.previous_year(self.dataset, unit.slug, self.year, self.period, on=self.params.date)
                for unit in self.area.units}

    @cached_property
    def coverage(self) -> Coverage:
        """The area's units on the roll-up's date, those with valid figures for its period, and the others."""
        return area_coverage(self.dataset, self.area.units, self.year, self.period)

    @cached_property
    def _reported(self) -> dict[int, dict[str, tuple[dict, frozenset[str]]]]:
        """Each year's (this one's and the one before) figures and estimates of the kind's period, by
        commune of the area whose figures are valid, read as the commune's report reads them (a total
        entered as its parts is their sum); last year's are what each commune's report compares with (after
        a merger, its predecessors' added up), and left out where a row of them could not be read."""
        this_year = {unit.slug: rollup.with_totals(self.dataset.catalogue,
                                                   self.dataset.values_for(unit.slug, self.year, self.period),
                                                   self.dataset.estimates_for(unit.slug, self.year, self.period))
                     for unit in self.coverage.covered}
        last_year = {slug: rollup.with_totals(self.dataset.catalogue, previous.values, previous.estimates)
                     for slug, previous in self._previous.items() if previous.values and not previous.errors}
        return {self.year: this_year, self.year - 1: last_year}

    def values_by_unit(self, year: int | None = None) -> dict[str, dict[str, float]]:
        """The figures of every commune of the area that reported for the year (this one or the one before)."""
        return {slug: values for slug, (values, _estimates) in self._reported[year or self.year].items()}

    def estimates_by_unit(self, year: int | None = None) -> dict[str, frozenset[str]]:
        """Which of those figures are estimates, by commune."""
        return {slug: estimates for slug, (_values, estimates) in self._reported[year or self.year].items()}

    @cached_property
    def communes(self) -> list[Unit]:
        """The communes whose figures the roll-up adds up, as they were on its date."""
        return list(self.coverage.covered)

    @cached_property
    def sample_communes(self) -> list[Unit]:
        return [unit for unit in self.communes if unit.sample]

    @cached_property
    def totals(self) -> dict[str, rollup.Total]:
        return rollup.totals(self.dataset.catalogue, self.values_by_unit(), self.rules)

    @cached_property
    def figures(self) -> Figures:
        return rollup.area_figures(self.dataset.catalogue, self.totals, self.estimates_by_unit())

    @cached_property
    def words(self) -> dict[str, str]:
        return rollup_words(self.area.name, self.params, self.year, len(self.communes), self.report_kind.period)

    @cached_property
    def has_previous_year(self) -> bool:
        return bool(self.values_by_unit(self.year - 1))

    def _has_estimates(self) -> bool:
        return any(self.estimates_by_unit().values())

    # -- prose and structure ----------------------------------------------------------------
    def text(self, template: str) -> Fragment:
        """Prose with the area's figures: {hoa_giai.tiep_nhan} is the area's total, a rate is
        recomputed from the totals; footnotes ^[...] as in the commune reports."""
        return Fragment(fill(template, self.figures, self.words, Source(_("text in a roll-up notebook"))))

    def document_header(self, subject: str) -> Fragment:
        """The header, issued by an agency under its body (UBND TỈNH BÌNH PHƯỚC over SỞ TƯ PHÁP)."""
        return self._header(subject, issuer_unit=self.params.issuer_unit, issuer_parent=True)

    def sample_notice(self, template: str) -> Fragment:
        """A red banner when sample (invented) communes are among those added up; {units} names them."""
        if not self.sample_communes:
            return Fragment("")
        # named mid-sentence: "xã Tân Khai"
        words = {**self.words, "units": ", ".join(u.full_name for u in self.sample_communes)}
        text = fill_words(template, words, Source(_("sample notice in a roll-up notebook")))
        return Fragment(f'<p class="sample-banner">{html.escape(text)}</p>')

    def coverage_statement(self, template: str, *, missing: str, errors: str) -> Fragment:
        """How many of the area's units the roll-up adds up, against every unit the registry places in the
        area on its date: `template` with {share} ('01/95'; or {count} of {total}), then `missing` when some
        have no figures and `errors` when some have figures with rows that could not be read, each with
        {count} and {units} (their names)."""
        coverage, source = self.coverage, Source(_("coverage in a roll-up notebook"))
        words = {**self.words, "share": coverage.share(), "count": formatting.count(len(coverage.covered)),
                 "total": formatting.count(len(coverage.units))}
        sentences = [fill_words(template, words, source)]
        for template, gaps in ((missing, coverage.without_figures), (errors, coverage.with_errors)):
            if gaps:
                # listed mid-sentence, after a colon: "… chưa được tổng hợp: thị trấn Tân Khai."
                sentences.append(fill_words(template, {**self.words, "count": formatting.count(len(gaps)),
                                                       "units": ", ".join(gap.unit.full_name for gap in gaps)}, source))
        return Fragment(f'<p class="coverage">{html.escape(" ".join(sentences))}</p>')

    def uncovered_annex(self, heading: str, caption: str, *, no_figures: str, errors: str) -> Fragment:
        """After the signature, the units of the area the roll-up leaves out: name, official code and why,
        `no_figures` or `errors` (with {where}: the rows that could not be read, by file, row and column);
        nothing when every unit is added up."""
        if not self.coverage.uncovered:
            return Fragment("")
        source = Source(_("annex in a roll-up notebook"))
        rows = []
        for number, gap in enumerate(self.coverage.uncovered, start=1):
            reason = fill_words(errors, {**self.words, "where": self._where(gap.errors)}, source) if gap.errors \
                else fill_words(no_figures, self.words, source)
            rows.append([_cell(str(number), "number"), _cell(unit_title(gap.unit)), _cell(gap.unit.code or "—"),
                         _cell(reason)])
        table = self._table(caption, ["STT", "Đơn vị", "Mã đơn vị", "Lý do"], rows).html
        return Fragment(f'<section class="annex"><h3>{html.escape(self._fill_words(heading))}</h3>{table}</section>')

    def _where(self, errors: tuple[DataError, ...]) -> str:
        """Where a unit's rows that could not be read are, as an annex says it: 'data/values/2024.csv, dòng 18
        (cột value)', and how many others there are. Not their messages, which quote the cell as typed
        (`tuphap validate`, the ledger and the site give them)."""
        first = errors[0]
        where = project_file(first.file, self.dataset.paths.root)
        if first.row is not None:
            where += f", dòng {first.row}"
        if first.field:
            where += f" (cột {first.field})"
        return where + (f" và {formatting.count(len(errors) - 1, pad=False)} dòng khác" if len(errors) > 1 else "")

    # -- tables -----------------------------------------------------------------------------

    def _total_text(self, total: rollup.Total) -> str:
        ind = total.indicator
        if total.rule == "range":
            if total.low is None:
                return "—"
            low, high = format_value(ind, total.low, pad=False), format_value(ind, total.high, pad=False)
            return low if low == high else f"{low} – {high}"
        if total.value is None:
            # Also every text: decisions do not add up, and the coverage column already counts the
            # communes that reported one.
            return "—"
        if total.rule == "yes_count":  # '2/3 đạt': communes at 1 of those reporting the flag
            return f"{formatting.count(total.value, pad=False)}/{len(total.reporting)} {ind.flag_words[0]}"
        text = format_value(ind, total.value, pad=False)
        if total.rule == "ratio":
            top, bottom = self.dataset.catalogue[ind.numerator], self.dataset.catalogue[ind.denominator]
            text += f" ({format_value(top, total.numerator, pad=False)}/{format_value(bottom, total.denominator, pad=False)})"
        return text

    def totals_table(self, section: str, caption: str) -> Fragment:
        """Every indicator of a catalogue section, rolled up: totals of counts, rates and averages from
        totals (with their numerator/denominator), ranges of other figures, flags as the communes at 1
        ('2/3 đạt'), texts not at all, and how many communes reported each."""
        indicators = [ind for ind in self.dataset.catalogue if ind.section == section]
        if not indicators:
            raise TuphapError(_("totals_table: no indicator of section {section!r} in data/indicators.csv").format(
                section=section))
        how = {"sum": "tổng", "ratio": "tính trên tổng", "min": "nhỏ nhất", "max": "lớn nhất", "range": "từ – đến",
               "yes_count": "đếm số đơn vị", "none": "không tổng hợp"}
        rows = []
        for ind in indicators:
            total = self.totals[ind.id]
            unit = "đơn vị" if ind.type == "flag" else ind.unit  # the area's figure counts communes
            text = self._total_text(total)
            if text != "—" and rollup.rests_on_estimate(total, self.estimates_by_unit()):
                text += ESTIMATE_MARK
            rows.append([_cell(ind.label), _cell(unit), _cell(text, "number"),
                         _cell(how[total.rule]), _cell(self.coverage.share(len(total.reporting), pad=False), "number")])
        return self._table(caption, ["Chỉ tiêu", "Đơn vị tính", f"Toàn {self.params.area_full}", "Cách tính",
                                     "Số đơn vị có số liệu"], rows)

    def _counted(self, template: str, count: int) -> Fragment:
        """A paragraph about how many communes a ranking or comparison takes ({count}) and needs ({minimum},
        MIN_COMPARED): what is said in place of one with fewer, or of which communes it compares."""
        words = {**self.words, "count": formatting.count(count), "minimum": formatting.count(rollup.MIN_COMPARED)}
        return Fragment(f"<p>{html.escape(fill_words(template, words, Source(_('text in a roll-up notebook'))))}</p>")

    def ranking_table(self, indicator_id: str, caption: str, *, too_few: str) -> Fragment:
        """The communes ranked on one indicator, highest first (a flag's yes first); ties share a rank;
        no figure, no rank. With fewer than MIN_COMPARED communes having the figure, the sentence `too_few`
        instead ({count}, {minimum}). A text is not ranked: each commune's text is listed unranked, however
        few have one."""
        ind = self._indicator(indicator_id, "ranking_table")
        catalogue, values = self.dataset.catalogue, self.values_by_unit()
        ranked = rollup.ranking(catalogue, indicator_id, values)
        having = sum(entry.value is not None for entry in ranked)
        if ind.type != "text" and having < rollup.MIN_COMPARED:
            return self._counted(too_few, having)
        rows = []
        for entry in ranked:
            if ind.type == "text":
                value, css = Figures(catalogue, values[entry.unit]).text(indicator_id) or "—", ""
            else:
                value, css = "—" if entry.value is None else self._commune_value(ind, entry), "number"
            rows.append([_cell("" if entry.rank is None else str(entry.rank), "rank"),
                         _cell(unit_title(self.dataset.unit(entry.unit, on=self.params.date))), _cell(value, css)])
        heading = f"{ind.label} ({ind.unit})" if ind.unit else ind.label
        return self._table(caption, ["Hạng", "Đơn vị", heading], rows)

    def _commune_value(self, ind: Indicator, entry: rollup.Ranked) -> str:
        """A commune's figure as a ranking shows it, marked when it is an estimate."""
        figures = Figures(self.dataset.catalogue, self.values_by_unit()[entry.unit],
                          estimates=self.estimates_by_unit()[entry.unit])
        return format_value(ind, entry.value, pad=False) + (ESTIMATE_MARK if figures.is_estimate(ind.id) else "")

    def _table(self, caption: str, heads: list[str], rows: list[list[dict]]) -> Fragment:
        return Fragment(TEMPLATES.get_template("data-table.html.j2").render(
            caption=self._fill_words(caption), heads=heads, rows=rows))

    # -- charts -----------------------------------------------------------------------------
    def communes_chart(self, indicator_id: str, caption: str, *, too_few: str = "") -> Fragment:
        """One bar per commune for the indicator, in ranking order. With fewer than MIN_COMPARED communes
        having it, the sentence `too_few` instead ({count}, {minimum}), or nothing (after a ranking table
        of the same indicator, which has said so)."""
        ind = self._indicator(indicator_id, "communes_chart")
        ranked = [r for r in rollup.ranking(self.dataset.catalogue, indicator_id, self.values_by_unit()) if r.value is not None]
        if len(ranked) < rollup.MIN_COMPARED:
            return self._counted(too_few, len(ranked)) if too_few else Fragment("")
        names = [unit_title(self.dataset.unit(r.unit, on=self.params.date)) for r in ranked]
        return draw_chart(Chart("bars", self._fill_words(caption), names, [ind.unit] * len(ranked), ["Số liệu"],
                                [[r.value for r in ranked]], [[self._commune_value(ind, r) for r in ranked]],
                                axis=ind.unit))

    def year_comparison_chart(self, indicators: list[str], caption: str, *, note: str = "", too_few: str) -> Fragment:
        """The area's figures last year beside this year, each over the communes that reported it in
        both years (at least MIN_COMPARED of them), after the paragraph `note`; only the sentence `too_few`
        when no indicator has that many. Both may say {count} (the communes with figures for both years)
        and {minimum}."""
        for indicator_id in indicators:
            self._indicator(indicator_id, "year_comparison_chart")
        before, now = self.values_by_unit(self.year - 1), self.values_by_unit()
        pairs = rollup.year_pairs(self.dataset.catalogue, indicators, before, now, self.rules)
        both = sum(unit in before for unit in now)
        if not pairs:
            return self._counted(too_few, both)
        chart = self._years_chart(caption, [p.indicator for p in pairs], [p.before.value for p in pairs],
                                  [p.now.value for p in pairs])
        note_html = self._counted(note, both).html if note else ""
        return Fragment(note_html + chart.html + self._merger_notes())

    def _merger_notes(self) -> str:
        """Under the comparison, for each commune formed during the year, whose figures its last year's are."""
        notes = [self._previous[unit.slug].note(self.year, unit.full_name, period_name=self.period_name)
                 for unit in self.communes]
        return "".join(f'<p class="comparison-note"><em>{html.escape(note)}.</em></p>' for note in notes if note)


def open_rollup(level: str, area: str, year: int, root: str | None = None, kind: str = "") -> RollupReport:
    """Load the data and params of one roll-up report, for a roll-up notebook to write from; `kind` is a
    report kind of data/report_kinds.yaml (empty: the default kind, the year report)."""
    brief_errors_in_notebooks()
    return RollupReport(Dataset.load(ProjectPaths.discover(root)), level, area, year, kind)
