"""A finding: one problem found in a report's data, prose or rendered files, located as precisely as
the files allow; how it reads on a terminal; which ones stop a report; how many are shown (the first
of each file, errors before warnings, and a count of the rest: limits.MAX_FINDINGS_PER_FILE)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

from tuphap.errors import DataError, DataErrors, TuphapError, first_per_file, more_findings
from tuphap.i18n import N_, _, in_vietnamese

SEVERITIES = ("error", "warning")
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}

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
    kind: str = ""  # the report kind's folder ('6thang'); '' for the default kind

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
    field = _(" (field '{field}')").format(field=exc.field) if isinstance(exc, DataError) and exc.field else ""
    if isinstance(exc, DataError) and exc.unit and exc.unit != unit:  # a predecessor's, which the report compares with
        field += _(" (a figure of {unit})").format(unit=exc.unit)
    text = exc.message + field if isinstance(exc, DataError) else str(exc)
    return Finding("error", "load", unit, year, "", file, row, "", "", text, f"Không đọc được tệp: {text}")


T = TypeVar("T")


def _bounded(findings: Sequence[T], severity: Callable[[T], str], group: Callable[[T], Hashable]
             ) -> tuple[list[T], dict[Hashable, list[T]]]:
    """The findings shown of each group, in their order, and the others by group; errors are shown
    before warnings, so that what blocks a report is never among those only counted."""
    errors_first = sorted(range(len(findings)), key=lambda i: severity(findings[i]) != "error")
    shown, rest = first_per_file(errors_first, lambda i: group(findings[i]))
    return [findings[i] for i in sorted(shown)], {key: [findings[i] for i in sorted(left)] for key, left in rest.items()}


def describe_bounded(findings: Sequence[Finding]) -> list[str]:
    """Lines for the terminal: the first findings of each file of each report, described, then one line
    per file and report counting the others."""
    shown, rest = _bounded(findings, lambda f: f.severity, lambda f: (f.file, f.unit, f.year))
    more = [more_findings(len(left), file) + (f" ({unit} {year})" if unit else "") for (file, unit, year), left in rest.items()]
    return [describe(finding) for finding in shown] + more


def bounded_records(findings: Sequence[dict]) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """One report's findings (Finding.as_dict()) as the ledger keeps them: the first of each file, and
    the others counted by file and severity ({file: {"error": 3, "warning": 1}})."""
    shown, rest = _bounded(findings, lambda f: f.get("severity"), lambda f: str(f.get("file") or ""))
    return shown, {file: dict(Counter(str(f.get("severity") or "warning") for f in left)) for file, left in rest.items()}


def describe(finding: Finding) -> str:
    """One line for the terminal: where, what, expected and found; in Vietnamese, the Vietnamese message."""
    where = finding.file
    if finding.row is not None:
        where += (_(", line {row}") if where.endswith(".md") else _(", row {row}")).format(row=finding.row)
    report = f"{finding.unit} {finding.year}" + (f" ({finding.kind})" if finding.kind else "") if finding.unit else ""
    severity = _(SEVERITY_WORDS[finding.severity]) if finding.severity in SEVERITY_WORDS else finding.severity
    fields = [f"{severity}: {where}", report, finding.indicator, _("rule {rule}").format(rule=finding.rule)]
    text = " | ".join(field for field in fields if field)
    if finding.expected:
        text += " | " + _("expected {expected}, found {found}").format(expected=finding.expected, found=finding.found)
    elif finding.found:
        text += " | " + _("found {found}").format(found=finding.found)
    message = finding.message_vi if in_vietnamese() and finding.message_vi else finding.message
    return f"{text} | {message}"
