"""Validation rules declared as data (data/rules.csv), run before anything is published.

Each rule row names a check (below), the indicators it applies to, a severity and a Vietnamese message
template. An error blocks the unit's report; a warning lets it render with a data-quality note. The
catalogue supplies the relations the generic checks use (part_of, subset_of, type), so a rule with
left `*` covers every indicator concerned.
"""
from __future__ import annotations

import ast
import operator as op
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from tuphap import formatting
from tuphap.catalogue import Catalogue, Indicator
from tuphap.config import ProjectPaths
from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.figures import Figures, format_value
from tuphap.loading import Dataset, read_table, without_comments
from tuphap.textfiles import read_text
from tuphap.prose import MODIFIERS, PLACEHOLDER

SEVERITIES = ("error", "warning")
COMPARISONS = {"=": op.eq, "!=": op.ne, "<=": op.le, ">=": op.ge, "<": op.lt, ">": op.gt}
# The kinds of rule (docs/data-format.md describes each); the last two read the narrative.
CHECKS = ("parts_sum", "subset", "non_negative_integer", "share_range", "required", "required_if", "compare",
          "year_change", "typed_figure", "unknown_placeholder")
_SYMBOLS = {"<=": "≤", ">=": "≥", "!=": "≠"}
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Finding:
    """One problem found, located as precisely as the files allow. as_dict() is the ledger's contract."""
    severity: str
    rule: str
    unit: str
    year: int | None
    indicator: str
    file: str
    row: int | None
    expected: str
    found: str
    message: str
    message_vi: str

    def as_dict(self) -> dict:
        return asdict(self)


def blocking(findings: list[Finding], *, strict: bool = False) -> list[Finding]:
    """The findings that stop a report: errors, and under strict warnings too."""
    return [f for f in findings if f.severity == "error" or strict]


def load_error_findings(exc: TuphapError, unit: str = "", year: int | None = None) -> list[Finding]:
    """Files that cannot even be loaded, a finding per problem (validate prints them, build blocks on them)."""
    return [_load_error_finding(error, unit, year) for error in (exc.errors if isinstance(exc, DataErrors) else [exc])]


def _load_error_finding(exc: TuphapError, unit: str, year: int | None) -> Finding:
    file, row = (exc.file, exc.row) if isinstance(exc, DataError) else ("", None)
    field = f" (field '{exc.field}')" if isinstance(exc, DataError) and exc.field else ""
    text = exc.message + field if isinstance(exc, DataError) else str(exc)
    return Finding("error", "load", unit, year, "", file, row, "", "", text, f"Không đọc được tệp: {text}")


# -- expressions --------------------------------------------------------------------------------
_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub,
            ast.Constant, ast.Name, ast.Load)


@dataclass(frozen=True)
class Expression:
    """Arithmetic over indicator ids and numbers ('100 * (ho_tich.tong - ho_tich.tre_han) / ho_tich.tong'),
    parsed by Python's own parser into a tree of the nodes allowed above, never executed as code."""
    text: str
    tree: ast.Expression
    ids: tuple[str, ...]

    @classmethod
    @lru_cache(maxsize=256)  # each rule's expressions are evaluated for every unit
    def parse(cls, text: str) -> "Expression":
        ids = tuple(dict.fromkeys(_ID.findall(text)))
        names = {ind: f"_v{i}" for i, ind in enumerate(ids)}
        try:
            tree = ast.parse(_ID.sub(lambda m: names[m.group(0)], text), mode="eval")
        except SyntaxError:
            raise ValueError(f"{text!r} is not an expression of indicator ids, numbers and + - * / ( )") from None
        bad = [node for node in ast.walk(tree) if not isinstance(node, _ALLOWED)
               or isinstance(node, ast.Constant) and not isinstance(node.value, (int, float))]
        if bad:
            raise ValueError(f"{text!r} may only use indicator ids, numbers and + - * / ( )")
        return cls(text, tree, ids)

    def value(self, figures: Figures) -> float | None:
        """The value with this unit's figures; None when an indicator is missing or a division is by zero."""
        values = [figures.value(ind) for ind in self.ids]
        if any(v is None for v in values):
            return None
        env = {f"_v{i}": v for i, v in enumerate(values)}
        operators = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv}

        def walk(node):
            if isinstance(node, ast.Expression):
                return walk(node.body)
            if isinstance(node, ast.Constant):
                return float(node.value)
            if isinstance(node, ast.Name):
                return env[node.id]
            if isinstance(node, ast.UnaryOp):
                return -walk(node.operand)
            return operators[type(node.op)](walk(node.left), walk(node.right))

        try:
            return walk(self.tree)
        except ZeroDivisionError:
            return None


