"""A fabric that heals: a leaf-spine network loses a link; two ways of routing around it.

Chapter: "Trainium2, scaling out: collectives, rings of rings, and a network that heals itself"
(``chapters/trainium_out.md``); lab: ``labs/fabric_repair.ipynb``; tests: ``tests/test_fabric.py``.

Every leaf switch connects to every spine switch; traffic between two leaves is spread over the spines
by ECMP (a hash of the flow picks one of the equally short next hops). At time 0 one link fails. Two
ways to recover are compared:

* **distributed reconvergence** (a link-state protocol such as OSPF or IS-IS): the two switches at the
  ends of the link notice after ``detect_s``; the news is flooded hop by hop (``hop_s`` per hop); each
  switch that hears it waits ``spf_s`` (its shortest-path computation and the throttle in front of it)
  and ``fib_s`` (writing the new routes into its hardware tables), then forwards on the new shortest
  paths. Until a switch updates, it forwards on its old routes -- into the dead link, or back towards a
  switch that has already updated (a *micro-loop*).
* **a central plan, executed locally**: a controller has computed ahead of time, for every link that
  could fail, a repair path for each destination that avoids that link, and installed them in the two
  switches at its ends. When a switch detects the failure it sends the traffic that would have used the
  link along the repair path (encapsulated, so the switches on the way forward it as planned) -- no
  message to anyone, no computation. Later (``controller_s``) the controller pushes new routes
  everywhere, which spreads the detoured load. This is the idea of the IETF's IP fast reroute (RFC 5286,
  loop-free alternates; with tunnels, RFC 7490) and, as AWS describes SIDR, of its datacenter fabric.

Packet transit (microseconds) is far shorter than every recovery time (milliseconds), so a packet's fate
is decided by the state of the switches at the instant it is sent: the model computes, for each interval
between two events, which flows are delivered, dropped into the dead link, caught in a loop, or have no
route -- exactly, without simulating packets one by one (:func:`simulate_link_failure_simpy` does simulate
them, as SimPy processes, and the tests check that the two agree). Packets already on the wire of the failed link
when it fails (``link_delay_s`` worth of each flow that used it) are lost whatever the strategy.

Run ``python -m labsupport.fabric --seed 3`` for a practice problem and ``--solve`` for its answer.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .common import (
    fit_lines as _fit_lines,
    Problem,
    Solution,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_result_finite,
    make_rng,
    run_cli,
)

__all__ = [
    "STRATEGIES",
    "Fabric",
    "leaf_spine",
    "hop_distances",
    "route_flow",
    "FailureResult",
    "simulate_link_failure",
    "simulate_link_failure_simpy",
    "pose_problem",
    "solve",
    "main",
]

#: Recovery strategies :func:`simulate_link_failure` knows.
STRATEGIES = ("distributed", "local")
#: Outcomes of sending one packet.
OUTCOMES = ("delivered", "dead link", "loop", "no route")
#: Most packets the SimPy twin of :func:`simulate_link_failure` follows (flows x rate x duration): each is
#: an event, about 20 us apiece, so that a typo in the rate cannot hang a lab.
MAX_SIMPY_PACKETS = 100_000


@dataclass(frozen=True)
class Fabric:
    """An undirected network of switches; traffic flows between the ``hosts`` switches (the leaves).

    Attributes
    ----------
    names : tuple of str
        Switch names, by index.
    links : tuple of (int, int)
        Undirected links, each as (smaller index, larger index), sorted.
    hosts : tuple of int
        Switches whose attached servers send and receive traffic (at least 2).

    Raises
    ------
    TypeError, ValueError
        On names that are not unique strings, links between unknown or identical switches, repeated
        links, or fewer than 2 hosts.

    Examples
    --------
    >>> Fabric(("A", "B", "C"), ((0, 1), (1, 2)), (0, 2)).n_switches
    3
    """

    names: tuple
    links: tuple
    hosts: tuple

    def __post_init__(self) -> None:
        for label, value in (("names", self.names), ("links", self.links), ("hosts", self.hosts)):
            if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
                raise TypeError(f'"{label}" must be a tuple, got {value!r}')
        if not all(isinstance(x, str) for x in self.names) or len(set(self.names)) != len(self.names):
            raise ValueError(f'"names" must be distinct strings, got {self.names!r}')
        n = len(self.names)
        links = []
        for link in self.links:
            if (not isinstance(link, (tuple, list)) or len(link) != 2
                    or not all(isinstance(i, int) and 0 <= i < n for i in link) or link[0] == link[1]):
                raise ValueError(f'"links" must be pairs of distinct switch indices below {n}, got {link!r}')
            links.append(tuple(sorted(link)))
        if len(set(links)) != len(links):
            raise ValueError('"links" must not repeat a link')
        if len(self.hosts) < 2 or not all(isinstance(h, int) and 0 <= h < n for h in self.hosts):
            raise ValueError(f'"hosts" must be at least 2 switch indices below {n}, got {self.hosts!r}')
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "links", tuple(sorted(links)))
        object.__setattr__(self, "hosts", tuple(self.hosts))

    @property
    def n_switches(self) -> int:
        """Number of switches."""
        return len(self.names)

    def index(self, name: str, param: str | None = None) -> int:
        """The index of the switch called ``name`` (``param``: the parameter it came from, for the message)."""
        try:
            return self.names.index(name)
        except ValueError:
            where = f'"{param}": ' if param else ""
            raise ValueError(f'{where}no switch called {name!r}; switches are {", ".join(self.names)}') from None

    def link(self, a: str, b: str) -> tuple:
        """The link between switches ``a`` and ``b`` (by name), as an index pair; ValueError if none."""
        i, j = sorted((self.index(a), self.index(b)))
        if (i, j) not in self.links:
            raise ValueError(f"there is no link between {a!r} and {b!r}")
        return (i, j)

    def neighbours(self, failed: tuple | None = None) -> list:
        """Adjacency lists, without the ``failed`` link."""
        adj = [[] for _ in self.names]
        for i, j in self.links:
            if (i, j) != failed:
                adj[i].append(j)
                adj[j].append(i)
        return [sorted(a) for a in adj]


def leaf_spine(n_leaves: int = 8, n_spines: int = 4) -> Fabric:
    """A two-tier leaf-spine (folded Clos) fabric: every leaf linked to every spine.

    Parameters
    ----------
    n_leaves : int, default=8
        Leaf (top-of-rack) switches, 2 .. 256.
    n_spines : int, default=4
        Spine switches, 1 .. 64.

    Returns
    -------
    Fabric
        Leaves are named L0, L1, ... (indices 0 .. n_leaves - 1), spines S0, S1, ...

    Raises
    ------
    TypeError, ValueError
        On counts out of range.

    Examples
    --------
    >>> f = leaf_spine(4, 2)
    >>> len(f.links), f.names[4]
    (8, 'S0')
    """
    nl = check_int("n_leaves", n_leaves, minimum=2, maximum=256)
    ns = check_int("n_spines", n_spines, minimum=1, maximum=64)
    names = tuple(f"L{i}" for i in range(nl)) + tuple(f"S{j}" for j in range(ns))
    links = tuple((i, nl + j) for i in range(nl) for j in range(ns))
    return Fabric(names, links, tuple(range(nl)))


def _check_fabric(fabric: Any) -> Fabric:
    if not isinstance(fabric, Fabric):
        raise TypeError(f'"fabric" must be a Fabric (from leaf_spine), got {type(fabric).__name__}')
    return fabric


def _check_link(fabric: Fabric, failed_link: Any) -> tuple:
    if isinstance(failed_link, (str, bytes)) or not isinstance(failed_link, (tuple, list)) or len(failed_link) != 2:
        raise TypeError(f'"failed_link" must be a pair of switch names, such as ("L0", "S0"), got {failed_link!r}')
    a, b = failed_link
    if not isinstance(a, str) or not isinstance(b, str):
        raise TypeError(f'"failed_link" must be a pair of switch names, got {failed_link!r}')
    try:
        return fabric.link(a, b)
    except ValueError as err:
        raise ValueError(f'"failed_link": {err}') from None


def hop_distances(fabric: Fabric, failed_link: Any = None) -> np.ndarray:
    """Hop counts between every pair of switches (breadth-first search), without ``failed_link``.

    Parameters
    ----------
    fabric : Fabric
    failed_link : (str, str), optional
        A link to leave out, by switch names.

    Returns
    -------
    numpy.ndarray of float, shape (n, n)
        ``inf`` where no path exists.

    Raises
    ------
    TypeError, ValueError
        If ``fabric`` is not a Fabric or ``failed_link`` names no link.

    Examples
    --------
    >>> f = leaf_spine(4, 2)
    >>> int(hop_distances(f)[0, 1]), int(hop_distances(f, ("L0", "S0"))[4, 0])
    (2, 3)
    """
    fabric = _check_fabric(fabric)
    failed = None if failed_link is None else _check_link(fabric, failed_link)
    return _distances(fabric.neighbours(failed))


def _distances(adj: list) -> np.ndarray:
    n = len(adj)
    dist = np.full((n, n), np.inf)
    for src in range(n):
        dist[src, src] = 0
        queue = deque([src])
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                if dist[src, v] == np.inf:
                    dist[src, v] = dist[src, u] + 1
                    queue.append(v)
    return dist


def _shortest_paths(adj: list, dist: np.ndarray, src: int, dst: int, limit: int = 256) -> list:
    """Every shortest path src -> dst (up to ``limit``), in a fixed order."""
    if dist[src, dst] == np.inf:
        return []
    paths = [[src]]
    while paths and paths[0][-1] != dst:
        grown = []
        for path in paths:
            u = path[-1]
            for v in adj[u]:
                if dist[v, dst] == dist[u, dst] - 1:
                    grown.append(path + [v])
        paths = grown[:limit]
    return [tuple(p) for p in paths]


class _Tables:
    """Forwarding state of every switch: old (before the failure), new (after), and the local repairs."""

    def __init__(self, fabric: Fabric, failed: tuple):
        self.fabric = fabric
        self.failed = failed
        self.adj_old = fabric.neighbours()
        self.adj_new = fabric.neighbours(failed)
        self.d_old = _distances(self.adj_old)
        self.d_new = _distances(self.adj_new)
        self._repair: dict = {}
        self._hops: dict = {}

    def next_hops(self, u: int, dst: int, new: bool) -> list:
        key = (u, dst, new)
        if key not in self._hops:
            adj, d = (self.adj_new, self.d_new) if new else (self.adj_old, self.d_old)
            self._hops[key] = [v for v in adj[u] if d[v, dst] == d[u, dst] - 1]
        return self._hops[key]

    def repair_paths(self, u: int, dst: int) -> list:
        key = (u, dst)
        if key not in self._repair:
            self._repair[key] = _shortest_paths(self.adj_new, self.d_new, u, dst)
        return self._repair[key]


def _forward(tables: _Tables, src: int, dst: int, state: np.ndarray, flow_hash: np.ndarray) -> tuple:
    """Send one packet; ``state[u]`` is 0 (old routes, link not yet detected), 1 (old routes, link
    detected, local repair armed) or 2 (new routes). Returns (outcome, list of directed links used)."""
    failed = tables.failed
    u, used = src, []
    ttl = 4 * tables.fabric.n_switches
    while u != dst:
        if ttl == 0:
            return "loop", used
        ttl -= 1
        hops = tables.next_hops(u, dst, new=state[u] == 2)
        if not hops:
            return "no route", used
        v = hops[int(flow_hash[u]) % len(hops)]
        if tuple(sorted((u, v))) == failed:
            if state[u] == 1:  # the planned repair: follow the precomputed path to the destination
                paths = tables.repair_paths(u, dst)
                if not paths:
                    return "no route", used
                path = paths[int(flow_hash[u]) % len(paths)]
                used.extend(zip(path[:-1], path[1:]))
                return "delivered", used
            return "dead link", used + [(u, v)]
        used.append((u, v))
        u = v
    return "delivered", used


def route_flow(fabric: Fabric, src: str, dst: str, *, failed_link: Any = None, updated: Any = (),
               armed: Any = (), flow_hash: int = 0) -> tuple:
    """Follow one packet from ``src`` to ``dst`` with each switch in a given state.

    Parameters
    ----------
    fabric : Fabric
    src, dst : str
        Switch names.
    failed_link : (str, str), optional
        The failed link (None: no failure).
    updated : iterable of str, default=()
        Switches that already forward on the new (post-failure) routes.
    armed : iterable of str, default=()
        Switches at the failed link's ends that have detected it and use their precomputed repair.
    flow_hash : int, default=0
        The flow's ECMP hash (0 .. 2**62); each switch picks next hop ``(flow_hash + its index) mod k``.

    Returns
    -------
    (str, list of (str, str))
        The outcome ("delivered", "dead link", "loop" or "no route") and the links the packet crossed.

    Raises
    ------
    TypeError, ValueError
        On unknown switches or links.

    Examples
    --------
    >>> f = leaf_spine(4, 2)
    >>> route_flow(f, "L1", "L0", failed_link=("L0", "S0"), flow_hash=1)[0]
    'dead link'
    >>> route_flow(f, "L1", "L0", failed_link=("L0", "S0"), armed=["S0"], flow_hash=1)
    ('delivered', [('L1', 'S0'), ('S0', 'L3'), ('L3', 'S1'), ('S1', 'L0')])
    """
    fabric = _check_fabric(fabric)
    if not isinstance(src, str):
        raise TypeError(f'"src" must be a switch name, got {src!r}')
    if not isinstance(dst, str):
        raise TypeError(f'"dst" must be a switch name, got {dst!r}')
    s, d = fabric.index(src, "src"), fabric.index(dst, "dst")
    h = check_int("flow_hash", flow_hash, minimum=0, maximum=2**62)  # h + switch index stays an int64
    failed = (-1, -1) if failed_link is None else _check_link(fabric, failed_link)
    state = np.zeros(fabric.n_switches, dtype=int)
    for name, value in (("updated", updated), ("armed", armed)):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f'"{name}" must be a list of switch names, got {value!r}')
        try:
            items = list(value)
        except TypeError:  # a 0-d array has __iter__ but cannot be iterated
            raise TypeError(f'"{name}" must be a list of switch names, got {value!r}') from None
        for sw in items:
            if not isinstance(sw, str):
                raise TypeError(f'"{name}" must be a list of switch names, got {value!r}')
            state[fabric.index(sw, name)] = 2 if name == "updated" else 1
    tables = _Tables(fabric, failed) if failed_link is not None else _Tables(fabric, (-1, -1))
    outcome, used = _forward(tables, s, d, state, h + np.arange(fabric.n_switches))
    return outcome, [(fabric.names[a], fabric.names[b]) for a, b in used]


@dataclass(frozen=True)
class FailureResult:
    """What happened after a link failed, interval by interval.

    Attributes
    ----------
    strategy : str
        "distributed" or "local".
    failed_link : (str, str)
        The link that failed at time 0.
    rate_pps : float
        Packets per second each flow sends.
    times_s : numpy.ndarray, shape (k + 1,)
        Interval boundaries: 0, the events, and the end of the run.
    outcomes : numpy.ndarray of str, shape (k, n_flows)
        Each flow's outcome in each interval.
    max_link_load : numpy.ndarray, shape (k,)
        The busiest surviving directed link's load in each interval, in flows.
    base_max_link_load : float
        The busiest link's load before the failure, in flows.
    update_s : numpy.ndarray, shape (n_switches,)
        When each switch began forwarding on new routes.
    in_flight_lost : float
        Packets on the failed link's wire when it failed (lost under any strategy).
    flows : tuple of (str, str)
        Source and destination leaf of each flow.
    repair_crosses_failed_link : bool
        Whether any delivered packet crossed the failed link after it failed (it must not).
    """

    strategy: str
    failed_link: tuple
    rate_pps: float
    times_s: np.ndarray = field(repr=False)
    outcomes: np.ndarray = field(repr=False)
    max_link_load: np.ndarray = field(repr=False)
    base_max_link_load: float = 0.0
    update_s: np.ndarray = field(repr=False, default=None)
    in_flight_lost: float = 0.0
    flows: tuple = field(repr=False, default=())
    repair_crosses_failed_link: bool = False

    def lost(self, reason: str | None = None) -> float:
        """Packets lost (all flows), optionally for one reason: "dead link", "loop" or "no route"."""
        widths = np.diff(self.times_s)
        if reason is None:
            mask = self.outcomes != "delivered"
        else:
            mask = self.outcomes == check_choice("reason", reason, OUTCOMES[1:])
        return float((mask * widths[:, None]).sum() * self.rate_pps) + (
            self.in_flight_lost if reason in (None, "dead link") else 0.0)

    @property
    def packets_lost(self) -> float:
        """All packets lost, including those in flight on the failed link."""
        return self.lost()

    @property
    def recovery_s(self) -> float:
        """When the last flow stopped losing packets, seconds after the failure (0 if none lost)."""
        lossy = np.flatnonzero((self.outcomes != "delivered").any(axis=1))
        return float(self.times_s[lossy[-1] + 1]) if lossy.size else 0.0

    @property
    def peak_load_ratio(self) -> float:
        """The busiest link's load at its worst moment, relative to the busiest link before the failure."""
        return float(self.max_link_load.max() / self.base_max_link_load)


