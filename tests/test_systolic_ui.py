"""labsupport.ui.systolic: the cycle slider, the utilization and roofline figures, the diagram."""
from __future__ import annotations

from labsupport.plotting import diagram_style
from labsupport.ui.systolic import (LABS, diagram_weight_stationary, draw_cycle, draw_roofline, draw_utilization,
                                    systolic_lab)


def test_draw_cycle_clamps_and_titles():
    fig = draw_cycle(cycle=10_000, dataflow="output_stationary")
    left, right = fig.axes[:2]
    assert "cycle 38 of 38" in left.get_title() or "of" in left.get_title()
    assert "output-stationary" in right.get_title()
    loading = draw_cycle(cycle=1, dataflow="weight_stationary").axes[0].get_title()
    assert "loading" in loading


def test_static_figures_and_diagram():
    assert len(draw_utilization().axes[0].get_lines()) == 3
    assert any(line.get_label() == "roofline" for line in draw_roofline().axes[0].get_lines())
    with diagram_style(True):
        fig = diagram_weight_stationary()
    assert any("w11" in t.get_text() for t in fig.axes[0].texts)


def test_systolic_lab_slider_redraws():
    lab = systolic_lab()
    assert lab.values()["cycle"] == 9
    before = lab.redraws
    lab.controls["cycle"].value = 20
    lab.controls["dataflow"].value = "input_stationary"
    assert lab.redraws == before + 2
    assert "input-stationary" in lab.figure().axes[1].get_title()
    assert set(LABS) == {"systolic: systolic_lab"}
