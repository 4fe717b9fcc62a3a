"""Throughput of the SRD chapter's packet-level simulation: the heapq event loop vs the SimPy baseline.

Both engines run the same model (``labsupport.srd.simulate_transfers`` and
``simulate_transfers_simpy``) on the same scenario; the rate is simulated data packets
(transmissions, including retransmissions) per second of wall time.

    python benchmarks/bench_srd.py
"""
from __future__ import annotations

import time

from labsupport import srd

#: The benchmarked scenarios: name -> (protocol, keyword arguments).
SCENARIOS = {
    "srd transfers, 16 KiB messages, 8 paths, loss 1%": (
        "srd", dict(n_messages=1500, n_paths=8, loss_probability=0.01)),
    "tcp transfers, 16 KiB messages, 8 paths, loss 1%": (
        "tcp", dict(n_messages=1500, n_paths=8, loss_probability=0.01)),
}


def _rate(fn, protocol: str, kwargs: dict, min_seconds: float = 0.5) -> float:
    """Simulated packets per wall-clock second, repeating runs (new seeds) for at least ``min_seconds``."""
    packets = 0
    seed = 0
    start = time.perf_counter()
    while True:
        result = fn(protocol, rng=seed, **kwargs)
        packets += result.n_transmissions
        seed += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return packets / elapsed


def throughput() -> list[dict]:
    """Rows ``{"name", "unit", "ours_per_s", "simpy_per_s"}``, one per scenario.

    Returns
    -------
    list of dict
        ``ours_per_s``: packets/s of :func:`labsupport.srd.simulate_transfers`;
        ``simpy_per_s``: packets/s of :func:`labsupport.srd.simulate_transfers_simpy`.
    """
    rows = []
    for name, (protocol, kwargs) in SCENARIOS.items():
        srd.simulate_transfers(protocol, rng=99, **{**kwargs, "n_messages": 50})  # warm up
        rows.append({
            "name": name,
            "unit": "packets/s",
            "ours_per_s": _rate(srd.simulate_transfers, protocol, kwargs),
            "simpy_per_s": _rate(srd.simulate_transfers_simpy, protocol, kwargs),
        })
    return rows


if __name__ == "__main__":
    for row in throughput():
        print(f"{row['name']}: ours {row['ours_per_s']:,.0f} {row['unit']}, SimPy {row['simpy_per_s']:,.0f} "
              f"({row['ours_per_s'] / row['simpy_per_s']:.1f}x)")
