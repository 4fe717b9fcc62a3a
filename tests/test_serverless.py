"""Tests of labsupport.serverless: keep-alive and LRU pools against their closed forms.

Tolerances. A simulated hit ratio is compared with theory within 4 standard errors (batch means over 20
batches, which accounts for the correlation between successive requests), plus, for Che's approximation,
an allowance of 0.005 for the approximation itself: Che's formula is not exact for LRU, but it is known to
be very accurate for Zipf-like popularity over many items (Fricker, Robert & Roberts 2012). Over the
skews and capacities below, simulation and approximation differ by at most ~2e-3, within two standard
errors: the approximation's own error is below the sampling noise of these runs.
"""
from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest

from labsupport import serverless as sv

SEED = 20221128


# ------------------------------------------------------------------ closed forms
def test_zipf_rates_sum_and_ratios():
    rates = sv.zipf_rates(1000, 250.0, 0.9)
    assert rates.sum() == pytest.approx(250.0)
    assert rates[0] / rates[9] == pytest.approx(10 ** 0.9)
    assert np.all(np.diff(rates) < 0)
    assert np.allclose(sv.zipf_rates(4, 8.0, 0.0), 2.0)


def test_ttl_warm_probability_closed_form():
    assert sv.ttl_warm_probability(0.5, 4.0) == pytest.approx(1 - math.exp(-2.0))
    assert sv.ttl_warm_probability(0.0, 100.0) == 0.0
    assert sv.ttl_warm_probability(3.0, 0.0) == 0.0
    arr = sv.ttl_warm_probability(np.array([0.1, 1.0]), 10.0)
    assert arr == pytest.approx([1 - math.exp(-1.0), 1 - math.exp(-10.0)])


def test_che_characteristic_time_solves_its_equation():
    rates = sv.zipf_rates(2000, 100.0, 1.1)
    for capacity in (1, 17, 400, 1999):
        t_c = sv.che_characteristic_time(rates, capacity)
        assert np.sum(1 - np.exp(-rates * t_c)) == pytest.approx(capacity, rel=1e-9)


def test_che_uniform_popularity_is_capacity_over_n():
    # With equal rates every function has the same hit ratio h and n h = C.
    assert sv.che_hit_ratio(np.full(50, 2.0), 20) == pytest.approx(20 / 50)


def test_che_capacity_covering_every_active_function_is_one():
    rates = [3.0, 0.0, 1.0, 0.0]
    assert sv.che_hit_ratio(rates, 2) == 1.0
    assert sv.che_hit_ratio(rates, 10) == 1.0
    assert math.isinf(sv.che_characteristic_time(rates, 2))
    assert sv.che_hit_ratio(rates, 1) < 1.0


def test_che_extreme_rates_do_not_hang():
    start = time.perf_counter()
    t_c = sv.che_characteristic_time([1.0, 1e-200, 1e-250], 2)
    assert math.isfinite(t_c) and t_c > 1e199
    assert time.perf_counter() - start < 1.0


def test_che_zero_rate_functions_are_ignored():
    rates = sv.zipf_rates(300, 30.0, 1.0)
    padded = np.concatenate([rates, np.zeros(700)])
    assert sv.che_hit_ratio(padded, 50) == pytest.approx(sv.che_hit_ratio(rates, 50), rel=1e-12)
    assert np.all(sv.che_approximation(padded, 50).hit_ratios[300:] == 0)


def test_ttl_mean_warm_environments_is_che_left_hand_side():
    rates = sv.zipf_rates(500, 50.0, 0.8)
    t_c = sv.che_characteristic_time(rates, 120)
    assert sv.ttl_mean_warm_environments(rates, t_c) == pytest.approx(120)


# ------------------------------------------------------------------ simulations vs theory
@pytest.mark.parametrize("exponent", [0.6, 1.0, 1.4])
@pytest.mark.parametrize("capacity", [10, 100, 500])
def test_lru_simulation_matches_che(exponent, capacity):
    rates = sv.zipf_rates(1000, 100.0, exponent)
    sim = sv.simulate_lru_pool(rates, capacity, 200_000, warmup_requests=50_000, rng=SEED)
    che = sv.che_hit_ratio(rates, capacity)
    assert abs(sim.hit_ratio - che) <= 4 * sim.hit_ratio_stderr + 0.005


