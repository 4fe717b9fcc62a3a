"""What every lab needs: input checks, latency summaries, answer checking and the pose/solve command line.

Every mechanism module (``labsupport.queueing``, ``labsupport.srd``, ...) builds on these helpers so
that a percentile, an error message or a ``--seed/--solve`` run looks the same in every chapter.
The book explains the ideas in the chapter "Measuring performance: tails, queues and fan-out".
"""
from __future__ import annotations

import argparse
import math
import os
import numbers
from dataclasses import dataclass, field, replace
from collections.abc import Iterable
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "DEFAULT_PERCENTILES",
    "LatencySummary",
    "AnswerCheck",
    "audit_answer_check",
    "run_sweep",
    "fit_lines",
    "check_finite",
    "check_positive",
    "check_nonnegative",
    "check_probability",
    "check_int",
    "check_choice",
    "check_bool",
    "check_str",
    "check_percentiles",
    "check_array",
    "check_result_finite",
    "make_rng",
    "summarize",
    "ecdf",
    "check_answer",
    "progress",
    "run_cli",
]

#: Percentiles reported by default, in percent.
DEFAULT_PERCENTILES: tuple[float, ...] = (50.0, 90.0, 99.0, 99.9)


# ----------------------------------------------------------------------------------------------
# Validation at the boundary: every message names the parameter and the value it got.
#
# The one place that decides what the models accept:
#   a real number  - a Python int or float, a numpy integer or float scalar, or a 0-d numpy array of one
#                    (bools, numpy bools, strings and complex numbers are refused);
#   a count        - a Python int, a numpy integer scalar or a 0-d integer array (never a float, not even 3.0);
#   an array       - a list, tuple or numpy array whose every element is a real number as above
#                    (a bool or a string anywhere inside is refused, not silently read as 1 or parsed).
# Every model module validates through check_finite / check_positive / check_nonnegative /
# check_probability / check_int / check_array, so the rules are the same everywhere.
# ----------------------------------------------------------------------------------------------
_REAL_KINDS = "iuf"  # numpy dtype kinds that are real numbers (b = bool, c = complex, U/S = strings are not)
_MAX_SHOWN = 60


def _show(value: Any) -> str:
    """``repr(value)``, shortened when huge (a 400-digit integer, a long list) so messages stay readable."""
    text = repr(value)
    if len(text) <= _MAX_SHOWN:
        return text
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"an integer of {len(str(abs(int(value))))} digits ({text[:12]}...)"
    return text[:_MAX_SHOWN - 3] + "..."


