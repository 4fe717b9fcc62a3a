"""ECMP hashing and a packet-level model of TCP vs SRD over a multipath fabric.

The chapter "SRD: a transport built for the datacenter" (``chapters/srd.md``) explains the ideas;
the labs ``srd_ecmp``, ``srd_spraying`` and ``srd_teal_line`` drive this module.

Two parts:

* **ECMP collisions** (exact closed forms and a vectorised Monte Carlo): ``n`` flows hashed
  uniformly onto ``m`` equal-cost paths. :func:`ecmp_no_collision_probability`,
  :func:`expected_paths_used`, :func:`simulate_ecmp`.
* **Transports** (:func:`simulate_transfers`): messages (16 KiB by default) cross a fabric of
  ``n_paths`` parallel paths. Each path is a FIFO link with a rate (serialisation delay per packet)
  and a propagation delay; every packet first crosses the sender's NIC (another FIFO link).
  Some paths carry an elephant flow ("hot" paths): it keeps a standing queue in the switch that
  grows in a sawtooth from 0 to ``hot_path_queue_us`` and leaves us only ``hot_path_rate_share``
  of the link rate. Data packets are lost i.i.d. with ``loss_probability``; a failed path drops
  every data packet that reaches it during its failure window. ACKs are small, travel an
  uncongested reverse path and are never lost (a simplification the chapter states).

  - ``"tcp"``: messages are spread round-robin over ``n_connections`` connections; each
    connection is pinned by its ECMP hash to one path (paths are numbered so that connection 0
    hashes onto path 0). In-order delivery, cumulative ACKs, a fixed window of
    ``tcp_window_packets``, fast retransmit after ``tcp_dupack_threshold`` duplicate ACKs
    (NewReno-style partial-ACK recovery), and RTO = max(``tcp_rto_min_us``, srtt + 4 rttvar)
    with exponential backoff (RFC 6298; Linux's floor is 200 ms). The connections are already
    open: the handshake gave the first RTT sample. A connection stays on its path; only after
    ``tcp_rehash_after_timeouts`` consecutive timeouts does it rehash onto another path
    (0 = never; the default 3 mimics a stack that changes its flow label after repeated RTOs).
  - ``"srd"``: one SRD context sprays every packet over ``n_spray_paths`` paths. With
    ``congestion_aware`` it picks the path with the smallest estimated delay (EWMA of that path's
    RTT samples plus its packets in flight) and avoids paths with a recent timeout; otherwise
    round-robin; at most ``srd_path_window_packets`` packets are in flight on any one path.
    Per-packet ACKs; a packet not acknowledged within ``srd_retransmit_timeout_us``
    is resent on a different path (each further retransmission of the same packet waits twice as
    long, so an overloaded path cannot start a retransmission storm). The receiver accepts packets
    in any order and reassembles each message; the message is delivered ``srd_processing_us``
    after its last packet arrives. Each ingredient can be switched off: ``spray=False`` pins each
    of ``n_connections`` flows to one hashed path exactly as TCP's connections are pinned,
    ``congestion_aware=False`` sprays blindly, ``fast_retransmit=False`` uses TCP's RTO rule.

Every message carries real random bytes; the receiver reassembles them from the packets it got,
and the result records CRC32 checksums sent and received, so tests can prove that each message
arrived exactly once and intact. :func:`simulate_transfers_simpy` is the same model written
straightforwardly with SimPy processes and resources: tests compare the two statistically and
``benchmarks/bench_srd.py`` compares their speed.
"""
from __future__ import annotations

import heapq
import math
import textwrap
import zlib
from collections import deque
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

import numpy as np

from .common import (
    LatencySummary,
    Problem,
    Solution,
    check_array,
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_nonnegative,
    check_percentiles,
    check_positive,
    check_probability,
    make_rng,
    run_cli,
    run_sweep,
    summarize,
)

__all__ = [
    "PROTOCOLS",
    "Scenario",
    "make_scenario",
    "ecmp_no_collision_probability",
    "expected_paths_used",
    "EcmpResult",
    "simulate_ecmp",
    "TransferResult",
    "simulate_transfers",
    "simulate_transfers_simpy",
    "LoadSweep",
    "load_sweep",
    "percentile_ratio",
    "ThroughputResult",
    "single_flow_throughput",
    "tcp_rto_us",
    "pose_problem",
    "solve",
    "main",
]

#: The transports :func:`simulate_transfers` knows.
PROTOCOLS: tuple[str, ...] = ("tcp", "srd")
class EventBudgetExceeded(RuntimeError, ValueError):
    """A transfer simulation hit its event bound (a loss probability too close to 1 for the run).

    A ValueError, because the inputs are what is out of range, and a RuntimeError, as it always was.
    """


#: Most equal-cost paths the ECMP closed forms accept (paths are counted exactly in a float up to 2**53).
MAX_ECMP_PATHS = 2**53
#: Most array cells one ECMP simulation may allocate: trials x flows draws, and trials x paths counts.
MAX_ECMP_CELLS = 10**7
_DIRECT_SUM_FLOWS = 1 << 20  # up to here the no-collision product is summed term by term (8 MB)


def _log1p_neg_plus(x: float) -> float:
    """-(log1p(-x) + x) = x^2/2 + x^3/3 + ..., accurate for 0 <= x <= 0.01 (no cancellation)."""
    total, term, j = 0.0, x, 1
    while True:
        j += 1
        term *= x
        add = term / j
        total += add
        if add <= 1e-17 * total or j > 60:
            return total


def _stirling_tail(z: float) -> float:
    """ln Gamma(z + 1) - [(z + 1/2) ln z - z + ln(2 pi)/2], for z >= 1000 (error < 1e-22)."""
    return 1.0 / (12.0 * z) - 1.0 / (360.0 * z**3) + 1.0 / (1260.0 * z**5)


# ----------------------------------------------------------------------------------------------
# ECMP: n flows hashed onto m paths
# ----------------------------------------------------------------------------------------------
def ecmp_no_collision_probability(n_flows: int, n_paths: int) -> float:
    """Probability that ``n_flows`` flows hashed uniformly onto ``n_paths`` paths all get distinct paths.

    Exactly ``m! / ((m - n)! m^n)`` (the birthday problem), in log space so that large ``n`` and ``m``
    neither overflow nor lose precision: up to 2**20 flows the sum of ``log1p(-i/m)`` term by term;
    beyond, the closed form ``ln P = m g(n/m) + (n - 1/2) ln(1 - n/m) + s(m) - s(m - n)`` from Stirling's
    series (``g(x) = -(ln(1 - x) + x)`` summed as a series, ``s`` the series' tail), in constant time and
    memory, or exactly 0.0 when the bound ``exp(-n (n-1) / (2m))`` is below the smallest float.

    Parameters
    ----------
    n_flows : int
        Number of flows ``n`` (>= 0).
    n_paths : int
        Number of equal-cost paths ``m`` (1 .. 2**53).

    Returns
    -------
    float
        ``P(no two flows share a path)``; 1 for ``n <= 1``, 0 for ``n > m``.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_flows < 0`` or ``n_paths < 1``.

    Examples
    --------
    >>> round(ecmp_no_collision_probability(2, 4), 4)
    0.75
    >>> ecmp_no_collision_probability(5, 4)
    0.0
    """
    n = check_int("n_flows", n_flows, minimum=0)
    m = check_int("n_paths", n_paths, minimum=1, maximum=MAX_ECMP_PATHS)
    if n > m:
        return 0.0
    if n <= 1:
        return 1.0
    if n <= _DIRECT_SUM_FLOWS:  # log prod_{i=0}^{n-1} (m - i)/m = sum log1p(-i/m)
        i = np.arange(n, dtype=float)
        return float(np.exp(np.sum(np.log1p(-i / m))))
    if n * (n - 1) > 2 * 746 * m:  # P <= exp(-n(n-1)/(2m)) < 5e-324: exactly 0 in floating point
        return 0.0
    # Here n > 2**20 and n^2 < 1492 m, so x = n/m < 1.5e-3 and k = m - n > 7e8: Stirling is exact to
    # double precision. ln P = ln m! - ln k! - n ln m = m g(x) ... written without cancellation:
    x = n / m
    k = m - n
    log_p = m * _log1p_neg_plus(x) + (n - 0.5) * math.log1p(-x)
    log_p += _stirling_tail(float(m)) - _stirling_tail(float(k))
    return float(math.exp(log_p))


