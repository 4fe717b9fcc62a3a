"""labsupport.fabric: repairs never use the failed link, deliver every packet that was not sent into it
before anyone could know, never loop; reconvergence takes as long as its slowest switch; a packet-by-
packet simulation written here agrees with the interval model."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from labsupport import fabric as fb

FABRIC = fb.leaf_spine(6, 3)
TIMES = {"detect_s": 0.05, "hop_s": 0.005, "spf_s": 0.05, "fib_s": 0.2, "controller_s": 1.0}


def test_leaf_spine_structure_and_distances_against_floyd_warshall():
    f = fb.leaf_spine(5, 3)
    assert len(f.links) == 15 and f.hosts == (0, 1, 2, 3, 4)
    for failed in (None, ("L2", "S1")):
        n = f.n_switches
        d = np.full((n, n), np.inf)
        np.fill_diagonal(d, 0)
        for i, j in f.links:
            if failed is None or (f.names[i], f.names[j]) != failed:
                d[i, j] = d[j, i] = 1
        for k in range(n):  # Floyd-Warshall: the independent reference
            d = np.minimum(d, d[:, [k]] + d[[k], :])
        np.testing.assert_array_equal(fb.hop_distances(f, failed), d)


ALL_LINKS = [(FABRIC.names[i], FABRIC.names[j]) for i, j in FABRIC.links]


@pytest.mark.parametrize("link", ALL_LINKS[::2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_local_repair_never_uses_the_failed_link_and_never_loops(link, seed):
    r = fb.simulate_link_failure(FABRIC, link, strategy="local", rng=seed, **TIMES)
    assert not r.repair_crosses_failed_link
    assert r.lost("loop") == 0 and r.lost("no route") == 0
    after = r.times_s[:-1] >= TIMES["detect_s"]
    assert np.all(r.outcomes[after] == "delivered")  # everything sent after detection arrives
    assert r.recovery_s in (0.0, pytest.approx(TIMES["detect_s"]))  # 0: no flow happened to use the link


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_with_instant_detection_only_packets_on_the_failed_wire_are_lost(seed):
    r = fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="local", rng=seed, **{**TIMES, "detect_s": 0.0},
                                 link_delay_s=5e-6, rate_pps=1e5)
    assert r.packets_lost == pytest.approx(r.in_flight_lost) and r.in_flight_lost > 0
    # in flight = rate x wire time x the flows whose path used the link before the failure
    users = r.in_flight_lost / (1e5 * 5e-6)
    assert users == pytest.approx(round(users)) and users >= 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_distributed_reconvergence_ends_when_its_slowest_switch_updates(seed):
    r = fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="distributed", rng=seed, **TIMES)
    # The ends update after detect + compute + install; in a leaf-spine every other switch is one hop
    # further. Losses end with the ends' update, or with the last switch's if it was still looping traffic.
    ends = TIMES["detect_s"] + TIMES["spf_s"] + TIMES["fib_s"]
    assert r.update_s.max() == pytest.approx(ends + TIMES["hop_s"])
    assert r.recovery_s in (pytest.approx(ends), pytest.approx(ends + TIMES["hop_s"]))
    assert np.all(r.outcomes[-1] == "delivered")
    assert not r.repair_crosses_failed_link
    local = fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="local", rng=seed, **TIMES)
    assert r.packets_lost > 5 * local.packets_lost


def test_distributed_reconvergence_makes_micro_loops_in_the_gap():
    # The spine at the failed link updates before the leaves it now detours through: they still send
    # some of that traffic back to it, until they update too (a known hazard of hop-by-hop convergence).
    loops = [fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="distributed", rng=seed, **TIMES).lost("loop")
             for seed in range(5)]
    assert max(loops) > 0
    none = fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="distributed", rng=0,
                                    **{**TIMES, "hop_s": 0.0})
    assert none.lost("loop") == 0  # no gap between switches: no loop


def plain_packet_simulation(fabric, link, strategy, rate, duration, seed):
    """Packet by packet, with the forwarding written out here: the independent check of the intervals."""
    names = fabric.names
    n = fabric.n_switches
    fail = tuple(sorted((fabric.index(link[0]), fabric.index(link[1]))))
    up = [[] for _ in range(n)]
    down = [[] for _ in range(n)]
    for i, j in fabric.links:
        for a, b in ((i, j), (j, i)):
            up[a].append(b)
            if (i, j) != fail:
                down[a].append(b)
    d_old, d_new = fb.hop_distances(fabric), fb.hop_distances(fabric, link)
    rng = np.random.default_rng(seed)
    flows = [(a, b) for a in fabric.hosts for b in fabric.hosts if a != b]
    hashes = rng.integers(0, 1 << 30, size=(len(flows), n))
    if strategy == "distributed":
        upd = TIMES["detect_s"] + TIMES["hop_s"] * d_new[:, list(fail)].min(axis=1) + TIMES["spf_s"] + TIMES["fib_s"]
        armed = np.full(n, np.inf)
    else:
        upd = np.full(n, TIMES["detect_s"] + TIMES["controller_s"])
        armed = np.full(n, np.inf)
        armed[list(fail)] = TIMES["detect_s"]
    lost = 0
    for k in range(int(duration * rate)):
        t = (k + 0.5) / rate
        for f, (src, dst) in enumerate(flows):
            u, ttl, ok = src, 4 * n, None
            while ok is None:
                if u == dst:
                    ok = True
                    break
                if ttl == 0:
                    ok = False
                    break
                ttl -= 1
                new = upd[u] <= t
                adj, d = (down, d_new) if new else (up, d_old)
                hops = sorted(v for v in adj[u] if d[v, dst] == d[u, dst] - 1)
                v = hops[hashes[f, u] % len(hops)]
                if tuple(sorted((u, v))) == fail:
                    ok = bool(armed[u] <= t)  # a repair path exists in this fabric: delivered
                    break
                u = v
            lost += not ok
    return lost


@pytest.mark.parametrize("strategy", fb.STRATEGIES)
def test_interval_model_agrees_with_a_packet_by_packet_simulation(strategy):
    rate, duration = 200.0, 0.5
    r = fb.simulate_link_failure(FABRIC, ("L1", "S2"), strategy=strategy, rng=4, rate_pps=rate,
                                 duration_s=duration, link_delay_s=0.0, **TIMES)
    plain = plain_packet_simulation(FABRIC, ("L1", "S2"), strategy, rate, duration, 4)
    # Each (interval, flow) pair can differ by one packet at its boundaries.
    assert abs(r.packets_lost - plain) <= (r.times_s.size - 1) * len(r.flows)
    assert plain > 0


@pytest.mark.parametrize("strategy", fb.STRATEGIES)
@pytest.mark.parametrize("seed", [0, 3])
def test_interval_model_agrees_with_its_simpy_twin(strategy, seed):
    kwargs = dict(strategy=strategy, rng=seed, rate_pps=1000.0, duration_s=0.5, **TIMES)
    r = fb.simulate_link_failure(FABRIC, ("L2", "S1"), link_delay_s=0.0, **kwargs)
    twin = fb.simulate_link_failure_simpy(FABRIC, ("L2", "S1"), **kwargs)
    assert twin["sent"] == len(r.flows) * 500
    for reason in ("dead link", "loop", "no route"):
        assert abs(r.lost(reason) - twin[reason]) <= (r.times_s.size - 1) * len(r.flows)


def test_route_flow_follows_the_states():
    f = fb.leaf_spine(4, 2)
    assert fb.route_flow(f, "L1", "L0", flow_hash=0)[0] == "delivered"
    outcome, used = fb.route_flow(f, "L1", "L0", failed_link=("L0", "S0"), updated=["L1"], flow_hash=1)
    assert outcome == "delivered" and ("S0", "L0") not in used


def test_bad_input_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match='"n_leaves" must be >= 2, got 1'):
        fb.leaf_spine(1, 2)
    with pytest.raises(ValueError, match='"failed_link": there is no link between \'L0\' and \'L1\''):
        fb.simulate_link_failure(FABRIC, ("L0", "L1"))
    with pytest.raises(ValueError, match='no switch called \'X9\''):
        fb.simulate_link_failure(FABRIC, ("X9", "S0"))
    with pytest.raises(TypeError, match='"failed_link" must be a pair of switch names'):
        fb.simulate_link_failure(FABRIC, "L0-S0")
    with pytest.raises(ValueError, match='"strategy" must be one of'):
        fb.simulate_link_failure(FABRIC, ("L0", "S0"), strategy="magic")
    with pytest.raises(ValueError, match='"detect_s" must be >= 0, got -1.0'):
        fb.simulate_link_failure(FABRIC, ("L0", "S0"), detect_s=-1)
    with pytest.raises(TypeError, match='"fabric" must be a Fabric'):
        fb.hop_distances("leaf-spine")


@pytest.mark.parametrize("seed", range(5))
def test_pose_and_solve(seed):
    problem = fb.pose_problem(seed)
    q = problem.params
    times = {"detect_s": q["detect_ms"] / 1e3, "hop_s": q["hop_ms"] / 1e3, "spf_s": q["spf_ms"] / 1e3,
             "fib_s": q["fib_ms"] / 1e3}
    # The leaf-spine's farthest switch is 1 hop away; the problem says 2 hops: add one more hop.
    r = fb.simulate_link_failure(fb.leaf_spine(4, 2), ("L0", "S0"), strategy="distributed", rng=seed, **times)
    assert fb.solve(problem).value == pytest.approx(1e3 * r.update_s.max() + q["hop_ms"])


def test_command_line(capsys):
    assert fb.main(["--seed", "1", "--solve"]) == 0
    assert "python -m labsupport.fabric --seed 1" in capsys.readouterr().out


def test_an_unknown_switch_names_the_parameter():
    """Regression from tests/test_properties.py: the message did not say which argument held the bad name."""
    f = fb.leaf_spine(4, 2)
    with pytest.raises(ValueError, match=r'"src": no switch called \'\'; switches are L0'):
        fb.route_flow(f, "", "L0")
    with pytest.raises(ValueError, match=r'"dst": no switch called \'X\''):
        fb.route_flow(f, "L1", "X")
    with pytest.raises(ValueError, match=r'"armed": no switch called \'S9\''):
        fb.route_flow(f, "L1", "L0", armed=["S9"])
    with pytest.raises(TypeError, match=r'"updated" must be a list of switch names, got array\(0\.\)'):
        fb.route_flow(f, "L1", "L0", updated=np.array(0.0))  # was numpy's "iteration over a 0-d array"


def test_failure_simulations_refuse_what_they_cannot_serve():
    """Regressions from HYPOTHESIS_PROFILE=deep: an inf packet count, and a SimPy run without bound."""
    f = fb.leaf_spine(4, 2)
    with pytest.raises(ValueError, match=r'packets in flight is beyond the float range .*"link_delay_s" = 1\.79'):
        fb.simulate_link_failure(f, ("L0", "S0"), link_delay_s=1.7976931348623157e308, rng=1)  # was inf
    with pytest.raises(ValueError, match=r'"rate_pps" x "duration_s" x 12 flows must be at most 100,000 packets'):
        fb.simulate_link_failure_simpy(f, ("L0", "S0"), rate_pps=1e9, rng=1)  # ran for hours
    with pytest.raises(ValueError, match=r'"flow_hash" must be <= 4611686018427387904'):
        fb.route_flow(f, "L1", "L0", flow_hash=2**63)  # was OverflowError "too large to convert to C long"
