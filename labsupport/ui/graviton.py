"""Figures, diagrams and widgets for the chapter "Graviton: designing a CPU for real workloads".

``draw_smt`` (lab ``graviton_smt``), ``draw_caches`` (``graviton_caches``), ``draw_frontend``
(``graviton_frontend``) and ``draw_roofline`` (``graviton_roofline``); ``diagram_smt`` and
``diagram_cache_lookup`` for the chapter. The models live in :mod:`labsupport.graviton`.
"""
from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from .. import graviton as gv
from ..plotting import (PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks,
                        plot_ccdf)
from . import LabWidget

__all__ = ["draw_smt", "draw_smt_tradeoff", "draw_caches", "draw_frontend", "draw_roofline", "diagram_smt",
           "diagram_cache_lookup", "smt_lab", "cache_lab", "frontend_lab", "roofline_lab", "LABS"]

_STYLE = {"description_width": "initial"}


def _slider(cls, description: str, **kwargs):
    return cls(description=description, continuous_update=False, style=_STYLE, **kwargs)


# ----------------------------------------------------------------------------------------------- SMT
def draw_smt(load: float = 0.5, sibling_busy_fraction: float = 0.5, smt_speed: float = 0.6,
             sibling_burst_ms: float = 1.0, n_requests: int = 10_000, seed: int = 1):
    """Latency on a vCPU that is a whole core against one that is an SMT hardware thread.

    Left: the latency CCDF at one setting, for one thread per core and for an SMT thread whose sibling is
    busy ``sibling_busy_fraction`` of the time. Right: p99 against the sibling's intensity, simulated
    (dots) and the closed forms of the fast- and slow-switching limits (lines).

    Parameters
    ----------
    load : float, default=0.5
        Our utilisation on a core of its own, lambda / mu (mean service 1 ms).
    sibling_busy_fraction : float, default=0.5
        How busy the co-runner on the sibling thread is.
    smt_speed : float, default=0.6
        Our speed while the sibling runs, as a fraction of solo speed.
    sibling_burst_ms : float, default=1.0
        Mean busy period of the co-runner, ms.
    n_requests : int, default=10_000
    seed : int, default=1

    Returns
    -------
    matplotlib.figure.Figure
    """
    mu, lam = 1.0, load
    fig, (left, right) = new_figure(2, width=9.0)
    solo = gv.simulate_smt(lam, mu, n_requests, shared_core=False, rng=seed)
    plot_ccdf(left, solo.latencies_ms, label="one thread per core", color=PALETTE[0], linestyle="-")
    capacity = mu * (1 - sibling_busy_fraction + sibling_busy_fraction * smt_speed)
    if lam < capacity:
        smt = gv.simulate_smt(lam, mu, n_requests, sibling_busy_fraction=sibling_busy_fraction,
                              sibling_burst_ms=sibling_burst_ms, smt_speed=smt_speed, rng=seed)
        plot_ccdf(left, smt.latencies_ms, label=f"SMT, sibling busy {sibling_busy_fraction:.0%}",
                  color=PALETTE[1], linestyle="--")
    else:
        left.text(0.5, 0.5, "SMT thread overloaded:\nthe queue grows without bound", transform=left.transAxes,
                  ha="center", va="center", color=PALETTE[1])
    left.set_xlabel("request latency (ms)")
    left.set_ylabel("fraction of requests slower")
    left.set_ylim(max(0.5 / n_requests, 1e-4), 1.0)
    left.set_title(f"load {load:.2f} of a core, SMT speed {smt_speed:.2f}")
    left.legend(loc="upper right")
    no_minor_ticks(left)

    us = np.linspace(0.0, 1.0, 41)
    ok = lam < mu * (1 - us + us * smt_speed)
    fast = [gv.smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=smt_speed, limit="fast")
            for u in us[ok]]
    right.plot(us[ok], fast, color=PALETTE[2], linestyle="-", label="fast switching (closed form)")
    if lam < mu * smt_speed:
        slow = [gv.smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=smt_speed, limit="slow")
                for u in us]
        right.plot(us, slow, color=PALETTE[3], linestyle="-.", label="slow switching (closed form)")
    points = [u for u in (0.0, 0.25, 0.5, 0.75, 1.0) if lam < mu * (1 - u + u * smt_speed)]
    sims = [gv.simulate_smt(lam, mu, n_requests // 2, sibling_busy_fraction=u, sibling_burst_ms=sibling_burst_ms,
                            smt_speed=smt_speed, rng=seed + 1).percentile(99) for u in points]
    right.plot(points, sims, "o", color=PALETTE[1], linestyle="none",
               label=f"simulated, bursts {sibling_burst_ms:g} ms")
    right.axhline(solo.percentile(99), color=PALETTE[0], linestyle=":", lw=1.2, label="one thread per core")
    right.set_xlabel("sibling busy fraction")
    right.set_ylabel("p99 latency (ms)")
    right.set_title("the noisy sibling")
    right.legend(loc="upper left", fontsize=8)
    return fig


