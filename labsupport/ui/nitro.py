"""Figures, diagrams and widgets for the chapter "Nitro: taking the hypervisor off the host".

Labs: ``labs/nitro_cpu.ipynb``, ``labs/nitro_trust.ipynb``, ``labs/nitro_blast_radius.ipynb``.
The models live in :mod:`labsupport.nitro`; this module only draws them and links controls to them.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import nitro
from ..plotting import (PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks,
                        plot_ccdf)
from . import LabWidget

__all__ = [
    "diagram_host",
    "diagram_boot_chain",
    "draw_latency_tails",
    "draw_jitter",
    "draw_host",
    "draw_p99_vs_io_load",
    "host_lab",
    "draw_chain",
    "trust_lab",
    "draw_single_failure",
    "draw_independent_failures",
    "draw_shuffle_sharding",
    "draw_blast",
    "blast_lab",
    "LABS",
]

COLOURS = {"shared": PALETTE[1], "offload": PALETTE[0]}
LABELS = {"shared": "I/O on the guest's core", "offload": "I/O offloaded"}


# ----------------------------------------------------------------------------------------------
# Diagrams (no data)
# ----------------------------------------------------------------------------------------------
def diagram_host():
    """Diagram: a classic host (dom0 and I/O on the guest's cores) beside a Nitro host (I/O on cards).

    Used by the chapter (``diagram`` directive): boxes and arrows only.
    """
    fig, ax = new_diagram(7.4, 3.3)
    ax.text(1.8, 3.1, "classic host", ha="center", va="center", fontsize=10, weight="bold")
    ax.text(5.6, 3.1, "Nitro host", ha="center", va="center", fontsize=10, weight="bold")
    # classic: guests and dom0 share the host CPUs
    diagram_box(ax, 0.1, 0.35, 3.4, 2.5, "", color=None)
    ax.text(1.8, 2.62, "host CPU cores", ha="center", va="center", fontsize=8)
    diagram_box(ax, 0.3, 1.55, 1.4, 0.8, "guest VM", color=0)
    diagram_box(ax, 1.9, 1.55, 1.4, 0.8, "guest VM", color=0)
    diagram_box(ax, 0.3, 0.55, 3.0, 0.75, "dom0 / host kernel:\nnetwork, storage, management", color=1, fontsize=8)
    diagram_arrow(ax, (1.0, 1.3), (1.0, 1.55), dashed=True)
    diagram_arrow(ax, (2.6, 1.3), (2.6, 1.55), dashed=True)
    ax.text(1.8, 0.12, "I/O work preempts the guests' cores", ha="center", va="center", fontsize=8)
    # Nitro: guests get the cores; I/O on cards
    diagram_box(ax, 3.9, 1.35, 3.4, 1.5, "", color=None)
    ax.text(5.6, 2.62, "host CPU cores", ha="center", va="center", fontsize=8)
    diagram_box(ax, 4.1, 1.5, 1.4, 0.9, "guest VM", color=0)
    diagram_box(ax, 5.7, 1.5, 1.4, 0.9, "guest VM", color=0)
    ax.text(6.35, 1.18, "thin hypervisor", ha="left", va="center", fontsize=7)
    cards = [(3.9, "VPC\ncard"), (4.8, "EBS\ncard"), (5.7, "storage\ncard"), (6.6, "controller\n+ chip")]
    for x, label in cards:
        diagram_box(ax, x, 0.35, 0.78, 0.65, label, color=2, fontsize=7)
    diagram_arrow(ax, (5.6, 1.0), (5.6, 1.35), style="<|-|>")
    ax.text(5.6, 0.12, "I/O runs on Nitro cards, off the guests' cores", ha="center", va="center", fontsize=8)
    return fig


def diagram_boot_chain():
    """Diagram: a measured boot, each stage measured into the register before it runs.

    Used by the chapter (``diagram`` directive): boxes and arrows only.
    """
    fig, ax = new_diagram(7.4, 2.5)
    names = [name for name, _ in nitro.DEFAULT_BOOT_CHAIN][:4]
    width, gap = 1.45, 0.45
    for i, name in enumerate(names):
        x = 0.15 + i * (width + gap)
        diagram_box(ax, x, 1.5, width, 0.6, name, color=0 if i else 2, fontsize=8)
        diagram_box(ax, x, 0.35, width, 0.5, f"register after\nstage {i + 1}", color=None, fontsize=8)
        diagram_arrow(ax, (x + width / 2, 1.5), (x + width / 2, 0.85))
        ax.text(x + width / 2 + 0.07, 1.17, "measure", ha="left", va="center", fontsize=7)
        if i + 1 < len(names):
            diagram_arrow(ax, (x + width, 1.8), (x + width + gap, 1.8))
            diagram_arrow(ax, (x + width, 0.6), (x + width + gap, 0.6), color=1)
    ax.text(3.7, 2.3, "each stage measures the next before handing over control", ha="center", fontsize=8)
    ax.text(3.7, 0.08, "register: new = SHA-384(old || SHA-384(stage)); the verifier checks only the last value",
            ha="center", fontsize=8)
    return fig


# ----------------------------------------------------------------------------------------------
# Lab 1: where did my CPU go?
# ----------------------------------------------------------------------------------------------
def _pair(guest_load, io_load, n_requests, seed):
    kw = dict(guest_load=guest_load, io_load=io_load, n_requests=n_requests, rng=seed)
    return {place: nitro.simulate_host(place, **kw) for place in nitro.PLACEMENTS}


def draw_latency_tails(ax, results: dict) -> None:
    """The guest's latency CCDF for each placement, on ``ax``."""
    for place, r in results.items():
        p99 = np.percentile(r.latencies_us, 99)
        plot_ccdf(ax, r.latencies_us, label=f"{LABELS[place]} (p99 {p99:,.0f} µs)", color=COLOURS[place], max_points=400,
                  linestyle="-" if place == "offload" else "--")
    n = next(iter(results.values())).n_requests
    ax.set_ylim(max(0.5 / n, 1e-5), 1.0)
    ax.set_xlabel("guest request latency (µs)")
    ax.set_ylabel("P(latency > x)")
    r = results["shared"]
    ax.set_title(f"guest load {r.guest_load:.2f}, I/O load {r.io_load:.2f}")
    ax.legend(loc="upper right")
    no_minor_ticks(ax)


def draw_jitter(ax, results: dict, window_us: float = 40_000.0) -> None:
    """The identical probe request's latency over the first ``window_us`` of the run, on ``ax``."""
    for place in ("shared", "offload"):
        r = results[place]
        keep = r.probe_us <= window_us
        ax.plot(r.probe_us[keep] / 1000.0, r.probe_latencies_us[keep], color=COLOURS[place], lw=1.0,
                linestyle="-" if place == "offload" else "--",
                label=f"{LABELS[place]} (sd {r.jitter_us:,.0f} µs)")
    w = next(iter(results.values())).scenario.probe_work_us
    ax.axhline(w, color="#666666", lw=0.8, ls=":")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"latency of a {w:g} µs probe (µs)")
    ax.set_title("jitter: the same request, over time")
    top = max(float(r.probe_latencies_us[r.probe_us <= window_us].max(initial=w)) for r in results.values())
    ax.set_ylim(0, 1.45 * top)
    ax.legend(loc="upper right")


