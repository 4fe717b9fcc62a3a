"""Low precision: round-to-nearest-even and stochastic rounding to bfloat16, float16 and float8 (e4m3).

Chapter: "Trainium2, scaling up" (``chapters/trainium_up.md``); lab: ``labs/rounding_stochastic.ipynb``;
tests: ``tests/test_rounding.py``.

A format with ``m`` stored significand bits and exponent bias ``b`` spaces its numbers ``2**(e - m)``
apart in the binade ``[2**e, 2**(e+1))``, and never closer than ``2**(1 - b - m)`` (the subnormals).
Rounding to nearest (ties to even) picks the closer of the two neighbours of ``x``; stochastic rounding
picks the upper one with probability equal to the distance from the lower one divided by the gap, so
that the rounded value is ``x`` on average. Round-to-nearest loses every update smaller than half a gap
(an accumulator "stagnates"); stochastic rounding keeps it in expectation (Connolly, Higham & Mary 2021).

Both roundings work on the bit patterns of float32 or float64 inputs with integer operations, rounding
once from the input's exact value (a float64 input is never rounded to float32 first, which would round
twice). The results are float32 arrays holding values the format can represent.

Formats (``FORMATS``): ``"bfloat16"`` (8 exponent bits, 7 stored significand bits; overflow gives
infinity), ``"float16"`` (IEEE binary16: 5 and 10; overflow gives infinity) and ``"float8_e4m3"`` (the
OCP 8-bit e4m3 "fn" format: 4 and 3, bias 7, no infinity, largest finite 448, and anything that rounds
past 448 — or an infinite input — becomes NaN).

Run ``python -m labsupport.rounding --seed 3`` for a practice problem and add ``--solve`` for its answer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from .common import (
    Problem,
    Solution,
    check_bool,
    check_choice,
    check_int,
    check_positive,
    check_str,
    make_rng,
    run_cli,
)

__all__ = [
    "FloatFormat",
    "FORMATS",
    "MODES",
    "format_info",
    "round_nearest",
    "round_stochastic",
    "round_reference",
    "neighbours",
    "ulp",
    "HarmonicResult",
    "harmonic_sum",
    "StagnationResult",
    "stagnation_point",
    "SumErrorResult",
    "sum_error",
    "RegressionResult",
    "train_linear_regression",
    "pose_problem",
    "solve",
    "main",
]

MODES = ("nearest", "stochastic")
#: Most elements one call rounds (about 0.8 GB of float64), so that a typo cannot exhaust memory.
MAX_ELEMENTS = 100_000_000
_CHUNK = 1 << 16  # elements per block: the temporaries stay in the CPU's cache


@dataclass(frozen=True)
class FloatFormat:
    """A binary floating-point format.

    Attributes
    ----------
    name : str
        ``"bfloat16"``, ``"float16"`` or ``"float8_e4m3"``.
    exponent_bits, mantissa_bits : int
        Widths of the exponent field and of the stored significand (the leading 1 is implicit).
    bias : int
        Exponent bias: a normal number is ``1.f * 2**(E - bias)``.
    max_finite : float
        The largest finite value.
    has_inf : bool
        Whether the format has infinities (overflow gives inf); if not, overflow gives NaN.

    Examples
    --------
    >>> FloatFormat("bfloat16", 8, 7, 127, 3.3895313892515355e38, True).unit_roundoff
    0.00390625
    """

    name: str
    exponent_bits: int
    mantissa_bits: int
    bias: int
    max_finite: float
    has_inf: bool

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_int("exponent_bits", self.exponent_bits, minimum=2, maximum=11)
        check_int("mantissa_bits", self.mantissa_bits, minimum=1, maximum=52)
        check_int("bias", self.bias, minimum=1, maximum=1023)
        check_positive("max_finite", self.max_finite)
        check_bool("has_inf", self.has_inf)

    @property
    def emin(self) -> int:
        """Exponent of the smallest normal number (1 - bias)."""
        return 1 - self.bias

    @property
    def min_normal(self) -> float:
        """Smallest positive normal number, 2**emin."""
        return math.ldexp(1.0, self.emin)

    @property
    def min_subnormal(self) -> float:
        """Smallest positive number, 2**(emin - mantissa_bits)."""
        return math.ldexp(1.0, self.emin - self.mantissa_bits)

    @property
    def unit_roundoff(self) -> float:
        """u = 2**-(mantissa_bits + 1): the largest relative error of round-to-nearest (normal range)."""
        return math.ldexp(1.0, -(self.mantissa_bits + 1))

    @property
    def bits(self) -> int:
        """Total width in bits (sign + exponent + significand)."""
        return 1 + self.exponent_bits + self.mantissa_bits


FORMATS: dict[str, FloatFormat] = {
    "bfloat16": FloatFormat("bfloat16", 8, 7, 127, float((2 - 2.0 ** -7) * 2.0 ** 127), True),
    "float16": FloatFormat("float16", 5, 10, 15, 65504.0, True),
    "float8_e4m3": FloatFormat("float8_e4m3", 4, 3, 7, 448.0, False),
}


def format_info(fmt: str) -> FloatFormat:
    """The :class:`FloatFormat` called ``fmt``.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of ``FORMATS``.

    Examples
    --------
    >>> format_info("float16").max_finite
    65504.0
    """
    return FORMATS[check_choice("fmt", fmt, tuple(FORMATS))]


def _as_float_array(name: str, x: Any) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        raise TypeError(f'"{name}" must be a number or an array of numbers, got {type(x).__name__}')
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f'"{name}" must be a number or an array of numbers, got {x!r}')
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):  # ragged nesting, objects numpy cannot hold
        raise TypeError(f'"{name}" must be a number or an array of numbers, got {type(x).__name__}') from None
    if arr.dtype == np.float32 or arr.dtype == np.float64:
        pass
    elif arr.dtype.kind in "iuf":  # integers and other floats: exact in float64 (up to 2**53)
        arr = arr.astype(np.float64)
    else:
        raise TypeError(f'"{name}" must hold real numbers, got dtype {arr.dtype}')
    if arr.size > MAX_ELEMENTS:
        raise ValueError(f'"{name}" has {arr.size} elements; at most {MAX_ELEMENTS} are allowed')
    return arr


def _round_block(x: np.ndarray, spec: FloatFormat, rng: np.random.Generator | None) -> np.ndarray:
    """Round one block (float32 or float64, 1-D) to ``spec``; returns float32.

    In the target's normal range the spacing at ``x`` is x's own binade over 2**mantissa_bits, so the
    same number of low bits ``s`` is dropped everywhere: add half an ulp less one plus the last kept bit
    (ties to even) or ``s`` random bits (stochastic), then clear the low bits. The sum is done on the
    whole bit pattern, in place: a finite magnitude plus less than 2**s never reaches the sign bit, and a
    carry out of the significand moves into the exponent field exactly as it should. Values below the
    target's smallest normal number all share one spacing, the smallest subnormal, and are rounded
    exactly in float64 (a power-of-two scaling, a floor and a comparison). Overflow, infinities and
    NaN are fixed up last.
    """
    if x.dtype == np.float64:
        utype, width, man, bias = np.uint64, 64, 52, 1023
    else:
        utype, width, man, bias = np.uint32, 32, 23, 127
    one = utype(1)
    bits = x.view(utype)
    sign_bit = one << utype(width - 1)
    s = utype(man - spec.mantissa_bits)
    low_mask = (one << s) - one
    if rng is None:
        out_bits = bits >> s
        out_bits &= one  # the last kept bit: ties go to the even neighbour
        out_bits += (one << (s - one)) - one
    else:
        out_bits = rng.integers(0, np.iinfo(utype).max, size=x.shape, dtype=utype, endpoint=True)
        out_bits &= low_mask
    out_bits += bits
    out_bits &= ~low_mask
    out = out_bits.view(x.dtype)
    mag = bits & ~sign_bit
    if x.size and int(mag.min()) < (spec.emin + bias) << man:
        idx = np.nonzero(mag < (spec.emin + bias) << man)[0]  # below the target's smallest normal
        x_low = x[idx].astype(np.float64)
        scaled = np.abs(x_low) / spec.min_subnormal  # exact: a power-of-two scaling
        n = np.floor(scaled)
        frac = scaled - n  # exact
        if rng is None:
            up = (frac > 0.5) | ((frac == 0.5) & (n % 2 == 1))
        else:
            up = rng.random(idx.size) < frac
        out[idx] = np.copysign((n + up) * spec.min_subnormal, x_low)
    out_mag = out_bits & ~sign_bit
    max_bits = np.array(spec.max_finite, dtype=x.dtype).view(utype)
    if x.size and int(out_mag.max()) > int(max_bits):  # overflow, or an inf/NaN input
        inf_bits = utype(((1 << (width - 1 - man)) - 1) << man)
        special = mag >= inf_bits
        over = (out_mag > max_bits) & ~special
        out[over] = np.copysign(np.inf, out[over]) if spec.has_inf else np.nan
        if special.any():
            out[special] = x[special] if spec.has_inf else np.nan
    return out.astype(np.float32, copy=False)


def _round(x: Any, fmt: str, rng: np.random.Generator | None) -> np.ndarray:
    spec = format_info(fmt)
    arr = _as_float_array("x", x)
    flat = np.ascontiguousarray(arr).reshape(-1)
    out = np.empty(flat.size, dtype=np.float32)
    with np.errstate(invalid="ignore"):  # NaN payloads are not preserved; numpy warns about casting them
        for start in range(0, flat.size, _CHUNK):
            out[start:start + _CHUNK] = _round_block(flat[start:start + _CHUNK], spec, rng)
    return out.reshape(arr.shape)


def round_nearest(x: Any, fmt: str) -> np.ndarray:
    """Round to the nearest value of ``fmt``, ties to the one with an even last bit.

    Parameters
    ----------
    x : array_like of float
        Values to round (float32 or float64; other real dtypes are read as float64). NaN and
        infinities are allowed: NaN stays NaN; infinity stays infinite in bfloat16 and float16 and
        becomes NaN in float8_e4m3, which has no infinity.
    fmt : {"bfloat16", "float16", "float8_e4m3"}
        Target format.

    Returns
    -------
    numpy.ndarray of float32, same shape as ``x``
        Each value representable in ``fmt``. Values past the largest finite one (by at least half a
        gap) become infinity (bfloat16, float16) or NaN (float8_e4m3).

    Raises
    ------
    TypeError
        If ``x`` is not numeric.
    ValueError
        If ``fmt`` is unknown or ``x`` has more than ``MAX_ELEMENTS`` elements.

    Examples
    --------
    >>> round_nearest([2049.0, 2051.0, 65520.0], "float16").tolist()
    [2048.0, 2052.0, inf]
    >>> round_nearest([464.0, 465.0], "float8_e4m3").tolist()
    [448.0, nan]
    >>> float(round_nearest(1 + 2**-8 + 2**-30, "bfloat16"))
    1.0078125
    """
    return _round(x, fmt, None)


def round_stochastic(x: Any, fmt: str, rng: Any = None) -> np.ndarray:
    """Round each value up or down at random, so that the result equals ``x`` on average.

    ``x`` between neighbours ``lo < x < hi`` of ``fmt`` becomes ``hi`` with probability
    ``(x - lo) / (hi - lo)`` and ``lo`` otherwise; representable values are unchanged. This is done as
    hardware does it: add random bits below the kept ones and truncate. In the subnormal range below the
    smallest subnormal the probability is computed exactly in float64.

    Parameters
    ----------
    x : array_like of float
        Values to round (float32 or float64). NaN and infinities as in :func:`round_nearest`.
    fmt : {"bfloat16", "float16", "float8_e4m3"}
        Target format.
    rng : None, int or numpy.random.Generator, optional
        Source of the random bits.

    Returns
    -------
    numpy.ndarray of float32, same shape as ``x``
        A value that rounds up past the largest finite one becomes infinity (bfloat16, float16) or NaN
        (float8_e4m3).

    Raises
    ------
    TypeError
        If ``x`` is not numeric or ``rng`` is not a seed or Generator.
    ValueError
        If ``fmt`` is unknown.

    Examples
    --------
    >>> r = round_stochastic(np.full(10_000, 1 + 2**-9), "bfloat16", rng=1)
    >>> sorted(set(r.tolist()))
    [1.0, 1.0078125]
    >>> round(float(r.mean()), 4)
    1.0019
    """
    return _round(x, fmt, make_rng(rng))


def round_reference(value: Any, fmt: str, mode: str = "nearest", u: float = 0.5) -> float:
    """Round one number in exact rational arithmetic, in plain Python: the slow, obviously-right version.

    Parameters
    ----------
    value : float
        The number to round.
    fmt : {"bfloat16", "float16", "float8_e4m3"}
    mode : {"nearest", "stochastic"}, default="nearest"
    u : float, default=0.5
        For ``"stochastic"``: the uniform draw in [0, 1); the value rounds up when
        ``u < (x - lo) / (hi - lo)``.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``value`` is not a real number, ``fmt`` or ``mode`` is unknown, or ``u`` is outside [0, 1).

    Examples
    --------
    >>> round_reference(3 * 2.0**-25, "float16")
    1.1920928955078125e-07
    """
    spec = format_info(fmt)
    mode = check_choice("mode", mode, MODES)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f'"value" must be a real number, got {value!r}')
    if isinstance(u, bool) or not isinstance(u, (int, float)) or not 0 <= u < 1:
        raise ValueError(f'"u" must be in [0, 1), got {u!r}')
    try:
        v = float(value)
    except OverflowError:  # an integer beyond the float range
        raise ValueError(f'"value" must be within the float range (about 1.8e308), got an integer of '
                         f'{len(str(abs(int(value))))} digits') from None
    if math.isnan(v):
        return math.nan
    if math.isinf(v):
        return v if spec.has_inf else math.nan
    if v == 0:
        return v
    a = Fraction(abs(v))
    e_x = math.frexp(abs(v))[1] - 1
    quantum = Fraction(2) ** (max(e_x, spec.emin) - spec.mantissa_bits)
    n, rest = divmod(a, quantum)
    if mode == "nearest":
        if 2 * rest > quantum or (2 * rest == quantum and n % 2 == 1):
            n += 1
    elif Fraction(u) < rest / quantum:
        n += 1
    exact = n * quantum  # compared before float(): rounding up past 2**1024 would raise OverflowError
    result = (math.inf if spec.has_inf else math.nan) if exact > spec.max_finite else float(exact)
    return math.copysign(result, v)


def neighbours(x: Any, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """The two values of ``fmt`` around each finite ``x``: the largest <= x and the smallest >= x.

    Parameters
    ----------
    x : array_like of float
        Finite values (float32 or float64).
    fmt : {"bfloat16", "float16", "float8_e4m3"}

    Returns
    -------
    lo, hi : numpy.ndarray of float64
        Equal where ``x`` is representable. ``hi`` may be infinite (or NaN for float8_e4m3) past the largest
        finite value.

    Raises
    ------
    ValueError
        If ``fmt`` is unknown or ``x`` is not finite.

    Examples
    --------
    >>> [a.tolist() for a in neighbours([1.003], "bfloat16")]
    [[1.0], [1.0078125]]
    """
    spec = format_info(fmt)
    arr = _as_float_array("x", x).astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError('"x" must be finite')
    gap = ulp(np.abs(arr), fmt)
    with np.errstate(over="ignore"):  # past the float maximum: inf, replaced by the format's overflow below
        lo = np.floor(arr / gap) * gap
        hi = np.ceil(arr / gap) * gap
    bad = np.abs(hi) > spec.max_finite
    hi = np.where(bad, np.copysign(np.inf if spec.has_inf else np.nan, hi), hi)
    bad_lo = np.abs(lo) > spec.max_finite
    lo = np.where(bad_lo, np.copysign(np.inf if spec.has_inf else np.nan, lo), lo)
    return lo, hi


def ulp(x: Any, fmt: str) -> np.ndarray:
    """Gap between consecutive values of ``fmt`` at the magnitude of ``x`` (its "unit in the last place").

    Parameters
    ----------
    x : array_like of float
        Finite values.
    fmt : {"bfloat16", "float16", "float8_e4m3"}

    Returns
    -------
    numpy.ndarray of float64
        ``2**(max(e, emin) - mantissa_bits)`` where ``2**e <= |x| < 2**(e+1)``.

    Raises
    ------
    ValueError
        If ``fmt`` is unknown or ``x`` is not finite.

    Examples
    --------
    >>> ulp([1.0, 5.0, 0.0], "float16").tolist()
    [0.0009765625, 0.00390625, 5.960464477539063e-08]
    """
    spec = format_info(fmt)
    arr = np.abs(_as_float_array("x", x).astype(np.float64))
    if not np.all(np.isfinite(arr)):
        raise ValueError('"x" must be finite')
    _, e = np.frexp(arr)
    e_x = np.where(arr > 0, e - 1, spec.emin)
    return np.asarray(np.ldexp(1.0, np.maximum(e_x, spec.emin) - spec.mantissa_bits))


# ----------------------------------------------------------------------------------------------
# Experiments: stagnation of sums, error growth, training with low-precision weights
# ----------------------------------------------------------------------------------------------
def _scalar_rounder(spec: FloatFormat, mode: str, rng: np.random.Generator):
    """A fast scalar rounding for sequential loops (float64 in, float64 out), same rules as the arrays.

    Every value it sees in this module's loops is finite and far from the format's overflow threshold
    for bfloat16 and float16; overflow is still handled.
    """
    emin, mbits, top = spec.emin, spec.mantissa_bits, spec.max_finite
    over = math.inf if spec.has_inf else math.nan
    frexp, ldexp, floor = math.frexp, math.ldexp, math.floor
    random = rng.random
    stochastic = mode == "stochastic"

    def rnd(v: float) -> float:
        if v == 0.0:
            return v
        a = -v if v < 0 else v
        exp_q = max(frexp(a)[1] - 1, emin) - mbits
        scaled = ldexp(a, -exp_q)  # exact: a power-of-two scaling
        n = floor(scaled)
        frac = scaled - n  # exact
        if stochastic:
            if random() < frac:
                n += 1
        elif frac > 0.5 or (frac == 0.5 and n % 2 == 1):
            n += 1
        r = ldexp(float(n), exp_q)
        if r > top:
            r = over
        return -r if v < 0 else r

    return rnd


@dataclass(frozen=True)
class HarmonicResult:
    """Partial sums of the harmonic series 1 + 1/2 + ... computed in a low-precision format.

    Attributes
    ----------
    fmt, mode : str
        Format and rounding mode.
    n_terms : int
    partial_sums : numpy.ndarray of float64, shape (n_terms,)
        ``partial_sums[k - 1]`` is the sum of the first ``k`` terms.
    exact : numpy.ndarray of float64, shape (n_terms,)
        The same partial sums in float64 (accurate to about 1e-13).
    """

    fmt: str
    mode: str
    n_terms: int
    partial_sums: np.ndarray
    exact: np.ndarray


def harmonic_sum(n_terms: int, fmt: str, *, mode: str = "nearest", rng: Any = None) -> HarmonicResult:
    """Sum 1/k for k = 1..n_terms with every term and every addition rounded to ``fmt``.

    The running sum and the term are both values of ``fmt``; their exact sum is a float64 (the two
    have at most 11 significant bits and the sums here stay within 2**20 of the terms), rounded once.

    Parameters
    ----------
    n_terms : int
        Number of terms, 1 to 2,000,000.
    fmt : {"bfloat16", "float16", "float8_e4m3"}
    mode : {"nearest", "stochastic"}, default="nearest"
    rng : None, int or numpy.random.Generator, optional
        For stochastic rounding.

    Returns
    -------
    HarmonicResult

    Raises
    ------
    TypeError, ValueError
        If ``n_terms`` is not a positive integer or ``fmt``/``mode`` is unknown.

    Examples
    --------
    >>> float(harmonic_sum(600, "float16").partial_sums[-1])
    7.0859375
    """
    n_terms = check_int("n_terms", n_terms, minimum=1, maximum=2_000_000)
    spec = format_info(fmt)
    mode = check_choice("mode", mode, MODES)
    rnd = _scalar_rounder(spec, mode, make_rng(rng))
    sums = np.empty(n_terms)
    s = 0.0
    for k in range(1, n_terms + 1):
        s = rnd(s + rnd(1.0 / k))
        sums[k - 1] = s
    exact = np.cumsum(1.0 / np.arange(1, n_terms + 1))
    return HarmonicResult(spec.name, mode, n_terms, sums, exact)


class StagnationResult(NamedTuple):
    """Where a sum got stuck: every term from ``term`` on left it at ``value``."""

    term: int
    value: float


def stagnation_point(result: HarmonicResult) -> StagnationResult | None:
    """The first term from which a harmonic sum never changes again, and the value it is stuck at.

    Parameters
    ----------
    result : HarmonicResult

    Returns
    -------
    StagnationResult (a named tuple ``(term, value)``) or None
        Terms ``term, term + 1, ..., n_terms`` all leave the sum at ``value``; None if the last term
        still changed the sum.

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`HarmonicResult`.

    Examples
    --------
    >>> stagnation_point(harmonic_sum(600, "float16"))
    StagnationResult(term=513, value=7.0859375)
    """
    if not isinstance(result, HarmonicResult):
        raise TypeError(f'"result" must be a HarmonicResult, got {type(result).__name__}')
    sums = result.partial_sums
    changed = np.nonzero(np.diff(sums) != 0)[0]
    last_change_term = int(changed[-1]) + 2 if changed.size else 1  # term whose addition last changed it
    if last_change_term >= sums.size:
        return None
    return StagnationResult(last_change_term + 1, float(sums[-1]))


@dataclass(frozen=True)
class SumErrorResult:
    """Relative error of long sums of uniform [0, 1) numbers accumulated in a low-precision format.

    Attributes
    ----------
    fmt, mode : str
    n_values : numpy.ndarray of int
        Sum lengths at which the error is recorded.
    relative_error : numpy.ndarray of float64, shape (trials, len(n_values))
        ``|computed - exact| / exact`` for each trial and length.
    unit_roundoff : float
        u of the format.
    """

    fmt: str
    mode: str
    n_values: np.ndarray
    relative_error: np.ndarray
    unit_roundoff: float


def sum_error(n_max: int, fmt: str, *, mode: str = "nearest", trials: int = 8, rng: Any = None) -> SumErrorResult:
    """Accumulate ``n_max`` uniform [0, 1) numbers (already in ``fmt``) in ``fmt``, ``trials`` times at once.

    The worst case of recursive summation with round-to-nearest grows like ``n·u``; with stochastic
    rounding the error is a martingale and grows like ``sqrt(n)·u`` with high probability
    (Connolly, Higham & Mary 2021).

    Parameters
    ----------
    n_max : int
        Number of terms, 10 to 200,000.
    fmt : {"bfloat16", "float16", "float8_e4m3"}
    mode : {"nearest", "stochastic"}, default="nearest"
    trials : int, default=8
        Independent sums, 1 to 256.
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    SumErrorResult
        Errors recorded at about 40 lengths spaced evenly in log(n).

    Raises
    ------
    TypeError, ValueError
        On bad parameters.

    Examples
    --------
    >>> r = sum_error(1000, "bfloat16", mode="stochastic", trials=2, rng=0)
    >>> r.relative_error.shape
    (2, 34)
    """
    n_max = check_int("n_max", n_max, minimum=10, maximum=200_000)
    spec = format_info(fmt)
    mode = check_choice("mode", mode, MODES)
    trials = check_int("trials", trials, minimum=1, maximum=256)
    rng = make_rng(rng)
    terms = round_nearest(rng.random((n_max, trials)), spec.name).astype(np.float64)
    exact = np.cumsum(terms, axis=0)
    record = np.unique(np.geomspace(1, n_max, 40).astype(int))
    want = np.zeros(n_max + 1, dtype=bool)
    want[record] = True
    errors = np.empty((trials, record.size))
    s = np.zeros(trials)
    j = 0
    stochastic = rng if mode == "stochastic" else None
    spec_fast = spec
    for k in range(n_max):
        s = _round_block(s + terms[k], spec_fast, stochastic).astype(np.float64)
        if want[k + 1]:
            errors[:, j] = np.abs(s - exact[k]) / exact[k]
            j += 1
    return SumErrorResult(spec.name, mode, record, errors, spec.unit_roundoff)


@dataclass(frozen=True)
class RegressionResult:
    """Linear regression by gradient descent with the weights stored in a low-precision format.

    Attributes
    ----------
    fmt, mode : str
        Storage format of the weights and the rounding applied after each update.
    learning_rate : float
    losses : numpy.ndarray, shape (steps + 1,)
        Mean squared error on the training set after each step (the first is at the start).
    float64_losses : numpy.ndarray, shape (steps + 1,)
        The same training with float64 weights.
    weights : numpy.ndarray, shape (n_features,)
        Final low-precision weights.
    true_weights : numpy.ndarray, shape (n_features,)
    noise_mse : float
        Loss of the true weights (the floor no method can beat on this data).
    """

    fmt: str
    mode: str
    learning_rate: float
    losses: np.ndarray
    float64_losses: np.ndarray
    weights: np.ndarray
    true_weights: np.ndarray
    noise_mse: float


def train_linear_regression(fmt: str = "bfloat16", *, mode: str = "nearest", learning_rate: float = 0.01,
                            steps: int = 600, n_features: int = 8, n_samples: int = 256,
                            rng: Any = None) -> RegressionResult:
    """Fit y = X w by full-batch gradient descent, rounding the weights to ``fmt`` after every update.

    Gradients are computed in float64; only the stored weights are low precision, as when a
    training run keeps its weights in bfloat16. With round-to-nearest an update smaller than half a
    gap of the weight is lost, so training stalls once ``learning_rate * |gradient|`` drops below it;
    stochastic rounding keeps such updates in expectation and the loss keeps falling.

    Parameters
    ----------
    fmt : {"bfloat16", "float16", "float8_e4m3"}, default="bfloat16"
    mode : {"nearest", "stochastic"}, default="nearest"
    learning_rate : float, default=0.01
        Step size (> 0, at most 0.5 so that gradient descent is stable for this data).
    steps : int, default=600
        Number of updates, 1 to 100,000.
    n_features : int, default=8
        Number of weights, 1 to 256.
    n_samples : int, default=256
        Training examples, at least ``n_features`` and at most 100,000.
    rng : None, int or numpy.random.Generator, optional
        Data, true weights (uniform in [1, 2)) and stochastic rounding.

    Returns
    -------
    RegressionResult

    Raises
    ------
    TypeError, ValueError
        On bad parameters.

    Examples
    --------
    >>> rn = train_linear_regression(mode="nearest", rng=0)
    >>> sr = train_linear_regression(mode="stochastic", rng=0)
    >>> bool(sr.losses[-1] < rn.losses[-1] / 10)
    True
    """
    spec = format_info(fmt)
    mode = check_choice("mode", mode, MODES)
    learning_rate = check_positive("learning_rate", learning_rate)
    if learning_rate > 0.5:
        raise ValueError(f'"learning_rate" must be <= 0.5, got {learning_rate!r}')
    steps = check_int("steps", steps, minimum=1, maximum=100_000)
    n_features = check_int("n_features", n_features, minimum=1, maximum=256)
    n_samples = check_int("n_samples", n_samples, minimum=n_features, maximum=100_000)
    rng = make_rng(rng)
    x = rng.standard_normal((n_samples, n_features))
    w_true = rng.uniform(1.0, 2.0, n_features)
    y = x @ w_true + 0.01 * rng.standard_normal(n_samples)
    round_rng = rng if mode == "stochastic" else None

    w = np.zeros(n_features)
    w64 = np.zeros(n_features)
    losses = np.empty(steps + 1)
    losses64 = np.empty(steps + 1)
    r = x @ w - y  # residuals, reused for the loss and the next gradient
    r64 = r.copy()
    losses[0] = losses64[0] = float(r @ r / n_samples)
    scale = 2.0 / n_samples
    for t in range(1, steps + 1):
        w = _round_block(w - learning_rate * (scale * (x.T @ r)), spec, round_rng).astype(np.float64)
        w64 = w64 - learning_rate * (scale * (x.T @ r64))
        r = x @ w - y
        r64 = x @ w64 - y
        losses[t] = float(r @ r / n_samples)
        losses64[t] = float(r64 @ r64 / n_samples)
    r_true = x @ w_true - y
    return RegressionResult(spec.name, mode, learning_rate, losses, losses64, w, w_true,
                            float(r_true @ r_true / n_samples))


# ----------------------------------------------------------------------------------------------
# Practice problems
# ----------------------------------------------------------------------------------------------
def pose_problem(rng: Any = None) -> Problem:
    """A random rounding question: round a number to a format, or find where a harmonic sum stalls.

    Examples
    --------
    >>> pose_problem(1).kind in {"round", "stall"}
    True
    """
    rng = make_rng(rng)
    fmt = str(rng.choice(list(FORMATS)))
    spec = FORMATS[fmt]
    if rng.random() < 0.5:
        # A value with a few more bits than the format keeps, in a comfortable range.
        e = int(rng.integers(-3, 4 if fmt == "float8_e4m3" else 8))
        frac = int(rng.integers(1, 2 ** (spec.mantissa_bits + 3)))
        value = math.ldexp(1.0 + frac / 2 ** (spec.mantissa_bits + 3), e)
        statement = (f"Round {value!r} to {fmt} ({spec.mantissa_bits} stored significand bits)\n"
                     "with round-to-nearest, ties to even. What value do you get?")
        return Problem("round", statement, {"fmt": fmt, "value": value})
    statement = (f"The harmonic series 1 + 1/2 + 1/3 + ... is summed in {fmt}\n"
                 "with round-to-nearest. At what value does the sum stop growing?\n"
                 "(Hint: a term is lost once it is below half the gap between\n"
                 "numbers near the sum.)")
    return Problem("stall", statement, {"fmt": fmt})


def solve(problem: Problem) -> Solution:
    """Solve a problem from :func:`pose_problem`, showing the working.

    Raises
    ------
    TypeError
        If ``problem`` is not a rounding :class:`~labsupport.common.Problem`.

    Examples
    --------
    >>> solve(pose_problem(1)).value > 0
    True
    """
    if not isinstance(problem, Problem) or problem.kind not in {"round", "stall"}:
        raise TypeError(f'"problem" must be a rounding Problem from pose_problem, got {problem!r}')
    fmt = problem.params["fmt"]
    spec = FORMATS[fmt]
    if problem.kind == "round":
        v = problem.params["value"]
        gap = float(ulp(v, fmt))
        lo = math.floor(v / gap) * gap
        value = float(round_nearest(v, fmt))
        working = (f"{v!r} lies in [{2.0 ** math.floor(math.log2(v))!r}, {2.0 ** (math.floor(math.log2(v)) + 1)!r}),"
                   f"\nwhere {fmt} numbers are {gap!r} apart.\n"
                   f"Neighbours: {lo!r} and {lo + gap!r}; the nearer (ties to even) is {value!r}.")
        return Solution(problem, value, working)
    result = harmonic_sum({"float16": 600, "bfloat16": 80, "float8_e4m3": 12}[fmt], fmt)
    k, s = stagnation_point(result)
    gap = float(ulp(s, fmt))
    working = (f"Near {s!r} the {fmt} numbers are {gap!r} apart, so a term below\n"
               f"half that, {gap / 2!r}, rounds away (exactly half goes to the even\n"
               f"neighbour). 1/k < {gap / 2!r} from k = {int(round(2 / gap)) + 1} on:\n"
               f"the sum stops at {s!r} (every term from k = {k} on is lost).")
    return Solution(problem, s, working)


def main(argv: Any = None) -> int:
    """Command line: ``python -m labsupport.rounding [--seed N] [--solve]``."""
    return run_cli("python -m labsupport.rounding", "Practice problems on low-precision rounding.",
                   pose_problem, solve, argv)


if __name__ == "__main__":
    raise SystemExit(main())
