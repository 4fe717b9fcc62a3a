"""Figures, a diagram and the widget for the lab "Stochastic rounding" (``labs/rounding_stochastic.ipynb``).

The model lives in :mod:`labsupport.rounding`; this module only draws it and links controls to it.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import rounding as rd
from ..plotting import PALETTE, diagram_box, new_diagram, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["draw_harmonic", "draw_sum_error", "draw_training", "draw_rounding_lab", "diagram_formats",
           "rounding_lab", "LABS"]

EULER_GAMMA = 0.5772156649015329


def _thin(n: int, points: int = 300) -> np.ndarray:
    """Indices 0..n-1 to plot: about ``points`` of them, log-spaced, always the first and last.

    A line of 20,000 vertices costs far more to turn into SVG than it shows; the steps of a stalled sum
    are kept because every index where the value changes little is still near one that is plotted.
    """
    return np.unique(np.concatenate([np.geomspace(1, n, points).astype(int) - 1, [n - 1]]))


def _own_figure(ax):
    """(fig, ax): a new one-panel figure when ``ax`` is None (with room for the y label), else (None, ax)."""
    if ax is not None:
        return None, ax
    fig, ax = new_figure(1, width=7.0, height=3.6)
    fig.subplots_adjust(left=0.13)
    return fig, ax


def draw_harmonic(ax=None, fmt: str = "float16", n_terms: int = 4000, seeds: int = 3):
    """Partial sums of the harmonic series: round-to-nearest, stochastic rounding (``seeds`` runs), ln n + γ.

    Draws into ``ax``, or into a new figure that it returns when ``ax`` is None (likewise below).
    """
    fig, ax = _own_figure(ax)
    idx = _thin(n_terms)
    k = idx + 1
    ax.plot(k, np.log(k) + EULER_GAMMA + 1 / (2 * k), color="#444444", linestyle=":", label="ln n + γ")
    for s in range(seeds):
        sr = rd.harmonic_sum(n_terms, fmt, mode="stochastic", rng=s)
        ax.plot(k, sr.partial_sums[idx], color=PALETTE[0], linestyle="-", linewidth=1.0, alpha=0.8,
                label="stochastic rounding" if s == 0 else None)
    rn = rd.harmonic_sum(n_terms, fmt)
    ax.plot(k, rn.partial_sums[idx], color=PALETTE[1], linestyle="--", label="round to nearest")
    stall = rd.stagnation_point(rn)
    if stall is not None:
        ax.axvline(stall[0], color=PALETTE[1], linestyle=":", linewidth=1.0)
        ax.set_title(f"{fmt}: RN stops at {stall[1]:g} from term {stall[0]}", fontsize=10)
    else:
        ax.set_title(f"{fmt}: harmonic series", fontsize=10)
    ax.set_xscale("log")
    ax.set_xlabel("terms n")
    ax.set_ylabel("partial sum")
    ax.legend(loc="upper left", fontsize=8)
    no_minor_ticks(ax)
    return fig


def draw_sum_error(ax=None, fmt: str = "bfloat16", n_max: int = 20_000, trials: int = 8, seed: int = 1):
    """Relative error of sums of uniform numbers against n, RN and SR, with the n·u and sqrt(n)·u lines."""
    fig, ax = _own_figure(ax)
    rn = rd.sum_error(n_max, fmt, mode="nearest", trials=max(1, trials // 4), rng=seed)
    sr = rd.sum_error(n_max, fmt, mode="stochastic", trials=trials, rng=seed)
    n, u = rn.n_values, rn.unit_roundoff
    keep = n >= 10  # below ten terms many sums are exact (error 0), which a log axis cannot show
    n = n[keep]
    ax.plot(n, np.median(rn.relative_error[:, keep], axis=0), color=PALETTE[1], linestyle="--",
            label="round to nearest")
    ax.plot(n, np.median(sr.relative_error[:, keep], axis=0), color=PALETTE[0], label="stochastic (median of trials)")
    ax.plot(n, np.minimum(n * u, 1), color="#444444", linestyle=":", label="n·u")
    ax.plot(n, np.sqrt(n) * u, color="#444444", linestyle="-.", label="sqrt(n)·u")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(max(u / 100, 1e-6), 2)
    ax.set_xlabel("terms summed n")
    ax.set_ylabel("relative error of the sum")
    ax.set_title(f"sums of uniform [0, 1) numbers in {fmt}", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    no_minor_ticks(ax)
    return fig


def draw_training(ax=None, fmt: str = "bfloat16", learning_rate: float = 0.01, steps: int = 600, seed: int = 0):
    """Training loss with weights stored in ``fmt``: round-to-nearest, stochastic rounding, float64."""
    fig, ax = _own_figure(ax)
    rn = rd.train_linear_regression(fmt, mode="nearest", learning_rate=learning_rate, steps=steps, rng=seed)
    sr = rd.train_linear_regression(fmt, mode="stochastic", learning_rate=learning_rate, steps=steps, rng=seed)
    t = np.unique(np.linspace(0, steps, 200).astype(int))
    ax.plot(t, rn.float64_losses[t], color="#444444", linestyle=":", label="float64 weights")
    ax.plot(t, rn.losses[t], color=PALETTE[1], linestyle="--", label=f"{fmt}, round to nearest")
    ax.plot(t, sr.losses[t], color=PALETTE[0], label=f"{fmt}, stochastic rounding")
    ax.axhline(rn.noise_mse, color="#999999", linewidth=0.8, label="noise floor")
    ax.set_yscale("log")
    ax.set_xlabel("gradient step")
    ax.set_ylabel("training loss (MSE)")
    ax.set_title(f"linear regression, learning rate {learning_rate:g}", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    no_minor_ticks(ax)
    return fig


def draw_rounding_lab(fmt: str = "float8_e4m3", n_terms: int = 1000, learning_rate: float = 0.01, steps: int = 400):
    """The widget's two panels: the harmonic series and the low-precision training run.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (left, right) = new_figure(2, width=9.0, height=3.8)
    draw_harmonic(left, fmt, n_terms, seeds=2)
    draw_training(right, fmt, learning_rate, steps)
    return fig


