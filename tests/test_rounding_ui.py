"""labsupport.ui.rounding: the harmonic, sum-error and training figures, the bit-layout diagram, the widget."""
from __future__ import annotations

from labsupport.plotting import diagram_style
from labsupport.ui.rounding import (LABS, diagram_formats, draw_harmonic, draw_rounding_lab, draw_sum_error,
                                    draw_training, rounding_lab)


def test_figures():
    fig = draw_harmonic(fmt="float16", n_terms=1000, seeds=1)
    assert "from term 513" in fig.axes[0].get_title()
    assert len(draw_sum_error(fmt="float16", n_max=500, trials=4).axes[0].get_lines()) == 4
    labels = [line.get_label() for line in draw_training(steps=100).axes[0].get_lines()]
    assert "bfloat16, stochastic rounding" in labels
    assert len(draw_rounding_lab(n_terms=100, steps=100).axes) == 2
    with diagram_style(False):
        texts = [t.get_text() for t in diagram_formats().axes[0].texts]
    assert "bfloat16" in texts and "float8 e4m3" in texts


def test_rounding_lab_redraws():
    lab = rounding_lab()
    lab.controls["fmt"].value = "bfloat16"
    assert "bfloat16: RN stops at 5.0625 from term 65" == lab.figure().axes[0].get_title()
    assert set(LABS) == {"rounding: rounding_lab"}
