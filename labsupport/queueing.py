"""Queues and their tails: M/M/1 and M/M/c in closed form and in simulation.

Chapter: "Measuring performance: tails, queues and fan-out" (``chapters/measuring.md``);
lab: ``labs/queueing.ipynb``; tests: ``tests/test_queueing.py``.

Time is in any unit used consistently (the labs use milliseconds): rates are per unit time, times are
in that unit. Customers arrive in a Poisson stream of rate ``arrival_rate`` (lambda) and need
exponentially distributed service of rate ``service_rate`` (mu) from one of ``servers`` (c) identical
servers, first come first served. Utilisation is rho = lambda / (c mu); the queue is stable when rho < 1.

Two simulators compute the same sample path from the same random draws:

* :func:`simulate_mm1` / :func:`simulate_mmc` use the Lindley recursion (vectorised for one server)
  and a heap of server-free times (for c servers);
* :func:`simulate_mmc_simpy` is the straightforward SimPy model (a ``simpy.Resource`` with ``c`` slots),
  kept as the reference the fast simulators are tested and benchmarked against.

Run ``python -m labsupport.queueing --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

import heapq
import math
import textwrap
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from .common import (
    DEFAULT_PERCENTILES,
    Problem,
    Solution,
    check_array,
    check_bool,
    check_int,
    check_percentiles,
    check_positive,
    check_finite,
    make_rng,
    run_cli,
    run_sweep,
)

__all__ = [
    "utilisation",
    "mm1_mean_sojourn",
    "mm1_mean_wait",
    "mm1_sojourn_percentile",
    "mm1_utilisation_for_percentile",
    "erlang_c",
    "mmc_mean_wait",
    "mmc_mean_sojourn",
    "mmc_sojourn_survival",
    "mmc_sojourn_percentile",
    "mmc_sojourn_percentiles",
    "QueueResult",
    "simulate_mm1",
    "simulate_mmc",
    "simulate_mmc_simpy",
    "simulate_mm1_simpy",
    "time_average_in_system",
    "PercentileSweep",
    "percentiles_vs_utilisation",
    "pose_problem",
    "solve",
    "main",
]

#: Largest number of customers one simulation accepts (about 1.2 GB of float64 arrays at most).
MAX_CUSTOMERS = 20_000_000
#: Most servers a closed form or a simulation accepts: Erlang C's recursion takes c steps (about 5 ms here).
MAX_SERVERS = 100_000


def _check_servers(servers: Any) -> int:
    return check_int("servers", servers, minimum=1, maximum=MAX_SERVERS)


def _finite(value: float, what: str, lam: float, mu: float) -> float:
    """Return ``value`` if finite; else a ValueError naming the rates (a result beyond the float range)."""
    if not math.isfinite(value):
        raise ValueError(f"{what} overflows the float range for arrival_rate={lam!r}, service_rate={mu!r}: "
                         "use a time unit in which the rates are nearer 1")
    return value


# ----------------------------------------------------------------------------------------------
# Closed forms
# ----------------------------------------------------------------------------------------------
def _check_stable(arrival_rate: Any, service_rate: Any, servers: Any = 1) -> tuple[float, float, int]:
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    c = _check_servers(servers)
    rho = lam / mu / c  # never c * mu, which overflows for mu near the float maximum
    if rho >= 1:
        cap = "service_rate" if c == 1 else "servers * service_rate"
        raise ValueError(
            f"unstable queue: arrival_rate ({lam!r}) >= {cap} ({c * mu!r}); utilisation rho = "
            f"{rho:.3g} must be < 1 for a steady state to exist" + (" (servers = 1)" if c == 1 else "")
        )
    return lam, mu, c


def utilisation(arrival_rate: float, service_rate: float, servers: int = 1) -> float:
    """Utilisation rho = lambda / (c mu): the fraction of time each server is busy.

    Parameters
    ----------
    arrival_rate : float
        lambda, customers per unit time (> 0).
    service_rate : float
        mu, customers per unit time per server (> 0).
    servers : int, default=1
        c, number of servers (1 .. 100,000).

    Returns
    -------
    float
        rho; may be >= 1 (an unstable queue), which this function does not reject, and is
        ``inf`` when lambda / mu exceeds the float range.

    Examples
    --------
    >>> utilisation(0.8, 1.0)
    0.8
    """
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    c = _check_servers(servers)
    with np.errstate(over="ignore"):
        return float(np.float64(lam) / mu / c)


def mm1_mean_sojourn(arrival_rate: float, service_rate: float) -> float:
    """Mean time in system (waiting + service) of a stable M/M/1 queue: 1 / (mu - lambda).

    Parameters
    ----------
    arrival_rate : float
        lambda, customers per unit time (> 0).
    service_rate : float
        mu, customers per unit time (> lambda).

    Returns
    -------
    float
        Mean sojourn time, in the time unit of the rates.

    Raises
    ------
    ValueError
        If a rate is not > 0, or the queue is unstable (``arrival_rate >= service_rate``).

    Examples
    --------
    >>> mm1_mean_sojourn(0.8, 1.0)  # 80 % busy: five service times on average
    5.000000000000001
    """
    lam, mu, _ = _check_stable(arrival_rate, service_rate)
    return _finite(1.0 / (mu - lam), "the mean sojourn time", lam, mu)


def mm1_mean_wait(arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (before service) of a stable M/M/1 queue: rho / (mu - lambda).

    Raises
    ------
    ValueError
        If a rate is not > 0 or the queue is unstable.

    Examples
    --------
    >>> round(mm1_mean_wait(0.5, 1.0), 12)
    1.0
    """
    lam, mu, _ = _check_stable(arrival_rate, service_rate)
    return _finite((lam / mu) / (mu - lam), "the mean wait", lam, mu)