# -- rules ---------------------------------------------------------------------------------------
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
            raise fail(f"rule id {rule_id!r} is empty or listed twice", "id")
        seen.add(rule_id)
        if check not in CHECKS:
            raise fail(f"check {check!r} is not one of {', '.join(CHECKS)}", "check")
        if row["severity"] not in SEVERITIES:
            raise fail(f"severity {row['severity']!r} is not 'error' or 'warning'", "severity")
        if check == "unknown_placeholder" and row["severity"] != "error":
            raise fail("an unknown placeholder always stops the build, so its severity must be 'error'", "severity")
        left, right, operator = row.get("left", ""), row.get("right", ""), row.get("operator", "")
        if check in ("required", "required_if") and left in ("", "*"):
            raise fail("list the required indicators in 'left', separated by spaces", "left")
        if check == "required_if":
            _check_condition(right, catalogue, fail)
        if check == "compare":
            if operator not in COMPARISONS:
                raise fail(f"operator {operator!r} is not one of {' '.join(COMPARISONS)}", "operator")
            for name, text in (("left", left), ("right", right)):
                try:
                    expression = Expression.parse(text)
                except ValueError as exc:
                    raise fail(str(exc), name) from None
                _check_ids(expression.ids, catalogue, fail, name)
                texts = [ind for ind in expression.ids if catalogue[ind].type == "text"]
                if texts:
                    raise fail(f"{texts[0]!r} is a text: it has no value to compute with", name)
        elif left and left != "*":
            _check_ids(left.split(), catalogue, fail, "left")
        factor = None
        if check == "year_change":
            try:
                factor = float(row.get("factor", ""))
            except ValueError:
                factor = 0
            if factor <= 1:
                raise fail(f"factor {row.get('factor', '')!r}: a year-over-year rule needs a number above 1", "factor")
            if right and not re.fullmatch(r"\d+(\.\d+)?", right):
                raise fail(f"{right!r}: for year_change, 'right' is the smallest change to flag, a number", "right")
        rules.append(Rule(rule_id, check, left, operator, right, row["severity"], factor, row["message_vi"], row["_row"]))
    return rules


def _check_ids(ids, catalogue: Catalogue, fail, field: str) -> None:
    for ind in ids:
        if ind not in catalogue:
            raise fail(f"{ind!r} names no indicator in data/indicators.csv", field)


def _check_condition(right: str, catalogue: Catalogue, fail) -> None:
    """required_if: 'right' names the one flag whose yes (1) makes the 'left' indicators required."""
    if len(right.split()) != 1:
        raise fail("for required_if, 'right' names one flag indicator (the condition)", "right")
    _check_ids([right], catalogue, fail, "right")
    if catalogue[right].type != "flag":
        raise fail(f"{right!r} is a {catalogue[right].type}; the condition of required_if is a flag", "right")


# -- running the rules on one (unit, year) --------------------------------------------------------
@dataclass
class _Context:
    """What the checks of one (unit, year) read."""
    dataset: Dataset
    unit: str
    year: int
    figures: Figures
    previous: Figures
    sources: dict[str, tuple[str, int]]  # indicator -> (values file, row) for this unit and year

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
                       _fill_message(rule, words))


def _fill_message(rule: Rule, words: dict) -> str:
    try:
        return rule.message_vi.format_map(words)
    except (KeyError, IndexError, ValueError):
        return rule.message_vi  # an unknown {word} in a message must not hide the finding


def _show(ind: Indicator | None, value: float) -> str:
    """A value as the report would print it (1.733; 66,7%), without a count's leading zero."""
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


def _compare(rule: Rule, ctx: _Context):
    left, right = Expression.parse(rule.left), Expression.parse(rule.right)
    found, limit = left.value(ctx.figures), right.value(ctx.figures)
    if found is None or limit is None:
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


_DATA_CHECKS = {"parts_sum": _parts_sum, "subset": _subset, "non_negative_integer": _non_negative_integer,
                "share_range": _share_range, "required": _required, "required_if": _required_if,
                "compare": _compare, "year_change": _year_change}


