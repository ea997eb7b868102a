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

DIST_NAMES = ("exponential", "lognormal", "gamma", "fixed", "triangular")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Exponential(_Spec):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean: float = Field(gt=0)

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
    mean: float = Field(gt=0)
    cv: float = Field(ge=0)

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
    mean: float = Field(gt=0)
    cv: float = Field(ge=0)

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
    value: float = Field(ge=0)

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
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(gt=0)

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


Distribution = Annotated[Exponential | LogNormal | Gamma | Fixed | Triangular, Field(discriminator="dist")]


def draw(spec: Distribution, rng: np.random.Generator, size: int, scale: float = 1.0) -> np.ndarray:
    """Draw `size` values of `spec` from `rng`, multiplied by `scale` (the unit conversion)."""
    if isinstance(spec, Exponential):
        return rng.standard_exponential(size) * (spec.mean * scale)
    if isinstance(spec, LogNormal):
        if spec.cv == 0:
            return np.full(size, spec.mean * scale)
        sigma2 = math.log1p(spec.cv * spec.cv)
        mu = math.log(spec.mean * scale) - sigma2 / 2.0
        return np.exp(mu + math.sqrt(sigma2) * rng.standard_normal(size))
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
    raise TypeError(f"unknown distribution spec {spec!r}")  # pragma: no cover - schema forbids it
