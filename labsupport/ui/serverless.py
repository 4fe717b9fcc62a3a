"""Figures and widgets for the labs of the chapter "Lambda SnapStart: serverless as a cache".

``draw_cache`` (lab ``serverless_cache``): per-function and overall cold-start ratios of a keep-alive or LRU
pool, simulated and from the closed forms. ``draw_density`` (lab ``serverless_firecracker``): per-VM memory
overhead -> slots per host -> cold-start ratio of a fleet. ``diagram_cache`` (the chapter): an invocation
is a hit on a warm environment or a miss that boots, or restores, a new one. The models live in
:mod:`labsupport.serverless`.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import serverless as sv
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["diagram_cache", "draw_cache", "draw_density", "cache_lab", "density_lab", "LABS",
           "QEMU_CLASS_OVERHEAD_MIB", "FIRECRACKER_CLASS_OVERHEAD_MIB"]

#: Per-VM overhead of a general-purpose VMM, as reported for QEMU by Agache et al. (~131 MB, taken as MiB).
QEMU_CLASS_OVERHEAD_MIB = 131.0
#: Firecracker's specified upper bound on per-VM overhead (Firecracker SPECIFICATION.md: <= 5 MiB).
FIRECRACKER_CLASS_OVERHEAD_MIB = 5.0

_STYLE = {"description_width": "initial"}


def _slider(cls, description: str, **kwargs):
    """A slider that redraws when released (not while dragging), with room for its label."""
    return cls(description=description, continuous_update=False, style=_STYLE, **kwargs)


def start_controls(controls: dict, start: dict) -> dict:
    """Set the controls named in ``start`` to their starting values, before the widget first draws.

    A lab starts its widget from a named setting that differs from the static figure above it, so the
    page never shows the same figure twice (``cache_lab(policy="ttl")``).

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        The widget's controls, by keyword.
    start : dict
        Keyword -> starting value.

    Returns
    -------
    dict
        ``controls``, with the values set.

    Raises
    ------
    TypeError
        If ``start`` names a control the widget does not have.
    ValueError
        If a value lies outside its slider's range or is not one of its dropdown's options.

    Examples
    --------
    >>> start_controls({"n": widgets.IntSlider(value=1, min=0, max=9)}, {"n": 5})["n"].value
    5
    """
    for name, value in start.items():
        if name not in controls:
            raise TypeError(f'unknown control {name!r}; the controls are {", ".join(sorted(controls))}')
        control = controls[name]
        if hasattr(control, "options"):
            values = [o[1] if isinstance(o, tuple) else o for o in control.options]
            if value not in values:
                raise ValueError(f'"{name}" must be one of {values}, got {value!r}')
        elif isinstance(control, (widgets.FloatLogSlider,)):
            low, high = control.base ** control.min, control.base ** control.max
            if not low <= value <= high:
                raise ValueError(f'"{name}" must be between {low:g} and {high:g}, got {value!r}')
        elif hasattr(control, "min") and not control.min <= value <= control.max:
            raise ValueError(f'"{name}" must be between {control.min} and {control.max}, got {value!r}')
        control.value = value
    return controls


def diagram_cache():
    """Diagram: an invocation hits a warm environment, or misses and boots (or restores) a new one.

    Used by the chapter "Lambda SnapStart: serverless as a cache" (``diagram`` directive); no data.
    """
    fig, ax = new_diagram(5.6, 3.4)   # narrow enough to stay legible on a phone
    diagram_box(ax, 0.05, 1.45, 0.9, 0.5, "invocation", color=None)
    diagram_box(ax, 1.13, 1.35, 1.34, 0.7, "warm environment\nin the pool?", color=0, fontsize=8.5)
    diagram_arrow(ax, (0.95, 1.7), (1.13, 1.7))
    # hit: straight to the handler
    diagram_arrow(ax, (1.8, 2.05), (1.8, 2.95), style="-")
    diagram_arrow(ax, (1.8, 2.95), (4.65, 2.95), "hit (warm start): milliseconds")
    diagram_box(ax, 4.65, 2.7, 0.9, 0.5, "handler", color=2)
    # miss without SnapStart: boot, runtime, code, init
    diagram_arrow(ax, (2.47, 1.5), (2.58, 1.4))
    ax.text(2.55, 1.62, "miss (cold start)", ha="left", va="bottom", fontsize=8.5)
    diagram_box(ax, 2.55, 1.05, 0.95, 0.5, "boot microVM,\nstart runtime", color=1, fontsize=8)
    diagram_box(ax, 3.62, 1.05, 0.88, 0.5, "fetch code,\nrun init", color=1, fontsize=8)
    diagram_arrow(ax, (3.5, 1.3), (3.62, 1.3))
    diagram_box(ax, 4.65, 1.05, 0.9, 0.5, "handler", color=2)
    diagram_arrow(ax, (4.5, 1.3), (4.65, 1.3))
    ax.text(3.5, 0.97, "seconds for a heavy init", ha="center", va="top", fontsize=8)
    # miss with SnapStart: restore the snapshot taken after init
    diagram_arrow(ax, (1.8, 1.35), (1.8, 0.3), style="-")
    diagram_arrow(ax, (1.8, 0.3), (2.55, 0.3))
    ax.text(1.7, 0.75, "miss,\nSnapStart", ha="right", va="center", fontsize=8.5)
    diagram_box(ax, 2.55, 0.05, 1.95, 0.5, "restore snapshot: resume,\nhooks, load memory", color=3, fontsize=8)
    diagram_box(ax, 4.65, 0.05, 0.9, 0.5, "handler", color=2)
    diagram_arrow(ax, (4.5, 0.3), (4.65, 0.3))
    return fig


def draw_cache(n_functions: int = 200, exponent: float = 1.0, total_rate_per_s: float = 20.0,
               policy: str = "lru", capacity: int = 40, keep_alive_s: float = 2.0, n_requests: int = 20_000,
               seed: int = 0):
    """Cold-start ratios of a pool of execution environments: simulation against theory.

    Left: cold-start ratio of each function against its popularity rank (dots: simulation; line: the TTL
    formula ``exp(-lambda T)`` or Che's approximation). Right: overall cold-start ratio against the number
    of environments kept warm, for LRU (capacity) and keep-alive (mean warm environments); the simulated
    pool is the marked point.

    Parameters
    ----------
    n_functions : int, default=200
        Functions sharing the pool.
    exponent : float, default=1.0
        Zipf exponent of their popularity.
    total_rate_per_s : float, default=20.0
        Requests per second, all functions together.
    policy : {"lru", "ttl"}, default="lru"
        Eviction policy simulated.
    capacity : int, default=40
        LRU capacity, in environments.
    keep_alive_s : float, default=2.0
        Keep-alive of the TTL policy, in seconds.
    n_requests : int, default=20000
        Requests simulated (after a warm-up of ``n_requests // 4``).
    seed : int, default=0
        Seed of the simulation.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rates = sv.zipf_rates(n_functions, total_rate_per_s, exponent)
    if policy == "lru":
        sim = sv.simulate_lru_pool(rates, capacity, n_requests, warmup_requests=n_requests // 4, rng=seed)
        theory = sv.che_approximation(rates, capacity).hit_ratios
        label = f"Che: exp(-λ T_C), C = {capacity}"
    else:
        sim = sv.simulate_ttl_pool(rates, keep_alive_s, n_requests, warmup_requests=n_requests // 4, rng=seed)
        theory = sv.ttl_warm_probability(rates, keep_alive_s)
        label = f"exp(-λT), T = {keep_alive_s:g} s"
    fig, (left, right) = new_figure(2, width=9.0, height=3.6)
    rank = np.arange(1, n_functions + 1)
    seen = sim.requests > 0
    left.plot(rank[seen], 1 - sim.hit_ratios[seen], ".", color=PALETTE[1], ms=4, label="simulated", ls="none")
    left.plot(rank, 1 - theory, color=PALETTE[0], ls="-", label=label)
    left.set_xscale("log")
    left.set_ylim(-0.03, 1.03)
    left.set_xlabel("function popularity rank")
    left.set_ylabel("cold-start ratio")
    left.set_title(f"{policy.upper()}: per function")
    left.legend(loc="lower right")
    no_minor_ticks(left)

    sizes = np.unique(np.linspace(1, n_functions, 40).astype(int))
    che_cold = [1 - sv.che_hit_ratio(rates, int(c)) for c in sizes]
    keep_alives = np.geomspace(0.01, 1000, 60) / (total_rate_per_s / n_functions)
    ttl_mem = [sv.ttl_mean_warm_environments(rates, t) for t in keep_alives]
    ttl_cold = [1 - float(np.dot(rates, sv.ttl_warm_probability(rates, t)) / rates.sum()) for t in keep_alives]
    right.plot(sizes, che_cold, color=PALETTE[0], ls="-", label="LRU (Che)")
    right.plot(ttl_mem, ttl_cold, color=PALETTE[2], ls="--", label="keep-alive (formula)")
    x = capacity if policy == "lru" else sim.mean_warm_environments
    right.plot([x], [sim.cold_start_ratio], "o", color=PALETTE[1], ls="none",
               label=f"simulated: {sim.cold_start_ratio:.3f}")
    right.set_xlim(0, n_functions)
    right.set_ylim(-0.03, 1.03)
    right.set_xlabel("environments kept warm (memory)")
    right.set_ylabel("overall cold-start ratio")
    right.set_title("all requests")
    right.legend(loc="upper right")
    return fig


def cache_lab(**start) -> LabWidget:
    """Widget for :func:`draw_cache`: popularity, policy, capacity and keep-alive.

    Parameters
    ----------
    **start
        Starting values of controls, by :func:`draw_cache` keyword (``policy="ttl"``).

    Returns
    -------
    LabWidget
    """
    controls = {
        "n_functions": _slider(widgets.IntSlider, "functions", value=200, min=20, max=2000, step=20),
        "exponent": _slider(widgets.FloatSlider, "Zipf exponent", value=1.0, min=0.0, max=2.0, step=0.1),
        "total_rate_per_s": _slider(widgets.FloatLogSlider, "requests/s", value=20.0, base=10, min=0, max=3,
                                    step=0.1),
        "policy": widgets.Dropdown(options=[("LRU, fixed capacity", "lru"), ("keep-alive (TTL)", "ttl")],
                                   value="lru", description="policy", style=_STYLE),
        "capacity": _slider(widgets.IntSlider, "LRU capacity", value=40, min=1, max=2000),
        "keep_alive_s": _slider(widgets.FloatLogSlider, "keep-alive (s)", value=2.0, base=10, min=-2, max=3, step=0.1),
        "n_requests": _slider(widgets.IntSlider, "requests", value=20_000, min=5_000, max=200_000, step=5_000),
        "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=99),
    }

    def draw(**values):
        values["capacity"] = min(values["capacity"], values["n_functions"])
        return draw_cache(**values)

    return LabWidget(start_controls(controls, start), draw)


def draw_density(overhead_mib: float = FIRECRACKER_CLASS_OVERHEAD_MIB, host_memory_gib: float = 64.0,
                 function_memory_mib: float = 128.0, n_hosts: int = 10, n_functions: int = 4000,
                 exponent: float = 1.0, total_rate_per_s: float = 200.0):
    """Per-VM overhead -> environments per host -> cold-start ratio of the fleet (Che's approximation).

    Left: environments per host against the per-VM overhead. Right: the fleet's cold-start ratio against
    the overhead, with the QEMU-class and Firecracker-class overheads, the chosen overhead and the bend
    (the overhead above which the fleet can no longer hold one environment per active function) marked.

    Parameters
    ----------
    overhead_mib : float, default=5.0
        Per-VM overhead to highlight, in MiB.
    host_memory_gib : float, default=64.0
        Memory per host available to environments, in GiB (a modelling assumption).
    function_memory_mib : float, default=128.0
        Guest memory per environment, in MiB.
    n_hosts : int, default=10
        Hosts in the fleet.
    n_functions : int, default=4000
        Functions with Zipf popularity.
    exponent : float, default=1.0
        Zipf exponent.
    total_rate_per_s : float, default=200.0
        Requests per second, all functions together.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rates = sv.zipf_rates(n_functions, total_rate_per_s, exponent)
    host_mib = host_memory_gib * 1024
    grid = np.unique(np.concatenate([np.linspace(0, 256, 33), [QEMU_CLASS_OVERHEAD_MIB,
                                                               FIRECRACKER_CLASS_OVERHEAD_MIB, overhead_mib]]))
    sweep = sv.density_sweep(rates, host_memory_mib=host_mib, function_memory_mib=function_memory_mib,
                             n_hosts=n_hosts, overheads_mib=grid)
    fig, (left, right) = new_figure(2, width=9.0, height=3.6)
    left.plot(sweep.overheads_mib, sweep.slots_per_host, color=PALETTE[0], ls="-")
    right.plot(sweep.overheads_mib, sweep.cold_start_ratio, color=PALETTE[0], ls="-")
    for ax, labelled in ((left, False), (right, True)):
        ax.axvline(QEMU_CLASS_OVERHEAD_MIB, color=PALETTE[1], ls="--", lw=1.0,
                   label="QEMU-class (131 MB)" if labelled else None)
        ax.axvline(FIRECRACKER_CLASS_OVERHEAD_MIB, color=PALETTE[2], ls="-.", lw=1.0,
                   label="Firecracker-class (5 MiB)" if labelled else None)
        ax.set_xlabel("per-VM memory overhead (MiB)")
    bend = sweep.bend_overhead_mib
    if 0 <= bend <= grid.max():
        right.axvline(bend, color="#666666", ls=":", lw=1.0, label=f"bend: {bend:.1f} MiB")
    k = int(np.flatnonzero(sweep.overheads_mib == overhead_mib)[0])
    right.plot([overhead_mib], [sweep.cold_start_ratio[k]], "o", color=PALETTE[3], ls="none",
               label=f"{overhead_mib:g} MiB: {sweep.cold_start_ratio[k]:.3f}")
    left.plot([overhead_mib], [sweep.slots_per_host[k]], "o", color=PALETTE[3], ls="none")
    left.set_ylabel("environments per host")
    left.set_title(f"{sweep.slots_per_host[k]} slots per {host_memory_gib:g} GiB host at {overhead_mib:g} MiB")
    right.set_ylabel("cold-start ratio (Che)")
    right.set_title(f"{n_hosts} hosts, {n_functions} functions")
    right.set_ylim(bottom=0)
    right.legend(loc="upper left")
    return fig


def density_lab(**start) -> LabWidget:
    """Widget for :func:`draw_density`: overhead, host and function memory, fleet and popularity.

    Parameters
    ----------
    **start
        Starting values of controls, by :func:`draw_density` keyword (``overhead_mib=131``).

    Returns
    -------
    LabWidget
    """
    controls = {
        "overhead_mib": _slider(widgets.FloatSlider, "overhead (MiB)", value=FIRECRACKER_CLASS_OVERHEAD_MIB, min=0,
                                max=256, step=1),
        "host_memory_gib": _slider(widgets.FloatSlider, "host GiB", value=64, min=8, max=512, step=8),
        "function_memory_mib": _slider(widgets.FloatSlider, "function MiB", value=128, min=128, max=2048, step=64),
        "n_hosts": _slider(widgets.IntSlider, "hosts", value=10, min=1, max=100),
        "n_functions": _slider(widgets.IntSlider, "functions", value=4000, min=500, max=20000, step=500),
        "exponent": _slider(widgets.FloatSlider, "Zipf exponent", value=1.0, min=0.0, max=2.0, step=0.1),
    }
    return LabWidget(start_controls(controls, start), draw_density)


#: Lab name -> widget factory, discovered by the benchmark runner.
LABS = {"serverless_cache": cache_lab, "serverless_firecracker": density_lab}
