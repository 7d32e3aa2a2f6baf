"""Validation rules declared as data (data/rules.csv), run on a unit's figures before anything is published.

Each rule row names a check (below), the indicators it applies to, a severity and a Vietnamese message
template. An error blocks the unit's report; a warning lets it render with a data-quality note. The
catalogue supplies the relations the generic checks use (part_of, subset_of, type), so a rule with
left `*` covers every indicator concerned.
"""
from __future__ import annotations

import datetime as dt
import operator as op
import re
from dataclasses import dataclass, replace
from pathlib import Path

from tuphap.check.expressions import CannotCompute, Expression
from tuphap.check.findings import SEVERITIES, Finding
from tuphap.compute import formatting
from tuphap.compute.figures import Figures, format_value
from tuphap.compute.rollup import previous_year
from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.catalogue import Catalogue, Indicator
from tuphap.inputs.dataset import Dataset
from tuphap.inputs.tables import read_table

COMPARISONS = {"=": op.eq, "!=": op.ne, "<=": op.le, ">=": op.ge, "<": op.lt, ">": op.gt}


# The kinds of rule (docs/data-format.md describes each); the last two read the narrative.
CHECKS = ("parts_sum", "subset", "non_negative_integer", "share_range", "required", "required_if", "compare",
          "year_change", "within_year", "estimate_covered", "typed_figure", "unknown_placeholder")


_SYMBOLS = {"<=": "≤", ">=": "≥", "!=": "≠"}


_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Rule:
    id: str
    check: str
    left: str
    operator: str
    right: str
    severity: str
    factor: float | None
    message_vi: str
    row: int

    @property
    def minimum_change(self) -> float:
        """For year_change: the smallest difference worth flagging ('right'; 1 → 4 is not news)."""
        return float(self.right or 0)


def load_rules(path: Path, catalogue: Catalogue) -> list[Rule]:
    rules, seen = [], set()
    for row in read_table(path, ("id", "check", "severity", "message_vi"), ("left", "operator", "right", "factor")):
        def fail(message: str, field: str) -> DataError:
            return DataError(path, message, row=row["_row"], field=field)

        rule_id, check = row["id"], row["check"]
        if not rule_id or rule_id in seen:
            raise fail(_("rule id {rule!r} is empty or listed twice").format(rule=rule_id), "id")
        seen.add(rule_id)
        if check not in CHECKS:
            raise fail(_("check {check!r} is not one of {checks}").format(check=check, checks=", ".join(CHECKS)), "check")
        if row["severity"] not in SEVERITIES:
            raise fail(_("severity {severity!r} is not 'error' or 'warning'").format(severity=row["severity"]), "severity")
        if check == "unknown_placeholder" and row["severity"] != "error":
            raise fail(_("an unknown placeholder always stops the build, so its severity must be 'error'"), "severity")
        left, right, operator = row.get("left", ""), row.get("right", ""), row.get("operator", "")
        if check in ("required", "required_if", "within_year") and left in ("", "*"):
            raise fail(_("list the required indicators in 'left', separated by spaces"), "left")
        if check == "required_if":
            _check_condition(right, catalogue, fail)
        if check == "compare":
            if operator not in COMPARISONS:
                raise fail(_("operator {operator!r} is not one of {operators}").format(
                    operator=operator, operators=" ".join(COMPARISONS)), "operator")
            for name, text in (("left", left), ("right", right)):
                try:
                    expression = Expression.parse(text)
                except ValueError as exc:
                    raise fail(str(exc), name) from None
                _check_ids(expression.ids, catalogue, fail, name)
                texts = [ind for ind in expression.ids if catalogue[ind].type == "text"]
                if texts:
                    raise fail(_("{indicator!r} is a text: it has no value to compute with").format(indicator=texts[0]), name)
        elif left and left != "*":
            _check_ids(left.split(), catalogue, fail, "left")
        factor = None
        if check == "year_change":
            try:
                factor = float(row.get("factor", ""))
            except ValueError:
                factor = 0
            if factor <= 1:
                raise fail(_("factor {factor!r}: a year-over-year rule needs a number above 1").format(
                    factor=row.get("factor", "")), "factor")
            if right and not re.fullmatch(r"[0-9]+(\.[0-9]+)?", right):
                raise fail(_("{right!r}: for year_change, 'right' is the smallest change to flag, a number").format(
                    right=right), "right")
        rules.append(Rule(rule_id, check, left, operator, right, row["severity"], factor, row["message_vi"], row["_row"]))
    return rules


