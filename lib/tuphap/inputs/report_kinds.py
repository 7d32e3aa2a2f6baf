"""data/report_kinds.yaml: each kind of report (a commune's, a roll-up) with its title and author."""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from tuphap.errors import DataError
from tuphap.i18n import _
from tuphap.inputs.yamlfiles import read_yaml
from tuphap.limits import MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_TITLE_CHARS

KINDS = ("commune", "rollup")


class ReportKind(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str  # with words: "Báo cáo tổng kết công tác Tư pháp năm {year} — {unit_full}"
    author: str  # the issuing body, for the PDF's and Word file's metadata: "UBND {unit_full}"


class _Kinds(RootModel[dict[str, ReportKind]]):
    pass


# How long each word of a title can be: years are four digits; a name (limits.py) may have its kind
# before it ("thị trấn "); any other word (the request, the period) is a whole params field.
_LONGEST_NAME = MAX_NAME_CHARS + len("thị trấn ")
_YEAR_WORDS = ("year", "next_year", "prev_year", "communes")


def _longest_filled(template: str) -> int:
    """How long a title or author can get once its {words} are filled with the longest values allowed."""
    def longest(match: re.Match) -> str:
        word = match.group(1)
        return "x" * (4 if word in _YEAR_WORDS else MAX_FIELD_CHARS if word in ("request", "period_note") else _LONGEST_NAME)

    return len(re.sub(r"\{([^{}|]*)[^{}]*\}", longest, template))


def load_report_kinds(path: Path) -> dict[str, ReportKind]:
    try:
        kinds = _Kinds.model_validate(read_yaml(path)).root
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError(path, first["msg"], field=".".join(str(part) for part in first["loc"])) from None
    missing = [kind for kind in KINDS if kind not in kinds]
    if missing:
        raise DataError(path, _("no definition of the report kind(s) {kinds}").format(kinds=", ".join(missing)))
    for name, kind in kinds.items():
        for field in ("title", "author"):
            if _longest_filled(getattr(kind, field)) > MAX_TITLE_CHARS:
                raise DataError(path, _("filled with the longest names allowed ({names} characters), it could run "
                                        "over the {limit} characters a Word file's {field} may hold; shorten it").format(
                                    names=MAX_NAME_CHARS, limit=MAX_TITLE_CHARS, field=field), field=f"{name}.{field}")
    return kinds
