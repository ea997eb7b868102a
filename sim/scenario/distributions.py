"""Distribution specs (`{dist = ..., ...}` tables) and chunked samplers drawing from one Generator.

A spec is written in the unit of the key that holds it (`time_minutes` in minutes, `removal_hours`
in hours); a sampler is built with the factor that converts that unit to model hours, once, here.

Every sampler draws from a standardised variate where it can (exponential: mean x standard
exponential; lognormal: exp(mu + sigma z)), so two sweep arms that change only a mean use the same
underlying random numbers (common random numbers).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sim.common import libm
from sim.common.limits import MAX_CV, MAX_LIST, MAX_VALUE

CHUNK_VALUES = 1024  # values drawn at once by a Sampler
DIST_NAMES = ("exponential", "lognormal", "gamma", "fixed", "triangular", "empirical")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Exponential(_Spec):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean: float = Field(gt=0, le=MAX_VALUE)

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit."""
        return self.mean

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        return 1.0


class LogNormal(_Spec):
    """Lognormal parameterised by its mean and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: float = Field(gt=0, le=MAX_VALUE)
    cv: float = Field(ge=0, le=MAX_CV)

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit."""
        return self.mean

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        return self.cv


class Gamma(_Spec):
    """Gamma parameterised by its mean and coefficient of variation (shape = 1 / cv^2)."""

    dist: Literal["gamma"]
    mean: float = Field(gt=0, le=MAX_VALUE)
    cv: float = Field(ge=0, le=MAX_CV)

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit."""
        return self.mean

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        return self.cv


class Fixed(_Spec):
    """A constant value (no randomness)."""

    dist: Literal["fixed"]
    value: float = Field(ge=0, le=MAX_VALUE)

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit."""
        return self.value

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        return 0.0


class Triangular(_Spec):
    """Triangular on [low, high] with the given mode."""

    dist: Literal["triangular"]
    low: float = Field(ge=0, le=MAX_VALUE)
    mode: float = Field(ge=0, le=MAX_VALUE)
    high: float = Field(gt=0, le=MAX_VALUE)

    @field_validator("mode")
    @classmethod
    def _mode_not_below_low(cls, mode: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and mode < low:
            raise ValueError(f"expected low <= mode <= high, but mode {mode} < low {low}")
        return mode

    @field_validator("high")
    @classmethod
    def _high_not_below_mode(cls, high: float, info: ValidationInfo) -> float:
        mode = info.data.get("mode")
        if mode is not None and high < mode:
            raise ValueError(f"expected low <= mode <= high, but high {high} < mode {mode}")
        return high

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit."""
        return (self.low + self.mode + self.high) / 3.0

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        a, c, b = self.low, self.mode, self.high
        var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
        return math.sqrt(var) / self.mean_value


class Empirical(_Spec):
    """A published shape: `values` with the share of draws at or below each (`cumulative`).

    `{ dist = "empirical", values = [0, 1, 48], cumulative = [0, 0.52, 1] }` in hours reads "52 %
    within 1 hour, all within 48 hours"; between two points draws are spread evenly (the
    cumulative share is interpolated linearly), so the shape is matched exactly at every point.
    """

    dist: Literal["empirical"]
    values: list[Annotated[float, Field(ge=0, le=MAX_VALUE)]] = Field(min_length=2, max_length=MAX_LIST)
    cumulative: list[Annotated[float, Field(ge=0, le=1)]] = Field(min_length=2, max_length=MAX_LIST)

    @field_validator("values")
    @classmethod
    def _values_rise(cls, values: list[float]) -> list[float]:
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            raise ValueError(f"expected values in non-decreasing order, got {values}")
        return values

    @field_validator("cumulative")
    @classmethod
    def _cumulative_shape(cls, cumulative: list[float], info: ValidationInfo) -> list[float]:
        values = info.data.get("values")
        if values is not None and len(values) != len(cumulative):
            raise ValueError(
                f"expected one cumulative share per value ({len(values)}), got {len(cumulative)}"
            )
        if cumulative[0] != 0 or cumulative[-1] != 1:
            raise ValueError(f"expected cumulative shares from 0 to 1, got {cumulative}")
        if any(b <= a for a, b in zip(cumulative, cumulative[1:], strict=False)):
            raise ValueError(f"expected strictly rising cumulative shares, got {cumulative}")
        return cumulative

    @property
    def mean_value(self) -> float:
        """Mean in the spec's unit (each segment holds its share, spread evenly)."""
        v, c = self.values, self.cumulative
        return math.fsum((c[i + 1] - c[i]) * (v[i] + v[i + 1]) / 2.0 for i in range(len(v) - 1))

    @property
    def cv_value(self) -> float:
        """Coefficient of variation."""
        v, c = self.values, self.cumulative
        second = math.fsum(
            (c[i + 1] - c[i]) * (v[i] ** 2 + v[i] * v[i + 1] + v[i + 1] ** 2) / 3.0 for i in range(len(v) - 1)
        )
        mean = self.mean_value
        return math.sqrt(max(second - mean * mean, 0.0)) / mean if mean > 0 else 0.0


Distribution = Annotated[
    Exponential | LogNormal | Gamma | Fixed | Triangular | Empirical, Field(discriminator="dist")
]


def draw(spec: Distribution, rng: np.random.Generator, size: int, scale: float = 1.0) -> np.ndarray:
    """Draw `size` values of `spec` from `rng`, multiplied by `scale` (the unit conversion)."""
    if isinstance(spec, Exponential):
        return rng.standard_exponential(size) * (spec.mean * scale)
    if isinstance(spec, LogNormal):
        if spec.cv == 0:
            return np.full(size, spec.mean * scale)
        sigma2 = math.log1p(spec.cv * spec.cv)
        mu = math.log(spec.mean * scale) - sigma2 / 2.0
        return libm.exp(mu + math.sqrt(sigma2) * rng.standard_normal(size))
    if isinstance(spec, Gamma):
        if spec.cv == 0:
            return np.full(size, spec.mean * scale)
        shape = 1.0 / (spec.cv * spec.cv)
        return rng.standard_gamma(shape, size) * (spec.mean * scale / shape)
    if isinstance(spec, Fixed):
        return np.full(size, spec.value * scale)
    if isinstance(spec, Triangular):
        if spec.low == spec.high:
            return np.full(size, spec.low * scale)
        return rng.triangular(spec.low, spec.mode, spec.high, size) * scale
    if isinstance(spec, Empirical):
        return np.interp(rng.random(size), spec.cumulative, spec.values) * scale
    raise TypeError(f"unknown distribution spec {spec!r}")  # pragma: no cover - schema forbids it


class Sampler:
    """One value at a time from `spec` (or uniform on [0, 1) with no spec), drawn in chunks."""

    def __init__(self, rng: np.random.Generator, spec: Distribution | None = None, scale: float = 1.0):
        self.rng = rng
        self.spec = spec
        self.scale = scale
        self._values: list[float] = []

    def next(self) -> float:
        """The next value."""
        if not self._values:
            if self.spec is None:
                chunk = self.rng.random(CHUNK_VALUES)
            else:
                chunk = draw(self.spec, self.rng, CHUNK_VALUES, self.scale)
            self._values = chunk.tolist()[::-1]
        return self._values.pop()
