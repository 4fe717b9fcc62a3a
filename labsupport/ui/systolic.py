"""Figures, a diagram and the widget for the lab "A systolic array, cycle by cycle" (``labs/systolic_array.ipynb``).

The model lives in :mod:`labsupport.systolic`; this module only draws it and links controls to it.
"""
from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .. import systolic as sy
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["draw_cycle", "draw_utilization", "draw_roofline", "diagram_weight_stationary", "systolic_lab", "LABS"]

_LABEL = {"weight_stationary": "weight-stationary", "output_stationary": "output-stationary",
          "input_stationary": "input-stationary"}


@lru_cache(maxsize=32)
def _trace(m: int, n: int, k: int, rows: int, cols: int, dataflow: str) -> sy.SystolicTraceResult:
    rng = np.random.default_rng(0)
    a = rng.integers(-9, 10, (m, k))
    b = rng.integers(-9, 10, (k, n))
    return sy.trace_matmul(a, b, rows=rows, cols=cols, dataflow=dataflow)


def draw_cycle(cycle: int = 10, dataflow: str = "weight_stationary", m: int = 12, n: int = 6, k: int = 6,
               rows: int = 6, cols: int = 6):
    """The array at one cycle (which PEs do a MAC) and the number of busy PEs over the whole run.

    Parameters
    ----------
    cycle : int
        Cycle to show, counting from 1 (clamped to the run's last cycle).
    dataflow, m, n, k, rows, cols
        As :func:`labsupport.systolic.simulate_matmul` (``a`` is m x k, ``b`` is k x n).

    Returns
    -------
    matplotlib.figure.Figure
    """
    tr = _trace(m, n, k, rows, cols, dataflow)
    total = tr.active.shape[0]
    t = int(min(max(cycle, 1), total)) - 1
    fig, (left, right) = new_figure(2, width=9.0, height=3.8)
    fig.subplots_adjust(left=0.05, right=0.98, wspace=0.25)
    grid = tr.active[t].astype(float)
    # One mesh for the whole grid (cheaper to draw than an image plus grid lines and tick labels).
    left.pcolormesh(grid, cmap="Blues", vmin=0, vmax=1.4, edgecolors="#999999", linewidth=0.6)
    left.set_xlim(0, cols)
    left.set_ylim(rows, 0)
    left.set_aspect("equal")
    left.set_xticks([0.5, cols - 0.5], ["0", str(cols - 1)])
    left.set_yticks([0.5, rows - 0.5], ["0", str(rows - 1)])
    left.grid(False)
    left.set_xlabel("PE column")
    left.set_ylabel("PE row")
    phase = "loading the stationary operand" if tr.loading[t] else f"{int(grid.sum())} PEs busy"
    left.set_title(f"cycle {t + 1} of {total}, fold {int(tr.fold[t]) + 1}: {phase}", fontsize=10)
    busy = tr.active.sum(axis=(1, 2))
    cycles = np.arange(1, total + 1)
    right.plot(cycles, busy, drawstyle="steps-mid", color=PALETTE[0], label="busy PEs")
    right.axhline(rows * cols, color="#666666", linestyle=":", label=f"all {rows * cols} PEs")
    right.axvline(t + 1, color=PALETTE[1], linestyle="--", label="this cycle")
    right.set_xlabel("cycle")
    right.set_ylabel("PEs doing a MAC")
    res = tr.result
    right.set_title(f"{_LABEL[dataflow]}: {res.cycles} cycles, utilization {res.utilization:.0%}", fontsize=10)
    right.set_ylim(0, rows * cols * 1.15)
    right.legend(loc="upper right", fontsize=8)
    return fig


