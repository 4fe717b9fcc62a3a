"""labsupport.ui.scaling: the iso-FLOP figure and the widget."""
from __future__ import annotations

import numpy as np

from labsupport import scaling as s
from labsupport.ui import scaling as u


def test_isoflop_figure_marks_each_budgets_minimum():
    fig = u.draw_isoflop(noise_sd=0.0, seed=0)
    left, right = fig.axes
    minima = [line for line in left.get_lines() if line.get_marker() == "v"]
    assert len(minima) == 5
    # Without noise the parabola minima sit near the closed-form optimum of each budget.
    for line, budget in zip(minima, np.logspace(18, 22, 5)):
        n = line.get_xdata()[0]
        assert abs(np.log(n / s.compute_optimal(budget, **s.BESIROGLU_2024).params)) < 0.05
    assert any("Hoffmann" in line.get_label() for line in right.get_lines())


def test_widget_switches_constants_and_adds_the_fit():
    lab = u.scaling_lab()
    lab.controls["constants"].value = "Hoffmann et al. rounded (2022)"
    lab.controls["with_fit"].value = True
    labels = [line.get_label() for line in lab.figure().axes[1].get_lines()]
    assert "Huber fit to the runs" in labels and lab.redraws == 3
