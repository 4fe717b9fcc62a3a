"""Figures and widgets for the lab "Queues and their tails" (``labs/queueing.ipynb``).

The model lives in :mod:`labsupport.queueing`; this module only draws it and links controls to it.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import queueing as q
from ..plotting import PALETTE, new_figure, no_minor_ticks, plot_ccdf
from . import LabWidget

__all__ = ["draw_sojourn_tail", "draw_percentiles_vs_utilisation", "draw_queue", "queue_lab", "LABS"]

PERCENTILES = (50.0, 99.0, 99.9)


def draw_sojourn_tail(ax, result: q.QueueResult) -> None:
    """Simulated sojourn-time CCDF of ``result`` against the closed form, on ``ax``."""
    lam, mu, c = result.arrival_rate, result.service_rate, result.servers
    plot_ccdf(ax, result.sojourn_times, label="simulated", color=PALETTE[0], linestyle="-")
    t = np.linspace(0.0, float(np.percentile(result.sojourn_times, 99.99)), 200)
    ax.plot(t, q.mmc_sojourn_survival(t, lam, mu, c), color=PALETTE[1], linestyle="--", label="theory")
    ax.set_ylim(max(0.5 / result.n_customers, 1e-5), 1.0)
    ax.set_xlabel("time in system (ms)")
    ax.set_ylabel("P(time in system > t)")
    ax.set_title(f"M/M/{c} at rho = {result.utilisation:.2f}")
    ax.legend(loc="upper right")
    no_minor_ticks(ax)


def draw_percentiles_vs_utilisation(ax, service_rate: float, servers: int, rho: float | None = None,
                                    result: q.QueueResult | None = None) -> None:
    """Closed-form sojourn percentiles against utilisation, and the simulated point at ``rho``."""
    rhos = np.linspace(0.05, 0.98, 60)
    for i, pct in enumerate(PERCENTILES):
        curve = q.mmc_sojourn_percentiles(rhos * servers * service_rate, service_rate, servers, pct)
        ax.plot(rhos, curve, color=PALETTE[i], label=f"p{pct:g} (theory)")
        if result is not None:
            ax.plot([rho], [np.percentile(result.sojourn_times, pct)], marker="o", color=PALETTE[i],
                    linestyle="none")
    ax.set_yscale("log")
    ax.set_xlabel("utilisation rho")
    ax.set_ylabel("time in system (ms)")
    ax.set_title("percentiles vs load (dots: simulated)")
    ax.legend(loc="upper left")
    no_minor_ticks(ax)


def draw_queue(utilisation: float = 0.8, servers: int = 1, service_time_ms: float = 1.0,
               n_customers: int = 20_000, seed: int = 1):
    """The lab's two-panel figure: tail at one load, percentiles across loads.

    Parameters
    ----------
    utilisation : float, default=0.8
        rho in (0, 1).
    servers : int, default=1
        c.
    service_time_ms : float, default=1.0
        Mean service time 1/mu.
    n_customers : int, default=20_000
        Customers simulated.
    seed : int, default=1

    Returns
    -------
    matplotlib.figure.Figure
    """
    mu = 1.0 / service_time_ms
    lam = utilisation * servers * mu
    result = q.simulate_mmc(lam, mu, servers, n_customers, rng=seed)
    fig, (left, right) = new_figure(2, width=9.0)
    draw_sojourn_tail(left, result)
    draw_percentiles_vs_utilisation(right, mu, servers, utilisation, result)
    return fig


def queue_lab(utilisation: float = 0.8, servers: int = 1, n_customers: int = 20_000) -> LabWidget:
    """Sliders for load, servers and sample size above :func:`draw_queue`."""
    controls = {
        "utilisation": widgets.FloatSlider(value=utilisation, min=0.05, max=0.98, step=0.01,
                                           description="rho", continuous_update=False),
        "servers": widgets.IntSlider(value=servers, min=1, max=16, description="servers",
                                     continuous_update=False),
        "n_customers": widgets.IntSlider(value=n_customers, min=1_000, max=200_000, step=1_000,
                                         description="customers", continuous_update=False),
        "seed": widgets.IntText(value=1, description="seed"),
    }
    return LabWidget(controls, draw_queue)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"queueing: queue_lab": queue_lab}
