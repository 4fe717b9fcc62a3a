"""Figures, a diagram and the widget for the lab "A fabric that heals" (``labs/fabric_repair.ipynb``).
The model lives in :mod:`labsupport.fabric`."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import fabric as fb
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure
from . import LabWidget

__all__ = ["diagram_fabric_repair", "draw_failure", "fabric_lab", "LABS"]


def diagram_fabric_repair():
    """Diagram: a leaf-spine fabric, a failed leaf-spine link, and the repair path the spine uses."""
    import matplotlib

    ink = matplotlib.rcParams["text.color"]
    fig, ax = new_diagram(7.0, 3.3)
    spines = [1.2 + i * 1.6 for i in range(4)]
    leaves = [0.35 + i * 1.1 for i in range(6)]
    for x, name in zip(spines, ("S0", "S1", "S2", "S3")):
        diagram_box(ax, x - 0.3, 2.35, 0.6, 0.4, name, color=0)
    for x, name in zip(leaves, ("L0", "L1", "L2", "L3", "L4", "L5")):
        diagram_box(ax, x - 0.3, 0.75, 0.6, 0.4, name, color=2)
    for xs in spines:
        for xl in leaves:
            failed = xs == spines[0] and xl == leaves[0]
            ax.plot([xl, xs], [1.15, 2.35], color=PALETTE[1] if failed else ink, lw=1.4 if failed else 0.4,
                    alpha=1.0 if failed else 0.35, ls="--" if failed else "-")
    ax.text((leaves[0] + spines[0]) / 2 - 0.2, 1.78, "X", color=PALETTE[1], fontsize=16, ha="center",
            va="center", fontweight="bold")
    # Repair path planned for S0 -> L0: down to L2, up to S2, down to L0.
    path = [(spines[0], 2.35), (leaves[2], 1.15), (spines[2], 2.35), (leaves[0], 1.15)]
    for a, b in zip(path[:-1], path[1:]):
        diagram_arrow(ax, a, b, color=3)
    ax.text(3.9, 2.95, "precomputed repair for S0 → L0:\nS0 → L2 → S2 → L0", fontsize=8,
            color=ink, ha="left", va="bottom")
    ax.text(3.5, 0.05, "distributed: every switch must hear of the failure, recompute and reinstall routes.\n"
            "central plan, local execution: S0 and L0 switch to their stored repairs as soon as they detect it.",
            ha="center", va="bottom", fontsize=8, color=ink)
    return fig


def draw_failure(detect_ms: float = 50.0, hop_ms: float = 5.0, spf_ms: float = 50.0, fib_ms: float = 200.0,
                 controller_ms: float = 1000.0, n_leaves: int = 8, n_spines: int = 4, seed: int = 1):
    """Delivered fraction over time for both strategies (left) and packets lost by cause (right).

    Parameters
    ----------
    detect_ms, hop_ms, spf_ms, fib_ms, controller_ms : float
        The delays of :func:`labsupport.fabric.simulate_link_failure`, in milliseconds.
    n_leaves, n_spines : int
        Size of the leaf-spine fabric.
    seed : int, default=1
        Seed of the flows' ECMP hashes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fabric = fb.leaf_spine(n_leaves, n_spines)
    times = {"detect_s": detect_ms / 1e3, "hop_s": hop_ms / 1e3, "spf_s": spf_ms / 1e3, "fib_s": fib_ms / 1e3,
             "controller_s": controller_ms / 1e3}
    duration = max(2.0, 1.5 * (times["detect_s"] + times["controller_s"]),
                   1.5 * (times["detect_s"] + 2 * times["hop_s"] + times["spf_s"] + times["fib_s"]))
    results = {strategy: fb.simulate_link_failure(fabric, ("L0", "S0"), strategy=strategy, rng=seed,
                                                  duration_s=duration, **times)
               for strategy in fb.STRATEGIES}
    labels = {"distributed": "distributed reconvergence", "local": "central plan, local repair"}
    fig, (left, right) = new_figure(2, width=9.0)
    for i, (strategy, r) in enumerate(results.items()):
        delivered = (r.outcomes == "delivered").mean(axis=1)
        t_ms = r.times_s * 1e3
        left.step(np.append(t_ms[:-1], t_ms[-1]), np.append(delivered, delivered[-1]), where="post",
                  color=PALETTE[i], ls=("-", "--")[i], label=f"{labels[strategy]}: {r.recovery_s * 1e3:.0f} ms")
    left.set_xscale("symlog", linthresh=10.0)
    left.set_xlim(0, duration * 1e3)
    left.set_ylim(min(0.8, left.get_ylim()[0]), 1.01)
    left.set_xticks([0, 10, 100, 1000], ["0", "10", "100", "1000"])
    left.set_xlabel("time after the failure (ms)")
    left.set_ylabel("fraction of flows delivered")
    left.set_title("link L0-S0 fails at time 0")
    left.legend(loc="lower right", fontsize=8)
    reasons = fb.OUTCOMES[1:]
    x = np.arange(len(reasons))
    for i, (strategy, r) in enumerate(results.items()):
        right.bar(x + (i - 0.5) * 0.38, [r.lost(reason) for reason in reasons], width=0.38, color=PALETTE[i],
                  label=labels[strategy])
    right.set_xticks(x, list(reasons))
    right.set_ylabel(f"packets lost ({results['local'].rate_pps:,.0f} per s per flow)")
    right.set_title("why packets were lost")
    right.legend(loc="upper right", fontsize=8)
    return fig


def fabric_lab(detect_ms: float = 50.0, fib_ms: float = 200.0) -> LabWidget:
    """Sliders for the detection and repair delays above :func:`draw_failure`."""
    controls = {
        "detect_ms": widgets.FloatSlider(value=detect_ms, min=0.0, max=500.0, step=5.0, description="detect (ms)"),
        "hop_ms": widgets.FloatSlider(value=5.0, min=0.0, max=50.0, step=1.0, description="flood/hop (ms)"),
        "spf_ms": widgets.FloatSlider(value=50.0, min=0.0, max=500.0, step=10.0, description="SPF (ms)"),
        "fib_ms": widgets.FloatSlider(value=fib_ms, min=0.0, max=2000.0, step=10.0, description="FIB (ms)"),
        "controller_ms": widgets.FloatSlider(value=1000.0, min=0.0, max=5000.0, step=50.0,
                                             description="controller (ms)"),
        "seed": widgets.IntText(value=1, description="seed"),
    }
    return LabWidget(controls, draw_failure)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"fabric: fabric_lab": fabric_lab}
