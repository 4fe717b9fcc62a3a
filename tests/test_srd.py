"""Tests for labsupport.srd: exact ECMP formulas, delivery guarantees, the published direction of the effect."""
from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from labsupport import srd

# --------------------------------------------------------------------------------------------
# ECMP closed forms: exact against brute-force enumeration, and against simulation
# --------------------------------------------------------------------------------------------


def _enumerate(n, m):
    """All m**n hashings, equally likely: (P(no collision), E[paths used])."""
    total = 0
    distinct = 0
    used = 0
    for assignment in itertools.product(range(m), repeat=n):
        total += 1
        k = len(set(assignment))
        distinct += k == n
        used += k
    return distinct / total, used / total


@pytest.mark.parametrize("n,m", [(0, 1), (1, 1), (2, 1), (1, 3), (2, 2), (2, 4), (3, 4), (4, 4), (5, 4), (3, 6), (4, 5)])
def test_ecmp_closed_forms_match_enumeration(n, m):
    p_exact, used_exact = _enumerate(n, m)
    assert srd.ecmp_no_collision_probability(n, m) == pytest.approx(p_exact, rel=1e-12, abs=1e-15)
    assert srd.expected_paths_used(n, m) == pytest.approx(used_exact, rel=1e-12, abs=1e-15)


def test_ecmp_large_values_do_not_overflow():
    # 100 flows on 10**6 paths: exp(-n(n-1)/(2m)) to first order
    p = srd.ecmp_no_collision_probability(100, 10**6)
    assert p == pytest.approx(math.exp(-100 * 99 / 2e6), rel=1e-4)
    assert srd.ecmp_no_collision_probability(5000, 4000) == 0.0
    # n = m large: fraction of paths used -> 1 - 1/e
    m = 10**6
    assert srd.expected_paths_used(m, m) / m == pytest.approx(1 - math.exp(-1), rel=1e-5)


@pytest.mark.parametrize("n,m", [(8, 16), (16, 16), (4, 64)])
def test_ecmp_simulation_agrees_with_closed_forms(n, m):
    r = srd.simulate_ecmp(n, m, n_trials=20_000, rng=11)
    p = srd.ecmp_no_collision_probability(n, m)
    se = math.sqrt(p * (1 - p) / r.n_trials)
    assert abs(r.no_collision_fraction - p) < 4 * se + 1e-12
    mean_used = srd.expected_paths_used(n, m)
    se_used = r.paths_used.std(ddof=1) / math.sqrt(r.n_trials)
    assert abs(r.mean_paths_used - mean_used) < 4 * se_used
    assert np.all(r.flows_per_path.sum(axis=1) == n)
    # each flow's share of its path's rate averages E[paths used]/n: total throughput = paths used
    assert r.flow_rate_fraction.mean() == pytest.approx(mean_used / n, abs=4 * se_used / n)


# --------------------------------------------------------------------------------------------
# Delivery: nothing lost, duplicated or corrupted, whatever the loss or failure
# --------------------------------------------------------------------------------------------
HARSH = [
    dict(loss_probability=0.0),
    dict(loss_probability=0.3),
    dict(loss_probability=0.05, failed_path=0, failure_start_us=200.0, failure_duration_us=3000.0),
    dict(loss_probability=0.1, spray=False),
    dict(loss_probability=0.1, congestion_aware=False, fast_retransmit=False),
]


@pytest.mark.parametrize("protocol", srd.PROTOCOLS)
@pytest.mark.parametrize("case", HARSH)
def test_every_message_arrives_exactly_once_and_intact(protocol, case):
    r = srd.simulate_transfers(protocol, n_messages=60, n_paths=4, rng=5, mtu_bytes=1500, **case)
    assert r.completion_times_us.shape == (60,)
    assert np.all(np.isfinite(r.completion_times_us)) and np.all(r.completion_times_us > 0)
    assert np.all(r.deliveries_per_message == 1)
    assert r.packet_delivered_counts.shape == (60, 11)  # ceil(16384 / 1500)
    assert np.all(r.packet_delivered_counts == 1)
    assert np.array_equal(r.sent_checksums, r.received_checksums)
    assert r.all_delivered_intact
    if case["loss_probability"] > 0:
        assert r.n_lost > 0 and r.n_retransmissions >= r.n_lost
    assert r.n_transmissions == 60 * 11 + r.n_retransmissions
    assert r.packets_per_path.sum() == r.n_transmissions


