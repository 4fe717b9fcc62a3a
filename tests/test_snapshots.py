"""Tests of labsupport.snapshots: cold-start anatomy, snapshot loading, and uniqueness after restore."""
from __future__ import annotations

import math

import numpy as np
import pytest

from labsupport import snapshots as sn

SEED = 2022


# ------------------------------------------------------------------ cold-start anatomy
def test_breakdown_without_snapstart_is_the_profile():
    profile = sn.ColdStartProfile()
    parts = dict(sn.cold_start_breakdown(profile))
    assert parts == {"VM boot": 125.0, "runtime start": profile.runtime_start_ms,
                     "code fetch": profile.code_fetch_ms, "function init": profile.init_ms,
                     "handler": profile.handler_ms}
    assert parts["VM boot"] == sn.FIRECRACKER_BOOT_MS


def test_snapstart_cuts_an_init_heavy_cold_start_by_about_ten_times():
    # AWS reports "up to 10x" faster Java start-up. With the default (assumed) profile the model's ratio
    # must be of that order: between 5x and 20x for both loading strategies.
    profile = sn.ColdStartProfile()
    plain = sum(ms for _, ms in sn.cold_start_breakdown(profile))
    for loading in ("lazy", "predictive"):
        snap = sum(ms for _, ms in sn.cold_start_breakdown(profile, snapstart=True, loading=loading, rng=SEED))
        assert 5 <= plain / snap <= 20, (loading, plain / snap)


def test_remaining_snapstart_time_is_hooks_resume_handler_and_memory():
    parts = dict(sn.cold_start_breakdown(snapstart=True, loading="lazy", rng=SEED))
    cache = sn.TieredCache()
    expected_wait = sn.chunks_in(256.0) * cache.mean_chunk_ms
    assert parts["waiting for snapshot memory"] == pytest.approx(expected_wait, rel=0.05)
    assert parts["VM resume"] == 25.0 and parts["after-restore hooks"] == 100.0


def test_snapstart_helps_less_when_init_is_light():
    light = sn.ColdStartProfile(init_ms=50.0)
    plain = sum(ms for _, ms in sn.cold_start_breakdown(light))
    snap = sum(ms for _, ms in sn.cold_start_breakdown(light, snapstart=True, rng=SEED))
    assert plain / snap < 5


# ------------------------------------------------------------------ snapshot loading
def test_chunks_in():
    assert sn.chunks_in(256) == 512
    assert sn.chunks_in(0.5) == 1
    assert sn.chunks_in(0.6) == 2


def test_lazy_restore_mean_matches_closed_form():
    cache = sn.TieredCache(worker_hit_ratio=0.7, az_hit_ratio=0.8)
    r = sn.restore_time(256, loading="lazy", cache=cache, n_restores=4000, rng=SEED)
    se = r.loading_ms.std(ddof=1) / math.sqrt(r.loading_ms.size)
    assert abs(r.loading_ms.mean() - sn.expected_lazy_restore_ms(256, cache=cache)) <= 4 * se
    pw, pa, ps = cache.tier_probabilities
    n = 256 * 4000
    for got, p in zip(r.tier_fractions, (pw, pa, ps)):
        assert abs(got - p) <= 4 * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("loading", ["lazy", "predictive"])
def test_simpy_restore_reproduces_the_fast_model_exactly(loading):
    # Both draw the chunk latencies with the same call on the same seed, so the paths must coincide.
    kwargs = dict(loading=loading, prefetch_concurrency=3, cache=sn.TieredCache(worker_hit_ratio=0.5),
                  n_restores=30, rng=SEED)
    fast = sn.restore_time(101, **kwargs)
    ref = sn.restore_time_simpy(101, **kwargs)
    assert np.allclose(fast.loading_ms, ref.loading_ms, rtol=1e-9, atol=1e-9)


