"""Nitro: taking the hypervisor off the host — where the CPU goes, a chain of trust, blast radius.

Chapter: "Nitro: taking the hypervisor off the host" (``chapters/nitro.md``); labs:
``labs/nitro_cpu.ipynb``, ``labs/nitro_trust.ipynb``, ``labs/nitro_blast_radius.ipynb``;
tests: ``tests/test_nitro.py``.

Three small models, one per lab.

**Where did my CPU go?** (:func:`simulate_host`). One host core runs a guest's requests. The host's
I/O work (network packets, block I/O completions, management work, for this guest and its neighbours)
either runs on the *same* core (``io_placement="shared"``, the classic design: a dom0 or host kernel
on the guest's cores) or on an offload card (``"offload"``, the Nitro design). Time is in
microseconds.

* Guest requests arrive as a Poisson stream and need exponentially distributed CPU time of mean
  ``guest_service_us``; they are served first come, first served. ``guest_load`` is their share of
  the core, rho_G = lambda_G E[S_G].
* I/O jobs of each kind arrive as independent Poisson streams and each needs a fixed CPU time
  (``io_service_us``); ``io_load`` is their total share of a core, rho_H, split between the kinds by
  ``io_load_shares``.
* Shared placement: I/O work has **preemptive-resume priority** over guest requests (an interrupt or a
  dom0 thread runs before the guest's vCPU, and the guest's request carries on where it stopped).
  The guest's queue is then the low class of a two-class preemptive-resume priority M/G/1 queue,
  whose mean time in system is known exactly (:func:`mean_latency_us`):

      E[T_G] = E[S_G] / (1 - rho_H) + R / ((1 - rho_H) (1 - rho_H - rho_G)),
      R = (lambda_G E[S_G^2] + sum_i lambda_i s_i^2) / 2.

* Offload placement: the guest's core serves only the guest, an M/M/1 queue (mean E[S_G]/(1-rho_G),
  exponential time in system, so every percentile is known too).
* Jitter: at regular instants a *probe* — a virtual guest request of fixed work ``probe_work_us`` —
  is timed: its latency is the time the core would take to finish everything ahead of it, the probe
  itself, and all I/O that arrives meanwhile (the virtual waiting time; the probe does not disturb
  the run). Its mean is (w + R/(1 - rho)) / (1 - rho_H) shared and w + rho_G E[S_G]/(1 - rho_G)
  offloaded. The spread of the probes' latencies over time is the jitter a guest sees.

:func:`simulate_host` computes the sample path without stepping through events: the total work in
the system is a Lindley recursion over the merged arrivals, and a guest request (or probe) finishes
at the first time the running maximum of ``t - (I/O work arrived by t)`` reaches a level fixed at its
arrival — an exact, vectorised first-passage search. :func:`simulate_host_simpy` is the
straightforward SimPy model (a ``simpy.PreemptiveResource``) that draws the same random numbers; the
tests check the two give the same sample path.

**A chain of trust** (:func:`extend`, :func:`measure_boot`, :func:`attest`). A TPM 2.0 PCR extend:
new = SHA-384(old || SHA-384(measurement)), from 48 zero bytes (:func:`initial_register`). The tests
compare it byte for byte with a real (software) TPM.

**Blast radius** (:func:`k_of_n_availability`, :func:`expected_volumes_touched`,
:func:`expected_customers_touched`, :func:`simulate_single_failure`, :func:`simulate_independent_failures`,
:func:`shuffle_shard_overlap_pmf`, :func:`simulate_shuffle_sharding`). Volumes are placed on failure
domains (a dense storage server, or one of many small storage nodes behind Nitro cards); the closed
forms give how much one failure touches and how often data is unavailable, the Monte Carlo the same
within sampling error.

Run ``python -m labsupport.nitro --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

import hashlib
import math
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any, Sequence

import numpy as np

from .common import (
    LatencySummary,
    Problem,
    Solution,
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_probability,
    make_rng,
    run_cli,
    summarize,
)

__all__ = [
    "PLACEMENTS",
    "IO_KINDS",
    "HostScenario",
    "make_host_scenario",
    "mean_latency_us",
    "mean_probe_latency_us",
    "offload_latency_percentile_us",
    "usable_cpu_fraction",
    "HostResult",
    "simulate_host",
    "simulate_host_simpy",
    "initial_register",
    "extend",
    "measure_boot",
    "AttestationResult",
    "attest",
    "enclave_pcr0",
    "DEFAULT_BOOT_CHAIN",
    "k_of_n_availability",
    "expected_volumes_touched",
    "expected_customers_touched",
    "FailureResult",
    "simulate_single_failure",
    "expected_unavailable_volumes",
    "simulate_independent_failures",
    "shuffle_shard_count",
    "shuffle_shard_overlap_pmf",
    "simulate_shuffle_sharding",
    "pose_problem",
    "solve",
    "main",
]

#: Where the host's I/O work runs.
PLACEMENTS = ("shared", "offload")
#: The kinds of I/O work in the default scenario, in the order of ``io_service_us``.
IO_KINDS = ("network packets", "block I/O completions", "management work")
#: Largest number of guest requests one simulation accepts.
MAX_REQUESTS = 5_000_000
#: Largest number of Monte Carlo trials one call accepts.
MAX_TRIALS = 10_000_000
#: Most random events (I/O arrivals and probes, expected) one host simulation may hold: a tiny guest load
#: stretches the run, and the I/O stream with it, without bound. The SimPy twin handles each event as a
#: process, about 50x slower, so it takes fewer.
MAX_HOST_EVENTS = 5_000_000
MAX_HOST_EVENTS_SIMPY = 100_000
#: Largest count (volumes, customers, domains) the closed forms accept: 2**53, below which every integer is
#: exact in a float (a fleet is far smaller; beyond it ``x ** m`` and ``v * r / d`` overflow a float).
MAX_COUNT = 2**53
#: Largest n of a k-of-n availability: C(n, n/2) passes the float range just above n = 1000.
MAX_REPLICAS = 1000
#: Largest fleet for shuffle sharding (C(n, n/2) is exact and takes 0.1 s at n = 100,000; 9 s at a million),
#: and largest shard for the overlap distribution (k + 1 exact binomials).
MAX_NODES = 100_000
MAX_SHARD_SIZE = 1000


# ----------------------------------------------------------------------------------------------
# Where did my CPU go: the host scenario
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HostScenario:
    """Every knob of the host model except the loads, with units; defaults are the lab's baseline.

    Attributes
    ----------
    guest_service_us : float, default=50.0
        Mean CPU time of a guest request (exponentially distributed), in microseconds.
    io_service_us : tuple of float, default=(5.0, 25.0, 250.0)
        CPU time of one I/O job of each kind (:data:`IO_KINDS`: a network packet, a block I/O
        completion, a slice of management work), in microseconds; each is fixed.
    io_load_shares : tuple of float, default=(0.5, 0.3, 0.2)
        How the I/O load splits between the kinds (non-negative, summing to 1).
    probe_work_us : float, default=50.0
        CPU work of the identical probe request used to measure jitter, in microseconds.
    probe_interval_us : float, default=1000.0
        Time between probes, in microseconds.

    Examples
    --------
    >>> HostScenario(guest_service_us=20.0).io_service_us
    (5.0, 25.0, 250.0)
    """

    guest_service_us: float = 50.0
    io_service_us: tuple = (5.0, 25.0, 250.0)
    io_load_shares: tuple = (0.5, 0.3, 0.2)
    probe_work_us: float = 50.0
    probe_interval_us: float = 1000.0

    def __post_init__(self) -> None:
        for name in ("guest_service_us", "probe_work_us", "probe_interval_us"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name)))
        service = _check_tuple("io_service_us", self.io_service_us)
        shares = _check_tuple("io_load_shares", self.io_load_shares)
        for s in service:
            if s <= 0:
                raise ValueError(f'"io_service_us" must hold values > 0, got {self.io_service_us!r}')
        if len(shares) != len(service):
            raise ValueError(f'"io_load_shares" must have one share per I/O kind ({len(service)}), '
                             f'got {self.io_load_shares!r}')
        if any(p < 0 for p in shares) or not math.isclose(sum(shares), 1.0, rel_tol=0, abs_tol=1e-9):
            raise ValueError(f'"io_load_shares" must be >= 0 and sum to 1, got {self.io_load_shares!r}')
        object.__setattr__(self, "io_service_us", service)
        object.__setattr__(self, "io_load_shares", shares)


def _check_tuple(name: str, value: Any) -> tuple:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f'"{name}" must be a sequence of numbers, got {value!r}')
    try:
        items = list(value)
    except TypeError:  # a 0-d array has __iter__ but cannot be iterated
        raise TypeError(f'"{name}" must be a sequence of numbers, got {value!r}') from None
    out = tuple(check_finite(name, v) for v in items)
    if not out:
        raise ValueError(f'"{name}" must not be empty')
    return out


_HOST_FIELDS = {f.name for f in fields(HostScenario)}


def make_host_scenario(**scenario: Any) -> HostScenario:
    """Build and validate a :class:`HostScenario` from keyword arguments.

    Parameters
    ----------
    **scenario
        Any :class:`HostScenario` attribute by name.

    Returns
    -------
    HostScenario

    Raises
    ------
    TypeError
        If a key is not a :class:`HostScenario` attribute (the message names it), or a value has the
        wrong type.
    ValueError
        If a value is out of range.

    Examples
    --------
    >>> make_host_scenario(probe_work_us=20.0).probe_work_us
    20.0
    """
    unknown = sorted(set(scenario) - _HOST_FIELDS)
    if unknown:
        raise TypeError(f'unknown scenario parameter {unknown[0]!r}; known: {", ".join(sorted(_HOST_FIELDS))}')
    return HostScenario(**scenario)


def _check_loads(io_placement: Any, guest_load: Any, io_load: Any, sc: HostScenario) -> tuple[str, float, float]:
    place = check_choice("io_placement", io_placement, PLACEMENTS)
    g = check_probability("guest_load", guest_load, allow_one=False)
    if g == 0:
        raise ValueError(f'"guest_load" must be in (0, 1), got {g!r}')
    io = check_probability("io_load", io_load, allow_one=False)
    if place == "shared" and g + io >= 1:
        raise ValueError(f'"io_load" + "guest_load" must be < 1 when I/O shares the guest\'s core '
                         f'(io_placement="shared"), got {io!r} + {g!r} = {io + g:.3g}')
    return place, g, io


def _rates(sc: HostScenario, g: float, io: float):
    """(lambda_G, E[S_G^2], I/O rates per kind, I/O service per kind, R) with R the mean residual work."""
    lam_g = g / sc.guest_service_us
    es2_g = 2.0 * sc.guest_service_us ** 2  # exponential service
    s_io = np.array(sc.io_service_us)
    rates = io * np.array(sc.io_load_shares) / s_io
    residual = 0.5 * (lam_g * es2_g + float(np.sum(rates * s_io ** 2)))
    return lam_g, es2_g, rates, s_io, residual


def mean_latency_us(io_placement: str, *, guest_load: float, io_load: float, **scenario: Any) -> float:
    """Mean time in system of a guest request, in closed form, in microseconds.

    Shared: the low class of a preemptive-resume priority M/G/1 queue,
    E[S_G]/(1 - rho_H) + R/((1 - rho_H)(1 - rho_H - rho_G)) with
    R = (lambda_G E[S_G^2] + sum_i lambda_i s_i^2)/2. Offload: M/M/1, E[S_G]/(1 - rho_G).

    Parameters
    ----------
    io_placement : {"shared", "offload"}
        Where the host's I/O work runs.
    guest_load : float
        rho_G, the guest's share of its core, in (0, 1).
    io_load : float
        rho_H, the I/O work's share of a core, in [0, 1); shared needs rho_G + rho_H < 1.
    **scenario
        :class:`HostScenario` attributes.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On a load out of range or an unstable shared core.

    Examples
    --------
    >>> mean_latency_us("offload", guest_load=0.5, io_load=0.3)  # 50 us / (1 - 0.5)
    100.0
    """
    sc = make_host_scenario(**scenario)
    place, g, io = _check_loads(io_placement, guest_load, io_load, sc)
    s = sc.guest_service_us
    if place == "offload":
        return s / (1.0 - g)
    *_, residual = _rates(sc, g, io)
    return s / (1.0 - io) + residual / ((1.0 - io) * (1.0 - io - g))


def mean_probe_latency_us(io_placement: str, *, guest_load: float, io_load: float, **scenario: Any) -> float:
    """Mean latency of the identical probe request (time average), in closed form, in microseconds.

    Shared: (w + R/(1 - rho)) / (1 - rho_H), with R/(1 - rho) the Pollaczek-Khinchine mean work in the
    system and the division by 1 - rho_H the I/O that arrives while the probe is finishing.
    Offload: w + rho_G E[S_G] / (1 - rho_G).

    Parameters
    ----------
    io_placement : {"shared", "offload"}
    guest_load : float
        rho_G in (0, 1).
    io_load : float
        rho_H in [0, 1).
    **scenario
        :class:`HostScenario` attributes (``probe_work_us`` is w).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On a load out of range or an unstable shared core.

    Examples
    --------
    >>> mean_probe_latency_us("offload", guest_load=0.5, io_load=0.2)  # 50 + 0.5 * 50 / 0.5
    100.0
    """
    sc = make_host_scenario(**scenario)
    place, g, io = _check_loads(io_placement, guest_load, io_load, sc)
    w = sc.probe_work_us
    if place == "offload":
        return w + g * sc.guest_service_us / (1.0 - g)
    *_, residual = _rates(sc, g, io)
    return (w + residual / (1.0 - g - io)) / (1.0 - io)


def offload_latency_percentile_us(percentile: float, *, guest_load: float, **scenario: Any) -> float:
    """A percentile of the guest's time in system with I/O offloaded (M/M/1), in microseconds.

    The M/M/1 time in system is exponential with mean E[S_G]/(1 - rho_G), so the q-th percentile is
    -ln(1 - q/100) E[S_G]/(1 - rho_G). With no I/O load the shared design is the same queue.

    Parameters
    ----------
    percentile : float
        q in [0, 100).
    guest_load : float
        rho_G in (0, 1).
    **scenario
        :class:`HostScenario` attributes.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``percentile`` is outside [0, 100) or the load is out of range.

    Examples
    --------
    >>> round(offload_latency_percentile_us(99, guest_load=0.5), 2)
    460.52
    """
    sc = make_host_scenario(**scenario)
    q = check_finite("percentile", percentile)
    if not 0 <= q < 100:
        raise ValueError(f'"percentile" must be in [0, 100), got {q!r}')
    _, g, _ = _check_loads("offload", guest_load, 0.0, sc)
    return -math.log1p(-q / 100.0) * sc.guest_service_us / (1.0 - g)


def usable_cpu_fraction(io_placement: str, *, io_load: float) -> float:
    """The share of the guest's core left for the guest: 1 - rho_H shared, 1 offloaded.

    Parameters
    ----------
    io_placement : {"shared", "offload"}
    io_load : float
        rho_H in [0, 1).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On an unknown placement or a load out of range.

    Examples
    --------
    >>> usable_cpu_fraction("shared", io_load=0.25)
    0.75
    """
    place = check_choice("io_placement", io_placement, PLACEMENTS)
    io = check_probability("io_load", io_load, allow_one=False)
    return 1.0 - io if place == "shared" else 1.0


@dataclass(frozen=True)
class HostResult:
    """One simulated run of the host, with the parameters that produced it.

    Attributes
    ----------
    io_placement : str
        ``"shared"`` or ``"offload"``.
    guest_load, io_load : float
        rho_G and rho_H.
    n_requests : int
        Guest requests simulated.
    scenario : HostScenario
        Every other parameter.
    engine : str
        ``"vectorised"`` (:func:`simulate_host`) or ``"simpy"`` (:func:`simulate_host_simpy`).
    arrival_us : numpy.ndarray, shape (n_requests,)
        When each guest request arrived.
    service_us : numpy.ndarray, shape (n_requests,)
        CPU time each guest request needed.
    latencies_us : numpy.ndarray, shape (n_requests,)
        Time in system of each guest request, in arrival order.
    completed : numpy.ndarray of int, shape (n_requests,)
        How many times each request completed (must be 1).
    io_arrival_us, io_service_us : numpy.ndarray, shape (n_io,)
        The I/O jobs (the same for both placements with the same seed).
    probe_us : numpy.ndarray, shape (n_probes,)
        When each probe was taken (empty for the SimPy engine, which does not time probes).
    probe_latencies_us : numpy.ndarray, shape (n_probes,)
        Latency the identical probe request would have seen at each of those instants.
    core_io_fraction : float
        Share of the guest's core's time spent on I/O work over the arrival period (0 offloaded).
    card_io_fraction : float
        Share of the offload card's time spent on I/O work (0 shared).
    """

    io_placement: str
    guest_load: float
    io_load: float
    n_requests: int
    scenario: HostScenario
    engine: str
    arrival_us: np.ndarray = field(repr=False)
    service_us: np.ndarray = field(repr=False)
    latencies_us: np.ndarray = field(repr=False)
    completed: np.ndarray = field(repr=False)
    io_arrival_us: np.ndarray = field(repr=False)
    io_service_us: np.ndarray = field(repr=False)
    probe_us: np.ndarray = field(repr=False)
    probe_latencies_us: np.ndarray = field(repr=False)
    core_io_fraction: float = 0.0
    card_io_fraction: float = 0.0

    @property
    def usable_cpu(self) -> float:
        """Share of the guest's core left to the guest: 1 - ``core_io_fraction``."""
        return 1.0 - self.core_io_fraction

    @property
    def jitter_us(self) -> float:
        """Standard deviation of the probe's latency over time, in microseconds (NaN without probes)."""
        if self.probe_latencies_us.size < 2:
            return float("nan")
        return float(self.probe_latencies_us.std(ddof=1))

    def summary(self) -> LatencySummary:
        """Mean and p50/p90/p99/p99.9 of the guest's latencies, in microseconds."""
        return summarize(self.latencies_us, unit="us")


