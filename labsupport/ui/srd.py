"""Figures and widgets for the SRD chapter's labs (``labs/srd_ecmp``, ``srd_spraying``, ``srd_teal_line``).

The models live in :mod:`labsupport.srd`; this module only runs them at a control's values and draws.
SRD is always drawn in the course palette's bluish green -- the keynote's "teal line".
"""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from .. import srd
import matplotlib

from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, plot_ccdf
from . import LabWidget

__all__ = [
    "TCP_COLOR",
    "SRD_COLOR",
    "diagram_pinning_vs_spraying",
    "draw_ecmp",
    "compare_transports",
    "draw_completion",
    "draw_teal_line",
    "draw_throughput",
    "ecmp_lab",
    "spraying_lab",
    "teal_line_lab",
    "LABS",
]

#: TCP's and SRD's places in the course palette (diagram boxes take a palette index).
TCP_INDEX, SRD_INDEX = 1, 2
#: TCP's colour in every SRD figure.
TCP_COLOR = PALETTE[TCP_INDEX]
#: SRD's colour: the keynote's teal line.
SRD_COLOR = PALETTE[SRD_INDEX]


def diagram_pinning_vs_spraying():
    """Diagram: ECMP pins a TCP flow to one path; SRD sprays the same flow over every path.

    Two rows over the same four-path fabric, with one path's link failed. Top: every packet of the TCP
    connection hashes to the failed path and waits for retransmission timeouts. Bottom: SRD spreads the
    packets over the paths, avoids the failed one and resends a lost packet on another path. Used by the
    chapter "SRD" (``diagram`` directive); boxes and arrows only, no data.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> len(diagram_pinning_vs_spraying().axes)
    1
    """
    fig, ax = new_diagram(6.4, 4.6)
    ink = matplotlib.rcParams["text.color"]
    paths_y = (0.0, 0.42, 0.84, 1.26)  # offsets of the four spine switches within a row
    failed = 2                          # the spine whose link is down (drawn with a cross)
    rows = ((2.35, "TCP over ECMP: the flow's 5-tuple hashes to one path", TCP_INDEX, "pinned"),
            (0.1, "SRD: the flow's packets are sprayed over every working path", SRD_INDEX, "sprayed"))
    for base, title, colour, mode in rows:
        ax.text(0.1, base + 1.95, title, ha="left", va="center", fontsize=10.5, fontweight="bold")
        diagram_box(ax, 0.1, base + 0.5, 1.2, 0.7, "sender", color=colour, fontsize=11)
        diagram_box(ax, 5.1, base + 0.5, 1.2, 0.7, "receiver", color=colour, fontsize=11)
        for k, dy in enumerate(paths_y):
            y = base + 0.08 + dy
            diagram_box(ax, 2.75, y, 0.9, 0.3, f"spine {k + 1}", color=None, fontsize=9.5)
            mid = y + 0.15
            used = (k == failed) if mode == "pinned" else (k != failed)
            style = dict(color=colour) if used else dict(dashed=True)
            diagram_arrow(ax, (1.3, base + 0.85), (2.75, mid), **style)
            if k == failed:
                ax.plot([3.95, 4.25], [mid - 0.12, mid + 0.12], color=PALETTE[TCP_INDEX], lw=2, ls="-")
                ax.plot([3.95, 4.25], [mid + 0.12, mid - 0.12], color=PALETTE[TCP_INDEX], lw=2, ls="-")
                ax.plot([3.65, 3.95], [mid, mid], color=ink, lw=1.0, ls="--")
                ax.plot([4.25, 5.1], [mid, base + 0.85], color=ink, lw=1.0, ls="--")
            else:
                diagram_arrow(ax, (3.65, mid), (5.1, base + 0.85), **style)
        if mode == "pinned":
            ax.text(4.6, base + 1.62, "failed link: every copy is lost;\nwait 200 ms, 400 ms, ...",
                    ha="center", va="center", fontsize=9.5)
            ax.text(1.95, base + 0.05, "other paths idle", ha="center", va="center", fontsize=9.5)
        else:
            ax.text(4.6, base + 1.62, "lost packet: resent on another\npath after about 300 µs",
                    ha="center", va="center", fontsize=9.5)
            ax.text(1.95, base + 0.05, "out-of-order arrival is fine", ha="center", va="center", fontsize=9.5)
    ax.plot([0.1, 6.3], [2.3, 2.3], color=ink, lw=0.6, alpha=0.5)
    return fig


def _color(label: str, i: int) -> str:
    if label.upper().startswith("TCP"):
        return TCP_COLOR
    if label.upper() == "SRD":
        return SRD_COLOR
    return PALETTE[(i + 3) % len(PALETTE)]


