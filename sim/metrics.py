"""The metrics of a replication: their names, families and the replication result.

Definitions (W = warm-up end, H = horizon,
the measured window is [W, H)):

- reports_received / merged / fast_tracked / queued: arrivals in the window (queued = new + fast-tracked).
- reports_assessed: assessments that end in the window; time_to_assessment_* over those reports.
- wait_hours_*: arrival to start of assessment, over reports whose assessment starts in the window.
- reports_actionable = notices_sent: actionable assessments that end in the window.
- pages_removed: of those notices, pages removed before H, so pages_removed <= notices_sent.
- time_to_removal_* (arrival to removal) and the per-host removal_hours_*: over every notice of the
  window, from each page's scheduled removal (removal needs no queueing, so its time is known when
  the notice is sent): long delays near the horizon are not cut off.
- hotline_hours_mean / host_hours_mean: over the same notices as time_to_removal_*, arrival to
  notice and notice to removal, so they add up to time_to_removal_hours_mean. With escalation on,
  a notice's removal is recorded once escalation can no longer bring it forward (`sim.model.takedown`).
- pages_removed_within_3_days_share, and per host / route removed_within_{1_hour,1_day,3_days,
  28_days}_share: of those notices, the share removed within that time of the notice.
- rechecks / escalations: follow-up re-checks ending in the window, pages escalated in it;
  analyst_recheck_hours: on-duty hours in the window spent on re-checks.
- pages_reuploaded: removed pages coming back in the window; reuploads_blocked: of those, stopped
  at upload; reuploads_reported: arriving as reports (also counted in reports_received).
- queue_length_mean: time-average number waiting (not in assessment) over the window.
- backlog_start / in_assessment_start: waiting / in assessment at W; backlog_end / in_assessment_end
  at H, so assessed + backlog_end + in_assessment_end = queued + backlog_start + in_assessment_start.
- analyst_utilisation: busy (assessing + re-checking) hours / on-duty hours in the window (on
  duty = worked duty days plus the overrun of assessments finished after a shift's end) =
  time_share_assessing + time_share_rechecking.
- time_share_*: shares of on-duty hours spent assessing, re-checking, on break, searching, on
  other work (the viewing cap reached) and idle (the rest); they sum to 1.
- sla_assessment_share: of the queued reports arriving in [W, H - sla.assessment_hours), the share
  assessed within sla.assessment_hours; unassessed reports count as misses. With no warm-up the
  starting backlog (arrival time 0) counts too.
- reports_found: reports found by proactive searching in the window (part of reports_received).
- backlog_peak: the most reports waiting at once in the window (from its start on).
- backlog_clear_days: days from the end of the last surge or capacity window (0 when there is none)
  until no report is waiting (the last one starts assessment); NaN if that never happens.
- viewing_hours_per_analyst_day_*: assessing + searching + re-checking hours per worked duty day starting in
  the window (an assessment counts in the day it starts).
- analyst_days_rostered / analyst_days_absent: duty days starting in the window after headcount
  changes, holidays and capacity windows, and of those the days lost to absence.
- with two or more priority classes: wait_hours_mean/p50/p95 and reports_assessed per class
  (`_priority_<p>` appended).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.scenario.schema import Scenario

METRICS = (
    "reports_received",
    "reports_merged",
    "reports_fast_tracked",
    "reports_queued",
    "reports_assessed",
    "reports_actionable",
    "notices_sent",
    "pages_removed",
    "wait_hours_mean",
    "wait_hours_p50",
    "wait_hours_p95",
    "time_to_assessment_hours_mean",
    "time_to_assessment_hours_p50",
    "time_to_assessment_hours_p95",
    "time_to_removal_hours_mean",
    "time_to_removal_hours_p50",
    "time_to_removal_hours_p95",
    "queue_length_mean",
    "backlog_start",
    "in_assessment_start",
    "backlog_end",
    "in_assessment_end",
    "analyst_utilisation",
    "analyst_on_duty_hours",
    "analyst_assessing_hours",
    "sla_assessment_share",
    "reports_per_day_mean",
    "assessed_per_day_mean",
    "reports_found",
    "backlog_peak",
    "backlog_clear_days",
    "analyst_break_hours",
    "analyst_searching_hours",
    "analyst_other_hours",
    "time_share_assessing",
    "time_share_break",
    "time_share_searching",
    "time_share_other",
    "time_share_idle",
    "viewing_hours_per_analyst_day_mean",
    "viewing_hours_per_analyst_day_max",
    "analyst_days_rostered",
    "analyst_days_absent",
    "first_period_backlog_grows",
    "hotline_hours_mean",
    "host_hours_mean",
    "pages_removed_within_3_days_share",
    "rechecks",
    "escalations",
    "analyst_recheck_hours",
    "time_share_rechecking",
    "pages_reuploaded",
    "reuploads_blocked",
    "reuploads_reported",
)
PRIORITY_METRICS = ("wait_hours_mean", "wait_hours_p50", "wait_hours_p95", "reports_assessed")
SPENDING = ("break", "searching", "other")


def priority_classes(scenario: Scenario) -> list[int]:
    """The scenario's priority classes, most urgent first; one class means no priorities."""
    return sorted({source.priority for source in scenario.intake.sources.values()})


def metric_names(scenario: Scenario) -> list[str]:
    """Every metric of a replication of `scenario`, in table order."""
    names = list(METRICS)
    classes = priority_classes(scenario)
    if len(classes) > 1:
        names += [f"{metric}_priority_{p}" for p in classes for metric in PRIORITY_METRICS]
    return names


TIMESERIES = ("arrivals", "assessed", "backlog", "removed", "fast_tracked", "merged")
# shares of notices removed within these delays after the notice (hours)
WITHIN_HOURS = {"1_hour": 1.0, "1_day": 24.0, "3_days": 72.0, "28_days": 672.0}
HOST_COLUMNS = (
    "notices",
    "removed",
    "rechecks",
    "escalations",
    "removal_hours_mean",
    "removal_hours_p50",
    "removal_hours_p95",
    *(f"removed_within_{name}_share" for name in WITHIN_HOURS),
)


@dataclass
class ReplicationResult:
    """What one replication hands back: metrics, daily series, the wait histogram, per-host rows."""

    replication: int
    metrics: dict[str, float]
    timeseries: dict[str, np.ndarray]
    wait_histogram: np.ndarray
    hosts: list[dict[str, float]] = field(default_factory=list)
    routes: list[dict[str, float]] = field(default_factory=list)
    removal_histograms: dict[str, np.ndarray] = field(default_factory=dict)  # per route: notice to removal