def mm1_sojourn_percentile(arrival_rate: float, service_rate: float, percentile: float) -> float:
    """The ``percentile``-th percentile of the M/M/1 sojourn time.

    The sojourn time of a FCFS M/M/1 queue is exponential with rate mu - lambda, so its q-th percentile
    is -ln(1 - q/100) / (mu - lambda): the p99 is ln(100) = 4.6 times the mean, at any load.

    Parameters
    ----------
    arrival_rate, service_rate : float
        lambda and mu, per unit time (0 < lambda < mu).
    percentile : float
        q, in percent, 0 <= q < 100.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the queue is unstable or ``percentile`` is outside [0, 100).

    Examples
    --------
    >>> round(mm1_sojourn_percentile(0.5, 1.0, 99), 4)
    9.2103
    """
    lam, mu, _ = _check_stable(arrival_rate, service_rate)
    q = _check_percentile(percentile)
    return _finite(-math.log1p(-q / 100.0) / (mu - lam), "the percentile", lam, mu)


def mm1_utilisation_for_percentile(target: float, service_rate: float, percentile: float) -> float:
    """The utilisation at which the M/M/1 sojourn time's ``percentile`` equals ``target``.

    Inverts :func:`mm1_sojourn_percentile`: from t_q = -ln(1 - q/100) / (mu - lambda) = target,
    rho = lambda / mu = 1 - (-ln(1 - q/100)) / (mu * target). It answers "how busy may this server be
    and still meet a latency target?".

    Parameters
    ----------
    target : float
        The percentile's target value, in the time unit of ``1 / service_rate`` (> 0).
    service_rate : float
        mu, per unit time (> 0).
    percentile : float
        q, in percent, 0 < q < 100.

    Returns
    -------
    float
        rho, in (0, 1).

    Raises
    ------
    ValueError
        If a parameter is out of range, or ``target`` is so short that even an idle server misses it
        (target <= -ln(1 - q/100) / mu).

    Examples
    --------
    >>> round(mm1_utilisation_for_percentile(100.0, 1.0, 99.9), 4)
    0.9309
    """
    t = check_positive("target", target)
    mu = check_positive("service_rate", service_rate)
    q = _check_percentile(percentile)
    if q == 0:
        raise ValueError(f'"percentile" must be in (0, 100) to set a target, got {q!r}')
    floor = -math.log1p(-q / 100.0) / mu
    if t <= floor:
        raise ValueError(f'"target" must exceed the p{q:g} of an idle server ({floor:.4g} at "service_rate" '
                         f'{mu!r}), got {t!r}')
    return 1.0 - floor / t


