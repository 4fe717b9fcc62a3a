"""A systolic array, cycle by cycle: weight-, output- and input-stationary matrix multiply on R x C PEs.

Chapter: "Trainium2, scaling up" (``chapters/trainium_up.md``); lab: ``labs/systolic_array.ipynb``;
tests: ``tests/test_systolic.py``.

A systolic array (Kung 1982) is a grid of processing elements (PEs), each a multiply-accumulate (MAC)
unit that talks only to its neighbours. Operands enter at the edges, skewed by one cycle per row or
column, and march one PE per cycle; every value fetched from memory is used by a whole row or column
of PEs. Computing ``a @ b`` with ``a`` of shape (M, K) and ``b`` of shape (K, N):

* **output-stationary** (OS): PE (i, j) owns one output ``c[m_i, n_j]``; rows of ``a`` flow right,
  columns of ``b`` flow down, and the PE adds ``a[m_i, k] * b[k, n_j]`` when the two meet, at cycle
  ``k + i + j``. The array covers M (rows) x N (columns); K streams through in time.
* **weight-stationary** (WS, TPU v1's choice and Trainium's tensor engine's): ``b`` is loaded into the
  PEs first (R cycles, one row per cycle from the top), then rows of ``a`` flow right while partial
  sums flow down; ``c[m, n_j]`` leaves the bottom of column j. The array covers K x N; M streams.
* **input-stationary** (IS): the same with the roles of ``a`` and ``b`` swapped: ``a`` (transposed) is
  held, columns of ``b`` stream, the array covers K x M and N streams.

A matmul larger than the array is cut into folds (tiles of R x C), run one after another. This module
counts cycles the way SCALE-Sim does (Samajdar et al.), fold by fold with the full array's skew:
a fold takes P cycles, P = R + C + T - 2 for OS and 2R + C + T - 2 for WS and IS (T: the streamed
dimension; WS and IS spend R of those cycles loading the stationary operand). The simulator runs
every cycle of every fold, so its count is F·P for F folds; SCALE-Sim prints F·P - 1 (a known
off-by-one, its issues 60 and 125), which :func:`scalesim_cycles` reproduces.

Run ``python -m labsupport.systolic --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .common import (
    Problem,
    Solution,
    check_choice,
    check_int,
    check_positive,
    check_result_finite,
    make_rng,
    run_cli,
)

__all__ = [
    "DATAFLOWS",
    "SystolicResult",
    "simulate_matmul",
    "trace_matmul",
    "SystolicTraceResult",
    "fold_shape",
    "closed_form_cycles",
    "scalesim_cycles",
    "peak_flops",
    "MatmulRooflineResult",
    "matmul_roofline",
    "pose_problem",
    "solve",
    "main",
]

DATAFLOWS = ("weight_stationary", "output_stationary", "input_stationary")
_SHORT = {"weight_stationary": "WS", "output_stationary": "OS", "input_stationary": "IS"}
#: Most PE-cycles one simulation may take (about a minute of numpy work), so a typo cannot hang a lab.
MAX_PE_CYCLES = 2_000_000_000
#: Most cycles x PEs a trace may record (a boolean per PE per cycle).
MAX_TRACE_CELLS = 20_000_000


@dataclass(frozen=True)
class SystolicResult:
    """The outcome of :func:`simulate_matmul`.

    Attributes
    ----------
    output : numpy.ndarray, shape (M, N)
        The product, accumulated by the simulated PEs.
    cycles : int
        Clock cycles from the first operand entering the array to the last result being produced,
        summed over folds (SCALE-Sim's convention, without its -1).
    utilization : float
        Useful MACs / (PEs x cycles): M·N·K / (rows·cols·cycles).
    macs : int
        Multiply-accumulates the simulated PEs performed (always M·N·K).
    folds : int
        Number of array-sized tiles the matmul was cut into.
    rows, cols : int
        Array shape.
    dataflow : str
    shape : tuple of int
        (M, N, K).
    """

    output: np.ndarray
    cycles: int
    utilization: float
    macs: int
    folds: int
    rows: int
    cols: int
    dataflow: str
    shape: tuple


@dataclass(frozen=True)
class SystolicTraceResult:
    """Per-cycle activity of a small simulation, for drawing.

    Attributes
    ----------
    active : numpy.ndarray of bool, shape (cycles, rows, cols)
        Whether each PE performed a useful MAC in each cycle.
    loading : numpy.ndarray of bool, shape (cycles,)
        Cycles spent loading the stationary operand (WS and IS).
    fold : numpy.ndarray of int, shape (cycles,)
        Which fold each cycle belongs to.
    result : SystolicResult
    """

    active: np.ndarray
    loading: np.ndarray
    fold: np.ndarray
    result: SystolicResult


def _check_matrices(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    mats = []
    for name, m in (("a", a), ("b", b)):
        if isinstance(m, (str, bytes)):
            raise TypeError(f'"{name}" must be a 2-D array of numbers, got {type(m).__name__}')
        try:
            arr = np.asarray(m)
        except (TypeError, ValueError):  # ragged rows, objects numpy cannot hold
            raise TypeError(f'"{name}" must be a 2-D array of numbers, got a ragged {type(m).__name__}') from None
        if arr.dtype == object or arr.dtype.kind not in "biuf":
            raise TypeError(f'"{name}" must be a 2-D array of numbers, got dtype {arr.dtype}')
        if arr.ndim != 2 or 0 in arr.shape:
            raise ValueError(f'"{name}" must be a non-empty 2-D array, got shape {arr.shape}')
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise ValueError(f'"{name}" must be finite')
        mats.append(arr)
    a, b = mats
    if a.shape[1] != b.shape[0]:
        raise ValueError(f'"a" and "b" do not multiply: a is {a.shape}, b is {b.shape} '
                         f'(a needs as many columns as b has rows)')
    integer = a.dtype.kind in "biu" and b.dtype.kind in "biu"
    dtype = np.int64 if integer else np.float64
    return a.astype(dtype), b.astype(dtype)


def fold_shape(m: int, n: int, k: int, *, rows: int, cols: int, dataflow: str = "weight_stationary") -> dict:
    """How a (M, N, K) matmul maps onto an R x C array: spatial rows/cols, streamed length, folds.

    Parameters
    ----------
    m, n, k : int
        ``a`` is (M, K), ``b`` is (K, N).
    rows, cols : int
        Array shape R x C.
    dataflow : {"weight_stationary", "output_stationary", "input_stationary"}

    Returns
    -------
    dict
        ``spatial_rows`` (Sr), ``spatial_cols`` (Sc), ``temporal`` (T), ``folds`` (F) and
        ``cycles_per_fold`` (P).

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``dataflow`` is unknown.

    Examples
    --------
    >>> fold_shape(32, 16, 24, rows=8, cols=8, dataflow="output_stationary")["folds"]
    8
    """
    m = check_int("m", m, minimum=1)
    n = check_int("n", n, minimum=1)
    k = check_int("k", k, minimum=1)
    rows = check_int("rows", rows, minimum=1, maximum=4096)
    cols = check_int("cols", cols, minimum=1, maximum=4096)
    dataflow = check_choice("dataflow", dataflow, DATAFLOWS)
    sr, sc, t = {"output_stationary": (m, n, k), "weight_stationary": (k, n, m),
                 "input_stationary": (k, m, n)}[dataflow]
    folds = -(-sr // rows) * -(-sc // cols)  # exact integer ceilings (sr / rows overflows for huge sizes)
    load = 0 if dataflow == "output_stationary" else rows
    return {"spatial_rows": sr, "spatial_cols": sc, "temporal": t, "folds": folds,
            "cycles_per_fold": load + rows + cols + t - 2}


def closed_form_cycles(m: int, n: int, k: int, *, rows: int, cols: int, dataflow: str = "weight_stationary") -> int:
    """Cycles of an (M, N, K) matmul on an R x C array: F·P (see the module docstring).

    Parameters
    ----------
    m, n, k : int
    rows, cols : int
    dataflow : {"weight_stationary", "output_stationary", "input_stationary"}

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        As :func:`fold_shape`.

    Examples
    --------
    >>> [closed_form_cycles(32, 16, 24, rows=8, cols=8, dataflow=d) for d in
    ...  ("output_stationary", "weight_stationary", "input_stationary")]
    [304, 324, 456]
    """
    f = fold_shape(m, n, k, rows=rows, cols=cols, dataflow=dataflow)
    return f["folds"] * f["cycles_per_fold"]


def scalesim_cycles(m: int, n: int, k: int, *, rows: int, cols: int, dataflow: str = "weight_stationary") -> int:
    """The cycle count SCALE-Sim reports: F·P - 1, one less than :func:`closed_form_cycles`.

    SCALE-Sim numbers cycles from 0 and reports the index of the last one, not their number
    (its GitHub issues 60 and 125 discuss the off-by-one).

    Examples
    --------
    >>> [scalesim_cycles(32, 16, 24, rows=8, cols=8, dataflow=d) for d in
    ...  ("output_stationary", "weight_stationary", "input_stationary")]
    [303, 323, 455]
    """
    return closed_form_cycles(m, n, k, rows=rows, cols=cols, dataflow=dataflow) - 1


def _run_fold_os(a_t: np.ndarray, b_t: np.ndarray, rows: int, cols: int, record: list | None):
    """One output-stationary fold. a_t: (r, T) rows of a; b_t: (T, c) columns of b. Returns (out, cycles, macs)."""
    r, t_len = a_t.shape
    c = b_t.shape[1]
    dtype = a_t.dtype
    a_reg = np.zeros((rows, cols), dtype)
    b_reg = np.zeros((rows, cols), dtype)
    a_ok = np.zeros((rows, cols), bool)
    b_ok = np.zeros((rows, cols), bool)
    acc = np.zeros((rows, cols), dtype)
    # Skewed edge feeds: row i receives a[i, t - i] at cycle t; column j receives b[t - j, j].
    a_feed = np.zeros((rows, t_len + rows), dtype)
    a_feed_ok = np.zeros((rows, t_len + rows), bool)
    for i in range(r):
        a_feed[i, i:i + t_len] = a_t[i]
        a_feed_ok[i, i:i + t_len] = True
    b_feed = np.zeros((cols, t_len + cols), dtype)
    b_feed_ok = np.zeros((cols, t_len + cols), bool)
    for j in range(c):
        b_feed[j, j:j + t_len] = b_t[:, j]
        b_feed_ok[j, j:j + t_len] = True
    cycles = rows + cols + t_len - 2
    macs = 0
    for t in range(cycles):
        a_reg[:, 1:] = a_reg[:, :-1]
        a_ok[:, 1:] = a_ok[:, :-1]
        b_reg[1:, :] = b_reg[:-1, :]
        b_ok[1:, :] = b_ok[:-1, :]
        if t < a_feed.shape[1]:
            a_reg[:, 0] = a_feed[:, t]
            a_ok[:, 0] = a_feed_ok[:, t]
        else:
            a_ok[:, 0] = False
        if t < b_feed.shape[1]:
            b_reg[0, :] = b_feed[:, t]
            b_ok[0, :] = b_feed_ok[:, t]
        else:
            b_ok[0, :] = False
        active = a_ok & b_ok
        acc += np.where(active, a_reg * b_reg, 0)
        n_active = int(active.sum())
        macs += n_active
        if record is not None:
            record.append((active.copy(), False))
    return acc[:r, :c], cycles, macs


def _run_fold_ws(stream: np.ndarray, w_t: np.ndarray, rows: int, cols: int, record: list | None):
    """One weight-stationary fold: w_t (r, c) held; stream (T, r) rows flow right. Returns (out (T, c), cycles, macs)."""
    t_len, r = stream.shape
    c = w_t.shape[1]
    dtype = stream.dtype
    # Load phase: the tile enters at the top, one row per cycle, and shifts down: R cycles.
    w_reg = np.zeros((rows, cols), dtype)
    w_ok = np.zeros((rows, cols), bool)
    padded = np.zeros((rows, cols), dtype)
    padded_ok = np.zeros((rows, cols), bool)
    padded[:r, :c] = w_t
    padded_ok[:r, :c] = True
    for t in range(rows):
        w_reg[1:, :] = w_reg[:-1, :]
        w_ok[1:, :] = w_ok[:-1, :]
        w_reg[0, :] = padded[rows - 1 - t]
        w_ok[0, :] = padded_ok[rows - 1 - t]
        if record is not None:
            record.append((np.zeros((rows, cols), bool), True))
    # Stream phase: row k of the array receives stream[m, k] at cycle m + k; partial sums move down.
    feed = np.zeros((rows, t_len + rows), dtype)
    feed_ok = np.zeros((rows, t_len + rows), bool)
    for k in range(r):
        feed[k, k:k + t_len] = stream[:, k]
        feed_ok[k, k:k + t_len] = True
    a_reg = np.zeros((rows, cols), dtype)
    a_ok = np.zeros((rows, cols), bool)
    psum = np.zeros((rows, cols), dtype)
    out = np.zeros((t_len, c), dtype)
    cycles_stream = rows + cols + t_len - 2
    macs = 0
    col_index = np.arange(c)
    for t in range(cycles_stream):
        a_reg[:, 1:] = a_reg[:, :-1]
        a_ok[:, 1:] = a_ok[:, :-1]
        if t < feed.shape[1]:
            a_reg[:, 0] = feed[:, t]
            a_ok[:, 0] = feed_ok[:, t]
        else:
            a_ok[:, 0] = False
        active = a_ok & w_ok
        # Each PE adds its product to the partial sum that arrives from the PE above.
        psum[1:, :] = psum[:-1, :]
        psum[0, :] = 0
        psum += np.where(active, a_reg * w_reg, 0)
        macs += int(active.sum())
        # Column j's bottom PE finishes c[m, j] at cycle m + (rows - 1) + j.
        m_done = t - (rows - 1) - col_index
        ok = (m_done >= 0) & (m_done < t_len)
        if ok.any():
            out[m_done[ok], col_index[ok]] = psum[rows - 1, :c][ok]
        if record is not None:
            record.append((active.copy(), False))
    return out, rows + cycles_stream, macs


def _simulate(a: Any, b: Any, rows: Any, cols: Any, dataflow: Any, record: list | None,
              fold_of_cycle: list | None) -> SystolicResult:
    a, b = _check_matrices(a, b)
    rows = check_int("rows", rows, minimum=1, maximum=4096)
    cols = check_int("cols", cols, minimum=1, maximum=4096)
    dataflow = check_choice("dataflow", dataflow, DATAFLOWS)
    m, k = a.shape
    n = b.shape[1]
    expected = closed_form_cycles(m, n, k, rows=rows, cols=cols, dataflow=dataflow)
    if expected * rows * cols > MAX_PE_CYCLES:
        raise ValueError(f'"a" and "b" ({m}x{k} @ {k}x{n}) need {expected:,} cycles on a {rows}x{cols} array; '
                         f"at most {MAX_PE_CYCLES:,} PE-cycles are simulated")
    out = np.zeros((m, n), a.dtype)
    cycles = macs = folds = 0
    if dataflow == "output_stationary":
        for i0 in range(0, m, rows):
            for j0 in range(0, n, cols):
                tile, c_, mac = _run_fold_os(a[i0:i0 + rows], b[:, j0:j0 + cols], rows, cols, record)
                out[i0:i0 + rows, j0:j0 + cols] = tile
                cycles, macs, folds = cycles + c_, macs + mac, folds + 1
                if fold_of_cycle is not None:
                    fold_of_cycle.extend([folds - 1] * c_)
    else:
        if dataflow == "weight_stationary":
            stream_all, held_all = a, b  # stream (M, K), held (K, N): out (M, N)
        else:
            stream_all, held_all = b.T, a.T  # stream (N, K), held (K, M): out (N, M) = c.T
        result = np.zeros((stream_all.shape[0], held_all.shape[1]), a.dtype)
        for k0 in range(0, k, rows):
            for j0 in range(0, held_all.shape[1], cols):
                part, c_, mac = _run_fold_ws(stream_all[:, k0:k0 + rows], held_all[k0:k0 + rows, j0:j0 + cols],
                                             rows, cols, record)
                result[:, j0:j0 + cols] += part  # partial sums over K accumulate outside the array
                cycles, macs, folds = cycles + c_, macs + mac, folds + 1
                if fold_of_cycle is not None:
                    fold_of_cycle.extend([folds - 1] * c_)
        out = result if dataflow == "weight_stationary" else result.T
    return SystolicResult(output=out, cycles=cycles, utilization=m * n * k / (rows * cols * cycles), macs=macs,
                          folds=folds, rows=rows, cols=cols, dataflow=dataflow, shape=(m, n, k))


def simulate_matmul(a: Any, b: Any, *, rows: int, cols: int, dataflow: str = "weight_stationary") -> SystolicResult:
    """Multiply ``a @ b`` on a simulated ``rows`` x ``cols`` systolic array, one clock cycle at a time.

    Every cycle, all operand registers shift one PE (right for the streamed rows, down for columns
    or partial sums) and every PE holding two valid operands does one multiply-accumulate; whole-array
    numpy operations advance all PEs at once.

    Parameters
    ----------
    a : array_like, shape (M, K)
    b : array_like, shape (K, N)
        Integer inputs are multiplied exactly (int64); anything else in float64.
    rows, cols : int
        Array shape R x C (1 to 4096 each).
    dataflow : {"weight_stationary", "output_stationary", "input_stationary"}, default="weight_stationary"

    Returns
    -------
    SystolicResult
        ``output`` equals ``a @ b`` (exactly for integers); ``cycles`` equals
        :func:`closed_form_cycles`.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not numeric.
    ValueError
        If they are not 2-D, do not multiply, hold NaN or infinity, or the run would exceed
        ``MAX_PE_CYCLES``; or the array shape or dataflow is invalid.

    Examples
    --------
    >>> a = np.arange(12).reshape(3, 4); b = np.arange(8).reshape(4, 2)
    >>> res = simulate_matmul(a, b, rows=4, cols=2)
    >>> bool(np.array_equal(res.output, a @ b)), res.cycles
    (True, 11)
    """
    return _simulate(a, b, rows, cols, dataflow, None, None)


def trace_matmul(a: Any, b: Any, *, rows: int, cols: int, dataflow: str = "weight_stationary") -> SystolicTraceResult:
    """:func:`simulate_matmul` that also records which PEs work in each cycle (small cases only).

    Parameters
    ----------
    a, b, rows, cols, dataflow
        As :func:`simulate_matmul`.

    Returns
    -------
    SystolicTraceResult

    Raises
    ------
    ValueError
        As :func:`simulate_matmul`, and if cycles x PEs exceeds ``MAX_TRACE_CELLS``.

    Examples
    --------
    >>> tr = trace_matmul(np.ones((4, 3)), np.ones((3, 2)), rows=3, cols=2)
    >>> tr.active.shape, int(tr.active.sum())
    ((10, 3, 2), 24)
    """
    a_arr, b_arr = _check_matrices(a, b)
    rows_i = check_int("rows", rows, minimum=1, maximum=4096)
    cols_i = check_int("cols", cols, minimum=1, maximum=4096)
    cycles = closed_form_cycles(a_arr.shape[0], b_arr.shape[1], a_arr.shape[1], rows=rows_i, cols=cols_i,
                                dataflow=dataflow)
    if cycles * rows_i * cols_i > MAX_TRACE_CELLS:
        raise ValueError(f'"a" and "b" are too large to trace: {cycles:,} cycles on {rows_i}x{cols_i} PEs; '
                         f"at most {MAX_TRACE_CELLS:,} cells are recorded (use simulate_matmul)")
    record: list = []
    folds: list = []
    result = _simulate(a_arr, b_arr, rows_i, cols_i, dataflow, record, folds)
    active = np.stack([r[0] for r in record])
    loading = np.array([r[1] for r in record])
    return SystolicTraceResult(active=active, loading=loading, fold=np.array(folds), result=result)


# ----------------------------------------------------------------------------------------------
# Peak throughput and the roofline of a tiled matmul on a 128 x 128 array
# ----------------------------------------------------------------------------------------------
def peak_flops(*, rows: int = 128, cols: int = 128, clock_hz: float = 2.4e9, cores: int = 1,
               flops_per_mac: int = 2) -> float:
    """Peak FLOP/s of ``cores`` systolic arrays: rows x cols x flops_per_mac x clock x cores.

    Parameters
    ----------
    rows, cols : int, default=128
    clock_hz : float, default=2.4e9
        Array clock (Hz). 2.4 GHz is what the Neuron docs' 79 BF16 TFLOPS per NeuronCore-v3 implies
        for a 128 x 128 array doing one MAC (2 FLOP) per PE per cycle.
    cores : int, default=1
    flops_per_mac : int, default=2
        A multiply and an add; 4 models a PE doing two low-precision MACs per cycle.

    Returns
    -------
    float
        FLOP/s.

    Raises
    ------
    TypeError, ValueError
        On non-positive or non-integer sizes, or when the product exceeds the float range (about 1.8e308).

    Examples
    --------
    >>> round(peak_flops() / 1e12, 1), round(peak_flops(cores=8) / 1e12, 1)
    (78.6, 629.1)
    """
    rows = check_int("rows", rows, minimum=1)
    cols = check_int("cols", cols, minimum=1)
    clock_hz = check_positive("clock_hz", clock_hz)
    cores = check_int("cores", cores, minimum=1)
    flops_per_mac = check_int("flops_per_mac", flops_per_mac, minimum=1)
    return float(check_result_finite("the peak FLOP/s", lambda: rows * cols * flops_per_mac * clock_hz * cores,
                                     rows=rows, cols=cols, flops_per_mac=flops_per_mac, clock_hz=clock_hz,
                                     cores=cores))


@dataclass(frozen=True)
class MatmulRooflineResult:
    """Time of an (M, N, K) matmul on one systolic array fed from memory, three ways.

    Attributes
    ----------
    shape : tuple of int
        (M, N, K).
    flops : float
        2·M·N·K.
    bytes_moved : float
        Minimum memory traffic: read a and b once, write c once.
    intensity : float
        FLOP per byte of that traffic.
    peak_flops : float
        The array's peak, FLOP/s.
    memory_bytes_per_s : float
    roofline_s : float
        max(flops / peak, bytes / bandwidth): the roofline's bound.
    systolic_s : float
        Cycles from the fold model (:func:`closed_form_cycles`) / clock, or the memory time if longer.
    achieved_flops : float
        flops / systolic_s.
    utilization : float
        achieved_flops / peak_flops.
    memory_bound : bool
        The roofline's verdict: memory time exceeds the time at peak FLOP/s (intensity below the ridge
        point peak / bandwidth).
    array_s : float
        The fold model's time alone (cycles / clock), ignoring memory.
    """

    shape: tuple
    flops: float
    bytes_moved: float
    intensity: float
    peak_flops: float
    memory_bytes_per_s: float
    roofline_s: float
    systolic_s: float
    achieved_flops: float
    utilization: float
    memory_bound: bool
    array_s: float


def matmul_roofline(m: int, n: int, k: int, *, rows: int = 128, cols: int = 128, clock_hz: float = 2.4e9,
                    memory_bytes_per_s: float = 2.9e12 / 8, bytes_per_element: int = 2,
                    dataflow: str = "weight_stationary") -> MatmulRooflineResult:
    """Tile an (M, N, K) matmul onto a systolic array and compare its time with the roofline.

    The array's time is the fold model's cycles (each fold pays its fill and drain) divided by the
    clock; memory time is the minimum traffic (each operand read once, the result written once) over
    the bandwidth. Real kernels overlap folds and re-read tiles; this is the simple bound.

    Parameters
    ----------
    m, n, k : int
        Matmul shape: (M, K) @ (K, N).
    rows, cols : int, default=128
    clock_hz : float, default=2.4e9
    memory_bytes_per_s : float, default=2.9e12 / 8
        Bandwidth available to this array: Trainium2's 2.9 TB/s of HBM shared by its 8 cores.
    bytes_per_element : int, default=2
        2 for BF16.
    dataflow : {"weight_stationary", "output_stationary", "input_stationary"}, default="weight_stationary"

    Returns
    -------
    MatmulRooflineResult

    Raises
    ------
    TypeError, ValueError
        On non-positive sizes or an unknown dataflow, or when a time or FLOP count leaves the float range
        (sizes near 1e100, a clock or bandwidth near 1e-300): the result would be inf or 0.

    Examples
    --------
    >>> r = matmul_roofline(4096, 4096, 4096)
    >>> round(r.utilization, 3), r.memory_bound
    (0.915, False)
    """
    f = fold_shape(m, n, k, rows=rows, cols=cols, dataflow=dataflow)
    clock_hz = check_positive("clock_hz", clock_hz)
    memory_bytes_per_s = check_positive("memory_bytes_per_s", memory_bytes_per_s)
    bytes_per_element = check_int("bytes_per_element", bytes_per_element, minimum=1, maximum=8)
    peak = peak_flops(rows=rows, cols=cols, clock_hz=clock_hz)

    def times():
        flops = 2.0 * m * n * k
        moved = float(bytes_per_element * (m * k + k * n + m * n))
        memory_s = moved / memory_bytes_per_s
        array_s = f["folds"] * f["cycles_per_fold"] / clock_hz
        systolic_s = max(array_s, memory_s)
        return flops, moved, memory_s, array_s, systolic_s, flops / systolic_s, max(flops / peak, memory_s)

    flops, moved, memory_s, array_s, systolic_s, achieved, roofline_s = check_result_finite(
        "the matmul's time", times, m=m, n=n, k=k, clock_hz=clock_hz, memory_bytes_per_s=memory_bytes_per_s)
    return MatmulRooflineResult(shape=(m, n, k), flops=flops, bytes_moved=moved, intensity=flops / moved,
                          peak_flops=peak, memory_bytes_per_s=memory_bytes_per_s, roofline_s=roofline_s,
                          systolic_s=systolic_s, achieved_flops=achieved, utilization=achieved / peak,
                          memory_bound=memory_s > flops / peak, array_s=array_s)


# ----------------------------------------------------------------------------------------------
# Practice problems
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None) -> Problem:
    """A random cycle-count question for a matmul on a small array.

    Examples
    --------
    >>> pose_problem(2).kind
    'cycles'
    """
    rng = make_rng(rng)
    size = int(rng.choice([4, 8, 16]))
    m, n, k = (int(v) for v in rng.choice([8, 12, 16, 24, 32, 48], 3))
    dataflow = str(rng.choice(DATAFLOWS))
    name = dataflow.replace("_", "-")
    article = "an" if name[0] in "aeiou" else "a"
    statement = (f"A {size} x {size} systolic array runs {article} {name} matmul\n"
                 f"of a ({m} x {k}) matrix by a ({k} x {n}) matrix. Folds run one after\n"
                 "another and each pays the full fill and drain. How many cycles does it\n"
                 "take? (Count cycles, not the index of the last one.)")
    return Problem("cycles", statement, {"m": m, "n": n, "k": k, "rows": size, "cols": size,
                                         "dataflow": dataflow})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a systolic :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> solve(pose_problem(2)).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind != "cycles":
        raise TypeError(f'"problem" must be a systolic Problem from pose_problem, got {problem!r}')
    p = problem.params
    f = fold_shape(p["m"], p["n"], p["k"], rows=p["rows"], cols=p["cols"], dataflow=p["dataflow"])
    r = p["rows"]
    load = "" if p["dataflow"] == "output_stationary" else f"{r} (load) + "
    value = f["folds"] * f["cycles_per_fold"]
    working = (f"{_SHORT[p['dataflow']]}: the array covers {f['spatial_rows']} x {f['spatial_cols']};"
               f" the streamed dimension is {f['temporal']}.\n"
               f"Folds F = ceil({f['spatial_rows']}/{r}) x ceil({f['spatial_cols']}/{p['cols']})"
               f" = {f['folds']}.\n"
               f"Per fold P = {load}{r} + {p['cols']} + {f['temporal']} - 2 = {f['cycles_per_fold']}.\n"
               f"Cycles = F x P = {value}.")
    return Solution(problem, float(value), working)


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.systolic [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.systolic", "Practice problems on systolic-array cycle counts.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