def test_lru_uniform_popularity_is_exact():
    # Under uniform popularity LRU's hit ratio is exactly C / n (every function is equally likely to be in).
    sim = sv.simulate_lru_pool(np.ones(40), 10, 100_000, warmup_requests=1000, rng=SEED)
    assert abs(sim.hit_ratio - 0.25) <= 4 * sim.hit_ratio_stderr


def test_lru_per_function_hit_ratios_match_che():
    rates = sv.zipf_rates(500, 50.0, 1.0)
    sim = sv.simulate_lru_pool(rates, 50, 400_000, warmup_requests=20_000, rng=SEED)
    che = sv.che_approximation(rates, 50).hit_ratios
    for i in (0, 9, 49):  # binomial SE per function; requests of one function are only weakly correlated
        se = math.sqrt(che[i] * (1 - che[i]) / sim.requests[i])
        assert abs(sim.hit_ratios[i] - che[i]) <= 5 * se + 0.01


@pytest.mark.parametrize("exponent", [0.0, 0.8, 1.2])
@pytest.mark.parametrize("keep_alive_s", [0.5, 5.0, 50.0])
def test_ttl_simulation_matches_formula(exponent, keep_alive_s):
    rates = sv.zipf_rates(1000, 100.0, exponent)
    sim = sv.simulate_ttl_pool(rates, keep_alive_s, 300_000, warmup_requests=50_000, rng=SEED)
    theory = float(np.dot(rates, sv.ttl_warm_probability(rates, keep_alive_s)) / rates.sum())
    assert abs(sim.hit_ratio - theory) <= 4 * sim.hit_ratio_stderr


def test_ttl_per_function_and_memory_match_formula():
    rates = sv.zipf_rates(200, 20.0, 1.0)
    sim = sv.simulate_ttl_pool(rates, 3.0, 500_000, warmup_requests=10_000, rng=SEED)
    theory = sv.ttl_warm_probability(rates, 3.0)
    # Successive gaps of one Poisson stream are independent, so a function's warm flags are i.i.d. Bernoulli.
    for i in (0, 5, 50, 150):
        se = math.sqrt(theory[i] * (1 - theory[i]) / sim.requests[i])
        assert abs(sim.hit_ratios[i] - theory[i]) <= 4.5 * se
    # The run lasts ~25,000 s, thousands of keep-alives: the time average is within 1 % (seen: < 0.3 % over seeds).
    assert sim.mean_warm_environments == pytest.approx(sv.ttl_mean_warm_environments(rates, 3.0), rel=0.01)


def test_lru_capacity_covering_everything_misses_only_first_requests():
    rates = [5.0, 1.0, 0.0, 0.2]
    for simulate in (sv.simulate_lru_pool, sv.simulate_lru_pool_simpy):
        sim = simulate(rates, 3, 5_000, rng=SEED)
        assert int(sim.n_requests - sim.hits.sum()) == int(np.count_nonzero(sim.requests))
        assert sim.requests[2] == 0 and math.isnan(sim.hit_ratios[2])


def test_simpy_lru_agrees_with_fast_lru():
    rates = sv.zipf_rates(300, 30.0, 0.9)
    fast = sv.simulate_lru_pool(rates, 40, 150_000, warmup_requests=10_000, rng=1)
    ref = sv.simulate_lru_pool_simpy(rates, 40, 60_000, warmup_requests=10_000, rng=2)
    assert abs(fast.hit_ratio - ref.hit_ratio) <= 4 * math.hypot(fast.hit_ratio_stderr, ref.hit_ratio_stderr)


def test_simpy_ttl_agrees_with_fast_ttl():
    rates = sv.zipf_rates(300, 30.0, 0.9)
    fast = sv.simulate_ttl_pool(rates, 2.0, 150_000, warmup_requests=10_000, rng=1)
    ref = sv.simulate_ttl_pool_simpy(rates, 2.0, 60_000, warmup_requests=10_000, rng=2)
    assert abs(fast.hit_ratio - ref.hit_ratio) <= 4 * math.hypot(fast.hit_ratio_stderr, ref.hit_ratio_stderr)
    assert ref.seconds_simulated == pytest.approx(60_000 / 30.0, rel=0.05)