def _check_ids(ids, catalogue: Catalogue, fail, field: str) -> None:
    for ind in ids:
        if ind not in catalogue:
            raise fail(_("{indicator!r} names no indicator in data/indicators.csv").format(indicator=ind), field)


def _check_condition(right: str, catalogue: Catalogue, fail) -> None:
    """required_if: 'right' names the one flag whose yes (1) makes the 'left' indicators required."""
    if len(right.split()) != 1:
        raise fail(_("for required_if, 'right' names one flag indicator (the condition)"), "right")
    _check_ids([right], catalogue, fail, "right")
    if catalogue[right].type != "flag":
        raise fail(_("{right!r} is a {type}; the condition of required_if is a flag").format(
            right=right, type=catalogue[right].type), "right")


@dataclass
class _Context:
    """What the checks of one (unit, year) read."""
    dataset: Dataset
    unit: str
    year: int
    figures: Figures
    previous: Figures
    sources: dict[str, tuple[str, int]]  # indicator -> (values file, row) for this unit and year
    # A report of a period within the year (a six-month report): the year's figures and where they are.
    whole_year: Figures | None = None
    whole_year_sources: dict[str, tuple[str, int]] | None = None
    estimates: frozenset[str] = frozenset()  # the indicators whose figure is an estimate
    covered: bool = False  # the report's actual figures reach the end of its period: nothing is left to estimate

    def finding(self, rule: Rule, ind: str, expected: str, found: str, message: str, *, row_of: str = "",
                **words) -> Finding:
        """row_of: the indicator whose values row to point at, when it is not `ind` itself."""
        catalogue = self.dataset.catalogue
        # A rate or average is not entered: point at its numerator's row instead.
        source = row_of or (ind if ind in self.sources or ind not in catalogue else catalogue[ind].numerator)
        file, row = self.sources.get(source, (str(self.dataset.paths.values_dir / f"{self.year}.csv"), None))
        words = {"label": catalogue[ind].label if ind in catalogue else ind, "indicator": ind,
                 "expected": expected, "found": found, "year": self.year, **words}
        return Finding(rule.severity, rule.id, self.unit, self.year, ind, file, row, expected, found, message,
                       fill_message(rule, words))


def fill_message(rule: Rule, words: dict) -> str:
    try:
        return rule.message_vi.format_map(words)
    except (KeyError, IndexError, ValueError):
        return rule.message_vi  # an unknown {word} in a message must not hide the finding


def _show(ind: Indicator | None, value: float) -> str:
    """A value as the report would print it (1.733; 66,7%), without a count's leading zero; one too
    large to print (a rate over a tiny denominator) as 1.2e+30, so that the finding is still made."""
    if not formatting.printable(value):
        return f"{value:.3g}"
    if ind is None:
        return formatting.number(value)
    return format_value(ind, value, pad=False)


def _targets(rule: Rule, catalogue: Catalogue, applies) -> list[Indicator]:
    if rule.left and rule.left != "*":
        return [catalogue[ind] for ind in rule.left.split()]
    return [ind for ind in catalogue if applies(ind)]


def _parts_sum(rule: Rule, ctx: _Context):
    catalogue = ctx.dataset.catalogue
    for total in _targets(rule, catalogue, lambda ind: bool(catalogue.parts(ind.id))):
        parts = ctx.figures.present_parts(total.id)
        value = ctx.figures.value(total.id)
        if value is None or not parts:
            continue
        found = sum(ctx.figures.value(p.id) for p in parts)
        if abs(found - value) > _TOLERANCE:
            expected_text, found_text = _show(total, value), _show(total, found)
            yield ctx.finding(rule, total.id, expected_text, found_text,
                              f"the parts of {total.id} sum to {found_text}, but the total is {expected_text}")


def _subset(rule: Rule, ctx: _Context):
    catalogue = ctx.dataset.catalogue
    for sub in _targets(rule, catalogue, lambda ind: bool(ind.subset_of)):
        whole = catalogue[sub.subset_of] if sub.subset_of else None
        value = ctx.figures.value(sub.id)
        limit = ctx.figures.value(whole.id) if whole else None
        if value is None or limit is None or value <= limit + _TOLERANCE:
            continue
        expected, found = f"≤ {_show(whole, limit)}", _show(sub, value)
        yield ctx.finding(rule, sub.id, expected, found, f"{sub.id} is {found}, more than {whole.id} ({_show(whole, limit)})",
                          whole=whole.label)