def check_values(dataset: Dataset, rules: list[Rule], unit: str, year: int) -> list[Finding]:
    """The data rules on one unit's figures for one year (and the year before, for changes)."""
    ctx = _Context(dataset, unit, year,
                   Figures(dataset.catalogue, dataset.values_for(unit, year)),
                   Figures(dataset.catalogue, dataset.values_for(unit, year - 1)),
                   dataset.sources_for(unit, year))
    return [finding for rule in rules if rule.check in _DATA_CHECKS for finding in _DATA_CHECKS[rule.check](rule, ctx)]


# -- narrative ------------------------------------------------------------------------------------
# A typed figure: digits, with Vietnamese thousands dots or a decimal comma, maybe a percent sign.
_NUMBER = re.compile(r"(?<![\w/.,-])(\d+(?:[.,]\d+)*)(%?)(?![\w/-]|[.,]\d)")
# Words after which a number is a date part, a period or the name of a document, not a figure.
_REFERENCE_BEFORE = re.compile(
    r"(?:ngày|tháng|năm|quý|điều|khoản|điểm|chương|mục|phần|giai đoạn|lần thứ|khóa|đề án|dự án|chương trình"
    r"|kế hoạch|quyết định|nghị quyết|nghị định|thông tư|chỉ thị|công văn|thông báo)(?:\s+số)?\s*$", re.IGNORECASE)
_AFTER_PERIOD = re.compile(r"^\s*(?:tháng|năm|quý)\b", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*(?:[-*+]\s+)?(?:\d+\.)+\d*\s|^\s*\d+\)\s")
_HEADING = re.compile(r"^##\s+[a-z0-9_.-]+\s*$")
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]]*\]")


def _number_value(text: str) -> float | None:
    """'1.733' -> 1733, '66,7' -> 66.7, '3' -> 3 (Vietnamese style; None if ambiguous)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    return None


def typed_figures(line: str) -> list[str]:
    """The figures typed in one line of prose (placeholders removed), ignoring years (1900–2100), dates
    and document numbers (12/12/2023, 01/2020/TT-BTP), day/month/year words ('ngày 24 tháng 8'),
    periods ('6 tháng'), references ('Điều 5', 'Đề án 06'), numbering at the start of a line ('1.1.')
    and what Vietnamese does not write as a number ('4.0', '1.2.3')."""
    if _NUMBERING.match(line):
        line = _NUMBERING.sub(lambda m: " " * len(m.group(0)), line, count=1)
    line = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), _FOOTNOTE_LABEL.sub("", line))
    found = []
    for match in _NUMBER.finditer(line):
        digits, percent = match.groups()
        if not percent and re.fullmatch(r"\d{4}", digits) and 1900 <= int(digits) <= 2100:
            continue
        if _REFERENCE_BEFORE.search(line[:match.start()]) or (not percent and _AFTER_PERIOD.match(line[match.end():])):
            continue
        if _number_value(digits) is None:
            continue  # not a number as Vietnamese writes one: a name or a numbering ('4.0', '1.2.3')
        found.append(digits + percent)
    return found


def _indicators_with_value(figures: Figures, text: str) -> list[str]:
    value = _number_value(text.rstrip("%"))
    if value is None:
        return []
    matches = []
    for ind in figures.catalogue:
        mine = figures.value(ind.id)
        if mine is None or not ind.quantity:  # a flag's 1 is not a figure someone would type
            continue
        if (ind.type in ("percent", "rate")) != text.endswith("%"):
            continue
        if round(mine, 1) == round(value, 1):
            matches.append(ind.id)
    return matches


def check_narrative(path: Path, figures: Figures, words: dict[str, str], rules: list[Rule],
                    unit: str, year: int) -> list[Finding]:
    """Placeholders that name nothing (errors) and figures typed where a placeholder belongs (warnings),
    with the file's line numbers."""
    by_check = {rule.check: rule for rule in rules if rule.check in ("typed_figure", "unknown_placeholder")}
    text = without_comments(unicodedata.normalize("NFC", read_text(path)))
    findings = []

    def add(rule: Rule, indicator: str, line: int, expected: str, found: str, message: str) -> None:
        label = figures.catalogue[indicator].label if indicator in figures.catalogue else ""
        message_vi = _fill_message(rule, {"label": label, "indicator": indicator, "expected": expected,
                                          "found": found, "year": year, "line": line})
        findings.append(Finding(rule.severity, rule.id, unit, year, indicator, str(path), line, expected, found,
                                message, message_vi))

    for number, line in enumerate(text.splitlines(), start=1):
        if _HEADING.match(line):
            continue
        if "unknown_placeholder" in by_check:
            for match in PLACEHOLDER.finditer(line):
                name, modifier = match.group(1), match.group(2) or ""
                known = name in figures.catalogue if "." in name else name in words
                if not known or (modifier and modifier not in MODIFIERS):
                    what = "no indicator in data/indicators.csv" if "." in name and not known else (
                        f"no word ({', '.join(sorted(words))})" if not known else f"an unknown modifier (use {', '.join(MODIFIERS)})")
                    add(by_check["unknown_placeholder"], name if "." in name else "", number, "", match.group(0),
                        f"placeholder {match.group(0)} names {what}")
        if "typed_figure" in by_check:
            for typed in typed_figures(line):
                matches = _indicators_with_value(figures, typed)
                expected = " / ".join(f"{{{ind}}}" for ind in matches) or "một chỗ trống {chỉ_tiêu}"
                having = f"; {', '.join(matches)} has this value" if matches else ""
                add(by_check["typed_figure"], ", ".join(matches), number, expected, typed,
                    f"the figure {typed} is typed into the prose; write a placeholder instead{having}")
    return findings