def _is_real(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in _REAL_KINDS


def _is_integer(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Integral):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu"


def _to_float(name: str, value: Any) -> float:
    """float(value) for a real number, turning an overflow (a huge integer) into a clear ValueError."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f'"{name}" must be finite (within the float range, about 1.8e308), '
                         f'got {_show(value)}') from None


def check_finite(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : object
        What the caller passed: a Python int or float, a numpy integer or float scalar, or a 0-d
        numpy array holding one.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number (booleans, strings and complex numbers are refused).
    ValueError
        If ``value`` is NaN or infinite, or an integer too large for a float.

    Examples
    --------
    >>> check_finite("rate", 2)
    2.0
    >>> check_finite("rate", np.array(0.5))
    0.5
    """
    if not _is_real(value):
        raise TypeError(f'"{name}" must be a real number, got {_show(value)} ({type(value).__name__})')
    value = _to_float(name, value)
    if not math.isfinite(value):
        raise ValueError(f'"{name}" must be finite, got {value!r}')
    return value


def check_positive(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or not > 0.

    Examples
    --------
    >>> check_positive("service_rate", 1.5)
    1.5
    """
    value = check_finite(name, value)
    if value <= 0:
        raise ValueError(f'"{name}" must be > 0, got {value!r}')
    return value


def check_nonnegative(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or is negative.
    """
    value = check_finite(name, value)
    if value < 0:
        raise ValueError(f'"{name}" must be >= 0, got {value!r}')
    return value


def check_probability(name: str, value: Any, *, allow_one: bool = True) -> float:
    """Return ``value`` as a float if it is a probability in [0, 1] (or [0, 1)), else raise.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : object
        What the caller passed.
    allow_one : bool, default=True
        Whether 1 itself is allowed.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is outside the allowed interval.
    """
    value = check_finite(name, value)
    upper_ok = value <= 1 if allow_one else value < 1
    if value < 0 or not upper_ok:
        interval = "[0, 1]" if allow_one else "[0, 1)"
        raise ValueError(f'"{name}" must be in {interval}, got {value!r}')
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer within the bounds, else raise.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : object
        What the caller passed: a Python int, a numpy integer scalar or a 0-d integer array. Floats
        are refused even when whole (``3.0``), so that a rate passed where a count belongs is caught;
        so are booleans.
    minimum, maximum : int, optional
        Inclusive bounds.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` is outside the bounds.

    Examples
    --------
    >>> check_int("servers", 3, minimum=1)
    3
    """
    if not _is_integer(value):
        raise TypeError(f'"{name}" must be an integer, got {_show(value)} ({type(value).__name__})')
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f'"{name}" must be >= {minimum}, got {_show(value)}')
    if maximum is not None and value > maximum:
        raise ValueError(f'"{name}" must be <= {maximum}, got {_show(value)}')
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is True or False (a numpy bool too), else raise TypeError.

    A flag given as a string or a number is almost always a mistake ("no" is truthy), so it is refused.

    Examples
    --------
    >>> check_bool("spray", True)
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f'"{name}" must be True or False, got {value!r}')
    return bool(value)


def check_str(name: str, value: Any) -> str:
    """Return ``value`` if it is a string, else raise TypeError naming the parameter.

    Examples
    --------
    >>> check_str("unit", "ms")
    'ms'
    """
    if not isinstance(value, str):
        raise TypeError(f'"{name}" must be a string, got {value!r} ({type(value).__name__})')
    return value


def check_percentiles(name: str, value: Any, *, allow_100: bool = True) -> tuple[float, ...]:
    """Return ``value`` as a tuple of percentiles in [0, 100] (or [0, 100)), else raise.

    Examples
    --------
    >>> check_percentiles("percentiles", [50, 99.9])
    (50.0, 99.9)
    """
    if isinstance(value, (str, bytes)) or not (isinstance(value, Iterable) or _is_real(value)):
        raise TypeError(f'"{name}" must be an iterable of percentiles, got {_show(value)}')
    if isinstance(value, Iterable) and not isinstance(value, (list, tuple, np.ndarray)):
        value = list(value)  # a generator or a range
    out = tuple(check_array(name, value, ndim=None, allow_empty=True).ravel().tolist())
    for q in out:
        if q < 0 or q > 100 or (q == 100 and not allow_100):
            interval = "[0, 100]" if allow_100 else "[0, 100)"
            raise ValueError(f'"{name}" must lie in {interval}, got {q!r}')
    return out


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ValueError naming them.

    Examples
    --------
    >>> check_choice("protocol", "srd", ("tcp", "srd"))
    'srd'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f'"{name}" must be one of {", ".join(map(repr, choices))}, got {value!r}')
    return value


def make_rng(rng: Any = None) -> np.random.Generator:
    """Turn ``rng`` (None, an int seed, a SeedSequence or a Generator) into a numpy Generator.

    Raises
    ------
    TypeError
        If ``rng`` is none of these (a legacy ``RandomState`` or a float, say).

    Examples
    --------
    >>> int(make_rng(7).integers(10))
    9
    """
    if rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f'"rng" seed must be >= 0, got {rng!r}')
        return np.random.default_rng(int(rng))
    raise TypeError(f'"rng" must be None, an int seed or a numpy Generator, got {rng!r}')


def check_array(name: str, value: Any, *, ndim: int | None = 1, allow_empty: bool = False,
                minimum: float | None = None) -> np.ndarray:
    """Return ``value`` as an array of finite floats, or raise.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : array_like
        What the caller passed: a list, tuple or numpy array of real numbers (see :func:`check_finite`).
        A boolean or a string anywhere inside is refused rather than read as 1 or parsed.
    ndim : int or None, default=1
        Required number of dimensions; None accepts any shape, a scalar (0-d) included.
    allow_empty : bool, default=False
        Whether an array with no element is accepted.
    minimum : float, optional
        If given, every element must be >= ``minimum``.

    Returns
    -------
    numpy.ndarray of float
        A new array (never a view of the caller's), of the input's shape.

    Raises
    ------
    TypeError
        If ``value`` is a string, holds booleans, strings or anything else that is not a real
        number, or cannot be read as an array.
    ValueError
        If it has the wrong number of dimensions, is empty, holds NaN, infinity or an integer too large
        for a float, or an element is below ``minimum`` (the message gives the first offending value and
        its index).

    Examples
    --------
    >>> check_array("rates_per_s", [1, 2.5]).tolist()
    [1.0, 2.5]
    >>> check_array("t", 3.0, ndim=None).shape
    ()
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f'"{name}" must be an array of numbers, got {type(value).__name__}')
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting, objects numpy cannot hold
        raise TypeError(f'"{name}" must be an array of numbers, got {type(value).__name__}') from None
    kind = raw.dtype.kind
    if kind == "O":  # huge ints, numpy scalars mixed with objects, nonsense: look at each element
        elements = raw.ravel().tolist() if raw.ndim else [raw.item()]
        for element in elements:
            if not _is_real(element):
                raise TypeError(f'"{name}" must be an array of numbers, got {_show(element)} '
                                f'({type(element).__name__}) inside')
        try:
            arr = np.array([float(e) for e in elements], dtype=float).reshape(raw.shape)
        except OverflowError:
            arr = np.array([_to_float(name, e) for e in elements], dtype=float).reshape(raw.shape)
    elif kind in _REAL_KINDS:
        if not isinstance(value, np.ndarray) and raw.size:
            # numpy reads [True, 2] as integers and [1.5, False] as floats: find a hidden bool
            types = set(map(type, np.asarray(value, dtype=object).ravel().tolist()))
            if bool in types or np.bool_ in types:
                raise TypeError(f'"{name}" must be an array of numbers, got a bool inside')
        arr = np.array(raw, dtype=float)
    elif kind == "b":
        raise TypeError(f'"{name}" must be an array of numbers, got booleans')
    elif kind in "US":
        raise TypeError(f'"{name}" must be an array of numbers, got strings ({type(value).__name__} of {raw.dtype})')
    else:
        raise TypeError(f'"{name}" must be an array of numbers, got {type(value).__name__} of dtype {raw.dtype}')
    if ndim is not None and arr.ndim != ndim:
        what = "one-dimensional" if ndim == 1 else f"{ndim}-dimensional"
        raise ValueError(f'"{name}" must be {what}, got shape {arr.shape}')
    if arr.size == 0 and not allow_empty:
        raise ValueError(f'"{name}" must not be empty')
    flat = arr.ravel()
    bad = ~np.isfinite(flat)
    if bad.any():
        index = int(np.argmax(bad))
        raise ValueError(f'"{name}" must be finite, got {float(flat[index])!r} at index {index}')
    if minimum is not None:
        low = flat < minimum
        if low.any():
            index = int(np.argmax(low))
            raise ValueError(f'"{name}" must be >= {minimum:g}, got {float(flat[index])!r} at index {index}')
    return arr


def check_result_finite(what: str, compute: Callable[[], Any], **params: Any) -> Any:
    """Return ``compute()`` if every number in it is finite, else raise ValueError naming ``params``.

    For closed forms whose inputs are each valid but whose result leaves the float range (a product
    of huge sizes, a time divided by a subnormal rate): the caller gets a clear error naming the
    parameters and their values instead of ``inf``, ``nan``, an OverflowError or a ZeroDivisionError.
    numpy's overflow warnings inside ``compute`` are silenced (the overflow is reported as the error).

    Parameters
    ----------
    what : str
        What is computed, for the message ("the step time").
    compute : callable
        Takes no argument; returns a number or an array.
    **params
        The parameters the result depends on, as name=value.

    Raises
    ------
    ValueError
        If the result is not finite (or computing it overflowed or divided by zero).

    Examples
    --------
    >>> check_result_finite("the product", lambda: 2.0 * 3, a=2.0, b=3)
    6.0
    >>> check_result_finite("the product", lambda: 1e300 * 1e300, a=1e300)
    Traceback (most recent call last):
    ...
    ValueError: the product is beyond the float range (about 1.8e308) for "a" = 1e+300
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        try:
            value = compute()
            finite = bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
        except (OverflowError, ZeroDivisionError):
            finite = False
    if not finite:
        shown = ", ".join(f'"{name}" = {_show(v)}' for name, v in params.items())
        raise ValueError(f"{what} is beyond the float range (about 1.8e308) for {shown}")
    return value


# ----------------------------------------------------------------------------------------------
# Latency summaries
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LatencySummary:
    """Mean and percentiles of a latency sample.

    Attributes
    ----------
    n : int
        Number of samples.
    mean : float
        Sample mean, in ``unit``.
    percentiles : dict of float to float
        Percentile (in percent, e.g. 99.9) -> value, in ``unit``.
    unit : str
        Unit of the samples (e.g. ``"ms"``); only used for printing.
    """

    n: int
    mean: float
    percentiles: dict
    unit: str = ""

    def __getitem__(self, q: float) -> float:
        """The ``q``-th percentile, e.g. ``summary[99.9]``."""
        return self.percentiles[float(q)]

    def __str__(self) -> str:
        parts = [f"mean {self.mean:.4g}"]
        parts += [f"p{q:g} {v:.4g}" for q, v in self.percentiles.items()]
        unit = f" {self.unit}" if self.unit else ""
        return f"n={self.n}: " + ", ".join(parts) + unit


def summarize(samples: Any, percentiles: Iterable[float] = DEFAULT_PERCENTILES, *, unit: str = "") -> LatencySummary:
    """Mean and percentiles of a latency sample.

    Parameters
    ----------
    samples : array_like of float, shape (n,)
        Latencies (any unit; all samples must be finite).
    percentiles : iterable of float, default=(50, 90, 99, 99.9)
        Percentiles to report, in percent (0..100).
    unit : str, default=""
        Unit label carried for printing.

    Returns
    -------
    LatencySummary

    Raises
    ------
    TypeError, ValueError
        If ``samples`` is empty, not 1-D or not finite, or a percentile is outside [0, 100].

    Examples
    --------
    >>> print(summarize([1, 2, 3, 4, 100], [50], unit="ms"))
    n=5: mean 22, p50 3 ms
    """
    arr = check_array("samples", samples)
    qs = check_percentiles("percentiles", percentiles)
    unit = check_str("unit", unit)
    with np.errstate(over="ignore", invalid="ignore"):  # samples near 1.8e308: redo on a scaled copy
        mean = float(arr.mean())
        values = np.percentile(arr, qs) if qs else np.array([])
        if not (math.isfinite(mean) and np.all(np.isfinite(values))):
            scale = float(np.max(np.abs(arr)))
            mean = float(np.mean(arr / scale)) * scale
            values = np.percentile(arr / scale, qs) * scale if qs else values
    return LatencySummary(
        n=int(arr.size),
        mean=mean,
        percentiles={float(q): float(v) for q, v in zip(qs, values)},
        unit=unit,
    )


def ecdf(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    """Empirical CDF of a sample.

    Parameters
    ----------
    samples : array_like of float, shape (n,)

    Returns
    -------
    x : numpy.ndarray, shape (n,)
        The sorted samples.
    F : numpy.ndarray, shape (n,)
        ``F[i]`` is the fraction of samples <= ``x[i]`` ((i + 1) / n).

    Examples
    --------
    >>> ecdf([3, 1, 2])[1].tolist()
    [0.3333333333333333, 0.6666666666666666, 1.0]
    """
    arr = np.sort(check_array("samples", samples))
    return arr, np.arange(1, arr.size + 1) / arr.size


# ----------------------------------------------------------------------------------------------
# Answer checking for exercises
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on a student's answer; prints as one line the student can read.

    Attributes
    ----------
    name : str
        What was asked (e.g. ``"p99 sojourn time (ms)"``).
    given : float or None
        The student's answer (None: not answered yet).
    correct : bool
        Whether ``given`` is within tolerance of the expected value.
    hint : str
        Shown when the answer is wrong.
    """

    name: str
    given: Any
    correct: bool
    hint: str = ""
    expected: float = field(default=math.nan, repr=False)
    rel_tol: float = field(default=0.02, repr=False)
    abs_tol: float = field(default=0.0, repr=False)

    def retry(self, given: Any) -> "AnswerCheck":
        """The verdict the same check gives to another answer (the course's tests use it to prove that
        every exercise accepts the right answer and rejects 0, half and double of it).

        Examples
        --------
        >>> check = check_answer("mean wait (s)", None, 2.0)
        >>> bool(check.retry(2.01)), bool(check.retry(1.0))
        (True, False)
        """
        if given is None:
            return replace(self, given=None, correct=False)
        given_f = check_finite("given", given)
        ok = math.isclose(given_f, self.expected, rel_tol=self.rel_tol, abs_tol=self.abs_tol)
        return replace(self, given=given, correct=ok)

    def __str__(self) -> str:
        if self.given is None:
            return f"{self.name}: no answer yet.\nPut your answer in place of None and run the cell again."
        if self.correct:
            return f"{self.name}: {self.given!r} is right."
        hint = f" Hint: {self.hint}" if self.hint else ""
        return f"{self.name}: {self.given!r} is not right.{hint}"

    __repr__ = __str__

    def __bool__(self) -> bool:
        return self.correct


def check_answer(name: str, given: Any, expected: float, *, rel_tol: float = 0.02, abs_tol: float = 0.0,
                 hint: str = "") -> AnswerCheck:
    """Compare a student's numeric answer with the expected one.

    Parameters
    ----------
    name : str
        What was asked, echoed in the verdict.
    given : float or None
        The student's answer; None means "not answered yet".
    expected : float
        The right answer (computed by the lab, never typed in).
    rel_tol : float, default=0.02
        Relative tolerance (2 % by default).
    abs_tol : float, default=0.0
        Absolute tolerance, for answers near zero.
    hint : str, default=""
        Shown when the answer is wrong.

    Returns
    -------
    AnswerCheck
        Truthy when right; prints as a one-line verdict.

    Raises
    ------
    TypeError
        If ``given`` is neither None nor a real number.

    Examples
    --------
    >>> check_answer("mean wait (s)", 2.0, 2.01)
    mean wait (s): 2.0 is right.
    """
    name = check_str("name", name)
    hint = check_str("hint", hint)
    expected = check_finite("expected", expected)
    rel_tol = check_nonnegative("rel_tol", rel_tol)
    abs_tol = check_nonnegative("abs_tol", abs_tol)
    check = AnswerCheck(name, None, False, hint, expected, rel_tol, abs_tol).retry(given)
    if os.environ.get(AUDIT_ENV):
        audit_answer_check(check)
    return check


#: Set (to anything) in the environment of the course's tests and of ``make labs``: every exercise check
#: the labs make then proves, as it runs, that it tells the right answer from clearly wrong ones.
AUDIT_ENV = "LABSUPPORT_AUDIT_EXERCISES"


def audit_answer_check(check: AnswerCheck) -> None:
    """Raise AssertionError unless ``check`` accepts its right answer and rejects 0, half and double.

    A check whose tolerance is too loose teaches nothing (an ``abs_tol`` of 1e-3 around an answer of
    7e-7 calls 0.0 right). For a right answer of 0 the wrong answers tried are -1 and 1.

    Examples
    --------
    >>> audit_answer_check(check_answer("p99 (ms)", None, 23.0))
    >>> audit_answer_check(check_answer("collision probability", None, 7.1e-7, abs_tol=1e-3))
    Traceback (most recent call last):
    ...
    AssertionError: exercise check 'collision probability' accepts 0 although the right answer is 7.1e-07
    """
    if not isinstance(check, AnswerCheck):
        raise TypeError(f'"check" must be an AnswerCheck (from check_answer), got {check!r}')
    e = check.expected
    if not check.retry(e):
        raise AssertionError(f"exercise check {check.name!r} rejects its own right answer {e!r}")
    wrong = {"-1": -1.0, "1": 1.0} if e == 0 else {"0": 0.0, "half": e / 2, "double": e * 2}
    for label, value in wrong.items():
        if check.retry(value):
            raise AssertionError(f"exercise check {check.name!r} accepts {label} although the right answer is {e!r}")


# ----------------------------------------------------------------------------------------------
# Progress bars for long sweeps
# ----------------------------------------------------------------------------------------------
def progress(iterable: Iterable, *, total: int | None = None, desc: str = "", enabled: bool = True) -> Iterable:
    """Wrap a sweep in a ``tqdm.auto`` progress bar (a widget in Jupyter, text in a terminal).

    Parameters
    ----------
    iterable : iterable
        The sweep's points.
    total : int, optional
        Number of points, if ``iterable`` has no length.
    desc : str, default=""
        Label shown before the bar.
    enabled : bool, default=True
        False returns ``iterable`` unchanged (tests, benchmarks).
    """
    if not check_bool("enabled", enabled):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False)


def run_sweep(func: Callable[..., Any], jobs: Sequence[tuple], *, executor: Any = None, progress_bar: bool = True,
              desc: str = "") -> list:
    """Run ``func(*job)`` for every job, in order, serially or on an executor; return the results in order.

    The course's long sweeps (``queueing.percentiles_vs_utilisation``, ``srd.load_sweep``) give every job its
    own child seed *before* dispatching, so the results are identical whether the jobs run here, on a
    process pool or on a Dask cluster, and in whatever order they finish.

    Parameters
    ----------
    func : callable
        A module-level function (an executor may pickle it to another process).
    jobs : sequence of tuple
        The positional arguments of each call.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Anything with ``submit(func, *args) -> future`` whose futures have ``result()``; None runs serially.
    progress_bar : bool, default=True
        Show a progress bar as results arrive.
    desc : str, default=""
        The progress bar's label.

    Returns
    -------
    list
        ``[func(*job) for job in jobs]``.

    Raises
    ------
    TypeError
        If ``func`` is not callable, a job is not a tuple, or ``executor`` has no ``submit``.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     run_sweep(pow, [(2, 3), (3, 2)], executor=pool, progress_bar=False)
    [8, 9]
    """
    if not callable(func):
        raise TypeError(f'"func" must be callable, got {func!r}')
    if isinstance(jobs, (str, bytes)) or not isinstance(jobs, Iterable):
        raise TypeError(f'"jobs" must be a sequence of argument tuples, got {jobs!r}')
    try:
        jobs = list(jobs)
    except TypeError:  # an iterable that cannot be iterated, such as a 0-d array
        raise TypeError(f'"jobs" must be a sequence of argument tuples, got {jobs!r}') from None
    for job in jobs:
        if not isinstance(job, tuple):
            raise TypeError(f'"jobs" must hold tuples of arguments, got {job!r}')
    progress_bar = check_bool("progress_bar", progress_bar)
    desc = check_str("desc", desc)
    if executor is None:
        return [func(*job) for job in progress(jobs, desc=desc, enabled=progress_bar)]
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(f'"executor" must have a submit(func, *args) method, got {executor!r}')
    futures = [executor.submit(func, *job) for job in jobs]
    return [f.result() for f in progress(futures, total=len(futures), desc=desc, enabled=progress_bar)]


def fit_lines(text: str, width: int = 68, *, prose: bool = False) -> str:
    """Wrap a problem's statement or working to ``width`` columns, so that it fits a phone's line.

    Prose wraps at spaces; a long equation breaks before an " = " (the last one within ``width``, else
    the first), and its continuation lines are indented. With ``prose=True`` the text is one paragraph, wrapped at spaces only.

    Parameters
    ----------
    text : str
        The statement or working, lines separated by newlines.
    width : int, default=68
        The widest line, in characters (>= 20).
    prose : bool, default=False
        Treat ``text`` as one paragraph.

    Returns
    -------
    str

    Examples
    --------
    >>> print(fit_lines("t = 2 (p - 1) alpha + 2 (p - 1) / p n beta = 1.26 ms", width=40))
    t = 2 (p - 1) alpha + 2 (p - 1) / p n beta
        = 1.26 ms
    """
    import textwrap

    text = check_str("text", text)
    width = check_int("width", width, minimum=20)
    if check_bool("prose", prose):
        return textwrap.fill(" ".join(text.split("\n")), width)
    out = []
    for line in text.split("\n"):
        while len(line) > width and line.find(" = ", 5) > 0:
            first = line.find(" = ", 5)
            cut = max(first, line.rfind(" = ", 5, width))
            out.append(line[:cut])
            line = "    " + line[cut + 1:]
        out.extend(textwrap.wrap(line, width, subsequent_indent="    " if line.startswith("    ") else "")
                   or [""])
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# The OSTEP-style command line: --seed poses a problem, --solve prints its answer.
# ----------------------------------------------------------------------------------------------
def run_cli(prog: str, description: str, pose: Callable[..., Any], solve: Callable[[Any], Any],
            argv: Sequence[str] | None = None) -> int:
    """Run a module's pose/solve command line.

    ``pose(rng)`` returns a problem whose ``str()`` states it with every parameter echoed;
    ``solve(problem)`` returns a solution whose ``str()`` gives the answer.

    Parameters
    ----------
    prog : str
        Program name (``python -m labsupport.queueing``).
    description : str
        One paragraph shown by ``--help``.
    pose : callable
        ``pose(rng) -> problem``.
    solve : callable
        ``solve(problem) -> solution``.
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0).
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("-s", "--seed", type=int, default=0, help="seed of the random problem (default 0)")
    parser.add_argument("-c", "--solve", action="store_true", help="also print the answer")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f'"--seed" must be >= 0, got {args.seed}')
    problem = pose(np.random.default_rng(args.seed))
    print(f"# {prog} --seed {args.seed}")
    print(problem)
    if args.solve:
        print()
        print(solve(problem))
    else:
        print()
        print(f"Work it out, then check with: {prog} --seed {args.seed} --solve")
    return 0


@dataclass(frozen=True)
class Problem:
    """A posed exercise: a statement and the parameters needed to solve it.

    Attributes
    ----------
    kind : str
        Which question this is (a module may pose several kinds).
    statement : str
        The question, with every parameter echoed.
    params : dict
        The parameters, for the module's ``solve``.
    """

    kind: str
    statement: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.statement

    __repr__ = __str__  # a bare ``problem`` at the end of a lab cell reads as its statement


@dataclass(frozen=True)
class Solution:
    """The answer to a :class:`Problem`: a value and the working that leads to it."""

    problem: Problem
    value: float
    working: str

    def __str__(self) -> str:
        return self.working