def _non_negative_integer(rule: Rule, ctx: _Context):
    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: ind.type == "count"):
        value = ctx.figures.value(ind.id)
        if value is not None and (value < 0 or not float(value).is_integer()):
            found = formatting.number(value)
            yield ctx.finding(rule, ind.id, "số nguyên ≥ 0", found, f"{ind.id} is {found}, not a whole number ≥ 0")


def _share_range(rule: Rule, ctx: _Context):
    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: ind.type in ("percent", "rate")):
        value = ctx.figures.value(ind.id)
        if value is not None and not -_TOLERANCE <= value <= 100 + _TOLERANCE:
            found = _show(ind, value)
            yield ctx.finding(rule, ind.id, "0% – 100%", found, f"{ind.id} is {found}, outside 0-100%")


def _required(rule: Rule, ctx: _Context):
    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: False):
        if not ctx.figures.has(ind.id):
            yield ctx.finding(rule, ind.id, "có số liệu", "thiếu", f"required indicator {ind.id} has no value",
                              section=ind.section)


def _required_if(rule: Rule, ctx: _Context):
    condition = ctx.dataset.catalogue[rule.right]
    if ctx.figures.value(condition.id) != 1:
        return
    yes = condition.flag_words[0]
    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: False):
        if not ctx.figures.has(ind.id):
            yield ctx.finding(rule, ind.id, "có số liệu", "thiếu",
                              f"{ind.id} has no value, but {condition.id} is 1 ({yes})", row_of=condition.id,
                              section=ind.section, condition=condition.label, yes=yes)


def _cannot_compute(rule: Rule, ctx: _Context, side: str, problem: CannotCompute) -> Finding:
    """A compare rule with a side that has no value (a division by zero, a result too large) is a
    warning whatever the rule's severity, since the figures may be right (a commune with no files at
    all); it points at the divisor's values row and names the rule's row."""
    subject = (problem.ids or Expression.parse(rule.left).ids or ("",))[0]
    if problem.divisor:
        message = _("rule {rule} (data/rules.csv, row {row}) cannot be checked: the expression in '{side}' divides "
                    "by {divisor}, which is 0").format(rule=rule.id, row=rule.row, side=side, divisor=problem.divisor)
        message_vi = (f"Không kiểm tra được quy tắc “{rule.id}” (dòng {rule.row} của data/rules.csv): biểu thức "
                      f"ở cột {side} chia cho {problem.divisor}, mà giá trị này bằng 0")
    else:
        message = _("rule {rule} (data/rules.csv, row {row}) cannot be checked: the expression in '{side}' is too "
                    "large to compute").format(rule=rule.id, row=rule.row, side=side)
        message_vi = (f"Không kiểm tra được quy tắc “{rule.id}” (dòng {rule.row} của data/rules.csv): biểu thức "
                      f"ở cột {side} cho kết quả quá lớn để tính")
    finding = ctx.finding(rule, subject, "", "", message, row_of=subject if problem.ids else "")
    return replace(finding, severity="warning", message_vi=message_vi)


def _compare(rule: Rule, ctx: _Context):
    left = Expression.parse(rule.left)
    values, problems = {}, []
    for side, expression in (("left", left), ("right", Expression.parse(rule.right))):
        try:
            values[side] = expression.value(ctx.figures)
        except CannotCompute as problem:
            values[side], problems = 0.0, problems + [(side, problem)]
    found, limit = values["left"], values["right"]
    if found is None or limit is None:
        return  # a figure is missing: nothing to check
    if problems:
        yield _cannot_compute(rule, ctx, *problems[0])
        return
    catalogue = ctx.dataset.catalogue
    subject = left.ids[0] if left.ids else ""
    kind = catalogue[subject] if len(left.ids) == 1 and left.text.strip() == subject else None
    # Figures are compared as printed: a share stated as 99,8% equals 99,78% computed from counts.
    as_printed_equal = _show(kind, found) == _show(kind, limit)
    if COMPARISONS[rule.operator](found, limit) or (rule.operator in ("=", "<=", ">=") and as_printed_equal):
        return
    expected, found_text = f"{_SYMBOLS.get(rule.operator, rule.operator)} {_show(kind, limit)}", _show(kind, found)
    yield ctx.finding(rule, subject, expected, found_text,
                      f"{rule.left} is {found_text}, expected {rule.operator} {rule.right} = {_show(kind, limit)}")


