"""Graviton: a CPU for real workloads. Caches, branch predictors, SMT interference and the roofline.

The book explains these models in the chapter "Graviton: designing a CPU for real workloads"
(``chapters/graviton.md``); the labs ``graviton_smt``, ``graviton_caches``, ``graviton_frontend`` and
``graviton_roofline`` drive this module; tests are in ``tests/test_graviton.py``.

Four parts, one per lab:

* **Caches** (:func:`simulate_cache`): a set-associative cache with LRU, FIFO or random replacement,
  driven by a trace of byte addresses; returns one hit/miss flag per access. The fast path steps through
  every set at once with numpy (one step handles the k-th access of every set), and falls back to a tight
  per-access loop when one set holds most of the trace (a nearly fully associative cache). The tests
  check both paths access by access against a plain-Python LRU and count by count against ``pycachesim``.
  :func:`address_trace` makes the traces (streaming, strided, random, pointer chasing, a web-server mix).
* **Branch predictors** (:func:`predictor_accuracy`, :func:`simulate_predictor`): static "taken",
  one-bit and two-bit tables indexed by the branch address, and gshare (global history XOR address into a
  table of two-bit counters; defaults follow ChampSim's gshare: 14 history bits, 2-bit counters, 16,384
  entries). :func:`branch_trace` makes synthetic traces; :func:`ipc_with_stalls` is the CPI-stack model
  of how front-end stalls cap instructions per cycle.
* **SMT** (:func:`simulate_smt`): requests queue on one hardware thread; the sibling thread on the same
  core is busy a fraction of the time (an on/off co-runner) and while it runs our thread works at
  ``smt_speed`` of its solo speed. Exact and vectorised: the co-runner's on/off schedule defines a "work
  clock" C(t), the queue is an ordinary FCFS queue in work time (Lindley's recursion), and departures are
  mapped back through C^-1. :func:`simulate_smt_events` is a plain event-by-event simulation of the same
  model (and of two coupled queues sharing one core), used as the reference. :func:`smt_latency_percentile`
  gives the closed forms in the fast- and slow-switching limits.
* **Roofline** (:func:`attainable_gflops`): min(peak, bandwidth x intensity); :data:`GRAVITON` holds the
  three generations' spec table with the peak derived from cores x frequency x FMA lanes, and
  :func:`measure_machine` measures the reader's own machine (numpy triad, a large matmul, a sparse
  matrix-vector product).

Run ``python -m labsupport.graviton --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

import math
import textwrap
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .common import (
    Problem,
    Solution,
    check_array,
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_probability,
    check_result_finite,
    check_str,
    make_rng,
    run_cli,
)

__all__ = [
    "POLICIES",
    "PREDICTORS",
    "TRACE_KINDS",
    "BRANCH_KINDS",
    "CacheResult",
    "simulate_cache",
    "miss_rate_curve",
    "address_trace",
    "PredictorResult",
    "simulate_predictor",
    "predictor_accuracy",
    "branch_trace",
    "mpki",
    "ipc_with_stalls",
    "SmtResult",
    "simulate_smt",
    "simulate_smt_events",
    "simulate_smt_pair",
    "smt_latency_percentile",
    "GravitonSpec",
    "GRAVITON",
    "peak_gflops",
    "attainable_gflops",
    "ridge_intensity",
    "KernelResult",
    "RooflineResult",
    "measure_bandwidth_gb_s",
    "measure_matmul_gflops",
    "measure_spmv",
    "measure_machine",
    "pose_problem",
    "solve",
    "main",
]

#: Replacement policies of :func:`simulate_cache`.
POLICIES = ("lru", "fifo", "random")
#: Predictors of :func:`predictor_accuracy`.
PREDICTORS = ("static-taken", "one-bit", "two-bit", "gshare")
#: Address traces of :func:`address_trace`.
TRACE_KINDS = ("stream", "strided", "random", "pointer-chase", "web-server")
#: Branch traces of :func:`branch_trace`.
BRANCH_KINDS = ("loop", "correlated", "pattern", "random")

#: Longest trace any simulation here accepts (a few hundred MB of arrays at most).
MAX_ACCESSES = 50_000_000
#: Most on/off periods of an SMT sibling one simulation draws (about 160 MB of float64 at most).
MAX_SIBLING_PERIODS = 20_000_000
#: Largest address accepted (2^62 bytes), so that line and tag arithmetic stays inside int64.
MAX_ADDRESS = 1 << 62
#: Largest cache simulated, in lines (2**20 lines = 64 MiB of 64-byte lines, above any CPU cache): the
#: per-set tables are allocated up front.
MAX_CACHE_LINES = 1 << 20
#: Largest line size, bytes.
MAX_LINE_BYTES = 1 << 20
#: Longest time scale (ms) an SMT simulation accepts: n / arrival_rate, a sibling's burst or idle period.
MAX_SPAN_MS = 1e250


def _is_power_of_two(n: int) -> bool:
    return n > 0 and (n & (n - 1)) == 0


def _check_addresses(name: str, value: Any) -> np.ndarray:
    """A non-empty 1-D array of non-negative integer byte addresses, as int64."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f'"{name}" must be an array of integer addresses, got {type(value).__name__}')
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f'"{name}" must be an array of integer addresses, got {type(value).__name__}') from None
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            if np.any(np.abs(arr) >= MAX_ADDRESS):  # would not fit an int64 (numpy casts it to garbage)
                raise ValueError(f'"{name}" must be < 2**62, got {float(np.abs(arr).max())!r}')
            arr = arr.astype(np.int64)
        elif arr.size == 0 and arr.ndim == 1:
            raise ValueError(f'"{name}" must not be empty')
        else:
            raise TypeError(f'"{name}" must be an array of integer addresses, got dtype {arr.dtype}')
    if arr.ndim != 1:
        raise ValueError(f'"{name}" must be one-dimensional, got shape {arr.shape}')
    if arr.size == 0:
        raise ValueError(f'"{name}" must not be empty')
    if arr.size > MAX_ACCESSES:
        raise ValueError(f'"{name}" must hold at most {MAX_ACCESSES:,} accesses, got {arr.size:,}')
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) >= MAX_ADDRESS:
        raise ValueError(f'"{name}" must be < 2**62, got {int(arr.max())!r}')
    arr = arr.astype(np.int64, copy=False)
    if int(arr.min()) < 0:
        index = int(np.argmin(arr))
        raise ValueError(f'"{name}" must be >= 0, got {int(arr[index])!r} at index {index}')
    return arr


def _check_geometry(size_bytes: Any, line_bytes: Any, ways: Any) -> tuple[int, int, int, int]:
    size = check_int("size_bytes", size_bytes, minimum=1)
    line = check_int("line_bytes", line_bytes, minimum=1, maximum=MAX_LINE_BYTES)
    w = check_int("ways", ways, minimum=1)
    if size // line > MAX_CACHE_LINES:
        raise ValueError(f'"size_bytes" / "line_bytes" must be at most {MAX_CACHE_LINES:,} lines (a cache this '
                         f'model can hold in memory), got {size_bytes!r} / {line_bytes!r}')
    if not _is_power_of_two(line):
        raise ValueError(f'"line_bytes" must be a power of two, got {line!r}')
    if size % line:
        raise ValueError(f'"size_bytes" must be a multiple of line_bytes ({line}), got {size!r}')
    lines = size // line
    if lines % w:
        raise ValueError(f'"ways" must divide the number of lines ({lines} = size_bytes / line_bytes), got {w!r}')
    return size, line, w, lines // w


# ----------------------------------------------------------------------------------------------
# Caches
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CacheResult:
    """One simulated run of a set-associative cache over an address trace.

    Attributes
    ----------
    size_bytes, line_bytes, ways : int
        The cache's geometry: capacity, line (block) size and associativity.
    n_sets : int
        size_bytes / (line_bytes x ways).
    policy : str
        Replacement policy ("lru", "fifo" or "random").
    hits : numpy.ndarray of bool, shape (n,)
        ``hits[i]`` is True when access ``i`` found its line in the cache.
    miss_rate : float
        Fraction of accesses that missed (compulsory misses included).
    """

    size_bytes: int
    line_bytes: int
    ways: int
    n_sets: int
    policy: str
    hits: np.ndarray = field(repr=False)
    miss_rate: float = 0.0

    @property
    def n_accesses(self) -> int:
        """Number of accesses simulated."""
        return int(self.hits.size)

    @property
    def misses(self) -> int:
        """Number of accesses that missed."""
        return int(self.hits.size - np.count_nonzero(self.hits))

    def miss_rate_after(self, warmup: int) -> float:
        """Miss rate of the accesses after the first ``warmup`` (which fill the cache)."""
        warmup = check_int("warmup", warmup, minimum=0, maximum=self.n_accesses - 1)
        return float(1.0 - np.count_nonzero(self.hits[warmup:]) / (self.n_accesses - warmup))


