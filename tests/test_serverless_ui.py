"""Tests of labsupport.ui.serverless: every lab widget builds, draws the expected panels and redraws."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from labsupport.ui import LabWidget  # noqa: E402
from labsupport.ui import serverless as ui  # noqa: E402


def _titles(fig):
    return [ax.get_title() for ax in fig.axes]


@pytest.mark.parametrize("name", sorted(ui.LABS))
def test_every_lab_builds_and_draws_two_panels(name):
    lab = ui.LABS[name]()
    assert isinstance(lab, LabWidget)
    fig = lab.figure()
    assert len(fig.axes) == 2
    assert all(len(ax.get_lines()) >= 2 for ax in fig.axes)
    assert lab.last_callback_s < 2.0


def test_cache_figure_has_simulation_and_theory():
    fig = ui.draw_cache(n_requests=5_000)
    left, right = fig.axes
    labels = [line.get_label() for line in left.get_lines()]
    assert "simulated" in labels and any(label.startswith("Che") for label in labels)
    assert {"LRU (Che)", "keep-alive (formula)"} <= {line.get_label() for line in right.get_lines()}


def test_cache_lab_redraws_when_the_policy_changes():
    lab = ui.cache_lab()
    before = _titles(lab.figure())
    lab.controls["policy"].value = "ttl"
    after = _titles(lab.figure())
    assert before[0].startswith("LRU") and after[0].startswith("TTL")
    legend = [line.get_label() for line in lab.figure().axes[0].get_lines()]
    assert any(label.startswith("exp(-λT)") for label in legend)


def test_cache_lab_clamps_capacity_to_the_number_of_functions():
    lab = ui.cache_lab()
    lab.controls["n_functions"].value = 20
    lab.controls["capacity"].value = 500
    assert "C = 20" in " ".join(line.get_label() for line in lab.figure().axes[0].get_lines())


def test_density_lab_marks_the_chosen_overhead_and_the_bend():
    lab = ui.density_lab()
    labels = [line.get_label() for line in lab.figure().axes[1].get_lines()]
    assert any(label.startswith("bend:") for label in labels)
    assert any(label.startswith("5 MiB:") for label in labels)
    lab.controls["overhead_mib"].value = 131
    labels = [line.get_label() for line in lab.figure().axes[1].get_lines()]
    assert any(label.startswith("131 MiB:") for label in labels)


def test_widgets_start_from_a_named_setting():
    lab = ui.cache_lab(policy="ttl", keep_alive_s=5.0)
    assert lab.values()["policy"] == "ttl" and lab.figure().axes[0].get_title().startswith("TTL")
    assert ui.density_lab(overhead_mib=131).values()["overhead_mib"] == 131
    with pytest.raises(TypeError, match=r"unknown control 'colour'"):
        ui.cache_lab(colour="red")
    with pytest.raises(ValueError, match=r'"capacity" must be between 1 and 2000, got 5000'):
        ui.cache_lab(capacity=5000)
    with pytest.raises(ValueError, match=r'"policy" must be one of'):
        ui.cache_lab(policy="fifo")
    with pytest.raises(ValueError, match=r'"keep_alive_s" must be between'):
        ui.cache_lab(keep_alive_s=1e6)


def test_cache_diagram_draws_boxes_and_labels():
    fig = ui.diagram_cache()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "hit (warm start)" in texts and "miss (cold start)" in texts and "restore snapshot" in texts
    assert len(fig.axes[0].patches) == 8   # invocation, decision, 2 boot steps, restore, 3 handlers
