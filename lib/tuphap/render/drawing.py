"""Charts in one house style: the report's serif, values formatted the Vietnamese way, PNG output.

Figures are built with matplotlib's object API (no pyplot), so nothing leaks between reports that
share a kernel. Text is set in the font *file* that fonts.py chose (matplotlib's lookup by family name
can pick a same-named file without Vietnamese letters), and every string is checked against that file
before drawing: a missing glyph stops the chart with a message naming the character.
"""
from __future__ import annotations

import io
import textwrap
import warnings

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from PIL import Image

from tuphap import fonts
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.render.chart import Chart

STYLE = {
    "font.size": 11,
    "figure.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
PALETTE = ["#1f4e79", "#9dc3e6", "#c55a11", "#7f7f7f", "#548235", "#bf9000", "#7030a0", "#2e75b6"]
CURRENT, PREVIOUS = PALETTE[0], PALETTE[1]
DPI = 150  # sharp when printed at 15 cm wide, and quick to draw
WIDTH_IN = 6.0


def _figure(height_in: float, **margins: float) -> Figure:
    """A figure with fixed margins (in inches): a layout engine would cost much of the drawing time.
    Called inside the house style's rc_context, as the whole chart is drawn."""
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=margins.get("left", 0.1) / WIDTH_IN, right=1 - margins.get("right", 0.1) / WIDTH_IN,
                        bottom=margins.get("bottom", 0.1) / height_in, top=1 - margins.get("top", 0.1) / height_in)
    return fig


def _png(fig: Figure) -> bytes:
    """The figure as an opaque PNG: without an alpha channel the PDF renderer (which re-encodes every
    PNG it embeds) encodes it once, not twice (image and alpha mask)."""
    fig.canvas.draw()
    rgba = fig.canvas.buffer_rgba()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba).convert("RGB").save(buffer, format="png", dpi=(DPI, DPI))
    return buffer.getvalue()


def _font(size: float = 11) -> FontProperties:
    return FontProperties(fname=str(fonts.typeface().file("regular").path), size=size)


def _check_glyphs(chart: Chart, texts: list[str]) -> None:
    face = fonts.typeface().file("regular")
    for text in texts:
        missing = face.missing(text)
        if missing:
            raise TuphapError(_("chart “{caption}”: the font file {file} has no glyph for {character} in “{text}”; "
                                "install a font with every Vietnamese letter (Debian: fonts-liberation2) or point "
                                "{variable} at one").format(caption=chart.caption, file=face.path,
                                                            character=fonts.describe_char(missing[0]), text=text,
                                                            variable=fonts.FONT_DIR_ENV))


def draw(chart: Chart) -> bytes:
    """The chart as a PNG. A glyph matplotlib cannot find is an error here, never an empty box."""
    draw_kind = {"bars": _horizontal_bars, "years": _year_pairs}[chart.kind]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        try:
            return draw_kind(chart)
        except UserWarning as warning:
            raise TuphapError(_("chart “{caption}”: {warning}").format(caption=chart.caption, warning=warning)) from None


def _horizontal_bars(chart: Chart) -> bytes:
    """One bar per category in the given order, each labelled with its value."""
    labels, values, value_texts, unit = chart.labels, chart.values[0], chart.texts[0], chart.axis
    names = [textwrap.fill(label, 32) for label in labels]
    _check_glyphs(chart, names + value_texts + [unit])
    with matplotlib.rc_context(STYLE):
        fig = _figure(0.42 * len(labels) + 0.5, left=2.6, right=0.15, bottom=0.35, top=0.1)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))], height=0.6)
        ax.set_yticks(positions, names, fontproperties=_font())
        ax.set_xlabel(unit, fontproperties=_font())
        ax.bar_label(ax.containers[0], labels=value_texts, padding=3, fontproperties=_font())
        ax.set_xlim(0, max(values) * 1.18 if max(values) > 0 else 1)
        ax.set_xticks([])  # every bar carries its value
        return _png(fig)


def _year_pairs(chart: Chart) -> bytes:
    """Last year beside this year for each indicator. Each pair is drawn on its own scale (bars as a
    share of the pair's larger value), so hundreds of files and a handful of petitions fit one
    figure; the value axis is therefore hidden and every bar carries its value."""
    labels = [f"{label} ({unit})" for label, unit in zip(chart.labels, chart.units)]
    (previous, current), (previous_texts, current_texts) = chart.values, chart.texts
    names = [textwrap.fill(label, max(10, 84 // len(labels))) for label in labels]
    _check_glyphs(chart, names + previous_texts + current_texts + chart.columns)
    with matplotlib.rc_context(STYLE):
        lines = max(name.count("\n") + 1 for name in names)
        fig = _figure(2.1 + 0.17 * lines, left=0.1, right=0.1, bottom=0.12 + 0.17 * lines, top=0.4)
        ax = fig.add_subplot()
        tops = [max(old, new) or 1 for old, new in zip(previous, current)]
        centres = range(len(labels))
        width = 0.38
        old = ax.bar([c - width / 2 for c in centres], [v / t for v, t in zip(previous, tops)], width,
                     color=PREVIOUS, label=chart.columns[0])
        new = ax.bar([c + width / 2 for c in centres], [v / t for v, t in zip(current, tops)], width,
                     color=CURRENT, label=chart.columns[1])
        ax.bar_label(old, labels=previous_texts, padding=2, fontproperties=_font(9))
        ax.bar_label(new, labels=current_texts, padding=2, fontproperties=_font(9))
        ax.set_xticks(list(centres), names, fontproperties=_font(9))
        ax.set_ylim(0, 1.2)
        span = max(len(labels), 3)  # keep bars slim when only one or two indicators are compared
        ax.set_xlim((len(labels) - 1 - span) / 2, (len(labels) - 1 + span) / 2)
        ax.tick_params(axis="x", length=0)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, prop=_font())
        return _png(fig)