def test_predictive_is_never_slower_than_lazy_on_the_same_chunks():
    lazy = sn.restore_time(512, loading="lazy", n_restores=300, rng=SEED)
    pred = sn.restore_time(512, loading="predictive", n_restores=300, rng=SEED)
    assert np.all(pred.loading_ms <= lazy.loading_ms + 1e-9)
    assert pred.loading_ms.mean() < lazy.loading_ms.mean() / 2


def test_predictive_with_everything_cached_costs_about_the_handler():
    cache = sn.TieredCache(worker_hit_ratio=1.0, worker_ms=0.1)
    r = sn.restore_time(512, loading="predictive", handler_ms=50.0, prefetch_concurrency=8, cache=cache,
                        n_restores=10, rng=SEED)
    # The fetch pipeline (512 x 0.1 ms / 8 streams = 6.4 ms) hides behind 50 ms of work; only the first
    # chunk's 0.1 ms (longer than the 50/512 ms of work before its touch) is waited for.
    assert np.allclose(r.loading_ms, 0.1 + 511 * 50.0 / 512, atol=1e-9)


def test_first_restore_on_a_new_worker_is_slower():
    warm = sn.restore_time(512, loading="predictive", cache=sn.TieredCache(worker_hit_ratio=0.95), n_restores=200,
                           rng=SEED)
    cold = sn.restore_time(512, loading="predictive", cache=sn.TieredCache(worker_hit_ratio=0.0), n_restores=200,
                           rng=SEED)
    assert cold.loading_ms.mean() > 2 * warm.loading_ms.mean()


def test_more_prefetch_streams_help_until_the_handler_dominates():
    cache = sn.TieredCache(worker_hit_ratio=0.0)
    means = [sn.restore_time(512, loading="predictive", prefetch_concurrency=p, cache=cache, n_restores=100,
                             rng=SEED).loading_ms.mean() for p in (1, 4, 16, 64)]
    assert means[0] > means[1] > means[2] > means[3] >= 50.0


# ------------------------------------------------------------------ invocation latency
def test_invocations_cold_fraction_and_latencies():
    p = 0.05
    r = sn.simulate_invocations(n_invocations=20_000, cold_start_probability=p, rng=SEED)
    assert abs(r.is_cold.mean() - p) <= 4 * math.sqrt(p * (1 - p) / 20_000)
    warm = r.latency_ms[~r.is_cold]
    assert np.median(warm) == pytest.approx(50.0, rel=0.02)
    assert r.cold_latency_ms.mean() == pytest.approx(3225.0, rel=0.1)


def test_snapstart_shrinks_the_tail_not_the_median():
    plain = sn.simulate_invocations(n_invocations=20_000, cold_start_probability=0.02, rng=SEED)
    snap = sn.simulate_invocations(n_invocations=20_000, cold_start_probability=0.02, snapstart=True, rng=SEED)
    assert np.median(snap.latency_ms) == pytest.approx(np.median(plain.latency_ms), rel=0.02)
    assert np.percentile(plain.latency_ms, 99.9) > 5 * np.percentile(snap.latency_ms, 99.9)


def test_no_jitter_no_cold_starts_gives_the_handler_time():
    r = sn.simulate_invocations(n_invocations=100, cold_start_probability=0.0, jitter_sigma=0.0, rng=SEED)
    assert np.all(r.latency_ms == 50.0) and not r.is_cold.any()


# ------------------------------------------------------------------ uniqueness
def test_clones_without_hook_repeat_each_others_tokens():
    snap = sn.snapshot(sn.initialize_function(64, rng=SEED))
    tokens = sn.clone_tokens(snap, 2000, 5)
    assert np.all(tokens == tokens[0])
    report = sn.find_duplicate_tokens(tokens)
    assert report.n_distinct == 5 and report.n_repeats == 2000 * 5 - 5 and report.largest_group == 2000