def _validate_host(io_placement, guest_load, io_load, n_requests, scenario, max_events=MAX_HOST_EVENTS):
    sc = make_host_scenario(**scenario)
    place, g, io = _check_loads(io_placement, guest_load, io_load, sc)
    n = check_int("n_requests", n_requests, minimum=1, maximum=MAX_REQUESTS)
    # The expected size of the run _draw_host would draw: I/O arrivals over its horizon, and the probes.
    lam_g, _, rates, s_io, _ = _rates(sc, g, io)
    try:
        end = n / lam_g
        mean = (mean_latency_us("shared", guest_load=g, io_load=io, **_as_kwargs(sc)) if g + io < 1
                else sc.guest_service_us / (1.0 - g))
        events = float(rates.sum()) * (end + 200.0 * mean + 10.0 * float(s_io.max())) + end / sc.probe_interval_us
    except (ZeroDivisionError, OverflowError):
        events = math.inf
    if not events <= max_events:
        raise ValueError(f'"guest_load" = {g!r} is too small for "n_requests" = {n:,}, "io_load" = {io!r} and '
                         f'"probe_interval_us" = {sc.probe_interval_us!r}: the run would hold about {events:.3g} '
                         f'I/O events and probes, at most {max_events:,} (raise "guest_load" or lower "n_requests")')
    return place, g, io, n, sc


