"""labsupport.queueing: closed forms, simulation against theory (within sampling error), bad input, CLI.

Tolerances come from independent replications: the mean and percentiles of one long run are
autocorrelated, so each check runs R independent queues and compares the theory with the average of
the R estimates, allowing 4 standard errors of that average.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pytest

from labsupport import queueing as q


# ------------------------------------------------------------------------------ closed forms
def test_mm1_closed_forms():
    assert q.mm1_mean_sojourn(0.8, 1.0) == pytest.approx(5.0)
    assert q.mm1_mean_wait(0.8, 1.0) == pytest.approx(4.0)
    assert q.mm1_sojourn_percentile(0.8, 1.0, 99) == pytest.approx(math.log(100) * 5.0)
    assert q.utilisation(3.0, 1.0, 4) == 0.75


def test_unstable_mm1_is_a_value_error_that_says_so():
    with pytest.raises(ValueError, match=r"unstable queue: arrival_rate \(1.0\) >= service_rate \(1.0\)"):
        q.mm1_mean_sojourn(1.0, 1.0)
    with pytest.raises(ValueError, match=r"unstable queue: arrival_rate \(5.0\) >= servers \* service_rate \(4.0\)"):
        q.mmc_mean_sojourn(5.0, 1.0, 4)


def test_erlang_c_against_direct_formula():
    for c, a in [(1, 0.5), (2, 1.5), (5, 4.0), (16, 12.8), (50, 45.0)]:
        rho = a / c
        top = a ** c / math.factorial(c) / (1 - rho)
        direct = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
        assert q.erlang_c(c, a) == pytest.approx(direct, rel=1e-10)
    assert 0 < q.erlang_c(2000, 1990.0) < 1  # the recursion stays finite where factorials overflow


def test_mmc_reduces_to_mm1():
    assert q.mmc_mean_sojourn(0.7, 1.0, 1) == pytest.approx(q.mm1_mean_sojourn(0.7, 1.0))
    for pct in (50, 99, 99.9):
        assert q.mmc_sojourn_percentile(0.7, 1.0, 1, pct) == pytest.approx(q.mm1_sojourn_percentile(0.7, 1.0, pct))


def test_mmc_survival_integrates_to_the_mean():
    # E[T] = integral of P(T > t) dt, a check of the survival formula independent of the mean formula.
    for lam, mu, c in [(1.5, 1.0, 2), (3.0, 1.0, 4), (2.0, 1.0, 3)]:  # (2, 1, 3) has theta == mu
        t = np.linspace(0, 80, 400_001)
        area = np.trapezoid(q.mmc_sojourn_survival(t, lam, mu, c), t)
        assert area == pytest.approx(q.mmc_mean_sojourn(lam, mu, c), rel=1e-6)


def test_vectorised_percentiles_agree_with_scalar():
    lams = [0.5, 1.0, 1.5, 1.9]
    vec = q.mmc_sojourn_percentiles(lams, 1.0, 2, 99.9)
    assert vec == pytest.approx([q.mmc_sojourn_percentile(lam, 1.0, 2, 99.9) for lam in lams])
    assert q.mmc_sojourn_survival(vec[2], 1.5, 1.0, 2) == pytest.approx(0.001, rel=1e-9)


# ------------------------------------------------------------------------------ simulation vs theory
def _replicate(lam, mu, c, n, reps, seed, stat):
    rngs = np.random.default_rng(seed).spawn(reps)
    values = np.array([stat(q.simulate_mmc(lam, mu, c, n, rng=r).sojourn_times) for r in rngs])
    return values.mean(), values.std(ddof=1) / math.sqrt(reps)


@pytest.mark.parametrize("rho", [0.3, 0.7, 0.9])
def test_simulated_mm1_mean_matches_theory(rho):
    est, se = _replicate(rho, 1.0, 1, 50_000, 20, seed=int(rho * 100), stat=np.mean)
    assert abs(est - q.mm1_mean_sojourn(rho, 1.0)) < 4 * se + 0.002 * est


@pytest.mark.parametrize("pct", [50, 90, 99, 99.9])
def test_simulated_mm1_percentiles_match_exponential_law(pct):
    est, se = _replicate(0.7, 1.0, 1, 50_000, 20, seed=7, stat=lambda x: np.percentile(x, pct))
    assert abs(est - q.mm1_sojourn_percentile(0.7, 1.0, pct)) < 4 * se + 0.01 * est


def test_simulated_mm1_sojourn_is_exponential_ks():
    # Thin the path to nearly independent samples, then a Kolmogorov-Smirnov distance check.
    x = q.simulate_mm1(0.5, 1.0, 400_000, rng=3).sojourn_times[::40]
    xs = np.sort(x)
    cdf = 1 - np.exp(-(1.0 - 0.5) * xs)
    d = np.max(np.abs(np.arange(1, xs.size + 1) / xs.size - cdf))
    assert d < 1.63 / math.sqrt(xs.size)  # the KS critical value at the 1 % level


@pytest.mark.parametrize("c, rho", [(2, 0.8), (4, 0.9), (16, 0.8)])
def test_simulated_mmc_matches_erlang_c(c, rho):
    lam = rho * c
    est, se = _replicate(lam, 1.0, c, 40_000, 16, seed=c, stat=np.mean)
    assert abs(est - q.mmc_mean_sojourn(lam, 1.0, c)) < 4 * se + 0.002 * est
    est, se = _replicate(lam, 1.0, c, 40_000, 16, seed=c + 1, stat=lambda x: np.percentile(x, 99))
    assert abs(est - q.mmc_sojourn_percentile(lam, 1.0, c, 99)) < 4 * se + 0.01 * est


def test_simpy_reference_gives_the_same_sample_path():
    for c in (1, 3):
        fast = q.simulate_mmc(0.8 * c, 1.0, c, 5_000, rng=11)
        ref = q.simulate_mmc_simpy(0.8 * c, 1.0, c, 5_000, rng=11)
        np.testing.assert_allclose(fast.sojourn_times, ref.sojourn_times, rtol=0, atol=1e-9)
        np.testing.assert_allclose(fast.waiting_times, ref.waiting_times, rtol=0, atol=1e-9)


def test_fast_simulation_is_not_slower_than_simpy():
    def best(f, *args):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            f(*args)
            times.append(time.perf_counter() - t0)
        return min(times)
    # Counted in the same run on the same machine: a relative check, not a timing target.
    assert best(q.simulate_mm1, 0.8, 1.0, 20_000, 1) < best(q.simulate_mm1_simpy, 0.8, 1.0, 20_000, 1)
    assert best(q.simulate_mmc, 3.2, 1.0, 4, 20_000, 1) < best(q.simulate_mmc_simpy, 3.2, 1.0, 4, 20_000, 1)


def test_results_carry_parameters_and_arrival_order():
    r = q.simulate_mm1(0.5, 2.0, 1_000, rng=0)
    assert (r.arrival_rate, r.service_rate, r.servers, r.n_customers) == (0.5, 2.0, 1, 1_000)
    assert isinstance(r.sojourn_times, np.ndarray) and r.sojourn_times.shape == (1_000,)
    assert np.all(np.diff(r.arrival_times) > 0)
    assert np.all(r.sojourn_times >= r.service_times)
    assert r.waiting_times[0] == 0.0  # the queue starts empty
    np.testing.assert_array_equal(r.sojourn_times, q.simulate_mm1(0.5, 2.0, 1_000, rng=0).sojourn_times)


def test_littles_law_on_the_sample_path():
    r = q.simulate_mmc(2.4, 1.0, 3, 200_000, rng=5)
    L = q.time_average_in_system(r)
    assert L == pytest.approx(r.arrival_rate * r.sojourn_times.mean(), rel=0.02)


def test_unstable_simulation_needs_explicit_permission():
    with pytest.raises(ValueError, match="unstable queue"):
        q.simulate_mm1(1.2, 1.0, 100)
    r = q.simulate_mm1(1.2, 1.0, 10_000, rng=0, allow_unstable=True)
    assert r.sojourn_times[-1000:].mean() > r.sojourn_times[:1000].mean()  # the queue grows


def test_sweep_shapes_and_agreement():
    s = q.percentiles_vs_utilisation(1.0, 2, [0.5, 0.8], 100_000, percentiles=[50, 99], rng=1, progress_bar=False)
    assert s.simulated.shape == s.theory.shape == (2, 2)
    np.testing.assert_allclose(s.simulated, s.theory, rtol=0.1)
    assert s.theory[1, 1] > s.theory[0, 1]


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call, error, message", [
    (lambda: q.mm1_mean_sojourn(-1.0, 1.0), ValueError, r'"arrival_rate" must be > 0, got -1.0'),
    (lambda: q.mm1_mean_sojourn(0.5, 0), ValueError, r'"service_rate" must be > 0, got 0.0'),
    (lambda: q.mm1_mean_sojourn(0.5, math.nan), ValueError, r'"service_rate" must be finite, got nan'),
    (lambda: q.mm1_mean_sojourn("1", 2.0), TypeError, r'"arrival_rate" must be a real number'),
    (lambda: q.mm1_sojourn_percentile(0.5, 1.0, 100), ValueError, r'"percentile" must be in \[0, 100\), got 100.0'),
    (lambda: q.erlang_c(0, 0.5), ValueError, r'"servers" must be >= 1, got 0'),
    (lambda: q.erlang_c(2, 2.0), ValueError, r'"offered_load" must be < servers \(2\) for a stable queue, got 2.0'),
    (lambda: q.mmc_mean_wait(1.0, 1.0, 2.0), TypeError, r'"servers" must be an integer, got 2.0'),
    (lambda: q.mmc_sojourn_survival(-1.0, 0.5, 1.0, 1), ValueError, r'"t" must be finite and >= 0, got -1.0'),
    (lambda: q.simulate_mm1(0.5, 1.0, 0), ValueError, r'"n_customers" must be >= 1, got 0'),
    (lambda: q.simulate_mm1(0.5, 1.0, 10 ** 9), ValueError, r'"n_customers" must be <= 20000000, got 1000000000'),
    (lambda: q.simulate_mm1(0.5, 1.0, 10.0), TypeError, r'"n_customers" must be an integer, got 10.0'),
    (lambda: q.simulate_mm1(0.5, 1.0, 10, rng="seed"), TypeError, r'"rng" must be None, an int seed'),
    (lambda: q.simulate_mmc(0.5, 1.0, 0, 10), ValueError, r'"servers" must be >= 1, got 0'),
    (lambda: q.time_average_in_system("result"), TypeError, r'"result" must be a QueueResult, got str'),
    (lambda: q.percentiles_vs_utilisation(1.0, 1, [0.5, 1.0], 10), ValueError,
     r'"utilisations" must each be in \(0, 1\), got 1.0'),
    (lambda: q.percentiles_vs_utilisation(1.0, 1, [], 10), ValueError, r'"utilisations" must not be empty'),
    (lambda: q.solve("problem"), TypeError, r'"problem" must be a queueing Problem'),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------------------ pose / solve
@pytest.mark.parametrize("seed", range(12))
def test_posed_problems_are_solved_correctly(seed):
    problem = q.pose_problem(seed)
    assert problem == q.pose_problem(seed)  # the same seed poses the same problem
    p = problem.params
    solution = q.solve(problem)
    lam, mu, c = p["arrival_rate_per_ms"], 1 / p["service_time_ms"], p["servers"]
    assert lam < c * mu  # posed problems are stable
    if p["percentile"] is None:
        # the mean as the integral of the survival function: independent of the mean formula
        t = np.linspace(0, 60 * q.mmc_mean_sojourn(lam, mu, c), 200_001)
        assert solution.value == pytest.approx(np.trapezoid(q.mmc_sojourn_survival(t, lam, mu, c), t), rel=1e-5)
    else:
        tail = float(q.mmc_sojourn_survival(solution.value, lam, mu, c))
        assert tail == pytest.approx(1 - p["percentile"] / 100, rel=1e-6)
    assert f"{solution.value:.4g} ms" in str(solution)


def test_command_line(capsys):
    assert q.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    assert "# python -m labsupport.queueing --seed 3" in out and "Poisson stream" in out
    assert "mean time in system = " in out


# ------------------------------------------------------------------------------ load for a latency target
@pytest.mark.parametrize("target, mu, pct", [(100.0, 1.0, 99.9), (50.0, 0.5, 99.9), (10.0, 2.0, 50.0)])
def test_utilisation_for_percentile_inverts_the_percentile(target, mu, pct):
    rho = q.mm1_utilisation_for_percentile(target, mu, pct)
    assert 0 < rho < 1
    # independent check: the percentile at that load, from the closed form, is the target
    assert q.mm1_sojourn_percentile(rho * mu, mu, pct) == pytest.approx(target, rel=1e-12)


def test_utilisation_for_percentile_matches_the_chapter():
    # chapter exercise: mean service 2 ms, p99.9 below 50 ms -> rho <= 0.72
    assert q.mm1_utilisation_for_percentile(50.0, 0.5, 99.9) == pytest.approx(0.7237, abs=1e-4)
    # the lab's exercise: 1 - ln(1000)/100
    assert q.mm1_utilisation_for_percentile(100.0, 1.0, 99.9) == pytest.approx(1 - math.log(1000) / 100)


@pytest.mark.parametrize("kwargs, message", [
    (dict(target=0.0, service_rate=1.0, percentile=99.0), r'"target" must be > 0'),
    (dict(target=1.0, service_rate=-1.0, percentile=99.0), r'"service_rate" must be > 0'),
    (dict(target=1.0, service_rate=1.0, percentile=100.0), r'"percentile" must be in \[0, 100\)'),
    (dict(target=1.0, service_rate=1.0, percentile=0.0), r'"percentile" must be in \(0, 100\)'),
    (dict(target=4.0, service_rate=1.0, percentile=99.0), r'"target" must exceed the p99 of an idle server'),
])
def test_utilisation_for_percentile_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        q.mm1_utilisation_for_percentile(**kwargs)


@pytest.mark.parametrize("seed", range(12))
def test_posed_problems_read_as_plain_english(seed):
    text = q.pose_problem(seed).statement
    assert "(s)" not in text and "_" not in text and "=" not in text
    assert max(len(line) for line in text.splitlines()) <= 70
    assert "1 identical" not in text
    assert all(len(line) <= 70 for line in str(q.solve(q.pose_problem(seed))).splitlines())


# ------------------------------------------------------------------------------ issue 12: edge regressions
def test_server_count_is_bounded_instead_of_hanging_or_exhausting_memory():
    with pytest.raises(ValueError, match=r'"servers" must be <= 100000, got 100000000'):
        q.erlang_c(10**8, 5e7)  # was 7-20 s
    with pytest.raises(ValueError, match=r'"servers" must be <= 100000, got 1000000000'):
        q.simulate_mmc(0.5, 1, 10**9, 10)  # was MemoryError with an empty message
    assert 0 < q.erlang_c(q.MAX_SERVERS, 0.999 * q.MAX_SERVERS) < 1


def test_subnormal_rates_give_a_clear_error_not_nan():
    with pytest.raises(ValueError, match=r'"arrival_rate" is too small to simulate'):
        q.simulate_mm1(5e-324, 1e-323, 5)  # was [inf, nan, nan, nan, nan] and a warning
    with pytest.raises(ValueError, match=r"simulated times overflow the float range"):
        q.simulate_mm1(1e-307, 2e-307, 50, rng=1)


def test_closed_forms_beyond_the_float_range_raise():
    with pytest.raises(ValueError, match=r"the mean sojourn time overflows the float range"):
        q.mm1_mean_sojourn(1e-310, 2e-310)


def test_string_and_bool_times_are_refused():
    with pytest.raises(TypeError, match=r'"t" must be an array of numbers'):
        q.mmc_sojourn_survival("1", 0.5, 1.0, 2)
    with pytest.raises(TypeError, match=r'"t" must be an array of numbers'):
        q.mmc_sojourn_survival(True, 0.5, 1.0, 2)
    assert float(q.mmc_sojourn_survival(np.array(0.0), 0.5, 1.0, 2)) == 1.0


def test_extreme_rates_give_no_warnings(recwarn):
    p = q.mmc_sojourn_percentile(1e300, 1e300, 2, 99)  # was ~60 overflow warnings
    assert len(recwarn) == 0
    # time scales as 1/mu: the same queue with mu = 1
    assert p == pytest.approx(q.mmc_sojourn_percentile(1.0, 1.0, 2, 99) / 1e300, rel=1e-12)


@pytest.mark.parametrize("eps", [1e-12, 1e-9, 1.5e-9, 2e-9, 1e-7, 1e-5, -1e-9, -2e-9])
def test_sojourn_survival_is_precise_near_theta_equal_mu(eps):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    c, mu = 2, 1.0
    lam = c * mu - mu * (1 + eps)  # theta = c mu - lambda = mu (1 + eps)
    times = [0.1, 1.0, 5.0, 30.0]
    got = q.mmc_sojourn_survival(times, lam, mu, c)
    L, M = mpmath.mpf(lam), mpmath.mpf(mu)
    a = L / M
    # Erlang C from its definition, in exact arithmetic
    top = a**c / mpmath.factorial(c) * c / (c - a)
    C = top / (sum(a**k / mpmath.factorial(k) for k in range(c)) + top)
    theta = c * M - L
    for t_, value in zip(times, got):
        T = mpmath.mpf(t_)
        exact = (1 - C) * mpmath.exp(-M * T) + C * (theta * mpmath.exp(-M * T) - M * mpmath.exp(-theta * T)) / (theta - M)
        assert abs(value - exact) / exact < 1e-13  # was up to 5e-8 near eps = 1-2e-9


def test_offered_load_that_underflows_means_nobody_waits():
    # lambda / mu = 5e-324 / 2 underflows to 0: C = 0, the wait is 0, the sojourn is the service time
    assert q.mmc_mean_wait(5e-324, 2.0, 3) == 0.0
    assert q.mmc_mean_sojourn(5e-324, 2.0, 3) == 0.5
    assert q.mmc_sojourn_percentiles([5e-324], 2.0, 1, 50)[0] == pytest.approx(math.log(2) / 2, rel=1e-12)


def test_simpy_twin_refuses_times_that_overflow():
    with pytest.raises(ValueError, match=r"simulated times overflow the float range"):
        q.simulate_mmc_simpy(2.2250738585072014e-308, 1.0, 1, 1000, rng=3, allow_unstable=True)


def test_sweep_refuses_a_service_rate_that_underflows():
    with pytest.raises(ValueError, match=r'"service_rate" x "servers" x utilisation 0.5 leaves the float range'):
        q.percentiles_vs_utilisation(5e-324, 1, [0.5], 100, progress_bar=False)


def test_unstable_single_server_message_names_servers():
    with pytest.raises(ValueError, match=r"must be < 1 for a steady state to exist \(servers = 1\)"):
        q.simulate_mmc(1.5, 1.0, 1, 100)


def test_sweep_refuses_a_utilisation_whose_times_overflow():
    with pytest.raises(ValueError, match=r'"utilisations" value 2.2250738585072014e-308'):
        q.percentiles_vs_utilisation(1.0, 1, [2.2250738585072014e-308], 100, progress_bar=False)


def test_utilisation_for_percentile_names_the_service_rate():
    with pytest.raises(ValueError, match=r'idle server \(inf at "service_rate" 5e-324\)'):
        q.mm1_utilisation_for_percentile(100.0, 5e-324, 99.9)