def test_reseed_hook_removes_every_repeat():
    # 10,000 clones x 10 tokens: without the hook every token repeats; with 64-bit tokens drawn after
    # reseeding, P(any repeat) = 1 - exp(-n(n-1) / (2 * 2^64)) ~ 2.7e-10 for n = 100,000: none may appear.
    snap = sn.snapshot(sn.initialize_function(64, rng=SEED))
    without = sn.find_duplicate_tokens(sn.clone_tokens(snap, 10_000, 10))
    with_hook = sn.find_duplicate_tokens(sn.clone_tokens(snap, 10_000, 10, after_restore_hook=sn.reseed_after_restore,
                                                         rng=SEED))
    assert without.n_repeats == 100_000 - 10
    assert with_hook.n_repeats == 0
    assert sn.birthday_collision_probability(100_000, 64) < 1e-9


def test_hook_cannot_fix_a_value_computed_in_init():
    snap = sn.snapshot(sn.initialize_function(64, rng=SEED))
    clones = sn.restore(snap, 500, after_restore_hook=sn.reseed_after_restore, rng=SEED)
    report = sn.find_duplicate_tokens(np.array([c.init_token for c in clones], dtype=np.uint64))
    assert report.n_distinct == 1 and report.n_repeats == 499
    assert all(c.restores == 1 for c in clones)


def test_restore_leaves_the_snapshot_untouched_and_tokens_are_pure():
    state = sn.initialize_function(32, rng=SEED)
    snap = sn.snapshot(state)
    before = snap.state.rng_state["state"]["state"]
    clone = sn.restore(snap, 1, after_restore_hook=sn.reseed_after_restore, rng=1)[0]
    first, after = sn.generate_tokens(clone, 4)
    again, _ = sn.generate_tokens(clone, 4)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, sn.generate_tokens(after, 4)[0])
    assert snap.state.rng_state["state"]["state"] == before
    assert np.all(first < 2**32)


def test_short_tokens_collide_at_the_birthday_rate_even_after_reseeding():
    n, bits, trials = 1000, 20, 3000
    p = sn.birthday_collision_probability(n, bits)
    measured = sn.collision_trials(n, bits, trials, rng=SEED)
    # binomial SE plus a 0.01 allowance for the approximation 1 - exp(-n(n-1)/2^(b+1)) vs the exact product
    exact = 1 - math.exp(sum(math.log1p(-i / 2**bits) for i in range(n)))
    assert abs(exact - p) < 0.01
    assert abs(measured - p) <= 4 * math.sqrt(p * (1 - p) / trials) + 0.01


def test_birthday_closed_form():
    assert sn.birthday_collision_probability(0, 8) == 0.0
    assert sn.birthday_collision_probability(1, 8) == 0.0
    assert sn.birthday_collision_probability(2**16, 32) == pytest.approx(1 - math.exp(-(2**16 - 1) / 2**17))


def test_find_duplicate_tokens_counts():
    r = sn.find_duplicate_tokens([5, 5, 6, 7, 7, 7])
    assert (r.n_tokens, r.n_distinct, r.n_repeats, r.n_repeated_values, r.largest_group) == (6, 3, 3, 2, 3)
    assert r.any_duplicate and not sn.find_duplicate_tokens([1, 2]).any_duplicate


# ------------------------------------------------------------------ validation (one test per message)
def test_rejects_bad_loading():
    with pytest.raises(ValueError, match=r'"loading" must be one of \'lazy\', \'predictive\', got \'eager\''):
        sn.restore_time(10, loading="eager")


def test_rejects_zero_chunks():
    with pytest.raises(ValueError, match=r'"n_chunks" must be >= 1, got 0'):
        sn.restore_time(0)


def test_rejects_zero_prefetch():
    with pytest.raises(ValueError, match=r'"prefetch_concurrency" must be >= 1, got 0'):
        sn.restore_time(10, prefetch_concurrency=0)


def test_rejects_too_much_work():
    with pytest.raises(ValueError, match=r'"n_chunks" x "n_restores" must be <= 50,000,000'):
        sn.restore_time(1_000_000, n_restores=100)


def test_rejects_hit_ratio_above_one():
    with pytest.raises(ValueError, match=r'"worker_hit_ratio" must be in \[0, 1\], got 1.5'):
        sn.TieredCache(worker_hit_ratio=1.5)