def expected_paths_used(n_flows: int, n_paths: int) -> float:
    """Expected number of distinct paths carrying at least one of ``n_flows`` uniformly hashed flows.

    Exactly ``m (1 - (1 - 1/m)^n)``; the expected fraction of paths used tends to ``1 - 1/e``
    when ``n = m`` grows.

    Parameters
    ----------
    n_flows : int
        Number of flows ``n`` (>= 0; any size).
    n_paths : int
        Number of equal-cost paths ``m`` (1 .. 2**53).

    Returns
    -------
    float
        Expected number of paths used (between 0 and ``min(n, m)``).

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_flows < 0`` or ``n_paths < 1``.

    Examples
    --------
    >>> round(expected_paths_used(2, 4), 12)
    1.75
    """
    n = check_int("n_flows", n_flows, minimum=0)
    m = check_int("n_paths", n_paths, minimum=1, maximum=MAX_ECMP_PATHS)
    if m == 1:
        return 1.0 if n > 0 else 0.0
    log_keep = float(np.log1p(-1.0 / m))
    if n < 2**53:
        exponent = n * log_keep
    else:  # n too large for a float product: exact rational product, -inf when beyond the float range
        try:
            exponent = float(Fraction(n) * Fraction(log_keep))
        except OverflowError:
            exponent = -math.inf
    return float(m * -np.expm1(exponent))


@dataclass(frozen=True)
class EcmpResult:
    """Monte Carlo of ECMP hashing: ``n_trials`` independent hashings of ``n_flows`` onto ``n_paths``.

    Attributes
    ----------
    n_flows, n_paths, n_trials : int
        The parameters that produced the result.
    flows_per_path : numpy.ndarray of int, shape (n_trials, n_paths)
        How many flows each path got in each trial.
    no_collision : numpy.ndarray of bool, shape (n_trials,)
        Whether every flow got its own path.
    paths_used : numpy.ndarray of int, shape (n_trials,)
        Distinct paths carrying at least one flow.
    flow_rate_fraction : numpy.ndarray of float, shape (n_trials,)
        Mean, over flows, of the fraction of one path's rate a flow gets when flows sharing a path
        share it equally (``1/k`` on a path with ``k`` flows).
    """

    n_flows: int
    n_paths: int
    n_trials: int
    flows_per_path: np.ndarray = field(repr=False)
    no_collision: np.ndarray = field(repr=False)
    paths_used: np.ndarray = field(repr=False)
    flow_rate_fraction: np.ndarray = field(repr=False)

    @property
    def no_collision_fraction(self) -> float:
        """Fraction of trials with no collision (estimates :func:`ecmp_no_collision_probability`)."""
        return float(self.no_collision.mean())

    @property
    def mean_paths_used(self) -> float:
        """Mean number of paths used (estimates :func:`expected_paths_used`)."""
        return float(self.paths_used.mean())


def simulate_ecmp(n_flows: int, n_paths: int, *, n_trials: int = 10_000, rng: Any = None) -> EcmpResult:
    """Hash ``n_flows`` flows uniformly onto ``n_paths`` paths, ``n_trials`` times (vectorised).

    Parameters
    ----------
    n_flows : int
        Flows per trial (>= 1).
    n_paths : int
        Equal-cost paths (>= 1).
    n_trials : int, default=10_000
        Independent trials (``n_trials * n_flows <= 10**7`` draws and ``n_trials * n_paths <= 10**7``
        per-path counts, so one call allocates at most about 160 MB).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.

    Returns
    -------
    EcmpResult

    Raises
    ------
    TypeError, ValueError
        If a count is not a positive integer, or ``n_flows * n_trials`` or ``n_paths * n_trials``
        exceeds 10**7.

    Examples
    --------
    >>> r = simulate_ecmp(2, 4, n_trials=20_000, rng=1)
    >>> abs(r.no_collision_fraction - 0.75) < 0.02
    True
    """
    n = check_int("n_flows", n_flows, minimum=1)
    m = check_int("n_paths", n_paths, minimum=1)
    t = check_int("n_trials", n_trials, minimum=1)
    if n * t > MAX_ECMP_CELLS:
        raise ValueError(f'"n_trials" * "n_flows" must be <= 10**7, got {t} * {n}')
    if m * t > MAX_ECMP_CELLS:  # the (n_trials, n_paths) count matrix is part of the result
        raise ValueError(f'"n_trials" * "n_paths" must be <= 10**7, got {t} * {m}')
    rng = make_rng(rng)
    choice = rng.integers(0, m, size=(t, n))
    counts = np.zeros((t, m), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(t), n), choice.ravel()), 1)
    used = np.count_nonzero(counts, axis=1)
    return EcmpResult(
        n_flows=n, n_paths=m, n_trials=t, flows_per_path=counts,
        no_collision=(used == n), paths_used=used,
        flow_rate_fraction=used / n,  # sum over flows of 1/k_path = number of used paths
    )