def diagram_formats():
    """Bit layouts of float32, bfloat16, float16 and float8 e4m3: sign, exponent and significand fields.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_diagram(7.0, 3.4)
    unit = 0.14
    rows = [("float32", 8, 23, "u = $2^{-24}$"), ("bfloat16", 8, 7, "u = $2^{-8}$, float32's range"),
            ("float16", 5, 10, "u = $2^{-11}$, max 65504"), ("float8 e4m3", 4, 3, "u = $2^{-4}$, max 448, no inf")]
    for r, (name, e, m, note) in enumerate(rows):
        y = 2.75 - r * 0.8
        ax.text(0.05, y + 0.2, name, ha="left", va="center", fontsize=9)
        x = 1.2
        diagram_box(ax, x, y, unit, 0.4, "s", color=3, fontsize=7)
        x += unit
        diagram_box(ax, x, y, e * unit, 0.4, f"exponent {e}", color=0, fontsize=7)
        x += e * unit
        diagram_box(ax, x, y, m * unit, 0.4, f"significand {m}" if m > 5 else f"sig. {m}", color=2, fontsize=7)
        ax.text(x + m * unit + 0.1, y + 0.2, note, ha="left", va="center", fontsize=7)
    return fig


def rounding_lab(fmt: str = "float8_e4m3") -> LabWidget:
    """Format, number of harmonic terms and learning rate above :func:`draw_rounding_lab`."""
    controls = {
        "fmt": widgets.Dropdown(options=list(rd.FORMATS), value=fmt, description="format"),
        "n_terms": widgets.IntSlider(value=1000, min=10, max=20_000, step=10, description="terms"),
        "learning_rate": widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=-1, description="learning rate",
                                                readout_format=".4f"),
        "steps": widgets.IntSlider(value=400, min=100, max=5000, step=100, description="steps"),
    }
    return LabWidget(controls, draw_rounding_lab)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"rounding: rounding_lab": rounding_lab}
