"""Over the replications of one run: each metric's summary and the mean daily series."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.metrics import TIMESERIES, ReplicationResult
from sim.stats.intervals import Summary, summarise

if TYPE_CHECKING:
    pass


def summarise_metrics(results: list[ReplicationResult]) -> dict[str, Summary]:
    """Mean, std and CI of every metric over the replications.

    One more row counts the replications in which the backlog never cleared
    (`backlog_never_cleared_replications`: an exact count of these replications, so its
    interval has no width).
    """
    summaries = {m: summarise([r.metrics[m] for r in results]) for m in results[0].metrics}
    never = sum(math.isnan(r.metrics["backlog_clear_days"]) for r in results)
    summaries["backlog_never_cleared_replications"] = Summary(
        float(never), 0.0, float(never), float(never), len(results)
    )
    return summaries


def mean_timeseries(results: list[ReplicationResult]) -> dict[str, np.ndarray]:
    """Daily series averaged over replications."""
    return {k: np.mean([r.timeseries[k] for r in results], axis=0) for k in TIMESERIES}
