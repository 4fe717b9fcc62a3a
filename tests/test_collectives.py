"""labsupport.collectives: the ring moves real data correctly, the formulas are the published ones,
the timing simulation (vectorised and SimPy) agrees with them, and bad input is refused by name."""
from __future__ import annotations

import math

import numpy as np
import pytest

from labsupport import collectives as c

LINK = {"alpha_s": 2e-6, "bandwidth_bytes_per_s": 50e9}


# ------------------------------------------------------------------------------ a plain reference
def reference_ring(arrays):
    """The ring, written element by element in plain Python: the independent implementation."""
    p = len(arrays)
    data = [list(map(int, np.ravel(a))) for a in arrays]
    n = len(data[0])
    bounds = [0]  # array_split's rule: the first n % p chunks get one element more
    base, extra = divmod(n, p)
    for i in range(p):
        bounds.append(bounds[-1] + base + (1 if i < extra else 0))
    messages = []
    for s in range(p - 1):
        sent = [(i, (i - s) % p, data[i][bounds[(i - s) % p]:bounds[(i - s) % p + 1]]) for i in range(p)]
        for i, chunk, values in sent:
            j = (i + 1) % p
            for k, v in enumerate(values):
                data[j][bounds[chunk] + k] += v
            messages.append(("reduce-scatter", s, i, j, chunk))
    for s in range(p - 1):
        sent = [(i, (i + 1 - s) % p, data[i][bounds[(i + 1 - s) % p]:bounds[(i + 1 - s) % p + 1]])
                for i in range(p)]
        for i, chunk, values in sent:
            j = (i + 1) % p
            data[j][bounds[chunk]:bounds[chunk + 1]] = values
            messages.append(("allgather", s, i, j, chunk))
    return data, messages


# ------------------------------------------------------------------------------ the ring with data
@pytest.mark.parametrize("p", [1, 2, 3, 4, 7, 16])
@pytest.mark.parametrize("n", [1, 5, 16, 101])
def test_integer_allreduce_is_exact_on_every_worker(p, n):
    arrays = np.random.default_rng(p * 1000 + n).integers(-10**6, 10**6, size=(p, n))
    result = c.simulate_ring_allreduce(arrays)
    total = arrays.sum(axis=0)
    assert len(result.outputs) == p
    for out in result.outputs:
        assert out.dtype == arrays.dtype
        np.testing.assert_array_equal(out, total)


@pytest.mark.parametrize("p, n", [(3, 7), (5, 12), (8, 3)])
def test_messages_match_the_plain_python_ring(p, n):
    arrays = np.random.default_rng(1).integers(0, 100, size=(p, n))
    data, messages = reference_ring(list(arrays))
    result = c.simulate_ring_allreduce(arrays)
    for out, ref in zip(result.outputs, data):
        assert out.tolist() == ref
    ours = [(s.phase, s.index, int(i), int(j), int(k)) for s in result.steps
            for i, j, k in zip(s.src, s.dst, s.chunk)]
    assert ours == messages


def test_float_allreduce_matches_numpy_and_all_copies_are_identical():
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((30, 20)) for _ in range(6)]
    result = c.simulate_ring_allreduce(arrays)
    total = np.sum(arrays, axis=0)
    # Only the order of the additions differs from numpy's: rounding of a 6-term sum, a few ulps.
    np.testing.assert_allclose(result.outputs[0], total, rtol=0, atol=8 * np.finfo(float).eps * 6 * 6)
    for out in result.outputs[1:]:
        np.testing.assert_array_equal(out, result.outputs[0])
    assert result.outputs[3].shape == (30, 20)


def test_inputs_are_not_modified():
    arrays = np.arange(12).reshape(3, 4)
    before = arrays.copy()
    c.simulate_ring_allreduce(arrays)
    np.testing.assert_array_equal(arrays, before)