# ----------------------------------------------------------------------------------------------
# The transport scenario
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """Every knob of the transport model, with units; defaults are the labs' baseline.

    Attributes
    ----------
    message_size_bytes : int, default=16384
        Size of each message (one 16 KiB I/O).
    mtu_bytes : int, default=4096
        Payload bytes per packet; a message is cut into ``ceil(size / mtu)`` packets.
    link_rate_gbps : float, default=5.0
        Rate one path offers one sender, in Gbit/s.
    nic_rate_gbps : float, default=25.0
        Rate of the sender's NIC, in Gbit/s (every packet crosses it first).
    base_rtt_us : float, default=50.0
        Propagation round-trip time, in microseconds (one way is half).
    offered_load : float, default=0.2
        Poisson message arrivals at this fraction of the NIC rate, in [1e-6, 1).
    n_connections : int, default=8
        TCP connections (flows) the messages are spread over; SRD uses it only with ``spray=False``.
    tcp_window_packets : int, default=16
        Packets a TCP connection may have unacknowledged.
    tcp_rto_min_us : float, default=200_000
        Floor of TCP's retransmission timeout (Linux: 200 ms).
    tcp_rto_max_us : float, default=120_000_000
        Ceiling of the backed-off RTO (Linux: 120 s).
    tcp_dupack_threshold : int, default=3
        Duplicate ACKs that trigger a fast retransmit.
    tcp_rehash_after_timeouts : int, default=3
        Consecutive RTOs after which a TCP connection moves to another path (0 = never).
    n_hot_paths : int, default=2
        Paths that carry an elephant flow, chosen at random.
    hot_path_rate_share : float, default=0.5
        Fraction of a hot path's rate left to us, in (0, 1].
    hot_path_queue_us : float, default=500.0
        Peak of the elephant's standing queue (a sawtooth from 0), in microseconds.
    hot_path_period_us : float, default=2000.0
        Period of that sawtooth, in microseconds.
    failed_path : int or None, default=None
        Path that fails (None: no failure).
    failure_start_us : float, default=0.0
        When the failure starts, in microseconds after the first message.
    failure_duration_us : float, default=0.0
        How long it lasts, in microseconds.
    n_spray_paths : int or None, default=None
        Paths SRD sprays over (None: all ``n_paths``).
    srd_window_packets : int, default=64
        Packets SRD may have unacknowledged (per flow).
    srd_path_window_packets : int, default=16
        Packets SRD may have in flight on any one path (its per-path congestion window, kept
        fixed here): a path that is full is skipped, so SRD never builds a long queue itself.
    srd_retransmit_timeout_us : float, default=300.0
        SRD's retransmission timeout, in microseconds (doubled for each further retransmission
        of the same packet).
    srd_processing_us : float, default=15.0
        Extra time, per message, for SRD's offload processing and reassembly, in microseconds
        (a modelling assumption: AWS says only that the median can be slightly higher).
    spray : bool, default=True
        SRD sprays packets over many paths (False: message ``i`` rides the hashed path of flow
        ``i % n_connections``, as with TCP).
    congestion_aware : bool, default=True
        SRD steers to the path with the smallest estimated delay and avoids recently lossy paths.
    fast_retransmit : bool, default=True
        SRD retransmits after ``srd_retransmit_timeout_us`` (False: TCP's RTO rule).

    Notes
    -----
    Bounds (enforced on construction): ``offered_load`` lies in [1e-6, 1); every time in µs and every rate in Gbit/s lies in
    [1e-6, 1e12] (times that may be 0 in [0, 1e12]); every count is at most 2**20, ``message_size_bytes`` at
    most 2**26 (64 MiB) and ``mtu_bytes`` at most 65,536, with at most 65,536 packets per message. Beyond
    these the simulation's arithmetic would leave the float range, or its event count the machine.

    Examples
    --------
    >>> Scenario(offered_load=0.4).packets_per_message  # 16 KiB in 4 KiB packets
    4
    """

    message_size_bytes: int = 16384
    mtu_bytes: int = 4096
    link_rate_gbps: float = 5.0
    nic_rate_gbps: float = 25.0
    base_rtt_us: float = 50.0
    offered_load: float = 0.2
    n_connections: int = 8
    tcp_window_packets: int = 16
    tcp_rto_min_us: float = 200_000.0
    tcp_rto_max_us: float = 120_000_000.0
    tcp_dupack_threshold: int = 3
    tcp_rehash_after_timeouts: int = 3
    n_hot_paths: int = 2
    hot_path_rate_share: float = 0.5
    hot_path_queue_us: float = 500.0
    hot_path_period_us: float = 2000.0
    failed_path: int | None = None
    failure_start_us: float = 0.0
    failure_duration_us: float = 0.0
    n_spray_paths: int | None = None
    srd_window_packets: int = 64
    srd_path_window_packets: int = 16
    srd_retransmit_timeout_us: float = 300.0
    srd_processing_us: float = 15.0
    spray: bool = True
    congestion_aware: bool = True
    fast_retransmit: bool = True

    def __post_init__(self) -> None:
        checked = _check_fields({f.name: getattr(self, f.name) for f in fields(self)})
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @property
    def packets_per_message(self) -> int:
        """``ceil(message_size_bytes / mtu_bytes)``."""
        return -(-self.message_size_bytes // self.mtu_bytes)


_SCENARIO_FIELDS = {f.name for f in fields(Scenario)}
_INT_FIELDS = {"message_size_bytes": 1, "mtu_bytes": 1, "n_connections": 1, "tcp_window_packets": 1,
               "tcp_dupack_threshold": 1, "tcp_rehash_after_timeouts": 0, "n_hot_paths": 0,
               "srd_window_packets": 1, "srd_path_window_packets": 1}
#: Upper bounds of the scenario's counts (see Scenario's Notes), and of its times and rates.
_INT_MAX = {"message_size_bytes": 2**26, "mtu_bytes": 65_536}
_COUNT_MAX = 2**20
_PACKETS_MAX = 65_536
_FLOAT_RANGE = (1e-6, 1e12)
_POS_FIELDS = ("link_rate_gbps", "nic_rate_gbps", "base_rtt_us", "tcp_rto_min_us", "tcp_rto_max_us",
               "hot_path_period_us", "srd_retransmit_timeout_us")
_NONNEG_FIELDS = ("hot_path_queue_us", "failure_start_us", "failure_duration_us", "srd_processing_us")
_BOOL_FIELDS = ("spray", "congestion_aware", "fast_retransmit")


def _check_fields(values: dict) -> dict:
    """Validate and normalise Scenario fields that do not depend on the number of paths."""
    for name, low in _INT_FIELDS.items():
        if name in values:
            values[name] = check_int(name, values[name], minimum=low, maximum=_INT_MAX.get(name, _COUNT_MAX))
    low, high = _FLOAT_RANGE
    for name in _POS_FIELDS + _NONNEG_FIELDS:
        if name in values:
            value = (check_positive if name in _POS_FIELDS else check_nonnegative)(name, values[name])
            if value > high or (name in _POS_FIELDS and value < low):
                interval = f"[{low:g}, {high:g}]" if name in _POS_FIELDS else f"[0, {high:g}]"
                raise ValueError(f'"{name}" must lie in {interval}, got {value!r}')
            values[name] = value
    if "message_size_bytes" in values and "mtu_bytes" in values:
        packets = -(-values["message_size_bytes"] // values["mtu_bytes"])
        if packets > _PACKETS_MAX:
            raise ValueError(f'"message_size_bytes" / "mtu_bytes" must be at most {_PACKETS_MAX} packets per '
                             f'message, got {packets}')
    for name in _BOOL_FIELDS:
        if name in values:
            values[name] = check_bool(name, values[name])
    if "offered_load" in values:
        load = check_positive("offered_load", values["offered_load"])
        if load >= 1:
            raise ValueError(f'"offered_load" must be in (0, 1), got {load!r}')
        if load < _FLOAT_RANGE[0]:  # gaps between messages of 1/load message times would leave the float range
            raise ValueError(f'"offered_load" must be >= {_FLOAT_RANGE[0]:g}, got {load!r}')
        values["offered_load"] = load
    if "hot_path_rate_share" in values:
        share = check_positive("hot_path_rate_share", values["hot_path_rate_share"])
        if share > 1:
            raise ValueError(f'"hot_path_rate_share" must be in (0, 1], got {share!r}')
        values["hot_path_rate_share"] = share
    if values.get("failed_path") is not None:
        values["failed_path"] = check_int("failed_path", values["failed_path"], minimum=0)
    if values.get("n_spray_paths") is not None:
        values["n_spray_paths"] = check_int("n_spray_paths", values["n_spray_paths"], minimum=1)
    return values


def make_scenario(n_paths: int, **scenario: Any) -> Scenario:
    """Build and validate a :class:`Scenario` for a fabric of ``n_paths`` paths.

    Parameters
    ----------
    n_paths : int
        Number of equal-cost paths (>= 1); bounds ``failed_path``, ``n_hot_paths`` and ``n_spray_paths``.
    **scenario
        Any :class:`Scenario` attribute by name.

    Returns
    -------
    Scenario

    Raises
    ------
    TypeError
        If a key is not a :class:`Scenario` attribute (the message names it), or a value has the
        wrong type.
    ValueError
        If a value is out of range (the message names the parameter and the value).

    Examples
    --------
    >>> make_scenario(8, mtu_bytes=8192).packets_per_message
    2
    """
    m = check_int("n_paths", n_paths, minimum=1, maximum=4096)
    unknown = sorted(set(scenario) - _SCENARIO_FIELDS)
    if unknown:
        raise TypeError(f'unknown scenario parameter {unknown[0]!r}; known: {", ".join(sorted(_SCENARIO_FIELDS))}')
    values = dict(scenario)
    if values.get("failed_path") is not None:
        values["failed_path"] = check_int("failed_path", values["failed_path"], minimum=0, maximum=m - 1)
    if values.get("n_spray_paths") is not None:
        values["n_spray_paths"] = check_int("n_spray_paths", values["n_spray_paths"], minimum=1, maximum=m)
    if "n_hot_paths" in values and values["n_hot_paths"] > m:
        raise ValueError(f'"n_hot_paths" must be <= n_paths ({m}), got {values["n_hot_paths"]!r}')
    sc = Scenario(**values)
    if sc.n_hot_paths > m:
        raise ValueError(f'"n_hot_paths" must be <= n_paths ({m}), got {sc.n_hot_paths!r}')
    if sc.tcp_rto_max_us < sc.tcp_rto_min_us:
        raise ValueError(f'"tcp_rto_max_us" must be >= tcp_rto_min_us ({sc.tcp_rto_min_us}), got {sc.tcp_rto_max_us!r}')
    return sc


# ----------------------------------------------------------------------------------------------
# The result of a run
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TransferResult:
    """What one run of :func:`simulate_transfers` measured, with the parameters that produced it.

    Attributes
    ----------
    protocol : str
        ``"tcp"`` or ``"srd"``.
    n_messages, n_paths : int
        Messages sent and paths in the fabric.
    loss_probability : float
        Per-packet i.i.d. loss probability.
    scenario : Scenario
        Every other parameter.
    engine : str
        ``"heapq"`` (:func:`simulate_transfers`) or ``"simpy"`` (:func:`simulate_transfers_simpy`).
    issue_times_us : numpy.ndarray, shape (n_messages,)
        When each message was handed to the transport, in microseconds.
    completion_times_us : numpy.ndarray, shape (n_messages,)
        Delivery to the receiving application minus issue time, in microseconds.
    sent_checksums, received_checksums : numpy.ndarray of uint32, shape (n_messages,)
        CRC32 of each message's bytes as sent and as reassembled by the receiver.
    deliveries_per_message : numpy.ndarray of int, shape (n_messages,)
        Times each message was delivered to the application (must be 1).
    packet_delivered_counts : numpy.ndarray of int, shape (n_messages, packets_per_message)
        Times the transport handed each packet's payload up (must be 1).
    packets_per_path : numpy.ndarray of int, shape (n_paths,)
        Data transmissions (including retransmissions) per path.
    hot_paths : tuple of int
        The paths that carried an elephant flow.
    connection_paths : tuple of int
        Final path of each TCP connection (empty for SRD).
    n_transmissions, n_retransmissions, n_timeouts, n_fast_retransmits : int
        Data packets put on the wire, of which retransmissions; timer expiries that caused a
        retransmission; TCP fast retransmits.
    n_lost, n_duplicates : int
        Data packets dropped by the network; packets that reached the receiver twice.
    n_events : int
        Events the simulation processed.
    """

    protocol: str
    n_messages: int
    n_paths: int
    loss_probability: float
    scenario: Scenario
    engine: str
    issue_times_us: np.ndarray = field(repr=False)
    completion_times_us: np.ndarray = field(repr=False)
    sent_checksums: np.ndarray = field(repr=False)
    received_checksums: np.ndarray = field(repr=False)
    deliveries_per_message: np.ndarray = field(repr=False)
    packet_delivered_counts: np.ndarray = field(repr=False)
    packets_per_path: np.ndarray = field(repr=False)
    hot_paths: tuple = ()
    connection_paths: tuple = ()
    n_transmissions: int = 0
    n_retransmissions: int = 0
    n_timeouts: int = 0
    n_fast_retransmits: int = 0
    n_lost: int = 0
    n_duplicates: int = 0
    n_events: int = 0

    @property
    def all_delivered_intact(self) -> bool:
        """True if every message was delivered exactly once, every packet handed up once, bytes intact."""
        return bool(np.all(self.deliveries_per_message == 1)
                    and np.all(self.packet_delivered_counts == 1)
                    and np.array_equal(self.sent_checksums, self.received_checksums))

    def summary(self) -> LatencySummary:
        """Mean and p50/p90/p99/p99.9 of the completion times, in microseconds."""
        return summarize(self.completion_times_us, unit="us")


# ----------------------------------------------------------------------------------------------
# Protocol endpoints (shared by both engines; they only see `now` and the engine's methods)
# ----------------------------------------------------------------------------------------------
class _Shared:
    """State every endpoint reads: parameters, payload, records."""

    def __init__(self, protocol, n_messages, n_paths, loss, sc: Scenario, rng, issue_times):
        self.protocol = protocol
        self.n_messages = n_messages
        self.n_paths = n_paths
        self.loss = loss
        self.sc = sc
        self.rng = rng
        self.ppm = sc.packets_per_message
        size = sc.message_size_bytes
        words = -(-size * n_messages // 8)
        raw = rng.integers(0, np.iinfo(np.uint64).max, size=words, dtype=np.uint64, endpoint=True)
        self.payload = memoryview(raw.view(np.uint8)[:size * n_messages])  # random message bytes
        self.issue = issue_times
        self.sent_crc = np.array([zlib.crc32(self.payload[i * size:(i + 1) * size]) for i in range(n_messages)],
                                 dtype=np.uint32)
        self.recv_crc = np.zeros(n_messages, dtype=np.uint32)
        self.delivered_at = np.full(n_messages, np.nan)
        self.deliveries = np.zeros(n_messages, dtype=np.int64)
        self.pkt_delivered = np.zeros((n_messages, self.ppm), dtype=np.int64)
        self.per_path = np.zeros(n_paths, dtype=np.int64)
        self.n_tx = self.n_retx = self.n_timeouts = self.n_fast = self.n_lost = self.n_dup = 0
        # packet geometry
        self.pkt_len = [min(sc.mtu_bytes, size - k * sc.mtu_bytes) for k in range(self.ppm)]
        self.one_way = sc.base_rtt_us / 2.0
        # random draws in blocks (loss decisions)
        self._u = rng.random(4096)
        self._ui = 0

    def uniform(self) -> float:
        if self._ui >= self._u.size:
            self._u = self.rng.random(4096)
            self._ui = 0
        self._ui += 1
        return self._u[self._ui - 1]

    def slice(self, msg: int, part: int) -> memoryview:
        start = msg * self.sc.message_size_bytes + part * self.sc.mtu_bytes
        return self.payload[start:start + self.pkt_len[part]]

    def deliver_message(self, now: float, msg: int, data) -> None:
        self.deliveries[msg] += 1
        if self.deliveries[msg] == 1:
            self.recv_crc[msg] = zlib.crc32(data)
            self.delivered_at[msg] = now


class _TcpConn:
    __slots__ = ("cid", "path", "pkts", "snd_una", "snd_nxt", "dupacks", "recover", "in_recovery",
                 "srtt", "rttvar", "rto", "backoff", "deadline", "pending", "tx_time", "consecutive_timeouts",
                 "rcv_next", "ooo", "app_msgs", "app_buf")

    def __init__(self, cid, path, sc):
        self.cid = cid
        self.path = path
        self.pkts = []              # seq -> (msg, part)
        self.snd_una = 0
        self.snd_nxt = 0
        self.dupacks = 0
        self.recover = -1
        self.in_recovery = False
        self.srtt = sc.base_rtt_us  # the handshake gave the first RTT sample
        self.rttvar = sc.base_rtt_us / 2.0
        self.rto = min(max(sc.tcp_rto_min_us, self.srtt + 4 * self.rttvar), sc.tcp_rto_max_us)
        self.backoff = 1
        self.deadline = None
        self.pending = None
        self.tx_time = []           # seq -> time of first transmission, or -1 once retransmitted (Karn)
        self.consecutive_timeouts = 0
        self.rcv_next = 0           # receiver side
        self.ooo = {}
        self.app_msgs = deque()     # messages in this connection's order, for the application's framing
        self.app_buf = bytearray()


class _Tcp:
    """TCP senders and receivers, one per connection."""

    def __init__(self, sh: _Shared, engine):
        self.sh = sh
        self.eng = engine
        sc = sh.sc
        paths = [0] + [int(p) for p in sh.rng.integers(0, sh.n_paths, size=sc.n_connections - 1)]
        self.conns = [_TcpConn(c, paths[c], sc) for c in range(sc.n_connections)]
        self.window = sc.tcp_window_packets

    # sender --------------------------------------------------------------------------------
    def on_message(self, now, msg):
        conn = self.conns[msg % len(self.conns)]
        conn.app_msgs.append(msg)
        for part in range(self.sh.ppm):
            conn.pkts.append((msg, part))
            conn.tx_time.append(0.0)
        self._try_send(now, conn)

    def _try_send(self, now, conn):
        while conn.snd_nxt < len(conn.pkts) and conn.snd_nxt - conn.snd_una < self.window:
            seq = conn.snd_nxt
            conn.tx_time[seq] = now
            self._transmit(now, conn, seq)
            conn.snd_nxt += 1
        if conn.deadline is None and conn.snd_una < conn.snd_nxt:
            self._arm(now, conn)

    def _transmit(self, now, conn, seq):
        msg, part = conn.pkts[seq]
        self.eng.transmit(now, conn.path, (conn.cid, seq, msg, part, self.sh.slice(msg, part)))

    def _retransmit(self, now, conn, seq):
        conn.tx_time[seq] = -1.0
        self.sh.n_retx += 1
        self._transmit(now, conn, seq)

    def _arm(self, now, conn):
        conn.deadline = now + conn.rto * conn.backoff if conn.rto * conn.backoff < self.sh.sc.tcp_rto_max_us \
            else now + self.sh.sc.tcp_rto_max_us
        if conn.pending is None or conn.pending > conn.deadline:
            conn.pending = conn.deadline
            self.eng.set_timer(conn.deadline, self, (conn.cid, conn.deadline))

    def on_timer(self, now, token):
        cid, stamp = token
        conn = self.conns[cid]
        if stamp != conn.pending:
            return
        conn.pending = None
        if conn.deadline is None:
            return
        if now < conn.deadline:
            conn.pending = conn.deadline
            self.eng.set_timer(conn.deadline, self, (cid, conn.deadline))
            return
        # retransmission timeout
        conn.deadline = None
        if conn.snd_una >= conn.snd_nxt:
            return
        sh = self.sh
        sh.n_timeouts += 1
        conn.consecutive_timeouts += 1
        k = sh.sc.tcp_rehash_after_timeouts
        if k and conn.consecutive_timeouts % k == 0 and sh.n_paths > 1:
            conn.path = (conn.path + 1 + int(sh.rng.integers(0, sh.n_paths - 1))) % sh.n_paths
        conn.backoff = min(conn.backoff * 2, 1 << 20)
        conn.in_recovery = True
        conn.recover = conn.snd_nxt - 1
        conn.dupacks = 0
        self._retransmit(now, conn, conn.snd_una)
        self._arm(now, conn)

    def on_ack(self, now, ack_info):
        cid, ack = ack_info
        conn = self.conns[cid]
        sc = self.sh.sc
        if ack > conn.snd_una:
            sent = conn.tx_time[ack - 1]
            if sent >= 0:  # Karn: no samples from retransmitted packets
                r = now - sent
                conn.rttvar = 0.75 * conn.rttvar + 0.25 * abs(conn.srtt - r)
                conn.srtt = 0.875 * conn.srtt + 0.125 * r
                conn.rto = min(max(sc.tcp_rto_min_us, conn.srtt + 4 * conn.rttvar), sc.tcp_rto_max_us)
            conn.snd_una = ack
            conn.dupacks = 0
            conn.backoff = 1
            conn.consecutive_timeouts = 0
            if conn.in_recovery:
                if ack <= conn.recover:
                    self._retransmit(now, conn, ack)  # partial ACK: the next hole
                else:
                    conn.in_recovery = False
            if conn.snd_una < conn.snd_nxt:
                self._arm(now, conn)
            else:
                conn.deadline = None
            self._try_send(now, conn)
        elif ack == conn.snd_una and conn.snd_una < conn.snd_nxt:
            conn.dupacks += 1
            if conn.dupacks == sc.tcp_dupack_threshold and not conn.in_recovery:
                self.sh.n_fast += 1
                conn.in_recovery = True
                conn.recover = conn.snd_nxt - 1
                self._retransmit(now, conn, conn.snd_una)
                self._arm(now, conn)

    # receiver ------------------------------------------------------------------------------
    def on_data(self, now, pkt):
        cid, seq, msg, part, data = pkt
        conn = self.conns[cid]
        sh = self.sh
        if seq == conn.rcv_next:
            self._up(now, conn, msg, part, data)
            conn.rcv_next += 1
            while conn.rcv_next in conn.ooo:
                m2, p2, d2 = conn.ooo.pop(conn.rcv_next)
                self._up(now, conn, m2, p2, d2)
                conn.rcv_next += 1
        elif seq > conn.rcv_next and seq not in conn.ooo:
            conn.ooo[seq] = (msg, part, data)
        else:
            sh.n_dup += 1
        self.eng.send_ack(now, self, (cid, conn.rcv_next))

    def _up(self, now, conn, msg, part, data):
        """Hand one in-order packet's bytes to the application, which frames messages by length."""
        sh = self.sh
        sh.pkt_delivered[msg, part] += 1
        conn.app_buf += data
        size = sh.sc.message_size_bytes
        while conn.app_msgs and len(conn.app_buf) >= size:
            m = conn.app_msgs.popleft()
            sh.deliver_message(now, m, bytes(conn.app_buf[:size]))
            del conn.app_buf[:size]


class _Srd:
    """One SRD context: sprays packets, per-packet ACKs and timers, reassembly at the receiver."""

    def __init__(self, sh: _Shared, engine):
        self.sh = sh
        self.eng = engine
        sc = sh.sc
        m = sh.n_paths
        k = m if sc.n_spray_paths is None else sc.n_spray_paths
        if not sc.spray:
            # one path per flow, hashed exactly like TCP's connections (flow 0 on path 0)
            self.flow_paths = [0] + [int(p) for p in sh.rng.integers(0, m, size=sc.n_connections - 1)]
            self.paths = []
        else:
            self.flow_paths = []
            self.paths = [int(p) for p in sh.rng.permutation(m)[:k]]
        self.rr = 0
        self.path_window = sc.srd_path_window_packets
        self.rtt_est = [sc.base_rtt_us] * m
        self.inflight = [0] * m
        self.suspect_until = [-1.0] * m
        self.ser_path_us = sc.mtu_bytes * 8 / (sc.link_rate_gbps * 1e3)
        n_flows = len(self.flow_paths) or 1
        self.queues = [deque() for _ in range(n_flows)]  # one window per flow (one flow when spraying)
        self.outstanding = [0] * n_flows
        self.acked = np.zeros((sh.n_messages, sh.ppm), dtype=bool)
        self.attempts = np.zeros((sh.n_messages, sh.ppm), dtype=np.int64)
        self.tx_path = []
        self.tx_time = []
        self.tx_open = []
        self.tx_sampled = []
        self.srtt = sc.base_rtt_us
        self.rttvar = sc.base_rtt_us / 2
        # receiver
        self.got = np.zeros((sh.n_messages, sh.ppm), dtype=bool)
        self.n_got = np.zeros(sh.n_messages, dtype=np.int64)
        self.bufs: dict[int, bytearray] = {}

    def _choose(self, now, avoid, msg):
        """The path for the next packet, or -1 if every allowed path has a full per-path window."""
        limit = self.path_window
        inflight = self.inflight
        if self.flow_paths:
            p = self.flow_paths[msg % len(self.flow_paths)]
            return p if inflight[p] < limit else -1
        paths = self.paths
        n = len(paths)
        if n == 1:
            return paths[0] if inflight[paths[0]] < limit else -1
        start = self.rr
        if not self.sh.sc.congestion_aware:  # round-robin, skipping full paths and the path to avoid
            for j in range(n):
                p = paths[(start + j) % n]
                if p != avoid and inflight[p] < limit:
                    self.rr = (start + j + 1) % n
                    return p
            return -1
        self.rr = (start + 1) % n
        best, best_score = -1, math.inf
        ser = self.ser_path_us
        for j in range(n):
            p = paths[(start + j) % n]
            if p == avoid or inflight[p] >= limit:
                continue
            score = self.rtt_est[p] + self.inflight[p] * ser
            if self.suspect_until[p] > now:
                score += 1e12  # only if every other path is suspect too
            if score < best_score:
                best, best_score = p, score
        return best

    def _timeout_us(self, attempt):
        sc = self.sh.sc
        if sc.fast_retransmit:
            return sc.srd_retransmit_timeout_us * (1 << min(attempt, 10))
        rto = min(max(sc.tcp_rto_min_us, self.srtt + 4 * self.rttvar), sc.tcp_rto_max_us)
        return min(rto * (1 << min(attempt, 20)), sc.tcp_rto_max_us)

    def _flow(self, msg):
        return msg % len(self.flow_paths) if self.flow_paths else 0

    def on_message(self, now, msg):
        q = self.queues[self._flow(msg)]
        for part in range(self.sh.ppm):
            q.append((msg, part, -1))
        self._try_send(now, self._flow(msg))

    def _try_send(self, now, flow):
        """Send queued packets (retransmissions first) while the windows allow."""
        w = self.sh.sc.srd_window_packets
        q = self.queues[flow]
        while q:
            msg, part, avoid = q[0]
            retx = avoid != -1
            if not retx and self.outstanding[flow] >= w:
                break
            p = self._choose(now, avoid, msg)
            if p < 0 and retx and (self.flow_paths or len(self.paths) == 1):
                p = self._choose(now, -2, msg)
            if p < 0:
                break
            q.popleft()
            if not retx:
                self.outstanding[flow] += 1
            self._send_on(now, msg, part, p)

    def _try_all(self, now):
        for flow in range(len(self.queues)):
            if self.queues[flow]:
                self._try_send(now, flow)

    def _send_on(self, now, msg, part, p):
        txid = len(self.tx_path)
        self.tx_path.append(p)
        self.tx_time.append(now)
        self.tx_open.append(True)
        self.tx_sampled.append(False)
        self.inflight[p] += 1
        attempt = int(self.attempts[msg, part])
        self.attempts[msg, part] = attempt + 1
        self.eng.transmit(now, p, (txid, msg, part, self.sh.slice(msg, part)))
        self.eng.set_timer(now + self._timeout_us(attempt), self, (txid, msg, part))

    def on_timer(self, now, token):
        txid, msg, part = token
        if not self.tx_open[txid]:
            return
        self.tx_open[txid] = False
        p = self.tx_path[txid]
        self.inflight[p] -= 1
        if self.acked[msg, part]:
            return
        sh = self.sh
        sh.n_timeouts += 1
        sh.n_retx += 1
        if sh.sc.congestion_aware:
            self.suspect_until[p] = now + sh.sc.srd_retransmit_timeout_us
        flow = self._flow(msg)
        self.queues[flow].appendleft((msg, part, p))  # resend first, on another path if there is one
        self._try_all(now)

    def on_ack(self, now, token):
        txid, msg, part = token
        p = self.tx_path[txid]
        if self.tx_open[txid]:
            self.tx_open[txid] = False
            self.inflight[p] -= 1
        if not self.tx_sampled[txid]:  # a late ACK (after its timer fired) still measures the path
            self.tx_sampled[txid] = True
            r = now - self.tx_time[txid]
            self.rtt_est[p] = 0.75 * self.rtt_est[p] + 0.25 * r
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - r)
            self.srtt = 0.875 * self.srtt + 0.125 * r
        if not self.acked[msg, part]:
            self.acked[msg, part] = True
            self.outstanding[self._flow(msg)] -= 1
        self._try_all(now)

    def on_data(self, now, pkt):
        txid, msg, part, data = pkt
        sh = self.sh
        self.eng.send_ack(now, self, (txid, msg, part))
        if self.got[msg, part]:
            sh.n_dup += 1
            return
        self.got[msg, part] = True
        sh.pkt_delivered[msg, part] += 1
        buf = self.bufs.get(msg)
        if buf is None:
            buf = self.bufs[msg] = bytearray(sh.sc.message_size_bytes)
        off = part * sh.sc.mtu_bytes
        buf[off:off + len(data)] = data
        self.n_got[msg] += 1
        if self.n_got[msg] == sh.ppm:
            sh.deliver_message(now + sh.sc.srd_processing_us, msg, bytes(self.bufs.pop(msg)))


# ----------------------------------------------------------------------------------------------
# The network: FIFO links, shared by both engines as formulas
# ----------------------------------------------------------------------------------------------
class _Fabric:
    """Link parameters and the elephant's standing queue."""

    def __init__(self, sh: _Shared):
        sc = sh.sc
        rng = sh.rng
        self.sh = sh
        self.hot = [False] * sh.n_paths
        hot_paths = tuple(sorted(int(p) for p in rng.permutation(sh.n_paths)[:sc.n_hot_paths]))
        for p in hot_paths:
            self.hot[p] = True
        self.hot_paths = hot_paths
        self.phase = [float(x) for x in rng.random(sh.n_paths) * sc.hot_path_period_us]
        self.ser_nic = {n: 8.0 * n / (sc.nic_rate_gbps * 1e3) for n in sh.pkt_len}
        self.ser_path = {n: 8.0 * n / (sc.link_rate_gbps * 1e3) for n in sh.pkt_len}
        self.ser_hot = {n: 8.0 * n / (sc.link_rate_gbps * sc.hot_path_rate_share * 1e3) for n in sh.pkt_len}
        self.fail_path = sc.failed_path
        self.fail_start = sc.failure_start_us
        self.fail_end = sc.failure_start_us + sc.failure_duration_us

    def standing_queue(self, path: int, t: float) -> float:
        sc = self.sh.sc
        return sc.hot_path_queue_us * (((t + self.phase[path]) % sc.hot_path_period_us) / sc.hot_path_period_us)

    def failed(self, path: int, t: float) -> bool:
        return path == self.fail_path and self.fail_start <= t < self.fail_end


class _HeapEngine:
    """Event loop on a binary heap; links are computed lazily (FIFO: start = max(arrival, link free))."""

    DATA, ACK, TIMER, MSG = 0, 1, 2, 3

    def __init__(self, sh: _Shared):
        self.sh = sh
        self.fab = _Fabric(sh)
        self.heap: list = []
        self.seq = 0
        self.nic_free = 0.0
        self.link_free = [0.0] * sh.n_paths

    def push(self, t, kind, obj, payload):
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, obj, payload))

    def transmit(self, now, path, pkt):
        sh, fab = self.sh, self.fab
        n = len(pkt[-1])
        sh.n_tx += 1
        sh.per_path[path] += 1
        t = (now if now > self.nic_free else self.nic_free) + fab.ser_nic[n]
        self.nic_free = t
        if fab.failed(path, t):
            sh.n_lost += 1
            return
        if fab.hot[path]:
            t += fab.standing_queue(path, t)
            ser = fab.ser_hot[n]
        else:
            ser = fab.ser_path[n]
        lf = self.link_free[path]
        t = (t if t > lf else lf) + ser
        self.link_free[path] = t
        if sh.uniform() < sh.loss:
            sh.n_lost += 1
            return
        self.push(t + sh.one_way, self.DATA, None, pkt)

    def send_ack(self, now, endpoint, info):
        self.push(now + self.sh.one_way, self.ACK, endpoint, info)

    def set_timer(self, at, endpoint, token):
        self.push(at, self.TIMER, endpoint, token)

    def run(self, proto, max_events):
        for i, t in enumerate(self.sh.issue):
            self.push(float(t), self.MSG, None, i)
        heap = self.heap
        pop = heapq.heappop
        n = 0
        while heap:
            n += 1
            if n > max_events:
                raise EventBudgetExceeded(f"simulation exceeded {max_events} events; is loss_probability "
                                          f"({self.sh.loss}) too close to 1?")
            t, _, kind, obj, payload = pop(heap)
            if kind == 0:
                proto.on_data(t, payload)
            elif kind == 1:
                proto.on_ack(t, payload)
            elif kind == 2:
                proto.on_timer(t, payload)
            else:
                proto.on_message(t, payload)
        return n