def _simulate_sets_vectorised(lines: np.ndarray, n_sets: int, ways: int, policy: str,
                              draws: np.ndarray | None) -> np.ndarray:
    """Step through every set at once: step j handles the j-th access of each set."""
    n = lines.size
    set_of = lines % n_sets
    # a stable sort of small integers is a radix sort in numpy: O(n), about 5x quicker than a comparison sort
    keys = set_of.astype(np.uint16) if n_sets <= 1 << 16 else set_of
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(set_of, minlength=n_sets)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    by_count = np.argsort(-counts, kind="stable")  # busiest set first: the active sets are a prefix
    counts_desc = counts[by_count]
    n_active_sets = int(np.count_nonzero(counts_desc))
    start_pos = starts[by_count[:n_active_sets]]
    max_count = int(counts_desc[0])
    # active[j] = how many sets have more than j accesses
    active = np.searchsorted(-counts_desc[:n_active_sets], -np.arange(max_count), side="left")
    sorted_lines = lines[order]
    sorted_draws = None if draws is None else draws[order]
    tags = np.full((n_active_sets, ways), -1, dtype=np.int64)   # -1: an empty (invalid) way
    stamps = np.full((n_active_sets, ways), -1, dtype=np.int64)  # last use (LRU) or fill time (FIFO)
    rows_all = np.arange(n_active_sets)
    hits_sorted = np.empty(n, dtype=bool)
    for j in range(max_count):
        k = int(active[j])
        pos = start_pos[:k] + j
        t = sorted_lines[pos]
        tg = tags[:k]
        st = stamps[:k]
        match = tg == t[:, None]
        hit = match.any(axis=1)
        hits_sorted[pos] = hit
        if policy == "lru":
            way = np.where(hit, match.argmax(axis=1), st.argmin(axis=1))
            rows = rows_all[:k]
            tg[rows, way] = t
            st[rows, way] = j
        else:
            miss = ~hit
            if not miss.any():
                continue
            rows = rows_all[:k][miss]
            if policy == "fifo":
                way = st[rows].argmin(axis=1)  # oldest fill; empty ways (-1) first, lowest index first
            else:  # random: the lowest empty way, else a pre-drawn random way
                empty = tg[rows] == -1
                way = np.where(empty.any(axis=1), empty.argmax(axis=1), sorted_draws[pos[miss]])
            tg[rows, way] = t[miss]
            st[rows, way] = j
    hits = np.empty(n, dtype=bool)
    hits[order] = hits_sorted
    return hits


def _simulate_loop(lines: np.ndarray, n_sets: int, ways: int, policy: str, draws: np.ndarray | None) -> np.ndarray:
    """One access at a time; each set is a dict whose insertion order is the recency (or fill) order."""
    n = lines.size
    hits = np.zeros(n, dtype=bool)
    sets: dict[int, dict] = {}
    line_list = lines.tolist()
    if policy == "random":
        draw_list = draws.tolist()
        slots: dict[int, list] = {}
        for i, line in enumerate(line_list):
            s = line % n_sets
            d = sets.get(s)
            if d is None:
                d = sets[s] = {}
                slots[s] = []
            if line in d:
                hits[i] = True
                continue
            slot_list = slots[s]
            if len(slot_list) < ways:
                d[line] = len(slot_list)
                slot_list.append(line)
            else:
                w = draw_list[i]
                del d[slot_list[w]]
                slot_list[w] = line
                d[line] = w
        return hits
    lru = policy == "lru"
    set_dicts = [{} for _ in range(n_sets)] if n_sets <= 1 << 20 else None
    set_list = (lines % n_sets).tolist()
    for i, line in enumerate(line_list):
        if set_dicts is not None:
            d = set_dicts[set_list[i]]
        else:
            d = sets.get(set_list[i])
            if d is None:
                d = sets[set_list[i]] = {}
        if line in d:
            hits[i] = True
            if lru:
                del d[line]
                d[line] = None
        else:
            if len(d) >= ways:
                del d[next(iter(d))]
            d[line] = None
    return hits


def simulate_cache(addresses: Any, *, size_bytes: int, line_bytes: int, ways: int, policy: str = "lru",
                   rng: Any = None, method: str = "auto") -> CacheResult:
    """Simulate a set-associative cache over a trace of byte addresses, access by access.

    Line ``addr // line_bytes`` maps to set ``line % n_sets`` with n_sets = size_bytes / (line_bytes x ways).
    Every access allocates its line on a miss (reads and writes are not distinguished). An empty way is
    filled before anything is evicted; when the set is full the victim is the least recently used line
    (``"lru"``), the line filled longest ago (``"fifo"``), or a uniformly random way (``"random"``).

    Parameters
    ----------
    addresses : array_like of int, shape (n,)
        Byte addresses, >= 0, in access order (n >= 1).
    size_bytes : int
        Capacity in bytes; a multiple of ``line_bytes``.
    line_bytes : int
        Line (block) size in bytes; a power of two (64 on Graviton).
    ways : int
        Associativity (>= 1), dividing size_bytes / line_bytes. ``ways = size_bytes // line_bytes`` makes
        the cache fully associative; ``ways = 1`` direct-mapped.
    policy : {"lru", "fifo", "random"}, default="lru"
        Replacement policy.
    rng : None, int or numpy.random.Generator, optional
        Randomness for ``policy="random"`` (one draw per access, in trace order); unused otherwise.
    method : {"auto", "vector", "loop"}, default="auto"
        ``"vector"`` steps through all sets at once with numpy, ``"loop"`` handles one access at a time;
        both give identical results. ``"auto"`` picks the faster one for this trace.

    Returns
    -------
    CacheResult
        ``hits`` (one flag per access) and ``miss_rate``.

    Raises
    ------
    TypeError
        If ``addresses`` are not integers, or a size is not an integer.
    ValueError
        If ``addresses`` is empty or negative, ``line_bytes`` is not a power of two, ``size_bytes`` is not a
        multiple of it, ``ways`` < 1 or does not divide the number of lines, or ``policy`` is unknown; or the
        cache exceeds ``MAX_CACHE_LINES`` (2**20) lines, a line ``MAX_LINE_BYTES``, or an address 2**62.

    Examples
    --------
    >>> r = simulate_cache([0, 64, 0, 128, 0], size_bytes=128, line_bytes=64, ways=2)
    >>> r.hits.tolist(), r.miss_rate
    ([False, False, True, False, True], 0.6)
    """
    size, line, w, n_sets = _check_geometry(size_bytes, line_bytes, ways)
    policy = check_choice("policy", policy, POLICIES)
    method = check_choice("method", method, ("auto", "vector", "loop"))
    addr = _check_addresses("addresses", addresses)
    rng = make_rng(rng)
    lines = addr >> (line.bit_length() - 1)
    draws = rng.integers(0, w, size=lines.size) if policy == "random" else None
    if method == "auto":
        # Cost model measured on this course's machine: a numpy step over all sets costs about as much as
        # 50 single accesses in the loop, and the vector path needs one step per access of the busiest set.
        busiest = int(np.bincount(lines % n_sets).max()) if n_sets > 1 else lines.size
        method = "vector" if busiest * 50 < lines.size else "loop"
    if method == "vector":
        hits = _simulate_sets_vectorised(lines, n_sets, w, policy, draws)
    else:
        hits = _simulate_loop(lines, n_sets, w, policy, draws)
    miss_rate = float(1.0 - np.count_nonzero(hits) / hits.size)
    return CacheResult(size, line, w, n_sets, policy, hits, miss_rate)


def miss_rate_curve(addresses: Any, sizes_bytes: Any, *, line_bytes: int = 64, ways: int = 8,
                    policy: str = "lru", warmup: int = 0, rng: Any = None) -> np.ndarray:
    """Miss rate of one trace across cache sizes (same line size, associativity and policy).

    Parameters
    ----------
    addresses : array_like of int, shape (n,)
        The trace (see :func:`simulate_cache`).
    sizes_bytes : array_like of int, shape (k,)
        Cache sizes to try, each valid for ``line_bytes`` and ``ways``.
    line_bytes : int, default=64
    ways : int, default=8
        Associativity; a size smaller than ``ways`` lines is simulated fully associative.
    policy : {"lru", "fifo", "random"}, default="lru"
    warmup : int, default=0
        Accesses at the start that fill the cache and are not counted (0 <= warmup < n).
    rng : None, int or numpy.random.Generator, optional
        For the random policy.

    Returns
    -------
    numpy.ndarray of float, shape (k,)

    Raises
    ------
    ValueError
        As :func:`simulate_cache`, or if ``warmup`` is out of range.

    Examples
    --------
    >>> miss_rate_curve(list(range(0, 64 * 8, 64)) * 4, [256, 512], ways=2).tolist()
    [1.0, 0.25]
    """
    addr = _check_addresses("addresses", addresses)
    sizes = check_array("sizes_bytes", sizes_bytes, minimum=1)
    if np.any(sizes != np.round(sizes)):
        raise TypeError(f'"sizes_bytes" must be integers, got {sizes.tolist()!r}')
    if np.any(sizes >= MAX_ADDRESS):
        raise ValueError(f'"sizes_bytes" must be < 2**62, got {float(sizes.max())!r}')
    warmup = check_int("warmup", warmup, minimum=0, maximum=addr.size - 1)
    line_bytes = check_int("line_bytes", line_bytes, minimum=1)
    ways = check_int("ways", ways, minimum=1)
    rng = make_rng(rng)
    out = np.empty(sizes.size)
    for i, size in enumerate(sizes.astype(np.int64).tolist()):
        w = min(ways, max(1, size // line_bytes))
        try:
            r = simulate_cache(addr, size_bytes=size, line_bytes=line_bytes, ways=w, policy=policy, rng=rng)
        except ValueError as err:  # say which size of the sweep it was
            raise ValueError(f'"sizes_bytes"[{i}] = {size}: {err}') from None
        out[i] = r.miss_rate_after(warmup) if warmup else r.miss_rate
    return out


def _zipf_choice(rng: np.random.Generator, n_items: int, exponent: float, size: int) -> np.ndarray:
    weights = np.arange(1, n_items + 1, dtype=float) ** -exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), n_items - 1)


