"""Reading the data files: units registry, indicator catalogue, values, narrative and params."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tuphap.catalogue import INDICATOR_TYPES, Catalogue, EntryError, Indicator, parse_entry
from tuphap.config import ProjectPaths, check_slug
from tuphap.errors import DataError, DataErrors, TuphapError
from tuphap.textfiles import read_text

UNIT_KINDS = ("xã", "phường", "thị trấn")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _csv_records(path: Path, reader: csv.DictReader):
    try:
        yield from reader
    except csv.Error as exc:  # e.g. a quote never closed swallows the rest of the file
        raise DataError(path, f"not readable as CSV after row {reader.line_num} ({exc})") from None


def read_table(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[dict]:
    """Rows of a CSV (UTF-8, UTF-16 or Windows-1258: see textfiles.py) as dicts of NFC strings,
    with each row's line number under '_row'."""
    if not path.is_file():
        raise DataError(path, "file not found")
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = [nfc(name) for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}; the header is {header}", row=1)
    unknown = [name for name in header if name not in required + optional]
    if unknown:
        raise DataError(path, f"unknown column(s) {', '.join(unknown)}", row=1)
    reader.fieldnames = header
    rows = []
    for row in _csv_records(path, reader):
        if None in row or None in row.values():
            raise DataError(path, f"this row has {'more' if None in row else 'fewer'} cells than the "
                                  f"header's {len(header)} (an unquoted comma?)", row=reader.line_num)
        cleaned = {key: nfc(value or "") for key, value in row.items() if key is not None}
        cleaned["_row"] = reader.line_num
        rows.append(cleaned)
    return rows


def _require(path: Path, row: dict, field: str) -> str:
    if not row.get(field):
        raise DataError(path, "empty value", row=row["_row"], field=field)
    return row[field]


@dataclass(frozen=True)
class Unit:
    slug: str
    code: str
    kind: str
    name: str
    hamlet_kind: str
    district: str
    province: str
    sample: bool

    @property
    def full_name(self) -> str:
        """'thị trấn Tân Khai', as it reads inside a sentence."""
        return f"{self.kind} {self.name}"


def load_units(path: Path) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    columns = ("slug", "code", "kind", "name", "hamlet_kind", "district", "province", "sample")
    for row in read_table(path, columns):
        slug = _require(path, row, "slug")
        try:
            check_slug(slug)
        except TuphapError as exc:
            raise DataError(path, str(exc), row=row["_row"], field="slug") from None
        if slug in units:
            raise DataError(path, f"unit {slug!r} is listed twice", row=row["_row"], field="slug")
        kind = _require(path, row, "kind")
        if kind not in UNIT_KINDS:
            raise DataError(path, f"kind {kind!r} is not one of {', '.join(UNIT_KINDS)}", row=row["_row"], field="kind")
        if row["sample"] not in ("yes", "no"):
            raise DataError(path, f"expected 'yes' or 'no', found {row['sample']!r}", row=row["_row"], field="sample")
        units[slug] = Unit(
            slug=slug, code=row["code"], kind=kind, name=_require(path, row, "name"),
            hamlet_kind=_require(path, row, "hamlet_kind"), district=row["district"],
            province=_require(path, row, "province"), sample=row["sample"] == "yes",
        )
    return units


def load_catalogue(path: Path) -> Catalogue:
    columns = ("id", "section", "label", "unit", "type")
    relations = ("part_of", "subset_of", "numerator", "denominator")
    rows = read_table(path, columns, relations)
    indicators, seen = [], set()
    for row in rows:
        ind_id = _require(path, row, "id")
        if "." not in ind_id or not re.fullmatch(r"[a-z0-9_.]+", ind_id):
            raise DataError(path, f"id {ind_id!r} must look like 'area.name' (lowercase, digits, '_')", row=row["_row"], field="id")
        if ind_id in seen:
            raise DataError(path, f"indicator {ind_id!r} is listed twice", row=row["_row"], field="id")
        seen.add(ind_id)
        if row["type"] not in INDICATOR_TYPES:
            raise DataError(path, f"type {row['type']!r} is not one of {', '.join(INDICATOR_TYPES)}", row=row["_row"], field="type")
        indicators.append(Indicator(
            id=ind_id, section=_require(path, row, "section"), label=_require(path, row, "label"),
            unit=row["unit"], type=row["type"], **{name: row.get(name, "") for name in relations},
        ))
        _check_type(path, row, indicators[-1])
    by_id = {ind.id: ind for ind in indicators}
    for ind, row in zip(indicators, rows):
        for name in relations:
            target = getattr(ind, name)
            if target and target not in seen:
                raise DataError(path, f"refers to unknown indicator {target!r}", row=row["_row"], field=name)
            if target and not by_id[target].quantity:
                raise DataError(path, f"refers to {target!r}, a {by_id[target].type}: only figures add up or divide",
                                row=row["_row"], field=name)
    return Catalogue(indicators)