class _SimpyEngine:
    """The same model as SimPy processes: the NIC is a ``simpy.Resource``; each path is a FIFO
    ``simpy.Store`` served by one process (wait out the elephant's standing queue, then serialise)."""

    def __init__(self, sh: _Shared):
        import simpy

        self.simpy = simpy
        self.sh = sh
        self.fab = _Fabric(sh)
        self.env = simpy.Environment()
        self.nic = simpy.Resource(self.env, capacity=1)
        self.links = [simpy.Store(self.env) for _ in range(sh.n_paths)]
        for p in range(sh.n_paths):
            self.env.process(self._path_server(p))
        self.n_events = 0

    def _packet(self, path, pkt):
        env, sh, fab = self.env, self.sh, self.fab
        with self.nic.request() as req:
            yield req
            yield env.timeout(fab.ser_nic[len(pkt[-1])])
        if fab.failed(path, env.now):
            sh.n_lost += 1
            return
        yield self.links[path].put((env.now, pkt))

    def _path_server(self, path):
        """One path: packets leave in the order they arrived (FIFO)."""
        env, sh, fab = self.env, self.sh, self.fab
        while True:
            arrived, pkt = yield self.links[path].get()
            n = len(pkt[-1])
            if fab.hot[path]:
                wait = arrived + fab.standing_queue(path, arrived) - env.now
                if wait > 0:
                    yield env.timeout(wait)
                yield env.timeout(fab.ser_hot[n])
            else:
                yield env.timeout(fab.ser_path[n])
            if sh.uniform() < sh.loss:
                sh.n_lost += 1
                continue
            env.process(self._later(sh.one_way, self.proto.on_data, pkt))

    def _later(self, delay, fn, arg):
        yield self.env.timeout(delay)
        self.n_events += 1
        fn(self.env.now, arg)

    def transmit(self, now, path, pkt):
        self.sh.n_tx += 1
        self.sh.per_path[path] += 1
        self.env.process(self._packet(path, pkt))

    def send_ack(self, now, endpoint, info):
        self.env.process(self._later(self.sh.one_way, endpoint.on_ack, info))

    def set_timer(self, at, endpoint, token):
        self.env.process(self._later(at - self.env.now, endpoint.on_timer, token))

    def _arrivals(self):
        for i, t in enumerate(self.sh.issue):
            yield self.env.timeout(float(t) - self.env.now)
            self.n_events += 1
            self.proto.on_message(self.env.now, i)

    def run(self, proto, max_events):
        self.proto = proto
        self.env.process(self._arrivals())
        while self.env.peek() != float("inf"):
            if self.n_events > max_events:
                raise EventBudgetExceeded(f"simulation exceeded {max_events} events; is loss_probability "
                                          f"({self.sh.loss}) too close to 1?")
            self.env.step()
        return self.n_events


