"""Tails at scale: fan-out turns a rare slow leaf into a common slow request; hedging buys it back.

Chapter: "Measuring performance: tails, queues and fan-out" (``chapters/measuring.md``);
lab: ``labs/tails.ipynb``; tests: ``tests/test_tails.py``.

A request that fans out to ``fanout`` leaf servers and needs all their answers is as slow as its
slowest leaf (Dean & Barroso, "The Tail at Scale", 2013). A leaf here is usually fast (a lognormal
around ``typical_ms``) and, with probability ``p_slow``, hits a hiccup (a GC pause, a busy disk, a
background job) and answers after ``slow_ms`` plus an exponential tail. Hedging sends a second copy of
a leaf request to another replica once the first has been outstanding for ``hedge_after_ms`` and takes
whichever answer comes first; it assumes replicas' hiccups are independent, as the model does.

Run ``python -m labsupport.tails --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.special import erfc

from .common import (
    Problem,
    Solution,
    check_array,
    check_finite,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    make_rng,
    run_cli,
)

__all__ = [
    "fanout_slow_probability",
    "fanout_for_slow_probability",
    "LeafLatency",
    "leaf_survival",
    "leaf_percentile",
    "sample_leaf_latencies",
    "fanout_survival",
    "fanout_percentile",
    "FanoutResult",
    "simulate_fanout",
    "hedged_survival",
    "hedged_extra_load",
    "HedgedResult",
    "simulate_hedged",
    "pose_problem",
    "solve",
    "main",
]

#: Most leaf latencies one simulation draws (requests x fan-out): about 0.8 GB of float64 in chunks.
MAX_LEAF_CALLS = 100_000_000
_CHUNK = 1_000_000


def fanout_slow_probability(p_slow: float, fanout: int) -> float:
    """Probability that a request waiting on ``fanout`` independent leaves is slow.

    The request is slow if any leaf is: 1 - (1 - p_slow) ** fanout. With p_slow = 1 % and
    fanout = 100 that is 63.4 %.

    Parameters
    ----------
    p_slow : float
        Probability that one leaf is slow, in [0, 1].
    fanout : int
        Number of leaves the request waits for (>= 1).

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError
        If ``fanout`` is not an integer or ``p_slow`` not a real number.
    ValueError
        If ``p_slow`` is outside [0, 1] or ``fanout`` < 1.

    Examples
    --------
    >>> round(fanout_slow_probability(0.01, 100), 3)
    0.634
    """
    p = check_probability("p_slow", p_slow)
    n = check_int("fanout", fanout, minimum=1)
    return _slow(p, n)


def _exponent(n: int, log_keep: float) -> float:
    """n * log_keep as a float, exactly rounded even when n is too large for a float (then -inf if it is huge)."""
    if n < 2**53:
        return n * log_keep
    try:
        return float(Fraction(n) * Fraction(log_keep))
    except OverflowError:
        return -math.inf


def _slow(p: float, n: int) -> float:
    """1 - (1 - p) ** n for a checked probability p and count n >= 1 (any size)."""
    if p == 0:
        return 0.0
    if p == 1:
        return 1.0
    return -math.expm1(_exponent(n, math.log1p(-p)))


def fanout_for_slow_probability(p_slow: float, target: float) -> int:
    """Largest fan-out whose requests are slow with probability at most ``target``.

    Parameters
    ----------
    p_slow : float
        Probability that one leaf is slow, in (0, 1).
    target : float
        Acceptable probability of a slow request, in (0, 1).

    Returns
    -------
    int
        floor(ln(1 - target) / ln(1 - p_slow)); 0 means even one leaf is too many. The quotient is taken
        exactly (in rational arithmetic, from the two correctly rounded logarithms), then corrected so that
        ``fanout_slow_probability(p_slow, n) <= target < fanout_slow_probability(p_slow, n + 1)``. Where
        rounding makes the forward probability flat over a run of fan-outs (answers beyond 2**53, or a
        target within an ulp of 1), ``n`` is exact to the logarithms' own precision, 1e-16 relative.

    Raises
    ------
    ValueError
        If ``p_slow`` or ``target`` is outside (0, 1).

    Examples
    --------
    >>> fanout_for_slow_probability(0.001, 0.05)
    51
    """
    p = check_probability("p_slow", p_slow, allow_one=False)
    t = check_probability("target", target, allow_one=False)
    if p == 0:
        raise ValueError('"p_slow" must be > 0 (with no slow leaves any fan-out is fine), got 0.0')
    if t == 0:
        raise ValueError('"target" must be > 0, got 0.0')
    # floor(y / x) in exact rational arithmetic: a float quotient near 1e12 is off by whole units.
    n = math.floor(Fraction(math.log1p(-t)) / Fraction(math.log1p(-p)))
    # Integer correction, so the answer agrees with fanout_slow_probability's own rounding: an exact case
    # (target = fanout_slow_probability(p, n)) gives n. A few steps at most (each is an ulp of rounding).
    # Beyond 2**53 the float probability is flat over runs of about n / 2**52 fan-outs: step down by that.
    down = max(1, n >> 50)
    for _ in range(64):
        if n > 0 and _slow(p, n) > t:
            n = max(n - down, 0)
        elif _slow(p, n + 1) <= t:
            n += 1
        else:
            break
    return int(n)


@dataclass(frozen=True)
class LeafLatency:
    """Latency model of one leaf server, in milliseconds.

    With probability ``1 - p_slow`` a response takes a lognormal time with median ``typical_ms`` and
    log-standard-deviation ``spread``; with probability ``p_slow`` it takes ``slow_ms`` plus an
    exponential time of mean ``slow_tail_ms``. The defaults echo Dean & Barroso's example: typically
    about 10 ms, but 1 % of responses take a second or more (so the leaf's p99 is about 1 s).

    Parameters
    ----------
    typical_ms : float, default=10.0
        Median of the fast responses (> 0).
    spread : float, default=0.25
        Log-standard-deviation of the fast responses (> 0).
    p_slow : float, default=0.01
        Probability of a slow response, in [0, 1].
    slow_ms : float, default=1000.0
        Minimum time of a slow response (> 0).
    slow_tail_ms : float, default=200.0
        Mean of the exponential excess of a slow response (> 0).

    Raises
    ------
    TypeError, ValueError
        If a parameter is out of range (checked on construction).

    Examples
    --------
    >>> LeafLatency(p_slow=0.001).p_slow
    0.001
    """

    typical_ms: float = 10.0
    spread: float = 0.25
    p_slow: float = 0.01
    slow_ms: float = 1000.0
    slow_tail_ms: float = 200.0

    def __post_init__(self) -> None:
        for name in ("typical_ms", "spread", "slow_ms", "slow_tail_ms"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name)))
        object.__setattr__(self, "p_slow", check_probability("p_slow", self.p_slow))


def _check_leaf(leaf: Any) -> LeafLatency:
    if not isinstance(leaf, LeafLatency):
        raise TypeError(f'"leaf" must be a LeafLatency, got {type(leaf).__name__}')
    return leaf


def _check_times(t: Any) -> np.ndarray:
    tt = check_array("t", t, ndim=None, allow_empty=True)  # refuses strings and bools, names NaN/inf
    if np.any(tt < 0):
        raise ValueError(f'"t" must be finite and >= 0, got {t!r}')
    return tt


def leaf_survival(t: Any, leaf: LeafLatency = LeafLatency()) -> np.ndarray:
    """P(leaf latency > t) for times ``t`` in ms.

    Parameters
    ----------
    t : float or array_like
        Times in ms (>= 0).
    leaf : LeafLatency, default=LeafLatency()

    Returns
    -------
    numpy.ndarray
        Same shape as ``t``.

    Raises
    ------
    ValueError
        If any ``t`` is negative or not finite.

    Examples
    --------
    >>> round(float(leaf_survival(1000.0)), 4)  # every slow response, none of the fast ones
    0.01
    """
    leaf = _check_leaf(leaf)
    tt = _check_times(t)
    return _leaf_survival(tt, leaf)


def _leaf_survival(tt: np.ndarray, leaf: LeafLatency) -> np.ndarray:
    # Extreme parameters (a spread of 1e-300, a tail of 1e-300 ms) overflow to +-inf on the way; the
    # limits erfc(+-inf) and exp(-inf) are the right answers, so those warnings are silenced.
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        z = (np.log(np.maximum(tt, 1e-300)) - math.log(leaf.typical_ms)) / leaf.spread
        fast = np.where(tt > 0, 0.5 * erfc(z / math.sqrt(2.0)), 1.0)
        slow = np.where(tt <= leaf.slow_ms, 1.0, np.exp(-(tt - leaf.slow_ms) / leaf.slow_tail_ms))
    return (1.0 - leaf.p_slow) * fast + leaf.p_slow * slow


def _invert_survival(survival, target: float, hi: float) -> float:
    """Smallest t with survival(t) <= target, by doubling then bisection (bounded loops)."""
    lo = 0.0
    for _ in range(200):
        if survival(hi) <= target:
            break
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if survival(mid) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * hi:
            break
    return hi


def _check_percentile(percentile: Any) -> float:
    q = check_finite("percentile", percentile)
    if not 0 < q < 100:
        raise ValueError(f'"percentile" must be in (0, 100), got {q!r}')
    return q


def leaf_percentile(percentile: float, leaf: LeafLatency = LeafLatency()) -> float:
    """The ``percentile``-th percentile of one leaf's latency, in ms.

    Raises
    ------
    ValueError
        If ``percentile`` is not in (0, 100).

    Examples
    --------
    >>> round(leaf_percentile(50), 2)  # a hair above typical_ms: 1 % of responses are slow
    10.03
    """
    leaf = _check_leaf(leaf)
    target = (100.0 - _check_percentile(percentile)) / 100.0
    return _invert_survival(lambda t: float(leaf_survival(t, leaf)), target, leaf.typical_ms)


def sample_leaf_latencies(leaf: LeafLatency, size: int, rng: Any = None) -> np.ndarray:
    """Draw ``size`` independent leaf latencies, in ms.

    Parameters
    ----------
    leaf : LeafLatency
    size : int
        Number of draws (0 .. 100,000,000).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray, shape (size,)

    Raises
    ------
    TypeError, ValueError
        On a bad ``leaf`` or ``size``.

    Examples
    --------
    >>> sample_leaf_latencies(LeafLatency(), 3, rng=0).shape
    (3,)
    """
    leaf = _check_leaf(leaf)
    n = check_int("size", size, minimum=0, maximum=MAX_LEAF_CALLS)
    rng = make_rng(rng)
    fast = leaf.typical_ms * np.exp(leaf.spread * rng.standard_normal(n))
    slow = rng.random(n) < leaf.p_slow
    n_slow = int(slow.sum())
    fast[slow] = leaf.slow_ms + rng.exponential(leaf.slow_tail_ms, size=n_slow)
    return fast


def fanout_survival(t: Any, leaf: LeafLatency, fanout: int) -> np.ndarray:
    """P(request latency > t) when a request waits for the slowest of ``fanout`` independent leaves.

    1 - (1 - S(t)) ** fanout, with S the leaf survival function.

    Raises
    ------
    ValueError
        If ``fanout`` < 1 or a time is negative.

    Examples
    --------
    >>> round(float(fanout_survival(1000.0, LeafLatency(), 100)), 3)
    0.634
    """
    n = check_int("fanout", fanout, minimum=1)
    return _any_of(leaf_survival(t, leaf), n)


def _any_of(single: np.ndarray, n: int) -> np.ndarray:
    """1 - (1 - single) ** n elementwise, for any count n >= 1 (a fan-out of 10**400 too)."""
    n_float = float(n) if n < 2**1023 else math.inf
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # S = 1: log1p(-1) = -inf, answer 1
        log_keep = np.log1p(-single)
        return -np.expm1(np.where(log_keep == 0, 0.0, n_float * log_keep))


def fanout_percentile(percentile: float, leaf: LeafLatency, fanout: int) -> float:
    """The ``percentile``-th percentile of a fan-out request's latency, in ms.

    The slowest of N leaves is below t with probability F(t) ** N, so the request's q-th percentile is
    the leaf's (q/100) ** (1/N) quantile.

    Raises
    ------
    ValueError
        If ``percentile`` is not in (0, 100) or ``fanout`` < 1.

    Examples
    --------
    >>> fanout_percentile(50, LeafLatency(), 100) > 1000  # the median request waits for a slow leaf
    True
    """
    leaf = _check_leaf(leaf)
    n = check_int("fanout", fanout, minimum=1)
    q = _check_percentile(percentile) / 100.0
    # The leaf must survive past t with probability 1 - q ** (1/N), computed without cancellation.
    n_float = float(n) if n < 2**1023 else math.inf
    target = -math.expm1(math.log(q) / n_float)
    return _invert_survival(lambda t: float(_leaf_survival(np.asarray(t), leaf)), target, leaf.typical_ms)


@dataclass(frozen=True)
class FanoutResult:
    """Simulated fan-out requests.

    Attributes
    ----------
    leaf : LeafLatency
        Leaf model used.
    fanout : int
        Leaves per request.
    latencies_ms : numpy.ndarray, shape (n_requests,)
        Latency of each request (its slowest leaf), in ms.
    slow_leaf_counts : numpy.ndarray of int, shape (n_requests,)
        How many of each request's leaves took their slow path.
    """

    leaf: LeafLatency
    fanout: int
    latencies_ms: np.ndarray = field(repr=False)
    slow_leaf_counts: np.ndarray = field(repr=False)

    @property
    def slow_fraction(self) -> float:
        """Fraction of requests that waited on at least one slow leaf."""
        return float(np.mean(self.slow_leaf_counts > 0))


def _leaf_matrix(leaf: LeafLatency, rows: int, fanout: int, rng: np.random.Generator):
    fast = leaf.typical_ms * np.exp(leaf.spread * rng.standard_normal((rows, fanout)))
    slow = rng.random((rows, fanout)) < leaf.p_slow
    fast[slow] = leaf.slow_ms + rng.exponential(leaf.slow_tail_ms, size=int(slow.sum()))
    return fast, slow


def _check_requests(n_requests: Any, fanout: Any) -> tuple[int, int]:
    n = check_int("n_requests", n_requests, minimum=1)
    f = check_int("fanout", fanout, minimum=1)
    if n * f > MAX_LEAF_CALLS:
        raise ValueError(f'"n_requests" x "fanout" must be <= {MAX_LEAF_CALLS:,}, got {n} x {f} = {n * f:,}')
    return n, f


def simulate_fanout(leaf: LeafLatency, fanout: int, n_requests: int, rng: Any = None) -> FanoutResult:
    """Simulate ``n_requests`` requests, each waiting for ``fanout`` independent leaves.

    Parameters
    ----------
    leaf : LeafLatency
        Latency model of every leaf.
    fanout : int
        Leaves per request (>= 1).
    n_requests : int
        Requests to simulate (>= 1; n_requests x fanout <= 100,000,000).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    FanoutResult

    Raises
    ------
    TypeError, ValueError
        On bad parameters.

    Examples
    --------
    >>> r = simulate_fanout(LeafLatency(p_slow=0.01), 100, 20_000, rng=1)
    >>> abs(r.slow_fraction - 0.634) < 0.02  # theory: 1 - 0.99 ** 100 = 0.634
    True
    """
    leaf = _check_leaf(leaf)
    n, f = _check_requests(n_requests, fanout)
    rng = make_rng(rng)
    latencies = np.empty(n)
    counts = np.empty(n, dtype=np.int64)
    rows = max(1, _CHUNK // f)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        times, slow = _leaf_matrix(leaf, stop - start, f, rng)
        latencies[start:stop] = times.max(axis=1)
        counts[start:stop] = slow.sum(axis=1)
    return FanoutResult(leaf, f, latencies, counts)


def hedged_survival(t: Any, leaf: LeafLatency, hedge_after_ms: float, fanout: int = 1) -> np.ndarray:
    """P(request latency > t) with hedged leaf requests.

    A leaf answer arrives at min(X1, d + X2) with X1, X2 independent leaf latencies and d the hedge
    delay, so its survival is S(t) for t <= d and S(t) S(t - d) after; a request waits for the slowest
    of ``fanout`` such leaves.

    Parameters
    ----------
    t : float or array_like
        Times in ms (>= 0).
    leaf : LeafLatency
    hedge_after_ms : float
        d: when the backup copy is sent (>= 0).
    fanout : int, default=1

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        On a negative time or delay, or ``fanout`` < 1.

    Examples
    --------
    >>> round(float(hedged_survival(1000.0, LeafLatency(), 20.0)), 6)  # both copies slow
    0.0001
    """
    leaf = _check_leaf(leaf)
    d = check_nonnegative("hedge_after_ms", hedge_after_ms)
    n = check_int("fanout", fanout, minimum=1)
    tt = _check_times(t)
    first = _leaf_survival(tt, leaf)
    second = _leaf_survival(np.maximum(tt - d, 0.0), leaf)
    single = np.where(tt <= d, first, first * second)
    return _any_of(single, n)


def hedged_extra_load(leaf: LeafLatency, hedge_after_ms: float) -> float:
    """Expected backup requests per leaf request: P(leaf latency > hedge_after_ms).

    Hedging at the leaf's p95 costs about 5 % more requests (fewer if backups are cancelled).

    Raises
    ------
    ValueError
        If ``hedge_after_ms`` is negative.

    Examples
    --------
    >>> round(hedged_extra_load(LeafLatency(), leaf_percentile(95)), 6)
    0.05
    """
    leaf = _check_leaf(leaf)
    d = check_nonnegative("hedge_after_ms", hedge_after_ms)
    return float(leaf_survival(d, leaf))


@dataclass(frozen=True)
class HedgedResult:
    """Simulated hedged fan-out requests.

    Attributes
    ----------
    leaf : LeafLatency
    fanout : int
    hedge_after_ms : float
        Delay after which a backup copy is sent (``inf``: never).
    latencies_ms : numpy.ndarray, shape (n_requests,)
        Latency of each request with hedging.
    unhedged_latencies_ms : numpy.ndarray, shape (n_requests,)
        What the same requests would have taken without hedging (the primaries alone).
    backups_sent : int
        Number of backup copies sent.
    """

    leaf: LeafLatency
    fanout: int
    hedge_after_ms: float
    latencies_ms: np.ndarray = field(repr=False)
    unhedged_latencies_ms: np.ndarray = field(repr=False)
    backups_sent: int

    @property
    def extra_load(self) -> float:
        """Backup copies per leaf request (0.05 = 5 % more requests)."""
        return self.backups_sent / (self.latencies_ms.size * self.fanout)


def _is_plus_inf(value: Any) -> bool:
    """True for +inf given as a float, a numpy float or a 0-d array (never for a bool or a string)."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        return False
    try:
        return float(value) == math.inf
    except (TypeError, ValueError, OverflowError):
        return False


def simulate_hedged(leaf: LeafLatency, hedge_after_ms: float, n_requests: int, fanout: int = 1,
                    rng: Any = None) -> HedgedResult:
    """Simulate hedged requests: a backup leaf request is sent after ``hedge_after_ms``.

    Every leaf request has a primary latency X1; if X1 > d a backup goes to another replica at d and
    answers at d + X2; the leaf's answer is the first of the two. The same primaries without backups
    are kept, so the effect of hedging is measured on identical requests.

    Parameters
    ----------
    leaf : LeafLatency
    hedge_after_ms : float
        d, in ms (>= 0; ``math.inf`` disables hedging).
    n_requests : int
        Requests (>= 1).
    fanout : int, default=1
        Leaves per request.
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    HedgedResult

    Raises
    ------
    TypeError, ValueError
        On bad parameters.

    Examples
    --------
    >>> r = simulate_hedged(LeafLatency(), leaf_percentile(95), 50_000, rng=2)
    >>> round(r.extra_load, 2)
    0.05
    """
    leaf = _check_leaf(leaf)
    if _is_plus_inf(hedge_after_ms):
        d = math.inf
    else:
        d = check_nonnegative("hedge_after_ms", hedge_after_ms)
    n, f = _check_requests(n_requests, fanout)
    rng = make_rng(rng)
    hedged = np.empty(n)
    plain = np.empty(n)
    backups = 0
    rows = max(1, _CHUNK // f)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        first, _ = _leaf_matrix(leaf, stop - start, f, rng)
        second, _ = _leaf_matrix(leaf, stop - start, f, rng)
        late = first > d
        backups += int(late.sum())
        answer = np.where(late, np.minimum(first, d + second), first)
        hedged[start:stop] = answer.max(axis=1)
        plain[start:stop] = first.max(axis=1)
    return HedgedResult(leaf, f, d, hedged, plain, backups)


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None) -> Problem:
    """A random fan-out question: how often is a request slow, or how wide may it fan out?

    Examples
    --------
    >>> pose_problem(1).kind in {"fanout-slow", "fanout-budget"}
    True
    """
    rng = make_rng(rng)
    p_slow = float(rng.choice([0.0001, 0.001, 0.005, 0.01, 0.02]))
    if rng.random() < 0.5:
        fanout = int(rng.choice([10, 20, 50, 100, 200, 1000]))
        statement = textwrap.fill(
            f"A request fans out to {fanout} leaf servers and must wait for all of them. Each leaf, "
            f"independently, is slow with probability {p_slow:g}. What fraction of requests is slow? "
            "(A number between 0 and 1.)", width=68)
        return Problem("fanout-slow", statement, {"p_slow": p_slow, "fanout": fanout})
    target = float(rng.choice([0.01, 0.05, 0.1]))
    statement = textwrap.fill(
        f"Each leaf server, independently, is slow with probability {p_slow:g}. At most a fraction "
        f"{target:g} of requests ({100 * target:g} %) may be slow. What is the largest fan-out (the "
        "number of leaves a request waits for) you can afford?", width=68)
    return Problem("fanout-budget", statement, {"p_slow": p_slow, "target": target})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a fan-out :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> 0 <= solve(pose_problem(1)).value
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in {"fanout-slow", "fanout-budget"}:
        raise TypeError(f'"problem" must be a fan-out Problem from pose_problem, got {problem!r}')
    p = problem.params
    if problem.kind == "fanout-slow":
        value = fanout_slow_probability(p["p_slow"], p["fanout"])
        working = (f"P(no leaf slow) = (1 - {p['p_slow']:g}) ** {p['fanout']} = {1 - value:.4f}\n"
                   f"P(request slow) = 1 - that = {value:.4f}")
    else:
        value = fanout_for_slow_probability(p["p_slow"], p["target"])
        working = (f"need 1 - (1 - {p['p_slow']:g}) ** N <= {p['target']:g}\n"
                   f"N <= ln(1 - {p['target']:g}) / ln(1 - {p['p_slow']:g}) = "
                   f"{math.log1p(-p['target']) / math.log1p(-p['p_slow']):.2f}, so N = {value}")
    return Solution(problem, float(value), working)


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.tails [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.tails", "Practice problems on fan-out and the tail at scale.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
