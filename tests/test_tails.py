"""labsupport.tails: fan-out and hedging, closed forms against simulation, bad input, CLI."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from labsupport import tails as t

LEAF = t.LeafLatency()


def _binomial_tol(p: float, n: int) -> float:
    return 4 * math.sqrt(p * (1 - p) / n) + 1e-12


def test_fanout_slow_probability_closed_form():
    assert t.fanout_slow_probability(0.01, 100) == pytest.approx(1 - 0.99 ** 100)
    assert round(t.fanout_slow_probability(0.01, 100), 3) == 0.634  # Dean & Barroso's 63 %
    assert t.fanout_slow_probability(0.0, 1000) == 0.0
    assert t.fanout_slow_probability(1.0, 3) == 1.0
    assert t.fanout_slow_probability(0.3, 1) == pytest.approx(0.3)
    assert t.fanout_slow_probability(1e-12, 10) == pytest.approx(1e-11, rel=1e-6)  # no cancellation


def test_fanout_budget_is_the_largest_affordable_fanout():
    for p, target in [(0.001, 0.05), (0.01, 0.1), (0.0001, 0.01)]:
        n = t.fanout_for_slow_probability(p, target)
        assert t.fanout_slow_probability(p, n) <= target < t.fanout_slow_probability(p, n + 1) if n else True
    assert t.fanout_for_slow_probability(0.5, 0.1) == 0


@pytest.mark.parametrize("fanout", [1, 10, 100])
def test_simulated_slow_fraction_matches_formula(fanout):
    n = 20_000
    r = t.simulate_fanout(LEAF, fanout, n, rng=fanout)
    p = t.fanout_slow_probability(LEAF.p_slow, fanout)
    assert abs(r.slow_fraction - p) < _binomial_tol(p, n)
    # slow requests are exactly those slower than a second: the slow path starts at slow_ms
    assert np.mean(r.latencies_ms >= LEAF.slow_ms) == r.slow_fraction


def test_leaf_survival_matches_samples_and_percentiles_invert_it():
    x = t.sample_leaf_latencies(LEAF, 400_000, rng=1)
    for q in (50, 90, 99.5, 99.9):
        v = t.leaf_percentile(q, LEAF)
        assert float(t.leaf_survival(v, LEAF)) == pytest.approx(1 - q / 100, rel=1e-6)
        assert abs(np.mean(x > v) - (1 - q / 100)) < _binomial_tol(1 - q / 100, x.size)
    assert float(t.leaf_survival(0.0, LEAF)) == 1.0


@pytest.mark.parametrize("fanout, q", [(10, 50), (100, 50), (100, 99)])
def test_fanout_percentile_matches_simulation(fanout, q):
    r = t.simulate_fanout(LEAF, fanout, 40_000, rng=q + fanout)
    v = t.fanout_percentile(q, LEAF, fanout)
    assert float(t.fanout_survival(v, LEAF, fanout)) == pytest.approx(1 - q / 100, rel=1e-6)
    assert abs(np.mean(r.latencies_ms > v) - (1 - q / 100)) < _binomial_tol(1 - q / 100, 40_000)


def test_hedging_cuts_the_tail_for_a_few_percent_more_requests():
    d = t.leaf_percentile(95, LEAF)
    r = t.simulate_hedged(LEAF, d, 200_000, rng=3)
    assert abs(r.extra_load - 0.05) < _binomial_tol(0.05, 200_000)
    assert t.hedged_extra_load(LEAF, d) == pytest.approx(0.05, rel=1e-6)
    before, after = np.percentile(r.unhedged_latencies_ms, 99.9), np.percentile(r.latencies_ms, 99.9)
    assert before > LEAF.slow_ms and after < 0.05 * before  # the published shape: a >10x cut of the p99.9
    assert np.all(r.latencies_ms <= r.unhedged_latencies_ms)  # a hedge never makes a request slower
    assert np.median(r.latencies_ms) == pytest.approx(np.median(r.unhedged_latencies_ms), rel=0.01)


@pytest.mark.parametrize("fanout", [1, 20])
def test_hedged_survival_matches_simulation(fanout):
    d = t.leaf_percentile(90, LEAF)
    n = 100_000 // fanout * 2
    r = t.simulate_hedged(LEAF, d, n, fanout=fanout, rng=fanout)
    for time_ms in (d / 2, d + 5, 40.0, 1200.0):
        p = float(t.hedged_survival(time_ms, LEAF, d, fanout))
        assert abs(np.mean(r.latencies_ms > time_ms) - p) < _binomial_tol(p, n) + 1e-4


def test_no_hedging_means_no_backups():
    r = t.simulate_hedged(LEAF, math.inf, 1_000, rng=0)
    assert r.backups_sent == 0 and np.array_equal(r.latencies_ms, r.unhedged_latencies_ms)


def test_simulations_are_reproducible_and_chunked_consistently():
    a = t.simulate_fanout(LEAF, 3, 10, rng=9).latencies_ms
    b = t.simulate_fanout(LEAF, 3, 10, rng=9).latencies_ms
    np.testing.assert_array_equal(a, b)
    big = t.simulate_fanout(LEAF, 1000, 2_500, rng=1)  # several chunks of 1,000,000 leaf calls
    assert big.latencies_ms.shape == (2_500,) and np.all(np.isfinite(big.latencies_ms))


@pytest.mark.parametrize("call, error, message", [
    (lambda: t.fanout_slow_probability(1.2, 10), ValueError, r'"p_slow" must be in \[0, 1\], got 1.2'),
    (lambda: t.fanout_slow_probability(0.1, 0), ValueError, r'"fanout" must be >= 1, got 0'),
    (lambda: t.fanout_slow_probability(0.1, 2.5), TypeError, r'"fanout" must be an integer, got 2.5'),
    (lambda: t.fanout_for_slow_probability(0.0, 0.1), ValueError, r'"p_slow" must be > 0'),
    (lambda: t.fanout_for_slow_probability(0.1, 1.0), ValueError, r'"target" must be in \[0, 1\), got 1.0'),
    (lambda: t.LeafLatency(typical_ms=0), ValueError, r'"typical_ms" must be > 0, got 0.0'),
    (lambda: t.LeafLatency(p_slow=-0.1), ValueError, r'"p_slow" must be in \[0, 1\], got -0.1'),
    (lambda: t.leaf_survival(-1.0), ValueError, r'"t" must be finite and >= 0, got -1.0'),
    (lambda: t.leaf_percentile(100), ValueError, r'"percentile" must be in \(0, 100\), got 100.0'),
    (lambda: t.sample_leaf_latencies("leaf", 3), TypeError, r'"leaf" must be a LeafLatency, got str'),
    (lambda: t.simulate_fanout(LEAF, 10, 0), ValueError, r'"n_requests" must be >= 1, got 0'),
    (lambda: t.simulate_fanout(LEAF, 10 ** 5, 10 ** 4), ValueError, r'"n_requests" x "fanout" must be <= 100,000,000'),
    (lambda: t.simulate_hedged(LEAF, -1.0, 10), ValueError, r'"hedge_after_ms" must be >= 0, got -1.0'),
    (lambda: t.hedged_survival(1.0, LEAF, 5.0, fanout=0), ValueError, r'"fanout" must be >= 1, got 0'),
    (lambda: t.solve(None), TypeError, r'"problem" must be a fan-out Problem'),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("seed", range(10))
def test_posed_problems_are_solved_correctly(seed):
    problem = t.pose_problem(seed)
    solution = t.solve(problem)
    p = problem.params
    if problem.kind == "fanout-slow":
        assert solution.value == pytest.approx(1 - (1 - p["p_slow"]) ** p["fanout"])
    else:
        n = int(solution.value)
        # N is affordable and N + 1 is not (1e-9 slack: p_slow == target gives N = 1 exactly)
        assert 1 - (1 - p["p_slow"]) ** n <= p["target"] * (1 + 1e-9) < 1 - (1 - p["p_slow"]) ** (n + 1)


def test_command_line(capsys):
    assert t.main(["--seed", "2", "--solve"]) == 0
    out = capsys.readouterr().out
    assert "# python -m labsupport.tails --seed 2" in out and "leaf" in out



@pytest.mark.parametrize("seed", range(10))
def test_posed_problems_read_as_plain_english(seed):
    problem = t.pose_problem(seed)
    assert "(s)" not in problem.statement and "_" not in problem.statement
    for text in (problem.statement, str(t.solve(problem))):
        assert max(len(line) for line in text.splitlines()) <= 70


# ------------------------------------------------------------------------------ issue 12: edge regressions
@pytest.mark.parametrize("p_slow, target", [(1e-13, 0.5), (1e-12, 0.5), (1e-9, 0.01), (0.001, 0.05), (5e-324, 0.1)])
def test_fanout_budget_is_exact_at_tiny_probabilities(p_slow, target):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 60
    exact = int(mpmath.floor(mpmath.log1p(-mpmath.mpf(target)) / mpmath.log1p(-mpmath.mpf(p_slow))))
    n = t.fanout_for_slow_probability(p_slow, target)
    if exact < 2**40:
        assert n == exact
    else:  # beyond 2**53 the floor depends on the last bit of the float logarithms: equal to 1e-15
        assert abs(Fraction(n, exact) - 1) < 1e-15
    # and it agrees with the forward function: n is the largest fan-out within the target
    assert t.fanout_slow_probability(p_slow, max(n, 1)) <= target or n == 0
    if exact < 2**40:  # beyond, a float probability is flat over runs of consecutive fan-outs
        assert t.fanout_slow_probability(p_slow, n + 1) > target


def test_fanout_budget_regression_issue_12():
    assert t.fanout_for_slow_probability(1e-13, 0.5) == 6931471805599  # was 6931471805606
    assert t.fanout_for_slow_probability(1e-12, 0.5) == 693147180559


def test_fanout_budget_exact_cases_give_n():
    for p, n in [(0.01, 100), (0.001, 51), (1e-6, 12345)]:
        assert t.fanout_for_slow_probability(p, t.fanout_slow_probability(p, n)) == n


def test_fanout_slow_probability_with_astronomical_fanout():
    assert t.fanout_slow_probability(0.1, 10**400) == 1.0  # was OverflowError
    # 2e308 leaves at the smallest subnormal p: 1 - (1 - p) ** n = n p to double precision
    exact = float(Fraction(2 * 10**308) * Fraction(5e-324))
    assert t.fanout_slow_probability(5e-324, 2 * 10**308) == pytest.approx(exact, rel=1e-12)
    assert float(t.fanout_survival(1000.0, t.LeafLatency(), 10**400)) == pytest.approx(1.0)


def test_times_refuse_strings_and_bools_and_accept_0d_arrays():
    with pytest.raises(TypeError, match=r'"t" must be an array of numbers'):
        t.leaf_survival(["1"])
    with pytest.raises(TypeError, match=r'"t" must be an array of numbers'):
        t.leaf_survival([True, 2.0])
    assert float(t.leaf_survival(np.array(1000.0))) == pytest.approx(0.01, rel=1e-6)
