"""Property tests (Hypothesis): every public model function keeps its promise over its whole domain.

Two parts.

1. **The edge sweep** covers every public function of every module in ``MODEL_MODULES`` (the list in
   ``tests/test_bad_input.py``: a new module joins both sweeps by being added there). A valid call is
   taken from the function's docstring example; Hypothesis then replaces one or two of its arguments by
   values drawn for that argument's kind (the kind is read off the example's value: a count, a real
   number, an array of reals, a flag, a string, an object): extremes (0, 5e-324, 1.8e308, huge
   integers such as 10**400), NaN and infinities, numpy scalars and 0-d arrays, lists holding strings
   or bools, and plain nonsense. The call must either return a valid result (no NaN, finite unless the
   function documents ``inf``, probabilities in [0, 1]) or raise a TypeError/ValueError whose message
   names a replaced parameter, with every warning turned into an error and within a time bound.
2. **Theory properties**: monotonicity and consistency the models promise (more leaves, more slow
   requests; a bigger pool, more hits; the fan-out budget agrees with the forward probability...).

Profiles: ``HYPOTHESIS_PROFILE=small`` (the default: derandomized, so ``make test`` is deterministic and
quick) and ``HYPOTHESIS_PROFILE=deep`` (``make fuzz``: many more, random examples, with a database in
``.hypothesis/`` that replays failures).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import importlib
import inspect
import math
import numbers
import os
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from test_bad_input import MODEL_MODULES, SKIP_NAMES, SKIP_PREFIXES, SKIP_SUFFIXES, example_call

settings.register_profile("small", max_examples=12, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                          print_blob=True)
settings.register_profile("deep", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "small"))

#: Seconds one call may take (the biggest valid inputs the strategies draw are small; a hang fails).
CALL_BOUND_S = float(os.environ.get("PROPERTY_CALL_BOUND_S", "5"))

# ----------------------------------------------------------------------------------------------
# Values by kind
# ----------------------------------------------------------------------------------------------
TINY, HUGE = 5e-324, 1.7976931348623157e308
REAL_EDGES = [0.0, -0.0, TINY, 2.2250738585072014e-308, 1e-300, 1e-9, 0.01, 0.5, 0.999999, 1.0, 1.5, 2.0,
              60.0, 1e6, 1e12, 1e300, HUGE, -TINY, -1.0, -1e300, math.nan, math.inf, -math.inf]
INT_EDGES = [0, 1, 2, 3, 7, 64, 2**31 - 1, 2**53, 2**63, 10**400, -1, -(10**400)]
NONSENSE = ["1", "", b"1", True, False, np.bool_(True), None, 1 + 2j, ["1", "2"], [True, False], [1.0, "a"],
            [1.0, True], [], [[1.0], [2.0, 3.0]], {"a": 1}, object()]


def _numpy_forms(values):
    """The same numbers as numpy scalars and 0-d arrays, which every real/count parameter accepts."""
    return values.flatmap(lambda v: st.sampled_from(_wrap(v)))


def _wrap(v):
    forms = [v]
    if isinstance(v, float):
        forms += [np.float64(v), np.array(v)]
        if v == 0 or abs(v) > 1e-30 and abs(v) < 1e30 or not math.isfinite(v):
            forms.append(np.float32(v))
    elif isinstance(v, int) and -(2**63) <= v < 2**63:
        forms += [np.int64(v), np.array(v)]
    return forms


reals = _numpy_forms(st.one_of(st.sampled_from(REAL_EDGES), st.floats(allow_nan=True, allow_infinity=True),
                               st.floats(0, 1), st.integers(-5, 1000)))
ints = _numpy_forms(st.one_of(st.sampled_from(INT_EDGES), st.integers(-2, 40)))
small_reals = st.one_of(st.sampled_from([0.0, TINY, 1e-300, 0.5, 1.0, 3.0, 1e6, 1e300, HUGE]),
                        st.floats(0, 100))
arrays = st.one_of(
    st.lists(small_reals, min_size=0, max_size=5),
    st.lists(small_reals, min_size=1, max_size=5).map(np.array),
    st.lists(st.sampled_from(REAL_EDGES), min_size=1, max_size=4),
    small_reals.map(np.array),  # 0-d
    st.lists(st.sampled_from([True, 1.0, "1", None, 10**400]), min_size=1, max_size=3),
)
nonsense = st.sampled_from(NONSENSE)


def kind_of(value):
    """What kind of argument a docstring example passes: decides which values to try instead."""
    if isinstance(value, (bool, np.bool_)):
        return "flag"
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "real"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "array"
    if isinstance(value, str):
        return "str"
    return "object"


def replacement(kind, base, name):
    """A strategy of values for a parameter of ``kind`` whose example value is ``base``."""
    if name == "rng":
        return st.one_of(st.just(base), st.integers(0, 2**64), st.sampled_from([-1, 1.5, "seed", True]))
    options = {
        "flag": st.one_of(st.booleans(), st.just(np.bool_(False)), st.sampled_from(["yes", 1, 0, None])),
        "int": st.one_of(ints, st.sampled_from([3.0, 2.5, math.nan, "3"])),
        "real": reals,
        "array": st.one_of(arrays, reals),
        "str": st.one_of(st.just(base), st.text(max_size=6)),
        "object": st.just(base),
    }[kind]
    return st.one_of(options, nonsense)


# ----------------------------------------------------------------------------------------------
# What a valid result looks like
# ----------------------------------------------------------------------------------------------
#: Functions that document an infinite result (T_C = inf when the pool holds everything; rho may be inf;
#: hedging can be switched off with d = inf).
INF_OK = {"che_characteristic_time", "che_approximation", "utilisation", "simulate_hedged"}
#: Result fields that are NaN by definition in some cases (documented in the result classes).
NAN_OK_FIELDS = {"hit_ratio_stderr", "seconds_simulated", "mean_warm_environments",
                 "sibling_burst_ms"}  # graviton.simulate_smt_pair: no bursts of a set length
#: Functions that model IEEE arithmetic itself: NaN in gives NaN out, and overflow rounds to inf, by definition.
IEEE_SEMANTICS = {"round_nearest", "round_stochastic", "round_reference", "neighbours", "ulp"}
#: Defects the sweep found in modules still being written, reported to their owners; an entry here turns the
#: module's failure into an expected one (non-strict) until it is fixed. Remove the entry with the fix.
KNOWN_DEFECTS: dict[str, str] = {}
#: Functions whose float result is a probability.
PROBABILITIES = {"fanout_slow_probability", "erlang_c", "ttl_warm_probability", "che_hit_ratio",
                 "ecmp_no_collision_probability", "birthday_collision_probability", "leaf_survival",
                 "fanout_survival", "hedged_survival", "mmc_sojourn_survival", "hedged_extra_load",
                 "collision_trials"}


def walk(value, field="", depth=0):
    """(field, float) pairs of every number inside a result (dataclasses, tuples, dicts, arrays)."""
    if depth > 4:
        return
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return
    if isinstance(value, numbers.Integral):
        yield field, 0.0  # any int is finite (a fan-out budget may exceed the float range)
    elif isinstance(value, numbers.Real):
        yield field, float(value)
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            for x in value.ravel()[:100_000].tolist():
                yield field, float(x)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from walk(getattr(value, f.name), f.name, depth + 1)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, field or str(k), depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from walk(v, field, depth + 1)


def assert_valid_result(name, result):
    if name in IEEE_SEMANTICS:
        return
    for field, x in walk(result, name):
        if math.isnan(x):
            assert field in NAN_OK_FIELDS, f"{name} returned NaN in {field!r}"
        elif math.isinf(x):
            assert name in INF_OK, f"{name} returned inf in {field!r}"
    if name in PROBABILITIES:
        values = np.atleast_1d(np.asarray(result, dtype=float))
        assert np.all((values >= 0) & (values <= 1)), f"{name} returned {result!r}, not a probability"


def call_checked(func, args, kwargs):
    """Call with every warning an error and a time bound; return (result, exception)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:  # numpy's overflow/divide/invalid warnings are errors here too; underflow to 0 is not a fault
            result, error = func(*args, **kwargs), None
        except (TypeError, ValueError) as exc:
            result, error = None, exc
    elapsed = time.perf_counter() - start
    assert elapsed < CALL_BOUND_S, f"{func.__qualname__} took {elapsed:.1f} s"
    return result, error


