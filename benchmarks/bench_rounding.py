"""How fast labsupport.rounding rounds large arrays, in GB/s of input read, next to three yardsticks.

* numpy's copy of the same array (``np.copy``): the memory-bandwidth ceiling of any one-pass operation here;
* ``ml_dtypes``' cast of the same float32 array to the same format and back to float32 (a C++ loop);
* the pure-Python exact reference ``round_reference`` (one value at a time, rational arithmetic).

Run directly (``python benchmarks/bench_rounding.py``) for the full table, or through the benchmark runner,
which calls :func:`throughput` (ours against the pure-Python reference).
"""
from __future__ import annotations

import time

import numpy as np

from labsupport import rounding as rd

N = 4_000_000  # 16 MB of float32: larger than the caches, so the copy measures memory bandwidth
N_PYTHON = 5_000


def _best_s(func, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _array(n: int = N) -> np.ndarray:
    return np.random.default_rng(1).standard_normal(n).astype(np.float32)


def rates(fmt: str = "bfloat16") -> dict[str, float]:
    """Input bytes per second of each way of rounding a float32 array of N values to ``fmt``."""
    x = _array()
    out = {"numpy copy": x.nbytes / _best_s(lambda: np.copy(x)),
           "round_nearest": x.nbytes / _best_s(lambda: rd.round_nearest(x, fmt)),
           "round_stochastic": x.nbytes / _best_s(lambda: rd.round_stochastic(x, fmt, rng=0))}
    try:
        import ml_dtypes

        target = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16,
                  "float8_e4m3": ml_dtypes.float8_e4m3fn}[fmt]
        out["ml_dtypes cast"] = x.nbytes / _best_s(lambda: x.astype(target).astype(np.float32))
    except ImportError:  # the dev extra installs it; without it the row is left out
        pass
    small = x[:N_PYTHON].tolist()
    out["pure Python reference"] = 4 * N_PYTHON / _best_s(lambda: [rd.round_reference(v, fmt) for v in small], 1)
    return out


def throughput() -> list[dict]:
    """Rows for the benchmark runner: our vectorised rounding against the pure-Python reference."""
    r = rates("bfloat16")
    return [{"name": "rounding: round_nearest to bfloat16", "unit": "bytes/s (vs pure Python)",
             "ours_per_s": r["round_nearest"], "simpy_per_s": r["pure Python reference"]}]


def main() -> None:
    for fmt in rd.FORMATS:
        r = rates(fmt)
        print(f"\n{fmt}: float32 input, {N:,} values ({4 * N / 1e6:.0f} MB)")
        for name, value in r.items():
            print(f"  {name:24} {value / 1e6:9.1f} MB/s   {value / r['numpy copy']:7.2%} of copy")


if __name__ == "__main__":
    main()
