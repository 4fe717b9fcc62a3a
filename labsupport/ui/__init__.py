"""The thin UI layer: widgets that link controls to a model function and redraw its figure.

Nothing here computes a result; each lab's front end (``labsupport.ui.<module>``) names its controls
and a ``draw(**values) -> Figure`` function built from the model and :mod:`labsupport.plotting`.
"""
from __future__ import annotations

import io
import time
from typing import Any, Callable, Mapping

import ipywidgets as widgets
import matplotlib
from IPython.display import SVG, display

from ..common import check_int
from ..plotting import no_minor_ticks

__all__ = ["LabWidget", "render_svg"]


def render_svg(fig) -> str:
    """The figure as SVG text, drawn once, with text kept as text.

    Rasterising a figure's 30-odd labels dominates a redraw: a PNG takes about 60 ms here, the same
    figure as SVG with ``svg.fonttype = "none"`` (the browser draws the letters) about 45 ms, and the
    inline backend's ``bbox_inches="tight"`` would draw it twice. The course's figures have fixed
    margins, so one draw is enough. A fixed hash salt keeps the output identical run to run.
    """
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "labsupport"}):
        fig.savefig(buf, format="svg")
    return buf.getvalue()


class LabWidget:
    """Controls above a figure; changing a control redraws the figure.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        Keyword name -> control; ``draw`` receives each control's value under its name.
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``. Must not display anything itself.
    columns : int, default=2
        Controls per row (two keep sliders usable in the book's column width).

    Attributes
    ----------
    last_callback_s : float
        Wall time of the last redraw (model + figure), in seconds; the benchmark reads it.
    redraws : int
        How many times the figure has been drawn.

    """

    def __init__(self, controls: Mapping[str, Any], draw: Callable[..., Any], *, columns: int = 2) -> None:
        if not controls:
            raise ValueError('"controls" must name at least one control')
        if not callable(draw):
            raise TypeError(f'"draw" must be callable, got {draw!r}')
        columns = check_int("columns", columns, minimum=1)
        self.controls = dict(controls)
        self.draw = draw
        self.output = widgets.Output()
        self._lay_out(self.controls.values())
        rows = [widgets.HBox(list(self.controls.values())[i:i + columns],
                             layout=widgets.Layout(flex_flow="row wrap", width="100%"))
                for i in range(0, len(self.controls), columns)]
        self.box = widgets.VBox([*rows, self.output], layout=widgets.Layout(width="100%", max_width="100%"))
        self.last_callback_s = float("nan")
        self.redraws = 0
        for control in self.controls.values():
            if hasattr(control, "continuous_update"):
                # Redraw when a slider is released, not at every pixel of a drag: a drag would queue
                # dozens of 100 ms redraws and the figure would lag behind the hand.
                control.continuous_update = False
            control.observe(self._on_change, names="value")
        self.refresh()

    #: A control grows from this width and wraps onto its own line when the row is narrower (a phone).
    CONTROL_BASIS = "340px"
    #: Label width per character of the longest label, in em, and its bounds (a label of up to 10em and
    #: the value's readout leave a slider track of at least 100 px in a 340 px control).
    EM_PER_CHAR, MIN_LABEL_EM, MAX_LABEL_EM = 0.62, 4.0, 10.0

    @classmethod
    def _lay_out(cls, controls) -> None:
        """Lay the controls out for a desktop column and a 390 px phone alike.

        Every control grows from :attr:`CONTROL_BASIS` and wraps (so two fit a row on a desktop, one
        on a phone), never wider than its row; every label is as wide as the longest one (aligned,
        never clipped), and a slider's track takes the rest of the row.
        """
        controls = list(controls)
        labels = [len(c.description) for c in controls if getattr(c, "description", "")]
        label_em = min(cls.MAX_LABEL_EM, max(cls.MIN_LABEL_EM, cls.EM_PER_CHAR * max(labels, default=0) + 0.5))
        for control in controls:
            control.layout.flex = f"1 1 {cls.CONTROL_BASIS}"
            control.layout.width = "auto"
            control.layout.min_width = "0"
            control.layout.max_width = "100%"
            style = getattr(control, "style", None)
            if style is not None and hasattr(style, "description_width") and not isinstance(control, widgets.Checkbox):
                style.description_width = f"{label_em:.1f}em"

    def values(self) -> dict:
        """The current value of every control, by keyword."""
        return {name: c.value for name, c in self.controls.items()}

    def figure(self):
        """Call ``draw`` at the current values and return the figure (not displayed).

        Every axes gets :func:`labsupport.plotting.no_minor_ticks`: typesetting "10^-3" tick labels with
        mathtext can take half of a redraw.
        """
        fig = self.draw(**self.values())
        for ax in fig.axes:
            no_minor_ticks(ax)
        return fig

    def refresh(self) -> float:
        """Redraw into the output area; return the callback's wall time in seconds."""
        start = time.perf_counter()
        svg = render_svg(self.figure())
        with self.output:
            self.output.clear_output(wait=True)
            display(SVG(data=svg))
        self.last_callback_s = time.perf_counter() - start
        self.redraws += 1
        return self.last_callback_s

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self.box)
