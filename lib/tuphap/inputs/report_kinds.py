"""data/report_kinds.yaml: the kinds of report (the year report, the six-month report, …) as data.

A kind gives its title and author (as the files' metadata carry them), its period rule (which days it
covers, which period code its figures carry in data/values/, to which day figures are actual by
default), its sections, its recipients' defaults, and, when it has them, its roll-ups' title and
author. Where a kind's files live follows from its slug alone (project.py): the kind marked `default`
keeps the plain folders, the others get folders named `_<kind>`, which no unit slug can be.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, field_validator, model_validator

from tuphap.errors import DataError, TuphapError
from tuphap.i18n import _
from tuphap.inputs.yamlfiles import read_yaml
from tuphap.limits import MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_TITLE_CHARS
from tuphap.project import SLUG_PATTERN

RESERVED_KINDS = ("rollup",)  # outputs/<year>/_rollup/ holds the default kind's roll-ups
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def _month_day(text: str) -> str:
    """'MM-DD', a day of any year (29 February is refused: it is not in every year)."""
    match = _MONTH_DAY.fullmatch(str(text))
    try:
        dt.date(2023, int(match.group(1)), int(match.group(2)))
    except (AttributeError, ValueError):
        raise ValueError(_("expected a day of the year as MM-DD, e.g. 06-30; found {value!r}").format(value=text)) from None
    return str(text)


class PeriodRule(BaseModel):
    """The days a kind's report covers in its year, and to which day its figures are actual by default
    (the rest of the period is estimated); `code` is the `period` its figures carry in data/values/."""
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=SLUG_PATTERN, max_length=40)
    name: str = Field(default="năm", max_length=MAX_NAME_CHARS)  # before a year, beside last year's: "6 tháng đầu năm"
    start: str
    end: str
    actual_to: str

    _days = field_validator("start", "end", "actual_to", mode="before")(_month_day)

    @model_validator(mode="after")
    def _in_order(self) -> "PeriodRule":
        if not self.start <= self.actual_to <= self.end:
            raise ValueError(_("the period must run start ≤ actual_to ≤ end; found {start}, {actual_to}, {end}").format(
                start=self.start, actual_to=self.actual_to, end=self.end))
        return self

    def day(self, field: str, year: int) -> dt.date:
        month, day = getattr(self, field).split("-")
        return dt.date(year, int(month), int(day))


class RollupKind(BaseModel):
    """A kind's district and province roll-ups: their title and author, and their notebooks (paths under
    notebooks/, in order; empty: every NN-*.ipynb of notebooks/rollup/, which serve every kind)."""
    model_config = ConfigDict(extra="forbid")
    title: str
    author: str
    sections: list[str] = []


class ReportKind(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_FIELD_CHARS)
    name: str  # how the site and the commands name it: "Báo cáo năm"
    title: str  # with words: "Báo cáo tổng kết công tác Tư pháp năm {year} — {unit_full}"
    author: str  # the issuing body, for the PDF's and Word file's metadata: "UBND {unit_full}"
    period: PeriodRule
    default: bool = False  # its files keep the plain paths (params/<year>/<unit>.yaml, notebooks/NN-*.ipynb)
    # Its section notebooks, relative to notebooks/ and in report order; empty: every NN-*.ipynb of its folder.
    sections: list[str] = []
    recipients: list[str] = []  # "Nơi nhận" when a report's params name none
    rollup: RollupKind | None = None  # none: the kind has no roll-ups


class _Kinds(RootModel[dict[str, ReportKind]]):
    pass


class ReportKinds:
    """The kinds of a project, by slug, in the file's order; `default` is the slug of the plain-path kind."""

    def __init__(self, path: Path, kinds: dict[str, ReportKind]):
        self.path, self.kinds = path, kinds
        self.default = next(slug for slug, kind in kinds.items() if kind.default)

    def __iter__(self):
        return iter(self.kinds)

    def __contains__(self, slug) -> bool:
        return slug in self.kinds

    def __getitem__(self, slug: str) -> ReportKind:
        if slug not in self.kinds:
            raise unknown_kind(slug, self)
        return self.kinds[slug]

    def with_rollups(self, slug: str) -> ReportKind:
        """The kind, which must have roll-ups: a `rollup` entry gives their title and author."""
        if self[slug].rollup is None:
            raise TuphapError(_("{file}: the kind {kind} has no 'rollup' entry, so it has no roll-ups").format(
                file=self.path, kind=slug))
        return self[slug]

    def folder(self, slug: str) -> str:
        """What a kind's paths carry (project.py): '' for the default kind, else its slug."""
        return "" if self[slug].default else slug

    def slug(self, folder: str) -> str:
        """The kind whose paths carry `folder` ('' is the default kind)."""
        return folder or self.default

    @property
    def periods(self) -> set[str]:
        return {kind.period.code for kind in self.kinds.values()}


