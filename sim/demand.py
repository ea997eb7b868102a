"""Arrivals: per source, a non-homogeneous Poisson process generated in chunks by thinning.

rate(t) = reports_per_day x volume_multiplier x (1 + growth_per_year) ** (t_days / 365)
          x weekly[day of week] x hourly[hour of day]
with both profiles normalised to mean 1, so they shape the volume within a week or a day but never
scale it. Candidates are drawn at the peak rate and kept with probability rate(t) / peak (Lewis and
Shedler thinning), vectorised with numpy, a chunk at a time, from the source's own stream.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sim.roster import HOURS_PER_DAY, HOURS_PER_WEEK

DAYS_PER_YEAR = 365.0


def week_profile(weekly: list[float] | None, hourly: list[float] | None) -> np.ndarray:
    """Relative rate for each of the 168 hours of a week (Monday 00:00 first), mean 1."""
    week = np.ones(7) if weekly is None else np.asarray(weekly, dtype=float)
    day = np.ones(24) if hourly is None else np.asarray(hourly, dtype=float)
    week = week / week.mean()
    day = day / day.mean()
    return (week[:, None] * day[None, :]).ravel()


class ArrivalProcess:
    """The arrival-time generator of one source (times in model hours)."""

    def __init__(
        self,
        reports_per_day: float,
        growth_per_year: float,
        profile_168: np.ndarray,
        horizon_hours: float,
    ):
        self.rate_per_hour = reports_per_day / HOURS_PER_DAY
        self.growth_per_year = growth_per_year
        self.profile_168 = profile_168
        self.horizon_hours = horizon_hours
        growth_peak = max(1.0, self.growth_factor(horizon_hours))
        self.peak_rate_per_hour = self.rate_per_hour * float(profile_168.max()) * growth_peak

    def growth_factor(self, t_hours: np.ndarray | float) -> np.ndarray | float:
        """Compound growth multiplier at time `t_hours`."""
        return (1.0 + self.growth_per_year) ** (np.asarray(t_hours) / (HOURS_PER_DAY * DAYS_PER_YEAR))

    def rate_at(self, t_hours: np.ndarray) -> np.ndarray:
        """Arrival rate (reports per hour) at each time."""
        hour_of_week = (t_hours.astype(np.int64) % int(HOURS_PER_WEEK)).astype(np.intp)
        return self.rate_per_hour * self.profile_168[hour_of_week] * self.growth_factor(t_hours)

    def chunks(self, rng: np.random.Generator, chunk_size: int = 4096) -> Iterator[np.ndarray]:
        """Yield sorted arrays of arrival times in [0, horizon), chunk after chunk."""
        if self.peak_rate_per_hour <= 0:
            return
        mean_gap_hours = 1.0 / self.peak_rate_per_hour
        t = 0.0
        while t < self.horizon_hours:
            candidates = t + np.cumsum(rng.standard_exponential(chunk_size) * mean_gap_hours)
            keep_u = rng.random(chunk_size)
            t = float(candidates[-1])
            kept = candidates[
                (keep_u * self.peak_rate_per_hour < self.rate_at(candidates))
                & (candidates < self.horizon_hours)
            ]
            if kept.size:
                yield kept
