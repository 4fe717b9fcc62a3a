"""labsupport.inference: the decode roofline, the KV cache and tensor parallelism against hand arithmetic."""
from __future__ import annotations

import math

import pytest

from labsupport import inference as inf

M70 = inf.ModelShape(70e9, layers=80, hidden=8192, kv_heads=8, head_dim=128)


def test_decode_is_memory_bound_at_small_batch_and_compute_bound_at_large():
    kw = dict(model_bytes=140e9, hbm_bytes_per_s=2.9e12, flops_per_token=140e9, peak_flops=667e12)
    one = inf.decode_tokens_per_s(batch=1, **kw)
    assert one == pytest.approx(2.9e12 / 140e9)  # bandwidth / bytes
    # Below the ridge batch (peak / bandwidth x bytes / flops = 230) throughput grows linearly with batch.
    ridge = 667e12 / 2.9e12 * 140e9 / 140e9
    for b in (2, 16, 200):
        assert inf.decode_tokens_per_s(batch=b, **kw) == pytest.approx(b * one)
    # Above it, throughput is flat at peak / flops_per_token.
    for b in (300, 1000):
        assert inf.decode_tokens_per_s(batch=b, **kw) == pytest.approx(667e12 / 140e9)
    assert 229 < ridge < 231


def test_kv_cache_bytes():
    assert inf.kv_cache_bytes(layers=80, kv_heads=8, head_dim=128, context=1) == 2 * 80 * 8 * 128 * 2
    assert inf.kv_cache_bytes(layers=2, kv_heads=1, head_dim=4, context=10, batch=3, bytes_per_element=1) == 480
    assert inf.kv_cache_bytes(layers=1, kv_heads=1, head_dim=1, context=0) == 0


def test_decode_step_by_hand():
    step = inf.decode_step(M70, batch=4, context=4096, chips=1)
    kv = 2 * 80 * 8 * 128 * 4096 * 4 * 2
    assert step.kv_bytes_per_chip == kv
    assert step.memory_s == pytest.approx((140e9 + kv) / 2.9e12)
    assert step.compute_s == pytest.approx(4 * (140e9 + 4 * 80 * 8192 * 4096) / 667e12)
    assert step.communication_s == 0 and step.memory_bound
    assert step.tokens_per_s == pytest.approx(4 / step.step_s)
    assert not step.fits  # 140 GB of weights do not fit in 96 GiB


def test_kv_share_grows_with_context():
    shares = []
    for context in (512, 8192, 131072):
        st = inf.decode_step(M70, batch=8, context=context)
        shares.append(st.kv_bytes_per_chip / (st.kv_bytes_per_chip + st.weight_bytes_per_chip))
    assert shares[0] < 0.01 < shares[1] < shares[2] and shares[2] > 0.4


def test_tensor_parallel_split_and_link_cost():
    one = inf.decode_step(M70, batch=1, chips=1)
    four = inf.decode_step(M70, batch=1, chips=4)
    assert four.memory_s == pytest.approx(one.memory_s / 4)
    act = 8192 * 2
    assert four.communication_s == pytest.approx(2 * 80 * 2 * 3 / 4 * act / 1.28e12)
    assert four.step_s < one.step_s and four.fits
    # Per chip, tensor parallelism with no latency is as efficient; link latency makes it worse.
    slow = inf.decode_step(M70, batch=1, chips=16, link_latency_s=2e-6)
    assert slow.communication_s == pytest.approx(2 * 80 * (2 * 15 / 16 * act / 1.28e12 + 2 * 15 * 2e-6))
    assert slow.tokens_per_s_per_chip < four.tokens_per_s_per_chip


def test_allreduce():
    assert inf.allreduce_s(1e6, chips=1, link_bytes_per_s=1e12) == 0
    assert inf.allreduce_s(1e6, chips=2, link_bytes_per_s=1e12, latency_s=1e-6) == pytest.approx(1e-6 + 2e-6)


def test_bad_input_messages():
    kw = dict(model_bytes=1e9, hbm_bytes_per_s=1e12, flops_per_token=2e9, peak_flops=1e14)
    with pytest.raises(ValueError, match='"batch" must be >= 1'):
        inf.decode_tokens_per_s(batch=0, **kw)
    with pytest.raises(TypeError, match='"batch" must be an integer'):
        inf.decode_tokens_per_s(batch=1.5, **kw)
    with pytest.raises(ValueError, match='"model_bytes" must be > 0'):
        inf.decode_tokens_per_s(batch=1, **{**kw, "model_bytes": 0})
    with pytest.raises(ValueError, match='"hbm_bytes_per_s" must be finite'):
        inf.decode_tokens_per_s(batch=1, **{**kw, "hbm_bytes_per_s": math.inf})
    with pytest.raises(TypeError, match='"model" must be a ModelShape'):
        inf.decode_step("70B")
    with pytest.raises(ValueError, match='"context" must be >= 0'):
        inf.kv_cache_bytes(layers=1, kv_heads=1, head_dim=1, context=-1)
    with pytest.raises(ValueError, match='"latency_s" must be >= 0'):
        inf.allreduce_s(1.0, chips=2, link_bytes_per_s=1.0, latency_s=-1.0)


def test_pose_solve_cli(capsys):
    for seed in range(10):
        p = inf.pose_problem(seed)
        sol = inf.solve(p)
        q = p.params
        assert sol.value == pytest.approx(q["batch"] * q["hbm_bytes_per_s"] / (q["parameters"] * q["bytes_per_parameter"]))
        assert all(len(line) <= 72 for line in str(p).splitlines() + sol.working.splitlines())
    assert inf.main(["--seed", "2", "--solve"]) == 0
    assert "tokens/s" in capsys.readouterr().out
    with pytest.raises(TypeError, match='"problem"'):
        inf.solve(None)


def test_edge_inputs_found_by_the_fuzz():
    """Regressions from tests/test_properties.py (the former KNOWN_DEFECTS entries)."""
    with pytest.raises(ValueError, match=r'decode rate is beyond the float range .*"model_bytes" = 5e-324'):
        inf.decode_tokens_per_s(model_bytes=5e-324, hbm_bytes_per_s=2.9e12, flops_per_token=5e-324,
                                peak_flops=667e12, batch=1)  # was ZeroDivisionError (or inf)
    with pytest.raises(ValueError, match=r'KV cache size is beyond the float range .*"layers" = an integer'):
        inf.kv_cache_bytes(layers=10**400, kv_heads=8, head_dim=128, context=1)  # was OverflowError
    with pytest.raises(ValueError, match=r'all-reduce time is beyond the float range .*"link_bytes_per_s" = 5e-324'):
        inf.allreduce_s(1e6, chips=4, link_bytes_per_s=5e-324)  # was inf