def _switch_times(tables: _Tables, strategy: str, detect: float, hop: float, spf: float, fib: float,
                  ctrl: float) -> tuple:
    """(update_s, armed_s): when each switch starts using new routes, and when it arms its local repair."""
    n = tables.fabric.n_switches
    ends = np.array(tables.failed)
    armed_at = np.full(n, np.inf)
    if strategy == "distributed":
        heard = detect + hop * tables.d_new[:, ends].min(axis=1)  # flooded over the surviving links
        update = heard + spf + fib
    else:
        update = np.full(n, detect + ctrl)
        armed_at[ends] = detect
    return update, armed_at


def _check_failure_args(fabric, failed_link, strategy, detect_s, hop_s, spf_s, fib_s, controller_s, link_delay_s,
                        rate_pps, duration_s):
    fabric = _check_fabric(fabric)
    failed = _check_link(fabric, failed_link)
    strategy = check_choice("strategy", strategy, STRATEGIES)
    times = [check_nonnegative(name, value) for name, value in (
        ("detect_s", detect_s), ("hop_s", hop_s), ("spf_s", spf_s), ("fib_s", fib_s),
        ("controller_s", controller_s), ("link_delay_s", link_delay_s))]
    rate, duration = check_positive("rate_pps", rate_pps), check_positive("duration_s", duration_s)
    detect, hop, spf, fib, ctrl, delay = times
    # the latest switch update (a flood crosses at most n_switches hops) and the packets on the failed wire
    check_result_finite("a switch's update time or the packets in flight",
                        lambda: [detect + hop * fabric.n_switches + spf + fib + ctrl, rate * delay],
                        detect_s=detect, hop_s=hop, spf_s=spf, fib_s=fib, controller_s=ctrl, link_delay_s=delay,
                        rate_pps=rate)
    return (fabric, failed, strategy, *times, rate, duration)


