"""Speed of the scaling-law fits: the Huber fit of L(N, D) (243-point grid screen, 4 L-BFGS-B starts)
and the iso-FLOP method, on 5 budgets x 9 model sizes. Run directly: ``python benchmarks/bench_scaling.py``.
"""
from __future__ import annotations

import time

import numpy as np

from labsupport import scaling as s


def fit_seconds() -> tuple[float, float]:
    """Best of 3 wall times of (fit_parametric_loss, isoflop_optimum)."""
    runs = s.synthetic_runs(np.logspace(18, 22, 5), **s.BESIROGLU_2024, noise_sd=0.005, rng=0)
    best = [float("inf"), float("inf")]
    for _ in range(3):
        for i, func in enumerate((lambda: s.fit_parametric_loss(runs.params, runs.tokens, runs.loss),
                                  lambda: s.isoflop_optimum(runs))):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def throughput() -> list[dict]:
    """No SimPy baseline for a curve fit: the runner's throughput table has no row for it."""
    return []


if __name__ == "__main__":
    fit, iso = fit_seconds()
    print(f"scaling: Huber fit {fit:.3f} s, iso-FLOP method {iso * 1e3:.2f} ms")
