"""Tests for labsupport.nitro: the host queue against its closed forms and its SimPy twin, the PCR
arithmetic against hashlib and a real (software) TPM 2.0, and the blast-radius formulas against
enumeration and Monte Carlo."""
from __future__ import annotations

import hashlib
import itertools
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

from labsupport import nitro

# --------------------------------------------------------------------------------------------
# Where did my CPU go: the host model
# --------------------------------------------------------------------------------------------
SEEDS = range(8)


def _replicate(place, g, io, n=30_000, **scenario):
    """Per-seed means of latencies, probe latencies; p99s; usable CPU (independent replications)."""
    rows = []
    for seed in SEEDS:
        r = nitro.simulate_host(place, guest_load=g, io_load=io, n_requests=n, rng=100 + seed, **scenario)
        rows.append((r.latencies_us.mean(), r.probe_latencies_us.mean(), np.percentile(r.latencies_us, 99),
                     r.usable_cpu, r.jitter_us))
    return np.array(rows)


def _within(values, expected, z=4.0):
    mean = values.mean()
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert abs(mean - expected) < z * se, (mean, expected, se)


@pytest.mark.parametrize("g, io", [(0.5, 0.3), (0.3, 0.2), (0.6, 0.1)])
def test_shared_mean_matches_preemptive_priority_formula(g, io):
    rows = _replicate("shared", g, io)
    _within(rows[:, 0], nitro.mean_latency_us("shared", guest_load=g, io_load=io))
    _within(rows[:, 1], nitro.mean_probe_latency_us("shared", guest_load=g, io_load=io))
    _within(rows[:, 3], nitro.usable_cpu_fraction("shared", io_load=io))


@pytest.mark.parametrize("g, io", [(0.5, 0.3), (0.3, 0.2)])
def test_shared_untouched_fraction_matches_closed_form(g, io):
    """A point of the shared design's distribution, not just its mean: a request finishes in exactly its
    own CPU time when it finds the core idle (probability 1 - rho, arrivals see time averages) and no
    I/O job arrives while it runs (probability E[exp(-lambda_H S)] = 1 / (1 + lambda_H E[S]) for an
    exponential S)."""
    lam_h = sum(io * share / cost for share, cost in zip((0.5, 0.3, 0.2), (5.0, 25.0, 250.0)))
    expected = (1 - g - io) / (1 + lam_h * 50.0)
    fractions = []
    for seed in SEEDS:
        r = nitro.simulate_host("shared", guest_load=g, io_load=io, n_requests=30_000, rng=200 + seed)
        fractions.append(np.mean(np.abs(r.latencies_us - r.service_us) < 1e-9))
    _within(np.array(fractions), expected)


@pytest.mark.parametrize("g", [0.3, 0.7])
def test_offload_is_mm1_mean_and_p99(g):
    rows = _replicate("offload", g, 0.3)
    _within(rows[:, 0], nitro.mean_latency_us("offload", guest_load=g, io_load=0.3))
    _within(rows[:, 1], nitro.mean_probe_latency_us("offload", guest_load=g, io_load=0.3))
    _within(rows[:, 2], nitro.offload_latency_percentile_us(99, guest_load=g))
    assert np.all(rows[:, 3] == 1.0)


def test_other_scenarios_match_closed_form():
    sc = dict(guest_service_us=20.0, io_service_us=(2.0, 100.0), io_load_shares=(0.9, 0.1), probe_work_us=10.0)
    rows = _replicate("shared", 0.4, 0.35, **sc)
    _within(rows[:, 0], nitro.mean_latency_us("shared", guest_load=0.4, io_load=0.35, **sc))
    _within(rows[:, 1], nitro.mean_probe_latency_us("shared", guest_load=0.4, io_load=0.35, **sc))


