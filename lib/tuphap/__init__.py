"""tuphap: builds the yearly commune justice report from data files, one notebook per section."""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["open_rollup", "open_section", "__version__"]


def __getattr__(name: str):
    # The notebooks' entry points load the report machinery (Markdown, Jinja, Babel); the command
    # line does not need it to find out that nothing changed, so it is imported on first use.
    if name == "open_section":
        from tuphap.render.commune import open_section
        return open_section
    if name == "open_rollup":
        from tuphap.render.rollup import open_rollup
        return open_rollup
    raise AttributeError(f"module 'tuphap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