def _check_percentile(percentile: Any) -> float:
    q = check_finite("percentile", percentile)
    if not 0 <= q < 100:
        raise ValueError(f'"percentile" must be in [0, 100), got {q!r}')
    return q


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C: the probability that an arriving customer must wait in an M/M/c queue.

    Parameters
    ----------
    servers : int
        c (1 .. 100,000; the recursion below takes c steps).
    offered_load : float
        a = lambda / mu in Erlangs (0 < a < c).

    Returns
    -------
    float
        P(wait > 0) in [0, 1].

    Raises
    ------
    ValueError
        If ``offered_load`` is not in (0, servers).

    Notes
    -----
    Computed through the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), which is stable for
    thousands of servers, then C = B / (1 - rho (1 - B)).

    Examples
    --------
    >>> round(erlang_c(1, 0.8), 12)  # one server: P(wait) = rho
    0.8
    """
    c = _check_servers(servers)
    a = check_positive("offered_load", offered_load)
    if a >= c:
        raise ValueError(f'"offered_load" must be < servers ({c}) for a stable queue, got {a!r}')
    return _erlang_c(c, a)


def _erlang_c(c: int, a: float) -> float:
    """Erlang C for checked c and 0 <= a < c; a = lambda / mu may underflow to 0 (then nobody waits)."""
    if a == 0:
        return 0.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue of a stable M/M/c queue: C(c, a) / (c mu - lambda).

    Raises
    ------
    ValueError
        If a rate is not > 0, ``servers`` < 1, or the queue is unstable.

    Examples
    --------
    >>> round(mmc_mean_wait(0.5, 1.0, 1), 12)  # agrees with M/M/1
    1.0
    """
    lam, mu, c = _check_stable(arrival_rate, service_rate, servers)
    a = lam / mu
    return _finite(_erlang_c(c, a) / (c - a) / mu, "the mean wait", lam, mu)


