"""params/<year>/<unit>.yaml and params/<year>/rollup/<level>-<area>.yaml: document metadata."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.yamlfiles import read_yaml
from tuphap.limits import MAX_FIELD_CHARS, MAX_NAME_CHARS


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_FIELD_CHARS)
    name: str
    title: str = "CHỦ TỊCH"
    on_behalf: str = "TM. ỦY BAN NHÂN DÂN"


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_FIELD_CHARS)
    start: dt.date
    end: dt.date


class Acknowledgement(BaseModel):
    """A validation warning the unit has looked at and stands by, with why: it lets `tuphap build
    --final` make the copy to be signed. It never appears in that copy; the site lists it."""
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_FIELD_CHARS)
    rule: str = Field(min_length=1)
    indicator: str = ""
    reason: str = Field(min_length=1)

    def covers(self, finding: dict) -> bool:
        return finding.get("rule") == self.rule and (finding.get("indicator") or "") == self.indicator


class ReportParams(BaseModel):
    """Document metadata of one report: params/<year>/<unit>.yaml."""
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_FIELD_CHARS)
    document_number: str = ""
    document_symbol: str = "BC-UBND"
    issuer: str = "ỦY BAN NHÂN DÂN"
    place: str
    date: dt.date
    request: str
    data_period: Period | None = None
    signer: Signer
    recipients: list[str] = []  # empty: the report kind's (data/report_kinds.yaml)
    acknowledged: list[Acknowledgement] = []
    sample: bool = False  # the figures are invented (a sample report of a real unit): a red banner says so


def load_params(path: Path, model: type[ReportParams] = ReportParams) -> ReportParams:
    if not path.is_file():
        raise TuphapError(_("params file not found: expected {path}").format(path=path))
    raw = read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        given, count = first.get("input"), len(exc.errors())
        if isinstance(given, (str, int, float)) and len(str(given)) <= 40:  # a short value: say what was found
            message = _("{message}, found {value!r} ({count} problem(s) in all)").format(
                message=first["msg"], value=given, count=count)
        else:
            message = _("{message} ({count} problem(s) in all)").format(message=first["msg"], count=count)
        raise DataError(path, message, field=key) from None


class RollupParams(ReportParams):
    """Document metadata of a roll-up: the commune report's keys, plus the issuing agency's names."""
    # Names, held like the registry's (limits.py, MAX_NAME_CHARS): they enter the report's title and author.
    # The body above the agency, first header line: "UBND tỉnh Bình Phước".
    issuer: str = Field(max_length=MAX_NAME_CHARS)
    # The agency that issues the report, in bold below it: "Sở Tư pháp".
    issuer_unit: str = Field(max_length=MAX_NAME_CHARS)
    # The area as it reads inside a sentence: "tỉnh Bình Phước", "huyện Hớn Quản".
    area_full: str = Field(max_length=MAX_NAME_CHARS)
    document_symbol: str = "BC-STP"
