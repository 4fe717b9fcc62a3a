"""Lambda as a cache of execution environments: keep-alive (TTL) and LRU pools, Che's approximation, density.

The book explains this model in the chapter "Lambda SnapStart: serverless as a cache"
(``chapters/serverless.md``) and its labs ``serverless_cache`` and ``serverless_firecracker``.

The model. Many functions share a pool of initialised execution environments, at most one per function
(invocations are treated as instantaneous, so a function never needs two environments at once). Requests
for function ``i`` arrive as a Poisson process of rate ``lambda_i``; all functions together form a merged
Poisson process of rate ``sum(lambda)``, in which each request belongs to function ``i`` with probability
``lambda_i / sum(lambda)``, independently of the others. A request that finds its function's environment
in the pool is a *hit* (a warm start); otherwise it is a *miss* (a cold start) and the environment is
created. Two eviction policies:

* **keep-alive (TTL)**: an environment is kept ``keep_alive_s`` seconds after its last request. A request
  is warm exactly when the gap since the previous request of the same function is at most ``keep_alive_s``,
  so the warm probability is ``1 - exp(-lambda * keep_alive_s)``.
* **LRU of fixed capacity**: the pool holds ``capacity`` environments and evicts the least recently used
  one. Che's approximation: ``h_i = 1 - exp(-lambda_i * T_C)``, where the characteristic time ``T_C``
  solves ``sum_i (1 - exp(-lambda_i * T_C)) = capacity`` (Che et al. 2002; Fricker, Robert & Roberts 2012).

Every simulation here has a fast implementation (numpy, or an ``OrderedDict`` LRU over a pre-drawn
request stream) and a straightforward SimPy implementation of the same model (``*_simpy``), used by the
tests as a statistical cross-check and by ``benchmarks/bench_serverless.py``.
"""
from __future__ import annotations

import math
import re
import textwrap
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from .common import (
    Problem,
    Solution,
    check_array,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_probability,
    make_rng,
    run_cli,
)

__all__ = [
    "PoolResult",
    "CheResult",
    "DensityResult",
    "zipf_rates",
    "ttl_warm_probability",
    "ttl_mean_warm_environments",
    "ttl_cold_start_probability",
    "ttl_keep_alive_for",
    "che_characteristic_time",
    "che_approximation",
    "che_hit_ratio",
    "simulate_lru_pool",
    "simulate_lru_pool_simpy",
    "simulate_ttl_pool",
    "simulate_ttl_pool_simpy",
    "slots_per_host",
    "density_sweep",
    "fleet_slots",
    "hosts_to_hold",
    "pose_problem",
    "solve",
    "main",
]

#: Upper bound on bracket widenings (each multiplies T by e) when solving for Che's characteristic time.
_MAX_BRACKET_STEPS = 64
#: Most environments one host may hold (keeps fleet capacities exact in int64).
MAX_SLOTS_PER_HOST = 2**40
#: Most hosts a density sweep accepts.
MAX_HOSTS = 1_000_000
#: Number of batches used for the batch-means standard error of a simulated hit ratio.
_N_BATCHES = 20
#: Largest request count a single simulation accepts (bounds memory and run time).
MAX_REQUESTS = 20_000_000


# ----------------------------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------------------------
def _check_rates(rates_per_s: Any, *, name: str = "rates_per_s") -> np.ndarray:
    """Per-function request rates as a 1-D float array: finite, >= 0, at least one > 0."""
    rates = check_array(name, rates_per_s, minimum=0.0)
    if not (rates > 0).any():
        raise ValueError(f'"{name}" must have at least one rate > 0, got all zeros')
    return rates


