"""Figures, diagrams and widgets for the allreduce labs (``labs/collectives_ring.ipynb``,
``labs/collectives_hierarchy.ipynb``). The model lives in :mod:`labsupport.collectives`."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .. import collectives as c
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["diagram_ring_allreduce", "diagram_ring_of_rings", "draw_ring_timing", "draw_two_tier",
           "ring_lab", "hierarchy_lab", "LABS", "ALGORITHM_STYLE"]

#: One colour and dash per two-tier algorithm, the same in every figure.
ALGORITHM_STYLE = {name: (PALETTE[i], ls) for i, (name, ls) in enumerate(
    zip(c.TWO_TIER_ALGORITHMS, ("-", "--", "-.", ":", (0, (5, 1)))))}


BYTE_TICKS = {1e3: "1 kB", 1e5: "100 kB", 1e7: "10 MB", 1e9: "1 GB"}


def _bytes_axis(ax) -> None:
    """The x axis of log10(message size) with four readable labels (a linear axis of logarithms:
    the course's fast log-axis formatter would replace the labels on a log axis)."""
    ax.set_xticks([np.log10(v) for v in BYTE_TICKS], list(BYTE_TICKS.values()))


# ----------------------------------------------------------------------------------------------
# Diagrams (no data)
# ----------------------------------------------------------------------------------------------
def diagram_ring_allreduce():
    """Diagram: 4 workers, 4 chunks each; the state after reduce-scatter and after allgather.

    A filled square is a chunk that holds the sum over all workers; a hatched square only the worker's own
    contribution. Arrows show the ring (worker i sends to worker i + 1; the last sends to the first).
    """
    import matplotlib

    ink = matplotlib.rcParams["text.color"]
    fig, ax = new_diagram(7.0, 3.9)
    stages = [("start: each worker holds its own gradient", None),
              ("after reduce-scatter (p - 1 = 3 steps): worker i holds the sum of chunk i + 1", "rs"),
              ("after allgather (3 more steps): every worker holds every sum", "ag")]
    p = 4
    for row, (title, stage) in enumerate(stages):
        y = 3.0 - row * 1.25
        ax.text(0.15, y + 0.62, title, ha="left", va="bottom", fontsize=9, color=ink)
        for w in range(p):
            x = 0.5 + w * 1.65
            diagram_box(ax, x - 0.12, y - 0.1, 1.34, 0.62, color=None)
            ax.text(x + 0.55, y - 0.22, f"worker {w}", ha="center", va="top", fontsize=7.5, color=ink)
            for k in range(p):
                full = (stage == "ag") or (stage == "rs" and k == (w + 1) % p)
                ax.add_patch(Rectangle((x + k * 0.28, y + 0.02), 0.24, 0.38,
                                       facecolor=PALETTE[k] if full else "none", edgecolor=PALETTE[k],
                                       hatch=None if full else "////", linewidth=1.0, alpha=0.9))
            if w < p - 1:
                diagram_arrow(ax, (x + 1.22, y + 0.21), (x + 1.53, y + 0.21))
        # The ring closes: the last worker sends to the first.
        ax.add_patch(FancyArrowPatch((0.5 + 3 * 1.65 + 1.22, y + 0.45), (0.38, y + 0.45),
                                     connectionstyle="arc3,rad=0.12", arrowstyle="-|>", mutation_scale=9,
                                     color=ink, lw=0.8, linestyle="--"))
    ax.text(0.15, 0.05, "chunk k of every worker has its own colour; solid = summed over all 4 workers",
            ha="left", va="bottom", fontsize=8, color=ink)
    return fig


def diagram_ring_of_rings():
    """Diagram: a 4 x 4 torus of chips; rings along each row, then rings along each column."""
    import matplotlib

    ink = matplotlib.rcParams["text.color"]
    fig, ax = new_diagram(7.0, 4.0)
    for panel, (title, along_rows) in enumerate(
            [("1. reduce-scatter along each row\n(3 steps, n/4 bytes each)", True),
             ("2. allreduce along each column\n(of the n/4 bytes each chip owns)", False)]):
        x0 = 0.45 + panel * 3.5
        ax.text(x0 + 1.3, 3.95, title, ha="center", va="top", fontsize=8.5, color=ink)
        for i in range(4):
            for j in range(4):
                diagram_box(ax, x0 + j * 0.7, 2.6 - i * 0.62, 0.42, 0.36, f"{i * 4 + j}",
                            color=(i if along_rows else j), fontsize=7)
        for k in range(4):
            colour = PALETTE[k]
            if along_rows:
                y = 2.6 - k * 0.62 + 0.18
                for j in range(3):
                    ax.annotate("", xy=(x0 + (j + 1) * 0.7, y), xytext=(x0 + j * 0.7 + 0.42, y),
                                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.1})
                ax.add_patch(FancyArrowPatch((x0 + 3 * 0.7 + 0.42, y + 0.12), (x0, y + 0.12),
                                             connectionstyle="arc3,rad=0.25", arrowstyle="-|>",
                                             mutation_scale=8, color=colour, lw=0.8, linestyle="--"))
            else:
                x = x0 + k * 0.7 + 0.21
                for i in range(3):
                    ax.annotate("", xy=(x, 2.6 - (i + 1) * 0.62 + 0.36), xytext=(x, 2.6 - i * 0.62),
                                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.1})
                ax.add_patch(FancyArrowPatch((x + 0.23, 2.6 - 3 * 0.62 + 0.18), (x + 0.23, 2.6 + 0.18),
                                             connectionstyle="arc3,rad=0.25", arrowstyle="-|>",
                                             mutation_scale=8, color=colour, lw=0.8, linestyle="--"))
    ax.text(3.5, 0.05, "3. allgather along each row. Latency steps: 2(4 + 4 - 2) = 12 instead of 2(16 - 1) = 30;"
            "\nbytes each chip sends: the same as one ring of 16.", ha="center", va="bottom", fontsize=8,
            color=ink)
    return fig


