"""Throughput of the execution-environment pool simulations against straightforward SimPy baselines.

Scenario (both implementations, same model): 1,000 functions with Zipf(0.8) popularity, 100 requests/s in
all; an LRU pool of 100 environments, and a keep-alive pool with a 5 s keep-alive. Each measurement runs
about 0.5-2 s. Run directly (``python benchmarks/bench_serverless.py``) or through the benchmark runner,
which calls :func:`throughput`.
"""
from __future__ import annotations

import time

from labsupport import serverless as sv

N_FUNCTIONS = 1000
ZIPF_EXPONENT = 0.8
TOTAL_RATE_PER_S = 100.0
CAPACITY = 100
KEEP_ALIVE_S = 5.0
SEED = 1


def _requests_per_s(simulate, n_requests: int, **kwargs) -> float:
    rates = sv.zipf_rates(N_FUNCTIONS, TOTAL_RATE_PER_S, ZIPF_EXPONENT)
    start = time.perf_counter()
    result = simulate(rates, n_requests=n_requests, rng=SEED, **kwargs)
    elapsed = time.perf_counter() - start
    return result.n_requests / elapsed


def throughput() -> list[dict]:
    """Requests simulated per second by the fast pool simulations and by their SimPy baselines.

    Returns
    -------
    list of dict
        Rows ``{"name", "unit", "ours_per_s", "simpy_per_s"}``.
    """
    return [
        {"name": f"serverless: LRU pool ({N_FUNCTIONS} functions, capacity {CAPACITY})", "unit": "requests/s",
         "ours_per_s": _requests_per_s(sv.simulate_lru_pool, 2_000_000, capacity=CAPACITY),
         "simpy_per_s": _requests_per_s(sv.simulate_lru_pool_simpy, 150_000, capacity=CAPACITY)},
        {"name": f"serverless: keep-alive pool ({N_FUNCTIONS} functions, {KEEP_ALIVE_S:g} s)", "unit": "requests/s",
         "ours_per_s": _requests_per_s(sv.simulate_ttl_pool, 5_000_000, keep_alive_s=KEEP_ALIVE_S),
         "simpy_per_s": _requests_per_s(sv.simulate_ttl_pool_simpy, 200_000, keep_alive_s=KEEP_ALIVE_S)},
    ]


if __name__ == "__main__":
    for row in throughput():
        print(f"{row['name']}: ours {row['ours_per_s']:,.0f} {row['unit']}, SimPy {row['simpy_per_s']:,.0f} "
              f"{row['unit']} ({row['ours_per_s'] / row['simpy_per_s']:.1f}x)")
