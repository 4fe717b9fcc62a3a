"""Decode is memory-bound: tokens per second from HBM bandwidth, compute, the KV cache and tensor parallelism.

Chapter: "Trainium2, scaling up" (``chapters/trainium_up.md``); lab: ``labs/inference_decode.ipynb``;
tests: ``tests/test_inference.py``.

Generating one token with a transformer reads every weight once (and the KV cache of every sequence in
the batch) and does about 2 FLOP per weight per sequence. One decode step of a batch of B sequences
therefore takes at least ``max(bytes / bandwidth, B * flops_per_token / peak_flops)`` (the roofline):
at small B the step is memory-bound and its time barely depends on B, so batching raises throughput
(tokens/s) almost for free but never makes one stream faster; at large B the step becomes compute-bound.
Splitting the model over n chips (tensor parallelism) divides the bytes and FLOPs per chip by n and
adds two all-reduces of the activations per layer over the chip-to-chip links (NeuronLink on Trainium).

Chip numbers (``TRAINIUM2``) are from the AWS Neuron documentation: 2.9 TB/s of HBM, 96 GiB, 667 dense
BF16 TFLOPS (AWS reports) and 1.28 TB/s of NeuronLink bandwidth per chip. The link latency is not
published; it is a parameter (default 0) that the lab varies as an explicit assumption.

Run ``python -m labsupport.inference --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .common import (
    Problem,
    Solution,
    check_int,
    check_nonnegative,
    check_positive,
    check_result_finite,
    check_str,
    make_rng,
    run_cli,
)

__all__ = [
    "Chip",
    "TRAINIUM2",
    "ModelShape",
    "decode_tokens_per_s",
    "kv_cache_bytes",
    "DecodeStepResult",
    "decode_step",
    "allreduce_s",
    "pose_problem",
    "solve",
    "main",
]


@dataclass(frozen=True)
class Chip:
    """An accelerator chip as the decode roofline sees it.

    Attributes
    ----------
    name : str
    hbm_bytes_per_s : float
        Memory bandwidth, bytes/s.
    hbm_bytes : float
        Memory capacity, bytes.
    peak_flops : float
        Dense peak at the weights' precision, FLOP/s.
    link_bytes_per_s : float
        Chip-to-chip bandwidth per chip, bytes/s.

    Examples
    --------
    >>> Chip("toy", hbm_bytes_per_s=1e12, hbm_bytes=16e9, peak_flops=1e14, link_bytes_per_s=1e11).peak_flops
    100000000000000.0
    """

    name: str
    hbm_bytes_per_s: float
    hbm_bytes: float
    peak_flops: float
    link_bytes_per_s: float

    def __post_init__(self) -> None:
        check_str("name", self.name)
        for field_name in ("hbm_bytes_per_s", "hbm_bytes", "peak_flops", "link_bytes_per_s"):
            object.__setattr__(self, field_name, check_positive(field_name, getattr(self, field_name)))


#: Trainium2 per the AWS Neuron docs (BF16 peak as AWS reports it).
TRAINIUM2 = Chip("Trainium2", hbm_bytes_per_s=2.9e12, hbm_bytes=96 * 2 ** 30, peak_flops=667e12,
                 link_bytes_per_s=1.28e12)


@dataclass(frozen=True)
class ModelShape:
    """The sizes of a decoder-only transformer that decode cost depends on.

    Attributes
    ----------
    parameters : float
        Number of weights.
    layers : int
    hidden : int
        Model width (the size of one token's activation vector).
    kv_heads : int
        Key/value heads (fewer than query heads with grouped-query attention).
    head_dim : int
    bytes_per_parameter : float, default=2
        2 for BF16 weights, 1 for FP8.

    Examples
    --------
    >>> ModelShape(70e9, layers=80, hidden=8192, kv_heads=8, head_dim=128).weight_bytes
    140000000000.0
    """

    parameters: float
    layers: int
    hidden: int
    kv_heads: int
    head_dim: int
    bytes_per_parameter: float = 2.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", check_positive("parameters", self.parameters))
        for field_name in ("layers", "hidden", "kv_heads", "head_dim"):
            check_int(field_name, getattr(self, field_name), minimum=1)
        object.__setattr__(self, "bytes_per_parameter", check_positive("bytes_per_parameter",
                                                                       self.bytes_per_parameter))

    @property
    def weight_bytes(self) -> float:
        return self.parameters * self.bytes_per_parameter


def decode_tokens_per_s(*, model_bytes: float, hbm_bytes_per_s: float, flops_per_token: float,
                        peak_flops: float, batch: int) -> float:
    """Tokens per second of one replica decoding ``batch`` sequences at once, from the roofline.

    A step reads ``model_bytes`` once for the whole batch and does ``flops_per_token`` per sequence:
    step time = max(model_bytes / hbm_bytes_per_s, batch * flops_per_token / peak_flops), and the
    replica makes ``batch`` tokens per step.

    Parameters
    ----------
    model_bytes : float
        Bytes read per step (weights, plus the KV cache if you include it), > 0.
    hbm_bytes_per_s : float
        Memory bandwidth, bytes/s (> 0).
    flops_per_token : float
        FLOP per generated token (about 2 x parameters), > 0.
    peak_flops : float
        Peak FLOP/s (> 0).
    batch : int
        Sequences decoded together (1 to 1,000,000).

    Returns
    -------
    float
        Tokens/s summed over the batch. Each sequence gets tokens/s / batch.

    Raises
    ------
    TypeError, ValueError
        On non-positive or non-finite values or a non-integer batch.
        ValueError also when the result leaves the float range (inf, or a rate over a subnormal time).

    Examples
    --------
    >>> round(decode_tokens_per_s(model_bytes=140e9, hbm_bytes_per_s=2.9e12, flops_per_token=140e9,
    ...                           peak_flops=667e12, batch=1), 1)
    20.7
    """
    model_bytes = check_positive("model_bytes", model_bytes)
    hbm_bytes_per_s = check_positive("hbm_bytes_per_s", hbm_bytes_per_s)
    flops_per_token = check_positive("flops_per_token", flops_per_token)
    peak_flops = check_positive("peak_flops", peak_flops)
    batch = check_int("batch", batch, minimum=1, maximum=1_000_000)
    return check_result_finite(
        "the decode rate", lambda: batch / max(model_bytes / hbm_bytes_per_s, batch * flops_per_token / peak_flops),
        model_bytes=model_bytes, hbm_bytes_per_s=hbm_bytes_per_s, flops_per_token=flops_per_token,
        peak_flops=peak_flops, batch=batch)


def kv_cache_bytes(*, layers: int, kv_heads: int, head_dim: int, context: int, batch: int = 1,
                   bytes_per_element: float = 2.0) -> float:
    """Bytes of the key/value cache: 2 (K and V) x layers x kv_heads x head_dim x context x batch x bytes.

    Parameters
    ----------
    layers, kv_heads, head_dim : int
    context : int
        Tokens held per sequence (prompt + generated so far), >= 0.
    batch : int, default=1
    bytes_per_element : float, default=2.0

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        On non-integer or negative sizes.
        ValueError also when the result leaves the float range (inf, or a rate over a subnormal time).

    Examples
    --------
    >>> kv_cache_bytes(layers=80, kv_heads=8, head_dim=128, context=1) / 2**10
    320.0
    """
    layers = check_int("layers", layers, minimum=1)
    kv_heads = check_int("kv_heads", kv_heads, minimum=1)
    head_dim = check_int("head_dim", head_dim, minimum=1)
    context = check_int("context", context, minimum=0)
    batch = check_int("batch", batch, minimum=1)
    bytes_per_element = check_positive("bytes_per_element", bytes_per_element)
    return check_result_finite(
        "the KV cache size", lambda: 2.0 * layers * kv_heads * head_dim * context * batch * bytes_per_element,
        layers=layers, kv_heads=kv_heads, head_dim=head_dim, context=context, batch=batch,
        bytes_per_element=bytes_per_element)


def allreduce_s(size_bytes: float, *, chips: int, link_bytes_per_s: float, latency_s: float = 0.0) -> float:
    """Time of a ring all-reduce of ``size_bytes`` over ``chips`` chips.

    Each chip sends and receives 2 (n - 1) / n x size over its links, in 2 (n - 1) steps that each pay
    ``latency_s``.

    Parameters
    ----------
    size_bytes : float
        The vector being summed, bytes (>= 0).
    chips : int
        Chips taking part (1 costs nothing).
    link_bytes_per_s : float
        Per-chip link bandwidth, bytes/s.
    latency_s : float, default=0.0
        Per-step latency, s (an assumption: not published for NeuronLink).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        On negative sizes or non-positive bandwidth.
        ValueError also when the result leaves the float range (inf, or a rate over a subnormal time).

    Examples
    --------
    >>> allreduce_s(1e6, chips=4, link_bytes_per_s=1e12)
    1.5e-06
    """
    size_bytes = check_nonnegative("size_bytes", size_bytes)
    chips = check_int("chips", chips, minimum=1, maximum=4096)
    link_bytes_per_s = check_positive("link_bytes_per_s", link_bytes_per_s)
    latency_s = check_nonnegative("latency_s", latency_s)
    if chips == 1:
        return 0.0
    return check_result_finite(
        "the all-reduce time",
        lambda: 2 * (chips - 1) / chips * size_bytes / link_bytes_per_s + 2 * (chips - 1) * latency_s,
        size_bytes=size_bytes, chips=chips, link_bytes_per_s=link_bytes_per_s, latency_s=latency_s)


@dataclass(frozen=True)
class DecodeStepResult:
    """One decode step of a batch on a tensor-parallel group of chips.

    Attributes
    ----------
    model : ModelShape
    chip : Chip
    chips, batch, context : int
    weight_bytes_per_chip, kv_bytes_per_chip : float
    memory_s : float
        Bytes per chip / bandwidth.
    compute_s : float
        FLOP per chip / peak.
    communication_s : float
        Two all-reduces of the batch's activations per layer.
    step_s : float
        max(memory_s, compute_s) + communication_s: the latency of one token for every sequence.
    tokens_per_s : float
        batch / step_s, for the whole group.
    tokens_per_s_per_chip : float
    fits : bool
        Whether weights and KV cache fit in the group's HBM.
    memory_bound : bool
        memory_s > compute_s.
    """

    model: ModelShape
    chip: Chip
    chips: int
    batch: int
    context: int
    weight_bytes_per_chip: float
    kv_bytes_per_chip: float
    memory_s: float
    compute_s: float
    communication_s: float
    step_s: float
    tokens_per_s: float
    tokens_per_s_per_chip: float
    fits: bool
    memory_bound: bool


def decode_step(model: ModelShape, *, batch: int = 1, context: int = 2048, chips: int = 1, chip: Chip = TRAINIUM2,
                link_latency_s: float = 0.0) -> DecodeStepResult:
    """Cost of one decode step: weights and KV cache read from HBM, FLOPs, and tensor-parallel all-reduces.

    FLOP per token: 2 x parameters for the weights plus 4 x layers x hidden x context for attention
    (scores and weighted sum over the context).

    Parameters
    ----------
    model : ModelShape
    batch : int, default=1
        Sequences decoded together.
    context : int, default=2048
        Tokens in each sequence's KV cache.
    chips : int, default=1
        Tensor-parallel degree: weights, KV cache and FLOPs split evenly.
    chip : Chip, default=TRAINIUM2
    link_latency_s : float, default=0.0
        Per-step latency of the all-reduce ring (an assumption).

    Returns
    -------
    DecodeStepResult

    Raises
    ------
    TypeError, ValueError
        On a wrong type or an out-of-range size.

    Examples
    --------
    >>> m = ModelShape(70e9, layers=80, hidden=8192, kv_heads=8, head_dim=128)
    >>> step = decode_step(m, batch=1, context=2048, chips=1)
    >>> round(step.step_s * 1e3, 1), step.memory_bound, step.fits
    (48.5, True, False)
    """
    if not isinstance(model, ModelShape):
        raise TypeError(f'"model" must be a ModelShape, got {type(model).__name__}')
    if not isinstance(chip, Chip):
        raise TypeError(f'"chip" must be a Chip, got {type(chip).__name__}')
    batch = check_int("batch", batch, minimum=1, maximum=1_000_000)
    context = check_int("context", context, minimum=0, maximum=10_000_000)
    chips = check_int("chips", chips, minimum=1, maximum=4096)
    link_latency_s = check_nonnegative("link_latency_s", link_latency_s)
    weights = model.weight_bytes / chips
    kv = kv_cache_bytes(layers=model.layers, kv_heads=model.kv_heads, head_dim=model.head_dim, context=context,
                        batch=batch, bytes_per_element=model.bytes_per_parameter) / chips
    flops = batch * (2.0 * model.parameters + 4.0 * model.layers * model.hidden * context) / chips
    memory_s = (weights + kv) / chip.hbm_bytes_per_s
    compute_s = flops / chip.peak_flops
    activation = batch * model.hidden * model.bytes_per_parameter
    comm = 2 * model.layers * allreduce_s(activation, chips=chips, link_bytes_per_s=chip.link_bytes_per_s,
                                          latency_s=link_latency_s)
    step = max(memory_s, compute_s) + comm
    return DecodeStepResult(model=model, chip=chip, chips=chips, batch=batch, context=context,
                      weight_bytes_per_chip=weights, kv_bytes_per_chip=kv, memory_s=memory_s, compute_s=compute_s,
                      communication_s=comm, step_s=step, tokens_per_s=batch / step,
                      tokens_per_s_per_chip=batch / step / chips, fits=weights + kv <= chip.hbm_bytes,
                      memory_bound=memory_s > compute_s)


# ----------------------------------------------------------------------------------------------
# Practice problems
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None) -> Problem:
    """A random decode question: the best single-stream tokens/s of a model on a chip.

    Examples
    --------
    >>> pose_problem(1).kind
    'decode'
    """
    rng = make_rng(rng)
    params_b = int(rng.choice([7, 8, 13, 34, 70]))
    bytes_per = int(rng.choice([1, 2]))
    bw_tb = float(rng.choice([1.0, 2.0, 2.9, 3.35]))
    batch = int(rng.choice([1, 1, 8, 32]))
    fmt = "FP8 (1 byte)" if bytes_per == 1 else "BF16 (2 bytes)"
    streams = f"{batch} sequences at once" if batch > 1 else "one sequence at a time"
    statement = (f"A {params_b}-billion-parameter model in {fmt} per weight decodes\n"
                 f"{streams} on memory of {bw_tb:g} TB/s. Ignoring the KV cache\n"
                 "and assuming the step is memory-bound, how many tokens per second\n"
                 "does the replica produce in total?")
    return Problem("decode", statement, {"parameters": params_b * 1e9, "bytes_per_parameter": bytes_per,
                                         "hbm_bytes_per_s": bw_tb * 1e12, "batch": batch})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a decode :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> solve(pose_problem(1)).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind != "decode":
        raise TypeError(f'"problem" must be a decode Problem from pose_problem, got {problem!r}')
    p = problem.params
    model_bytes = p["parameters"] * p["bytes_per_parameter"]
    # Compute is taken as unlimited here (the statement says memory-bound).
    value = decode_tokens_per_s(model_bytes=model_bytes, hbm_bytes_per_s=p["hbm_bytes_per_s"],
                                flops_per_token=2 * p["parameters"], peak_flops=1e30, batch=p["batch"])
    step_ms = model_bytes / p["hbm_bytes_per_s"] * 1e3
    working = (f"Each step reads all weights once: {model_bytes / 1e9:g} GB / "
               f"{p['hbm_bytes_per_s'] / 1e12:g} TB/s = {step_ms:.2f} ms.\n"
               f"Each step makes {p['batch']} token{'s' if p['batch'] > 1 else ''}: "
               f"{p['batch']} / {step_ms:.2f} ms = {value:.1f} tokens/s.")
    return Solution(problem, float(value), working)


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.inference [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.inference", "Practice problems on memory-bound decoding.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
