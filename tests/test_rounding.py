"""labsupport.rounding: bit-for-bit against gfloat and exact rational arithmetic; SR's statistics; the experiments."""
from __future__ import annotations

import math

import numpy as np
import pytest
from gfloat import RoundMode, round_float
from gfloat.formats import format_info_bfloat16, format_info_binary16, format_info_ocp_e4m3

from labsupport import rounding as r

GFLOAT = {"bfloat16": format_info_bfloat16, "float16": format_info_binary16, "float8_e4m3": format_info_ocp_e4m3}
FMTS = list(r.FORMATS)


def gfloat_round(values, fmt):
    fi = GFLOAT[fmt]
    return np.array([round_float(fi, float(v), RoundMode.TiesToEven) for v in values])


def same_bits(got, want) -> bool:
    """Equal as float32 bit patterns, with any NaN equal to any NaN (formats differ in NaN payloads)."""
    got = np.asarray(got, dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore"):  # NaN payloads and inf: nothing to warn about here
        want = np.asarray(want, dtype=np.float64).astype(np.float32)
    nan = np.isnan(got) & np.isnan(want)
    return bool(np.all((got.view(np.uint32) == want.view(np.uint32)) | nan))


def edge_values(fmt):
    """Ties, the neighbourhood of every boundary of the format, specials and signed zero, in float64."""
    spec = r.FORMATS[fmt]
    sub, mn, top = spec.min_subnormal, spec.min_normal, spec.max_finite
    gap_top = math.ldexp(1.0, math.frexp(top)[1] - 1 - spec.mantissa_bits)
    base = [0.0, -0.0, math.inf, -math.inf, math.nan, sub, sub / 2, 3 * sub / 2, sub / 4, sub * 0.75, sub * 1.25,
            mn, mn - sub / 2, mn - sub, mn + sub / 2, top, top + gap_top / 2, top + gap_top / 2 - top * 2 ** -40,
            top + gap_top, top * 2, 1.0, 1 + 2 ** -(spec.mantissa_bits + 1), 1 + 3 * 2 ** -(spec.mantissa_bits + 1),
            1 + 2 ** -(spec.mantissa_bits + 1) + 2 ** -30, 1e-300, 1e300, 5e-324]
    ks = np.arange(1, 2 ** spec.mantissa_bits + 2)
    # Every midpoint (tie) in a few binades, and each one nudged either way by a float64 ulp.
    ties = [(2 * k + 1) * math.ldexp(1.0, e - spec.mantissa_bits - 1) / 2 ** 0
            for e in (spec.emin, 0, 3) for k in ks[:64]]
    nudged = [np.nextafter(t, np.inf) for t in ties] + [np.nextafter(t, -np.inf) for t in ties]
    vals = np.array(base + ties + nudged, dtype=np.float64)
    return np.concatenate([vals, -vals])


@pytest.mark.parametrize("fmt", FMTS)
def test_round_nearest_matches_gfloat_on_edges_float64_and_float32(fmt):
    vals = edge_values(fmt)
    assert same_bits(r.round_nearest(vals, fmt), gfloat_round(vals, fmt))
    with np.errstate(over="ignore"):
        vals32 = vals.astype(np.float32)  # the same inputs as float32 (some change; the reference sees the same)
    assert same_bits(r.round_nearest(vals32, fmt), gfloat_round(vals32, fmt))


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("seed", [0, 1])
def test_round_nearest_matches_gfloat_on_random_bit_patterns(fmt, seed):
    rng = np.random.default_rng(seed)
    b32 = rng.integers(0, 2 ** 32, 3000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    b64 = rng.integers(0, 2 ** 63, 3000, dtype=np.uint64).view(np.float64)
    # Also float64 values scattered over the format's own range, where the interesting cases live.
    spec = r.FORMATS[fmt]
    scaled = rng.standard_normal(3000) * np.ldexp(1.0, rng.integers(spec.emin - spec.mantissa_bits - 2,
                                                                      math.frexp(spec.max_finite)[1] + 1, 3000))
    for vals in (b32, b64, scaled):
        assert same_bits(r.round_nearest(vals, fmt), gfloat_round(vals, fmt))


@pytest.mark.parametrize("fmt", FMTS)
def test_round_nearest_matches_exact_rational_reference(fmt):
    rng = np.random.default_rng(5)
    spec = r.FORMATS[fmt]
    vals = np.concatenate([edge_values(fmt),
                           rng.standard_normal(500) * np.ldexp(1.0, rng.integers(spec.emin - 4, 9, 500))])
    want = [r.round_reference(float(v), fmt) for v in vals]
    assert same_bits(r.round_nearest(vals, fmt), want)


def test_check_values_from_the_sources():
    f16 = r.round_nearest([2049.0, 2051.0, 65520.0, 2.0 ** -25, 3 * 2.0 ** -25, 65519.0], "float16")
    assert f16.tolist() == [2048.0, 2052.0, math.inf, 0.0, 2.0 ** -23, 65504.0]
    e4 = r.round_nearest([464.0, 465.0, math.inf, -math.inf, 448.0], "float8_e4m3")
    assert e4[0] == 448.0 and np.isnan(e4[1:4]).all() and e4[4] == 448.0
    # No double rounding of float64 input (ml_dtypes 0.6 returns 1.0 here).
    assert float(r.round_nearest(np.float64(1 + 2 ** -8 + 2 ** -30), "bfloat16")) == 1.0078125
    assert float(r.round_nearest(np.float64(1 + 2 ** -8), "bfloat16")) == 1.0  # the tie goes to even
    z = r.round_nearest([-0.0, -1e-30], "bfloat16")
    assert np.signbit(z).all()
    assert r.round_nearest(np.zeros((2, 3), np.float32), "float16").shape == (2, 3)
    assert r.round_nearest(7, "float16").dtype == np.float32


@pytest.mark.parametrize("fmt", FMTS)
def test_round_stochastic_returns_a_neighbour_and_is_unbiased(fmt):
    spec = r.FORMATS[fmt]
    rng = np.random.default_rng(11)
    x = rng.uniform(0.5, 4.0, 200) * rng.choice([-1, 1], 200)
    x = np.concatenate([x, [spec.min_subnormal * 0.3, spec.min_subnormal * 1.7, spec.min_normal * 0.55]])
    lo, hi = r.neighbours(x, fmt)
    draws = 400
    reps = np.stack([r.round_stochastic(x, fmt, rng=seed) for seed in range(draws)])
    assert np.all((reps == lo) | (reps == hi)), "SR must return one of the two neighbours"
    p = np.where(hi > lo, (x - lo) / np.where(hi > lo, hi - lo, 1), 0.0)
    mean = reps.mean(axis=0)
    se = (hi - lo) * np.sqrt(p * (1 - p) / draws)
    # Unbiased: every mean within 5 standard errors (a false alarm somewhere among 203 has probability ~1e-4).
    assert np.all(np.abs(mean - x) <= 5 * se + 1e-300)
    # Pooled: the standardised mean error is consistent with zero.
    z = np.sum(mean - x) / np.sqrt(np.sum(se ** 2))
    assert abs(z) < 4


def test_round_stochastic_exact_values_and_specials():
    exact = np.array([1.0, 0.5, -2.0, 448.0, 0.0])
    for fmt in FMTS:
        assert np.array_equal(r.round_stochastic(exact, fmt, rng=1), exact)
    out = r.round_stochastic([math.nan, math.inf, -math.inf], "bfloat16", rng=0)
    assert np.isnan(out[0]) and out[1] == math.inf and out[2] == -math.inf
    assert np.isnan(r.round_stochastic([math.inf, 1e6], "float8_e4m3", rng=0)).all()
    # Between 448 and the next would-be value 480, SR goes up (to NaN) with probability (x - 448) / 32.
    up = np.isnan(r.round_stochastic(np.full(4000, 456.0), "float8_e4m3", rng=3)).mean()
    assert abs(up - 0.25) < 5 * math.sqrt(0.25 * 0.75 / 4000)
    # Reproducible with a seed.
    x = np.linspace(1, 2, 50)
    assert np.array_equal(r.round_stochastic(x, "float16", rng=4), r.round_stochastic(x, "float16", rng=4))


def test_round_stochastic_matches_reference_given_the_same_draw():
    # The reference rounds up when u < fraction; the array version's probability is the same fraction.
    vals = [1.003, 2.0 ** -134 * 1.5, 1000.3]
    for v in vals:
        for fmt in ("bfloat16", "float16"):
            lo = r.round_reference(v, fmt, "stochastic", u=0.999999)
            hi = r.round_reference(v, fmt, "stochastic", u=0.0)
            got = set(r.round_stochastic(np.full(300, v), fmt, rng=2).tolist())
            assert got <= {np.float32(lo), np.float32(hi)}


@pytest.mark.parametrize("fmt,term,value", [("float16", 513, 7.0859375), ("bfloat16", 65, 5.0625),
                                            ("float8_e4m3", 9, 3.0)])
def test_harmonic_series_stagnates_exactly_where_the_sources_say(fmt, term, value):
    result = r.harmonic_sum(2 * term, fmt)
    assert r.stagnation_point(result) == (term, value)
    assert result.partial_sums[term - 2] == value and result.partial_sums[term - 3] != value


def test_harmonic_series_with_sr_tracks_ln_n_plus_gamma():
    n, seeds = 20_000, 8
    finals = np.array([r.harmonic_sum(n, "float16", mode="stochastic", rng=s).partial_sums[-1]
                       for s in range(seeds)])
    target = math.log(n) + 0.5772156649 + 1 / (2 * n)
    # Each SR addition of a term t much smaller than the gap g adds variance ~ t·g (up with probability t/g),
    # so the final sum's standard deviation is about sqrt(sum_k g_k / k).
    exact = np.cumsum(1.0 / np.arange(1, n + 1))
    sd = math.sqrt(float(np.sum(r.ulp(exact, "float16") / np.arange(1, n + 1))))
    assert np.all(np.abs(finals - target) < 4 * sd)
    assert abs(finals.mean() - target) < 4 * sd / math.sqrt(seeds)
    assert finals.min() > 7.0859375 + 1.0  # far past where round-to-nearest stops
    late = r.harmonic_sum(n, "float16", mode="stochastic", rng=0).partial_sums
    assert late[-1] > late[3 * n // 4]  # still growing in the last quarter


def test_sum_error_rn_grows_like_n_u_sr_like_sqrt_n_u():
    n = 20_000
    rn = r.sum_error(n, "float16", mode="nearest", trials=4, rng=1)
    sr = r.sum_error(n, "float16", mode="stochastic", trials=16, rng=1)
    u = rn.unit_roundoff
    # SR: the relative error of a sum of n positive terms stays below lambda·sqrt(n)·u with probability
    # >= 1 - 2 exp(-lambda^2 / 2) (Connolly, Higham & Mary 2021); lambda = 4 makes a false alarm ~7e-4.
    assert np.all(sr.relative_error <= 4 * np.sqrt(sr.n_values) * u)
    # RN at n = 20,000 in float16 has stagnated: the error is ~80 %, over ten times sqrt(n)·u,
    # and of the order of n·u (which, at 9.8, is no longer a useful bound).
    assert rn.relative_error[:, -1].min() > 10 * math.sqrt(n) * u
    assert rn.relative_error[:, -1].min() > 0.5
    assert rn.relative_error[:, -1].min() > 10 * sr.relative_error[:, -1].max()


def test_training_with_bf16_weights_rn_stalls_sr_converges():
    for seed in (0, 1, 2):
        rn = r.train_linear_regression(mode="nearest", rng=seed)
        sr = r.train_linear_regression(mode="stochastic", rng=seed)
        assert rn.float64_losses[-1] < 2 * rn.noise_mse  # float64 reaches the noise floor
        assert rn.losses[-1] > 100 * rn.noise_mse  # RN stalls far above it
        assert np.all(rn.losses[-200:] == rn.losses[-1])  # and stops moving at all
        assert sr.losses[-1] < rn.losses[-1] / 10  # SR keeps going
        assert sr.losses[-1] < 3 * sr.noise_mse  # to near the noise floor (SR's jitter adds a little)


def test_ulp_and_neighbours():
    assert r.ulp([1.0, 1.5, 2.0], "bfloat16").tolist() == [2 ** -7, 2 ** -7, 2 ** -6]
    assert float(r.ulp(0.0, "float8_e4m3")) == 2.0 ** -9
    lo, hi = r.neighbours([5.0, 65510.0], "float16")
    assert lo.tolist() == [5.0, 65504.0] and hi[0] == 5.0 and hi[1] == math.inf


def test_bad_input_messages():
    with pytest.raises(ValueError, match='"fmt" must be one of'):
        r.round_nearest([1.0], "float8")
    with pytest.raises(TypeError, match='"x" must'):
        r.round_nearest("1.0", "float16")
    with pytest.raises(TypeError, match='"x" must hold real numbers'):
        r.round_nearest(np.array([1 + 2j]), "float16")
    with pytest.raises(TypeError, match='"rng"'):
        r.round_stochastic([1.0], "float16", rng=1.5)
    with pytest.raises(ValueError, match='"x" must be finite'):
        r.neighbours([math.inf], "float16")
    with pytest.raises(ValueError, match='"mode" must be one of'):
        r.harmonic_sum(10, "float16", mode="up")
    with pytest.raises(ValueError, match='"n_terms" must be >= 1'):
        r.harmonic_sum(0, "float16")
    with pytest.raises(ValueError, match='"learning_rate" must be <= 0.5'):
        r.train_linear_regression(learning_rate=2.0)
    with pytest.raises(ValueError, match='"n_samples" must be >= 8'):
        r.train_linear_regression(n_samples=4)
    with pytest.raises(ValueError, match='"u" must be in'):
        r.round_reference(1.0, "float16", "stochastic", u=1.0)
    with pytest.raises(TypeError, match='"result" must be a HarmonicResult'):
        r.stagnation_point([1, 2])


def test_pose_and_solve_and_cli(capsys):
    for seed in range(12):
        problem = r.pose_problem(seed)
        sol = r.solve(problem)
        if problem.kind == "round":
            v = problem.params["value"]
            assert sol.value == r.round_reference(v, problem.params["fmt"])
        else:
            assert sol.value in {7.0859375, 5.0625, 3.0}
        assert all(len(line) <= 72 for line in str(problem).splitlines())
    assert r.main(["--seed", "3", "--solve"]) == 0
    assert "the nearer (ties to even) is 0.15625" in capsys.readouterr().out
    with pytest.raises(TypeError, match='"problem"'):
        r.solve("nope")


def test_arrays_too_large_are_refused(monkeypatch):
    monkeypatch.setattr(r, "MAX_ELEMENTS", 10)
    with pytest.raises(ValueError, match='"x" has 11 elements; at most 10 are allowed'):
        r.round_nearest(np.ones(11), "float16")


@pytest.mark.parametrize("fmt", FMTS)
def test_float32_inputs_match_ml_dtypes_cast(fmt):
    """A second reference for float32 inputs (ml_dtypes rounds those once, ties to even)."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    target = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16, "float8_e4m3": ml_dtypes.float8_e4m3fn}[fmt]
    rng = np.random.default_rng(21)
    bits = rng.integers(0, 2 ** 32, 20_000, dtype=np.uint64).astype(np.uint32)
    spec = r.FORMATS[fmt]
    exponents = rng.integers(spec.emin - spec.mantissa_bits - 2, math.frexp(spec.max_finite)[1] + 1, 20_000)
    with np.errstate(over="ignore"):  # bfloat16's top binade overflows float32 to inf: a case worth keeping
        scaled = (rng.standard_normal(20_000) * np.ldexp(1.0, exponents)).astype(np.float32)
    for x in (bits.view(np.float32), scaled):
        with np.errstate(over="ignore", invalid="ignore"):
            want = x.astype(target).astype(np.float32)
        assert same_bits(r.round_nearest(x, fmt), want)


def test_edge_inputs_found_by_the_fuzz():
    """Regressions from tests/test_properties.py (the former KNOWN_DEFECTS entries)."""
    for func in (r.round_nearest, r.neighbours, r.ulp):
        with pytest.raises(TypeError, match='"x" must be a number or an array of numbers, got list'):
            func([[1.0], [2.0, 3.0]], "bfloat16")  # was numpy's unnamed ValueError
    # rounding the float maximum up overflowed in float(); now the format's overflow value, as for nearby values
    assert r.round_reference(1.7976931348623157e308, "float16") == math.inf
    assert math.isnan(r.round_reference(-1.7976931348623157e308, "float8_e4m3"))
    with pytest.raises(ValueError, match='"value" must be within the float range'):
        r.round_reference(10**400, "bfloat16")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow warning escaped before
        lo, hi = r.neighbours([1.7976931348623157e308], "bfloat16")
    assert hi[0] == math.inf and lo[0] == math.inf  # both past bfloat16's maximum (3.39e38)