# ----------------------------------------------------------------------------------------------
# 1. The edge sweep over every public function
# ----------------------------------------------------------------------------------------------
def public_functions(*, with_parameters=True):
    """pytest params (func, example call) of the public functions that take parameters (or, with
    ``with_parameters=False``, of those that take none: there is nothing to vary, so they are called once)."""
    for module_name in MODEL_MODULES:
        module = importlib.import_module(f"labsupport.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (not callable(obj) or inspect.isclass(obj) or name.endswith(SKIP_SUFFIXES) or name in SKIP_NAMES
                    or name.startswith(SKIP_PREFIXES)):
                continue
            if bool(inspect.signature(obj).parameters) != with_parameters:
                continue
            call = example_call(module, name)
            if call is not None:
                key = f"{module_name}.{name}"
                marks = [pytest.mark.xfail(reason=KNOWN_DEFECTS[key], strict=False)] if key in KNOWN_DEFECTS else []
                yield pytest.param(obj, call, id=key, marks=marks)


def as_keywords(func, call):
    """The example's arguments as {name: value}; **kwargs entries count as parameters of their own."""
    signature = inspect.signature(func)
    bound = signature.bind(*call[0], **call[1])
    values = {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            values.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            raise NotImplementedError(func)
        else:
            values[name] = value
    for name, value in values.items():
        if isinstance(value, concurrent.futures.Executor):  # the example's pool is shut down after its block
            values[name] = None
    for name, parameter in signature.parameters.items():  # parameters left at their defaults vary too
        if name not in values and parameter.default is not inspect.Parameter.empty:
            values[name] = parameter.default
    return signature, values


def split_call(signature, values):
    args, kwargs = [], {}
    for name, value in values.items():
        parameter = signature.parameters.get(name)
        if parameter is not None and parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[name] = value
    return args, kwargs


@pytest.mark.parametrize("func, call", list(public_functions()))
@given(data=st.data())
def test_edge_inputs_give_a_valid_result_or_a_clear_error(func, call, data):
    signature, base = as_keywords(func, call)
    names = [n for n in base if kind_of(base[n]) != "object" or n == "rng"] or list(base)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True), label="replace")
    values = dict(base)
    for name in chosen:
        values[name] = data.draw(replacement(kind_of(base[name]), base[name], name), label=name)
    args, kwargs = split_call(signature, values)
    result, error = call_checked(func, args, kwargs)
    if error is not None:
        message = str(error)
        assert any(name in message for name in chosen), (
            f"{func.__qualname__}: {type(error).__name__} does not name {chosen}: {message}")
    else:
        assert_valid_result(func.__name__, result)