def test_rejects_negative_tier_latency():
    with pytest.raises(ValueError, match=r'"s3_ms" must be >= 0, got -1.0'):
        sn.TieredCache(s3_ms=-1.0)


def test_rejects_negative_component():
    with pytest.raises(ValueError, match=r'"init_ms" must be >= 0, got -5.0'):
        sn.ColdStartProfile(init_ms=-5.0)


def test_rejects_non_finite_component():
    with pytest.raises(ValueError, match=r'"handler_ms" must be finite, got nan'):
        sn.ColdStartProfile(handler_ms=float("nan"))


def test_rejects_zero_working_set():
    with pytest.raises(ValueError, match=r'"working_set_mib" must be > 0, got 0.0'):
        sn.chunks_in(0.0)


def test_rejects_wrong_profile_type():
    with pytest.raises(TypeError, match=r'"profile" must be a ColdStartProfile, got dict'):
        sn.cold_start_breakdown({})


def test_rejects_wrong_cache_type():
    with pytest.raises(TypeError, match=r'"cache" must be a TieredCache, got tuple'):
        sn.restore_time(10, cache=(0.9, 0.9))


def test_rejects_non_bool_snapstart():
    with pytest.raises(TypeError, match=r'"snapstart" must be True or False, got 1'):
        sn.simulate_invocations(snapstart=1)


def test_rejects_cold_probability_above_one():
    with pytest.raises(ValueError, match=r'"cold_start_probability" must be in \[0, 1\], got 2.0'):
        sn.simulate_invocations(cold_start_probability=2.0)


def test_rejects_negative_jitter():
    with pytest.raises(ValueError, match=r'"jitter_sigma" must be >= 0, got -0.1'):
        sn.simulate_invocations(jitter_sigma=-0.1)


def test_rejects_token_bits_above_64():
    with pytest.raises(ValueError, match=r'"token_bits" must be <= 64, got 65'):
        sn.initialize_function(65)


def test_rejects_restoring_a_non_snapshot():
    with pytest.raises(TypeError, match=r'"snap" must be a Snapshot, got FunctionState'):
        sn.restore(sn.initialize_function(rng=1), 2)


def test_rejects_non_callable_hook():
    snap = sn.snapshot(sn.initialize_function(rng=1))
    with pytest.raises(TypeError, match=r'"after_restore_hook" must be callable or None'):
        sn.restore(snap, 2, after_restore_hook="reseed")


def test_rejects_hook_returning_something_else():
    snap = sn.snapshot(sn.initialize_function(rng=1))
    with pytest.raises(TypeError, match=r'"after_restore_hook" must return a FunctionState, got NoneType'):
        sn.restore(snap, 2, after_restore_hook=lambda state, entropy: None)


def test_rejects_zero_clones():
    snap = sn.snapshot(sn.initialize_function(rng=1))
    with pytest.raises(ValueError, match=r'"n_clones" must be >= 1, got 0'):
        sn.clone_tokens(snap, 0)


def test_rejects_negative_entropy():
    with pytest.raises(ValueError, match=r'"entropy" must be >= 0, got -1'):
        sn.reseed_after_restore(sn.initialize_function(rng=1), -1)


def test_rejects_non_state():
    with pytest.raises(TypeError, match=r'"state" must be a FunctionState, got int'):
        sn.generate_tokens(3, 1)


def test_rejects_float_tokens():
    with pytest.raises(TypeError, match=r'"tokens" must be an array of integers, got dtype float64'):
        sn.find_duplicate_tokens([1.5, 2.0])


def test_rejects_empty_tokens():
    with pytest.raises(ValueError, match=r'"tokens" must not be empty'):
        sn.find_duplicate_tokens(np.array([], dtype=np.uint64))


def test_rejects_negative_birthday_n():
    with pytest.raises(ValueError, match=r'"n" must be >= 0, got -2'):
        sn.birthday_collision_probability(-2, 32)


