"""Figures and widgets for the SnapStart labs of the chapter "Lambda SnapStart: serverless as a cache".

``draw_anatomy`` and ``draw_loading`` (lab ``serverless_snapstart``): where a cold start's time goes with
and without SnapStart, invocation latency distributions, and lazy vs predictive snapshot loading through
tiered caches. ``draw_uniqueness`` (lab ``serverless_uniqueness``): duplicate tokens among restored clones,
with and without an after-restore hook, and the birthday risk of short tokens. ``diagram_uniqueness``
(the chapter): clones restored from one snapshot share its random-number state. The models live in
:mod:`labsupport.snapshots`.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import snapshots as sn
from ..plotting import PALETTE, diagram_arrow, diagram_box, new_diagram, new_figure, no_minor_ticks, plot_ccdf
from . import LabWidget
from .serverless import start_controls

__all__ = ["diagram_uniqueness", "draw_anatomy", "draw_loading", "draw_uniqueness", "snapstart_lab", "loading_lab", "uniqueness_lab",
           "LABS"]

_STYLE = {"description_width": "initial"}
#: Trials per measured point of the birthday panel.
_TRIALS = 50


def _slider(cls, description: str, **kwargs):
    """A slider that redraws when released (not while dragging), with room for its label."""
    return cls(description=description, continuous_update=False, style=_STYLE, **kwargs)


def diagram_uniqueness():
    """Diagram: clones restored from one snapshot share its random-number state unless a hook reseeds them.

    Used by the chapter "Lambda SnapStart: serverless as a cache" (``diagram`` directive); no data.
    """
    fig, ax = new_diagram(5.6, 3.0)   # narrow enough to stay legible on a phone
    diagram_box(ax, 0.02, 1.2, 1.1, 0.6, "init: seed the\nRNG, make an ID", color=0, fontsize=8)
    diagram_box(ax, 1.27, 1.2, 1.0, 0.6, "snapshot:\nmemory + RNG", color=3, fontsize=8)
    diagram_arrow(ax, (1.12, 1.5), (1.27, 1.5))
    rows = (2.35, 1.5, 0.65)
    plain = ("7bee..", "7bee..", "7bee..")
    fresh = ("12c4..", "9a0e..", "3f71..")
    ax.text(3.825, 2.75, "without a hook", ha="center", va="bottom", fontsize=8.5)
    ax.text(5.075, 2.75, "reseed hook", ha="center", va="bottom", fontsize=8.5)
    for k, (y, same, own) in enumerate(zip(rows, plain, fresh), start=1):
        diagram_arrow(ax, (2.27, 1.5), (2.5, y))
        diagram_box(ax, 2.5, y - 0.2, 0.65, 0.4, f"clone {k}", color=None, fontsize=8)
        diagram_box(ax, 3.35, y - 0.2, 0.95, 0.4, f"token {same}", color=1, fontsize=8)
        diagram_arrow(ax, (3.15, y), (3.35, y))
        diagram_box(ax, 4.6, y - 0.2, 0.95, 0.4, f"token {own}", color=2, fontsize=8)
        diagram_arrow(ax, (4.3, y), (4.6, y), style="-", dashed=True)
        ax.text(4.45, y + 0.03, "or", ha="center", va="bottom", fontsize=7.5)
    ax.text(2.8, 0.05, "every clone draws the same tokens and has the same init-time ID;\n"
            "a hook that reseeds after the restore fixes the tokens, not the ID",
            ha="center", va="bottom", fontsize=8)
    return fig


def draw_anatomy(init_ms: float = 2500.0, loading: str = "predictive", worker_hit_ratio: float = 0.9,
                 cold_start_probability: float = 0.02, n_invocations: int = 5000, seed: int = 0):
    """Where a cold start's time goes, and what that does to the latency distribution.

    Left: the mean cold start split into its components, without and with SnapStart (stacked bars).
    Right: the fraction of invocations slower than x (log scale), without and with SnapStart.

    Parameters
    ----------
    init_ms : float, default=2500.0
        The function's own initialisation, in ms (a modelling assumption).
    loading : {"lazy", "predictive"}, default="predictive"
        Snapshot loading strategy.
    worker_hit_ratio : float, default=0.9
        Probability a snapshot chunk is in the worker's cache.
    cold_start_probability : float, default=0.02
        Probability that an invocation is a cold start.
    n_invocations : int, default=5000
        Invocations simulated for the distribution.
    seed : int, default=0
        Seed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    profile = sn.ColdStartProfile(init_ms=init_ms)
    cache = sn.TieredCache(worker_hit_ratio=worker_hit_ratio)
    rng = np.random.default_rng(seed)
    plain = sn.cold_start_breakdown(profile)
    snap = sn.cold_start_breakdown(profile, snapstart=True, loading=loading, cache=cache, n_restores=200, rng=rng)
    fig, (left, right) = new_figure(2, width=9.0, height=3.6)
    colours = {"VM boot": PALETTE[0], "runtime start": PALETTE[5], "code fetch": PALETTE[4],
               "function init": PALETTE[1], "handler": PALETTE[2], "VM resume": PALETTE[3],
               "after-restore hooks": PALETTE[6], "waiting for snapshot memory": "#999999"}
    for row, parts in ((1, plain), (0, snap)):
        start = 0.0
        for name, ms in parts:
            left.barh(row, ms, left=start, color=colours[name], edgecolor="white",
                      label=name if row == 1 or name not in dict(plain) else None)
            start += ms
        left.annotate(f"{start:.0f} ms", (start, row), xytext=(3, 0), textcoords="offset points", va="center",
                      fontsize=8)
    total_plain = sum(ms for _, ms in plain)
    total_snap = sum(ms for _, ms in snap)
    left.set_yticks([0, 1], ["restore", "boot"])
    left.set_xlim(0, total_plain * 1.2)
    left.set_ylim(-0.5, 1.5)
    left.set_xlabel("mean time (ms)")
    left.set_title(f"{loading} loading: cold start / SnapStart = {total_plain / total_snap:.1f}x")
    left.legend(loc="lower right", ncol=2, fontsize=7)
    for snapstart, colour, ls, name in ((False, PALETTE[1], "-", "without SnapStart"),
                                        (True, PALETTE[0], "--", "with SnapStart")):
        result = sn.simulate_invocations(profile, n_invocations=n_invocations,
                                         cold_start_probability=cold_start_probability, snapstart=snapstart,
                                         loading=loading, cache=cache, rng=rng)
        p999 = float(np.percentile(result.latency_ms, 99.9))
        plot_ccdf(right, result.latency_ms, label=f"{name}: p99.9 {p999:.0f} ms", color=colour,
                  ls=ls)
    right.set_xscale("log")
    right.set_xlabel("invocation latency (ms)")
    right.set_ylabel("fraction of invocations slower")
    right.set_title(f"{cold_start_probability:.1%} cold starts")
    right.legend(loc="lower left")
    no_minor_ticks(right)
    return fig