# ----------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------
def draw_ring_timing(p: int = 16, alpha_us: float = 5.0, bandwidth_gbs: float = 50.0):
    """Ring allreduce time against message size (formula and timing simulation), and algBW / busBW.

    Parameters
    ----------
    p : int, default=16
        Workers.
    alpha_us : float, default=5.0
        Per-message latency, microseconds.
    bandwidth_gbs : float, default=50.0
        Link bandwidth, GB/s.

    Returns
    -------
    matplotlib.figure.Figure
    """
    link = {"alpha_s": alpha_us * 1e-6, "bandwidth_bytes_per_s": bandwidth_gbs * 1e9}
    sizes = np.logspace(3, 10, 50)
    formula = np.array([c.ring_allreduce_time(p, n, **link) for n in sizes])
    sim_sizes = np.logspace(3, 10, 8)
    sim = np.array([c.simulate_ring_timing(p, n, **link).time_s for n in sim_sizes])
    fig, (left, right) = new_figure(2, width=9.0)
    lx, lsim = np.log10(sizes), np.log10(sim_sizes)
    left.plot(lx, formula * 1e6, color=PALETTE[0], label="alpha-beta formula")
    left.plot(lsim, sim * 1e6, "o", color=PALETTE[1], label="timing simulation")
    left.plot(lx, np.full_like(sizes, 2 * (p - 1) * alpha_us), color=PALETTE[2], ls=":", label="latency term")
    left.set_yscale("log")
    _bytes_axis(left)
    left.set_xlabel("message size n (bytes)")
    left.set_ylabel("allreduce time (µs)")
    left.set_title(f"ring of {p}: 2(p-1)α + 2(p-1)/p · n/B")
    left.legend(loc="upper left")
    algbw = sizes / formula / 1e9
    right.plot(lx, algbw, color=PALETTE[0], label="algBW = n / time")
    right.plot(lx, algbw * 2 * (p - 1) / p, color=PALETTE[1], ls="--", label="busBW = algBW · 2(p-1)/p")
    right.axhline(bandwidth_gbs, color=PALETTE[2], ls=":", label="link bandwidth")
    _bytes_axis(right)
    right.set_xlabel("message size n (bytes)")
    right.set_ylabel("GB/s")
    right.set_ylim(0, bandwidth_gbs * 1.15)
    right.set_title("what nccl-tests would print")
    right.legend(loc="upper left")
    for ax in (left, right):
        no_minor_ticks(ax)
    return fig


