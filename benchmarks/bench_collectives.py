"""Speed of the allreduce models: the ring moving real data, and the ring's timing simulation against its
straightforward SimPy twin.

Target (issue 11): an allreduce of 64 workers x 10^6 float32 values "well under a second". Run directly
(``python benchmarks/bench_collectives.py``) for the target line; the benchmark runner calls
:func:`throughput`.
"""
from __future__ import annotations

import time

import numpy as np

from labsupport import collectives as c

TARGET_S = 1.0
LINK = {"alpha_s": 2e-6, "bandwidth_bytes_per_s": 50e9}


def _best(func, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def ring_allreduce_seconds(p: int = 64, n: int = 1_000_000) -> float:
    """Best of 3 wall times of :func:`labsupport.collectives.simulate_ring_allreduce` on p x n float32."""
    arrays = np.random.default_rng(0).standard_normal((p, n)).astype(np.float32)
    return _best(lambda: c.simulate_ring_allreduce(arrays))


def throughput() -> list[dict]:
    """Ring messages timed per second: the vectorised recurrence vs the SimPy processes (256 workers)."""
    p = 256
    messages = 2 * (p - 1) * p
    ours = _best(lambda: c.simulate_ring_timing(p, 1e8, **LINK))
    simpy = _best(lambda: c.simulate_ring_timing_simpy(p, 1e8, **LINK), repeats=1)
    return [{"name": f"collectives: ring timing, {p} workers", "unit": "messages/s",
             "ours_per_s": messages / ours, "simpy_per_s": messages / simpy}]


if __name__ == "__main__":
    seconds = ring_allreduce_seconds()
    print(f"ring allreduce, 64 workers x 10^6 float32: {seconds:.3f} s (target < {TARGET_S:g} s: "
          f"{'ok' if seconds < TARGET_S else 'MISSES TARGET'})")
    for row in throughput():
        print(f"{row['name']}: {row['ours_per_s']:,.0f} vs SimPy {row['simpy_per_s']:,.0f} {row['unit']}")
