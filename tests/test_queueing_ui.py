"""labsupport.ui.queueing and the LabWidget layer: the widget draws the model and redraws on change."""
from __future__ import annotations

import ipywidgets as widgets
import pytest

from labsupport.plotting import new_figure
from labsupport.ui import LabWidget
from labsupport.ui.queueing import LABS, draw_queue, queue_lab


def test_draw_queue_shows_tail_and_percentile_curves():
    fig = draw_queue(utilisation=0.5, servers=2, n_customers=5_000, seed=3)
    left, right = fig.axes
    assert left.get_yscale() == "log" and len(left.get_lines()) >= 2  # simulated + theory
    assert len(right.get_lines()) == 6  # 3 theory curves + 3 simulated points
    assert "M/M/2" in left.get_title()


def test_queue_lab_redraws_when_a_control_changes():
    lab = queue_lab()
    assert set(lab.values()) == {"utilisation", "servers", "n_customers", "seed"}
    first = lab.last_callback_s
    lab.controls["servers"].value = 4
    assert lab.figure().axes[0].get_title().startswith("M/M/4")
    assert lab.last_callback_s > 0 and first > 0
    assert lab.redraws == 2  # once when built, once for the change


def test_labs_registry_builds_widgets():
    for factory in LABS.values():
        assert isinstance(factory(), LabWidget)


def test_lab_widget_validates_its_arguments():
    with pytest.raises(ValueError, match='"controls" must name at least one control'):
        LabWidget({}, lambda: None)
    with pytest.raises(TypeError, match='"draw" must be callable'):
        LabWidget({"n": widgets.IntSlider()}, "draw")
    lab = LabWidget({"n": widgets.IntSlider(value=3, min=1, max=9)}, lambda n: new_figure()[0])
    assert lab.values() == {"n": 3}


def test_lab_widget_redraws_on_release_not_during_a_drag():
    lab = LabWidget({"x": widgets.FloatSlider(value=1.0, continuous_update=True)}, lambda x: new_figure()[0])
    assert lab.controls["x"].continuous_update is False
    with pytest.raises(ValueError, match='"columns" must be >= 1, got 0'):
        LabWidget({"x": widgets.FloatSlider()}, lambda x: new_figure()[0], columns=0)