def _check_type(path: Path, row: dict, ind: Indicator) -> None:
    """What each type needs from its catalogue row: rates and averages a numerator and denominator,
    flags their two words, flags and texts no relation (they do not add up)."""
    if ind.derived and not (ind.numerator and ind.denominator):
        raise DataError(path, f"{ind.type} {ind.id!r} needs both numerator and denominator", row=row["_row"],
                        field="numerator")
    if ind.type == "flag":
        yes, no = ind.flag_words
        two_words = ind.unit.count("/") == 1 and yes and no and yes.casefold() != no.casefold()
        if not two_words or "," in ind.unit or '"' in ind.unit:  # the words become an Excel drop-down list
            raise DataError(path, f"a flag's unit gives its two words as 'yes word/no word' (đạt/chưa đạt), "
                                  f"different and without commas or quotes; found {ind.unit!r}",
                            row=row["_row"], field="unit")
    if not ind.quantity:
        for name in ("part_of", "subset_of", "numerator", "denominator"):
            if getattr(ind, name):
                raise DataError(path, f"a {ind.type} takes no {name}: only figures add up or divide",
                                row=row["_row"], field=name)


def _parse_value(path: Path, row: dict, indicator: Indicator) -> float | str:
    try:
        return parse_entry(indicator, row["value"])
    except EntryError as exc:
        raise DataError(path, f"{indicator.id}: {exc}", row=row["_row"], field="value") from None


def _value_record(path: Path, row: dict, units: dict[str, Unit], catalogue: Catalogue) -> dict | None:
    """One values row checked and parsed; None for an empty cell ("not reported")."""
    unit = _require(path, row, "unit")
    if unit not in units:
        raise DataError(path, f"unknown unit {unit!r} (not in data/units.csv)", row=row["_row"], field="unit")
    indicator = _require(path, row, "indicator")
    if indicator not in catalogue:
        raise DataError(path, f"unknown indicator {indicator!r} (not in data/indicators.csv)", row=row["_row"], field="indicator")
    if catalogue[indicator].derived:
        raise DataError(path, f"{indicator!r} is computed from other indicators; do not enter it", row=row["_row"], field="indicator")
    if not re.fullmatch(r"\d{4}", row["year"]):
        raise DataError(path, f"year {row['year']!r} is not a four-digit year", row=row["_row"], field="year")
    if not row["value"]:
        return None  # an empty cell means "not reported"; a zero must be written as 0
    return {"unit": unit, "year": int(row["year"]), "indicator": indicator,
            "value": _parse_value(path, row, catalogue[indicator]), "file": str(path), "row": row["_row"]}


