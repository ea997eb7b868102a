"""Tables over time: per week (or 4-week month) arrivals, assessments, the SLA share and the backlog.

With growth there is no steady state, so a planner reads the run period by period. Periods start on
day 0 (a Monday, or `scenario.start_date`'s weekday) and are whole weeks, so each holds the same
weekly pattern; the last one may be short. `first_period_backlog_grows` is the first measured
period from which the end-of-period backlog rises at every whole period to the last, with at least
`MIN_RISES` rises (noise around a steady level ends in 4 rises in a row less than 1 % of the time:
1/5!), NaN when it never does.

>>> first_period_backlog_grows(np.array([5, 3, 4, 6, 9, 12, 15.0]), period_days=1, warmup_days=0)
1.0
>>> first_period_backlog_grows(np.array([5, 6, 4, 3, 5, 6, 7.0]), period_days=1, warmup_days=0)
nan
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.metrics import ReplicationResult
from sim.stats.intervals import summarise

PERIOD_DAYS = {"week": 7, "month": 28}
MIN_RISES = 4
PERIOD_COLUMNS = ("arrivals", "assessed", "sla_assessment_share", "backlog_end", "backlog_peak_end_of_day")


def period_bounds(days: int, period_days: int) -> list[tuple[int, int]]:
    """[start, end) day ranges of the periods covering `days` days (the last may be short)."""
    return [(start, min(start + period_days, days)) for start in range(0, days, period_days)]


def first_period_backlog_grows(backlog_per_day: np.ndarray, period_days: int, warmup_days: float) -> float:
    """The first whole period (counted from day 0) starting in the measured window from which the
    end-of-period backlog keeps rising to the last whole period, with at least MIN_RISES rises;
    else NaN. A short last period is left out (it ends on another weekday)."""
    bounds = [(s, e) for s, e in period_bounds(len(backlog_per_day), period_days) if e - s == period_days]
    ends = [backlog_per_day[end - 1] for _, end in bounds]
    first_measured = next((k for k, (start, _) in enumerate(bounds) if start >= warmup_days), len(bounds))
    k = len(ends) - 1
    while k > first_measured and ends[k - 1] < ends[k]:
        k -= 1
    return float(k) if len(ends) - 1 - k >= MIN_RISES else math.nan


def period_values(result: ReplicationResult, start: int, end: int) -> dict[str, float]:
    """One replication's figures for the days [start, end)."""
    series = result.timeseries
    due = series["sla_due"][start:end].sum()
    return {
        "arrivals": float(series["arrivals"][start:end].sum()),
        "assessed": float(series["assessed"][start:end].sum()),
        "sla_assessment_share": float(series["sla_met"][start:end].sum() / due) if due else math.nan,
        "backlog_end": float(series["backlog"][end - 1]),
        "backlog_peak_end_of_day": float(series["backlog"][start:end].max()),
    }


# The metrics a plan can check period by period from one run's daily series (`period_metric`);
# a per-source service level `sla_assessment_share_source_S` too. Counts are yearly rates there.
PERIOD_METRICS = (
    "sla_assessment_share", "wait_hours_mean", "reports_found", "reports_assessed", "reports_received",
    "backlog_end",
)  # fmt: skip
SOURCE_SHARE = "sla_assessment_share_source_"
YEARLY = ("reports_found", "reports_assessed", "reports_received")  # counts, as a rate a year


def period_metric(result: ReplicationResult, metric: str, start: int, end: int, sources: list[str]) -> float:
    """One replication's `metric` over the days [start, end) from its daily series: a service level
    by arrival day (of the sources `sla.sources` counts, or of one source), the mean wait of the
    assessments started in it, a count as a rate a year (the period's count x 365 / its days), or
    the backlog at its last day's end. `sources` are the scenario's source keys, in file order
    (`sim.scenario.intake.source_key`). KeyError for a metric not in `PERIOD_METRICS`."""
    series = result.timeseries
    days = slice(start, end)
    if metric == "sla_assessment_share" or metric.startswith(SOURCE_SHARE):
        suffix = (
            ""
            if metric == "sla_assessment_share"
            else f"_source_{sources.index(metric[len(SOURCE_SHARE) :])}"
        )
        due = series[f"sla_due{suffix}"][days].sum()
        return float(series[f"sla_met{suffix}"][days].sum() / due) if due else math.nan
    if metric == "wait_hours_mean":
        started = series["started"][days].sum()
        return float(series["waited_hours"][days].sum() / started) if started else math.nan
    if metric == "backlog_end":
        return float(series["backlog"][end - 1])
    if metric in YEARLY:
        name = {"reports_found": "found", "reports_assessed": "assessed", "reports_received": "arrivals"}[
            metric
        ]
        return float(series[name][days].sum() * 365.0 / (end - start))
    raise KeyError(metric)


def period_rows(results: list[ReplicationResult], period_days: int, warmup_days: float) -> list[list[Any]]:
    """Rows of periods.csv: the period, its days, whether it starts in the warm-up, and for each
    column the mean and 95 % CI over replications."""
    days = len(results[0].timeseries["arrivals"])
    rows = []
    for number, (start, end) in enumerate(period_bounds(days, period_days)):
        values = [period_values(r, start, end) for r in results]
        row: list[Any] = [number, start, end, int(start < warmup_days)]
        for column in PERIOD_COLUMNS:
            s = summarise([v[column] for v in values])
            row += [s.mean, s.ci95_low, s.ci95_high]
        rows.append(row)
    return rows


def period_header() -> list[str]:
    """Columns of periods.csv."""
    header = ["period", "start_day", "end_day", "in_warmup"]
    for column in PERIOD_COLUMNS:
        header += [f"{column}_mean", f"{column}_ci95_low", f"{column}_ci95_high"]
    return header