def _draw_host(place, g, io, n, sc, rng):
    """The random draws both engines share: guest arrivals and work, I/O arrivals and work."""
    guest_rng, io_rng = make_rng(rng).spawn(2)
    lam_g, _, rates, s_io, _ = _rates(sc, g, io)
    arrivals = np.cumsum(guest_rng.exponential(1.0 / lam_g, size=n))
    services = guest_rng.exponential(sc.guest_service_us, size=n)
    # I/O keeps arriving while the last guests drain: 200 mean times in system past the last arrival
    # (of the shared core when it is stable), so that no guest outlives the I/O stream in practice.
    stable_shared = g + io < 1
    mean = (mean_latency_us("shared", guest_load=g, io_load=io, **_as_kwargs(sc)) if stable_shared
            else sc.guest_service_us / (1.0 - g))
    horizon = float(arrivals[-1]) + 200.0 * mean + 10.0 * float(s_io.max())
    lam_io = float(rates.sum())
    if lam_io > 0:
        m = int(io_rng.poisson(lam_io * horizon))
        io_times = np.sort(io_rng.uniform(0.0, horizon, size=m))
        kinds = io_rng.choice(s_io.size, size=m, p=rates / lam_io)
        io_work = s_io[kinds]
    else:
        io_times, io_work = np.empty(0), np.empty(0)
    return arrivals, services, io_times, io_work


def _as_kwargs(sc: HostScenario) -> dict:
    return {f.name: getattr(sc, f.name) for f in fields(sc)}


def _workload_before(times: np.ndarray, work: np.ndarray) -> np.ndarray:
    """Work in a single-server system just before each arrival (Lindley, vectorised); times sorted."""
    steps = np.empty(times.size)
    if times.size == 0:
        return steps
    steps[0] = 0.0
    steps[1:] = work[:-1] - np.diff(times)
    x = np.cumsum(steps)
    return x - np.minimum(np.minimum.accumulate(x), 0.0)


