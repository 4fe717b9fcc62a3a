"""A real JupyterHub serves a small class: two students log in, get servers and run a lab through the hub.

The two-student version of ``make hub-bench`` (tools/hub_bench.py): JupyterHub from PyPI with its
configurable-http-proxy from npm, the dummy authenticator and the local-process spawner, on 127.0.0.1 only.
Each student's lab runs cell by cell over the kernel websocket behind the hub's proxy, as JupyterLab does.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import hub_bench  # noqa: E402

pytestmark = pytest.mark.hub


def test_two_students_run_a_lab_through_a_real_hub():
    before = {p.pid for p in psutil.process_iter()}
    runs = hub_bench.run_class(2, lab="tails", timeout=300)
    assert [r.error for r in runs] == ["", ""]
    for r in runs:
        assert r.spawn_s > 0 and r.lab_s >= r.first_figure_s > 0, r
        assert 50 < r.rss_mib < 4096 and r.cpu_s > 0, r
    # Everything the run started is gone: hub, proxy, servers, kernels.
    left = [p for p in psutil.process_iter(["pid", "cmdline"]) if p.pid not in before
            and any("jupyterhub" in a or "configurable-http-proxy" in a for a in (p.info["cmdline"] or []))]
    assert not left, left


def test_class_size_is_bounded():
    with pytest.raises(ValueError, match='"n_students" must be an integer in \\[1, 64\\], got 0'):
        hub_bench.run_class(0)
    assert math.isnan(hub_bench.StudentRun("x").lab_s)
