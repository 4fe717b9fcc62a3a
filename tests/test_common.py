"""labsupport.common: validation messages, summaries, ECDF, answer checks and the pose/solve CLI."""
from __future__ import annotations

import math

import numpy as np
import pytest

from labsupport import common as c


@pytest.mark.parametrize("func, value, error, message", [
    (c.check_finite, "3", TypeError, r'"x" must be a real number, got \'3\' \(str\)'),
    (c.check_finite, True, TypeError, r'"x" must be a real number, got True'),
    (c.check_finite, math.nan, ValueError, r'"x" must be finite, got nan'),
    (c.check_finite, math.inf, ValueError, r'"x" must be finite, got inf'),
    (c.check_positive, 0, ValueError, r'"x" must be > 0, got 0.0'),
    (c.check_positive, -2.5, ValueError, r'"x" must be > 0, got -2.5'),
    (c.check_nonnegative, -1e-9, ValueError, r'"x" must be >= 0, got -1e-09'),
    (c.check_probability, 1.5, ValueError, r'"x" must be in \[0, 1\], got 1.5'),
    (c.check_probability, -0.1, ValueError, r'"x" must be in \[0, 1\], got -0.1'),
])
def test_validation_messages_name_parameter_and_value(func, value, error, message):
    with pytest.raises(error, match=message):
        func("x", value)


def test_probability_can_exclude_one():
    assert c.check_probability("p", 0.999, allow_one=False) == 0.999
    with pytest.raises(ValueError, match=r'"p" must be in \[0, 1\), got 1.0'):
        c.check_probability("p", 1.0, allow_one=False)


def test_check_int_refuses_floats_and_bools_and_bounds():
    assert c.check_int("n", np.int64(4), minimum=1) == 4
    with pytest.raises(TypeError, match=r'"n" must be an integer, got 3.0 \(float\)'):
        c.check_int("n", 3.0)
    with pytest.raises(TypeError, match=r'"n" must be an integer, got True'):
        c.check_int("n", True)
    with pytest.raises(ValueError, match=r'"n" must be >= 1, got 0'):
        c.check_int("n", 0, minimum=1)
    with pytest.raises(ValueError, match=r'"n" must be <= 10, got 11'):
        c.check_int("n", 11, maximum=10)


def test_check_choice():
    assert c.check_choice("protocol", "tcp", ("tcp", "srd")) == "tcp"
    with pytest.raises(ValueError, match=r'"protocol" must be one of \'tcp\', \'srd\', got \'udp\''):
        c.check_choice("protocol", "udp", ("tcp", "srd"))


def test_make_rng_accepts_seeds_and_generators_only():
    assert c.make_rng(5).random() == np.random.default_rng(5).random()
    g = np.random.default_rng(1)
    assert c.make_rng(g) is g
    with pytest.raises(TypeError, match=r'"rng" must be None, an int seed or a numpy Generator'):
        c.make_rng(np.random.RandomState(0))
    with pytest.raises(ValueError, match=r'"rng" seed must be >= 0, got -1'):
        c.make_rng(-1)


def test_summarize_matches_numpy_and_prints_units():
    x = np.random.default_rng(0).exponential(2.0, 10_001)
    s = c.summarize(x, unit="ms")
    assert s.n == 10_001 and s.mean == pytest.approx(x.mean())
    assert s[99.9] == pytest.approx(np.percentile(x, 99.9))
    assert str(s).startswith("n=10001: mean ") and str(s).endswith(" ms")


@pytest.mark.parametrize("bad, error, message", [
    ([], ValueError, r'"samples" must not be empty'),
    ([[1, 2]], ValueError, r'"samples" must be one-dimensional, got shape \(1, 2\)'),
    ([1, math.nan], ValueError, r'"samples" must be finite, got nan at index 1'),
    ("abc", TypeError, r'"samples" must be an array of numbers, got str'),
    (["a"], TypeError, r'"samples" must be an array of numbers'),
])
def test_summarize_rejects_bad_samples(bad, error, message):
    with pytest.raises(error, match=message):
        c.summarize(bad)


def test_summarize_rejects_bad_percentile():
    with pytest.raises(ValueError, match=r'"percentiles" must lie in \[0, 100\], got 101.0'):
        c.summarize([1.0, 2.0], [101])


def test_ecdf_is_sorted_and_ends_at_one():
    x, F = c.ecdf([3.0, 1.0, 2.0, 2.0])
    assert x.tolist() == [1.0, 2.0, 2.0, 3.0]
    assert F.tolist() == [0.25, 0.5, 0.75, 1.0]


