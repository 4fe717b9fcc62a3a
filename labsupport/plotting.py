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

__all__ = ["PALETTE", "LINESTYLES", "STYLE", "style", "new_figure", "plot_ccdf", "plot_cdf", "mark_percentiles", "no_minor_ticks"]

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
