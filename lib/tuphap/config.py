"""Where things live. Every path the package uses is built here and nowhere else."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError

ROOT_ENV = "TUPHAP_ROOT"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_slug(slug: str) -> str:
    """Unit slugs become folder names, so only lowercase ASCII words joined by hyphens pass."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise TuphapError(
            f"invalid unit slug {slug!r}: use lowercase letters, digits and hyphens (e.g. 'tan-khai')"
        )
    return slug


def check_year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise TuphapError(f"invalid year {year!r}: expected a four-digit year such as 2024") from None
    if not 1900 <= value <= 2200:
        raise TuphapError(f"invalid year {year!r}: expected a four-digit year such as 2024")
    return value


def _looks_like_project(folder: Path) -> bool:
    return (folder / "data" / "units.csv").is_file() and (folder / "notebooks").is_dir()


def find_root(start: Path | None = None) -> Path:
    """The project folder: $TUPHAP_ROOT, else the nearest parent of the working folder that holds
    data/units.csv and notebooks/ (so notebooks opened in JupyterLab find it), else the source checkout."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _looks_like_project(folder):
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if _looks_like_project(checkout):
        return checkout
    raise TuphapError(
        f"no project found from {here}: expected a folder with data/units.csv and notebooks/ "
        f"(or set {ROOT_ENV})"
    )


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @classmethod
    def discover(cls, root: Path | str | None = None) -> "ProjectPaths":
        return cls(Path(root).resolve() if root else find_root())

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def units_file(self) -> Path:
        return self.data / "units.csv"

    @property
    def indicators_file(self) -> Path:
        return self.data / "indicators.csv"

    @property
    def rules_file(self) -> Path:
        return self.data / "rules.csv"

    @property
    def values_dir(self) -> Path:
        return self.data / "values"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def params_dir(self) -> Path:
        return self.root / "params"

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs"

    def params_file(self, year: int, unit: str) -> Path:
        return self.params_dir / str(check_year(year)) / f"{check_slug(unit)}.yaml"

    def narrative_file(self, year: int, unit: str) -> Path:
        return self.data / "narrative" / str(check_year(year)) / f"{check_slug(unit)}.md"

    def report_dir(self, year: int, unit: str) -> Path:
        return self.outputs_dir / str(check_year(year)) / check_slug(unit)

    def sections_dir(self, year: int, unit: str) -> Path:
        return self.report_dir(year, unit) / "sections"

    # Roll-ups (district and province reports) are keyed '<level>-<area slug>', e.g. 'district-hon-quan'.
    @property
    def rollup_rules_file(self) -> Path:
        return self.data / "rollup.csv"

    @property
    def rollup_notebooks_dir(self) -> Path:
        return self.notebooks_dir / "rollup"

    def rollup_params_dir(self, year: int) -> Path:
        return self.params_dir / str(check_year(year)) / "rollup"

    def rollup_params_file(self, year: int, key: str) -> Path:
        return self.rollup_params_dir(year) / f"{check_slug(key)}.yaml"

    def rollup_dir(self, year: int, key: str) -> Path:
        return self.outputs_dir / str(check_year(year)) / "_rollup" / check_slug(key)

    def rollup_notebooks(self) -> list[Path]:
        return sorted(self.rollup_notebooks_dir.glob("[0-9][0-9]-*.ipynb"))

    def section_notebooks(self) -> list[Path]:
        """The report's sections, in order: notebooks named NN-<section>.ipynb."""
        return sorted(p for p in self.notebooks_dir.glob("[0-9][0-9]-*.ipynb"))