def test_checksums_would_catch_corruption():
    r = srd.simulate_transfers("srd", n_messages=20, n_paths=4, loss_probability=0.0, rng=1)
    # the sent checksums are of distinct random payloads, so a swapped message would be caught
    assert len(set(r.sent_checksums.tolist())) == 20


def test_simpy_engine_is_the_same_model_exactly_without_loss():
    for protocol in srd.PROTOCOLS:
        a = srd.simulate_transfers(protocol, n_messages=200, n_paths=8, loss_probability=0.0, rng=4)
        b = srd.simulate_transfers_simpy(protocol, n_messages=200, n_paths=8, loss_probability=0.0, rng=4)
        assert b.engine == "simpy" and b.all_delivered_intact
        np.testing.assert_allclose(a.completion_times_us, b.completion_times_us, rtol=1e-9)


def test_simpy_engine_agrees_statistically_with_loss():
    # With loss the two engines draw loss decisions in a different order: compare the mean
    # number of lost packets per run and the median completion time across seeds.
    kw = dict(n_messages=150, n_paths=8, loss_probability=0.02, n_hot_paths=0)
    fast = [srd.simulate_transfers("srd", rng=s, **kw) for s in range(12)]
    slow = [srd.simulate_transfers_simpy("srd", rng=s, **kw) for s in range(12)]
    lost_f = np.array([r.n_lost for r in fast], float)
    lost_s = np.array([r.n_lost for r in slow], float)
    n_pkts = 150 * 4
    # losses ~ Binomial(>= 600, 0.02): mean ~ 12, sd ~ 3.5 per run; 12 runs each
    se = math.sqrt(lost_f.var(ddof=1) / 12 + lost_s.var(ddof=1) / 12)
    assert abs(lost_f.mean() - lost_s.mean()) < 4 * se
    assert lost_f.mean() == pytest.approx(0.02 * n_pkts, rel=0.35)
    med_f = np.median(np.concatenate([r.completion_times_us for r in fast]))
    med_s = np.median(np.concatenate([r.completion_times_us for r in slow]))
    assert med_f == pytest.approx(med_s, rel=0.05)


# --------------------------------------------------------------------------------------------
# The published direction and size of the effect
# --------------------------------------------------------------------------------------------
def test_loss_tcp_tail_shows_rto_floor_and_srd_does_not():
    kw = dict(n_messages=1500, n_paths=8, loss_probability=0.01, rng=21)
    tcp = srd.simulate_transfers("tcp", **kw)
    s = srd.simulate_transfers("srd", **kw)
    assert tcp.n_timeouts > 0
    assert np.any(tcp.completion_times_us >= 200_000.0)        # the 200 ms RTO floor
    assert np.percentile(tcp.completion_times_us, 99.9) >= 200_000.0
    assert np.percentile(s.completion_times_us, 99.9) < 2_000.0  # microsecond-scale retransmits
    assert np.percentile(s.completion_times_us, 99.9) < np.percentile(tcp.completion_times_us, 99.9) / 50


def test_failed_link_tcp_waits_for_rto_srd_routes_around():
    kw = dict(n_messages=800, n_paths=8, loss_probability=0.0, rng=2, failed_path=0,
              failure_start_us=1000.0, failure_duration_us=10_000.0)
    tcp = srd.simulate_transfers("tcp", **kw)
    s = srd.simulate_transfers("srd", **kw)
    # connection 0 is hashed onto path 0 (the failed one) and must wait for its RTO
    assert tcp.n_timeouts >= 1
    assert tcp.completion_times_us.max() >= 200_000.0
    assert s.completion_times_us.max() < 5_000.0
    assert np.percentile(s.completion_times_us, 99.9) < np.percentile(tcp.completion_times_us, 99.9) / 50


def test_light_load_no_loss_medians_are_close():
    kw = dict(n_messages=600, n_paths=8, loss_probability=0.0, rng=8, offered_load=0.05, n_hot_paths=0)
    t = np.median(srd.simulate_transfers("tcp", **kw).completion_times_us)
    s = np.median(srd.simulate_transfers("srd", **kw).completion_times_us)
    assert 0.5 < s / t < 2.0
    # SRD's extra processing can make its median the higher one; without it SRD is not slower
    s0 = np.median(srd.simulate_transfers("srd", srd_processing_us=0.0, **kw).completion_times_us)
    assert s == pytest.approx(s0 + 15.0, rel=1e-6, abs=1.0)


