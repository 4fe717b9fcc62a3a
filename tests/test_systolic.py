"""labsupport.systolic: products against numpy, cycles against the closed form and SCALE-Sim, schedules PE by PE."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from labsupport import systolic as s

SHAPES = [(1, 1, 1), (3, 4, 5), (8, 8, 8), (9, 7, 13), (32, 16, 24), (5, 17, 2), (16, 3, 33)]
ARRAYS = [(1, 1), (4, 4), (8, 8), (3, 5), (8, 2)]


@pytest.mark.parametrize("dataflow", s.DATAFLOWS)
def test_output_equals_numpy_and_cycles_equal_closed_form_on_a_grid(dataflow):
    rng = np.random.default_rng(3)
    for (m, n, k), (rows, cols) in itertools.product(SHAPES, ARRAYS):
        a = rng.integers(-50, 50, (m, k))
        b = rng.integers(-50, 50, (k, n))
        res = s.simulate_matmul(a, b, rows=rows, cols=cols, dataflow=dataflow)
        assert np.array_equal(res.output, a @ b), (m, n, k, rows, cols)  # integers: exactly
        assert res.output.dtype == np.int64
        assert res.cycles == s.closed_form_cycles(m, n, k, rows=rows, cols=cols, dataflow=dataflow)
        assert res.macs == m * n * k  # every product done exactly once
        assert res.utilization == pytest.approx(m * n * k / (rows * cols * res.cycles))
        assert 0 < res.utilization <= 1


def test_float_inputs_agree_with_numpy_to_rounding():
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((20, 30)), rng.standard_normal((30, 10))
    for dataflow in s.DATAFLOWS:
        res = s.simulate_matmul(a, b, rows=8, cols=4, dataflow=dataflow)
        # Only the summation order differs from numpy's: error ~ K * eps * sum |a||b|.
        assert np.allclose(res.output, a @ b, rtol=0, atol=30 * 30 * np.finfo(float).eps * 10)


def test_scalesim_published_counts():
    got = [s.scalesim_cycles(32, 16, 24, rows=8, cols=8, dataflow=d)
           for d in ("output_stationary", "weight_stationary", "input_stationary")]
    assert got == [303, 323, 455]
    # Our simulation counts one more: cycles, not the index of the last cycle.
    for d in s.DATAFLOWS:
        res = s.simulate_matmul(np.ones((32, 24), int), np.ones((24, 16), int), rows=8, cols=8, dataflow=d)
        assert res.cycles == s.scalesim_cycles(32, 16, 24, rows=8, cols=8, dataflow=d) + 1


def test_fold_shapes_follow_scalesims_mapping():
    f = s.fold_shape(32, 16, 24, rows=8, cols=8, dataflow="output_stationary")
    assert (f["spatial_rows"], f["spatial_cols"], f["temporal"], f["folds"], f["cycles_per_fold"]) == (32, 16, 24, 8, 38)
    f = s.fold_shape(32, 16, 24, rows=8, cols=8, dataflow="weight_stationary")
    assert (f["spatial_rows"], f["spatial_cols"], f["temporal"], f["folds"], f["cycles_per_fold"]) == (24, 16, 32, 6, 54)
    f = s.fold_shape(32, 16, 24, rows=8, cols=8, dataflow="input_stationary")
    assert (f["spatial_rows"], f["spatial_cols"], f["temporal"], f["folds"], f["cycles_per_fold"]) == (24, 32, 16, 12, 38)
    # The classic figures: an n x n output-stationary product takes 3n - 2 steps; a weight-stationary
    # pass streaming M rows through a K x N tile takes M + K + N - 2 after the K-cycle load.
    for n in (2, 5, 8):
        assert s.closed_form_cycles(n, n, n, rows=n, cols=n, dataflow="output_stationary") == 3 * n - 2
    assert s.closed_form_cycles(10, 6, 4, rows=4, cols=6, dataflow="weight_stationary") == 4 + (10 + 4 + 6 - 2)


def test_schedule_pe_by_pe_matches_the_skew():
    """Independent check of timing: PE (i, j) works exactly when the skewed operands meet."""
    m, n, k = 5, 3, 4
    tr = s.trace_matmul(np.ones((m, k), int), np.ones((k, n), int), rows=m, cols=n, dataflow="output_stationary")
    t, i, j = np.indices(tr.active.shape)
    assert np.array_equal(tr.active, (t - i - j >= 0) & (t - i - j < k))  # OS: a[i, kk] meets b[kk, j] at kk + i + j
    tr = s.trace_matmul(np.ones((m, k), int), np.ones((k, n), int), rows=k, cols=n, dataflow="weight_stationary")
    t, kk, j = np.indices(tr.active.shape)
    ts = t - k  # after the k-cycle load
    assert np.array_equal(tr.active, (ts - kk - j >= 0) & (ts - kk - j < m))  # WS: a[mm, kk] at PE (kk, j) at mm + kk + j
    assert tr.loading[:k].all() and not tr.loading[k:].any()
    assert tr.active.sum() == m * n * k


def plain_python_ws(a, b, rows, cols):
    """A straightforward, per-PE weight-stationary simulation with Python lists (no folding: K <= rows)."""
    m, k = len(a), len(a[0])
    n = len(b[0])
    w = [[b[i][j] if i < k and j < n else None for j in range(cols)] for i in range(rows)]
    a_reg = [[None] * cols for _ in range(rows)]
    psum = [[0] * cols for _ in range(rows)]
    out = [[None] * n for _ in range(m)]
    t_stream = rows + cols + m - 2
    for t in range(t_stream):
        a_reg = [[(a[t - i][i] if 0 <= t - i < m and i < k else None)] + a_reg[i][:-1] for i in range(rows)]
        new = [[0] * cols for _ in range(rows)]
        for i in range(rows):
            for j in range(cols):
                above = psum[i - 1][j] if i > 0 else 0
                prod = a_reg[i][j] * w[i][j] if a_reg[i][j] is not None and w[i][j] is not None else 0
                new[i][j] = above + prod
        psum = new
        for j in range(n):
            mm = t - (rows - 1) - j
            if 0 <= mm < m:
                out[mm][j] = psum[rows - 1][j]
    return out, rows + t_stream


def test_against_a_plain_python_weight_stationary_array():
    rng = np.random.default_rng(9)
    for m, n, k, rows, cols in [(5, 3, 4, 4, 3), (7, 2, 3, 5, 4), (1, 1, 1, 1, 1)]:
        a, b = rng.integers(-9, 9, (m, k)), rng.integers(-9, 9, (k, n))
        out, cycles = plain_python_ws(a.tolist(), b.tolist(), rows, cols)
        res = s.simulate_matmul(a, b, rows=rows, cols=cols, dataflow="weight_stationary")
        assert np.array_equal(np.array(out), res.output) and cycles == res.cycles


def test_peak_and_vendor_arithmetic():
    assert s.peak_flops() == 128 * 128 * 2 * 2.4e9
    assert round(s.peak_flops(cores=8) / 1e12, 1) == 629.1
    assert round(s.peak_flops(cores=8, flops_per_mac=4) / 1e12) == 1258


def test_roofline_model():
    big = s.matmul_roofline(4096, 4096, 4096)
    assert not big.memory_bound and 0.9 < big.utilization < 1
    assert big.roofline_s <= big.systolic_s
    # A matrix-vector product (decode) is memory-bound: intensity ~1 FLOP/byte in BF16.
    gemv = s.matmul_roofline(1, 4096, 4096)
    assert gemv.memory_bound and gemv.intensity < 1.01 and gemv.utilization < 0.01
    assert gemv.roofline_s == pytest.approx(gemv.bytes_moved / gemv.memory_bytes_per_s)
    # Without overlapping folds, loading a fresh 128 x 128 weight tile for every 1-row pass is slower still.
    assert gemv.array_s > gemv.roofline_s and gemv.systolic_s == gemv.array_s
    # Utilization rises with the streamed dimension, as fill and drain are amortised.
    u = [s.matmul_roofline(m, 128, 128).utilization for m in (128, 512, 4096)]
    assert u[0] < u[1] < u[2]


def test_bad_input_messages():
    with pytest.raises(ValueError, match='"a" and "b" do not multiply'):
        s.simulate_matmul(np.ones((2, 3)), np.ones((4, 2)), rows=2, cols=2)
    with pytest.raises(ValueError, match='"a" must be a non-empty 2-D array'):
        s.simulate_matmul(np.ones(3), np.ones((3, 2)), rows=2, cols=2)
    with pytest.raises(TypeError, match='"b" must be a 2-D array of numbers'):
        s.simulate_matmul(np.ones((2, 2)), "abc", rows=2, cols=2)
    with pytest.raises(ValueError, match='"a" must be finite'):
        s.simulate_matmul(np.array([[np.nan]]), np.ones((1, 1)), rows=1, cols=1)
    with pytest.raises(ValueError, match='"dataflow" must be one of'):
        s.simulate_matmul(np.ones((2, 2)), np.ones((2, 2)), rows=2, cols=2, dataflow="row_stationary")
    with pytest.raises(ValueError, match='"rows" must be >= 1'):
        s.simulate_matmul(np.ones((2, 2)), np.ones((2, 2)), rows=0, cols=2)
    with pytest.raises(TypeError, match='"cols" must be an integer'):
        s.simulate_matmul(np.ones((2, 2)), np.ones((2, 2)), rows=2, cols=2.0)
    with pytest.raises(ValueError, match="PE-cycles are simulated"):
        s.simulate_matmul(np.ones((4096, 4096)), np.ones((4096, 4096)), rows=128, cols=128)
    with pytest.raises(ValueError, match="too large to trace"):
        s.trace_matmul(np.ones((256, 256)), np.ones((256, 256)), rows=64, cols=64)
    with pytest.raises(ValueError, match='"clock_hz" must be > 0'):
        s.matmul_roofline(8, 8, 8, clock_hz=0)


def test_pose_solve_cli(capsys):
    for seed in range(10):
        p = s.pose_problem(seed)
        sol = s.solve(p)
        q = p.params
        assert sol.value == s.closed_form_cycles(q["m"], q["n"], q["k"], rows=q["rows"], cols=q["cols"],
                                                 dataflow=q["dataflow"])
        assert all(len(line) <= 72 for line in str(p).splitlines() + sol.working.splitlines())
    assert s.main(["--seed", "2", "--solve"]) == 0
    assert "Cycles = F x P" in capsys.readouterr().out
    with pytest.raises(TypeError, match='"problem"'):
        s.solve(None)


def test_edge_inputs_found_by_the_fuzz():
    """Regressions from tests/test_properties.py (the former KNOWN_DEFECTS entries)."""
    # exact integer ceilings: huge sizes no longer raise OverflowError, and stay exact past 2**53
    assert s.fold_shape(10**400, 8, 8, rows=8, cols=8, dataflow="output_stationary")["folds"] == 10**400 // 8
    assert s.scalesim_cycles(2**60 + 1, 1, 1, rows=1, cols=1, dataflow="output_stationary") == 2**60  # F = M, P = 1
    with pytest.raises(ValueError, match=r'peak FLOP/s is beyond the float range .*"cores"'):
        s.peak_flops(cores=10**400)  # was OverflowError 'int too large to convert to float'
    with pytest.raises(ValueError, match=r'"clock_hz" = 1\.7'):
        s.peak_flops(clock_hz=1.7976931348623157e308)  # was inf
    with pytest.raises(ValueError, match=r"matmul's time is beyond the float range .*\"memory_bytes_per_s\" = 5e-324"):
        s.matmul_roofline(64, 64, 64, memory_bytes_per_s=5e-324)  # roofline_s was inf
    with pytest.raises(ValueError, match=r'beyond the float range .*"m" = an integer of 401 digits'):
        s.matmul_roofline(10**400, 64, 64)
    with pytest.raises(TypeError, match='"b" must be'):
        s.trace_matmul([[1.0, 2.0]], [[1.0], [2.0, 3.0]], rows=2, cols=2)  # ragged b