def _validate(protocol, n_messages, n_paths, loss_probability, scenario):
    protocol = check_choice("protocol", protocol, PROTOCOLS)
    n_messages = check_int("n_messages", n_messages, minimum=1, maximum=1_000_000)
    n_paths = check_int("n_paths", n_paths, minimum=1, maximum=4096)
    loss = check_probability("loss_probability", loss_probability, allow_one=False)
    sc = make_scenario(n_paths, **scenario)
    return protocol, n_messages, n_paths, loss, sc


def _issue_times(sc: Scenario, n_messages: int, rng, bulk: bool) -> np.ndarray:
    if bulk:
        return np.zeros(n_messages)
    # Poisson arrivals at offered_load x NIC rate, in messages per microsecond
    rate = sc.offered_load * sc.nic_rate_gbps * 1e3 / (8.0 * sc.message_size_bytes)
    return np.cumsum(rng.exponential(1.0 / rate, size=n_messages)) - 0.0


def _run(engine_cls, name, protocol, n_messages, n_paths, loss, sc, rng, bulk=False) -> TransferResult:
    issue = _issue_times(sc, n_messages, rng, bulk)
    if sc.failed_path is not None:
        sc_eff = replace(sc, failure_start_us=sc.failure_start_us + float(issue[0]))
    else:
        sc_eff = sc
    sh = _Shared(protocol, n_messages, n_paths, loss, sc_eff, rng, issue)
    eng = engine_cls(sh)
    proto = _Tcp(sh, eng) if protocol == "tcp" else _Srd(sh, eng)
    max_events = 2000 * n_messages * sh.ppm + 10_000
    n_events = eng.run(proto, max_events)
    if np.any(sh.deliveries == 0):  # cannot happen: the loop ends only when nothing is pending
        raise RuntimeError("a message was never delivered; this is a bug in the model")
    return TransferResult(
        protocol=protocol, n_messages=n_messages, n_paths=n_paths, loss_probability=loss, scenario=sc,
        engine=name, issue_times_us=issue, completion_times_us=sh.delivered_at - issue,
        sent_checksums=sh.sent_crc, received_checksums=sh.recv_crc,
        deliveries_per_message=sh.deliveries, packet_delivered_counts=sh.pkt_delivered,
        packets_per_path=sh.per_path, hot_paths=eng.fab.hot_paths,
        connection_paths=tuple(c.path for c in proto.conns) if protocol == "tcp" else (),
        n_transmissions=sh.n_tx, n_retransmissions=sh.n_retx, n_timeouts=sh.n_timeouts,
        n_fast_retransmits=sh.n_fast, n_lost=sh.n_lost, n_duplicates=sh.n_dup, n_events=int(n_events),
    )