def test_each_ingredient_fixes_its_part_of_the_tail():
    base = dict(n_messages=1000, n_paths=8, rng=9)
    # elephants on hot paths, no loss: congestion-aware spraying removes the hot-path tail
    p99 = {}
    for label, kw in {"tcp": ("tcp", {}), "srd": ("srd", {}), "blind": ("srd", {"congestion_aware": False}),
                      "pinned": ("srd", {"spray": False})}.items():
        r = srd.simulate_transfers(kw[0], loss_probability=0.0, **base, **kw[1])
        p99[label] = np.percentile(r.completion_times_us, 99)
    assert p99["srd"] < p99["tcp"] / 3
    assert p99["srd"] < p99["blind"] / 3 and p99["srd"] < p99["pinned"] / 3
    # random loss: without microsecond retransmits SRD's tail goes back to the RTO floor
    slow = srd.simulate_transfers("srd", loss_probability=0.01, fast_retransmit=False, **base)
    fast = srd.simulate_transfers("srd", loss_probability=0.01, **base)
    assert np.percentile(slow.completion_times_us, 99.9) >= 200_000.0
    assert np.percentile(fast.completion_times_us, 99.9) < 2_000.0


def test_single_flow_throughput_tcp_bounded_by_one_path_srd_by_nic():
    t = srd.single_flow_throughput("tcp", n_messages=150, n_paths=8, rng=0)
    s = srd.single_flow_throughput("srd", n_messages=150, n_paths=8, rng=0)
    assert t.throughput_gbps <= t.path_limit_gbps * 1.0001
    assert t.throughput_gbps > 0.8 * t.path_limit_gbps
    assert s.throughput_gbps <= s.nic_limit_gbps * 1.0001
    assert s.throughput_gbps > 0.8 * s.nic_limit_gbps
    two = srd.single_flow_throughput("srd", n_messages=150, n_paths=8, rng=0, n_spray_paths=2)
    assert two.throughput_gbps <= 2 * two.path_limit_gbps * 1.0001


def test_tcp_rto_rule():
    assert srd.tcp_rto_us(60.0, 20.0) == 200_000.0
    assert srd.tcp_rto_us(300_000.0, 10_000.0) == 340_000.0
    assert srd.tcp_rto_us(60.0, 20.0, backoffs=3) == 1_600_000.0
    assert srd.tcp_rto_us(60.0, 20.0, backoffs=20) == 120_000_000.0


def test_load_sweep_shapes_and_seeding():
    a = srd.load_sweep([0.1, 0.3], n_messages=60, n_paths=8, loss_probability=0.0, rng=1, progress=False)
    b = srd.load_sweep([0.1, 0.3], n_messages=60, n_paths=8, loss_probability=0.0, rng=1, progress=False)
    assert set(a.values_us) == {"TCP", "SRD"}
    assert a.values_us["TCP"].shape == (2, 3)
    np.testing.assert_array_equal(a.values_us["SRD"], b.values_us["SRD"])
    assert np.all(np.diff(a.values_us["TCP"], axis=1) >= 0)  # percentiles are ordered


def test_results_carry_their_parameters():
    r = srd.simulate_transfers("tcp", n_messages=10, n_paths=3, loss_probability=0.1, rng=0, offered_load=0.4)
    assert (r.protocol, r.n_messages, r.n_paths, r.loss_probability) == ("tcp", 10, 3, 0.1)
    assert r.scenario.offered_load == 0.4 and r.engine == "heapq"
    assert len(r.connection_paths) == r.scenario.n_connections
    assert "p99.9" in str(r.summary())


def test_same_seed_same_result():
    a = srd.simulate_transfers("srd", n_messages=50, n_paths=4, loss_probability=0.1, rng=3)
    b = srd.simulate_transfers("srd", n_messages=50, n_paths=4, loss_probability=0.1, rng=3)
    np.testing.assert_array_equal(a.completion_times_us, b.completion_times_us)


# --------------------------------------------------------------------------------------------
# Bad input: one test per message
# --------------------------------------------------------------------------------------------
def _sim(**kw):
    args = dict(n_messages=5, n_paths=4, loss_probability=0.0)
    args.update(kw)
    protocol = args.pop("protocol", "srd")
    return srd.simulate_transfers(protocol, **args)


