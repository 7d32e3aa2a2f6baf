"""Prose with placeholders: '{hoa_giai.tiep_nhan}' becomes '15', '{year}' becomes '2024'.

Templates are Markdown (paragraphs, lists, *emphasis*, footnotes: inline ^[...] or [^label] with a
'[^label]: ...' definition in the same template); raw HTML in them is
shown as text, never executed. Placeholders are replaced after Markdown is rendered, by escaped text.
Indicator placeholders contain a dot; the words of the document (year, unit name, ...) do not.
Modifiers: {id|nopad} drops the leading zero (7 not 07); {id|zero_word} writes 'không' for zero;
{id|co} writes 'có 07' or, for zero, 'không có', so that 'trong đó {ho_tich.tre_han|co} hồ sơ trễ hạn'
reads 'trong đó có 07 hồ sơ trễ hạn' or 'trong đó không có hồ sơ trễ hạn';
{id|parts} lists the parts of a total with their labels ('Đăng ký khai sinh: 286 trường hợp; ...').
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from tuphap.compute.figures import Figures
from tuphap.errors import TuphapError
from tuphap.i18n import _

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)(?:\|([a-z_]+))?\}")
MODIFIERS = ("nopad", "zero_word", "co", "parts")


@dataclass(frozen=True)
class Source:
    """Where a template came from, for error messages: a narrative file and line, or a notebook call."""
    description: str

    def error(self, message: str) -> TuphapError:
        return TuphapError(f"{self.description}: {message}")


def placeholders(template: str) -> list[tuple[str, str]]:
    return [(match.group(1), match.group(2) or "") for match in PLACEHOLDER.finditer(template)]


def check_template(template: str, figures: Figures, words: dict[str, str], source: Source) -> None:
    """Fail on a placeholder that names no indicator or word, or an unknown modifier."""
    for name, modifier in placeholders(template):
        if modifier and modifier not in MODIFIERS:
            raise source.error(_("unknown modifier '|{modifier}' in {placeholder}; use one of {modifiers}").format(
                modifier=modifier, placeholder=f"{{{name}|{modifier}}}", modifiers=", ".join(MODIFIERS)))
        if "." in name and name not in figures.catalogue:
            raise source.error(_("placeholder {placeholder} names no indicator in data/indicators.csv").format(
                placeholder=f"{{{name}}}"))
        if "." not in name and name not in words:
            raise source.error(_("placeholder {placeholder} is unknown; known words: {words}").format(
                placeholder=f"{{{name}}}", words=", ".join(sorted(words))))


def knows_none(template: str, figures: Figures) -> bool:
    """Whether a template names figures and none of them is known (a |parts placeholder counts by
    its parts): an optional sentence about something the unit does not report."""
    names = [(name, modifier) for name, modifier in placeholders(template) if "." in name]
    known = [figures.present_parts(name) if modifier == "parts" else figures.has(name) for name, modifier in names]
    return bool(names) and not any(known)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).use(footnote_plugin)

    def footnote_in_place(renderer, tokens, idx, options, env):
        note_id = tokens[idx].meta["id"]
        return f'<span class="footnote">{env["notes"][note_id]}</span>'

    md.add_render_rule("footnote_ref", footnote_in_place)
    return md


_MD = _markdown()


def _footnote_bodies(tokens, env: dict) -> dict[int, str]:
    """The HTML of each footnote by id: ^[inline] notes carry their tokens, [^label] notes live in
    the footnote block that the parser appends after the text."""
    bodies = {note_id: _MD.renderer.renderInline(note["tokens"], _MD.options, env)
              for note_id, note in env.get("footnotes", {}).get("list", {}).items() if "tokens" in note}
    current = None
    for token in tokens:
        if token.type == "footnote_open" and token.meta["id"] not in bodies:
            current = token.meta["id"]
            bodies[current] = ""
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type == "inline":
            separator = " " if bodies[current] else ""
            bodies[current] += separator + _MD.renderer.renderInline(token.children, _MD.options, env)
    return bodies


_LITERAL_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)


@dataclass(frozen=True)
class FootnoteProblem:
    """A [^label] reference with no definition in its template (it would print as typed), or a
    '[^label]: …' definition nothing refers to (its note would be lost)."""
    label: str
    undefined: bool

    @property
    def written(self) -> str:
        """What to look for in the text: the reference, or the definition."""
        return f"[^{self.label}]" if self.undefined else f"[^{self.label}]:"

    def message(self) -> str:
        if self.undefined:
            return _("the footnote [^{label}] has no definition: add a line '[^{label}]: text of the note' after the "
                     "paragraph, in the same block, or write the note inline as ^[text of the note]").format(label=self.label)
        return _("the footnote definition [^{label}]: is not referred to in its block, so its note would be lost: "
                 "put [^{label}] where the note belongs, or remove the definition").format(label=self.label)

    def message_vi(self) -> str:
        """For findings, which carry their Vietnamese (reports and the site are Vietnamese by design)."""
        if self.undefined:
            return (f"Chú thích [^{self.label}] chưa có nội dung: thêm dòng “[^{self.label}]: nội dung chú thích” "
                    f"trong cùng khối, hoặc viết chú thích ngay trong câu: ^[nội dung chú thích]")
        return (f"Nội dung chú thích [^{self.label}]: không được câu nào trong khối dẫn tới, nên sẽ bị mất: "
                f"đặt [^{self.label}] vào chỗ cần chú thích, hoặc xóa nội dung đó")


@lru_cache(maxsize=1024)  # a section's own templates are the same for every commune a kernel builds
def _rendered(text: str) -> tuple[str, FootnoteProblem | None]:
    """The HTML, and the first problem with its footnotes, if any."""
    env: dict = {}
    tokens = _MD.parse(text, env)
    env["notes"] = _footnote_bodies(tokens, env)
    cut = next((i for i, tok in enumerate(tokens) if tok.type == "footnote_block_open"), len(tokens))
    rendered = _MD.renderer.render(tokens[:cut], _MD.options, env)
    undefined = _LITERAL_FOOTNOTE.search(_CODE.sub("", rendered))
    unused = [label[1:] for label, note_id in env.get("footnotes", {}).get("refs", {}).items() if note_id < 0]
    if undefined:
        return rendered, FootnoteProblem(undefined.group(1), undefined=True)
    if unused:
        return rendered, FootnoteProblem(unused[0], undefined=False)
    return rendered, None


def footnote_problem(text: str) -> FootnoteProblem | None:
    """What is wrong with a template's footnotes (validation reports it before a build)."""
    return _rendered(text)[1]


