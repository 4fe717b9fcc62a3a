"""Tests for labsupport.ui.nitro: diagrams draw in both page styles, every lab builds, draws what the
model says and redraws on a control change."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from labsupport import nitro
from labsupport.plotting import diagram_style
from labsupport.ui import LabWidget, render_svg
from labsupport.ui import nitro as ui


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_labs_registry_names_the_three_labs():
    assert set(ui.LABS) == {"nitro: host_lab", "nitro: trust_lab", "nitro: blast_lab"}


@pytest.mark.parametrize("name", ["diagram_host", "diagram_boot_chain"])
@pytest.mark.parametrize("dark", [False, True])
def test_diagrams_draw_in_both_page_styles(name, dark):
    with diagram_style(dark):
        fig = getattr(ui, name)()
        svg = render_svg(fig)
    assert isinstance(fig, Figure) and "<svg" in svg
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert ("guest VM" in texts) if name == "diagram_host" else ("measure" in texts)


@pytest.mark.parametrize("name, control, value", [
    ("nitro: host_lab", "io_load", 0.35),
    ("nitro: trust_lab", "tamper", "hypervisor"),
    ("nitro: blast_lab", "small_domains", 96),
])
def test_each_lab_builds_and_redraws_on_change(name, control, value):
    lab = ui.LABS[name]()
    assert isinstance(lab, LabWidget) and lab.redraws == 1
    before = render_svg(lab.figure())
    lab.controls[control].value = value
    assert lab.redraws == 2 and np.isfinite(lab.last_callback_s)
    assert render_svg(lab.figure()) != before


def test_default_callbacks_are_fast():
    # about 100 ms per default callback on an idle 2-core machine; slack for a loaded one
    for name, factory in ui.LABS.items():
        lab = factory()
        best = min(lab.refresh() for _ in range(3))
        assert best < 0.6, f"{name} took {best:.3f} s"


def test_host_lab_keeps_the_shared_core_stable():
    lab = ui.host_lab()
    lab.controls["guest_load"].value = 0.9
    lab.controls["io_load"].value = 0.45  # 0.9 + 0.45 >= 1: the widget caps the I/O load, no error
    assert lab.redraws == 3


def test_host_figure_shows_both_placements_and_the_p99s():
    fig = ui.draw_host(0.5, 0.3, 5000, seed=2)
    left, right = fig.axes
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    kw = dict(guest_load=0.5, io_load=0.3, n_requests=5000, rng=2)
    for place, label in zip(nitro.PLACEMENTS, labels):
        p99 = np.percentile(nitro.simulate_host(place, **kw).latencies_us, 99)
        assert f"p99 {p99:,.0f}" in label
    assert len(right.get_lines()) == 3  # two probe series and the probe's own work


def test_p99_figure_offload_below_shared():
    fig = ui.draw_p99_vs_io_load(0.5, (0.0, 0.2, 0.4), 5000, seed=1)
    shared, offload = (line.get_ydata() for line in fig.axes[0].get_lines())
    assert shared[0] == pytest.approx(offload[0])  # no I/O: the same queue
    assert np.all(offload[1:] < shared[1:])
    cpu_shared, cpu_offload = (line.get_ydata() for line in fig.axes[1].get_lines())
    assert np.all(cpu_offload == 100) and cpu_shared[-1] == pytest.approx(60, abs=2)


def test_chain_figure_verdicts():
    def verdict(fig):
        return [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("attestation")][0]
    assert "TRUSTED" in verdict(ui.draw_chain("nothing"))
    assert "stage 3" in verdict(ui.draw_chain("hypervisor"))
    assert "stage 4" in verdict(ui.draw_chain("nothing", swap_drivers=True))


def test_blast_and_shuffle_figures():
    fig = ui.draw_blast(8, 96, 4, 0.99, 100, seed=3)
    assert len(fig.axes) == 2
    fig, ax = plt.subplots()
    ui.draw_shuffle_sharding(ax, 8, 2, n_trials=2000, seed=1)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, nitro.shuffle_shard_overlap_pmf(8, 2))