# -- everything for one report --------------------------------------------------------------------
def _relative(finding: Finding, root: Path) -> Finding:
    """Files named from the project folder (data/values/2024.csv), as the user sees them."""
    path = Path(finding.file)
    return replace(finding, file=str(path.relative_to(root))) if path.is_relative_to(root) else finding


def report_findings(dataset: Dataset, unit: str, year: int, *, rules: list[Rule] | None = None) -> list[Finding]:
    """All findings of one (unit, year): its figures, and its narrative when the report has one."""
    paths = dataset.paths
    try:
        rules = load_rules(paths.rules_file, dataset.catalogue) if rules is None else rules
    except TuphapError as exc:
        return [_relative(finding, paths.root) for finding in load_error_findings(exc, unit, year)]
    findings = check_values(dataset, rules, unit, year)
    narrative = paths.narrative_file(year, unit)
    if narrative.is_file():
        from tuphap.section import Section  # section imports this module for the data-quality note

        try:
            words = Section(dataset, unit, year).words  # the words a placeholder may name
            figures = Figures(dataset.catalogue, dataset.values_for(unit, year))
            findings += check_narrative(narrative, figures, words, rules, unit, year)
        except TuphapError as exc:  # a params or narrative file that cannot be read
            findings += load_error_findings(exc, unit, year)
    return [_relative(finding, paths.root) for finding in findings]


def report_pairs(paths: ProjectPaths, dataset: Dataset, units: tuple[str, ...] = (),
                 years: tuple[int, ...] = ()) -> list[tuple[str, int]]:
    """Every (unit, year) with figures or a params file, filtered by the given units and years."""
    from tuphap.batch import plan  # batch builds reports, and building validates

    pairs = {(job.unit, job.year) for job in plan(paths)}
    pairs |= {(unit, int(year)) for unit, year in zip(dataset.values["unit"], dataset.values["year"])}
    return sorted((unit, year) for unit, year in pairs
                  if (not units or unit in units) and (not years or year in years))


def validate_project(paths: ProjectPaths, units: tuple[str, ...] = (), years: tuple[int, ...] = ()
                     ) -> tuple[list[Finding], int]:
    """The findings of every matching report, and how many reports were checked. Files that cannot
    be loaded come back as findings; an unknown unit or nothing to check is the user's mistake."""
    try:
        dataset = Dataset.load(paths)
        rules = load_rules(paths.rules_file, dataset.catalogue)
    except TuphapError as exc:
        return [_relative(finding, paths.root) for finding in load_error_findings(exc)], 0
    for unit in units:
        dataset.unit(unit)
    pairs = report_pairs(paths, dataset, units, years)
    if not pairs:
        raise TuphapError("nothing to validate: no figures in data/values/ and no params file match")
    return [finding for unit, year in pairs for finding in report_findings(dataset, unit, year, rules=rules)], len(pairs)


def describe(finding: Finding) -> str:
    """One line for the terminal: where, what, expected and found."""
    where = finding.file
    if finding.row is not None:
        where += f", {'line' if where.endswith('.md') else 'row'} {finding.row}"
    report = f"{finding.unit} {finding.year}" if finding.unit else ""
    fields = [f"{finding.severity}: {where}", report, finding.indicator, f"rule {finding.rule}"]
    text = " | ".join(field for field in fields if field)
    if finding.expected or finding.found:
        text += f" | expected {finding.expected}, found {finding.found}"
    return f"{text} | {finding.message}"
