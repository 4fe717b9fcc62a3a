"""labsupport.ui.inference: batching, KV share and tensor-parallel figures, and the widget."""
from __future__ import annotations

from labsupport.ui.inference import (LABS, draw_batching, draw_decode_lab, draw_kv_share, draw_tensor_parallel,
                                     inference_lab, model_of_size)


def test_model_of_size_matches_the_70b_example():
    m = model_of_size(70)
    assert (m.layers, m.hidden, m.kv_heads, m.head_dim) == (80, 8192, 8, 128)
    assert model_of_size(8, 1.0).weight_bytes == 8e9


def test_figures():
    assert len(draw_batching().axes) == 2
    assert len(draw_kv_share().axes[0].get_lines()) == 3
    assert len(draw_tensor_parallel().axes[0].get_lines()) == 4
    assert "8B model on 1 chip," in draw_decode_lab().axes[0].get_title()


def test_inference_lab_redraws():
    lab = inference_lab()
    lab.controls["chips"].value = 8
    assert "on 8 chips" in lab.figure().axes[0].get_title()
    assert set(LABS) == {"inference: inference_lab"}
