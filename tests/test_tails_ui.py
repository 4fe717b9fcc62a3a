"""labsupport.ui.tails: the fan-out and hedging figure and its widget."""
from __future__ import annotations

from labsupport.ui.tails import LABS, draw_tails, tails_lab


def test_draw_tails_with_and_without_hedging():
    hedged = draw_tails(fanout=10, p_slow=0.01, hedge=True, n_requests=1_000)
    left, right = hedged.axes
    assert left.get_xscale() == "log"
    labels = [line.get_label() for line in right.get_lines()]
    assert "no hedging" in labels and any(lab.startswith("hedged after") for lab in labels)
    plain = draw_tails(fanout=10, p_slow=0.01, hedge=False, n_requests=1_000)
    assert not any(line.get_label().startswith("hedged") for line in plain.axes[1].get_lines())


def test_tails_lab_controls_and_redraw():
    lab = tails_lab()
    assert lab.values()["fanout"] == 100 and lab.values()["hedge"] is True
    lab.controls["hedge"].value = False
    assert not any(line.get_label().startswith("hedged") for line in lab.figure().axes[1].get_lines())
    assert set(LABS) == {"tails: tails_lab"}