def draw_host(guest_load: float = 0.5, io_load: float = 0.3, n_requests: int = 20_000, seed: int = 1):
    """Two panels: latency tails of both placements, and the probe's latency over time.

    Parameters
    ----------
    guest_load : float, default=0.5
        rho_G in (0, 1).
    io_load : float, default=0.3
        rho_H in [0, 1); guest_load + io_load must stay below 1.
    n_requests : int, default=20_000
    seed : int, default=1

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = _pair(guest_load, io_load, n_requests, seed)
    fig, (left, right) = new_figure(2, width=9.0)
    draw_latency_tails(left, results)
    draw_jitter(right, results)
    return fig


def draw_p99_vs_io_load(guest_load: float = 0.5, io_loads=(0.0, 0.1, 0.2, 0.3, 0.4), n_requests: int = 20_000,
                        seed: int = 1):
    """p99 latency and usable CPU against I/O load, for both placements (simulated).

    Returns
    -------
    matplotlib.figure.Figure
    """
    io_loads = np.asarray(io_loads, dtype=float)
    p99 = {p: [] for p in nitro.PLACEMENTS}
    cpu = {p: [] for p in nitro.PLACEMENTS}
    for io in io_loads:
        for place, r in _pair(guest_load, float(io), n_requests, seed).items():
            p99[place].append(np.percentile(r.latencies_us, 99))
            cpu[place].append(r.usable_cpu)
    fig, (left, right) = new_figure(2, width=9.0)
    for place in nitro.PLACEMENTS:
        style = "-" if place == "offload" else "--"
        left.plot(io_loads, p99[place], marker="o", color=COLOURS[place], linestyle=style, label=LABELS[place])
        right.plot(io_loads, np.array(cpu[place]) * 100, marker="o", color=COLOURS[place], linestyle=style,
                   label=LABELS[place])
    left.set_xlabel("I/O load (share of a core)")
    left.set_ylabel("guest p99 latency (µs)")
    left.set_title(f"guest load {guest_load:.2f}")
    left.legend(loc="upper left")
    right.set_xlabel("I/O load (share of a core)")
    right.set_ylabel("core left to the guest (%)")
    right.set_ylim(0, 105)
    right.set_title("usable CPU")
    right.legend(loc="lower left")
    return fig


def host_lab(guest_load: float = 0.4, io_load: float = 0.2, n_requests: int = 10_000) -> LabWidget:
    """Sliders for the guest's load, the I/O load and the sample size above :func:`draw_host`."""
    controls = {
        "guest_load": widgets.FloatSlider(value=guest_load, min=0.05, max=0.9, step=0.05, description="guest load"),
        "io_load": widgets.FloatSlider(value=io_load, min=0.0, max=0.45, step=0.05, description="I/O load"),
        "n_requests": widgets.IntSlider(value=n_requests, min=2_000, max=100_000, step=2_000,
                                        description="requests"),
        "seed": widgets.IntText(value=1, description="seed"),
    }

    def draw(guest_load, io_load, n_requests, seed):
        # keep the shared core stable: the slider's range cannot know the other slider's value
        io = min(io_load, 0.95 - guest_load)
        return draw_host(guest_load, max(io, 0.0), n_requests, seed)

    return LabWidget(controls, draw)