def simulate_transfers(protocol: str, *, n_messages: int, n_paths: int, loss_probability: float,
                       rng: Any = None, **scenario: Any) -> TransferResult:
    """Send ``n_messages`` messages over a multipath fabric with TCP or SRD (fast event loop).

    The model is described in the module docstring and in the chapter; every knob is a
    :class:`Scenario` attribute passed by keyword.

    Parameters
    ----------
    protocol : {"tcp", "srd"}
        The transport.
    n_messages : int
        Messages to send (1 .. 10**6), Poisson arrivals at ``offered_load`` of the NIC rate.
    n_paths : int
        Equal-cost paths in the fabric (1 .. 4096).
    loss_probability : float
        Probability that a data packet is lost, i.i.d., in [0, 1).
    rng : None, int or numpy.random.Generator, optional
        Randomness source (arrivals, hashing, hot paths, losses, payload bytes).
    **scenario
        :class:`Scenario` attributes, e.g. ``offered_load=0.3``, ``failed_path=0``,
        ``failure_duration_us=5000``, ``spray=False``.

    Returns
    -------
    TransferResult
        Completion times and the delivery record (checksums, delivery counts, retransmissions).

    Raises
    ------
    TypeError
        If a scenario key is unknown (the message names it) or a value has the wrong type.
    ValueError
        If ``protocol`` is unknown or a value is out of range.
    EventBudgetExceeded
        A ValueError (and RuntimeError) if the run exceeds ``2000`` events per packet (only for a loss
        probability very close to 1).

    Examples
    --------
    >>> r = simulate_transfers("srd", n_messages=50, n_paths=8, loss_probability=0.01, rng=1)
    >>> r.all_delivered_intact, r.completion_times_us.shape
    (True, (50,))
    """
    protocol, n_messages, n_paths, loss, sc = _validate(protocol, n_messages, n_paths, loss_probability, scenario)
    return _run(_HeapEngine, "heapq", protocol, n_messages, n_paths, loss, sc, make_rng(rng))


