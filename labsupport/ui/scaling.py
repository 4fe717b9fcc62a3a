"""Figures and the widget for the lab "How big a model?" (``labs/scaling_chinchilla.ipynb``).
The model lives in :mod:`labsupport.scaling`."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import scaling as s
from ..plotting import PALETTE, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["draw_isoflop", "draw_optimum_vs_budget", "scaling_lab", "LABS", "CONSTANT_SETS"]

#: The published constant sets, by the name the widget shows.
CONSTANT_SETS = {"Epoch AI refit (2024)": s.BESIROGLU_2024, "Hoffmann et al. rounded (2022)": s.HOFFMANN_2022}
C_CHINCHILLA = 5.76e23


def _draw_curves(ax, runs, iso) -> None:
    for b, budget in enumerate(runs.budgets_flops):
        sel = runs.budget == b
        colour = PALETTE[b % len(PALETTE)]
        x = np.log(runs.params[sel])
        ax.plot(runs.params[sel], runs.loss[sel], "o", color=colour, ms=4)
        coef = np.polyfit(x, runs.loss[sel], 2)
        xs = np.linspace(x.min(), x.max(), 60)
        ax.plot(np.exp(xs), np.polyval(coef, xs), color=colour, lw=1.2, label=f"C = {budget:.0e}")
        ax.plot([iso.params_opt[b]], [np.polyval(coef, np.log(iso.params_opt[b]))], "v", color=colour, ms=8)
    ax.set_xscale("log")
    no_minor_ticks(ax)
    ax.set_xlabel("parameters N")
    ax.set_ylabel("final loss")
    ax.set_title("iso-FLOP curves: fit a parabola, take its minimum")
    ax.legend(loc="upper right", fontsize=8)


def draw_optimum_vs_budget(ax, iso=None, fit=None) -> None:
    """N_opt against compute: both published constant sets, the iso-FLOP fit and the Huber fit."""
    budgets = np.logspace(18, 25, 40)
    for i, (name, consts) in enumerate(CONSTANT_SETS.items()):
        ax.plot(budgets, [s.compute_optimal(c, **consts).params for c in budgets], color=PALETTE[i],
                ls=("-", "--")[i], label=name)
    if iso is not None:
        ax.plot(budgets, iso.coefficient * budgets ** iso.exponent, color=PALETTE[2], ls="-.",
                label="iso-FLOP fit to the runs")
        ax.plot(iso.budgets_flops, iso.params_opt, "v", color=PALETTE[2])
    if fit is not None:
        ax.plot(budgets, [s.compute_optimal(c, **fit.constants).params for c in budgets], color=PALETTE[3],
                ls=":", label="Huber fit to the runs")
    ax.plot([C_CHINCHILLA], [70e9], "*", color=PALETTE[4], ms=12, label="Chinchilla: 70 B, 1.4 T tokens")
    ax.set_xscale("log")
    ax.set_yscale("log")
    no_minor_ticks(ax)
    ax.set_xticks([1e18, 1e20, 1e22, 1e24], ["1e18", "1e20", "1e22", "1e24"])
    ax.set_yticks([1e8, 1e9, 1e10, 1e11], ["100 M", "1 B", "10 B", "100 B"])
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel("compute-optimal parameters")
    ax.set_title("how big a model for a budget?")
    ax.legend(loc="upper left", fontsize=7.5)


def draw_isoflop(constants: str = "Epoch AI refit (2024)", noise_sd: float = 0.005, seed: int = 0,
                 with_fit: bool = False):
    """Simulated iso-FLOP runs and their parabolas (left), and the optima against compute (right).

    Parameters
    ----------
    constants : str, default="Epoch AI refit (2024)"
        Which published constants generate the runs (a key of :data:`CONSTANT_SETS`).
    noise_sd : float, default=0.005
        Run-to-run noise on log loss.
    seed : int, default=0
        Seed of the noise.
    with_fit : bool, default=False
        Also run the Huber fit (about a second) and draw its optimum line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    runs = s.synthetic_runs(np.logspace(18, 22, 5), **CONSTANT_SETS[constants], noise_sd=noise_sd, rng=seed)
    iso = s.isoflop_optimum(runs)
    fit = s.fit_parametric_loss(runs.params, runs.tokens, runs.loss) if with_fit else None
    fig, (left, right) = new_figure(2, width=9.0)
    _draw_curves(left, runs, iso)
    draw_optimum_vs_budget(right, iso, fit)
    return fig


def scaling_lab(noise_sd: float = 0.01, seed: int = 1) -> LabWidget:
    """Controls for the generating constants and the noise above :func:`draw_isoflop`."""
    controls = {
        "constants": widgets.Dropdown(options=list(CONSTANT_SETS), value="Epoch AI refit (2024)",
                                      description="truth"),
        "noise_sd": widgets.FloatSlider(value=noise_sd, min=0.0, max=0.03, step=0.001, readout_format=".3f",
                                        description="noise"),
        "seed": widgets.IntText(value=seed, description="seed"),
        "with_fit": widgets.Checkbox(value=False, description="Huber fit (1 s)"),
    }
    return LabWidget(controls, draw_isoflop)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"scaling: scaling_lab": scaling_lab}