def draw_ecmp(n_flows: int = 8, n_paths: int = 16, *, n_trials: int = 2000, seed: int = 0):
    """ECMP hashing: collision probability and path usage vs flows (theory and simulation), and flow rates.

    Parameters
    ----------
    n_flows : int, default=8
        Flows hashed in the right panel's simulation (and marked on the left).
    n_paths : int, default=16
        Equal-cost paths.
    n_trials : int, default=2000
        Hashings simulated per point.
    seed : int, default=0
        Seed of the simulation.

    Returns
    -------
    matplotlib.figure.Figure
        Left: P(no collision) and fraction of paths used against the number of flows (lines: exact;
        markers: simulated). Right: distribution of the fraction of a path's rate each flow gets.

    Examples
    --------
    >>> fig = draw_ecmp(4, 8, n_trials=200)
    >>> len(fig.axes)
    2
    """
    rng = np.random.default_rng(seed)
    fig, (ax, ax2) = new_figure(2, width=8.0, height=3.4)
    ns = np.arange(1, max(2 * n_paths, n_flows) + 1)
    ax.plot(ns, [srd.ecmp_no_collision_probability(int(n), n_paths) for n in ns], color=PALETTE[0],
            label="P(no collision), exact")
    ax.plot(ns, [srd.expected_paths_used(int(n), n_paths) / n_paths for n in ns], color=PALETTE[3],
            label="fraction of paths used, exact")
    pts = np.unique(np.linspace(1, ns[-1], 9).round().astype(int))
    sims = [srd.simulate_ecmp(int(n), n_paths, n_trials=n_trials, rng=rng) for n in pts]
    ax.plot(pts, [s.no_collision_fraction for s in sims], "o", color=PALETTE[0], ls="none", label="simulated")
    ax.plot(pts, [s.mean_paths_used / n_paths for s in sims], "s", color=PALETTE[3], ls="none")
    ax.axvline(n_flows, color="#888888", lw=0.8, ls=":")
    ax.set(xlabel="flows hashed", ylabel="probability / fraction", ylim=(-0.02, 1.45),
           title=f"{n_paths} equal-cost paths")
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.legend(loc="upper right", fontsize=8)
    r = srd.simulate_ecmp(n_flows, n_paths, n_trials=n_trials, rng=rng)
    k = r.flows_per_path
    # the share each flow gets: 1/k for each of the k flows on a path
    shares = np.repeat(1.0 / np.maximum(k, 1).ravel(), k.ravel())
    values, counts = np.unique(np.round(shares, 6), return_counts=True)
    ax2.bar([f"1/{round(1 / v)}" for v in values[::-1]], counts[::-1] / counts.sum(), color=PALETTE[0])
    ax2.set(xlabel="fraction of one path's rate a flow gets", ylabel="fraction of flows",
            title=f"{n_flows} flows: {r.no_collision_fraction:.0%} of hashings collision-free")
    return fig


def compare_transports(*, loss_probability: float = 0.01, offered_load: float = 0.2, n_paths: int = 8,
                       n_messages: int = 300, failure: bool = True, spray: bool = True,
                       congestion_aware: bool = True, fast_retransmit: bool = True, seed: int = 1,
                       **scenario: Any) -> dict:
    """Run TCP and SRD on the same scenario (same seed: same arrivals, hot paths and hashing).

    Parameters
    ----------
    loss_probability : float, default=0.01
        Per-packet loss probability.
    offered_load : float, default=0.2
        Fraction of the NIC rate.
    n_paths : int, default=8
        Paths in the fabric.
    n_messages : int, default=300
        16 KiB messages per run.
    failure : bool, default=True
        Path 0 (where TCP connection 0 is hashed) fails for 10 ms, 1 ms into the run.
    spray, congestion_aware, fast_retransmit : bool, default=True
        SRD's ingredients.
    seed : int, default=1
        Seed shared by both runs.
    **scenario
        Other :class:`labsupport.srd.Scenario` attributes.

    Returns
    -------
    dict of str to labsupport.srd.TransferResult
        ``{"TCP": ..., "SRD": ...}``.

    Examples
    --------
    >>> sorted(compare_transports(n_messages=20))
    ['SRD', 'TCP']
    """
    common = dict(n_messages=n_messages, n_paths=n_paths, loss_probability=loss_probability,
                  offered_load=offered_load, **scenario)
    if failure:
        common.update(failed_path=0, failure_start_us=1000.0, failure_duration_us=10_000.0)
    return {
        "TCP": srd.simulate_transfers("tcp", rng=seed, **common),
        "SRD": srd.simulate_transfers("srd", rng=seed, spray=spray, congestion_aware=congestion_aware,
                                      fast_retransmit=fast_retransmit, **common),
    }


