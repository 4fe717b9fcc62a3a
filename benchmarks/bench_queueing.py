"""Throughput of the queue simulators against the straightforward SimPy model of the same queue."""
from __future__ import annotations

import time

from labsupport import queueing as q


def _rate(func, n, *args) -> float:
    best = float("inf")
    for seed in range(3):
        start = time.perf_counter()
        func(*args, n, seed)
        best = min(best, time.perf_counter() - start)
    return n / best


def throughput() -> list[dict]:
    """Customers simulated per second: ours (Lindley / heap) vs SimPy, M/M/1 at rho 0.8 and M/M/4 at 0.9."""
    return [
        {"name": "queueing: M/M/1, rho 0.8", "unit": "customers/s",
         "ours_per_s": _rate(q.simulate_mm1, 1_000_000, 0.8, 1.0),
         "simpy_per_s": _rate(q.simulate_mm1_simpy, 50_000, 0.8, 1.0)},
        {"name": "queueing: M/M/4, rho 0.9", "unit": "customers/s",
         "ours_per_s": _rate(lambda n, s: q.simulate_mmc(3.6, 1.0, 4, n, s), 200_000),
         "simpy_per_s": _rate(lambda n, s: q.simulate_mmc_simpy(3.6, 1.0, 4, n, s), 50_000)},
    ]