def _year_change(rule: Rule, ctx: _Context):
    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: ind.quantity and not ind.derived):
        now, before = ctx.figures.value(ind.id), ctx.previous.value(ind.id)
        if not now or not before or before < 0 or now < 0:
            continue  # a change from or to zero has no factor
        if max(now / before, before / now) > rule.factor and abs(now - before) >= rule.minimum_change:
            low, high = _show(ind, before / rule.factor), _show(ind, before * rule.factor)
            found, previous = _show(ind, now), _show(ind, before)
            yield ctx.finding(rule, ind.id, f"{low} – {high}", found,
                              f"{ind.id} is {found}, against {previous} in {ctx.year - 1} (more than x{rule.factor:g})",
                              previous=previous, previous_year=ctx.year - 1, factor=formatting.number(rule.factor))


def _within_year(rule: Rule, ctx: _Context):
    """A figure of a period within the year (the first six months) above the same figure of the whole
    year: only for the indicators the rule lists, those that add up over the year (files, visits), not
    those counted on a day (mediators, bookcases), which may well fall."""
    if ctx.whole_year is None:
        return
    def where(sources: dict, ind: str) -> str:
        file, row = sources.get(ind, ("", None))
        return _("{file} row {row}").format(file=Path(file).name, row=row) if file else ""

    for ind in _targets(rule, ctx.dataset.catalogue, lambda ind: False):
        part, whole = ctx.figures.value(ind.id), ctx.whole_year.value(ind.id)
        if part is not None and whole is not None and part > whole + _TOLERANCE:
            found, expected = _show(ind, part), _show(ind, whole)
            here, there = where(ctx.sources, ind.id), where(ctx.whole_year_sources or {}, ind.id)
            yield ctx.finding(rule, ind.id, f"≤ {expected}", found,
                              f"{ind.id} is {found} ({here}), above the whole year's {expected} ({there})",
                              row_here=here, row_year=there, year_value=expected)


def _estimate_covered(rule: Rule, ctx: _Context):
    """An estimate in a report whose actual figures already reach the end of its period."""
    if not ctx.covered:
        return
    for ind_id in sorted(ctx.estimates):
        ind = ctx.dataset.catalogue[ind_id]
        found = _show(ind, ctx.figures.value(ind_id)) if ctx.figures.value(ind_id) is not None else ""
        yield ctx.finding(rule, ind_id, "số liệu thực tế", found,
                          f"{ind_id} is marked as an estimate, but the report's actual figures cover its whole period")


_DATA_CHECKS = {"parts_sum": _parts_sum, "subset": _subset, "non_negative_integer": _non_negative_integer,
                "share_range": _share_range, "required": _required, "required_if": _required_if,
                "compare": _compare, "year_change": _year_change, "within_year": _within_year,
                "estimate_covered": _estimate_covered}


def _shorter(dataset: Dataset, period: str) -> bool:
    """Whether the period lies within the default kind's (the first six months within the year), not
    the same days (the official year report's figures may exceed the preliminary ones)."""
    whole, rule = dataset.period_rule(), dataset.period_rule(period)
    return rule.code != whole.code and whole.start <= rule.start and rule.end <= whole.end and \
        (rule.start, rule.end) != (whole.start, whole.end)


def check_values(dataset: Dataset, rules: list[Rule], unit: str, year: int, period: str | None = None, *,
                 covered: bool = False, on: dt.date | None = None) -> list[Finding]:
    """The data rules on one unit's figures for one year and period (by default the year; the year
    before, same period, for changes; a shorter period is also held against the whole year). `covered`:
    the report's actual figures reach the end of its period; `on`: the report's day (compute/rollup.py
    previous_year)."""
    period = period or dataset.default_period
    within = _shorter(dataset, period)
    ctx = _Context(dataset, unit, year,
                   Figures(dataset.catalogue, dataset.values_for(unit, year, period)),
                   # after a merger, the predecessors' figures of the same period, added up
                   Figures(dataset.catalogue, previous_year(dataset, unit, year, period, on=on).values),
                   dataset.sources_for(unit, year, period),
                   Figures(dataset.catalogue, dataset.values_for(unit, year)) if within else None,
                   dataset.sources_for(unit, year) if within else None,
                   dataset.estimates_for(unit, year, period), covered)
    return [finding for rule in rules if rule.check in _DATA_CHECKS for finding in _DATA_CHECKS[rule.check](rule, ctx)]