def test_check_answer_verdicts():
    assert not c.check_answer("q", None, 1.0)
    assert "no answer yet" in str(c.check_answer("q", None, 1.0))
    right = c.check_answer("q", 1.01, 1.0)
    assert right and str(right) == "q: 1.01 is right."
    wrong = c.check_answer("q", 1.5, 1.0, hint="think again")
    assert not wrong and str(wrong) == "q: 1.5 is not right. Hint: think again"
    assert c.check_answer("q", 0.001, 0.0, abs_tol=0.01)
    with pytest.raises(TypeError, match=r'"given" must be a real number'):
        c.check_answer("q", "1", 1.0)


def test_progress_can_be_disabled():
    items = [1, 2, 3]
    assert c.progress(items, enabled=False) is items
    assert list(c.progress(items, desc="x")) == items


def test_run_cli_poses_and_solves(capsys):
    def pose(rng):
        return c.Problem("demo", f"What is 2 x {int(rng.integers(1, 10))}?", {})

    def solve(problem):
        return c.Solution(problem, 0.0, "the answer")

    assert c.run_cli("demo", "d", pose, solve, ["--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "--seed 4" in out and "What is 2 x" in out and "the answer" not in out
    c.run_cli("demo", "d", pose, solve, ["-s", "4", "-c"])
    assert "the answer" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        c.run_cli("demo", "d", pose, solve, ["--seed", "-1"])


# ------------------------------------------------------------------------------ issue 12: one validation path
@pytest.mark.parametrize("value", [2, 2.0, np.float32(2.0), np.int8(2), np.array(2.0), np.array(2), np.uint64(2)])
def test_real_numbers_include_numpy_scalars_and_0d_arrays(value):
    assert c.check_finite("x", value) == 2.0 and type(c.check_finite("x", value)) is float


@pytest.mark.parametrize("value", [True, np.bool_(False), "2", b"2", 2 + 0j, None, [2.0], np.array([2.0])])
def test_real_numbers_refuse_bools_strings_and_arrays(value):
    with pytest.raises(TypeError, match=r'"x" must be a real number'):
        c.check_finite("x", value)


def test_huge_integers_are_a_value_error_not_an_overflow():
    with pytest.raises(ValueError, match=r'"x" must be finite \(within the float range.*integer of 401 digits'):
        c.check_finite("x", 10**400)
    with pytest.raises(ValueError, match=r'"x" must be finite'):
        c.check_array("x", [1.0, 10**400])


@pytest.mark.parametrize("value", [3, np.int64(3), np.array(3), np.uint8(3)])
def test_counts_include_numpy_integers_and_0d_integer_arrays(value):
    assert c.check_int("n", value) == 3 and type(c.check_int("n", value)) is int


@pytest.mark.parametrize("value", [np.bool_(True), np.array(3.0), np.float64(3.0), "3"])
def test_counts_refuse_bools_floats_and_strings(value):
    with pytest.raises(TypeError, match=r'"n" must be an integer'):
        c.check_int("n", value)


@pytest.mark.parametrize("value, message", [
    ([True, 2.0], r"got a bool inside"),
    ([1.5, False], r"got a bool inside"),
    ([np.True_, 1], r"got a bool inside"),
    (np.array([True, False]), r"got booleans"),
    (["1", "2"], r"got strings"),
    ([1, "a"], r"got strings"),
    ([1.0, None], r"got None \(NoneType\) inside"),
    ([[1.0], [1.0, 2.0]], r"got list"),
    ([1 + 2j], r"got list of dtype complex128"),
])
def test_arrays_refuse_bools_and_strings_inside(value, message):
    with pytest.raises(TypeError, match=r'"x" must be an array of numbers, ' + message):
        c.check_array("x", value)


def test_array_shapes_and_bounds():
    assert c.check_array("x", np.array(2.0), ndim=None).shape == ()
    assert c.check_array("x", [[1, 2]], ndim=2).shape == (1, 2)
    assert c.check_array("x", [], allow_empty=True).size == 0
    with pytest.raises(ValueError, match=r'"x" must be >= 0, got -1.0 at index 1'):
        c.check_array("x", [1, -1], minimum=0.0)
    source = np.array([1.0, 2.0])
    assert c.check_array("x", source) is not source  # a copy: the model never writes into the caller's array


def test_summarize_near_the_float_maximum(recwarn):
    s = c.summarize([1e300, 1.7976931348623157e308], [50])  # the sum overflows; the mean does not
    assert s.mean == pytest.approx(1e300 / 2 + 1.7976931348623157e308 / 2, rel=1e-15)
    assert math.isfinite(s[50]) and len(recwarn) == 0
