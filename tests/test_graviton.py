"""labsupport.graviton: caches, branch predictors, SMT and the roofline against independent references.

* The cache simulator is checked access by access against plain-Python caches written here (an LRU
  kept as a recency list, a FIFO queue, a random cache that uses the same pre-drawn victims), count by
  count against ``pycachesim`` (a C extension, AGPL, a test-only dependency), and against the classic
  exact results: the LRU cliff of a cyclic scan, a fitting working set, Belady's anomaly under FIFO.
* The two-bit counter on a biased random branch is checked against the stationary distribution of its
  four-state Markov chain; loops and correlated branches against their exact steady-state counts.
* The SMT model: the vectorised work-clock simulation equals the event-by-event one sample path by sample
  path; in its limits it matches the M/M/1 closed forms within 4 standard errors of R independent
  replications (percentiles of one run are autocorrelated, so replications give the error bar).
* The roofline is exactly min(peak, bandwidth x intensity); the spec-table arithmetic is checked by hand.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from labsupport import graviton as g


# ------------------------------------------------------------------------------ reference caches
def reference_cache(addresses, size_bytes, line_bytes, ways, policy="lru", draws=None):
    """A plain-Python set-associative cache: each set is a list, most recent (or newest) first."""
    n_sets = size_bytes // line_bytes // ways
    sets = [[] for _ in range(n_sets)]
    slots = [[None] * ways for _ in range(n_sets)]
    hits = []
    for i, a in enumerate(addresses):
        line = a // line_bytes
        s = line % n_sets
        entries = sets[s]
        if policy == "random":
            slot = slots[s]
            if line in slot:
                hits.append(True)
                continue
            hits.append(False)
            victim = slot.index(None) if None in slot else int(draws[i])
            slot[victim] = line
            continue
        if line in entries:
            hits.append(True)
            if policy == "lru":
                entries.remove(line)
                entries.insert(0, line)
            continue
        hits.append(False)
        if len(entries) == ways:
            entries.pop()  # the last is the least recently used (LRU) or the oldest fill (FIFO)
        entries.insert(0, line)
    return np.array(hits)


GEOMETRIES = [(1024, 64, 2), (4096, 64, 4), (2048, 32, 8), (512, 64, 8), (8192, 64, 1)]


@pytest.mark.parametrize("size, line, ways", GEOMETRIES)
@pytest.mark.parametrize("policy", ["lru", "fifo", "random"])
def test_cache_matches_plain_python_reference_access_by_access(size, line, ways, policy):
    for seed in range(3):
        rng = np.random.default_rng(seed)
        # a mix of reuse and novelty: addresses from a region about twice the cache
        addr = rng.integers(0, 2 * size, size=3000)
        draws = np.random.default_rng(seed + 100).integers(0, ways, size=addr.size)
        ref = reference_cache(addr.tolist(), size, line, ways, policy, draws)
        for method in ("vector", "loop"):
            r = g.simulate_cache(addr, size_bytes=size, line_bytes=line, ways=ways, policy=policy,
                                 rng=seed + 100, method=method)
            np.testing.assert_array_equal(r.hits, ref, err_msg=f"{policy} {method} seed {seed}")
            assert r.miss_rate == pytest.approx(1 - ref.mean())


def test_vector_and_loop_paths_agree_on_skewed_traces():
    for kind in g.TRACE_KINDS:
        addr = g.address_trace(kind, 20_000, working_set_bytes=64 << 10, rng=3)
        for policy in g.POLICIES:
            a = g.simulate_cache(addr, size_bytes=16 << 10, line_bytes=64, ways=4, policy=policy, rng=1,
                                 method="vector")
            b = g.simulate_cache(addr, size_bytes=16 << 10, line_bytes=64, ways=4, policy=policy, rng=1,
                                 method="loop")
            np.testing.assert_array_equal(a.hits, b.hits, err_msg=f"{kind} {policy}")


@pytest.mark.parametrize("policy", ["LRU", "FIFO"])
def test_hit_and_miss_counts_equal_pycachesim(policy):
    cachesim = pytest.importorskip("cachesim")
    for seed, (sets, ways) in enumerate([(16, 4), (64, 8), (1, 16), (128, 2)]):
        addr = np.random.default_rng(seed).integers(0, sets * ways * 64 * 3, size=20_000)
        mem = cachesim.MainMemory()
        l1 = cachesim.Cache("L1", sets, ways, 64, policy)
        mem.load_to(l1)
        mem.store_from(l1)
        sim = cachesim.CacheSimulator(l1, mem)
        for a in addr.tolist():
            sim.load(a, length=1)
        ours = g.simulate_cache(addr, size_bytes=sets * ways * 64, line_bytes=64, ways=ways, policy=policy.lower())
        assert (ours.n_accesses - ours.misses, ours.misses) == (l1.backend.HIT_count, l1.backend.MISS_count)


@pytest.mark.parametrize("policy", g.POLICIES)
def test_cyclic_scan_one_line_too_big_misses_every_time_under_lru_and_fifo(policy):
    lines = 32
    scan = np.tile(np.arange(lines + 1) * 64, 20)
    r = g.simulate_cache(scan, size_bytes=lines * 64, line_bytes=64, ways=lines, policy=policy, rng=0)
    if policy == "random":  # random replacement keeps part of the loop: far better than LRU's zero
        assert r.miss_rate_after(lines + 1) < 0.5
    else:
        assert not r.hits.any()  # every access, warm-up or not, misses: the LRU cliff


@pytest.mark.parametrize("policy", g.POLICIES)
def test_fitting_working_set_hits_every_access_after_warmup(policy):
    ws_lines = 48
    trace = np.random.default_rng(1).permutation(np.repeat(np.arange(ws_lines), 50)) * 64
    first = np.unique(trace, return_index=True)[1]
    r = g.simulate_cache(trace, size_bytes=64 * 64, line_bytes=64, ways=64, policy=policy, rng=0)
    expected = np.ones(trace.size, dtype=bool)
    expected[first] = False  # only each line's first touch misses
    np.testing.assert_array_equal(r.hits, expected)


def test_beladys_anomaly_under_fifo_and_its_absence_under_lru():
    trace = np.array([1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]) * 64

    def misses(ways, policy):
        return g.simulate_cache(trace, size_bytes=ways * 64, line_bytes=64, ways=ways, policy=policy).misses

    assert (misses(3, "fifo"), misses(4, "fifo")) == (9, 10)  # more memory, more misses
    assert (misses(3, "lru"), misses(4, "lru")) == (10, 8)


def test_lru_is_a_stack_algorithm_no_anomaly_on_random_traces():
    # LRU's contents with c lines are a subset of its contents with c + 1 (inclusion), so hits never drop.
    for seed in range(5):
        addr = np.random.default_rng(seed).integers(0, 40, size=2000) * 64
        hits = [g.simulate_cache(addr, size_bytes=c * 64, line_bytes=64, ways=c).hits for c in range(1, 40)]
        for smaller, larger in zip(hits, hits[1:]):
            assert np.all(larger[smaller])


def test_miss_rate_curve_and_working_sets():
    addr = g.address_trace("random", 40_000, working_set_bytes=64 << 10, rng=2)
    # 15,000 accesses of warm-up touch all 1,024 lines (coupon collector: about 1,024 ln 1,024 = 7,100)
    curve = g.miss_rate_curve(addr, [8 << 10, 32 << 10, 128 << 10], ways=8, warmup=15_000)
    assert curve[0] > curve[1] > curve[2] == 0.0
    # uniform random over W lines in a C-line LRU cache: steady-state hit rate C / W (each line equally
    # likely to be cached); the binomial standard error of 25,000 accesses is ~0.003
    assert 1 - curve[1] == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / 25_000))


def test_traces_have_the_documented_shape():
    s = g.address_trace("stream", 100, working_set_bytes=256)
    assert s.tolist()[:3] == [0, 8, 16] and s.max() < 256
    st = g.address_trace("strided", 10, working_set_bytes=1024, stride_bytes=256)
    assert st.tolist()[:5] == [0, 256, 512, 768, 0]
    pc = g.address_trace("pointer-chase", 64, working_set_bytes=32 * 64, rng=1)
    assert sorted(pc[:32].tolist()) == list(range(0, 32 * 64, 64)) and (pc[:32] == pc[32:]).all()
    ws = g.address_trace("web-server", 10_000, working_set_bytes=1 << 20, code_bytes=1 << 20, rng=1)
    assert ws.size == 10_000 and (ws >= 0).all()
    assert 0.45 < np.mean(ws < (1 << 20)) < 0.55  # half instruction fetches, below the heap
    np.testing.assert_array_equal(ws, g.address_trace("web-server", 10_000, working_set_bytes=1 << 20,
                                                      code_bytes=1 << 20, rng=1))


def test_bigger_l2_helps_the_web_server_mix():
    addr = g.address_trace("web-server", 200_000, working_set_bytes=8 << 20, code_bytes=4 << 20, rng=0)
    one, two = g.miss_rate_curve(addr, [1 << 20, 2 << 20], ways=8, warmup=50_000)
    assert two < one


def test_cache_bad_input_names_the_parameter():
    ok = dict(size_bytes=1024, line_bytes=64, ways=2)
    with pytest.raises(ValueError, match='"line_bytes" must be a power of two, got 48'):
        g.simulate_cache([0], size_bytes=960, line_bytes=48, ways=2)
    with pytest.raises(ValueError, match='"size_bytes" must be a multiple of line_bytes'):
        g.simulate_cache([0], size_bytes=1000, line_bytes=64, ways=2)
    with pytest.raises(ValueError, match=r'"ways" must divide the number of lines \(16'):
        g.simulate_cache([0], size_bytes=1024, line_bytes=64, ways=3)
    with pytest.raises(ValueError, match='"ways" must be >= 1, got 0'):
        g.simulate_cache([0], size_bytes=1024, line_bytes=64, ways=0)
    with pytest.raises(ValueError, match='"addresses" must not be empty'):
        g.simulate_cache([], **ok)
    with pytest.raises(ValueError, match='"addresses" must be >= 0, got -64 at index 1'):
        g.simulate_cache([0, -64], **ok)
    with pytest.raises(TypeError, match='"addresses" must be an array of integer addresses'):
        g.simulate_cache([0.5, 1.0], **ok)
    with pytest.raises(ValueError, match='"policy" must be one of'):
        g.simulate_cache([0], policy="mru", **ok)
    with pytest.raises(TypeError, match='"size_bytes" must be an integer'):
        g.simulate_cache([0], size_bytes=1024.0, line_bytes=64, ways=2)
    with pytest.raises(ValueError, match='"kind" must be one of'):
        g.address_trace("zigzag", 10, working_set_bytes=1024)


# ------------------------------------------------------------------------------ branch predictors
def test_two_bit_counter_mispredicts_a_loop_once_per_exit():
    for n in (3, 5, 10, 37):
        _, out = g.branch_trace("loop", n * 100, loop_iterations=n)
        r = g.simulate_predictor(out, "two-bit")
        steady = ~r.correct[2 * n:]  # after two passes through the loop
        assert steady.sum() == 98 and np.all(~out[2 * n:][steady])  # one per exit, and it is the exit
        one = g.simulate_predictor(out, "one-bit")
        assert (~one.correct[2 * n:]).sum() == 2 * 98  # a one-bit table also misses the first iteration


def test_gshare_learns_a_correlated_branch_that_two_bit_cannot():
    pcs, out = g.branch_trace("correlated", 40_000, rng=7)
    b = pcs == 0x80
    two = g.simulate_predictor(out, "two-bit", pcs=pcs).correct[b][1000:]
    gsh = g.simulate_predictor(out, "gshare", pcs=pcs).correct[b][1000:]
    se = math.sqrt(0.25 / two.size)
    assert abs(two.mean() - 0.5) < 4 * se  # on its own, B is a coin
    assert gsh.mean() > 0.99  # after A, B is certain: gshare's history holds A's outcome
    # the repeating pattern T, T, N: a two-bit counter settles on taken (2/3 right), gshare learns it all
    _, pat = g.branch_trace("pattern", 3000, pattern="TTN")
    assert g.simulate_predictor(pat, "two-bit").correct[300:].mean() == pytest.approx(2 / 3, abs=0.01)
    assert g.simulate_predictor(pat, "gshare").correct[300:].all()


def two_bit_markov_accuracy(p):
    """Stationary accuracy of a 2-bit counter on a branch taken i.i.d. with probability p."""
    P = np.zeros((4, 4))
    for s in range(4):
        P[s, min(s + 1, 3)] += p
        P[s, max(s - 1, 0)] += 1 - p
    w, v = np.linalg.eig(P.T)
    pi = np.real(v[:, np.argmin(abs(w - 1))])
    pi /= pi.sum()
    return pi[:2].sum() * (1 - p) + pi[2:].sum() * p


@pytest.mark.parametrize("p", [0.5, 0.7, 0.9, 0.97])
def test_two_bit_on_a_biased_random_branch_matches_its_markov_chain(p):
    _, out = g.branch_trace("random", 100_000, taken_probability=p, rng=int(p * 100))
    acc = g.predictor_accuracy(out, "two-bit")
    expected = two_bit_markov_accuracy(p)
    # consecutive correct flags are correlated through the counter: allow 4 SE with the chain's
    # integrated autocorrelation bounded by a factor of 4 in variance
    assert acc == pytest.approx(expected, abs=4 * math.sqrt(4 * expected * (1 - expected) / out.size))
    assert g.predictor_accuracy(out, "static-taken") == pytest.approx(out.mean())


def test_gshare_uses_champsim_defaults_and_behaves_like_two_bit_without_history():
    pcs, out = g.branch_trace("correlated", 5000, rng=1)
    r = g.simulate_predictor(out, "gshare", pcs=pcs)
    assert r.params == {"table_entries": 16_384, "history_bits": 14, "counter_bits": 2}
    a = g.simulate_predictor(out, "gshare", pcs=pcs, history_bits=0)
    b = g.simulate_predictor(out, "two-bit", pcs=pcs)
    np.testing.assert_array_equal(a.correct, b.correct)


def test_mpki_and_ipc_model():
    assert g.mpki(30, 10_000) == 3.0
    assert g.ipc_with_stalls(4.0, 0.0) == 4.0
    # CPI = 0.25 + 10/1000 x 15 = 0.4
    assert g.ipc_with_stalls(4.0, 10.0, mispredict_penalty_cycles=15.0) == pytest.approx(2.5)
    assert g.ipc_with_stalls(4.0, 10.0, mispredict_penalty_cycles=15.0, icache_mpki=20.0,
                             icache_miss_cycles=10.0) == pytest.approx(1 / 0.6)


def test_predictor_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match='"predictor" must be one of'):
        g.predictor_accuracy([True], "perceptron")
    with pytest.raises(ValueError, match='"outcomes" must not be empty'):
        g.predictor_accuracy([], "two-bit")
    with pytest.raises(TypeError, match='"outcomes" must hold True/False'):
        g.predictor_accuracy([0.3, 1.0], "two-bit")
    with pytest.raises(ValueError, match=r'"pcs" must have one address per outcome \(2\), got 1'):
        g.predictor_accuracy([True, False], "gshare", pcs=[4])
    with pytest.raises(TypeError, match='unknown predictor parameter "history"'):
        g.predictor_accuracy([True], "gshare", history=3)
    with pytest.raises(ValueError, match='"pattern" must be a non-empty string of T and N'):
        g.branch_trace("pattern", 4, pattern="TX")
    with pytest.raises(ValueError, match='"branch_mpki" must be >= 0'):
        g.ipc_with_stalls(4.0, -1.0)


# ------------------------------------------------------------------------------ SMT
@pytest.mark.parametrize("u, burst", [(0.5, 1.0), (0.2, 0.05), (0.9, 20.0), (0.0, 1.0), (1.0, 1.0)])
def test_vectorised_smt_equals_event_simulation(u, burst):
    for seed in range(3):
        kw = dict(sibling_busy_fraction=u, sibling_burst_ms=burst, smt_speed=0.6, rng=seed)
        a = g.simulate_smt(0.35, 1.0, 3000, **kw)
        b = g.simulate_smt_events(0.35, 1.0, 3000, **kw)
        np.testing.assert_allclose(a.latencies_ms, b.latencies_ms, rtol=0, atol=1e-9)


def _replicate(stat, reps, seed, **kw):
    rngs = np.random.default_rng(seed).spawn(reps)
    values = np.array([stat(g.simulate_smt(rng=r, **kw)) for r in rngs])
    return values.mean(), values.std(ddof=1) / math.sqrt(reps)


def _p99(r):
    return r.percentile(99)


@pytest.mark.parametrize("u, s", [(0.0, 0.6), (1.0, 0.6), (0.5, 0.6), (0.8, 0.5)])
def test_fast_switching_smt_is_an_mm1_queue_at_the_average_speed(u, s):
    lam, mu = 0.3, 1.0
    # bursts of 0.05 ms against services of 1 ms: a request sees dozens of switches, so the average speed
    rngs = np.random.default_rng(int(u * 10 + s * 100)).spawn(16)
    runs = [g.simulate_smt(lam, mu, 20_000, sibling_busy_fraction=u, sibling_burst_ms=0.05, smt_speed=s, rng=r)
            for r in rngs]
    p99 = np.array([r.percentile(99) for r in runs])
    means = np.array([r.mean_ms for r in runs])
    theory = g.smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=s, limit="fast")
    assert abs(p99.mean() - theory) < 4 * p99.std(ddof=1) / 4  # 4 SE; SE = sd / sqrt(16)
    assert abs(means.mean() - 1 / (mu * (1 - u + u * s) - lam)) < 4 * means.std(ddof=1) / 4


def test_slow_switching_smt_is_a_mixture_of_two_mm1_queues():
    lam, mu, u, s = 0.3, 1.0, 0.4, 0.6
    kw = dict(arrival_rate=lam, service_rate=mu, n_requests=60_000, sibling_busy_fraction=u,
              sibling_burst_ms=5_000.0, smt_speed=s)
    est, se = _replicate(_p99, 10, seed=11, **kw)
    theory = g.smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=s, limit="slow")
    # transients at each switch last a few relaxation times (~1/(mu s - lambda) = 3 ms) out of bursts of
    # 5,000 ms: a bias under 1 %, added to the sampling error
    assert abs(est - theory) < 4 * se + 0.01 * theory
    fast = g.smt_latency_percentile(lam, mu, 99, sibling_busy_fraction=u, smt_speed=s, limit="fast")
    assert theory > 1.3 * fast  # long noisy bursts hurt the tail more than the same average slowdown


def test_one_thread_per_core_ignores_the_sibling():
    a = g.simulate_smt(0.5, 1.0, 5000, sibling_busy_fraction=0.9, shared_core=False, rng=4)
    b = g.simulate_smt(0.5, 1.0, 5000, sibling_busy_fraction=0.0, shared_core=True, rng=4)
    np.testing.assert_allclose(a.latencies_ms, b.latencies_ms)
    assert not a.shared_core and a.sibling_busy_fraction == 0.0


def test_smt_pair_check_values():
    lam, mu = 0.3, 1.0
    # smt_speed 1: two independent M/M/1 queues, mean 1/(mu - lambda)
    means = [g.simulate_smt_pair(lam, mu, 20_000, smt_speed=1.0, rng=r).mean_ms for r in range(8)]
    assert abs(np.mean(means) - 1 / (mu - lam)) < 4 * np.std(means, ddof=1) / math.sqrt(8)
    # smt_speed 0.5: the core is an M/M/1 queue at 2 lambda (work-conserving, exponential work)
    means = [g.simulate_smt_pair(lam, mu, 20_000, smt_speed=0.5, rng=r + 10).mean_ms for r in range(8)]
    assert abs(np.mean(means) - 1 / (mu - 2 * lam)) < 4 * np.std(means, ddof=1) / math.sqrt(8)


def test_smt_bad_input():
    with pytest.raises(ValueError, match=r"unstable queue: arrival_rate \(0.9\) >= mean capacity"):
        g.simulate_smt(0.9, 1.0, 100, sibling_busy_fraction=0.5, smt_speed=0.6)
    with pytest.raises(ValueError, match='"smt_speed" must be > 0'):
        g.simulate_smt(0.1, 1.0, 100, smt_speed=0.0)
    with pytest.raises(ValueError, match=r'"sibling_busy_fraction" must be in \[0, 1\], got 1.5'):
        g.simulate_smt(0.1, 1.0, 100, sibling_busy_fraction=1.5)
    with pytest.raises(ValueError, match="unstable queue in the slow limit"):
        g.smt_latency_percentile(0.7, 1.0, 99, sibling_busy_fraction=0.3, smt_speed=0.6, limit="slow")
    with pytest.raises(ValueError, match="unstable queue"):
        g.simulate_smt_pair(0.7, 1.0, 100, smt_speed=0.6)


# ------------------------------------------------------------------------------ roofline
def test_attainable_gflops_is_exactly_the_minimum():
    for peak, bw in [(1280.0, 204.8), (100.0, 10.0), (4300.8, 537.6)]:
        for intensity in (0.01, 0.1, 1.0, peak / bw, 10.0, 1000.0):
            assert g.attainable_gflops(peak, bw, intensity) == min(peak, bw * intensity)
    xs = np.logspace(-2, 3, 50)
    np.testing.assert_array_equal(g.attainable_gflops(1280.0, 204.8, xs), np.minimum(1280.0, 204.8 * xs))
    assert g.ridge_intensity(1280.0, 204.8) == 6.25


def test_spec_table_arithmetic():
    g2, g3, g4 = (g.GRAVITON[k] for k in ("Graviton2", "Graviton3", "Graviton4"))
    assert (g2.cores, g3.cores, g4.cores) == (64, 64, 96)
    assert g2.peak_gflops == pytest.approx(64 * 2.5 * 2 * 2 * 2)  # 2 pipes x 2 FP64 lanes x FMA
    assert g3.peak_gflops == pytest.approx(64 * 2.6 * 4 * 2 * 2)
    assert g4.peak_gflops == pytest.approx(96 * 2.8 * 4 * 2 * 2)
    assert [x.bandwidth_gb_s for x in (g2, g3, g4)] == pytest.approx([204.8, 307.2, 537.6])
    assert g3.peak_gflops / g2.peak_gflops == pytest.approx(2.08)  # AWS reports "2x floating point"
    assert g4.bandwidth_gb_s / g3.bandwidth_gb_s == pytest.approx(1.75)  # AWS reports +75 % bandwidth
    assert g4.l2_mib == 2 * g3.l2_mib


def test_measurements_have_the_right_structure():
    m = g.measure_machine(n_stream=200_000, n_matmul=128, n_spmv_rows=10_000, repeats=1)
    assert [k.name for k in m.kernels] == ["stream triad", "dense matmul", "sparse matrix-vector"]
    assert m.bandwidth_gb_s > 0 and m.peak_gflops > 0
    assert all(k.gflops > 0 and k.seconds > 0 and k.intensity_flop_per_byte > 0 for k in m.kernels)
    triad = m.kernels[0]
    assert triad.gflops == pytest.approx(m.bandwidth_gb_s * triad.intensity_flop_per_byte)
    assert m.kernels[1].intensity_flop_per_byte == pytest.approx(128 / 12)
    assert m.attainable(1e6) == m.peak_gflops


def test_roofline_bad_input():
    with pytest.raises(ValueError, match='"bandwidth_gb_s" must be > 0, got 0.0'):
        g.attainable_gflops(100.0, 0.0, 1.0)
    with pytest.raises(ValueError, match='"intensity_flop_per_byte" must be > 0'):
        g.attainable_gflops(100.0, 10.0, [1.0, -1.0])
    with pytest.raises(TypeError, match='"peak_gflops" must be a real number'):
        g.attainable_gflops("fast", 10.0, 1.0)


# ------------------------------------------------------------------------------ pose / solve / CLI
def test_every_problem_kind_is_solved_by_an_independent_route():
    for seed in range(12):
        p = g.pose_problem(seed, kind="cache")
        trace = [x * 64 for x in p.params["trace"]]
        ref = reference_cache(trace, 64 * p.params["ways"], 64, p.params["ways"], p.params["policy"])
        assert g.solve(p).value == (~ref).sum()
        p = g.pose_problem(seed, kind="predictor")
        assert g.solve(p).value == 1 + p.params["entries"]  # the first iteration, then one per exit
        p = g.pose_problem(seed, kind="smt")
        pr = p.params
        rate = pr["service_rate"] * (1 - pr["sibling_busy_fraction"] * (1 - pr["smt_speed"])) - pr["arrival_rate"]
        assert g.solve(p).value == pytest.approx(math.log(100) / rate)
        p = g.pose_problem(seed, kind="roofline")
        spec = g.GRAVITON[p.params["name"]]
        assert g.solve(p).value == pytest.approx(min(spec.peak_gflops, spec.bandwidth_gb_s * p.params["intensity"]))
        assert "(s)" not in str(p) and "_" not in str(p)


def test_command_line(capsys):
    assert g.main(["--seed", "3", "--solve"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# python -m labsupport.graviton --seed 3")
    with pytest.raises(TypeError, match='"problem" must be a Problem'):
        g.solve("x")


def test_edge_inputs_found_by_the_fuzz_give_named_errors():
    """Regressions from tests/test_properties.py: an OverflowError and a giant allocation, an inf result."""
    with pytest.raises(ValueError, match=r'"size_bytes" / "line_bytes" must be at most 1,048,576 lines'):
        g.simulate_cache([0, 64, 0], size_bytes=10**400, line_bytes=64, ways=2)  # was "int too large for C long"
    with pytest.raises(ValueError, match=r'"line_bytes" must be <= 1048576'):
        g.simulate_cache([0, 64, 0], size_bytes=2**40, line_bytes=2**40, ways=1)
    with pytest.raises(ValueError, match=r'peak GFLOPS is beyond the float range .*"cores"'):
        g.peak_gflops(10**400, 2.5, 8)  # was OverflowError
    with pytest.raises(ValueError, match=r'"freq_ghz" = 1e\+300'):
        g.peak_gflops(64, 1e300, 1e300)  # was inf
    assert math.isnan(g.simulate_smt_pair(0.25, 1.0, 50, smt_speed=0.5, rng=2).sibling_burst_ms)  # documented


def test_more_edge_inputs_found_by_the_deep_fuzz():
    """Regressions from HYPOTHESIS_PROFILE=deep: numpy warnings, NaN latencies and messages naming the wrong thing."""
    import warnings
    with pytest.raises(ValueError, match=r'"addresses" must be < 2\*\*62'):
        g.simulate_cache([1e300], size_bytes=128, line_bytes=64, ways=2)  # was numpy's "invalid value in cast"
    with pytest.raises(ValueError, match=r'"sizes_bytes" must be >= 1, got 0.0'):
        g.miss_rate_curve([0, 64], [0, 256])  # the message said "size_bytes"
    with pytest.raises(ValueError, match=r'"sizes_bytes"\[0\] = 100: "size_bytes" must be a multiple'):
        g.miss_rate_curve([0, 64], [100])
    with pytest.raises(ValueError, match=r'"working_set_bytes" must be >= 9007199254740992 \(the value of "line_b'):
        g.address_trace("stream", 5, working_set_bytes=1024, line_bytes=2**53)
    with pytest.raises(ValueError, match=r'"n_requests" / "arrival_rate" must be at most 1e\+250 ms'):
        g.simulate_smt(5e-324, 1.0, 200, rng=1)  # latencies were NaN
    with pytest.raises(ValueError, match=r'"sibling_burst_ms" x \(1 - "sibling_busy_fraction"\)'):
        g.simulate_smt(0.25, 1.0, 200, sibling_busy_fraction=5e-324, rng=1)  # overflow warnings
    with pytest.raises(ValueError, match=r'unstable queue: "arrival_rate" \(0.5\) >= mean capacity .*"service_rate"'):
        g.smt_latency_percentile(0.5, 5e-324, 99)
    with pytest.raises(ValueError, match=r'ridge intensity is beyond the float range .*"bandwidth_gb_s" = 5e-324'):
        g.ridge_intensity(1280.0, 5e-324)  # was inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow warning escaped; the peak is the right answer
        assert g.attainable_gflops(1280.0, 1e300, [1e300]).tolist() == [1280.0]
    with pytest.raises(ValueError, match=r'"n_requests" / \("service_rate" x "smt_speed"\) must be at most'):
        g.simulate_smt_pair(1e-9, 5e-324, 50, rng=2)  # was ZeroDivisionError
