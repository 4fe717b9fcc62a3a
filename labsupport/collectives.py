"""Allreduce: the ring, its alpha-beta cost, and rings of rings on two tiers of links.

Chapter: "Trainium2, scaling out: collectives, rings of rings, and a network that heals itself"
(``chapters/trainium_out.md``); labs: ``labs/collectives_ring.ipynb`` and
``labs/collectives_hierarchy.ipynb``; tests: ``tests/test_collectives.py``.

Every data-parallel training step ends with an *allreduce*: each of p workers holds a gradient of n
bytes and every worker needs the element-wise sum. The ring algorithm does it in two phases of p - 1
steps each. In *reduce-scatter* each worker passes one of p chunks to its neighbour, which adds its own
copy; after p - 1 steps worker i holds the full sum of chunk (i + 1) mod p. In *allgather* the summed
chunks travel once more around the ring until everyone has all of them. Each worker sends and receives
2 (p - 1) / p · n bytes, which is the least any allreduce can move (Patarasuk & Yuan 2009).

Costs use the alpha-beta model of Thakur, Rabenseifner & Gropp (2005): a message of m bytes over a link
takes alpha + m / bandwidth seconds (alpha: the per-message latency; beta = 1 / bandwidth). The
reduction's arithmetic (their gamma term) is left out: on an accelerator it is far below the transfer.

* :func:`simulate_ring_allreduce` moves real arrays around a simulated ring with numpy (one array
  operation per step, no per-element loop) and records every message;
* :func:`ring_allreduce_time`, :func:`torus2d_allreduce_time` and friends are the published formulas;
* :func:`simulate_ring_timing` is a timing simulation of the ring (each worker sends its step-s message
  once it has received step s - 1 and its link is free), with :func:`simulate_ring_timing_simpy` as its
  straightforward SimPy twin; on identical links both give the formula exactly;
* :func:`two_tier_allreduce_times` compares algorithms when chips sit in servers: fast links inside a
  server (NeuronLink on Trn2), slower ones between servers (the network).

Run ``python -m labsupport.collectives --seed 3`` for a practice problem and ``--solve`` for its answer.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .common import (
    fit_lines as _fit_lines,
    Problem,
    Solution,
    check_array,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_result_finite,
    make_rng,
    run_cli,
)

__all__ = [
    "ALGORITHMS",
    "BUSBW_FACTORS",
    "Tier",
    "ring_allreduce_time",
    "recursive_doubling_allreduce_time",
    "rabenseifner_allreduce_time",
    "tree_allreduce_time",
    "torus2d_allreduce_time",
    "allreduce_time",
    "algorithm_bandwidth",
    "bus_bandwidth",
    "RingAllreduceResult",
    "simulate_ring_allreduce",
    "RingTimingResult",
    "simulate_ring_timing",
    "simulate_ring_timing_simpy",
    "two_tier_allreduce_times",
    "best_two_tier_algorithm",
    "pose_problem",
    "solve",
    "main",
]

#: Flat (single-tier) allreduce algorithms that :func:`allreduce_time` knows.
ALGORITHMS = ("ring", "recursive_doubling", "rabenseifner", "tree", "torus2d")

#: nccl-tests' bus-bandwidth factors (doc/PERFORMANCE.md): busBW = algBW x factor(n ranks).
BUSBW_FACTORS = {
    "allreduce": lambda n: 2.0 * (n - 1) / n,
    "reduce_scatter": lambda n: (n - 1) / n,
    "allgather": lambda n: (n - 1) / n,
    "alltoall": lambda n: (n - 1) / n,
    "broadcast": lambda n: 1.0,
    "reduce": lambda n: 1.0,
}

#: Largest number of workers the models accept (a guard against a typo, not a physical limit).
MAX_WORKERS = 1 << 20


# ----------------------------------------------------------------------------------------------
# Alpha-beta formulas (Thakur, Rabenseifner & Gropp 2005)
# ----------------------------------------------------------------------------------------------
def _check_link(alpha_s: Any, bandwidth_bytes_per_s: Any) -> tuple[float, float]:
    return (check_nonnegative("alpha_s", alpha_s),
            check_positive("bandwidth_bytes_per_s", bandwidth_bytes_per_s))


def _check_pow2(name: str, p: Any) -> int:
    p = check_int(name, p, minimum=1, maximum=MAX_WORKERS)
    if p & (p - 1):
        raise ValueError(f'"{name}" must be a power of two for this algorithm, got {p!r}')
    return p


def ring_allreduce_time(p: int, nbytes: float, *, alpha_s: float, bandwidth_bytes_per_s: float) -> float:
    """Time of a ring allreduce: 2 (p - 1) alpha + 2 (p - 1) / p · n / bandwidth.

    Parameters
    ----------
    p : int
        Workers in the ring (>= 1; one worker needs no communication).
    nbytes : float
        n, bytes each worker contributes (>= 0).
    alpha_s : float
        Per-message latency alpha, in seconds (>= 0).
    bandwidth_bytes_per_s : float
        Link bandwidth 1 / beta, in bytes per second (> 0).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        If ``p`` < 1, ``nbytes`` or ``alpha_s`` is negative, or the bandwidth is not > 0.

    Examples
    --------
    >>> ring_allreduce_time(4, 1e6, alpha_s=1e-6, bandwidth_bytes_per_s=1e9)  # 6 us + 1.5 ms
    0.001506
    """
    p = check_int("p", p, minimum=1, maximum=MAX_WORKERS)
    n = check_nonnegative("nbytes", nbytes)
    alpha, bw = _check_link(alpha_s, bandwidth_bytes_per_s)
    return check_result_finite("the time", lambda: 2 * (p - 1) * alpha + 2 * (p - 1) / p * n / bw,
                               p=p, nbytes=n, alpha_s=alpha, bandwidth_bytes_per_s=bw)


def recursive_doubling_allreduce_time(p: int, nbytes: float, *, alpha_s: float,
                                      bandwidth_bytes_per_s: float) -> float:
    """Time of a recursive-doubling allreduce: lg p · alpha + lg p · n / bandwidth.

    In each of lg p rounds every worker swaps its whole vector with a partner at distance 1, 2, 4, ...
    and adds: few messages, but each carries all n bytes.

    Parameters
    ----------
    p : int
        Workers, a power of two.
    nbytes : float
        Bytes per worker (>= 0).
    alpha_s, bandwidth_bytes_per_s : float
        Per-message latency (s) and link bandwidth (bytes/s).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        If ``p`` is not a power of two or a size or link parameter is bad.

    Examples
    --------
    >>> recursive_doubling_allreduce_time(8, 1e3, alpha_s=1e-6, bandwidth_bytes_per_s=1e9)
    6e-06
    """
    p = _check_pow2("p", p)
    n = check_nonnegative("nbytes", nbytes)
    alpha, bw = _check_link(alpha_s, bandwidth_bytes_per_s)
    lg = math.log2(p)
    return check_result_finite("the time", lambda: lg * alpha + lg * n / bw,
                               p=p, nbytes=n, alpha_s=alpha, bandwidth_bytes_per_s=bw)


def rabenseifner_allreduce_time(p: int, nbytes: float, *, alpha_s: float, bandwidth_bytes_per_s: float) -> float:
    """Time of Rabenseifner's allreduce: 2 lg p · alpha + 2 (p - 1) / p · n / bandwidth.

    A reduce-scatter by recursive halving then an allgather by recursive doubling: the ring's
    bandwidth term with only 2 lg p messages.

    Parameters
    ----------
    p : int
        Workers, a power of two.
    nbytes : float
        Bytes per worker (>= 0).
    alpha_s, bandwidth_bytes_per_s : float
        Per-message latency (s) and link bandwidth (bytes/s).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        If ``p`` is not a power of two or a size or link parameter is bad.

    Examples
    --------
    >>> round(rabenseifner_allreduce_time(4, 1e6, alpha_s=1e-6, bandwidth_bytes_per_s=1e9), 9)
    0.001504
    """
    p = _check_pow2("p", p)
    n = check_nonnegative("nbytes", nbytes)
    alpha, bw = _check_link(alpha_s, bandwidth_bytes_per_s)
    return check_result_finite("the time", lambda: 2 * math.log2(p) * alpha + 2 * (p - 1) / p * n / bw,
                               p=p, nbytes=n, alpha_s=alpha, bandwidth_bytes_per_s=bw)


def tree_allreduce_time(p: int, nbytes: float, *, alpha_s: float, bandwidth_bytes_per_s: float) -> float:
    """Time of a binomial-tree reduce followed by a binomial-tree broadcast: 2 ceil(lg p) (alpha + n / bw).

    The textbook tree without pipelining (MPICH's choice for short messages in Thakur et al. 2005):
    the latency term grows with lg p, but every step carries the whole vector.

    Parameters
    ----------
    p : int
        Workers (>= 1).
    nbytes : float
        Bytes per worker (>= 0).
    alpha_s, bandwidth_bytes_per_s : float
        Per-message latency (s) and link bandwidth (bytes/s).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        On bad sizes or link parameters.

    Examples
    --------
    >>> tree_allreduce_time(8, 1e3, alpha_s=1e-6, bandwidth_bytes_per_s=1e9)
    1.2e-05
    """
    p = check_int("p", p, minimum=1, maximum=MAX_WORKERS)
    n = check_nonnegative("nbytes", nbytes)
    alpha, bw = _check_link(alpha_s, bandwidth_bytes_per_s)
    return check_result_finite("the time", lambda: 2 * math.ceil(math.log2(p)) * (alpha + n / bw),
                               p=p, nbytes=n, alpha_s=alpha, bandwidth_bytes_per_s=bw)


def torus2d_allreduce_time(x: int, y: int, nbytes: float, *, alpha_s: float, bandwidth_bytes_per_s: float) -> float:
    """Time of the 2D ("ring of rings") allreduce on an x-by-y torus.

    Reduce-scatter along the rings of one dimension (x - 1 steps of n / x bytes), allreduce the
    resulting n / x bytes along the other dimension (2 (y - 1) steps), allgather along the first
    again. Total: 2 (x + y - 2) alpha + 2 (xy - 1) / (xy) · n / bandwidth -- the bandwidth term of one
    ring of xy workers, with x + y - 2 latency steps per phase instead of xy - 1.

    Parameters
    ----------
    x, y : int
        Torus dimensions (>= 1 each).
    nbytes : float
        Bytes per worker (>= 0).
    alpha_s, bandwidth_bytes_per_s : float
        Per-message latency (s) and link bandwidth (bytes/s), the same on every link.

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        On bad dimensions, sizes or link parameters.

    Examples
    --------
    >>> round(torus2d_allreduce_time(4, 4, 1.6e7, alpha_s=1e-6, bandwidth_bytes_per_s=1e9), 9)
    0.030012
    """
    x = check_int("x", x, minimum=1, maximum=MAX_WORKERS)
    y = check_int("y", y, minimum=1, maximum=MAX_WORKERS)
    n = check_nonnegative("nbytes", nbytes)
    alpha, bw = _check_link(alpha_s, bandwidth_bytes_per_s)
    return check_result_finite("the time", lambda: 2 * (x + y - 2) * alpha + 2 * (x * y - 1) / (x * y) * n / bw,
                               x=x, y=y, nbytes=n, alpha_s=alpha, bandwidth_bytes_per_s=bw)


def _square_factors(p: int) -> tuple[int, int]:
    x = int(math.isqrt(p))
    while p % x:
        x -= 1
    return x, p // x


def allreduce_time(algorithm: str, p: int, nbytes: float, *, alpha_s: float, bandwidth_bytes_per_s: float) -> float:
    """Time of a flat allreduce by name; ``"torus2d"`` uses the most nearly square x-by-y factoring of p.

    Parameters
    ----------
    algorithm : {"ring", "recursive_doubling", "rabenseifner", "tree", "torus2d"}
    p : int
        Workers.
    nbytes : float
        Bytes per worker.
    alpha_s, bandwidth_bytes_per_s : float
        Per-message latency (s) and link bandwidth (bytes/s).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    ValueError
        On an unknown algorithm or a bad parameter.

    Examples
    --------
    >>> allreduce_time("torus2d", 16, 0, alpha_s=1e-6, bandwidth_bytes_per_s=1e9)  # 12 latency steps
    1.2e-05
    """
    algorithm = check_choice("algorithm", algorithm, ALGORITHMS)
    if algorithm == "torus2d":
        p = check_int("p", p, minimum=1, maximum=MAX_WORKERS)
        x, y = _square_factors(p)
        return torus2d_allreduce_time(x, y, nbytes, alpha_s=alpha_s, bandwidth_bytes_per_s=bandwidth_bytes_per_s)
    func = {"ring": ring_allreduce_time, "recursive_doubling": recursive_doubling_allreduce_time,
            "rabenseifner": rabenseifner_allreduce_time, "tree": tree_allreduce_time}[algorithm]
    return func(p, nbytes, alpha_s=alpha_s, bandwidth_bytes_per_s=bandwidth_bytes_per_s)


def algorithm_bandwidth(nbytes: float, time_s: float) -> float:
    """nccl-tests' algorithm bandwidth: the buffer size divided by the time, bytes per second.

    Parameters
    ----------
    nbytes : float
        Size of each rank's buffer, bytes (>= 0).
    time_s : float
        Time of the collective, seconds (> 0).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        On a negative size or a non-positive time.

    Examples
    --------
    >>> algorithm_bandwidth(1e9, 0.5)
    2000000000.0
    """
    n, t = check_nonnegative("nbytes", nbytes), check_positive("time_s", time_s)
    return check_result_finite("the bandwidth", lambda: n / t, nbytes=n, time_s=t)


def bus_bandwidth(algbw_bytes_per_s: float, n_ranks: int, operation: str = "allreduce") -> float:
    """nccl-tests' bus bandwidth: algorithm bandwidth times the operation's factor.

    The factor makes the number comparable with a link's speed whatever the rank count: for an
    allreduce it is 2 (n - 1) / n, because each rank must move that multiple of the buffer
    (reduce-scatter, allgather, alltoall: (n - 1) / n; broadcast, reduce: 1).

    Parameters
    ----------
    algbw_bytes_per_s : float
        Algorithm bandwidth, bytes/s (>= 0).
    n_ranks : int
        Ranks taking part (>= 1).
    operation : str, default="allreduce"
        One of the keys of :data:`BUSBW_FACTORS`.

    Returns
    -------
    float
        Bytes per second.

    Raises
    ------
    TypeError, ValueError
        On a negative bandwidth, ``n_ranks`` < 1 or an unknown operation.

    Examples
    --------
    >>> bus_bandwidth(100e9, 8)  # 2 x 7 / 8
    175000000000.0
    """
    algbw = check_nonnegative("algbw_bytes_per_s", algbw_bytes_per_s)
    n = check_int("n_ranks", n_ranks, minimum=1, maximum=MAX_WORKERS)
    operation = check_choice("operation", operation, tuple(BUSBW_FACTORS))
    return check_result_finite("the bus bandwidth", lambda: algbw * BUSBW_FACTORS[operation](n),
                               algbw_bytes_per_s=algbw, n_ranks=n)


# ----------------------------------------------------------------------------------------------
# The ring, with real data
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RingStep:
    """One step of the ring: every worker sends one chunk to its right-hand neighbour at once.

    Attributes
    ----------
    phase : str
        ``"reduce-scatter"`` (the receiver adds the chunk to its own) or ``"allgather"`` (it copies it).
    index : int
        Step number within the phase, 0 .. p - 2.
    src, dst : numpy.ndarray of int, shape (p,)
        Sender and receiver of each message (dst = (src + 1) mod p).
    chunk : numpy.ndarray of int, shape (p,)
        Which of the p chunks each message carries.
    elements : numpy.ndarray of int, shape (p,)
        Elements in each message (chunks differ by at most one element when p does not divide n).
    """

    phase: str
    index: int
    src: np.ndarray = field(repr=False)
    dst: np.ndarray = field(repr=False)
    chunk: np.ndarray = field(repr=False)
    elements: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class RingAllreduceResult:
    """The outcome of :func:`simulate_ring_allreduce`.

    Attributes
    ----------
    p : int
        Workers.
    n_elements : int
        Elements in each worker's array.
    shape : tuple of int
        Shape of each worker's array.
    outputs : tuple of numpy.ndarray
        Worker i's result, ``outputs[i]``, of the inputs' shape and dtype.
    steps : tuple of RingStep
        The 2 (p - 1) steps in order; each holds p messages.
    """

    p: int
    n_elements: int
    shape: tuple
    outputs: tuple = field(repr=False)
    steps: tuple = field(repr=False)

    @property
    def n_messages(self) -> int:
        """Messages sent in all: p per step."""
        return sum(int(s.src.size) for s in self.steps)

    def elements_sent(self) -> np.ndarray:
        """Elements each worker sent, shape (p,)."""
        out = np.zeros(self.p, dtype=np.int64)
        for s in self.steps:
            np.add.at(out, s.src, s.elements)
        return out

    def elements_received(self) -> np.ndarray:
        """Elements each worker received, shape (p,)."""
        out = np.zeros(self.p, dtype=np.int64)
        for s in self.steps:
            np.add.at(out, s.dst, s.elements)
        return out


def _stack_arrays(arrays: Any) -> tuple[np.ndarray, tuple]:
    if isinstance(arrays, (str, bytes)) or not hasattr(arrays, "__len__"):
        raise TypeError(f'"arrays" must be a sequence of numeric arrays (one per worker), got {type(arrays).__name__}')
    if isinstance(arrays, np.ndarray):
        if arrays.ndim < 1:
            raise ValueError(f'"arrays" must hold one array per worker, got a 0-d array')
        items = list(arrays)
    else:
        items = list(arrays)
    if not items:
        raise ValueError('"arrays" must hold at least one worker\'s array (p >= 1), got none')
    if len(items) > MAX_WORKERS:
        raise ValueError(f'"arrays" holds {len(items)} workers, more than {MAX_WORKERS}')
    converted = []
    for i, a in enumerate(items):
        if isinstance(a, (str, bytes)):
            raise TypeError(f'"arrays"[{i}] must be a numeric array, got {type(a).__name__}')
        try:
            arr = np.asarray(a)
        except (TypeError, ValueError):
            raise TypeError(f'"arrays"[{i}] must be a numeric array, got {type(a).__name__}') from None
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
                                     or np.issubdtype(arr.dtype, np.complexfloating)):
            raise TypeError(f'"arrays"[{i}] must hold integers or floats, got dtype {arr.dtype}')
        if arr.size == 0:
            raise ValueError(f'"arrays"[{i}] must not be empty')
        if converted and arr.shape != converted[0].shape:
            raise ValueError(f'"arrays" must all have one shape: "arrays"[0] has shape {converted[0].shape}, '
                             f'"arrays"[{i}] has shape {arr.shape}')
        if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
            raise ValueError(f'"arrays"[{i}] must be finite (it holds NaN or infinity)')
        converted.append(arr)
    dtype = np.result_type(*converted)
    data = np.stack([c.reshape(-1) for c in converted]).astype(dtype, copy=False)
    # Every partial sum the ring forms is bounded by the sum of magnitudes: keep that within the dtype, so that
    # integers never wrap around and floats never overflow to inf.
    limit = float(np.iinfo(dtype).max if np.issubdtype(dtype, np.integer) else np.finfo(dtype).max)
    with np.errstate(over="ignore"):
        magnitude = float(np.abs(data.astype(np.complex128 if np.iscomplexobj(data) else np.float64)).sum(axis=0).max())
    if not magnitude <= limit * (1 - 1e-12):
        raise ValueError(f'"arrays" sum beyond what {np.dtype(dtype).name} holds: an element\'s magnitudes add up to '
                         f'{magnitude:.4g} across workers, more than {limit:.4g}')
    return data, converted[0].shape


def _ring_pieces(flat: np.ndarray, p: int, offset: int) -> list:
    """(destination, source) views for "every worker i sends chunk (i + offset) mod p to worker i + 1".

    Row i * p + c of ``flat`` is worker i's copy of chunk c, so the messages of one step run along a
    wrapped diagonal of the (worker, chunk) grid: stride p + 1 rows, cut where the chunk index or the
    receiver wraps around. At most three plain strided slices -- no index arrays, no copies.
    """
    off = offset % p
    pieces = []

    def diagonal(start: int, count: int):
        return flat[start:start + (count - 1) * (p + 1) + 1:p + 1]

    a = min(p - off, p - 1)  # workers 0 .. a - 1: chunk i + off, receiver i + 1, no wrap
    if a > 0:
        pieces.append((diagonal(off + p, a), diagonal(off, a)))
    b = (p - 1) - a  # workers a .. p - 2: the chunk index has wrapped
    if b > 0:
        start = a * (p + 1) + off - p
        pieces.append((diagonal(start + p, b), diagonal(start, b)))
    c = (p - 1 + off) % p  # worker p - 1 sends to worker 0
    pieces.append((flat[c:c + 1], flat[(p - 1) * p + c:(p - 1) * p + c + 1]))
    return pieces


def simulate_ring_allreduce(arrays: Any) -> RingAllreduceResult:
    """Sum ``arrays`` across simulated workers with the ring algorithm, moving real data.

    Worker i starts with ``arrays[i]``. Each array is cut into p chunks (sizes differ by at most one
    element). Reduce-scatter: at step s every worker i sends chunk (i - s) mod p to worker i + 1, which
    adds it to its own copy; after p - 1 steps worker i holds the complete sum of chunk (i + 1) mod p.
    Allgather: at step s worker i passes its complete chunk (i + 1 - s) mod p on, and the receiver
    overwrites its copy. Each step is a few numpy operations on all workers at once.

    Parameters
    ----------
    arrays : sequence of array_like, or an array of shape (p, ...)
        One numeric array per worker (p >= 1), all of one shape. Integers are summed exactly; floats in
        the ring's order, which differs from ``numpy.sum``'s by rounding only.

    Returns
    -------
    RingAllreduceResult
        ``outputs[i]`` is worker i's copy of the sum (all copies are identical, bit for bit);
        ``steps`` records every message.

    Raises
    ------
    TypeError
        If ``arrays`` is not a sequence of numeric arrays.
    ValueError
        If it is empty, the shapes differ, an array is empty or holds NaN or infinity, or the sum of the
        elements' magnitudes across workers exceeds what the dtype holds (integers would wrap, floats overflow).

    Examples
    --------
    >>> r = simulate_ring_allreduce([[1, 2, 3], [10, 20, 30], [100, 200, 300]])
    >>> r.outputs[2].tolist(), len(r.steps)
    ([111, 222, 333], 4)
    """
    data, shape = _stack_arrays(arrays)
    p, n = data.shape
    m = -(-n // p)  # elements per chunk after padding to p * m
    # Chunk sizes of the unpadded array (array_split's rule: the first n % p chunks get one more).
    base, extra = divmod(n, p)
    sizes = np.full(p, base, dtype=np.int64)
    sizes[:extra] += 1
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    workers = np.arange(p)
    if n == p * m:  # every chunk has m elements: a view of our own copy of the inputs
        chunks = data.reshape(p, p, m)
    else:  # pad chunk c to m elements (zeros add nothing and are never returned)
        chunks = np.zeros((p, p, m), dtype=data.dtype)
        for c in range(p):
            chunks[:, c, :sizes[c]] = data[:, bounds[c]:bounds[c + 1]]
    flat = chunks.reshape(p * p, m)  # row i * p + c: worker i's copy of chunk c
    steps = []
    right = (workers + 1) % p
    for s in range(p - 1):  # reduce-scatter: worker i sends chunk (i - s), i + 1 adds it to its copy
        for dst, src in _ring_pieces(flat, p, -s):
            dst += src
        chunk = (workers - s) % p
        steps.append(RingStep("reduce-scatter", s, workers.copy(), right.copy(), chunk, sizes[chunk]))
    # Now worker i holds the complete sum of chunk (i + 1) mod p.
    for s in range(p - 1):  # allgather: worker i passes complete chunk (i + 1 - s), i + 1 overwrites
        for dst, src in _ring_pieces(flat, p, 1 - s):
            dst[...] = src
        chunk = (workers + 1 - s) % p
        steps.append(RingStep("allgather", s, workers.copy(), right.copy(), chunk, sizes[chunk]))
    if n == p * m:
        out = chunks.reshape(p, n)
    else:
        out = np.empty((p, n), dtype=data.dtype)
        for c in range(p):
            out[:, bounds[c]:bounds[c + 1]] = chunks[:, c, :sizes[c]]
    outputs = tuple(out[i].reshape(shape) for i in range(p))
    return RingAllreduceResult(p, n, tuple(shape), outputs, tuple(steps))


# ----------------------------------------------------------------------------------------------
# The ring in time
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RingTimingResult:
    """When each message of a ring allreduce arrived.

    Attributes
    ----------
    p : int
        Workers.
    nbytes : float
        Bytes per worker.
    alpha_s, bandwidth_bytes_per_s : numpy.ndarray, shape (p,)
        Latency and bandwidth of the link from worker i to worker i + 1.
    arrival_s : numpy.ndarray, shape (2 (p - 1), p)
        ``arrival_s[s, i]``: when worker i's step-s message reached worker i + 1, in seconds.
    """

    p: int
    nbytes: float
    alpha_s: np.ndarray = field(repr=False)
    bandwidth_bytes_per_s: np.ndarray = field(repr=False)
    arrival_s: np.ndarray = field(repr=False)

    @property
    def time_s(self) -> float:
        """Completion time of the allreduce (the last arrival), seconds; 0 for one worker."""
        return float(self.arrival_s.max()) if self.arrival_s.size else 0.0


def _check_timing(p, nbytes, alpha_s, bandwidth_bytes_per_s):
    p = check_int("p", p, minimum=1, maximum=MAX_WORKERS)
    n = check_nonnegative("nbytes", nbytes)
    out = []
    for name, value, positive in (("alpha_s", alpha_s, False), ("bandwidth_bytes_per_s", bandwidth_bytes_per_s, True)):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            v = check_positive(name, value) if positive else check_nonnegative(name, value)
            out.append(np.full(p, v))
            continue
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise TypeError(f'"{name}" must be a number or one number per link, got {value!r}')
        arr = check_array(name, value, ndim=None, allow_empty=True)  # refuses bools and strings inside
        if arr.shape != (p,):
            raise ValueError(f'"{name}" must have one value per link ({p}), got shape {arr.shape}')
        bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
        if bad.any():
            rule = "> 0" if positive else ">= 0"
            raise ValueError(f'"{name}" must be finite and {rule}, got {float(arr[bad][0])!r}')
        out.append(arr)
    # every arrival comes within 2 (p - 1) of the slowest hops: keep that a finite time
    check_result_finite("the ring's time", lambda: 2 * (p - 1) * float(np.max(out[0] + (n / p) / out[1])),
                        p=p, nbytes=n, alpha_s=alpha_s, bandwidth_bytes_per_s=bandwidth_bytes_per_s)
    return p, n, out[0], out[1]


def simulate_ring_timing(p: int, nbytes: float, *, alpha_s: Any, bandwidth_bytes_per_s: Any) -> RingTimingResult:
    """Simulate the timing of a ring allreduce, message by message.

    Worker i's link to i + 1 has latency ``alpha_s[i]`` and bandwidth ``bandwidth_bytes_per_s[i]``.
    At each of the 2 (p - 1) steps a worker sends an n / p-byte chunk once (a) it has received its
    left neighbour's previous message, which that chunk depends on, and (b) its own link has finished
    the previous send. The message arrives alpha + (n / p) / bandwidth later. With identical links the
    completion time is exactly :func:`ring_allreduce_time`; with one slow link, that link sets the pace
    of every step.

    Parameters
    ----------
    p : int
        Workers (>= 1).
    nbytes : float
        Bytes per worker (>= 0).
    alpha_s : float or array_like of shape (p,)
        Per-message latency of each link, seconds (>= 0).
    bandwidth_bytes_per_s : float or array_like of shape (p,)
        Bandwidth of each link, bytes per second (> 0).

    Returns
    -------
    RingTimingResult

    Raises
    ------
    TypeError, ValueError
        On bad sizes or link parameters (an array must have one value per link).

    See Also
    --------
    simulate_ring_timing_simpy : the same model as SimPy processes.

    Examples
    --------
    >>> r = simulate_ring_timing(4, 1e6, alpha_s=1e-6, bandwidth_bytes_per_s=1e9)
    >>> round(r.time_s, 9)
    0.001506
    """
    p, n, alpha, bw = _check_timing(p, nbytes, alpha_s, bandwidth_bytes_per_s)
    hop = alpha + (n / p) / bw  # time one chunk occupies each link
    arrival = np.zeros((2 * (p - 1), p))
    ready = np.zeros(p)  # when each worker's link is free and its input for this step is in
    for s in range(2 * (p - 1)):
        arrival[s] = ready + hop
        # Next step: worker i needs its left neighbour's message of this step and its own link free.
        ready = np.maximum(np.roll(arrival[s], 1), arrival[s])
    return RingTimingResult(p, n, alpha, bw, arrival)


def simulate_ring_timing_simpy(p: int, nbytes: float, *, alpha_s: Any, bandwidth_bytes_per_s: Any) -> RingTimingResult:
    """:func:`simulate_ring_timing` as SimPy processes: one per worker, one Store per inbox.

    The reference the vectorised version is tested and benchmarked against.

    Parameters and Returns are as for :func:`simulate_ring_timing`.

    Raises
    ------
    TypeError, ValueError
        On bad sizes or link parameters.

    Examples
    --------
    >>> round(simulate_ring_timing_simpy(4, 1e6, alpha_s=1e-6, bandwidth_bytes_per_s=1e9).time_s, 9)
    0.001506
    """
    import simpy

    p, n, alpha, bw = _check_timing(p, nbytes, alpha_s, bandwidth_bytes_per_s)
    env = simpy.Environment()
    inbox = [simpy.Store(env) for _ in range(p)]
    arrival = np.zeros((2 * (p - 1), p))

    def link(env, i, s):
        yield env.timeout(alpha[i] + (n / p) / bw[i])
        arrival[s, i] = env.now
        yield inbox[(i + 1) % p].put(s)

    def worker(env, i):
        for s in range(2 * (p - 1)):
            if s > 0:
                yield inbox[i].get()  # the left neighbour's step s - 1 message
            yield env.process(link(env, i, s))  # the send occupies the link until it arrives

    for i in range(p):
        env.process(worker(env, i))
    env.run()
    return RingTimingResult(p, n, alpha, bw, arrival)


# ----------------------------------------------------------------------------------------------
# Two tiers: chips in servers
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tier:
    """One tier of links: a per-message latency and a per-link bandwidth.

    Parameters
    ----------
    alpha_s : float
        Per-message latency, seconds (>= 0).
    bandwidth_bytes_per_s : float
        Bandwidth one ring step can use on a link, bytes per second (> 0).
    name : str, default=""
        Label for tables and plots.

    Raises
    ------
    TypeError, ValueError
        On a negative latency or non-positive bandwidth.

    Examples
    --------
    >>> Tier(2e-6, 320e9, "NeuronLink").bandwidth_bytes_per_s
    320000000000.0
    """

    alpha_s: float
    bandwidth_bytes_per_s: float
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha_s", check_nonnegative("alpha_s", self.alpha_s))
        object.__setattr__(self, "bandwidth_bytes_per_s",
                           check_positive("bandwidth_bytes_per_s", self.bandwidth_bytes_per_s))
        if not isinstance(self.name, str):
            raise TypeError(f'"name" must be a string, got {self.name!r}')

    def hop_s(self, nbytes: float) -> float:
        """alpha + nbytes / bandwidth: one message of ``nbytes`` on this tier."""
        return self.alpha_s + nbytes / self.bandwidth_bytes_per_s


#: The algorithms :func:`two_tier_allreduce_times` compares.
TWO_TIER_ALGORITHMS = ("flat ring", "ring of rings", "rabenseifner", "recursive doubling", "tree")


def _check_tier(name: str, tier: Any) -> Tier:
    if not isinstance(tier, Tier):
        raise TypeError(f'"{name}" must be a Tier, got {tier!r}')
    return tier


def two_tier_allreduce_times(servers: int, chips_per_server: int, nbytes: float, *, intra: Tier,
                             inter: Tier) -> dict:
    """Allreduce times when ``servers`` servers each hold ``chips_per_server`` chips.

    Chips are numbered server by server. Inside a server, chips are wired to neighbours only (a ring,
    as a torus contains one) with links of tier ``intra``; between servers a switched network (any chip
    reaches any other server in one hop) with links of tier ``inter``. With s servers of k chips
    (p = s k), alpha and beta = 1 / bandwidth of each tier:

    * **flat ring** through all p chips: every step waits for its slowest link, so
      2 (p - 1) · max(hop_intra, hop_inter) with chunks of n / p;
    * **ring of rings**: reduce-scatter on the ring inside each server, allreduce of the n / k-byte
      pieces on k rings across servers (one per chip position, in parallel), allgather inside:
      2 (k - 1) alpha1 + 2 (k - 1) / k · n beta1 + 2 (s - 1) alpha2 + 2 (s - 1) / s · (n / k) beta2;
    * **rabenseifner**, **recursive doubling** and **tree** (k and s powers of two) pair each chip with
      partners at distance 1, 2, 4, ... Between servers that costs one hop. Inside a server a partner
      at distance d is d hops away on the ring, and d pairs share each link, so a step of m bytes costs
      d (alpha1 + m beta1). Rabenseifner (halving the message as the distance doubles) then costs
      2 (k - 1) alpha1 + lg k · n beta1 inside plus 2 lg s alpha2 + 2 (s - 1) / (s k) · n beta2 between;
      recursive doubling (k - 1)(alpha1 + n beta1) + lg s (alpha2 + n beta2); the tree twice that.

    Parameters
    ----------
    servers : int
        s (>= 1).
    chips_per_server : int
        k (>= 1).
    nbytes : float
        n, bytes per chip (>= 0).
    intra, inter : Tier
        Links inside a server and between servers.

    Returns
    -------
    dict of str to float
        Algorithm name -> seconds. The power-of-two algorithms are left out when s or k is not a
        power of two.

    Raises
    ------
    TypeError, ValueError
        On bad counts, sizes or tiers.

    Examples
    --------
    >>> t = two_tier_allreduce_times(4, 16, 1e8, intra=Tier(2e-6, 320e9), inter=Tier(10e-6, 25e9))
    >>> {name: round(seconds * 1e3, 2) for name, seconds in t.items()}  # milliseconds
    {'flat ring': 9.14, 'ring of rings': 1.08, 'rabenseifner': 1.72, 'recursive doubling': 12.74, 'tree': 25.47}
    """
    s = check_int("servers", servers, minimum=1, maximum=MAX_WORKERS)
    k = check_int("chips_per_server", chips_per_server, minimum=1, maximum=MAX_WORKERS)
    n = check_nonnegative("nbytes", nbytes)
    a = _check_tier("intra", intra)
    b = _check_tier("inter", inter)
    p = s * k
    if p > MAX_WORKERS:
        raise ValueError(f'"servers" x "chips_per_server" must be <= {MAX_WORKERS}, got {p}')

    def compute():
        chunk = n / p
        slowest = max(a.hop_s(chunk), b.hop_s(chunk)) if s > 1 else a.hop_s(chunk)
        times = {
            "flat ring": 2 * (p - 1) * slowest,
            "ring of rings": (ring_allreduce_time(k, n, alpha_s=a.alpha_s,
                                                  bandwidth_bytes_per_s=a.bandwidth_bytes_per_s)
                              + ring_allreduce_time(s, n / k, alpha_s=b.alpha_s,
                                                    bandwidth_bytes_per_s=b.bandwidth_bytes_per_s)),
        }
        if s & (s - 1) == 0 and k & (k - 1) == 0:
            lk, ls = math.log2(k), math.log2(s)
            times["rabenseifner"] = (2 * (k - 1) * a.alpha_s + lk * n / a.bandwidth_bytes_per_s
                                     + 2 * ls * b.alpha_s + 2 * (s - 1) / (s * k) * n / b.bandwidth_bytes_per_s)
            times["recursive doubling"] = (k - 1) * a.hop_s(n) + ls * b.hop_s(n)
            times["tree"] = 2 * times["recursive doubling"]
        return times

    try:
        times = compute()
    except ValueError:  # a flat time beyond the float range (the inputs themselves are valid)
        times = {"": math.inf}
    check_result_finite("a time of the algorithms", lambda: list(times.values()), servers=s, chips_per_server=k,
                        nbytes=n, intra=a, inter=b)
    return times


def best_two_tier_algorithm(servers: int, chips_per_server: int, nbytes: float, *, intra: Tier,
                            inter: Tier) -> str:
    """The fastest algorithm of :func:`two_tier_allreduce_times`.

    Times within one part in a billion count as a tie (with one server the flat ring and the ring of
    rings are the same algorithm), and a tie goes to the name listed first in ``TWO_TIER_ALGORITHMS``.

    Parameters and Raises are as for :func:`two_tier_allreduce_times`.

    Returns
    -------
    str

    Examples
    --------
    >>> best_two_tier_algorithm(4, 16, 1e3, intra=Tier(2e-6, 320e9), inter=Tier(10e-6, 25e9))
    'recursive doubling'
    """
    times = two_tier_allreduce_times(servers, chips_per_server, nbytes, intra=intra, inter=inter)
    fastest = min(times.values())
    return next(name for name in TWO_TIER_ALGORITHMS
                if name in times and times[name] <= fastest * (1 + 1e-9))


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
PROBLEM_KINDS = ("ring_time", "busbw", "torus_time")


def _fmt_bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n:g} bytes"




def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """A random allreduce question: a ring's time, a bus bandwidth, or a 2D torus's time.

    Parameters
    ----------
    rng : None, int or Generator, optional
        Seed or generator; the same seed poses the same problem.
    kind : {"ring_time", "busbw", "torus_time"}, optional
        Which question (default: chosen by ``rng``).

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        On an unknown ``kind``.

    Examples
    --------
    >>> pose_problem(3, kind="busbw").kind
    'busbw'
    """
    rng = make_rng(rng)
    kind = PROBLEM_KINDS[int(rng.integers(len(PROBLEM_KINDS)))] if kind is None else check_choice(
        "kind", kind, PROBLEM_KINDS)
    alpha_us = float(rng.choice([1.0, 2.0, 5.0, 10.0]))
    bw_gbs = float(rng.choice([25.0, 50.0, 100.0, 200.0]))
    nbytes = float(rng.choice([1e6, 4e6, 64e6, 256e6]))
    if kind == "ring_time":
        p = int(rng.choice([4, 8, 16, 32, 64]))
        statement = (f"{p} workers each hold a {_fmt_bytes(nbytes)} gradient and sum it with a ring allreduce.\n"
                     f"Every link has a latency of {alpha_us:g} µs per message and carries {bw_gbs:g} GB/s.\n"
                     f"How long does the allreduce take, in microseconds?")
        params = {"p": p, "nbytes": nbytes, "alpha_s": alpha_us * 1e-6, "bandwidth_bytes_per_s": bw_gbs * 1e9}
    elif kind == "busbw":
        p = int(rng.choice([4, 8, 16, 32]))
        t_ms = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
        statement = (f"A benchmark times an allreduce of a {_fmt_bytes(nbytes)} buffer on {p} ranks "
                     f"at {t_ms:g} ms.\nWhat bus bandwidth does it report, in GB/s?")
        params = {"p": p, "nbytes": nbytes, "time_s": t_ms * 1e-3}
    else:
        x = int(rng.choice([2, 4, 8]))
        y = int(rng.choice([2, 4, 8]))
        statement = (f"{x * y} chips form a {x} x {y} torus; each holds a {_fmt_bytes(nbytes)} gradient.\n"
                     f"They allreduce it ring of rings: reduce-scatter along rows, allreduce along\n"
                     f"columns, allgather along rows. Each link has a latency of {alpha_us:g} µs and\n"
                     f"carries {bw_gbs:g} GB/s. How long does it take, in microseconds?")
        params = {"x": x, "y": y, "nbytes": nbytes, "alpha_s": alpha_us * 1e-6,
                  "bandwidth_bytes_per_s": bw_gbs * 1e9}
    return Problem(kind, _fit_lines(statement, prose=True), params)


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a collectives :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> round(solve(pose_problem(0, kind="ring_time")).value, 3) > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in PROBLEM_KINDS:
        raise TypeError(f'"problem" must be a collectives Problem from pose_problem, got {problem!r}')
    q = problem.params
    if problem.kind == "ring_time":
        p, n, a, bw = q["p"], q["nbytes"], q["alpha_s"], q["bandwidth_bytes_per_s"]
        t = ring_allreduce_time(p, n, alpha_s=a, bandwidth_bytes_per_s=bw)
        lines = [f"latency term   2(p-1) alpha = 2 x {p - 1} x {a * 1e6:g} us = {2 * (p - 1) * a * 1e6:.4g} us",
                 f"bandwidth term 2(p-1)/p n / B = 2 x {p - 1}/{p} x {n:g} B / {bw:g} B/s"
                 f" = {2 * (p - 1) / p * n / bw * 1e6:.4g} us",
                 f"total {t * 1e6:.4g} us"]
        return Solution(problem, t * 1e6, _fit_lines("\n".join(lines)))
    if problem.kind == "busbw":
        p, n, t = q["p"], q["nbytes"], q["time_s"]
        alg = algorithm_bandwidth(n, t)
        bus = bus_bandwidth(alg, p)
        lines = [f"algBW = size / time = {n:g} B / {t * 1e3:g} ms = {alg / 1e9:.4g} GB/s",
                 f"busBW = algBW x 2(n-1)/n = {alg / 1e9:.4g} x {2 * (p - 1) / p:.4g} = {bus / 1e9:.4g} GB/s"]
        return Solution(problem, bus / 1e9, _fit_lines("\n".join(lines)))
    x, y, n, a, bw = q["x"], q["y"], q["nbytes"], q["alpha_s"], q["bandwidth_bytes_per_s"]
    t = torus2d_allreduce_time(x, y, n, alpha_s=a, bandwidth_bytes_per_s=bw)
    lines = [f"latency term   2(x+y-2) alpha = 2 x {x + y - 2} x {a * 1e6:g} us = {2 * (x + y - 2) * a * 1e6:.4g} us",
             f"bandwidth term 2(xy-1)/(xy) n / B = {2 * (x * y - 1) / (x * y) * n / bw * 1e6:.4g} us",
             f"total {t * 1e6:.4g} us (one ring of {x * y}: "
             f"{ring_allreduce_time(x * y, n, alpha_s=a, bandwidth_bytes_per_s=bw) * 1e6:.4g} us)"]
    return Solution(problem, t * 1e6, _fit_lines("\n".join(lines)))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.collectives [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.collectives", "Practice problems on allreduce costs.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