def simulate_link_failure(fabric: Fabric, failed_link: Any, *, strategy: str = "distributed",
                          detect_s: float = 0.05, hop_s: float = 0.005, spf_s: float = 0.05,
                          fib_s: float = 0.2, controller_s: float = 1.0, link_delay_s: float = 1e-6,
                          rate_pps: float = 10_000.0, duration_s: float = 2.0, rng: Any = None) -> FailureResult:
    """Fail ``failed_link`` at time 0 and follow every leaf-to-leaf flow until ``duration_s``.

    Parameters
    ----------
    fabric : Fabric
    failed_link : (str, str)
        The link that fails, by switch names.
    strategy : {"distributed", "local"}, default="distributed"
        Link-state reconvergence, or precomputed repairs applied by the link's end switches.
    detect_s : float, default=0.05
        Time for a switch at the link's end to detect the failure (e.g. 3 missed 15 ms BFD probes), s.
    hop_s : float, default=0.005
        Distributed: time for the failure notice to cross one more switch (flooding), s.
    spf_s : float, default=0.05
        Distributed: wait plus shortest-path computation at each switch, s.
    fib_s : float, default=0.2
        Distributed: time to write the new routes into the switch's forwarding hardware, s.
    controller_s : float, default=1.0
        Local: time after detection until the controller's new routes are installed everywhere, s.
    link_delay_s : float, default=1e-6
        Propagation time of the failed link (packets on it when it fails are lost), s.
    rate_pps : float, default=10000
        Packets per second each flow sends (> 0).
    duration_s : float, default=2.0
        Length of the run after the failure (> 0), s.
    rng : None, int or Generator, optional
        Draws each flow's ECMP hash.

    Returns
    -------
    FailureResult

    Raises
    ------
    TypeError, ValueError
        On a bad fabric, link, strategy or time, or when a switch's update time or the packets in flight
        (rate_pps x link_delay_s) would leave the float range.

    Examples
    --------
    >>> f = leaf_spine(8, 4)
    >>> d = simulate_link_failure(f, ("L0", "S0"), strategy="distributed", rng=1)
    >>> l = simulate_link_failure(f, ("L0", "S0"), strategy="local", rng=1)
    >>> round(d.recovery_s, 3), round(l.recovery_s, 3)
    (0.305, 0.05)
    """
    (fabric, failed, strategy, detect, hop, spf, fib, ctrl, delay, rate, duration) = _check_failure_args(
        fabric, failed_link, strategy, detect_s, hop_s, spf_s, fib_s, controller_s, link_delay_s, rate_pps,
        duration_s)
    rng = make_rng(rng)

    tables = _Tables(fabric, failed)
    n = fabric.n_switches
    flows = [(a, b) for a in fabric.hosts for b in fabric.hosts if a != b]
    hashes = rng.integers(0, 1 << 30, size=(len(flows), n))

    update, armed_at = _switch_times(tables, strategy, detect, hop, spf, fib, ctrl)
    events = sorted({0.0, duration, *[t for t in np.concatenate([update, armed_at]) if t < duration]})
    times = np.array(events)

    outcomes = np.empty((times.size - 1, len(flows)), dtype=object)
    max_load = np.zeros(times.size - 1)
    crosses = False
    for k in range(times.size - 1):
        t = times[k]
        state = np.where(update <= t, 2, np.where(armed_at <= t, 1, 0))
        load: dict = {}
        for f, (a, b) in enumerate(flows):
            outcome, used = _forward(tables, a, b, state, hashes[f])
            outcomes[k, f] = outcome
            for link in used:
                if tuple(sorted(link)) == failed:
                    if outcome == "delivered":
                        crosses = True
                    continue
                load[link] = load.get(link, 0) + 1
        max_load[k] = max(load.values()) if load else 0.0

    base: dict = {}
    in_flight = 0.0
    zero = np.zeros(n, dtype=int)
    intact = _Tables(fabric, (-1, -1))
    for f, (a, b) in enumerate(flows):
        _, used = _forward(intact, a, b, zero, hashes[f])
        for link in used:
            base[link] = base.get(link, 0) + 1
            if tuple(sorted(link)) == failed:
                in_flight += rate * delay
    names = fabric.names
    return FailureResult(strategy, (names[failed[0]], names[failed[1]]), rate, times,
                         outcomes.astype(str), max_load, float(max(base.values())), update, in_flight,
                         tuple((names[a], names[b]) for a, b in flows), crosses)


