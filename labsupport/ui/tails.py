"""Figures and widgets for the lab "Tails at scale" (``labs/tails.ipynb``).

The model lives in :mod:`labsupport.tails`; this module only draws it and links controls to it.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import tails as t
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks, plot_ccdf
from . import LabWidget

__all__ = ["diagram_fanout", "draw_fanout_curve", "draw_hedging", "draw_tails", "tails_lab", "LABS"]


def diagram_fanout():
    """Diagram: a root fans a request out to N leaves and must wait for the slowest one.

    Used by the chapter "Measuring performance" (``diagram`` directive); no data, boxes and arrows only.
    """
    fig, ax = new_diagram(7.0, 2.6)
    diagram_box(ax, 0.2, 1.05, 1.3, 0.5, "client", color=None)
    diagram_box(ax, 2.1, 1.05, 1.3, 0.5, "root", color=0)
    diagram_arrow(ax, (1.5, 1.3), (2.1, 1.3), "request")
    leaves = [(4.3, 2.0, "leaf 1: 10 ms", 2), (4.3, 1.3, "leaf 2: 12 ms", 2), (4.3, 0.6, "leaf N: 1 s", 1)]
    for x, y, label, colour in leaves:
        diagram_box(ax, x, y - 0.22, 1.6, 0.44, label, color=colour)
        diagram_arrow(ax, (3.4, 1.3), (x, y))
    ax.text(5.1, 0.98, "...", ha="center", va="center", fontsize=12)
    ax.text(6.05, 0.6, "slowest\nleaf sets\nthe latency", ha="left", va="center", fontsize=8)
    ax.text(3.9, 0.12, "each leaf is slow with probability p: the request is slow with probability 1 - (1 - p)^N",
            ha="center", va="bottom", fontsize=8)
    return fig


def draw_fanout_curve(ax, p_slow: float, fanout: int, simulated: float | None = None) -> None:
    """P(request slow) against fan-out for several leaf slow probabilities; the current point marked."""
    n = np.unique(np.logspace(0, 4, 80).astype(int))
    for i, p in enumerate(sorted({0.0001, 0.001, 0.01, p_slow})):
        style = {"color": PALETTE[i], "linestyle": "-" if p == p_slow else ":"}
        ax.plot(n, [t.fanout_slow_probability(p, int(k)) for k in n], label=f"p_slow = {p:g}", **style)
    if simulated is not None:
        ax.plot([fanout], [simulated], marker="o", color="#222222", linestyle="none", label="simulated")
    ax.set_xscale("log")
    ax.set_xlabel("fan-out N (leaves per request)")
    ax.set_ylabel("P(request is slow)")
    ax.set_title("1 - (1 - p) ** N")
    ax.legend(loc="upper left")
    no_minor_ticks(ax)


def draw_hedging(ax, result: t.HedgedResult) -> None:
    """Request-latency CCDF with and without hedging, simulated, with the closed forms dashed."""
    plot_ccdf(ax, result.unhedged_latencies_ms, label="no hedging", color=PALETTE[1], linestyle="-")
    grid = np.linspace(0, float(result.unhedged_latencies_ms.max()), 400)
    ax.plot(grid, t.fanout_survival(grid, result.leaf, result.fanout), color=PALETTE[1], linestyle=":")
    if np.isfinite(result.hedge_after_ms):
        plot_ccdf(ax, result.latencies_ms, label=f"hedged after {result.hedge_after_ms:.3g} ms "
                  f"(+{100 * result.extra_load:.1f} % requests)", color=PALETTE[0], linestyle="-")
        ax.plot(grid, t.hedged_survival(grid, result.leaf, result.hedge_after_ms, result.fanout),
                color=PALETTE[0], linestyle=":")
    ax.set_xscale("symlog", linthresh=10.0)
    ax.set_ylim(max(0.5 / result.latencies_ms.size, 1e-5), 1.0)
    ax.set_xlabel("request latency (ms)")
    ax.set_ylabel("P(latency > t)")
    ax.set_title("hedging cuts the tail (dotted: theory)")
    ax.legend(loc="lower left")
    no_minor_ticks(ax)


def draw_tails(fanout: int = 100, p_slow: float = 0.01, hedge: bool = True, hedge_percentile: float = 95.0,
               n_requests: int = 2_000, seed: int = 1):
    """The lab's two-panel figure: slow-request probability vs fan-out, and hedging's effect on the tail.

    Returns
    -------
    matplotlib.figure.Figure
    """
    leaf = t.LeafLatency(p_slow=p_slow)
    delay = t.leaf_percentile(hedge_percentile, leaf) if hedge else np.inf
    result = t.simulate_hedged(leaf, delay, n_requests, fanout, rng=seed)
    slow = float(np.mean(result.unhedged_latencies_ms > leaf.slow_ms)) if p_slow > 0 else 0.0
    fig, (left, right) = new_figure(2, width=9.0)
    draw_fanout_curve(left, p_slow, fanout, slow)
    draw_hedging(right, result)
    return fig


def tails_lab(fanout: int = 100, p_slow: float = 0.01) -> LabWidget:
    """Controls for fan-out, leaf slowness and hedging above :func:`draw_tails`."""
    controls = {
        "fanout": widgets.IntSlider(value=fanout, min=1, max=1000, description="fan-out", continuous_update=False),
        "p_slow": widgets.FloatLogSlider(value=p_slow, base=10, min=-4, max=-1, description="p_slow",
                                         readout_format=".4f", continuous_update=False),
        "hedge": widgets.Checkbox(value=True, description="hedge"),
        "hedge_percentile": widgets.FloatSlider(value=95.0, min=50.0, max=99.9, step=0.1, description="hedge at p",
                                                continuous_update=False),
        "n_requests": widgets.IntSlider(value=2_000, min=500, max=10_000, step=500, description="requests",
                                        continuous_update=False),
        "seed": widgets.IntText(value=1, description="seed"),
    }
    return LabWidget(controls, draw_tails)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"tails: tails_lab": tails_lab}
