"""labsupport.scaling: the closed form, its published check values, the iso-FLOP method and the Huber
fit recovering known constants across seeds, and bad input refused by name."""
from __future__ import annotations

import math

import numpy as np
import pytest

from labsupport import scaling as s

C_CHINCHILLA = 5.76e23  # Chinchilla's training budget, FLOPs


def test_check_values_from_the_references():
    rounded = s.compute_optimal(C_CHINCHILLA, **s.HOFFMANN_2022)
    assert rounded.params / 1e9 == pytest.approx(32.2, abs=0.05)
    assert rounded.tokens_per_param == pytest.approx(93, abs=0.5)
    epoch = s.compute_optimal(C_CHINCHILLA, **s.BESIROGLU_2024)
    assert epoch.params / 1e9 == pytest.approx(72.2, abs=0.05)
    assert epoch.tokens / 1e12 == pytest.approx(1.33, abs=0.005)
    assert epoch.tokens_per_param == pytest.approx(18.4, abs=0.05)


@pytest.mark.parametrize("constants", [s.HOFFMANN_2022, s.BESIROGLU_2024], ids=["hoffmann", "epoch"])
@pytest.mark.parametrize("budget", [1e18, 1e21, 5.76e23, 1e26])
def test_closed_form_against_the_formula_and_a_numerical_minimum(constants, budget):
    opt = s.compute_optimal(budget, **constants)
    a, b, A, B = constants["alpha"], constants["beta"], constants["A"], constants["B"]
    G = (a * A / (b * B)) ** (1 / (a + b))
    assert opt.params == pytest.approx(G * (budget / 6) ** (b / (a + b)), rel=1e-12)
    assert 6 * opt.params * opt.tokens == pytest.approx(budget, rel=1e-12)
    assert opt.params == pytest.approx(s.optimal_on_isoflop(budget, **constants), rel=1e-6)
    # And by brute force on a fine grid along the iso-FLOP curve.
    n = np.logspace(math.log10(opt.params) - 1, math.log10(opt.params) + 1, 20001)
    loss = s.chinchilla_loss(n, budget / (6 * n), **constants)
    assert n[np.argmin(loss)] == pytest.approx(opt.params, rel=3e-4)
    assert opt.loss == pytest.approx(float(loss.min()), rel=1e-9)


def test_E_moves_the_loss_not_the_optimum():
    a = s.compute_optimal(1e22, **{**s.BESIROGLU_2024, "E": 0.0})
    b = s.compute_optimal(1e22, **s.BESIROGLU_2024)
    assert a.params == b.params and b.loss - a.loss == pytest.approx(s.BESIROGLU_2024["E"])


def test_isoflop_method_recovers_the_exponent_without_noise():
    runs = s.synthetic_runs(np.logspace(18, 22, 5), **s.BESIROGLU_2024, noise_sd=0.0, rng=0)
    iso = s.isoflop_optimum(runs)
    k = s.BESIROGLU_2024
    assert iso.exponent == pytest.approx(k["beta"] / (k["alpha"] + k["beta"]), abs=2e-3)
    truth = [s.compute_optimal(c, **k).params for c in runs.budgets_flops]
    np.testing.assert_allclose(iso.params_opt, truth, rtol=0.02)


def test_huber_fit_recovers_the_constants_without_noise():
    runs = s.synthetic_runs(np.logspace(18, 22, 5), **s.BESIROGLU_2024, noise_sd=0.0, rng=0)
    fit = s.fit_parametric_loss(runs.params, runs.tokens, runs.loss)
    for key, value in s.BESIROGLU_2024.items():
        assert getattr(fit, key) == pytest.approx(value, rel=2e-3), key


SEEDS = range(5)


@pytest.fixture(scope="module")
def noisy_fits():
    out = []
    for seed in SEEDS:
        runs = s.synthetic_runs(np.logspace(18, 22, 5), **s.BESIROGLU_2024, noise_sd=0.005, rng=seed)
        out.append((s.fit_parametric_loss(runs.params, runs.tokens, runs.loss), s.isoflop_optimum(runs)))
    return out


@pytest.mark.parametrize("key", ["alpha", "beta", "E"])
def test_huber_fit_is_unbiased_across_seeds(noisy_fits, key):
    # Tolerance from the seed-to-seed spread: the mean estimate within 4 standard errors of the truth.
    values = np.array([getattr(fit, key) for fit, _ in noisy_fits])
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert abs(values.mean() - s.BESIROGLU_2024[key]) < 4 * se + 1e-3
    assert values.std(ddof=1) < 0.05 * s.BESIROGLU_2024[key]  # and each fit is close, not just the average


def test_both_methods_agree_on_the_exponent_across_seeds(noisy_fits):
    k = s.BESIROGLU_2024
    truth = k["beta"] / (k["alpha"] + k["beta"])
    fitted = np.array([f.beta / (f.alpha + f.beta) for f, _ in noisy_fits])
    iso = np.array([i.exponent for _, i in noisy_fits])
    for values in (fitted, iso):
        se = values.std(ddof=1) / math.sqrt(values.size)
        assert abs(values.mean() - truth) < 4 * se + 2e-3


