"""Speed of the link-failure model: one failure on a 32-leaf, 16-spine fabric (992 flows), both strategies.

The model decides each flow's fate once per interval between events, not once per packet, so its cost
does not grow with the packet rate. There is no SimPy twin (no queues: forwarding only), so this
benchmark reports times only. Run directly: ``python benchmarks/bench_fabric.py``.
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
    """No SimPy baseline for this model: the runner's throughput table has no row for it."""
    return []


if __name__ == "__main__":
    for strategy in fb.STRATEGIES:
        print(f"fabric: 32 x 16 leaf-spine, {strategy}: {failure_seconds(strategy):.3f} s")
