"""Statistics over replications: mean, standard deviation and t-based 95 % confidence interval.

NaN values (a metric undefined in a replication, e.g. no removals) are left out, and the
`replications` count says how many values made the figure.

>>> s = summarise([1.0, 2.0, 3.0])
>>> s.mean, s.std, s.replications
(2.0, 1.0, 3)
>>> round(s.ci95_low, 4), round(s.ci95_high, 4)
(-0.4841, 4.4841)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Summary:
    """Mean, std and 95 % CI of one metric over replications (NaN where undefined)."""

    mean: float
    std: float
    ci95_low: float
    ci95_high: float
    replications: int

    @property
    def half_width(self) -> float:
        """Half-width of the 95 % confidence interval."""
        return (self.ci95_high - self.ci95_low) / 2.0


UNDEFINED = Summary(math.nan, math.nan, math.nan, math.nan, 0)  # a metric with no defined value


@lru_cache(maxsize=256)
def t_quantile_975(dof: int) -> float:
    """Two-sided 95 % Student t critical value for `dof` degrees of freedom."""
    from scipy.special import stdtrit  # far lighter to import than scipy.stats

    return float(stdtrit(dof, 0.975))


def summarise(values: list[float] | np.ndarray) -> Summary:
    """Summarise one metric's per-replication values."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = int(v.size)
    if n == 0:
        return Summary(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(v.mean())
    if n == 1:
        return Summary(mean, math.nan, math.nan, math.nan, 1)
    # identical values (a structural percentile, say) have no spread, not a rounding residue
    std = 0.0 if np.all(v == v[0]) else float(v.std(ddof=1))
    half = t_quantile_975(n - 1) * std / math.sqrt(n)
    return Summary(mean, std, mean - half, mean + half, n)