def test_error_unknown_protocol():
    with pytest.raises(ValueError, match=r'"protocol" must be one of .*got \'quic\''):
        _sim(protocol="quic")


def test_error_loss_probability_one():
    with pytest.raises(ValueError, match=r'"loss_probability" must be in \[0, 1\), got 1.0'):
        _sim(loss_probability=1.0)


def test_error_loss_probability_negative():
    with pytest.raises(ValueError, match=r'"loss_probability" must be in \[0, 1\), got -0.1'):
        _sim(loss_probability=-0.1)


def test_error_zero_paths():
    with pytest.raises(ValueError, match=r'"n_paths" must be >= 1, got 0'):
        _sim(n_paths=0)


def test_error_non_integer_messages():
    with pytest.raises(TypeError, match=r'"n_messages" must be an integer, got 2.5'):
        _sim(n_messages=2.5)


def test_error_whole_float_is_not_an_integer():
    with pytest.raises(TypeError, match=r'"n_paths" must be an integer, got 4.0'):
        _sim(n_paths=4.0)


def test_error_unknown_scenario_key():
    with pytest.raises(TypeError, match=r"unknown scenario parameter 'link_rate_mbps'"):
        _sim(link_rate_mbps=10)


def test_error_negative_rate():
    with pytest.raises(ValueError, match=r'"link_rate_gbps" must be > 0, got -5.0'):
        _sim(link_rate_gbps=-5)


def test_error_offered_load_too_high():
    with pytest.raises(ValueError, match=r'"offered_load" must be in \(0, 1\), got 1.5'):
        _sim(offered_load=1.5)


def test_error_failed_path_out_of_range():
    with pytest.raises(ValueError, match=r'"failed_path" must be <= 3, got 4'):
        _sim(failed_path=4)


def test_error_flag_not_bool():
    with pytest.raises(TypeError, match=r'"spray" must be True or False, got \'yes\''):
        _sim(spray="yes")


def test_error_hot_share_above_one():
    with pytest.raises(ValueError, match=r'"hot_path_rate_share" must be in \(0, 1\], got 1.5'):
        _sim(hot_path_rate_share=1.5)


def test_error_too_many_hot_paths():
    with pytest.raises(ValueError, match=r'"n_hot_paths" must be <= n_paths \(4\), got 5'):
        _sim(n_hot_paths=5)


def test_error_rto_max_below_min():
    with pytest.raises(ValueError, match=r'"tcp_rto_max_us" must be >= tcp_rto_min_us'):
        _sim(tcp_rto_max_us=1000.0)


def test_error_negative_flows():
    with pytest.raises(ValueError, match=r'"n_flows" must be >= 0, got -1'):
        srd.ecmp_no_collision_probability(-1, 4)


def test_error_flows_not_integer():
    with pytest.raises(TypeError, match=r'"n_flows" must be an integer, got 1.5'):
        srd.expected_paths_used(1.5, 4)


def test_error_ecmp_zero_paths():
    with pytest.raises(ValueError, match=r'"n_paths" must be >= 1, got 0'):
        srd.expected_paths_used(3, 0)


def test_error_ecmp_too_many_draws():
    with pytest.raises(ValueError, match=r'"n_trials" \* "n_flows" must be <= 10\*\*7'):
        srd.simulate_ecmp(1000, 10, n_trials=100_000)


def test_error_bad_rng():
    with pytest.raises(TypeError, match=r'"rng" must be None, an int seed or a numpy Generator'):
        _sim(rng=1.5)


def test_error_empty_loads():
    with pytest.raises(ValueError, match=r'"loads" must not be empty'):
        srd.load_sweep([], n_messages=5, n_paths=4, loss_probability=0.0, progress=False)


def test_error_unknown_problem_kind():
    with pytest.raises(ValueError, match=r'"kind" must be one of'):
        srd.pose_problem(0, kind="bogus")


def test_error_negative_srtt():
    with pytest.raises(ValueError, match=r'"srtt_us" must be >= 0, got -1.0'):
        srd.tcp_rto_us(-1.0, 0.0)


def test_loss_close_to_one_is_bounded_not_hung():
    # every loop is bounded: an absurd loss either finishes or stops with a clear error
    try:
        r = srd.simulate_transfers("srd", n_messages=2, n_paths=2, loss_probability=0.999, rng=0,
                                   srd_retransmit_timeout_us=1.0)
    except RuntimeError as exc:
        assert "exceeded" in str(exc) and "loss_probability" in str(exc)
    else:
        assert r.all_delivered_intact