def unknown_kind(slug: str, kinds: ReportKinds) -> TuphapError:
    """The error for a kind the file lacks, naming the nearest one (a typo: 6thnag)."""
    nearest = difflib.get_close_matches(slug, list(kinds), n=1, cutoff=0.5)
    hint = (_("; did you mean {kind!r}?").format(kind=nearest[0]) if nearest
            else _("; known kinds: {kinds}").format(kinds=", ".join(kinds)))
    return TuphapError(_("unknown report kind {kind!r}: not in {file}").format(kind=slug, file=kinds.path) + hint)


# How long each word of a title can be: years are four digits; a name (limits.py) may have its kind
# before it ("thị trấn "); any other word (the request, the period) is a whole params field.
_LONGEST_NAME = MAX_NAME_CHARS + len("thị trấn ")
_YEAR_WORDS = ("year", "next_year", "prev_year", "communes")
_DATE_WORDS = ("period_start", "period_end", "actual_to")


def _longest_filled(template: str) -> int:
    """How long a title or author can get once its {words} are filled with the longest values allowed."""
    def longest(match: re.Match) -> str:
        word = match.group(1)
        return "x" * (4 if word in _YEAR_WORDS else 10 if word in _DATE_WORDS
                      else MAX_FIELD_CHARS if word in ("request", "period_note", "actual_period") else _LONGEST_NAME)

    return len(re.sub(r"\{([^{}|]*)[^{}]*\}", longest, template))


def _error(path: Path, exc: ValidationError) -> DataError:
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    return DataError(path, message, field=".".join(str(part) for part in first["loc"]))


# The year report's period when a project's file predates periods (Thông tư 03/2019/TT-BTP, Điều 6).
_YEAR_PERIOD = {"code": "nam", "start": "01-01", "end": "12-31", "actual_to": "10-31"}


def _from_first_format(raw):
    """A file written before kinds had periods held two entries, `commune` (the year report's title and
    author) and `rollup` (its roll-ups'): read as the one kind `nam`, so that such a project builds as before."""
    if not (isinstance(raw, dict) and set(raw) == {"commune", "rollup"} and isinstance(raw["commune"], dict)):
        return raw
    return {"nam": {"name": "Báo cáo năm", **raw["commune"], "default": True, "period": _YEAR_PERIOD,
                    "rollup": raw["rollup"]}}


def load_report_kinds(path: Path) -> ReportKinds:
    try:
        kinds = _Kinds.model_validate(_from_first_format(read_yaml(path))).root
    except ValidationError as exc:
        raise _error(path, exc) from None
    for slug in kinds:
        if not re.fullmatch(SLUG_PATTERN, slug) or slug in RESERVED_KINDS:
            raise DataError(path, _("a kind's slug names folders (params/<year>/_<kind>/): use lowercase letters, "
                                    "digits and hyphens, and not {reserved}").format(reserved=", ".join(RESERVED_KINDS)),
                            field=slug)
    defaults = [slug for slug, kind in kinds.items() if kind.default]
    if len(defaults) != 1:
        raise DataError(path, _("exactly one kind must say 'default: true' (the one whose files keep the plain "
                                "folders); found {count}: {kinds}").format(count=len(defaults), kinds=", ".join(defaults)))
    for name, kind in kinds.items():
        for field, text in (("title", kind.title), ("author", kind.author),
                            *((f"rollup.{f}", getattr(kind.rollup, f)) for f in ("title", "author") if kind.rollup)):
            if _longest_filled(text) > MAX_TITLE_CHARS:
                raise DataError(path, _("filled with the longest names allowed ({names} characters), it could run "
                                        "over the {limit} characters a Word file's {field} may hold; shorten it").format(
                                    names=MAX_NAME_CHARS, limit=MAX_TITLE_CHARS, field=field.split(".")[-1]),
                                field=f"{name}.{field}")
    return ReportKinds(path, kinds)