def simulate_link_failure_simpy(fabric: Fabric, failed_link: Any, *, strategy: str = "distributed",
                                detect_s: float = 0.05, hop_s: float = 0.005, spf_s: float = 0.05,
                                fib_s: float = 0.2, controller_s: float = 1.0, rate_pps: float = 1000.0,
                                duration_s: float = 0.5, rng: Any = None) -> dict:
    """:func:`simulate_link_failure` packet by packet, as SimPy processes: the reference it is tested and
    benchmarked against.

    One process per switch changes its forwarding state at its update (and repair) time; one process per
    flow sends a packet every 1 / ``rate_pps`` seconds (the first half a gap after the failure) and
    forwards it with the switches' states at that instant. Packets on the failed wire at time 0 are not
    counted here.

    Parameters are as for :func:`simulate_link_failure` (same seed, same flow hashes).

    Returns
    -------
    dict of str to int
        Packets "sent" and lost per cause ("dead link", "loop", "no route").

    Raises
    ------
    TypeError, ValueError
        On a bad fabric, link, strategy or time, as for :func:`simulate_link_failure`; or more than
        ``MAX_SIMPY_PACKETS`` packets (flows x rate_pps x duration_s).

    Examples
    --------
    >>> simulate_link_failure_simpy(leaf_spine(4, 2), ("L0", "S0"), strategy="local", rate_pps=100.0,
    ...                             duration_s=0.1, rng=1)["dead link"]  # 3 flows x 100/s x 50 ms
    15
    """
    import simpy

    (fabric, failed, strategy, detect, hop, spf, fib, ctrl, _, rate, duration) = _check_failure_args(
        fabric, failed_link, strategy, detect_s, hop_s, spf_s, fib_s, controller_s, 0.0, rate_pps, duration_s)
    rng = make_rng(rng)
    tables = _Tables(fabric, failed)
    n = fabric.n_switches
    flows = [(a, b) for a in fabric.hosts for b in fabric.hosts if a != b]
    packets = len(flows) * rate * duration
    if not packets <= MAX_SIMPY_PACKETS:
        raise ValueError(f'"rate_pps" x "duration_s" x {len(flows)} flows must be at most {MAX_SIMPY_PACKETS:,} '
                         f'packets (each is a SimPy event), got {rate!r} x {duration!r} x {len(flows)} = {packets:.4g}')
    hashes = rng.integers(0, 1 << 30, size=(len(flows), n))
    update, armed_at = _switch_times(tables, strategy, detect, hop, spf, fib, ctrl)
    state = np.zeros(n, dtype=int)
    counts = {"sent": 0, "dead link": 0, "loop": 0, "no route": 0}
    env = simpy.Environment()

    def switch(env, u):
        for when, value in sorted(((armed_at[u], 1), (update[u], 2))):
            if when < duration:
                yield env.timeout(when - env.now)
                state[u] = max(state[u], value)

    def flow(env, f, src, dst):
        gap = 1.0 / rate
        yield env.timeout(gap / 2)
        while env.now < duration:
            outcome, _ = _forward(tables, src, dst, state, hashes[f])
            counts["sent"] += 1
            if outcome != "delivered":
                counts[outcome] += 1
            yield env.timeout(gap)

    for u in range(n):
        env.process(switch(env, u))
    for f, (a, b) in enumerate(flows):
        env.process(flow(env, f, a, b))
    env.run(until=duration)
    return counts


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------