def test_rejects_one_token_trial():
    with pytest.raises(ValueError, match=r'"n_tokens" must be >= 2, got 1'):
        sn.collision_trials(1, 32, 10)


def test_rejects_unknown_problem_kind():
    with pytest.raises(ValueError, match=r'"kind" must be one of \'birthday\', \'lazy\', got \'x\''):
        sn.pose_problem(1, kind="x")


def test_solve_rejects_unknown_problem():
    with pytest.raises(ValueError, match=r'"problem.kind" must be one of \'birthday\', \'lazy\''):
        sn.solve(sn.Problem("x", "?", {}))


# ------------------------------------------------------------------ pose / solve / CLI
def test_solve_birthday_matches_formula():
    problem = sn.pose_problem(2, kind="birthday")
    p = problem.params
    assert f"{p['n']:,} clones" in problem.statement and f"{p['bits']}-bit" in problem.statement
    assert sn.solve(problem).value == pytest.approx(-math.expm1(-p["n"] * (p["n"] - 1) / 2 / 2 ** p["bits"]))


def test_solve_lazy_matches_simulation():
    problem = sn.pose_problem(5, kind="lazy")
    p = problem.params
    cache = sn.TieredCache(worker_hit_ratio=p["worker_hit_ratio"], az_hit_ratio=p["az_hit_ratio"])
    r = sn.restore_time(sn.chunks_in(p["working_set_mib"]), loading="lazy", handler_ms=p["handler_ms"], cache=cache,
                        n_restores=2000, rng=SEED)
    se = r.loading_ms.std(ddof=1) / math.sqrt(r.loading_ms.size)
    assert abs(sn.solve(problem).value - r.loading_ms.mean()) <= 4 * se + 1e-9


def test_cli_poses_and_solves(capsys):
    assert sn.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    problem = sn.pose_problem(np.random.default_rng(3))
    assert "python -m labsupport.snapshots --seed 3" in out
    assert problem.statement in out and sn.solve(problem).working in out