@pytest.mark.parametrize("func, call", list(public_functions(with_parameters=False)))
def test_functions_without_parameters_return_a_valid_result(func, call):
    result, error = call_checked(func, (), {})
    assert error is None, f"{func.__qualname__}() raised {error!r}"
    assert_valid_result(func.__name__, result)


# ----------------------------------------------------------------------------------------------
# 2. Properties from theory
# ----------------------------------------------------------------------------------------------
from labsupport import queueing, serverless, snapshots, srd, tails  # noqa: E402

probabilities = st.one_of(st.sampled_from([0.0, TINY, 1e-300, 1e-16, 1e-13, 1e-3, 0.5, 1 - 1e-16, 1.0]),
                          st.floats(0, 1))
open_probabilities = probabilities.filter(lambda p: 0 < p < 1)
fanouts = st.one_of(st.integers(1, 10**6), st.sampled_from([1, 2**53, 2**53 + 1, 10**30, 10**400]))


def quietly(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


@given(p=probabilities, n=fanouts, extra=st.integers(1, 10**6))
def test_more_leaves_more_slow_requests(p, n, extra):
    a = quietly(tails.fanout_slow_probability, p, n)
    b = quietly(tails.fanout_slow_probability, p, n + extra)
    assert 0 <= a <= b <= 1


@given(p=open_probabilities, target=open_probabilities)
def test_fanout_budget_agrees_with_the_forward_probability(p, target):
    n = quietly(tails.fanout_for_slow_probability, p, target)
    assert n >= 0
    if n >= 1:
        assert tails.fanout_slow_probability(p, n) <= target
    after = tails.fanout_slow_probability(p, n + 1)
    if n < 2**40 and after != tails.fanout_slow_probability(p, max(n, 1)):  # not on a flat run of rounding
        assert after > target


@given(servers=st.integers(1, 300), rho=st.floats(1e-9, 1 - 1e-9), step=st.floats(1e-6, 0.5))
def test_erlang_c_is_a_probability_increasing_in_load(servers, rho, step):
    low = quietly(queueing.erlang_c, servers, rho * servers)
    high_rho = rho + step * (1 - rho)
    assume(high_rho < 1)
    high = quietly(queueing.erlang_c, servers, high_rho * servers)
    assert 0 <= low <= high + 1e-15 <= 1 + 1e-15


@given(servers=st.integers(1, 50), rho=st.floats(1e-6, 1 - 1e-6),
       mu=st.sampled_from([1e-300, 1e-9, 1.0, 1e9, 1e300]),
       t=st.lists(st.floats(0, 1e3), min_size=2, max_size=6))
def test_sojourn_survival_decreases_from_one(servers, rho, mu, t):
    lam = rho * servers * mu
    assume(lam > 0 and lam < servers * mu)
    times = np.sort(np.asarray(t)) / mu
    s = quietly(queueing.mmc_sojourn_survival, times, lam, mu, servers)
    assert np.all((s >= 0) & (s <= 1 + 1e-15))
    assert np.all(np.diff(s) <= 1e-15)
    assert float(quietly(queueing.mmc_sojourn_survival, 0.0, lam, mu, servers)) == pytest.approx(1.0)


@given(servers=st.integers(1, 20), rhos=st.lists(st.floats(1e-6, 1 - 1e-6), min_size=2, max_size=5),
       q=st.floats(0, 99.99))
def test_sojourn_percentiles_increase_with_load(servers, rhos, q):
    lams = np.sort(np.asarray(rhos)) * servers
    p = quietly(queueing.mmc_sojourn_percentiles, lams, 1.0, servers, q)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    assert np.all(np.diff(p) >= -1e-9 * p[1:])


@given(rates=st.lists(st.sampled_from([TINY, 1e-300, 1e-3, 1.0, 7.0, 1e300, HUGE]) | st.floats(0, 1e3),
                      min_size=1, max_size=8),
       capacity=st.integers(1, 9))
def test_a_bigger_lru_pool_hits_more(rates, capacity):
    assume(any(r > 0 for r in rates))
    small = quietly(serverless.che_hit_ratio, rates, capacity)
    big = quietly(serverless.che_hit_ratio, rates, capacity + 1)
    assert 0 <= small <= big + 1e-12 <= 1 + 1e-12


@given(rate=st.floats(0, HUGE), keep=st.floats(0, HUGE), factor=st.floats(1, 10))
def test_ttl_warm_probability_increases_with_rate_and_keep_alive(rate, keep, factor):
    a = quietly(serverless.ttl_warm_probability, rate, keep)
    b = quietly(serverless.ttl_warm_probability, min(rate * factor, HUGE), keep)
    assert 0 <= a <= b <= 1


@given(n=st.integers(0, 3 * 10**6) | st.sampled_from([10**9, 2**53]),
       m=st.integers(1, 10**12) | st.sampled_from([2**53]), extra=st.integers(1, 1000))
def test_ecmp_collisions_grow_with_flows(n, m, extra):
    a = quietly(srd.ecmp_no_collision_probability, n, m)
    b = quietly(srd.ecmp_no_collision_probability, n + extra, m)
    assert 0 <= b <= a <= 1
    used = quietly(srd.expected_paths_used, n, m)
    assert 0 <= used <= min(n, m) * (1 + 1e-12)


@given(n=st.integers(0, 10**200), bits=st.integers(1, 1024))
def test_birthday_probability_rises_with_tokens_and_falls_with_bits(n, bits):
    p = quietly(snapshots.birthday_collision_probability, n, bits)
    assert 0 <= p <= 1
    assert quietly(snapshots.birthday_collision_probability, n + 1, bits) >= p
    if bits < 1024:
        assert quietly(snapshots.birthday_collision_probability, n, bits + 1) <= p


@given(srtt=st.floats(0, HUGE), var=st.floats(0, HUGE), lo=st.floats(1e-300, 1e12), span=st.floats(1, 1e6),
       k=st.integers(0, 63))
def test_tcp_rto_stays_between_floor_and_ceiling(srtt, var, lo, span, k):
    hi = lo * span
    rto = quietly(srd.tcp_rto_us, srtt, var, rto_min_us=lo, rto_max_us=hi, backoffs=k)
    assert lo <= rto <= hi
    assert quietly(srd.tcp_rto_us, srtt, var, rto_min_us=lo, rto_max_us=hi, backoffs=k + 1) >= rto


@given(host=st.floats(1, 1e12), fn=st.floats(1e-3, 1e6), o1=st.floats(0, 1e6), o2=st.floats(0, 1e6))
def test_more_overhead_fewer_slots(host, fn, o1, o2):
    low, high = sorted([o1, o2])
    assume(host / (fn + low) < 2**40)
    assert quietly(serverless.slots_per_host, host, fn, low) >= quietly(serverless.slots_per_host, host, fn, high)


@given(t=st.lists(st.floats(0, 1e6), min_size=2, max_size=6), fanout=fanouts)
def test_leaf_and_fanout_survival_decrease_in_time(t, fanout):
    times = np.sort(np.asarray(t))
    leaf = quietly(tails.leaf_survival, times)
    fan = quietly(tails.fanout_survival, times, tails.LeafLatency(), fanout)
    for s in (leaf, fan):
        assert np.all((s >= 0) & (s <= 1)) and np.all(np.diff(s) <= 1e-15)
    assert np.all(fan >= leaf - 1e-15)  # waiting for many leaves is never faster than for one