def draw_completion(results: dict, *, title: str = ""):
    """Completion-time tails (CCDF, log-log) and p50/p99/p99.9 bars for each run.

    Parameters
    ----------
    results : dict of str to labsupport.srd.TransferResult
        Label -> run.
    title : str, default=""
        Title of the left panel.

    Returns
    -------
    matplotlib.figure.Figure
        Left: fraction of messages slower than x (log-log). Right: percentiles, one group per run.

    Examples
    --------
    >>> fig = draw_completion(compare_transports(n_messages=20))
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:2]
    ['TCP', 'SRD']
    """
    fig, (ax, ax2) = new_figure(2, width=8.0, height=3.4)
    qs = (50.0, 99.0, 99.9)
    width = 0.8 / max(len(results), 1)
    for i, (label, r) in enumerate(results.items()):
        ms = r.completion_times_us / 1000.0
        plot_ccdf(ax, ms, label=label, color=_color(label, i), ls="-" if i == 0 else "--")
        vals = np.percentile(ms, qs)
        ax2.bar(np.arange(len(qs)) + (i - (len(results) - 1) / 2) * width, vals, width,
                color=_color(label, i), label=label)
    ax.set_xscale("log")
    ax.axvline(200.0, color="#888888", lw=0.8, ls=":")
    ax.annotate("200 ms RTO floor", (200.0, 0.5), xycoords=("data", "axes fraction"), rotation=90,
                ha="right", va="center", fontsize=8, color="#666666")
    ax.set(xlabel="message completion time (ms)", ylabel="fraction of messages slower", title=title)
    ax.legend(loc="lower left")
    ax2.set_yscale("log")
    ax2.set_xticks(np.arange(len(qs)), [f"p{q:g}" for q in qs])
    ax2.set(ylabel="completion time (ms)", title="percentiles")
    ax2.legend(loc="upper left")
    for a in (ax, ax2):
        a.minorticks_off()  # log-axis minor ticks triple the drawing time of a widget redraw
    return fig


def draw_teal_line(sweep: "srd.LoadSweep"):
    """Completion-time percentiles against offered load, one line per (variant, percentile).

    Parameters
    ----------
    sweep : labsupport.srd.LoadSweep
        From :func:`labsupport.srd.load_sweep`.

    Returns
    -------
    matplotlib.figure.Figure
        Log y-axis; SRD in teal, TCP in orange; the line style marks the percentile.

    Examples
    --------
    >>> s = srd.load_sweep([0.1, 0.2], n_messages=30, n_paths=8, loss_probability=0.0, rng=0, progress=False)
    >>> len(draw_teal_line(s).axes[0].get_lines())
    6
    """
    fig, ax = new_figure(1, width=7.0, height=3.6)
    styles = ("-", "--", ":", "-.")
    for i, (label, values) in enumerate(sweep.values_us.items()):
        for j, q in enumerate(sweep.percentiles):
            ax.plot(sweep.loads, values[:, j] / 1000.0, color=_color(label, i), ls=styles[j % len(styles)],
                    marker="o", ms=3, label=f"{label} p{q:g}")
    ax.set_yscale("log")
    ax.set(xlabel="offered load (fraction of the NIC rate)", ylabel="16 KiB completion time (ms)",
           title=f"{sweep.n_messages} messages per point, loss {sweep.loss_probability:g}")
    ax.legend(ncols=2, fontsize=8)
    ax.minorticks_off()
    return fig


def draw_throughput(results: dict):
    """Single-flow throughput bars against the one-path and NIC limits.

    Parameters
    ----------
    results : dict of str to labsupport.srd.ThroughputResult
        Label -> single-flow run.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = srd.single_flow_throughput("tcp", n_messages=20, rng=0)
    >>> len(draw_throughput({"TCP": t}).axes)
    1
    """
    fig, ax = new_figure(1, width=6.0, height=3.2)
    labels = list(results)
    vals = [results[k].throughput_gbps for k in labels]
    ax.bar(labels, vals, color=[_color(k, i) for i, k in enumerate(labels)])
    first = next(iter(results.values()))
    ax.axhline(first.path_limit_gbps, color="#666666", ls="--", lw=1.0)
    ax.axhline(first.nic_limit_gbps, color="#666666", ls=":", lw=1.0)
    ax.annotate("one path", (0.99, first.path_limit_gbps), xycoords=("axes fraction", "data"), ha="right",
                va="bottom", fontsize=8)
    ax.annotate("NIC", (0.99, first.nic_limit_gbps), xycoords=("axes fraction", "data"), ha="right",
                va="bottom", fontsize=8)
    for i, v in enumerate(vals):
        ax.annotate(f"{v:.1f}", (i, v), ha="center", va="bottom", fontsize=9)
    ax.set(ylabel="single-flow throughput (Gbit/s)", ylim=(0, first.nic_limit_gbps * 1.2),
           title="one flow, backlog of 16 KiB messages")
    return fig