def test_fast_lru_is_not_slower_than_simpy():
    rates = sv.zipf_rates(1000, 100.0, 0.8)
    start = time.perf_counter()
    sv.simulate_lru_pool(rates, 100, 50_000, rng=1)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    sv.simulate_lru_pool_simpy(rates, 100, 50_000, rng=1)
    assert fast < time.perf_counter() - start


def test_simulations_are_reproducible_and_carry_parameters():
    rates = sv.zipf_rates(100, 10.0, 1.0)
    a = sv.simulate_lru_pool(rates, 10, 5_000, rng=7)
    b = sv.simulate_lru_pool(rates, 10, 5_000, rng=7)
    assert np.array_equal(a.hits, b.hits) and a.capacity == 10 and a.policy == "lru"
    c = sv.simulate_ttl_pool(rates, 1.5, 5_000, rng=7)
    assert c.keep_alive_s == 1.5 and c.n_requests == 5_000 and np.array_equal(c.rates_per_s, rates)
    assert c.cold_start_ratio == pytest.approx(1 - c.hit_ratio)


# ------------------------------------------------------------------ density
def test_slots_per_host():
    assert sv.slots_per_host(1024, 128, 0) == 8
    assert sv.slots_per_host(1024, 128, 5) == 7
    assert sv.slots_per_host(100, 128, 5) == 0


def test_density_sweep_bends_where_the_fleet_stops_holding_every_function():
    rates = sv.zipf_rates(4000, 200.0, 1.0)
    r = sv.density_sweep(rates, host_memory_mib=65536, function_memory_mib=128, n_hosts=10,
                         overheads_mib=[0, 5, 30, 40, 131])
    assert r.bend_overhead_mib == pytest.approx(10 * 65536 / 4000 - 128)
    assert list(r.cold_start_ratio[:3]) == [0.0, 0.0, 0.0]
    assert 0 < r.cold_start_ratio[3] < r.cold_start_ratio[4]
    assert list(r.capacity) == [10 * sv.slots_per_host(65536, 128, o) for o in (0, 5, 30, 40, 131)]


# ------------------------------------------------------------------ validation (one test per message)
def test_rejects_negative_rate():
    with pytest.raises(ValueError, match=r'"rates_per_s" must be >= 0, got -1.0 at index 1'):
        sv.che_hit_ratio([1.0, -1.0], 1)


def test_rejects_non_finite_rate():
    with pytest.raises(ValueError, match=r'"rates_per_s" must be finite, got nan'):
        sv.simulate_lru_pool([1.0, float("nan")], 1, 10)


def test_rejects_all_zero_rates():
    with pytest.raises(ValueError, match=r'"rates_per_s" must have at least one rate > 0'):
        sv.simulate_ttl_pool([0.0, 0.0], 1.0, 10)


def test_rejects_two_dimensional_rates():
    with pytest.raises(ValueError, match=r'"rates_per_s" must be one-dimensional'):
        sv.che_hit_ratio([[1.0]], 1)


def test_rejects_empty_rates():
    with pytest.raises(ValueError, match=r'"rates_per_s" must not be empty'):
        sv.che_hit_ratio([], 1)


def test_rejects_non_numeric_rates():
    with pytest.raises(TypeError, match=r'"rates_per_s" must be an array of numbers'):
        sv.che_hit_ratio("fast", 1)


def test_rejects_zero_capacity():
    with pytest.raises(ValueError, match=r'"capacity" must be >= 1, got 0'):
        sv.che_hit_ratio([1.0], 0)


def test_rejects_negative_capacity():
    with pytest.raises(ValueError, match=r'"capacity" must be >= 1, got -3'):
        sv.simulate_lru_pool([1.0], -3, 10)


def test_rejects_float_capacity():
    with pytest.raises(TypeError, match=r'"capacity" must be an integer, got 2.5'):
        sv.simulate_lru_pool_simpy([1.0], 2.5, 10)


