"""labsupport.ui.collectives: diagrams draw in both page styles, figures show the model, widgets redraw."""
from __future__ import annotations

from labsupport import collectives as c
from labsupport.plotting import diagram_style
from labsupport.ui import LabWidget
from labsupport.ui import collectives as u


def test_diagrams_draw_in_light_and_dark():
    for dark in (False, True):
        with diagram_style(dark):
            assert u.diagram_ring_allreduce().axes and u.diagram_ring_of_rings().axes


def test_ring_figure_puts_the_simulation_on_the_formula():
    fig = u.draw_ring_timing(p=8, alpha_us=1.0, bandwidth_gbs=10.0)
    left, right = fig.axes
    formula, simulated = left.get_lines()[0], left.get_lines()[1]
    xs, ys = simulated.get_data()
    for x, y in zip(xs, ys):  # x is log10 of the message size
        assert abs(y - 1e6 * c.ring_allreduce_time(8, 10 ** x, alpha_s=1e-6, bandwidth_bytes_per_s=10e9)) < 1e-6 * y
    bus = right.get_lines()[1].get_ydata()
    assert bus.max() <= 10.0 + 1e-9 and bus.max() > 9.9  # busBW approaches the link bandwidth


def test_two_tier_figure_has_every_algorithm():
    fig = u.draw_two_tier(servers=4, chips_per_server=16)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == list(c.TWO_TIER_ALGORITHMS)


def test_widgets_redraw_on_change():
    for factory in u.LABS.values():
        lab = factory()
        assert isinstance(lab, LabWidget) and lab.redraws == 1
        first = next(iter(lab.controls.values()))
        first.value = first.min if hasattr(first, "min") else first.value
        lab.refresh()
        assert lab.redraws >= 2
    lab = u.ring_lab()
    lab.controls["p"].value = 32
    assert "ring of 32" in lab.figure().axes[0].get_title()
