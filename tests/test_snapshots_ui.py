"""Tests of labsupport.ui.snapshots: every lab widget builds, draws the expected panels and redraws."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from labsupport.ui import LabWidget  # noqa: E402
from labsupport.ui import snapshots as ui  # noqa: E402


@pytest.mark.parametrize("name", sorted(ui.LABS))
def test_every_lab_builds_and_draws_two_panels(name):
    lab = ui.LABS[name]()
    assert isinstance(lab, LabWidget)
    fig = lab.figure()
    assert len(fig.axes) == 2
    assert lab.last_callback_s < 2.0


def test_anatomy_shows_both_bars_and_both_distributions():
    fig = ui.draw_anatomy(n_invocations=2000)
    left, right = fig.axes
    assert len(left.patches) == 5 + 4  # five cold-start components, four SnapStart components
    labels = [line.get_label() for line in right.get_lines()]
    assert any(label.startswith("without SnapStart") for label in labels)
    assert any(label.startswith("with SnapStart") for label in labels)


def test_snapstart_lab_redraws_when_loading_changes():
    lab = ui.snapstart_lab()
    assert lab.figure().axes[0].get_title().startswith("predictive")
    lab.controls["loading"].value = "lazy"
    assert lab.figure().axes[0].get_title().startswith("lazy")


def test_loading_lab_draws_lazy_and_predictive():
    lab = ui.loading_lab()
    labels = [line.get_label() for line in lab.figure().axes[0].get_lines()]
    assert any(label.startswith("lazy") for label in labels) and any(label.startswith("predictive") for label in labels)
    lab.controls["worker_hit_ratio"].value = 0.0
    assert "worker hit 0" in lab.figure().axes[0].get_title()


def test_uniqueness_lab_counts_repeats_and_redraws():
    lab = ui.uniqueness_lab()
    fig = lab.figure()
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    assert heights[0] == 300 * 20 - 20 and heights[1] == 0 and heights[2] == 299
    lab.controls["token_bits"].value = 16
    assert "16 bits" in lab.figure().axes[0].get_title()
    assert lab.figure().axes[0].patches[1].get_height() > 0  # short tokens collide even after reseeding


def test_widgets_start_from_a_named_setting():
    assert ui.snapstart_lab(loading="lazy").figure().axes[0].get_title().startswith("lazy")
    assert ui.loading_lab(worker_hit_ratio=0.0).values()["worker_hit_ratio"] == 0.0
    assert "24 bits" in ui.uniqueness_lab(token_bits=24).figure().axes[0].get_title()


def test_uniqueness_diagram_shows_shared_and_reseeded_tokens():
    fig = ui.diagram_uniqueness()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("token 7bee..") == 3 and len({t for t in texts if t.startswith("token")}) == 4