def test_rejects_zero_requests():
    with pytest.raises(ValueError, match=r'"n_requests" must be >= 1, got 0'):
        sv.simulate_lru_pool([1.0], 1, 0)


def test_rejects_negative_warmup():
    with pytest.raises(ValueError, match=r'"warmup_requests" must be >= 0, got -1'):
        sv.simulate_ttl_pool_simpy([1.0], 1.0, 10, warmup_requests=-1)


def test_rejects_negative_keep_alive():
    with pytest.raises(ValueError, match=r'"keep_alive_s" must be >= 0, got -1.0'):
        sv.simulate_ttl_pool([1.0], -1.0, 10)


def test_rejects_infinite_keep_alive():
    with pytest.raises(ValueError, match=r'"keep_alive_s" must be finite, got inf'):
        sv.ttl_warm_probability(1.0, float("inf"))


def test_rejects_negative_invocation_rate():
    with pytest.raises(ValueError, match=r'"invocation_rate_per_s" must be >= 0, got -0.5'):
        sv.ttl_warm_probability(-0.5, 1.0)


def test_rejects_negative_invocation_rate_in_array():
    with pytest.raises(ValueError, match=r'"invocation_rate_per_s" must be finite and >= 0, got -2.0'):
        sv.ttl_warm_probability([1.0, -2.0], 1.0)


def test_rejects_zipf_without_functions():
    with pytest.raises(ValueError, match=r'"n_functions" must be >= 1, got 0'):
        sv.zipf_rates(0, 1.0, 1.0)


def test_rejects_zipf_negative_exponent():
    with pytest.raises(ValueError, match=r'"exponent" must be >= 0, got -1.0'):
        sv.zipf_rates(10, 1.0, -1.0)


def test_rejects_zipf_zero_total_rate():
    with pytest.raises(ValueError, match=r'"total_rate_per_s" must be > 0, got 0.0'):
        sv.zipf_rates(10, 0.0, 1.0)


def test_rejects_negative_overhead():
    with pytest.raises(ValueError, match=r'"overhead_mib" must be >= 0, got -5.0'):
        sv.slots_per_host(1024, 128, -5)


def test_rejects_negative_overhead_in_sweep():
    with pytest.raises(ValueError, match=r'"overheads_mib" must be >= 0, got -1.0'):
        sv.density_sweep([1.0], host_memory_mib=1024, function_memory_mib=128, n_hosts=1, overheads_mib=[5, -1])


def test_rejects_zero_hosts():
    with pytest.raises(ValueError, match=r'"n_hosts" must be >= 1, got 0'):
        sv.density_sweep([1.0], host_memory_mib=1024, function_memory_mib=128, n_hosts=0, overheads_mib=[5])


def test_rejects_unknown_problem_kind():
    with pytest.raises(ValueError, match=r'"kind" must be one of \'ttl\', \'lru\', \'density\', got \'fifo\''):
        sv.pose_problem(1, kind="fifo")


def test_solve_rejects_unknown_problem():
    problem = sv.Problem("fifo", "?", {})
    with pytest.raises(ValueError, match=r'"problem.kind" must be one of'):
        sv.solve(problem)


# ------------------------------------------------------------------ pose / solve / CLI
def test_solve_ttl_matches_formula():
    problem = sv.pose_problem(4, kind="ttl")
    p = problem.params
    unit = "invocation" if p["per_minute"] == 1 else "invocations"
    assert f"{p['per_minute']:g} {unit} per minute" in " ".join(problem.statement.split())
    assert sv.solve(problem).value == pytest.approx(math.exp(-p["rate_per_s"] * p["keep_alive_s"]))


def test_solve_lru_matches_che():
    problem = sv.pose_problem(5, kind="lru")
    p = problem.params
    assert f"LRU pool of {p['capacity']} environments" in " ".join(problem.statement.split())
    rates = sv.zipf_rates(p["n_functions"], p["total_rate_per_s"], p["exponent"])
    assert sv.solve(problem).value == pytest.approx(1 - sv.che_hit_ratio(rates, p["capacity"]))


