"""A finding: one problem found in a report's data, prose or rendered files, located as precisely as
the files allow; how it reads on a terminal; which ones stop a report."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from tuphap.errors import DataError, DataErrors, TuphapError
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
    text = exc.message + field if isinstance(exc, DataError) else str(exc)
    return Finding("error", "load", unit, year, "", file, row, "", "", text, f"Không đọc được tệp: {text}")


def describe(finding: Finding) -> str:
    """One line for the terminal: where, what, expected and found; in Vietnamese, the Vietnamese message."""
    where = finding.file
    if finding.row is not None:
        where += (_(", line {row}") if where.endswith(".md") else _(", row {row}")).format(row=finding.row)
    report = f"{finding.unit} {finding.year}" if finding.unit else ""
    severity = _(SEVERITY_WORDS[finding.severity]) if finding.severity in SEVERITY_WORDS else finding.severity
    fields = [f"{severity}: {where}", report, finding.indicator, _("rule {rule}").format(rule=finding.rule)]
    text = " | ".join(field for field in fields if field)
    if finding.expected:
        text += " | " + _("expected {expected}, found {found}").format(expected=finding.expected, found=finding.found)
    elif finding.found:
        text += " | " + _("found {found}").format(found=finding.found)
    message = finding.message_vi if in_vietnamese() and finding.message_vi else finding.message
    return f"{text} | {message}"