def _workload_at(instants: np.ndarray, times: np.ndarray, work: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Work in the system at each instant, from the arrivals and the work each found."""
    j = np.searchsorted(times, instants, side="right") - 1
    out = np.zeros(instants.size)
    ok = j >= 0
    jj = j[ok]
    out[ok] = np.maximum(0.0, before[jj] + work[jj] - (instants[ok] - times[jj]))
    return out


def _finish_times(starts: np.ndarray, ahead: np.ndarray, io_times: np.ndarray, io_work: np.ndarray) -> np.ndarray:
    """When a job of work ``ahead`` (all the work it must wait for, and its own) finishes, if every I/O
    job that arrives meanwhile preempts it.

    With F(t) = t - (I/O work arrived by t), the job finishes when F first climbs to
    L = F(start) + ahead. Since ``ahead`` covers the I/O backlog at ``start``, L exceeds F's maximum
    so far, so the finish is where F's running maximum first reaches L: on the rising stretch before
    the first I/O arrival whose peak t_i - C_(i-1) is >= L, at t = L + C_(i-1).
    """
    c_after = np.cumsum(io_work)
    c_before = c_after - io_work
    peaks = np.maximum.accumulate(io_times - c_before) if io_times.size else np.empty(0)
    j = np.searchsorted(io_times, starts, side="right")
    io_by_start = np.where(j > 0, c_after[np.maximum(j - 1, 0)] if io_times.size else 0.0, 0.0)
    level = starts - io_by_start + ahead
    i = np.searchsorted(peaks, level, side="left")
    c_ext = np.append(c_before, c_after[-1] if io_times.size else 0.0)
    return level + c_ext[i]


def simulate_host(io_placement: str, *, guest_load: float, io_load: float, n_requests: int, rng: Any = None,
                  **scenario: Any) -> HostResult:
    """Simulate ``n_requests`` guest requests on a host core whose I/O work is shared or offloaded.

    The shared design is a preemptive-resume priority M/G/1 queue (I/O above the guest); the offload
    design an M/M/1 queue for the guest (see the module docstring). The run starts empty. The I/O
    jobs are the same draws for both placements with the same ``rng`` seed, so the two runs are
    paired. Computed exactly without an event loop (a Lindley recursion plus a first-passage search).

    Parameters
    ----------
    io_placement : {"shared", "offload"}
        Where the host's I/O work runs: on the guest's core, or on an offload card.
    guest_load : float
        rho_G, the guest's share of its core, in (0, 1).
    io_load : float
        rho_H, the I/O work's share of a core, in [0, 1); shared needs rho_G + rho_H < 1.
    n_requests : int
        Guest requests to simulate (1 .. 5,000,000).
    rng : None, int or numpy.random.Generator, optional
        Randomness.
    **scenario
        :class:`HostScenario` attributes (service times, the I/O mix, the probe).

    Returns
    -------
    HostResult

    Raises
    ------
    TypeError
        On an unknown scenario parameter or a value of the wrong type.
    ValueError
        On a load outside its range, an unstable shared core, or a count out of range; or when the run
        would hold more than ``MAX_HOST_EVENTS`` expected I/O events and probes (a guest load so small
        that its requests spread over an enormous time).

    See Also
    --------
    simulate_host_simpy : the same model in SimPy (same draws, same sample path).

    Examples
    --------
    >>> r = simulate_host("offload", guest_load=0.5, io_load=0.3, n_requests=50_000, rng=1)
    >>> round(float(r.latencies_us.mean()), -1)  # theory: 50 / (1 - 0.5) = 100 us
    100.0
    """
    place, g, io, n, sc = _validate_host(io_placement, guest_load, io_load, n_requests, scenario)
    arrivals, services, io_times, io_work = _draw_host(place, g, io, n, sc, rng)
    end = float(arrivals[-1])
    probes = np.arange(sc.probe_interval_us, end, sc.probe_interval_us)
    io_in_period = float(io_work[io_times <= end].sum()) / end
    if place == "offload":
        before = _workload_before(arrivals, services)
        latencies = before + services
        probe_lat = _workload_at(probes, arrivals, services, before) + sc.probe_work_us
        core, card = 0.0, io_in_period
    else:
        times = np.concatenate([arrivals, io_times])
        work = np.concatenate([services, io_work])
        order = np.argsort(times, kind="stable")
        times, work = times[order], work[order]
        before_all = _workload_before(times, work)
        before = np.empty(times.size)
        before[order] = before_all
        guest_before = before[:n]
        latencies = _finish_times(arrivals, guest_before + services, io_times, io_work) - arrivals
        ahead = _workload_at(probes, times, work, before_all) + sc.probe_work_us
        probe_lat = _finish_times(probes, ahead, io_times, io_work) - probes
        core, card = io_in_period, 0.0
    return HostResult(place, g, io, n, sc, "vectorised", arrivals, services, latencies, np.ones(n, dtype=int),
                      io_times, io_work, probes, probe_lat, core, card)


def simulate_host_simpy(io_placement: str, *, guest_load: float, io_load: float, n_requests: int,
                        rng: Any = None, **scenario: Any) -> HostResult:
    """The straightforward SimPy model of the host (the reference for tests and benchmarks).

    The core is a ``simpy.PreemptiveResource`` of capacity 1. Each I/O job requests it at priority
    (0, its index) and preempts a guest; each guest request asks at priority (1, its index) without
    preempting, holds the core for its remaining work, and on a preemption re-queues with the work
    left (preemptive resume; the index keeps the guests first come, first served). Offloaded, no I/O
    job touches the core. It draws exactly what :func:`simulate_host` draws, so with the same seed
    the two give the same latencies (up to rounding). It does not time probes (a probe is a virtual
    request; ``probe_us`` is empty).

    Parameters, Returns and Raises are as for :func:`simulate_host` (with ``MAX_HOST_EVENTS_SIMPY`` events
    at most: SimPy handles each as a process).

    Examples
    --------
    >>> a = simulate_host_simpy("shared", guest_load=0.4, io_load=0.3, n_requests=200, rng=3)
    >>> b = simulate_host("shared", guest_load=0.4, io_load=0.3, n_requests=200, rng=3)
    >>> bool(np.allclose(a.latencies_us, b.latencies_us))
    True
    """
    import simpy

    place, g, io, n, sc = _validate_host(io_placement, guest_load, io_load, n_requests, scenario, MAX_HOST_EVENTS_SIMPY)
    arrivals, services, io_times, io_work = _draw_host(place, g, io, n, sc, rng)
    env = simpy.Environment()
    core = simpy.PreemptiveResource(env, capacity=1)
    done = np.full(n, np.nan)
    completed = np.zeros(n, dtype=int)
    end = float(arrivals[-1])

    def guest(k):
        remaining = services[k]
        while remaining > 0:
            with core.request(priority=(1, k), preempt=False) as req:
                yield req
                started = env.now
                try:
                    yield env.timeout(remaining)
                    remaining = 0.0
                except simpy.Interrupt:
                    remaining -= env.now - started
        done[k] = env.now
        completed[k] += 1

    def io_job(j):
        with core.request(priority=(0, j), preempt=True) as req:
            yield req
            yield env.timeout(io_work[j])

    def source(times, make):
        previous = 0.0
        for k, t in enumerate(times):
            yield env.timeout(t - previous)
            previous = t
            env.process(make(k))

    env.process(source(arrivals, guest))
    if place == "shared":
        env.process(source(io_times, io_job))
    env.run()
    io_share = float(io_work[io_times <= end].sum()) / end
    core, card = (io_share, 0.0) if place == "shared" else (0.0, io_share)
    return HostResult(place, g, io, n, sc, "simpy", arrivals, services, done - arrivals, completed,
                      io_times, io_work, np.empty(0), np.empty(0), core, card)


# ----------------------------------------------------------------------------------------------
# A chain of trust: PCR extend, measured boot, attestation
# ----------------------------------------------------------------------------------------------
#: Bytes in a SHA-384 digest, and so in a SHA-384 PCR.
REGISTER_BYTES = 48

#: A miniature boot chain: (stage name, the bytes measured). Each stage is measured before it runs.
DEFAULT_BOOT_CHAIN: tuple = (
    ("security chip ROM", b"nitro-security-chip boot ROM v1 (immutable)"),
    ("card firmware", b"nitro-card firmware 5.0.2 build 8817"),
    ("hypervisor", b"nitro-hypervisor 2024.11 (kvm-based, minimal)"),
    ("network driver", b"ena driver 2.13.0"),
    ("storage driver", b"nvme-ebs driver 1.6.1"),
)


def _check_register(register: Any) -> bytes:
    if not isinstance(register, (bytes, bytearray)):
        raise TypeError(f'"register" must be bytes, got {type(register).__name__}')
    if len(register) != REGISTER_BYTES:
        raise ValueError(f'"register" must be {REGISTER_BYTES} bytes (a SHA-384 value), got {len(register)} bytes')
    return bytes(register)


def _check_measurement(name: str, value: Any) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f'"{name}" must be bytes, got {type(value).__name__}')
    return bytes(value)


def initial_register() -> bytes:
    """The value of a resettable SHA-384 PCR after reset: 48 zero bytes.

    Returns
    -------
    bytes

    Examples
    --------
    >>> initial_register() == bytes(48)
    True
    """
    return bytes(REGISTER_BYTES)


def extend(register: bytes, measurement: bytes) -> bytes:
    """Extend a SHA-384 register with a measurement: SHA-384(register || SHA-384(measurement)).

    This is a TPM 2.0 PCR extend of the measurement's digest (what ``tpm2_pcrextend`` does with a
    digest, or ``tpm2_pcrevent`` with the data), and what Nitro Enclaves publish as PCR values.

    Parameters
    ----------
    register : bytes
        The current value, 48 bytes.
    measurement : bytes
        The data measured (any length, empty too).

    Returns
    -------
    bytes
        The new value, 48 bytes.

    Raises
    ------
    TypeError
        If ``register`` or ``measurement`` is not bytes.
    ValueError
        If ``register`` is not 48 bytes long.

    Examples
    --------
    >>> extend(initial_register(), b"abc").hex()[:16]
    '93732e3733514a84'
    """
    reg = _check_register(register)
    data = _check_measurement("measurement", measurement)
    return hashlib.sha384(reg + hashlib.sha384(data).digest()).digest()


def measure_boot(stages: Sequence[bytes]) -> tuple:
    """Measure each stage into a register from zero; return the register after each stage.

    Parameters
    ----------
    stages : sequence of bytes
        What each boot stage measures, in boot order (a stage measures the next before running it).

    Returns
    -------
    tuple of bytes
        ``len(stages)`` register values; the last is what an attestation reports.

    Raises
    ------
    TypeError
        If ``stages`` is not a sequence of bytes.

    Examples
    --------
    >>> log = measure_boot([b"firmware", b"kernel"])
    >>> len(log), log[-1] == extend(extend(initial_register(), b"firmware"), b"kernel")
    (2, True)
    """
    return _measure(stages, "stages")


def _measure(stages: Any, name: str) -> tuple:
    if isinstance(stages, (str, bytes, bytearray)) or not hasattr(stages, "__iter__"):
        raise TypeError(f'"{name}" must be a sequence of bytes, got {type(stages).__name__}')
    try:
        items = list(stages)
    except TypeError:  # a 0-d array, say: has __iter__ but cannot be iterated
        raise TypeError(f'"{name}" must be a sequence of bytes, got {type(stages).__name__}') from None
    register = initial_register()
    out = []
    for i, stage in enumerate(items):
        register = extend(register, _check_measurement(f"{name}[{i}]", stage))
        out.append(register)
    return tuple(out)


@dataclass(frozen=True)
class AttestationResult:
    """The verdict on a boot: does its final register match the expected one, and where did it diverge?

    Attributes
    ----------
    final_register, expected_register : bytes
        What the booted machine reports and what the verifier expects (48 bytes each).
    trusted : bool
        Whether they are equal.
    first_mismatch : int or None
        Index of the first stage whose register differs from the reference boot (None if none does).
    n_stages : int
        Stages measured.
    """

    final_register: bytes
    expected_register: bytes
    trusted: bool
    first_mismatch: Any
    n_stages: int

    def __str__(self) -> str:
        lines = ["trusted" if self.trusted else "NOT trusted",
                 f"  reported {self.final_register.hex()[:32]}...",
                 f"  expected {self.expected_register.hex()[:32]}..."]
        if self.first_mismatch is not None:
            lines.append(f"  first stage that differs: {self.first_mismatch + 1} (counting from 1)")
        return "\n".join(lines)


def attest(stages: Sequence[bytes], reference: Sequence[bytes]) -> AttestationResult:
    """Compare a boot's measurements with a reference boot's, as a verifier would.

    The verifier knows only the expected final register (computed from the reference stages); the
    per-stage comparison (``first_mismatch``) is what an event log lets one find afterwards.

    Parameters
    ----------
    stages : sequence of bytes
        What the machine actually booted.
    reference : sequence of bytes
        What it should have booted.

    Returns
    -------
    AttestationResult

    Raises
    ------
    TypeError
        If either is not a sequence of bytes.
    ValueError
        If ``reference`` is empty.

    Examples
    --------
    >>> attest([b"fw", b"os"], [b"fw", b"os"]).trusted
    True
    >>> attest([b"fw", b"evil"], [b"fw", b"os"]).first_mismatch
    1
    """
    got = _measure(stages, "stages")
    ref = _measure(reference, "reference")
    if not ref:
        raise ValueError('"reference" must hold at least one stage')
    final = got[-1] if got else initial_register()
    first = None
    for i in range(max(len(got), len(ref))):
        if i >= len(got) or i >= len(ref) or got[i] != ref[i]:
            first = i
            break
    return AttestationResult(final, ref[-1], final == ref[-1], first, len(got))


def enclave_pcr0(image: bytes) -> bytes:
    """A Nitro Enclaves style PCR0: one extend of the image's digest from 48 zero bytes.

    Parameters
    ----------
    image : bytes
        The enclave image's bytes.

    Returns
    -------
    bytes
        48 bytes.

    Raises
    ------
    TypeError
        If ``image`` is not bytes.

    Examples
    --------
    >>> enclave_pcr0(b"abc") == extend(initial_register(), b"abc")
    True
    """
    return extend(initial_register(), _check_measurement("image", image))


# ----------------------------------------------------------------------------------------------
# Blast radius: placement, failures, replication, shuffle sharding
# ----------------------------------------------------------------------------------------------
def k_of_n_availability(k: int, n: int, availability: float) -> float:
    """Probability that at least ``k`` of ``n`` independent parts are up, each up with ``availability``.

    sum_{i=k}^{n} C(n, i) a^i (1 - a)^(n - i), summed exactly (``math.fsum``).

    Parameters
    ----------
    k : int
        Parts needed (1 <= k <= n).
    n : int
        Parts in all (>= 1).
    availability : float
        a, each part's probability of being up, in [0, 1].

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``k`` is outside 1..n or ``availability`` outside [0, 1].

    Examples
    --------
    >>> round(k_of_n_availability(2, 3, 0.999), 9)
    0.999997002
    """
    n = check_int("n", n, minimum=1, maximum=MAX_REPLICAS)
    k = _check_at_most("k", k, "n", n)
    a = check_probability("availability", availability)
    return min(1.0, math.fsum(math.comb(n, i) * a ** i * (1.0 - a) ** (n - i) for i in range(k, n + 1)))


def _check_at_most(name: str, value: Any, bound_name: str, bound: int) -> int:
    """A count in 1 .. ``bound``, where the bound is another parameter: the message names both."""
    value = check_int(name, value, minimum=1)
    if value > bound:
        raise ValueError(f'"{name}" must be <= {bound} (the value of "{bound_name}"), got {value}')
    return value


def _check_placement(n_domains, replicas):
    d = check_int("n_domains", n_domains, minimum=1, maximum=MAX_COUNT)
    r = _check_at_most("replicas", replicas, "n_domains", d)
    return d, r


def expected_volumes_touched(n_volumes: int, n_domains: int, replicas: int = 1) -> float:
    """Expected volumes with a copy on one failed domain: n_volumes x replicas / n_domains.

    Each volume's ``replicas`` copies sit on distinct domains chosen uniformly at random.

    Parameters
    ----------
    n_volumes : int
        Volumes stored (>= 0).
    n_domains : int
        Failure domains (servers or storage nodes), >= 1.
    replicas : int, default=1
        Copies of each volume, on distinct domains (1 .. n_domains).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a count is out of range.

    Examples
    --------
    >>> expected_volumes_touched(1200, 8)
    150.0
    """
    v = check_int("n_volumes", n_volumes, minimum=0, maximum=MAX_COUNT)
    d, r = _check_placement(n_domains, replicas)
    return v * r / d


def expected_customers_touched(n_customers: int, volumes_per_customer: int, n_domains: int,
                               replicas: int = 1) -> float:
    """Expected customers with at least one copy of a volume on one failed domain.

    A customer's volumes are placed independently, so the failed domain misses all of them with
    probability (1 - r/d)^m: the answer is n_customers x (1 - (1 - r/d)^m).

    Parameters
    ----------
    n_customers : int
        Customers (>= 0).
    volumes_per_customer : int
        m, volumes each customer has (>= 1).
    n_domains : int
        d, failure domains (>= 1).
    replicas : int, default=1
        r, copies of each volume on distinct domains (1 .. d).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a count is out of range.

    Examples
    --------
    >>> round(expected_customers_touched(100, 4, 8), 3)  # 100 x (1 - (7/8)^4)
    41.382
    """
    c = check_int("n_customers", n_customers, minimum=0, maximum=MAX_COUNT)
    m = check_int("volumes_per_customer", volumes_per_customer, minimum=1, maximum=MAX_COUNT)
    d, r = _check_placement(n_domains, replicas)
    return c * (1.0 - (1.0 - r / d) ** m)


def _place(rng, n_volumes, d, r):
    """Replica domains of each volume: shape (n_volumes, r), distinct domains per row."""
    if r == 1:
        return rng.integers(0, d, size=(n_volumes, 1))
    keys = rng.random((n_volumes, d))
    return np.argpartition(keys, r - 1, axis=1)[:, :r]


@dataclass(frozen=True)
class FailureResult:
    """Monte Carlo of failures, with the parameters that produced it.

    Attributes
    ----------
    kind : str
        ``"single"`` (one domain fails per trial) or ``"independent"`` (each domain fails on its own).
    n_customers, volumes_per_customer, n_domains, replicas, needed, n_trials : int
        The placement and the trials (``needed`` copies must be up for a volume to be available).
    domain_availability : float
        Probability each domain is up (``"independent"``; 0 for ``"single"``).
    volumes_touched : numpy.ndarray of int, shape (n_trials,)
        Volumes with a copy on a failed domain, per trial.
    volumes_unavailable : numpy.ndarray of int, shape (n_trials,)
        Volumes with fewer than ``needed`` copies up, per trial.
    customers_touched : numpy.ndarray of int, shape (n_trials,)
        Customers with at least one volume touched, per trial.
    """

    kind: str
    n_customers: int
    volumes_per_customer: int
    n_domains: int
    replicas: int
    needed: int
    n_trials: int
    domain_availability: float
    volumes_touched: np.ndarray = field(repr=False)
    volumes_unavailable: np.ndarray = field(repr=False)
    customers_touched: np.ndarray = field(repr=False)

    @property
    def n_volumes(self) -> int:
        """Volumes in all."""
        return self.n_customers * self.volumes_per_customer


def _check_fleet(n_customers, volumes_per_customer, n_domains, replicas, n_trials):
    c = check_int("n_customers", n_customers, minimum=1)
    m = check_int("volumes_per_customer", volumes_per_customer, minimum=1)
    d, r = _check_placement(n_domains, replicas)
    t = check_int("n_trials", n_trials, minimum=1, maximum=MAX_TRIALS)
    if c * m * max(t, d) > 50_000_000:
        raise ValueError(f'"n_customers" x "volumes_per_customer" x max("n_trials", "n_domains") is too large for '
                         f'one call ({c:,} x {m:,} x {max(t, d):,}; at most 50,000,000)')
    return c, m, d, r, t


def simulate_single_failure(n_customers: int, volumes_per_customer: int, n_domains: int, *, replicas: int = 1,
                            n_trials: int = 1000, rng: Any = None) -> FailureResult:
    """Place every customer's volumes at random, fail one random domain, count what it touches.

    Each trial draws a new placement (copies on distinct domains, uniformly) and a failed domain.

    Parameters
    ----------
    n_customers : int
        Customers (>= 1).
    volumes_per_customer : int
        Volumes each customer has (>= 1).
    n_domains : int
        Failure domains (>= 1).
    replicas : int, default=1
        Copies of each volume (1 .. n_domains).
    n_trials : int, default=1000
        Trials (>= 1).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    FailureResult
        ``volumes_unavailable`` counts volumes whose every copy was on the failed domain.

    Raises
    ------
    ValueError
        If a count is out of range or the run would be too large.

    Examples
    --------
    >>> r = simulate_single_failure(100, 4, 8, n_trials=4000, rng=1)
    >>> bool(abs(r.customers_touched.mean() - expected_customers_touched(100, 4, 8)) < 1)
    True
    """
    c, m, d, r, t = _check_fleet(n_customers, volumes_per_customer, n_domains, replicas, n_trials)
    gen = make_rng(rng)
    if r == 1:  # one copy: every trial at once
        placement = gen.integers(0, d, size=(t, c * m))
        failed = gen.integers(0, d, size=(t, 1))
        hit = placement == failed
        vols = hit.sum(axis=1)
        custs = hit.reshape(t, c, m).any(axis=2).sum(axis=1)
        return FailureResult("single", c, m, d, r, 1, t, 0.0, vols, vols.copy(), custs)
    vols = np.empty(t, dtype=int)
    custs = np.empty(t, dtype=int)
    lost = np.zeros(t, dtype=int)
    for k in range(t):
        placement = _place(gen, c * m, d, r)
        failed = int(gen.integers(d))
        hit = (placement == failed).any(axis=1)
        vols[k] = int(hit.sum())
        custs[k] = int(hit.reshape(c, m).any(axis=1).sum())
    return FailureResult("single", c, m, d, r, 1, t, 0.0, vols, lost, custs)


def expected_unavailable_volumes(n_volumes: int, availability: float, *, replicas: int = 1, needed: int = 1) -> float:
    """Expected volumes unavailable when each domain is up independently with ``availability``.

    A volume is available when at least ``needed`` of its ``replicas`` copies are up, so by
    linearity the mean is n_volumes x (1 - :func:`k_of_n_availability`). It does not depend on how
    big the domains are: the size of a domain changes the spread, not the mean.

    Parameters
    ----------
    n_volumes : int
        Volumes (>= 0).
    availability : float
        Each domain's probability of being up, in [0, 1].
    replicas : int, default=1
        Copies per volume (>= 1).
    needed : int, default=1
        Copies that must be up (1 .. replicas).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a count or the availability is out of range.

    Examples
    --------
    >>> round(expected_unavailable_volumes(1000, 0.99), 6)
    10.0
    """
    v = check_int("n_volumes", n_volumes, minimum=0, maximum=MAX_COUNT)
    r = check_int("replicas", replicas, minimum=1, maximum=MAX_REPLICAS)
    k = _check_at_most("needed", needed, "replicas", r)
    a = check_probability("availability", availability)
    return v * (1.0 - k_of_n_availability(k, r, a))


def simulate_independent_failures(n_customers: int, volumes_per_customer: int, n_domains: int, *,
                                  availability: float, replicas: int = 1, needed: int = 1,
                                  n_trials: int = 1000, rng: Any = None) -> FailureResult:
    """Each domain is down independently with probability 1 - ``availability``; count the damage.

    One random placement (copies on distinct domains) is drawn and kept; each trial draws which
    domains are down.

    Parameters
    ----------
    n_customers, volumes_per_customer, n_domains : int
        The fleet (each >= 1).
    availability : float
        Each domain's probability of being up, in [0, 1].
    replicas : int, default=1
        Copies per volume (1 .. n_domains).
    needed : int, default=1
        Copies that must be up for the volume to be available (1 .. replicas).
    n_trials : int, default=1000
        Independent snapshots of the fleet (>= 1).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    FailureResult

    Raises
    ------
    ValueError
        If a count or the availability is out of range.

    Examples
    --------
    >>> r = simulate_independent_failures(100, 10, 50, availability=0.99, n_trials=2000, rng=2)
    >>> bool(abs(r.volumes_unavailable.mean() - expected_unavailable_volumes(1000, 0.99)) < 1)
    True
    """
    c, m, d, r, t = _check_fleet(n_customers, volumes_per_customer, n_domains, replicas, n_trials)
    k = _check_at_most("needed", needed, "replicas", r)
    a = check_probability("availability", availability)
    gen = make_rng(rng)
    placement = _place(gen, c * m, d, r)
    down = gen.random((t, d)) >= a  # True where the domain is down
    copies_down = down[:, placement].sum(axis=2)  # (t, volumes)
    touched = copies_down > 0
    unavailable = (r - copies_down) < k
    custs = touched.reshape(t, c, m).any(axis=2).sum(axis=1)
    return FailureResult("independent", c, m, d, r, k, t, a, touched.sum(axis=1), unavailable.sum(axis=1), custs)


def shuffle_shard_count(n_nodes: int, shard_size: int) -> int:
    """How many distinct shards of ``shard_size`` nodes can be chosen from ``n_nodes``: C(n, k).

    Parameters
    ----------
    n_nodes : int
        n (>= 1).
    shard_size : int
        k (1 .. n).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``shard_size`` is outside 1..n.

    Examples
    --------
    >>> shuffle_shard_count(8, 2)
    28
    """
    n = check_int("n_nodes", n_nodes, minimum=1, maximum=MAX_NODES)
    k = _check_at_most("shard_size", shard_size, "n_nodes", n)
    return math.comb(n, k)


def shuffle_shard_overlap_pmf(n_nodes: int, shard_size: int) -> np.ndarray:
    """P(two customers' random shards share exactly j nodes), j = 0..k (hypergeometric).

    C(k, j) C(n - k, k - j) / C(n, k). The last entry, 1/C(n, k), is the chance a misbehaving
    customer takes down *all* of another customer's nodes.

    Parameters
    ----------
    n_nodes : int
        n (>= 1).
    shard_size : int
        k (1 .. n).

    Returns
    -------
    numpy.ndarray, shape (k + 1,)

    Raises
    ------
    ValueError
        If ``shard_size`` is outside 1..n.

    Examples
    --------
    >>> [round(float(p), 4) for p in shuffle_shard_overlap_pmf(8, 2)]
    [0.5357, 0.4286, 0.0357]
    """
    total = shuffle_shard_count(n_nodes, shard_size)
    n, k = int(n_nodes), check_int("shard_size", shard_size, maximum=MAX_SHARD_SIZE)  # k + 1 exact binomials
    return np.array([math.comb(k, j) * math.comb(n - k, k - j) / total for j in range(k + 1)])


def simulate_shuffle_sharding(n_nodes: int, shard_size: int, *, n_trials: int = 10_000, rng: Any = None) -> np.ndarray:
    """Draw pairs of random shards and count the nodes each pair shares.

    Parameters
    ----------
    n_nodes : int
        n (>= 1).
    shard_size : int
        k (1 .. n).
    n_trials : int, default=10_000
        Pairs drawn (>= 1).
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of int, shape (n_trials,)
        Nodes shared by each pair.

    Raises
    ------
    ValueError
        If a count is out of range.

    Examples
    --------
    >>> overlaps = simulate_shuffle_sharding(8, 2, n_trials=20_000, rng=0)
    >>> round(float((overlaps == 2).mean()), 2)  # 1 / 28
    0.04
    """
    n = check_int("n_nodes", n_nodes, minimum=1, maximum=MAX_NODES)
    k = _check_at_most("shard_size", shard_size, "n_nodes", n)
    t = check_int("n_trials", n_trials, minimum=1, maximum=MAX_TRIALS // max(n, 1))
    gen = make_rng(rng)
    a = np.argpartition(gen.random((t, n)), k - 1, axis=1)[:, :k]
    b = np.argpartition(gen.random((t, n)), k - 1, axis=1)[:, :k]
    in_a = np.zeros((t, n), dtype=bool)
    np.put_along_axis(in_a, a, True, axis=1)
    return np.take_along_axis(in_a, b, axis=1).sum(axis=1)


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
PROBLEM_KINDS = ("host", "tail", "trust", "order", "blast", "replicas", "shard")


def _wrap(text: str) -> str:
    """Each line of ``text`` filled to 68 characters, so that a printed problem fits a phone's column."""
    return "\n".join(textwrap.fill(line, 68, subsequent_indent=" " * (len(line) - len(line.lstrip())))
                     for line in text.split("\n"))


def _plural(n: float, word: str) -> str:
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """Pose a random question on the chapter's three models, with every parameter in its statement.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, optional
        The same seed poses the same question.
    kind : {"host", "tail", "trust", "order", "blast", "replicas", "shard"}, optional
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
    >>> pose_problem(3, kind="shard").kind
    'shard'
    """
    gen = make_rng(rng)
    kind = str(gen.choice(PROBLEM_KINDS)) if kind is None else check_choice("kind", kind, PROBLEM_KINDS)
    if kind == "host":
        s = float(gen.choice([20.0, 50.0, 100.0]))
        g = float(gen.choice([0.3, 0.4, 0.5, 0.6]))
        io = float(gen.choice([0.1, 0.2, 0.3]))
        statement = (f"A guest's requests arrive as a Poisson stream and need exponential CPU time with a mean "
                     f"of {s:g} µs; they keep {g:.0%} of one core busy. On the classic host, I/O work keeps "
                     f"another {io:.0%} of that core busy and preempts the guest: packets of 5 µs (half of "
                     f"the I/O load), block I/O completions of 25 µs (30%) and management work of 250 µs "
                     f"(20%), each a Poisson stream.\n"
                     "What is the guest's mean latency (time in system), in µs?")
        return Problem("host", _wrap(statement), {"guest_service_us": s, "guest_load": g, "io_load": io})
    if kind == "tail":
        s = float(gen.choice([20.0, 50.0, 100.0]))
        g = float(gen.choice([0.3, 0.5, 0.6, 0.8]))
        q = float(gen.choice([99.0, 99.9]))
        statement = (f"The host's I/O work runs on an offload card, so a guest's core serves only the guest. "
                     f"Its requests arrive as a Poisson stream, need exponential CPU time with a mean of "
                     f"{s:g} µs, and keep {g:.0%} of the core busy.\n"
                     f"What is the p{q:g} of the guest's latency, in µs?")
        return Problem("tail", _wrap(statement), {"guest_service_us": s, "guest_load": g, "percentile": q})
    if kind == "replicas":
        a = float(gen.choice([0.99, 0.995, 0.999]))
        n, k = [(2, 1), (3, 2), (3, 1), (5, 3)][int(gen.integers(4))]
        statement = (f"Each storage node is up {a:.1%} of the time, independently. Every volume is kept on "
                     f"{n} different nodes and is available while at least {_plural(k, 'copy').replace('copys', 'copies')} "
                     f"{'is' if k == 1 else 'are'} up.\n"
                     "Of a million volumes, how many do you expect to be unavailable at a random instant?")
        return Problem("replicas", _wrap(statement), {"availability": a, "replicas": n, "needed": k})
    if kind == "trust":
        n = int(gen.integers(4, 9))
        i = int(gen.integers(1, n + 1))
        statement = (f"A measured boot has {n} stages; each is measured into the register before it runs, and "
                     f"the register is recorded after every stage. An attacker changes one byte of stage "
                     f"{i} (counting from 1).\n"
                     f"How many of the {n} recorded register values differ from a clean boot's?")
        return Problem("trust", _wrap(statement), {"n_stages": n, "tampered_stage": i})
    if kind == "order":
        n = int(gen.integers(3, 7))
        statement = (f"A boot chain has {n} different stages. An attacker who cannot change any stage may "
                     f"still load them in any order.\n"
                     "How many different final register values can the orderings produce?")
        return Problem("order", _wrap(statement), {"n_stages": n})
    if kind == "blast":
        d = int(gen.choice([4, 8, 16, 48, 96]))
        m = int(gen.choice([2, 4, 8]))
        c = int(gen.choice([100, 200, 500]))
        statement = (f"{c} customers each have {_plural(m, 'volume')}; every volume is stored once, on one of "
                     f"{d} storage servers chosen at random.\n"
                     "One server fails. How many customers do you expect it to touch?")
        return Problem("blast", _wrap(statement), {"n_customers": c, "volumes_per_customer": m, "n_domains": d})
    n = int(gen.choice([8, 10, 12, 16, 20]))
    k = int(gen.choice([2, 3, 4]))
    statement = (f"A service has {n} nodes, and each customer is given a random shuffle shard of {k} of them.\n"
                 "What is the probability that two customers get exactly the same shard?")
    return Problem("shard", _wrap(statement), {"n_nodes": n, "shard_size": k})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Parameters
    ----------
    problem : common.Problem

    Returns
    -------
    common.Solution

    Raises
    ------
    TypeError
        If ``problem`` is not a Problem from :func:`pose_problem`.

    Examples
    --------
    >>> solve(pose_problem(1, kind="shard")).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in PROBLEM_KINDS:
        raise TypeError(f'"problem" must be a Problem from nitro.pose_problem, got {problem!r}')
    p = problem.params
    if problem.kind == "host":
        s, g, io = p["guest_service_us"], p["guest_load"], p["io_load"]
        sc = HostScenario(guest_service_us=s)
        _, _, rates, s_io, residual = _rates(sc, g, io)
        value = mean_latency_us("shared", guest_load=g, io_load=io, guest_service_us=s)
        lines = [f"I/O rates per µs: {', '.join(f'{x:.4g}' for x in rates)} (load x share / service time)",
                 f"R = (lambda_G E[S_G^2] + sum lambda_i s_i^2) / 2 = {residual:.4g} µs",
                 f"E[T] = E[S_G]/(1 - rho_H) + R/((1 - rho_H)(1 - rho_H - rho_G))",
                 f"     = {s:g}/{1 - io:.2g} + {residual:.4g}/({1 - io:.2g} x {1 - io - g:.2g})",
                 f"     = {value:.4g} µs",
                 f"(offloaded: E[S_G]/(1 - rho_G) = {s / (1 - g):.4g} µs)"]
        return Solution(problem, value, _wrap("\n".join(lines)))
    if problem.kind == "tail":
        s, g, q = p["guest_service_us"], p["guest_load"], p["percentile"]
        value = offload_latency_percentile_us(q, guest_load=g, guest_service_us=s)
        lines = [f"M/M/1: latency ~ Exponential with mean E[S]/(1 - rho) = {s:g}/{1 - g:.2g} = {s / (1 - g):.4g} µs",
                 f"p{q:g} = -ln(1 - {q / 100:g}) x {s / (1 - g):.4g} = {value:.4g} µs"]
        return Solution(problem, value, _wrap("\n".join(lines)))
    if problem.kind == "replicas":
        a, n, k = p["availability"], p["replicas"], p["needed"]
        up = k_of_n_availability(k, n, a)
        value = expected_unavailable_volumes(1_000_000, a, replicas=n, needed=k)
        lines = [f"P(available) = sum over i >= {k} of C({n}, i) a^i (1 - a)^({n} - i) = {up:.12f}",
                 f"expected unavailable = 1,000,000 x (1 - P(available)) = {value:.4g}"]
        return Solution(problem, value, _wrap("\n".join(lines)))
    if problem.kind == "trust":
        n, i = p["n_stages"], p["tampered_stage"]
        value = float(n - i + 1)
        return Solution(problem, value, _wrap(f"Registers after stages {i}..{n} all differ (each folds in the one "
                                        f"before): {n} - {i} + 1 = {value:g}."))
    if problem.kind == "order":
        n = p["n_stages"]
        value = float(math.factorial(n))
        return Solution(problem, value, _wrap(f"Extension is order-sensitive: every one of the {n}! orderings gives its "
                                        f"own final value (a collision in SHA-384 is not expected): {n}! = "
                                        f"{value:g}."))
    if problem.kind == "blast":
        c, m, d = p["n_customers"], p["volumes_per_customer"], p["n_domains"]
        value = expected_customers_touched(c, m, d)
        return Solution(problem, value, _wrap(f"P(a customer is missed) = (1 - 1/{d})^{m} = {(1 - 1 / d) ** m:.4g}\n"
                                        f"expected touched = {c} x (1 - {(1 - 1 / d) ** m:.4g}) = {value:.4g}"))
    n, k = p["n_nodes"], p["shard_size"]
    count = shuffle_shard_count(n, k)
    value = 1.0 / count
    return Solution(problem, value, _wrap(f"C({n}, {k}) = {count} shards, all equally likely: 1/{count} = {value:.4g}"))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.nitro [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.nitro",
                   "Practice problems on I/O offload, measured boot and blast radius (chapter Nitro).",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