def mmc_mean_sojourn(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in system of a stable M/M/c queue: mean wait + 1/mu.

    Raises
    ------
    ValueError
        If a rate is not > 0, ``servers`` < 1, or the queue is unstable.

    Examples
    --------
    >>> round(mmc_mean_sojourn(0.8, 1.0, 1), 12)
    5.0
    """
    lam, mu, c = _check_stable(arrival_rate, service_rate, servers)
    return _finite(mmc_mean_wait(lam, mu, c) + 1.0 / mu, "the mean sojourn time", lam, mu)


def mmc_sojourn_survival(t: Any, arrival_rate: float, service_rate: float, servers: int) -> np.ndarray:
    """P(sojourn time > t) in a stable FCFS M/M/c queue.

    The wait W is 0 with probability 1 - C and otherwise exponential with rate theta = c mu - lambda;
    the service S is exponential with rate mu, independent of W. Hence, for theta != mu,
    P(W + S > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu).

    It is evaluated in the equivalent form e^(-x) + C g(x), x = mu t, with
    g(x) = e^(-min(1, r) x) (1 - e^(-|r - 1| x)) / |r - 1| and r = theta / mu (g = x e^(-x) at r = 1):
    two positive terms, no cancellation near theta = mu, and no overflow for rates near the float limits.

    Parameters
    ----------
    t : float or array_like
        Times (>= 0), in the unit of the rates.
    arrival_rate, service_rate : float
        lambda and mu.
    servers : int
        c.

    Returns
    -------
    numpy.ndarray
        Survival probabilities, same shape as ``t``.

    Raises
    ------
    ValueError
        If the queue is unstable or any ``t`` is negative or not finite.

    Examples
    --------
    >>> float(mmc_sojourn_survival(0.0, 0.5, 1.0, 2))
    1.0
    """
    lam, mu, c = _check_stable(arrival_rate, service_rate, servers)
    tt = check_array("t", t, ndim=None, allow_empty=True)  # refuses strings and bools, names NaN/inf
    if np.any(tt < 0):
        raise ValueError(f'"t" must be finite and >= 0, got {t!r}')
    a = lam / mu
    with np.errstate(over="ignore"):
        x = np.minimum(mu * tt, 1e300)  # time in mean service times; beyond 1e300 everything is 0
    return _survival(x, _erlang_c(c, a), c - a)


def _survival(x: np.ndarray, C: Any, r: Any) -> np.ndarray:
    """P(sojourn > x / mu) of M/M/c, x in units of the mean service time, r = theta / mu = c - a."""
    d = np.abs(r - 1.0)
    slow = np.minimum(r, 1.0)  # the smaller of the two exponential rates, in units of mu
    with np.errstate(under="ignore", over="ignore", invalid="ignore", divide="ignore"):
        g = np.where(d > 0, np.exp(-slow * x) * (-np.expm1(-d * x)) / np.where(d > 0, d, 1.0), x * np.exp(-x))
    return np.exp(-x) + C * g


def mmc_sojourn_percentile(arrival_rate: float, service_rate: float, servers: int, percentile: float) -> float:
    """The ``percentile``-th percentile of the M/M/c sojourn time (by bisection on the survival function).

    Raises
    ------
    ValueError
        If the queue is unstable or ``percentile`` is outside [0, 100).

    Examples
    --------
    >>> round(mmc_sojourn_percentile(0.5, 1.0, 1, 99), 4)  # agrees with M/M/1
    9.2103
    """
    lam, mu, c = _check_stable(arrival_rate, service_rate, servers)
    q = _check_percentile(percentile)
    return float(mmc_sojourn_percentiles(np.array([lam]), mu, c, q)[0])


def mmc_sojourn_percentiles(arrival_rates: Any, service_rate: float, servers: int, percentile: float) -> np.ndarray:
    """:func:`mmc_sojourn_percentile` for many arrival rates at once (vectorised bisection).

    Parameters
    ----------
    arrival_rates : float or array_like of float
        lambda values, each in (0, c mu) (a scalar or an array of any shape; the result is flattened).
    service_rate : float
        mu per server.
    servers : int
        c.
    percentile : float
        In percent, [0, 100).

    Returns
    -------
    numpy.ndarray
        One percentile per arrival rate.

    Raises
    ------
    ValueError
        If any queue is unstable or ``percentile`` is outside [0, 100).

    Examples
    --------
    >>> np.round(mmc_sojourn_percentiles([0.5, 0.9], 1.0, 1, 99), 3).tolist()
    [9.21, 46.052]
    """
    lams = check_array("arrival_rates", arrival_rates, ndim=None).ravel()
    mu = check_positive("service_rate", service_rate)
    c = _check_servers(servers)
    for i, lam in enumerate(lams.tolist()):
        try:
            _check_stable(lam, mu, c)
        except ValueError as exc:
            raise ValueError(f'"arrival_rates"[{i}]: {exc}') from None
    q = _check_percentile(percentile)
    target = (100.0 - q) / 100.0
    a = lams / mu
    C = np.array([_erlang_c(c, float(load)) for load in a])
    r = c - a  # theta / mu
    # Bisection on x = mu t (time in mean service times), so that no rate ever overflows.
    lo = np.zeros_like(lams)
    hi = np.ones_like(lams)
    for _ in range(1100):  # survival <= e^-(min(1, r) x) (1 + x): doubling ends within ~60 steps (+ log2 1/r)
        grow = _survival(hi, C, r) > target
        if not grow.any():
            break
        lo = np.where(grow, hi, lo)
        hi = np.where(grow, 2.0 * hi, hi)
    for _ in range(60):  # bisection to 2**-60 of the bracket: far below sampling error
        mid = 0.5 * (lo + hi)
        above = _survival(mid, C, r) > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    with np.errstate(over="ignore"):
        out = 0.5 * (lo + hi) / mu
    if not np.all(np.isfinite(out)):
        _finite(math.inf, "the percentile", float(lams[~np.isfinite(out)][0]), mu)
    return out


# ----------------------------------------------------------------------------------------------
# Simulation
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueResult:
    """One simulated sample path of an M/M/c FCFS queue.

    Attributes
    ----------
    arrival_rate, service_rate : float
        lambda and mu that produced the run.
    servers : int
        c.
    arrival_times : numpy.ndarray, shape (n,)
        When each customer arrived (the first arrives after one inter-arrival gap).
    service_times : numpy.ndarray, shape (n,)
        How long each customer's service took.
    waiting_times : numpy.ndarray, shape (n,)
        Time in queue before service, per customer, in arrival order.
    sojourn_times : numpy.ndarray, shape (n,)
        Time in system (waiting + service), per customer, in arrival order.
    """

    arrival_rate: float
    service_rate: float
    servers: int
    arrival_times: np.ndarray = field(repr=False)
    service_times: np.ndarray = field(repr=False)
    waiting_times: np.ndarray = field(repr=False)
    sojourn_times: np.ndarray = field(repr=False)

    @property
    def n_customers(self) -> int:
        """Number of customers simulated."""
        return int(self.sojourn_times.size)

    @property
    def utilisation(self) -> float:
        """rho = lambda / (c mu) of the parameters (not of the sample)."""
        return self.arrival_rate / (self.servers * self.service_rate)


def _draw(arrival_rate: float, service_rate: float, n: int, rng: np.random.Generator):
    gaps = rng.exponential(1.0 / arrival_rate, size=n)
    services = rng.exponential(1.0 / service_rate, size=n)
    with np.errstate(over="ignore"):
        arrivals = np.cumsum(gaps)
    if not (np.isfinite(arrivals[-1]) and np.all(np.isfinite(services))):
        raise ValueError(f"simulated times overflow the float range for arrival_rate={arrival_rate!r}, "
                         f"service_rate={service_rate!r}: use a time unit in which the rates are nearer 1")
    return arrivals, services


def _check_scale(lam: float, mu: float) -> None:
    """Refuse rates whose mean time 1/rate overflows (subnormal rates such as 5e-324)."""
    for name, rate in (("arrival_rate", lam), ("service_rate", mu)):
        if not math.isfinite(1.0 / rate):
            raise ValueError(f'"{name}" is too small to simulate: 1/{name} overflows the float range, got {rate!r}')


def _checked_result(lam, mu, c, arrivals, services, waits) -> QueueResult:
    """The result, unless a time overflowed the float range on the way (then a ValueError, never inf/NaN)."""
    with np.errstate(over="ignore", invalid="ignore"):
        sojourns = waits + services
    if not (np.isfinite(arrivals[-1]) and np.all(np.isfinite(sojourns))):
        raise ValueError(f"simulated times overflow the float range for arrival_rate={lam!r}, "
                         f"service_rate={mu!r}: use a time unit in which the rates are nearer 1")
    return QueueResult(lam, mu, c, arrivals, services, waits, sojourns)


def _check_sim(arrival_rate, service_rate, servers, n_customers, *, allow_unstable: bool):
    lam = check_positive("arrival_rate", arrival_rate)
    mu = check_positive("service_rate", service_rate)
    c = _check_servers(servers)
    n = check_int("n_customers", n_customers, minimum=1, maximum=MAX_CUSTOMERS)
    if not check_bool("allow_unstable", allow_unstable):
        _check_stable(lam, mu, c)
    _check_scale(lam, mu)
    return lam, mu, c, n


def simulate_mm1(arrival_rate: float, service_rate: float, n_customers: int, rng: Any = None, *,
                 allow_unstable: bool = False) -> QueueResult:
    """Simulate ``n_customers`` through an M/M/1 FCFS queue that starts empty.

    Uses the Lindley recursion W[k+1] = max(0, W[k] + S[k] - A[k+1]), vectorised as
    W[k] = X[k] - min(0, X[1..k]) with X the running sum of S[k-1] - A[k]: no Python loop.

    Parameters
    ----------
    arrival_rate : float
        lambda, customers per unit time (> 0).
    service_rate : float
        mu, customers per unit time (> 0).
    n_customers : int
        Number of customers to simulate (1 .. 20,000,000).
    rng : None, int or numpy.random.Generator, optional
        Randomness (a seed makes the run reproducible).
    allow_unstable : bool, default=False
        Simulate even if ``arrival_rate >= service_rate`` (the queue then grows without bound:
        useful to watch, but no steady state exists).

    Returns
    -------
    QueueResult
        ``sojourn_times[k]`` is the time in system of the k-th customer to arrive.

    Raises
    ------
    ValueError
        On a non-positive rate, ``n_customers`` out of range, an unstable queue (unless
        ``allow_unstable``), or rates so far from 1 that simulated times overflow the float range
        (a subnormal rate such as 5e-324: change the time unit).

    See Also
    --------
    simulate_mmc : c servers.
    simulate_mm1_simpy : the same model in SimPy (same draws, same answer).

    Examples
    --------
    >>> r = simulate_mm1(0.5, 1.0, 100_000, rng=1)
    >>> round(float(r.sojourn_times.mean()), 1)  # theory: 1 / (1 - 0.5) = 2
    2.0
    """
    lam, mu, _, n = _check_sim(arrival_rate, service_rate, 1, n_customers, allow_unstable=allow_unstable)
    rng = make_rng(rng)
    arrivals, services = _draw(lam, mu, n, rng)
    steps = np.empty(n)
    steps[0] = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        steps[1:] = services[:-1] - np.diff(arrivals)
        x = np.cumsum(steps)
        waits = x - np.minimum(np.minimum.accumulate(x), 0.0)
    return _checked_result(lam, mu, 1, arrivals, services, waits)


def simulate_mmc(arrival_rate: float, service_rate: float, servers: int, n_customers: int, rng: Any = None, *,
                 allow_unstable: bool = False) -> QueueResult:
    """Simulate ``n_customers`` through an M/M/c FCFS queue that starts empty.

    Each arriving customer takes the server that frees up first (a heap of free times).
    For ``servers == 1`` this is :func:`simulate_mm1` (vectorised) with the same draws.

    Parameters
    ----------
    arrival_rate : float
        lambda, customers per unit time (> 0).
    service_rate : float
        mu, per server, customers per unit time (> 0).
    servers : int
        c (1 .. 100,000).
    n_customers : int
        Number of customers (1 .. 20,000,000).
    rng : None, int or numpy.random.Generator, optional
        Randomness.
    allow_unstable : bool, default=False
        Simulate even if lambda >= c mu.

    Returns
    -------
    QueueResult

    Raises
    ------
    ValueError
        On bad parameters or an unstable queue (unless ``allow_unstable``).

    Examples
    --------
    >>> r = simulate_mmc(1.5, 1.0, 2, 50_000, rng=2)
    >>> r.servers, r.n_customers
    (2, 50000)
    """
    lam, mu, c, n = _check_sim(arrival_rate, service_rate, servers, n_customers, allow_unstable=allow_unstable)
    if c == 1:
        return simulate_mm1(lam, mu, n, rng, allow_unstable=allow_unstable)
    rng = make_rng(rng)
    arrivals, services = _draw(lam, mu, n, rng)
    free = [0.0] * c  # when each server next becomes free; a heap
    waits = np.empty(n)
    arr_list, svc_list = arrivals.tolist(), services.tolist()
    for k in range(n):
        a = arr_list[k]
        f = free[0]
        start = a if a > f else f
        waits[k] = start - a
        heapq.heapreplace(free, start + svc_list[k])
    return _checked_result(lam, mu, c, arrivals, services, waits)


def simulate_mmc_simpy(arrival_rate: float, service_rate: float, servers: int, n_customers: int,
                       rng: Any = None, *, allow_unstable: bool = False) -> QueueResult:
    """The straightforward SimPy model of the M/M/c queue (the reference for tests and benchmarks).

    One process generates customers; each customer process requests a slot of a
    ``simpy.Resource(capacity=servers)``, holds it for its service time and records its times.
    It consumes the random stream exactly as :func:`simulate_mmc` does, so with the same seed the
    two return the same sample path (up to floating-point rounding).

    Parameters and Returns are as for :func:`simulate_mmc`.

    Raises
    ------
    ValueError
        On bad parameters or an unstable queue (unless ``allow_unstable``).

    Examples
    --------
    >>> a = simulate_mmc_simpy(0.5, 1.0, 1, 1000, rng=3)
    >>> b = simulate_mm1(0.5, 1.0, 1000, rng=3)
    >>> bool(np.allclose(a.sojourn_times, b.sojourn_times))
    True
    """
    import simpy

    lam, mu, c, n = _check_sim(arrival_rate, service_rate, servers, n_customers, allow_unstable=allow_unstable)
    rng = make_rng(rng)
    arrivals, services = _draw(lam, mu, n, rng)
    waits = np.empty(n)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=c)

    def customer(env, k):
        arrived = env.now
        with counter.request() as req:
            yield req
            waits[k] = env.now - arrived
            yield env.timeout(services[k])

    def source(env):
        previous = 0.0
        for k in range(n):
            yield env.timeout(arrivals[k] - previous)
            previous = arrivals[k]
            env.process(customer(env, k))

    env.process(source(env))
    env.run()
    return _checked_result(lam, mu, c, arrivals, services, waits)


def simulate_mm1_simpy(arrival_rate: float, service_rate: float, n_customers: int, rng: Any = None, *,
                       allow_unstable: bool = False) -> QueueResult:
    """:func:`simulate_mmc_simpy` with one server; the baseline :func:`simulate_mm1` must beat.

    Raises
    ------
    ValueError
        On bad parameters or an unstable queue (unless ``allow_unstable``).

    Examples
    --------
    >>> simulate_mm1_simpy(0.5, 1.0, 10, rng=0).n_customers
    10
    """
    return simulate_mmc_simpy(arrival_rate, service_rate, 1, n_customers, rng, allow_unstable=allow_unstable)


def time_average_in_system(result: QueueResult, n_observations: int = 100_000) -> float:
    """L: the time-average number of customers in the system, observed on the sample path.

    Little's law says L = lambda W. This measures L independently of W: it looks at the system at
    ``n_observations`` evenly spaced instants over the run and averages how many customers are
    inside (arrived and not yet departed), so the law can be checked rather than assumed.

    Parameters
    ----------
    result : QueueResult
    n_observations : int, default=100_000
        Number of inspection instants (>= 1).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`QueueResult`.

    Examples
    --------
    >>> r = simulate_mm1(0.5, 1.0, 200_000, rng=4)
    >>> round(time_average_in_system(r), 1)  # lambda W = 0.5 * 2
    1.0
    """
    if not isinstance(result, QueueResult):
        raise TypeError(f'"result" must be a QueueResult, got {type(result).__name__}')
    n_obs = check_int("n_observations", n_observations, minimum=1, maximum=MAX_CUSTOMERS)
    departures = np.sort(result.arrival_times + result.sojourn_times)
    horizon = float(departures[-1])
    instants = (np.arange(n_obs) + 0.5) * (horizon / n_obs)
    inside = np.searchsorted(result.arrival_times, instants, side="right") - np.searchsorted(
        departures, instants, side="right")
    return float(inside.mean())


@dataclass(frozen=True)
class PercentileSweep:
    """Sojourn-time percentiles of M/M/c across utilisations, simulated and in theory.

    Attributes
    ----------
    service_rate : float
        mu per server.
    servers : int
        c.
    n_customers : int
        Customers simulated per point.
    seed : int or None
        Seed of the sweep.
    utilisations : numpy.ndarray, shape (k,)
        rho values.
    percentiles : tuple of float
        Percentiles in percent.
    simulated : numpy.ndarray, shape (k, len(percentiles))
        Simulated percentiles of the sojourn time.
    theory : numpy.ndarray, shape (k, len(percentiles))
        Closed-form percentiles.
    """

    service_rate: float
    servers: int
    n_customers: int
    seed: Any
    utilisations: np.ndarray
    percentiles: tuple
    simulated: np.ndarray
    theory: np.ndarray


def percentiles_vs_utilisation(service_rate: float, servers: int, utilisations: Iterable[float], n_customers: int,
                               *, percentiles: Iterable[float] = DEFAULT_PERCENTILES, rng: Any = None,
                               progress_bar: bool = True, executor: Any = None) -> PercentileSweep:
    """Sweep utilisation and record sojourn-time percentiles, simulated and in closed form.

    Parameters
    ----------
    service_rate : float
        mu per server (> 0).
    servers : int
        c (>= 1).
    utilisations : iterable of float
        rho values, each in (0, 1).
    n_customers : int
        Customers per point.
    percentiles : iterable of float, default=(50, 90, 99, 99.9)
        In percent.
    rng : None, int or Generator, optional
        Randomness; each point gets its own child stream.
    progress_bar : bool, default=True
        Show a ``tqdm`` progress bar.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Run the points in parallel (a process pool, a Dask cluster); the result is identical to the serial
        run with the same ``rng``, because each point's child stream is fixed before dispatch.

    Returns
    -------
    PercentileSweep

    Raises
    ------
    ValueError
        If a utilisation is not in (0, 1) or other parameters are bad.

    Examples
    --------
    >>> s = percentiles_vs_utilisation(1.0, 1, [0.5], 20_000, percentiles=[50], rng=0, progress_bar=False)
    >>> s.simulated.shape
    (1, 1)
    """
    mu = check_positive("service_rate", service_rate)
    c = _check_servers(servers)
    n = check_int("n_customers", n_customers, minimum=1, maximum=MAX_CUSTOMERS)
    rhos = check_array("utilisations", utilisations)
    bad = rhos[(rhos <= 0) | (rhos >= 1)]
    if bad.size:
        raise ValueError(f'"utilisations" must each be in (0, 1), got {float(bad[0])!r}')
    qs = tuple(_check_percentile(q) for q in check_percentiles("percentiles", percentiles, allow_100=False))
    progress_bar = check_bool("progress_bar", progress_bar)
    seed = rng if isinstance(rng, (int, np.integer)) else None
    children = make_rng(rng).spawn(rhos.size)
    for rho in rhos.tolist():
        lam = rho * c * mu
        if not (0 < lam < math.inf and math.isfinite(100.0 * n / lam) and math.isfinite(1.0 / mu)):
            raise ValueError(f'"service_rate" x "servers" x utilisation {rho!r} leaves the float range (or the '
                             f'simulated times would), got service_rate={mu!r}, "utilisations" value {rho!r}: '
                             'use a time unit in which the rates are nearer 1')
    jobs = [(float(rho) * c * mu, mu, c, n, child, qs) for rho, child in zip(rhos, children)]
    rows = run_sweep(_sweep_point, jobs, executor=executor, progress_bar=progress_bar, desc="utilisation sweep")
    sim = np.array([r[0] for r in rows]).reshape(rhos.size, len(qs))
    theory = np.array([r[1] for r in rows]).reshape(rhos.size, len(qs))
    return PercentileSweep(mu, c, n, seed, rhos, qs, sim, theory)


def _sweep_point(lam: float, mu: float, c: int, n: int, rng: np.random.Generator, qs: tuple) -> tuple:
    """One point of :func:`percentiles_vs_utilisation`: (simulated, closed-form) percentiles."""
    result = simulate_mmc(lam, mu, c, n, rng)
    theory = [mmc_sojourn_percentile(lam, mu, c, q) for q in qs]  # len(qs) bisections: cheap
    return np.percentile(result.sojourn_times, qs), np.array(theory)


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None) -> Problem:
    """A random queueing question: the mean or a percentile of the time in system.

    Parameters
    ----------
    rng : None, int or Generator, optional
        Seed or generator; the same seed poses the same problem.

    Returns
    -------
    Problem
        ``params`` holds arrival_rate_per_ms, service_time_ms, servers and percentile (None = mean).

    Examples
    --------
    >>> pose_problem(3).kind
    'mmc-mean'
    """
    rng = make_rng(rng)
    servers = int(rng.choice([1, 1, 2, 4, 8]))
    service_time_ms = float(rng.choice([0.5, 1.0, 2.0, 5.0, 10.0]))
    rho = float(rng.choice([0.5, 0.7, 0.8, 0.9, 0.95]))
    arrival_rate = rho * servers / service_time_ms
    percentile = [None, 50.0, 99.0, 99.9][int(rng.integers(4))]
    what = "the mean time in system" if percentile is None else f"the p{percentile:g} of the time in system"
    fleet = "one server" if servers == 1 else f"{servers} identical servers sharing one queue"
    statement = textwrap.fill(
        f"Requests arrive at a service as a Poisson stream of {arrival_rate:.4g} per ms. "
        f"It has {fleet}, first come first served; each request needs an exponentially "
        f"distributed service time with a mean of {service_time_ms:g} ms. What is {what}, in ms?",
        width=68)
    kind = "mmc-mean" if percentile is None else "mmc-percentile"
    return Problem(kind, statement, {"arrival_rate_per_ms": arrival_rate, "service_time_ms": service_time_ms,
                                     "servers": servers, "percentile": percentile})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem` with the closed forms, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a queueing :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> print(solve(pose_problem(0)).value > 0)
    True
    """
    if not isinstance(problem, Problem) or not problem.kind.startswith("mmc"):
        raise TypeError(f'"problem" must be a queueing Problem from pose_problem, got {problem!r}')
    p = problem.params
    lam, mu, c = p["arrival_rate_per_ms"], 1.0 / p["service_time_ms"], p["servers"]
    rho = lam / (c * mu)
    wait_prob = erlang_c(c, lam / mu)
    lines = [f"rho = lambda / (c mu) = {lam:.4g} / ({c} x {mu:.4g}) = {rho:.3g}",
             f"P(wait) = Erlang C({c}, a = {lam / mu:.4g}) = {wait_prob:.4g}"]
    if p["percentile"] is None:
        value = mmc_mean_sojourn(lam, mu, c)
        lines.append(f"mean wait = C / (c mu - lambda) = {mmc_mean_wait(lam, mu, c):.4g} ms")
        lines.append(f"mean time in system = mean wait + 1/mu = {value:.4g} ms")
    else:
        q = p["percentile"]
        value = mmc_sojourn_percentile(lam, mu, c, q)
        if c == 1:
            lines.append(f"M/M/1: time in system ~ Exponential(rate {mu - lam:.4g} per ms)")
            lines.append(f"p{q:g} = -ln(1 - {q / 100:g}) / (mu - lambda) = {value:.4g} ms")
        else:
            lines.append("time in system T = wait + service; solve")
            lines.append(f"P(T > t) = {1 - q / 100:.4g} for t (mmc_sojourn_survival)")
            lines.append(f"p{q:g} = {value:.4g} ms")
    return Solution(problem, value, "\n".join(lines))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.queueing [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.queueing", "Practice problems on M/M/1 and M/M/c queues.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
