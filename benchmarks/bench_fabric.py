"""Speed of the link-failure model: one failure on a 32-leaf, 16-spine fabric (992 flows), both strategies.

The model decides each flow's fate once per interval between events, not once per packet, so its cost
does not grow with the packet rate; its per-packet SimPy twin is the baseline of :func:`throughput`.
Run directly: ``python benchmarks/bench_fabric.py``.
"""
from __future__ import annotations

import time

from labsupport import fabric as fb


def failure_seconds(strategy: str, n_leaves: int = 32, n_spines: int = 16) -> float:
    """Best of 3 wall times of :func:`labsupport.fabric.simulate_link_failure`."""
    fabric = fb.leaf_spine(n_leaves, n_spines)
    best = float("inf")
    for seed in range(3):
        start = time.perf_counter()
        fb.simulate_link_failure(fabric, ("L0", "S0"), strategy=strategy, rng=seed)
        best = min(best, time.perf_counter() - start)
    return best


def throughput() -> list[dict]:
    """Packets decided per second: the interval model vs its packet-by-packet SimPy twin (8 x 4 fabric)."""
    fabric = fb.leaf_spine(8, 4)
    rate, duration = 10_000.0, 2.0
    packets = 56 * rate * duration
    start = time.perf_counter()
    fb.simulate_link_failure(fabric, ("L0", "S0"), rate_pps=rate, duration_s=duration, rng=1)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    fb.simulate_link_failure_simpy(fabric, ("L0", "S0"), rate_pps=rate / 20, duration_s=duration, rng=1)
    simpy = (time.perf_counter() - start) * 20  # the twin at 1/20 of the rate, scaled up
    return [{"name": "fabric: link failure, 56 flows", "unit": "packets/s",
             "ours_per_s": packets / ours, "simpy_per_s": packets / simpy}]


if __name__ == "__main__":
    for strategy in fb.STRATEGIES:
        print(f"fabric: 32 x 16 leaf-spine, {strategy}: {failure_seconds(strategy):.3f} s")
    for row in throughput():
        print(f"{row['name']}: {row['ours_per_s']:,.0f} vs SimPy {row['simpy_per_s']:,.0f} {row['unit']}")