def pose_problem(rng: Any = None) -> Problem:
    """A random reconvergence question: when does the last switch update, in milliseconds?

    Parameters
    ----------
    rng : None, int or Generator, optional
        Seed or generator.

    Returns
    -------
    Problem

    Examples
    --------
    >>> pose_problem(2).kind
    'reconvergence'
    """
    rng = make_rng(rng)
    detect = float(rng.choice([15, 50, 150]))
    hop = float(rng.choice([1, 5, 10]))
    spf = float(rng.choice([10, 50, 100]))
    fib = float(rng.choice([50, 200, 500]))
    statement = (f"In a leaf-spine fabric a link between a leaf and a spine fails. Its two ends detect it\n"
                 f"after {detect:g} ms. A link-state protocol floods the news at {hop:g} ms per hop; each\n"
                 f"switch then waits and computes routes for {spf:g} ms and needs {fib:g} ms to install them.\n"
                 f"The farthest switch is 2 hops from the nearer end of the failed link.\n"
                 f"When does the last switch forward on new routes, in ms after the failure?")
    return Problem("reconvergence", _fit_lines(statement, prose=True), {"detect_ms": detect, "hop_ms": hop, "spf_ms": spf,
                                                "fib_ms": fib, "hops": 2})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a fabric :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> solve(pose_problem(2)).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind != "reconvergence":
        raise TypeError(f'"problem" must be a fabric Problem from pose_problem, got {problem!r}')
    q = problem.params
    value = q["detect_ms"] + q["hops"] * q["hop_ms"] + q["spf_ms"] + q["fib_ms"]
    working = (f"detect {q['detect_ms']:g} + flood {q['hops']} x {q['hop_ms']:g} + compute {q['spf_ms']:g}"
               f" + install {q['fib_ms']:g} = {value:g} ms")
    return Solution(problem, value, _fit_lines(working))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.fabric [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.fabric", "Practice problems on routing reconvergence.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
