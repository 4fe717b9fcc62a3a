"""Figures and the widget for the lab "Decode is memory-bound" (``labs/inference_decode.ipynb``).

The model lives in :mod:`labsupport.inference`; this module only draws it and links controls to it.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import inference as inf
from ..plotting import PALETTE, new_figure, no_minor_ticks
from . import LabWidget

__all__ = ["model_of_size", "draw_batching", "draw_kv_share", "draw_tensor_parallel", "draw_decode_lab",
           "inference_lab", "LABS"]

BATCHES = np.unique(np.geomspace(1, 4096, 40).astype(int))


def model_of_size(billions: float, bytes_per_parameter: float = 2.0) -> inf.ModelShape:
    """A decoder shaped like the course's 70-billion-parameter example, scaled to ``billions`` of weights.

    The example has 80 layers of width 8192 and 8 key/value heads of dimension 128; width and depth both
    scale as the cube root of the parameter count (parameters ~ layers x width^2).
    """
    scale = (billions / 70.0) ** (1 / 3)
    hidden = max(int(round(8192 * scale / 128)) * 128, 1024)
    layers = max(int(round(80 * scale)), 8)
    return inf.ModelShape(billions * 1e9, layers=layers, hidden=hidden, kv_heads=8, head_dim=128,
                          bytes_per_parameter=bytes_per_parameter)


def draw_batching(ax=None, model: inf.ModelShape | None = None, *, context: int = 2048, chips: int = 4):
    """Throughput (tokens/s per chip) and latency per token against batch size, with the roofline's two limbs.

    Returns the new figure when ``ax`` is None (then both panels are drawn), else draws throughput into ``ax``.
    """
    model = model or model_of_size(70)
    steps = [inf.decode_step(model, batch=int(b), context=context, chips=chips) for b in BATCHES]
    own = ax is None
    if own:
        fig, (ax, lat) = new_figure(2, width=9.0, height=3.6)
    thr = np.array([s.tokens_per_s_per_chip for s in steps])
    ax.plot(BATCHES, thr, color=PALETTE[0], label="model (weights + KV cache)")
    weights_only = [inf.decode_tokens_per_s(model_bytes=model.weight_bytes / chips,
                                            hbm_bytes_per_s=inf.TRAINIUM2.hbm_bytes_per_s,
                                            flops_per_token=2 * model.parameters / chips,
                                            peak_flops=inf.TRAINIUM2.peak_flops, batch=int(b)) / chips
                    for b in BATCHES]
    ax.plot(BATCHES, weights_only, color="#444444", linestyle=":", label="roofline, weights only")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch (sequences decoded together)")
    ax.set_ylabel("tokens/s per chip")
    where = "1 chip" if chips == 1 else f"{chips} chips"
    ax.set_title(f"{model.parameters / 1e9:g}B model on {where}, context {context:,}", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    no_minor_ticks(ax)
    if not own:
        return None
    lat.plot(BATCHES, [1e3 * s.step_s for s in steps], color=PALETTE[1])
    lat.set_xscale("log")
    lat.set_ylim(0, None)
    lat.set_xlabel("batch")
    lat.set_ylabel("ms per token (each sequence)")
    lat.set_title("latency: flat while memory-bound", fontsize=10)
    no_minor_ticks(lat)
    return fig


def draw_kv_share(model: inf.ModelShape | None = None, batches=(1, 8, 64)):
    """Share of the bytes read per decode step that is KV cache, against context length.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = model or model_of_size(70)
    fig, ax = new_figure(1, width=7.0, height=3.6)
    fig.subplots_adjust(left=0.12)
    contexts = np.unique(np.geomspace(128, 131072, 40).astype(int))
    for i, b in enumerate(batches):
        share = []
        for c in contexts:
            st = inf.decode_step(model, batch=int(b), context=int(c))
            share.append(st.kv_bytes_per_chip / (st.kv_bytes_per_chip + st.weight_bytes_per_chip))
        ax.plot(contexts, share, color=PALETTE[i], linestyle=["-", "--", "-."][i % 3], label=f"batch {b}")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("context (tokens per sequence)")
    ax.set_ylabel("KV cache share of bytes read")
    ax.set_title(f"{model.parameters / 1e9:g}B model, {model.layers} layers, {model.kv_heads} KV heads", fontsize=10)
    ax.legend(loc="upper left")
    no_minor_ticks(ax)
    return fig


def draw_tensor_parallel(model: inf.ModelShape | None = None, *, batch: int = 1, context: int = 2048,
                         latencies_us=(0.0, 2.0, 10.0)):
    """Latency per token against the number of chips the model is split over, for several link latencies.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = model or model_of_size(70)
    fig, ax = new_figure(1, width=7.0, height=3.6)
    fig.subplots_adjust(left=0.12)
    chips = np.array([1, 2, 4, 8, 16, 32, 64])
    for i, lat in enumerate(latencies_us):
        ms = [1e3 * inf.decode_step(model, batch=batch, context=context, chips=int(c),
                                    link_latency_s=lat * 1e-6).step_s for c in chips]
        ax.plot(chips, ms, marker="o", color=PALETTE[i], linestyle=["-", "--", "-."][i % 3],
                label=f"link step latency {lat:g} µs (assumed)")
    ideal = [1e3 * inf.decode_step(model, batch=batch, context=context).step_s / c for c in chips]
    ax.plot(chips, ideal, color="#444444", linestyle=":", label="1 / chips")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("chips (tensor-parallel degree)")
    ax.set_ylabel("ms per token")
    ax.set_title(f"{model.parameters / 1e9:g}B model, batch {batch}: splitting cuts latency until links dominate",
                 fontsize=9)
    ax.legend(loc="lower left", fontsize=8)
    no_minor_ticks(ax)
    return fig


def draw_decode_lab(billions: float = 8.0, chips: int = 1, context: int = 8192, fp8: bool = False):
    """The widget's figure: :func:`draw_batching` for a model of ``billions`` parameters."""
    return draw_batching(None, model_of_size(billions, 1.0 if fp8 else 2.0), context=context, chips=chips)


def inference_lab() -> LabWidget:
    """Model size, chips, context and weight precision above :func:`draw_decode_lab`."""
    controls = {
        "billions": widgets.FloatLogSlider(value=8.0, base=10, min=0, max=np.log10(405), description="params (B)",
                                           readout_format=".0f"),
        "chips": widgets.IntSlider(value=1, min=1, max=64, description="chips"),
        "context": widgets.IntSlider(value=8192, min=128, max=131072, step=128, description="context"),
        "fp8": widgets.Checkbox(value=False, description="FP8 weights"),
    }
    return LabWidget(controls, draw_decode_lab)


#: Lab widgets at their default settings, for the benchmark runner.
LABS = {"inference: inference_lab": inference_lab}
