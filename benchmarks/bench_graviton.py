"""Speed of labsupport.graviton's simulators against straightforward references on the same inputs.

* The cache simulator on a 1-million-access trace (target: about a second or less), next to the
  plain-Python LRU the tests use and ``pycachesim`` (a C extension driven one access at a time from
  Python; a test-only dependency, skipped when it is not installed).
* The vectorised SMT queue against its event-by-event reference.

Run directly (``python benchmarks/bench_graviton.py``) for the cache table; ``make bench`` reads
``throughput()``.
"""
from __future__ import annotations

import time

import numpy as np

from labsupport import graviton as g

N_ACCESSES = 1_000_000
#: An L1D-like cache (64 KiB, 64-byte lines, 4 ways: 256 sets) and an L2-like one (1 MiB, 8 ways).
GEOMETRIES = {"64 KiB, 4-way": (64 << 10, 64, 4), "1 MiB, 8-way": (1 << 20, 64, 8)}


def _best(func, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def plain_python_lru(addresses, size_bytes: int, line_bytes: int, ways: int) -> int:
    """Misses of a plain-Python LRU (a recency list per set), the tests' reference."""
    n_sets = size_bytes // line_bytes // ways
    sets = [[] for _ in range(n_sets)]
    misses = 0
    for a in addresses:
        line = a // line_bytes
        entries = sets[line % n_sets]
        if line in entries:
            entries.remove(line)
        else:
            misses += 1
            if len(entries) == ways:
                entries.pop()
        entries.insert(0, line)
    return misses


def pycachesim_lru(addresses, size_bytes: int, line_bytes: int, ways: int) -> int | None:
    """Misses counted by pycachesim, or None when it is not installed."""
    try:
        import cachesim
    except ImportError:
        return None
    mem = cachesim.MainMemory()
    cache = cachesim.Cache("L1", size_bytes // line_bytes // ways, ways, line_bytes, "LRU")
    mem.load_to(cache)
    mem.store_from(cache)
    sim = cachesim.CacheSimulator(cache, mem)
    for a in addresses:
        sim.load(a, length=1)
    return cache.backend.MISS_count


def cache_table(n: int = N_ACCESSES) -> list[dict]:
    """Seconds for ``n`` accesses of each trace kind and geometry: ours, plain Python, pycachesim."""
    rows = []
    for kind in ("random", "web-server"):
        addr = g.address_trace(kind, n, working_set_bytes=4 << 20, rng=1)
        as_list = addr.tolist()
        for label, (size, line, ways) in GEOMETRIES.items():
            ours = _best(lambda: g.simulate_cache(addr, size_bytes=size, line_bytes=line, ways=ways))
            misses = g.simulate_cache(addr, size_bytes=size, line_bytes=line, ways=ways).misses
            plain = _best(lambda: plain_python_lru(as_list, size, line, ways), 1)
            assert plain_python_lru(as_list, size, line, ways) == misses
            ref = pycachesim_lru(as_list, size, line, ways)
            pcs = _best(lambda: pycachesim_lru(as_list, size, line, ways), 1) if ref is not None else float("nan")
            if ref is not None:
                assert ref == misses
            rows.append({"trace": kind, "cache": label, "ours_s": ours, "plain_python_s": plain, "pycachesim_s": pcs})
    return rows


def throughput() -> list[dict]:
    """Rows for tools/bench.py: ours against the straightforward reference (in the SimPy column)."""
    addr = g.address_trace("random", N_ACCESSES, working_set_bytes=4 << 20, rng=1)
    size, line, ways = GEOMETRIES["64 KiB, 4-way"]
    ours = _best(lambda: g.simulate_cache(addr, size_bytes=size, line_bytes=line, ways=ways))
    short = addr[:200_000].tolist()
    plain = _best(lambda: plain_python_lru(short, size, line, ways), 1)
    smt_fast = _best(lambda: g.simulate_smt(0.5, 1.0, 200_000, rng=1))
    smt_ref = _best(lambda: g.simulate_smt_events(0.5, 1.0, 50_000, rng=1), 1)
    return [
        {"name": "graviton: LRU cache vs plain-Python LRU", "unit": "accesses/s",
         "ours_per_s": N_ACCESSES / ours, "simpy_per_s": len(short) / plain},
        {"name": "graviton: SMT queue vs event-by-event", "unit": "requests/s",
         "ours_per_s": 200_000 / smt_fast, "simpy_per_s": 50_000 / smt_ref},
    ]


if __name__ == "__main__":
    print(f"{'trace':11} {'cache':14} {'ours (s)':>9} {'plain Python (s)':>17} {'pycachesim (s)':>15}")
    for row in cache_table():
        print(f"{row['trace']:11} {row['cache']:14} {row['ours_s']:9.3f} {row['plain_python_s']:17.3f} "
              f"{row['pycachesim_s']:15.3f}")
    for row in throughput():
        print(row)
