"""Over the replications of one run: each metric's summary and the mean daily series."""

from __future__ import annotations

import math

import numpy as np

from sim.metrics import NEVER_CLEARED, TIMESERIES, ReplicationResult
from sim.stats.intervals import Summary, summarise


def summarise_metrics(results: list[ReplicationResult]) -> dict[str, Summary]:
    """Mean, std and CI of every metric over the replications.

    One more row counts the replications in which the backlog never cleared
    (`backlog_never_cleared_replications`: an exact count of these replications, so its
    interval has no width).
    """
    summaries = {m: summarise([r.metrics[m] for r in results]) for m in results[0].metrics}
    summaries[NEVER_CLEARED] = never_cleared(results)
    return summaries


def never_cleared(results: list[ReplicationResult]) -> Summary:
    """`backlog_never_cleared_replications`: how many replications end with a backlog that never
    cleared, an exact count (its interval has no width)."""
    never = float(sum(math.isnan(r.metrics["backlog_clear_days"]) for r in results))
    return Summary(never, 0.0, never, never, len(results))


def summary_difference(name: str, arm: list[ReplicationResult], base: list[ReplicationResult]) -> Summary:
    """The difference of a summary-only metric (an exact count over the replications) between an
    arm and its base: exact too."""
    if name != NEVER_CLEARED:
        raise KeyError(name)
    difference = never_cleared(arm).mean - never_cleared(base).mean
    return Summary(difference, 0.0, difference, difference, min(len(arm), len(base)))


def mean_timeseries(results: list[ReplicationResult]) -> dict[str, np.ndarray]:
    """Daily series averaged over replications."""
    return {k: np.mean([r.timeseries[k] for r in results], axis=0) for k in TIMESERIES}
