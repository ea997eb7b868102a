"""Shares that change over the simulated time: a number, a growth rule or (day, share) points.

`dedup.hash_match_share` and `dedup.duplicate_share` take any of these forms (days count from the
start of the simulation, warm-up included; a year is 365 days):

- a number: the same share throughout;
- a growth rule `{ start = 0.05, per_year = 0.03, max = 0.4 }`: start + per_year x years, kept
  within [min, max] (min defaults to 0, max to 1; per_year may be negative);
- points `{ points = [[0, 0.05], [365, 0.08], [1461, 0.2]] }` (also written as a bare list of
  [day, share] pairs, or as a list of `{ day = ..., share = ... }` tables): linearly interpolated
  between points, and flat before the first and after the last.

Every form is piecewise linear in time, so a condition such as "two shares sum to at most 1" holds
everywhere once it holds at every breakpoint (`breakpoint_days`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from sim.common.limits import MAX_DAYS, MAX_LIST, MAX_SHARE_PER_YEAR

HOURS_PER_YEAR = 365.0 * 24.0
HOURS_PER_DAY = 24.0

Share = Annotated[float, Field(ge=0, le=1)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class GrowthRule(_Rule):
    """`{ start, per_year, min, max }`: a share growing (or shrinking) linearly, kept in [min, max]."""

    start: Share
    per_year: float = Field(ge=-MAX_SHARE_PER_YEAR, le=MAX_SHARE_PER_YEAR)
    min: Share = 0.0
    max: Share = 1.0

    @model_validator(mode="after")
    def _bounds(self) -> GrowthRule:
        if self.min > self.max:
            raise ValueError(f"expected min <= max, got min {self.min} > max {self.max}")
        return self


Day = Annotated[float, Field(ge=0, le=MAX_DAYS)]


class PointTable(_Rule):
    """One point written as a table: `{ day = 365, share = 0.1 }`."""

    day: Day
    share: Share


def _point_tag(value: Any) -> str:
    return "<table>" if isinstance(value, dict | PointTable) else "<pair>"


Point = Annotated[
    Annotated[tuple[Day, Share], Tag("<pair>")] | Annotated[PointTable, Tag("<table>")],
    Discriminator(_point_tag),
]


class PointsRule(_Rule):
    """`{ points = [[day, share], ...] }`: linear between points, flat outside them."""

    points: list[Point] = Field(min_length=1, max_length=MAX_LIST)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, list):  # a bare list of [day, share] pairs or of {day, share} tables
            return {"points": data}
        return data

    @field_validator("points", mode="before")
    @classmethod
    def _pairs_as_tuples(cls, points: Any) -> Any:
        if isinstance(points, list):
            return [tuple(p) if isinstance(p, list) else p for p in points]
        return points

    @field_validator("points")
    @classmethod
    def _days_rise(cls, points: list[tuple[float, float] | PointTable]) -> list[tuple[float, float]]:
        pairs = [(p.day, p.share) if isinstance(p, PointTable) else (p[0], p[1]) for p in points]
        days = [day for day, _ in pairs]
        if any(b <= a for a, b in zip(days, days[1:], strict=False)):
            raise ValueError(f"expected points in strictly rising order of day, got days {days}")
        return pairs  # one form, however they were written

    @property
    def pairs(self) -> list[tuple[float, float]]:
        """The points as (day, share) pairs."""
        return [(p[0], p[1]) if isinstance(p, tuple) else (p.day, p.share) for p in self.points]


def _rule_tag(value: Any) -> str:
    if isinstance(value, GrowthRule | PointsRule):  # a validated rule being serialised
        return "<growth rule>" if isinstance(value, GrowthRule) else "<points>"
    if isinstance(value, dict) and "points" not in value:
        return "<growth rule>"
    if isinstance(value, dict | list):
        return "<points>"
    return "<number>"


# union tags are written "<...>" so that an error's key path can leave them out
ShareRule = Annotated[
    Annotated[Share, Tag("<number>")]
    | Annotated[GrowthRule, Tag("<growth rule>")]
    | Annotated[PointsRule, Tag("<points>")],
    Discriminator(_rule_tag),
]
SHARE_RULE_EXPECTED = (
    "expected a share from 0 to 1, a growth rule such as { start = 0.05, per_year = 0.03, max = 0.4 } "
    "or points such as { points = [[0, 0.05], [365, 0.1]] }"
)


def is_constant(rule: float | GrowthRule | PointsRule) -> bool:
    """Whether the share never changes (a number, a rule with no growth or a single point)."""
    if isinstance(rule, GrowthRule):
        return rule.per_year == 0 or rule.min == rule.max
    if isinstance(rule, PointsRule):
        return len({share for _, share in rule.pairs}) == 1
    return True


def share_at(rule: float | GrowthRule | PointsRule, hours: np.ndarray | float) -> np.ndarray | float:
    """The share at simulated time `hours` (an array gives an array)."""
    if isinstance(rule, GrowthRule):
        years = np.asarray(hours, dtype=float) / HOURS_PER_YEAR
        value = np.clip(rule.start + rule.per_year * years, rule.min, rule.max)
        return value if np.ndim(hours) else float(value)
    if isinstance(rule, PointsRule):
        days = [day for day, _ in rule.pairs]
        shares = [share for _, share in rule.pairs]
        value = np.interp(np.asarray(hours, dtype=float) / HOURS_PER_DAY, days, shares)
        return value if np.ndim(hours) else float(value)
    return np.full(np.shape(hours), float(rule)) if np.ndim(hours) else float(rule)


def breakpoint_days(rule: float | GrowthRule | PointsRule) -> list[float]:
    """Days where the rule's slope changes (day 0 included); it is linear between them."""
    days = [0.0]
    if isinstance(rule, PointsRule):
        days += [day for day, _ in rule.pairs]
    elif isinstance(rule, GrowthRule) and rule.per_year != 0:
        for bound in (rule.min, rule.max):
            years = (bound - rule.start) / rule.per_year
            if years > 0 and math.isfinite(years):
                days.append(years * 365.0)
    return days


def mean_share(rule: float | GrowthRule | PointsRule, start_hours: float, end_hours: float) -> float:
    """The share's average over [start_hours, end_hours] (exact for these piecewise-linear rules)."""
    if is_constant(rule) or end_hours <= start_hours:
        return float(share_at(rule, start_hours))
    inner = [d * HOURS_PER_DAY for d in breakpoint_days(rule) if start_hours < d * HOURS_PER_DAY < end_hours]
    edges = [start_hours, *sorted(inner), end_hours]
    values = [float(share_at(rule, t)) for t in edges]
    area = math.fsum(
        (b - a) * (va + vb) / 2.0 for a, b, va, vb in zip(edges, edges[1:], values, values[1:], strict=False)
    )
    return area / (end_hours - start_hours)