def draw_two_tier(servers: int = 8, chips_per_server: int = 16, intra_alpha_us: float = 2.0,
                  intra_gbs: float = 320.0, inter_alpha_us: float = 10.0, inter_gbs: float = 25.0):
    """Allreduce time of each algorithm against message size on two tiers, and the winner map.

    Parameters
    ----------
    servers : int, default=8
        Servers (the right panel sweeps 1 .. 64).
    chips_per_server : int, default=16
        Chips in each server.
    intra_alpha_us, intra_gbs : float
        Latency (µs) and per-link bandwidth (GB/s) inside a server.
    inter_alpha_us, inter_gbs : float
        Latency (µs) and per-chip bandwidth (GB/s) between servers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    intra = c.Tier(intra_alpha_us * 1e-6, intra_gbs * 1e9, "intra")
    inter = c.Tier(inter_alpha_us * 1e-6, inter_gbs * 1e9, "inter")
    sizes = np.logspace(3, 10, 36)
    fig, (left, right) = new_figure(2, width=9.0)
    table = [c.two_tier_allreduce_times(servers, chips_per_server, n, intra=intra, inter=inter) for n in sizes]
    for name in c.TWO_TIER_ALGORITHMS:
        if name in table[0]:
            colour, ls = ALGORITHM_STYLE[name]
            left.plot(np.log10(sizes), [t[name] * 1e6 for t in table], color=colour, ls=ls, label=name)
    left.set_yscale("log")
    _bytes_axis(left)
    left.set_xlabel("message size n (bytes per chip)")
    left.set_ylabel("allreduce time (µs)")
    left.set_title(f"{servers} servers x {chips_per_server} chips")
    left.legend(loc="upper left", fontsize=8)
    server_counts = 2 ** np.arange(0, 7)
    grid = np.zeros((server_counts.size, sizes.size), dtype=int)
    for i, s in enumerate(server_counts):
        for j, n in enumerate(sizes):
            best = c.best_two_tier_algorithm(int(s), chips_per_server, n, intra=intra, inter=inter)
            grid[i, j] = c.TWO_TIER_ALGORITHMS.index(best)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap([ALGORITHM_STYLE[n][0] for n in c.TWO_TIER_ALGORITHMS])
    right.pcolormesh(np.log10(sizes), np.arange(server_counts.size), grid, cmap=cmap,
                     vmin=-0.5, vmax=len(c.TWO_TIER_ALGORITHMS) - 0.5, shading="nearest")
    right.set_yticks(range(server_counts.size), [str(s) for s in server_counts])
    _bytes_axis(right)
    right.set_xlabel("message size n (bytes per chip)")
    right.set_ylabel("servers")
    right.set_title("fastest algorithm (colours as on the left)")
    right.grid(False)
    no_minor_ticks(left)
    return fig


# ----------------------------------------------------------------------------------------------
# Widgets
# ----------------------------------------------------------------------------------------------
def ring_lab(p: int = 64, alpha_us: float = 10.0, bandwidth_gbs: float = 25.0) -> LabWidget:
    """Sliders for ring size, latency and bandwidth above :func:`draw_ring_timing`."""
    controls = {
        "p": widgets.IntSlider(value=p, min=2, max=512, description="workers"),
        "alpha_us": widgets.FloatLogSlider(value=alpha_us, base=10, min=-1, max=2, description="α (µs)"),
        "bandwidth_gbs": widgets.FloatLogSlider(value=bandwidth_gbs, base=10, min=0, max=3, description="B (GB/s)"),
    }
    return LabWidget(controls, draw_ring_timing)


def hierarchy_lab(servers: int = 4, chips_per_server: int = 16) -> LabWidget:
    """Sliders for the two tiers above :func:`draw_two_tier`."""
    controls = {
        "servers": widgets.IntSlider(value=servers, min=1, max=64, description="servers"),
        "chips_per_server": widgets.IntSlider(value=chips_per_server, min=1, max=64, description="chips/server"),
        "intra_alpha_us": widgets.FloatLogSlider(value=2.0, base=10, min=-1, max=2, description="α in (µs)"),
        "intra_gbs": widgets.FloatLogSlider(value=320.0, base=10, min=1, max=3.5, description="B in (GB/s)"),
        "inter_alpha_us": widgets.FloatLogSlider(value=10.0, base=10, min=-1, max=2.5, description="α out (µs)"),
        "inter_gbs": widgets.FloatLogSlider(value=25.0, base=10, min=0, max=3, description="B out (GB/s)"),
    }
    return LabWidget(controls, draw_two_tier)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"collectives: ring_lab": ring_lab, "collectives: hierarchy_lab": hierarchy_lab}
