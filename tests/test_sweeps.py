"""Long sweeps run unchanged on a process pool or a real Dask cluster, with results identical to the serial run.

Each sweep fixes every point's child seed before dispatch (``labsupport.common.run_sweep``), so where a point
runs cannot change what it computes. Checked on ``concurrent.futures.ProcessPoolExecutor`` and on a
``dask.distributed.LocalCluster`` with two worker processes, on 127.0.0.1 only.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from labsupport import queueing, srd
from labsupport.common import run_sweep


def queue_sweep(executor=None):
    return queueing.percentiles_vs_utilisation(1.0, 2, [0.3, 0.6, 0.9], 20_000, rng=11, progress_bar=False,
                                               executor=executor)


def srd_sweep(executor=None):
    return srd.load_sweep([0.2, 0.5], n_messages=60, n_paths=8, loss_probability=0.01, rng=5, progress=False,
                          executor=executor)


@pytest.fixture(scope="module")
def serial():
    return queue_sweep(), srd_sweep()


def assert_identical(results, serial):
    q, s = results
    np.testing.assert_array_equal(q.simulated, serial[0].simulated)
    np.testing.assert_array_equal(q.theory, serial[0].theory)
    for label in serial[1].values_us:
        np.testing.assert_array_equal(s.values_us[label], serial[1].values_us[label])


def test_process_pool_gives_the_serial_result(serial):
    with ProcessPoolExecutor(2) as pool:
        assert_identical((queue_sweep(pool), srd_sweep(pool)), serial)


def test_dask_local_cluster_gives_the_serial_result(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert_identical((queue_sweep(client), srd_sweep(client)), serial)


def test_run_sweep_keeps_job_order_and_rejects_bad_input():
    with ProcessPoolExecutor(2) as pool:
        assert run_sweep(divmod, [(7, 2), (9, 4), (1, 1)], executor=pool, progress_bar=False) == [(3, 1), (2, 1), (1, 0)]
    with pytest.raises(TypeError, match='"func" must be callable'):
        run_sweep(3, [])
    with pytest.raises(TypeError, match='"jobs" must hold tuples'):
        run_sweep(divmod, [[7, 2]])
    with pytest.raises(TypeError, match='"executor" must have a submit'):
        run_sweep(divmod, [(7, 2)], executor=object(), progress_bar=False)
