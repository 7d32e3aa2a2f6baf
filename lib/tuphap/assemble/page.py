"""From executed section notebooks to one report: nbconvert for each section, then the page around them."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from nbconvert import TemplateExporter
from traitlets.config import Config

from tuphap import __version__, fonts
from tuphap.assemble import outline
from tuphap.compute import formatting

_TEMPLATE_ROOT = files("tuphap") / "templates"
_PAGE = Environment(loader=PackageLoader("tuphap", "templates"), autoescape=True).get_template("page.html.j2")


@dataclass(frozen=True)
class SectionHtml:
    name: str
    html: str


@lru_cache(maxsize=1)
def _exporter() -> TemplateExporter:
    # The template writes HTML itself, so the plain template exporter is enough: the HTML exporter
    # re-parses its result to add accessibility attributes to code cells, which the report has none of.
    # Only the tag filter runs: nbconvert validates the notebook after every preprocessor.
    config = Config({
        "TemplateExporter": {"default_preprocessors": ["nbconvert.preprocessors.TagRemovePreprocessor"]},
        "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["remove-cell"],
                                  "remove_all_outputs_tags": ["remove-output"]},
    })
    return TemplateExporter(
        config=config,
        extra_template_basedirs=[str(_TEMPLATE_ROOT / "nbconvert")],
        template_name="report_section",
        template_file="index.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def section_html(notebooks: list[Path], *, final: bool = False) -> list[SectionHtml]:
    """Each executed notebook's rich outputs as an HTML fragment (code, prompts and streams dropped;
    cells tagged remove-cell or remove-output left out), headings marked as outline.py says. The final
    copy, the one to be signed, has no data-quality note: that note is for drafts."""
    exporter = _exporter()
    return _outlined([SectionHtml(nb.stem, exporter.from_notebook_node(_read(nb))[0]) for nb in notebooks], final)


# The live preview (runtime/preview.py) keeps each section's HTML in memory and re-makes only those that
# re-ran: section_html in two steps, the first per executed notebook, the second over the whole report.
def notebook_section_html(name: str, notebook: nbformat.NotebookNode) -> SectionHtml:
    """One executed notebook held in memory as section_html makes it, before the report-wide outline."""
    return SectionHtml(name, _exporter().from_notebook_node(notebook)[0])


def outlined(sections: list[SectionHtml], *, final: bool = False) -> list[SectionHtml]:
    """Sections made by notebook_section_html as the whole report shows them (see section_html)."""
    return _outlined(sections, final)


def _outlined(sections: list[SectionHtml], final: bool) -> list[SectionHtml]:
    """The sections as the report shows them: without the style the notebook view adds, without the
    data-quality note in a final copy, and with "(không có)" after each heading that owns nothing."""
    soups = [BeautifulSoup(section.html, "html.parser") for section in sections]
    for soup in soups:
        for style in soup.select("style.tuphap-notebook"):  # the notebook's view of the report's styles
            style.decompose()
    if final:
        for soup in soups:
            for note in soup.select("aside.data-quality"):
                note.decompose()
    _first_comparison_notes_only(soups)
    outline.mark_empty_headings(soups)
    return [SectionHtml(section.name, str(soup)) for section, soup in zip(sections, soups)]


def _first_comparison_notes_only(soups: list[BeautifulSoup]) -> None:
    """Where last year's figures come from (a merged unit's predecessors) is said under every comparison
    a section makes, since each notebook stands alone; the report says it once, where it first appears."""
    seen: set[str] = set()
    for soup in soups:
        for note in soup.select("p.comparison-note"):
            text = note.get_text(" ", strip=True)
            if text in seen:
                note.decompose()
            seen.add(text)


def _read(notebook: Path) -> nbformat.NotebookNode:
    """An executed section notebook, without nbformat's schema validation on reading: papermill
    validated it when saving, and the exporter validates it again after its preprocessor."""
    return nbformat.v4.reads(notebook.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (files("tuphap") / "static" / "report.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def screen_stylesheet() -> str:
    """The report's styles for a browser, with the chosen fonts embedded: the page looks the same on a
    machine whose 'Times New Roman' lacks Vietnamese letters, or has no such font at all."""
    return fonts.font_face_css(embed=True) + "\n" + stylesheet()


def _as_endnotes(sections: list[SectionHtml]) -> tuple[list[SectionHtml], list[Markup]]:
    """Replace inline footnotes by numbered calls, returning the notes for the end of the page."""
    notes: list[Markup] = []
    converted = []
    for section in sections:
        soup = BeautifulSoup(section.html, "html.parser")
        for span in soup.select("span.footnote"):
            notes.append(Markup(span.decode_contents()))
            number = len(notes)
            call = soup.new_tag("sup", attrs={"class": "fn-ref", "id": f"fnref-{number}"})
            link = soup.new_tag("a", href=f"#fn-{number}")
            link.string = str(number)
            call.append(link)
            span.replace_with(call)
        converted.append(SectionHtml(section.name, str(soup)))
    return converted, notes


def render_page(sections: list[SectionHtml], document, *, for_print: bool) -> str:
    """The whole report (`document` is a build.Document: title, author, mode, provenance). For the PDF
    footnotes stay inline (the page layout places them at the foot of their page) and the stylesheet
    is left to the PDF renderer, which keeps it parsed; for the browser the page embeds its styles,
    footnotes become numbered notes at the end, and a line under the document says when it was built
    and from which data."""
    notes: list[Markup] = []
    if not for_print:
        sections, notes = _as_endnotes(sections)
    return _PAGE.render(
        document=document, built=formatting.timestamp(document.built_at),
        css=None if for_print else Markup(screen_stylesheet()), version=__version__, footnotes=notes,
        for_print=for_print, sections=[{"name": s.name, "html": Markup(s.html)} for s in sections],
    )
