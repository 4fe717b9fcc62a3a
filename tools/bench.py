"""The course's benchmark: `make bench`. Prints timings against the targets; not part of `make test`.

* cold book build and no-change rebuild (target: rebuild <= 15 s)
* `make test` wall time (target: <= 6 min after setup); skip with --no-test
* every lab widget's callback (model + figure rendered to SVG, as a control change runs it) at its default
  settings (target: <= 100 ms) and with every slider at its maximum
* simulator throughput against a straightforward SimPy model of the same system (ours must be faster)

Lab widgets are discovered from the `LABS` dict of each `labsupport/ui/<module>.py`; throughput rows
from `throughput()` in each `benchmarks/bench_<module>.py`.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"rebuild_s": 15.0, "test_s": 360.0, "callback_ms": 100.0}


def timed(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSES TARGET"


def bench_build() -> None:
    build = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    cold, rc1 = timed(build)
    warm, rc2 = timed(build)
    print(f"cold book build          {cold:7.1f} s   (exit {rc1})")
    print(f"no-change rebuild        {warm:7.1f} s   target <= {TARGETS['rebuild_s']:.0f} s: "
          f"{verdict(warm <= TARGETS['rebuild_s'])}")


def bench_test() -> None:
    seconds, rc = timed(["make", "test"])
    print(f"make test                {seconds:7.1f} s   (exit {rc}) target <= {TARGETS['test_s']:.0f} s: "
          f"{verdict(seconds <= TARGETS['test_s'] and rc == 0)}")


def callback_ms(lab, repeats: int) -> tuple[float, float]:
    """Median and best wall time of the widget's callback (model, figure and SVG, as a control change
    runs it). This machine is a shared VM: the median is what a student sees, the best is the cost
    without interference."""
    times = [1000 * lab.refresh() for _ in range(repeats)]
    return statistics.median(times), min(times)


def set_to_maximum(lab) -> None:
    for control in lab.controls.values():
        if hasattr(control, "max") and not hasattr(control, "base"):
            control.value = control.max
        elif hasattr(control, "max"):  # FloatLogSlider: max is an exponent
            control.value = control.base ** control.max
    lab.refresh()


def bench_callbacks() -> None:
    print(f"\n{'lab widget callback (median / best of 9)':44} {'default':>15} {'maximum':>15}"
          f"   target <= {TARGETS['callback_ms']:.0f} ms at default")
    for path in sorted((ROOT / "labsupport" / "ui").glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"labsupport.ui.{path.stem}")
        for name, factory in getattr(module, "LABS", {}).items():
            with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, widgets print their repr
                lab = factory()
                callback_ms(lab, 2)  # warm caches (fonts, imports)
                default = callback_ms(lab, 9)
                set_to_maximum(lab)
                maximum = callback_ms(lab, 3)
            print(f"{name:44} {default[0]:5.0f} / {default[1]:3.0f} ms {maximum[0]:5.0f} / {maximum[1]:3.0f} ms"
                  f"   {verdict(default[0] <= TARGETS['callback_ms'])}")


def bench_throughput() -> None:
    print(f"\n{'simulator throughput':44} {'ours':>14} {'SimPy':>14} {'speed-up':>9}")
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for row in module.throughput():
            ratio = row["ours_per_s"] / row["simpy_per_s"]
            print(f"{row['name']:44} {row['ours_per_s']:14,.0f} {row['simpy_per_s']:14,.0f} {ratio:8.1f}x"
                  f"   {row['unit']}  {verdict(ratio >= 1)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="skip the book build timings")
    parser.add_argument("--no-test", action="store_true", help="skip timing `make test`")
    args = parser.parse_args(argv)
    if not args.no_build:
        bench_build()
    if not args.no_test:
        bench_test()
    bench_callbacks()
    bench_throughput()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
