"""The PDF, rendered by WeasyPrint from the report's print HTML (fonts embedded as subsets)."""
from __future__ import annotations

from pathlib import Path

from weasyprint import HTML


def render_pdf(page_html: str, base: Path) -> bytes:
    return HTML(string=page_html, base_url=str(base)).write_pdf()