def draw_smt_tradeoff(smt_speed: float = 0.6, n_requests: int = 20_000, seed: int = 3):
    """Throughput per core against p99 latency: one vCPU per core against two SMT vCPUs per core.

    Each vCPU runs the same service (mean 1 ms of solo work). One thread per core is an M/M/1 queue
    (closed form); an SMT core carries two such vCPUs that slow each other down while both are busy
    (:func:`labsupport.graviton.simulate_smt_pair`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, width=6.4, height=3.6)
    loads = np.linspace(0.05, 0.9, 40)
    solo = [gv.smt_latency_percentile(x, 1.0, 99, sibling_busy_fraction=0.0) for x in loads]
    ax.plot(loads, solo, color=PALETTE[0], linestyle="-", label="1 vCPU = 1 core (M/M/1)")
    per_thread = [x for x in (0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55) if x < 0.92 * smt_speed]
    p99 = [gv.simulate_smt_pair(x, 1.0, n_requests, smt_speed=smt_speed, rng=seed).percentile(99)
           for x in per_thread]
    ax.plot(2 * np.array(per_thread), p99, "o--", color=PALETTE[1], label="2 vCPUs = 1 SMT core (simulated)")
    ax.set_yscale("log")
    ax.set_xlabel("requests per ms per physical core")
    ax.set_ylabel("p99 latency (ms)")
    ax.set_title(f"throughput per core vs tail (SMT speed {smt_speed:.2f})")
    ax.legend(loc="upper left")
    no_minor_ticks(ax)
    return fig


# ----------------------------------------------------------------------------------------------- caches
_SIZES_KIB = (4, 16, 64, 256, 1024)


@functools.lru_cache(maxsize=8)
def _lru_cliff(lines: int, seed: int):
    """Miss rate of a loop over n lines in a fully associative cache of ``lines`` lines, per policy."""
    loop_lines = np.arange(lines // 2, 2 * lines + 1, 8)
    out = {}
    for pol in ("lru", "fifo", "random"):
        out[pol] = [gv.simulate_cache(np.tile(np.arange(n) * 64, 6), size_bytes=lines * 64, line_bytes=64, ways=lines,
                                      policy=pol, rng=seed).miss_rate_after(n) for n in loop_lines]
    return loop_lines, out


def draw_caches(kind: str = "web-server", working_set_kib: int = 128, ways: int = 8, policy: str = "fifo",
                n_accesses: int = 6_000, seed: int = 0):
    """Miss rate against cache size for one address trace, under LRU and one other policy.

    Left: miss rate against capacity (log scale) for LRU and ``policy``, after a warm-up of a quarter of
    the trace. Right: the cyclic scan one line larger than the cache, the case where LRU misses on every
    access and random replacement does not.

    Parameters
    ----------
    kind : str, default="web-server"
        Trace kind (see :func:`labsupport.graviton.address_trace`).
    working_set_kib : int, default=128
        Data footprint in KiB (the web-server mix adds 64 KiB of code).
    ways : int, default=8
    policy : {"fifo", "random"}, default="fifo"
    n_accesses : int, default=6_000
    seed : int, default=0

    Returns
    -------
    matplotlib.figure.Figure
    """
    addr = gv.address_trace(kind, n_accesses, working_set_bytes=working_set_kib * 1024, code_bytes=64 * 1024,
                            rng=seed)
    sizes = np.array(_SIZES_KIB) * 1024
    warm = n_accesses // 4
    fig, (left, right) = new_figure(2, width=9.0)
    lru = gv.miss_rate_curve(addr, sizes, ways=ways, policy="lru", warmup=warm)
    other = gv.miss_rate_curve(addr, sizes, ways=ways, policy=policy, warmup=warm, rng=seed)
    left.plot(sizes / 1024, lru, "o-", color=PALETTE[0], label="LRU")
    left.plot(sizes / 1024, other, "s--", color=PALETTE[1], label=policy.upper() if policy == "fifo" else policy)
    left.axvline(working_set_kib, color="#888888", lw=0.8, ls=":")
    left.set_xscale("log", base=2)
    left.set_ylim(-0.02, 1.02)
    left.set_xlabel("cache size (KiB)")
    left.set_ylabel("miss rate after warm-up")
    left.set_title(f"{kind} trace, {working_set_kib} KiB of data, {ways}-way")
    left.legend(loc="upper right")
    no_minor_ticks(left)

    lines = 64
    loop_lines, cliff = _lru_cliff(lines, seed)
    for i, pol in enumerate(("lru", "fifo", "random")):
        right.plot(loop_lines, cliff[pol], marker="o", ms=3, color=PALETTE[i],
                   label=pol.upper() if pol != "random" else "random")
    right.axvline(lines, color="#888888", lw=0.8, ls=":")
    right.set_xlabel(f"lines in a repeated loop (cache holds {lines})")
    right.set_ylabel("miss rate after the first lap")
    right.set_title("the LRU cliff")
    right.legend(loc="center right")
    return fig


# ----------------------------------------------------------------------------------------------- front end
def draw_frontend(kind: str = "correlated", loop_iterations: int = 10, taken_probability: float = 0.5,
                  history_bits: int = 14, branches_per_kilo_instruction: float = 250.0, n_branches: int = 4_000,
                  seed: int = 0):
    """Predictor accuracy on a synthetic trace, and what the resulting MPKI does to IPC.

    Left: accuracy of the four predictors on the trace. Right: IPC against branch MPKI for a 4-wide and an
    8-wide core (:func:`labsupport.graviton.ipc_with_stalls`, 13-cycle penalty), with each predictor's MPKI
    marked.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pcs, out = gv.branch_trace(kind, n_branches, loop_iterations=loop_iterations,
                               taken_probability=taken_probability, rng=seed)
    fig, (left, right) = new_figure(2, width=9.0)
    accs = []
    for i, name in enumerate(gv.PREDICTORS):
        r = gv.simulate_predictor(out, name, pcs=pcs, history_bits=history_bits)
        accs.append(r.accuracy)
        left.bar(i, r.accuracy, color=PALETTE[i], width=0.6)
        left.text(i, r.accuracy + 0.02, f"{r.accuracy:.2f}", ha="center", fontsize=9)
    left.set_xticks(range(len(gv.PREDICTORS)))
    left.set_xticklabels(gv.PREDICTORS, fontsize=8)
    left.set_ylim(0, 1.12)
    left.set_ylabel("fraction predicted correctly")
    left.set_title(f"{kind} branches")
    marks = [(1 - acc) * branches_per_kilo_instruction for acc in accs]
    top = float(np.clip(1.15 * max(marks), 40.0, 160.0))
    mpkis = np.linspace(0, top, 81)
    for j, width in enumerate((4.0, 8.0)):
        right.plot(mpkis, [gv.ipc_with_stalls(width, m) for m in mpkis], color=PALETTE[4 + j],
                   linestyle="-" if j == 0 else "--", label=f"{width:g}-wide core")
    for i, m in enumerate(marks):  # each predictor's MPKI on this trace, on the 4-wide curve
        right.plot([m], [gv.ipc_with_stalls(4.0, m)], "o", color=PALETTE[i], linestyle="none", ms=7)
    right.axvline(10, color="#888888", lw=0.8, ls=":")
    right.text(10 + top / 80, 7.2, "MPKI 10", fontsize=8, color="#555555")
    right.set_ylim(0, 8.2)
    right.set_xlabel("branch mispredictions per 1,000 instructions")
    right.set_ylabel("instructions per cycle")
    right.set_title(f"front-end stalls cap IPC ({branches_per_kilo_instruction:g} branches / 1k instr.)")
    right.legend(loc="upper right")
    return fig


