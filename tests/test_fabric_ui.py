"""labsupport.ui.fabric: the diagram, the failure figure and the widget."""
from __future__ import annotations

from labsupport.plotting import diagram_style
from labsupport.ui import fabric as u


def test_diagram_draws_in_light_and_dark():
    for dark in (False, True):
        with diagram_style(dark):
            assert u.diagram_fabric_repair().axes


def test_failure_figure_reports_both_recovery_times():
    fig = u.draw_failure(detect_ms=20.0, fib_ms=100.0)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels[0].startswith("distributed reconvergence: 175 ms")  # 20 + 5 + 50 + 100
    assert labels[1].startswith("central plan, local repair: 20 ms")


def test_widget_redraws_on_change():
    lab = u.fabric_lab()
    lab.controls["detect_ms"].value = 100.0
    assert lab.redraws == 2
    assert "local repair: 100 ms" in lab.figure().axes[0].get_lines()[1].get_label()