def simulate_transfers_simpy(protocol: str, *, n_messages: int, n_paths: int, loss_probability: float,
                             rng: Any = None, **scenario: Any) -> TransferResult:
    """The model of :func:`simulate_transfers`, written straightforwardly with SimPy.

    Each packet is a SimPy process that queues for the NIC and then for its path (both
    ``simpy.Resource`` links held for the serialisation time), waits out the elephant's standing
    queue and the propagation delay; ACKs and timers are processes that sleep. The protocol
    endpoints are the same code as in :func:`simulate_transfers`. Used to cross-check the fast
    engine statistically and as the benchmark's baseline.

    Parameters
    ----------
    protocol : {"tcp", "srd"}
        The transport.
    n_messages : int
        Messages to send.
    n_paths : int
        Equal-cost paths.
    loss_probability : float
        Per-packet loss probability in [0, 1).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.
    **scenario
        :class:`Scenario` attributes.

    Returns
    -------
    TransferResult
        With ``engine="simpy"``.

    Raises
    ------
    TypeError, ValueError
        As :func:`simulate_transfers` (``EventBudgetExceeded`` is a ValueError).
        As :func:`simulate_transfers`.

    Examples
    --------
    >>> r = simulate_transfers_simpy("tcp", n_messages=20, n_paths=4, loss_probability=0.0, rng=2)
    >>> r.engine, r.all_delivered_intact
    ('simpy', True)
    """
    protocol, n_messages, n_paths, loss, sc = _validate(protocol, n_messages, n_paths, loss_probability, scenario)
    return _run(_SimpyEngine, "simpy", protocol, n_messages, n_paths, loss, sc, make_rng(rng))


# ----------------------------------------------------------------------------------------------
# Sweeps for the "teal line" lab
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadSweep:
    """Completion-time percentiles against offered load, per protocol.

    Attributes
    ----------
    loads : numpy.ndarray, shape (n_loads,)
        Offered loads (fraction of the NIC rate).
    percentiles : tuple of float
        The percentiles reported, in percent.
    values_us : dict of str to numpy.ndarray, shape (n_loads, n_percentiles)
        ``values_us[label][i, j]``: the ``percentiles[j]``-th completion time at ``loads[i]``, in us.
    n_messages, n_paths : int
        Per run.
    loss_probability : float
        Per-packet loss probability.
    scenario : dict
        Extra scenario keywords shared by every run.
    variants : dict of str to tuple
        ``label -> (protocol, scenario overrides)``.
    """

    loads: np.ndarray
    percentiles: tuple
    values_us: dict
    n_messages: int
    n_paths: int
    loss_probability: float
    scenario: dict
    variants: dict


def load_sweep(loads: Any, *, n_messages: int, n_paths: int, loss_probability: float,
               variants: dict | None = None, percentiles: tuple = (50.0, 99.0, 99.9), rng: Any = None,
               progress: bool = True, executor: Any = None, **scenario: Any) -> LoadSweep:
    """Completion-time percentiles of each transport at each offered load (the keynote's EBS figure).

    Parameters
    ----------
    loads : array_like of float
        Offered loads, each in (0, 1) (fraction of the NIC rate).
    n_messages : int
        Messages per run.
    n_paths : int
        Paths in the fabric.
    loss_probability : float
        Per-packet loss probability in [0, 1).
    variants : dict, optional
        ``label -> (protocol, overrides)``; default ``{"TCP": ("tcp", {}), "SRD": ("srd", {})}``.
    percentiles : tuple of float, default=(50, 99, 99.9)
        Percentiles to report.
    rng : None, int or numpy.random.Generator, optional
        Randomness source; every (variant, load) run gets its own child seed.
    progress : bool, default=True
        Show a progress bar.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Run the (variant, load) points in parallel; the result is identical to the serial run with the same
        ``rng``, because every point's seed is drawn before dispatch.
    **scenario
        :class:`Scenario` attributes shared by every run.

    Returns
    -------
    LoadSweep

    Raises
    ------
    TypeError, ValueError
        If ``loads`` is empty or a value is out of range.

    Examples
    --------
    >>> s = load_sweep([0.1, 0.3], n_messages=40, n_paths=8, loss_probability=0.0, rng=0, progress=False)
    >>> s.values_us["SRD"].shape
    (2, 3)
    """
    arr = check_array("loads", loads, ndim=None).ravel()
    percentiles = check_percentiles("percentiles", percentiles)
    progress = check_bool("progress", progress)
    for i, x in enumerate(arr.tolist()):
        try:
            make_scenario(n_paths if isinstance(n_paths, int) else 1, offered_load=x)
        except ValueError as exc:
            raise ValueError(f'"loads"[{i}]: {exc}') from None
    if variants is None:
        variants = {"TCP": ("tcp", {}), "SRD": ("srd", {})}
    if not variants:
        raise ValueError('"variants" must name at least one variant')
    for label, (proto, overrides) in variants.items():
        _validate(proto, n_messages, n_paths, loss_probability, {**scenario, **overrides})
    seeds = make_rng(rng).integers(0, 2**63 - 1, size=(len(variants), arr.size))
    out = {label: np.zeros((arr.size, len(percentiles))) for label in variants}
    points = [(label, li) for label in variants for li in range(arr.size)]
    jobs = [(variants[label][0], n_messages, n_paths, loss_probability, int(seeds[vi, li]),
             {**scenario, **variants[label][1], "offered_load": float(arr[li])}, tuple(percentiles))
            for vi, label in enumerate(variants) for li in range(arr.size)]
    rows = run_sweep(_load_point, jobs, executor=executor, progress_bar=progress, desc="load sweep")
    for (label, li), row in zip(points, rows):
        out[label][li] = row
    return LoadSweep(loads=arr, percentiles=tuple(float(q) for q in percentiles), values_us=out,
                     n_messages=n_messages, n_paths=n_paths, loss_probability=float(loss_probability),
                     scenario=dict(scenario), variants=dict(variants))


def percentile_ratio(sweep: LoadSweep, load: float, percentile: float, *, numerator: str = "TCP",
                     denominator: str = "SRD") -> float:
    """How many times larger one transport's percentile is than another's, at one load of a sweep.

    Parameters
    ----------
    sweep : LoadSweep
        From :func:`load_sweep`.
    load : float
        One of ``sweep.loads`` (offered load, fraction of the NIC rate).
    percentile : float
        One of ``sweep.percentiles``, in percent.
    numerator, denominator : str, default "TCP" and "SRD"
        Labels of ``sweep.values_us``.

    Returns
    -------
    float
        ``values_us[numerator] / values_us[denominator]`` at that load and percentile.

    Raises
    ------
    TypeError
        If ``sweep`` is not a LoadSweep.
    ValueError
        If ``load``, ``percentile`` or a label is not in the sweep.

    Examples
    --------
    >>> sweep = load_sweep([0.2], n_messages=50, n_paths=8, loss_probability=0.0, rng=1, progress=False)
    >>> percentile_ratio(sweep, 0.2, 50.0) > 0
    True
    """
    if not isinstance(sweep, LoadSweep):
        raise TypeError(f'"sweep" must be a LoadSweep from load_sweep, got {sweep!r}')
    load = check_finite("load", load)
    percentile = check_finite("percentile", percentile)
    rows = np.flatnonzero(np.isclose(sweep.loads, load))
    if rows.size == 0:
        raise ValueError(f'"load" must be one of the sweep\'s loads {[float(x) for x in sweep.loads]}, got {load!r}')
    cols = [j for j, q in enumerate(sweep.percentiles) if math.isclose(q, percentile)]
    if not cols:
        raise ValueError(f'"percentile" must be one of the sweep\'s percentiles {list(sweep.percentiles)}, '
                         f'got {percentile!r}')
    for name, label in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(label, str) or label not in sweep.values_us:
            raise ValueError(f'"{name}" must be one of {list(sweep.values_us)}, got {label!r}')
    i, j = int(rows[0]), cols[0]
    return float(sweep.values_us[numerator][i, j] / sweep.values_us[denominator][i, j])


def _load_point(protocol: str, n_messages: int, n_paths: int, loss_probability: float, seed: int, scenario: dict,
                percentiles: tuple) -> np.ndarray:
    """One point of :func:`load_sweep`: the completion-time percentiles of one run, in microseconds."""
    r = simulate_transfers(protocol, n_messages=n_messages, n_paths=n_paths, loss_probability=loss_probability,
                           rng=seed, **scenario)
    return np.percentile(r.completion_times_us, percentiles)