def snapstart_lab(**start) -> LabWidget:
    """Widget for :func:`draw_anatomy`.

    Parameters
    ----------
    **start
        Starting values of controls, by :func:`draw_anatomy` keyword (``loading="lazy"``).

    Returns
    -------
    LabWidget
    """
    controls = {
        "init_ms": _slider(widgets.FloatLogSlider, "init (ms)", value=2500.0, base=10, min=1, max=4, step=0.05),
        "loading": widgets.Dropdown(options=["predictive", "lazy"], value="predictive", description="loading",
                                    style=_STYLE),
        "worker_hit_ratio": _slider(widgets.FloatSlider, "worker cache hit", value=0.9, min=0.0, max=1.0, step=0.05),
        "cold_start_probability": _slider(widgets.FloatSlider, "cold-start prob.", value=0.02, min=0.0, max=0.2,
                                          step=0.005, readout_format=".3f"),
        "n_invocations": _slider(widgets.IntSlider, "invocations", value=5000, min=1000, max=20000, step=1000),
        "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=99),
    }
    return LabWidget(start_controls(controls, start), draw_anatomy)


def draw_loading(working_set_mib: float = 256.0, worker_hit_ratio: float = 0.9, az_hit_ratio: float = 0.9,
                 prefetch_concurrency: int = 8, n_restores: int = 300, seed: int = 0):
    """Lazy vs predictive loading of a snapshot's working set through worker, AZ and S3 caches.

    Left: distribution of the time from resume to the end of the first invocation, lazy vs predictive.
    Right: its mean against the worker cache hit ratio (0 = the first restore on a new worker); the lazy
    line is the closed form ``handler + n E[chunk]``, the predictive points are simulated.

    Parameters
    ----------
    working_set_mib : float, default=256.0
        Snapshot memory touched, in MiB (a modelling assumption).
    worker_hit_ratio : float, default=0.9
        Probability a chunk is in the worker's cache.
    az_hit_ratio : float, default=0.9
        Probability a chunk missing on the worker is in the AZ cache.
    prefetch_concurrency : int, default=8
        Parallel fetch streams of predictive loading.
    n_restores : int, default=300
        Restores simulated per strategy.
    seed : int, default=0
        Seed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rng = np.random.default_rng(seed)
    n_chunks = sn.chunks_in(working_set_mib)
    handler = sn.ColdStartProfile().handler_ms
    cache = sn.TieredCache(worker_hit_ratio=worker_hit_ratio, az_hit_ratio=az_hit_ratio)
    fig, (left, right) = new_figure(2, width=9.0, height=3.6)
    for loading, colour, ls in (("lazy", PALETTE[1], "-"), ("predictive", PALETTE[0], "--")):
        r = sn.restore_time(n_chunks, loading=loading, handler_ms=handler, prefetch_concurrency=prefetch_concurrency,
                            cache=cache, n_restores=n_restores, rng=rng)
        plot_ccdf(left, r.loading_ms, label=f"{loading}: mean {r.loading_ms.mean():.0f} ms", color=colour, ls=ls)
    left.set_xlabel("resume to first response (ms)")
    left.set_ylabel("fraction of restores slower")
    left.set_title(f"{n_chunks} chunks of {sn.CHUNK_KIB} KiB, worker hit {worker_hit_ratio:g}")
    left.legend(loc="lower left")
    no_minor_ticks(left)
    hits = np.linspace(0.0, 1.0, 11)
    lazy = [sn.expected_lazy_restore_ms(n_chunks, handler_ms=handler,
                                        cache=sn.TieredCache(worker_hit_ratio=h, az_hit_ratio=az_hit_ratio))
            for h in hits]
    predictive = [sn.restore_time(n_chunks, loading="predictive", handler_ms=handler,
                                  prefetch_concurrency=prefetch_concurrency,
                                  cache=sn.TieredCache(worker_hit_ratio=h, az_hit_ratio=az_hit_ratio),
                                  n_restores=20, rng=rng).loading_ms.mean() for h in hits]
    right.plot(hits, lazy, color=PALETTE[1], ls="-", label="lazy (closed form)")
    right.plot(hits, predictive, "o--", color=PALETTE[0], ms=4, label=f"predictive, {prefetch_concurrency} streams")
    right.axhline(handler, color="#666666", ls=":", lw=1.0, label="handler alone")
    right.set_yscale("log")
    right.set_xlabel("worker cache hit ratio (0: new worker)")
    right.set_ylabel("mean time (ms)")
    right.set_title(f"AZ cache hit {az_hit_ratio:g}")
    right.legend(loc="upper right")
    no_minor_ticks(right)
    return fig


def loading_lab(**start) -> LabWidget:
    """Widget for :func:`draw_loading`.

    Parameters
    ----------
    **start
        Starting values of controls, by :func:`draw_loading` keyword (``worker_hit_ratio=0.0``).

    Returns
    -------
    LabWidget
    """
    controls = {
        "working_set_mib": _slider(widgets.FloatLogSlider, "working set (MiB)", value=256.0, base=2, min=4, max=11,
                                   step=1),
        "worker_hit_ratio": _slider(widgets.FloatSlider, "worker cache hit", value=0.9, min=0.0, max=1.0, step=0.05),
        "az_hit_ratio": _slider(widgets.FloatSlider, "AZ cache hit", value=0.9, min=0.0, max=1.0, step=0.05),
        "prefetch_concurrency": _slider(widgets.IntSlider, "prefetch streams", value=8, min=1, max=64),
        "n_restores": _slider(widgets.IntSlider, "restores", value=300, min=50, max=2000, step=50),
        "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=99),
    }
    return LabWidget(start_controls(controls, start), draw_loading)


def draw_uniqueness(n_clones: int = 300, tokens_per_clone: int = 20, token_bits: int = 64, seed: int = 0):
    """Duplicate tokens among clones restored from one snapshot, and the birthday risk of short tokens.

    Left: tokens that repeat an earlier one, for clones without a hook, clones with the reseeding
    after-restore hook, and the init-time token every clone carries. Right: probability of any repeat among
    ``n`` fresh ``token_bits``-bit tokens (birthday bound, line) with the measured frequency (points).

    Parameters
    ----------
    n_clones : int, default=300
        Clones restored from one snapshot.
    tokens_per_clone : int, default=20
        Tokens each clone draws after restore.
    token_bits : int, default=64
        Token length in bits.
    seed : int, default=0
        Seed of init and of the per-restore entropy.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rng = np.random.default_rng(seed)
    snap = sn.snapshot(sn.initialize_function(token_bits, rng=rng))
    plain = sn.restore(snap, n_clones)
    hooked = sn.restore(snap, n_clones, after_restore_hook=sn.reseed_after_restore, rng=rng)
    without = sn.find_duplicate_tokens([sn.generate_tokens(c, tokens_per_clone)[0] for c in plain])
    with_hook = sn.find_duplicate_tokens([sn.generate_tokens(c, tokens_per_clone)[0] for c in hooked])
    init = sn.find_duplicate_tokens(np.array([c.init_token for c in hooked], dtype=np.uint64))
    fig, (left, right) = new_figure(2, width=9.0, height=3.6)
    labels = ["no hook", "reseed hook", "init-time token\n(with hook)"]
    values = [without.n_repeats, with_hook.n_repeats, init.n_repeats]
    totals = [without.n_tokens, with_hook.n_tokens, init.n_tokens]
    bars = left.bar(labels, values, color=[PALETTE[1], PALETTE[0], PALETTE[3]])
    for bar, v, t in zip(bars, values, totals):
        left.annotate(f"{v} / {t}", (bar.get_x() + bar.get_width() / 2, v), xytext=(0, 2),
                      textcoords="offset points", ha="center", fontsize=8)
    left.set_ylabel("tokens repeating an earlier one")
    left.set_title(f"{n_clones} clones x {tokens_per_clone} tokens, {token_bits} bits")
    left.set_ylim(0, max(values + [1]) * 1.15)
    n_grid = np.unique(np.geomspace(2, max(4.0, 2.0 ** (token_bits / 2 + 3)), 60).astype(np.int64))
    right.plot(n_grid, [sn.birthday_collision_probability(int(n), token_bits) for n in n_grid], color=PALETTE[0],
               ls="-", label="birthday bound")
    n_points = [int(n) for n in np.geomspace(2, 2.0 ** (token_bits / 2 + 2), 7).astype(np.int64)
                if n * _TRIALS <= 200_000]
    measured = [sn.collision_trials(n, token_bits, _TRIALS, rng=rng) for n in n_points]
    right.plot(n_points, measured, "o", color=PALETTE[1], ls="none", label=f"measured ({_TRIALS} trials)")
    n_tokens = n_clones * tokens_per_clone
    right.axvline(n_tokens, color="#666666", ls=":", lw=1.0,
                  label=f"{n_tokens} tokens: {sn.birthday_collision_probability(n_tokens, token_bits):.2g}")
    right.set_xscale("log")
    right.set_xlabel("tokens drawn")
    right.set_ylabel("P(some token repeats)")
    right.set_title("short tokens collide even after reseeding")
    right.legend(loc="upper left")
    no_minor_ticks(right)
    return fig


def uniqueness_lab(**start) -> LabWidget:
    """Widget for :func:`draw_uniqueness`.

    Parameters
    ----------
    **start
        Starting values of controls, by :func:`draw_uniqueness` keyword (``token_bits=24``).

    Returns
    -------
    LabWidget
    """
    controls = {
        "n_clones": _slider(widgets.IntSlider, "clones", value=300, min=10, max=5000, step=10),
        "tokens_per_clone": _slider(widgets.IntSlider, "tokens per clone", value=20, min=1, max=100),
        "token_bits": _slider(widgets.IntSlider, "token bits", value=64, min=8, max=64),
        "seed": _slider(widgets.IntSlider, "seed", value=0, min=0, max=99),
    }
    return LabWidget(start_controls(controls, start), draw_uniqueness)


#: Lab name -> widget factory, discovered by the benchmark runner.
LABS = {"serverless_snapstart": snapstart_lab, "serverless_snapshot_loading": loading_lab,
        "serverless_uniqueness": uniqueness_lab}
