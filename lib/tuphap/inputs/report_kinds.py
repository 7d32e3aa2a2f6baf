"""data/report_kinds.yaml: each kind of report (a commune's, a roll-up) with its title and author."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.params import read_yaml

KINDS = ("commune", "rollup")


class ReportKind(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str  # with words: "Báo cáo tổng kết công tác Tư pháp năm {year} — {unit_full}"
    author: str  # the issuing body, for the PDF's and Word file's metadata: "UBND {unit_full}"


class _Kinds(RootModel[dict[str, ReportKind]]):
    pass


def load_report_kinds(path: Path) -> dict[str, ReportKind]:
    try:
        kinds = _Kinds.model_validate(read_yaml(path)).root
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError(path, first["msg"], field=".".join(str(part) for part in first["loc"])) from None
    missing = [kind for kind in KINDS if kind not in kinds]
    if missing:
        raise DataError(path, _("no definition of the report kind(s) {kinds}").format(kinds=", ".join(missing)))
    return kinds
