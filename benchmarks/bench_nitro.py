"""Throughput of the Nitro chapter's host simulator: the vectorised sample path vs the SimPy model.

Both run the same model on the same draws (``labsupport.nitro.simulate_host`` and
``simulate_host_simpy``): one guest core, Poisson guest requests and three kinds of I/O work, the I/O
either preempting the guest on its core ("shared") or offloaded. The rate is guest requests simulated
per second of wall time (the shared runs also process the I/O jobs: about 3.5 per guest request at
the lab's default loads).

    python benchmarks/bench_nitro.py
"""
from __future__ import annotations

import time

from labsupport import nitro

#: name -> (placement, keyword arguments)
SCENARIOS = {
    "nitro host, shared core, guest 0.5 + I/O 0.3": ("shared", dict(guest_load=0.5, io_load=0.3)),
    "nitro host, I/O offloaded, guest 0.5": ("offload", dict(guest_load=0.5, io_load=0.3)),
}


def _rate(fn, place: str, kwargs: dict, n: int) -> float:
    best = float("inf")
    for seed in range(3):
        start = time.perf_counter()
        fn(place, n_requests=n, rng=seed, **kwargs)
        best = min(best, time.perf_counter() - start)
    return n / best


def throughput() -> list[dict]:
    """Rows ``{"name", "unit", "ours_per_s", "simpy_per_s"}``, one per scenario."""
    return [{"name": name, "unit": "requests/s",
             "ours_per_s": _rate(nitro.simulate_host, place, kw, 200_000),
             "simpy_per_s": _rate(nitro.simulate_host_simpy, place, kw, 5_000)}
            for name, (place, kw) in SCENARIOS.items()]


if __name__ == "__main__":
    for row in throughput():
        print(f"{row['name']:48s} ours {row['ours_per_s']:12,.0f} {row['unit']}   "
              f"simpy {row['simpy_per_s']:10,.0f}   x{row['ours_per_s'] / row['simpy_per_s']:.0f}")