def test_closed_forms_reduce_to_mm1_without_io():
    for g in (0.2, 0.5, 0.9):
        shared = nitro.mean_latency_us("shared", guest_load=g, io_load=0.0)
        assert shared == pytest.approx(50.0 / (1 - g), rel=1e-12)
        assert nitro.mean_probe_latency_us("shared", guest_load=g, io_load=0.0) == pytest.approx(
            nitro.mean_probe_latency_us("offload", guest_load=g, io_load=0.0), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_io_load_gives_identical_distributions(seed):
    a = nitro.simulate_host("shared", guest_load=0.6, io_load=0.0, n_requests=5000, rng=seed)
    b = nitro.simulate_host("offload", guest_load=0.6, io_load=0.0, n_requests=5000, rng=seed)
    np.testing.assert_allclose(a.latencies_us, b.latencies_us, rtol=1e-9, atol=1e-7)
    np.testing.assert_allclose(a.probe_latencies_us, b.probe_latencies_us, rtol=1e-9, atol=1e-7)
    assert a.usable_cpu == b.usable_cpu == 1.0


def test_offload_lowers_p99_and_jitter_and_frees_cpu_at_every_seed():
    for seed in SEEDS:
        kw = dict(guest_load=0.5, io_load=0.25, n_requests=20_000, rng=seed)
        shared, offload = nitro.simulate_host("shared", **kw), nitro.simulate_host("offload", **kw)
        assert np.percentile(offload.latencies_us, 99) < 0.7 * np.percentile(shared.latencies_us, 99)
        assert offload.jitter_us < shared.jitter_us
        assert offload.usable_cpu == 1.0 > shared.usable_cpu
        assert shared.usable_cpu == pytest.approx(0.75, abs=0.02)
        assert offload.card_io_fraction == pytest.approx(shared.core_io_fraction, rel=1e-12)
        # paired runs: the same requests and I/O jobs, so no request can be faster shared
        assert np.all(offload.latencies_us <= shared.latencies_us + 1e-6)


def test_jitter_vanishes_for_a_lone_probe_offloaded():
    r = nitro.simulate_host("offload", guest_load=1e-4, io_load=0.3, n_requests=2, rng=0, probe_interval_us=1e3)
    assert np.allclose(r.probe_latencies_us, 50.0)


@pytest.mark.parametrize("place", nitro.PLACEMENTS)
@pytest.mark.parametrize("seed", [3, 4])
def test_simpy_twin_gives_the_same_sample_path(place, seed):
    kw = dict(guest_load=0.45, io_load=0.35, n_requests=1500, rng=seed)
    fast, slow = nitro.simulate_host(place, **kw), nitro.simulate_host_simpy(place, **kw)
    np.testing.assert_array_equal(fast.arrival_us, slow.arrival_us)
    np.testing.assert_allclose(fast.latencies_us, slow.latencies_us, rtol=1e-9, atol=1e-6)
    assert np.all(slow.completed == 1) and np.all(fast.completed == 1)  # every request completes once
    assert fast.core_io_fraction == slow.core_io_fraction


def test_requests_are_conserved_and_causal():
    r = nitro.simulate_host("shared", guest_load=0.5, io_load=0.4, n_requests=20_000, rng=9)
    assert r.latencies_us.size == r.n_requests == 20_000
    assert np.all(np.isfinite(r.latencies_us))
    assert np.all(r.latencies_us >= r.service_us - 1e-9)  # nobody finishes faster than its work
    departures = r.arrival_us + r.latencies_us
    assert np.all(np.diff(departures) > 0)  # first come, first served within the guest's queue
    # busy-time balance: the core did all the work that arrived before the last guest left
    last = departures[-1]
    io_done = r.io_service_us[r.io_arrival_us < last].sum()
    assert r.service_us.sum() + io_done <= last + 1e-6


def _virtual_latency_by_hand(t, w, guest_arrivals, guest_work, io_times, io_work):
    """A probe's latency by stepping through events one by one (independent of the vectorised search)."""
    events = sorted([(a, s) for a, s in zip(guest_arrivals, guest_work) if a <= t]
                    + [(a, s) for a, s in zip(io_times, io_work) if a <= t])
    backlog, now = 0.0, 0.0
    for a, s in events:
        backlog = max(0.0, backlog - (a - now)) + s
        now = a
    backlog = max(0.0, backlog - (t - now))
    need = backlog + w
    for a, s in zip(io_times, io_work):  # I/O after t preempts the probe while it is unfinished
        if t < a < t + need:
            need += s
    return need


def test_probe_latency_matches_event_by_event_calculation():
    r = nitro.simulate_host("shared", guest_load=0.5, io_load=0.3, n_requests=400, rng=5, probe_interval_us=500.0)
    by_hand = [_virtual_latency_by_hand(t, 50.0, r.arrival_us, r.service_us, r.io_arrival_us, r.io_service_us)
               for t in r.probe_us]
    np.testing.assert_allclose(r.probe_latencies_us, by_hand, rtol=1e-9, atol=1e-6)


def test_result_is_reproducible_and_carries_parameters():
    a = nitro.simulate_host("shared", guest_load=0.3, io_load=0.2, n_requests=100, rng=7, probe_work_us=20.0)
    b = nitro.simulate_host("shared", guest_load=0.3, io_load=0.2, n_requests=100, rng=7, probe_work_us=20.0)
    np.testing.assert_array_equal(a.latencies_us, b.latencies_us)
    assert (a.io_placement, a.guest_load, a.io_load, a.scenario.probe_work_us) == ("shared", 0.3, 0.2, 20.0)
    assert a.summary().n == 100


# --------------------------------------------------------------------------------------------
# A chain of trust
# --------------------------------------------------------------------------------------------
ABC_CHECK = "93732e3733514a841c982cfa75ea76ab55fe011acb9cd980ef4523913c65be1b0998e04d77f8c174f81a82151619ca40"


def test_extend_check_value_and_hashlib():
    assert nitro.extend(nitro.initial_register(), b"abc").hex() == ABC_CHECK
    reg = nitro.initial_register()
    for m in (b"", b"a", bytes(range(256)) * 3):
        expected = hashlib.sha384(reg + hashlib.sha384(m).digest()).digest()
        reg = nitro.extend(reg, m)
        assert reg == expected and len(reg) == 48
    assert nitro.enclave_pcr0(b"image") == hashlib.sha384(bytes(48) + hashlib.sha384(b"image").digest()).digest()


def test_register_is_order_sensitive_and_every_byte_counts():
    chain = [stage for _, stage in nitro.DEFAULT_BOOT_CHAIN]
    final = nitro.measure_boot(chain)[-1]
    for perm in itertools.permutations(range(3)):
        if perm != (0, 1, 2):
            assert nitro.measure_boot([chain[i] for i in perm] + chain[3:])[-1] != final
    for i, stage in enumerate(chain):
        for pos in range(len(stage)):
            tampered = bytearray(stage)
            tampered[pos] ^= 0x01
            bad = chain[:i] + [bytes(tampered)] + chain[i + 1:]
            verdict = nitro.attest(bad, chain)
            assert not verdict.trusted and verdict.first_mismatch == i
    assert nitro.attest(chain, chain).trusted
    assert nitro.attest(chain[:-1], chain).first_mismatch == len(chain) - 1  # a skipped stage


def test_measure_boot_log_differs_from_the_tampered_stage_on():
    chain = [b"a", b"b", b"c", b"d"]
    clean = nitro.measure_boot(chain)
    dirty = nitro.measure_boot([b"a", b"B", b"c", b"d"])
    assert [x == y for x, y in zip(clean, dirty)] == [True, False, False, False]


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of ports on 127.0.0.1")


@pytest.fixture(scope="module")
def tpm():
    """A software TPM 2.0 (swtpm) on 127.0.0.1 for this module; yields the tpm2-tools environment."""
    tools = ("swtpm", "tpm2_pcrextend", "tpm2_pcrread", "tpm2_pcrreset")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"software TPM not installed ({', '.join(missing)}): run tools/setup-system.sh as root")
    state = tempfile.mkdtemp(prefix="nitro-swtpm-")
    port = _free_port_pair()
    proc = subprocess.Popen(
        ["swtpm", "socket", "--tpm2", "--server", f"type=tcp,port={port},bindaddr=127.0.0.1",
         "--ctrl", f"type=tcp,port={port + 1},bindaddr=127.0.0.1", "--tpmstate", f"dir={state}",
         "--flags", "not-need-init,startup-clear"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    env = {**os.environ, "TPM2TOOLS_TCTI": f"swtpm:host=127.0.0.1,port={port}"}
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port + 1), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("swtpm did not start: " + proc.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        yield env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(state, ignore_errors=True)


def _tpm(env, *args):
    return subprocess.run(list(args), env=env, check=True, capture_output=True, timeout=20)


def _tpm_measure(env, measurements, tmp_path, pcr=16):
    _tpm(env, "tpm2_pcrreset", str(pcr))
    for m in measurements:
        _tpm(env, "tpm2_pcrextend", f"{pcr}:sha384={hashlib.sha384(m).hexdigest()}")
    out = tmp_path / "pcr.bin"
    _tpm(env, "tpm2_pcrread", f"sha384:{pcr}", "-o", str(out))
    return out.read_bytes()


@pytest.mark.parametrize("measurements", [
    [],
    [b""],
    [b"abc"],
    [b"", b"", b""],
    [b"abc", b"", b"x" * 5000],
    [stage for _, stage in nitro.DEFAULT_BOOT_CHAIN],
    [stage for _, stage in reversed(nitro.DEFAULT_BOOT_CHAIN)],
], ids=["none", "empty", "abc", "three-empty", "mixed", "boot-chain", "boot-chain-reversed"])
def test_extend_matches_a_real_tpm(tpm, measurements, tmp_path):
    reg = nitro.initial_register()
    for m in measurements:
        reg = nitro.extend(reg, m)
    assert _tpm_measure(tpm, measurements, tmp_path) == reg


def test_real_tpm_gives_the_check_value(tpm, tmp_path):
    assert _tpm_measure(tpm, [b"abc"], tmp_path).hex() == ABC_CHECK


# --------------------------------------------------------------------------------------------
# Blast radius
# --------------------------------------------------------------------------------------------
def test_k_of_n_check_values_and_enumeration():
    assert nitro.k_of_n_availability(2, 3, 0.999) == pytest.approx(0.999997002, abs=1e-12)
    assert nitro.k_of_n_availability(3, 5, 0.999) == pytest.approx(0.999999990015, abs=1e-14)
    for n in range(1, 7):
        for k in range(1, n + 1):
            for a in (0.0, 0.3, 0.9, 1.0):
                brute = sum(math.prod(a if up else 1 - a for up in states)
                            for states in itertools.product([True, False], repeat=n) if sum(states) >= k)
                assert nitro.k_of_n_availability(k, n, a) == pytest.approx(brute, abs=1e-14)


def test_single_failure_monte_carlo_matches_closed_form():
    for d, m, r in [(8, 4, 1), (96, 4, 1), (16, 3, 2)]:
        means = []
        for seed in range(6):
            res = nitro.simulate_single_failure(50, m, d, replicas=r, n_trials=400, rng=seed)
            means.append((res.volumes_touched.mean(), res.customers_touched.mean()))
        means = np.array(means)
        _within(means[:, 0], nitro.expected_volumes_touched(50 * m, d, r))
        _within(means[:, 1], nitro.expected_customers_touched(50, m, d, r))


def test_independent_failures_mean_matches_k_of_n():
    for r, k, a in [(1, 1, 0.98), (3, 2, 0.9), (3, 1, 0.8)]:
        means = [nitro.simulate_independent_failures(40, 5, 12, availability=a, replicas=r, needed=k,
                                                     n_trials=2000, rng=seed).volumes_unavailable.mean()
                 for seed in range(6)]
        _within(np.array(means), nitro.expected_unavailable_volumes(200, a, replicas=r, needed=k))


def test_bigger_domains_same_mean_wider_spread():
    """Same volumes, same availability: a few big servers and many small nodes lose the same on
    average, but the big servers lose it in big lumps (variance q(1-q) V^2 / d for balanced placement)."""
    few = nitro.simulate_independent_failures(100, 8, 4, availability=0.99, n_trials=20_000, rng=1)
    many = nitro.simulate_independent_failures(100, 8, 400, availability=0.99, n_trials=20_000, rng=1)
    assert few.volumes_unavailable.mean() == pytest.approx(8.0, abs=1.0)
    assert many.volumes_unavailable.mean() == pytest.approx(8.0, abs=0.5)
    assert few.volumes_unavailable.std() > 5 * many.volumes_unavailable.std()


def test_shuffle_sharding_combinatorics():
    assert nitro.shuffle_shard_count(8, 2) == 28
    assert nitro.shuffle_shard_count(100, 5) == 75_287_520
    pmf = nitro.shuffle_shard_overlap_pmf(8, 2)
    assert pmf.sum() == pytest.approx(1.0)
    assert pmf[-1] == pytest.approx(1 / 28)
    for n, k in [(8, 2), (10, 3), (16, 4)]:
        pmf = nitro.shuffle_shard_overlap_pmf(n, k)
        fractions = []
        for seed in range(5):
            overlaps = nitro.simulate_shuffle_sharding(n, k, n_trials=4000, rng=seed)
            fractions.append(np.bincount(overlaps, minlength=k + 1) / overlaps.size)
        fractions = np.array(fractions)
        for j in range(k + 1):
            se = math.sqrt(pmf[j] * (1 - pmf[j]) / (5 * 4000))
            assert abs(fractions[:, j].mean() - pmf[j]) < 4 * se + 1e-12


# --------------------------------------------------------------------------------------------
# Bad input, pose/solve, command line
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(io_placement="dom0"), ValueError, '"io_placement" must be one of'),
    (dict(guest_load=1.0), ValueError, r'"guest_load" must be in \[0, 1\)'),
    (dict(guest_load=0.0), ValueError, r'"guest_load" must be in \(0, 1\)'),
    (dict(guest_load=-0.1), ValueError, '"guest_load"'),
    (dict(io_load=1.2), ValueError, r'"io_load" must be in \[0, 1\)'),
    (dict(io_load=0.6), ValueError, r'"io_load" \+ "guest_load" must be < 1'),
    (dict(n_requests=-5), ValueError, '"n_requests" must be >= 1'),
    (dict(n_requests=10.0), TypeError, '"n_requests" must be an integer'),
    (dict(io_service_us=(5.0, -1.0, 2.0)), ValueError, '"io_service_us" must hold values > 0'),
    (dict(io_load_shares=(0.5, 0.5)), ValueError, '"io_load_shares" must have one share per I/O kind'),
    (dict(io_load_shares=(0.5, 0.6, -0.1)), ValueError, '"io_load_shares" must be >= 0 and sum to 1'),
    (dict(probe_work_us=0), ValueError, '"probe_work_us" must be > 0'),
    (dict(cores=2), TypeError, "unknown scenario parameter 'cores'"),
])
def test_host_bad_input(kwargs, error, match):
    call = dict(io_placement="shared", guest_load=0.5, io_load=0.3, n_requests=10, rng=0) | kwargs
    with pytest.raises(error, match=match):
        nitro.simulate_host(call.pop("io_placement"), **call)