def load_values(folder: Path, units: dict[str, Unit], catalogue: Catalogue) -> pd.DataFrame:
    """Every values file, as one long table: unit, year, indicator, value (a float, or a str for a
    text indicator), plus the source file and row. Every bad row of every file is reported
    (DataErrors), not just the first."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(folder, "no values files (*.csv) found")
    records, seen, errors = [], {}, []
    for path in files:
        try:
            rows = read_table(path, ("unit", "year", "indicator", "value"), ("note",))
        except DataError as exc:  # the file as a whole is unreadable
            errors.append(exc)
            continue
        for row in rows:
            try:
                record = _value_record(path, row, units, catalogue)
                if record is None:
                    continue
                key = (record["unit"], record["year"], record["indicator"])
                if key in seen:
                    raise DataError(path, f"duplicate of {seen[key]} for {', '.join(map(str, key))}", row=row["_row"])
            except DataError as exc:
                errors.append(exc)
                continue
            seen[key] = f"{path.name} row {row['_row']}"
            records.append(record)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DataErrors(errors)
    return pd.DataFrame.from_records(records, columns=["unit", "year", "indicator", "value", "file", "row"])


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


def load_params(path: Path, model: type[ReportParams] = ReportParams) -> ReportParams:
    if not path.is_file():
        raise TuphapError(f"params file not found: expected {path}")
    try:
        raw = yaml.load(read_text(path), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise DataError(path, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DataError(path, "expected a mapping of keys such as place, date, signer")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise DataError(path, f"{first['msg']} ({len(exc.errors())} problem(s) in all)", field=key) from None


@dataclass(frozen=True)
class NarrativeBlock:
    key: str
    text: str
    file: Path
    line: int  # line of the block's first text line, for messages


_BLOCK_HEADING = re.compile(r"^##\s+([a-z0-9_.-]+)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def without_comments(text: str) -> str:
    """Drop <!-- notes --> but keep their line breaks, so line numbers in messages stay right."""
    return _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def load_narrative(path: Path) -> dict[str, NarrativeBlock]:
    """A unit's prose for one year: blocks introduced by '## key' lines, Markdown inside."""
    if not path.is_file():
        raise TuphapError(f"narrative file not found: expected {path}")
    blocks: dict[str, NarrativeBlock] = {}
    key, start, lines = None, 0, []

    def close():
        if key is not None:
            blocks[key] = NarrativeBlock(key, "\n".join(lines).strip(), path, start)

    text = without_comments(unicodedata.normalize("NFC", read_text(path)))  # not stripped: line numbers
    for number, line in enumerate(text.splitlines(), start=1):
        match = _BLOCK_HEADING.match(line)
        if match:
            close()
            key, start, lines = match.group(1), number + 1, []
            if key in blocks:
                raise DataError(path, f"block '## {key}' appears twice", row=number)
        elif key is not None:
            lines.append(line)
        elif line.strip():
            raise DataError(path, "text before the first '## block-key' line", row=number)
    close()
    return blocks


@dataclass(frozen=True)
class Dataset:
    """Everything under data/ that is shared by all reports."""
    paths: ProjectPaths
    units: dict[str, Unit]
    catalogue: Catalogue
    values: pd.DataFrame

    @classmethod
    def load(cls, paths: ProjectPaths) -> "Dataset":
        """Load data/, or reuse the last load while the files' contents are unchanged: every section
        notebook loads the data, and a warm kernel runs thousands of them."""
        key = (paths.root, data_digest(paths))
        cached = _LOADED.get(key)
        if cached is None:
            units = load_units(paths.units_file)
            catalogue = load_catalogue(paths.indicators_file)
            cached = cls(paths, units, catalogue, load_values(paths.values_dir, units, catalogue))
            _LOADED.clear()
            _LOADED[key] = cached
        return cached

    def unit(self, slug: str) -> Unit:
        if slug not in self.units:
            raise TuphapError(f"unknown unit {slug!r}: not in {self.paths.units_file}")
        return self.units[slug]

    @cached_property
    def _values_by_report(self) -> dict[tuple[str, int], dict[str, float | str]]:
        return {(unit, int(year)): dict(zip(rows["indicator"], rows["value"]))
                for (unit, year), rows in self.values.groupby(["unit", "year"])}

    def values_for(self, unit: str, year: int) -> dict[str, float | str]:
        """The unit's values for the year: floats, and strings for text indicators (read them
        through Figures, whose value() is numeric only)."""
        return dict(self._values_by_report.get((unit, year), {}))

    @cached_property
    def _sources_by_report(self) -> dict[tuple[str, int], dict[str, tuple[str, int]]]:
        return {(unit, int(year)): {ind: (file, int(row)) for ind, file, row in zip(rows["indicator"], rows["file"], rows["row"])}
                for (unit, year), rows in self.values.groupby(["unit", "year"])}

    def sources_for(self, unit: str, year: int) -> dict[str, tuple[str, int]]:
        """Where each of the unit's figures for the year was entered: {indicator: (file, row)}."""
        return dict(self._sources_by_report.get((unit, year), {}))


_LOADED: dict[tuple, Dataset] = {}


def data_files(paths: ProjectPaths) -> list[Path]:
    return [paths.units_file, paths.indicators_file, *sorted(paths.values_dir.glob("*.csv"))]


def _file_state(path: Path) -> tuple:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


_DIGESTS: dict[tuple, str] = {}


def data_digest(paths: ProjectPaths) -> str:
    """A hash of the shared data files' names and contents (missing files hash as absent). Within a
    process it is recomputed only when a file's size, inode or modification time changes: the files
    are read for every section notebook, and with a thousand communes they are megabytes."""
    files = data_files(paths)
    state = tuple(_file_state(path) for path in files)
    if state not in _DIGESTS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        _DIGESTS.clear()
        _DIGESTS[state] = digest.hexdigest()
    return _DIGESTS[state]