# ----------------------------------------------------------------------------------------------
# Widget factories
# ----------------------------------------------------------------------------------------------
def _check(description: str, value: bool = True) -> widgets.Checkbox:
    return widgets.Checkbox(value=value, description=description, indent=False)


def ecmp_lab(n_flows: int = 8, n_paths: int = 16) -> LabWidget:
    """Sliders for flows and paths above :func:`draw_ecmp`.

    Parameters
    ----------
    n_flows : int, default=8
        Initial number of flows.
    n_paths : int, default=16
        Initial number of paths.

    Returns
    -------
    LabWidget
    """
    controls = {
        "n_flows": widgets.IntSlider(value=n_flows, min=1, max=64, description="flows"),
        "n_paths": widgets.IntSlider(value=n_paths, min=1, max=64, description="paths"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    }
    return LabWidget(controls, lambda n_flows, n_paths, seed: draw_ecmp(n_flows, n_paths, n_trials=1000, seed=seed))


def _draw_spraying(loss_probability, offered_load, n_messages, failure, spray, congestion_aware, fast_retransmit,
                   seed):
    results = compare_transports(loss_probability=loss_probability, offered_load=offered_load,
                                 n_messages=n_messages, failure=failure, spray=spray,
                                 congestion_aware=congestion_aware, fast_retransmit=fast_retransmit, seed=seed)
    return draw_completion(results, title=f"loss {loss_probability:g}, load {offered_load:g}"
                                          + (", path 0 fails for 10 ms" if failure else ""))


def spraying_lab(loss_probability: float = 0.01, offered_load: float = 0.2, n_messages: int = 200) -> LabWidget:
    """TCP vs SRD message completion times, with SRD's three ingredients as checkboxes.

    Parameters
    ----------
    loss_probability : float, default=0.01
        Initial per-packet loss.
    offered_load : float, default=0.2
        Initial offered load (fraction of the NIC rate).
    n_messages : int, default=200
        Initial messages per run.

    Returns
    -------
    LabWidget
    """
    controls = {
        "loss_probability": widgets.FloatSlider(value=loss_probability, min=0.0, max=0.1, step=0.005,
                                                readout_format=".3f", description="loss"),
        "offered_load": widgets.FloatSlider(value=offered_load, min=0.05, max=0.6, step=0.05, description="load"),
        "n_messages": widgets.IntSlider(value=n_messages, min=100, max=2000, step=100, description="messages"),
        "failure": _check("path 0 fails"),
        "spray": _check("SRD: spray"),
        "congestion_aware": _check("SRD: congestion-aware"),
        "fast_retransmit": _check("SRD: fast retransmit"),
        "seed": widgets.IntSlider(value=1, min=0, max=20, description="seed"),
    }
    return LabWidget(controls, _draw_spraying)


def _draw_teal(loss_probability, spray, congestion_aware, fast_retransmit, n_messages, seed):
    sweep = srd.load_sweep([0.1, 0.25, 0.4, 0.55], n_messages=n_messages, n_paths=8,
                           loss_probability=loss_probability, percentiles=(50.0, 99.0),
                           variants={"TCP": ("tcp", {}), "SRD": ("srd", dict(spray=spray,
                                     congestion_aware=congestion_aware, fast_retransmit=fast_retransmit))},
                           rng=seed, progress=False)
    return draw_teal_line(sweep)


def teal_line_lab(loss_probability: float = 0.002, n_messages: int = 100) -> LabWidget:
    """Percentiles vs offered load for TCP and SRD (four loads), SRD's ingredients as checkboxes.

    Parameters
    ----------
    loss_probability : float, default=0.002
        Initial per-packet loss.
    n_messages : int, default=100
        Initial messages per load point (small, so the figure redraws fast; the notebook's
        compared cells use many more).

    Returns
    -------
    LabWidget
    """
    controls = {
        "loss_probability": widgets.FloatSlider(value=loss_probability, min=0.0, max=0.02, step=0.001,
                                                readout_format=".3f", description="loss"),
        "n_messages": widgets.IntSlider(value=n_messages, min=100, max=1000, step=100, description="messages"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
        "spray": _check("SRD: spray"),
        "congestion_aware": _check("SRD: congestion-aware"),
        "fast_retransmit": _check("SRD: fast retransmit"),
    }
    return LabWidget(controls, _draw_teal)


#: Lab name -> factory (callable with no arguments), discovered by the benchmark runner.
LABS = {
    "srd_ecmp": ecmp_lab,
    "srd_spraying": spraying_lab,
    "srd_teal_line": teal_line_lab,
}
