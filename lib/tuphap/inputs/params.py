"""params/<year>/<unit>.yaml and params/<year>/rollup/<level>-<area>.yaml: document metadata."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.textfiles import read_text


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: str = "CHỦ TỊCH"
    on_behalf: str = "TM. ỦY BAN NHÂN DÂN"


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.date
    end: dt.date


class Acknowledgement(BaseModel):
    """A validation warning the unit has looked at and stands by, with why: it lets `tuphap build
    --final` make the copy to be signed. It never appears in that copy; the site lists it."""
    model_config = ConfigDict(extra="forbid")
    rule: str = Field(min_length=1)
    indicator: str = ""
    reason: str = Field(min_length=1)

    def covers(self, finding: dict) -> bool:
        return finding.get("rule") == self.rule and (finding.get("indicator") or "") == self.indicator


class ReportParams(BaseModel):
    """Document metadata of one report: params/<year>/<unit>.yaml."""
    model_config = ConfigDict(extra="forbid")
    document_number: str = ""
    document_symbol: str = "BC-UBND"
    issuer: str = "ỦY BAN NHÂN DÂN"
    place: str
    date: dt.date
    request: str
    data_period: Period | None = None
    signer: Signer
    recipients: list[str]
    acknowledged: list[Acknowledgement] = []


# libyaml's safe loader when PyYAML was built with it: the same rules (no tags), many times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    """A YAML file that must hold a mapping, read with the safe loader (no tags)."""
    if not path.is_file():
        raise TuphapError(_("file not found: expected {path}").format(path=path))
    try:
        raw = yaml.load(read_text(path), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise DataError(path, _("not valid YAML: {error}").format(error=exc)) from None
    if not isinstance(raw, dict):
        raise DataError(path, _("expected a mapping of keys"))
    return raw


def load_params(path: Path, model: type[ReportParams] = ReportParams) -> ReportParams:
    if not path.is_file():
        raise TuphapError(_("params file not found: expected {path}").format(path=path))
    raw = read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise DataError(path, _("{message} ({count} problem(s) in all)").format(message=first["msg"], count=len(exc.errors())),
                        field=key) from None


class RollupParams(ReportParams):
    """Document metadata of a roll-up: the commune report's keys, plus the issuing agency's names."""
    issuer: str  # the body above the agency, first header line: "UBND tỉnh Bình Phước"
    issuer_unit: str  # the agency that issues the report, in bold below it: "Sở Tư pháp"
    area_full: str  # the area as it reads inside a sentence: "tỉnh Bình Phước", "huyện Hớn Quản"
    document_symbol: str = "BC-STP"
