"""How big a model does a compute budget deserve? Chinchilla's scaling law, three ways.

Chapter: "Trainium2, scaling out: collectives, rings of rings, and a network that heals itself"
(``chapters/trainium_out.md``); lab: ``labs/scaling_chinchilla.ipynb``; tests: ``tests/test_scaling.py``.

Hoffmann et al. (2022) model the final loss of a language model with N parameters trained on D tokens as

    L(N, D) = E + A / N^alpha + B / D^beta,

and the training compute as C = 6 N D floating-point operations. Minimising L on the curve 6 N D = C gives

    N_opt = G (C / 6)^(beta / (alpha + beta)),  D_opt = (C / 6) / N_opt,
    G = (alpha A / (beta B))^(1 / (alpha + beta)).

* :func:`compute_optimal` is that closed form; :func:`chinchilla_loss` the law itself;
* :func:`isoflop_optimum` is the iso-FLOP method (their "approach 2"): for each budget, train models of
  several sizes, fit a parabola to loss against log N, read off the minimum, and fit a power law
  through the minima -- no loss constants needed;
* :func:`synthetic_runs` makes training runs from known constants plus seeded noise, and
  :func:`fit_parametric_loss` fits the five constants back ("approach 3": a Huber loss on log L,
  L-BFGS on log-space parameters from a grid of starting points).

Two sets of published constants are provided: :data:`HOFFMANN_2022` (the paper's rounded values) and
:data:`BESIROGLU_2024` (Epoch AI's replication from the paper's own data). They disagree on the optimum by
more than a factor of two; the lab shows why.

Run ``python -m labsupport.scaling --seed 3`` for a practice problem and ``--solve`` for its answer.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .common import (
    fit_lines as _fit_lines,
    Problem,
    Solution,
    check_array,
    check_choice,
    check_finite,
    check_int,
    check_nonnegative,
    check_positive,
    check_result_finite,
    make_rng,
    run_cli,
)

__all__ = [
    "HOFFMANN_2022",
    "BESIROGLU_2024",
    "FLOPS_PER_PARAM_TOKEN",
    "chinchilla_loss",
    "ComputeOptimalResult",
    "compute_optimal",
    "optimal_on_isoflop",
    "IsoFlopResult",
    "isoflop_optimum",
    "TrainingRunsResult",
    "synthetic_runs",
    "ParametricFitResult",
    "fit_parametric_loss",
    "pose_problem",
    "solve",
    "main",
]

#: Hoffmann et al. (2022), eq. 10, as printed (rounded).
HOFFMANN_2022 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
#: Besiroglu et al. (2024), Epoch AI's refit of Hoffmann's approach 3 on the paper's own data.
BESIROGLU_2024 = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
#: Training FLOPs per parameter per token (forward + backward pass): C = 6 N D.
FLOPS_PER_PARAM_TOKEN = 6.0


def _check_constants(E: Any, A: Any, B: Any, alpha: Any, beta: Any) -> tuple[float, ...]:
    return (check_nonnegative("E", E), check_positive("A", A), check_positive("B", B),
            check_positive("alpha", alpha), check_positive("beta", beta))


def _check_positive_array(name: str, value: Any) -> np.ndarray:
    arr = check_array(name, np.atleast_1d(value) if np.isscalar(value) else value)
    if np.any(arr <= 0):
        raise ValueError(f'"{name}" must be > 0, got {float(arr[arr <= 0][0])!r}')
    return arr


def chinchilla_loss(params: Any, tokens: Any, *, E: float, A: float, B: float, alpha: float,
                    beta: float) -> np.ndarray:
    """The parametric loss L(N, D) = E + A / N^alpha + B / D^beta.

    Parameters
    ----------
    params : float or array_like
        N, model parameters (> 0).
    tokens : float or array_like
        D, training tokens (> 0); broadcast against ``params``.
    E, A, B, alpha, beta : float
        The law's constants (E >= 0; the others > 0), e.g. ``**HOFFMANN_2022``.

    Returns
    -------
    numpy.ndarray
        Loss in nats per token.

    Raises
    ------
    TypeError, ValueError
        On non-positive sizes or bad constants.

    Examples
    --------
    >>> round(float(chinchilla_loss(70e9, 1.4e12, **HOFFMANN_2022)), 3)
    1.937
    """
    E, A, B, alpha, beta = _check_constants(E, A, B, alpha, beta)
    n = _check_positive_array("params", params)
    d = _check_positive_array("tokens", tokens)
    if np.isscalar(params) and np.isscalar(tokens):
        n, d = n[0], d[0]
    # a power overflowing to inf is fine (B / inf = 0 is the limit); a loss of inf is not
    return check_result_finite("the loss", lambda: np.asarray(E + A / n ** alpha + B / d ** beta),
                               params=params, tokens=tokens, A=A, alpha=alpha, B=B, beta=beta)


@dataclass(frozen=True)
class ComputeOptimalResult:
    """The compute-optimal model for a budget.

    Attributes
    ----------
    compute_flops : float
        C, training FLOPs.
    params : float
        N_opt, parameters.
    tokens : float
        D_opt = C / (6 N_opt), training tokens.
    loss : float
        L(N_opt, D_opt).
    constants : dict
        E, A, B, alpha, beta used.
    """

    compute_flops: float
    params: float
    tokens: float
    loss: float
    constants: dict = field(repr=False)

    @property
    def tokens_per_param(self) -> float:
        """D_opt / N_opt."""
        return self.tokens / self.params


def compute_optimal(compute_flops: float, *, E: float, A: float, B: float, alpha: float,
                    beta: float) -> ComputeOptimalResult:
    """The parameters and tokens that minimise L(N, D) subject to 6 N D = C (closed form).

    N_opt = G (C / 6)^(beta / (alpha + beta)) with G = (alpha A / (beta B))^(1 / (alpha + beta)), and
    D_opt = (C / 6) / N_opt. E does not move the optimum; it only sets the loss there.

    Parameters
    ----------
    compute_flops : float
        C, training FLOPs (> 0).
    E, A, B, alpha, beta : float
        The loss law's constants.

    Returns
    -------
    ComputeOptimalResult

    Raises
    ------
    TypeError, ValueError
        On a non-positive budget or bad (non-finite, non-positive) constants, or when N_opt, D_opt or the
        loss leaves the float range (a budget or constants near 1e-300 or 1e300).

    Examples
    --------
    >>> opt = compute_optimal(5.76e23, **BESIROGLU_2024)
    >>> round(opt.params / 1e9, 1), round(opt.tokens / 1e12, 2), round(opt.tokens_per_param, 1)
    (72.2, 1.33, 18.4)
    """
    c = check_positive("compute_flops", compute_flops)
    E, A, B, alpha, beta = _check_constants(E, A, B, alpha, beta)

    def optimum():
        g = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
        n = g * (c / FLOPS_PER_PARAM_TOKEN) ** (beta / (alpha + beta))
        d = c / (FLOPS_PER_PARAM_TOKEN * n)
        return n, d, float(E + A / n ** alpha + B / d ** beta)

    n, d, loss = check_result_finite("the compute-optimal point", optimum, compute_flops=c, A=A, B=B, alpha=alpha,
                                     beta=beta)
    return ComputeOptimalResult(c, float(n), float(d), loss, {"E": E, "A": A, "B": B, "alpha": alpha, "beta": beta})


def optimal_on_isoflop(compute_flops: float, *, E: float, A: float, B: float, alpha: float, beta: float,
                       lo_params: float = 1e6, hi_params: float = 1e15) -> float:
    """N_opt found numerically: the N minimising L(N, C / 6N), by golden-section search on log N.

    An independent route to :func:`compute_optimal` (no calculus), used to check it.

    Parameters
    ----------
    compute_flops : float
        C (> 0).
    E, A, B, alpha, beta : float
        The loss law's constants.
    lo_params, hi_params : float, default=1e6, 1e15
        The search bracket for N (0 < lo < hi).

    Returns
    -------
    float
        N_opt, parameters.

    Raises
    ------
    TypeError, ValueError
        On bad inputs, or a bracket that does not hold the optimum (it sits at an end).

    Examples
    --------
    >>> round(optimal_on_isoflop(5.76e23, **HOFFMANN_2022) / 1e9, 1)
    32.2
    """
    c = check_positive("compute_flops", compute_flops)
    E, A, B, alpha, beta = _check_constants(E, A, B, alpha, beta)
    lo = check_positive("lo_params", lo_params)
    hi = check_positive("hi_params", hi_params)
    if lo >= hi:
        raise ValueError(f'"lo_params" ({lo!r}) must be < "hi_params" ({hi!r})')
    k = c / FLOPS_PER_PARAM_TOKEN

    def f(x):
        n = math.exp(x)
        try:
            return A / n ** alpha + B / (k / n) ** beta
        except (OverflowError, ZeroDivisionError):  # a term beyond the float range: no optimum there
            return math.inf

    a, b = math.log(lo), math.log(hi)
    r = (math.sqrt(5) - 1) / 2
    x1, x2 = b - r * (b - a), a + r * (b - a)
    f1, f2 = f(x1), f(x2)
    for _ in range(200):  # the bracket shrinks by 0.618 a step: 200 steps reach machine precision
        if f1 < f2:
            b, x2, f2 = x2, x1, f1
            x1 = b - r * (b - a)
            f1 = f(x1)
        else:
            a, x1, f1 = x1, x2, f2
            x2 = a + r * (b - a)
            f2 = f(x2)
        if b - a < 1e-12:
            break
    x = 0.5 * (a + b)
    if x - math.log(lo) < 1e-6 or math.log(hi) - x < 1e-6:
        raise ValueError(f'the optimum for "compute_flops" = {c!r} with "A" = {A!r}, "B" = {B!r}, "alpha" = {alpha!r}, '
                         f'"beta" = {beta!r} lies outside ["lo_params", "hi_params"] = [{lo!r}, {hi!r}] parameters: '
                         'widen the bracket')
    return math.exp(x)


# ----------------------------------------------------------------------------------------------
# Training runs (synthetic) and the two fitting methods
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingRunsResult:
    """Final losses of a set of (simulated) training runs.

    Attributes
    ----------
    params, tokens, loss : numpy.ndarray, shape (k,)
        N, D and the final loss of each run.
    compute_flops : numpy.ndarray, shape (k,)
        6 N D of each run.
    budget : numpy.ndarray, shape (k,)
        Index of the iso-FLOP budget each run belongs to.
    budgets_flops : numpy.ndarray, shape (b,)
        The budgets.
    noise_sd : float
        Standard deviation of the noise on log loss.
    constants : dict
        The true constants that generated the runs.
    """

    params: np.ndarray = field(repr=False)
    tokens: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)
    compute_flops: np.ndarray = field(repr=False)
    budget: np.ndarray = field(repr=False)
    budgets_flops: np.ndarray = field(repr=False)
    noise_sd: float = 0.0
    constants: dict = field(default_factory=dict, repr=False)

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return int(self.loss.size)


def synthetic_runs(budgets_flops: Any, *, E: float, A: float, B: float, alpha: float, beta: float,
                   sizes_per_budget: int = 9, span: float = 8.0, noise_sd: float = 0.01,
                   rng: Any = None) -> TrainingRunsResult:
    """Training runs on iso-FLOP curves: for each budget, models spread around the optimum.

    For each budget C, ``sizes_per_budget`` model sizes are spaced evenly in log N from N_opt / span to
    N_opt x span, each trained on D = C / 6N tokens. Its loss is the law's value times exp(noise), the
    noise normal with standard deviation ``noise_sd`` (a run-to-run spread of about that fraction).

    Parameters
    ----------
    budgets_flops : array_like of float
        Compute budgets, FLOPs (> 0).
    E, A, B, alpha, beta : float
        The true constants.
    sizes_per_budget : int, default=9
        Models per budget (>= 3, enough for a parabola).
    span : float, default=8.0
        How far each curve reaches either side of the optimum, as a factor (> 1).
    noise_sd : float, default=0.01
        Standard deviation of the noise on log loss (>= 0).
    rng : None, int or Generator, optional
        Randomness.

    Returns
    -------
    TrainingRunsResult

    Raises
    ------
    TypeError, ValueError
        On bad budgets, constants or settings.

    Examples
    --------
    >>> runs = synthetic_runs([1e18, 1e19], **BESIROGLU_2024, rng=0)
    >>> runs.n_runs
    18
    """
    budgets = _check_positive_array("budgets_flops", budgets_flops)
    E, A, B, alpha, beta = _check_constants(E, A, B, alpha, beta)
    k = check_int("sizes_per_budget", sizes_per_budget, minimum=3, maximum=1000)
    span = check_finite("span", span)
    if span <= 1:
        raise ValueError(f'"span" must be > 1, got {span!r}')
    sd = check_nonnegative("noise_sd", noise_sd)
    rng = make_rng(rng)
    consts = {"E": E, "A": A, "B": B, "alpha": alpha, "beta": beta}
    n_opt = np.array([compute_optimal(c, **consts).params for c in budgets])

    def runs():
        offsets = np.linspace(-math.log(span), math.log(span), k)
        params = (n_opt[:, None] * np.exp(offsets)[None, :]).ravel()
        flops = np.repeat(budgets, k)
        tokens = flops / (FLOPS_PER_PARAM_TOKEN * params)
        clean = E + A / params ** alpha + B / tokens ** beta  # a power overflowing to inf gives the limit 0
        return params, tokens, clean * np.exp(sd * rng.standard_normal(clean.size)), flops

    params, tokens, loss, flops = check_result_finite(
        "a run's size or loss", runs, budgets_flops=budgets_flops, span=span, noise_sd=sd, **consts)
    return TrainingRunsResult(params, tokens, loss, flops, np.repeat(np.arange(budgets.size), k), budgets, sd, consts)


@dataclass(frozen=True)
class IsoFlopResult:
    """The iso-FLOP method's answer.

    Attributes
    ----------
    budgets_flops : numpy.ndarray, shape (b,)
        The budgets.
    params_opt : numpy.ndarray, shape (b,)
        The minimum of each budget's parabola, parameters.
    exponent : float
        a in N_opt = k C^a, fitted through the minima.
    coefficient : float
        k.
    """

    budgets_flops: np.ndarray = field(repr=False)
    params_opt: np.ndarray = field(repr=False)
    exponent: float = 0.0
    coefficient: float = 0.0

    def predict_params(self, compute_flops: float) -> float:
        """N_opt = k C^a for a budget (an extrapolation beyond the measured budgets)."""
        c = check_positive("compute_flops", compute_flops)
        return float(self.coefficient * c ** self.exponent)


def isoflop_optimum(runs: TrainingRunsResult) -> IsoFlopResult:
    """The iso-FLOP method: a parabola in log N per budget, then a power law through the minima.

    Parameters
    ----------
    runs : TrainingRunsResult
        Runs grouped by budget (each budget needs >= 3 distinct sizes).

    Returns
    -------
    IsoFlopResult

    Raises
    ------
    TypeError
        If ``runs`` is not a :class:`TrainingRunsResult`.
    ValueError
        If a budget's parabola opens downward (no minimum inside the data).

    Examples
    --------
    >>> runs = synthetic_runs([1e18, 1e19, 1e20], **BESIROGLU_2024, noise_sd=0.0, rng=0)
    >>> round(isoflop_optimum(runs).exponent, 3)  # beta / (alpha + beta) = 0.513
    0.513
    """
    if not isinstance(runs, TrainingRunsResult):
        raise TypeError(f'"runs" must be TrainingRunsResult (from synthetic_runs), got {type(runs).__name__}')
    n_opt = np.empty(runs.budgets_flops.size)
    for b in range(runs.budgets_flops.size):
        sel = runs.budget == b
        x = np.log(runs.params[sel])
        c2, c1, _ = np.polyfit(x, runs.loss[sel], 2)
        if c2 <= 0:
            raise ValueError(f"budget {runs.budgets_flops[b]:.3g} FLOPs: the loss curve has no minimum "
                             "(the parabola opens downward); use more sizes or less noise")
        n_opt[b] = math.exp(-c1 / (2 * c2))
    if n_opt.size >= 2:
        a, logk = np.polyfit(np.log(runs.budgets_flops), np.log(n_opt), 1)
    else:
        a, logk = float("nan"), float("nan")
    return IsoFlopResult(runs.budgets_flops.copy(), n_opt, float(a), float(math.exp(logk)))


@dataclass(frozen=True)
class ParametricFitResult:
    """Constants of L(N, D) = E + A / N^alpha + B / D^beta fitted to runs.

    Attributes
    ----------
    E, A, B, alpha, beta : float
        The fitted constants.
    objective : float
        The Huber objective at the fit (sum over runs).
    n_starts : int
        Starting points tried.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    objective: float
    n_starts: int

    @property
    def constants(self) -> dict:
        """E, A, B, alpha, beta as a dict (for ``compute_optimal(C, **fit.constants)``)."""
        return {"E": self.E, "A": self.A, "B": self.B, "alpha": self.alpha, "beta": self.beta}


