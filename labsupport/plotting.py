"""One plot style for every lab: readable in the book's light and dark themes, colour-blind safe.

Figures are drawn on a white "card" with a thin grey frame, so they read the same whether the page
around them is light or dark; lines use the Okabe-Ito palette and differ in dash as well as colour.
The model modules never import this: plotting lives beside the widgets, apart from the model.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import matplotlib

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator

from .common import ecdf

__all__ = ["PALETTE", "LINESTYLES", "STYLE", "style", "new_figure", "plot_ccdf", "plot_cdf", "mark_percentiles",
           "no_minor_ticks", "diagram_style", "new_diagram", "diagram_box", "diagram_arrow"]

#: Okabe-Ito colour-blind safe palette (black dropped: it vanishes on dark pages if a card is lost).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
#: Line styles paired with PALETTE so that lines differ in more than colour.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)))

#: matplotlib rcParams of the course style.
STYLE: dict[str, Any] = {
    "figure.facecolor": "white",
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.figsize": (7.0, 3.6),
    "axes.facecolor": "white",
    "axes.edgecolor": "#444444",
    "axes.labelcolor": "#222222",
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE[: len(LINESTYLES)], linestyle=LINESTYLES),
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "text.color": "#222222",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 1.8,
    "font.size": 10,
}


@contextmanager
def style() -> Iterator[None]:
    """Context manager that applies :data:`STYLE` to the figures made inside it."""
    with plt.rc_context(STYLE):
        yield


def new_figure(ncols: int = 1, *, width: float | None = None, height: float | None = None, **kwargs: Any):
    """A figure with ``ncols`` side-by-side axes in the course style.

    Parameters
    ----------
    ncols : int, default=1
        Number of panels.
    width, height : float, optional
        Size in inches (default 7 x 3.6).
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    size = (width or STYLE["figure.figsize"][0], height or STYLE["figure.figsize"][1])
    with style():
        # A Figure outside pyplot's registry: it is shown only where the caller displays it (no second
        # copy from the inline backend), and it is freed when the caller lets go of it.
        fig = Figure(figsize=size)
        axes = fig.subplots(1, ncols, **kwargs)
    # Fixed margins, not a layout engine: constrained layout costs ~0.4 s a redraw, too slow for a widget.
    fig.subplots_adjust(left=0.1 if ncols == 1 else 0.095, right=0.98, bottom=0.14, top=0.9, wspace=0.3)
    return fig, axes


_PLAIN = FuncFormatter(lambda v, _pos: f"{v:g}")


def plot_cdf(ax, samples: Any, *, label: str = "", **kwargs: Any):
    """Draw the empirical CDF of ``samples`` on ``ax`` as a step line."""
    x, F = ecdf(samples)
    with style():
        return ax.step(x, F, where="post", label=label, **kwargs)


def plot_ccdf(ax, samples: Any, *, label: str = "", max_points: int = 1500, **kwargs: Any):
    """Draw the complementary CDF (fraction of samples above x) on a log y-axis: the tail made visible.

    Large samples are thinned to about ``max_points`` points spaced evenly in log(1 - F), so the tail
    keeps every sample and the body is drawn coarsely: the same picture, a fraction of the drawing time.
    """
    x, F = ecdf(samples)
    tail = 1.0 - F + 1.0 / x.size  # fraction of samples >= x, never 0 so the log axis keeps the last point
    if x.size > max_points:
        keep = np.unique(x.size - np.round(np.logspace(0, np.log10(x.size), max_points)).astype(int))
        x, tail = x[keep], tail[keep]
    with style():
        line = ax.step(x, tail, where="post", label=label, **kwargs)
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(NullLocator())
    return line


def no_minor_ticks(ax) -> None:
    """Make ``ax`` quick to redraw: no minor ticks, plain tick labels on log axes.

    Log axes draw dozens of minor ticks and typeset "10^-3" labels with mathtext; together they
    double a widget's redraw time. Plain labels ("0.001") read as well.
    """
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_locator(NullLocator())
        if axis.get_scale() in ("log", "symlog"):
            axis.set_major_formatter(_PLAIN)


def mark_percentiles(ax, values: dict, *, axis: str = "x", color: str = "#666666") -> None:
    """Mark percentiles (``{99.9: value, ...}``) with thin labelled lines on ``ax``."""
    for q, v in values.items():
        if axis == "x":
            ax.axvline(v, color=color, lw=0.8, ls=":")
            ax.annotate(f"p{q:g}", (v, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                        va="top", ha="right", fontsize=8, color=color)
        else:
            ax.axhline(v, color=color, lw=0.8, ls=":")


def percentile_label(q: float) -> str:
    """'p99.9' for 99.9."""
    return f"p{q:g}"


# ----------------------------------------------------------------------------------------------
# Explanatory diagrams (boxes and arrows, no data), drawn for the book's light and dark pages
# ----------------------------------------------------------------------------------------------
#: Foreground (text, lines) of a diagram on a light and on a dark page.
DIAGRAM_INK = {False: "#222222", True: "#e6e6e6"}


@contextmanager
def diagram_style(dark: bool = False) -> Iterator[None]:
    """Context manager for drawing a diagram on a transparent background in the page's ink.

    The book's ``diagram`` directive (``_ext/diagrams.py``) calls a chapter's ``diagram_*`` function
    twice, inside ``diagram_style(False)`` and ``diagram_style(True)``, and shows the copy that matches
    the reader's theme. Diagram functions therefore take their colours from :func:`diagram_box` /
    :func:`diagram_arrow` (or ``matplotlib.rcParams["text.color"]``), never hard-code black or white.
    """
    ink = DIAGRAM_INK[bool(dark)]
    params = {**STYLE, "figure.facecolor": "none", "axes.facecolor": "none", "savefig.transparent": True,
              "text.color": ink, "axes.edgecolor": ink, "patch.edgecolor": ink, "font.size": 10}
    with plt.rc_context(params):
        yield


def new_diagram(width: float, height: float):
    """An empty diagram canvas ``width`` x ``height`` inches whose data coordinates are inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        No axes, no ticks; (0, 0) is the bottom-left corner, (width, height) the top-right.
    """
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def diagram_box(ax, x: float, y: float, w: float, h: float, text: str = "", *, color: int | None = None,
                fontsize: float = 9, **kwargs: Any):
    """A rounded box with centred text; ``color`` picks a fill from :data:`PALETTE` (None: no fill).

    The fill is translucent, so the box reads on a light and a dark page; text and edge use the ink of
    :func:`diagram_style`.
    """
    from matplotlib.patches import FancyBboxPatch

    ink = matplotlib.rcParams["text.color"]
    face = (*matplotlib.colors.to_rgb(PALETTE[color % len(PALETTE)]), 0.28) if color is not None else "none"
    patch = FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.06", facecolor=face,
                           edgecolor=ink, linewidth=1.0, **kwargs)
    ax.add_patch(patch)
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, color=ink, wrap=False)
    return patch


def diagram_arrow(ax, start: tuple, end: tuple, text: str = "", *, style: str = "-|>", dashed: bool = False,
                  fontsize: float = 8, color: int | None = None):
    """An arrow from ``start`` to ``end`` (data coordinates) with an optional label at its middle."""
    ink = matplotlib.rcParams["text.color"]
    col = PALETTE[color % len(PALETTE)] if color is not None else ink
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": style, "color": col, "lw": 1.2, "linestyle": "--" if dashed else "-",
                            "shrinkA": 2, "shrinkB": 2})
    if text:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(mx, my, text, ha="center", va="bottom", fontsize=fontsize, color=ink)
