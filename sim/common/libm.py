"""Elementwise `exp`, `expm1` and `log1p` through the C library, so seeded numbers do not depend on
the CPU.

numpy computes float64 `exp` and `log` (and, through SVML, `expm1` and `log1p`) on SIMD paths when
the CPU has AVX-512; those results may differ from the C library's in the last bit, and a last bit
is enough to move an arrival or an assessment and so every number after it. The same scenario and
seed must give byte-identical tables on any machine, so the model computes these functions with
Python's `math` module (the C library) one value at a time. The arrays are chunks of at most a few
thousand values, so this costs little.

>>> import numpy as np
>>> exp(np.array([0.0, 1.0])).tolist() == [1.0, math.e]
True
>>> log1p(np.array([-1.0, -2.0, 0.0])).tolist()  # numpy's values outside the domain, no error
[-inf, nan, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def _elementwise(
    fast: Callable[[float], float],
    function: Callable[[float], float],
    values: np.ndarray | float,
) -> np.ndarray:
    """`function` of each value: `fast` (the bare `math` function, about 40 % quicker without a
    Python frame per value) unless it raises for some value (overflow, outside the domain), then
    `function`, which gives numpy's value there; where `fast` returns, both agree to the bit."""
    array = np.asarray(values, dtype=float)
    flat = array.ravel().tolist()
    try:
        out = np.fromiter(map(fast, flat), dtype=float, count=array.size)
    except (OverflowError, ValueError):
        out = np.fromiter(map(function, flat), dtype=float, count=array.size)
    return out.reshape(array.shape)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _log1p(x: float) -> float:
    if x > -1.0 or x != x:
        return math.log1p(x)
    return -math.inf if x == -1.0 else math.nan


def exp(values: np.ndarray | float) -> np.ndarray:
    """e ** values, elementwise (inf on overflow, as numpy)."""
    return _elementwise(math.exp, _exp, values)


def expm1(values: np.ndarray | float) -> np.ndarray:
    """e ** values - 1, elementwise (inf on overflow, as numpy)."""
    return _elementwise(math.expm1, _expm1, values)


def log1p(values: np.ndarray | float) -> np.ndarray:
    """log(1 + values), elementwise (-inf at -1 and NaN below, as numpy)."""
    return _elementwise(math.log1p, _log1p, values)