# --------------------------------------------------------------------------------------------
# pose / solve and the command line
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [3, 4, 7])
@pytest.mark.parametrize("kind", ["collision", "paths_used", "rto_wait"])
def test_pose_and_solve(kind, seed):
    p = srd.pose_problem(seed, kind=kind)
    # the statement is plain English with every parameter echoed (no code such as "n_paths=32")
    assert "=" not in p.statement and "_" not in p.statement and "(s)" not in p.statement
    for name, value in p.params.items():
        if name == "n_losses":
            assert {1: "lost once", 2: "lost twice"}.get(value, f"lost {value} times") in p.statement
        else:
            assert f"{value:g}" in p.statement
    assert max(len(line) for line in p.statement.splitlines()) <= 70
    sol = srd.solve(p)
    if kind == "collision":
        assert sol.value == srd.ecmp_no_collision_probability(p.params["n_flows"], p.params["n_paths"])
    elif kind == "paths_used":
        assert sol.value == srd.expected_paths_used(p.params["n_flows"], p.params["n_paths"])
    else:
        k = p.params["n_losses"]
        assert sol.value == pytest.approx(0.2 * (2**k - 1) * 1000)  # 200 ms, doubled each time, in ms


def test_cli(capsys):
    assert srd.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    assert "python -m labsupport.srd --seed 3" in out
    assert srd.main(["--seed", "3"]) == 0
    assert "--solve" in capsys.readouterr().out


def test_tcp_stays_on_a_failed_path_unless_it_rehashes():
    kw = dict(n_messages=20, n_paths=4, loss_probability=0.0, rng=1, n_hot_paths=0, n_connections=1,
              failed_path=0, failure_start_us=0.0, failure_duration_us=5_000_000.0)
    stuck = srd.simulate_transfers("tcp", tcp_rehash_after_timeouts=0, **kw)
    moved = srd.simulate_transfers("tcp", tcp_rehash_after_timeouts=1, **kw)
    # never rehashing: backed-off RTOs (0.2, 0.4, 0.8, 1.6, 3.2 s) until the 5 s failure is over
    assert stuck.connection_paths == (0,)
    assert stuck.completion_times_us.max() >= 5_000_000.0
    assert stuck.n_timeouts >= 5
    # rehashing after one timeout: moves to another path after the first 200 ms RTO
    assert moved.connection_paths[0] != 0
    assert 200_000.0 <= moved.completion_times_us.max() < 400_000.0
    assert moved.all_delivered_intact and stuck.all_delivered_intact


# --------------------------------------------------------------------------------------------
# percentile_ratio: the teal-line lab's exercise asks for it
# --------------------------------------------------------------------------------------------
def _tiny_sweep():
    return srd.load_sweep([0.2, 0.4], n_messages=60, n_paths=8, loss_probability=0.0, rng=3, progress=False)


def test_percentile_ratio_reads_the_sweep():
    sweep = _tiny_sweep()
    for i, load in enumerate(sweep.loads):
        for j, q in enumerate(sweep.percentiles):
            expected = sweep.values_us["TCP"][i, j] / sweep.values_us["SRD"][i, j]
            assert srd.percentile_ratio(sweep, float(load), q) == pytest.approx(expected, rel=1e-12)
            assert srd.percentile_ratio(sweep, float(load), q, numerator="SRD", denominator="TCP") == \
                pytest.approx(1 / expected, rel=1e-12)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(sweep="sweep", load=0.2, percentile=99.0), TypeError, r'"sweep" must be a LoadSweep'),
    (dict(load=0.3, percentile=99.0), ValueError, r'"load" must be one of the sweep.s loads .*got 0.3'),
    (dict(load=0.2, percentile=95.0), ValueError, r'"percentile" must be one of .*got 95.0'),
    (dict(load=0.2, percentile=99.0, numerator="UDP"), ValueError, r'"numerator" must be one of .*UDP'),
])
def test_percentile_ratio_bad_input(kwargs, error, message):
    kwargs.setdefault("sweep", _tiny_sweep())
    with pytest.raises(error, match=message):
        srd.percentile_ratio(**kwargs)