def test_cli_without_solve_hides_answer(capsys):
    assert sn.main(["--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert sn.solve(sn.pose_problem(np.random.default_rng(3))).working not in out and "--solve" in out


# ------------------------------------------------------------------ helpers the labs' exercises call
def test_birthday_tokens_for_probability_inverts_the_bound():
    for p, bits in ((0.5, 24), (1e-6, 64), (0.9, 16)):
        n = sn.birthday_tokens_for_probability(p, bits)
        assert -math.expm1(-n * n / 2 / 2.0**bits) == pytest.approx(p, rel=1e-9)
        # the n(n-1) form of the bound differs by about half a token
        assert abs(sn.birthday_collision_probability(round(n), bits) - p) < 2 * p / n + 1e-12
    assert sn.birthday_tokens_for_probability(0.5, 24) == pytest.approx(math.sqrt(2 * math.log(2) * 2**24))


def test_birthday_tokens_for_probability_agrees_with_measurement():
    n = round(sn.birthday_tokens_for_probability(0.5, 20))
    measured = sn.collision_trials(n, 20, 2000, rng=SEED)
    assert abs(measured - 0.5) < 4 * math.sqrt(0.25 / 2000)


def test_birthday_bits_needed_is_the_shortest_safe_token():
    for n, p in ((10**9, 1e-9), (100_000, 1e-6), (1000, 0.5), (2, 0.25)):
        bits = sn.birthday_bits_needed(n, p)
        assert sn.birthday_collision_probability(n, bits) <= p
        assert bits == 1 or sn.birthday_collision_probability(n, bits - 1) > p
    assert sn.birthday_bits_needed(10**9, 1e-9) == 89


def test_birthday_helpers_reject_bad_input():
    with pytest.raises(ValueError, match=r'"probability" must be > 0, got 0'):
        sn.birthday_tokens_for_probability(0.0, 24)
    with pytest.raises(ValueError, match=r'"probability"'):
        sn.birthday_bits_needed(100, 1.0)
    with pytest.raises(ValueError, match=r'"n" must be >= 2, got 1'):
        sn.birthday_bits_needed(1, 0.1)


def test_init_ms_for_speedup_gives_that_speedup():
    profile = sn.ColdStartProfile()
    snap_total = sum(ms for _, ms in sn.cold_start_breakdown(profile, snapstart=True, rng=SEED))
    init = sn.init_ms_for_speedup(profile, snap_total, 10.0)
    plain = sum(ms for _, ms in sn.cold_start_breakdown(sn.ColdStartProfile(init_ms=init)))
    assert plain / snap_total == pytest.approx(10.0)
    with pytest.raises(ValueError, match=r'"speedup" of 1.0 needs a negative init time'):
        sn.init_ms_for_speedup(profile, snap_total, 1.0)
    with pytest.raises(TypeError, match=r'"profile"'):
        sn.init_ms_for_speedup("java", snap_total, 10.0)


def test_posed_problems_read_as_plain_english():
    for seed in range(30):
        for kind in ("birthday", "lazy"):
            problem = sn.pose_problem(seed, kind=kind)
            text = problem.statement + "\n" + sn.solve(problem).working
            assert max(len(line) for line in text.splitlines()) <= 70, text
            assert "(s)" not in text and "_ms=" not in text, text


# ------------------------------------------------------------------------------ issue 12: edge regressions
@pytest.mark.parametrize("n, bits", [(10, 1024), (2**40, 64), (4096, 24), (10**160, 64), (10**200, 1024), (0, 8)])
def test_birthday_probability_over_the_documented_range(n, bits):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 60
    exact = -mpmath.expm1(-mpmath.mpf(n) * (n - 1) / 2 / mpmath.mpf(2) ** bits)
    got = sn.birthday_collision_probability(n, bits)  # (10, 1024) and (10**160, 64) raised OverflowError
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(float(exact), rel=1e-14, abs=1e-320)


def test_chunks_in_has_a_documented_upper_bound():
    assert sn.chunks_in(2.0**40) == 2**41
    with pytest.raises(ValueError, match=r'"working_set_mib" must be <= 2\*\*40 \(one exbibyte\), got 1e\+308'):
        sn.chunks_in(1e308)  # was "cannot convert float infinity to integer"


def test_snapstart_flag_accepts_numpy_bools():
    assert sn.cold_start_breakdown(snapstart=np.True_, rng=1) == sn.cold_start_breakdown(snapstart=True, rng=1)


@pytest.mark.parametrize("tokens, message", [([[1], [2, 3]], r"got list"), ([True, 3], r"got a bool inside"),
                                             ("123", r"got str")])
def test_find_duplicate_tokens_refuses_ragged_bools_and_strings(tokens, message):
    with pytest.raises(TypeError, match=r'"tokens" must be an array of integers, ' + message):
        sn.find_duplicate_tokens(tokens)


def test_jitter_sigma_is_bounded():
    with pytest.raises(ValueError, match=r'"jitter_sigma" must be <= 10, got 183.0'):
        sn.simulate_invocations(jitter_sigma=183.0, rng=0)  # e^(183 z) overflowed to inf latencies


def test_birthday_bits_needed_at_the_smallest_probability():
    # log2(n(n-1)) - 1 - log2(p) without forming the ratio, which overflows for p = 5e-324
    with pytest.raises(ValueError, match=r'"probability" 5e-324 needs more than 1024-bit tokens'):
        sn.birthday_bits_needed(2**60, 5e-324)
    bits = sn.birthday_bits_needed(2, 1e-300)
    assert sn.birthday_collision_probability(2, bits) <= 1e-300 < sn.birthday_collision_probability(2, bits - 1)


def test_init_for_speedup_names_snapstart_ms():
    with pytest.raises(ValueError, match=r'"snapstart_ms" = 5e-324'):
        sn.init_ms_for_speedup(sn.ColdStartProfile(), 5e-324, 10.0)