def test_offload_accepts_io_load_the_shared_core_could_not():
    r = nitro.simulate_host("offload", guest_load=0.5, io_load=0.6, n_requests=10, rng=0)
    assert r.card_io_fraction > 0


@pytest.mark.parametrize("register, measurement, error, match", [
    (bytes(47), b"x", ValueError, '"register" must be 48 bytes'),
    (bytes(49), b"x", ValueError, '"register" must be 48 bytes'),
    ("00" * 48, b"x", TypeError, '"register" must be bytes'),
    (bytes(48), "abc", TypeError, '"measurement" must be bytes'),
    (bytes(48), None, TypeError, '"measurement" must be bytes'),
])
def test_register_bad_input(register, measurement, error, match):
    with pytest.raises(error, match=match):
        nitro.extend(register, measurement)


def test_other_bad_input():
    with pytest.raises(TypeError, match=r'"stages\[1\]" must be bytes'):
        nitro.measure_boot([b"a", "b"])
    with pytest.raises(ValueError, match='"reference" must hold at least one stage'):
        nitro.attest([b"a"], [])
    with pytest.raises(ValueError, match='"k" must be <= 3'):
        nitro.k_of_n_availability(4, 3, 0.9)
    with pytest.raises(ValueError, match=r'"availability" must be in \[0, 1\]'):
        nitro.k_of_n_availability(1, 3, 1.5)
    with pytest.raises(ValueError, match='"replicas" must be <= 4'):
        nitro.expected_volumes_touched(10, 4, 5)
    with pytest.raises(ValueError, match='"shard_size" must be <= 8'):
        nitro.shuffle_shard_count(8, 9)
    with pytest.raises(ValueError, match=r'"n_customers" x "volumes_per_customer" x max\("n_trials", "n_domains"\) is too large'):
        nitro.simulate_single_failure(10_000, 100, 8, n_trials=1000)
    with pytest.raises(ValueError, match=r'"percentile" must be in \[0, 100\)'):
        nitro.offload_latency_percentile_us(100, guest_load=0.5)
    with pytest.raises(TypeError, match='"problem" must be a Problem'):
        nitro.solve("host")


