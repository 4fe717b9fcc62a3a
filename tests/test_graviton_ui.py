"""labsupport.ui.graviton: each lab's figure shows what it claims, widgets redraw, diagrams draw."""
from __future__ import annotations

import pytest

from labsupport import graviton as gv
from labsupport.ui import LabWidget
from labsupport.ui import graviton as ui


def test_draw_smt_compares_a_core_with_an_smt_thread():
    fig = ui.draw_smt(load=0.5, sibling_busy_fraction=0.5, n_requests=4_000, seed=2)
    left, right = fig.axes
    assert left.get_yscale() == "log" and len(left.get_lines()) == 2
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert any("fast switching" in x for x in labels) and any("one thread per core" in x for x in labels)


def test_draw_smt_says_so_when_the_thread_is_overloaded():
    fig = ui.draw_smt(load=0.9, sibling_busy_fraction=1.0, smt_speed=0.6, n_requests=2_000)
    assert any("overloaded" in t.get_text() for t in fig.axes[0].texts)


def test_draw_smt_tradeoff_has_both_deployments():
    fig = ui.draw_smt_tradeoff(n_requests=2_000)
    assert len(fig.axes[0].get_lines()) == 2


def test_draw_caches_shows_the_lru_cliff():
    fig = ui.draw_caches(kind="random", working_set_kib=32, n_accesses=2_000)
    left, right = fig.axes
    lru = right.get_lines()[0]
    x, y = lru.get_xdata(), lru.get_ydata()
    assert all(v == 0 for xi, v in zip(x, y) if xi <= 64) and all(v == 1 for xi, v in zip(x, y) if xi > 64)


def test_draw_frontend_and_roofline():
    fig = ui.draw_frontend(kind="correlated", n_branches=2_000)
    assert len(fig.axes[0].patches) == len(gv.PREDICTORS)
    m = gv.measure_machine(n_stream=100_000, n_matmul=64, n_spmv_rows=1_000, repeats=1)
    fig = ui.draw_roofline(machine=m, intensity=1.0)
    assert len(fig.axes[0].get_lines()) >= 3 + 1 + 3


def test_diagrams_draw():
    for f in (ui.diagram_smt, ui.diagram_cache_lookup):
        fig = f()
        assert fig.axes and fig.axes[0].texts


@pytest.mark.parametrize("name", list(ui.LABS))
def test_lab_widgets_redraw_on_change(name):
    lab = ui.LABS[name]()
    assert isinstance(lab, LabWidget) and lab.redraws == 1
    control = next(iter(lab.controls.values()))
    if hasattr(control, "options"):
        control.value = control.options[-1]
    else:
        control.value = control.max
    assert lab.redraws == 2 and lab.last_callback_s > 0
