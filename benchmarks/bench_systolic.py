"""Speed of the cycle-level systolic simulator: PE-cycles per second, against a per-PE Python loop.

The target (issue 10): a 128 x 128 array on a 512 x 512 x 512 matmul in seconds, not minutes. The
baseline advances one PE at a time in plain Python, as a first simulator would; it runs a smaller
case and is compared per PE-cycle. Run directly for the full table, or through the benchmark runner,
which calls :func:`throughput`.
"""
from __future__ import annotations

import time

import numpy as np

from labsupport import systolic as sy


def _per_pe_ws(a, b, rows, cols) -> int:
    """Weight-stationary, one PE at a time (single fold: K <= rows, N <= cols). Returns PE-cycles."""
    m, k = a.shape
    n = b.shape[1]
    w = [[float(b[i, j]) if i < k and j < n else 0.0 for j in range(cols)] for i in range(rows)]
    a_reg = [[0.0] * cols for _ in range(rows)]
    psum = [[0.0] * cols for _ in range(rows)]
    steps = rows + cols + m - 2
    for t in range(steps):
        for i in range(rows):
            a_reg[i] = [float(a[t - i, i]) if 0 <= t - i < m and i < k else 0.0] + a_reg[i][:-1]
        new = [[0.0] * cols for _ in range(rows)]
        for i in range(rows):
            above = psum[i - 1] if i else None
            for j in range(cols):
                new[i][j] = (above[j] if above else 0.0) + a_reg[i][j] * w[i][j]
        psum = new
    return (rows + steps) * rows * cols


def _rate_ours(m: int, n: int, k: int, rows: int, cols: int, dataflow: str) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    a = rng.integers(-8, 8, (m, k))
    b = rng.integers(-8, 8, (k, n))
    start = time.perf_counter()
    res = sy.simulate_matmul(a, b, rows=rows, cols=cols, dataflow=dataflow)
    elapsed = time.perf_counter() - start
    return res.cycles * rows * cols / elapsed, elapsed


def _rate_per_pe() -> float:
    rng = np.random.default_rng(0)
    a, b = rng.integers(-8, 8, (64, 32)), rng.integers(-8, 8, (32, 32))
    start = time.perf_counter()
    pe_cycles = _per_pe_ws(a, b, 32, 32)
    return pe_cycles / (time.perf_counter() - start)


def throughput() -> list[dict]:
    """Rows for the benchmark runner: our simulator on the 512^3 / 128 x 128 target vs the per-PE loop."""
    ours, _ = _rate_ours(512, 512, 512, 128, 128, "weight_stationary")
    return [{"name": "systolic: 128x128 WS, 512^3 matmul", "unit": "PE-cycles/s (vs per-PE Python)",
             "ours_per_s": ours, "simpy_per_s": _rate_per_pe()}]


def main() -> None:
    print("128 x 128 array, 512 x 512 x 512 integer matmul (target: seconds, not minutes)")
    for dataflow in sy.DATAFLOWS:
        rate, elapsed = _rate_ours(512, 512, 512, 128, 128, dataflow)
        print(f"  {dataflow:18} {elapsed:6.2f} s   {rate / 1e6:8.1f} M PE-cycles/s")
    print(f"  per-PE Python loop (32 x 32 array): {_rate_per_pe() / 1e6:8.2f} M PE-cycles/s")


if __name__ == "__main__":
    main()