# ----------------------------------------------------------------------------------------------
# Lab 2: a chain of trust
# ----------------------------------------------------------------------------------------------
def _tampered_chain(tamper: str, swap: bool):
    chain = [stage for _, stage in nitro.DEFAULT_BOOT_CHAIN]
    names = [name for name, _ in nitro.DEFAULT_BOOT_CHAIN]
    booted = list(chain)
    if tamper != "nothing":
        i = names.index(tamper)
        flipped = bytearray(booted[i])
        flipped[-1] ^= 0x01
        booted[i] = bytes(flipped)
    if swap:
        booted[3], booted[4] = booted[4], booted[3]
    return names, chain, booted


def draw_chain(tamper: str = "nothing", swap_drivers: bool = False):
    """The register after each boot stage, clean against booted, and the verdict.

    Parameters
    ----------
    tamper : str, default="nothing"
        A stage name from :data:`labsupport.nitro.DEFAULT_BOOT_CHAIN` whose last byte is flipped, or
        ``"nothing"``.
    swap_drivers : bool, default=False
        Load the two drivers in the other order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names, chain, booted = _tampered_chain(tamper, swap_drivers)
    clean, got = nitro.measure_boot(chain), nitro.measure_boot(booted)
    verdict = nitro.attest(booted, chain)
    fig, ax = new_figure(1, width=8.0, height=2.8)
    ax.set_position((0.01, 0.01, 0.98, 0.98))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    n = len(names)
    ax.set_ylim(-1.3, n + 0.3)
    ax.text(0.0, n - 0.2, "stage", fontsize=9, weight="bold")
    ax.text(0.3, n - 0.2, "expected register", fontsize=9, weight="bold")
    ax.text(0.62, n - 0.2, "booted register", fontsize=9, weight="bold")
    for i, name in enumerate(names):
        y = n - 1.2 - i
        same = clean[i] == got[i]
        colour = PALETTE[2] if same else PALETTE[1]
        ax.text(0.0, y, f"{i + 1}. {name}", fontsize=9)
        ax.text(0.3, y, clean[i].hex()[:16] + "...", fontsize=9, family="monospace")
        ax.text(0.62, y, got[i].hex()[:16] + "...", fontsize=9, family="monospace", color=colour)
        ax.text(0.93, y, "same" if same else "differs", fontsize=9, color=colour)
    text = "attestation: TRUSTED (final register as expected)" if verdict.trusted else (
        f"attestation: REFUSED (the chain breaks at stage {verdict.first_mismatch + 1})")
    ax.text(0.0, -1.0, text, fontsize=10, weight="bold", color=PALETTE[2] if verdict.trusted else PALETTE[1])
    return fig


def trust_lab(tamper: str = "nothing", swap_drivers: bool = True) -> LabWidget:
    """A menu of stages to tamper with and a switch for the driver order, above :func:`draw_chain`."""
    options = ["nothing"] + [name for name, _ in nitro.DEFAULT_BOOT_CHAIN]
    controls = {
        "tamper": widgets.Dropdown(options=options, value=tamper, description="tamper"),
        "swap_drivers": widgets.Checkbox(value=swap_drivers, description="swap the drivers"),
    }
    return LabWidget(controls, draw_chain)


# ----------------------------------------------------------------------------------------------
# Lab 3: blast radius
# ----------------------------------------------------------------------------------------------
def draw_single_failure(ax, n_customers: int, volumes_per_customer: int, domain_counts, n_trials: int, seed: int):
    """Histogram of customers touched by one failure, for each number of domains, with the closed-form mean."""
    for i, d in enumerate(domain_counts):
        r = nitro.simulate_single_failure(n_customers, volumes_per_customer, d, n_trials=n_trials, rng=seed + i)
        mean = nitro.expected_customers_touched(n_customers, volumes_per_customer, d)
        bins = np.arange(-0.5, n_customers + 1.5, max(1, n_customers // 50))
        ax.hist(r.customers_touched, bins=bins, color=PALETTE[i], alpha=0.55, histtype="stepfilled",
                label=f"{d} domains (theory mean {mean:.1f})")
        ax.axvline(mean, color=PALETTE[i], lw=1.2, ls="--")
    ax.set_xlabel("customers touched by one failure")
    ax.set_ylabel("trials")
    ax.set_title(f"{n_customers} customers x {volumes_per_customer} volumes")
    ax.legend(loc="upper right")


def draw_independent_failures(ax, n_customers: int, volumes_per_customer: int, domain_counts, availability: float,
                              n_trials: int, seed: int):
    """CCDF of volumes unavailable at a random instant, each domain up with ``availability``."""
    for i, d in enumerate(domain_counts):
        r = nitro.simulate_independent_failures(n_customers, volumes_per_customer, d, availability=availability,
                                                n_trials=n_trials, rng=seed + i)
        values, counts = np.unique(r.volumes_unavailable, return_counts=True)
        tail = 1.0 - np.concatenate([[0], np.cumsum(counts)[:-1]]) / r.n_trials  # P(at least x)
        ax.step(values, tail, where="post", color=PALETTE[i],
                label=f"{d} domains (mean {r.volumes_unavailable.mean():.1f})")
    ax.set_yscale("log")
    ax.set_xlabel("volumes unavailable at once")
    ax.set_ylabel("P(at least x)")
    theory = nitro.expected_unavailable_volumes(n_customers * volumes_per_customer, availability)
    ax.set_title(f"each domain up {availability:.1%} of the time (theory mean {theory:.1f})")
    ax.legend(loc="upper right")
    no_minor_ticks(ax)


def draw_shuffle_sharding(ax, n_nodes: int, shard_size: int, n_trials: int = 20_000, seed: int = 1):
    """Bars: the hypergeometric overlap of two random shards; dots: simulated."""
    pmf = nitro.shuffle_shard_overlap_pmf(n_nodes, shard_size)
    sim = np.bincount(nitro.simulate_shuffle_sharding(n_nodes, shard_size, n_trials=n_trials, rng=seed),
                      minlength=shard_size + 1) / n_trials
    j = np.arange(shard_size + 1)
    ax.bar(j, pmf, color=PALETTE[0], alpha=0.6, label="theory")
    ax.plot(j, sim, "o", color=PALETTE[1], label="simulated")
    ax.set_yscale("log")
    ax.set_xticks(j)
    ax.set_xlabel("nodes two customers share")
    ax.set_ylabel("probability")
    ax.set_title(f"shards of {shard_size} from {n_nodes} nodes: "
                 f"{nitro.shuffle_shard_count(n_nodes, shard_size):,} shards")
    ax.legend(loc="upper right")
    no_minor_ticks(ax)


def draw_blast(dense_domains: int = 8, small_domains: int = 96, volumes_per_customer: int = 4,
               availability: float = 0.99, n_customers: int = 100, seed: int = 1):
    """Two panels: customers touched by one failure, and volumes unavailable under independent failures.

    Returns
    -------
    matplotlib.figure.Figure
    """
    counts = (dense_domains, small_domains)
    fig, (left, right) = new_figure(2, width=9.0)
    draw_single_failure(left, n_customers, volumes_per_customer, counts, 400, seed)
    draw_independent_failures(right, n_customers, volumes_per_customer, counts, availability, 600, seed)
    return fig


def blast_lab(dense_domains: int = 4, small_domains: int = 48, volumes_per_customer: int = 2,
              availability: float = 0.99) -> LabWidget:
    """Sliders for the two fleets' domain counts, volumes per customer and availability above :func:`draw_blast`."""
    controls = {
        "dense_domains": widgets.IntSlider(value=dense_domains, min=2, max=32, description="dense servers"),
        "small_domains": widgets.IntSlider(value=small_domains, min=8, max=400, step=8, description="small nodes"),
        "volumes_per_customer": widgets.IntSlider(value=volumes_per_customer, min=1, max=16,
                                                  description="volumes each"),
        "availability": widgets.FloatSlider(value=availability, min=0.9, max=0.999, step=0.001,
                                            readout_format=".3f", description="availability"),
    }
    return LabWidget(controls, draw_blast)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"nitro: host_lab": host_lab, "nitro: trust_lab": trust_lab, "nitro: blast_lab": blast_lab}