# ------------------------------------------------------------------------------ issue 12: edge regressions
def test_simulate_ecmp_bounds_the_count_matrix():
    with pytest.raises(ValueError, match=r'"n_trials" \* "n_paths" must be <= 10\*\*7, got 1000000 \* 1000'):
        srd.simulate_ecmp(2, 1000, n_trials=10**6)  # was an 8 GB allocation
    with pytest.raises(ValueError, match=r'"n_trials" \* "n_paths" must be <= 10\*\*7'):
        srd.simulate_ecmp(2, 10**6)  # default 10,000 trials: was 74.5 GiB


@pytest.mark.parametrize("n, m", [(1000, 10**6), (2**20, 10**12), (2**20 + 1, 10**12), (3 * 10**6, 10**12),
                                  (5 * 10**7, 2**53), (10**9, 10**12), (3 * 10**8, 10**12), (50, 60)])
def test_ecmp_no_collision_closed_form_agrees_with_mpmath(n, m):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    exact = mpmath.exp(mpmath.loggamma(m + 1) - mpmath.loggamma(m - n + 1) - n * mpmath.log(m))
    start = time.perf_counter()
    got = srd.ecmp_no_collision_probability(n, m)
    assert time.perf_counter() - start < 1.0  # was 7.45 GiB / > 20 s for (1e9, 1e12) / (3e8, 1e12)
    if exact < 1e-300:
        assert got == pytest.approx(float(exact), abs=1e-300)
    else:
        assert got == pytest.approx(float(exact), rel=1e-13)


def test_expected_paths_used_with_huge_flow_counts():
    assert srd.expected_paths_used(10**400, 1000) == pytest.approx(1000.0)  # was OverflowError
    assert srd.expected_paths_used(10**20, 2**53) == pytest.approx(2**53 * -math.expm1(-10**20 / 2**53))
    with pytest.raises(ValueError, match=r'"n_paths" must be <= 9007199254740992, got an integer of 401 digits'):
        srd.expected_paths_used(10**400, 10**400)


def test_tcp_rto_refuses_min_above_max():
    with pytest.raises(ValueError, match=r'"rto_min_us" must be <= "rto_max_us", got rto_min_us=1000000.0'):
        srd.tcp_rto_us(60, 20, rto_min_us=1e6, rto_max_us=1.0)  # returned 1.0
    assert srd.tcp_rto_us(1e308, 1e308, backoffs=64) == 120_000_000.0  # overflow to inf is capped


def test_event_budget_error_is_a_value_error_naming_the_loss():
    with pytest.raises(ValueError, match=r"exceeded .* events; is loss_probability \(0.999999\) too close to 1"):
        srd.simulate_transfers("srd", n_messages=50, n_paths=8, loss_probability=0.999999, rng=1)


@pytest.mark.parametrize("field, value, message", [
    ("mtu_bytes", 10**400, r'"mtu_bytes" must be <= 65536'),
    ("message_size_bytes", 2**26 + 1, r'"message_size_bytes" must be <= 67108864'),
    ("link_rate_gbps", 5e-324, r'"link_rate_gbps" must lie in \[1e-06, 1e\+12\], got 5e-324'),
    ("base_rtt_us", 1e300, r'"base_rtt_us" must lie in \[1e-06, 1e\+12\]'),
    ("failure_duration_us", 1e13, r'"failure_duration_us" must lie in \[0, 1e\+12\]'),
])
def test_scenario_bounds(field, value, message):
    with pytest.raises(ValueError, match=message):
        srd.make_scenario(8, **{field: value})


def test_scenario_packets_per_message_bound():
    with pytest.raises(ValueError, match=r'at most 65536 packets per message, got 1048576'):
        srd.make_scenario(8, message_size_bytes=2**20, mtu_bytes=1)


def test_load_sweep_checks_loads_and_percentiles():
    with pytest.raises(ValueError, match=r'"loads"\[0\]: "offered_load" must be > 0'):
        srd.load_sweep([0.0], n_messages=10, n_paths=4, loss_probability=0.0, progress=False)
    with pytest.raises(ValueError, match=r'"percentiles" must lie in \[0, 100\], got 101.0'):
        srd.load_sweep([0.2], n_messages=10, n_paths=4, loss_probability=0.0, percentiles=(101,), progress=False)


def test_offered_load_has_a_lower_bound():
    with pytest.raises(ValueError, match=r'"loads"\[0\]: "offered_load" must be >= 1e-06, got 5e-324'):
        srd.load_sweep([5e-324], n_messages=10, n_paths=4, loss_probability=0.0, progress=False)