def render_markdown(text: str) -> str:
    """Markdown to HTML; footnotes stay inline as <span class="footnote"> for assembly to place."""
    return _rendered(text)[0]


def _missing_html(label: str) -> str:
    return f'<span class="missing" title="thiếu số liệu">[thiếu số liệu: {html.escape(label)}]</span>'


# Right after an estimated figure, raised, so that the phrase around it reads on ("125(*) buổi"); a
# report explains it once (render/commune.py, period_statement).
ESTIMATE_MARK = "(*)"


def _estimate_mark(figures: Figures, name: str) -> str:
    return f'<sup class="estimate" title="số liệu ước tính">{ESTIMATE_MARK}</sup>' if figures.is_estimate(name) else ""


def figure_phrase(figures: Figures, name: str) -> str:
    """A figure with its unit as HTML ('1.733 hồ sơ', '66,7%'), marked when it is an estimate, or the
    missing-figure marker."""
    ind = figures.catalogue[name]
    if not figures.has(name):
        return _missing_html(ind.label)
    text = figures.format(name)
    return html.escape(text if ind.unit in ("", "%") else f"{text} {ind.unit}") + _estimate_mark(figures, name)


def _replacement(name: str, modifier: str, figures: Figures, words: dict[str, str]) -> str:
    if "." not in name:
        return html.escape(words[name])
    ind = figures.catalogue[name]
    if modifier == "parts":
        parts = figures.present_parts(name)
        if not parts:
            return _missing_html(f"các thành phần của {ind.label}")
        return "; ".join(
            html.escape(f"{part.label}: {figures.format(part.id)} {part.unit}".rstrip()) + _estimate_mark(figures, part.id)
            for part in parts
        )
    if not figures.has(name):
        return _missing_html(ind.label)
    mark = _estimate_mark(figures, name)
    if modifier == "zero_word" and figures.value(name) == 0:
        return "không" + mark
    if modifier == "co":
        return ("không có" if figures.value(name) == 0 else f"có {html.escape(figures.format(name))}") + mark
    return html.escape(figures.format(name, pad=modifier != "nopad")) + mark


def fill(template: str, figures: Figures, words: dict[str, str], source: Source) -> str:
    """Render a Markdown template to HTML with every placeholder replaced."""
    check_template(template, figures, words, source)
    rendered, problem = _rendered(template)
    if problem:
        raise source.error(problem.message())
    return PLACEHOLDER.sub(lambda m: _replacement(m.group(1), m.group(2) or "", figures, words), rendered)


def fill_words(text: str, words: dict[str, str], source: Source) -> str:
    """Plain text (headings, captions) with the document's words filled in; no figures, no Markdown."""
    def word(match: re.Match) -> str:
        if match.group(1) not in words or match.group(2):
            raise source.error(_("{placeholder} is not one of the words {words}").format(
                placeholder=match.group(0), words=", ".join(sorted(words))))
        return words[match.group(1)]

    return PLACEHOLDER.sub(word, text)
