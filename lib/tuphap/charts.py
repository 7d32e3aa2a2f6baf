"""Charts in one house style: serif Vietnamese labels, values formatted the Vietnamese way, PNG output.

Figures are built with matplotlib's object API (no pyplot), so nothing leaks between reports that
share a kernel.
"""
from __future__ import annotations

import io
import math
import textwrap

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

STYLE = {
    "font.family": "serif",
    "font.serif": ["Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif"],
    "font.size": 11,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
}
PALETTE = ["#1f4e79", "#9dc3e6", "#c55a11", "#7f7f7f", "#548235", "#bf9000", "#7030a0", "#2e75b6"]
CURRENT, PREVIOUS = PALETTE[0], PALETTE[1]
DPI = 150  # sharp when printed at 15 cm wide, and quick to draw
WIDTH_IN = 6.0


def _figure(height_in: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def horizontal_bars(labels: list[str], values: list[float], value_texts: list[str], unit: str) -> bytes:
    """One bar per category, largest first kept in the given order, each labelled with its value."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(0.45 * len(labels) + 0.8)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))], height=0.6)
        ax.set_yticks(positions, labels)
        ax.set_xlabel(unit)
        ax.bar_label(ax.containers[0], labels=value_texts, padding=3)
        ax.set_xlim(0, max(values) * 1.18 if max(values) > 0 else 1)
        ax.tick_params(axis="x", labelbottom=False, length=0)
        return _png(fig)


def year_pairs(labels: list[str], previous: list[float], current: list[float],
               previous_texts: list[str], current_texts: list[str], years: tuple[int, int]) -> bytes:
    """One small panel per indicator, last year beside this year, each on its own scale so that
    hundreds of files and a handful of petitions can sit in one figure."""
    columns = min(3, len(labels))
    rows = math.ceil(len(labels) / columns)
    with matplotlib.rc_context(STYLE):
        fig = _figure(2.1 * rows + 0.2)
        axes = list(fig.subplots(rows, columns, squeeze=False).flat)
        for ax, label, old, new, old_text, new_text in zip(axes, labels, previous, current,
                                                          previous_texts, current_texts):
            bars = ax.bar([str(years[0]), str(years[1])], [old, new], color=[PREVIOUS, CURRENT], width=0.6)
            ax.bar_label(bars, labels=[old_text, new_text], padding=2)
            ax.set_title(textwrap.fill(label, 26), fontsize=10, fontweight="normal")
            ax.set_ylim(0, max(old, new) * 1.25 if max(old, new) > 0 else 1)
            ax.tick_params(axis="y", left=False, labelleft=False)
            ax.spines["left"].set_visible(False)
        for ax in axes[len(labels):]:
            ax.set_visible(False)  # panels left over in the last row
        return _png(fig)
