"""The PDF, rendered by WeasyPrint from the report's print HTML (fonts embedded as subsets).

The fonts are given to WeasyPrint as files (fonts.py chose them for their Vietnamese letters), so it
does not resolve a family name to whichever same-named file fontconfig prefers."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from tuphap import fonts
from tuphap.assemble.page import stylesheet


@lru_cache(maxsize=1)
def _print_style() -> tuple[CSS, FontConfiguration]:
    """The report stylesheet, parsed once per process, and the fonts it resolved."""
    font_config = FontConfiguration()
    fonts_css = fonts.font_face_css(embed=False) + "\n"
    return CSS(string=fonts_css + stylesheet(), font_config=font_config), font_config


def render_pdf(page_html: str, base: Path) -> bytes:
    style, font_config = _print_style()
    # custom_metadata: the page's own <meta> names (the build id) go into the PDF's information too.
    return HTML(string=page_html, base_url=str(base)).write_pdf(stylesheets=[style], font_config=font_config,
                                                                 custom_metadata=True)