#: Starting points of the fit: every combination of these (a = log A, b = log B, e = log E).
DEFAULT_GRID = {"alpha": (0.1, 0.4, 0.8), "beta": (0.1, 0.4, 0.8), "e": (-1.0, 0.0, 1.0), "a": (2.0, 6.0, 10.0),
                "b": (2.0, 6.0, 10.0)}


def _huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    small = np.abs(r) <= delta
    value = np.where(small, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
    grad = np.where(small, r, delta * np.sign(r))
    return value, grad


def fit_parametric_loss(params: Any, tokens: Any, loss: Any, *, delta: float = 1e-3,
                        grid: Any = None, n_refine: int = 4) -> ParametricFitResult:
    """Fit E, A, B, alpha, beta to runs the way Hoffmann et al. did (their approach 3).

    The model is written in log space, log L = LSE(a - alpha log N, b - beta log D, e) with
    A = e^a, B = e^b, E = e^e, and the objective is the Huber loss (threshold ``delta``) of
    log L_model - log L_observed summed over runs. L-BFGS-B (scipy) minimises it from every point of
    ``grid`` and the best result is kept: the objective has many shallow valleys, and a single start
    often stops in the wrong one. To keep a fit to about a second, the objective is first evaluated at
    every grid point and L-BFGS-B starts from the ``n_refine`` best (Hoffmann et al. started from all).

    Parameters
    ----------
    params, tokens, loss : array_like of float, shape (k,)
        N, D and final loss of each run (all > 0, k >= 5).
    delta : float, default=1e-3
        Huber threshold on the log-loss residual (> 0), Hoffmann's value.
    grid : dict of str to sequence of float, optional
        Starting values for "alpha", "beta", "e", "a", "b" (default :data:`DEFAULT_GRID`, 243 points).
    n_refine : int, default=4
        How many of the best grid points L-BFGS-B starts from (>= 1).

    Returns
    -------
    ParametricFitResult

    Raises
    ------
    TypeError, ValueError
        On arrays of different lengths, non-positive values or a bad grid.

    Examples
    --------
    >>> runs = synthetic_runs([1e18, 1e19, 1e20, 1e21], **BESIROGLU_2024, noise_sd=0.0, rng=0)
    >>> fit = fit_parametric_loss(runs.params, runs.tokens, runs.loss)
    >>> round(fit.alpha, 2), round(fit.beta, 2)
    (0.35, 0.37)
    """
    from scipy.optimize import minimize

    n = _check_positive_array("params", params)
    d = _check_positive_array("tokens", tokens)
    y = _check_positive_array("loss", loss)
    if not n.size == d.size == y.size:
        raise ValueError(f'"params", "tokens" and "loss" must have one length, got {n.size}, {d.size}, {y.size}')
    if n.size < 5:
        raise ValueError(f'"params" must hold at least 5 runs to fit 5 constants, got {n.size}')
    delta = check_positive("delta", delta)
    n_refine = check_int("n_refine", n_refine, minimum=1, maximum=100_000)
    grid = DEFAULT_GRID if grid is None else grid
    if not isinstance(grid, dict) or set(grid) != set(DEFAULT_GRID):
        raise TypeError(f'"grid" must be a dict with keys {sorted(DEFAULT_GRID)}, got {grid!r}')
    axes = []
    for key in ("alpha", "beta", "e", "a", "b"):
        values = check_array(f"grid[{key!r}]", grid[key])
        axes.append(values)
    log_n, log_d, log_y = np.log(n), np.log(d), np.log(y)

    def objective(theta):
        al, be, e, a, b = theta
        t = np.stack([a - al * log_n, b - be * log_d, np.full_like(log_n, e)])
        tmax = t.max(axis=0)
        w = np.exp(t - tmax)
        s = w.sum(axis=0)
        pred = tmax + np.log(s)
        value, g = _huber(pred - log_y, delta)
        soft = w / s  # d pred / d t
        grad = np.array([
            np.sum(g * soft[0] * -log_n), np.sum(g * soft[1] * -log_d),
            np.sum(g * soft[2]), np.sum(g * soft[0]), np.sum(g * soft[1])])
        return float(value.sum()), grad

    bounds = [(1e-3, 3.0), (1e-3, 3.0), (-5.0, 3.0), (-10.0, 40.0), (-10.0, 40.0)]
    best = None
    starts = np.array(list(itertools.product(*axes)), dtype=float)
    screen = np.array([objective(start)[0] for start in starts])
    for start in starts[np.argsort(screen, kind="stable")[:n_refine]]:
        res = minimize(objective, np.array(start, dtype=float), jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-8})
        if best is None or res.fun < best.fun:
            best = res
    al, be, e, a, b = best.x
    return ParametricFitResult(float(math.exp(e)), float(math.exp(a)), float(math.exp(b)), float(al), float(be),
                         float(best.fun), len(starts))