def test_pose_and_solve():
    for seed in range(20):
        for kind in nitro.PROBLEM_KINDS:
            problem = nitro.pose_problem(seed, kind=kind)
            solution = nitro.solve(problem)
            assert solution.value > 0 and "(s)" not in problem.statement and "_us" not in problem.statement
    p = nitro.pose_problem(0, kind="host")
    assert nitro.solve(p).value == pytest.approx(nitro.mean_latency_us(
        "shared", guest_load=p.params["guest_load"], io_load=p.params["io_load"],
        guest_service_us=p.params["guest_service_us"]))
    p = nitro.pose_problem(0, kind="trust")
    n, i = p.params["n_stages"], p.params["tampered_stage"]
    chain = [bytes([s]) * 8 for s in range(n)]
    bad = list(chain)
    bad[i - 1] = b"tampered"
    differ = sum(x != y for x, y in zip(nitro.measure_boot(chain), nitro.measure_boot(bad)))
    assert nitro.solve(p).value == differ


def test_command_line():
    out = subprocess.run([sys.executable, "-m", "labsupport.nitro", "--seed", "3", "--solve"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert "--seed 3" in out and out.count("\n") > 3


def test_edge_inputs_found_by_the_fuzz_give_named_errors():
    """Regressions from tests/test_properties.py (deep profile): each raised an unnamed error, hung or overflowed."""
    with pytest.raises(TypeError, match='"stages" must be a sequence of bytes'):
        nitro.measure_boot(np.array(0.0))  # was numpy's "iteration over a 0-d array"
    with pytest.raises(ValueError, match=r'"n_customers" must be <= 9007199254740992'):
        nitro.expected_customers_touched(10**400, 4, 8)  # was OverflowError
    with pytest.raises(ValueError, match=r'"replicas" must be <= 1000'):
        nitro.expected_unavailable_volumes(10, 0.9, replicas=2**31 - 1)  # was OverflowError after a long loop
    with pytest.raises(ValueError, match=r'"k" must be <= 1 \(the value of "n"\)'):
        nitro.k_of_n_availability(2, 1, 0.9)  # the message named only "k"
    with pytest.raises(ValueError, match=r'"shard_size" must be <= 1 \(the value of "n_nodes"\)'):
        nitro.shuffle_shard_count(1, 2)
    with pytest.raises(ValueError, match=r'"n_customers" x "volumes_per_customer"'):
        nitro.simulate_independent_failures(2**63, 10, 50, availability=0.99, n_trials=2000)
    # a tiny guest load stretched the run without bound (ZeroDivisionError, numpy's "Maximum allowed size
    # exceeded", "lam value too large", or ten seconds in SimPy)
    for load in (5e-324, 2.2250738585072014e-308):
        with pytest.raises(ValueError, match=r'"guest_load" = .* is too small for "n_requests"'):
            nitro.simulate_host("shared", guest_load=load, io_load=0.0, n_requests=200, rng=1)
    with pytest.raises(ValueError, match=r'at most 100,000 \(raise "guest_load"'):
        nitro.simulate_host_simpy("shared", guest_load=0.001, io_load=0.35, n_requests=200, rng=1)
    with pytest.raises(TypeError, match=r'"io_service_us" must be a sequence of numbers, got array\(0\.\)'):
        nitro.make_host_scenario(io_service_us=np.array(0.0))


def test_shuffle_sharding_bounds_its_fleet():
    """Regression from HYPOTHESIS_PROFILE=deep: math.comb of a 400-digit fleet ran without end."""
    with pytest.raises(ValueError, match=r'"n_nodes" must be <= 100000'):
        nitro.shuffle_shard_count(10**400, 2**63)
    with pytest.raises(ValueError, match=r'"shard_size" must be <= 1000'):
        nitro.shuffle_shard_overlap_pmf(100_000, 50_000)  # 50,001 exact binomials of 100,000
    with pytest.raises(ValueError, match=r'"n_nodes" must be <= 100000'):
        nitro.simulate_shuffle_sharding(2**31, 2, n_trials=1)