def test_rounding_the_constants_moves_the_optimum():
    # Hoffmann's rounded alpha and beta give a different exponent from the refit: the extrapolation to
    # 5.76e23 FLOPs is sensitive to the second decimal of the exponents.
    r, e = s.HOFFMANN_2022, s.BESIROGLU_2024
    assert r["beta"] / (r["alpha"] + r["beta"]) == pytest.approx(0.4516, abs=1e-4)
    assert e["beta"] / (e["alpha"] + e["beta"]) == pytest.approx(0.5126, abs=1e-4)
    assert s.compute_optimal(C_CHINCHILLA, **e).params / s.compute_optimal(C_CHINCHILLA, **r).params > 2


def test_bad_input_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match='"alpha" must be finite, got nan'):
        s.compute_optimal(1e21, **{**s.HOFFMANN_2022, "alpha": float("nan")})
    with pytest.raises(ValueError, match='"B" must be finite, got inf'):
        s.compute_optimal(1e21, **{**s.HOFFMANN_2022, "B": float("inf")})
    with pytest.raises(ValueError, match='"compute_flops" must be > 0, got -1.0'):
        s.compute_optimal(-1, **s.HOFFMANN_2022)
    with pytest.raises(ValueError, match='"E" must be >= 0'):
        s.compute_optimal(1e21, **{**s.HOFFMANN_2022, "E": -1})
    with pytest.raises(ValueError, match='"params" must be > 0, got 0.0'):
        s.chinchilla_loss(0, 1e9, **s.HOFFMANN_2022)
    with pytest.raises(ValueError, match='"params", "tokens" and "loss" must have one length, got 5, 5, 4'):
        s.fit_parametric_loss([1e8] * 5, [1e9] * 5, [3.0] * 4)
    with pytest.raises(ValueError, match='"span" must be > 1, got 1.0'):
        s.synthetic_runs([1e20], **s.HOFFMANN_2022, span=1.0)
    with pytest.raises(TypeError, match='"runs" must be TrainingRunsResult'):
        s.isoflop_optimum([1, 2, 3])
    with pytest.raises(TypeError, match='"grid" must be a dict'):
        s.fit_parametric_loss([1e8] * 5, [1e9] * 5, [3.0] * 5, grid={"alpha": [0.3]})


@pytest.mark.parametrize("seed", range(6))
def test_pose_and_solve(seed):
    for kind in s.PROBLEM_KINDS:
        problem = s.pose_problem(seed, kind=kind)
        assert "(s)" not in problem.statement
        assert s.solve(problem).value > 0
    q = s.pose_problem(seed, kind="optimal_params").params
    assert s.solve(s.pose_problem(seed, kind="optimal_params")).value == pytest.approx(
        s.optimal_on_isoflop(q["compute_flops"], **q["constants"]) / 1e9, rel=1e-6)


def test_command_line(capsys):
    assert s.main(["--seed", "2", "--solve"]) == 0
    assert "python -m labsupport.scaling --seed 2" in capsys.readouterr().out


def test_edge_inputs_found_by_the_fuzz():
    """Regressions from tests/test_properties.py."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # D**beta overflowing to inf warned; B / inf = 0 is the right limit
        loss = float(s.chinchilla_loss(70e9, 1.4e12, **{**s.HOFFMANN_2022, "beta": 26.0}))
    assert loss == pytest.approx(s.HOFFMANN_2022["E"] + s.HOFFMANN_2022["A"] / 70e9 ** s.HOFFMANN_2022["alpha"])
    with pytest.raises(ValueError, match=r'loss is beyond the float range .*"params" = 5e-324'):
        s.chinchilla_loss(5e-324, 1e12, **{**s.HOFFMANN_2022, "alpha": 60.0})
    for c in (5e-324, 2.2250738585072014e-308):  # was ZeroDivisionError, or a message naming no parameter
        with pytest.raises(ValueError, match=r'the optimum for "compute_flops" = .* lies outside \["lo_params", '):
            s.optimal_on_isoflop(c, **s.HOFFMANN_2022)
    for c, a in ((5e-324, 406.4), (1e-300, 5e-324)):  # were ZeroDivisionError and OverflowError
        with pytest.raises(ValueError, match=r'compute-optimal point is beyond the float range .*"compute_flops"'):
            s.compute_optimal(c, **{**s.HOFFMANN_2022, "A": a})
    with pytest.raises(ValueError, match=r'the optimum for "compute_flops" = 5.76e\+23 with "A" = 5e-324, "B" = 410.7'):
        s.optimal_on_isoflop(5.76e23, **{**s.HOFFMANN_2022, "A": 5e-324})  # the message named no constant
    with pytest.raises(ValueError, match=r'a run\'s size or loss is beyond the float range .*"E" = 1.79'):
        s.synthetic_runs([1e18, 1e19], **{**s.BESIROGLU_2024, "E": 1.7976931348623157e308}, rng=0)  # overflow warnings