@dataclass(frozen=True)
class ThroughputResult:
    """Single-flow throughput: one backlog of messages sent as fast as the transport allows.

    Attributes
    ----------
    protocol : str
        ``"tcp"`` or ``"srd"``.
    throughput_gbps : float
        Payload bits delivered divided by the time the last message was delivered, in Gbit/s.
    path_limit_gbps : float
        Rate of one path (the bound for a single TCP flow).
    nic_limit_gbps : float
        Rate of the NIC (the bound for anything).
    transfer : TransferResult
        The underlying run.
    """

    protocol: str
    throughput_gbps: float
    path_limit_gbps: float
    nic_limit_gbps: float
    transfer: TransferResult = field(repr=False)


def single_flow_throughput(protocol: str, *, n_messages: int = 200, n_paths: int = 8, loss_probability: float = 0.0,
                           rng: Any = None, **scenario: Any) -> ThroughputResult:
    """Throughput of ONE flow (one TCP connection, or one SRD context) with a backlog of messages.

    Every message is ready at time 0, so the transport is the only limit: one TCP connection
    rides one path; SRD sprays over ``n_spray_paths`` paths and is limited by the NIC.

    Parameters
    ----------
    protocol : {"tcp", "srd"}
        The transport.
    n_messages : int, default=200
        Messages in the backlog.
    n_paths : int, default=8
        Paths in the fabric.
    loss_probability : float, default=0.0
        Per-packet loss probability in [0, 1).
    rng : None, int or numpy.random.Generator, optional
        Randomness source.
    **scenario
        :class:`Scenario` attributes (``n_connections`` is forced to 1; ``n_hot_paths`` defaults to 0).

    Returns
    -------
    ThroughputResult

    Raises
    ------
    TypeError, ValueError
        As :func:`simulate_transfers`.

    Examples
    --------
    >>> t = single_flow_throughput("tcp", n_messages=50, rng=0)
    >>> t.throughput_gbps <= t.path_limit_gbps
    True
    """
    scenario = {"n_hot_paths": 0, **scenario, "n_connections": 1}
    protocol, n_messages, n_paths, loss, sc = _validate(protocol, n_messages, n_paths, loss_probability, scenario)
    r = _run(_HeapEngine, "heapq", protocol, n_messages, n_paths, loss, sc, make_rng(rng), bulk=True)
    done = float(np.max(r.completion_times_us))
    gbps = n_messages * sc.message_size_bytes * 8 / (done * 1e3)
    return ThroughputResult(protocol=protocol, throughput_gbps=gbps, path_limit_gbps=sc.link_rate_gbps,
                            nic_limit_gbps=sc.nic_rate_gbps, transfer=r)


def tcp_rto_us(srtt_us: float, rttvar_us: float, *, rto_min_us: float = 200_000.0,
               rto_max_us: float = 120_000_000.0, backoffs: int = 0) -> float:
    """TCP's retransmission timeout (RFC 6298 with Linux's floor), after ``backoffs`` doublings.

    ``RTO = min(rto_max, max(rto_min, srtt + 4 rttvar) * 2**backoffs)``.

    Parameters
    ----------
    srtt_us : float
        Smoothed RTT, in microseconds (>= 0).
    rttvar_us : float
        RTT variation, in microseconds (>= 0).
    rto_min_us : float, default=200_000
        Floor (Linux: 200 ms); must not exceed ``rto_max_us``.
    rto_max_us : float, default=120_000_000
        Ceiling (Linux: 120 s).
    backoffs : int, default=0
        Consecutive timeouts so far (each doubles the RTO).

    Returns
    -------
    float
        The RTO, in microseconds.

    Raises
    ------
    TypeError, ValueError
        If a value is negative or not a number, or ``rto_min_us > rto_max_us``.

    Examples
    --------
    >>> tcp_rto_us(60.0, 20.0)
    200000.0
    >>> tcp_rto_us(60.0, 20.0, backoffs=2)
    800000.0
    """
    srtt = check_nonnegative("srtt_us", srtt_us)
    var = check_nonnegative("rttvar_us", rttvar_us)
    lo = check_positive("rto_min_us", rto_min_us)
    hi = check_positive("rto_max_us", rto_max_us)
    if lo > hi:
        raise ValueError(f'"rto_min_us" must be <= "rto_max_us", got rto_min_us={lo!r} > rto_max_us={hi!r}')
    k = check_int("backoffs", backoffs, minimum=0, maximum=64)
    return float(min(hi, max(lo, srtt + 4 * var) * 2.0**k))  # a product beyond 1.8e308 is inf: min gives hi


# ----------------------------------------------------------------------------------------------
# OSTEP-style pose / solve
# ----------------------------------------------------------------------------------------------
_KINDS = ("collision", "paths_used", "rto_wait")


def pose_problem(rng: Any = None, *, kind: str | None = None) -> Problem:
    """Pose a seeded question about ECMP hashing or TCP's retransmission timer.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, optional
        Randomness source (the question's numbers).
    kind : {"collision", "paths_used", "rto_wait"}, optional
        Which question (default: drawn at random).

    Returns
    -------
    Problem
        Its statement echoes every parameter.

    Raises
    ------
    ValueError
        If ``kind`` is unknown.

    Examples
    --------
    >>> print(pose_problem(3, kind="collision").kind)
    collision
    """
    rng = make_rng(rng)
    kind = _KINDS[int(rng.integers(len(_KINDS)))] if kind is None else check_choice("kind", kind, _KINDS)
    if kind in ("collision", "paths_used"):
        m = int(rng.choice([4, 8, 16, 32, 64]))
        n = int(rng.integers(2, m + 1))
        if kind == "collision":
            ask = "What is the probability that no two flows share a path?"
        else:
            ask = "How many paths carry at least one flow, on average?"
        text = textwrap.fill(f"{n} flows are hashed uniformly at random onto {m} equal-cost paths. {ask}",
                             width=68)
        return Problem(kind, text, {"n_flows": n, "n_paths": m})
    srtt = float(rng.choice([40, 60, 100, 250, 500]))
    rttvar = float(rng.choice([10, 20, 50, 100]))
    losses = int(rng.integers(1, 4))
    lost = "once" if losses == 1 else ("twice in a row" if losses == 2 else f"{losses} times in a row")
    copies = ("the original" if losses == 1 else
              "the original and the retransmission" if losses == 2 else
              f"the original and the first {losses - 1} retransmissions")
    text = textwrap.fill(
        f"A TCP connection has a smoothed RTT of {srtt:g} µs and an RTT variation of {rttvar:g} µs; "
        f"its retransmission timeout has the Linux floor of 200 ms. The last packet of a message is lost "
        f"{lost} ({copies}), and no duplicate ACKs arrive. How many milliseconds after the "
        f"original transmission is the copy that finally gets through sent?", width=68)
    return Problem("rto_wait", text, {"srtt_us": srtt, "rttvar_us": rttvar, "n_losses": losses})


def solve(problem: Problem) -> Solution:
    """Answer a :class:`~labsupport.common.Problem` posed by :func:`pose_problem`, showing the working.

    Parameters
    ----------
    problem : Problem
        From :func:`pose_problem`.

    Returns
    -------
    Solution
        ``value`` is the number asked for.

    Raises
    ------
    ValueError
        If the problem is not one this module poses.

    Examples
    --------
    >>> round(solve(pose_problem(0, kind="paths_used")).value, 3) > 0
    True
    """
    kind = check_choice("problem.kind", getattr(problem, "kind", None), _KINDS)
    p = problem.params
    if kind == "collision":
        n, m = p["n_flows"], p["n_paths"]
        v = ecmp_no_collision_probability(n, m)
        work = (f"P(no collision) = m! / ((m-n)! m^n) with n = {n}, m = {m}\n"
                f"= product of (1 - i/m) for i = 0 .. n-1\n= {v:.6g}")
    elif kind == "paths_used":
        n, m = p["n_flows"], p["n_paths"]
        v = expected_paths_used(n, m)
        work = (f"E[paths used] = m (1 - (1 - 1/m)^n) with n = {n}, m = {m}\n= {v:.4f} "
                f"({v / m:.1%} of the paths;\n1 - 1/e = {1 - math.exp(-1):.1%} for n = m large)")
    else:
        srtt, var, k = p["srtt_us"], p["rttvar_us"], p["n_losses"]
        waits = [tcp_rto_us(srtt, var, backoffs=j) for j in range(k)]
        v = sum(waits) / 1000.0
        work = (f"RTO = max(200 ms, srtt + 4 rttvar)\n= max(200 ms, {srtt + 4 * var:g} µs) = {waits[0] / 1000:g} ms; "
                f"each timeout doubles it.\nWaits: " + " + ".join(f"{w / 1000:g}" for w in waits)
                + f" = {v:g} ms")
    return Solution(problem, float(v), work)


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.srd --seed 3 --solve``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    return run_cli("python -m labsupport.srd",
                   "ECMP collisions and TCP retransmission timers: seeded questions with worked answers.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