# ----------------------------------------------------------------------------------------------
# Pose / solve
# ----------------------------------------------------------------------------------------------
PROBLEM_KINDS = ("optimal_params", "tokens_per_param", "budget_for_model")
#: A no-break space: keeps "E = 1.69" and "C = 6 N D" on one line when a statement is wrapped.
NB = "\u00a0"




def pose_problem(rng: Any = None, kind: str | None = None) -> Problem:
    """A random scaling-law question.

    Parameters
    ----------
    rng : None, int or Generator, optional
        Seed or generator.
    kind : {"optimal_params", "tokens_per_param", "budget_for_model"}, optional
        Which question (default: chosen by ``rng``).

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        On an unknown ``kind``.

    Examples
    --------
    >>> pose_problem(1, kind="budget_for_model").kind
    'budget_for_model'
    """
    rng = make_rng(rng)
    kind = PROBLEM_KINDS[int(rng.integers(len(PROBLEM_KINDS)))] if kind is None else check_choice(
        "kind", kind, PROBLEM_KINDS)
    if kind == "budget_for_model":
        billions = float(rng.choice([1, 7, 13, 34, 70, 175]))
        ratio = float(rng.choice([10, 20, 40]))
        statement = (f"A model of {billions:g} billion parameters is trained on {ratio:g} tokens per parameter.\n"
                     f"With C{NB}={NB}6{NB}N{NB}D, how much training compute does it need, in units of 1e21 FLOPs?")
        return Problem(kind, _fit_lines(statement, prose=True), {"params": billions * 1e9, "tokens_per_param": ratio})
    mantissa = float(rng.choice([1.0, 2.0, 3.0, 5.0]))
    exponent = int(rng.choice([21, 22, 23, 24]))
    which = "Hoffmann et al.'s rounded constants" if rng.random() < 0.5 else "Epoch AI's refitted constants"
    consts = HOFFMANN_2022 if which.startswith("Hoffmann") else BESIROGLU_2024
    shown = ", ".join(f"{k}{NB}={NB}{v:g}" for k, v in consts.items())
    what = ("How many parameters should the model have, in billions?" if kind == "optimal_params"
            else "How many training tokens per parameter is that?")
    statement = (f"A training run may spend {mantissa:g}e{exponent} FLOPs. The loss follows\n"
                 f"L{NB}={NB}E{NB}+{NB}A/N^alpha{NB}+{NB}B/D^beta with {which}:\n{shown}.\n"
                 f"With C{NB}={NB}6{NB}N{NB}D, the compute-optimal model minimises L.\n{what}")
    return Problem(kind, _fit_lines(statement, prose=True), {"compute_flops": mantissa * 10.0 ** exponent, "constants": dict(consts)})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a scaling :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> solve(pose_problem(1, kind="budget_for_model")).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in PROBLEM_KINDS:
        raise TypeError(f'"problem" must be a scaling Problem from pose_problem, got {problem!r}')
    q = problem.params
    if problem.kind == "budget_for_model":
        n, r = q["params"], q["tokens_per_param"]
        c = FLOPS_PER_PARAM_TOKEN * n * (r * n)
        lines = [f"D = {r:g} x N = {r * n:.4g} tokens", f"C = 6 N D = 6 x {n:.4g} x {r * n:.4g} = {c:.4g} FLOPs",
                 f"= {c / 1e21:.4g} x 1e21 FLOPs"]
        return Solution(problem, c / 1e21, _fit_lines("\n".join(lines)))
    k = q["constants"]
    opt = compute_optimal(q["compute_flops"], **k)
    g = (k["alpha"] * k["A"] / (k["beta"] * k["B"])) ** (1 / (k["alpha"] + k["beta"]))
    lines = [f"G = (alpha A / (beta B))^(1/(alpha+beta)) = {g:.4g}",
             f"N_opt = G (C/6)^(beta/(alpha+beta)) = {opt.params:.4g} parameters ({opt.params / 1e9:.4g} billion)",
             f"D_opt = C / (6 N_opt) = {opt.tokens:.4g} tokens",
             f"tokens per parameter = {opt.tokens_per_param:.4g}"]
    value = opt.params / 1e9 if problem.kind == "optimal_params" else opt.tokens_per_param
    return Solution(problem, value, _fit_lines("\n".join(lines)))


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.scaling [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.scaling", "Practice problems on compute-optimal model size.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
