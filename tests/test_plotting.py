"""labsupport.plotting: the course style and the CDF helpers draw what they say."""
from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from labsupport import plotting


def test_new_figure_is_unmanaged_and_styled():
    fig, axes = plotting.new_figure(2)
    assert isinstance(fig, Figure) and len(axes) == 2
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # a white card, readable on light and dark pages
    import matplotlib.pyplot as plt
    assert fig.number not in plt.get_fignums() if hasattr(fig, "number") else True


def test_ccdf_thins_large_samples_but_keeps_the_tail():
    fig, ax = plotting.new_figure()
    x = np.random.default_rng(0).exponential(1.0, 100_000)
    (line,) = plotting.plot_ccdf(ax, x, max_points=500)
    xs, ys = line.get_data()
    assert len(xs) <= 500 and xs.max() == x.max()
    assert ax.get_yscale() == "log" and ys.min() > 0


def test_cdf_and_tidy_axes_render():
    fig, ax = plotting.new_figure()
    plotting.plot_cdf(ax, [1.0, 2.0, 3.0], label="x")
    ax.set_xscale("log")
    plotting.no_minor_ticks(ax)
    plotting.mark_percentiles(ax, {99.0: 2.5})
    fig.savefig(io.BytesIO(), format="png")
    assert ax.xaxis.get_major_formatter()(0.001, 0) == "0.001"