def _batch_stderr(hits: np.ndarray) -> float:
    """Batch-means standard error of the mean of a (correlated) 0/1 sequence."""
    n = hits.size
    if n < 2 * _N_BATCHES:
        return float("nan")
    usable = n - n % _N_BATCHES
    means = hits[:usable].reshape(_N_BATCHES, -1).mean(axis=1)
    return float(means.std(ddof=1) / math.sqrt(_N_BATCHES))


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolResult:
    """Outcome of one pool simulation, with the parameters that produced it.

    Attributes
    ----------
    policy : str
        ``"lru"`` or ``"ttl"``.
    rates_per_s : numpy.ndarray, shape (n_functions,)
        Per-function request rates, in requests per second.
    capacity : int or None
        LRU capacity in environments (None for TTL).
    keep_alive_s : float or None
        TTL keep-alive in seconds (None for LRU).
    n_requests : int
        Requests counted (after the warm-up).
    warmup_requests : int
        Requests simulated first and not counted (they fill the pool).
    requests : numpy.ndarray of int, shape (n_functions,)
        Counted requests per function.
    hits : numpy.ndarray of int, shape (n_functions,)
        Counted warm starts per function.
    hit_ratio : float
        Overall (request-weighted) fraction of counted requests that were warm.
    hit_ratio_stderr : float
        Batch-means standard error of ``hit_ratio`` (20 batches; NaN below 40 requests).
    mean_warm_environments : float
        Time-averaged number of environments kept warm (TTL: measured over the counted period;
        LRU: ``min(capacity, functions seen)`` at the end, the pool never shrinks).
    seconds_simulated : float
        Length of the counted period in simulated seconds (NaN for LRU, whose decisions need no times).
    """

    policy: str
    rates_per_s: np.ndarray
    capacity: int | None
    keep_alive_s: float | None
    n_requests: int
    warmup_requests: int
    requests: np.ndarray
    hits: np.ndarray
    hit_ratio: float
    hit_ratio_stderr: float
    mean_warm_environments: float
    seconds_simulated: float

    @property
    def hit_ratios(self) -> np.ndarray:
        """Per-function hit ratio, shape (n_functions,); NaN for a function with no counted request."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.requests > 0, self.hits / np.maximum(self.requests, 1), np.nan)

    @property
    def cold_start_ratio(self) -> float:
        """Overall fraction of counted requests that were cold starts (``1 - hit_ratio``)."""
        return 1.0 - self.hit_ratio


@dataclass(frozen=True)
class CheResult:
    """Che's approximation for an LRU pool.

    Attributes
    ----------
    rates_per_s : numpy.ndarray, shape (n_functions,)
        Per-function request rates, in requests per second.
    capacity : int
        Pool capacity, in environments.
    characteristic_time_s : float
        ``T_C`` in seconds (``inf`` when the pool can hold every function with a nonzero rate).
    hit_ratios : numpy.ndarray, shape (n_functions,)
        ``1 - exp(-lambda_i T_C)`` per function (0 for a function of rate 0).
    hit_ratio : float
        Request-weighted overall hit ratio ``sum(lambda_i h_i) / sum(lambda_i)``.
    """

    rates_per_s: np.ndarray
    capacity: int
    characteristic_time_s: float
    hit_ratios: np.ndarray
    hit_ratio: float


@dataclass(frozen=True)
class DensityResult:
    """Cold-start ratio of a fleet as a function of the per-VM memory overhead.

    Attributes
    ----------
    overheads_mib : numpy.ndarray, shape (k,)
        Per-VM memory overhead values swept, in MiB.
    slots_per_host : numpy.ndarray of int, shape (k,)
        Environments one host can hold at each overhead.
    capacity : numpy.ndarray of int, shape (k,)
        Environments the fleet can hold (``n_hosts * slots_per_host``).
    cold_start_ratio : numpy.ndarray, shape (k,)
        Request-weighted cold-start ratio (``1 - che_hit_ratio``); 1.0 where the fleet holds no slot.
    host_memory_mib : float
        Memory per host available for environments, in MiB.
    function_memory_mib : float
        Guest memory of one environment, in MiB.
    n_hosts : int
        Hosts in the fleet.
    rates_per_s : numpy.ndarray, shape (n_functions,)
        Per-function request rates.
    """

    overheads_mib: np.ndarray
    slots_per_host: np.ndarray
    capacity: np.ndarray
    cold_start_ratio: np.ndarray
    host_memory_mib: float
    function_memory_mib: float
    n_hosts: int
    rates_per_s: np.ndarray

    @property
    def bend_overhead_mib(self) -> float:
        """Overhead (MiB) above which the fleet can no longer hold every function with a nonzero rate.

        Below it every request after the first of each function is warm; above it cold starts begin.
        Equal to ``n_hosts * host_memory_mib / n_active - function_memory_mib`` (may be negative).
        """
        n_active = int(np.count_nonzero(self.rates_per_s))
        return self.n_hosts * self.host_memory_mib / n_active - self.function_memory_mib


# ----------------------------------------------------------------------------------------------
# Popularity and closed forms
# ----------------------------------------------------------------------------------------------
def zipf_rates(n_functions: int, total_rate_per_s: float, exponent: float) -> np.ndarray:
    """Per-function request rates with Zipf popularity: ``lambda_i`` proportional to ``i ** -exponent``.

    Parameters
    ----------
    n_functions : int
        Number of functions (>= 1).
    total_rate_per_s : float
        Sum of all rates, in requests per second (> 0).
    exponent : float
        Zipf exponent (>= 0); 0 gives equal popularity, about 1 is typical of web and function traces.

    Returns
    -------
    numpy.ndarray, shape (n_functions,)
        Rates in requests per second, most popular first, summing to ``total_rate_per_s``.

    Raises
    ------
    TypeError
        If ``n_functions`` is not an integer or a rate is not a number.
    ValueError
        If ``n_functions < 1``, ``total_rate_per_s <= 0`` or ``exponent < 0`` (or any is not finite).

    Examples
    --------
    >>> zipf_rates(3, 11.0, 1.0).round(3).tolist()
    [6.0, 3.0, 2.0]
    """
    n_functions = check_int("n_functions", n_functions, minimum=1, maximum=10_000_000)
    total_rate_per_s = check_positive("total_rate_per_s", total_rate_per_s)
    exponent = check_nonnegative("exponent", exponent)
    weights = np.arange(1, n_functions + 1, dtype=float) ** -exponent
    return total_rate_per_s * weights / weights.sum()


def ttl_warm_probability(invocation_rate_per_s: Any, keep_alive_s: float) -> Any:
    """Probability that an invocation finds a warm environment under a fixed keep-alive.

    With Poisson arrivals of rate ``lambda`` the gap since the previous invocation is exponential, and the
    environment is still warm if that gap is at most ``keep_alive_s``: ``1 - exp(-lambda * keep_alive_s)``.

    Parameters
    ----------
    invocation_rate_per_s : float or array_like of float
        Invocation rate(s) of the function(s), in invocations per second (finite, >= 0).
    keep_alive_s : float
        How long an idle environment is kept, in seconds (finite, >= 0).

    Returns
    -------
    float or numpy.ndarray
        Warm probability (a float for a scalar rate, an array of the rates' shape otherwise).

    Raises
    ------
    TypeError
        If an argument is not a real number (or an array of them).
    ValueError
        If a rate or the keep-alive is negative or not finite.

    Examples
    --------
    >>> round(ttl_warm_probability(1 / 60, 600.0), 6)   # once a minute, 10-minute keep-alive
    0.999955
    """
    keep_alive_s = check_nonnegative("keep_alive_s", keep_alive_s)
    try:
        scalar = np.ndim(invocation_rate_per_s) == 0
    except ValueError:  # a ragged list: check_array below says what is wrong with it
        scalar = False
    if scalar:  # a number, a numpy scalar or a 0-d array: a float back
        rate = check_nonnegative("invocation_rate_per_s", invocation_rate_per_s)
        return float(-math.expm1(-rate * keep_alive_s))
    rates = check_array("invocation_rate_per_s", invocation_rate_per_s, ndim=None, allow_empty=True)
    bad = rates < 0
    if bad.any():
        raise ValueError(f'"invocation_rate_per_s" must be finite and >= 0, got {float(rates[bad].ravel()[0])!r}')
    with np.errstate(over="ignore"):  # lambda T beyond the float range: warm for sure
        return -np.expm1(-rates * keep_alive_s)


def ttl_mean_warm_environments(rates_per_s: Any, keep_alive_s: float) -> float:
    """Mean number of environments a keep-alive policy keeps warm: ``sum_i (1 - exp(-lambda_i T))``.

    Function ``i``'s environment is warm at a random time exactly when it had a request in the last
    ``keep_alive_s`` seconds. This is the memory the policy costs; it is also the left-hand side of
    Che's equation, which is why an LRU pool of capacity ``C`` behaves like a TTL pool with ``T = T_C``.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    keep_alive_s : float
        Keep-alive in seconds (finite, >= 0).

    Returns
    -------
    float
        Expected number of warm environments.

    Raises
    ------
    TypeError, ValueError
        If the rates or the keep-alive are invalid.

    Examples
    --------
    >>> round(ttl_mean_warm_environments([1.0, 1.0], 1.0), 4)
    1.2642
    """
    rates = _check_rates(rates_per_s)
    keep_alive_s = check_nonnegative("keep_alive_s", keep_alive_s)
    with np.errstate(over="ignore"):
        return float(np.sum(-np.expm1(-rates * keep_alive_s)))


def ttl_cold_start_probability(invocation_rate_per_s: float, keep_alive_s: float) -> float:
    """Probability that an invocation is a cold start under a fixed keep-alive: ``exp(-lambda * T)``.

    The complement of :func:`ttl_warm_probability`, for one function.

    Parameters
    ----------
    invocation_rate_per_s : float
        Invocation rate of the function, in invocations per second (finite, >= 0).
    keep_alive_s : float
        How long an idle environment is kept, in seconds (finite, >= 0).

    Returns
    -------
    float
        Cold-start probability, between 0 and 1.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If an argument is negative or not finite.

    Examples
    --------
    >>> round(ttl_cold_start_probability(1 / 3600, 600.0), 4)   # once an hour, 10-minute keep-alive
    0.8465
    """
    rate = check_nonnegative("invocation_rate_per_s", invocation_rate_per_s)
    keep_alive_s = check_nonnegative("keep_alive_s", keep_alive_s)
    return float(math.exp(-rate * keep_alive_s))


def ttl_keep_alive_for(invocation_rate_per_s: float, warm_probability: float) -> float:
    """The keep-alive that makes a fraction ``warm_probability`` of invocations warm: ``-ln(1 - p) / lambda``.

    The inverse of :func:`ttl_warm_probability` in the keep-alive.

    Parameters
    ----------
    invocation_rate_per_s : float
        Invocation rate of the function, in invocations per second (finite, > 0).
    warm_probability : float
        Target warm fraction, in [0, 1).

    Returns
    -------
    float
        Keep-alive in seconds.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If the rate is not positive or the probability is outside [0, 1).

    Examples
    --------
    >>> round(ttl_keep_alive_for(1 / 3600, 0.5) / 60, 1)   # minutes, for a function invoked once an hour
    41.6
    """
    rate = check_positive("invocation_rate_per_s", invocation_rate_per_s)
    p = check_probability("warm_probability", warm_probability, allow_one=False)
    keep_alive = -math.log1p(-p) / rate
    if not math.isfinite(keep_alive):
        raise ValueError(f'"invocation_rate_per_s" {rate!r} is too small: the keep-alive for a warm probability '
                         f'of {p!r} overflows the float range')
    return float(keep_alive)


def _check_capacity(capacity: Any) -> int:
    return check_int("capacity", capacity, minimum=1)


def che_characteristic_time(rates_per_s: Any, capacity: int) -> float:
    """Characteristic time ``T_C`` of an LRU pool (Che's approximation).

    Solves ``sum_i (1 - exp(-lambda_i T_C)) = capacity`` for ``ln T_C`` between closed-form bounds with
    Brent's method (at most 400 iterations), then refines ``T_C`` with a Newton step. Working in
    ``ln T_C`` keeps rates anywhere in the float range (1e308 or 5e-324) from overflowing or underflowing.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    capacity : int
        Pool capacity in environments (>= 1).

    Returns
    -------
    float
        ``T_C`` in seconds; ``inf`` if ``capacity`` is at least the number of functions with a nonzero rate
        (then nothing is ever evicted), and also when ``T_C`` exceeds the float range (about 1.8e308 s,
        possible only with rates spanning more than 300 orders of magnitude; :func:`che_approximation`
        still gives exact hit ratios then).

    Raises
    ------
    TypeError
        If ``capacity`` is not an integer or the rates are not numbers.
    ValueError
        If ``capacity < 1`` or a rate is negative or not finite, or all rates are zero.

    Examples
    --------
    >>> round(che_characteristic_time([1.0, 1.0, 1.0, 1.0], 2), 4)   # 4 (1 - e^-T) = 2
    0.6931
    """
    rates = _check_rates(rates_per_s)
    capacity = _check_capacity(capacity)
    v = _che_scaled_log_time(rates, capacity)
    return math.inf if v is None else _time_from_scaled(v, rates)


def _log_weights(rates: np.ndarray) -> tuple[np.ndarray, float]:
    """ln(lambda_i / lambda_max) for the active rates (exact 0 for the largest), and ln(lambda_max)."""
    active = rates[rates > 0]
    top = float(active.max())
    with np.errstate(under="ignore"):
        w = active / top
    tiny = w < np.finfo(float).tiny  # subnormal or underflowed ratio: take the difference of logs
    log_w = np.where(tiny, np.log(active) - math.log(top), np.log(np.where(tiny, 1.0, w)))
    return log_w, math.log(top)


def _che_scaled_log_time(rates: np.ndarray, capacity: int) -> float | None:
    """ln(lambda_max T_C) for checked rates and capacity; None when the pool holds every active function.

    Solved for v = ln(lambda_max T), where every term is lambda_i T = exp(ln(lambda_i / lambda_max) + v):
    rates near the float maximum or subnormal (5e-324) neither overflow a sum nor lose the root. The
    bracket is closed-form: at v_lo = ln(capacity / sum(w)) the excess is <= 0 (since 1 - e^-x <= x), and
    at v_hi = ln(-ln(1 - capacity / n) / min(w)) every term is >= capacity / n, so the excess is >= 0.
    Newton steps in lambda_max T itself then give full relative precision.
    """
    log_w, log_top = _log_weights(rates)
    n = log_w.size
    if capacity >= n:
        return None

    def terms(v: float) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(log_w + v)  # lambda_i T, possibly inf (then 1 - e^-inf = 1)

    def excess(v: float) -> float:
        return float(np.sum(-np.expm1(-terms(v)))) - capacity

    lo = math.log(capacity) - math.log(float(np.sum(np.exp(log_w))))
    hi = math.log(-math.log1p(-capacity / n)) - float(log_w.min())
    for _ in range(_MAX_BRACKET_STEPS):  # rounding can put a bound a hair on the wrong side
        if excess(lo) <= 0:
            break
        lo -= 1.0
    for _ in range(_MAX_BRACKET_STEPS):
        if excess(hi) >= 0:
            break
        hi += 1.0
    if excess(lo) == 0:
        v = lo
    elif excess(hi) == 0:
        v = hi
    else:
        v = float(brentq(excess, lo, hi, xtol=1e-15, maxiter=400))
    for _ in range(3):  # Newton in U = lambda_max T: U <- U (1 - f / sum(x e^-x)), x = lambda_i T
        x = terms(v)
        with np.errstate(invalid="ignore", under="ignore"):
            slope = float(np.sum(np.where(np.isinf(x), 0.0, x * np.exp(-x))))
        f = float(np.sum(-np.expm1(-x))) - capacity
        if f == 0 or not slope > 0 or abs(f / slope) > 0.5:
            break
        v += math.log1p(-f / slope)
    return v


def _time_from_scaled(v: float, rates: np.ndarray) -> float:
    """T_C = exp(v) / lambda_max, by division where that stays in range (full precision), else via logs."""
    top = float(rates.max())
    with np.errstate(over="ignore", under="ignore"):
        scaled = float(np.exp(v))
        t_c = scaled / top if math.isfinite(scaled) else math.inf
        if not (math.isfinite(t_c) and t_c > 0):
            t_c = float(np.exp(v - math.log(top)))
    return t_c


def che_approximation(rates_per_s: Any, capacity: int) -> CheResult:
    """Che's approximation of an LRU pool: characteristic time and per-function hit ratios.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    capacity : int
        Pool capacity in environments (>= 1).

    Returns
    -------
    CheResult
        ``hit_ratios[i] = 1 - exp(-lambda_i T_C)`` and the request-weighted ``hit_ratio``. When
        ``capacity`` covers every function with a nonzero rate, ``T_C = inf`` and every such function's
        hit ratio is 1 (in steady state: only a function's very first request misses).

    Raises
    ------
    TypeError, ValueError
        As :func:`che_characteristic_time`.

    Examples
    --------
    >>> round(che_approximation([1.0, 1.0, 1.0, 1.0], 2).hit_ratio, 4)
    0.5
    """
    rates = _check_rates(rates_per_s)
    capacity = _check_capacity(capacity)
    v = _che_scaled_log_time(rates, capacity)
    if v is None:
        return CheResult(rates_per_s=rates, capacity=capacity, characteristic_time_s=math.inf,
                         hit_ratios=np.where(rates > 0, 1.0, 0.0), hit_ratio=1.0)
    h = np.zeros_like(rates)
    log_w, _ = _log_weights(rates)
    with np.errstate(over="ignore"):
        h[rates > 0] = -np.expm1(-np.exp(log_w + v))
    t_c = _time_from_scaled(v, rates)
    weights = rates / rates.max()  # sum(rates) overflows for rates near 1e308; the ratio does not change
    overall = min(float(np.dot(weights, h) / weights.sum()), 1.0)
    return CheResult(rates_per_s=rates, capacity=capacity, characteristic_time_s=t_c, hit_ratios=h,
                     hit_ratio=overall)


def che_hit_ratio(rates_per_s: Any, capacity: int) -> float:
    """Overall (request-weighted) hit ratio of an LRU pool by Che's approximation.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0). Functions of rate 0
        are allowed: they never occupy the pool.
    capacity : int
        Pool capacity in environments (>= 1).

    Returns
    -------
    float
        ``sum_i lambda_i (1 - exp(-lambda_i T_C)) / sum_i lambda_i``; exactly 1.0 when ``capacity`` is at
        least the number of functions with a nonzero rate.

    Raises
    ------
    TypeError, ValueError
        As :func:`che_characteristic_time`.

    Examples
    --------
    >>> che_hit_ratio([5.0, 1.0, 0.0], 2)
    1.0
    >>> round(che_hit_ratio(zipf_rates(1000, 100.0, 0.8), 100), 3)
    0.378
    """
    return che_approximation(rates_per_s, capacity).hit_ratio


# ----------------------------------------------------------------------------------------------
# Simulations
# ----------------------------------------------------------------------------------------------
def _check_sim_args(rates_per_s: Any, n_requests: Any, warmup_requests: Any) -> tuple[np.ndarray, int, int]:
    rates = _check_rates(rates_per_s)
    n_requests = check_int("n_requests", n_requests, minimum=1, maximum=MAX_REQUESTS)
    warmup_requests = check_int("warmup_requests", warmup_requests, minimum=0, maximum=MAX_REQUESTS)
    active = rates[rates > 0]
    with np.errstate(over="ignore", divide="ignore"):
        total, slowest = float(active.sum()), float(1.0 / active.min())
    # every simulated time (about requests / sum, and a gap 1/rate of the rarest function) must stay finite
    if not (math.isfinite(total) and math.isfinite(slowest) and 100.0 * (n_requests + warmup_requests) / total < 1e300):
        raise ValueError(f'"rates_per_s" must be simulable: their sum, the mean gap 1/rate of each and the '
                         f'simulated time must stay within the float range, got sum {total!r} and smallest rate '
                         f'{float(active.min())!r}; change the time unit')
    return rates, n_requests, warmup_requests


def _draw_function_ids(rates: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Function id of each request of the merged Poisson stream (i.i.d., P(i) = lambda_i / sum)."""
    cdf = np.cumsum(rates)
    cdf /= cdf[-1]
    ids = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(ids, rates.size - 1)  # guards the u -> 1.0 rounding edge


def _result(policy: str, rates: np.ndarray, hit: np.ndarray, ids: np.ndarray, *, capacity=None,
            keep_alive_s=None, warmup: int, mean_warm: float, seconds: float) -> PoolResult:
    n = rates.size
    requests = np.bincount(ids, minlength=n)
    hits = np.bincount(ids, weights=hit, minlength=n).astype(np.int64)
    return PoolResult(policy=policy, rates_per_s=rates, capacity=capacity, keep_alive_s=keep_alive_s,
                      n_requests=int(ids.size), warmup_requests=warmup, requests=requests, hits=hits,
                      hit_ratio=float(hit.mean()), hit_ratio_stderr=_batch_stderr(hit.astype(float)),
                      mean_warm_environments=float(mean_warm), seconds_simulated=float(seconds))


def simulate_lru_pool(rates_per_s: Any, capacity: int, n_requests: int, *, warmup_requests: int = 0,
                      rng: Any = None) -> PoolResult:
    """Simulate an LRU pool of execution environments under independent Poisson requests.

    The merged request stream is drawn up front (function ids i.i.d. with probability
    ``lambda_i / sum(lambda)``) and replayed through an ``OrderedDict`` LRU. LRU decisions depend only on
    the order of requests, so no arrival times are drawn (the SimPy version draws them and agrees).
    The pool starts empty: with ``warmup_requests=0`` the first request of every function is a miss
    and is counted.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    capacity : int
        Environments the pool holds (>= 1).
    n_requests : int
        Requests counted (1 .. 20,000,000).
    warmup_requests : int, default=0
        Requests simulated before counting starts (fill the pool to measure the steady state).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    PoolResult
        ``hit_ratio`` overall and ``hit_ratios`` per function; the per-function ratio is NaN for a
        function with no counted request (rate 0, or too rare to appear).

    Raises
    ------
    TypeError, ValueError
        If a rate is negative or not finite, all rates are zero, ``capacity < 1``, or a count is out of range.

    Examples
    --------
    >>> r = simulate_lru_pool([1.0, 1.0], 2, 1000, rng=1)
    >>> r.n_requests - int(r.hits.sum())     # only the first request of each function misses
    2
    """
    rates, n_requests, warmup_requests = _check_sim_args(rates_per_s, n_requests, warmup_requests)
    capacity = _check_capacity(capacity)
    rng = make_rng(rng)
    ids = _draw_function_ids(rates, warmup_requests + n_requests, rng)
    pool: OrderedDict = OrderedDict()
    move_to_end, popitem = pool.move_to_end, pool.popitem
    hit = np.zeros(ids.size, dtype=bool)
    for k, f in enumerate(ids.tolist()):
        if f in pool:
            move_to_end(f)
            hit[k] = True
        else:
            pool[f] = None
            if len(pool) > capacity:
                popitem(last=False)
    hit, ids = hit[warmup_requests:], ids[warmup_requests:]
    return _result("lru", rates, hit, ids, capacity=capacity, warmup=warmup_requests,
                   mean_warm=len(pool), seconds=float("nan"))


def simulate_lru_pool_simpy(rates_per_s: Any, capacity: int, n_requests: int, *, warmup_requests: int = 0,
                            rng: Any = None) -> PoolResult:
    """The same LRU pool as :func:`simulate_lru_pool`, written as a straightforward SimPy model.

    One SimPy process per function generates Poisson arrivals (exponential gaps); each request looks
    its function up in a list kept in recency order (most recent last), evicting the front when full.
    Statistically identical to the fast version; used to cross-check it and as the benchmark baseline.

    Parameters
    ----------
    rates_per_s, capacity, n_requests, warmup_requests, rng
        As :func:`simulate_lru_pool`.

    Returns
    -------
    PoolResult

    Raises
    ------
    TypeError, ValueError
        As :func:`simulate_lru_pool`.

    Examples
    --------
    >>> r = simulate_lru_pool_simpy([1.0, 1.0], 2, 1000, rng=1)
    >>> r.n_requests - int(r.hits.sum())
    2
    """
    import simpy

    rates, n_requests, warmup_requests = _check_sim_args(rates_per_s, n_requests, warmup_requests)
    capacity = _check_capacity(capacity)
    rng = make_rng(rng)
    total = warmup_requests + n_requests
    env = simpy.Environment()
    done = env.event()
    pool: list[int] = []
    ids: list[int] = []
    hits: list[bool] = []

    def function(env, f: int, rate: float):
        while not done.triggered:
            yield env.timeout(rng.exponential(1.0 / rate))
            if done.triggered:
                return
            warm = f in pool
            if warm:
                pool.remove(f)
            elif len(pool) >= capacity:
                pool.pop(0)
            pool.append(f)
            ids.append(f)
            hits.append(warm)
            if len(ids) >= total:
                done.succeed()

    for f, rate in enumerate(rates.tolist()):
        if rate > 0:
            env.process(function(env, f, rate))
    env.run(until=done)
    hit = np.array(hits[warmup_requests:], dtype=bool)
    ids_arr = np.array(ids[warmup_requests:], dtype=np.int64)
    return _result("lru", rates, hit, ids_arr, capacity=capacity, warmup=warmup_requests,
                   mean_warm=len(pool), seconds=float("nan"))


def simulate_ttl_pool(rates_per_s: Any, keep_alive_s: float, n_requests: int, *, warmup_requests: int = 0,
                      rng: Any = None) -> PoolResult:
    """Simulate a keep-alive (TTL) pool under independent Poisson requests, vectorised with numpy.

    Draws the merged stream (exponential gaps of rate ``sum(lambda)``, function ids i.i.d.), groups
    the requests by function with a stable sort, and marks a request warm when the gap since the same
    function's previous request is at most ``keep_alive_s``. The pool starts empty.

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    keep_alive_s : float
        Seconds an idle environment is kept (finite, >= 0).
    n_requests : int
        Requests counted (1 .. 20,000,000).
    warmup_requests : int, default=0
        Requests simulated before counting starts.
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    PoolResult
        Per-function ``hit_ratios`` (NaN where a function had no counted request) and
        ``mean_warm_environments``, the time-averaged count of warm environments over the counted period
        (compare :func:`ttl_mean_warm_environments`).

    Raises
    ------
    TypeError, ValueError
        If a rate or ``keep_alive_s`` is negative or not finite, all rates are zero, or a count is out of range.

    Examples
    --------
    >>> r = simulate_ttl_pool([0.1], 10.0, 20_000, rng=2)
    >>> abs(r.hit_ratio - ttl_warm_probability(0.1, 10.0)) < 0.02
    True
    """
    rates, n_requests, warmup_requests = _check_sim_args(rates_per_s, n_requests, warmup_requests)
    keep_alive_s = check_nonnegative("keep_alive_s", keep_alive_s)
    rng = make_rng(rng)
    total = warmup_requests + n_requests
    with np.errstate(over="ignore"):
        times = np.cumsum(rng.exponential(1.0 / rates.sum(), size=total))
    if not np.isfinite(times[-1]):
        raise ValueError(f'"rates_per_s" are too small for {total} requests: simulated times overflow the float '
                         'range; change the time unit')
    ids = _draw_function_ids(rates, total, rng)
    order = np.argsort(ids, kind="stable")
    t_sorted, id_sorted = times[order], ids[order]
    same = id_sorted[1:] == id_sorted[:-1]
    gap = np.diff(t_sorted)
    hit_sorted = np.zeros(total, dtype=bool)
    hit_sorted[1:] = same & (gap <= keep_alive_s)
    hit = np.empty(total, dtype=bool)
    hit[order] = hit_sorted
    # Warm time: each request keeps its environment warm until min(next request of that function, +T),
    # clipped to the counted window [start, end].
    start = times[warmup_requests - 1] if warmup_requests > 0 else 0.0
    end = times[-1]
    next_same = np.full(total, np.inf)
    next_same[:-1] = np.where(same, t_sorted[1:], np.inf)
    warm_until = np.minimum(np.minimum(next_same, t_sorted + keep_alive_s), end)
    warm_from = np.maximum(t_sorted, start)
    warm_time = np.clip(warm_until - warm_from, 0.0, None).sum()
    seconds = end - start
    mean_warm = warm_time / seconds if seconds > 0 else float("nan")
    return _result("ttl", rates, hit[warmup_requests:], ids[warmup_requests:], keep_alive_s=keep_alive_s,
                   warmup=warmup_requests, mean_warm=mean_warm, seconds=seconds)


def simulate_ttl_pool_simpy(rates_per_s: Any, keep_alive_s: float, n_requests: int, *,
                            warmup_requests: int = 0, rng: Any = None) -> PoolResult:
    """The same keep-alive pool as :func:`simulate_ttl_pool`, written as a straightforward SimPy model.

    One process per function generates Poisson arrivals; on each request it checks whether the
    function's environment is still warm (``now - last_request <= keep_alive_s``).

    Parameters
    ----------
    rates_per_s, keep_alive_s, n_requests, warmup_requests, rng
        As :func:`simulate_ttl_pool`.

    Returns
    -------
    PoolResult
        ``mean_warm_environments`` is NaN here (the baseline does not track it).

    Raises
    ------
    TypeError, ValueError
        As :func:`simulate_ttl_pool`.

    Examples
    --------
    >>> r = simulate_ttl_pool_simpy([0.1], 10.0, 20_000, rng=2)
    >>> abs(r.hit_ratio - ttl_warm_probability(0.1, 10.0)) < 0.02
    True
    """
    import simpy

    rates, n_requests, warmup_requests = _check_sim_args(rates_per_s, n_requests, warmup_requests)
    keep_alive_s = check_nonnegative("keep_alive_s", keep_alive_s)
    rng = make_rng(rng)
    total = warmup_requests + n_requests
    env = simpy.Environment()
    done = env.event()
    last_request = [-math.inf] * rates.size
    ids: list[int] = []
    hits: list[bool] = []
    times: list[float] = []

    def function(env, f: int, rate: float):
        while not done.triggered:
            yield env.timeout(rng.exponential(1.0 / rate))
            if done.triggered:
                return
            hits.append(env.now - last_request[f] <= keep_alive_s)
            last_request[f] = env.now
            ids.append(f)
            times.append(env.now)
            if len(ids) >= total:
                done.succeed()

    for f, rate in enumerate(rates.tolist()):
        if rate > 0:
            env.process(function(env, f, rate))
    env.run(until=done)
    if not math.isfinite(times[-1]):
        raise ValueError(f'"rates_per_s" are too small for {total} requests: simulated times overflow the float '
                         'range; change the time unit')
    start = times[warmup_requests - 1] if warmup_requests > 0 else 0.0
    return _result("ttl", rates, np.array(hits[warmup_requests:], dtype=bool),
                   np.array(ids[warmup_requests:], dtype=np.int64), keep_alive_s=keep_alive_s,
                   warmup=warmup_requests, mean_warm=float("nan"), seconds=times[-1] - start)


# ----------------------------------------------------------------------------------------------
# Density: per-VM overhead -> slots -> cold starts
# ----------------------------------------------------------------------------------------------
def slots_per_host(host_memory_mib: float, function_memory_mib: float, overhead_mib: float) -> int:
    """How many environments fit in one host's memory: ``floor(host / (function + overhead))``.

    Parameters
    ----------
    host_memory_mib : float
        Host memory available to environments, in MiB (> 0).
    function_memory_mib : float
        Guest memory of one environment, in MiB (> 0).
    overhead_mib : float
        Memory the virtual machine monitor adds per environment, in MiB (>= 0).

    Returns
    -------
    int
        Number of environments (0 if even one does not fit; at most 2**40).

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If an argument is out of range or not finite, or more than 2**40 environments would fit.

    Examples
    --------
    >>> slots_per_host(262144, 128, 5), slots_per_host(262144, 128, 131)
    (1971, 1012)
    """
    host = check_positive("host_memory_mib", host_memory_mib)
    fn = check_positive("function_memory_mib", function_memory_mib)
    overhead = check_nonnegative("overhead_mib", overhead_mib)
    slots = host / (fn + overhead)
    if not slots <= MAX_SLOTS_PER_HOST:  # also catches inf (1e308 / 1e-308)
        raise ValueError(f'"host_memory_mib" / ("function_memory_mib" + "overhead_mib") = {slots:.3g} '
                         f'environments per host; at most 2**40 are supported, got host_memory_mib={host!r}, '
                         f'function_memory_mib={fn!r}, overhead_mib={overhead!r}')
    return int(math.floor(slots + 1e-9))


def fleet_slots(n_hosts: int, host_memory_mib: float, function_memory_mib: float, overhead_mib: float) -> int:
    """How many environments a fleet of identical hosts holds: ``n_hosts * slots_per_host(...)``.

    Parameters
    ----------
    n_hosts : int
        Hosts in the fleet (>= 1).
    host_memory_mib : float
        Host memory available to environments, in MiB (> 0).
    function_memory_mib : float
        Guest memory of one environment, in MiB (> 0).
    overhead_mib : float
        Memory the virtual machine monitor adds per environment, in MiB (>= 0).

    Returns
    -------
    int
        Environments the fleet holds.

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range (see :func:`slots_per_host`).

    Examples
    --------
    >>> fleet_slots(10, 65536, 128, 5), fleet_slots(10, 65536, 128, 131)
    (4920, 2530)
    """
    n_hosts = check_int("n_hosts", n_hosts, minimum=1)
    return n_hosts * slots_per_host(host_memory_mib, function_memory_mib, overhead_mib)


def hosts_to_hold(n_functions: int, host_memory_mib: float, function_memory_mib: float,
                  overhead_mib: float) -> int:
    """The fewest hosts that keep one environment of each of ``n_functions`` functions warm.

    ``ceil(n_functions / slots_per_host(...))``.

    Parameters
    ----------
    n_functions : int
        Functions to hold (>= 1).
    host_memory_mib : float
        Host memory available to environments, in MiB (> 0).
    function_memory_mib : float
        Guest memory of one environment, in MiB (> 0).
    overhead_mib : float
        Memory the virtual machine monitor adds per environment, in MiB (>= 0).

    Returns
    -------
    int
        Number of hosts.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, or not even one environment fits on a host.

    Examples
    --------
    >>> hosts_to_hold(4000, 65536, 128, 5), hosts_to_hold(4000, 65536, 128, 131)
    (9, 16)
    """
    n_functions = check_int("n_functions", n_functions, minimum=1)
    slots = slots_per_host(host_memory_mib, function_memory_mib, overhead_mib)
    if slots == 0:
        raise ValueError(f'"host_memory_mib" must hold at least one environment of "function_memory_mib" + '
                         f'"overhead_mib" = {function_memory_mib!r} + {overhead_mib!r} MiB, got {host_memory_mib!r}')
    return -(-n_functions // slots)


def density_sweep(rates_per_s: Any, *, host_memory_mib: float, function_memory_mib: float, n_hosts: int,
                  overheads_mib: Any) -> DensityResult:
    """Cold-start ratio of a fleet against the per-VM memory overhead (Che's approximation).

    Parameters
    ----------
    rates_per_s : array_like of float, shape (n_functions,)
        Per-function rates in requests per second (finite, >= 0, at least one > 0).
    host_memory_mib : float
        Host memory available to environments, in MiB (> 0).
    function_memory_mib : float
        Guest memory of one environment, in MiB (> 0).
    n_hosts : int
        Hosts in the fleet (1 .. 1,000,000).
    overheads_mib : float or array_like of float, shape (k,)
        Per-VM overheads to evaluate, in MiB (finite, >= 0; any shape is flattened).

    Returns
    -------
    DensityResult

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range or not finite.

    Examples
    --------
    >>> r = density_sweep(zipf_rates(100, 10.0, 1.0), host_memory_mib=1024, function_memory_mib=128,
    ...                   n_hosts=2, overheads_mib=[5, 131])
    >>> r.slots_per_host.tolist(), r.capacity.tolist()
    ([7, 3], [14, 6])
    """
    rates = _check_rates(rates_per_s)
    host = check_positive("host_memory_mib", host_memory_mib)
    fn = check_positive("function_memory_mib", function_memory_mib)
    n_hosts = check_int("n_hosts", n_hosts, minimum=1, maximum=MAX_HOSTS)
    overheads = check_array("overheads_mib", overheads_mib, ndim=None, minimum=0.0).ravel()
    slots = np.array([slots_per_host(host, fn, o) for o in overheads], dtype=np.int64)
    capacity = n_hosts * slots
    cold = np.array([1.0 if c == 0 else 1.0 - che_hit_ratio(rates, int(c)) for c in capacity])
    return DensityResult(overheads_mib=overheads, slots_per_host=slots, capacity=capacity,
                         cold_start_ratio=cold, host_memory_mib=host, function_memory_mib=fn,
                         n_hosts=n_hosts, rates_per_s=rates)


# ----------------------------------------------------------------------------------------------
# OSTEP-style pose / solve
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """Pose a random question about keep-alive or LRU pools, with every parameter in its statement.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, optional
        Randomness source; the same seed poses the same question.
    kind : {"ttl", "lru", "density"}, optional
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
    >>> pose_problem(3).kind in ("ttl", "lru", "density")
    True
    """
    rng = make_rng(rng)
    kinds = ("ttl", "lru", "density")
    kind = str(rng.choice(kinds)) if kind is None else check_choice("kind", kind, kinds)
    if kind == "density":
        host_gib = float(rng.choice([64, 128, 256, 384]))
        fn_mib = float(rng.choice([128, 256, 512]))
        n_hosts = int(rng.choice([10, 20, 50]))
        # choose the number of functions so that the bend lies between 0 and 2 x function memory
        per_function = fn_mib * float(rng.choice([1.1, 1.25, 1.5, 1.8]))
        n_functions = int(round(n_hosts * host_gib * 1024 / per_function, -1))
        statement = _statement(
            f"A fleet of {n_hosts} hosts, each with {host_gib:g} GiB of memory for execution environments, "
            f"serves {n_functions:,} functions, every one invoked now and then. Each environment needs "
            f"{fn_mib:g} MiB for the guest plus the per-VM overhead of the virtual machine monitor.",
            "Above what per-VM overhead, in MiB, can the fleet no longer keep one environment per function "
            "warm, so that cold starts begin?")
        return Problem("density", statement, {"host_memory_mib": host_gib * 1024, "function_memory_mib": fn_mib,
                                              "n_hosts": n_hosts, "n_functions": n_functions,
                                              "host_memory_gib": host_gib})
    if kind == "ttl":
        per_minute = float(rng.choice([0.1, 0.2, 0.5, 1.0, 2.0]))
        keep_alive_min = float(rng.choice([1, 5, 10, 15, 20]))
        statement = _statement(
            f"A function is invoked as a Poisson process at {_count(per_minute, 'invocation')} per minute, "
            f"and the platform keeps an idle environment warm for {_count(keep_alive_min, 'minute')}.",
            "What fraction of its invocations are cold starts?")
        return Problem("ttl", statement, {"rate_per_s": per_minute / 60.0, "keep_alive_s": keep_alive_min * 60.0,
                                          "per_minute": per_minute, "keep_alive_min": keep_alive_min})
    n_functions = int(rng.choice([200, 500, 1000]))
    exponent = float(rng.choice([0.6, 0.8, 1.0, 1.2]))
    capacity = int(n_functions * float(rng.choice([0.05, 0.1, 0.2, 0.4])))
    total = float(rng.choice([100.0, 1000.0]))
    statement = _statement(
        f"{n_functions:,} functions share an LRU pool of {capacity} environments. Their invocations are "
        f"independent Poisson processes, {total:,g} per second in all, with Zipf popularity of exponent "
        f"{exponent:g}: the rate of the i-th most popular function is proportional to 1/i^{exponent:g}.",
        "What fraction of the invocations are cold starts, by Che's approximation?")
    return Problem("lru", statement, {"n_functions": n_functions, "exponent": exponent, "capacity": capacity,
                                      "total_rate_per_s": total})


def _count(value: float, unit: str) -> str:
    """``"1 minute"``, ``"5 minutes"``, ``"0.5 invocations"``: a number with its unit, plural unless 1."""
    return f"{value:g} {unit}" + ("" if value == 1 else "s")


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
        ``value`` is the cold-start fraction.

    Raises
    ------
    ValueError
        If ``problem.kind`` is unknown.

    Examples
    --------
    >>> round(solve(pose_problem(0, kind="ttl")).value, 4) >= 0
    True
    """
    if not isinstance(problem, Problem):
        raise TypeError(f'"problem" must be a Problem from pose_problem, got {problem!r}')
    p = problem.params
    if problem.kind == "ttl":
        warm = ttl_warm_probability(p["rate_per_s"], p["keep_alive_s"])
        working = (f"λT = {p['per_minute']:g} per minute × {_count(p['keep_alive_min'], 'minute')} = "
                   f"{p['per_minute'] * p['keep_alive_min']:g}\n"
                   f"warm probability 1 - exp(-λT) = {warm:.4f}\n"
                   f"cold-start fraction exp(-λT) = {1 - warm:.4f}")
        return Solution(problem, 1.0 - warm, working)
    if problem.kind == "lru":
        rates = zipf_rates(p["n_functions"], p["total_rate_per_s"], p["exponent"])
        che = che_approximation(rates, p["capacity"])
        working = (f"Solve Σ_i (1 - exp(-λ_i T_C)) = {p['capacity']} for T_C: "
                   f"T_C = {che.characteristic_time_s:.4g} s\n"
                   f"hit ratio Σ_i λ_i (1 - exp(-λ_i T_C)) / Σ_i λ_i = {che.hit_ratio:.4f}\n"
                   f"cold-start fraction = 1 - {che.hit_ratio:.4f} = {1 - che.hit_ratio:.4f}")
        return Solution(problem, 1.0 - che.hit_ratio, working)
    if problem.kind == "density":
        per_function = p["n_hosts"] * p["host_memory_mib"] / p["n_functions"]
        bend = per_function - p["function_memory_mib"]
        working = (f"memory per function = {p['n_hosts']} × {p['host_memory_gib']:g} GiB / "
                   f"{p['n_functions']:,} = {per_function:.1f} MiB\n"
                   f"overhead at the bend = {per_function:.1f} - {p['function_memory_mib']:g} = {bend:.1f} MiB\n"
                   "(ignoring the rounding down of slots per host)")
        return Solution(problem, bend, working)
    raise ValueError(f'"problem.kind" must be one of \'ttl\', \'lru\', \'density\', got {problem.kind!r}')


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.serverless --seed 3 --solve``.

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
    >>> main(["--seed", "1"])  # doctest: +ELLIPSIS
    # python -m labsupport.serverless --seed 1
    ...
    0
    """
    return run_cli("python -m labsupport.serverless",
                   "Cold starts as cache misses: keep-alive (TTL) and LRU pools of execution environments.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