@pytest.mark.parametrize("p, n", [(4, 1000), (8, 4096), (5, 1003), (16, 17)])
def test_each_worker_sends_and_receives_two_p_minus_one_over_p_of_the_data(p, n):
    result = c.simulate_ring_allreduce(np.ones((p, n), dtype=np.int64))
    assert len(result.steps) == 2 * (p - 1) and result.n_messages == 2 * (p - 1) * p
    sent, received = result.elements_sent(), result.elements_received()
    sizes = np.array([len(x) for x in np.array_split(np.arange(n), p)])
    # Worker i sends every chunk but (i + 1) in reduce-scatter and every chunk but (i + 2) in allgather.
    expected = 2 * n - sizes[(np.arange(p) + 1) % p] - sizes[(np.arange(p) + 2) % p]
    np.testing.assert_array_equal(sent, expected)
    assert sent.sum() == received.sum() == 2 * (p - 1) * n
    if n % p == 0:
        assert np.all(sent == 2 * (p - 1) * n // p) and np.all(received == 2 * (p - 1) * n // p)
    for step in result.steps:
        np.testing.assert_array_equal(step.dst, (step.src + 1) % p)


def test_one_worker_needs_no_messages():
    result = c.simulate_ring_allreduce([np.array([1.5, 2.5])])
    assert result.steps == () and result.outputs[0].tolist() == [1.5, 2.5]


# ------------------------------------------------------------------------------ formulas
@pytest.mark.parametrize("p", [2, 4, 8, 64])
@pytest.mark.parametrize("n", [0.0, 1e3, 1e8])
def test_formulas_are_thakur_rabenseifner_gropp(p, n):
    a, b = LINK["alpha_s"], 1 / LINK["bandwidth_bytes_per_s"]
    lg = math.log2(p)
    assert c.ring_allreduce_time(p, n, **LINK) == pytest.approx(2 * (p - 1) * a + 2 * (p - 1) / p * n * b)
    assert c.recursive_doubling_allreduce_time(p, n, **LINK) == pytest.approx(lg * a + n * lg * b)
    assert c.rabenseifner_allreduce_time(p, n, **LINK) == pytest.approx(2 * lg * a + 2 * (p - 1) / p * n * b)
    assert c.tree_allreduce_time(p, n, **LINK) == pytest.approx(2 * lg * (a + n * b))


def test_torus_is_a_ring_of_rings():
    n = 64e6
    # One dimension of size 1: the torus is a single ring.
    assert c.torus2d_allreduce_time(1, 16, n, **LINK) == pytest.approx(c.ring_allreduce_time(16, n, **LINK))
    # Same bandwidth term as one ring of xy, x + y - 2 latency steps per phase instead of xy - 1.
    zero_alpha = {"alpha_s": 0.0, "bandwidth_bytes_per_s": LINK["bandwidth_bytes_per_s"]}
    assert c.torus2d_allreduce_time(4, 4, n, **zero_alpha) == pytest.approx(c.ring_allreduce_time(16, n, **zero_alpha))
    zero_bytes = c.torus2d_allreduce_time(4, 4, 0, **LINK)
    assert zero_bytes == pytest.approx(2 * 6 * LINK["alpha_s"])
    # Built from its phases: reduce-scatter along x, allreduce of n / x along y, allgather along x.
    x, y = 4, 8
    rs = (x - 1) * LINK["alpha_s"] + (x - 1) / x * n / LINK["bandwidth_bytes_per_s"]
    assert c.torus2d_allreduce_time(x, y, n, **LINK) == pytest.approx(
        2 * rs + c.ring_allreduce_time(y, n / x, **LINK))
    assert c.allreduce_time("torus2d", 16, n, **LINK) == c.torus2d_allreduce_time(4, 4, n, **LINK)


def test_one_worker_takes_no_time():
    assert c.ring_allreduce_time(1, 1e9, **LINK) == 0.0
    assert c.simulate_ring_timing(1, 1e9, **LINK).time_s == 0.0


def test_bus_bandwidth_of_a_ring_with_no_latency_is_the_link_bandwidth():
    # The reason nccl-tests defines busBW: it reads as the link speed whatever the rank count.
    for p in (2, 8, 64):
        t = c.ring_allreduce_time(p, 1e9, alpha_s=0.0, bandwidth_bytes_per_s=40e9)
        assert c.bus_bandwidth(c.algorithm_bandwidth(1e9, t), p) == pytest.approx(40e9)
    assert c.bus_bandwidth(10.0, 4, "allgather") == pytest.approx(7.5)
    assert c.bus_bandwidth(10.0, 4, "broadcast") == 10.0


# ------------------------------------------------------------------------------ timing simulation
@pytest.mark.parametrize("p", [2, 3, 8, 33])
@pytest.mark.parametrize("n", [0.0, 4e3, 2.5e8])
def test_timing_simulation_equals_the_formula_on_identical_links(p, n):
    formula = c.ring_allreduce_time(p, n, **LINK)
    assert c.simulate_ring_timing(p, n, **LINK).time_s == pytest.approx(formula, rel=1e-12, abs=1e-15)
    assert c.simulate_ring_timing_simpy(p, n, **LINK).time_s == pytest.approx(formula, rel=1e-12, abs=1e-15)


def test_the_slowest_link_sets_the_pace_and_simpy_agrees_message_by_message():
    p, n = 8, 1e7
    bw = np.full(p, 100e9)
    bw[5] = 10e9
    alpha = np.linspace(1e-6, 3e-6, p)
    fast = c.simulate_ring_timing(p, n, alpha_s=alpha, bandwidth_bytes_per_s=bw)
    slow = c.simulate_ring_timing_simpy(p, n, alpha_s=alpha, bandwidth_bytes_per_s=bw)
    np.testing.assert_allclose(fast.arrival_s, slow.arrival_s, rtol=1e-12)
    assert fast.time_s == pytest.approx(2 * (p - 1) * (alpha[5] + n / p / bw[5]), rel=1e-9)


# ------------------------------------------------------------------------------ two tiers
INTRA = c.Tier(2e-6, 320e9, "NeuronLink")
INTER = c.Tier(10e-6, 25e9, "network")


def test_two_tier_reduces_to_flat_formulas_on_a_switched_network():
    tier = c.Tier(**LINK)
    s, n = 32, 3e7
    # One chip per server: every chip is one switched hop from every other, the setting of Thakur et al.
    t = c.two_tier_allreduce_times(s, 1, n, intra=INTRA, inter=tier)
    assert t["flat ring"] == pytest.approx(c.ring_allreduce_time(s, n, **LINK))
    assert t["ring of rings"] == pytest.approx(c.ring_allreduce_time(s, n, **LINK))
    assert t["rabenseifner"] == pytest.approx(c.rabenseifner_allreduce_time(s, n, **LINK))
    assert t["recursive doubling"] == pytest.approx(c.recursive_doubling_allreduce_time(s, n, **LINK))
    assert t["tree"] == pytest.approx(c.tree_allreduce_time(s, n, **LINK))
    # Equal tiers: the ring of rings is the 2D algorithm on a k x s torus.
    t = c.two_tier_allreduce_times(4, 8, n, intra=tier, inter=tier)
    assert t["ring of rings"] == pytest.approx(c.torus2d_allreduce_time(8, 4, n, **LINK))
    assert t["flat ring"] == pytest.approx(c.ring_allreduce_time(32, n, **LINK))
    one_server = c.two_tier_allreduce_times(1, 16, n, intra=INTRA, inter=INTER)
    assert one_server["ring of rings"] == pytest.approx(
        c.ring_allreduce_time(16, n, alpha_s=INTRA.alpha_s, bandwidth_bytes_per_s=INTRA.bandwidth_bytes_per_s))


def test_log_depth_steps_inside_a_server_pay_for_distance():
    # Step by step: partner distance d = 1, 2, 4, ... on the ring of k chips costs d hops of the message.
    k, n = 16, 1e8
    rs_steps = [(d, n / (2 * d)) for d in (1, 2, 4, 8)]  # recursive halving, largest message nearest
    inside = 2 * sum(d * INTRA.hop_s(m) for d, m in rs_steps)
    t = c.two_tier_allreduce_times(1, k, n, intra=INTRA, inter=INTER)
    assert t["rabenseifner"] == pytest.approx(inside)
    assert t["recursive doubling"] == pytest.approx(sum(d * INTRA.hop_s(n) for d in (1, 2, 4, 8)))
    assert t["ring of rings"] < t["rabenseifner"]  # the ring uses neighbour links only


def test_where_each_algorithm_wins():
    # Small messages: latency terms decide, and the log-depth algorithms win.
    assert c.best_two_tier_algorithm(4, 16, 1e3, intra=INTRA, inter=INTER) == "recursive doubling"
    # Large messages: bandwidth decides; the hierarchical algorithms beat one ring by about the
    # ratio of the tiers' bandwidths, because one flat ring runs at the speed of its slowest link.
    t = c.two_tier_allreduce_times(4, 16, 1e9, intra=INTRA, inter=INTER)
    assert min(t, key=t.get) in ("ring of rings", "rabenseifner")
    assert t["flat ring"] / t["ring of rings"] > 5
    assert t["recursive doubling"] > t["ring of rings"]
    # Not a power of two: only the rings are offered.
    assert set(c.two_tier_allreduce_times(3, 16, 1e6, intra=INTRA, inter=INTER)) == {"flat ring", "ring of rings"}


# ------------------------------------------------------------------------------ bad input
def test_bad_input_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match='"p" must be >= 1, got 0'):
        c.ring_allreduce_time(0, 1e6, **LINK)
    with pytest.raises(ValueError, match='"nbytes" must be >= 0, got -1.0'):
        c.ring_allreduce_time(4, -1, **LINK)
    with pytest.raises(ValueError, match='"bandwidth_bytes_per_s" must be > 0'):
        c.torus2d_allreduce_time(2, 2, 1, alpha_s=0, bandwidth_bytes_per_s=0)
    with pytest.raises(ValueError, match='"alpha_s" must be finite'):
        c.ring_allreduce_time(4, 1, alpha_s=float("nan"), bandwidth_bytes_per_s=1)
    with pytest.raises(ValueError, match='"p" must be a power of two for this algorithm, got 6'):
        c.rabenseifner_allreduce_time(6, 1, **LINK)
    with pytest.raises(ValueError, match='"x" must be >= 1'):
        c.torus2d_allreduce_time(0, 4, 1, **LINK)
    with pytest.raises(ValueError, match='"algorithm" must be one of'):
        c.allreduce_time("butterfly", 4, 1, **LINK)
    with pytest.raises(ValueError, match='"operation" must be one of'):
        c.bus_bandwidth(1.0, 4, "scatter")


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError, match=r'"arrays" must hold at least one worker'):
        c.simulate_ring_allreduce([])
    with pytest.raises(ValueError, match=r'"arrays" must all have one shape: "arrays"\[0\] has shape \(3,\), '
                                         r'"arrays"\[1\] has shape \(2,\)'):
        c.simulate_ring_allreduce([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError, match=r'"arrays"\[1\] must be finite'):
        c.simulate_ring_allreduce([[1.0, 2.0], [np.nan, 1.0]])
    with pytest.raises(TypeError, match=r'"arrays"\[0\] must hold integers or floats, got dtype <U1'):
        c.simulate_ring_allreduce([np.array(["a"])])
    with pytest.raises(TypeError, match=r'"arrays" must be a sequence of numeric arrays'):
        c.simulate_ring_allreduce(5)
    with pytest.raises(ValueError, match=r'"arrays"\[0\] must not be empty'):
        c.simulate_ring_allreduce([[], []])
    with pytest.raises(ValueError, match=r'"bandwidth_bytes_per_s" must have one value per link \(4\)'):
        c.simulate_ring_timing(4, 1.0, alpha_s=0.0, bandwidth_bytes_per_s=[1.0, 2.0])
    with pytest.raises(TypeError, match='"intra" must be a Tier'):
        c.two_tier_allreduce_times(2, 2, 1.0, intra=5, inter=INTER)


# ------------------------------------------------------------------------------ exercises and CLI
@pytest.mark.parametrize("seed", range(6))
def test_pose_and_solve(seed):
    for kind in c.PROBLEM_KINDS:
        problem = c.pose_problem(seed, kind=kind)
        assert "(s)" not in problem.statement and "_" not in problem.statement
        assert c.solve(problem).value > 0
    ring = c.pose_problem(seed, kind="ring_time")
    q = ring.params
    assert c.solve(ring).value == pytest.approx(
        1e6 * c.simulate_ring_timing(q["p"], q["nbytes"], alpha_s=q["alpha_s"],
                                     bandwidth_bytes_per_s=q["bandwidth_bytes_per_s"]).time_s)


def test_command_line(capsys):
    assert c.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    assert "python -m labsupport.collectives --seed 3" in out and "total" in out


def test_a_sum_beyond_the_dtype_is_refused():
    """Regression from tests/test_properties.py: floats overflowed to inf with a warning; integers wrapped."""
    with pytest.raises(ValueError, match=r'"arrays" sum beyond what float64 holds'):
        c.simulate_ring_allreduce([[1e300], [1.7976931348623157e308]])
    with pytest.raises(ValueError, match=r'"arrays" sum beyond what int8 holds'):
        c.simulate_ring_allreduce(np.array([[100], [100]], dtype=np.int8))  # 200 wrapped to -56
    big = 2**61 + 1
    assert c.simulate_ring_allreduce([[big], [big], [-3]]).outputs[0].tolist() == [2**62 - 1]  # still exact


def test_times_beyond_the_float_range_are_refused():
    """Regressions from HYPOTHESIS_PROFILE=deep: these returned inf."""
    link = dict(alpha_s=1e-6, bandwidth_bytes_per_s=5e-324)
    for func in (c.ring_allreduce_time, c.recursive_doubling_allreduce_time, c.rabenseifner_allreduce_time,
                 c.tree_allreduce_time):
        with pytest.raises(ValueError, match=r'the time is beyond the float range .*"bandwidth_bytes_per_s" = 5e-324'):
            func(4, 1e6, **link)
    with pytest.raises(ValueError, match=r'"alpha_s" = 1\.79'):
        c.allreduce_time("ring", 4, 1e6, alpha_s=1.7976931348623157e308, bandwidth_bytes_per_s=1e9)
    with pytest.raises(ValueError, match=r'the bandwidth is beyond the float range .*"time_s" = 5e-324'):
        c.algorithm_bandwidth(1e9, 5e-324)
    with pytest.raises(ValueError, match=r'bus bandwidth is beyond the float range .*"algbw_bytes_per_s"'):
        c.bus_bandwidth(1.7976931348623157e308, 8)
    with pytest.raises(ValueError, match=r"the ring's time is beyond the float range"):
        c.simulate_ring_timing(4, 1e6, **link)  # arrival times were inf, with overflow warnings
    with pytest.raises(TypeError, match='"alpha_s" must be an array of numbers, got a bool inside'):
        c.simulate_ring_timing(2, 1e6, alpha_s=[True, 1e-6], bandwidth_bytes_per_s=1e9)
    with pytest.raises(ValueError, match=r'a time of the algorithms is beyond the float range .*"nbytes" = 1.79'):
        c.two_tier_allreduce_times(4, 8, 1.7976931348623157e308, intra=INTRA, inter=INTER)
