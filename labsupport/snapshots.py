"""MicroVM snapshots: the anatomy of a cold start, SnapStart restores, snapshot loading and uniqueness.

The book explains these models in the chapter "Lambda SnapStart: serverless as a cache"
(``chapters/serverless.md``) and its labs ``serverless_snapstart`` and ``serverless_uniqueness``.

Three small models:

* **Where a cold start's time goes.** A cold start boots a micro-VM, starts the language runtime,
  fetches the code and runs the function's initialisation, then the handler. SnapStart runs the
  initialisation once, snapshots the initialised VM and, on a cold start, *restores* it: resume the VM,
  run the after-restore hooks, and load the snapshot's memory while the handler runs. Every duration in
  :class:`ColdStartProfile` is a modelling assumption except the ~125 ms Firecracker boot (the
  Firecracker specification) and the 512 KiB chunk size (Brooker et al., ATC 2023).
* **Loading the snapshot.** The memory the restored function touches is a sequence of 512 KiB chunks,
  each found in the worker's cache, else the availability zone's cache, else S3. *Lazy* loading fetches
  a chunk when the function faults on it, one at a time; *predictive* loading fetches the chunks in the
  order recorded at earlier restores, ``prefetch_concurrency`` at a time, ahead of the function.
* **Uniqueness.** Every clone restored from one snapshot starts with the same random-number-generator
  state, so clones generate the same "random" tokens (Brooker, Chen & Piwonka 2021). An after-restore
  hook that reseeds from fresh entropy fixes what is generated *after* the restore, never a value that
  init computed and cached. In the model the fresh entropy is drawn from the caller's ``rng`` so runs are
  reproducible; a real hook reads the operating system's entropy pool (``os.urandom``, ``secrets``).
"""
from __future__ import annotations

import copy
import math
import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from .common import (
    Problem,
    Solution,
    check_bool,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    make_rng,
    run_cli,
)

__all__ = [
    "CHUNK_KIB",
    "FIRECRACKER_BOOT_MS",
    "ColdStartProfile",
    "TieredCache",
    "RestoreResult",
    "InvocationResult",
    "FunctionState",
    "Snapshot",
    "DuplicateReport",
    "chunks_in",
    "cold_start_breakdown",
    "init_ms_for_speedup",
    "expected_lazy_restore_ms",
    "restore_time",
    "restore_time_simpy",
    "simulate_invocations",
    "initialize_function",
    "snapshot",
    "restore",
    "reseed_after_restore",
    "generate_tokens",
    "clone_tokens",
    "find_duplicate_tokens",
    "birthday_collision_probability",
    "birthday_tokens_for_probability",
    "birthday_bits_needed",
    "collision_trials",
    "pose_problem",
    "solve",
    "main",
]

#: Snapshot and container chunk size in KiB (Brooker et al., ATC 2023).
CHUNK_KIB = 512
#: Firecracker's start-to-guest-init time bound in ms (Firecracker SPECIFICATION.md, 1 vCPU / 128 MiB guest).
FIRECRACKER_BOOT_MS = 125.0
#: Largest number of chunks or restores one call accepts (bounds memory and run time).
_MAX_CHUNKS = 1_000_000
#: Largest log-normal jitter sigma :func:`simulate_invocations` accepts (e^(10 z) stays finite for any draw).
MAX_JITTER_SIGMA = 10.0
#: Largest working set :func:`chunks_in` accepts, in MiB (one exbibyte; keeps the chunk count exact).
MAX_WORKING_SET_MIB = 2.0**40
_MAX_RESTORES = 1_000_000
_LOADINGS = ("lazy", "predictive")


# ----------------------------------------------------------------------------------------------
# Cold-start anatomy
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColdStartProfile:
    """Durations of a cold start's parts for one function, in milliseconds.

    Defaults describe an init-heavy, Java-like function. Only ``vm_boot_ms`` is cited (Firecracker's
    <= 125 ms boot); every other default is a modelling assumption, chosen to be plausible, not measured.

    Attributes
    ----------
    vm_boot_ms : float, default=125.0
        Create and boot the micro-VM (Firecracker specification: <= 125 ms to guest init).
    runtime_start_ms : float, default=250.0
        Start the language runtime (a JVM). Assumption.
    code_fetch_ms : float, default=300.0
        Fetch and unpack the function's code. Assumption.
    init_ms : float, default=2500.0
        The function's own initialisation: class loading, framework wiring, JIT warm-up. Assumption.
    handler_ms : float, default=50.0
        One invocation of the handler once everything is in memory. Assumption.
    resume_ms : float, default=25.0
        SnapStart: restore the VM's CPU and device state before its memory is loaded. Assumption.
    after_restore_ms : float, default=100.0
        SnapStart: run after-restore hooks (reseed, reconnect, refresh credentials). Assumption.
    working_set_mib : float, default=256.0
        Snapshot memory the restored function touches before its first response. Assumption.

    Examples
    --------
    >>> ColdStartProfile(init_ms=500.0).init_ms
    500.0
    """

    vm_boot_ms: float = FIRECRACKER_BOOT_MS
    runtime_start_ms: float = 250.0
    code_fetch_ms: float = 300.0
    init_ms: float = 2500.0
    handler_ms: float = 50.0
    resume_ms: float = 25.0
    after_restore_ms: float = 100.0
    working_set_mib: float = 256.0

    def __post_init__(self) -> None:
        for name in ("vm_boot_ms", "runtime_start_ms", "code_fetch_ms", "init_ms", "handler_ms", "resume_ms",
                     "after_restore_ms"):
            check_nonnegative(name, getattr(self, name))
        check_positive("working_set_mib", self.working_set_mib)