def draw_utilization(rows: int = 128, cols: int = 128, size: int = 128):
    """Utilization against the streamed dimension for each dataflow, square tiles of side ``size``.

    The matmul is (T x size) @ (size x size) for weight-stationary, and the streamed dimension is T for
    every dataflow (the other two dimensions equal ``size``); utilization = T·size² / (R·C·cycles).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, width=7.0, height=3.6)
    t_values = np.unique(np.geomspace(1, 65536, 60).astype(int))
    for i, dataflow in enumerate(sy.DATAFLOWS):
        shapes = {"weight_stationary": lambda t: (t, size, size), "output_stationary": lambda t: (size, size, t),
                  "input_stationary": lambda t: (size, t, size)}[dataflow]
        util = []
        for t in t_values:
            m, n, k = shapes(int(t))
            util.append(m * n * k / (rows * cols * sy.closed_form_cycles(m, n, k, rows=rows, cols=cols,
                                                                           dataflow=dataflow)))
        ax.plot(t_values, util, color=PALETTE[i], linestyle=["-", "--", "-."][i], label=_LABEL[dataflow])
    ax.set_xscale("log")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("streamed dimension T (rows of a for weight-stationary)")
    ax.set_ylabel("PE utilization")
    ax.set_title(f"{rows} x {cols} array, other dimensions {size}: fill and drain amortised over T", fontsize=10)
    ax.legend(loc="upper left")
    no_minor_ticks(ax)
    return fig


def draw_roofline(shapes=((1, 8192, 8192), (8, 8192, 8192), (64, 8192, 8192), (512, 8192, 8192),
                          (4096, 8192, 8192), (128, 128, 128), (512, 512, 512)),
                  memory_bytes_per_s: float = 2.9e12 / 8):
    """Achieved TFLOPS of tiled matmuls on one 128 x 128 array against the roofline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, width=7.0, height=3.8)
    peak = sy.peak_flops()
    x = np.geomspace(0.3, 3000, 200)
    ax.plot(x, np.minimum(peak, x * memory_bytes_per_s) / 1e12, color="#444444", label="roofline")
    for i, (m, n, k) in enumerate(shapes):
        r = sy.matmul_roofline(m, n, k, memory_bytes_per_s=memory_bytes_per_s)
        ax.plot([r.intensity], [r.achieved_flops / 1e12], marker="o", linestyle="none",
                color=PALETTE[i % len(PALETTE)], label=f"{m} x {k} @ {k} x {n}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per byte of HBM traffic)")
    ax.set_ylabel("TFLOPS (BF16)")
    ax.set_title("one NeuronCore-sized array: memory roof, then compute roof", fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    no_minor_ticks(ax)
    return fig


def diagram_weight_stationary():
    """A 3 x 3 weight-stationary array: weights held, inputs flowing right, partial sums flowing down.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_diagram(6.6, 5.0)
    x0, y0, size, gap = 1.7, 0.9, 0.8, 0.35
    for i in range(3):
        for j in range(3):
            x = x0 + j * (size + gap)
            y = y0 + (2 - i) * (size + gap)
            diagram_box(ax, x, y, size, size, f"w{i}{j}\n×, +", color=0)
            if j < 2:
                diagram_arrow(ax, (x + size, y + size * 0.7), (x + size + gap, y + size * 0.7))
            if i < 2:
                diagram_arrow(ax, (x + size * 0.5, y), (x + size * 0.5, y - gap), color=1)
        # Inputs enter row i from the left, one cycle later per row (the skew).
        y = y0 + (2 - i) * (size + gap)
        ax.text(x0 - 0.15, y + size * 0.7, "a[m," + str(i) + "]" + " " * 0 + ("" if i == 0 else f" +{i} cyc"),
                ha="right", va="center", fontsize=8)
        diagram_arrow(ax, (x0 - 0.12, y + size * 0.7), (x0, y + size * 0.7))
    for j in range(3):
        x = x0 + j * (size + gap) + size * 0.5
        diagram_arrow(ax, (x, y0), (x, y0 - 0.45), color=1)
        ax.text(x, y0 - 0.55, f"c[m,{j}]", ha="center", va="top", fontsize=8)
        diagram_arrow(ax, (x, y0 + 3 * size + 2 * gap + 0.45), (x, y0 + 3 * size + 2 * gap), dashed=True)
    ax.text(x0 + 1.5 * size + gap, y0 + 3 * size + 2 * gap + 0.55, "weights loaded once, row by row",
            ha="center", va="bottom", fontsize=8)
    ax.text(5.75, 2.6, "inputs flow\nright →", ha="center", fontsize=8)
    ax.text(5.75, 1.5, "partial sums\nflow down ↓", ha="center", fontsize=8, color=PALETTE[1])
    return fig


def systolic_lab(dataflow: str = "output_stationary") -> LabWidget:
    """A slider over cycles and a choice of dataflow above :func:`draw_cycle` (a 6 x 6 array, 12 x 6 @ 6 x 6)."""
    longest = max(sy.closed_form_cycles(12, 6, 6, rows=6, cols=6, dataflow=d) for d in sy.DATAFLOWS)
    controls = {
        "cycle": widgets.IntSlider(value=9, min=1, max=longest, description="cycle"),
        "dataflow": widgets.Dropdown(options=[(_LABEL[d], d) for d in sy.DATAFLOWS], value=dataflow,
                                     description="dataflow"),
    }
    return LabWidget(controls, draw_cycle)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"systolic: systolic_lab": systolic_lab}