def test_solve_density_matches_the_sweep():
    for seed in range(5):
        problem = sv.pose_problem(seed, kind="density")
        p = problem.params
        assert f"{p['n_functions']:,} functions" in " ".join(problem.statement.split())
        bend = sv.solve(problem).value
        assert 0 < bend < 2 * p["function_memory_mib"]
        rates = np.ones(p["n_functions"])
        r = sv.density_sweep(rates, host_memory_mib=p["host_memory_mib"], function_memory_mib=p["function_memory_mib"],
                             n_hosts=p["n_hosts"], overheads_mib=[max(bend - 2.0, 0.0), bend + 2.0])
        assert r.cold_start_ratio[0] == 0.0 and r.cold_start_ratio[1] > 0.0
        assert r.bend_overhead_mib == pytest.approx(bend)


def test_cli_poses_and_solves(capsys):
    assert sv.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    problem = sv.pose_problem(np.random.default_rng(3))
    assert "python -m labsupport.serverless --seed 3" in out
    assert problem.statement in out and sv.solve(problem).working in out


def test_cli_without_solve_hides_answer(capsys):
    assert sv.main(["--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert sv.solve(sv.pose_problem(np.random.default_rng(3))).working not in out and "--solve" in out


# ------------------------------------------------------------------ helpers the labs' exercises call
def test_ttl_cold_start_probability_is_the_complement_of_the_warm_probability():
    for rate, keep_alive in ((1 / 3600, 600.0), (2.0, 0.1), (0.0, 5.0), (3.0, 0.0)):
        assert sv.ttl_cold_start_probability(rate, keep_alive) == pytest.approx(
            1 - sv.ttl_warm_probability(rate, keep_alive), abs=1e-15)
    assert sv.ttl_cold_start_probability(1 / 3600, 600.0) == pytest.approx(math.exp(-1 / 6))


def test_ttl_keep_alive_for_inverts_the_warm_probability():
    for rate, p in ((1 / 3600, 0.5), (2.0, 0.9), (0.01, 0.0)):
        t = sv.ttl_keep_alive_for(rate, p)
        assert sv.ttl_warm_probability(rate, t) == pytest.approx(p, abs=1e-12)
    assert sv.ttl_keep_alive_for(1 / 3600, 0.5) == pytest.approx(3600 * math.log(2))


def test_ttl_helpers_reject_bad_input():
    with pytest.raises(ValueError, match=r'"keep_alive_s" must be >= 0'):
        sv.ttl_cold_start_probability(1.0, -1.0)
    with pytest.raises(ValueError, match=r'"invocation_rate_per_s" must be > 0'):
        sv.ttl_keep_alive_for(0.0, 0.5)
    with pytest.raises(ValueError, match=r'"warm_probability"'):
        sv.ttl_keep_alive_for(1.0, 1.0)


def test_fleet_slots_and_hosts_to_hold_agree_with_slots_per_host():
    host, fn = 64 * 1024.0, 128.0
    for overhead in (0.0, 5.0, 131.0, 1000.0):
        slots = sv.slots_per_host(host, fn, overhead)
        assert sv.fleet_slots(10, host, fn, overhead) == 10 * slots
        hosts = sv.hosts_to_hold(4000, host, fn, overhead)
        assert hosts * slots >= 4000 > (hosts - 1) * slots   # the fewest hosts that hold every function
    assert (sv.hosts_to_hold(4000, host, fn, 5.0), sv.hosts_to_hold(4000, host, fn, 131.0)) == (9, 16)


def test_fleet_helpers_reject_bad_input():
    with pytest.raises(ValueError, match=r'"n_hosts" must be >= 1, got 0'):
        sv.fleet_slots(0, 1024.0, 128.0, 5.0)
    with pytest.raises(ValueError, match=r'"host_memory_mib" must hold at least one environment'):
        sv.hosts_to_hold(10, 100.0, 128.0, 5.0)


def test_posed_problems_read_as_plain_english():
    for seed in range(30):
        for kind in ("ttl", "lru", "density"):
            problem = sv.pose_problem(seed, kind=kind)
            text = problem.statement + "\n" + sv.solve(problem).working
            assert max(len(line) for line in text.splitlines()) <= 70, text
            assert "(s)" not in text and "_s=" not in text and "/s" not in text, text
            assert not re.search(r"(?<![.\d])1 (minutes|invocations)\b", text), text


# ------------------------------------------------------------------------------ issue 12: edge regressions
@pytest.mark.parametrize("rates", [[1e308] * 3, [5e-324] * 3, [1.0] * 3, [2.5e-200] * 3])
def test_che_is_scale_free_at_the_ends_of_the_float_range(rates, recwarn):
    # three equal rates, two slots: each function is warm 2/3 of the time whatever the rate
    assert sv.che_hit_ratio(rates, 2) == pytest.approx(2 / 3, rel=1e-15)  # was "could not bracket" / brentq
    assert len(recwarn) == 0


def test_che_characteristic_time_with_subnormal_rates():
    # (1 - e^-T) + 3 (1 - e^(-5e-324 T)) = 2 needs T near 6.7e322 s: beyond the float range
    assert sv.che_characteristic_time([1.0] + [5e-324] * 3, 2) == math.inf  # was "failed to converge"
    che = sv.che_approximation([1.0] + [5e-324] * 3, 2)
    assert che.hit_ratios.tolist() == pytest.approx([1.0, 1 / 3, 1 / 3, 1 / 3], rel=1e-12)


def test_che_agrees_with_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    rates = sv.zipf_rates(200, 50.0, 0.9)
    t_c = sv.che_characteristic_time(rates, 37)
    exact = mpmath.findroot(lambda T: sum(1 - mpmath.exp(-mpmath.mpf(r) * T) for r in rates) - 37, t_c)
    assert t_c == pytest.approx(float(exact), rel=1e-14)


def test_che_wide_rate_range_gives_no_warnings(recwarn):
    assert sv.che_hit_ratio([1e300, 1e-300, 1e-300], 2) == pytest.approx(1.0)  # was hundreds of warnings
    assert len(recwarn) == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: sv.che_hit_ratio(["1", "2", "3"], 1), TypeError, r'"rates_per_s" must be an array of numbers'),
    (lambda: sv.ttl_warm_probability(["1"], 1.0), TypeError, r'"invocation_rate_per_s" must be an array of numbers'),
    (lambda: sv.ttl_warm_probability([True, False], 1.0), TypeError,
     r'"invocation_rate_per_s" must be an array of numbers'),
    (lambda: sv.slots_per_host(1e308, 1e-308, 0.0), ValueError, r'environments per host; at most 2\*\*40'),
    (lambda: sv.density_sweep([1.0], host_memory_mib=1.0, function_memory_mib=1.0, n_hosts=10**7,
                              overheads_mib=[0.0]), ValueError, r'"n_hosts" must be <= 1000000'),
])
def test_one_validation_path(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_ttl_accepts_numpy_scalars_and_0d_arrays():
    expected = -math.expm1(-0.5)
    assert sv.ttl_warm_probability(np.array(0.5), 1.0) == pytest.approx(expected)  # was refused
    assert sv.ttl_warm_probability(np.float32(0.5), np.array(1.0)) == pytest.approx(expected)


@pytest.mark.parametrize("sim", [sv.simulate_ttl_pool, sv.simulate_ttl_pool_simpy, sv.simulate_lru_pool])
@pytest.mark.parametrize("rates", [[5e-324], [1e300, 1.7976931348623157e308], [2.2250738585072014e-308]])
def test_pool_simulations_refuse_rates_whose_times_leave_the_float_range(sim, rates):
    args = (rates, 10.0, 100) if "ttl" in sim.__name__ else (rates, 1, 100)
    with pytest.raises(ValueError, match=r'"rates_per_s" must be simulable'):
        sim(*args, rng=0)


def test_ragged_rates_are_a_type_error():
    with pytest.raises(TypeError, match=r'"invocation_rate_per_s" must be an array of numbers'):
        sv.ttl_warm_probability([[1.0], [2.0, 3.0]], 1.0)


def test_keep_alive_for_a_subnormal_rate_is_a_clear_error():
    with pytest.raises(ValueError, match=r'"invocation_rate_per_s" 5e-324 is too small'):
        sv.ttl_keep_alive_for(5e-324, 0.5)