@dataclass(frozen=True)
class TieredCache:
    """Where a snapshot chunk is found, and what fetching one costs from each tier.

    All latencies are modelling assumptions for one 512 KiB chunk (the tiers themselves are described by
    Brooker et al., ATC 2023: a cache on the worker, an erasure-coded cache in the availability zone, S3).

    Attributes
    ----------
    worker_hit_ratio : float, default=0.9
        Probability a chunk is in the worker's local cache. 0 models the first restore on a new worker.
    az_hit_ratio : float, default=0.9
        Probability a chunk missing on the worker is in the AZ-level cache.
    worker_ms : float, default=0.1
        Fetch latency from the worker cache, in ms. Assumption.
    az_ms : float, default=1.5
        Fetch latency from the AZ cache, in ms. Assumption.
    s3_ms : float, default=25.0
        Fetch latency from S3, in ms. Assumption.

    Examples
    --------
    >>> round(TieredCache(worker_hit_ratio=0.5).mean_chunk_ms, 3)
    1.975
    """

    worker_hit_ratio: float = 0.9
    az_hit_ratio: float = 0.9
    worker_ms: float = 0.1
    az_ms: float = 1.5
    s3_ms: float = 25.0

    def __post_init__(self) -> None:
        check_probability("worker_hit_ratio", self.worker_hit_ratio)
        check_probability("az_hit_ratio", self.az_hit_ratio)
        for name in ("worker_ms", "az_ms", "s3_ms"):
            check_nonnegative(name, getattr(self, name))

    @property
    def tier_probabilities(self) -> tuple[float, float, float]:
        """Probabilities that a chunk comes from (worker, AZ, S3)."""
        w, a = self.worker_hit_ratio, self.az_hit_ratio
        return (w, (1 - w) * a, (1 - w) * (1 - a))

    @property
    def mean_chunk_ms(self) -> float:
        """Expected fetch latency of one chunk, in ms."""
        pw, pa, ps = self.tier_probabilities
        return pw * self.worker_ms + pa * self.az_ms + ps * self.s3_ms


def _check_profile(profile: Any) -> ColdStartProfile:
    if not isinstance(profile, ColdStartProfile):
        raise TypeError(f'"profile" must be a ColdStartProfile, got {type(profile).__name__}')
    return profile


def _check_cache(cache: Any) -> TieredCache:
    if not isinstance(cache, TieredCache):
        raise TypeError(f'"cache" must be a TieredCache, got {type(cache).__name__}')
    return cache


def chunks_in(working_set_mib: float) -> int:
    """Number of 512 KiB chunks that cover ``working_set_mib`` (rounded up).

    Parameters
    ----------
    working_set_mib : float
        Memory in MiB (> 0 and at most 2**40 MiB, one exbibyte).

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        If ``working_set_mib`` is not a finite number in (0, 2**40].

    Examples
    --------
    >>> chunks_in(256), chunks_in(0.1)
    (512, 1)
    """
    mib = check_positive("working_set_mib", working_set_mib)
    if mib > MAX_WORKING_SET_MIB:
        raise ValueError(f'"working_set_mib" must be <= 2**40 (one exbibyte), got {mib!r}')
    return max(1, math.ceil(mib * 1024 / CHUNK_KIB - 1e-9))


@dataclass(frozen=True)
class RestoreResult:
    """Snapshot-loading times of many restores, with the parameters that produced them.

    Attributes
    ----------
    loading : str
        ``"lazy"`` or ``"predictive"``.
    n_chunks : int
        Chunks the function touches.
    handler_ms : float
        CPU work of the first invocation, spread evenly between chunk touches, in ms.
    prefetch_concurrency : int
        Parallel fetches of predictive loading (unused by lazy loading).
    cache : TieredCache
        Tier hit ratios and latencies.
    loading_ms : numpy.ndarray, shape (n_restores,)
        Time from resume until the first invocation finishes, per restore, in ms (includes ``handler_ms``).
    tier_fractions : tuple of float
        Fraction of all chunk fetches served by (worker, AZ, S3).
    """

    loading: str
    n_chunks: int
    handler_ms: float
    prefetch_concurrency: int
    cache: TieredCache
    loading_ms: np.ndarray
    tier_fractions: tuple

    @property
    def waiting_ms(self) -> np.ndarray:
        """Time spent waiting for memory, per restore (``loading_ms - handler_ms``), in ms."""
        return self.loading_ms - self.handler_ms


def _check_restore_args(n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache):
    n_chunks = check_int("n_chunks", n_chunks, minimum=1, maximum=_MAX_CHUNKS)
    loading = check_choice("loading", loading, _LOADINGS)
    handler_ms = check_nonnegative("handler_ms", handler_ms)
    prefetch_concurrency = check_int("prefetch_concurrency", prefetch_concurrency, minimum=1, maximum=4096)
    n_restores = check_int("n_restores", n_restores, minimum=1, maximum=_MAX_RESTORES)
    if n_chunks * n_restores > 50_000_000:
        raise ValueError(f'"n_chunks" x "n_restores" must be <= 50,000,000, got {n_chunks * n_restores}')
    cache = _check_cache(cache)
    return n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache


def _draw_chunk_latencies(n_restores: int, n_chunks: int, cache: TieredCache, rng) -> tuple[np.ndarray, tuple]:
    u = rng.random((n_restores, n_chunks))
    pw, pa, _ = cache.tier_probabilities
    tier = (u >= pw).astype(np.int8) + (u >= pw + pa).astype(np.int8)  # 0 worker, 1 AZ, 2 S3
    latency = np.array([cache.worker_ms, cache.az_ms, cache.s3_ms])[tier]
    counts = np.bincount(tier.ravel(), minlength=3) / tier.size
    return latency, tuple(float(c) for c in counts)


