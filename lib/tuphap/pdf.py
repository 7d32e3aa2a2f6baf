"""The PDF, rendered by WeasyPrint from the report's print HTML (fonts embedded as subsets)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from tuphap.assemble import stylesheet


@lru_cache(maxsize=1)
def _print_style() -> tuple[CSS, FontConfiguration]:
    """The report stylesheet, parsed once per process, and the fonts it resolved."""
    fonts = FontConfiguration()
    return CSS(string=stylesheet(), font_config=fonts), fonts


def render_pdf(page_html: str, base: Path) -> bytes:
    style, fonts = _print_style()
    return HTML(string=page_html, base_url=str(base)).write_pdf(stylesheets=[style], font_config=fonts)