# ----------------------------------------------------------------------------------------------- roofline
def draw_roofline(machine: gv.RooflineResult | None = None, generations=("Graviton2", "Graviton3", "Graviton4"),
                  intensity: float | None = None):
    """Rooflines of the Graviton generations (FP64 peak, secondary-source bandwidth), and this machine's.

    Parameters
    ----------
    machine : RooflineResult, optional
        A measurement from :func:`labsupport.graviton.measure_machine`; its roofline and kernels are drawn.
    generations : sequence of str
        Keys of :data:`labsupport.graviton.GRAVITON`.
    intensity : float, optional
        Mark the attainable performance of each roofline at this intensity.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, width=7.0, height=4.0)
    xs = np.logspace(-2, 3, 200)
    for i, name in enumerate(generations):
        spec = gv.GRAVITON[name]
        ax.plot(xs, gv.attainable_gflops(spec.peak_gflops, spec.bandwidth_gb_s, xs), color=PALETTE[i],
                linestyle=["-", "--", "-."][i % 3], label=f"{name}: {spec.peak_gflops:,.0f} GFLOPS, "
                f"{spec.bandwidth_gb_s:g} GB/s")
        if intensity is not None:
            ax.plot([intensity], [gv.attainable_gflops(spec.peak_gflops, spec.bandwidth_gb_s, intensity)], "o",
                    color=PALETTE[i], linestyle="none")
    if machine is not None:
        ax.plot(xs, machine.attainable(xs), color="#666666", linestyle=":", label="this machine (measured)")
        for k, marker in zip(machine.kernels, ("^", "s", "D")):
            ax.plot([k.intensity_flop_per_byte], [k.gflops], marker, color=PALETTE[4], linestyle="none", ms=7)
            ax.annotate(k.name, (k.intensity_flop_per_byte, k.gflops), textcoords="offset points", xytext=(6, -10),
                        fontsize=8)
    if intensity is not None:
        ax.axvline(intensity, color="#888888", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per byte of memory traffic)")
    ax.set_ylabel("attainable GFLOPS (FP64)")
    ax.set_title("rooflines: min(peak, bandwidth x intensity)")
    ax.legend(loc="lower right", fontsize=8)
    no_minor_ticks(ax)
    return fig


# ----------------------------------------------------------------------------------------------- diagrams
def diagram_smt():
    """Two vCPUs on one SMT core, sharing its front end, execution units and caches, against two cores."""
    fig, ax = new_diagram(7.6, 3.5)
    ax.text(1.85, 3.3, "SMT: 2 vCPUs = 2 threads of 1 core", ha="center", fontsize=10)
    diagram_box(ax, 0.2, 0.25, 3.3, 2.85)
    diagram_box(ax, 0.4, 2.3, 1.35, 0.55, "vCPU 0\n(thread 0)", color=0)
    diagram_box(ax, 1.95, 2.3, 1.35, 0.55, "vCPU 1\n(thread 1)", color=1)
    diagram_box(ax, 0.4, 1.55, 2.9, 0.5, "shared front end: fetch, branch predictor, L1I", color=3, fontsize=8)
    diagram_box(ax, 0.4, 0.95, 2.9, 0.45, "shared execution units", color=3, fontsize=8)
    diagram_box(ax, 0.4, 0.4, 2.9, 0.4, "shared L1D and L2", color=3, fontsize=8)
    diagram_arrow(ax, (1.07, 2.3), (1.4, 2.05))
    diagram_arrow(ax, (2.62, 2.3), (2.3, 2.05))
    ax.text(5.7, 3.3, "Graviton: 1 vCPU = 1 physical core", ha="center", fontsize=10)
    for j, x in enumerate((4.1, 5.9)):
        diagram_box(ax, x, 0.25, 1.6, 2.85)
        diagram_box(ax, x + 0.15, 2.3, 1.3, 0.55, f"vCPU {j}\n(the whole core)", color=j)
        diagram_box(ax, x + 0.15, 1.55, 1.3, 0.5, "own front end\nand L1I", color=2, fontsize=8)
        diagram_box(ax, x + 0.15, 0.95, 1.3, 0.45, "own execution", color=2, fontsize=8)
        diagram_box(ax, x + 0.15, 0.4, 1.3, 0.4, "own L1D, L2", color=2, fontsize=8)
        diagram_arrow(ax, (x + 0.8, 2.3), (x + 0.8, 2.05))
    return fig


def diagram_cache_lookup():
    """How a set-associative cache finds a line: offset, set index and tag."""
    fig, ax = new_diagram(7.6, 3.4)
    ax.text(0.2, 3.1, "byte address", fontsize=10)
    diagram_box(ax, 0.2, 2.35, 2.4, 0.5, "tag", color=0)
    diagram_box(ax, 2.6, 2.35, 1.6, 0.5, "set index", color=1)
    diagram_box(ax, 4.2, 2.35, 1.2, 0.5, "offset", color=2)
    ax.text(4.8, 2.05, "log2(line bytes) bits", ha="center", fontsize=8)
    ax.text(3.4, 2.05, "log2(sets) bits", ha="center", fontsize=8)
    for r in range(4):
        y = 1.45 - r * 0.38
        ax.text(0.55, y + 0.12, f"set {r}", fontsize=8, ha="right")
        for w in range(4):
            diagram_box(ax, 0.7 + w * 0.85, y, 0.75, 0.3, "tag | line", color=1 if r == 1 else None, fontsize=7)
    diagram_arrow(ax, (3.4, 2.35), (3.9, 1.25), "selects one set")
    ax.text(5.75, 1.2, "compare the tag with\nevery way of the set:\nmatch = hit;\nno match = miss, evict\n"
            "the LRU / FIFO /\nrandom victim", fontsize=8, va="center")
    ax.text(2.3, 0.05, "4 ways", fontsize=8, ha="center")
    return fig


# ----------------------------------------------------------------------------------------------- widgets
def smt_lab(load: float = 0.6, sibling_busy_fraction: float = 0.75) -> LabWidget:
    """Sliders for load, co-runner intensity, SMT speed and burst length above :func:`draw_smt`."""
    controls = {
        "load": _slider(widgets.FloatSlider, "load (of a core)", value=load, min=0.05, max=0.95, step=0.05),
        "sibling_busy_fraction": _slider(widgets.FloatSlider, "sibling busy", value=sibling_busy_fraction,
                                         min=0.0, max=1.0, step=0.05),
        "smt_speed": _slider(widgets.FloatSlider, "SMT speed", value=0.6, min=0.5, max=1.0, step=0.05),
        "sibling_burst_ms": _slider(widgets.FloatLogSlider, "burst (ms)", value=1.0, base=10, min=-1, max=2,
                                    step=0.25),
        "n_requests": _slider(widgets.IntSlider, "requests", value=10_000, min=2_000, max=100_000, step=2_000),
        "seed": widgets.IntText(value=1, description="seed"),
    }
    return LabWidget(controls, draw_smt)


def cache_lab(kind: str = "random") -> LabWidget:
    """Trace, working set, associativity and policy above :func:`draw_caches`."""
    controls = {
        "kind": widgets.Dropdown(options=list(gv.TRACE_KINDS), value=kind, description="trace"),
        "working_set_kib": _slider(widgets.SelectionSlider, "working set (KiB)", options=[16, 32, 64, 128, 256],
                                   value=64),
        "ways": widgets.Dropdown(options=[1, 2, 4, 8, 16], value=8, description="ways"),
        "policy": widgets.Dropdown(options=["fifo", "random"], value="random", description="vs LRU"),
        "n_accesses": _slider(widgets.IntSlider, "accesses", value=6_000, min=2_000, max=100_000, step=2_000),
        "seed": widgets.IntText(value=0, description="seed"),
    }
    return LabWidget(controls, draw_caches)


def frontend_lab(kind: str = "loop") -> LabWidget:
    """Trace kind and predictor settings above :func:`draw_frontend`."""
    controls = {
        "kind": widgets.Dropdown(options=list(gv.BRANCH_KINDS), value=kind, description="trace"),
        "loop_iterations": _slider(widgets.IntSlider, "loop iterations", value=4, min=2, max=64),
        "taken_probability": _slider(widgets.FloatSlider, "P(taken)", value=0.9, min=0.0, max=1.0, step=0.05),
        "history_bits": _slider(widgets.IntSlider, "history bits", value=14, min=0, max=20),
        "branches_per_kilo_instruction": _slider(widgets.FloatSlider, "branches/1k ins", value=250.0,
                                                 min=50.0, max=300.0, step=10.0),
        "n_branches": _slider(widgets.IntSlider, "branches", value=4_000, min=1_000, max=50_000, step=1_000),
    }
    return LabWidget(controls, draw_frontend)


def roofline_lab(intensity: float = 1.0) -> LabWidget:
    """An intensity slider above the three Graviton rooflines (:func:`draw_roofline`)."""
    controls = {
        "intensity": _slider(widgets.FloatLogSlider, "FLOP per byte", value=intensity, base=10, min=-2, max=3,
                             step=0.1),
    }
    return LabWidget(controls, lambda intensity: draw_roofline(intensity=intensity))


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"graviton: smt_lab": smt_lab, "graviton: cache_lab": cache_lab, "graviton: frontend_lab": frontend_lab,
        "graviton: roofline_lab": roofline_lab}