def restore_time(n_chunks: int, *, loading: str = "predictive", handler_ms: float = 50.0,
                 prefetch_concurrency: int = 8, cache: TieredCache = TieredCache(), n_restores: int = 1000,
                 rng: Any = None) -> RestoreResult:
    """Time to load a snapshot's working set and finish the first invocation, for many restores.

    The restored function touches ``n_chunks`` chunks in order, doing ``handler_ms / n_chunks`` of work
    before each touch. Each chunk comes from the worker cache, the AZ cache or S3 (drawn independently
    with the probabilities of ``cache``).

    * ``"lazy"``: the function faults on each chunk and waits for it: time = ``handler_ms + sum(fetch)``.
    * ``"predictive"``: the chunks are fetched in the recorded order by ``prefetch_concurrency`` parallel
      streams (chunk ``j`` on stream ``j mod P``) starting at resume; the function waits only when it
      reaches a chunk that has not arrived: it touches chunk ``j`` at ``t_j = max(t_{j-1} + w, a_j)``
      (``w = handler_ms / n_chunks``, ``a_j`` the chunk's arrival time, ``t_{-1} = 0``), so the time is
      ``max(handler_ms, max_j (a_j + (n - 1 - j) w))`` with ``j`` from 0.

    Parameters
    ----------
    n_chunks : int
        Chunks touched (1 .. 1,000,000); see :func:`chunks_in`.
    loading : {"lazy", "predictive"}, default="predictive"
        Loading strategy.
    handler_ms : float, default=50.0
        CPU work of the first invocation, in ms (>= 0).
    prefetch_concurrency : int, default=8
        Parallel fetch streams of predictive loading (1 .. 4096).
    cache : TieredCache, default=TieredCache()
        Tier hit ratios and per-chunk latencies.
    n_restores : int, default=1000
        Independent restores to simulate (``n_chunks * n_restores <= 50,000,000``).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    RestoreResult

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> r = restore_time(512, loading="lazy", n_restores=200, rng=1)
    >>> bool(abs(r.loading_ms.mean() - expected_lazy_restore_ms(512)) < 5)
    True
    """
    n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache = _check_restore_args(
        n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache)
    rng = make_rng(rng)
    latency, fractions = _draw_chunk_latencies(n_restores, n_chunks, cache, rng)
    work = handler_ms / n_chunks
    if loading == "lazy":
        total = latency.sum(axis=1) + handler_ms
    else:
        p = prefetch_concurrency
        rows = -(-n_chunks // p)
        padded = np.zeros((n_restores, rows * p))
        padded[:, :n_chunks] = latency
        arrival = np.cumsum(padded.reshape(n_restores, rows, p), axis=1).reshape(n_restores, rows * p)[:, :n_chunks]
        remaining_work = (n_chunks - 1 - np.arange(n_chunks)) * work
        total = np.max(arrival + remaining_work, axis=1)
        total = np.maximum(total, handler_ms)
    return RestoreResult(loading=loading, n_chunks=n_chunks, handler_ms=handler_ms,
                         prefetch_concurrency=prefetch_concurrency, cache=cache, loading_ms=total,
                         tier_fractions=fractions)


def restore_time_simpy(n_chunks: int, *, loading: str = "predictive", handler_ms: float = 50.0,
                       prefetch_concurrency: int = 8, cache: TieredCache = TieredCache(), n_restores: int = 1000,
                       rng: Any = None) -> RestoreResult:
    """The same restore model as :func:`restore_time`, as a straightforward SimPy simulation.

    One process runs the function (work, then wait for the chunk's "arrived" event); for predictive
    loading ``prefetch_concurrency`` fetcher processes take chunks ``j, j + P, ...`` in order.

    Parameters
    ----------
    n_chunks, loading, handler_ms, prefetch_concurrency, cache, n_restores, rng
        As :func:`restore_time`.

    Returns
    -------
    RestoreResult

    Raises
    ------
    TypeError, ValueError
        As :func:`restore_time`.

    Examples
    --------
    >>> r = restore_time_simpy(64, loading="predictive", n_restores=20, rng=1)
    >>> bool((r.loading_ms >= 50.0).all())
    True
    """
    import simpy

    n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache = _check_restore_args(
        n_chunks, loading, handler_ms, prefetch_concurrency, n_restores, cache)
    rng = make_rng(rng)
    latency, fractions = _draw_chunk_latencies(n_restores, n_chunks, cache, rng)
    work = handler_ms / n_chunks
    totals = np.empty(n_restores)
    for r in range(n_restores):
        env = simpy.Environment()
        lat = latency[r].tolist()
        arrived = [env.event() for _ in range(n_chunks)]

        def fetcher(env, first):
            for j in range(first, n_chunks, prefetch_concurrency):
                yield env.timeout(lat[j])
                arrived[j].succeed()

        def function(env):
            for j in range(n_chunks):
                if work > 0:
                    yield env.timeout(work)
                if loading == "lazy":
                    yield env.timeout(lat[j])
                elif not arrived[j].processed:
                    yield arrived[j]

        if loading == "predictive":
            for s in range(min(prefetch_concurrency, n_chunks)):
                env.process(fetcher(env, s))
        proc = env.process(function(env))
        env.run(until=proc)
        totals[r] = env.now
    return RestoreResult(loading=loading, n_chunks=n_chunks, handler_ms=handler_ms,
                         prefetch_concurrency=prefetch_concurrency, cache=cache, loading_ms=totals,
                         tier_fractions=fractions)


def expected_lazy_restore_ms(n_chunks: int, *, handler_ms: float = 50.0, cache: TieredCache = TieredCache()) -> float:
    """Expected lazy-loading time: ``handler_ms + n_chunks * E[chunk latency]``, in ms.

    Parameters
    ----------
    n_chunks : int
        Chunks touched (>= 1).
    handler_ms : float, default=50.0
        CPU work of the first invocation, in ms.
    cache : TieredCache, default=TieredCache()
        Tier hit ratios and latencies.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range.

    Examples
    --------
    >>> round(expected_lazy_restore_ms(512), 1)    # 50 + 512 * (0.9*0.1 + 0.09*1.5 + 0.01*25)
    293.2
    """
    n_chunks = check_int("n_chunks", n_chunks, minimum=1, maximum=_MAX_CHUNKS)
    handler_ms = check_nonnegative("handler_ms", handler_ms)
    cache = _check_cache(cache)
    return handler_ms + n_chunks * cache.mean_chunk_ms


def cold_start_breakdown(profile: ColdStartProfile = ColdStartProfile(), *, snapstart: bool = False,
                         loading: str = "predictive", prefetch_concurrency: int = 8,
                         cache: TieredCache = TieredCache(), n_restores: int = 400,
                         rng: Any = None) -> tuple[tuple[str, float], ...]:
    """Where the time of one cold start goes, component by component, in ms.

    Without SnapStart: VM boot, runtime start, code fetch, function init, handler. With SnapStart:
    VM resume, after-restore hooks, handler, and the mean time spent waiting for snapshot memory
    (from :func:`restore_time` over ``n_restores`` restores).

    Parameters
    ----------
    profile : ColdStartProfile, default=ColdStartProfile()
        Component durations.
    snapstart : bool, default=False
        Restore from a snapshot instead of booting and initialising.
    loading : {"lazy", "predictive"}, default="predictive"
        Snapshot loading strategy (SnapStart only).
    prefetch_concurrency : int, default=8
        Parallel fetch streams of predictive loading.
    cache : TieredCache, default=TieredCache()
        Tier hit ratios and latencies.
    n_restores : int, default=400
        Restores averaged for the memory-wait component.
    rng : None, int or numpy.random.Generator, optional
        Randomness source (SnapStart only).

    Returns
    -------
    tuple of (str, float)
        ``(component, mean ms)`` in the order they happen; their sum is the mean cold start.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> [name for name, _ in cold_start_breakdown()]
    ['VM boot', 'runtime start', 'code fetch', 'function init', 'handler']
    >>> sum(ms for _, ms in cold_start_breakdown())
    3225.0
    """
    profile = _check_profile(profile)
    snapstart = check_bool("snapstart", snapstart)
    loading = check_choice("loading", loading, _LOADINGS)
    cache = _check_cache(cache)
    if not snapstart:
        return (("VM boot", profile.vm_boot_ms), ("runtime start", profile.runtime_start_ms),
                ("code fetch", profile.code_fetch_ms), ("function init", profile.init_ms),
                ("handler", profile.handler_ms))
    result = restore_time(chunks_in(profile.working_set_mib), loading=loading, handler_ms=profile.handler_ms,
                          prefetch_concurrency=prefetch_concurrency, cache=cache, n_restores=n_restores, rng=rng)
    return (("VM resume", profile.resume_ms), ("after-restore hooks", profile.after_restore_ms),
            ("waiting for snapshot memory", float(result.waiting_ms.mean())), ("handler", profile.handler_ms))


def init_ms_for_speedup(profile: ColdStartProfile, snapstart_ms: float, speedup: float) -> float:
    """The init time at which a plain cold start takes ``speedup`` times as long as a SnapStart restore.

    A plain cold start is boot + runtime start + code fetch + init + handler; the restore (``snapstart_ms``,
    e.g. the sum of :func:`cold_start_breakdown` with ``snapstart=True``) does not depend on init. So
    ``init = speedup * snapstart_ms - (boot + runtime start + code fetch + handler)``.

    Parameters
    ----------
    profile : ColdStartProfile
        Durations of the other parts of a cold start (its ``init_ms`` is ignored).
    snapstart_ms : float
        Mean duration of a SnapStart cold start, in ms (> 0).
    speedup : float
        Target ratio plain / SnapStart (> 0).

    Returns
    -------
    float
        Init time in ms.

    Raises
    ------
    TypeError
        If ``profile`` is not a ColdStartProfile or a number is not real.
    ValueError
        If a number is out of range, or no init time (>= 0) gives this speed-up.

    Examples
    --------
    >>> init_ms_for_speedup(ColdStartProfile(), 200.0, 10.0)   # 2000 - (125 + 250 + 300 + 50)
    1275.0
    """
    profile = _check_profile(profile)
    snapstart_ms = check_positive("snapstart_ms", snapstart_ms)
    speedup = check_positive("speedup", speedup)
    rest = profile.vm_boot_ms + profile.runtime_start_ms + profile.code_fetch_ms + profile.handler_ms
    init = speedup * snapstart_ms - rest
    if init < 0:
        raise ValueError(f'"speedup" of {speedup!r} needs a negative init time: a cold start without init '
                         f'already takes {rest / snapstart_ms:.3g} times the SnapStart time '
                         f'("snapstart_ms" = {snapstart_ms!r})')
    if not math.isfinite(init):
        raise ValueError(f'"speedup" x "snapstart_ms" overflows the float range, got {speedup!r} x {snapstart_ms!r}')
    return float(init)


@dataclass(frozen=True)
class InvocationResult:
    """Latencies of a stream of invocations, some of them cold.

    Attributes
    ----------
    latency_ms : numpy.ndarray, shape (n_invocations,)
        End-to-end latency of each invocation, in ms.
    is_cold : numpy.ndarray of bool, shape (n_invocations,)
        Which invocations were cold starts.
    snapstart : bool
        Whether cold starts restored a snapshot.
    loading : str
        Snapshot loading strategy (meaningful with SnapStart).
    cold_start_probability : float
        Probability that an invocation was cold.
    jitter_sigma : float
        Log-normal spread applied to each component.
    profile : ColdStartProfile
    cache : TieredCache
    """

    latency_ms: np.ndarray
    is_cold: np.ndarray
    snapstart: bool
    loading: str
    cold_start_probability: float
    jitter_sigma: float
    profile: ColdStartProfile
    cache: TieredCache

    @property
    def cold_latency_ms(self) -> np.ndarray:
        """Latencies of the cold invocations only, in ms."""
        return self.latency_ms[self.is_cold]


def simulate_invocations(profile: ColdStartProfile = ColdStartProfile(), *, n_invocations: int = 10_000,
                         cold_start_probability: float = 0.01, snapstart: bool = False,
                         loading: str = "predictive", prefetch_concurrency: int = 8,
                         cache: TieredCache = TieredCache(), jitter_sigma: float = 0.25,
                         rng: Any = None) -> InvocationResult:
    """Latency of each invocation of one function, warm or cold, with or without SnapStart.

    Each invocation is cold with probability ``cold_start_probability`` (take it from the cache model of
    :mod:`labsupport.serverless`). A warm invocation costs ``handler_ms``; a cold one adds the cold-start
    components. Each component is multiplied by its own log-normal jitter of median 1 and log-spread
    ``jitter_sigma`` (an assumption standing in for real variability). A SnapStart cold start draws its
    memory-loading time from :func:`restore_time`.

    Parameters
    ----------
    profile : ColdStartProfile, default=ColdStartProfile()
        Component durations.
    n_invocations : int, default=10000
        Invocations simulated (1 .. 1,000,000).
    cold_start_probability : float, default=0.01
        Probability that an invocation is cold, in [0, 1].
    snapstart : bool, default=False
        Restore a snapshot on a cold start.
    loading : {"lazy", "predictive"}, default="predictive"
        Snapshot loading strategy.
    prefetch_concurrency : int, default=8
        Parallel fetch streams of predictive loading.
    cache : TieredCache, default=TieredCache()
        Tier hit ratios and latencies.
    jitter_sigma : float, default=0.25
        Log-normal sigma of each component's jitter (0 .. 10; 0 means no jitter; beyond 10 a component's
        jitter factor e^(sigma z) can exceed the float range).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    InvocationResult

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> r = simulate_invocations(n_invocations=2000, cold_start_probability=0.05, rng=3)
    >>> bool(r.cold_latency_ms.min() > 10 * r.latency_ms[~r.is_cold].max())
    True
    """
    profile = _check_profile(profile)
    n = check_int("n_invocations", n_invocations, minimum=1, maximum=1_000_000)
    p_cold = check_probability("cold_start_probability", cold_start_probability)
    snapstart = check_bool("snapstart", snapstart)
    loading = check_choice("loading", loading, _LOADINGS)
    prefetch_concurrency = check_int("prefetch_concurrency", prefetch_concurrency, minimum=1, maximum=4096)
    cache = _check_cache(cache)
    sigma = check_nonnegative("jitter_sigma", jitter_sigma)
    if sigma > MAX_JITTER_SIGMA:
        raise ValueError(f'"jitter_sigma" must be <= {MAX_JITTER_SIGMA:g}, got {sigma!r}')
    rng = make_rng(rng)

    def jitter(size):
        return rng.lognormal(0.0, sigma, size) if sigma > 0 else np.ones(size)

    is_cold = rng.random(n) < p_cold
    latency = profile.handler_ms * jitter(n)
    k = int(is_cold.sum())
    if k:
        if snapstart:
            restored = restore_time(chunks_in(profile.working_set_mib), loading=loading, handler_ms=0.0,
                                    prefetch_concurrency=prefetch_concurrency, cache=cache, n_restores=k, rng=rng)
            extra = (profile.resume_ms * jitter(k) + profile.after_restore_ms * jitter(k) + restored.loading_ms)
            # the handler overlaps the memory loading; charge whichever is longer
            latency[is_cold] = extra - restored.loading_ms + np.maximum(restored.loading_ms, latency[is_cold])
        else:
            extra = sum(ms * jitter(k) for ms in (profile.vm_boot_ms, profile.runtime_start_ms,
                                                  profile.code_fetch_ms, profile.init_ms))
            latency[is_cold] += extra
    return InvocationResult(latency_ms=latency, is_cold=is_cold, snapstart=snapstart, loading=loading,
                            cold_start_probability=p_cold, jitter_sigma=sigma, profile=profile, cache=cache)


# ----------------------------------------------------------------------------------------------
# Uniqueness: snapshot, restore, clone tokens
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FunctionState:
    """What a running function carries that matters for uniqueness.

    Attributes
    ----------
    rng_state : dict
        The state of the function's random-number generator (a numpy PCG64 state), standing in for a
        language runtime's RNG, UUID generator or nonce counter.
    init_token : int
        A value computed once during init and cached (a UUID, a key pair), ``token_bits`` bits.
    token_bits : int
        Length of the tokens the function generates, in bits (1 .. 64).
    restores : int
        How many times this state has been restored from a snapshot (0 for a function that booted).

    Examples
    --------
    >>> FunctionState(rng_state=initialize_function(rng=0).rng_state, init_token=7, token_bits=32).restores
    0
    """

    rng_state: dict = field(repr=False)
    init_token: int
    token_bits: int
    restores: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.rng_state, dict) or "state" not in self.rng_state:
            raise TypeError(f'"rng_state" must be a numpy bit generator state dict, got {self.rng_state!r}')
        check_int("init_token", self.init_token, minimum=0)
        check_int("token_bits", self.token_bits, minimum=1, maximum=64)
        check_int("restores", self.restores, minimum=0)


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of an initialised function's state, taken after init.

    Attributes
    ----------
    state : FunctionState
        The state every clone starts from.
    """

    state: FunctionState


def _check_state(state: Any) -> FunctionState:
    if not isinstance(state, FunctionState):
        raise TypeError(f'"state" must be a FunctionState, got {type(state).__name__}')
    return state


def _copy_state(rng_state: dict) -> dict:
    """Copy a PCG64 state dict (its leaves are immutable ints and strings)."""
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in rng_state.items()}


def _generator(state: FunctionState) -> np.random.PCG64:
    bits = np.random.PCG64()
    bits.state = _copy_state(state.rng_state)
    return bits


def _draw_tokens(bits: np.random.PCG64, n: int, token_bits: int) -> np.ndarray:
    return bits.random_raw(n) >> np.uint64(64 - token_bits)


def initialize_function(token_bits: int = 64, *, rng: Any = None) -> FunctionState:
    """Run a function's init: seed its generator from fresh entropy and compute a cached token.

    Parameters
    ----------
    token_bits : int, default=64
        Length of the tokens the function generates, in bits (1 .. 64).
    rng : None, int or numpy.random.Generator, optional
        Stands in for the OS entropy pool at init time.

    Returns
    -------
    FunctionState

    Raises
    ------
    TypeError, ValueError
        If ``token_bits`` is not an integer in [1, 64].

    Examples
    --------
    >>> initialize_function(16, rng=1).init_token < 2**16
    True
    """
    token_bits = check_int("token_bits", token_bits, minimum=1, maximum=64)
    rng = make_rng(rng)
    bits = np.random.PCG64(int(rng.integers(0, 2**63)))
    init_token = int(_draw_tokens(bits, 1, token_bits)[0])
    return FunctionState(rng_state=bits.state, init_token=init_token, token_bits=token_bits)


def snapshot(state: FunctionState) -> Snapshot:
    """Snapshot an initialised function (a deep, immutable copy of its state).

    Parameters
    ----------
    state : FunctionState

    Returns
    -------
    Snapshot

    Raises
    ------
    TypeError
        If ``state`` is not a FunctionState.

    Examples
    --------
    >>> snap = snapshot(initialize_function(rng=1))
    >>> snap.state.restores
    0
    """
    state = _check_state(state)
    return Snapshot(state=replace(state, rng_state=copy.deepcopy(state.rng_state)))


def reseed_after_restore(state: FunctionState, entropy: int) -> FunctionState:
    """The after-restore hook: reseed the function's generator from fresh entropy.

    This is what a CRaC ``afterRestore`` hook (or a runtime's built-in restore handling) does. It fixes every
    value drawn after the restore; it cannot change ``init_token``, which init already computed.

    Parameters
    ----------
    state : FunctionState
        The restored clone's state.
    entropy : int
        Fresh entropy (>= 0). A real hook reads the OS entropy pool (``os.urandom``, ``secrets``).

    Returns
    -------
    FunctionState
        The same state with a freshly seeded generator.

    Raises
    ------
    TypeError, ValueError
        If ``state`` is not a FunctionState or ``entropy`` is not a non-negative integer.

    Examples
    --------
    >>> s = initialize_function(rng=1)
    >>> reseed_after_restore(s, 42).init_token == s.init_token
    True
    """
    state = _check_state(state)
    entropy = check_int("entropy", entropy, minimum=0)
    return replace(state, rng_state=np.random.PCG64(entropy).state)


def restore(snap: Snapshot, n_clones: int = 1, *, after_restore_hook: Callable[[FunctionState, int], FunctionState]
            | None = None, rng: Any = None) -> list[FunctionState]:
    """Restore ``n_clones`` execution environments from one snapshot.

    Each clone starts from an exact copy of the snapshot's state. If ``after_restore_hook`` is given it is
    called on each clone with a fresh per-restore entropy value drawn from ``rng`` (the model's stand-in
    for the OS entropy pool), and its return value is the clone's state.

    Parameters
    ----------
    snap : Snapshot
        The snapshot to restore.
    n_clones : int, default=1
        Clones to restore (1 .. 1,000,000).
    after_restore_hook : callable, optional
        ``hook(state, entropy) -> FunctionState``, e.g. :func:`reseed_after_restore`. None runs no hook.
    rng : None, int or numpy.random.Generator, optional
        Source of the per-restore entropy (only used with a hook).

    Returns
    -------
    list of FunctionState

    Raises
    ------
    TypeError, ValueError
        If ``snap`` is not a Snapshot, ``n_clones`` is out of range, the hook is not callable or returns
        something that is not a FunctionState.

    Examples
    --------
    >>> snap = snapshot(initialize_function(rng=1))
    >>> a, b = restore(snap, 2)
    >>> generate_tokens(a, 3)[0].tolist() == generate_tokens(b, 3)[0].tolist()
    True
    """
    if not isinstance(snap, Snapshot):
        raise TypeError(f'"snap" must be a Snapshot, got {type(snap).__name__}')
    n_clones = check_int("n_clones", n_clones, minimum=1, maximum=1_000_000)
    if after_restore_hook is not None and not callable(after_restore_hook):
        raise TypeError(f'"after_restore_hook" must be callable or None, got {after_restore_hook!r}')
    rng = make_rng(rng)
    base = replace(snap.state, restores=snap.state.restores + 1)
    clones = []
    for _ in range(n_clones):
        clone = replace(base, rng_state=_copy_state(base.rng_state))
        if after_restore_hook is not None:
            clone = after_restore_hook(clone, int(rng.integers(0, 2**63)))
            if not isinstance(clone, FunctionState):
                raise TypeError(f'"after_restore_hook" must return a FunctionState, got {type(clone).__name__}')
        clones.append(clone)
    return clones


def generate_tokens(state: FunctionState, n_tokens: int) -> tuple[np.ndarray, FunctionState]:
    """Draw ``n_tokens`` random tokens (request ids, nonces) from a function's generator.

    Parameters
    ----------
    state : FunctionState
        The function's state (not modified).
    n_tokens : int
        Tokens to draw (1 .. 10,000,000).

    Returns
    -------
    tokens : numpy.ndarray of uint64, shape (n_tokens,)
        Each ``state.token_bits`` bits long.
    new_state : FunctionState
        The state after drawing.

    Raises
    ------
    TypeError, ValueError
        If ``state`` is not a FunctionState or ``n_tokens`` is out of range.

    Examples
    --------
    >>> tokens, _ = generate_tokens(initialize_function(8, rng=1), 4)
    >>> bool((tokens < 256).all())
    True
    """
    state = _check_state(state)
    n_tokens = check_int("n_tokens", n_tokens, minimum=1, maximum=10_000_000)
    bits = _generator(state)
    tokens = _draw_tokens(bits, n_tokens, state.token_bits)
    return tokens, replace(state, rng_state=bits.state)


def clone_tokens(snap: Snapshot, n_clones: int, tokens_per_clone: int = 1, *,
                 after_restore_hook: Callable[[FunctionState, int], FunctionState] | None = None,
                 rng: Any = None) -> np.ndarray:
    """Restore ``n_clones`` clones and let each draw ``tokens_per_clone`` tokens.

    Parameters
    ----------
    snap : Snapshot
        The snapshot to restore.
    n_clones : int
        Clones (1 .. 1,000,000).
    tokens_per_clone : int, default=1
        Tokens each clone draws (1 .. 10,000; at most 10,000,000 in all).
    after_restore_hook : callable, optional
        As :func:`restore`.
    rng : None, int or numpy.random.Generator, optional
        Source of the per-restore entropy.

    Returns
    -------
    numpy.ndarray of uint64, shape (n_clones, tokens_per_clone)

    Raises
    ------
    TypeError, ValueError
        As :func:`restore` and :func:`generate_tokens`.

    Examples
    --------
    >>> snap = snapshot(initialize_function(rng=1))
    >>> find_duplicate_tokens(clone_tokens(snap, 100)).n_repeats
    99
    >>> find_duplicate_tokens(clone_tokens(snap, 100, after_restore_hook=reseed_after_restore, rng=2)).n_repeats
    0
    """
    n_clones = check_int("n_clones", n_clones, minimum=1, maximum=1_000_000)
    tokens_per_clone = check_int("tokens_per_clone", tokens_per_clone, minimum=1, maximum=10_000)
    if n_clones * tokens_per_clone > 10_000_000:
        raise ValueError(f'"n_clones" x "tokens_per_clone" must be <= 10,000,000, got {n_clones * tokens_per_clone}')
    clones = restore(snap, n_clones, after_restore_hook=after_restore_hook, rng=rng)
    return np.stack([generate_tokens(c, tokens_per_clone)[0] for c in clones])


@dataclass(frozen=True)
class DuplicateReport:
    """Which tokens repeat.

    Attributes
    ----------
    n_tokens : int
        Tokens examined.
    n_distinct : int
        Distinct values among them.
    n_repeats : int
        Tokens equal to an earlier token (``n_tokens - n_distinct``).
    n_repeated_values : int
        Distinct values that occur more than once.
    largest_group : int
        Most occurrences of a single value.
    """

    n_tokens: int
    n_distinct: int
    n_repeats: int
    n_repeated_values: int
    largest_group: int

    @property
    def any_duplicate(self) -> bool:
        """True if some token occurs more than once."""
        return self.n_repeats > 0


def find_duplicate_tokens(tokens: Any) -> DuplicateReport:
    """Count repeated values among tokens.

    Parameters
    ----------
    tokens : array_like of int
        Tokens of any shape (flattened); e.g. the output of :func:`clone_tokens`.

    Returns
    -------
    DuplicateReport

    Raises
    ------
    TypeError
        If ``tokens`` is not an array of integers.
    ValueError
        If ``tokens`` is empty.

    Examples
    --------
    >>> find_duplicate_tokens([3, 1, 3, 3, 2, 1])
    DuplicateReport(n_tokens=6, n_distinct=3, n_repeats=3, n_repeated_values=2, largest_group=3)
    """
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f'"tokens" must be an array of integers, got {type(tokens).__name__}')
    try:
        arr = np.asarray(tokens)
    except (TypeError, ValueError):  # ragged nesting
        raise TypeError(f'"tokens" must be an array of integers, got {type(tokens).__name__}') from None
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f'"tokens" must be an array of integers, got dtype {arr.dtype}')
    if not isinstance(tokens, np.ndarray) and arr.size:  # numpy reads [True, 3] as integers
        if {bool, np.bool_} & set(map(type, np.asarray(tokens, dtype=object).ravel().tolist())):
            raise TypeError('"tokens" must be an array of integers, got a bool inside')
    if arr.size == 0:
        raise ValueError('"tokens" must not be empty')
    _, counts = np.unique(arr.ravel(), return_counts=True)
    return DuplicateReport(n_tokens=int(arr.size), n_distinct=int(counts.size),
                           n_repeats=int(arr.size - counts.size), n_repeated_values=int((counts > 1).sum()),
                           largest_group=int(counts.max()))


def birthday_collision_probability(n: Any, bits: Any) -> float:
    """Probability that ``n`` independent uniform ``bits``-bit tokens include a repeat (birthday bound).

    ``1 - exp(-n (n - 1) / (2 * 2**bits))``: a very good approximation while ``n`` is much smaller than
    ``2**bits``, and the usual way to size a token. The exponent is an exact ratio of integers, rounded
    once, so 1024-bit tokens and astronomically many tokens neither overflow nor lose precision.

    Parameters
    ----------
    n : int
        Number of tokens (>= 0; any size).
    bits : int
        Token length in bits (1 .. 1024).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``n`` or ``bits`` is not an integer in range.

    Examples
    --------
    >>> round(birthday_collision_probability(4096, 24), 3)
    0.393
    """
    n = check_int("n", n, minimum=0)
    bits = check_int("bits", bits, minimum=1, maximum=1024)
    try:
        exponent = (n * (n - 1)) / (1 << (bits + 1))  # int / int: correctly rounded, 0.0 on underflow
    except OverflowError:  # more than 1.8e308: a repeat is certain to double precision
        return 1.0
    return float(-math.expm1(-exponent))


def birthday_tokens_for_probability(probability: float, bits: int) -> float:
    """How many uniform ``bits``-bit tokens make a repeat this likely: ``sqrt(2 * 2**bits * ln(1/(1-p)))``.

    Solves the birthday bound ``1 - exp(-n**2 / (2 * 2**bits)) = p`` for ``n`` (the ``n (n - 1)`` of
    :func:`birthday_collision_probability` replaced by ``n**2``, which changes ``n`` by about one half).

    Parameters
    ----------
    probability : float
        Target probability of some repeat, in (0, 1).
    bits : int
        Token length in bits (1 .. 1024).

    Returns
    -------
    float
        Number of tokens (not rounded).

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> round(birthday_tokens_for_probability(0.5, 24))   # about 1.18 * 2**12
    4823
    """
    p = check_probability("probability", probability, allow_one=False)
    if p == 0:
        raise ValueError(f'"probability" must be > 0, got {probability!r}')
    bits = check_int("bits", bits, minimum=1, maximum=1024)
    return float(math.sqrt(2.0 * 2.0**bits * -math.log1p(-p)))


def birthday_bits_needed(n: int, probability: float) -> int:
    """The shortest token, in bits, for which ``n`` uniform tokens repeat with probability at most ``p``.

    The smallest ``bits`` with ``birthday_collision_probability(n, bits) <= probability``.

    Parameters
    ----------
    n : int
        Number of tokens ever drawn (>= 2).
    probability : float
        Largest acceptable probability of some repeat, in (0, 1).

    Returns
    -------
    int
        Token length in bits.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> birthday_bits_needed(10**9, 1e-9)    # a billion tokens, one-in-a-billion risk
    89
    """
    n = check_int("n", n, minimum=2)
    p = check_probability("probability", probability, allow_one=False)
    if p == 0:
        raise ValueError(f'"probability" must be > 0, got {probability!r}')
    # n(n-1)/2^(b+1) <= p is sufficient (1 - exp(-x) <= x); step down while the exact bound still holds
    # log2 of the integer n(n-1) and of p separately: their ratio overflows for p near 5e-324
    bits = max(1, math.ceil(math.log2(n * (n - 1)) - 1.0 - math.log2(p)))
    if bits > 1024:
        raise ValueError(f'"probability" {p!r} needs more than 1024-bit tokens for n={n}')
    while bits > 1 and birthday_collision_probability(n, bits - 1) <= p:
        bits -= 1
    while birthday_collision_probability(n, bits) > p:
        bits += 1
    return bits


def collision_trials(n_tokens: int, bits: int, n_trials: int, *, rng: Any = None) -> float:
    """Fraction of trials in which ``n_tokens`` fresh uniform ``bits``-bit tokens include a repeat.

    Models perfectly reseeded clones (every token independent) to measure the birthday risk of short tokens.

    Parameters
    ----------
    n_tokens : int
        Tokens per trial (2 .. 1,000,000).
    bits : int
        Token length in bits (1 .. 64).
    n_trials : int
        Independent trials (1 .. 100,000; ``n_tokens * n_trials <= 20,000,000``).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    float
        Fraction of trials with at least one repeated token.

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range.

    Examples
    --------
    >>> abs(collision_trials(4096, 24, 2000, rng=1) - birthday_collision_probability(4096, 24)) < 0.05
    True
    """
    n_tokens = check_int("n_tokens", n_tokens, minimum=2, maximum=1_000_000)
    bits = check_int("bits", bits, minimum=1, maximum=64)
    n_trials = check_int("n_trials", n_trials, minimum=1, maximum=100_000)
    if n_tokens * n_trials > 20_000_000:
        raise ValueError(f'"n_tokens" x "n_trials" must be <= 20,000,000, got {n_tokens * n_trials}')
    rng = make_rng(rng)
    raw = rng.integers(0, np.iinfo(np.uint64).max, size=(n_trials, n_tokens), dtype=np.uint64, endpoint=True)
    tokens = np.sort(raw >> np.uint64(64 - bits), axis=1)
    return float(np.mean(np.any(tokens[:, 1:] == tokens[:, :-1], axis=1)))


# ----------------------------------------------------------------------------------------------
# OSTEP-style pose / solve
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """Pose a random question about snapshot restores, with every parameter in its statement.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, optional
        Randomness source; the same seed poses the same question.
    kind : {"birthday", "lazy"}, optional
        Which question; drawn at random if None.

    Returns
    -------
    common.Problem

    Raises
    ------
    ValueError
        If ``kind`` is not one of the choices.

    Examples
    --------
    >>> pose_problem(3, kind="lazy").kind
    'lazy'
    """
    rng = make_rng(rng)
    kinds = ("birthday", "lazy")
    kind = str(rng.choice(kinds)) if kind is None else check_choice("kind", kind, kinds)
    if kind == "birthday":
        n = int(rng.choice([1000, 5000, 20000, 100000]))
        bits = int(rng.choice([24, 32, 40, 48]))
        statement = _statement(
            f"{n:,} clones restored from one snapshot each reseed their random-number generator after the "
            f"restore and draw one {bits}-bit random token.",
            "What is the probability that two of the clones hold the same token (use the birthday bound)?")
        return Problem("birthday", statement, {"n": n, "bits": bits})
    mib = float(rng.choice([64, 128, 256, 512]))
    worker = float(rng.choice([0.0, 0.5, 0.8, 0.95]))
    az = float(rng.choice([0.8, 0.9, 0.99]))
    handler = float(rng.choice([20.0, 50.0, 100.0]))
    cache = TieredCache(worker_hit_ratio=worker, az_hit_ratio=az)
    where = (f"a chunk is never in the worker's cache (a new worker)" if worker == 0 else
             f"a chunk is in the worker's cache with probability {worker:g} ({cache.worker_ms:g} ms to fetch)")
    statement = _statement(
        f"A restored function touches {mib:g} MiB of its snapshot, in chunks of {CHUNK_KIB} KiB, and does "
        f"{handler:g} ms of work. Chunks are loaded lazily, one page fault at a time: {where}; otherwise it "
        f"is in the AZ cache with probability {az:g} ({cache.az_ms:g} ms), and otherwise it comes from "
        f"S3 ({cache.s3_ms:g} ms).",
        "What is the expected time from the resume to the end of the first invocation, in ms?")
    return Problem("lazy", statement, {"working_set_mib": mib, "worker_hit_ratio": worker, "az_hit_ratio": az,
                                       "handler_ms": handler})


#: Width of the lines of a posed problem (they print in a lab's narrow output column).
_TEXT_WIDTH = 70


def _statement(setting: str, question: str) -> str:
    """A problem statement: the setting and the question, each wrapped to :data:`_TEXT_WIDTH` characters.

    A number stays on the same line as its unit ("512 KiB", "1.5 ms"), and hyphenated words are not split.
    """
    def fill(text: str) -> str:
        glued = re.sub(r"(\d) (?=[A-Za-z%(])", "\\1\u00a0", text)   # no break between a number and its unit
        return textwrap.fill(glued, _TEXT_WIDTH, break_on_hyphens=False).replace("\u00a0", " ")

    return fill(setting) + "\n" + fill(question)


def solve(problem: Problem) -> Solution:
    """Answer a question posed by :func:`pose_problem`, showing the working.

    Parameters
    ----------
    problem : common.Problem
        A problem from :func:`pose_problem`.

    Returns
    -------
    common.Solution

    Raises
    ------
    ValueError
        If ``problem.kind`` is unknown.

    Examples
    --------
    >>> round(solve(pose_problem(0, kind="birthday")).value, 4) <= 1
    True
    """
    if not isinstance(problem, Problem):
        raise TypeError(f'"problem" must be a Problem from pose_problem, got {problem!r}')
    p = problem.params
    if problem.kind == "birthday":
        prob = birthday_collision_probability(p["n"], p["bits"])
        working = (f"n(n - 1)/2 = {p['n'] * (p['n'] - 1) // 2:,} pairs, each equal with probability "
                   f"2^-{p['bits']}\n"
                   f"P(repeat) = 1 - exp(-n(n - 1) / (2 × 2^{p['bits']})) = {prob:.4g}")
        return Solution(problem, prob, working)
    if problem.kind == "lazy":
        cache = TieredCache(worker_hit_ratio=p["worker_hit_ratio"], az_hit_ratio=p["az_hit_ratio"])
        n = chunks_in(p["working_set_mib"])
        pw, pa, ps = cache.tier_probabilities
        total = expected_lazy_restore_ms(n, handler_ms=p["handler_ms"], cache=cache)
        working = (f"chunks = {p['working_set_mib']:g} MiB / {CHUNK_KIB} KiB = {n:,}\n"
                   f"P(worker, AZ, S3) = ({pw:.4f}, {pa:.4f}, {ps:.4f})\n"
                   f"E[chunk] = {pw:.4f} × {cache.worker_ms:g} + {pa:.4f} × {cache.az_ms:g}\n"
                   f"           + {ps:.4f} × {cache.s3_ms:g} = {cache.mean_chunk_ms:.4f} ms\n"
                   f"expected time = {p['handler_ms']:g} + {n:,} × {cache.mean_chunk_ms:.4f} = {total:.1f} ms")
        return Solution(problem, total, working)
    raise ValueError(f'"problem.kind" must be one of \'birthday\', \'lazy\', got {problem.kind!r}')


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.snapshots --seed 3 --solve``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.

    Examples
    --------
    >>> main(["--seed", "2"])  # doctest: +ELLIPSIS
    # python -m labsupport.snapshots --seed 2
    ...
    0
    """
    return run_cli("python -m labsupport.snapshots",
                   "MicroVM snapshots: restore time through tiered caches, and the uniqueness of restored clones.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