def address_trace(kind: str, n_accesses: int, *, working_set_bytes: int, line_bytes: int = 64,
                  stride_bytes: int = 256, code_bytes: int = 4 << 20, rng: Any = None) -> np.ndarray:
    """A synthetic trace of byte addresses.

    Parameters
    ----------
    kind : {"stream", "strided", "random", "pointer-chase", "web-server"}
        * ``"stream"``: 8-byte elements read in order, wrapping around the working set (a loop over an
          array); 8 consecutive accesses share a 64-byte line.
        * ``"strided"``: every ``stride_bytes``-th byte, wrapping around the working set.
        * ``"random"``: uniform random 8-byte elements of the working set.
        * ``"pointer-chase"``: a linked list whose nodes (one per line) are laid out in random order;
          following it visits every line of the working set once per lap, in the same random order.
        * ``"web-server"``: a mix with a large code footprint. Half of the accesses are instruction
          fetches: a handler is chosen with Zipf(1) popularity among the ``code_bytes`` of code
          (1 KiB handlers) and its 16 lines are fetched in order. The other half are data accesses:
          Zipf(1) popularity over the lines of the working set (hot objects hit again and again).
          Code and data live in separate address ranges.
    n_accesses : int
        Length of the trace (>= 1).
    working_set_bytes : int
        Bytes of data the trace touches (>= line_bytes).
    line_bytes : int, default=64
        Line size, a power of two (the pointer chase and web-server traces work in lines).
    stride_bytes : int, default=256
        Stride of ``"strided"`` (>= 1).
    code_bytes : int, default=4 MiB
        Code footprint of ``"web-server"`` (>= 1 KiB).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of int64, shape (n_accesses,)

    Raises
    ------
    ValueError
        On an unknown kind or out-of-range sizes.

    Examples
    --------
    >>> address_trace("stream", 5, working_set_bytes=1024).tolist()
    [0, 8, 16, 24, 32]
    """
    kind = check_choice("kind", kind, TRACE_KINDS)
    n = check_int("n_accesses", n_accesses, minimum=1, maximum=MAX_ACCESSES)
    line = check_int("line_bytes", line_bytes, minimum=1)
    if not _is_power_of_two(line):
        raise ValueError(f'"line_bytes" must be a power of two, got {line!r}')
    ws = check_int("working_set_bytes", working_set_bytes, minimum=1, maximum=MAX_ADDRESS // 4)
    if ws < line:
        raise ValueError(f'"working_set_bytes" must be >= {line} (the value of "line_bytes"), got {ws}')
    stride = check_int("stride_bytes", stride_bytes, minimum=1)
    code = check_int("code_bytes", code_bytes, minimum=1024, maximum=MAX_ADDRESS // 4)
    rng = make_rng(rng)
    i = np.arange(n, dtype=np.int64)
    if kind == "stream":
        return (i * 8) % ws
    if kind == "strided":
        return (i * stride) % ws
    if kind == "random":
        return rng.integers(0, max(ws // 8, 1), size=n, dtype=np.int64) * 8
    n_lines = ws // line
    if kind == "pointer-chase":
        cycle = rng.permutation(n_lines).astype(np.int64)
        return cycle[i % n_lines] * line
    # web-server: instruction fetches (16-line handlers) interleaved with data accesses
    n_handlers = max(code // 1024, 1)
    lines_per_handler = 1024 // line if line <= 1024 else 1
    n_calls = -(-n // lines_per_handler) + 1
    handlers = _zipf_choice(rng, n_handlers, 1.0, n_calls)
    handlers = rng.permutation(n_handlers)[handlers]  # popular handlers are not all at the start of the code
    code_addr = (handlers[:, None] * 1024 + np.arange(lines_per_handler) * line).ravel()
    data_lines = rng.permutation(n_lines)[_zipf_choice(rng, n_lines, 1.0, n)]
    data_addr = n_handlers * 1024 + data_lines.astype(np.int64) * line  # the heap lies above the code
    is_code = rng.random(n) < 0.5
    n_code = int(np.count_nonzero(is_code))
    out = np.empty(n, dtype=np.int64)
    out[is_code] = code_addr[:n_code]  # n_calls handlers give at least n fetches
    out[~is_code] = data_addr[: n - n_code]
    return out


# ----------------------------------------------------------------------------------------------
# Branch predictors
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PredictorResult:
    """One branch predictor run over a trace.

    Attributes
    ----------
    predictor : str
        Which predictor.
    params : dict
        Its parameters (table entries, history bits, counter bits).
    correct : numpy.ndarray of bool, shape (n,)
        ``correct[i]`` is True when branch ``i`` was predicted correctly.
    accuracy : float
        Fraction predicted correctly.
    """

    predictor: str
    params: dict
    correct: np.ndarray = field(repr=False)
    accuracy: float = 0.0

    @property
    def mispredictions(self) -> int:
        """Number of mispredicted branches."""
        return int(self.correct.size - np.count_nonzero(self.correct))


def _check_outcomes(value: Any) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f'"outcomes" must be an array of True/False (taken / not taken), got {type(value).__name__}')
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f'"outcomes" must be an array of True/False, got {type(value).__name__}') from None
    if arr.ndim != 1:
        raise ValueError(f'"outcomes" must be one-dimensional, got shape {arr.shape}')
    if arr.size == 0:
        raise ValueError('"outcomes" must not be empty')
    if arr.dtype != bool:
        if arr.dtype.kind not in "iuf" or not np.all(np.isin(arr, (0, 1))):
            raise TypeError(f'"outcomes" must hold True/False (or 1/0), got dtype {arr.dtype}')
        arr = arr.astype(bool)
    if arr.size > MAX_ACCESSES:
        raise ValueError(f'"outcomes" must hold at most {MAX_ACCESSES:,} branches, got {arr.size:,}')
    return arr


def simulate_predictor(outcomes: Any, predictor: str, *, pcs: Any = None, table_entries: int = 16_384,
                       history_bits: int = 14, counter_bits: int = 2) -> PredictorResult:
    """Run a branch predictor over a trace of branch outcomes, branch by branch.

    * ``"static-taken"``: always predicts taken (what a CPU does with a branch it has never seen).
    * ``"one-bit"``: a table of ``table_entries`` bits indexed by the branch address; predicts what the
      branch did last time.
    * ``"two-bit"``: a table of saturating counters of ``counter_bits`` bits (0 .. 2^b - 1; the upper half
      predicts taken) indexed by the branch address; a counter moves one step towards each outcome, so
      one surprise does not flip a strongly biased prediction.
    * ``"gshare"``: the same counters indexed by (address XOR the last ``history_bits`` outcomes of all
      branches) mod ``table_entries`` (McFarling 1993). The defaults are ChampSim's gshare:
      14 history bits, 2-bit counters, 16,384 entries.

    Counters start at the weakly-not-taken state (2^(b-1) - 1); one-bit entries start not-taken.

    Parameters
    ----------
    outcomes : array_like of bool, shape (n,)
        True = taken, in program order.
    predictor : {"static-taken", "one-bit", "two-bit", "gshare"}
    pcs : array_like of int, shape (n,), optional
        Address of each branch (default: all branches at address 0, one static branch).
    table_entries : int, default=16_384
        Entries of the predictor table (>= 1).
    history_bits : int, default=14
        Global history length of gshare (0 .. 62).
    counter_bits : int, default=2
        Bits per saturating counter (1 .. 8).

    Returns
    -------
    PredictorResult

    Raises
    ------
    TypeError, ValueError
        On an unknown predictor, empty or non-boolean outcomes, pcs of another length, or bad sizes.

    Examples
    --------
    >>> simulate_predictor([True] * 9 + [False], "two-bit").mispredictions  # the first branch and the exit
    2
    """
    predictor = check_choice("predictor", predictor, PREDICTORS)
    out = _check_outcomes(outcomes)
    entries = check_int("table_entries", table_entries, minimum=1, maximum=1 << 26)
    hbits = check_int("history_bits", history_bits, minimum=0, maximum=62)
    cbits = check_int("counter_bits", counter_bits, minimum=1, maximum=8)
    if pcs is None:
        pc = np.zeros(out.size, dtype=np.int64)
    else:
        pc = _check_addresses("pcs", pcs)
        if pc.size != out.size:
            raise ValueError(f'"pcs" must have one address per outcome ({out.size}), got {pc.size}')
    params = {"table_entries": entries, "history_bits": hbits, "counter_bits": cbits}
    if predictor == "static-taken":
        correct = out.copy()
    elif predictor == "one-bit":
        correct = np.empty(out.size, dtype=bool)
        table = bytearray(entries)
        for i, (p, o) in enumerate(zip((pc % entries).tolist(), out.tolist())):
            correct[i] = bool(table[p]) == o
            table[p] = o
    else:
        top = (1 << cbits) - 1
        threshold = 1 << (cbits - 1)
        table = [threshold - 1] * entries
        correct = np.empty(out.size, dtype=bool)
        hist = 0
        hmask = (1 << hbits) - 1
        gshare = predictor == "gshare"
        for i, (p, o) in enumerate(zip(pc.tolist(), out.tolist())):
            idx = ((p ^ hist) if gshare else p) % entries
            c = table[idx]
            correct[i] = (c >= threshold) == o
            if o:
                if c < top:
                    table[idx] = c + 1
            elif c > 0:
                table[idx] = c - 1
            if gshare:
                hist = ((hist << 1) | o) & hmask
    accuracy = float(np.count_nonzero(correct) / out.size)
    return PredictorResult(predictor, params, correct, accuracy)


def predictor_accuracy(outcomes: Any, predictor: str, **params: Any) -> float:
    """Fraction of branches a predictor gets right on a trace (see :func:`simulate_predictor`).

    Parameters
    ----------
    outcomes : array_like of bool, shape (n,)
        True = taken.
    predictor : {"static-taken", "one-bit", "two-bit", "gshare"}
    **params
        ``pcs``, ``table_entries``, ``history_bits``, ``counter_bits`` as in :func:`simulate_predictor`.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError, ValueError
        As :func:`simulate_predictor`, or on an unknown keyword.

    Examples
    --------
    >>> predictor_accuracy([True, True, False, True], "static-taken")
    0.75
    """
    allowed = ("pcs", "table_entries", "history_bits", "counter_bits")
    for key in params:
        if key not in allowed:
            raise TypeError(f'unknown predictor parameter "{key}"; use one of {", ".join(allowed)}')
    return simulate_predictor(outcomes, predictor, **params).accuracy


def branch_trace(kind: str, n_branches: int, *, loop_iterations: int = 10, taken_probability: float = 0.5,
                 pattern: str = "TTN", rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic branch trace: (branch addresses, outcomes).

    Parameters
    ----------
    kind : {"loop", "correlated", "pattern", "random"}
        * ``"loop"``: the backward branch of a loop of ``loop_iterations`` iterations, entered again and
          again: taken ``loop_iterations - 1`` times, then not taken (the exit). One static branch.
        * ``"correlated"``: two branches in turn. Branch A (address 0x40) depends on data: taken with
          probability ``taken_probability``. Branch B (0x80) tests the same condition, so it does exactly
          what A just did; on its own B looks random, but after A it is certain.
        * ``"pattern"``: one branch repeating ``pattern`` (T = taken, N = not taken).
        * ``"random"``: one data-dependent branch, taken with probability ``taken_probability``.
    n_branches : int
        Length of the trace (>= 1).
    loop_iterations : int, default=10
        Iterations per loop entry (>= 1).
    taken_probability : float, default=0.5
        For the data-dependent branches.
    pattern : str, default="TTN"
        Letters T and N.
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    pcs : numpy.ndarray of int64, shape (n_branches,)
    outcomes : numpy.ndarray of bool, shape (n_branches,)

    Raises
    ------
    ValueError
        On an unknown kind or bad parameters.

    Examples
    --------
    >>> branch_trace("loop", 6, loop_iterations=3)[1].tolist()
    [True, True, False, True, True, False]
    """
    kind = check_choice("kind", kind, BRANCH_KINDS)
    n = check_int("n_branches", n_branches, minimum=1, maximum=MAX_ACCESSES)
    iters = check_int("loop_iterations", loop_iterations, minimum=1, maximum=1_000_000)
    p = check_probability("taken_probability", taken_probability)
    pattern = pattern if isinstance(pattern, str) else None
    if pattern is None or not pattern or set(pattern) - {"T", "N"}:
        raise ValueError(f'"pattern" must be a non-empty string of T and N, got {pattern!r}')
    rng = make_rng(rng)
    i = np.arange(n)
    if kind == "loop":
        return np.full(n, 0x40, dtype=np.int64), (i % iters) != iters - 1
    if kind == "pattern":
        bits = np.array([c == "T" for c in pattern])
        return np.full(n, 0x40, dtype=np.int64), bits[i % bits.size]
    if kind == "random":
        return np.full(n, 0x40, dtype=np.int64), rng.random(n) < p
    a = rng.random((n + 1) // 2) < p
    outcomes = np.repeat(a, 2)[:n]
    pcs = np.where(i % 2 == 0, 0x40, 0x80).astype(np.int64)
    return pcs, outcomes


def mpki(mispredictions: float, instructions: float) -> float:
    """Mispredictions (or misses) per kilo-instruction: 1000 x events / instructions.

    Parameters
    ----------
    mispredictions : float
        Count of events (>= 0).
    instructions : float
        Instructions executed (> 0).

    Returns
    -------
    float

    Examples
    --------
    >>> mpki(25, 5000)
    5.0
    """
    m = check_finite("mispredictions", mispredictions)
    if m < 0:
        raise ValueError(f'"mispredictions" must be >= 0, got {m!r}')
    return 1000.0 * m / check_positive("instructions", instructions)


def ipc_with_stalls(peak_ipc: float, branch_mpki: float, *, mispredict_penalty_cycles: float = 13.0,
                    icache_mpki: float = 0.0, icache_miss_cycles: float = 10.0) -> float:
    """Instructions per cycle once front-end stalls are added: a CPI stack.

    A core that could retire ``peak_ipc`` instructions per cycle spends 1 / peak_ipc cycles per
    instruction; every mispredicted branch throws away the work fetched after it and costs about
    ``mispredict_penalty_cycles`` to refill the pipeline, and every instruction-cache miss stalls fetch
    for ``icache_miss_cycles``. Adding the cycles per instruction:

        CPI = 1 / peak_ipc + (branch_mpki / 1000) x penalty + (icache_mpki / 1000) x miss cycles,
        IPC = 1 / CPI.

    The penalties are illustrative defaults (a mispredict costs a pipeline refill of roughly a dozen
    cycles on a wide out-of-order core; an L1I miss that hits L2 about ten); the lab varies them.

    Parameters
    ----------
    peak_ipc : float
        IPC with a perfect front end (> 0), e.g. the dispatch width or what the back end sustains.
    branch_mpki : float
        Branch mispredictions per kilo-instruction (>= 0).
    mispredict_penalty_cycles : float, default=13.0
        Cycles lost per misprediction (>= 0).
    icache_mpki : float, default=0.0
        Instruction-cache misses per kilo-instruction (>= 0).
    icache_miss_cycles : float, default=10.0
        Cycles lost per instruction-cache miss (>= 0).

    Returns
    -------
    float

    Examples
    --------
    >>> round(ipc_with_stalls(4.0, 10.0, mispredict_penalty_cycles=15.0), 3)
    2.5
    """
    peak = check_positive("peak_ipc", peak_ipc)
    values = {}
    for name, value in (("branch_mpki", branch_mpki), ("mispredict_penalty_cycles", mispredict_penalty_cycles),
                        ("icache_mpki", icache_mpki), ("icache_miss_cycles", icache_miss_cycles)):
        v = check_finite(name, value)
        if v < 0:
            raise ValueError(f'"{name}" must be >= 0, got {v!r}')
        values[name] = v
    cpi = (1.0 / peak + values["branch_mpki"] / 1000.0 * values["mispredict_penalty_cycles"]
           + values["icache_mpki"] / 1000.0 * values["icache_miss_cycles"])
    return 1.0 / cpi


# ----------------------------------------------------------------------------------------------
# SMT: a request queue on a hardware thread whose sibling steals part of the core
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtResult:
    """Request latencies on one hardware thread (or one core, with ``shared_core=False``).

    Attributes
    ----------
    arrival_rate, service_rate : float
        lambda and mu in requests per ms (mu: a request's service rate on a core of its own).
    sibling_busy_fraction : float
        Fraction of time the sibling hardware thread runs (0 when ``shared_core`` is False).
    sibling_burst_ms : float
        Mean length of one busy period of the sibling, in ms (NaN from :func:`simulate_smt_pair`, whose
        sibling serves its own queue rather than bursts of a given length).
    smt_speed : float
        Our thread's speed while the sibling runs, as a fraction of its solo speed.
    shared_core : bool
        True: two hardware threads on one core (SMT). False: one thread per physical core.
    latencies_ms : numpy.ndarray, shape (n,)
        Time from arrival to completion of each request, in arrival order.
    """

    arrival_rate: float
    service_rate: float
    sibling_busy_fraction: float
    sibling_burst_ms: float
    smt_speed: float
    shared_core: bool
    latencies_ms: np.ndarray = field(repr=False)

    def percentile(self, q: float) -> float:
        """The q-th percentile of latency, in ms."""
        q = check_finite("q", q)
        if not 0 <= q <= 100:
            raise ValueError(f'"q" must be in [0, 100], got {q!r}')
        return float(np.percentile(self.latencies_ms, q))

    @property
    def mean_ms(self) -> float:
        """Mean latency in ms."""
        return float(self.latencies_ms.mean())


def _check_smt(arrival_rate, service_rate, sibling_busy_fraction, sibling_burst_ms, smt_speed, n_requests):
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    u = check_probability("sibling_busy_fraction", sibling_busy_fraction)
    burst = check_positive("sibling_burst_ms", sibling_burst_ms)
    s = check_probability("smt_speed", smt_speed)
    if s == 0:
        raise ValueError('"smt_speed" must be > 0 (a thread that never runs never finishes), got 0.0')
    n = check_int("n_requests", n_requests, minimum=1, maximum=MAX_ACCESSES)
    # Time scales a run of n requests spans: beyond MAX_SPAN_MS its sums would leave the float range.
    capacity = mu * s  # may underflow to 0
    scales = {'"n_requests" / "arrival_rate"': n / lam,
              '"n_requests" / ("service_rate" x "smt_speed")': n / capacity if capacity > 0 else math.inf,
              '"sibling_burst_ms"': burst,
              '"sibling_burst_ms" x (1 - "sibling_busy_fraction") / "sibling_busy_fraction"':
                  burst * (1.0 - u) / u if u > 0 else 0.0}
    for what, value in scales.items():
        if not value <= MAX_SPAN_MS:
            raise ValueError(f"{what} must be at most {MAX_SPAN_MS:g} ms (a time scale the simulation can add up), "
                             f"got {value:.4g} (arrival_rate={lam!r}, service_rate={mu!r}, smt_speed={s!r}, "
                             f"sibling_busy_fraction={u!r})")
    return lam, mu, u, burst, s, n


def _smt_draws(lam, mu, u, burst, s, n, rng, shared):
    """Arrivals, work (ms of solo time) and the sibling's on/off schedule covering the whole run."""
    arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
    work = rng.exponential(1.0 / mu, n)
    # Our thread never runs slower than s, so it finishes no later than the same queue served at speed s
    # throughout (Lindley's recursion at constant speed): a tight end for the sibling's schedule.
    done_at_s = np.cumsum(work) / s
    horizon = float(done_at_s[-1] + np.max(arrivals - (done_at_s - work / s))) + 1.0
    if not shared or u == 0.0:
        return arrivals, work, np.array([0.0, horizon]), np.array([False])
    if u == 1.0:
        return arrivals, work, np.array([0.0, horizon]), np.array([True])
    mean_off = burst * (1.0 - u) / u
    expected_periods = 2.0 * horizon / (burst + mean_off) + 16
    if expected_periods > MAX_SIBLING_PERIODS:
        raise ValueError(f'"sibling_burst_ms" ({burst!r}) is too short for a run of {n:,} requests ("n_requests", at '
                         f'"arrival_rate" {lam!r}, "service_rate" {mu!r}, "smt_speed" {s!r}): the sibling '
                         f"would switch about {expected_periods:,.0f} times (at most {MAX_SIBLING_PERIODS:,}); "
                         "use longer bursts or fewer requests")
    busy = bool(rng.random() < u)
    chunks, states, t = [], [], 0.0
    while t < horizon:
        pairs = int(min(max(16, 1.2 * (horizon - t) / (burst + mean_off) + 16), MAX_SIBLING_PERIODS))
        on = rng.exponential(burst, pairs)
        off = rng.exponential(mean_off, pairs)
        d = np.empty(2 * pairs)
        d[0::2], d[1::2] = (on, off) if busy else (off, on)
        times = t + np.cumsum(d)
        chunks.append(times)
        states.append(np.tile([busy, not busy], pairs))
        t = float(times[-1])
    return arrivals, work, np.concatenate([[0.0], *chunks]), np.concatenate(states)


def _check_smt_run(arrival_rate, service_rate, sibling_busy_fraction, sibling_burst_ms, smt_speed, n_requests,
                   shared_core):
    """The checks shared by :func:`simulate_smt` and its event-by-event reference, stability included."""
    lam, mu, u, burst, s, n = _check_smt(arrival_rate, service_rate, sibling_busy_fraction, sibling_burst_ms,
                                         smt_speed, n_requests)
    shared = check_bool("shared_core", shared_core)
    capacity = mu * ((1.0 - u + u * s) if shared else 1.0)
    if lam >= capacity:
        raise ValueError(f"unstable queue: arrival_rate ({lam!r}) >= mean capacity ({capacity:.4g} per ms = "
                         "service_rate x (1 - u + u x smt_speed))")
    return lam, mu, u, burst, s, n, shared


def simulate_smt(arrival_rate: float, service_rate: float, n_requests: int, *, sibling_busy_fraction: float = 0.5,
                 sibling_burst_ms: float = 1.0, smt_speed: float = 0.6, shared_core: bool = True,
                 rng: Any = None) -> SmtResult:
    """Latency of requests served FCFS by one hardware thread whose SMT sibling runs a co-runner.

    Requests arrive as a Poisson stream of rate ``arrival_rate`` per ms; each needs exponentially
    distributed work with mean 1 / ``service_rate`` ms of solo core time. With ``shared_core`` the
    sibling thread alternates between busy periods (exponential, mean ``sibling_burst_ms``) and idle
    periods, busy a fraction ``sibling_busy_fraction`` of the time; while it is busy our thread runs at
    ``smt_speed`` of its solo speed (the two threads share the core's fetch, execution units and caches).
    With ``shared_core=False`` the vCPU is a whole physical core, as on Graviton: no sibling.

    The sibling's schedule fixes a work clock C(t) = integral of our speed; the queue is an ordinary FCFS
    queue in work time (Lindley's recursion, vectorised with a running maximum), and completion times
    are mapped back with C^-1. :func:`simulate_smt_events` computes the same sample path event by event.

    Parameters
    ----------
    arrival_rate : float
        lambda, requests per ms (> 0).
    service_rate : float
        mu, requests per ms on a core of its own (> 0).
    n_requests : int
        Requests simulated (>= 1).
    sibling_busy_fraction : float, default=0.5
        Co-runner intensity u in [0, 1].
    sibling_burst_ms : float, default=1.0
        Mean busy period of the co-runner, ms (> 0).
    smt_speed : float, default=0.6
        Our speed while the sibling runs, in (0, 1]. 0.5 means the two threads split the core evenly
        (no SMT gain); 0.6 means the core does 1.2x the work with both threads busy.
    shared_core : bool, default=True
        False: one thread per physical core (no sibling).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    SmtResult

    Raises
    ------
    ValueError
        On a non-positive rate, a fraction outside [0, 1], ``smt_speed`` of 0, or an unstable queue
        (lambda must be below the mean capacity mu (1 - u + u s)); or when a time scale of the run
        (n / lambda, n / (mu s), a sibling's mean busy or idle period) exceeds ``MAX_SPAN_MS`` (1e250 ms).

    Examples
    --------
    >>> r = simulate_smt(0.5, 1.0, 20_000, sibling_busy_fraction=0.0, rng=1)
    >>> round(r.mean_ms, 1)  # M/M/1: 1 / (mu - lambda) = 2 ms
    2.0
    """
    lam, mu, u, burst, s, n, shared = _check_smt_run(arrival_rate, service_rate, sibling_busy_fraction,
                                                     sibling_burst_ms, smt_speed, n_requests, shared_core)
    rng = make_rng(rng)
    arrivals, work, edges, states = _smt_draws(lam, mu, u, burst, s, n, rng, shared)
    speeds = np.where(states, s, 1.0)
    clock = np.concatenate(([0.0], np.cumsum(speeds * np.diff(edges))))  # C at each edge
    tau = np.interp(arrivals, edges, clock)
    done_work = np.cumsum(work)
    departures_work = done_work + np.maximum.accumulate(tau - (done_work - work))
    departures = np.interp(departures_work, clock, edges)
    lat = np.maximum(departures - arrivals, 0.0)
    return SmtResult(lam, mu, u if shared else 0.0, burst, s, shared, lat)


def simulate_smt_events(arrival_rate: float, service_rate: float, n_requests: int, *,
                        sibling_busy_fraction: float = 0.5, sibling_burst_ms: float = 1.0, smt_speed: float = 0.6,
                        shared_core: bool = True, rng: Any = None) -> SmtResult:
    """:func:`simulate_smt` computed event by event (arrivals, completions, sibling switches): the reference.

    It draws the same random numbers in the same order, so with the same seed it returns the same sample
    path as the vectorised version (up to rounding). Parameters, Returns and Raises as :func:`simulate_smt`.

    Examples
    --------
    >>> a = simulate_smt_events(0.4, 1.0, 2000, rng=5)
    >>> b = simulate_smt(0.4, 1.0, 2000, rng=5)
    >>> bool(np.allclose(a.latencies_ms, b.latencies_ms))
    True
    """
    lam, mu, u, burst, s, n, shared = _check_smt_run(arrival_rate, service_rate, sibling_busy_fraction,
                                                     sibling_burst_ms, smt_speed, n_requests, shared_core)
    rng = make_rng(rng)
    arrivals, work, edges, states = _smt_draws(lam, mu, u, burst, s, n, rng, shared)
    arr = arrivals.tolist()
    edge = edges.tolist()
    state = states.tolist()
    lat = np.empty(n)
    queue: deque = deque()
    t = 0.0
    k = 0  # segment of the sibling schedule we are in
    nxt = 0  # next arrival
    remaining = 0.0  # solo-ms of work left for the request at the head
    done = 0
    while done < n:
        speed = s if state[k] else 1.0
        t_arrival = arr[nxt] if nxt < n else math.inf
        t_switch = edge[k + 1] if k + 1 < len(edge) - 1 else math.inf
        t_finish = t + remaining / speed if queue else math.inf
        t_next = min(t_arrival, t_switch, t_finish)
        if queue:
            remaining -= (t_next - t) * speed
        t = t_next
        if t_next == t_finish:
            i = queue.popleft()
            lat[i] = t - arr[i]
            done += 1
            remaining = work[queue[0]] if queue else 0.0
        elif t_next == t_arrival:
            queue.append(nxt)
            if len(queue) == 1:
                remaining = work[nxt]
            nxt += 1
        else:
            k += 1
    return SmtResult(lam, mu, u if shared else 0.0, burst, s, shared, lat)


def simulate_smt_pair(arrival_rate: float, service_rate: float, n_requests: int, *, smt_speed: float = 0.6,
                      rng: Any = None) -> SmtResult:
    """Two hardware threads of one core, each serving its own copy of the same request stream.

    Two vCPUs of an SMT core each run a FCFS queue (Poisson arrivals at ``arrival_rate``, exponential
    work of mean 1 / ``service_rate`` solo ms). Each thread runs at full speed while the other is idle and
    at ``smt_speed`` while both are busy. The core then carries 2 x arrival_rate requests per ms; compare
    one thread per core, which is an M/M/1 queue at ``arrival_rate``. Simulated event by event.

    Check values: with ``smt_speed = 1`` the two queues are independent M/M/1 queues; with
    ``smt_speed = 0.5`` the core completes work at rate mu whenever either thread is busy, so the number of
    requests on the core is that of an M/M/1 queue at 2 lambda, and the mean latency is 1 / (mu - 2 lambda).

    Parameters
    ----------
    arrival_rate : float
        lambda per thread, requests per ms (> 0).
    service_rate : float
        mu, requests per ms on a core alone (> 0).
    n_requests : int
        Requests per thread (>= 1).
    smt_speed : float, default=0.6
        Speed of each thread while both are busy, in (0, 1].
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    SmtResult
        ``latencies_ms`` holds both threads' requests (2 x n_requests); ``sibling_busy_fraction`` is the
        measured fraction of time the other thread was busy.

    Raises
    ------
    ValueError
        On bad parameters, or when the core cannot keep up with both threads busy
        (arrival_rate >= service_rate x smt_speed).

    Examples
    --------
    >>> r = simulate_smt_pair(0.25, 1.0, 4000, smt_speed=0.5, rng=2)
    >>> r.latencies_ms.size
    8000
    """
    lam, mu, _, _, s, n = _check_smt(arrival_rate, service_rate, 0.5, 1.0, smt_speed, n_requests)
    if lam >= mu * s:
        raise ValueError(f"unstable queue: arrival_rate ({lam!r}) >= service_rate x smt_speed ({mu * s:.4g} per ms), "
                         "what each thread gets while both are busy")
    rng = make_rng(rng)
    arrivals = [np.cumsum(rng.exponential(1.0 / lam, n)).tolist() for _ in range(2)]
    work = [rng.exponential(1.0 / mu, n).tolist() for _ in range(2)]
    lat = [np.empty(n), np.empty(n)]
    queue = [deque(), deque()]
    remaining = [0.0, 0.0]
    nxt = [0, 0]
    done = [0, 0]
    t = 0.0
    both_busy_time = 0.0
    busy_time = [0.0, 0.0]
    inf = math.inf
    while done[0] < n or done[1] < n:
        busy = [bool(queue[0]), bool(queue[1])]
        speed = [s if busy[1] else 1.0, s if busy[0] else 1.0]
        cand = [arrivals[0][nxt[0]] if nxt[0] < n else inf, arrivals[1][nxt[1]] if nxt[1] < n else inf,
                t + remaining[0] / speed[0] if busy[0] else inf, t + remaining[1] / speed[1] if busy[1] else inf]
        e = min(range(4), key=cand.__getitem__)
        t_next = cand[e]
        dt = t_next - t
        for j in (0, 1):
            if busy[j]:
                remaining[j] -= dt * speed[j]
                busy_time[j] += dt
        if busy[0] and busy[1]:
            both_busy_time += dt
        t = t_next
        if e < 2:
            queue[e].append(nxt[e])
            if len(queue[e]) == 1:
                remaining[e] = work[e][nxt[e]]
            nxt[e] += 1
        else:
            j = e - 2
            i = queue[j].popleft()
            lat[j][i] = t - arrivals[j][i]
            done[j] += 1
            remaining[j] = work[j][queue[j][0]] if queue[j] else 0.0
    other_busy = float(busy_time[1] / t) if t > 0 else 0.0
    return SmtResult(lam, mu, other_busy, float("nan"), s, True, np.concatenate(lat))


def smt_latency_percentile(arrival_rate: float, service_rate: float, percentile: float, *,
                           sibling_busy_fraction: float = 0.5, smt_speed: float = 0.6, limit: str = "fast") -> float:
    """Closed-form latency percentile of :func:`simulate_smt` in its two limits, in ms.

    * ``limit="fast"``: the sibling switches much faster than a request takes. Every request sees the
      average speed, so the thread is an M/M/1 queue with service rate mu (1 - u + u s); latency is
      exponential with rate mu (1 - u + u s) - lambda.
    * ``limit="slow"``: the sibling's bursts are much longer than the queue's busy periods. A fraction
      1 - u of requests meet an idle sibling (M/M/1 at rate mu), a fraction u a busy one (M/M/1 at mu s):
      P(T > t) = (1 - u) exp(-(mu - lambda) t) + u exp(-(mu s - lambda) t), which needs lambda < mu s.

    ``sibling_busy_fraction = 0`` gives the one-thread-per-core M/M/1 queue in either limit.

    Parameters
    ----------
    arrival_rate, service_rate : float
        lambda and mu per ms (> 0).
    percentile : float
        q in percent, 0 <= q < 100.
    sibling_busy_fraction : float, default=0.5
        u in [0, 1].
    smt_speed : float, default=0.6
        s in (0, 1].
    limit : {"fast", "slow"}, default="fast"

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On bad parameters or an unstable queue in the chosen limit.

    Examples
    --------
    >>> round(smt_latency_percentile(0.5, 1.0, 99, sibling_busy_fraction=0.0), 3)  # ln(100) / 0.5
    9.21
    """
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    q = check_finite("percentile", percentile)
    if not 0 <= q < 100:
        raise ValueError(f'"percentile" must be in [0, 100), got {q!r}')
    u = check_probability("sibling_busy_fraction", sibling_busy_fraction)
    s = check_probability("smt_speed", smt_speed)
    if s == 0:
        raise ValueError('"smt_speed" must be > 0, got 0.0')
    limit = check_choice("limit", limit, ("fast", "slow"))
    tail = 1.0 - q / 100.0
    if limit == "fast" or u in (0.0, 1.0):
        rate = mu * (1.0 - u + u * s) - lam
        if rate <= 0:
            raise ValueError(f'unstable queue: "arrival_rate" ({lam!r}) >= mean capacity {mu * (1 - u + u * s):.4g} '
                             '("service_rate" x (1 - "sibling_busy_fraction" + "sibling_busy_fraction" x "smt_speed"))')
        return -math.log(tail) / rate
    r_idle, r_busy = mu - lam, mu * s - lam
    if r_busy <= 0:
        raise ValueError(f"unstable queue in the slow limit: arrival_rate ({lam!r}) >= service_rate x smt_speed "
                         f"({mu * s:.4g}) while the sibling runs")
    lo, hi = 0.0, -math.log(tail) / min(r_idle, r_busy)
    for _ in range(200):  # bisection on a decreasing function: 200 halvings reach machine precision
        mid = 0.5 * (lo + hi)
        if (1 - u) * math.exp(-r_idle * mid) + u * math.exp(-r_busy * mid) > tail:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# ----------------------------------------------------------------------------------------------
# Roofline
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GravitonSpec:
    """One Graviton generation, from AWS's aws-graviton-getting-started spec table.

    Attributes
    ----------
    name, core : str
        e.g. "Graviton3", "Neoverse V1".
    cores : int
        Cores (= vCPUs) per socket.
    freq_ghz : float
        Frequency in GHz (no turbo).
    l2_mib : float
        Private L2 per core, MiB.
    llc_mib : float
        Shared last-level cache, MiB.
    memory : str
        Memory type, e.g. "DDR5".
    channels : int
        Memory channels.
    vector : str
        Vector units as AWS lists them, e.g. "4x Neon 128-bit / 2x SVE 256-bit".
    fp64_flops_per_cycle : int
        Double-precision FLOPs per core per cycle: pipes x 64-bit lanes x 2 (a fused multiply-add counts 2).
    transfer_mts : int
        Memory transfer rate, MT/s (secondary source, not in AWS's table).

    Raises
    ------
    TypeError, ValueError
        If a field has the wrong type or is not positive.

    Examples
    --------
    >>> GravitonSpec("Laptop", "x86", 4, 3.0, 1.0, 8.0, "DDR5", 2, "AVX2", 16, 4800).peak_gflops
    192.0
    """

    name: str
    core: str
    cores: int
    freq_ghz: float
    l2_mib: float
    llc_mib: float
    memory: str
    channels: int
    vector: str
    fp64_flops_per_cycle: int
    transfer_mts: int

    def __post_init__(self) -> None:
        for name in ("name", "core", "memory", "vector"):
            check_str(name, getattr(self, name))
        check_int("cores", self.cores, minimum=1)
        check_positive("freq_ghz", self.freq_ghz)
        check_positive("l2_mib", self.l2_mib)
        check_positive("llc_mib", self.llc_mib)
        check_int("channels", self.channels, minimum=1)
        check_int("fp64_flops_per_cycle", self.fp64_flops_per_cycle, minimum=1)
        check_int("transfer_mts", self.transfer_mts, minimum=1)

    @property
    def peak_gflops(self) -> float:
        """FP64 peak: cores x GHz x FLOPs per cycle."""
        return peak_gflops(self.cores, self.freq_ghz, self.fp64_flops_per_cycle)

    @property
    def bandwidth_gb_s(self) -> float:
        """Memory bandwidth in GB/s: channels x MT/s x 8 bytes (from secondary sources; approximate)."""
        return self.channels * self.transfer_mts * 8 / 1000.0


#: The spec table. Cores, frequency, caches, memory type and channels, vector units: AWS's
#: aws-graviton-getting-started [primary]. FLOPs per cycle: derived from the vector units (N1: 2 x 128-bit
#: pipes, V1: 4 x 128-bit, V2: 4 x 128-bit; each 128-bit pipe does 2 FP64 FMAs = 4 FLOPs per cycle).
#: Transfer rates (DDR4-3200, DDR5-4800, DDR5-5600) and so the bandwidths: secondary sources
#: (WikiChip, AnandTech), labelled as such in the chapter.
GRAVITON: dict[str, GravitonSpec] = {
    "Graviton2": GravitonSpec("Graviton2", "Neoverse N1", 64, 2.5, 1.0, 32.0, "DDR4", 8,
                              "2x Neon 128-bit", 8, 3200),
    "Graviton3": GravitonSpec("Graviton3", "Neoverse V1", 64, 2.6, 1.0, 32.0, "DDR5", 8,
                              "4x Neon 128-bit / 2x SVE 256-bit", 16, 4800),
    "Graviton4": GravitonSpec("Graviton4", "Neoverse V2", 96, 2.8, 2.0, 36.0, "DDR5", 12,
                              "4x Neon/SVE2 128-bit", 16, 5600),
}


def peak_gflops(cores: int, freq_ghz: float, flops_per_cycle: float) -> float:
    """Peak floating-point rate in GFLOPS: cores x frequency (GHz) x FLOPs per core per cycle.

    Parameters
    ----------
    cores : int
        Cores (>= 1).
    freq_ghz : float
        Clock in GHz (> 0).
    flops_per_cycle : float
        FLOPs per core per cycle (> 0): vector pipes x lanes x 2 for fused multiply-add.

    Returns
    -------
    float

    Examples
    --------
    >>> peak_gflops(64, 2.5, 8)  # Graviton2, FP64
    1280.0
    """
    c = check_int("cores", cores, minimum=1)
    f = check_positive("freq_ghz", freq_ghz)
    flops = check_positive("flops_per_cycle", flops_per_cycle)
    return check_result_finite("the peak GFLOPS", lambda: c * f * flops, cores=c, freq_ghz=f, flops_per_cycle=flops)


def attainable_gflops(peak_gflops: Any, bandwidth_gb_s: Any, intensity_flop_per_byte: Any) -> Any:
    """The roofline: attainable GFLOPS = min(peak, bandwidth x arithmetic intensity).

    Parameters
    ----------
    peak_gflops : float
        Peak compute, GFLOPS (> 0).
    bandwidth_gb_s : float
        Memory bandwidth, GB/s (> 0).
    intensity_flop_per_byte : float or array_like of float
        FLOPs per byte moved from memory (> 0).

    Returns
    -------
    float or numpy.ndarray
        Same shape as ``intensity_flop_per_byte``.

    Raises
    ------
    TypeError, ValueError
        On non-numbers or non-positive values.

    Examples
    --------
    >>> attainable_gflops(1280.0, 204.8, 0.25)
    51.2
    >>> attainable_gflops(1280.0, 204.8, 100.0)
    1280.0
    """
    peak = check_positive("peak_gflops", peak_gflops)
    bw = check_positive("bandwidth_gb_s", bandwidth_gb_s)
    if isinstance(intensity_flop_per_byte, (list, tuple, np.ndarray)):
        arr = check_array("intensity_flop_per_byte", intensity_flop_per_byte)
        if np.any(arr <= 0):
            raise ValueError(f'"intensity_flop_per_byte" must be > 0, got {float(arr[arr <= 0][0])!r}')
        with np.errstate(over="ignore"):  # bw x intensity past the float maximum is far above the peak: the peak
            return np.minimum(peak, bw * arr)
    return min(peak, bw * check_positive("intensity_flop_per_byte", intensity_flop_per_byte))


def ridge_intensity(peak_gflops: float, bandwidth_gb_s: float) -> float:
    """Arithmetic intensity where the roofline bends: peak / bandwidth, in FLOP per byte.

    Examples
    --------
    >>> ridge_intensity(1280.0, 204.8)
    6.25
    """
    peak, bw = check_positive("peak_gflops", peak_gflops), check_positive("bandwidth_gb_s", bandwidth_gb_s)
    return check_result_finite("the ridge intensity", lambda: peak / bw, peak_gflops=peak, bandwidth_gb_s=bw)


@dataclass(frozen=True)
class KernelResult:
    """A kernel measured on this machine: where it sits on the roofline.

    Attributes
    ----------
    name : str
    intensity_flop_per_byte : float
        FLOPs per byte of memory traffic (counted as documented by the measuring function).
    gflops : float
        Measured rate.
    seconds : float
        Best wall time of the repeats.
    """

    name: str
    intensity_flop_per_byte: float
    gflops: float
    seconds: float


@dataclass(frozen=True)
class RooflineResult:
    """This machine's measured roofline and the kernels placed on it.

    Attributes
    ----------
    bandwidth_gb_s : float
        From the triad.
    peak_gflops : float
        From the large matmul (a lower bound on the true peak).
    kernels : tuple of KernelResult
    """

    bandwidth_gb_s: float
    peak_gflops: float
    kernels: tuple

    def attainable(self, intensity_flop_per_byte: Any) -> Any:
        """The measured roofline at an intensity."""
        return attainable_gflops(self.peak_gflops, self.bandwidth_gb_s, intensity_flop_per_byte)


def _best_time(func, repeats: int) -> float:
    func()  # warm up: page in the arrays, load the BLAS threads
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-9)


def measure_bandwidth_gb_s(n_elements: int = 10_000_000, *, repeats: int = 5) -> KernelResult:
    """Memory bandwidth from the STREAM triad a = b + s c, run with numpy on float64 arrays.

    Bytes are counted as STREAM counts them, 24 per element (read b and c, write a). numpy does the triad
    in two passes (``a = s c``, then ``a += b``), which moves more bytes than that, so the figure is a
    lower bound on what the memory system can do. Use arrays far larger than the last-level cache.

    Parameters
    ----------
    n_elements : int, default=10_000_000
        Elements per array (>= 1000); three arrays of 8 bytes each.
    repeats : int, default=5
        Timed repetitions; the best is kept (>= 1).

    Returns
    -------
    KernelResult
        ``gflops`` of the triad (2 FLOPs per element) and, as intensity, 2 / 24 FLOP per byte; the
        bandwidth is gflops / intensity.

    Examples
    --------
    >>> p = measure_bandwidth_gb_s(100_000, repeats=1)
    >>> p.name, round(p.intensity_flop_per_byte, 4), p.gflops > 0
    ('stream triad', 0.0833, True)
    """
    n = check_int("n_elements", n_elements, minimum=1000, maximum=500_000_000)
    reps = check_int("repeats", repeats, minimum=1, maximum=1000)
    a, b, c = np.zeros(n), np.ones(n), np.full(n, 2.0)

    def triad():
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)

    seconds = _best_time(triad, reps)
    return KernelResult("stream triad", 2.0 / 24.0, 2.0 * n / seconds / 1e9, seconds)


def measure_matmul_gflops(n: int = 1024, *, repeats: int = 3) -> KernelResult:
    """Compute rate of a dense n x n float64 matrix product (numpy's BLAS): 2 n^3 FLOPs.

    Its intensity is counted as 2 n^3 FLOPs over the 3 n^2 x 8 bytes of the three matrices (each read or
    written once): n / 12 FLOP per byte, far to the right of any ridge for large n. A large matmul is the
    nearest thing to peak that numpy can reach; the true peak is higher.

    Parameters
    ----------
    n : int, default=1024
        Matrix order (>= 16).
    repeats : int, default=3

    Returns
    -------
    KernelResult

    Examples
    --------
    >>> p = measure_matmul_gflops(64, repeats=1)
    >>> p.name, round(p.intensity_flop_per_byte, 3), p.gflops > 0
    ('dense matmul', 5.333, True)
    """
    n = check_int("n", n, minimum=16, maximum=20_000)
    reps = check_int("repeats", repeats, minimum=1, maximum=1000)
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    out = np.empty((n, n))
    seconds = _best_time(lambda: np.matmul(a, b, out=out), reps)
    return KernelResult("dense matmul", 2.0 * n ** 3 / (3.0 * n * n * 8.0), 2.0 * n ** 3 / seconds / 1e9, seconds)


def measure_spmv(n_rows: int = 1_000_000, nnz_per_row: int = 8, *, repeats: int = 5) -> KernelResult:
    """Rate of a sparse matrix-vector product y = A x (scipy.sparse CSR, random pattern, float64).

    FLOPs: 2 per stored non-zero. Bytes, counted as the minimum traffic: each non-zero's value (8) and
    column index (4 for int32), the row pointers (4 n), x read once (8 n) and y written (8 n). Random
    column indices make x's reads hit memory again and again, so the real traffic is higher.

    Parameters
    ----------
    n_rows : int, default=1_000_000
        Rows and columns (>= 100).
    nnz_per_row : int, default=8
        Non-zeros per row (>= 1).
    repeats : int, default=5

    Returns
    -------
    KernelResult

    Examples
    --------
    >>> p = measure_spmv(1000, 4, repeats=1)
    >>> p.name, round(p.intensity_flop_per_byte, 3), p.gflops > 0
    ('sparse matrix-vector', 0.118, True)
    """
    import scipy.sparse as sp

    n = check_int("n_rows", n_rows, minimum=100, maximum=100_000_000)
    k = check_int("nnz_per_row", nnz_per_row, minimum=1, maximum=1000)
    reps = check_int("repeats", repeats, minimum=1, maximum=1000)
    rng = np.random.default_rng(0)
    cols = rng.integers(0, n, size=n * k).astype(np.int32)
    indptr = (np.arange(n + 1) * k).astype(np.int32 if n * k < 2 ** 31 else np.int64)
    A = sp.csr_matrix((rng.random(n * k), cols, indptr), shape=(n, n))
    x = rng.random(n)
    seconds = _best_time(lambda: A @ x, reps)
    nnz = n * k
    flops = 2.0 * nnz
    bytes_moved = nnz * (8 + 4) + n * (4 + 8 + 8)
    return KernelResult("sparse matrix-vector", flops / bytes_moved, flops / seconds / 1e9, seconds)


def measure_machine(*, n_stream: int = 10_000_000, n_matmul: int = 1024, n_spmv_rows: int = 1_000_000,
                    repeats: int = 3) -> RooflineResult:
    """Measure this machine's roofline (triad bandwidth, matmul peak) and place three kernels on it.

    Parameters
    ----------
    n_stream : int, default=10_000_000
        Triad elements per array.
    n_matmul : int, default=1024
        Matrix order.
    n_spmv_rows : int, default=1_000_000
        Sparse matrix rows.
    repeats : int, default=3

    Returns
    -------
    RooflineResult
        Measurements depend on the machine and on what else it is running.

    Examples
    --------
    >>> m = measure_machine(n_stream=100_000, n_matmul=64, n_spmv_rows=1000, repeats=1)
    >>> len(m.kernels), m.bandwidth_gb_s > 0, m.peak_gflops > 0
    (3, True, True)
    """
    n_stream = check_int("n_stream", n_stream, minimum=1000, maximum=500_000_000)
    n_matmul = check_int("n_matmul", n_matmul, minimum=16, maximum=20_000)
    n_spmv_rows = check_int("n_spmv_rows", n_spmv_rows, minimum=100, maximum=100_000_000)
    reps = check_int("repeats", repeats, minimum=1, maximum=1000)
    triad = measure_bandwidth_gb_s(n_stream, repeats=reps)
    matmul = measure_matmul_gflops(n_matmul, repeats=reps)
    spmv = measure_spmv(n_spmv_rows, repeats=reps)
    bandwidth = triad.gflops / triad.intensity_flop_per_byte
    return RooflineResult(bandwidth, matmul.gflops, (triad, matmul, spmv))


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
_PROBLEM_KINDS = ("cache", "predictor", "roofline", "smt")


def _wrap(text: str) -> str:
    """Wrap each line of a statement or working at 70 characters (a phone-width column)."""
    return "\n".join(textwrap.fill(line, 70, subsequent_indent="  " if line[:1] == " " else "")
                     for line in text.split("\n"))


def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """Pose a random question on caches, branch prediction, the roofline or SMT.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, optional
        The same seed poses the same question.
    kind : {"cache", "predictor", "roofline", "smt"}, optional
        Which question; drawn at random if None.

    Returns
    -------
    common.Problem

    Raises
    ------
    ValueError
        If ``kind`` is unknown.

    Examples
    --------
    >>> pose_problem(3, kind="roofline").kind
    'roofline'
    """
    rng = make_rng(rng)
    kind = str(rng.choice(_PROBLEM_KINDS)) if kind is None else check_choice("kind", kind, _PROBLEM_KINDS)
    if kind == "cache":
        ways = int(rng.choice([2, 3, 4]))
        policy = str(rng.choice(["lru", "fifo"]))
        n_blocks = ways + int(rng.integers(1, 3))
        trace = rng.integers(1, n_blocks + 1, size=int(rng.integers(10, 15))).tolist()
        statement = (f"A fully associative cache holds {ways} lines and replaces by "
                     f"{'least recently used' if policy == 'lru' else 'first in, first out'} ({policy.upper()}). "
                     f"It starts empty. Lines are requested in this order: {', '.join(map(str, trace))}.\n"
                     "How many of these requests miss?")
        return Problem("cache", _wrap(statement), {"ways": ways, "policy": policy, "trace": trace})
    if kind == "predictor":
        iters = int(rng.choice([4, 5, 8, 10, 16, 20]))
        entries = int(rng.choice([50, 100, 200]))
        statement = (f"A loop runs {iters} iterations each time it is entered, and it is entered {entries} times. "
                     "Its closing branch is taken to repeat the loop and not taken on exit. A two-bit "
                     "saturating counter predicts it, starting weakly not taken.\n"
                     "How many times is the branch mispredicted in total?")
        return Problem("predictor", _wrap(statement), {"iterations": iters, "entries": entries})
    if kind == "roofline":
        name = str(rng.choice(list(GRAVITON)))
        intensity = float(rng.choice([0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]))
        spec = GRAVITON[name]
        statement = (f"A {name} socket has {spec.cores} cores at {spec.freq_ghz:g} GHz; each core does "
                     f"{spec.fp64_flops_per_cycle} double-precision FLOPs per cycle, and memory delivers "
                     f"{spec.bandwidth_gb_s:g} GB/s. A kernel does {intensity:g} FLOPs per byte it moves "
                     "from memory.\nWhat performance can it attain, in GFLOPS?")
        return Problem("roofline", _wrap(statement), {"name": name, "intensity": intensity})
    mean_ms = float(rng.choice([0.5, 1.0, 2.0]))
    load = float(rng.choice([0.3, 0.4, 0.5]))
    u = float(rng.choice([0.25, 0.5, 0.75]))
    s = float(rng.choice([0.5, 0.6, 0.7]))
    lam = load / mean_ms
    statement = (f"Requests reach a vCPU at {lam:.4g} per ms (Poisson) and need exponential service with a mean "
                 f"of {mean_ms:g} ms on a core of their own. The vCPU is one hardware thread of an SMT core; "
                 f"its sibling is busy {u:.0%} of the time, switching far faster than a request takes, and "
                 f"while the sibling runs our thread works at {s:.0%} of its solo speed.\n"
                 "What is the 99th percentile of request latency, in ms?")
    return Problem("smt", _wrap(statement), {"arrival_rate": lam, "service_rate": 1.0 / mean_ms,
                                      "sibling_busy_fraction": u, "smt_speed": s})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a Problem from this module.

    Examples
    --------
    >>> solve(pose_problem(0, kind="roofline")).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in _PROBLEM_KINDS:
        raise TypeError(f'"problem" must be a Problem from labsupport.graviton.pose_problem, got {problem!r}')
    p = problem.params
    if problem.kind == "cache":
        trace = np.asarray(p["trace"]) * 64
        r = simulate_cache(trace, size_bytes=64 * p["ways"], line_bytes=64, ways=p["ways"], policy=p["policy"])
        marks = " ".join(f"{x}{'h' if h else 'M'}" for x, h in zip(p["trace"], r.hits.tolist()))
        return Solution(problem, float(r.misses),
                        _wrap(f"Access by access (M = miss, h = hit): {marks}\n"
                        f"{r.misses} {'miss' if r.misses == 1 else 'misses'} out of {r.n_accesses} requests."))
    if problem.kind == "predictor":
        iters, entries = p["iterations"], p["entries"]
        _, out = branch_trace("loop", iters * entries, loop_iterations=iters)
        r = simulate_predictor(out, "two-bit")
        first = r.mispredictions - (entries - 1)
        working = (f"The counter starts weakly not taken, so the first iteration is mispredicted; after that "
                   f"it sits at 'strongly taken' and only each exit is wrong (the exit moves it to weakly "
                   f"taken, which still predicts the next iteration correctly).\n"
                   f"Warm-up and first exit: {first}; the other {entries - 1} exits: 1 each.\n"
                   f"Total: {r.mispredictions} mispredictions.")
        return Solution(problem, float(r.mispredictions), _wrap(working))
    if problem.kind == "roofline":
        spec = GRAVITON[p["name"]]
        value = float(attainable_gflops(spec.peak_gflops, spec.bandwidth_gb_s, p["intensity"]))
        working = (f"peak = {spec.cores} x {spec.freq_ghz:g} GHz x {spec.fp64_flops_per_cycle}\n"
                   f"     = {spec.peak_gflops:.1f} GFLOPS\n"
                   f"memory roof = {spec.bandwidth_gb_s:g} GB/s x {p['intensity']:g} FLOP/B\n"
                   f"            = {spec.bandwidth_gb_s * p['intensity']:.1f} GFLOPS\n"
                   f"attainable = the smaller = {value:.1f} GFLOPS")
        return Solution(problem, value, _wrap(working))
    lam, mu, u, s = p["arrival_rate"], p["service_rate"], p["sibling_busy_fraction"], p["smt_speed"]
    value = smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=s, limit="fast")
    eff = mu * (1 - u + u * s)
    working = (f"Fast switching: the thread serves at the average rate\n"
               f"mu (1 - u + u s) = {mu:.4g} x (1 - {u:g} + {u:g} x {s:g}) = {eff:.4g} per ms\n"
               f"M/M/1 latency is exponential with rate\n"
               f"{eff:.4g} - {lam:.4g} = {eff - lam:.4g} per ms\n"
               f"p99 = ln(100) / {eff - lam:.4g} = {value:.4g} ms")
    return Solution(problem, value, _wrap(working))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.graviton [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.graviton", "Practice problems on caches, branch prediction, SMT "
                   "and the roofline.", pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
