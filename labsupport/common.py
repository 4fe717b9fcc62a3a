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
# ----------------------------------------------------------------------------------------------
def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_finite(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : object
        What the caller passed.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number (booleans are refused too).
    ValueError
        If ``value`` is NaN or infinite.

    Examples
    --------
    >>> check_finite("rate", 2)
    2.0
    """
    if not _is_real(value):
        raise TypeError(f'"{name}" must be a real number, got {value!r} ({type(value).__name__})')
    value = float(value)
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
        What the caller passed. Floats are refused even when whole (``3.0``), so that a
        rate passed where a count belongs is caught.
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
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f'"{name}" must be an integer, got {value!r} ({type(value).__name__})')
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f'"{name}" must be >= {minimum}, got {value!r}')
    if maximum is not None and value > maximum:
        raise ValueError(f'"{name}" must be <= {maximum}, got {value!r}')
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
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f'"{name}" must be an iterable of percentiles, got {value!r}')
    out = tuple(check_finite(name, q) for q in value)
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


def check_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a non-empty, one-dimensional array of finite floats, or raise.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the error message.
    value : array_like
        What the caller passed.

    Returns
    -------
    numpy.ndarray of float, shape (n,)

    Raises
    ------
    TypeError
        If ``value`` is a string or cannot be read as numbers.
    ValueError
        If it is empty, not one-dimensional, or holds NaN or infinity (the message gives the first
        offending value and its index).

    Examples
    --------
    >>> check_array("rates_per_s", [1, 2.5]).tolist()
    [1.0, 2.5]
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f'"{name}" must be an array of numbers, got {type(value).__name__}')
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f'"{name}" must be an array of numbers, got {type(value).__name__}') from None
    if arr.ndim != 1:
        raise ValueError(f'"{name}" must be one-dimensional, got shape {arr.shape}')
    if arr.size == 0:
        raise ValueError(f'"{name}" must not be empty')
    bad = ~np.isfinite(arr)
    if bad.any():
        index = int(np.argmax(bad))
        raise ValueError(f'"{name}" must be finite, got {float(arr[index])!r} at index {index}')
    return arr


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
    values = np.percentile(arr, qs) if qs else []
    return LatencySummary(
        n=int(arr.size),
        mean=float(arr.mean()),
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
    jobs = list(jobs)
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
